/*
 * Tenant isolation (R-T1), driven by the API's own route table: every route in
 * api_routes is called with company B's token on company A's objects, and must
 * neither show nor change anything of A. A route without a case here fails the
 * test, so a new route cannot slip through untested.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/metrics.h"
#include "raw_http.h"
#include "store/company.h"
#include "store/contact.h"
#include "store/outbox.h"
#include "store/store.h"
#include "../store/tmpdb.h"

struct world {
	struct tmpdb t;
	struct db *db;
	struct http_server *srv;
	struct api_ctx ctx;
	int64_t a, b, contact, failure;
	char token_b[TOKEN_TEXT_MAX];
};

static struct world w;

/* What a case expects from B's request: a status, and (for lists) that the answer does
 * not mention A's contact. */
struct iso_case {
	const char *method, *pattern;
	const char *query; /* appended to the path, or "" */
	int id_kind;       /* what {id} is: 0 none, 1 A's contact, 2 A's failed transfer */
	const char *body;
	int status;
};

static const struct iso_case cases[] = {
    {"POST", "/api/v1/conversions", "", 0,
     "{\"lead\":{\"email\":\"anna@example.de\"},\"conversion\":{\"type\":\"callback\"}}", 201},
    {"GET", "/api/v1/contacts", "?query=anna", 0, NULL, 200},
    {"POST", "/api/v1/contacts", "", 0, "{\"email\":\"bea@example.de\"}", 201},
    {"GET", "/api/v1/contacts/{id}", "", 1, NULL, 404},
    {"PATCH", "/api/v1/contacts/{id}", "", 1, "{\"city\":\"Bonn\"}", 404},
    {"DELETE", "/api/v1/contacts/{id}", "", 1, NULL, 404},
    {"GET", "/api/v1/contacts/{id}/conversions", "", 1, NULL, 404},
    {"GET", "/api/v1/contacts/{id}/notes", "", 1, NULL, 404},
    {"POST", "/api/v1/contacts/{id}/notes", "", 1, "{\"text\":\"x\"}", 404},
    {"GET", "/api/v1/contacts/{id}/history", "", 1, NULL, 404},
    {"POST", "/api/v1/contacts/{id}/sync", "", 1, NULL, 409},
    {"GET", "/api/v1/settings", "", 0, NULL, 200},
    {"PUT", "/api/v1/settings", "", 0, "{\"backsync_mode\":\"automatic\",\"import_interval_s\":77}",
     200},
    {"GET", "/api/v1/onoffice/contact-types", "", 0, NULL, 409},
    {"GET", "/api/v1/onoffice/action-kinds", "", 0, NULL, 409},
    {"GET", "/api/v1/onoffice/origins", "", 0, NULL, 409},
    {"GET", "/api/v1/sync/preview", "", 0, NULL, 409},
    {"POST", "/api/v1/sync/initial", "", 0, NULL, 409},
    {"POST", "/api/v1/sync/start", "", 0, NULL, 409},
    {"POST", "/api/v1/sync/stop", "", 0, NULL, 409},
    {"GET", "/api/v1/sync/status", "", 0, NULL, 200},
    {"GET", "/api/v1/sync/failures", "", 0, NULL, 200},
    {"POST", "/api/v1/sync/failures/retry", "", 0, NULL, 200},
    {"POST", "/api/v1/sync/failures/{id}/retry", "", 2, NULL, 404},
    {"DELETE", "/api/v1/sync/failures/{id}", "", 2, NULL, 404},
    /* No token counts here: the Marketplace signature does (test_service_entry.py shows a
     * URL reaches only its own customer's company). Without --provider-secret: 503. */
    {"GET", "/onoffice/open", "", 0, NULL, 503},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

struct print_arg {
	int64_t company;
	struct buf out;
};

/* Everything of company A as text: any change by B's request shows as a difference. */
static int fingerprint_tx(struct db_conn *c, void *arg, struct err *e)
{
	static const char *const sql[] = {
	    "SELECT id || '|' || coalesce(first_name,'') || '|' || coalesce(city,'') || '|' || "
	    "coalesce(erased_at,'') FROM contacts WHERE company_id = ? ORDER BY id",
	    "SELECT email_norm FROM contact_emails WHERE company_id = ? ORDER BY id",
	    "SELECT id || '|' || type FROM conversions WHERE company_id = ? ORDER BY id",
	    "SELECT id || '|' || text FROM notes WHERE company_id = ? ORDER BY id",
	    "SELECT id || '|' || state FROM outbox WHERE company_id = ? ORDER BY id",
	    "SELECT backsync_mode || '|' || import_interval_s FROM settings WHERE company_id = ?",
	    "SELECT sync_state FROM companies WHERE id = ?",
	};
	struct print_arg *a = arg;
	buf_reset(&a->out);
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct db_stmt *st;
		bool row;
		int rc = db_prepare(c, sql[i], &st, e);
		if (rc)
			return rc;
		db_bind_int(st, 1, a->company);
		while (!(rc = db_step(st, &row, e)) && row) {
			db_col_buf(st, 0, &a->out);
			buf_addc(&a->out, '\n');
		}
		if (rc)
			return rc;
		buf_addc(&a->out, '#');
	}
	return ERR_OK;
}

static char *fingerprint(int64_t company)
{
	struct print_arg a = {company, BUF_INIT(1 << 20)};
	assert_int_equal(db_tx(w.db, DB_READ, fingerprint_tx, &a, NULL), ERR_OK);
	return buf_detach(&a.out, NULL);
}

static int setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char token_a[TOKEN_TEXT_MAX];
	int64_t tid, note;
	if (tmpdb_make(&w.t) || store_open(w.t.path, NULL, &w.db, &e) ||
	    company_create(w.db, "A", "a@example.de", &w.a, &e) ||
	    company_create(w.db, "B", "b@example.de", &w.b, &e) ||
	    token_create(w.db, w.a, TOKEN_FULL, token_a, sizeof(token_a), &tid, &e) ||
	    token_create(w.db, w.b, TOKEN_FULL, w.token_b, sizeof(w.token_b), &tid, &e))
		return -1;
	struct contact_fields lead = {
	    .email = "anna@example.de", .first_name = "Anna", .gdpr_consent = 1};
	json_t *details = json_object();
	struct conversion_input conv = {"callback", NULL, 0, NULL, details};
	struct ingest_result r;
	if (contact_ingest(w.db, w.a, &lead, &conv, NULL, NULL, &r, &e) ||
	    contact_add_note(w.db, w.a, r.contact_id, "Notiz von A", &note, &e))
		return -1;
	json_decref(details);
	w.contact = r.contact_id;
	/* A failed transfer of A (the export that makes them comes later). */
	w.ctx.db = w.db;
	struct http_config cfg = {.listen = "127.0.0.1:0",
	                          .routes = api_routes,
	                          .nroutes = api_routes_count,
	                          .ctx = &w.ctx,
	                          .threads = 2};
	return http_start(&cfg, &w.srv, &e);
}

static int mark_failed_tx(struct db_conn *c, void *arg, struct err *e)
{
	(void)arg;
	return db_exec(c,
	               "UPDATE outbox SET state = 'failed', last_error = 'x' WHERE id = "
	               "(SELECT min(id) FROM outbox)",
	               e);
}

static int teardown(void **state)
{
	(void)state;
	http_stop(w.srv);
	db_close(w.db);
	tmpdb_remove(&w.t);
	metrics_shutdown();
	return 0;
}

static const struct iso_case *case_for(const struct http_route *r)
{
	for (size_t i = 0; i < NCASES; i++)
		if (!strcmp(cases[i].method, r->key.method) &&
		    !strcmp(cases[i].pattern, r->key.pattern))
			return &cases[i];
	return NULL;
}

static void every_route_has_an_isolation_case(void **state)
{
	(void)state;
	for (size_t i = 0; i < api_routes_count; i++)
		if (!case_for(&api_routes[i]))
			fail_msg("route %s %s has no tenant-isolation case in test_isolation.c",
			         api_routes[i].key.method, api_routes[i].key.pattern);
	assert_int_equal(api_routes_count, NCASES);
}

/* The route's pattern with {id} replaced by id, then the query. */
static void route_path(const char *pattern, int64_t id, const char *query, char *out, size_t cap)
{
	const char *brace = strstr(pattern, "{id}");
	if (!brace) {
		snprintf(out, cap, "%s%s", pattern, query);
		return;
	}
	snprintf(out, cap, "%.*s%lld%s%s", (int)(brace - pattern), pattern, (long long)id,
	         brace + 4, query);
}

static void no_route_shows_or_changes_another_companys_data(void **state)
{
	(void)state;
	assert_int_equal(db_tx(w.db, DB_WRITE, mark_failed_tx, NULL, NULL), ERR_OK);
	struct err e = ERR_INIT;
	json_t *f = NULL;
	assert_int_equal(outbox_failures_json(w.db, w.a, &f, &e), ERR_OK);
	w.failure = json_integer_value(
	    json_object_get(json_array_get(json_object_get(f, "failures"), 0), "id"));
	json_decref(f);
	assert_true(w.failure > 0);

	static char raw[65536], req[4096], path[256];
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct iso_case *c = case_for(&api_routes[i]);
		int64_t id = c->id_kind == 1 ? w.contact : c->id_kind == 2 ? w.failure : 0;
		route_path(c->pattern, id, c->query, path, sizeof(path));
		char *before = fingerprint(w.a);
		const char *body = c->body ? c->body : "";
		snprintf(req, sizeof(req),
		         "%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		         "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		         "Connection: close\r\n\r\n%s",
		         c->method, path, w.token_b, strlen(body), body);
		int status = call(http_port(w.srv), req, raw, sizeof(raw));
		char *after = fingerprint(w.a);
		if (status != c->status)
			fail_msg("%s %s: status %d, want %d: %s", c->method, path, status,
			         c->status, body_start(raw));
		if (strcmp(before, after) != 0)
			fail_msg("%s %s changed company A's data", c->method, path);
		if (strstr(body_start(raw), "Notiz von A") || strstr(body_start(raw), "\"Anna\""))
			fail_msg("%s %s showed company A's data: %s", c->method, path,
			         body_start(raw));
		free(before);
		free(after);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_route_has_an_isolation_case),
	    cmocka_unit_test(no_route_shows_or_changes_another_companys_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
