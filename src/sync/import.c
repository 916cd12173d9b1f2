/*
 * import.c - one import pass for one company, and `sync initial`: the pass's policy.
 * It takes the lease, reads the company's state and scope, decides full or periodic
 * (a requested full import, no cursor yet, or a changed scope), runs it (full.c,
 * periodic.c), and records the outcome with the next run and a backoff on failure
 * (R-S4 and R-A12 refusals mark the link). The strategy is described in sync/sync.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"
#include "store/settings.h"
#include "sync/pass.h"
#include "sync/scope.h"
#include "sync/sync_int.h"

/* ---- the pass ---- */

static int start_initial(struct pass *p, struct err *e)
{
	struct import_progress pr = {
	    .set = IMPORT_SET_PHASE | IMPORT_SET_RESET | IMPORT_SET_TOTAL | IMPORT_SET_KEYSET |
	           IMPORT_SET_MARK | IMPORT_SET_COUNTED | IMPORT_SET_SCOPE,
	    .phase = "initial",
	    .scope_hash = p->scope.hash,
	};
	int rc = pass_commit(p, NULL, 0, NULL, 0, &pr, e);
	if (rc)
		return rc;
	struct import_state *st = &p->st;
	snprintf(st->phase, sizeof(st->phase), "initial");
	st->done = st->total = st->init_branch = st->init_last_id = 0;
	st->init_mark[0] = '\0';
	st->init_counted = false;
	snprintf(st->scope_hash, sizeof(st->scope_hash), "%s", p->scope.hash);
	return 0;
}

static int pass_locked(struct pass *p, struct err *e)
{
	json_t *settings = NULL;
	int rc = import_state_get(p->eng->db, p->company_id, &p->st, e);
	if (rc)
		return rc;
	if (strcmp(p->st.sync_state, "running") != 0) {
		p->r->stopped = true;
		return 0;
	}
	if (strcmp(p->st.link_state, "active") != 0)
		return strcmp(p->st.link_state, "revoked") == 0
		           ? err_set(e, ERR_OO_AUTH, NULL, "%s", p->st.revoked_reason)
		           : err_set(e, ERR_NOT_LINKED, NULL, "the company is not linked");
	if (p->st.claim_wanted[0]) /* R-A12: paused until a service call brings a claim */
		return err_set(e, ERR_OO_CLAIM, NULL, "%s", p->st.claim_wanted);
	if ((rc = settings_get_json(p->eng->db, p->company_id, &settings, e)))
		return rc;
	rc = sync_scope_from_settings(settings, &p->scope, e);
	json_decref(settings);
	if (rc)
		return rc;
	p->nb = sync_scope_branches(&p->scope);
	bool scope_changed = strcmp(p->st.scope_hash, p->scope.hash) != 0;
	p->initial = strcmp(p->st.phase, "initial") == 0 || !p->st.cursor || scope_changed;
	if (p->initial && (strcmp(p->st.phase, "initial") != 0 || scope_changed)) {
		if (scope_changed && p->st.cursor)
			LOG(LOG_INFO, "import.rescan", LI("company", p->company_id),
			    LS("why", "the scope changed"));
		if ((rc = start_initial(p, e)))
			return rc;
	}
	if ((rc = sync_open_source(p->eng, p->company_id, false, &p->src, &p->claim_gen, e)))
		return rc;
	return p->initial ? pass_run_full(p, e) : pass_run_periodic(p, e);
}

static const char *error_class(int rc)
{
	switch (rc) {
	case ERR_OO_AUTH:
		return "auth";
	case ERR_OO_NOT_SENT:
	case ERR_OO_UNCERTAIN:
	case ERR_OO_RETRYABLE:
	case ERR_OO_FINAL:
	case ERR_OO_CLAIM:
	case ERR_OO_CLOCK:
	case ERR_TIMEOUT:
		return "onoffice";
	default:
		return "internal";
	}
}

static void count_pass(const struct sync_pass_result *r, const char *result)
{
	struct metrics *m = metrics_default();
	static const char help[] = "Contacts changed by the onOffice import";
	metric_add(metrics_counter(m, "immosync_import_contacts_total", help, "change=\"created\""),
	           (double)r->stats.created);
	metric_add(metrics_counter(m, "immosync_import_contacts_total", help, "change=\"updated\""),
	           (double)(r->stats.updated + r->stats.revived));
	metric_add(metrics_counter(m, "immosync_import_contacts_total", help, "change=\"blocked\""),
	           (double)r->stats.blocked);
	metric_add(
	    metrics_counter(m, "immosync_import_contacts_total", help, "change=\"unblocked\""),
	    (double)r->stats.unblocked);
	char labels[48];
	snprintf(labels, sizeof(labels), "result=\"%s\"", result);
	metric_inc(
	    metrics_counter(m, "immosync_import_passes_total", "Import passes by outcome", labels));
}

int sync_pass(struct sync_engine *eng, int64_t company_id, int64_t deadline_ms,
              struct sync_pass_result *r, struct err *e)
{
	return sync_pass_as(eng, eng->owner, company_id, deadline_ms, r, e);
}

int sync_pass_as(struct sync_engine *eng, const char *owner, int64_t company_id,
                 int64_t deadline_ms, struct sync_pass_result *r, struct err *e)
{
	struct pass p = {
	    .eng = eng, .owner = owner, .company_id = company_id, .deadline = deadline_ms, .r = r};
	char holder[IMPORT_OWNER_MAX];
	bool got = false;
	memset(r, 0, sizeof(*r));
	int rc = import_lease_acquire(eng->db, company_id, owner, eng->lease_ttl_ms, NULL, &got,
	                              holder, e);
	if (!rc && !got && holder[0] && sync_holder_dead(eng, holder)) {
		LOG(LOG_INFO, "import.lease_taken_over", LI("company", company_id),
		    LS("from", holder), LS("why", "its process is gone"));
		rc = import_lease_acquire(eng->db, company_id, owner, eng->lease_ttl_ms, holder,
		                          &got, NULL, e);
	}
	if (rc)
		return rc;
	if (!got)
		return err_set(e, ERR_BUSY, NULL, "another import of this company runs (%s)",
		               holder);

	int64_t t0 = time_mono_ms();
	rc = pass_locked(&p, e);
	if (p.src)
		p.src->free(p.src);
	sync_scope_release(&p.scope);

	struct import_finish f = {0};
	char text[300] = "";
	int64_t now = time_now_ms();
	int64_t interval_ms = (p.st.interval_s > 0 ? p.st.interval_s : 300) * 1000;
	bool aborted = rc == ERR_UNAVAILABLE && pass_stopping(&p);
	if (!rc || aborted) {
		/* A slice that ended is due again as of now (behind older work; a NULL would
		 * put it first of all); a stop or shutdown leaves it due at once. */
		f.next_run_at = r->more ? now : r->stopped || aborted ? 0 : now + interval_ms;
	} else {
		bool lease_lost = rc == ERR_CONFLICT && strcmp(e ? e->field : "", "lease") == 0;
		if (rc == ERR_OO_AUTH) {
			sync_mark_revoked(eng, company_id, e);
			snprintf(text, sizeof(text), "Zugriff in onOffice entzogen: %s",
			         e && e->message[0] ? e->message
			                            : "onOffice refused the credentials");
		} else if (rc == ERR_OO_CLAIM) {
			if (!p.st.claim_wanted[0])
				sync_mark_claim_wanted(eng, company_id, p.claim_gen, e);
			char why[240];
			sync_error_text(e, rc, why, sizeof(why));
			snprintf(text, sizeof(text), "onOffice verlangt eine neue Freigabe: %s",
			         why);
		} else {
			sync_error_text(e, rc, text, sizeof(text));
		}
		f.error = text;
		f.error_class = error_class(rc);
		int64_t k = p.st.failures + 1 > 10 ? 10 : p.st.failures + 1;
		int64_t backoff = (1000LL << k);
		f.next_run_at = now + (backoff < interval_ms ? backoff : interval_ms);
		if (lease_lost) /* the new holder records its own outcome */
			goto out;
	}
	struct err fe = ERR_INIT;
	if (import_finish(eng->db, company_id, owner, &f, &fe))
		LOG(LOG_ERROR, "import.finish_failed", LI("company", company_id),
		    LS("error", fe.message));
out:
	LOG(rc && !aborted ? LOG_WARN : LOG_INFO, "import.pass", LI("company", company_id),
	    LS("kind", p.initial ? "full" : "periodic"), LI("pages", r->pages),
	    LI("records", r->records), LI("created", r->stats.created),
	    LI("updated", r->stats.updated + r->stats.revived), LI("blocked", r->stats.blocked),
	    LI("unblocked", r->stats.unblocked), LB("more", r->more), LB("done", r->initial_done),
	    LI("ms", time_mono_ms() - t0), LS("result", rc ? error_class(rc) : "ok"),
	    LS("error", text));
	count_pass(r, rc ? error_class(rc) : "ok");
	import_state_release(&p.st);
	return rc;
}

/* ---- `sync initial` in the foreground ---- */

static bool transient(int rc)
{
	return rc == ERR_OO_NOT_SENT || rc == ERR_OO_UNCERTAIN || rc == ERR_OO_RETRYABLE ||
	       rc == ERR_TIMEOUT || rc == ERR_DB_BUSY || rc == ERR_CONFLICT;
}

/* Sleeps ms unless the engine is stopped meanwhile. */
static void nap(struct sync_engine *eng, long ms)
{
	while (ms > 0 && !atomic_load(&eng->stop)) {
		long step = ms < 100 ? ms : 100;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

int sync_run_initial(struct sync_engine *eng, int64_t company_id, int retries,
                     struct sync_pass_result *sum, struct err *e)
{
	int fails = 0;
	memset(sum, 0, sizeof(*sum));
	for (;;) {
		struct import_state st;
		struct sync_pass_result r;
		if (atomic_load(&eng->stop))
			return err_set(e, ERR_UNAVAILABLE, NULL,
			               "interrupted; run it again to resume");
		int rc = import_state_get(eng->db, company_id, &st, e);
		if (rc)
			return rc;
		bool idle = strcmp(st.phase, "idle") == 0 && st.cursor;
		bool revoked = strcmp(st.link_state, "revoked") == 0;
		bool running = strcmp(st.sync_state, "running") == 0;
		import_state_release(&st);
		if (revoked)
			return err_set(e, ERR_OO_AUTH, NULL, "%s",
			               st.last_error[0] ? st.last_error
			                                : "Zugriff in onOffice entzogen");
		if (!st.link_state[0])
			return err_set(e, ERR_NOT_LINKED, NULL,
			               "the company is not linked to onOffice");
		if (!running)
			return err_set(
			    e, ERR_CONFLICT, NULL,
			    "the sync was stopped; the import goes on after POST sync/start");
		if (idle) /* the full import is complete (ours, or serve's that we followed) */
			return 0;
		rc = sync_pass(eng, company_id, 0, &r, e);
		sum->pages += r.pages;
		sum->records += r.records;
		sum->stats.created += r.stats.created;
		sum->stats.updated += r.stats.updated;
		sum->stats.revived += r.stats.revived;
		sum->stats.blocked += r.stats.blocked;
		sum->stats.unblocked += r.stats.unblocked;
		sum->stats.unchanged += r.stats.unchanged;
		sum->initial_done = sum->initial_done || r.initial_done;
		if (rc == ERR_BUSY) { /* serve (or another run) holds the lease: follow it */
			nap(eng, 300);
			continue;
		}
		if (!rc) {
			fails = 0;
			continue;
		}
		if (rc == ERR_UNAVAILABLE && atomic_load(&eng->stop))
			return err_set(e, ERR_UNAVAILABLE, NULL,
			               "interrupted; run it again to resume");
		if (!transient(rc) || ++fails > retries)
			return rc;
		nap(eng, 1000L << (fails < 5 ? fails : 5));
	}
}
