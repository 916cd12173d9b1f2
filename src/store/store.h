/*
 * store.h - immosync's database: its schema and how to open it.
 *
 * The schema is a list of versioned migrations (schema.c) run by db_migrate()
 * from db.h. New tables go into a new migration at the end of the list, with
 * DDL for each engine; an applied migration is never edited.
 */
#ifndef IMMO_STORE_STORE_H
#define IMMO_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/db.h"

/* immosync's migrations, in ascending version order. */
extern const struct db_migration store_migrations[];
extern const size_t store_migrations_count;

/*
 * Opens the database at url (see db_open) and brings its schema up to date
 * with store_migrations. On success the caller owns *out and closes it with
 * db_close(); on error *out is NULL and nothing stays open. A database written
 * by a newer immosync fails with ERR_DB_SCHEMA and is left untouched.
 */
int store_open(const char *url, const struct db_options *opt, struct db **out, struct err *e);

/*
 * The readiness check of a serving process (struct http_config.ready): true when
 * the database answers a read transaction. ctx is the struct db *. On false a
 * short reason goes into why.
 */
bool store_ready(void *ctx, char *why, size_t cap);

#endif
