/* Contacts (requirements §8.2): list, read, create, change, erase (R-T3), notes, sync. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/contact_input.h"
#include "store/contact.h"
#include "store/settings.h"

#define PER_PAGE_DEFAULT 50
#define PER_PAGE_MAX     500
#define NOTE_MAX_CHARS   4000

/* A query parameter as a whole number in [min, max]; def when absent. */
static bool query_int(struct api_call *call, const char *name, int64_t def, int64_t min,
                      int64_t max, int64_t *out)
{
	const char *s = http_query(call->req, name);
	*out = def;
	if (!s)
		return true;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		struct err e = ERR_INIT;
		err_set(&e, ERR_INVALID_FIELD, name, "must be a whole number from %lld to %lld",
		        (long long)min, (long long)max);
		api_fail(call, &e);
		return false;
	}
	*out = v;
	return true;
}

void api_contacts_list(struct api_call *call)
{
	int64_t page, per_page;
	struct err e = ERR_INIT;
	json_t *out;
	if (!query_int(call, "page", 1, 1, 1000000000, &page) ||
	    !query_int(call, "per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX, &per_page))
		return;
	if (contact_list_json(call->ctx->db, call->company_id, http_query(call->req, "query"), page,
	                      per_page, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

/* Answers with the contact as it is now (after a change: status). */
static void reply_contact(struct api_call *call, int status, int64_t id)
{
	struct err e = ERR_INIT;
	json_t *out;
	if (contact_get_json(call->ctx->db, call->company_id, id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, status, out);
}

void api_contact_get(struct api_call *call)
{
	int64_t id;
	if (api_capture_id(call, &id))
		reply_contact(call, 200, id);
}

static struct contact_fields fields_of(const struct contact_input *in)
{
	return api_contact_fields(&in->lead, in->gdpr_consent);
}

void api_contact_create(struct api_call *call)
{
	struct err e = ERR_INIT;
	struct contact_input in = {0};
	int64_t id;
	const struct buf *b = &call->req->body;
	if (contact_input_parse(buf_str(b), b->len, CONTACT_INPUT_CREATE, &in, &e)) {
		api_fail(call, &e);
		return;
	}
	struct contact_fields f = fields_of(&in);
	if (contact_create(call->ctx->db, call->company_id, &f, &id, &e))
		api_fail(call, &e);
	else
		reply_contact(call, 201, id);
	contact_input_release(&in);
}

void api_contact_patch(struct api_call *call)
{
	struct err e = ERR_INIT;
	struct contact_input in = {0};
	int64_t id;
	const struct buf *b = &call->req->body;
	if (!api_capture_id(call, &id))
		return;
	if (contact_input_parse(buf_str(b), b->len, CONTACT_INPUT_PATCH, &in, &e)) {
		api_fail(call, &e);
		return;
	}
	struct contact_fields f = fields_of(&in);
	if (contact_update(call->ctx->db, call->company_id, id, &f, in.clear, in.nclear, &e))
		api_fail(call, &e);
	else
		reply_contact(call, 200, id);
	contact_input_release(&in);
}

void api_contact_delete(struct api_call *call)
{
	struct err e = ERR_INIT;
	int64_t id;
	if (!api_capture_id(call, &id))
		return;
	if (contact_erase(call->ctx->db, call->company_id, id, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "erased", 1));
}

typedef int (*sub_view)(struct db *, int64_t, int64_t, json_t **, struct err *);

static void sub(struct api_call *call, sub_view view)
{
	struct err e = ERR_INIT;
	int64_t id;
	json_t *out;
	if (!api_capture_id(call, &id))
		return;
	if (view(call->ctx->db, call->company_id, id, &out, &e))
		api_fail(call, &e);
	else
		api_reply(call, 200, out);
}

void api_contact_conversions(struct api_call *call)
{
	sub(call, contact_conversions_json);
}

void api_contact_notes(struct api_call *call)
{
	sub(call, contact_notes_json);
}

void api_contact_history(struct api_call *call)
{
	sub(call, contact_history_json);
}

void api_contact_note_create(struct api_call *call)
{
	struct err e = ERR_INIT;
	int64_t id, note_id;
	if (!api_capture_id(call, &id))
		return;
	json_t *doc = api_body_object(call);
	if (!doc)
		return;
	if (note_text_check(doc, NOTE_MAX_CHARS, &e) ||
	    contact_add_note(call->ctx->db, call->company_id, id,
	                     json_string_value(json_object_get(doc, "text")), &note_id, &e))
		api_fail(call, &e);
	else
		api_reply(call, 201,
		          json_pack("{s:I,s:I}", "id", (json_int_t)note_id, "contact_id",
		                    (json_int_t)id));
	json_decref(doc);
}

void api_contact_sync(struct api_call *call)
{
	struct err e = ERR_INIT;
	int64_t id, n;
	if (!api_capture_id(call, &id))
		return;
	if (syncstate_sync_contact(call->ctx->db, call->company_id, id, &n, &e))
		api_fail(call, &e);
	else
		api_reply(call, 202,
		          json_pack("{s:I,s:I}", "contact_id", (json_int_t)id, "released",
		                    (json_int_t)n));
}
