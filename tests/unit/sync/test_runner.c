/*
 * Unit tests for src/sync/runner.c (issue #11): jobs of a fake kind whose due list and
 * "leases" live in this file. Shows that jobs run side by side up to the pool's size,
 * that one job never runs twice at once, that a job due again at once (a slice) is
 * picked up without waiting for the idle poll, that due jobs are handed over oldest
 * first, and that stop joins every thread while jobs watch the stop flag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "core/time.h"
#include "sync/runner.h"

#define NJOBS 40

struct fake {
	pthread_mutex_t mu;
	int runs[NJOBS + 1];      /* times each job ran */
	bool leased[NJOBS + 1];   /* running now (the "lease") */
	int want[NJOBS + 1];      /* runs each job should get */
	int running, peak;        /* concurrent runs */
	int twice;                /* a job started while it ran already */
	int sleep_ms;             /* each run waits this long (the network) */
	int64_t order[NJOBS * 4]; /* job ids in the order they started */
	size_t norder;
	atomic_bool stop;
};

static void fake_init(struct fake *f, int want, int sleep_ms)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	for (int i = 1; i <= NJOBS; i++)
		f->want[i] = want;
	f->sleep_ms = sleep_ms;
	atomic_init(&f->stop, false);
}

/* Due: jobs not leased with runs left, lowest id first (the "oldest"). */
static int fake_due(void *ctx, int64_t *ids, size_t cap, size_t *n, struct err *e)
{
	(void)e;
	struct fake *f = ctx;
	*n = 0;
	pthread_mutex_lock(&f->mu);
	for (int i = 1; i <= NJOBS && *n < cap; i++)
		if (!f->leased[i] && f->runs[i] < f->want[i])
			ids[(*n)++] = i;
	pthread_mutex_unlock(&f->mu);
	return 0;
}

static void fake_run(void *ctx, const char *owner, int64_t id, bool *again)
{
	struct fake *f = ctx;
	assert_non_null(strstr(owner, "test/w"));
	pthread_mutex_lock(&f->mu);
	if (f->leased[id] || f->runs[id] >= f->want[id]) {
		/* what a lease refusal looks like: another run holds it, or nothing to do */
		if (f->leased[id])
			f->twice++;
		pthread_mutex_unlock(&f->mu);
		*again = false;
		return;
	}
	f->leased[id] = true;
	if (f->norder < sizeof(f->order) / sizeof(f->order[0]))
		f->order[f->norder++] = id;
	if (++f->running > f->peak)
		f->peak = f->running;
	pthread_mutex_unlock(&f->mu);
	for (int waited = 0; waited < f->sleep_ms && !atomic_load(&f->stop); waited += 5) {
		struct timespec ts = {0, 5 * 1000000L};
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&f->mu);
	f->running--;
	f->runs[id]++;
	f->leased[id] = false;
	*again = f->runs[id] < f->want[id];
	pthread_mutex_unlock(&f->mu);
}

static int total_runs(struct fake *f)
{
	int t = 0;
	pthread_mutex_lock(&f->mu);
	for (int i = 1; i <= NJOBS; i++)
		t += f->runs[i];
	pthread_mutex_unlock(&f->mu);
	return t;
}

static struct sync_runner *start(struct fake *f, unsigned workers, int idle_poll_ms,
                                 struct sync_job_kind *kind)
{
	*kind = (struct sync_job_kind){"fake", fake_due, fake_run, NULL, f};
	struct sync_runner_config cfg = {.workers = workers,
	                                 .owner_prefix = "test",
	                                 .kinds = kind,
	                                 .nkinds = 1,
	                                 .stop = &f->stop,
	                                 .idle_poll_ms = idle_poll_ms};
	struct sync_runner *r = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(sync_runner_start(&cfg, &r, &e), ERR_OK);
	return r;
}

static void wait_for(struct fake *f, int runs, int64_t max_ms)
{
	int64_t until = time_mono_ms() + max_ms;
	while (total_runs(f) < runs && time_mono_ms() < until) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

static void jobs_run_side_by_side_up_to_the_pool_size(void **state)
{
	(void)state;
	struct fake f;
	struct sync_job_kind kind;
	fake_init(&f, 1, 200);
	struct sync_runner *r = start(&f, 8, 1000, &kind);
	wait_for(&f, NJOBS, 20000);
	assert_int_equal(total_runs(&f), NJOBS);
	/* 40 jobs of 200 ms on 8 workers: several at once, never more than 8. */
	assert_true(f.peak > 1);
	assert_true(f.peak <= 8);
	assert_int_equal(f.twice, 0);
	struct sync_runner_stats st;
	sync_runner_stats(r, &st);
	assert_int_equal(st.workers, 8);
	sync_runner_stop(r);
	assert_true(atomic_load(&f.stop));
}

static void a_job_due_again_is_picked_up_without_the_idle_poll(void **state)
{
	(void)state;
	struct fake f;
	struct sync_job_kind kind;
	fake_init(&f, 0, 1);
	f.want[7] = 5; /* one job, five slices */
	/* An idle poll of a minute: only "again" can bring the later slices this soon. */
	struct sync_runner *r = start(&f, 4, 60000, &kind);
	wait_for(&f, 5, 10000);
	assert_int_equal(f.runs[7], 5);
	assert_int_equal(f.twice, 0);
	sync_runner_stop(r);
}

static void due_jobs_start_oldest_first(void **state)
{
	(void)state;
	struct fake f;
	struct sync_job_kind kind;
	fake_init(&f, 1, 20);
	/* One worker: the start order is the due order. */
	struct sync_runner *r = start(&f, 1, 1000, &kind);
	wait_for(&f, NJOBS, 20000);
	sync_runner_stop(r);
	assert_int_equal(f.norder, NJOBS);
	for (size_t i = 0; i < f.norder; i++)
		assert_int_equal(f.order[i], (int64_t)i + 1);
}

static void stop_returns_while_jobs_run(void **state)
{
	(void)state;
	struct fake f;
	struct sync_job_kind kind;
	fake_init(&f, 1, 60000); /* jobs that would take a minute, unless stopped */
	struct sync_runner *r = start(&f, 4, 1000, &kind);
	int64_t until = time_mono_ms() + 5000;
	while (time_mono_ms() < until) {
		pthread_mutex_lock(&f.mu);
		int running = f.running;
		pthread_mutex_unlock(&f.mu);
		if (running == 4)
			break;
		struct timespec ts = {0, 5 * 1000000L};
		nanosleep(&ts, NULL);
	}
	int64_t t0 = time_mono_ms();
	sync_runner_stop(r);
	/* The jobs would take a minute; they poll the flag every 5 ms. Half the job's time is
	 * a bound on logic, not on speed. */
	assert_true(time_mono_ms() - t0 < 30000);
	assert_int_equal(f.running, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(jobs_run_side_by_side_up_to_the_pool_size),
	    cmocka_unit_test(a_job_due_again_is_picked_up_without_the_idle_poll),
	    cmocka_unit_test(due_jobs_start_oldest_first),
	    cmocka_unit_test(stop_returns_while_jobs_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
