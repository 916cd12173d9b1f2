/*
 * import_state.c - the import's lease, progress and cursors (store/import.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/import.h"
#include "store/settings.h"

/* Makes sure the company has its row (ERR_NOT_FOUND when the company does not exist). */
static int ensure_row(struct db_conn *c, int64_t company_id, struct err *e)
{
	int64_t n;
	struct db_stmt *st;
	bool row;
	int rc = db_query_int(c, "SELECT count(*) FROM companies WHERE id = ?",
	                      (const int64_t[]){company_id}, 1, &n, e);
	if (rc)
		return rc;
	if (!n)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld",
		               (long long)company_id);
	if ((rc = db_prepare(c,
	                     "INSERT INTO import_state (company_id) VALUES (?) ON CONFLICT "
	                     "(company_id) DO NOTHING",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, company_id);
	return db_step(st, &row, e);
}

/* ---- reading ---- */

struct get_arg {
	int64_t company_id;
	struct import_state *s;
};

static int get_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct get_arg *a = arg;
	struct import_state *s = a->s;
	struct db_stmt *st;
	bool row;
	free(s->cursor);
	memset(s, 0, sizeof(*s));
	snprintf(s->phase, sizeof(s->phase), "idle");
	s->interval_s = 300;
	int rc = db_clock_ms(c, &s->now, e);
	if (rc || (rc = db_prepare(c,
	                           "SELECT c.sync_state, coalesce(l.state, ''), "
	                           "coalesce(l.revoked_reason, ''), coalesce(g.import_interval_s, "
	                           "300), coalesce(l.claim_wanted, '') FROM companies c LEFT JOIN "
	                           "onoffice_links l ON "
	                           "l.company_id = c.id LEFT JOIN settings g ON g.company_id = "
	                           "c.id WHERE c.id = ?",
	                           &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld",
		               (long long)a->company_id);
	db_col_text(st, 0, s->sync_state, sizeof(s->sync_state));
	db_col_text(st, 1, s->link_state, sizeof(s->link_state));
	db_col_text(st, 2, s->revoked_reason, sizeof(s->revoked_reason));
	s->interval_s = db_col_int(st, 3);
	db_col_text(st, 4, s->claim_wanted, sizeof(s->claim_wanted));
	if ((rc = db_prepare(c,
	                     "SELECT phase, done, total, init_branch, init_last_id, init_mark, "
	                     "init_counted, scope_hash, cursor, last_run_at, next_run_at, "
	                     "last_error, last_error_class, failures, lease_owner, lease_until "
	                     "FROM import_state WHERE company_id = ?",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)) || !row)
		return rc;
	db_col_text(st, 0, s->phase, sizeof(s->phase));
	s->done = db_col_int(st, 1);
	s->total = db_col_int(st, 2);
	s->init_branch = db_col_int(st, 3);
	s->init_last_id = db_col_int(st, 4);
	db_col_text(st, 5, s->init_mark, sizeof(s->init_mark));
	s->init_counted = db_col_bool(st, 6);
	db_col_text(st, 7, s->scope_hash, sizeof(s->scope_hash));
	s->cursor = db_col_strdup(st, 8);
	if (!s->cursor && !db_col_null(st, 8))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	s->last_run_at = db_col_int(st, 9);
	s->next_run_at = db_col_int(st, 10);
	db_col_text(st, 11, s->last_error, sizeof(s->last_error));
	db_col_text(st, 12, s->last_error_class, sizeof(s->last_error_class));
	s->failures = db_col_int(st, 13);
	db_col_text(st, 14, s->lease_owner, sizeof(s->lease_owner));
	s->lease_until = db_col_int(st, 15);
	return ERR_OK;
}

int import_state_get(struct db *db, int64_t company_id, struct import_state *out, struct err *e)
{
	struct get_arg a = {company_id, out};
	out->cursor = NULL;
	int rc = db_tx(db, DB_READ, get_tx, &a, e);
	if (rc)
		import_state_release(out);
	return rc;
}

void import_state_release(struct import_state *s)
{
	free(s->cursor);
	s->cursor = NULL;
}

bool import_state_running(const struct import_state *s)
{
	bool leased = s->lease_owner[0] && s->lease_until > s->now;
	return leased ||
	       (strcmp(s->phase, "initial") == 0 && strcmp(s->sync_state, "running") == 0 &&
	        strcmp(s->link_state, "active") == 0);
}

/* ---- requesting a full import ---- */

struct request_arg {
	int64_t company_id;
	bool join, joined;
};

static int request_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct request_arg *a = arg;
	struct import_state s = {0};
	struct get_arg g = {a->company_id, &s};
	struct db_stmt *st;
	bool row;
	a->joined = false;
	int rc = get_tx(c, &g, e);
	if (rc)
		goto out;
	if (strcmp(s.sync_state, "not_linked") == 0 || !s.link_state[0]) {
		rc = err_set(e, ERR_NOT_LINKED, NULL, "the company is not linked to onOffice yet");
		goto out;
	}
	if (strcmp(s.link_state, "revoked") == 0) {
		rc = err_set(e, ERR_CONFLICT, NULL,
		             "onOffice refused the credentials (Zugriff in onOffice entzogen): "
		             "link the company again");
		goto out;
	}
	if (strcmp(s.phase, "initial") == 0) {
		if (!a->join) {
			rc = err_set(e, ERR_CONFLICT, NULL,
			             "a full import is requested or running already");
			goto out;
		}
		a->joined = true;
	}
	/* A new full import starts from the first address; a joined one keeps its progress
	 * and only becomes due at once. */
	static const char *const restart =
	    "UPDATE import_state SET phase = 'initial', done = 0, total = 0, init_branch = 0, "
	    "init_last_id = 0, init_mark = NULL, init_counted = 0, next_run_at = NULL, failures "
	    "= 0, last_error = NULL, last_error_class = NULL WHERE company_id = ?";
	static const char *const due_now =
	    "UPDATE import_state SET next_run_at = NULL, failures = 0 WHERE company_id = ?";
	if ((rc = ensure_row(c, a->company_id, e)) ||
	    (rc = db_prepare(c, a->joined ? due_now : restart, &st, e)))
		goto out;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)) ||
	    (rc =
	         db_prepare(c, "UPDATE companies SET sync_state = 'running' WHERE id = ?", &st, e)))
		goto out;
	db_bind_int(st, 1, a->company_id);
	/* Running now: what was ingested before the initial sync goes out (issue #12). */
	if (!(rc = db_step(st, &row, e)))
		rc = settings_send_held(c, a->company_id, e);
out:
	import_state_release(&s);
	return rc;
}

int import_request_initial(struct db *db, int64_t company_id, bool join, bool *joined,
                           struct err *e)
{
	struct request_arg a = {company_id, join, false};
	int rc = db_tx(db, DB_WRITE, request_tx, &a, e);
	if (joined)
		*joined = !rc && a.joined;
	return rc;
}

/* ---- lease ---- */

struct lease_arg {
	int64_t company_id, ttl_ms;
	const char *owner, *steal_from;
	bool got;
	char holder[IMPORT_OWNER_MAX];
};

static int lease_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct lease_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t now;
	a->got = false;
	a->holder[0] = '\0';
	int rc = ensure_row(c, a->company_id, e);
	if (rc || (rc = db_clock_ms(c, &now, e)) ||
	    (rc = db_prepare(c,
	                     "SELECT coalesce(lease_owner, ''), coalesce(lease_until, 0) FROM "
	                     "import_state WHERE company_id = ?",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	db_col_text(st, 0, a->holder, sizeof(a->holder));
	int64_t until = db_col_int(st, 1);
	bool free_ = !a->holder[0] || until < now || strcmp(a->holder, a->owner) == 0 ||
	             (a->steal_from && strcmp(a->holder, a->steal_from) == 0);
	if (!free_)
		return ERR_OK;
	if ((rc = db_prepare(c,
	                     "UPDATE import_state SET lease_owner = ?, lease_until = ? WHERE "
	                     "company_id = ?",
	                     &st, e)))
		return rc;
	db_bind_text(st, 1, a->owner);
	db_bind_int(st, 2, now + a->ttl_ms);
	db_bind_int(st, 3, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->got = true;
	return ERR_OK;
}

int import_lease_acquire(struct db *db, int64_t company_id, const char *owner, int64_t ttl_ms,
                         const char *steal_from, bool *got, char *holder, struct err *e)
{
	struct lease_arg a = {company_id, ttl_ms, owner, steal_from, false, ""};
	int rc = db_tx(db, DB_WRITE, lease_tx, &a, e);
	*got = !rc && a.got;
	if (holder)
		snprintf(holder, IMPORT_OWNER_MAX, "%s", rc || a.got ? "" : a.holder);
	return rc;
}

struct finish_arg {
	int64_t company_id;
	const char *owner;
	const struct import_finish *f;
};

static int finish_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct finish_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc =
	    db_prepare(c,
	               "UPDATE import_state SET last_run_at = ?, next_run_at = CASE WHEN ? = 0 "
	               "AND phase = 'initial' THEN ? ELSE ? END, last_error = ?, "
	               "last_error_class = ?, last_ok_at = CASE WHEN ? THEN last_ok_at ELSE ? "
	               "END, failures = CASE WHEN ? THEN failures + 1 ELSE 0 END, lease_owner "
	               "= CASE WHEN lease_owner = ? THEN NULL ELSE lease_owner END, "
	               "lease_until = CASE WHEN lease_owner = ? THEN NULL ELSE lease_until "
	               "END WHERE company_id = ?",
	               &st, e);
	if (rc)
		return rc;
	int64_t now = time_now_ms();
	bool failed = a->f->error != NULL;
	db_bind_int(st, 1, now);
	/* A full import unfinished (its slice ended) or requested meanwhile is due at once, but
	 * as of now: behind work that was due before it, so a long import never starves the
	 * periodic passes of other companies (issue #11). */
	db_bind_int(st, 2, failed);
	db_bind_int(st, 3, now);
	if (a->f->next_run_at)
		db_bind_int(st, 4, a->f->next_run_at);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, a->f->error);
	db_bind_text(st, 6, failed ? a->f->error_class : NULL);
	db_bind_int(st, 7, failed);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, failed);
	db_bind_text(st, 10, a->owner);
	db_bind_text(st, 11, a->owner);
	db_bind_int(st, 12, a->company_id);
	return db_step(st, &row, e);
}

int import_finish(struct db *db, int64_t company_id, const char *owner,
                  const struct import_finish *f, struct err *e)
{
	struct finish_arg a = {company_id, owner, f};
	return db_tx(db, DB_WRITE, finish_tx, &a, e);
}

/* Due: running, actively linked, no claim wanted, next_run_at passed (or NULL: requested),
 * no live lease. Binds: now (next_run_at), the database clock (the lease). One text for the
 * due list and its summary, so they cannot disagree. */
#define DUE_FROM_WHERE                                                                            \
	"FROM companies c JOIN onoffice_links l ON l.company_id = c.id LEFT JOIN import_state s " \
	"ON s.company_id = c.id WHERE c.sync_state = 'running' AND l.state = 'active' AND "       \
	"l.claim_wanted IS NULL AND (s.next_run_at IS NULL OR s.next_run_at <= ?) AND "           \
	"(s.lease_owner IS NULL OR s.lease_until < ?)"

struct due_arg {
	int64_t now;
	int64_t *ids;
	size_t cap, n;
};

static int due_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct due_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t clock;
	a->n = 0;
	int rc = db_clock_ms(c, &clock, e);
	if (rc || (rc = db_prepare(c,
	                           "SELECT c.id " DUE_FROM_WHERE
	                           " ORDER BY coalesce(s.next_run_at, 0), c.id LIMIT ?",
	                           &st, e)))
		return rc;
	db_bind_int(st, 1, a->now);
	db_bind_int(st, 2, clock);
	db_bind_int(st, 3, (int64_t)a->cap);
	while (!(rc = db_step(st, &row, e)) && row && a->n < a->cap)
		a->ids[a->n++] = db_col_int(st, 0);
	return rc;
}

int import_due(struct db *db, int64_t now_ms, int64_t *ids, size_t cap, size_t *n, struct err *e)
{
	struct due_arg a = {now_ms, ids, cap, 0};
	int rc = db_tx(db, DB_READ, due_tx, &a, e);
	*n = rc ? 0 : a.n;
	return rc;
}

struct due_summary_arg {
	int64_t now, count, oldest_ms;
};

static int due_summary_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct due_summary_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t clock;
	int rc = db_clock_ms(c, &clock, e);
	if (rc ||
	    (rc = db_prepare(c, "SELECT count(*), min(coalesce(s.next_run_at, ?)) " DUE_FROM_WHERE,
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->now);
	db_bind_int(st, 2, a->now);
	db_bind_int(st, 3, clock);
	if ((rc = db_step(st, &row, e)) || !row)
		return rc;
	a->count = db_col_int(st, 0);
	a->oldest_ms = a->count && !db_col_null(st, 1) ? a->now - db_col_int(st, 1) : 0;
	return ERR_OK;
}

int import_due_summary(struct db *db, int64_t now_ms, int64_t *count, int64_t *oldest_wait_ms,
                       struct err *e)
{
	struct due_summary_arg a = {now_ms, 0, 0};
	int rc = db_tx(db, DB_READ, due_summary_tx, &a, e);
	*count = rc ? 0 : a.count;
	*oldest_wait_ms = rc ? 0 : a.oldest_ms;
	return rc;
}

struct leases_arg {
	struct import_lease *out;
	size_t cap, n;
};

static int leases_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct leases_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t clock;
	a->n = 0;
	int rc = db_clock_ms(c, &clock, e);
	if (rc || (rc = db_prepare(c,
	                           "SELECT company_id, lease_owner FROM import_state WHERE "
	                           "lease_owner IS NOT NULL AND lease_until >= ? ORDER BY "
	                           "company_id LIMIT ?",
	                           &st, e)))
		return rc;
	db_bind_int(st, 1, clock);
	db_bind_int(st, 2, (int64_t)a->cap);
	while (!(rc = db_step(st, &row, e)) && row && a->n < a->cap) {
		a->out[a->n].company_id = db_col_int(st, 0);
		db_col_text(st, 1, a->out[a->n].owner, sizeof(a->out[a->n].owner));
		a->n++;
	}
	return rc;
}

int import_leases(struct db *db, struct import_lease *out, size_t cap, size_t *n, struct err *e)
{
	struct leases_arg a = {out, cap, 0};
	int rc = db_tx(db, DB_READ, leases_tx, &a, e);
	*n = rc ? 0 : a.n;
	return rc;
}

struct release_arg {
	int64_t company_id;
	const char *holder;
	bool released;
};

static int release_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct release_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "UPDATE import_state SET lease_owner = NULL, lease_until = NULL WHERE "
	                    "company_id = ? AND lease_owner = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_text(st, 2, a->holder);
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->released = db_changes(c) == 1;
	return ERR_OK;
}

int import_lease_release(struct db *db, int64_t company_id, const char *holder, bool *released,
                         struct err *e)
{
	struct release_arg a = {company_id, holder, false};
	int rc = db_tx(db, DB_WRITE, release_tx, &a, e);
	if (released)
		*released = !rc && a.released;
	return rc;
}

struct lag_arg {
	int64_t now;
	double lag_s;
};

static int lag_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct lag_arg *a = arg;
	int64_t ms = 0;
	a->lag_s = 0;
	int rc =
	    db_query_int(c,
	                 "SELECT max(? - s.last_ok_at) FROM import_state s JOIN companies c ON "
	                 "c.id = s.company_id JOIN onoffice_links l ON l.company_id = c.id "
	                 "WHERE c.sync_state = 'running' AND l.state = 'active' AND "
	                 "l.claim_wanted IS NULL AND s.last_ok_at IS NOT NULL",
	                 (const int64_t[]){a->now}, 1, &ms, e);
	if (rc == ERR_NOT_FOUND)
		return 0;
	a->lag_s = ms > 0 ? (double)ms / 1000.0 : 0;
	return rc;
}

int import_lag(struct db *db, int64_t now_ms, double *lag_s, struct err *e)
{
	struct lag_arg a = {now_ms, 0};
	int rc = db_tx(db, DB_READ, lag_tx, &a, e);
	*lag_s = rc ? 0 : a.lag_s;
	return rc;
}

/* ---- committing a page ---- */

struct commit_arg {
	int64_t company_id, ttl_ms;
	const char *owner;
	const struct import_contact *contacts;
	size_t n;
	const struct import_consent *consents;
	size_t nc;
	const struct import_progress *p;
	struct import_stats stats;
	char sync_state[16];
};

static int bind_opt_text(struct db_stmt *st, int idx, const char *s)
{
	return s ? db_bind_text(st, idx, s) : db_bind_null(st, idx);
}

static int apply_progress(struct db_conn *c, int64_t company_id, const struct import_progress *p,
                          struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "UPDATE import_state SET "
	                    "phase = CASE WHEN ? THEN ? ELSE phase END, "
	                    "done = (CASE WHEN ? THEN 0 ELSE done END) + ?, "
	                    "total = CASE WHEN ? THEN ? ELSE total END, "
	                    "init_branch = CASE WHEN ? THEN ? ELSE init_branch END, "
	                    "init_last_id = CASE WHEN ? THEN ? ELSE init_last_id END, "
	                    "init_mark = CASE WHEN ? THEN ? ELSE init_mark END, "
	                    "init_counted = CASE WHEN ? THEN ? ELSE init_counted END, "
	                    "scope_hash = CASE WHEN ? THEN ? ELSE scope_hash END, "
	                    "cursor = CASE WHEN ? THEN ? ELSE cursor END "
	                    "WHERE company_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	unsigned s = p->set;
	db_bind_int(st, 1, (s & IMPORT_SET_PHASE) != 0);
	bind_opt_text(st, 2, p->phase ? p->phase : "idle");
	db_bind_int(st, 3, (s & IMPORT_SET_RESET) != 0);
	db_bind_int(st, 4, (s & IMPORT_SET_DONE) ? p->done_add : 0);
	db_bind_int(st, 5, (s & IMPORT_SET_TOTAL) != 0);
	db_bind_int(st, 6, p->total);
	db_bind_int(st, 7, (s & IMPORT_SET_KEYSET) != 0);
	db_bind_int(st, 8, p->init_branch);
	db_bind_int(st, 9, (s & IMPORT_SET_KEYSET) != 0);
	db_bind_int(st, 10, p->init_last_id);
	db_bind_int(st, 11, (s & IMPORT_SET_MARK) != 0);
	bind_opt_text(st, 12, p->init_mark);
	db_bind_int(st, 13, (s & IMPORT_SET_COUNTED) != 0);
	db_bind_int(st, 14, p->init_counted);
	db_bind_int(st, 15, (s & IMPORT_SET_SCOPE) != 0);
	bind_opt_text(st, 16, p->scope_hash);
	db_bind_int(st, 17, (s & IMPORT_SET_CURSOR) != 0);
	bind_opt_text(st, 18, p->cursor);
	db_bind_int(st, 19, company_id);
	return db_step(st, &row, e);
}

static int commit_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct commit_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t now;
	memset(&a->stats, 0, sizeof(a->stats));
	int rc = db_clock_ms(c, &now, e);
	if (rc || (rc = db_prepare(c,
	                           "UPDATE import_state SET lease_until = ? WHERE company_id = ? "
	                           "AND lease_owner = ?",
	                           &st, e)))
		return rc;
	db_bind_int(st, 1, now + a->ttl_ms);
	db_bind_int(st, 2, a->company_id);
	db_bind_text(st, 3, a->owner);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (db_changes(c) != 1)
		return err_set(e, ERR_CONFLICT, "lease",
		               "the import lease was taken over by another process");
	if ((rc = db_prepare(c, "SELECT sync_state FROM companies WHERE id = ?", &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	db_col_text(st, 0, a->sync_state, sizeof(a->sync_state));
	int64_t wall = time_now_ms();
	for (size_t i = 0; i < a->n; i++)
		if ((rc = import_upsert_contact(c, a->company_id, &a->contacts[i], wall, &a->stats,
		                                e)))
			return rc;
	for (size_t i = 0; i < a->nc; i++)
		if ((rc = import_apply_consent(c, a->company_id, a->consents[i].address_id,
		                               a->consents[i].consent, wall, &a->stats, e)))
			return rc;
	return a->p ? apply_progress(c, a->company_id, a->p, e) : ERR_OK;
}

int import_commit(struct db *db, int64_t company_id, const char *owner, int64_t ttl_ms,
                  const struct import_contact *contacts, size_t n,
                  const struct import_consent *consents, size_t nc, const struct import_progress *p,
                  struct import_stats *stats, char *sync_state, struct err *e)
{
	struct commit_arg a = {company_id, ttl_ms, owner, contacts, n, consents, nc, p, {0}, ""};
	int rc = db_tx(db, DB_WRITE, commit_tx, &a, e);
	if (!rc && stats) {
		stats->created += a.stats.created;
		stats->updated += a.stats.updated;
		stats->revived += a.stats.revived;
		stats->blocked += a.stats.blocked;
		stats->unblocked += a.stats.unblocked;
		stats->unchanged += a.stats.unchanged;
	}
	if (!rc && sync_state)
		snprintf(sync_state, 16, "%s", a.sync_state);
	return rc;
}
