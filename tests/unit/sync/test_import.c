/*
 * Unit tests for src/sync/import.c, engine.c, live.c and src/store/import_state.c,
 * contact_import.c: the full import (keyset), the periodic import (cursor, ties, edits
 * between pages), resuming after a failure, consent (R-I6), tombstones (R-T3), R-S4, the
 * lease, stop, a changed scope, the preview and contact types - on a real store and an
 * in-memory onOffice (fake_source.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fake_source.h"
#include "store/company.h"
#include "store/contact.h"
#include "store/import.h"
#include "store/link.h"
#include "store/settings.h"
#include "store/store.h"
#include "store/tmpdb.h"
#include "core/time.h"
#include "sync/sync.h"

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define CONSENT "speicherungzugestimmt"
#define OLD     "2026-01-01 10:00:00"

struct fixture {
	struct tmpdb t;
	struct db *db;
	int64_t a;
	struct crypto_key key;
	struct fake_oo oo;
	struct sync_engine *eng;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e = ERR_INIT;
	if (!f || tmpdb_make(&f->t) || store_open(f->t.path, NULL, &f->db, &e) ||
	    company_create(f->db, "Makler A", "a@example.de", &f->a, &e) ||
	    crypto_key_from_hex(KEY_HEX, 1, &f->key, &e) ||
	    link_set(f->db, &f->key, f->a, "4711", "tok0123456789", "sec0123456789", &e))
		return -1;
	struct sync_config cfg = {.db = f->db,
	                          .keys = &f->key,
	                          .nkeys = 1,
	                          .tag = "test",
	                          .source_new = fake_source_new,
	                          .source_arg = &f->oo};
	if (sync_engine_new(&cfg, &f->eng, &e))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	sync_engine_free(f->eng);
	db_close(f->db);
	tmpdb_remove(&f->t);
	free(f->oo.v);
	free(f);
	return 0;
}

struct q_arg {
	const char *sql;
	int64_t p, n;
};

static int q_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct q_arg *a = arg;
	return db_query_int(c, a->sql, &a->p, a->p ? 1 : 0, &a->n, e);
}

/* One integer from sql with at most one parameter p (0: none). */
static int64_t q(struct fixture *f, const char *sql, int64_t p)
{
	struct q_arg a = {sql, p, -1};
	struct err e = ERR_INIT;
	int rc = db_tx(f->db, DB_READ, q_tx, &a, &e);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		fail_msg("query %s: %s", sql, e.message);
	return a.n;
}

static void settings(struct fixture *f, const char *json)
{
	json_t *patch = json_loads(json, 0, NULL), *out = NULL;
	struct err e = ERR_INIT;
	if (settings_put_json(f->db, f->a, patch, &out, &e))
		fail_msg("settings: %s", e.message);
	json_decref(patch);
	json_decref(out);
}

static void request(struct fixture *f)
{
	struct err e = ERR_INIT;
	if (import_request_initial(f->db, f->a, false, NULL, &e))
		fail_msg("request: %s", e.message);
}

static int pass(struct fixture *f, struct sync_pass_result *r)
{
	struct err e = ERR_INIT;
	struct sync_pass_result ignored;
	return sync_pass(f->eng, f->a, 0, r ? r : &ignored, &e);
}

static bool is_system_only(const struct fa *a)
{
	return a->ntypes == 1 && strcmp(a->types[0], "Systembenutzer") == 0;
}

/* Consented addresses in scope: all (scope NULL), or any of the types / none. */
static int64_t expected(const struct fixture *f, const char *type, bool without, int64_t *sum)
{
	int64_t n = 0;
	*sum = 0;
	for (size_t i = 0; i < f->oo.n; i++) {
		const struct fa *a = &f->oo.v[i];
		if (strcmp(a->dsgvo, CONSENT) != 0)
			continue;
		bool in = !type && !without
		              ? !is_system_only(a)
		              : (type && fa_has_type(a, type)) || (without && !a->ntypes);
		if (in) {
			n++;
			*sum += a->id;
		}
	}
	return n;
}

/* Imported, unblocked contacts: their count and the sum of their address ids. */
static int64_t imported(struct fixture *f, int64_t *sum)
{
	*sum = q(f,
	         "SELECT coalesce(sum(onoffice_address_id), 0) FROM contacts WHERE company_id = ? "
	         "AND blocked = 0 AND erased_at IS NULL",
	         f->a);
	return q(f,
	         "SELECT count(*) FROM contacts WHERE company_id = ? AND blocked = 0 AND erased_at "
	         "IS NULL",
	         f->a);
}

static void assert_exact(struct fixture *f, const char *type, bool without)
{
	int64_t es, gs;
	int64_t en = expected(f, type, without, &es), gn = imported(f, &gs);
	assert_int_equal(gn, en);
	assert_int_equal(gs, es);
	assert_int_equal(q(f, "SELECT count(*) FROM outbox", 0), 0);
}

/* n addresses, every third without consent, some without type, some only Systembenutzer. */
static void seed(struct fixture *f, int n, const char *aend)
{
	static const char *const types[] = {"Kunde", "Makler", NULL, "Systembenutzer"};
	for (int i = 0; i < n; i++)
		fake_add(&f->oo, aend, i % 3 == 2 ? "speicherungwiderrufen" : CONSENT, types[i % 4],
		         i % 7 == 0 ? "Kunde" : NULL);
}

/* ---- the full import ---- */

static void full_import_reads_each_page_once(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 1234, OLD);
	int64_t s, consented = 0;
	for (size_t i = 0; i < f->oo.n; i++)
		consented += strcmp(f->oo.v[i].dsgvo, CONSENT) == 0;
	request(f);
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.initial_done);
	assert_exact(f, NULL, false);
	/* the highest Aenderung, then ⌈consented/500⌉ pages (the first page counts) */
	assert_int_equal(f->oo.reads, 1 + (consented + 499) / 500);
	struct import_state st;
	assert_int_equal(import_state_get(f->db, f->a, &st, NULL), 0);
	assert_string_equal(st.phase, "idle");
	assert_int_equal(st.done, consented);
	assert_int_equal(st.total, consented);
	assert_string_equal(st.init_mark, OLD);
	assert_non_null(strstr(st.cursor, "\"n0\":\"" OLD "\""));
	assert_string_equal(st.sync_state, "running");
	assert_true(st.next_run_at > st.now);
	import_state_release(&st);
	assert_int_equal(q(f, "SELECT count(*) FROM contacts WHERE origin <> 'onoffice'", 0), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM lead_keys", 0), 0);
	(void)s;
}

static void second_run_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 700, OLD);
	request(f);
	assert_int_equal(pass(f, &r), 0);
	int64_t changed = q(f, "SELECT max(updated_at) FROM contacts", 0);
	int64_t rows = q(f, "SELECT count(*) FROM contacts", 0) +
	               q(f, "SELECT count(*) FROM contact_emails", 0) +
	               q(f, "SELECT count(*) FROM contact_phones", 0);
	request(f); /* a full rescan */
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.initial_done);
	assert_int_equal(r.stats.created + r.stats.updated + r.stats.blocked, 0);
	assert_true(r.stats.unchanged > 0);
	assert_int_equal(pass(f, &r), 0); /* a periodic pass re-reads the overlap */
	assert_false(r.initial_done);
	assert_int_equal(r.stats.created + r.stats.updated + r.stats.blocked, 0);
	assert_int_equal(q(f, "SELECT max(updated_at) FROM contacts", 0), changed);
	assert_int_equal(q(f, "SELECT count(*) FROM contacts", 0) +
	                     q(f, "SELECT count(*) FROM contact_emails", 0) +
	                     q(f, "SELECT count(*) FROM contact_phones", 0),
	                 rows);
}

static void two_branches_give_types_or_none(void **state)
{
	struct fixture *f = *state;
	seed(f, 900, OLD);
	settings(f, "{\"all_contacts\": false, \"contact_types\": [\"Makler\"], "
	            "\"without_contact_type\": true}");
	request(f);
	assert_int_equal(pass(f, NULL), 0);
	int64_t es1, es2, gs;
	int64_t n = expected(f, "Makler", false, &es1) + expected(f, NULL, true, &es2);
	assert_int_equal(imported(f, &gs), n);
	/* Makler-or-none: without_contact_type alone counts addresses without type */
	int64_t none = 0, nsum = 0;
	for (size_t i = 0; i < f->oo.n; i++)
		if (!f->oo.v[i].ntypes && !strcmp(f->oo.v[i].dsgvo, CONSENT)) {
			none++;
			nsum += f->oo.v[i].id;
		}
	assert_int_equal(imported(f, &gs), expected(f, "Makler", false, &es1) + none);
	assert_int_equal(gs, es1 + nsum);
	/* the second branch was counted up front, the first by its first page */
	struct import_state st;
	assert_int_equal(import_state_get(f->db, f->a, &st, NULL), 0);
	assert_int_equal(st.done, n);
	assert_int_equal(st.total, n);
	assert_non_null(strstr(st.cursor, "\"n1\""));
	import_state_release(&st);
	assert_int_equal(f->oo.reads, 1 + 1 + 2); /* mark, count of branch 1, one page each */
}

/* ---- the periodic import ---- */

static void periodic_ties_end(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 100, OLD);
	request(f);
	assert_int_equal(pass(f, NULL), 0);
	for (int i = 0; i < 1200; i++)
		fake_add(&f->oo, "2026-02-02 02:02:02", CONSENT, "Kunde", NULL);
	int before = f->oo.reads;
	assert_int_equal(pass(f, &r), 0);
	assert_false(r.more);
	assert_exact(f, NULL, false);
	/* two streams, each ⌈1200/500⌉ pages plus a restart and a final short page */
	assert_true(f->oo.reads - before <= 2 * (3 + 2));
	/* a mass change of all 1,200 at one time again */
	for (size_t i = 100; i < f->oo.n; i++) {
		snprintf(f->oo.v[i].aend, sizeof(f->oo.v[i].aend), "2026-03-03 03:03:03");
		snprintf(f->oo.v[i].last, sizeof(f->oo.v[i].last), "Massen%zu", i);
	}
	assert_int_equal(pass(f, &r), 0);
	assert_int_equal(r.stats.updated, 1200);
	assert_int_equal(q(f, "SELECT count(*) FROM contacts WHERE last_name LIKE 'Massen%'", 0),
	                 1200);
}

static void edit_after_first_page(struct fake_oo *oo, int read_no)
{
	if (read_no != 2) /* the mark, then the first page */
		return;
	struct fa *low = fake_find(oo, 2), *high = fake_find(oo, 1150);
	snprintf(low->dsgvo, sizeof(low->dsgvo), CONSENT); /* below the keyset position */
	snprintf(low->aend, sizeof(low->aend), "2026-05-05 05:05:05");
	snprintf(high->last, sizeof(high->last), "Umbenannt");
	snprintf(high->aend, sizeof(high->aend), "2026-05-05 05:05:05");
	struct fa *gone = fake_find(oo, 1160);
	snprintf(gone->dsgvo, sizeof(gone->dsgvo), "ignorieren");
	snprintf(gone->aend, sizeof(gone->aend), "2026-05-05 05:05:05");
}

static void edits_between_pages(void **state)
{
	struct fixture *f = *state;
	seed(f, 1200, OLD);
	assert_string_equal(fake_find(&f->oo, 2)->dsgvo, CONSENT);
	snprintf(fake_find(&f->oo, 2)->dsgvo, 32, "ignorieren"); /* granted later */
	f->oo.after_read = edit_after_first_page;
	request(f);
	assert_int_equal(pass(f, NULL), 0);
	/* the full import missed the consent given below its position; the periodic one not */
	assert_int_equal(q(f, "SELECT count(*) FROM contacts WHERE onoffice_address_id = 2", 0), 0);
	assert_int_equal(pass(f, NULL), 0);
	assert_exact(f, NULL, false);
	assert_int_equal(
	    q(f,
	      "SELECT count(*) FROM contacts WHERE onoffice_address_id = 1150 AND last_name = "
	      "'Umbenannt'",
	      0),
	    1);
}

static void failure_resumes_after_last_page(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 3000, OLD); /* 2,000 consented: 4 pages */
	f->oo.fail_at = 4;  /* mark, page 1, page 2, then page 3 fails */
	request(f);
	assert_int_equal(pass(f, &r), ERR_OO_RETRYABLE);
	struct import_state st;
	assert_int_equal(import_state_get(f->db, f->a, &st, NULL), 0);
	assert_string_equal(st.phase, "initial");
	assert_int_equal(st.done, 1000);
	assert_true(st.init_last_id > 0);
	assert_int_equal(st.failures, 1);
	assert_true(st.next_run_at > st.now && st.next_run_at <= st.now + 3000);
	assert_non_null(strstr(st.last_error, "fake failure"));
	import_state_release(&st);
	/* not due before its backoff */
	int64_t ids[4];
	size_t n;
	assert_int_equal(import_due(f->db, time_now_ms(), ids, 4, &n, NULL), 0);
	assert_int_equal(n, 0);
	f->oo.fail_at = 0;
	int before = f->oo.reads;
	assert_int_equal(pass(f, &r), 0);
	assert_int_equal(f->oo.reads - before, 2); /* pages 3 and 4, nothing again */
	assert_exact(f, NULL, false);
	assert_int_equal(import_state_get(f->db, f->a, &st, NULL), 0);
	assert_int_equal(st.done, 2000);
	assert_int_equal(st.failures, 0);
	assert_string_equal(st.last_error, "");
	import_state_release(&st);
}

static void consent_is_sticky(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 30, OLD);
	request(f);
	assert_int_equal(pass(f, NULL), 0);
	struct fa *a = fake_find(&f->oo, 1), *b = fake_find(&f->oo, 2);
	snprintf(a->dsgvo, sizeof(a->dsgvo), "speicherungwiderrufen");
	snprintf(a->aend, sizeof(a->aend), "2026-04-01 00:00:00");
	snprintf(b->dsgvo, sizeof(b->dsgvo), "%s", "");
	snprintf(b->aend, sizeof(b->aend), "2026-04-01 00:00:00");
	assert_int_equal(pass(f, &r), 0);
	assert_int_equal(r.stats.blocked, 2);
	assert_int_equal(q(f,
	                   "SELECT count(*) FROM contacts WHERE onoffice_address_id IN (1, 2) AND "
	                   "blocked = 1 AND gdpr_consent = 0 AND first_name IS NOT NULL",
	                   0),
	                 2);
	snprintf(a->dsgvo, sizeof(a->dsgvo), CONSENT);
	snprintf(a->aend, sizeof(a->aend), "2026-04-02 00:00:00");
	assert_int_equal(pass(f, &r), 0);
	assert_int_equal(r.stats.unblocked, 1);
	assert_int_equal(q(f,
	                   "SELECT count(*) FROM contacts WHERE onoffice_address_id = 1 AND "
	                   "blocked = 0 AND gdpr_consent = 1",
	                   0),
	                 1);
	assert_int_equal(q(f, "SELECT count(*) FROM outbox", 0), 0);
}

static void tombstone_needs_consent(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	seed(f, 30, OLD);
	request(f);
	assert_int_equal(pass(f, NULL), 0);
	int64_t c1 = q(f, "SELECT id FROM contacts WHERE onoffice_address_id = 1", 0);
	int64_t c4 = q(f, "SELECT id FROM contacts WHERE onoffice_address_id = 5", 0);
	assert_int_equal(contact_erase(f->db, f->a, c1, &e), 0);
	assert_int_equal(contact_erase(f->db, f->a, c4, &e), 0);
	struct fa *a = fake_find(&f->oo, 1), *d = fake_find(&f->oo, 5);
	snprintf(a->aend, sizeof(a->aend), "2026-04-01 00:00:00"); /* still consented */
	snprintf(d->dsgvo, sizeof(d->dsgvo), "speicherungwiderrufen");
	snprintf(d->aend, sizeof(d->aend), "2026-04-01 00:00:00");
	assert_int_equal(pass(f, NULL), 0);
	assert_int_equal(q(f,
	                   "SELECT count(*) FROM contacts WHERE id = ? AND erased_at IS NULL AND "
	                   "first_name = 'Vor1' AND status = 'new'",
	                   c1),
	                 1);
	assert_int_equal(
	    q(f, "SELECT count(*) FROM contacts WHERE id = ? AND erased_at IS NOT NULL", c4), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM contacts WHERE onoffice_address_id = 1", 0), 1);
}

/* ---- R-S4, stop, lease, scope ---- */

static void refused_credentials_revoke_the_link(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 10, OLD);
	f->oo.fail_at = 1;
	f->oo.fail_code = ERR_OO_AUTH;
	request(f);
	assert_int_equal(pass(f, &r), ERR_OO_AUTH);
	struct import_state st;
	assert_int_equal(import_state_get(f->db, f->a, &st, NULL), 0);
	assert_string_equal(st.link_state, "revoked");
	assert_non_null(strstr(st.last_error, "Zugriff in onOffice entzogen"));
	assert_string_equal(st.last_error_class, "auth");
	import_state_release(&st);
	int64_t ids[4];
	size_t n = 9;
	assert_int_equal(import_due(f->db, time_now_ms() + 3600000, ids, 4, &n, NULL), 0);
	assert_int_equal(n, 0); /* the scheduler leaves it alone: no retry storm */
	json_t *imp = NULL, *w = json_array();
	assert_int_equal(sync_status(f->db, f->a, &imp, w, NULL), 0);
	assert_non_null(
	    strstr(json_string_value(json_array_get(w, 0)), "Zugriff in onOffice entzogen"));
	assert_true(json_is_null(json_object_get(imp, "next_run_at")));
	json_decref(imp);
	json_decref(w);
	/* the API refuses a new request; a pass sends nothing */
	struct err e = ERR_INIT;
	assert_int_equal(import_request_initial(f->db, f->a, false, NULL, &e), ERR_CONFLICT);
	int reads = f->oo.reads;
	assert_int_equal(pass(f, &r), ERR_OO_AUTH);
	assert_int_equal(f->oo.reads, reads);
	/* linking again resumes */
	f->oo.fail_at = 0;
	assert_int_equal(
	    link_set(f->db, &f->key, f->a, "4711", "tok0123456789", "sec0123456789", &e), 0);
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.initial_done);
	assert_exact(f, NULL, false);
}

static void stopped_reads_nothing(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	char st[16];
	seed(f, 10, OLD);
	request(f);
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), NULL), 0);
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.stopped);
	assert_int_equal(f->oo.reads, 0);
	int64_t ids[4];
	size_t n = 9;
	assert_int_equal(import_due(f->db, time_now_ms(), ids, 4, &n, NULL), 0);
	assert_int_equal(n, 0);
	/* field configuration and preview stay allowed while stopped */
	json_t *types = NULL;
	assert_int_equal(sync_contact_types(f->eng, f->a, &types, NULL), 0);
	json_decref(types);
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), NULL), 0);
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.initial_done);
	assert_exact(f, NULL, false);
}

static void lease_held_elsewhere_is_busy(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	bool got = false;
	char holder[IMPORT_OWNER_MAX];
	seed(f, 10, OLD);
	request(f);
	assert_int_equal(
	    import_lease_acquire(f->db, f->a, "elsewhere:1:serve", 60000, NULL, &got, NULL, NULL),
	    0);
	assert_true(got);
	assert_int_equal(pass(f, &r), ERR_BUSY);
	assert_int_equal(f->oo.reads, 0);
	assert_int_equal(
	    import_lease_acquire(f->db, f->a, "third:2:cli", 60000, NULL, &got, holder, NULL), 0);
	assert_false(got);
	assert_string_equal(holder, "elsewhere:1:serve");
	/* an expired lease is taken over */
	assert_int_equal(
	    import_lease_acquire(f->db, f->a, "elsewhere:1:serve", -1, NULL, &got, NULL, NULL), 0);
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.initial_done);
}

static void changed_scope_rescans(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result r;
	seed(f, 400, OLD);
	settings(f, "{\"all_contacts\": false, \"contact_types\": [\"Kunde\"]}");
	request(f);
	assert_int_equal(pass(f, NULL), 0);
	assert_exact(f, "Kunde", false);
	int64_t kunde_changed = q(f, "SELECT max(updated_at) FROM contacts", 0);
	int64_t kunde = q(f, "SELECT count(*) FROM contacts", 0);
	settings(f, "{\"contact_types\": [\"Makler\"]}");
	assert_int_equal(pass(f, &r), 0);
	assert_true(r.initial_done);
	int64_t es, gs;
	int64_t makler = expected(f, "Makler", false, &es);
	int64_t both = 0;
	for (size_t i = 0; i < f->oo.n; i++)
		both += fa_has_type(&f->oo.v[i], "Kunde") && fa_has_type(&f->oo.v[i], "Makler") &&
		        !strcmp(f->oo.v[i].dsgvo, CONSENT);
	assert_int_equal(imported(f, &gs), kunde + makler - both);
	/* Kunde contacts stay as they were */
	assert_int_equal(q(f,
	                   "SELECT count(*) FROM contacts WHERE updated_at > ? AND contact_types "
	                   "NOT LIKE '%Makler%'",
	                   kunde_changed),
	                 0);
}

/* ---- live reads ---- */

static void preview_and_contact_types(void **state)
{
	struct fixture *f = *state;
	json_t *out = NULL;
	seed(f, 120, OLD);
	assert_int_equal(sync_contact_types(f->eng, f->a, &out, NULL), 0);
	assert_int_equal(json_array_size(out), 3);
	size_t i;
	json_t *v;
	json_array_foreach(out, i, v)
	    assert_string_not_equal(json_string_value(json_object_get(v, "key")), "Systembenutzer");
	json_decref(out);
	assert_int_equal(f->oo.type_reads, 1);
	assert_int_equal(sync_contact_types(f->eng, f->a, &out, NULL), 0); /* cached */
	json_decref(out);
	assert_int_equal(f->oo.type_reads, 1);

	int64_t es, all = 0, with = expected(f, NULL, false, &es);
	for (size_t k = 0; k < f->oo.n; k++)
		all += !is_system_only(&f->oo.v[k]);
	assert_int_equal(sync_preview(f->eng, f->a, &out, NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "matching")), with);
	assert_int_equal(json_integer_value(json_object_get(out, "without_consent")), all - with);
	json_decref(out);
	assert_int_equal(f->oo.reads, 4); /* two counts, two for only-Systembenutzer */
	settings(f, "{\"all_contacts\": false, \"contact_types\": [\"Kunde\"], "
	            "\"without_contact_type\": true}");
	assert_int_equal(sync_preview(f->eng, f->a, &out, NULL), 0);
	int64_t e1, e2;
	assert_int_equal(json_integer_value(json_object_get(out, "matching")),
	                 expected(f, "Kunde", false, &e1) + expected(f, NULL, true, &e2));
	json_decref(out);
	assert_int_equal(f->oo.reads, 8);
	assert_int_equal(q(f, "SELECT count(*) FROM contacts", 0), 0);
}

static void not_linked_is_refused(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	int64_t b;
	json_t *out = NULL;
	assert_int_equal(company_create(f->db, "Makler B", "b@example.de", &b, &e), 0);
	assert_int_equal(import_request_initial(f->db, b, false, NULL, &e), ERR_NOT_LINKED);
	assert_int_equal(sync_contact_types(f->eng, b, &out, &e), ERR_NOT_LINKED);
	assert_int_equal(sync_preview(f->eng, b, &out, &e), ERR_NOT_LINKED);
	assert_int_equal(import_request_initial(f->db, 9999, false, NULL, &e), ERR_NOT_FOUND);
	/* a second request while one is pending: 409; the CLI joins it */
	bool joined = false;
	request(f);
	assert_int_equal(import_request_initial(f->db, f->a, false, NULL, &e), ERR_CONFLICT);
	assert_int_equal(import_request_initial(f->db, f->a, true, &joined, &e), 0);
	assert_true(joined);
	json_t *imp = NULL, *w = json_array();
	assert_int_equal(sync_status(f->db, f->a, &imp, w, NULL), 0);
	assert_true(json_is_true(json_object_get(imp, "running")));
	assert_int_equal(json_integer_value(json_object_get(imp, "done")), 0);
	assert_true(json_is_null(json_object_get(imp, "last_run_at")));
	assert_true(json_is_string(json_object_get(imp, "next_run_at")));
	assert_true(json_is_null(json_object_get(imp, "last_error")));
	json_decref(imp);
	json_decref(w);
}

static void run_initial_follows_to_the_end(void **state)
{
	struct fixture *f = *state;
	struct sync_pass_result sum;
	struct err e = ERR_INIT;
	seed(f, 1500, OLD);
	f->oo.fail_every = 4; /* every fourth read fails: passes resume */
	request(f);
	assert_int_equal(sync_run_initial(f->eng, f->a, 10, &sum, &e), 0);
	assert_exact(f, NULL, false);
	f->oo.fail_every = 0;
	f->oo.fail_at = f->oo.reads + 1;
	f->oo.fail_code = ERR_OO_AUTH;
	request(f);
	assert_int_equal(sync_run_initial(f->eng, f->a, 10, &sum, &e), ERR_OO_AUTH);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(full_import_reads_each_page_once),
	    T(second_run_writes_nothing),
	    T(two_branches_give_types_or_none),
	    T(periodic_ties_end),
	    T(edits_between_pages),
	    T(failure_resumes_after_last_page),
	    T(consent_is_sticky),
	    T(tombstone_needs_consent),
	    T(refused_credentials_revoke_the_link),
	    T(stopped_reads_nothing),
	    T(lease_held_elsewhere_is_busy),
	    T(changed_scope_rescans),
	    T(preview_and_contact_types),
	    T(not_linked_is_refused),
	    T(run_initial_follows_to_the_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
