/*
 * The action interface (action.h): what every handler shares - failing an action, the
 * customer's configuration, parameter parsing, transactions, mandatory fields, records.
 */
#include "action.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/time.h"
#include "text.h"

int emu_fail(struct emu_answer *ans, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ans->message, sizeof(ans->message), fmt, ap);
	va_end(ap);
	emu_text_make_valid_utf8(ans->message);
	ans->errorcode = code;
	return code;
}

json_t *emu_action_config(struct emu_action *a)
{
	if (!a->cfg)
		a->cfg = emu_config_effective(a->cust->config);
	return a->cfg;
}

bool emu_json_int(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (!*s || *end || errno || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	*out = n;
	return true;
}

bool emu_param_int(json_t *params, const char *name, int64_t def, int64_t *out)
{
	json_t *v = json_object_get(params, name);
	if (!v || json_is_null(v)) {
		*out = def;
		return true;
	}
	return emu_json_int(v, out);
}

bool emu_param_bool(json_t *params, const char *name)
{
	json_t *v = json_object_get(params, name);
	if (json_is_true(v))
		return true;
	if (json_is_integer(v))
		return json_integer_value(v) == 1;
	if (json_is_string(v))
		return strcmp(json_string_value(v), "1") == 0 ||
		       strcasecmp(json_string_value(v), "true") == 0;
	return false;
}

bool emu_json_id(json_t *v, int64_t *out)
{
	return emu_json_int(v, out) && *out > 0;
}

bool emu_resourceid(const char *rid, int64_t *out)
{
	char *end;
	if (!*rid || strspn(rid, "0123456789") != strlen(rid))
		return false;
	errno = 0;
	long long id = strtoll(rid, &end, 10);
	*out = id;
	return !errno && !*end && id > 0;
}

void emu_action_now_text(const struct emu_action *a, char *out, size_t cap)
{
	if (!time_format_onoffice(a->now_ms, out, cap) && cap)
		out[0] = '\0';
}

struct handler_tx {
	db_tx_fn fn;
	void *arg;
	struct emu_answer *ans;
};

static int handler_tx_body(struct db_conn *c, void *arg, struct err *e)
{
	struct handler_tx *h = arg;
	h->ans->errorcode = 0;
	h->ans->message[0] = '\0';
	return h->fn(c, h->arg, e);
}

static int run_tx(struct emu_action *a, struct emu_answer *ans, enum db_mode mode, db_tx_fn fn,
                  void *arg)
{
	struct handler_tx h = {fn, arg, ans};
	struct err e = ERR_INIT;
	int rc = db_tx(a->emu->db, mode, handler_tx_body, &h, &e);
	if (rc && ans->errorcode)
		return ans->errorcode;
	if (rc)
		return emu_fail(ans, 1, "Unknown error occurred (%.200s)", e.message);
	return 0;
}

int emu_write_tx(struct emu_action *a, struct emu_answer *ans, db_tx_fn fn, void *arg)
{
	return run_tx(a, ans, DB_WRITE, fn, arg);
}

int emu_read_tx(struct emu_action *a, struct emu_answer *ans, db_tx_fn fn, void *arg)
{
	return run_tx(a, ans, DB_READ, fn, arg);
}

int emu_check_mandatory(struct emu_action *a, const char *module, json_t *obj, bool creating,
                        struct emu_answer *ans)
{
	json_t *cfg = emu_action_config(a);
	if (!cfg)
		return emu_fail(ans, 1, "out of memory");
	size_t i;
	json_t *name;
	json_array_foreach(json_object_get(json_object_get(cfg, "mandatory_fields"), module), i,
	                   name)
	{
		json_t *v = json_object_get(obj, json_string_value(name));
		bool empty = !v || json_is_null(v) ||
		             (json_is_string(v) && !json_string_length(v)) ||
		             (json_is_array(v) && !json_array_size(v));
		if (empty && (creating || v))
			return emu_fail(ans, OO_MANDATORY, "Missing mandatory field \"%.80s\"",
			                json_string_value(name));
	}
	return 0;
}

json_t *emu_record(json_t *id, const char *type, json_t *elements)
{
	json_t *rec = json_object();
	if (!rec || !id || !elements) {
		json_decref(rec);
		json_decref(id);
		json_decref(elements);
		return NULL;
	}
	/* json_object_set_new takes the reference even when it fails: no short circuit. */
	int bad = json_object_set_new(rec, "id", id) |
	          json_object_set_new(rec, "type", json_string(type)) |
	          json_object_set_new(rec, "elements", elements);
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}
