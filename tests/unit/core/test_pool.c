/* Unit tests for src/core/pool.c: jobs run on the pool's threads, a full queue refuses,
 * every accepted job runs exactly once (also those still queued at stop), and a stopped
 * pool refuses new ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>

#include "core/pool.h"

static atomic_int ran;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;

static void count(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ran, 1);
}

/* Blocks until the test unlocks gate_mu. */
static void blocked(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate_mu);
	pthread_mutex_unlock(&gate_mu);
	atomic_fetch_add(&ran, 1);
}

static void every_accepted_job_runs_once(void **state)
{
	(void)state;
	atomic_store(&ran, 0);
	struct pool *p;
	assert_int_equal(pool_start(4, 1000, &p, NULL), ERR_OK);
	for (int i = 0; i < 500; i++)
		assert_int_equal(pool_submit(p, count, NULL), ERR_OK);
	pool_stop(p);
	assert_int_equal(atomic_load(&ran), 500);
}

static void a_full_queue_refuses_and_stop_runs_the_rest(void **state)
{
	(void)state;
	atomic_store(&ran, 0);
	struct pool *p;
	assert_int_equal(pool_start(1, 2, &p, NULL), ERR_OK);
	pthread_mutex_lock(&gate_mu);
	/* One job holds the only thread (or waits in the queue); two more fill the queue. */
	int accepted = 0, busy = 0;
	for (int i = 0; i < 10; i++) {
		int rc = pool_submit(p, blocked, NULL);
		accepted += rc == ERR_OK;
		busy += rc == ERR_BUSY;
	}
	assert_true(accepted >= 2 && accepted <= 3);
	assert_int_equal(accepted + busy, 10);
	pthread_mutex_unlock(&gate_mu);
	pool_stop(p);
	assert_int_equal(atomic_load(&ran), accepted);
}

static void bad_sizes_are_refused(void **state)
{
	(void)state;
	struct pool *p = (struct pool *)1;
	assert_int_equal(pool_start(0, 4, &p, NULL), ERR_INVALID_ARG);
	assert_null(p);
	assert_int_equal(pool_start(65, 4, &p, NULL), ERR_INVALID_ARG);
	pool_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_accepted_job_runs_once),
	    cmocka_unit_test(a_full_queue_refuses_and_stop_runs_the_rest),
	    cmocka_unit_test(bad_sizes_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
