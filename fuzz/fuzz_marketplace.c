/*
 * libFuzzer target for src/onoffice/marketplace.c: a Marketplace query string (outside
 * input: onOffice's iframe URL) through canonicalisation and verification. Must never
 * crash or read past the input; verification of arbitrary input must fail unless the
 * input carries the right signature, and a URL we sign must verify.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "onoffice/marketplace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query = malloc(size + 1);
	if (!query)
		return 0;
	memcpy(query, data, size);
	query[size] = '\0'; /* the HTTP layer hands over NUL-terminated query strings */

	struct buf canon = BUF_INIT(1 << 20);
	char *sig = NULL;
	struct err e = ERR_INIT;
	if (oo_mp_canonical_query(query, &canon, &sig, &e) == 0 &&
	    memchr(buf_str(&canon), '\0', canon.len))
		abort(); /* the canonical form is text */
	free(sig);
	buf_release(&canon);

	struct oo_mp_check chk = {"fuzz-secret", OO_MP_ACTIVATION, 1700000000, 0};
	struct oo_mp_link link;
	int rc = oo_mp_verify("https://provider.example/activate", query, &chk, &link, &e);
	if (rc == 0)
		oo_mp_link_release(&link);

	/* A decoded value signed by us must verify: round trip through the signer. */
	struct oo_mp_pair params[] = {{"customerWebId", "1"},
	                              {"userId", "2"},
	                              {"apiClaim", query},
	                              {"timestamp", "1700000000"}};
	char *url = NULL;
	/* An empty claim counts as missing (refused); any other value must come back. */
	if (query[0] && strlen(query) < 4096 &&
	    oo_mp_sign_url("https://provider.example/open", params, 4, "fuzz-secret", &url, &e) ==
	        0) {
		struct oo_mp_check svc = {"fuzz-secret", OO_MP_SERVICE, 1700000000, 0};
		if (oo_mp_verify_url(url, &svc, &link, &e) != 0)
			abort(); /* what we sign, we must accept */
		if (strcmp(link.api_claim ? link.api_claim : "", query) != 0)
			abort(); /* and read back the same value */
		oo_mp_link_release(&link);
		free(url);
	}
	free(query);
	return 0;
}
