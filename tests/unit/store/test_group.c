/*
 * Group commit in db_tx (src/store/db.c): concurrent write transactions share one
 * database transaction, each in a savepoint. Each caller must see exactly the outcome
 * of a serial run: its own commit or its own rollback, whatever its neighbours did,
 * also when its fn leaves statements unfinished (an INSERT … RETURNING at its row blocks
 * savepoint release).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "store/db.h"
#include "tmpdb.h"

#define THREADS 8
#define PER     150

struct fixture {
	struct tmpdb t;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e = ERR_INIT;
	/* A short retry deadline: a batch that can never commit fails fast, not after 10 s. */
	struct db_options o = DB_OPTIONS_DEFAULT;
	o.tx_retry_ms = 300;
	if (!f || tmpdb_make(&f->t) || db_open(f->t.path, &o, &f->db, &e))
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

static int ddl_tx(struct db_conn *c, void *arg, struct err *e)
{
	(void)arg;
	return db_exec(c,
	               "CREATE TABLE t (id INTEGER PRIMARY KEY, who INTEGER, n INTEGER);"
	               "INSERT INTO t (who, n) VALUES (-1, 0)",
	               e);
}

struct job_arg {
	int who, n;
	bool fail; /* insert, then fail: must leave nothing */
};

static int job_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct job_arg *a = arg;
	struct db_stmt *st;
	bool row;
	/* Leave a SELECT mid-way, as real callers do when they read one row of many ... */
	int rc = db_prepare(c, "SELECT id FROM t ORDER BY id", &st, e);
	if (rc || (rc = db_step(st, &row, e)))
		return rc;
	/* ... and an INSERT … RETURNING at its row: a write statement still in progress,
	 * beside which SQLite refuses to release a savepoint. */
	if ((rc = db_prepare(c, "INSERT INTO t (who, n) VALUES (?, ?) RETURNING id", &st, e)))
		return rc;
	db_bind_int(st, 1, a->who);
	db_bind_int(st, 2, a->n);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (a->fail)
		return err_set(e, ERR_CONFLICT, NULL, "job %d/%d fails on purpose", a->who, a->n);
	return ERR_OK;
}

struct thread_arg {
	struct db *db;
	int who;
	int committed, failed_ok, wrong;
};

static void *writer(void *p)
{
	struct thread_arg *t = p;
	for (int i = 0; i < PER; i++) {
		struct job_arg a = {t->who, i, i % 5 == 0};
		struct err e = ERR_INIT;
		int rc = db_tx(t->db, DB_WRITE, job_tx, &a, &e);
		if (a.fail && rc == ERR_CONFLICT && e.message[0] == 'j')
			t->failed_ok++;
		else if (!a.fail && rc == ERR_OK)
			t->committed++;
		else
			t->wrong++;
	}
	return NULL;
}

struct count_arg {
	int64_t rows, bad;
};

static int count_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct count_arg *a = arg;
	int rc = db_query_int(c, "SELECT count(*) FROM t WHERE who >= 0", NULL, 0, &a->rows, e);
	if (!rc)
		rc = db_query_int(c, "SELECT count(*) FROM t WHERE who >= 0 AND n % 5 = 0", NULL, 0,
		                  &a->bad, e);
	return rc;
}

static void each_caller_gets_its_own_outcome_in_a_shared_commit(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_tx(f->db, DB_WRITE, ddl_tx, NULL, NULL), ERR_OK);
	uint64_t batches0, jobs0;
	batches0 = db_write_batches(f->db, &jobs0);
	pthread_t th[THREADS];
	struct thread_arg ta[THREADS];
	for (int i = 0; i < THREADS; i++) {
		ta[i] = (struct thread_arg){f->db, i, 0, 0, 0};
		pthread_create(&th[i], NULL, writer, &ta[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	int committed = 0, failed = 0, wrong = 0;
	for (int i = 0; i < THREADS; i++) {
		committed += ta[i].committed;
		failed += ta[i].failed_ok;
		wrong += ta[i].wrong;
	}
	assert_int_equal(wrong, 0);
	assert_int_equal(committed, THREADS * PER * 4 / 5);
	assert_int_equal(failed, THREADS * PER / 5);
	struct count_arg c = {0, 0};
	assert_int_equal(db_tx(f->db, DB_READ, count_tx, &c, NULL), ERR_OK);
	assert_int_equal(c.rows, committed); /* every success stored ... */
	assert_int_equal(c.bad, 0);          /* ... and no failed job's insert */
	uint64_t jobs, batches = db_write_batches(f->db, &jobs);
	assert_int_equal(jobs - jobs0, THREADS * PER);
	/* With 8 writers racing, commits were shared: fewer commits than transactions. */
	assert_true(batches - batches0 < jobs - jobs0);
	print_message("%llu write transactions in %llu commits\n",
	              (unsigned long long)(jobs - jobs0), (unsigned long long)(batches - batches0));
}

static void a_lone_failing_transaction_rolls_back_entirely(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_tx(f->db, DB_WRITE, ddl_tx, NULL, NULL), ERR_OK);
	struct job_arg a = {7, 5, true};
	struct err e = ERR_INIT;
	assert_int_equal(db_tx(f->db, DB_WRITE, job_tx, &a, &e), ERR_CONFLICT);
	struct count_arg c = {0, 0};
	assert_int_equal(db_tx(f->db, DB_READ, count_tx, &c, NULL), ERR_OK);
	assert_int_equal(c.rows, 0);
	a.fail = false;
	assert_int_equal(db_tx(f->db, DB_WRITE, job_tx, &a, &e), ERR_OK);
	assert_int_equal(db_tx(f->db, DB_READ, count_tx, &c, NULL), ERR_OK);
	assert_int_equal(c.rows, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(each_caller_gets_its_own_outcome_in_a_shared_commit,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_lone_failing_transaction_rolls_back_entirely, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
