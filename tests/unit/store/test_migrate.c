/* Unit tests for the migration runner in src/store/db.c and for src/store/schema.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"
#include "store/store.h"
#include "store/tmpdb.h"

struct fixture {
	struct tmpdb t;
	struct db *db;
};

static const struct db_migration good[] = {
    {1, "one", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", NULL},
    {2, "two", "CREATE TABLE t2 (id INTEGER PRIMARY KEY); CREATE INDEX t2_id ON t2 (id)", NULL},
    {3, "three", "CREATE TABLE t3 (id INTEGER PRIMARY KEY)", NULL},
};

/* Version 3 creates t3a, then fails half-way. */
static const struct db_migration broken[] = {
    {1, "one", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", NULL},
    {2, "two", "CREATE TABLE t2 (id INTEGER PRIMARY KEY); CREATE INDEX t2_id ON t2 (id)", NULL},
    {3, "three", "CREATE TABLE t3a (id INTEGER); CREATE TABLE t3b (id INTEGER,", NULL},
    {4, "four", "CREATE TABLE t4 (id INTEGER)", NULL},
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e = ERR_INIT;
	if (!f || tmpdb_make(&f->t))
		return -1;
	if (db_open(f->t.path, NULL, &f->db, &e))
		return -1;
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

/* arg: a struct buf that receives one line per row of the query. */
struct dump_arg {
	const char *sql;
	struct buf out;
};

static int dump_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct dump_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc;

	buf_reset(&a->out);
	if ((rc = db_prepare(c, a->sql, &st, e)))
		return rc;
	for (;;) {
		if ((rc = db_step(st, &row, e)) || !row)
			return rc;
		if ((rc = db_col_buf(st, 0, &a->out)) || (rc = buf_addc(&a->out, '\n')))
			return rc;
	}
}

/* The rows of a one-column query, one per line; the caller frees the result. */
static char *dump(struct db *db, const char *sql)
{
	struct dump_arg a = {sql, BUF_INIT(1 << 16)};
	struct err e = ERR_INIT;
	if (db_tx(db, DB_READ, dump_tx, &a, &e))
		fail_msg("%s: %s", sql, e.message);
	return buf_detach(&a.out, NULL);
}

#define SCHEMA_SQL "SELECT type || ' ' || name FROM sqlite_master ORDER BY name"
#define MIGRATIONS_SQL                                                                        \
	"SELECT version || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY " \
	"version"

static int exec_tx(struct db_conn *c, void *arg, struct err *e)
{
	return db_exec(c, arg, e);
}

static int version_of(struct db *db)
{
	struct err e = ERR_INIT;
	int v = -1;
	if (db_schema_version(db, &v, &e))
		fail_msg("db_schema_version: %s", e.message);
	return v;
}

static void fresh_database_is_migrated(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	assert_int_equal(version_of(f->db), 0);
	int64_t before = (int64_t)time(NULL) * 1000;
	assert_int_equal(db_migrate(f->db, good, 2, &e), ERR_OK);
	assert_int_equal(version_of(f->db), 2);

	char *schema = dump(f->db, SCHEMA_SQL);
	assert_non_null(strstr(schema, "table t1\n"));
	assert_non_null(strstr(schema, "table t2\n"));
	assert_non_null(strstr(schema, "index t2_id\n"));
	assert_non_null(strstr(schema, "table schema_migrations\n"));
	assert_null(strstr(schema, "table t3\n"));
	free(schema);

	char *rows = dump(f->db, "SELECT version || ' ' || name FROM schema_migrations "
	                         "ORDER BY version");
	assert_string_equal(rows, "1 one\n2 two\n");
	free(rows);
	char *times = dump(f->db, "SELECT min(applied_at) FROM schema_migrations");
	long long at = strtoll(times, NULL, 10);
	assert_true(at >= before - 2000 && at <= before + 10000);
	free(times);
}

static void migrating_twice_is_a_no_op(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	assert_int_equal(db_migrate(f->db, good, 2, &e), ERR_OK);
	char *rows = dump(f->db, MIGRATIONS_SQL);
	char *schema = dump(f->db, SCHEMA_SQL);

	assert_int_equal(db_migrate(f->db, good, 2, &e), ERR_OK);
	char *rows2 = dump(f->db, MIGRATIONS_SQL);
	char *schema2 = dump(f->db, SCHEMA_SQL);
	assert_string_equal(rows, rows2);
	assert_string_equal(schema, schema2);

	/* Positive control: a longer list applies exactly the new migration. */
	assert_int_equal(db_migrate(f->db, good, 3, &e), ERR_OK);
	char *rows3 = dump(f->db, MIGRATIONS_SQL);
	assert_int_equal(strncmp(rows3, rows, strlen(rows)), 0);
	assert_non_null(strstr(rows3 + strlen(rows), "3 three "));
	assert_int_equal(version_of(f->db), 3);

	free(rows);
	free(rows2);
	free(rows3);
	free(schema);
	free(schema2);
}

static void failing_migration_leaves_earlier_ones(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	assert_int_equal(db_migrate(f->db, broken, 4, &e), ERR_DB);
	assert_non_null(strstr(e.message, "migration 3 (three)"));
	assert_int_equal(version_of(f->db), 2);

	char *schema = dump(f->db, SCHEMA_SQL);
	assert_non_null(strstr(schema, "table t1\n"));
	assert_non_null(strstr(schema, "table t2\n"));
	assert_null(strstr(schema, "t3a")); /* its first statement was rolled back too */
	assert_null(strstr(schema, "t3b"));
	assert_null(strstr(schema, "t4"));
	free(schema);
	char *rows = dump(f->db, "SELECT version FROM schema_migrations ORDER BY version");
	assert_string_equal(rows, "1\n2\n");
	free(rows);

	/* Fixed in the next release: the run continues where it stopped. */
	assert_int_equal(db_migrate(f->db, good, 3, &e), ERR_OK);
	assert_int_equal(version_of(f->db), 3);
}

static void newer_database_is_refused_untouched(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	assert_int_equal(db_migrate(f->db, good, 2, &e), ERR_OK);
	static const char future[] = "INSERT INTO schema_migrations (version, name, applied_at) "
	                             "VALUES (99, 'future', 0)";
	assert_int_equal(db_tx(f->db, DB_WRITE, exec_tx, (void *)(uintptr_t)future, &e), ERR_OK);
	char *rows = dump(f->db, MIGRATIONS_SQL);
	char *schema = dump(f->db, SCHEMA_SQL);

	assert_int_equal(db_migrate(f->db, good, 3, &e), ERR_DB_SCHEMA);
	assert_int_equal(e.code, ERR_DB_SCHEMA);
	assert_string_equal(e.message, "database schema version 99 is newer than this program "
	                               "(knows up to 3); upgrade immosync");
	char *rows2 = dump(f->db, MIGRATIONS_SQL);
	char *schema2 = dump(f->db, SCHEMA_SQL);
	assert_string_equal(rows, rows2);
	assert_string_equal(schema, schema2); /* t3 was not created */
	assert_int_equal(version_of(f->db), 99);

	/* store_open refuses it the same way and hands back nothing. */
	struct db *db = (struct db *)1;
	assert_int_equal(store_open(f->t.path, NULL, &db, &e), ERR_DB_SCHEMA);
	assert_null(db);

	free(rows);
	free(rows2);
	free(schema);
	free(schema2);
}

static void empty_list_creates_only_bookkeeping(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;

	/* Empty list on a fresh database: only the bookkeeping table appears. */
	assert_int_equal(db_migrate(f->db, good, 0, &e), ERR_OK);
	char *schema = dump(f->db, SCHEMA_SQL);
	assert_string_equal(schema, "table schema_migrations\n");
	free(schema);
	assert_int_equal(version_of(f->db), 0);
}

static void migration_without_sql_for_the_engine_fails(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	static const struct db_migration pg_only[] = {
	    {1, "one", "CREATE TABLE t1 (id INTEGER PRIMARY KEY)", NULL},
	    {2, "pg only", NULL, "CREATE TABLE t2 (id BIGSERIAL PRIMARY KEY)"},
	};

	assert_int_equal(db_migrate(f->db, pg_only, 2, &e), ERR_INTERNAL);
	assert_non_null(strstr(e.message, "no SQL for sqlite"));
	assert_int_equal(version_of(f->db), 1);
}

struct meta_arg {
	char value[32];
	bool found;
};

static int meta_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct meta_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "INSERT INTO meta (key, value) VALUES (?, ?) "
	                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, "key_check");
	db_bind_text(st, 2, "v1:abc");
	if ((rc = db_step(st, &row, e)))
		return rc;
	if ((rc = db_prepare(c, "SELECT value FROM meta WHERE key = ?", &st, e)))
		return rc;
	db_bind_text(st, 1, "key_check");
	if ((rc = db_step(st, &a->found, e)) || !a->found)
		return rc;
	return db_col_text(st, 0, a->value, sizeof(a->value));
}

static void store_open_creates_meta(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct db *db;
	char url[700];

	assert_true(store_migrations_count >= 1);
	assert_int_equal(store_migrations[0].version, 1);
	assert_string_equal(store_migrations[0].name, "meta");

	snprintf(url, sizeof(url), "sqlite:%s/store.db", f->t.dir);
	assert_int_equal(store_open(url, NULL, &db, &e), ERR_OK);
	assert_int_equal(version_of(db), store_migrations[store_migrations_count - 1].version);
	struct meta_arg a = {"", false};
	assert_int_equal(db_tx(db, DB_WRITE, meta_tx, &a, &e), ERR_OK);
	assert_true(a.found);
	assert_string_equal(a.value, "v1:abc");
	db_close(db);

	/* Opening again keeps the data and applies nothing. */
	assert_int_equal(store_open(url, NULL, &db, &e), ERR_OK);
	char *rows = dump(db, "SELECT key || '=' || value FROM meta");
	assert_string_equal(rows, "key_check=v1:abc\n");
	free(rows);
	db_close(db);

	db = (struct db *)1;
	assert_int_equal(store_open("postgres://localhost/immo", NULL, &db, &e), ERR_INVALID_ARG);
	assert_null(db);

	char p[700];
	snprintf(p, sizeof(p), "%s/store.db", f->t.dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/store.db-wal", f->t.dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/store.db-shm", f->t.dir);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(fresh_database_is_migrated, setup, teardown),
	    cmocka_unit_test_setup_teardown(migrating_twice_is_a_no_op, setup, teardown),
	    cmocka_unit_test_setup_teardown(failing_migration_leaves_earlier_ones, setup, teardown),
	    cmocka_unit_test_setup_teardown(newer_database_is_refused_untouched, setup, teardown),
	    cmocka_unit_test_setup_teardown(empty_list_creates_only_bookkeeping, setup, teardown),
	    cmocka_unit_test_setup_teardown(migration_without_sql_for_the_engine_fails, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(store_open_creates_meta, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
