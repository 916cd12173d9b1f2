/*
 * db.c - the engine-neutral half of the database layer: choosing a driver by
 * URL, db_tx with retry on a busy database, dispatch of statements to the
 * driver, column copy-out, and the migration runner.
 */
#include "store/db.h"
#include "store/db_int.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The drivers of this build, tried in order. A PostgreSQL driver is added here. */
static const struct db_driver *const drivers[] = {
    &db_sqlite_driver,
};

#define N_DRIVERS (sizeof(drivers) / sizeof(drivers[0]))

/* Schemes we recognise but that no driver of this build handles. */
static const struct {
	const char *prefix;
	const char *engine;
} missing_engines[] = {
    {"postgres://", "PostgreSQL"},
    {"postgresql://", "PostgreSQL"},
};

/* Backoff between attempts of a busy transaction. */
#define TX_BACKOFF_FIRST_MS 2
#define TX_BACKOFF_MAX_MS   200

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* True when url starts with `scheme:` in the RFC 3986 sense followed by "//". */
static bool has_scheme(const char *url)
{
	const char *p = url;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	return p[0] == ':' && p[1] == '/' && p[2] == '/';
}

/* Finds the driver for url and where its target starts; NULL (with e set) if none. */
static const struct db_driver *pick_driver(const char *url, const char **target, struct err *e)
{
	for (size_t i = 0; i < N_DRIVERS; i++) {
		for (const char *const *s = drivers[i]->schemes; *s; s++) {
			if (has_prefix(url, *s)) {
				*target = url + strlen(*s);
				return drivers[i];
			}
		}
	}
	for (size_t i = 0; i < sizeof(missing_engines) / sizeof(missing_engines[0]); i++) {
		if (has_prefix(url, missing_engines[i].prefix)) {
			err_set(e, ERR_INVALID_ARG, "database",
			        "%s is not supported by this build yet", missing_engines[i].engine);
			return NULL;
		}
	}
	if (has_scheme(url)) {
		err_set(e, ERR_INVALID_ARG, "database",
		        "unknown database URL scheme (use sqlite:PATH or a file path)");
		return NULL;
	}
	for (size_t i = 0; i < N_DRIVERS; i++) {
		if (drivers[i]->takes_paths) {
			*target = url;
			return drivers[i];
		}
	}
	err_set(e, ERR_INVALID_ARG, "database", "no driver of this build opens file paths");
	return NULL;
}

static int check_options(const struct db_options *o, struct err *e)
{
	if (o->read_conns < 1 || o->read_conns > 64)
		return err_set(e, ERR_INVALID_ARG, "read_conns", "must be between 1 and 64");
	if (o->busy_timeout_ms < 0)
		return err_set(e, ERR_INVALID_ARG, "busy_timeout_ms", "must not be negative");
	if (o->tx_retry_ms < 0)
		return err_set(e, ERR_INVALID_ARG, "tx_retry_ms", "must not be negative");
	return 0;
}

int db_open(const char *url, const struct db_options *opt, struct db **out, struct err *e)
{
	static const struct db_options defaults = DB_OPTIONS_DEFAULT;
	const char *target = NULL;
	int rc;

	*out = NULL;
	if (!url || !*url)
		return err_set(e, ERR_INVALID_ARG, "database", "no database URL given");
	if (!opt)
		opt = &defaults;
	if ((rc = check_options(opt, e)))
		return rc;
	const struct db_driver *drv = pick_driver(url, &target, e);
	if (!drv)
		return ERR_INVALID_ARG;

	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	db->drv = drv;
	db->opt = *opt;
	atomic_init(&db->tx_retries, 0);
	atomic_init(&db->write_batches, 0);
	atomic_init(&db->write_jobs, 0);
	pthread_mutex_init(&db->queue_lock, NULL);
	pthread_cond_init(&db->queue_cond, NULL);
	if ((rc = drv->open(db, target, e)))
		goto out_free;
	*out = db;
	return 0;

out_free:
	pthread_cond_destroy(&db->queue_cond);
	pthread_mutex_destroy(&db->queue_lock);
	free(db);
	return rc;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db->drv->close(db);
	pthread_cond_destroy(&db->queue_cond);
	pthread_mutex_destroy(&db->queue_lock);
	free(db);
}

uint64_t db_tx_retries(const struct db *db)
{
	return atomic_load(&db->tx_retries);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* xorshift64: enough randomness to keep retrying threads and processes apart. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* One attempt: begin, fn, commit; everything rolled back unless it returns 0. */
static int tx_attempt(struct db *db, enum db_mode mode, db_tx_fn fn, void *arg, struct err *e)
{
	struct db_conn *c;
	int rc = db->drv->acquire(db, mode, &c, e);
	if (rc)
		return rc;
	if ((rc = db->drv->begin(c, mode, e)))
		goto out_rollback;
	if ((rc = fn(c, arg, e)))
		goto out_rollback;
	if ((rc = db->drv->commit(c, e)))
		goto out_rollback;
	db->drv->release(c);
	return 0;

out_rollback:
	db->drv->rollback(c);
	db->drv->release(c);
	return rc;
}

/* Waits before retrying a busy database; false once the deadline has passed. */
void db_shutdown(struct db *db)
{
	atomic_store(&db->stopping, true);
}

static bool retry_wait(struct db *db, int64_t start, int64_t *backoff, uint64_t *seed)
{
	if (atomic_load(&db->stopping))
		return false;
	int64_t left = db->opt.tx_retry_ms - (mono_ms() - start);
	if (left <= 0)
		return false;
	/* Half fixed, half random ("equal jitter"), never past the deadline. */
	int64_t wait = *backoff / 2 + (int64_t)(next_rand(seed) % (uint64_t)(*backoff / 2 + 1));
	sleep_ms(wait < left ? wait : left);
	if (*backoff < TX_BACKOFF_MAX_MS)
		*backoff *= 2;
	atomic_fetch_add(&db->tx_retries, 1);
	return true;
}

static int busy_error(struct db *db, struct err *e)
{
	return err_set(e, ERR_DB_BUSY, NULL,
	               "the database stayed busy for %d ms (another process is holding its lock?)",
	               db->opt.tx_retry_ms);
}

/* ---- group commit ----
 *
 * Write transactions from many threads are queued; the first writer that finds no
 * leader runs the queued ones (up to GROUP_MAX) in one database transaction, each in
 * its own savepoint, and commits once: the WAL is written once for the batch instead
 * of once per transaction. A job whose fn fails is rolled back to its savepoint alone
 * and gets its own error; the others commit. Every caller returns only after the
 * commit that holds its work (or its failure), so db_tx's contract is unchanged.
 * Jobs run in queue order, one after another, as if they had run serially.
 */
#define GROUP_MAX 64

struct write_job {
	db_tx_fn fn;
	void *arg;
	struct err *e;
	int rc;
	bool done;
	struct write_job *next;
};

/* One attempt at a batch. ERR_DB_BUSY means: everything rolled back, run it again. */
static int batch_attempt(struct db *db, struct write_job *jobs, size_t n)
{
	struct db_conn *c = NULL;
	struct err e = ERR_INIT;
	/* A retried batch starts clean: no result of an earlier attempt may survive. */
	for (struct write_job *j = jobs; j; j = j->next) {
		j->rc = -1; /* not run in this attempt */
		err_clear(j->e);
	}
	int rc = db->drv->acquire(db, DB_WRITE, &c, &e);
	if (!rc)
		rc = db->drv->begin(c, DB_WRITE, &e);
	for (struct write_job *j = jobs; !rc && j; j = j->next) {
		if (n > 1 && (rc = db->drv->exec(c, "SAVEPOINT job", &e)))
			break;
		j->rc = j->fn(c, j->arg, j->e);
		db->drv->settle(c);
		if (j->rc == ERR_DB_BUSY) {
			rc = ERR_DB_BUSY;
			break;
		}
		if (n == 1)
			continue;
		if (j->rc)
			rc = db->drv->exec(c, "ROLLBACK TO SAVEPOINT job", &e);
		if (!rc)
			rc = db->drv->exec(c, "RELEASE SAVEPOINT job", &e);
	}
	/* A lone job that failed rolls back entirely, as a plain transaction would. */
	if (!rc && !(n == 1 && jobs->rc))
		rc = db->drv->commit(c, &e);
	else if (!rc)
		db->drv->rollback(c);
	if (rc) {
		if (c)
			db->drv->rollback(c);
		/* Jobs that succeeded or never ran share the batch's fate; jobs whose own fn
		 * failed keep their error. */
		for (struct write_job *j = jobs; j; j = j->next)
			if (rc != ERR_DB_BUSY && j->rc <= 0) {
				j->rc = rc;
				if (j->e)
					*j->e = e;
			}
	}
	if (c)
		db->drv->release(c);
	return rc;
}

static void run_batch(struct db *db, struct write_job *jobs, size_t n)
{
	int64_t start = mono_ms();
	int64_t backoff = TX_BACKOFF_FIRST_MS;
	uint64_t seed = (uint64_t)start * 0x9E3779B97F4A7C15u ^ (uintptr_t)&start;
	if (!seed)
		seed = 1;
	while (batch_attempt(db, jobs, n) == ERR_DB_BUSY) {
		if (retry_wait(db, start, &backoff, &seed))
			continue;
		for (struct write_job *j = jobs; j; j = j->next)
			j->rc = busy_error(db, j->e);
		return;
	}
	atomic_fetch_add(&db->write_batches, 1);
	atomic_fetch_add(&db->write_jobs, n);
}

static int write_tx(struct db *db, db_tx_fn fn, void *arg, struct err *e)
{
	struct write_job job = {fn, arg, e, 0, false, NULL};
	pthread_mutex_lock(&db->queue_lock);
	if (db->queue_tail)
		db->queue_tail->next = &job;
	else
		db->queue_head = &job;
	db->queue_tail = &job;
	while (!job.done) {
		if (db->leader_active) {
			pthread_cond_wait(&db->queue_cond, &db->queue_lock);
			continue;
		}
		/* Lead one batch: take up to GROUP_MAX queued jobs (ours among them). */
		db->leader_active = true;
		struct write_job *batch = db->queue_head, *last = batch;
		size_t n = 1;
		while (last->next && n < GROUP_MAX) {
			last = last->next;
			n++;
		}
		db->queue_head = last->next;
		if (!db->queue_head)
			db->queue_tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&db->queue_lock);

		run_batch(db, batch, n);

		pthread_mutex_lock(&db->queue_lock);
		for (struct write_job *j = batch; j;) {
			struct write_job *next = j->next; /* j may return and vanish once done */
			j->done = true;
			j = next;
		}
		db->leader_active = false;
		pthread_cond_broadcast(&db->queue_cond);
	}
	pthread_mutex_unlock(&db->queue_lock);
	return job.rc;
}

/*
 * How deep this thread is inside db_tx. A transaction function that calls db_tx
 * again would wait for itself as the group-commit leader (a write) or for a pooled
 * connection it holds (a read): a programmer error, so it is an assertion
 * (CODE_STYLE.md "What library code never does").
 */
static _Thread_local int tx_depth;

static int read_tx(struct db *db, enum db_mode mode, db_tx_fn fn, void *arg, struct err *e)
{
	int64_t start = mono_ms();
	int64_t backoff = TX_BACKOFF_FIRST_MS;
	uint64_t seed = (uint64_t)start * 0x9E3779B97F4A7C15u ^ (uintptr_t)&start;
	if (!seed)
		seed = 1;
	for (;;) {
		int rc = tx_attempt(db, mode, fn, arg, e);
		if (rc != ERR_DB_BUSY)
			return rc;
		if (!retry_wait(db, start, &backoff, &seed))
			return busy_error(db, e);
	}
}

int db_tx(struct db *db, enum db_mode mode, db_tx_fn fn, void *arg, struct err *e)
{
	assert(tx_depth == 0 && "db_tx called inside a db_tx callback");
	tx_depth++;
	int rc = mode == DB_WRITE ? write_tx(db, fn, arg, e) : read_tx(db, mode, fn, arg, e);
	tx_depth--;
	return rc;
}

uint64_t db_write_batches(const struct db *db, uint64_t *jobs)
{
	struct db *d = (struct db *)(uintptr_t)db;
	if (jobs)
		*jobs = atomic_load(&d->write_jobs);
	return atomic_load(&d->write_batches);
}

int db_exec(struct db_conn *c, const char *sql, struct err *e)
{
	return c->db->drv->exec(c, sql, e);
}

int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out, struct err *e)
{
	*out = NULL;
	int rc = c->db->drv->prepare(c, sql, out, e);
	if (rc)
		return rc;
	(*out)->bind_err = 0;
	(*out)->bind_idx = 0;
	return 0;
}

/* Remembers the first failed bind so that db_step can report it. */
static int bind_result(struct db_stmt *st, int idx, int rc)
{
	if (rc && !st->bind_err) {
		st->bind_err = rc;
		st->bind_idx = idx;
	}
	return rc;
}

int db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	return bind_result(st, idx, st->conn->db->drv->bind_int(st, idx, v));
}

int db_bind_bool(struct db_stmt *st, int idx, bool v)
{
	return db_bind_int(st, idx, v ? 1 : 0);
}

int db_bind_null(struct db_stmt *st, int idx)
{
	return bind_result(st, idx, st->conn->db->drv->bind_null(st, idx));
}

int db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	return db_bind_textn(st, idx, s, s ? strlen(s) : 0);
}

int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n)
{
	if (!s)
		return db_bind_null(st, idx);
	return bind_result(st, idx, st->conn->db->drv->bind_text(st, idx, s, n));
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	if (!p)
		return db_bind_null(st, idx);
	return bind_result(st, idx, st->conn->db->drv->bind_blob(st, idx, p, n));
}

int db_step(struct db_stmt *st, bool *row, struct err *e)
{
	*row = false;
	if (st->bind_err) {
		return err_set(e, st->bind_err, NULL, "cannot bind parameter %d: %s", st->bind_idx,
		               err_default_message(st->bind_err));
	}
	return st->conn->db->drv->step(st, row, e);
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return st->conn->db->drv->col_int(st, i);
}

bool db_col_bool(struct db_stmt *st, int i)
{
	return db_col_int(st, i) != 0;
}

bool db_col_null(struct db_stmt *st, int i)
{
	return st->conn->db->drv->col_null(st, i);
}

char *db_col_strdup(struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		return NULL;
	size_t len;
	const char *p = st->conn->db->drv->col_bytes(st, i, &len);
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

int db_col_text(struct db_stmt *st, int i, char *dst, size_t cap)
{
	size_t len;
	const char *p = st->conn->db->drv->col_bytes(st, i, &len);
	if (len >= cap) {
		if (cap > 0)
			dst[0] = '\0';
		return ERR_TOO_LARGE;
	}
	if (len)
		memcpy(dst, p, len);
	dst[len] = '\0';
	return 0;
}

int db_col_buf(struct db_stmt *st, int i, struct buf *b)
{
	size_t len;
	const void *p = st->conn->db->drv->col_bytes(st, i, &len);
	return len ? buf_add(b, p, len) : 0;
}

int64_t db_changes(struct db_conn *c)
{
	return c->db->drv->changes(c);
}

int64_t db_last_id(struct db_conn *c)
{
	return c->db->drv->last_id ? c->db->drv->last_id(c) : 0;
}

int db_query_int(struct db_conn *c, const char *sql, const int64_t *params, size_t n, int64_t *out,
                 struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc;

	*out = 0;
	if (n > INT32_MAX)
		return err_set(e, ERR_INVALID_ARG, NULL, "too many parameters");
	if ((rc = db_prepare(c, sql, &st, e)))
		return rc;
	for (size_t i = 0; i < n; i++)
		db_bind_int(st, (int)i + 1, params[i]);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row || db_col_null(st, 0))
		return err_set(e, ERR_NOT_FOUND, NULL, "the query returned no value");
	*out = db_col_int(st, 0);
	return 0;
}

int db_clock_ms(struct db_conn *c, int64_t *out, struct err *e)
{
	return c->db->drv->clock_ms(c, out, e);
}

/* ---- migrations ---- */

#define MIGRATIONS_DDL                                                                \
	"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, " \
	"name TEXT NOT NULL, applied_at BIGINT NOT NULL)"

struct migrate_step {
	const struct db_migration *m; /* NULL: only create schema_migrations and check */
	int known_max;                /* highest version this program knows */
	bool applied;                 /* out: m was applied by this step */
};

static const char *migration_sql(const struct db *db, const struct db_migration *m)
{
	switch (db->drv->engine) {
	case DB_ENGINE_SQLITE:
		return m->sqlite_sql;
	case DB_ENGINE_POSTGRES:
		return m->postgres_sql;
	}
	return NULL;
}

/* Fails with ERR_DB_SCHEMA when the database is ahead of the program. */
static int check_not_newer(struct db_conn *c, int known_max, struct err *e)
{
	int64_t v;
	int rc = db_query_int(c, "SELECT max(version) FROM schema_migrations", NULL, 0, &v, e);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	if (v > known_max) {
		return err_set(
		    e, ERR_DB_SCHEMA, NULL,
		    "database schema version %lld is newer than this program (knows up to "
		    "%d); upgrade immosync",
		    (long long)v, known_max);
	}
	return 0;
}

/* The body of one migration's transaction (re-runnable, as db_tx asks). */
static int migrate_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct migrate_step *ms = arg;
	struct db_stmt *st;
	int64_t now, found;
	bool row;
	int rc;

	ms->applied = false;
	if ((rc = db_exec(c, MIGRATIONS_DDL, e)))
		return rc;
	if ((rc = check_not_newer(c, ms->known_max, e)) || !ms->m)
		return rc;
	rc = db_query_int(c, "SELECT count(*) FROM schema_migrations WHERE version = ?",
	                  (const int64_t[]){ms->m->version}, 1, &found, e);
	if (rc || found)
		return rc;

	const char *sql = migration_sql(c->db, ms->m);
	if (!sql) {
		return err_set(e, ERR_INTERNAL, NULL, "migration %d (%s) has no SQL for %s",
		               ms->m->version, ms->m->name, c->db->drv->name);
	}
	if ((rc = db_exec(c, sql, e))) {
		/* Keep the engine's message, but say which migration it came from. */
		if (e) {
			struct err inner = *e;
			err_set(e, rc, NULL, "migration %d (%s): %s", ms->m->version, ms->m->name,
			        inner.message);
		}
		return rc;
	}
	if ((rc = db_clock_ms(c, &now, e)))
		return rc;
	rc = db_prepare(
	    c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", &st,
	    e);
	if (rc)
		return rc;
	db_bind_int(st, 1, ms->m->version);
	db_bind_text(st, 2, ms->m->name);
	db_bind_int(st, 3, now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	ms->applied = true;
	return 0;
}

int db_migrate(struct db *db, const struct db_migration *list, size_t n, struct err *e)
{
	struct migrate_step ms = {NULL, 0, false};
	int rc;

	for (size_t i = 0; i < n; i++) {
		assert(list[i].version > 0);
		assert(i == 0 || list[i].version > list[i - 1].version);
	}
	ms.known_max = n ? list[n - 1].version : 0;

	/* Check first, so a database from a newer program is not touched at all. */
	if ((rc = db_tx(db, DB_WRITE, migrate_tx, &ms, e)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		ms.m = &list[i];
		if ((rc = db_tx(db, DB_WRITE, migrate_tx, &ms, e)))
			return rc;
	}
	return 0;
}

struct version_query {
	int version;
};

static int schema_version_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct version_query *q = arg;
	bool exists;
	int64_t v;
	int rc;

	q->version = 0;
	if ((rc = c->db->drv->table_exists(c, "schema_migrations", &exists, e)) || !exists)
		return rc;
	rc = db_query_int(c, "SELECT max(version) FROM schema_migrations", NULL, 0, &v, e);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	if (v < 0 || v > INT32_MAX)
		return err_set(e, ERR_DB_SCHEMA, NULL, "schema version %lld is out of range",
		               (long long)v);
	q->version = (int)v;
	return 0;
}

int db_schema_version(struct db *db, int *out, struct err *e)
{
	struct version_query q = {0};
	int rc = db_tx(db, DB_READ, schema_version_tx, &q, e);
	*out = rc ? 0 : q.version;
	return rc;
}
