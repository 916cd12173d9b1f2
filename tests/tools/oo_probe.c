/*
 * oo-probe - drives the onOffice client (src/onoffice/) from the command line and
 * prints what it read or wrote as JSON, for the client <-> emulator system tests
 * and the read benchmark. Not part of the product.
 *
 *   oo-probe read   --url U --token T --secret S [--filter JSON] [--data a,b]
 *                   [--sortby F] [--sortorder ASC] [--limit N] [--all] [--iso2] [--records]
 *   oo-probe fields | actionkinds | scfields | search --input X   (same connection options)
 *
 * Writes and lookups (same connection options; --extendedclaim C sets the client's claim):
 *   create-address --json '{"fields":{…},"land":"DEU","contacts":[{"type":"email",
 *                  "value":"a@b.de","default":true}],"checkDuplicate":true,
 *                  "noOverrideByDuplicate":true}'                        → {"id": N}
 *   modify-address --id N --json '{"fields":{…},"land":"Deutschland","contacts":[{"type":
 *                  "email","action":"add","newvalue":"x@y.de","default":false}]}'
 *                                                                        → {"actions": k}
 *   agentslog-create --json '{"addressids":[N],"estateid":E,"actionkind":"Email",
 *                  "actiontype":"Ausgang","note":"…","time":"RFC 3339","origincontact":"…"}'
 *   agentslog-read --address N                                           → {"entries": […]}
 *   estate-create --json '{data}'  ·  estate-read [--filter JSON] [--data a,b]
 *   relation-owner --estate E --address A  ·  estate-owner --estate E    → {"owners": […]}
 *   sc-create --address N --json '{data}'  ·  sc-read --address N        → {"records": […]}
 *   unlock --cache-id X --claim C                                        → {"success": true}
 *   find-address --email X  ·  find-agentslog --address N --marker M
 *   find-estate --marker M  ·  find-sc --address N --marker M             → {"ids": […]}
 *
 * Marketplace URLs (no connection):
 *   mp-verify --url U --secret S [--kind activation|service] [--now T] [--window S]
 *             → {"ok": true, "params": {…}} or {"error": {"reason", "field", "message"}}
 *   mp-sign --url U --secret S --params '{"k":"v",…}'                     → {"url": "…"}
 *
 * On failure prints {"error": {"class", "remote_code", "message", "field"}} and exits 3.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "core/cli.h"
#include "core/opt.h"
#include "core/time.h"
#include "onoffice/actionkinds.h"
#include "onoffice/address.h"
#include "onoffice/address_write.h"
#include "onoffice/agentslog.h"
#include "onoffice/client.h"
#include "onoffice/estate.h"
#include "onoffice/fields.h"
#include "onoffice/marker.h"
#include "onoffice/marketplace.h"
#include "onoffice/relation.h"
#include "onoffice/response.h"
#include "onoffice/scfields.h"
#include "onoffice/search.h"
#include "onoffice/searchcriteria.h"
#include "onoffice/unlock.h"

#define PROBE "oo-probe"

enum {
	P_URL,
	P_TOKEN,
	P_SECRET,
	P_CA,
	P_ATTEMPTS,
	P_FILTER,
	P_DATA,
	P_SORTBY,
	P_SORTORDER,
	P_LIMIT,
	P_ALL,
	P_ISO2,
	P_RECORDS,
	P_INPUT,
	P_CLOCK_STEP,
	P_JSON,
	P_ID,
	P_ADDRESS,
	P_ESTATE,
	P_CACHE_ID,
	P_CLAIM,
	P_EXTCLAIM,
	P_MARKER,
	P_EMAIL,
	P__N
};

static const struct opt_def opts[P__N] = {
    [P_URL] = {"url", 0, OPT_URL, "URL", NULL, "The API endpoint", OPT_REQUIRED},
    [P_TOKEN] = {"token", 0, OPT_STRING, "T", NULL, "API token", OPT_REQUIRED},
    [P_SECRET] = {"secret", 0, OPT_STRING, "S", NULL, "API secret", OPT_REQUIRED | OPT_SECRET},
    [P_CA] = {"ca-file", 0, OPT_STRING, "FILE", NULL, "CA bundle for TLS"},
    [P_ATTEMPTS] = {"attempts", 0, OPT_INT, "N", "3", "Attempts of a read", 0, 1, 20},
    [P_FILTER] = {"filter", 0, OPT_STRING, "JSON", NULL, "The filter object"},
    [P_DATA] = {"data", 0, OPT_STRING, "FIELDS", "Vorname,Name,Email",
                "Comma-separated field names"},
    [P_SORTBY] = {"sortby", 0, OPT_STRING, "FIELD", NULL, "Sort field"},
    [P_SORTORDER] = {"sortorder", 0, OPT_STRING, "ORDER", NULL, "ASC or DESC"},
    [P_LIMIT] = {"limit", 0, OPT_INT, "N", "500", "Records per page", 0, 1, 500},
    [P_ALL] = {"all", 0, OPT_FLAG, NULL, "0", "Read every page"},
    [P_ISO2] = {"iso2", 0, OPT_FLAG, NULL, "0", "countryIsoCodeType ISO-3166-2"},
    [P_RECORDS] = {"records", 0, OPT_FLAG, NULL, "0", "Print every address"},
    [P_INPUT] = {"input", 0, OPT_STRING, "TEXT", NULL, "Search terms"},
    [P_CLOCK_STEP] = {"clock-step", 0, OPT_INT, "S", "0",
                      "A fake clock: each timestamp S seconds after the last (shows re-signing)", 0,
                      0, 60},
    [P_JSON] = {"json", 0, OPT_STRING, "JSON", NULL, "What to write, as JSON"},
    [P_ID] = {"id", 0, OPT_INT, "N", "0", "The record id", 0, 0, 999999999999LL},
    [P_ADDRESS] = {"address", 0, OPT_INT, "N", "0", "An address id", 0, 0, 999999999999LL},
    [P_ESTATE] = {"estate", 0, OPT_INT, "N", "0", "An estate id", 0, 0, 999999999999LL},
    [P_CACHE_ID] = {"cache-id", 0, OPT_STRING, "ID", NULL, "parameterCacheId of an activation"},
    [P_CLAIM] = {"claim", 0, OPT_STRING, "C", NULL, "apiClaim of the activation URL (unlock)",
                 OPT_SECRET},
    [P_EXTCLAIM] = {"extendedclaim", 0, OPT_STRING, "C", NULL,
                    "The client's claim, sent as extendedclaim on every action", OPT_SECRET},
    [P_MARKER] = {"marker", 0, OPT_STRING, "TEXT", NULL, "A marker to look up"},
    [P_EMAIL] = {"email", 0, OPT_STRING, "EMAIL", NULL, "An e-mail to look up"},
};

/* The fake clock of --clock-step: the wall clock at the first call, then +step per call. */
static int64_t fake_now(void *arg)
{
	static int64_t next;
	int64_t step = *(const long long *)arg;
	if (!next)
		next = time(NULL);
	int64_t now = next;
	next += step;
	return now;
}

static struct opt_value v[P__N];

static int fail(const struct err *e)
{
	json_t *doc =
	    json_pack("{s:{s:s,s:i,s:s,s:s}}", "error", "class", oo_class_label(e->code),
	              "remote_code", e->remote_code, "message", e->message, "field", e->field);
	char *s = json_dumps(doc, JSON_COMPACT);
	puts(s ? s : "{}");
	free(s);
	json_decref(doc);
	return 3;
}

static void print(json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT);
	puts(s ? s : "null");
	free(s);
	json_decref(doc);
}

static int connect_client(const char *name, int argc, char **argv, struct oo_client **c)
{
	struct opt_cmd cmd = {PROBE, name, "[options]", "Drives the onOffice client.",
	                      NULL,  opts, P__N,        0};
	enum opt_result r = opt_parse(&cmd, argc, argv, v, NULL, NULL, stdout, stderr);
	if (r != OPT_OK)
		return r == OPT_EXIT_OK ? 0 : 2;
	struct oo_config cfg = {.url = v[P_URL].str,
	                        .token = v[P_TOKEN].str,
	                        .secret = v[P_SECRET].str,
	                        .ca_file = v[P_CA].str,
	                        .max_attempts = (int)v[P_ATTEMPTS].num,
	                        .backoff_base_ms = 20};
	if (v[P_CLOCK_STEP].num) {
		cfg.now_s = fake_now;
		cfg.clock_arg = &v[P_CLOCK_STEP].num;
	}
	cfg.claim = v[P_EXTCLAIM].str;
	struct err e = ERR_INIT;
	if (oo_client_new(&cfg, c, &e)) {
		fprintf(stderr, PROBE ": %s\n", e.message);
		return 2;
	}
	return -1;
}

struct read_state {
	int64_t pages, records;
	json_t *ids, *addresses;
};

static json_t *address_json(const struct oo_address *a)
{
	json_t *o = json_pack("{s:I,s:O}", "id", (json_int_t)a->id, "fields", a->fields);
	const struct {
		const char *name;
		const struct oo_contact_list *l;
	} lists[] = {{"phones", &a->phones}, {"mobiles", &a->mobiles}, {"emails", &a->emails}};
	for (size_t i = 0; o && i < 3; i++) {
		json_t *arr = json_array();
		for (size_t k = 0; k < lists[i].l->n; k++)
			json_array_append_new(arr, json_string(lists[i].l->v[k].value));
		json_object_set_new(o, lists[i].name, arr);
	}
	return o;
}

static int on_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset;
	(void)total;
	struct read_state *s = arg;
	size_t i;
	json_t *rec;
	s->pages++;
	json_array_foreach(records, i, rec)
	{
		struct oo_address a;
		int rc = oo_address_from_record(rec, &a, e);
		if (rc)
			return rc;
		s->records++;
		json_array_append_new(s->ids, json_integer(a.id));
		if (s->addresses)
			json_array_append_new(s->addresses, address_json(&a));
		oo_address_release(&a);
	}
	return 0;
}

static int cmd_read(int argc, char **argv)
{
	struct oo_client *c = NULL;
	int rc = connect_client("read", argc, argv, &c);
	if (rc >= 0)
		goto out;
	char *data = strdup(v[P_DATA].str);
	const char *fields[64];
	size_t nf = 0;
	for (char *t = data; t && *t && nf < 64;) {
		char *comma = strchr(t, ',');
		if (comma)
			*comma = '\0';
		fields[nf++] = t;
		t = comma ? comma + 1 : NULL;
	}
	json_t *filter = v[P_FILTER].str ? json_loads(v[P_FILTER].str, 0, NULL) : NULL;
	struct oo_address_query q = {.data = fields,
	                             .ndata = nf,
	                             .filter = filter,
	                             .sortby = v[P_SORTBY].str,
	                             .sortorder = v[P_SORTORDER].str,
	                             .listlimit = (int)v[P_LIMIT].num,
	                             .country_iso = v[P_ISO2].num ? "ISO-3166-2" : NULL};
	struct read_state s = {0, 0, json_array(), v[P_RECORDS].num ? json_array() : NULL};
	struct err e = ERR_INIT;
	int64_t total = 0;
	if (v[P_ALL].num) {
		rc = oo_address_read_all(c, &q, on_page, &s, &total, &e);
	} else {
		json_t *records = NULL;
		rc = oo_address_read(c, &q, &records, &total, &e);
		if (!rc)
			rc = on_page(&s, records, 0, total, &e);
		json_decref(records);
	}
	if (rc) {
		rc = fail(&e);
		json_decref(s.ids);
		json_decref(s.addresses);
	} else {
		json_t *doc =
		    json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "pages",
		              (json_int_t)s.pages, "records", (json_int_t)s.records, "ids", s.ids);
		if (s.addresses)
			json_object_set_new(doc, "addresses", s.addresses);
		print(doc);
	}
	json_decref(filter);
	free(data);
out:
	oo_client_free(c);
	opt_release(v, P__N);
	return rc < 0 ? 0 : rc;
}

static json_t *keylabels_json(const struct oo_keylabel *kl, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, kl[i].key, json_string(kl[i].label ? kl[i].label : ""));
	return o;
}

static int cmd_fields(int argc, char **argv)
{
	struct oo_client *c = NULL;
	int rc = connect_client("fields", argc, argv, &c);
	if (rc >= 0)
		goto out;
	const char *modules[] = {"address", "estate"};
	struct oo_fields_query q = {.modules = modules, .nmodules = 2, .dependencies = true};
	struct oo_fields f;
	struct err e = ERR_INIT;
	if ((rc = oo_fields_get(c, &q, &f, &e))) {
		rc = fail(&e);
		goto out;
	}
	json_t *doc = json_object();
	for (size_t m = 0; m < f.nmodules; m++) {
		json_t *mod = json_object();
		for (size_t i = 0; i < f.modules[m].nfields; i++) {
			const struct oo_field *fd = &f.modules[m].fields[i];
			json_object_set_new(
			    mod, fd->name,
			    json_pack("{s:s,s:o}", "type", fd->type, "permitted",
			              keylabels_json(fd->permitted, fd->npermitted)));
		}
		json_object_set_new(doc, f.modules[m].name, mod);
	}
	print(doc);
	oo_fields_release(&f);
out:
	oo_client_free(c);
	opt_release(v, P__N);
	return rc < 0 ? 0 : rc;
}

static int cmd_actionkinds(int argc, char **argv)
{
	struct oo_client *c = NULL;
	int rc = connect_client("actionkinds", argc, argv, &c);
	if (rc >= 0)
		goto out;
	struct oo_action_kinds k;
	struct err e = ERR_INIT;
	if ((rc = oo_action_kinds_get(c, NULL, &k, &e))) {
		rc = fail(&e);
		goto out;
	}
	json_t *doc = json_object();
	for (size_t i = 0; i < k.n; i++)
		json_object_set_new(doc, k.v[i].key, keylabels_json(k.v[i].types, k.v[i].ntypes));
	print(doc);
	oo_action_kinds_release(&k);
out:
	oo_client_free(c);
	opt_release(v, P__N);
	return rc < 0 ? 0 : rc;
}

static int cmd_scfields(int argc, char **argv)
{
	struct oo_client *c = NULL;
	int rc = connect_client("scfields", argc, argv, &c);
	if (rc >= 0)
		goto out;
	struct oo_sc_fields f;
	struct err e = ERR_INIT;
	if ((rc = oo_sc_fields_get(c, NULL, &f, &e))) {
		rc = fail(&e);
		goto out;
	}
	json_t *doc = json_object();
	for (size_t i = 0; i < f.n; i++)
		for (size_t k = 0; k < f.v[i].nfields; k++)
			json_object_set_new(
			    doc, f.v[i].fields[k].id,
			    json_pack("{s:b}", "range", f.v[i].fields[k].rangefield));
	print(doc);
	oo_sc_fields_release(&f);
out:
	oo_client_free(c);
	opt_release(v, P__N);
	return rc < 0 ? 0 : rc;
}

static int cmd_search(int argc, char **argv)
{
	struct oo_client *c = NULL;
	int rc = connect_client("search", argc, argv, &c);
	if (rc >= 0)
		goto out;
	struct oo_search_query q = {
	    .input = v[P_INPUT].str, .includecontactdata = true, .listlimit = 50};
	struct oo_search_hits h;
	struct err e = ERR_INIT;
	if ((rc = oo_search(c, &q, &h, &e))) {
		rc = fail(&e);
		goto out;
	}
	json_t *doc = json_array();
	for (size_t i = 0; i < h.n; i++)
		json_array_append_new(doc, json_pack("{s:I,s:s?}", "id", (json_int_t)h.v[i].id,
		                                     "surname", h.v[i].surname));
	print(doc);
	oo_search_hits_release(&h);
out:
	oo_client_free(c);
	opt_release(v, P__N);
	return rc < 0 ? 0 : rc;
}

/* ---- writes and lookups -------------------------------------------------------------- */

/* A command body: fills *out (printed on success) or returns a class with e set. */
typedef int (*probe_fn)(struct oo_client *c, json_t **out, struct err *e);

static int run_client(const char *name, int argc, char **argv, probe_fn fn)
{
	struct oo_client *c = NULL;
	int rc = connect_client(name, argc, argv, &c);
	if (rc >= 0)
		goto out;
	json_t *doc = NULL;
	struct err e = ERR_INIT;
	rc = fn(c, &doc, &e);
	if (rc) {
		json_decref(doc);
		rc = fail(&e);
	} else {
		print(doc ? doc : json_object());
	}
out:
	oo_client_free(c);
	opt_release(v, P__N);
	return rc < 0 ? 0 : rc;
}

/* --json as a new object, or NULL with e set. */
static json_t *arg_json(struct err *e)
{
	json_error_t jerr;
	if (!v[P_JSON].str) {
		err_set(e, ERR_INVALID_ARG, "json", "--json is required");
		return NULL;
	}
	json_t *in = json_loads(v[P_JSON].str, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(in)) {
		json_decref(in);
		err_set(e, ERR_INVALID_ARG, "json", "--json must be a JSON object: %s", jerr.text);
		return NULL;
	}
	return in;
}

static int need(long long n, const char *option, struct err *e)
{
	return n > 0 ? 0 : err_set(e, ERR_INVALID_ARG, option, "--%s is required", option);
}

static json_t *id_doc(int64_t id)
{
	return json_pack("{s:I}", "id", (json_int_t)id);
}

static json_t *ids_doc(const struct oo_idv *ids)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < ids->n; i++)
		json_array_append_new(arr, json_integer(ids->v[i]));
	return json_pack("{s:o}", "ids", arr);
}

#define PROBE_MAX_CONTACTS 32

static int create_address(struct oo_client *c, json_t **out, struct err *e)
{
	json_t *in = arg_json(e), *list, *item;
	struct oo_contact_value cv[PROBE_MAX_CONTACTS];
	size_t i, n = 0;
	int rc = in ? 0 : ERR_INVALID_ARG;
	list = json_object_get(in, "contacts");
	json_array_foreach(list, i, item)
	{
		if (rc || n == PROBE_MAX_CONTACTS ||
		    oo_contact_type_from_key(json_string_value(json_object_get(item, "type")),
		                             &cv[n].type)) {
			rc =
			    rc ? rc : err_set(e, ERR_INVALID_ARG, "contacts", "bad contact %zu", i);
			break;
		}
		cv[n].value = json_string_value(json_object_get(item, "value"));
		cv[n++].is_default = json_is_true(json_object_get(item, "default"));
	}
	struct oo_address_new a = {
	    .fields = json_object_get(in, "fields"),
	    .land_iso3 = json_string_value(json_object_get(in, "land")),
	    .contacts = cv,
	    .ncontacts = n,
	    .check_duplicate = json_is_true(json_object_get(in, "checkDuplicate")),
	    .no_override_by_duplicate = json_is_true(json_object_get(in, "noOverrideByDuplicate"))};
	int64_t id = 0;
	if (!rc && !(rc = oo_address_create(c, &a, &id, e)))
		*out = id_doc(id);
	json_decref(in);
	return rc;
}

static int contact_op(const char *s, enum oo_contact_op *op)
{
	static const char *const names[] = {"add", "modify", "delete"};
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*op = (enum oo_contact_op)i;
			return 0;
		}
	return ERR_INVALID_ARG;
}

static int modify_address(struct oo_client *c, json_t **out, struct err *e)
{
	json_t *in = arg_json(e), *list, *item;
	struct oo_contact_change cc[PROBE_MAX_CONTACTS];
	size_t i, n = 0, nactions = 0;
	int rc = in ? need(v[P_ID].num, "id", e) : ERR_INVALID_ARG;
	list = json_object_get(in, "contacts");
	json_array_foreach(list, i, item)
	{
		json_t *def = json_object_get(item, "default");
		if (rc || n == PROBE_MAX_CONTACTS ||
		    oo_contact_type_from_key(json_string_value(json_object_get(item, "type")),
		                             &cc[n].type) ||
		    contact_op(json_string_value(json_object_get(item, "action")), &cc[n].op)) {
			rc = rc ? rc : err_set(e, ERR_INVALID_ARG, "contacts", "bad change %zu", i);
			break;
		}
		cc[n].oldvalue = json_string_value(json_object_get(item, "oldvalue"));
		cc[n].newvalue = json_string_value(json_object_get(item, "newvalue"));
		cc[n++].is_default = !def ? OO_UNSET : json_is_true(def) ? OO_TRUE : OO_FALSE;
	}
	struct oo_address_change ch = {.id = v[P_ID].num,
	                               .fields = json_object_get(in, "fields"),
	                               .land_name = json_string_value(json_object_get(in, "land")),
	                               .contacts = cc,
	                               .ncontacts = n};
	struct oo_batch b = OO_BATCH_INIT;
	if (!rc && !(rc = oo_address_modify_add(&b, &ch, &nactions, e)) &&
	    !(rc = oo_call(c, &b, e)))
		*out = json_pack("{s:I}", "actions", (json_int_t)nactions);
	oo_batch_release(&b);
	json_decref(in);
	return rc;
}

#define PROBE_MAX_IDS 64

static int agentslog_create(struct oo_client *c, json_t **out, struct err *e)
{
	json_t *in = arg_json(e), *item;
	int64_t ids[PROBE_MAX_IDS], id = 0;
	size_t i, n = 0;
	int rc = in ? 0 : ERR_INVALID_ARG;
	json_array_foreach(json_object_get(in, "addressids"), i, item)
	{
		if (n < PROBE_MAX_IDS)
			ids[n++] = json_integer_value(item);
	}
	struct oo_agentslog_new x = {
	    .actionkind = json_string_value(json_object_get(in, "actionkind")),
	    .actiontype = json_string_value(json_object_get(in, "actiontype")),
	    .note = json_string_value(json_object_get(in, "note")),
	    .addressids = ids,
	    .naddressids = n,
	    .estateid = json_integer_value(json_object_get(in, "estateid")),
	    .origincontact = json_string_value(json_object_get(in, "origincontact"))};
	const char *when = json_string_value(json_object_get(in, "time"));
	if (!rc && when)
		rc = time_parse_rfc3339(when, strlen(when), &x.when_ms, e);
	if (!rc && !(rc = oo_agentslog_create(c, &x, &id, e)))
		*out = id_doc(id);
	json_decref(in);
	return rc;
}

static int on_log_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset, (void)total;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		struct oo_agentslog_entry x;
		int rc = oo_agentslog_entry_from_record(rec, &x, e);
		if (rc)
			return rc;
		json_array_append_new(
		    arg, json_pack("{s:I,s:s?,s:s?,s:s?,s:s?}", "id", (json_int_t)x.id, "kind",
		                   x.kind, "type", x.type, "datetime", x.datetime, "note", x.note));
		oo_agentslog_entry_release(&x);
	}
	return 0;
}

static int agentslog_read(struct oo_client *c, json_t **out, struct err *e)
{
	int64_t address = v[P_ADDRESS].num, total = -1;
	int rc = need(address, "address", e);
	json_t *entries = json_array();
	struct oo_agentslog_query q = {.addressids = &address, .naddressids = 1};
	if (!rc && !(rc = oo_agentslog_read_all(c, &q, on_log_page, entries, &total, e)))
		*out = json_pack("{s:I,s:O}", "total", (json_int_t)total, "entries", entries);
	json_decref(entries);
	return rc;
}

static int estate_create(struct oo_client *c, json_t **out, struct err *e)
{
	json_t *in = arg_json(e);
	int64_t id = 0;
	int rc = in ? oo_estate_create(c, in, &id, e) : ERR_INVALID_ARG;
	if (!rc)
		*out = id_doc(id);
	json_decref(in);
	return rc;
}

static int estate_read(struct oo_client *c, json_t **out, struct err *e)
{
	char *data = strdup(v[P_DATA].src == OPT_SRC_DEFAULT
	                        ? "objektnr_extern,objektart,objekttyp,ort,land,status"
	                        : v[P_DATA].str);
	const char *fields[64];
	size_t nf = 0;
	for (char *t = data; t && *t && nf < 64;) {
		char *comma = strchr(t, ',');
		if (comma)
			*comma = '\0';
		fields[nf++] = t;
		t = comma ? comma + 1 : NULL;
	}
	json_t *filter = v[P_FILTER].str ? json_loads(v[P_FILTER].str, 0, NULL) : NULL;
	struct oo_address_query q = {
	    .data = fields, .ndata = nf, .filter = filter, .listlimit = 500};
	json_t *records = NULL, *rec;
	int64_t total = -1;
	size_t i;
	int rc = oo_estate_read(c, &q, &records, &total, e);
	if (!rc) {
		json_t *estates = json_array();
		json_array_foreach(records, i, rec)
		{
			int64_t id = 0;
			oo_record_id(rec, &id);
			json_t *el = oo_record_elements(rec);
			json_array_append_new(estates,
			                      json_pack("{s:I,s:O}", "id", (json_int_t)id, "fields",
			                                el ? el : json_object()));
		}
		*out = json_pack("{s:I,s:o}", "total", (json_int_t)total, "estates", estates);
	}
	json_decref(records);
	json_decref(filter);
	free(data);
	return rc;
}

static int relation_owner(struct oo_client *c, json_t **out, struct err *e)
{
	int64_t estate = v[P_ESTATE].num, address = v[P_ADDRESS].num;
	int rc = need(estate, "estate", e);
	if (!rc)
		rc = need(address, "address", e);
	if (!rc &&
	    !(rc = oo_relation_create(c, OO_RELATION_ESTATE_OWNER, &estate, 1, &address, 1, e)))
		*out = json_pack("{s:b}", "ok", 1);
	return rc;
}

static int estate_owner(struct oo_client *c, json_t **out, struct err *e)
{
	struct oo_idv owners = OO_IDV_INIT;
	int rc = need(v[P_ESTATE].num, "estate", e);
	if (!rc && !(rc = oo_estate_owners(c, v[P_ESTATE].num, &owners, e))) {
		json_t *doc = ids_doc(&owners);
		*out = json_pack("{s:O}", "owners", json_object_get(doc, "ids"));
		json_decref(doc);
	}
	oo_idv_release(&owners);
	return rc;
}

static int sc_create(struct oo_client *c, json_t **out, struct err *e)
{
	json_t *in = arg_json(e);
	int64_t id = 0;
	int rc = in ? need(v[P_ADDRESS].num, "address", e) : ERR_INVALID_ARG;
	if (!rc && !(rc = oo_searchcriteria_create(c, v[P_ADDRESS].num, in, &id, e)))
		*out = id_doc(id);
	json_decref(in);
	return rc;
}

static int sc_read(struct oo_client *c, json_t **out, struct err *e)
{
	json_t *records = NULL;
	int rc = need(v[P_ADDRESS].num, "address", e);
	if (!rc && !(rc = oo_searchcriterias_of_address(c, v[P_ADDRESS].num, &records, e)))
		*out = json_pack("{s:o}", "records", records);
	return rc;
}

static int unlock(struct oo_client *c, json_t **out, struct err *e)
{
	int rc = oo_unlock_provider(c, v[P_CACHE_ID].str, v[P_CLAIM].str, e);
	if (!rc)
		*out = json_pack("{s:b}", "success", 1);
	return rc;
}

static int find_address(struct oo_client *c, json_t **out, struct err *e)
{
	struct oo_idv ids = OO_IDV_INIT;
	int rc = oo_find_addresses_by_email(c, v[P_EMAIL].str, &ids, e);
	if (!rc)
		*out = ids_doc(&ids);
	oo_idv_release(&ids);
	return rc;
}

static int find_agentslog(struct oo_client *c, json_t **out, struct err *e)
{
	struct oo_idv ids = OO_IDV_INIT;
	int rc = need(v[P_ADDRESS].num, "address", e);
	if (!rc &&
	    !(rc = oo_find_agentslog_by_marker(c, v[P_ADDRESS].num, v[P_MARKER].str, &ids, e)))
		*out = ids_doc(&ids);
	oo_idv_release(&ids);
	return rc;
}

static int find_estate(struct oo_client *c, json_t **out, struct err *e)
{
	struct oo_idv ids = OO_IDV_INIT;
	int rc = oo_find_estates_by_marker(c, v[P_MARKER].str, &ids, e);
	if (!rc)
		*out = ids_doc(&ids);
	oo_idv_release(&ids);
	return rc;
}

static int find_sc(struct oo_client *c, json_t **out, struct err *e)
{
	struct oo_idv ids = OO_IDV_INIT;
	int rc = need(v[P_ADDRESS].num, "address", e);
	if (!rc &&
	    !(rc = oo_find_searchcriteria_by_marker(c, v[P_ADDRESS].num, v[P_MARKER].str, &ids, e)))
		*out = ids_doc(&ids);
	oo_idv_release(&ids);
	return rc;
}

#define CLIENT_CMD(fn, name)                             \
	static int cmd_##fn(int argc, char **argv)       \
	{                                                \
		return run_client(name, argc, argv, fn); \
	}
CLIENT_CMD(create_address, "create-address")
CLIENT_CMD(modify_address, "modify-address")
CLIENT_CMD(agentslog_create, "agentslog-create")
CLIENT_CMD(agentslog_read, "agentslog-read")
CLIENT_CMD(estate_create, "estate-create")
CLIENT_CMD(estate_read, "estate-read")
CLIENT_CMD(relation_owner, "relation-owner")
CLIENT_CMD(estate_owner, "estate-owner")
CLIENT_CMD(sc_create, "sc-create")
CLIENT_CMD(sc_read, "sc-read")
CLIENT_CMD(unlock, "unlock")
CLIENT_CMD(find_address, "find-address")
CLIENT_CMD(find_agentslog, "find-agentslog")
CLIENT_CMD(find_estate, "find-estate")
CLIENT_CMD(find_sc, "find-sc")

/* ---- Marketplace URLs ---------------------------------------------------------------- */

enum { M_URL, M_SECRET, M_KIND, M_NOW, M_WINDOW, M_PARAMS, M__N };

static const struct opt_def mp_opts[M__N] = {
    [M_URL] = {"url", 0, OPT_STRING, "URL", NULL, "The URL to verify, or to sign (no query)",
               OPT_REQUIRED},
    [M_SECRET] = {"secret", 0, OPT_STRING, "S", NULL, "The provider secret",
                  OPT_REQUIRED | OPT_SECRET},
    [M_KIND] = {"kind", 0, OPT_STRING, "KIND", "activation", "activation or service"},
    [M_NOW] = {"now", 0, OPT_INT, "T", "0", "Our clock in Unix seconds (0: the wall clock)", 0, 0,
               99999999999LL},
    [M_WINDOW] = {"window", 0, OPT_INT, "S", "0", "The timestamp window (0: 600 s)", 0, 0,
                  99999999999LL},
    [M_PARAMS] = {"params", 0, OPT_STRING, "JSON", NULL, "Parameters to sign: {\"k\": \"v\"}"},
};

static struct opt_value mv[M__N];

static int mp_fail(enum oo_mp_failure f, const struct err *e)
{
	json_t *doc = json_pack("{s:{s:s,s:s,s:s}}", "error", "reason", oo_mp_failure_name(f),
	                        "field", e->field, "message", e->message);
	print(doc);
	return 3;
}

static int cmd_mp_verify(int argc, char **argv)
{
	struct opt_cmd cmd = {PROBE, "mp-verify", "[options]", "Verifies a Marketplace URL.",
	                      NULL,  mp_opts,     M__N,        0};
	enum opt_result r = opt_parse(&cmd, argc, argv, mv, NULL, NULL, stdout, stderr);
	int rc = r == OPT_EXIT_OK ? 0 : 2;
	if (r != OPT_OK)
		goto out;
	struct oo_mp_check chk = {mv[M_SECRET].str,
	                          strcmp(mv[M_KIND].str, "service") == 0 ? OO_MP_SERVICE
	                                                                 : OO_MP_ACTIVATION,
	                          mv[M_NOW].num ? mv[M_NOW].num : time(NULL), mv[M_WINDOW].num};
	struct oo_mp_link l;
	struct err e = ERR_INIT;
	if (oo_mp_verify_url(mv[M_URL].str, &chk, &l, &e)) {
		rc = mp_fail(l.failure, &e);
		goto out;
	}
	json_t *params = json_object();
	for (size_t i = 0; i < l.nparams; i++)
		json_object_set_new(params, l.params[i].key, json_string(l.params[i].value));
	print(json_pack("{s:b,s:I,s:o}", "ok", 1, "timestamp", (json_int_t)l.timestamp, "params",
	                params));
	oo_mp_link_release(&l);
	rc = 0;
out:
	opt_release(mv, M__N);
	return rc;
}

static int cmd_mp_sign(int argc, char **argv)
{
	struct opt_cmd cmd = {PROBE, "mp-sign", "[options]", "Signs a Marketplace URL.",
	                      NULL,  mp_opts,   M__N,        0};
	enum opt_result r = opt_parse(&cmd, argc, argv, mv, NULL, NULL, stdout, stderr);
	int rc = r == OPT_EXIT_OK ? 0 : 2;
	json_t *in = NULL;
	if (r != OPT_OK)
		goto out;
	in = mv[M_PARAMS].str ? json_loads(mv[M_PARAMS].str, 0, NULL) : json_object();
	struct oo_mp_pair pairs[128];
	size_t n = 0;
	const char *key;
	json_t *val;
	json_object_foreach(in, key, val)
	{
		if (n < 128 && json_is_string(val))
			pairs[n++] = (struct oo_mp_pair){key, json_string_value(val)};
	}
	char *url = NULL;
	struct err e = ERR_INIT;
	if (!json_is_object(in) ||
	    oo_mp_sign_url(mv[M_URL].str, pairs, n, mv[M_SECRET].str, &url, &e)) {
		rc = mp_fail(OO_MP_MALFORMED, &e);
		goto out;
	}
	print(json_pack("{s:s}", "url", url));
	free(url);
	rc = 0;
out:
	json_decref(in);
	opt_release(mv, M__N);
	return rc;
}

static const struct cli_command commands[] = {
    {"read", "Read addresses", cmd_read},
    {"fields", "Field configuration of address and estate", cmd_fields},
    {"actionkinds", "Agents-log action kinds and types", cmd_actionkinds},
    {"scfields", "Enabled search-criteria fields", cmd_scfields},
    {"search", "Search addresses", cmd_search},
    {"create-address", "Create an address", cmd_create_address},
    {"modify-address", "Modify an address", cmd_modify_address},
    {"agentslog-create", "Create an agents-log entry", cmd_agentslog_create},
    {"agentslog-read", "Read the agents log of an address", cmd_agentslog_read},
    {"estate-create", "Create an estate", cmd_estate_create},
    {"estate-read", "Read estates", cmd_estate_read},
    {"relation-owner", "Link an owner address to an estate", cmd_relation_owner},
    {"estate-owner", "Read the owners of an estate", cmd_estate_owner},
    {"sc-create", "Create a search profile", cmd_sc_create},
    {"sc-read", "Read the search profiles of an address", cmd_sc_read},
    {"unlock", "do/unlockProvider", cmd_unlock},
    {"find-address", "Addresses by e-mail", cmd_find_address},
    {"find-agentslog", "Agents-log entries by a marker in the note", cmd_find_agentslog},
    {"find-estate", "Estates by objektnr_extern", cmd_find_estate},
    {"find-sc", "Search profiles by a marker in the comment", cmd_find_sc},
    {"mp-verify", "Verify a Marketplace URL", cmd_mp_verify},
    {"mp-sign", "Sign a Marketplace URL", cmd_mp_sign},
};

int main(int argc, char **argv)
{
	static const struct cli_program p = {
	    PROBE,    "Drives the onOffice client.",
	    commands, (int)(sizeof(commands) / sizeof(commands[0])),
	    NULL,     NULL};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cli_dispatch(&p, argc, argv);
	curl_global_cleanup();
	return rc;
}
