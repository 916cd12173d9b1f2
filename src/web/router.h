/*
 * router.h - matching a request's method and path against a route table.
 *
 * Patterns are literal segments and `{name}` captures: "/api/v1/contacts/{id}/notes".
 * A capture matches one non-empty segment; no wildcard spans segments. Paths
 * must start with '/'; a trailing slash is a different path ("/healthz/" does
 * not match "/healthz"); empty segments ("//"), "." and ".." never match, so
 * the router needs no normalisation to be safe. Matching is pure (no
 * allocation, no I/O) so that it can be fuzzed on its own.
 *
 * The first route whose method and pattern match wins. If a pattern matches
 * but no route for it has the method, the answer is 405 with the methods that
 * would have matched (for the Allow header); if no pattern matches, 404.
 */
#ifndef IMMO_WEB_ROUTER_H
#define IMMO_WEB_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTER_MAX_CAPTURES 4
#define ROUTER_MAX_PATH     2048

struct route_capture {
	const char *name; /* points into the pattern, not NUL-terminated */
	size_t name_len;
	const char *value; /* points into the path, not NUL-terminated */
	size_t value_len;
};

struct route_match {
	int route;  /* index into the table, or -1 */
	int status; /* 200 found, 404 no pattern, 405 pattern but not the method, 400 bad path */
	char allow[64]; /* with 405: "GET, POST" */
	size_t ncaptures;
	struct route_capture captures[ROUTER_MAX_CAPTURES];
};

/* The part of a route the router looks at; callers embed it first in their own route struct. */
struct route_key {
	const char *method;
	const char *pattern;
};

/*
 * Matches method and path[0..path_len) against n routes whose keys lie `stride`
 * bytes apart starting at first (so any array of structs that begin with a
 * struct route_key works). Returns m->status.
 */
int router_match(const void *first, size_t stride, size_t n, const char *method, const char *path,
                 size_t path_len, struct route_match *m);

/* Checks a pattern at start-up: true when well-formed (leading '/', balanced {}, ≤ 4 captures). */
bool router_pattern_valid(const char *pattern);

#endif
