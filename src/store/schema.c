/*
 * schema.c - immosync's schema as versioned migrations, and store_open().
 *
 * Rules: append, never edit an applied migration; each migration carries DDL
 * for SQLite and PostgreSQL (the PostgreSQL text may stay NULL until that
 * driver exists); DML elsewhere stays portable (see db.h).
 */
#include "store/store.h"

#include <stdio.h>

const struct db_migration store_migrations[] = {
    {
        .version = 1,
        .name = "meta",
        /* Installation-wide facts, e.g. the check value of the master key. */
        .sqlite_sql = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        .postgres_sql = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    },
};

const size_t store_migrations_count = sizeof(store_migrations) / sizeof(store_migrations[0]);

int store_open(const char *url, const struct db_options *opt, struct db **out, struct err *e)
{
	struct db *db;
	int rc = db_open(url, opt, &db, e);

	*out = NULL;
	if (rc)
		return rc;
	if ((rc = db_migrate(db, store_migrations, store_migrations_count, e)))
		goto out_close;
	*out = db;
	return 0;

out_close:
	db_close(db);
	return rc;
}

bool store_ready(void *ctx, char *why, size_t cap)
{
	int version = 0;
	struct err e = ERR_INIT;
	if (db_schema_version(ctx, &version, &e) != 0) {
		snprintf(why, cap, "database: %s", e.message);
		return false;
	}
	return true;
}
