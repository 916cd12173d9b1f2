/*
 * Unit tests for src/store/import_state.c as src/store/import.h states it: the
 * per-company import lease on the database clock (take, extend, steal from a dead
 * holder, expiry, release by import_finish), import_commit refusing a page of a
 * process that lost the lease, progress and cursors persisted, the outcome of a pass,
 * the full-import request (R-S2) and which companies are due. The database clock
 * has no seam: expiry is shown by a lease of 150 ms and one real wait of 300 ms, and
 * by moving lease_until behind the clock reading that import_state_get returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/time.h"
#include "store/company.h"
#include "store/import.h"
#include "store/link.h"
#include "store/store.h"
#include "sqlhelp.h"
#include "tmpdb.h"

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define OWNER1  "host-a:101:serve"
#define OWNER2  "host-b:202:cli"

struct fixture {
	struct tmpdb t;
	struct db *db;
	int64_t a, b; /* two companies */
	struct crypto_key key;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || store_two_companies(&f->t, &f->db, &f->a, &f->b) ||
	    crypto_key_from_hex(KEY_HEX, 1, &f->key, NULL))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close_remove(&f->t, f->db);
	free(f);
	return 0;
}

static void link_company(struct fixture *f, int64_t company, const char *web_id)
{
	struct err e = ERR_INIT;
	if (link_set(f->db, &f->key, company, web_id, "0123456789abcdef", "secret", &e))
		fail_msg("link_set: %s", e.message);
}

/* The state; the caller releases it. */
static struct import_state get(struct fixture *f, int64_t company)
{
	struct import_state s;
	struct err e = ERR_INIT;
	if (import_state_get(f->db, company, &s, &e))
		fail_msg("import_state_get: %s", e.message);
	return s;
}

static bool acquire(struct fixture *f, int64_t company, const char *owner, int64_t ttl_ms,
                    const char *steal_from, char *holder)
{
	bool got = true;
	struct err e = ERR_INIT;
	assert_int_equal(
	    import_lease_acquire(f->db, company, owner, ttl_ms, steal_from, &got, holder, &e),
	    ERR_OK);
	return got;
}

static int commit(struct fixture *f, const char *owner, int64_t ttl_ms,
                  const struct import_progress *p, char *sync_state, struct err *e)
{
	err_clear(e);
	return import_commit(f->db, f->a, owner, ttl_ms, NULL, 0, NULL, 0, p, NULL, sync_state, e);
}

static void a_company_without_a_row_reads_as_idle(void **state)
{
	struct fixture *f = *state;
	exec(f, "UPDATE settings SET import_interval_s = 60 WHERE company_id = %lld",
	     (long long)f->a);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	struct import_state s = get(f, f->a);
	assert_string_equal(s.sync_state, "not_linked");
	assert_string_equal(s.link_state, "");
	assert_string_equal(s.phase, "idle");
	assert_int_equal(s.interval_s, 60);
	assert_int_equal(s.done + s.total + s.init_last_id + s.failures + s.next_run_at, 0);
	assert_null(s.cursor);
	assert_string_equal(s.lease_owner, "");
	assert_true(s.now > wall - 5000 && s.now < wall + 5000);
	assert_false(import_state_running(&s));
	import_state_release(&s);
	struct err e = ERR_INIT;
	assert_int_equal(import_state_get(f->db, 999, &s, &e), ERR_NOT_FOUND);
	assert_null(s.cursor);
}

static void one_owner_holds_the_lease_and_may_extend_it(void **state)
{
	struct fixture *f = *state;
	char holder[IMPORT_OWNER_MAX] = "x";
	assert_true(acquire(f, f->a, OWNER1, 60000, NULL, holder));
	assert_string_equal(holder, "");
	struct import_state s = get(f, f->a);
	assert_string_equal(s.lease_owner, OWNER1);
	/* Until now + ttl on the database clock. */
	assert_true(s.lease_until > s.now + 55000 && s.lease_until <= s.now + 60000);
	assert_true(import_state_running(&s));
	int64_t until = s.lease_until;
	import_state_release(&s);
	/* A second owner is refused and told who holds it; holder may be NULL. */
	assert_false(acquire(f, f->a, OWNER2, 60000, NULL, holder));
	assert_string_equal(holder, OWNER1);
	assert_false(acquire(f, f->a, OWNER2, 60000, NULL, NULL));
	assert_false(acquire(f, f->a, OWNER2, 60000, "host-c:303:dead", holder));
	/* The owner extends it. */
	assert_true(acquire(f, f->a, OWNER1, 600000, NULL, NULL));
	s = get(f, f->a);
	assert_string_equal(s.lease_owner, OWNER1);
	assert_true(s.lease_until > until + 500000);
	import_state_release(&s);
	/* Another company's lease is its own. */
	assert_true(acquire(f, f->b, OWNER2, 60000, NULL, NULL));
	bool got = true;
	struct err e = ERR_INIT;
	assert_int_equal(import_lease_acquire(f->db, 999, OWNER1, 1000, NULL, &got, holder, &e),
	                 ERR_NOT_FOUND);
	assert_false(got);
}

static void a_dead_holders_lease_can_be_stolen(void **state)
{
	struct fixture *f = *state;
	char holder[IMPORT_OWNER_MAX];
	assert_true(acquire(f, f->a, OWNER1, 60000, NULL, NULL));
	assert_true(acquire(f, f->a, OWNER2, 60000, OWNER1, holder));
	struct import_state s = get(f, f->a);
	assert_string_equal(s.lease_owner, OWNER2);
	import_state_release(&s);
	assert_false(acquire(f, f->a, OWNER1, 60000, NULL, holder));
	assert_string_equal(holder, OWNER2);
}

static void the_lease_expires_on_the_database_clock(void **state)
{
	struct fixture *f = *state;
	char holder[IMPORT_OWNER_MAX];
	struct err e = ERR_INIT;
	assert_true(acquire(f, f->a, OWNER1, 150, NULL, NULL));
	assert_false(acquire(f, f->a, OWNER2, 60000, NULL, holder));
	struct timespec wait = {0, 300 * 1000000L};
	nanosleep(&wait, NULL);
	struct import_state s = get(f, f->a);
	assert_true(s.lease_until < s.now);
	assert_false(import_state_running(&s));
	import_state_release(&s);
	assert_true(acquire(f, f->a, OWNER2, 60000, NULL, NULL));
	/* The old owner's page is refused now; nothing of it is written. */
	struct import_progress p = {.set = IMPORT_SET_TOTAL, .total = 77};
	assert_int_equal(commit(f, OWNER1, 60000, &p, NULL, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "lease");
	s = get(f, f->a);
	assert_int_equal(s.total, 0);
	assert_string_equal(s.lease_owner, OWNER2);
	/* Moved behind the clock the database reads, a lease is free for anyone. */
	exec(f, "UPDATE import_state SET lease_until = %lld WHERE company_id = %lld",
	     (long long)(s.now - 1), (long long)f->a);
	import_state_release(&s);
	s = get(f, f->a);
	assert_false(import_state_running(&s));
	import_state_release(&s);
	assert_true(acquire(f, f->a, OWNER1, 60000, NULL, NULL));
	/* A negative ttl is expired at once. */
	assert_true(acquire(f, f->a, OWNER1, -1, NULL, NULL));
	assert_true(acquire(f, f->a, OWNER2, 60000, NULL, NULL));
}

static void commit_needs_the_lease_and_extends_it(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	char sync_state[16] = "";
	struct import_progress p = {.set = IMPORT_SET_DONE, .done_add = 5};
	/* No lease taken at all. */
	assert_int_equal(commit(f, OWNER1, 60000, &p, NULL, &e), ERR_CONFLICT);
	assert_true(acquire(f, f->a, OWNER1, 1000, NULL, NULL));
	assert_int_equal(commit(f, OWNER2, 60000, &p, NULL, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "lease");
	/* The holder's page: its contact, its progress, a longer lease, the sync state. */
	const char *emails[] = {"imp@x.de"};
	struct import_contact k = {.address_id = 500,
	                           .first_name = "Ida",
	                           .consent = true,
	                           .emails = emails,
	                           .nemails = 1};
	struct import_stats stats = {0};
	assert_int_equal(
	    import_commit(f->db, f->a, OWNER1, 600000, &k, 1, NULL, 0, &p, &stats, sync_state, &e),
	    ERR_OK);
	assert_int_equal(stats.created, 1);
	assert_string_equal(sync_state, "not_linked");
	struct import_state s = get(f, f->a);
	assert_int_equal(s.done, 5);
	assert_true(s.lease_until > s.now + 500000);
	import_state_release(&s);
	/* R-I7: an imported contact writes no outbox row. */
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE onoffice_address_id = 500"),
	                 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
}

static void progress_and_cursors_persist(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	assert_true(acquire(f, f->a, OWNER1, 60000, NULL, NULL));
	struct import_progress all = {
	    .set = IMPORT_SET_PHASE | IMPORT_SET_DONE | IMPORT_SET_TOTAL | IMPORT_SET_KEYSET |
	           IMPORT_SET_MARK | IMPORT_SET_COUNTED | IMPORT_SET_SCOPE | IMPORT_SET_CURSOR,
	    .phase = "initial",
	    .done_add = 500,
	    .total = 1000,
	    .init_branch = 2,
	    .init_last_id = 4711,
	    .init_mark = "2026-11-26 11:15:00",
	    .init_counted = true,
	    .scope_hash = "scope-1",
	    .cursor = "{\"main\":\"2026-11-26 11:15:00\"}"};
	assert_int_equal(commit(f, OWNER1, 60000, &all, NULL, &e), ERR_OK);
	/* Only flagged fields change: the others' values are ignored. */
	struct import_progress more = all;
	more.set = IMPORT_SET_DONE;
	more.done_add = 250;
	more.phase = "idle";
	more.total = more.init_branch = more.init_last_id = 9;
	more.init_mark = more.scope_hash = more.cursor = NULL;
	assert_int_equal(commit(f, OWNER1, 60000, &more, NULL, &e), ERR_OK);
	/* Persisted: a reopened database reads the same. */
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(store_open(f->t.path, NULL, &f->db, &e), ERR_OK);
	struct import_state s = get(f, f->a);
	assert_string_equal(s.phase, "initial");
	assert_int_equal(s.done, 750);
	assert_int_equal(s.total, 1000);
	assert_int_equal(s.init_branch, 2);
	assert_int_equal(s.init_last_id, 4711);
	assert_string_equal(s.init_mark, "2026-11-26 11:15:00");
	assert_true(s.init_counted);
	assert_string_equal(s.scope_hash, "scope-1");
	assert_non_null(s.cursor);
	assert_string_equal(s.cursor, "{\"main\":\"2026-11-26 11:15:00\"}");
	import_state_release(&s);
	/* RESET zeroes done before adding; NULL clears mark and cursor; phase NULL is idle. */
	struct import_progress end = {.set = IMPORT_SET_RESET | IMPORT_SET_DONE | IMPORT_SET_MARK |
	                                     IMPORT_SET_CURSOR | IMPORT_SET_PHASE,
	                              .done_add = 10};
	assert_int_equal(commit(f, OWNER1, 60000, &end, NULL, &e), ERR_OK);
	s = get(f, f->a);
	assert_int_equal(s.done, 10);
	assert_string_equal(s.init_mark, "");
	assert_null(s.cursor);
	assert_string_equal(s.phase, "idle");
	assert_string_equal(s.scope_hash, "scope-1");
	import_state_release(&s);
}

static void finish_records_the_outcome_and_frees_only_its_lease(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	assert_true(acquire(f, f->a, OWNER1, 60000, NULL, NULL));
	struct import_finish bad = {"onOffice antwortete 500", "onoffice", 1764151200000};
	assert_int_equal(import_finish(f->db, f->a, OWNER1, &bad, &e), ERR_OK);
	assert_int_equal(import_finish(f->db, f->a, OWNER1, &bad, &e), ERR_OK);
	struct import_state s = get(f, f->a);
	assert_string_equal(s.lease_owner, "");
	assert_false(import_state_running(&s));
	assert_string_equal(s.last_error, "onOffice antwortete 500");
	assert_string_equal(s.last_error_class, "onoffice");
	assert_int_equal(s.failures, 2);
	assert_int_equal(s.next_run_at, 1764151200000);
	assert_true(s.last_run_at > s.now - 5000);
	import_state_release(&s);
	assert_int_equal(count(f, "SELECT count(*) FROM import_state WHERE last_ok_at IS NULL"), 1);
	/* A good pass resets the failures and the error. */
	struct import_finish good = {NULL, "internal", 1764151260000};
	assert_int_equal(import_finish(f->db, f->a, OWNER1, &good, &e), ERR_OK);
	s = get(f, f->a);
	assert_int_equal(s.failures, 0);
	assert_string_equal(s.last_error, "");
	assert_string_equal(s.last_error_class, "");
	assert_int_equal(s.next_run_at, 1764151260000);
	import_state_release(&s);
	assert_int_equal(count(f, "SELECT count(*) FROM import_state WHERE last_ok_at IS NULL"), 0);
	/* A full import requested meanwhile (or unfinished) is due at once after a good pass,
	 * as of the pass's end: behind work due before it (issue #11, fairness). */
	exec(f, "UPDATE import_state SET phase = 'initial'");
	int64_t before = time_now_ms();
	assert_int_equal(import_finish(f->db, f->a, OWNER1, &good, &e), ERR_OK);
	s = get(f, f->a);
	assert_true(s.next_run_at >= before && s.next_run_at <= time_now_ms());
	import_state_release(&s);
	/* Another owner's finish leaves the lease where it is. */
	assert_true(acquire(f, f->a, OWNER1, 60000, NULL, NULL));
	assert_int_equal(import_finish(f->db, f->a, OWNER2, &good, &e), ERR_OK);
	s = get(f, f->a);
	assert_string_equal(s.lease_owner, OWNER1);
	assert_true(import_state_running(&s));
	import_state_release(&s);
}

static void full_import_request_needs_an_active_link(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	bool joined = true;
	assert_int_equal(import_request_initial(f->db, 999, false, &joined, &e), ERR_NOT_FOUND);
	assert_false(joined);
	assert_int_equal(import_request_initial(f->db, f->a, false, &joined, &e), ERR_NOT_LINKED);
	link_company(f, f->a, "21546");
	/* An earlier pass left progress, an error and a later run behind. */
	exec(f,
	     "INSERT INTO import_state (company_id, done, total, init_branch, init_last_id, "
	     "init_mark, init_counted, next_run_at, failures, last_error) VALUES (%lld, 40, 90, 1, "
	     "333, 'mark', 1, 99999999999999, 3, 'boom')",
	     (long long)f->a);
	assert_int_equal(import_request_initial(f->db, f->a, false, &joined, &e), ERR_OK);
	assert_false(joined);
	struct import_state s = get(f, f->a);
	assert_string_equal(s.phase, "initial");
	assert_string_equal(s.sync_state, "running");
	assert_int_equal(s.done + s.total + s.init_branch + s.init_last_id, 0);
	assert_string_equal(s.init_mark, "");
	assert_false(s.init_counted);
	assert_int_equal(s.next_run_at + s.failures, 0);
	assert_string_equal(s.last_error, "");
	assert_true(import_state_running(&s));
	import_state_release(&s);
	/* Once requested: refused again, or joined with its progress kept. */
	assert_int_equal(import_request_initial(f->db, f->a, false, &joined, &e), ERR_CONFLICT);
	exec(f, "UPDATE import_state SET done = 12, next_run_at = 99999999999999, failures = 2");
	assert_int_equal(import_request_initial(f->db, f->a, true, &joined, &e), ERR_OK);
	assert_true(joined);
	s = get(f, f->a);
	assert_int_equal(s.done, 12);
	assert_int_equal(s.next_run_at + s.failures, 0);
	import_state_release(&s);
	/* R-S4: a revoked link cannot import. */
	assert_int_equal(link_mark_revoked(f->db, f->a, "Zugriff entzogen", &e), ERR_OK);
	assert_int_equal(import_request_initial(f->db, f->a, true, &joined, &e), ERR_CONFLICT);
	assert_false(joined);
	/* B was never touched. */
	s = get(f, f->b);
	assert_string_equal(s.phase, "idle");
	assert_string_equal(s.sync_state, "not_linked");
	import_state_release(&s);
}

static void due_companies_are_running_active_and_unclaimed(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	int64_t ids[4];
	size_t n = 9;
	int64_t c;
	assert_int_equal(company_create(f->db, "Makler C", "c@example.de", &c, &e), ERR_OK);
	link_company(f, f->a, "1");
	link_company(f, f->b, "2");
	link_company(f, c, "3");
	assert_int_equal(import_due(f->db, 1000, ids, 4, &n, &e), ERR_OK);
	assert_int_equal(n, 0); /* linked, not running */
	exec(f, "UPDATE companies SET sync_state = 'running'");
	exec(f,
	     "INSERT INTO import_state (company_id, next_run_at) VALUES (%lld, 500), (%lld, "
	     "2000)",
	     (long long)c, (long long)f->b);
	/* Oldest first (no next run is the oldest); not before next_run_at. */
	assert_int_equal(import_due(f->db, 1000, ids, 4, &n, &e), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], f->a);
	assert_int_equal(ids[1], c);
	assert_int_equal(import_due(f->db, 2000, ids, 1, &n, &e), ERR_OK);
	assert_int_equal(n, 1);
	/* A claim wanted (R-A12), a revoked link (R-S4) or a stop takes a company out. */
	exec(f, "UPDATE onoffice_links SET claim_wanted = 'claim' WHERE company_id = %lld",
	     (long long)f->a);
	assert_int_equal(link_mark_revoked(f->db, c, "weg", &e), ERR_OK);
	exec(f, "UPDATE companies SET sync_state = 'stopped' WHERE id = %lld", (long long)f->b);
	assert_int_equal(import_due(f->db, 5000, ids, 4, &n, &e), ERR_OK);
	assert_int_equal(n, 0);
}

/* Issue #12: a company becomes running with its initial sync; in automatic mode what was
 * ingested before goes out then (held rows become due), in manual mode it stays held. */
static void the_initial_sync_releases_held_rows_in_automatic_mode(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	link_company(f, f->a, "1");
	link_company(f, f->b, "2");
	exec(f,
	     "INSERT INTO contacts (id, company_id, origin, created_at, updated_at) VALUES (1, "
	     "%lld, 'platform', 0, 0), (2, %lld, 'platform', 0, 0);"
	     "INSERT INTO outbox (company_id, contact_id, kind, ref_id, state, created_at, "
	     "updated_at) VALUES (%lld, 1, 'contact', 1, 'held', 0, 0), (%lld, 2, 'contact', 2, "
	     "'held', 0, 0);"
	     "UPDATE settings SET backsync_mode = 'automatic' WHERE company_id = %lld",
	     (long long)f->a, (long long)f->b, (long long)f->a, (long long)f->b, (long long)f->a);
	assert_int_equal(import_request_initial(f->db, f->a, false, NULL, &e), ERR_OK);
	assert_int_equal(import_request_initial(f->db, f->b, false, NULL, &e), ERR_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE contact_id = 1 AND state = "
	                          "'due'"),
	                 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE contact_id = 2 AND state = "
	                          "'held'"),
	                 1); /* manual: the button sends it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(a_company_without_a_row_reads_as_idle, setup, teardown),
	    cmocka_unit_test_setup_teardown(one_owner_holds_the_lease_and_may_extend_it, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(a_dead_holders_lease_can_be_stolen, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_lease_expires_on_the_database_clock, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(commit_needs_the_lease_and_extends_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(progress_and_cursors_persist, setup, teardown),
	    cmocka_unit_test_setup_teardown(finish_records_the_outcome_and_frees_only_its_lease,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(full_import_request_needs_an_active_link, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(due_companies_are_running_active_and_unclaimed, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(the_initial_sync_releases_held_rows_in_automatic_mode,
	                                    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
