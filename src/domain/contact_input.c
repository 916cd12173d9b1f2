/*
 * The bodies of POST contacts, PATCH contacts/{id} and notes, validated with the
 * lead table of conversion.c so a contact and a lead follow the same rules.
 */
#include "domain/contact_input.h"

#include <string.h>

#include "domain/jsonv.h"

/* Fields a PATCH may clear with null, and the contact columns they name. */
/* The e-mail (identity) and the status (always set) cannot be cleared; "phone" clears every
 * phone number. */
static const char *const clearable[] = {"salutation", "first_name", "last_name", "phone",
                                        "street",     "zip",        "city",      "country"};

static const char *clear_column(const char *key)
{
	for (size_t i = 0; i < sizeof(clearable) / sizeof(clearable[0]); i++)
		if (strcmp(clearable[i], key) == 0)
			return clearable[i];
	return NULL;
}

/* The lead table without the lead's own id (a contact has no platform lead id). */
static const struct jsonv_field *contact_fields(struct jsonv_field *copy, size_t cap,
                                                enum contact_input_mode mode)
{
	size_t n = 0;
	for (const struct jsonv_field *f = conv_lead_fields; f->key && n + 1 < cap; f++) {
		if (strcmp(f->key, "id") == 0)
			continue;
		copy[n] = *f;
		if (mode == CONTACT_INPUT_PATCH)
			copy[n].flags &= ~JSONV_REQUIRED;
		n++;
	}
	copy[n] = (struct jsonv_field){.key = NULL};
	return copy;
}

int contact_input_parse(const char *body, size_t len, enum contact_input_mode mode,
                        struct contact_input *out, struct err *e)
{
	json_error_t je;
	memset(out, 0, sizeof(*out));
	out->gdpr_consent = -1;
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		return err_set(e, ERR_INVALID_JSON, NULL, "the body must be one JSON object");
	}
	if (mode == CONTACT_INPUT_PATCH) {
		const char *key;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(doc, tmp, key, v)
		{
			if (!json_is_null(v))
				continue;
			const char *col = clear_column(key);
			if (!col) {
				/* key lives in doc: report before freeing it. */
				err_set(e, ERR_INVALID_FIELD, key, "%s",
				        strcmp(key, "email") == 0 ? "the e-mail cannot be cleared"
				        : strcmp(key, "status") == 0
				            ? "the status cannot be cleared"
				            : "unknown field, or a field that "
				              "cannot be cleared");
				json_decref(doc);
				return ERR_INVALID_FIELD;
			}
			if (out->nclear < CONTACT_CLEAR_MAX)
				out->clear[out->nclear++] = col;
			json_object_del(doc, key);
		}
	}
	struct jsonv_field table[32];
	struct jsonv_field spec = {
	    .key = "", .kind = JSONV_OBJECT, .fields = contact_fields(table, 32, mode)};
	int rc = jsonv_validate(doc, &spec, "", e);
	if (rc) {
		json_decref(doc);
		return rc;
	}
	out->doc = doc;
	conv_lead_fill(doc, &out->lead);
	if (mode == CONTACT_INPUT_PATCH)
		out->lead.status = json_string_value(json_object_get(doc, "status"));
	json_t *consent = json_object_get(doc, "gdpr_consent");
	if (consent)
		out->gdpr_consent = json_is_true(consent);
	return ERR_OK;
}

void contact_input_release(struct contact_input *in)
{
	json_decref(in->doc);
	memset(in, 0, sizeof(*in));
}

int note_text_check(json_t *doc, size_t max_chars, struct err *e)
{
	const struct jsonv_field fields[] = {
	    {.key = "text",
	     .kind = JSONV_STRING,
	     .flags = JSONV_REQUIRED | JSONV_MULTILINE,
	     .max_chars = max_chars},
	    {.key = NULL},
	};
	const struct jsonv_field spec = {.key = "", .kind = JSONV_OBJECT, .fields = fields};
	return jsonv_validate(doc, &spec, "", e);
}
