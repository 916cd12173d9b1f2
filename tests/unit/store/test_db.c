/* Unit tests for src/store/db.c and src/store/db_sqlite.c: transactions, statements, retry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"
#include "store/tmpdb.h"

struct fixture {
	struct tmpdb t;
	struct db *db;
};

/* ---- helpers ---- */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* arg: the SQL to run with db_exec. */
static int exec_tx(struct db_conn *c, void *arg, struct err *e)
{
	return db_exec(c, arg, e);
}

static void exec_ok(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	int rc = db_tx(db, DB_WRITE, exec_tx, (void *)(uintptr_t)sql, &e);
	if (rc)
		fail_msg("%s: %s", sql, e.message);
}

struct count_arg {
	const char *sql;
	int64_t n;
};

static int count_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct count_arg *a = arg;
	return db_query_int(c, a->sql, NULL, 0, &a->n, e);
}

static int64_t count_rows(struct db *db, enum db_mode mode, const char *sql)
{
	struct count_arg a = {sql, -1};
	struct err e = ERR_INIT;
	int rc = db_tx(db, mode, count_tx, &a, &e);
	if (rc)
		fail_msg("%s: %s", sql, e.message);
	return a.n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e = ERR_INIT;
	if (!f || tmpdb_make(&f->t))
		return -1;
	if (db_open(f->t.path, NULL, &f->db, &e))
		return -1;
	exec_ok(f->db, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT, "
	               "data BLOB);"
	               "CREATE TABLE parts (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL "
	               "REFERENCES items(id))");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	tmpdb_remove(&f->t);
	free(f);
	return 0;
}

struct insert_arg {
	const char *name;
	const char *note;
	int fail_with; /* returned after the insert, 0 to commit */
	int64_t id;
	int64_t changes;
};

static int insert_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct insert_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "INSERT INTO items (name, note) VALUES (?, ?)", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->name);
	db_bind_text(st, 2, a->note);
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->id = db_last_id(c);
	a->changes = db_changes(c);
	if (a->fail_with)
		return err_set(e, a->fail_with, "item", "fn refused");
	return 0;
}

/* ---- open and close ---- */

static void open_close_and_bad_urls(void **state)
{
	struct fixture *f = *state;
	struct db *db = (struct db *)1;
	struct err e = ERR_INIT;
	char url[700];

	snprintf(url, sizeof(url), "sqlite:%s", f->t.path);
	assert_int_equal(db_open(url, NULL, &db, &e), ERR_OK);
	assert_non_null(db);
	assert_int_equal(count_rows(db, DB_READ, "SELECT count(*) FROM items"), 0);
	db_close(db);
	db_close(NULL);

	assert_int_equal(db_open("/nonexistent-dir/x/y.db", NULL, &db, &e), ERR_DB);
	assert_null(db);
	assert_non_null(strstr(e.message, "cannot open"));
	assert_int_equal(db_open(":memory:", NULL, &db, &e), ERR_INVALID_ARG);
	assert_int_equal(db_open("sqlite:", NULL, &db, &e), ERR_INVALID_ARG);
	assert_int_equal(db_open("", NULL, &db, &e), ERR_INVALID_ARG);
	assert_int_equal(db_open("mysql://host/db", NULL, &db, &e), ERR_INVALID_ARG);
	assert_non_null(strstr(e.message, "unknown database URL scheme"));
	assert_null(db);

	struct db_options o = DB_OPTIONS_DEFAULT;
	o.read_conns = 0;
	assert_int_equal(db_open(f->t.path, &o, &db, &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "read_conns");
	o = (struct db_options)DB_OPTIONS_DEFAULT;
	o.tx_retry_ms = -1;
	assert_int_equal(db_open(f->t.path, &o, &db, &e), ERR_INVALID_ARG);
}

static void postgres_url_is_refused_clearly(void **state)
{
	(void)state;
	static const char *const urls[] = {"postgres://u:p@localhost/immo",
	                                   "postgresql://localhost/immo"};
	for (size_t i = 0; i < 2; i++) {
		struct db *db = (struct db *)1;
		struct err e = ERR_INIT;
		assert_int_equal(db_open(urls[i], NULL, &db, &e), ERR_INVALID_ARG);
		assert_null(db);
		assert_int_equal(e.code, ERR_INVALID_ARG);
		assert_string_equal(e.message, "PostgreSQL is not supported by this build yet");
	}
}

/* ---- transactions ---- */

struct find_arg {
	const char *name;
	char note[64];
	bool found;
};

static int find_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct find_arg *a = arg;
	struct db_stmt *st;
	int rc = db_prepare(c, "SELECT note FROM items WHERE name = ?", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->name);
	if ((rc = db_step(st, &a->found, e)) || !a->found)
		return rc;
	return db_col_text(st, 0, a->note, sizeof(a->note));
}

static void write_tx_is_seen_by_read_tx(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct insert_arg ins = {"alpha", "first note", 0, 0, 0};

	assert_int_equal(db_tx(f->db, DB_WRITE, insert_tx, &ins, &e), ERR_OK);
	assert_int_equal(ins.id, 1);
	assert_int_equal(ins.changes, 1);

	struct find_arg fa = {"alpha", "", false};
	assert_int_equal(db_tx(f->db, DB_READ, find_tx, &fa, &e), ERR_OK);
	assert_true(fa.found);
	assert_string_equal(fa.note, "first note");

	struct find_arg missing = {"beta", "", false};
	assert_int_equal(db_tx(f->db, DB_READ, find_tx, &missing, &e), ERR_OK);
	assert_false(missing.found);

	/* A read transaction cannot write. */
	int rc = db_tx(f->db, DB_READ, insert_tx, &(struct insert_arg){"gamma", NULL, 0, 0, 0}, &e);
	assert_int_equal(rc, ERR_DB);
	assert_non_null(strstr(e.message, "readonly"));
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM items"), 1);
}

static void failing_fn_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	/* Positive control: the same body commits when it returns 0. */
	struct insert_arg ok = {"kept", NULL, 0, 0, 0};
	assert_int_equal(db_tx(f->db, DB_WRITE, insert_tx, &ok, &e), ERR_OK);
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM items"), 1);

	struct insert_arg bad = {"dropped", NULL, ERR_CONFLICT, 0, 0};
	assert_int_equal(db_tx(f->db, DB_WRITE, insert_tx, &bad, &e), ERR_CONFLICT);
	assert_int_equal(bad.changes, 1); /* it did insert, then asked for a rollback */
	assert_string_equal(e.message, "fn refused");
	assert_string_equal(e.field, "item");
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM items"), 1);
	assert_int_equal(
	    count_rows(f->db, DB_READ, "SELECT count(*) FROM items WHERE name = 'dropped'"), 0);

	/* The writer is usable afterwards (no transaction left open). */
	struct insert_arg after = {"after", NULL, 0, 0, 0};
	assert_int_equal(db_tx(f->db, DB_WRITE, insert_tx, &after, &e), ERR_OK);
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM items"), 2);
}

static int constraint_tx(struct db_conn *c, void *arg, struct err *e)
{
	(void)arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "INSERT INTO items (name) VALUES (?)", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, "dup");
	if ((rc = db_step(st, &row, e)))
		return rc;
	rc = db_prepare(c, "INSERT INTO items (name) VALUES (?)", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, "dup");
	return db_step(st, &row, e);
}

static int fk_tx(struct db_conn *c, void *arg, struct err *e)
{
	(void)arg;
	return db_exec(c, "INSERT INTO parts (item_id) VALUES (4711)", e);
}

static void constraint_violation_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	assert_int_equal(db_tx(f->db, DB_WRITE, constraint_tx, NULL, &e), ERR_DB_CONSTRAINT);
	assert_int_equal(e.code, ERR_DB_CONSTRAINT);
	assert_non_null(strstr(e.message, "UNIQUE constraint failed: items.name"));
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM items"), 0);

	err_clear(&e);
	assert_int_equal(db_tx(f->db, DB_WRITE, fk_tx, NULL, &e), ERR_DB_CONSTRAINT);
	assert_non_null(strstr(e.message, "FOREIGN KEY constraint failed"));
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM parts"), 0);
}

/* ---- statements ---- */

struct cache_arg {
	struct db_stmt *first, *second, *other;
	int64_t bound;
	bool null_after_reprepare;
	int rc_numbered, rc_dollar, rc_named, rc_two, rc_syntax;
	int bind_rc, step_rc;
	char step_msg[256];
};

static int cache_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct cache_arg *a = arg;
	struct db_stmt *st;
	struct err ignored = ERR_INIT;
	bool row;
	int rc;

	if ((rc = db_prepare(c, "SELECT ?", &a->first, e)))
		return rc;
	db_bind_int(a->first, 1, 42);
	if ((rc = db_step(a->first, &row, e)) || !row)
		return rc ? rc : ERR_INTERNAL;
	a->bound = db_col_int(a->first, 0);

	/* Prepared again: the same statement, reset, its bindings cleared. */
	if ((rc = db_prepare(c, "SELECT ?", &a->second, e)))
		return rc;
	if ((rc = db_step(a->second, &row, e)) || !row)
		return rc ? rc : ERR_INTERNAL;
	a->null_after_reprepare = db_col_null(a->second, 0);
	if ((rc = db_prepare(c, "SELECT ? + 1", &a->other, e)))
		return rc;

	a->rc_numbered = db_prepare(c, "SELECT ?1", &st, &ignored);
	a->rc_dollar = db_prepare(c, "SELECT $1", &st, &ignored);
	a->rc_named = db_prepare(c, "SELECT :name", &st, &ignored);
	a->rc_two = db_prepare(c, "SELECT 1; SELECT 2", &st, &ignored);
	a->rc_syntax = db_prepare(c, "SELEC 1", &st, &ignored);

	/* A bad bind is remembered and reported by the step. */
	if ((rc = db_prepare(c, "SELECT ?", &st, e)))
		return rc;
	a->bind_rc = db_bind_int(st, 2, 1);
	a->step_rc = db_step(st, &row, &ignored);
	snprintf(a->step_msg, sizeof(a->step_msg), "%s", ignored.message);
	return 0;
}

static void statement_cache_reuses_and_clears(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct cache_arg a;
	memset(&a, 0, sizeof(a));

	assert_int_equal(db_tx(f->db, DB_WRITE, cache_tx, &a, &e), ERR_OK);
	assert_int_equal(a.bound, 42);
	assert_ptr_equal(a.first, a.second);
	assert_true(a.null_after_reprepare);
	assert_ptr_not_equal(a.first, a.other);
	assert_int_equal(a.rc_numbered, ERR_INVALID_ARG);
	assert_int_equal(a.rc_dollar, ERR_INVALID_ARG);
	assert_int_equal(a.rc_named, ERR_INVALID_ARG);
	assert_int_equal(a.rc_two, ERR_INVALID_ARG);
	assert_int_equal(a.rc_syntax, ERR_DB);
	assert_int_equal(a.bind_rc, ERR_INVALID_ARG);
	assert_int_equal(a.step_rc, ERR_INVALID_ARG);
	assert_non_null(strstr(a.step_msg, "parameter 2"));

	/* The writer keeps its cache across transactions. */
	struct db_stmt *before = a.first;
	memset(&a, 0, sizeof(a));
	assert_int_equal(db_tx(f->db, DB_WRITE, cache_tx, &a, &e), ERR_OK);
	assert_ptr_equal(a.first, before);
}

struct copy_arg {
	char text_fit[6], text_small[5], null_text[4];
	int rc_fit, rc_small, rc_null, rc_zero;
	char *dup, *dup_null, *dup_utf8;
	bool note_null, name_null;
	struct buf big, tiny;
	int rc_big, rc_tiny, rc_blob;
	struct buf blob;
	int64_t n;
};

static int copy_setup_tx(struct db_conn *c, void *arg, struct err *e)
{
	(void)arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "INSERT INTO items (name, note, data) VALUES (?, ?, ?)", &st, e);
	if (rc)
		return rc;
	db_bind_textn(st, 1, "hello world", 5);
	db_bind_null(st, 2);
	db_bind_blob(st, 3, "a\0b", 3);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if ((rc = db_prepare(c, "INSERT INTO items (name, note, data) VALUES (?, ?, ?)", &st, e)))
		return rc;
	db_bind_text(st, 1, "Grüße");
	db_bind_text(st, 2, NULL);
	db_bind_blob(st, 3, NULL, 0);
	return db_step(st, &row, e);
}

static int copy_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct copy_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc =
	    db_prepare(c, "SELECT name, note, data, length(data) FROM items ORDER BY id", &st, e);
	if (rc)
		return rc;
	if ((rc = db_step(st, &row, e)) || !row)
		return rc ? rc : ERR_NOT_FOUND;
	a->rc_fit = db_col_text(st, 0, a->text_fit, sizeof(a->text_fit));
	a->rc_small = db_col_text(st, 0, a->text_small, sizeof(a->text_small));
	a->rc_zero = db_col_text(st, 0, a->text_small, 0);
	a->rc_null = db_col_text(st, 1, a->null_text, sizeof(a->null_text));
	a->dup = db_col_strdup(st, 0);
	a->dup_null = db_col_strdup(st, 1);
	a->note_null = db_col_null(st, 1);
	a->name_null = db_col_null(st, 0);
	a->rc_big = db_col_buf(st, 0, &a->big);
	a->rc_tiny = db_col_buf(st, 0, &a->tiny);
	a->rc_blob = db_col_buf(st, 2, &a->blob);
	a->n = db_col_int(st, 3);
	if ((rc = db_step(st, &row, e)) || !row)
		return rc ? rc : ERR_NOT_FOUND;
	a->dup_utf8 = db_col_strdup(st, 0);
	return 0;
}

static void text_copy_out(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct copy_arg a;
	memset(&a, 0, sizeof(a));
	buf_init(&a.big, 64);
	buf_init(&a.tiny, 4);
	buf_init(&a.blob, 64);
	assert_int_equal(buf_adds(&a.big, ">"), ERR_OK);
	assert_int_equal(buf_adds(&a.tiny, "ab"), ERR_OK);
	memset(a.null_text, 'x', sizeof(a.null_text));

	assert_int_equal(db_tx(f->db, DB_WRITE, copy_setup_tx, NULL, &e), ERR_OK);
	assert_int_equal(db_tx(f->db, DB_READ, copy_tx, &a, &e), ERR_OK);

	assert_int_equal(a.rc_fit, ERR_OK);
	assert_string_equal(a.text_fit, "hello");
	assert_int_equal(a.rc_small, ERR_TOO_LARGE);
	assert_string_equal(a.text_small, "");
	assert_int_equal(a.rc_zero, ERR_TOO_LARGE);
	assert_int_equal(a.rc_null, ERR_OK);
	assert_string_equal(a.null_text, "");
	assert_string_equal(a.dup, "hello");
	assert_null(a.dup_null);
	assert_true(a.note_null);
	assert_false(a.name_null);
	assert_int_equal(a.rc_big, ERR_OK);
	assert_string_equal(buf_str(&a.big), ">hello");
	assert_int_equal(a.rc_tiny, ERR_TOO_LARGE);
	assert_string_equal(buf_str(&a.tiny), "ab");
	assert_int_equal(a.rc_blob, ERR_OK);
	assert_int_equal(a.blob.len, 3);
	assert_memory_equal(a.blob.data, "a\0b", 3);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.dup_utf8, "Grüße");

	free(a.dup);
	free(a.dup_utf8);
	buf_release(&a.big);
	buf_release(&a.tiny);
	buf_release(&a.blob);
}

struct query_arg {
	int rc_none, rc_null, rc_params;
	int64_t none, params, clock;
	int rc_clock;
};

static int query_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct query_arg *a = arg;
	struct err ignored = ERR_INIT;
	a->rc_none =
	    db_query_int(c, "SELECT id FROM items WHERE id < 0", NULL, 0, &a->none, &ignored);
	a->rc_null = db_query_int(c, "SELECT NULL", NULL, 0, &a->none, &ignored);
	a->rc_params =
	    db_query_int(c, "SELECT ? * 10 + ?", (const int64_t[]){4, 2}, 2, &a->params, e);
	a->rc_clock = db_clock_ms(c, &a->clock, e);
	return 0;
}

static void query_int_and_clock(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct query_arg a;
	memset(&a, 0, sizeof(a));

	assert_int_equal(db_tx(f->db, DB_READ, query_tx, &a, &e), ERR_OK);
	assert_int_equal(a.rc_none, ERR_NOT_FOUND);
	assert_int_equal(a.rc_null, ERR_NOT_FOUND);
	assert_int_equal(a.none, 0);
	assert_int_equal(a.rc_params, ERR_OK);
	assert_int_equal(a.params, 42);
	assert_int_equal(a.rc_clock, ERR_OK);
	int64_t now = (int64_t)time(NULL) * 1000;
	assert_true(a.clock > now - 3000 && a.clock < now + 3000);
}

/* ---- configuration of the connections ---- */

struct pragma_arg {
	char journal[16];
	int64_t fk, sync, temp_store;
};

static int pragma_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct pragma_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "PRAGMA journal_mode", &st, e);
	if (rc)
		return rc;
	if ((rc = db_step(st, &row, e)) || !row)
		return rc ? rc : ERR_NOT_FOUND;
	if ((rc = db_col_text(st, 0, a->journal, sizeof(a->journal))))
		return rc;
	if ((rc = db_query_int(c, "PRAGMA foreign_keys", NULL, 0, &a->fk, e)) ||
	    (rc = db_query_int(c, "PRAGMA temp_store", NULL, 0, &a->temp_store, e)))
		return rc;
	return db_query_int(c, "PRAGMA synchronous", NULL, 0, &a->sync, e);
}

static void wal_and_foreign_keys_are_on(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	for (int mode = DB_READ; mode <= DB_WRITE; mode++) {
		struct pragma_arg a = {"", -1, -1, -1};
		assert_int_equal(db_tx(f->db, (enum db_mode)mode, pragma_tx, &a, &e), ERR_OK);
		assert_string_equal(a.journal, "wal");
		assert_int_equal(a.fk, 1);
		assert_int_equal(a.sync, 1);       /* NORMAL */
		assert_int_equal(a.temp_store, 2); /* MEMORY: savepoint journals stay off disk */
	}
	/* SQLite's allocation statistics are off (db_sqlite.c configures them away before
	 * the first connection): with them on, the connections above would show here. */
	sqlite3_int64 used = -1, high = -1;
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &high, 0), SQLITE_OK);
	assert_int_equal(used, 0);

	/* synchronous_full really switches (the check above can fail). */
	struct db *db;
	struct db_options o = DB_OPTIONS_DEFAULT;
	o.synchronous_full = true;
	o.read_conns = 1;
	assert_int_equal(db_open(f->t.path, &o, &db, &e), ERR_OK);
	struct pragma_arg a = {"", -1, -1, -1};
	assert_int_equal(db_tx(db, DB_READ, pragma_tx, &a, &e), ERR_OK);
	assert_int_equal(a.sync, 2);
	assert_int_equal(db_tx(db, DB_WRITE, pragma_tx, &a, &e), ERR_OK);
	assert_int_equal(a.sync, 2);
	db_close(db);
}

/* ---- busy database: another "process" holds the write lock ---- */

struct holder {
	const char *path;
	int hold_ms;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool locked;
	int rc;
};

/* Opens its own connection, takes the write lock, holds it, inserts a row, commits. */
static void *holder_main(void *p)
{
	struct holder *h = p;
	sqlite3 *conn = NULL;
	int rc = sqlite3_open_v2(h->path, &conn, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	pthread_mutex_lock(&h->mu);
	h->locked = true;
	h->rc = rc;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (rc == SQLITE_OK) {
		sleep_ms(h->hold_ms);
		rc = sqlite3_exec(conn, "INSERT INTO items (name) VALUES ('other process'); COMMIT",
		                  NULL, NULL, NULL);
	}
	sqlite3_close(conn);
	pthread_mutex_lock(&h->mu);
	h->rc = rc;
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void start_holder(struct holder *h, pthread_t *tid)
{
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	assert_int_equal(pthread_create(tid, NULL, holder_main, h), 0);
	pthread_mutex_lock(&h->mu);
	while (!h->locked)
		pthread_cond_wait(&h->cv, &h->mu);
	int rc = h->rc;
	pthread_mutex_unlock(&h->mu);
	assert_int_equal(rc, SQLITE_OK);
}

static void join_holder(struct holder *h, pthread_t tid)
{
	pthread_join(tid, NULL);
	assert_int_equal(h->rc, SQLITE_OK);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
}

struct seen_arg {
	int64_t seen;
	int runs;
};

/* Reads what the other process committed, then writes (re-runnable). */
static int count_and_insert_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct seen_arg *a = arg;
	a->runs++;
	int rc = db_query_int(c, "SELECT count(*) FROM items", NULL, 0, &a->seen, e);
	if (rc)
		return rc;
	return db_exec(c, "INSERT INTO items (name) VALUES ('ours')", e);
}

static void tx_retries_a_busy_database(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct db_options o = DB_OPTIONS_DEFAULT;
	struct db *db;
	pthread_t tid;

	o.busy_timeout_ms = 10;
	assert_int_equal(db_open(f->t.path, &o, &db, &e), ERR_OK);
	assert_int_equal(db_tx_retries(db), 0);

	struct holder h = {.path = f->t.path, .hold_ms = 300};
	start_holder(&h, &tid);
	int64_t t0 = mono_ms();
	struct seen_arg a = {-1, 0};
	int rc = db_tx(db, DB_WRITE, count_and_insert_tx, &a, &e);
	int64_t took = mono_ms() - t0;
	join_holder(&h, tid);

	assert_int_equal(rc, ERR_OK);
	assert_true(db_tx_retries(db) > 0);
	assert_true(took >= 200);
	/* The write lock is taken before fn runs, so fn saw the other commit. */
	assert_int_equal(a.runs, 1);
	assert_int_equal(a.seen, 1);
	assert_int_equal(count_rows(db, DB_READ, "SELECT count(*) FROM items"), 2);
	db_close(db);
}

static void tx_gives_up_after_tx_retry_ms(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct db_options o = DB_OPTIONS_DEFAULT;
	struct db *db;
	pthread_t tid;

	o.busy_timeout_ms = 10;
	o.tx_retry_ms = 100;
	assert_int_equal(db_open(f->t.path, &o, &db, &e), ERR_OK);

	struct holder h = {.path = f->t.path, .hold_ms = 2000};
	start_holder(&h, &tid);
	int64_t t0 = mono_ms();
	struct seen_arg a = {-1, 0};
	int rc = db_tx(db, DB_WRITE, count_and_insert_tx, &a, &e);
	int64_t took = mono_ms() - t0;

	assert_int_equal(rc, ERR_DB_BUSY);
	assert_int_equal(e.code, ERR_DB_BUSY);
	assert_non_null(strstr(e.message, "busy"));
	assert_true(took >= 100);
	assert_true(took < 1500);
	assert_true(db_tx_retries(db) > 0);
	assert_int_equal(a.runs, 0); /* BEGIN IMMEDIATE never got the lock */

	join_holder(&h, tid);
	/* Once the other process is done, the same call succeeds. */
	assert_int_equal(db_tx(db, DB_WRITE, count_and_insert_tx, &a, &e), ERR_OK);
	assert_int_equal(a.seen, 1);
	db_close(db);
}

/* ---- many threads ---- */

#define WRITERS        4
#define READERS        4
#define TXS_PER_WRITER 200

struct worker {
	struct db *db;
	int id;
	int failures;
	int64_t max_seen;
	bool backwards;
	atomic_int *writers_left;
};

struct thread_insert {
	int writer, i;
};

static int thread_insert_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct thread_insert *t = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "INSERT INTO parts (item_id) VALUES (?)", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, t->writer * 1000 + t->i);
	return db_step(st, &row, e);
}

static void *writer_main(void *p)
{
	struct worker *w = p;
	for (int i = 0; i < TXS_PER_WRITER; i++) {
		struct thread_insert t = {w->id, i};
		if (db_tx(w->db, DB_WRITE, thread_insert_tx, &t, NULL))
			w->failures++;
	}
	atomic_fetch_sub(w->writers_left, 1);
	return NULL;
}

static void *reader_main(void *p)
{
	struct worker *w = p;
	int64_t last = 0;
	while (atomic_load(w->writers_left) > 0) {
		struct count_arg a = {"SELECT count(*) FROM parts", -1};
		if (db_tx(w->db, DB_READ, count_tx, &a, NULL)) {
			w->failures++;
			continue;
		}
		if (a.n < last)
			w->backwards = true;
		last = a.n;
	}
	w->max_seen = last;
	return NULL;
}

static void threads_write_and_read_concurrently(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct db_options o = DB_OPTIONS_DEFAULT;
	struct db *db;
	pthread_t tids[WRITERS + READERS];
	struct worker w[WRITERS + READERS];
	atomic_int writers_left = WRITERS;

	o.read_conns = 2; /* fewer connections than readers: they queue for the pool */
	assert_int_equal(db_open(f->t.path, &o, &db, &e), ERR_OK);
	exec_ok(db,
	        "DROP TABLE parts; CREATE TABLE parts (id INTEGER PRIMARY KEY, item_id INTEGER)");
	for (int i = 0; i < WRITERS + READERS; i++) {
		w[i] = (struct worker){db, i, 0, 0, false, &writers_left};
		void *(*fn)(void *) = i < WRITERS ? writer_main : reader_main;
		assert_int_equal(pthread_create(&tids[i], NULL, fn, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS + READERS; i++)
		pthread_join(tids[i], NULL);

	for (int i = 0; i < WRITERS + READERS; i++) {
		assert_int_equal(w[i].failures, 0);
		assert_false(w[i].backwards);
		assert_true(w[i].max_seen <= WRITERS * TXS_PER_WRITER);
	}
	assert_int_equal(count_rows(db, DB_READ, "SELECT count(*) FROM parts"),
	                 WRITERS * TXS_PER_WRITER);
	assert_int_equal(count_rows(db, DB_READ, "SELECT count(DISTINCT item_id) FROM parts"),
	                 WRITERS * TXS_PER_WRITER);
	db_close(db);
}

#ifndef NDEBUG
/* The body of the outer transaction: starts another one, which db_tx forbids. */
static int nested_tx(struct db_conn *c, void *arg, struct err *e)
{
	(void)c;
	return db_tx(arg, DB_WRITE, exec_tx, (void *)(uintptr_t) "DELETE FROM items", e);
}
#endif

/*
 * db_tx inside a db_tx callback is an assertion (it would deadlock on the group
 * commit or the read pool). Run in a child with its own connections; the child must
 * die of SIGABRT. Builds with NDEBUG (RelWithDebInfo) have no assertions: skipped
 * there, run by the ASan (Debug) build.
 */
static void nested_tx_is_an_assertion(void **state)
{
#ifdef NDEBUG
	(void)state;
	skip();
#else
	struct fixture *f = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		struct db *db;
		struct err e = ERR_INIT;
		setrlimit(RLIMIT_CORE, &no_core);
		if (!freopen("/dev/null", "w", stderr) || db_open(f->t.path, NULL, &db, &e))
			_exit(3);
		db_tx(db, DB_WRITE, nested_tx, db, &e);
		_exit(0); /* not reached when the assertion holds */
	}
	int status = 0;
	pid_t got = 0;
	for (int waited = 0; waited < 10000 && (got = waitpid(pid, &status, WNOHANG)) == 0;
	     waited += 10)
		sleep_ms(10);
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("the nested db_tx did not abort within 10 s (it deadlocked)");
	}
	assert_int_equal(got, pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	/* Positive control: this process's transactions, one after another, still work. */
	exec_ok(f->db, "INSERT INTO items (name) VALUES ('after')");
	assert_int_equal(count_rows(f->db, DB_READ, "SELECT count(*) FROM items"), 1);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(open_close_and_bad_urls, setup, teardown),
	    cmocka_unit_test_setup_teardown(postgres_url_is_refused_clearly, setup, teardown),
	    cmocka_unit_test_setup_teardown(write_tx_is_seen_by_read_tx, setup, teardown),
	    cmocka_unit_test_setup_teardown(failing_fn_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(constraint_violation_writes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(statement_cache_reuses_and_clears, setup, teardown),
	    cmocka_unit_test_setup_teardown(text_copy_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(query_int_and_clock, setup, teardown),
	    cmocka_unit_test_setup_teardown(wal_and_foreign_keys_are_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(tx_retries_a_busy_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(tx_gives_up_after_tx_retry_ms, setup, teardown),
	    cmocka_unit_test_setup_teardown(threads_write_and_read_concurrently, setup, teardown),
	    cmocka_unit_test_setup_teardown(nested_tx_is_an_assertion, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
