/*
 * Unit tests for src/sync/limits.c (issue #11): the gate around onOffice requests. Each
 * check shows that an attempt is let through or held back; a held-back attempt is told
 * apart by setting the stop flag from another thread after a short while: a waiting
 * enter then returns false, one let through had returned true already. No timing is
 * asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <time.h>

#include "sync/limits.h"

static void *stop_later(void *arg)
{
	struct timespec ts = {0, 200 * 1000000L};
	nanosleep(&ts, NULL);
	atomic_store((atomic_bool *)arg, true);
	return NULL;
}

/* enter() of g, with the stop flag set 200 ms later: true when let through at once. */
static bool enters(const struct oo_gate *g, atomic_bool *stop)
{
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, stop_later, stop), 0);
	bool in = g->enter(g->arg, 0);
	pthread_join(t, NULL);
	bool held = atomic_load(stop) && !in;
	atomic_store(stop, false);
	return !held;
}

static struct sync_limits *limits(unsigned inflight, double rate, atomic_bool *stop)
{
	struct sync_limits_config cfg = {inflight, rate, stop};
	struct sync_limits *l = NULL;
	assert_int_equal(sync_limits_new(&cfg, &l, NULL), ERR_OK);
	return l;
}

static void requests_in_flight_are_capped(void **state)
{
	(void)state;
	atomic_bool stop;
	atomic_init(&stop, false);
	struct sync_limits *l = limits(2, 1000, &stop);
	const struct oo_gate *a = sync_limits_gate(l, "1"), *b = sync_limits_gate(l, "2");
	assert_true(a->enter(a->arg, 0));
	assert_true(b->enter(b->arg, 0));
	assert_int_equal(sync_limits_inflight(l), 2);
	assert_false(enters(b, &stop)); /* a third waits for a free slot, whoever's */
	a->leave(a->arg, 200);
	assert_true(enters(b, &stop)); /* one left: the next goes */
	assert_int_equal(sync_limits_inflight(l), 2);
	a->leave(a->arg, 200);
	b->leave(b->arg, 200);
	assert_int_equal(sync_limits_inflight(l), 0);
	sync_limits_free(l);
}

static void one_customer_gets_its_rate_and_no_more(void **state)
{
	(void)state;
	atomic_bool stop;
	atomic_init(&stop, false);
	/* 1 a second: the second would wait a second; the checks below take ~400 ms. */
	struct sync_limits *l = limits(64, 1, &stop);
	const struct oo_gate *g = sync_limits_gate(l, "4711");
	assert_ptr_equal(sync_limits_gate(l, "4711"), g); /* one gate per customer */
	for (int i = 0; i < 1; i++) {
		assert_true(g->enter(g->arg, 0));
		g->leave(g->arg, 200);
	}
	/* The second within the same second waits; another customer does not. */
	const struct oo_gate *other = sync_limits_gate(l, "4712");
	assert_true(enters(other, &stop));
	other->leave(other->arg, 200);
	assert_false(enters(g, &stop));
	sync_limits_free(l);
}

static void a_429_or_5xx_holds_the_customer_back_for_everyone(void **state)
{
	(void)state;
	atomic_bool stop;
	atomic_init(&stop, false);
	struct sync_limits *l = limits(64, 1000, &stop);
	const struct oo_gate *g = sync_limits_gate(l, "9");
	assert_true(g->enter(g->arg, 0));
	g->leave(g->arg, 429);
	/* Every client of customer 9 waits now (the gate is shared), others go. */
	assert_false(enters(sync_limits_gate(l, "9"), &stop));
	const struct oo_gate *other = sync_limits_gate(l, "10");
	assert_true(enters(other, &stop));
	other->leave(other->arg, 200);
	/* A 503 and no answer at all count the same. */
	assert_true(other->enter(other->arg, 0));
	other->leave(other->arg, 503);
	assert_false(enters(other, &stop));
	sync_limits_free(l);
}

static void a_bounded_caller_gives_up_at_once_on_a_long_backoff(void **state)
{
	(void)state;
	atomic_bool stop;
	atomic_init(&stop, false);
	struct sync_limits *l = limits(64, 1000, &stop);
	const struct oo_gate *g = sync_limits_gate(l, "live");
	/* Five requests in flight together all get 503: one backoff step (0.5 s), not five. */
	for (int i = 0; i < 5; i++)
		assert_true(g->enter(g->arg, 0));
	for (int i = 0; i < 5; i++)
		g->leave(g->arg, 503);
	assert_true(g->enter(g->arg, 3000)); /* waits out 0.5 s, within 3 s */
	g->leave(g->arg, 503);               /* the next episode: 1 s */
	/* A caller that may wait 100 ms does not sit out a 1 s backoff: it fails at once. */
	assert_false(g->enter(g->arg, 100));
	/* A request that was entered but never sent gives no verdict. */
	assert_true(g->enter(g->arg, 3000));
	g->leave(g->arg, -1);
	assert_true(g->enter(g->arg, 100));
	g->leave(g->arg, 200);
	sync_limits_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(requests_in_flight_are_capped),
	    cmocka_unit_test(one_customer_gets_its_rate_and_no_more),
	    cmocka_unit_test(a_429_or_5xx_holds_the_customer_back_for_everyone),
	    cmocka_unit_test(a_bounded_caller_gives_up_at_once_on_a_long_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
