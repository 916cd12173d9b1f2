/*
 * The configuration reads: get/fields (onoffice-protocol §9), get/actionkindtypes
 * (onoffice-protocol §6) and get/searchCriteriaFields (onoffice-protocol §8.3), each built from the
 * customer's effective configuration (config.h). cntabsolute is null for all three.
 */
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "actions.h"
#include "config.h"
#include "estate.h"
#include "text.h"

/* ---- select value maps ---- */

static const char address_status_json[] = "{\"1\":\"Aktiv\",\"0\":\"Archiviert\"}";

static json_t *countries_map(void)
{
	json_t *m = json_object();
	for (size_t i = 0; m && i < emu_countries_count; i++)
		json_object_set_new(m, emu_countries[i].iso3, json_string(emu_countries[i].name));
	return m;
}

/* {kind: label} of the configured estate kinds. */
static json_t *estate_kinds_map(json_t *cfg)
{
	json_t *m = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(cfg, "estate_kinds"), k, v)
	{
		json_object_set(m, k, json_object_get(v, "label"));
	}
	return m;
}

/* {type: label} of every configured estate type, or with deps {type: kind}. */
static json_t *estate_types_map(json_t *cfg, bool deps)
{
	json_t *m = json_object();
	const char *k, *t;
	json_t *v, *label;
	json_object_foreach(json_object_get(cfg, "estate_kinds"), k, v)
	{
		json_object_foreach(json_object_get(v, "types"), t, label)
		{
			json_object_set_new(m, t, deps ? json_string(k) : json_incref(label));
		}
	}
	return m;
}

/* A map in the shape get/fields reports it: {key: label}, or the bare keys without labels. */
static json_t *permitted(json_t *map, bool labels)
{
	if (!map || labels)
		return map;
	json_t *keys = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(map, k, v)
	{
		json_array_append_new(keys, json_string(k));
	}
	json_decref(map);
	return keys;
}

/* ---- get/fields ---- */

struct fields_opts {
	bool labels, deps;
	json_t *field_list; /* array or NULL */
	json_t *cfg;
};

static bool wanted(const struct fields_opts *o, const char *name)
{
	if (!json_is_array(o->field_list) || json_array_size(o->field_list) == 0)
		return true;
	size_t i;
	json_t *v;
	json_array_foreach(o->field_list, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
			return true;
	}
	return false;
}

/* One field's description; values (stolen, may be NULL) are its permitted values. */
static json_t *field_json(const struct fields_opts *o, const char *type, int length, json_t *values,
                          json_t *deps, const char *def, const char *label)
{
	json_t *f = json_pack("{s:s, s:o, s:o, s:o, s:[], s:o, s:[]}", "type", type, "length",
	                      length ? json_integer(length) : json_null(), "permittedvalues",
	                      values ? permitted(values, o->labels) : json_null(), "default",
	                      def ? json_string(def) : json_null(), "filters", "dependencies",
	                      deps ? deps : json_array(), "compoundFields");
	if (f && o->labels)
		json_object_set_new(f, "label", json_string(label));
	if (f)
		json_object_set_new(f, "fieldMeasureFormat", json_null());
	return f;
}

static json_t *address_module(const struct fields_opts *o)
{
	json_t *el = json_object();
	if (el && o->labels)
		json_object_set_new(el, "label", json_string("Adressen"));
	for (size_t i = 0; el && i < emu_afields_count; i++) {
		const struct emu_afield *f = &emu_afields[i];
		if (!f->fields_type || !wanted(o, f->name))
			continue;
		json_t *values = NULL;
		const char *def = NULL;
		if (f->config_key && strcmp(f->config_key, "@countries") == 0)
			values = countries_map();
		else if (f->config_key && strcmp(f->config_key, "@status") == 0)
			values = json_loads(address_status_json, 0, NULL), def = "1";
		else if (f->config_key)
			values = json_deep_copy(json_object_get(o->cfg, f->config_key));
		json_object_set_new(
		    el, f->name,
		    field_json(o, f->fields_type, f->length, values, NULL, def, f->label));
	}
	return el;
}

static json_t *estate_module(const struct fields_opts *o)
{
	json_t *el = json_object();
	if (el && o->labels)
		json_object_set_new(el, "label", json_string("Immobilien"));
	for (size_t i = 0; el && i < emu_efields_count; i++) {
		const struct emu_efield *f = &emu_efields[i];
		if (!wanted(o, f->name))
			continue;
		json_t *values = NULL, *deps = NULL;
		if (!f->values)
			values = NULL;
		else if (strcmp(f->values, "@kinds") == 0)
			values = estate_kinds_map(o->cfg);
		else if (strcmp(f->values, "@types") == 0)
			values = estate_types_map(o->cfg, false);
		else if (strcmp(f->values, "@countries") == 0)
			values = countries_map();
		else
			values = json_loads(f->values, 0, NULL);
		if (o->deps && f->values && strcmp(f->values, "@types") == 0)
			deps = estate_types_map(o->cfg, true);
		json_object_set_new(
		    el, f->name, field_json(o, f->type, f->length, values, deps, NULL, f->label));
	}
	return el;
}

int emu_act_fields(struct emu_action *a, struct emu_answer *ans)
{
	struct fields_opts o = {emu_param_bool(a->params, "labels"),
	                        emu_param_bool(a->params, "showfielddependencies"),
	                        json_object_get(a->params, "fieldList"), emu_action_config(a)};
	json_t *modules = json_object_get(a->params, "modules");
	if (modules && !json_is_null(modules) && !json_is_array(modules))
		return emu_fail(ans, OO_NOT_ARRAY,
		                "Given element or parameter was expected to be an array: modules");
	if (!o.cfg || !(ans->records = json_array()))
		return emu_fail(ans, 1, "out of memory");
	static const char *const all[] = {"address", "estate"};
	for (size_t i = 0; i < 2; i++) {
		bool want = !json_is_array(modules) || json_array_size(modules) == 0;
		size_t k;
		json_t *m;
		json_array_foreach(modules, k, m)
		{
			if (json_is_string(m) && !strcmp(json_string_value(m), all[i]))
				want = true;
		}
		if (!want)
			continue;
		json_t *el = i == 0 ? address_module(&o) : estate_module(&o);
		json_t *rec = emu_record(json_string(all[i]), "", el);
		if (!rec || json_array_append_new(ans->records, rec))
			return emu_fail(ans, 1, "out of memory");
	}
	return 0;
}

/* ---- get/actionkindtypes ---- */

int emu_act_actionkindtypes(struct emu_action *a, struct emu_answer *ans)
{
	json_t *cfg = emu_action_config(a);
	if (!cfg || !(ans->records = json_array()))
		return emu_fail(ans, 1, "out of memory");
	const char *k;
	json_t *v;
	int n = 0;
	json_object_foreach(json_object_get(cfg, "action_kinds"), k, v)
	{
		json_t *types = json_object_get(v, "types");
		/* An empty object comes out as [] (PHP's empty array), as onOffice does. */
		json_t *t = json_object_size(types) ? json_deep_copy(types) : json_array();
		char id[16];
		snprintf(id, sizeof(id), "%d", n++);
		json_t *el = json_pack("{s:s, s:O, s:o, s:s}", "key", k, "label",
		                       json_object_get(v, "label"), "types", t, "default", "");
		json_t *rec = emu_record(json_string(id), "actionkind", el);
		if (!rec || json_array_append_new(ans->records, rec))
			return emu_fail(ans, 1, "out of memory");
	}
	return 0;
}

/* ---- get/searchCriteriaFields ---- */

static json_t *sc_values(json_t *cfg, enum emu_sc_values kind)
{
	switch (kind) {
	case SC_MARKETING:
		return json_loads(emu_marketing_json, 0, NULL);
	case SC_ESTATE_KIND:
		return estate_kinds_map(cfg);
	case SC_ESTATE_TYPE:
		return estate_types_map(cfg, false);
	case SC_USAGE:
		return json_loads(emu_usage_json, 0, NULL);
	case SC_COUNTRY:
		return countries_map();
	default:
		return NULL;
	}
}

static json_t *sc_field(json_t *cfg, const struct emu_sc_field *f, int position, bool translations)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "id", f->id, "name", f->name, "position",
	                      position, "type", f->type, "rangefield", f->range ? "true" : "false");
	if (!o)
		return NULL;
	json_t *values = sc_values(cfg, f->values);
	if (values) {
		json_object_set_new(o, "values", values);
		json_object_set_new(o, "default", json_null());
	}
	if (f->range && translations) {
		char von[64], bis[64], lvon[128], lbis[128];
		snprintf(von, sizeof(von), "%s__von", f->id);
		snprintf(bis, sizeof(bis), "%s__bis", f->id);
		snprintf(lvon, sizeof(lvon), "%s von", f->name);
		snprintf(lbis, sizeof(lbis), "%s bis", f->name);
		json_object_set_new(o, "additionalTranslations",
		                    json_pack("{s:s, s:s}", von, lvon, bis, lbis));
	}
	return o;
}

int emu_act_search_criteria_fields(struct emu_action *a, struct emu_answer *ans)
{
	json_t *cfg = emu_action_config(a);
	if (!cfg || !(ans->records = json_array()))
		return emu_fail(ans, 1, "out of memory");
	bool translations = emu_param_bool(a->params, "additionalTranslations");
	json_t *on = json_object_get(cfg, "search_fields");
	int position = 1, id = 0;
	for (size_t i = 0; i < emu_sc_fields_count;) {
		const char *category = emu_sc_fields[i].category;
		json_t *fields = json_array();
		for (; i < emu_sc_fields_count && !strcmp(emu_sc_fields[i].category, category);
		     i++) {
			const struct emu_sc_field *f = &emu_sc_fields[i];
			if (json_is_false(json_object_get(on, f->switch_key)))
				continue;
			json_array_append_new(fields, sc_field(cfg, f, position++, translations));
		}
		if (json_array_size(fields) == 0) {
			json_decref(fields);
			continue;
		}
		json_t *el = json_pack("{s:s, s:o}", "name", category, "fields", fields);
		json_t *rec = emu_record(json_integer(id++), "", el);
		if (!rec || json_array_append_new(ans->records, rec))
			return emu_fail(ans, 1, "out of memory");
	}
	return 0;
}
