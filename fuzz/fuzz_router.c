/*
 * libFuzzer target for src/web/router.c and src/web/target.c. Input: a method, a space,
 * then the path bytes (which may hold anything, NUL included). Each input is routed twice:
 * as raw bytes, and percent-decoded the way the server does it (target_decode_path). Checks
 * the promises: no crash, a status from {200, 400, 404, 405}, captures inside the path,
 * never a match for a path with an empty, "." or ".." segment, never a decoded path with a
 * control byte, and - issue #9 - never a match for a path whose bytes differ from the
 * pattern's: the matched pattern with its captures put in must give back the whole path,
 * byte for byte, so a NUL (or anything after one) cannot hide from the router.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/router.h"
#include "web/target.h"

struct fuzz_route {
	struct route_key key;
};

static const struct fuzz_route routes[] = {
    {{"GET", "/"}},
    {{"GET", "/healthz"}},
    {{"POST", "/api/v1/conversions"}},
    {{"GET", "/api/v1/contacts"}},
    {{"GET", "/api/v1/contacts/{id}"}},
    {{"PATCH", "/api/v1/contacts/{id}"}},
    {{"DELETE", "/api/v1/contacts/{id}"}},
    {{"POST", "/api/v1/contacts/{id}/notes"}},
    {{"GET", "/api/v1/contacts/{id}/{what}"}},
    {{"POST", "/api/v1/sync/failures/{id}/retry"}},
    {{"POST", "/api/v1/sync/failures/retry"}},
    {{"GET", "/{a}/{b}/{c}/{d}"}},
};

static int has_bad_segment(const char *p, size_t n)
{
	size_t start = 1;
	for (size_t i = 1; i <= n; i++) {
		if (i == n || p[i] == '/') {
			size_t len = i - start;
			const char *s = p + start;
			if ((len == 0 && !(n == 1)) || (len == 1 && s[0] == '.') ||
			    (len == 2 && s[0] == '.' && s[1] == '.'))
				return 1;
			start = i + 1;
		}
	}
	return 0;
}

/* The pattern of a match with its captures put in equals path[0..n), byte for byte. */
static int rebuilds_path(const char *pattern, const struct route_match *m, const char *path,
                         size_t n)
{
	size_t pos = 0, cap = 0;
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close || cap == m->ncaptures)
				return 0;
			const struct route_capture *c = &m->captures[cap++];
			if (pos + c->value_len > n || c->value != path + pos)
				return 0;
			pos += c->value_len;
			p = close + 1;
			continue;
		}
		if (pos >= n || path[pos] != *p)
			return 0;
		pos++;
		p++;
	}
	return pos == n && cap == m->ncaptures;
}

static void route_one(const char *method, const char *path, size_t plen)
{
	struct route_match m;
	int st = router_match(routes, sizeof(routes[0]), sizeof(routes) / sizeof(routes[0]), method,
	                      path, plen, &m);
	if (st != 200 && st != 400 && st != 404 && st != 405)
		abort();
	if (st == 200) {
		if (m.route < 0 || has_bad_segment(path, plen) || memchr(path, '\0', plen) ||
		    !rebuilds_path(routes[m.route].key.pattern, &m, path, plen))
			abort();
		for (size_t i = 0; i < m.ncaptures; i++) {
			const struct route_capture *c = &m.captures[i];
			if (c->value < path || c->value + c->value_len > path + plen ||
			    c->value_len == 0)
				abort();
		}
	} else if (m.route != -1) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	const char *sp = memchr(d, ' ', size);
	if (!sp || sp - d > 10)
		return 0;
	char method[11];
	memcpy(method, d, (size_t)(sp - d));
	method[sp - d] = '\0';
	const char *path = sp + 1;
	size_t plen = size - (size_t)(sp - d) - 1;
	/* The path gets its own allocation so ASan sees any read past its end. */
	char *copy = malloc(plen ? plen : 1);
	char *decoded = malloc(plen + 1);
	if (!copy || !decoded)
		goto out;
	memcpy(copy, path, plen);
	route_one(method, copy, plen);
	size_t dlen = 0;
	if (target_decode_path(copy, plen, decoded, plen + 1, &dlen, NULL) == 0) {
		for (size_t i = 0; i < dlen; i++)
			if (target_is_ctl((unsigned char)decoded[i]))
				abort();
		route_one(method, decoded, dlen);
	}
out:
	free(decoded);
	free(copy);
	return 0;
}
