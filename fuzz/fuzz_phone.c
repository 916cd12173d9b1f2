/*
 * libFuzzer target for the phone normaliser in src/domain/phone.c.
 *
 * The input becomes a NUL-terminated string in an allocation of exactly size + 1
 * bytes, so ASan sees any read past the terminator. Invariants checked on top of
 * "no crash, no UB":
 *   - a refusal is ERR_INVALID_ARG with empty e164 and ext;
 *   - an accepted number is '+' and 7-15 digits (8-16 characters), its extension
 *     0-7 digits, phone_normalize agrees with phone_parse, and normalising the
 *     E.164 form again gives itself with no extension;
 *   - phone_same is reflexive for any text with a digit, and a parsed number
 *     without extension is the same as its E.164 form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "domain/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void check(const char *raw)
{
	struct phone_number p;
	char e164[PHONE_E164_MAX];
	int rc = phone_parse(raw, &p);
	int rc2 = phone_normalize(raw, e164, sizeof(e164));
	if (rc != rc2)
		abort();
	if (rc) {
		if (rc != ERR_INVALID_ARG || p.e164[0] || p.ext[0] || e164[0])
			abort();
		return;
	}
	size_t n = strlen(p.e164);
	if (p.e164[0] != '+' || n < 8 || n > 16 || !all_digits(p.e164 + 1))
		abort();
	if (strlen(p.ext) > 7 || !all_digits(p.ext))
		abort();
	if (strcmp(e164, p.e164) != 0)
		abort();
	struct phone_number again;
	if (phone_parse(p.e164, &again) != 0 || strcmp(again.e164, p.e164) != 0 || again.ext[0])
		abort();
	if (!phone_same(raw, raw))
		abort();
	if (!p.ext[0] && !phone_same(raw, p.e164))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = malloc(size + 1);
	if (!raw)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';
	check(raw);
	free(raw);
	return 0;
}
