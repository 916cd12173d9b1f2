/*
 * runner.h - the worker pool that runs sync jobs (issue #11).
 *
 * A runner has a pool of worker threads and one dispatcher thread. Whenever a
 * worker is idle the dispatcher asks each job kind for its due jobs (oldest
 * first) - at once when kicked or when a worker finished while more was due,
 * else once a second - and hands them to idle workers. A worker runs one job
 * and is idle again. The work waits on the network, not the CPU, so the pool
 * is large (32 by default) and different companies' jobs run side by side.
 *
 * The runner knows jobs, not imports: a kind is a name and three functions.
 * Nothing about who runs what lives only in memory. A kind's due list leaves
 * out jobs whose lease in the database is live, and a job takes its lease
 * before it does anything, so runners in several processes (serve, later
 * `immosync worker` on a shared PostgreSQL, and `immosync sync initial`)
 * share the work without talking to each other. The runner's own memory only
 * keeps it from handing one job to two of its workers in the moment between
 * dispatch and lease.
 */
#ifndef IMMO_SYNC_RUNNER_H
#define IMMO_SYNC_RUNNER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct sync_job_kind {
	const char *name; /* "import": names the kind in logs and metrics */
	/* Up to cap due job ids, oldest first, into ids (*n of them). */
	int (*due)(void *ctx, int64_t *ids, size_t cap, size_t *n, struct err *e);
	/* Runs job id; owner is the worker's lease name ("host:pid:serve/w3"). *again: the job
	 * is due again at once (a slice of a long job ended). */
	void (*run)(void *ctx, const char *owner, int64_t id, bool *again);
	/* Housekeeping every few seconds (freeing leases of processes that are gone); may be
	 * NULL. Runs on the dispatcher thread. */
	void (*sweep)(void *ctx);
	void *ctx;
};

struct sync_runner_config {
	unsigned workers;         /* 0: 32 */
	const char *owner_prefix; /* "host:pid:serve": the workers are "<prefix>/w<i>" */
	const struct sync_job_kind *kinds;
	size_t nkinds;
	/* Set by sync_runner_stop before joining; running jobs should watch it (the sync
	 * engine's abort flag, which also aborts transfers through curl). */
	atomic_bool *stop;
	int idle_poll_ms; /* how often the due lists are read when nothing happens; 0: 1000 */
	int sweep_ms;     /* how often sweep runs; 0: 5000 */
};

struct sync_runner;

/* Starts the dispatcher and the workers. kinds must outlive the runner. */
int sync_runner_start(const struct sync_runner_config *cfg, struct sync_runner **out,
                      struct err *e);

/* Wakes the dispatcher: something became due (POST sync/initial, sync/start, a claim). */
void sync_runner_kick(struct sync_runner *r);

/* Sets the stop flag, wakes everything, joins the threads (a running job returns when it
 * sees the flag) and frees the runner. NULL does nothing. */
void sync_runner_stop(struct sync_runner *r);

struct sync_runner_stats {
	unsigned workers; /* threads in the pool */
	unsigned busy;    /* running a job now */
	size_t queued;    /* handed over, not yet started */
	uint64_t jobs;    /* jobs run since start */
};

void sync_runner_stats(struct sync_runner *r, struct sync_runner_stats *out);

#endif
