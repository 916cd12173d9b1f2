/*
 * Settings (R-S1), sync control and status (R-S2, R-S3, R-S4), the live onOffice reads
 * of the settings page (contact types, preview: R-I3, R-X4) and failed transfers
 * (R-X3). The onOffice work is the sync layer's (src/sync): handlers ask it and never
 * write to onOffice. Without a sync engine (tests of this layer alone) calls that need
 * onOffice answer 409 not_linked or 503.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "sync/scope.h"
#include "sync/sync.h"

void api_settings_get(struct api_call *call)
{
	struct err e = ERR_INIT;
	json_t *out;
	if (settings_get_json(call->ctx->db, call->company_id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

/*
 * A live check of contact_types against the account's ArtDaten values (R-S1): unknown
 * keys and Systembenutzer are refused naming the entry. When onOffice cannot be asked
 * (not linked yet, unreachable, busy) the keys are stored unchecked: the import's
 * filter simply matches nothing for a key onOffice does not know.
 */
static bool types_ok(struct api_call *call, json_t *patch)
{
	json_t *types = json_object_get(patch, "contact_types"), *known = NULL, *v;
	struct err e = ERR_INIT;
	size_t i;
	if (!json_is_array(types) || !json_array_size(types))
		return true;
	json_array_foreach(types, i, v)
	{
		if (sync_is_system_user(json_string_value(v))) {
			err_set(&e, ERR_INVALID_FIELD, NULL,
			        "Systembenutzer cannot be chosen (R-I3)");
			snprintf(e.field, sizeof(e.field), "contact_types[%zu]", i);
			api_fail(call, &e);
			return false;
		}
	}
	if (!call->ctx->sync || sync_contact_types(call->ctx->sync, call->company_id, &known, &e))
		return true;
	bool ok = true;
	json_array_foreach(types, i, v)
	{
		bool found = false;
		size_t j;
		json_t *k;
		json_array_foreach(known, j, k) found =
		    found || json_equal(json_object_get(k, "key"), v);
		if (!found && json_is_string(v)) {
			err_set(&e, ERR_INVALID_FIELD, NULL,
			        "'%s' is not a contact type of this onOffice account",
			        json_string_value(v));
			snprintf(e.field, sizeof(e.field), "contact_types[%zu]", i);
			api_fail(call, &e);
			ok = false;
			break;
		}
	}
	json_decref(known);
	return ok;
}

/* The key of a list entry equals v. */
static bool has_key(json_t *list, json_t *v)
{
	size_t i;
	json_t *k;
	json_array_foreach(list, i, k) if (json_equal(json_object_get(k, "key"), v)) return true;
	return false;
}

/*
 * A live check of agentslog_kind, agentslog_type and origin_key (R-B5, R-B6a) against the
 * account's action kinds and contact origins: a value onOffice does not have is refused
 * naming the setting (onOffice would refuse every entry with 100/101 or leave the origin
 * out). A type needs its kind (the stored one when the patch names none). As with contact
 * types, values are stored unchecked when onOffice cannot be asked.
 */
static bool kinds_ok(struct api_call *call, json_t *patch)
{
	json_t *kind = json_object_get(patch, "agentslog_kind");
	json_t *type = json_object_get(patch, "agentslog_type");
	json_t *origin = json_object_get(patch, "origin_key");
	json_t *list = NULL, *stored = NULL;
	struct err e = ERR_INIT;
	bool ok = true;
	if (json_is_string(origin) && call->ctx->sync &&
	    !sync_origins(call->ctx->sync, call->company_id, &list, &e)) {
		if (!has_key(list, origin)) {
			err_set(&e, ERR_INVALID_FIELD, "origin_key",
			        "'%s' is not a contact origin of this onOffice account",
			        json_string_value(origin));
			ok = false;
		}
		json_decref(list);
		list = NULL;
	}
	if (ok && (json_is_string(kind) || json_is_string(type)) && call->ctx->sync &&
	    !sync_action_kinds(call->ctx->sync, call->company_id, &list, &e)) {
		if (!json_is_string(kind) &&
		    !settings_get_json(call->ctx->db, call->company_id, &stored, NULL))
			kind = json_object_get(stored, "agentslog_kind");
		json_t *k = NULL, *v;
		size_t i;
		json_array_foreach(list, i, v) if (json_equal(json_object_get(v, "key"), kind)) k =
		    v;
		if (json_is_string(kind) && !k) {
			err_set(&e, ERR_INVALID_FIELD, "agentslog_kind",
			        "'%s' is not an agents-log kind of this onOffice account",
			        json_string_value(kind));
			ok = false;
		} else if (json_is_string(type) && !has_key(json_object_get(k, "types"), type)) {
			err_set(&e, ERR_INVALID_FIELD, "agentslog_type",
			        "'%s' is not a type of the agents-log kind '%s' in this onOffice "
			        "account",
			        json_string_value(type), k ? json_string_value(kind) : "(none)");
			ok = false;
		}
		json_decref(list);
		json_decref(stored);
	}
	if (!ok)
		api_fail(call, &e);
	return ok;
}

void api_settings_put(struct api_call *call)
{
	struct err e = ERR_INIT;
	json_t *out, *patch = api_body_object(call);
	if (!patch)
		return;
	if (types_ok(call, patch) && kinds_ok(call, patch)) {
		if (settings_put_json(call->ctx->db, call->company_id, patch, &out, &e))
			api_fail(call, &e);
		else
			api_reply(call, 200, out);
	}
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

/* Answers a live list of the company's onOffice account. */
static void live_list(struct api_call *call,
                      int (*read)(struct sync_engine *, int64_t, json_t **, struct err *))
{
	struct err e = ERR_INIT;
	json_t *out;
	if (!call->ctx->sync)
		needs_onoffice(call);
	else if (read(call->ctx->sync, call->company_id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

void api_onoffice_contact_types(struct api_call *call)
{
	live_list(call, sync_contact_types);
}

void api_onoffice_action_kinds(struct api_call *call)
{
	live_list(call, sync_action_kinds);
}

void api_onoffice_origins(struct api_call *call)
{
	live_list(call, sync_origins);
}

void api_sync_preview(struct api_call *call)
{
	struct err e = ERR_INIT;
	json_t *out;
	if (!call->ctx->sync)
		needs_onoffice(call);
	else if (sync_preview(call->ctx->sync, call->company_id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

/* 202 {"state": "running"}: the scheduler runs the full import (R-S2, R-I1). */
void api_sync_initial(struct api_call *call)
{
	struct err e = ERR_INIT;
	if (!call->ctx->sync)
		needs_onoffice(call);
	else if (sync_request_initial(call->ctx->sync, call->company_id, &e))
		api_fail(call, &e);
	else
		api_reply(call, 202, json_pack("{s:s}", "state", "running"));
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
	if (call->ctx->sync)
		sync_kick(call->ctx->sync);
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
	json_t *import = NULL, *w;
	if (syncstate_get(call->ctx->db, call->company_id, state, sizeof(state), &e) ||
	    outbox_counts(call->ctx->db, call->company_id, &pending, &failed, &e)) {
		api_fail(call, &e);
		return;
	}
	w = warnings(state);
	if (sync_status(call->ctx->db, call->company_id, &import, w, &e)) {
		json_decref(w);
		api_fail(call, &e);
		return;
	}
	api_reply(call, 200,
	          json_pack("{s:s,s:o,s:{s:I,s:I},s:o}", "state", state, "import", import, "queue",
	                    "pending", (json_int_t)pending, "failed", (json_int_t)failed,
	                    "warnings", w));
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
