/*
 * engine.c - the sync engine: configuration, the scheduler thread, the link's
 * credentials, the status block, and requests from the API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"
#include "store/link.h"
#include "sync/sync_int.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int sync_engine_new(const struct sync_config *cfg, struct sync_engine **out, struct err *e)
{
	struct sync_engine *eng = calloc(1, sizeof(*eng));
	*out = NULL;
	if (!eng)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	eng->db = cfg->db;
	eng->keys = cfg->keys;
	eng->nkeys = cfg->nkeys;
	eng->url = dup_or_null(cfg->onoffice_url);
	eng->ca_file = dup_or_null(cfg->ca_file);
	eng->overlap_s = cfg->overlap_s > 0 ? cfg->overlap_s : 120;
	eng->slice_ms = cfg->slice_ms > 0 ? cfg->slice_ms : 30000;
	/* Longer than a pass may wait at the gate (20 s) plus a request's retries, so a live
	 * pass never loses its lease; a dead process on this host is taken over at once
	 * anyway (the sweep), on another host after this time. */
	eng->lease_ttl_ms = cfg->lease_ttl_ms > 0 ? cfg->lease_ttl_ms : 60000;
	eng->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000;
	eng->live_timeout_ms = cfg->live_timeout_ms > 0 ? cfg->live_timeout_ms : 8000;
	eng->live_max = cfg->live_max > 0 ? cfg->live_max : 2;
	eng->cache_ttl_s = cfg->cache_ttl_s > 0 ? cfg->cache_ttl_s : 300;
	eng->workers = cfg->workers > 0 ? cfg->workers : 32;
	eng->source_new = cfg->source_new;
	eng->source_arg = cfg->source_arg;
	atomic_init(&eng->stop, false);
	if (gethostname(eng->host, sizeof(eng->host) - 1) != 0 || !eng->host[0])
		snprintf(eng->host, sizeof(eng->host), "localhost");
	for (char *c = eng->host; *c; c++)
		if (*c == ':')
			*c = '_';
	snprintf(eng->owner, sizeof(eng->owner), "%s:%ld:%s", eng->host, (long)getpid(),
	         cfg->tag ? cfg->tag : "sync");
	struct sync_limits_config lc = {.max_inflight = cfg->max_inflight,
	                                .customer_rate = cfg->customer_rate,
	                                .stop = &eng->stop};
	if ((cfg->onoffice_url && !eng->url) || (cfg->ca_file && !eng->ca_file) ||
	    sync_limits_new(&lc, &eng->limits, NULL) || pthread_mutex_init(&eng->mu, NULL)) {
		sync_limits_free(eng->limits);
		free(eng->url);
		free(eng->ca_file);
		free(eng);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	*out = eng;
	return ERR_OK;
}

void sync_engine_free(struct sync_engine *eng)
{
	if (!eng)
		return;
	sync_scheduler_stop(eng);
	for (size_t i = 0; i < SYNC_CACHE_SLOTS; i++)
		json_decref(eng->cache[i].value);
	pthread_mutex_destroy(&eng->mu);
	sync_limits_free(eng->limits);
	free(eng->url);
	free(eng->ca_file);
	free(eng);
}

atomic_bool *sync_abort_flag(struct sync_engine *eng)
{
	return &eng->stop;
}

/* ---- the worker pool and its import jobs ---- */

static int import_job_due(void *ctx, int64_t *ids, size_t cap, size_t *n, struct err *e)
{
	struct sync_engine *eng = ctx;
	return import_due(eng->db, time_now_ms(), ids, cap, n, e);
}

static void import_job_run(void *ctx, const char *owner, int64_t id, bool *again)
{
	struct sync_engine *eng = ctx;
	struct sync_pass_result r;
	struct err e = ERR_INIT;
	int rc = sync_pass_as(eng, owner, id, time_mono_ms() + eng->slice_ms, &r, &e);
	*again = !rc && r.more;
}

/* Frees the leases of passes whose process on this host is gone (kill -9), so their
 * companies are due again at once instead of after the lease's time. */
static void import_job_sweep(void *ctx)
{
	struct sync_engine *eng = ctx;
	enum { MAX_LEASES = 1024 };
	struct import_lease *leases = malloc(MAX_LEASES * sizeof(*leases));
	size_t n = 0;
	struct err e = ERR_INIT;
	if (!leases || import_leases(eng->db, leases, MAX_LEASES, &n, &e))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		bool released = false;
		if (!sync_holder_dead(eng, leases[i].owner) ||
		    import_lease_release(eng->db, leases[i].company_id, leases[i].owner, &released,
		                         &e) ||
		    !released)
			continue;
		LOG(LOG_INFO, "import.lease_taken_over", LI("company", leases[i].company_id),
		    LS("from", leases[i].owner), LS("why", "its process is gone"));
	}
	free(leases);
}

static const struct sync_job_kind import_kind_template = {
    .name = "import", .due = import_job_due, .run = import_job_run, .sweep = import_job_sweep};

/* /metrics: the import lag (R-X5), read from the database at scrape time. */
static double import_lag_fn(void *db)
{
	double lag = 0;
	import_lag(db, time_now_ms(), &lag, NULL);
	return lag;
}

static double jobs_due_fn(void *arg)
{
	struct sync_engine *eng = arg;
	int64_t n = 0, oldest = 0;
	import_due_summary(eng->db, time_now_ms(), &n, &oldest, NULL);
	return (double)n;
}

static double oldest_due_fn(void *arg)
{
	struct sync_engine *eng = arg;
	int64_t n = 0, oldest = 0;
	import_due_summary(eng->db, time_now_ms(), &n, &oldest, NULL);
	return (double)oldest / 1000.0;
}

static double jobs_running_fn(void *arg)
{
	struct sync_engine *eng = arg;
	struct sync_runner_stats st;
	pthread_mutex_lock(&eng->mu);
	sync_runner_stats(eng->runner, &st);
	pthread_mutex_unlock(&eng->mu);
	return (double)st.busy;
}

static double inflight_fn(void *arg)
{
	struct sync_engine *eng = arg;
	return (double)sync_limits_inflight(eng->limits);
}

int sync_scheduler_start(struct sync_engine *eng, struct err *e)
{
	struct metrics *m = metrics_default();
	metrics_gauge_fn(
	    m, "immosync_import_lag_seconds",
	    "Seconds since the least recent successful import pass of a running company", NULL,
	    import_lag_fn, eng->db);
	metrics_gauge_fn(m, "immosync_sync_jobs_running",
	                 "Sync jobs running on this process's workers", NULL, jobs_running_fn, eng);
	metrics_gauge_fn(m, "immosync_sync_jobs_due",
	                 "Sync jobs due and waiting for a worker (all processes)", NULL,
	                 jobs_due_fn, eng);
	metrics_gauge_fn(m, "immosync_sync_oldest_due_seconds",
	                 "How long the sync job due longest has waited for a worker", NULL,
	                 oldest_due_fn, eng);
	metrics_gauge_fn(m, "immosync_onoffice_inflight",
	                 "Requests to onOffice in flight from this process", NULL, inflight_fn,
	                 eng);
	pthread_mutex_lock(&eng->mu);
	int rc = ERR_OK;
	if (!eng->runner) {
		eng->import_kind = import_kind_template;
		eng->import_kind.ctx = eng;
		struct sync_runner_config rc_cfg = {.workers = eng->workers,
		                                    .owner_prefix = eng->owner,
		                                    .kinds = &eng->import_kind,
		                                    .nkinds = 1,
		                                    .stop = &eng->stop};
		rc = sync_runner_start(&rc_cfg, &eng->runner, e);
	}
	pthread_mutex_unlock(&eng->mu);
	return rc;
}

void sync_scheduler_stop(struct sync_engine *eng)
{
	pthread_mutex_lock(&eng->mu);
	atomic_store(&eng->stop, true);
	struct sync_runner *r = eng->runner;
	eng->runner = NULL;
	pthread_mutex_unlock(&eng->mu);
	sync_runner_stop(r);
}

void sync_kick(struct sync_engine *eng)
{
	pthread_mutex_lock(&eng->mu);
	sync_runner_kick(eng->runner);
	pthread_mutex_unlock(&eng->mu);
}

/* ---- the API ---- */

int sync_request_initial(struct sync_engine *eng, int64_t company_id, struct err *e)
{
	int rc = import_request_initial(eng->db, company_id, false, NULL, e);
	if (!rc) {
		LOG(LOG_INFO, "import.requested", LI("company", company_id));
		sync_kick(eng);
	}
	return rc;
}

static json_t *time_or_null(int64_t ms)
{
	char t[TIME_RFC3339_MAX];
	return ms && time_format_rfc3339(ms, t, sizeof(t)) ? json_string(t) : json_null();
}

int sync_status(struct db *db, int64_t company_id, json_t **import, json_t *warnings, struct err *e)
{
	struct import_state st;
	*import = NULL;
	int rc = import_state_get(db, company_id, &st, e);
	if (rc)
		return rc;
	bool revoked = strcmp(st.link_state, "revoked") == 0;
	bool paused = revoked || st.claim_wanted[0]; /* R-S4, R-A12: nothing is scheduled */
	bool running = import_state_running(&st) && !paused;
	int64_t next = 0;
	if (strcmp(st.sync_state, "running") == 0 && !paused)
		next = st.next_run_at ? st.next_run_at : st.now;
	/* Due but no worker has it yet (issue #11): since when it waits for one. The pool's
	 * installation-wide figures are the operator's, on /metrics, not a tenant's. */
	bool leased = st.lease_owner[0] && st.lease_until >= st.now;
	int64_t waiting = next && next <= st.now && !leased ? next : 0;
	json_t *o = json_pack("{s:b,s:I,s:I,s:o,s:o,s:o,s:o}", "running", running, "done",
	                      (json_int_t)st.done, "total", (json_int_t)st.total, "last_run_at",
	                      time_or_null(st.last_run_at), "next_run_at", time_or_null(next),
	                      "waiting_since", time_or_null(waiting), "last_error",
	                      st.last_error[0] ? json_string(st.last_error) : json_null());
	if (o && revoked)
		json_array_append_new(warnings, json_string(SYNC_REVOKED_WARNING));
	else if (o && st.claim_wanted[0])
		json_array_append_new(warnings, json_string(SYNC_CLAIM_WARNING));
	else if (o && st.last_error[0] && strcmp(st.last_error_class, "onoffice") == 0)
		json_array_append_new(
		    warnings, json_string("Der letzte Import aus onOffice ist fehlgeschlagen; "
		                          "er wird automatisch wiederholt."));
	import_state_release(&st);
	if (!o)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	*import = o;
	return ERR_OK;
}
