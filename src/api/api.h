/*
 * api.h - the JSON API under /api/v1/ (requirements §8.1, §8.2; R-C4, R-C4a).
 *
 * Every route is one row of API_ROUTES: method, path, the token scope it
 * needs, its handler and its body cap. The HTTP route table and the
 * tenant-isolation test are both generated from it, so a route cannot be
 * added without the test noticing (tests/unit/api/test_isolation.c); and
 * docs/openapi.yaml must describe every row, with the same scope
 * (tests/system/test_openapi.py reads this table).
 *
 * Each request is authenticated with "Authorization: Bearer <token>"; the
 * token's company scopes every read and write (R-T1). Another company's ids
 * are answered 404, exactly like ids that do not exist.
 */
#ifndef IMMO_API_API_H
#define IMMO_API_API_H

#include <jansson.h>
#include <stdint.h>

#include "store/company.h"
#include "store/db.h"
#include "web/http.h"

#define API_BODY_CONVERSION (64 * 1024) /* requirements §8.1 */

struct sync_engine; /* src/sync/ (issue #6): imports, scheduler */
struct crypto_key;
struct pool;

struct api_ctx {
	struct db *db;
	const struct crypto_key *keys; /* the master key(s) for sealed secrets; may be NULL */
	size_t nkeys;
	struct sync_engine *sync;    /* NULL until the sync layer runs */
	const char *public_url;      /* --public-url: the base of signed Marketplace URLs */
	const char *provider_secret; /* --provider-secret: verifies Marketplace URLs */
	struct pool *live; /* runs handlers that call onOffice; NULL: on the HTTP thread */
};

struct api_call {
	struct http_req *req;
	struct http_resp *resp;
	struct api_ctx *ctx;
	int64_t company_id;
	enum token_scope scope;
};

typedef void (*api_handler)(struct api_call *call);

/*    method    path                                    scope   handler              body cap */
#define API_ROUTES(X)                                                                              \
	X("POST", "/api/v1/conversions", TOKEN_INGEST, api_conversion_create, API_BODY_CONVERSION) \
	X("GET", "/api/v1/contacts", TOKEN_FULL, api_contacts_list, 0)                             \
	X("POST", "/api/v1/contacts", TOKEN_FULL, api_contact_create, 0)                           \
	X("GET", "/api/v1/contacts/{id}", TOKEN_FULL, api_contact_get, 0)                          \
	X("PATCH", "/api/v1/contacts/{id}", TOKEN_FULL, api_contact_patch, 0)                      \
	X("DELETE", "/api/v1/contacts/{id}", TOKEN_FULL, api_contact_delete, 0)                    \
	X("GET", "/api/v1/contacts/{id}/conversions", TOKEN_FULL, api_contact_conversions, 0)      \
	X("GET", "/api/v1/contacts/{id}/notes", TOKEN_FULL, api_contact_notes, 0)                  \
	X("POST", "/api/v1/contacts/{id}/notes", TOKEN_FULL, api_contact_note_create, 0)           \
	X("GET", "/api/v1/contacts/{id}/history", TOKEN_FULL, api_contact_history, 0)              \
	X("POST", "/api/v1/contacts/{id}/sync", TOKEN_FULL, api_contact_sync, 0)                   \
	X("GET", "/api/v1/settings", TOKEN_FULL, api_settings_get, 0)                              \
	X("PUT", "/api/v1/settings", TOKEN_FULL, api_settings_put, 0)                              \
	X("GET", "/api/v1/onoffice/contact-types", TOKEN_FULL, api_onoffice_contact_types, 0)      \
	X("GET", "/api/v1/onoffice/action-kinds", TOKEN_FULL, api_onoffice_action_kinds, 0)        \
	X("GET", "/api/v1/onoffice/origins", TOKEN_FULL, api_onoffice_origins, 0)                  \
	X("GET", "/api/v1/sync/preview", TOKEN_FULL, api_sync_preview, 0)                          \
	X("POST", "/api/v1/sync/initial", TOKEN_FULL, api_sync_initial, 0)                         \
	X("POST", "/api/v1/sync/start", TOKEN_FULL, api_sync_start, 0)                             \
	X("POST", "/api/v1/sync/stop", TOKEN_FULL, api_sync_stop, 0)                               \
	X("GET", "/api/v1/sync/status", TOKEN_FULL, api_sync_status, 0)                            \
	X("GET", "/api/v1/sync/failures", TOKEN_FULL, api_failures_list, 0)                        \
	X("POST", "/api/v1/sync/failures/retry", TOKEN_FULL, api_failures_retry_all, 0)            \
	X("POST", "/api/v1/sync/failures/{id}/retry", TOKEN_FULL, api_failure_retry, 0)            \
	X("DELETE", "/api/v1/sync/failures/{id}", TOKEN_FULL, api_failure_dismiss, 0)

#define API_DECLARE_(method, path, scope, fn, cap) void fn(struct api_call *call);
API_ROUTES(API_DECLARE_)
#undef API_DECLARE_

/* GET /onoffice/open (R-A12): onOffice's signed service entry; no token (the signature
 * authenticates), German HTML answers. Not in API_ROUTES: nothing is company-scoped by a
 * token here. */
void api_onoffice_open(struct http_req *req, struct http_resp *resp, void *ctx);

/* The HTTP routes of the API and the Marketplace pages, for struct http_config (ctx: a
 * struct api_ctx *). */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* /readyz of a server whose handler context is a struct api_ctx: the database answers. */
bool api_ready(void *ctx, char *why, size_t cap);

/* on_stopping of a server whose handler context is a struct api_ctx: db_shutdown. */
void api_stopping(void *ctx);

/* Registers the API's metrics (queue depth read from db at scrape time). */
void api_metrics_init(struct api_ctx *ctx);

/* ---- helpers for handlers (api.c) ---- */

/* Answers with doc (reference stolen). */
void api_reply(struct api_call *call, int status, json_t *doc);
/* Answers an error and counts it. */
void api_fail(struct api_call *call, const struct err *e);
/* Parses the body as one JSON object (duplicate keys refused). On failure answers
 * invalid_json itself and returns NULL. */
json_t *api_body_object(struct api_call *call);
struct conv_lead;
struct contact_fields;
/* The store's view of a validated lead (strings borrowed from lead); consent is -1 when
 * absent, else 0 or 1. */
struct contact_fields api_contact_fields(const struct conv_lead *lead, int consent);

/* The {id} capture; on a malformed id answers 404 itself and returns false. */
bool api_capture_id(struct api_call *call, int64_t *id);

#endif
