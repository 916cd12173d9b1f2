/*
 * db.h - the database layer: connections, transactions, statements, migrations.
 *
 * A `struct db` is one database reached through a driver (SQLite now,
 * PostgreSQL later; see db_int.h). It is shared by every thread of the
 * process. All work happens inside db_tx(), which lends the callback a
 * connection for the length of one transaction:
 *
 *   static int count_contacts(struct db_conn *c, void *arg, struct err *e)
 *   {
 *           struct db_stmt *st;
 *           bool row;
 *           int rc = db_prepare(c, "SELECT count(*) FROM contacts WHERE company_id = ?", &st, e);
 *           if (rc)
 *                   return rc;
 *           db_bind_int(st, 1, company_id);
 *           if ((rc = db_step(st, &row, e)))
 *                   return rc;
 *           *(int64_t *)arg = db_col_int(st, 0);
 *           return 0;
 *   }
 *   …
 *   rc = db_tx(db, DB_READ, count_contacts, &n, e);
 *
 * SQL rules, so that the same statements run on both engines:
 *  - Placeholders are `?` only. Numbered (`?1`, `$1`) and named (`:x`, `@x`,
 *    `$x`) parameters are refused by db_prepare: SQLite numbers `$n` by first
 *    appearance (so `$2` before `$1` silently swaps values) and the PostgreSQL
 *    driver rewrites each `?` to `$n` in order.
 *  - Use `INSERT … RETURNING id` rather than db_last_id(); PostgreSQL has no
 *    last-insert id. Upserts with `ON CONFLICT`.
 *  - Times are int64 UTC milliseconds; compare leases against db_clock_ms().
 *
 * Every function returns 0 or an `enum err_code` (core/err.h) and puts detail
 * into the `struct err *` it is given, which may be NULL.
 */
#ifndef IMMO_STORE_DB_H
#define IMMO_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct db;      /* a database: driver and its connections; shared by threads */
struct db_conn; /* one connection, lent to a db_tx callback */
struct db_stmt; /* a prepared statement, owned by its connection's cache */

struct db_options {
	int read_conns;        /* size of the read-only connection pool, 1..64 */
	int busy_timeout_ms;   /* how long one attempt waits for ANOTHER process's lock */
	int tx_retry_ms;       /* total time db_tx keeps retrying a busy database */
	bool synchronous_full; /* SQLite: synchronous=FULL instead of NORMAL */
};

#define DB_OPTIONS_DEFAULT            \
	{                             \
		4, 5000, 10000, false \
	}

/*
 * Opens the database named by url and returns it in *out (set to NULL on
 * error); the caller closes it with db_close(). url is `sqlite:PATH` or a bare
 * file path, which is created if missing. `postgres://` and `postgresql://`
 * fail with ERR_INVALID_ARG until a build carries that driver. opt may be NULL
 * for DB_OPTIONS_DEFAULT. Opening does not touch the schema: see db_migrate()
 * and store_open().
 */
int db_open(const char *url, const struct db_options *opt, struct db **out, struct err *e);

/*
 * Closes every connection and frees db. NULL does nothing. No db_tx may be
 * running on db (programmer error).
 */
void db_close(struct db *db);

enum db_mode {
	DB_READ, /* a read-only connection from the pool; many run in parallel */
	DB_WRITE /* the one write connection; write transactions run one at a time */
};

/*
 * The body of a transaction. It returns 0 to commit or an error code to roll
 * back, and should hand errors from db_* calls back unchanged: ERR_DB_BUSY
 * makes db_tx run the whole transaction again.
 */
typedef int (*db_tx_fn)(struct db_conn *c, void *arg, struct err *e);

/*
 * Runs fn(c, arg, e) inside one transaction on a connection of the given mode
 * (`BEGIN IMMEDIATE` for DB_WRITE, so the write lock is taken up front;
 * `BEGIN` for DB_READ) and commits when fn returns 0. When fn fails, rolls
 * back and returns fn's code (with fn's detail in e).
 *
 * When the database is busy (another process holds the write lock, or a
 * snapshot went stale) at BEGIN, inside fn, or at COMMIT, the transaction is
 * rolled back and run again from the start, with exponential backoff and
 * jitter, until tx_retry_ms have passed; then ERR_DB_BUSY. fn must therefore
 * be re-runnable: it may be called several times, and must reset whatever it
 * accumulates in arg at its start and keep no effects outside the database.
 * Each attempt may also wait up to busy_timeout_ms inside the driver.
 *
 * fn must not call db_tx itself (the writer is not re-entrant and the read
 * pool may be empty; an assertion stops a nested call), nor keep c or any
 * statement after it returns.
 */
int db_tx(struct db *db, enum db_mode mode, db_tx_fn fn, void *arg, struct err *e);

/*
 * The process is stopping: from now on db_tx gives up on a busy database at once
 * (ERR_DB_BUSY) instead of retrying for tx_retry_ms, so a shutdown is bounded by the HTTP
 * drain time and not by another process's lock. Transactions keep working otherwise.
 */
void db_shutdown(struct db *db);

/* How many times db_tx has re-run a transaction because the database was busy. */
uint64_t db_tx_retries(const struct db *db);

/*
 * Write transactions of concurrent callers are committed in groups (db.c): returns the
 * number of group commits so far and, in *jobs (may be NULL), the write transactions
 * they carried; jobs / batches is the mean group size.
 */
uint64_t db_write_batches(const struct db *db, uint64_t *jobs);

/*
 * Runs SQL without parameters or results; it may hold several statements
 * separated by `;` (meant for DDL and pragmas).
 */
int db_exec(struct db_conn *c, const char *sql, struct err *e);

/*
 * Gets a prepared statement for exactly one SQL statement from the
 * connection's cache, preparing it on first use. The same SQL text on the same
 * connection yields the same statement, reset and with its bindings cleared,
 * so preparing a statement again while stepping through its rows starts it
 * over. The statement belongs to the connection: never finalise or free it,
 * and do not use it after the transaction. Only `?` placeholders are allowed
 * (see the top of this file): others fail with ERR_INVALID_ARG.
 */
int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out, struct err *e);

/*
 * Bind a value to the 1-based parameter idx. Text and blobs are copied, so the
 * caller's memory may go away before db_step. A failed bind returns its code
 * and is also remembered by the statement: the next db_step fails with it and
 * says which parameter, so a run of binds needs only db_step checked.
 */
int db_bind_int(struct db_stmt *st, int idx, int64_t v);
int db_bind_bool(struct db_stmt *st, int idx, bool v);
int db_bind_null(struct db_stmt *st, int idx);
/* NUL-terminated UTF-8 text; s == NULL binds SQL NULL. */
int db_bind_text(struct db_stmt *st, int idx, const char *s);
/* n bytes of UTF-8 text (need not be NUL-terminated); s == NULL binds SQL NULL. */
int db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n);
/* n bytes; p == NULL binds SQL NULL. */
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);

/*
 * Advances the statement. *row is true when a row can be read with db_col_*,
 * false when the statement has finished. Constraint violations fail with
 * ERR_DB_CONSTRAINT and the engine's message (e.g. "UNIQUE constraint failed:
 * meta.key"), a busy database with ERR_DB_BUSY, anything else with ERR_DB.
 */
int db_step(struct db_stmt *st, bool *row, struct err *e);

/*
 * Column accessors for the current row; i is 0-based. They copy: the engine's
 * own text is only valid until the next step, so it is never handed out.
 */
/* The value as an integer; 0 for SQL NULL. */
int64_t db_col_int(struct db_stmt *st, int i);
/* The value as a flag: true unless it is 0 or SQL NULL. */
bool db_col_bool(struct db_stmt *st, int i);
/* True when the value is SQL NULL. */
bool db_col_null(struct db_stmt *st, int i);
/*
 * A malloc'd NUL-terminated copy of the text; the caller frees it with free().
 * NULL for SQL NULL and when memory runs out (tell them apart with
 * db_col_null).
 */
char *db_col_strdup(struct db_stmt *st, int i);
/*
 * Copies the text with its terminator into dst[0..cap). SQL NULL gives "".
 * ERR_TOO_LARGE when text and terminator do not fit; dst is then "" (if cap > 0).
 */
int db_col_text(struct db_stmt *st, int i, char *dst, size_t cap);
/*
 * Appends the value's bytes (text or blob; nothing for SQL NULL) to b.
 * ERR_TOO_LARGE past b's cap or ERR_NOMEM, with b unchanged.
 */
int db_col_buf(struct db_stmt *st, int i, struct buf *b);

/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t db_changes(struct db_conn *c);
/*
 * The rowid of the last INSERT on this connection. SQLite only: the
 * PostgreSQL driver will not have it, so new code uses `RETURNING id`.
 */
int64_t db_last_id(struct db_conn *c);

/*
 * Runs a query that yields one integer (the first column of the first row),
 * binding n int64 parameters from params (may be NULL when n is 0):
 *
 *   rc = db_query_int(c, "SELECT count(*) FROM t WHERE a = ? AND b = ?",
 *                     (const int64_t[]){a, b}, 2, &count, e);
 *
 * ERR_NOT_FOUND when there is no row or the value is SQL NULL (*out is then 0).
 */
int db_query_int(struct db_conn *c, const char *sql, const int64_t *params, size_t n, int64_t *out,
                 struct err *e);

/*
 * The database's clock as UTC milliseconds since 1970. Leases and deadlines
 * shared between processes compare against this clock, not the caller's.
 */
int db_clock_ms(struct db_conn *c, int64_t *out, struct err *e);

/*
 * One schema step. Each engine has its own DDL; a NULL text means the
 * migration is not available for that engine (db_migrate fails).
 */
struct db_migration {
	int version; /* > 0, strictly ascending within a list */
	const char *name;
	const char *sqlite_sql;
	const char *postgres_sql;
};

/*
 * Brings the schema up to date: creates schema_migrations(version, name,
 * applied_at) if missing, then applies each migration of list[0..n) that is not
 * recorded there, in ascending order, each in its own write transaction
 * together with its schema_migrations row. A failing migration therefore
 * leaves the earlier ones applied and itself not at all. Running it again is a
 * no-op. When the database records a version higher than the highest in list
 * it fails with ERR_DB_SCHEMA ("… upgrade immosync") and changes nothing.
 * Versions that are not strictly ascending are a programmer error (assert).
 */
int db_migrate(struct db *db, const struct db_migration *list, size_t n, struct err *e);

/* The highest applied migration version in *out; 0 for a database never migrated. */
int db_schema_version(struct db *db, int *out, struct err *e);

#endif
