/*
 * db_sqlite.c - the SQLite driver.
 *
 * One process writes through exactly one connection, guarded by a mutex, and
 * reads through a pool of read-only connections (WAL lets them run next to
 * the writer). Connections are opened with SQLITE_OPEN_NOMUTEX: our own locks
 * make sure a connection is used by one thread at a time. busy_timeout only
 * matters for other processes (the CLI next to `serve`); inside the process
 * writers queue on the mutex instead.
 *
 * Each connection caches its prepared statements in a small hash table keyed
 * by SQL text. The cache may grow during a transaction (a statement in use is
 * never evicted) and is trimmed to STMT_CACHE_MAX, least recently used first,
 * when the connection is given back.
 */
#include "store/db_int.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_BUCKETS   64 /* power of two */
#define STMT_CACHE_MAX 128

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *h;
	char *sql;
	uint64_t hash;
	uint64_t last_used;       /* the connection's tick at the last prepare */
	struct sqlite_stmt *next; /* in the bucket */
};

struct sqlite_conn {
	struct db_conn base;
	sqlite3 *h;
	bool writer;
	struct sqlite_stmt *buckets[STMT_BUCKETS];
	size_t n_stmts;
	uint64_t tick;
	struct sqlite_conn *next_free; /* in the read pool's free list */
};

struct sqlite_db {
	pthread_mutex_t write_lock;
	struct sqlite_conn *writer;

	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	struct sqlite_conn *free_readers;
	struct sqlite_conn **readers; /* all of them, for closing */
	int n_readers;
};

static struct sqlite_conn *conn_of(struct db_conn *c)
{
	return (struct sqlite_conn *)c;
}

static struct sqlite_stmt *stmt_of(struct db_stmt *st)
{
	return (struct sqlite_stmt *)st;
}

/* The err_code for a SQLite result code (primary or extended). */
static int code_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY: /* includes SQLITE_BUSY_SNAPSHOT */
		return ERR_DB_BUSY;
	case SQLITE_CONSTRAINT:
		return ERR_DB_CONSTRAINT;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_TOOBIG:
		return ERR_TOO_LARGE;
	case SQLITE_RANGE: /* a parameter index that the statement does not have */
		return ERR_INVALID_ARG;
	default:
		return ERR_DB;
	}
}

/* Sets e from the connection's last error; call right after the failing call. */
static int fail(sqlite3 *h, int rc, struct err *e, const char *what)
{
	return err_set(e, code_of(rc), NULL, "%s: %s", what,
	               h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
}

/* ---- statement cache ---- */

/* FNV-1a. */
static uint64_t hash_sql(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

static struct sqlite_stmt **bucket(struct sqlite_conn *c, uint64_t hash)
{
	return &c->buckets[hash & (STMT_BUCKETS - 1)];
}

static void stmt_free(struct sqlite_stmt *s)
{
	sqlite3_finalize(s->h);
	free(s->sql);
	free(s);
}

/* Only `?` may appear: numbered and named parameters have a name. */
static bool only_anonymous_params(sqlite3_stmt *h)
{
	int n = sqlite3_bind_parameter_count(h);
	for (int i = 1; i <= n; i++) {
		if (sqlite3_bind_parameter_name(h, i))
			return false;
	}
	return true;
}

static bool only_space(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';')
			return false;
	}
	return true;
}

static int stmt_new(struct sqlite_conn *c, const char *sql, uint64_t hash, struct sqlite_stmt **out,
                    struct err *e)
{
	const char *tail = NULL;
	int rc;

	struct sqlite_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	s->sql = strdup(sql);
	if (!s->sql) {
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
		goto out_free;
	}
	rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->h, &tail);
	if (rc != SQLITE_OK) {
		rc = fail(c->h, rc, e, "prepare");
		goto out_free;
	}
	if (!s->h) {
		rc = err_set(e, ERR_INVALID_ARG, NULL, "db_prepare: no SQL statement in \"%.60s\"",
		             sql);
		goto out_free;
	}
	if (tail && !only_space(tail)) {
		rc = err_set(e, ERR_INVALID_ARG, NULL,
		             "db_prepare takes one statement (use db_exec for several): \"%.60s\"",
		             sql);
		goto out_free;
	}
	if (!only_anonymous_params(s->h)) {
		rc =
		    err_set(e, ERR_INVALID_ARG, NULL,
		            "only ? placeholders are allowed (no ?NNN, $n, :name): \"%.60s\"", sql);
		goto out_free;
	}
	s->base.conn = &c->base;
	s->hash = hash;
	*out = s;
	return 0;

out_free:
	stmt_free(s);
	return rc;
}

static int sqlite_prepare(struct db_conn *dc, const char *sql, struct db_stmt **out, struct err *e)
{
	struct sqlite_conn *c = conn_of(dc);
	uint64_t hash = hash_sql(sql);
	struct sqlite_stmt **b = bucket(c, hash);
	struct sqlite_stmt *s;

	for (s = *b; s; s = s->next) {
		if (s->hash == hash && strcmp(s->sql, sql) == 0)
			break;
	}
	if (s) {
		sqlite3_reset(s->h);
		sqlite3_clear_bindings(s->h);
	} else {
		int rc = stmt_new(c, sql, hash, &s, e);
		if (rc)
			return rc;
		s->next = *b;
		*b = s;
		c->n_stmts++;
	}
	s->last_used = ++c->tick;
	*out = &s->base;
	return 0;
}

/* Finalises the least recently used statements until at most max remain. */
static void cache_trim(struct sqlite_conn *c, size_t max)
{
	while (c->n_stmts > max) {
		struct sqlite_stmt **victim = NULL;
		for (size_t i = 0; i < STMT_BUCKETS; i++) {
			for (struct sqlite_stmt **p = &c->buckets[i]; *p; p = &(*p)->next) {
				if (!victim || (*p)->last_used < (*victim)->last_used)
					victim = p;
			}
		}
		struct sqlite_stmt *s = *victim;
		*victim = s->next;
		stmt_free(s);
		c->n_stmts--;
	}
}

/* Resets every statement still running, so COMMIT and ROLLBACK meet none. */
static void reset_busy(struct sqlite_conn *c)
{
	for (sqlite3_stmt *h = sqlite3_next_stmt(c->h, NULL); h; h = sqlite3_next_stmt(c->h, h)) {
		if (sqlite3_stmt_busy(h))
			sqlite3_reset(h);
	}
}

static void sqlite_settle(struct db_conn *dc)
{
	reset_busy(conn_of(dc));
}

/* ---- connections ---- */

static void conn_close(struct sqlite_conn *c)
{
	if (!c)
		return;
	cache_trim(c, 0);
	sqlite3_close(c->h); /* every statement is finalised, so this cannot fail BUSY */
	free(c);
}

/* Runs one statement that returns at most rows we ignore, through the cache. */
static int run(struct sqlite_conn *c, const char *sql, struct err *e)
{
	struct db_stmt *st;
	int rc = sqlite_prepare(&c->base, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_stmt *h = stmt_of(st)->h;
	while ((rc = sqlite3_step(h)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		rc = fail(c->h, rc, e, sql);
	else
		rc = 0;
	sqlite3_reset(h);
	return rc;
}

/* Once per process, before any connection: SQLite's allocation statistics take a global
 * mutex on every malloc (3% of an import's samples in perf); nothing here reads them. */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int conn_open(struct db *db, const char *path, bool writer, struct sqlite_conn **out,
                     struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_configure);
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	int rc;

	flags |= writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	struct sqlite_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	c->base.db = db;
	c->writer = writer;
	rc = sqlite3_open_v2(path, &c->h, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(c->h, rc, e, "cannot open the database");
		goto out_close;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, db->opt.busy_timeout_ms);
	rc = run(c, "PRAGMA foreign_keys = ON", e);
	if (!rc)
		rc = run(c,
		         db->opt.synchronous_full ? "PRAGMA synchronous = FULL"
		                                  : "PRAGMA synchronous = NORMAL",
		         e);
	/* Statement journals (every savepoint of a group commit) and temporary b-trees stay
	 * in memory: on disk they cost a write per page changed inside a savepoint. */
	if (!rc)
		rc = run(c, "PRAGMA temp_store = MEMORY", e);
	if (rc)
		goto out_close;
	*out = c;
	return 0;

out_close:
	conn_close(c);
	return rc;
}

/* Switches the file to WAL (persistent, so done once by the writer). */
static int enable_wal(struct sqlite_conn *c, struct err *e)
{
	struct db_stmt *st;
	int rc = sqlite_prepare(&c->base, "PRAGMA journal_mode = WAL", &st, e);
	if (rc)
		return rc;
	sqlite3_stmt *h = stmt_of(st)->h;
	rc = sqlite3_step(h);
	if (rc != SQLITE_ROW) {
		rc = fail(c->h, rc, e, "PRAGMA journal_mode = WAL");
		goto out_reset;
	}
	const char *mode = (const char *)sqlite3_column_text(h, 0);
	if (!mode || strcmp(mode, "wal") != 0) {
		rc = err_set(e, ERR_DB, NULL, "the database cannot use WAL (journal mode stays %s)",
		             mode ? mode : "unknown");
		goto out_reset;
	}
	rc = 0;
out_reset:
	sqlite3_reset(h);
	return rc;
}

static void sqlite_close(struct db *db)
{
	struct sqlite_db *s = db->impl;
	if (!s)
		return;
	/* Readers first: the last connection to close checkpoints and removes the WAL. */
	for (int i = 0; i < s->n_readers; i++)
		conn_close(s->readers[i]);
	free(s->readers);
	conn_close(s->writer);
	pthread_cond_destroy(&s->pool_cond);
	pthread_mutex_destroy(&s->pool_lock);
	pthread_mutex_destroy(&s->write_lock);
	free(s);
	db->impl = NULL;
}

static int sqlite_open(struct db *db, const char *path, struct err *e)
{
	int rc;

	if (!*path || strcmp(path, ":memory:") == 0) {
		return err_set(e, ERR_INVALID_ARG, "database",
		               "SQLite needs a file path (an in-memory database cannot be shared)");
	}
	if (!sqlite3_threadsafe())
		return err_set(e, ERR_DB, NULL, "SQLite was built without thread support");
	struct sqlite_db *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	s->readers = calloc((size_t)db->opt.read_conns, sizeof(*s->readers));
	if (!s->readers) {
		free(s);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	pthread_mutex_init(&s->write_lock, NULL);
	pthread_mutex_init(&s->pool_lock, NULL);
	pthread_cond_init(&s->pool_cond, NULL);
	db->impl = s;

	if ((rc = conn_open(db, path, true, &s->writer, e)))
		goto out_close;
	if ((rc = enable_wal(s->writer, e)))
		goto out_close;
	for (int i = 0; i < db->opt.read_conns; i++) {
		struct sqlite_conn *r;
		if ((rc = conn_open(db, path, false, &r, e)))
			goto out_close;
		s->readers[s->n_readers++] = r;
		r->next_free = s->free_readers;
		s->free_readers = r;
	}
	return 0;

out_close:
	sqlite_close(db);
	return rc;
}

static int sqlite_acquire(struct db *db, enum db_mode mode, struct db_conn **out, struct err *e)
{
	struct sqlite_db *s = db->impl;
	(void)e;

	if (mode == DB_WRITE) {
		pthread_mutex_lock(&s->write_lock);
		*out = &s->writer->base;
		return 0;
	}
	pthread_mutex_lock(&s->pool_lock);
	while (!s->free_readers)
		pthread_cond_wait(&s->pool_cond, &s->pool_lock);
	struct sqlite_conn *c = s->free_readers;
	s->free_readers = c->next_free;
	pthread_mutex_unlock(&s->pool_lock);
	*out = &c->base;
	return 0;
}

static void sqlite_release(struct db_conn *dc)
{
	struct sqlite_conn *c = conn_of(dc);
	struct sqlite_db *s = dc->db->impl;

	reset_busy(c);
	/* Never lend out a connection with a transaction still open. */
	if (!sqlite3_get_autocommit(c->h))
		run(c, "ROLLBACK", NULL);
	cache_trim(c, STMT_CACHE_MAX);
	if (c->writer) {
		pthread_mutex_unlock(&s->write_lock);
		return;
	}
	pthread_mutex_lock(&s->pool_lock);
	c->next_free = s->free_readers;
	s->free_readers = c;
	pthread_cond_signal(&s->pool_cond);
	pthread_mutex_unlock(&s->pool_lock);
}

/* ---- transactions ---- */

static int sqlite_begin(struct db_conn *dc, enum db_mode mode, struct err *e)
{
	return run(conn_of(dc), mode == DB_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", e);
}

static int sqlite_commit(struct db_conn *dc, struct err *e)
{
	struct sqlite_conn *c = conn_of(dc);
	reset_busy(c);
	return run(c, "COMMIT", e);
}

static void sqlite_rollback(struct db_conn *dc)
{
	struct sqlite_conn *c = conn_of(dc);
	reset_busy(c);
	/* An error may already have rolled the transaction back (autocommit again). */
	if (!sqlite3_get_autocommit(c->h))
		run(c, "ROLLBACK", NULL);
}

static int sqlite_exec(struct db_conn *dc, const char *sql, struct err *e)
{
	struct sqlite_conn *c = conn_of(dc);
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(c->h, rc, e, "exec");
}

/* ---- binding, stepping, columns ---- */

static int sqlite_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	return code_of(sqlite3_bind_int64(stmt_of(st)->h, idx, v));
}

static int sqlite_bind_text(struct db_stmt *st, int idx, const char *p, size_t n)
{
	return code_of(
	    sqlite3_bind_text64(stmt_of(st)->h, idx, p, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int sqlite_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	return code_of(sqlite3_bind_blob64(stmt_of(st)->h, idx, p, n, SQLITE_TRANSIENT));
}

static int sqlite_bind_null(struct db_stmt *st, int idx)
{
	return code_of(sqlite3_bind_null(stmt_of(st)->h, idx));
}

static int sqlite_step(struct db_stmt *st, bool *row, struct err *e)
{
	struct sqlite_stmt *s = stmt_of(st);
	int rc = sqlite3_step(s->h);
	if (rc == SQLITE_ROW) {
		*row = true;
		return 0;
	}
	*row = false;
	if (rc == SQLITE_DONE)
		return 0;
	struct sqlite_conn *c = conn_of(st->conn);
	return fail(c->h, rc, e, "step");
}

static bool sqlite_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(stmt_of(st)->h, i) == SQLITE_NULL;
}

static int64_t sqlite_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(stmt_of(st)->h, i);
}

static const void *sqlite_col_bytes(struct db_stmt *st, int i, size_t *len)
{
	sqlite3_stmt *h = stmt_of(st)->h;
	const void *p;
	if (sqlite3_column_type(h, i) == SQLITE_BLOB)
		p = sqlite3_column_blob(h, i);
	else
		p = sqlite3_column_text(h, i);
	/* Length after the pointer: the conversion to text may change it. */
	int n = sqlite3_column_bytes(h, i);
	*len = p && n > 0 ? (size_t)n : 0;
	return *len ? p : NULL;
}

static int64_t sqlite_changes(struct db_conn *c)
{
	return sqlite3_changes64(conn_of(c)->h);
}

static int64_t sqlite_last_id(struct db_conn *c)
{
	return sqlite3_last_insert_rowid(conn_of(c)->h);
}

/* julianday('now') has millisecond resolution; 2440587.5 is 1970-01-01T00:00Z. */
static int sqlite_clock_ms(struct db_conn *dc, int64_t *out, struct err *e)
{
	/* Straight on the handle, not through db.c: the driver calls nothing of the generic
	 * layer above it (tests/system/test_layering.py). */
	sqlite3_stmt *st = NULL;
	sqlite3 *h = conn_of(dc)->h;
	int rc = sqlite3_prepare_v2(h,
	                            "SELECT CAST(round((julianday('now') - 2440587.5) * "
	                            "86400000.0) AS INTEGER)",
	                            -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		int frc = fail(h, rc, e, "read the database clock");
		sqlite3_finalize(st);
		return frc;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ERR_OK;
}

static int sqlite_table_exists(struct db_conn *dc, const char *name, bool *out, struct err *e)
{
	struct db_stmt *st;
	int rc = sqlite_prepare(dc, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
	                        &st, e);
	if (rc)
		return rc;
	rc = code_of(sqlite3_bind_text(stmt_of(st)->h, 1, name, -1, SQLITE_TRANSIENT));
	if (rc)
		return err_set(e, rc, NULL, "cannot bind the table name");
	return sqlite_step(st, out, e);
}

static const char *const sqlite_schemes[] = {"sqlite:", NULL};

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .engine = DB_ENGINE_SQLITE,
    .schemes = sqlite_schemes,
    .takes_paths = true,
    .open = sqlite_open,
    .close = sqlite_close,
    .acquire = sqlite_acquire,
    .release = sqlite_release,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .exec = sqlite_exec,
    .settle = sqlite_settle,
    .prepare = sqlite_prepare,
    .bind_int = sqlite_bind_int,
    .bind_text = sqlite_bind_text,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .col_null = sqlite_col_null,
    .col_int = sqlite_col_int,
    .col_bytes = sqlite_col_bytes,
    .changes = sqlite_changes,
    .last_id = sqlite_last_id,
    .clock_ms = sqlite_clock_ms,
    .table_exists = sqlite_table_exists,
};
