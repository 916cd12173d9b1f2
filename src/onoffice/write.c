#include "onoffice/write.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "onoffice/values.h"

int oo_created_id(const struct oo_batch_item *it, const char *type, int64_t *id, struct err *e)
{
	const struct oo_result *r = &it->result;
	*id = 0;
	if (r->code) {
		err_set(e, r->code, NULL, "%s %s: %s", oo_action_name(it->action), it->resourcetype,
		        r->message);
		if (e)
			e->remote_code = r->remote_code;
		return r->code;
	}
	json_t *rec = json_array_get(r->records, 0);
	const char *t = json_string_value(json_object_get(rec, "type"));
	if (type && t && *t && !oo_record_type_is(rec, type))
		return err_set(e, ERR_OO_UNCERTAIN, NULL,
		               "%s %s succeeded, but the answer names a record of type \"%.40s\"",
		               oo_action_name(it->action), it->resourcetype, t);
	if (oo_value_int(json_object_get(rec, "id"), id) || *id <= 0) {
		*id = 0;
		return err_set(e, ERR_OO_UNCERTAIN, NULL,
		               "%s %s succeeded, but the answer holds no record id",
		               oo_action_name(it->action), it->resourcetype);
	}
	return 0;
}

int oo_write_call(struct oo_client *c, struct oo_batch *b, const char *type, int64_t *id,
                  struct err *e)
{
	if (id)
		*id = 0;
	if (!oo_batch_writes(b))
		return err_set(e, ERR_INVALID_ARG, NULL, "the batch holds no write");
	int rc = oo_call(c, b, e);
	if (rc || !id)
		return rc;
	return oo_created_id(&b->items[0], type, id, e);
}

static bool is_reserved(const char *key, const char *const *reserved)
{
	for (size_t i = 0; reserved && reserved[i]; i++)
		if (strcmp(key, reserved[i]) == 0)
			return true;
	return false;
}

static bool is_plain(const json_t *v)
{
	return json_is_string(v) || json_is_integer(v) || json_is_boolean(v) || json_is_null(v);
}

/* Why the value cannot be sent, or NULL when it can. */
static const char *value_problem(const json_t *v)
{
	if (is_plain(v))
		return NULL;
	if (json_is_real(v))
		return "numbers with a fraction go as text, e.g. \"52.65434\"";
	if (!json_is_array(v))
		return "must be a string, an integer, a boolean, null or an array of keys";
	size_t i;
	json_t *el;
	json_array_foreach(v, i, el)
	{
		if (!json_is_string(el) && !json_is_integer(el))
			return "a multiselect takes an array of keys (strings or integers)";
	}
	return NULL;
}

int oo_check_fields(const json_t *fields, const char *const *reserved, const char *path,
                    struct err *e)
{
	if (!json_is_object(fields))
		return err_set(e, ERR_INVALID_ARG, path, "must be an object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)(uintptr_t)fields, key, v)
	{
		char at[128];
		snprintf(at, sizeof(at), "%s%s%s", path ? path : "", path ? "." : "", key);
		if (!*key)
			return err_set(e, ERR_INVALID_ARG, path, "a field name is empty");
		if (is_reserved(key, reserved))
			return err_set(e, ERR_INVALID_ARG, at,
			               "\"%s\" is set through its own parameter, not as a field",
			               key);
		const char *why = value_problem(v);
		if (why)
			return err_set(e, ERR_INVALID_ARG, at, "%s", why);
	}
	return 0;
}

int oo_decimal_text(double v, char *out, size_t cap)
{
	if (!isfinite(v) || fabs(v) >= 1e15)
		return ERR_INVALID_ARG;
	int n = snprintf(out, cap, "%.8f", v);
	if (n < 0 || (size_t)n >= cap)
		return ERR_INVALID_ARG;
	char *dot = strchr(out, '.');
	if (dot) {
		char *end = out + n - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (strcmp(out, "-0") == 0)
		snprintf(out, cap, "0");
	return 0;
}

int oo_numbers_to_text(json_t *fields, int (*is_text_key)(const char *key))
{
	const char *key;
	json_t *v;
	json_object_foreach(fields, key, v)
	{
		char text[48];
		if (!json_is_number(v) || !is_text_key(key))
			continue;
		if (json_is_integer(v))
			snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT,
			         json_integer_value(v));
		else if (oo_decimal_text(json_real_value(v), text, sizeof(text)))
			continue; /* NaN/huge: left for onOffice to refuse */
		if (json_object_set_new(fields, key, json_string(text)))
			return ERR_NOMEM;
	}
	return 0;
}
