/* onoffice-emu customer add: a new onOffice client with API credentials (requirements §8.3). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "core/time.h"
#include "core/utf8.h"
#include "customer.h"
#include "emu.h"
#include "state.h"

static bool check_name(const char *v, char *why, size_t cap)
{
	size_t n = strlen(v);
	if (utf8_valid(v, n) && utf8_chars(v, n) >= 1 && utf8_chars(v, n) <= 120)
		return true;
	snprintf(why, cap, "must be 1-120 characters of UTF-8");
	return false;
}

enum { CA_NAME, CA_DB, CA__N };
static const struct opt_def ca_opts[CA__N] = {
    [CA_NAME] = {"name", 'n', OPT_STRING, "NAME", NULL, "The customer's (Mandant's) name",
                 OPT_REQUIRED, .check = check_name},
    [CA_DB] = EMU_OPT_DB,
};

static const struct opt_cmd ca_cmd = {
    .program = EMU_PROGRAM,
    .name = "customer add",
    .usage = "--name NAME [options]",
    .summary = "Creates an onOffice customer with a numeric web id, an API token (32\n"
               "characters) and secret (64 characters) and the default configuration, and\n"
               "prints {\"customer_web_id\": \"…\", \"token\": \"…\", \"secret\": \"…\"} as JSON.\n"
               "Works while serve runs on the same database.",
    .defs = ca_opts,
    .ndefs = CA__N,
};

int emu_cmd_customer_add(int argc, char **argv)
{
	struct opt_value v[CA__N];
	enum opt_result pr = opt_parse(&ca_cmd, argc, argv, v, NULL, NULL, stdout, stderr);
	if (pr != OPT_OK) {
		opt_release(v, CA__N);
		return pr == OPT_EXIT_OK ? 0 : 2;
	}
	int rc = 1;
	struct db *db = NULL;
	struct emu_customer c;
	struct err e = ERR_INIT;
	int64_t offset = 0;
	if (emu_open_db(v[CA_DB].str, &db))
		goto out;
	emu_clock_offset_load(db, &offset, NULL);
	if (emu_customer_create(db, v[CA_NAME].str, time_now_ms() + offset * 1000, &c, &e)) {
		fprintf(stderr, "%s: cannot create the customer: %s\n", EMU_PROGRAM, e.message);
		goto out;
	}
	json_t *doc = json_pack("{s:s, s:s, s:s}", "customer_web_id", c.web_id, "token", c.token,
	                        "secret", c.secret);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	if (text) {
		puts(text);
		rc = 0;
	}
	free(text);
	json_decref(doc);
	emu_customer_release(&c);
out:
	db_close(db);
	opt_release(v, CA__N);
	return rc;
}
