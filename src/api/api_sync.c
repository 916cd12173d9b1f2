/*
 * Settings (R-S1), sync control and status (R-S2, R-S3), failed transfers (R-X3).
 * Calls that need onOffice (contact types, preview, initial sync) answer 409
 * not_linked while the company has no onOffice link; the link and the import
 * arrive with issue #6.
 */
#include <string.h>

#include "api/api.h"
#include "store/outbox.h"
#include "store/settings.h"

void api_settings_get(struct api_call *call)
{
	struct err e = ERR_INIT;
	json_t *out;
	if (settings_get_json(call->ctx->db, call->company_id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

void api_settings_put(struct api_call *call)
{
	struct err e = ERR_INIT;
	json_t *out, *patch = api_body_object(call);
	if (!patch)
		return;
	if (settings_put_json(call->ctx->db, call->company_id, patch, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
	json_decref(patch);
}

/* The answer of calls that need onOffice: not_linked until the company is linked. */
static void needs_onoffice(struct api_call *call)
{
	struct err e = ERR_INIT;
	char state[16];
	if (syncstate_get(call->ctx->db, call->company_id, state, sizeof(state), &e)) {
		api_fail(call, &e);
		return;
	}
	if (strcmp(state, "not_linked") == 0)
		err_set(&e, ERR_NOT_LINKED, NULL, "the company is not linked to onOffice yet");
	else
		err_set(&e, ERR_UNAVAILABLE, NULL,
		        "onOffice calls are not available in this build");
	api_fail(call, &e);
}

void api_onoffice_contact_types(struct api_call *call)
{
	needs_onoffice(call);
}

void api_sync_preview(struct api_call *call)
{
	needs_onoffice(call);
}

void api_sync_initial(struct api_call *call)
{
	needs_onoffice(call);
}

static void state_change(struct api_call *call,
                         int (*change)(struct db *, int64_t, char *, size_t, struct err *))
{
	struct err e = ERR_INIT;
	char state[16];
	if (change(call->ctx->db, call->company_id, state, sizeof(state), &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, json_pack("{s:s}", "state", state));
}

void api_sync_start(struct api_call *call)
{
	state_change(call, syncstate_start);
}

void api_sync_stop(struct api_call *call)
{
	state_change(call, syncstate_stop);
}

/* German warnings for the status view (R-S3). */
static json_t *warnings(const char *state)
{
	json_t *w = json_array();
	if (strcmp(state, "not_linked") == 0)
		json_array_append_new(
		    w, json_string("Noch nicht mit onOffice verknüpft: bitte "
		                   "BOTTIMMO im onOffice Marketplace freischalten."));
	else if (strcmp(state, "linked") == 0)
		json_array_append_new(w, json_string("Verknüpft. Es werden noch keine Daten "
		                                     "übertragen, bis Sie den initialen "
		                                     "Kontakte-Sync starten."));
	else if (strcmp(state, "stopped") == 0)
		json_array_append_new(w, json_string("Synchronisierung gestoppt: es werden keine "
		                                     "Daten übertragen."));
	return w;
}

void api_sync_status(struct api_call *call)
{
	struct err e = ERR_INIT;
	char state[16];
	int64_t pending, failed;
	if (syncstate_get(call->ctx->db, call->company_id, state, sizeof(state), &e) ||
	    outbox_counts(call->ctx->db, call->company_id, &pending, &failed, &e)) {
		api_fail(call, &e);
		return;
	}
	/* The import figures come with issue #6; until then nothing has run. */
	json_t *import =
	    json_pack("{s:b,s:I,s:I,s:n,s:n,s:n}", "running", 0, "done", (json_int_t)0, "total",
	              (json_int_t)0, "last_run_at", "next_run_at", "last_error");
	api_reply(call, 200,
	          json_pack("{s:s,s:o,s:{s:I,s:I},s:o}", "state", state, "import", import, "queue",
	                    "pending", (json_int_t)pending, "failed", (json_int_t)failed,
	                    "warnings", warnings(state)));
}

void api_failures_list(struct api_call *call)
{
	struct err e = ERR_INIT;
	json_t *out;
	if (outbox_failures_json(call->ctx->db, call->company_id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

void api_failures_retry_all(struct api_call *call)
{
	struct err e = ERR_INIT;
	int64_t n;
	if (outbox_retry(call->ctx->db, call->company_id, 0, &n, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, json_pack("{s:I}", "retried", (json_int_t)n));
}

void api_failure_retry(struct api_call *call)
{
	struct err e = ERR_INIT;
	int64_t id, n;
	if (!api_capture_id(call, &id))
		return;
	if (outbox_retry(call->ctx->db, call->company_id, id, &n, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, json_pack("{s:I}", "retried", (json_int_t)n));
}

void api_failure_dismiss(struct api_call *call)
{
	struct err e = ERR_INIT;
	int64_t id;
	if (!api_capture_id(call, &id))
		return;
	if (outbox_dismiss(call->ctx->db, call->company_id, id, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, json_pack("{s:I}", "dismissed", (json_int_t)id));
}
