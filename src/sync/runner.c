/* The worker pool for sync jobs (runner.h). */
#include "sync/runner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/time.h"

#define RUNNER_MAX_WORKERS 1024

struct job {
	size_t kind;
	int64_t id;
	bool used;    /* the slot holds a job handed over or running */
	bool started; /* a worker took it */
};

struct worker {
	struct sync_runner *r;
	pthread_t thread;
	char owner[128];
};

struct sync_runner {
	struct sync_runner_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t work;     /* workers wait here for a job */
	pthread_cond_t dispatch; /* the dispatcher waits here */
	struct job *jobs;        /* cfg.workers slots: every job of this process, queued or run */
	unsigned busy;
	size_t queued;
	uint64_t done;
	bool kicked;
	bool backlog; /* the last due read was cut at its cap: more may be due */
	pthread_t dispatcher;
	struct worker *workers;
	unsigned started; /* worker threads created */
	bool dispatcher_started;
	atomic_bool halt; /* the runner's own stop: a failed start must not set the caller's */
};

static bool stopping(const struct sync_runner *r)
{
	return atomic_load(&r->halt) || (r->cfg.stop && atomic_load(r->cfg.stop));
}

/* True when this process already has job (kind, id). Called with mu held. */
static bool known(const struct sync_runner *r, size_t kind, int64_t id)
{
	for (unsigned i = 0; i < r->cfg.workers; i++)
		if (r->jobs[i].used && r->jobs[i].kind == kind && r->jobs[i].id == id)
			return true;
	return false;
}

static void halt(struct sync_runner *r, bool user);

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct sync_runner *r = w->r;
	log_set_context("job", w->owner);
	pthread_mutex_lock(&r->mu);
	while (!stopping(r)) {
		struct job *j = NULL;
		for (unsigned i = 0; i < r->cfg.workers && !j; i++)
			if (r->jobs[i].used && !r->jobs[i].started)
				j = &r->jobs[i];
		if (!j) {
			pthread_cond_wait(&r->work, &r->mu);
			continue;
		}
		j->started = true;
		r->queued--;
		r->busy++;
		const struct sync_job_kind *k = &r->cfg.kinds[j->kind];
		int64_t id = j->id;
		pthread_mutex_unlock(&r->mu);

		bool again = false;
		k->run(k->ctx, w->owner, id, &again);

		pthread_mutex_lock(&r->mu);
		j->used = false;
		r->busy--;
		r->done++;
		if (again || r->backlog)
			r->kicked = true;
		pthread_cond_signal(&r->dispatch);
	}
	pthread_mutex_unlock(&r->mu);
	log_clear_context();
	return NULL;
}

/* Hands up to `room` due jobs of every kind to the pool. Called without mu. */
static void dispatch_due(struct sync_runner *r, size_t room)
{
	int64_t ids[RUNNER_MAX_WORKERS];
	bool cut = false;
	for (size_t k = 0; k < r->cfg.nkinds && room > 0; k++) {
		const struct sync_job_kind *kind = &r->cfg.kinds[k];
		/* Jobs this process runs are leased and so not due; ask for a few more than
		 * there is room for, for those handed over but not yet leased. */
		size_t cap = room + r->cfg.workers;
		if (cap > RUNNER_MAX_WORKERS)
			cap = RUNNER_MAX_WORKERS;
		size_t n = 0;
		struct err e = ERR_INIT;
		if (kind->due(kind->ctx, ids, cap, &n, &e)) {
			LOG(LOG_ERROR, "runner.due_failed", LS("kind", kind->name),
			    LS("error", e.message));
			continue;
		}
		cut = cut || n == cap;
		pthread_mutex_lock(&r->mu);
		for (size_t i = 0; i < n && room > 0; i++) {
			if (known(r, k, ids[i]))
				continue;
			for (unsigned s = 0; s < r->cfg.workers; s++) {
				if (r->jobs[s].used)
					continue;
				r->jobs[s] = (struct job){k, ids[i], true, false};
				r->queued++;
				room--;
				break;
			}
		}
		if (room == 0 && n > 0)
			cut = true;
		pthread_cond_broadcast(&r->work);
		pthread_mutex_unlock(&r->mu);
	}
	pthread_mutex_lock(&r->mu);
	r->backlog = cut;
	pthread_mutex_unlock(&r->mu);
}

/* Waits on the dispatch condition until the monotonic time until_ms at the latest. */
static void wait_until(struct sync_runner *r, int64_t until_ms)
{
	int64_t left = until_ms - time_mono_ms();
	if (left <= 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t ns = (int64_t)ts.tv_nsec + left * 1000000;
	ts.tv_sec += (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	pthread_cond_timedwait(&r->dispatch, &r->mu, &ts);
}

static void *dispatcher_main(void *arg)
{
	struct sync_runner *r = arg;
	log_set_context("job", "dispatcher");
	int64_t next_poll = 0, next_sweep = 0;
	pthread_mutex_lock(&r->mu);
	while (!stopping(r)) {
		unsigned idle = r->cfg.workers - r->busy - (unsigned)r->queued;
		int64_t now = time_mono_ms();
		if (now >= next_sweep) { /* also while every worker is busy */
			next_sweep = now + r->cfg.sweep_ms;
			pthread_mutex_unlock(&r->mu);
			for (size_t k = 0; k < r->cfg.nkinds; k++)
				if (r->cfg.kinds[k].sweep)
					r->cfg.kinds[k].sweep(r->cfg.kinds[k].ctx);
			pthread_mutex_lock(&r->mu);
			continue;
		}
		if (idle == 0 || (!r->kicked && now < next_poll)) {
			/* A poll time that stays put: workers finishing wake us, but never push
			 * the next read of the due lists further out. */
			int64_t until = idle == 0 ? now + r->cfg.idle_poll_ms : next_poll;
			wait_until(r, until < next_sweep ? until : next_sweep);
			continue;
		}
		r->kicked = false;
		next_poll = now + r->cfg.idle_poll_ms;
		pthread_mutex_unlock(&r->mu);

		dispatch_due(r, idle);
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	log_clear_context();
	return NULL;
}

int sync_runner_start(const struct sync_runner_config *cfg, struct sync_runner **out, struct err *e)
{
	*out = NULL;
	struct sync_runner *r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	r->cfg = *cfg;
	if (!r->cfg.workers)
		r->cfg.workers = 32;
	if (r->cfg.workers > RUNNER_MAX_WORKERS)
		r->cfg.workers = RUNNER_MAX_WORKERS;
	if (r->cfg.idle_poll_ms <= 0)
		r->cfg.idle_poll_ms = 1000;
	if (r->cfg.sweep_ms <= 0)
		r->cfg.sweep_ms = 5000;
	r->kicked = true; /* read the due lists at once */
	r->jobs = calloc(r->cfg.workers, sizeof(*r->jobs));
	r->workers = calloc(r->cfg.workers, sizeof(*r->workers));
	if (!r->jobs || !r->workers) {
		free(r->jobs);
		free(r->workers);
		free(r);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* a wall-clock step stalls nothing */
	pthread_cond_init(&r->dispatch, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&r->halt, false);
	int rc = 0;
	for (unsigned i = 0; i < r->cfg.workers && !rc; i++) {
		struct worker *w = &r->workers[i];
		w->r = r;
		snprintf(w->owner, sizeof(w->owner), "%s/w%u",
		         r->cfg.owner_prefix ? r->cfg.owner_prefix : "runner", i + 1);
		if (!(rc = pthread_create(&w->thread, NULL, worker_main, w)))
			r->started++;
	}
	if (!rc && !(rc = pthread_create(&r->dispatcher, NULL, dispatcher_main, r)))
		r->dispatcher_started = true;
	if (rc) {
		halt(r, false);
		return err_set(e, ERR_INTERNAL, NULL, "cannot start the sync workers: %s",
		               strerror(rc));
	}
	LOG(LOG_INFO, "runner.start", LI("workers", r->cfg.workers),
	    LS("owner", r->cfg.owner_prefix ? r->cfg.owner_prefix : ""));
	*out = r;
	return ERR_OK;
}

void sync_runner_kick(struct sync_runner *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->kicked = true;
	pthread_cond_signal(&r->dispatch);
	pthread_mutex_unlock(&r->mu);
}

/* Stops and frees the runner; sets the caller's stop flag too when user is true. */
static void halt(struct sync_runner *r, bool user)
{
	pthread_mutex_lock(&r->mu);
	atomic_store(&r->halt, true);
	if (user && r->cfg.stop)
		atomic_store(r->cfg.stop, true);
	pthread_cond_broadcast(&r->work);
	pthread_cond_broadcast(&r->dispatch);
	pthread_mutex_unlock(&r->mu);
	if (r->dispatcher_started)
		pthread_join(r->dispatcher, NULL);
	for (unsigned i = 0; i < r->started; i++)
		pthread_join(r->workers[i].thread, NULL);
	LOG(LOG_INFO, "runner.stop", LI("jobs", (int64_t)r->done));
	pthread_cond_destroy(&r->dispatch);
	pthread_cond_destroy(&r->work);
	pthread_mutex_destroy(&r->mu);
	free(r->workers);
	free(r->jobs);
	free(r);
}

void sync_runner_stop(struct sync_runner *r)
{
	if (r)
		halt(r, true);
}

void sync_runner_stats(struct sync_runner *r, struct sync_runner_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	out->workers = r->cfg.workers;
	out->busy = r->busy;
	out->queued = r->queued;
	out->jobs = r->done;
	pthread_mutex_unlock(&r->mu);
}
