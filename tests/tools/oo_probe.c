/*
 * oo-probe - drives the onOffice client (src/onoffice/) from the command line and
 * prints what it read as JSON, for the client <-> emulator system tests and the
 * read benchmark. Not part of the product.
 *
 *   oo-probe read   --url U --token T --secret S [--filter JSON] [--data a,b]
 *                   [--sortby F] [--sortorder ASC] [--limit N] [--all] [--iso2] [--records]
 *   oo-probe fields | actionkinds | scfields | search --input X   (same connection options)
 *
 * On failure prints {"error": {"class", "remote_code", "message"}} and exits 3.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <time.h>

#include <curl/curl.h>

#include "core/cli.h"
#include "core/opt.h"
#include "onoffice/actionkinds.h"
#include "onoffice/address.h"
#include "onoffice/client.h"
#include "onoffice/fields.h"
#include "onoffice/response.h"
#include "onoffice/scfields.h"
#include "onoffice/search.h"

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
	json_t *doc = json_pack("{s:{s:s,s:i,s:s}}", "error", "class", oo_class_label(e->code),
	                        "remote_code", e->remote_code, "message", e->message);
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

static const struct cli_command commands[] = {
    {"read", "Read addresses", cmd_read},
    {"fields", "Field configuration of address and estate", cmd_fields},
    {"actionkinds", "Agents-log action kinds and types", cmd_actionkinds},
    {"scfields", "Enabled search-criteria fields", cmd_scfields},
    {"search", "Search addresses", cmd_search},
};

int main(int argc, char **argv)
{
	static const struct cli_program p = {
	    PROBE, "Drives the onOffice client.", commands, 5, NULL, NULL};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cli_dispatch(&p, argc, argv);
	curl_global_cleanup();
	return rc;
}
