#include "web/router.h"

#include <stdio.h>
#include <string.h>

/* Next segment of s[0..len) starting at *pos (just after a '/'): sets seg/seg_len and moves
 * *pos past it and its trailing '/'. */
static void next_segment(const char *s, size_t len, size_t *pos, const char **seg, size_t *seg_len)
{
	size_t start = *pos;
	size_t i = start;
	while (i < len && s[i] != '/')
		i++;
	*seg = s + start;
	*seg_len = i - start;
	*pos = i < len ? i + 1 : i + 1; /* past the '/', or one past the end */
}

static bool bad_segment(const char *seg, size_t n)
{
	return n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.');
}

/* Matches one pattern; fills captures on success. */
static bool match_pattern(const char *pattern, const char *path, size_t path_len,
                          struct route_match *m)
{
	size_t plen = strlen(pattern);
	size_t pp = 1, xp = 1; /* both start with '/' */
	m->ncaptures = 0;
	for (;;) {
		bool pend = pp > plen;
		bool xend = xp > path_len;
		if (pend || xend)
			return pend && xend;
		const char *ps, *xs;
		size_t pn, xn;
		next_segment(pattern, plen, &pp, &ps, &pn);
		next_segment(path, path_len, &xp, &xs, &xn);
		if (bad_segment(xs, xn)) {
			/* "/" alone is the root: an empty first segment both sides. */
			if (!(xn == 0 && pn == 0 && pp > plen && xp > path_len))
				return false;
			continue;
		}
		if (pn >= 2 && ps[0] == '{' && ps[pn - 1] == '}') {
			if (m->ncaptures == ROUTER_MAX_CAPTURES)
				return false;
			m->captures[m->ncaptures++] =
			    (struct route_capture){ps + 1, pn - 2, xs, xn};
			continue;
		}
		if (pn != xn || memcmp(ps, xs, pn) != 0)
			return false;
	}
}

static void add_allow(struct route_match *m, const char *method)
{
	size_t used = strlen(m->allow);
	if (strstr(m->allow, method))
		return;
	snprintf(m->allow + used, sizeof(m->allow) - used, "%s%s", used ? ", " : "", method);
}

int router_match(const void *first, size_t stride, size_t n, const char *method, const char *path,
                 size_t path_len, struct route_match *m)
{
	memset(m, 0, sizeof(*m));
	m->route = -1;
	if (path_len == 0 || path[0] != '/' || path_len > ROUTER_MAX_PATH ||
	    memchr(path, '\0', path_len)) {
		m->status = 400;
		return m->status;
	}
	bool pattern_seen = false;
	const char *base = first;
	for (size_t i = 0; i < n; i++) {
		const struct route_key *k =
		    (const struct route_key *)(const void *)(base + i * stride);
		struct route_match trial = {0};
		if (!match_pattern(k->pattern, path, path_len, &trial))
			continue;
		if (strcmp(k->method, method) == 0) {
			m->route = (int)i;
			m->status = 200;
			m->ncaptures = trial.ncaptures;
			memcpy(m->captures, trial.captures, sizeof(trial.captures));
			m->allow[0] = '\0';
			return m->status;
		}
		pattern_seen = true;
		add_allow(m, k->method);
	}
	m->status = pattern_seen ? 405 : 404;
	if (!pattern_seen)
		m->allow[0] = '\0';
	return m->status;
}

bool router_pattern_valid(const char *pattern)
{
	if (!pattern || pattern[0] != '/')
		return false;
	int captures = 0;
	bool in_capture = false;
	for (const char *c = pattern; *c; c++) {
		if (*c == '{') {
			if (in_capture || c[-1] != '/')
				return false;
			in_capture = true;
		} else if (*c == '}') {
			if (!in_capture || c[-1] == '{' || (c[1] && c[1] != '/'))
				return false;
			in_capture = false;
			captures++;
		} else if (*c == '/' && in_capture) {
			return false;
		}
	}
	return !in_capture && captures <= ROUTER_MAX_CAPTURES;
}
