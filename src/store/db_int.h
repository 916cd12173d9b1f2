/*
 * db_int.h - what a database driver implements, and the parts of the opaque
 * types that db.c shares with the drivers. Only src/store/ includes this.
 *
 * A driver is a `struct db_driver` table of operations (in the manner of
 * curl's `struct Curl_ssl` in lib/vtls/vtls_int.h). db.c picks the driver
 * from the URL, and implements everything engine-neutral on top of the table:
 * transaction retry, column copy-out, sticky bind errors, migrations.
 *
 * Drivers allocate their connections and statements with the generic part as
 * the first member (`struct sqlite_conn { struct db_conn base; … }`), and keep
 * their database-wide state behind db->impl.
 */
#ifndef IMMO_STORE_DB_INT_H
#define IMMO_STORE_DB_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

enum db_engine { DB_ENGINE_SQLITE, DB_ENGINE_POSTGRES };

struct db_driver;

struct write_job;

struct db {
	const struct db_driver *drv;
	struct db_options opt;
	atomic_uint_fast64_t tx_retries;
	atomic_uint_fast64_t write_batches; /* committed group transactions */
	atomic_uint_fast64_t write_jobs;    /* write transactions they carried */
	/* Group commit (db.c): writers queue here; one of them leads a batch. */
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_cond;
	struct write_job *queue_head, *queue_tail;
	bool leader_active;
	atomic_bool stopping; /* db_shutdown: busy retries give up at once */
	void *impl;           /* the driver's state: connections, pool */
};

struct db_conn {
	struct db *db;
};

struct db_stmt {
	struct db_conn *conn;
	int bind_err; /* first failed bind since the statement was reset, 0 if none */
	int bind_idx; /* its parameter index */
};

/*
 * The operations of one engine. Unless said otherwise they return 0 or an
 * err_code with detail in e, like the public functions.
 */
struct db_driver {
	const char *name;           /* "sqlite" */
	enum db_engine engine;      /* which migration text to run */
	const char *const *schemes; /* URL prefixes handled, NULL-terminated ("sqlite:") */
	bool takes_paths;           /* also handles URLs without a scheme (file paths) */

	/* Connects to target (the URL without the scheme) and sets db->impl. */
	int (*open)(struct db *db, const char *target, struct err *e);
	/* Closes all connections and frees db->impl (db itself is db.c's). */
	void (*close)(struct db *db);

	/* Lends a connection of the mode, waiting for one if needed; release gives it back. */
	int (*acquire)(struct db *db, enum db_mode mode, struct db_conn **out, struct err *e);
	void (*release)(struct db_conn *c);

	int (*begin)(struct db_conn *c, enum db_mode mode, struct err *e);
	int (*commit)(struct db_conn *c, struct err *e);
	/* Rolls back whatever is open; safe when no transaction is (any longer) open. */
	void (*rollback)(struct db_conn *c);

	int (*exec)(struct db_conn *c, const char *sql, struct err *e);
	/* Ends every statement still running on the connection (a caller's fn may return with a
	 * SELECT unfinished); savepoint release and rollback refuse to run beside one. */
	void (*settle)(struct db_conn *c);
	/* Cached prepare: resets the statement and clears its bindings on reuse. */
	int (*prepare)(struct db_conn *c, const char *sql, struct db_stmt **out, struct err *e);

	/* Binds return an err_code without detail (db.c records it); text and blobs are copied. */
	int (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	int (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t n);
	int (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
	int (*bind_null)(struct db_stmt *st, int idx);

	int (*step)(struct db_stmt *st, bool *row, struct err *e);
	bool (*col_null)(struct db_stmt *st, int i);
	int64_t (*col_int)(struct db_stmt *st, int i);
	/*
	 * The column's bytes and their count in *len; valid until the next step.
	 * For text the bytes are followed by a NUL. NULL with *len 0 for SQL NULL
	 * or an empty value.
	 */
	const void *(*col_bytes)(struct db_stmt *st, int i, size_t *len);

	int64_t (*changes)(struct db_conn *c);
	int64_t (*last_id)(struct db_conn *c); /* NULL when the engine has none */
	int (*clock_ms)(struct db_conn *c, int64_t *out, struct err *e);
	int (*table_exists)(struct db_conn *c, const char *name, bool *out, struct err *e);
};

extern const struct db_driver db_sqlite_driver;

#endif
