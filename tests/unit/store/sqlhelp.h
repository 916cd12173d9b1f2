/*
 * sqlhelp.h - raw SQL for the store tests: set up rows the module under test has no
 * function for yet, and read back what it wrote. Each call is its own transaction and
 * fails the test (cmocka assert) when the statement fails. Include after <cmocka.h>.
 * SQL is printf-formatted from test constants only. Also the two-company database most
 * store tests start from.
 */
#ifndef IMMO_TESTS_STORE_SQLHELP_H
#define IMMO_TESTS_STORE_SQLHELP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "store/company.h"
#include "store/db.h"
#include "store/store.h"
#include "tmpdb.h"

struct sqlhelp_count {
	const char *sql;
	int64_t n;
};

static inline int sqlhelp_count_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct sqlhelp_count *a = arg;
	return db_query_int(c, a->sql, NULL, 0, &a->n, e);
}

static inline int sqlhelp_exec_tx(struct db_conn *c, void *arg, struct err *e)
{
	return db_exec(c, arg, e);
}

/* The integer the query yields. */
__attribute__((format(printf, 2, 3))) static inline int64_t sql_count(struct db *db,
                                                                      const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(sql));
	struct sqlhelp_count a = {sql, -1};
	assert_int_equal(db_tx(db, DB_READ, sqlhelp_count_tx, &a, NULL), ERR_OK);
	return a.n;
}

/* Runs one or more statements in a write transaction. */
__attribute__((format(printf, 2, 3))) static inline void sql_exec(struct db *db, const char *fmt,
                                                                  ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(sql));
	assert_int_equal(db_tx(db, DB_WRITE, sqlhelp_exec_tx, sql, NULL), ERR_OK);
}

/* A fresh migrated database with two companies, "Makler A" (*a) and "Makler B" (*b): what
 * most store tests start from. 0 or -1. */
static inline int store_two_companies(struct tmpdb *t, struct db **db, int64_t *a, int64_t *b)
{
	struct err e = ERR_INIT;
	if (tmpdb_make(t) || store_open(t->path, NULL, db, &e))
		return -1;
	return company_create(*db, "Makler A", "a@example.de", a, &e) ||
	               company_create(*db, "Makler B", "b@example.de", b, &e)
	           ? -1
	           : 0;
}

/* Closes the database and removes its files. */
static inline void store_close_remove(struct tmpdb *t, struct db *db)
{
	db_close(db);
	tmpdb_remove(t);
}

/* The tests' own shorthand: f is their fixture with a db member. */
#define count(f, ...) sql_count((f)->db, __VA_ARGS__)
#define exec(f, ...)  sql_exec((f)->db, __VA_ARGS__)

#endif
