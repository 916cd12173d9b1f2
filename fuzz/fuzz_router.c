/*
 * libFuzzer target for src/web/router.c. Input: a method, a space, then the path bytes
 * (which may hold anything, NUL included). Checks the router's promises: no crash, a
 * status from {200, 400, 404, 405}, captures inside the path, never a match for a path
 * with an empty, "." or ".." segment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/router.h"

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
	if (!copy)
		return 0;
	memcpy(copy, path, plen);
	struct route_match m;
	int st = router_match(routes, sizeof(routes[0]), sizeof(routes) / sizeof(routes[0]), method,
	                      copy, plen, &m);
	if (st != 200 && st != 400 && st != 404 && st != 405)
		abort();
	if (st == 200) {
		if (m.route < 0 || has_bad_segment(copy, plen))
			abort();
		for (size_t i = 0; i < m.ncaptures; i++) {
			const struct route_capture *c = &m.captures[i];
			if (c->value < copy || c->value + c->value_len > copy + plen ||
			    c->value_len == 0)
				abort();
		}
	} else if (m.route != -1) {
		abort();
	}
	free(copy);
	return 0;
}
