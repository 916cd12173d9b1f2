/* Unit tests for src/web/router.c: literal and captured segments, 404/405/400, safety. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "web/router.h"

struct test_route {
	struct route_key key;
	int tag;
};

static const struct test_route routes[] = {
    {{"GET", "/healthz"}, 1},
    {{"GET", "/api/v1/contacts"}, 2},
    {{"POST", "/api/v1/contacts"}, 3},
    {{"GET", "/api/v1/contacts/{id}"}, 4},
    {{"PATCH", "/api/v1/contacts/{id}"}, 5},
    {{"POST", "/api/v1/contacts/{id}/notes"}, 6},
    {{"POST", "/api/v1/sync/failures/{id}/retry"}, 7},
    {{"POST", "/api/v1/sync/failures/retry"}, 8},
    {{"GET", "/"}, 9},
};

static int match(const char *method, const char *path, struct route_match *m)
{
	return router_match(routes, sizeof(routes[0]), sizeof(routes) / sizeof(routes[0]), method,
	                    path, strlen(path), m);
}

static void literal_routes_match(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/healthz", &m), 200);
	assert_int_equal(routes[m.route].tag, 1);
	assert_int_equal(m.ncaptures, 0);
	assert_int_equal(match("POST", "/api/v1/contacts", &m), 200);
	assert_int_equal(routes[m.route].tag, 3);
	assert_int_equal(match("GET", "/", &m), 200);
	assert_int_equal(routes[m.route].tag, 9);
}

static void captures_are_returned(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("POST", "/api/v1/contacts/12/notes", &m), 200);
	assert_int_equal(routes[m.route].tag, 6);
	assert_int_equal(m.ncaptures, 1);
	assert_int_equal(m.captures[0].name_len, 2);
	assert_memory_equal(m.captures[0].name, "id", 2);
	assert_int_equal(m.captures[0].value_len, 2);
	assert_memory_equal(m.captures[0].value, "12", 2);
}

static void literal_wins_when_listed_first_and_capture_otherwise(void **state)
{
	(void)state;
	struct route_match m;
	/* "retry" is a literal in route 8 and a capture position in route 7 ({id}/retry needs
	 * one more segment), so these do not collide. */
	assert_int_equal(match("POST", "/api/v1/sync/failures/retry", &m), 200);
	assert_int_equal(routes[m.route].tag, 8);
	assert_int_equal(match("POST", "/api/v1/sync/failures/5/retry", &m), 200);
	assert_int_equal(routes[m.route].tag, 7);
}

static void wrong_method_is_405_with_allow(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("DELETE", "/api/v1/contacts/3", &m), 405);
	assert_int_equal(m.route, -1);
	assert_string_equal(m.allow, "GET, PATCH");
	assert_int_equal(match("PUT", "/healthz", &m), 405);
	assert_string_equal(m.allow, "GET");
}

static void unknown_paths_are_404(void **state)
{
	(void)state;
	struct route_match m;
	const char *paths[] = {"/healthz/",
	                       "/healthzz",
	                       "/api/v1/contacts/",
	                       "/api/v1",
	                       "/api/v1/contacts/1/notes/2",
	                       "/HEALTHZ",
	                       "/api//v1/contacts",
	                       "/api/v1/contacts//notes",
	                       "/api/v1/./contacts",
	                       "/api/v1/contacts/../contacts"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(match("GET", paths[i], &m), 404);
		assert_int_equal(m.route, -1);
	}
}

static void captures_refuse_dot_segments(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/contacts/..", &m), 404);
	assert_int_equal(match("GET", "/api/v1/contacts/.", &m), 404);
}

static void malformed_paths_are_400(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(router_match(routes, sizeof(routes[0]), 9, "GET", "", 0, &m), 400);
	assert_int_equal(router_match(routes, sizeof(routes[0]), 9, "GET", "healthz", 7, &m), 400);
	assert_int_equal(router_match(routes, sizeof(routes[0]), 9, "GET", "/heal\0thz", 9, &m),
	                 400);
	static char longpath[ROUTER_MAX_PATH + 10];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	assert_int_equal(
	    router_match(routes, sizeof(routes[0]), 9, "GET", longpath, strlen(longpath), &m), 400);
}

static void patterns_are_checked(void **state)
{
	(void)state;
	assert_true(router_pattern_valid("/a/{id}/b"));
	assert_true(router_pattern_valid("/"));
	assert_false(router_pattern_valid("a/b"));
	assert_false(router_pattern_valid("/a/{id"));
	assert_false(router_pattern_valid("/a/{}"));
	assert_false(router_pattern_valid("/a/x{id}"));
	assert_false(router_pattern_valid("/a/{id}x"));
	assert_false(router_pattern_valid("/{a}/{b}/{c}/{d}/{e}"));
	assert_false(router_pattern_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(literal_routes_match),
	    cmocka_unit_test(captures_are_returned),
	    cmocka_unit_test(literal_wins_when_listed_first_and_capture_otherwise),
	    cmocka_unit_test(wrong_method_is_405_with_allow),
	    cmocka_unit_test(unknown_paths_are_404),
	    cmocka_unit_test(captures_refuse_dot_segments),
	    cmocka_unit_test(malformed_paths_are_400),
	    cmocka_unit_test(patterns_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
