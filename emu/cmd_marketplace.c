/*
 * onoffice-emu activation-url / service-url (requirements §8.3, R-A1, R-A12): the
 * signed URL onOffice would open at the provider, printed alone on stdout.
 *
 * activation-url stores a fresh parameter cache and activation claim for the
 * customer (the unlock needs them); service-url issues a fresh service claim,
 * which becomes the customer's current one (claim.h). The timestamp is the
 * emulator's clock, so PUT /_emu/clock makes stale links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "core/opt.h"
#include "core/time.h"
#include "customer.h"
#include "emu.h"
#include "marketplace.h"
#include "state.h"

#define MAX_EXTRA 16

enum { MP_CUSTOMER, MP_PROVIDER_URL, MP_PROVIDER_SECRET, MP_USER_ID, MP_GROUP_ID, MP_DB, MP__N };

static const struct opt_def mp_opts[MP__N] = {
    [MP_CUSTOMER] = {"customer", 'c', OPT_STRING, "WEBID", NULL, "The customer's web id",
                     OPT_REQUIRED},
    [MP_PROVIDER_URL] = {"provider-url", 0, OPT_URL, "URL", NULL,
                         "The provider's page (its own query parameters are signed too)",
                         OPT_REQUIRED},
    [MP_PROVIDER_SECRET] = {"provider-secret", 0, OPT_STRING, "S", NULL,
                            "The Marketplace provider secret the URL is signed with",
                            OPT_SECRET | OPT_REQUIRED},
    [MP_USER_ID] = {"user-id", 'u', OPT_STRING, "ID", "1", "The enterprise user (userId)"},
    [MP_GROUP_ID] = {"group-id", 0, OPT_STRING, "ID", NULL,
                     "The user's group (groupId; service-url only)"},
    [MP_DB] = EMU_OPT_DB,
};

static const char mp_epilog[] =
    "Extra arguments KEY=VALUE add parameters (macros such as estateId=12; values may be\n"
    "empty); keys are letters, digits, '_' and '-'.\n";

static const struct opt_cmd activation_cmd = {
    .program = EMU_PROGRAM,
    .name = "activation-url",
    .usage = "--customer WEBID --provider-url URL --provider-secret S [KEY=VALUE ...]",
    .summary = "Prints the activation URL onOffice would open in its Marketplace iframe:\n"
               "apiToken (the customer's token), parameterCacheId and apiClaim (fresh, stored\n"
               "for do/unlockProvider), customerName, customerWebId, userId, timestamp and\n"
               "signature. The API key the administrator pastes is the customer's secret.",
    .epilog = mp_epilog,
    .defs = mp_opts,
    .ndefs = MP__N,
    .max_args = MAX_EXTRA,
};

static const struct opt_cmd service_cmd = {
    .program = EMU_PROGRAM,
    .name = "service-url",
    .usage = "--customer WEBID --provider-url URL --provider-secret S [KEY=VALUE ...]",
    .summary = "Prints the service URL onOffice would open when a user starts the provider\n"
               "from enterprise: customerName, customerWebId, userId, groupId (with\n"
               "--group-id), apiClaim (fresh; from now on the customer's current claim),\n"
               "timestamp and signature.",
    .epilog = mp_epilog,
    .defs = mp_opts,
    .ndefs = MP__N,
    .max_args = MAX_EXTRA,
};

/* Splits the KEY=VALUE arguments into params; false (with a message) on a bad one. */
static bool extra_params(char **args, int nargs, struct emu_qparam *params, size_t *n)
{
	for (int i = 0; i < nargs; i++) {
		char *eq = strchr(args[i], '=');
		if (!eq || eq == args[i]) {
			fprintf(stderr, "%s: expected KEY=VALUE, got \"%s\"\n", EMU_PROGRAM,
			        args[i]);
			return false;
		}
		*eq = '\0';
		params[*n].key = args[i];
		params[*n].value = eq + 1;
		(*n)++;
	}
	return true;
}

/* Stores the fresh claim (and for an activation the parameter cache); 0 or non-zero after
 * a message. */
static int store(struct db *db, const struct emu_customer *c, bool activation, const char *user_id,
                 int64_t now, char *cache_id, char *claim)
{
	struct err e = ERR_INIT;
	int rc = activation ? emu_claim_new_activation(db, c->id, user_id, now, cache_id, claim, &e)
	                    : emu_claim_new_service(db, c->id, now, claim, &e);
	if (rc)
		fprintf(stderr, "%s: cannot store the claim: %s\n", EMU_PROGRAM, e.message);
	return rc;
}

/* The URL for c: the parameters of the link plus the extra ones already in params[0..n). */
static int sign(const struct opt_value *v, const struct emu_customer *c, bool activation,
                const char *ts, const char *claim, const char *cache_id, struct emu_qparam *params,
                size_t n, char **url)
{
	struct err e = ERR_INIT;
	params[n++] = (struct emu_qparam){"apiClaim", claim};
	params[n++] = (struct emu_qparam){"customerName", c->name};
	params[n++] = (struct emu_qparam){"customerWebId", c->web_id};
	params[n++] = (struct emu_qparam){"timestamp", ts};
	params[n++] = (struct emu_qparam){"userId", v[MP_USER_ID].str};
	if (activation) {
		params[n++] = (struct emu_qparam){"apiToken", c->token};
		params[n++] = (struct emu_qparam){"parameterCacheId", cache_id};
	} else if (v[MP_GROUP_ID].str) {
		params[n++] = (struct emu_qparam){"groupId", v[MP_GROUP_ID].str};
	}
	int rc =
	    emu_signed_url(v[MP_PROVIDER_URL].str, params, n, v[MP_PROVIDER_SECRET].str, url, &e);
	if (rc)
		fprintf(stderr, "%s: %s%s%s\n", EMU_PROGRAM, e.field[0] ? e.field : "",
		        e.field[0] ? ": " : "", e.message);
	return rc;
}

static int run(const struct opt_cmd *cmd, bool activation, int argc, char **argv)
{
	struct opt_value v[MP__N];
	char **args = NULL;
	int nargs = 0;
	enum opt_result pr = opt_parse(cmd, argc, argv, v, &args, &nargs, stdout, stderr);
	if (pr != OPT_OK) {
		opt_release(v, MP__N);
		return pr == OPT_EXIT_OK ? 0 : 2;
	}
	int rc = 2;
	struct db *db = NULL;
	struct emu_customer c;
	bool have_customer = false;
	struct err e = ERR_INIT;
	struct emu_qparam params[8 + MAX_EXTRA];
	size_t n = 0;
	char cache_id[EMU_UUID_LEN + 1] = "", claim[EMU_CLAIM_LEN + 1] = "", ts[24];
	char *url = NULL;
	int64_t offset = 0;
	if (activation && v[MP_GROUP_ID].str) {
		fprintf(stderr, "%s: --group-id belongs to service-url\n", EMU_PROGRAM);
		goto out;
	}
	if (!extra_params(args, nargs, params, &n))
		goto out;
	rc = 1;
	if (emu_open_db(v[MP_DB].str, &db))
		goto out;
	if (emu_customer_by_webid(db, v[MP_CUSTOMER].str, &c, &e)) {
		fprintf(stderr, "%s: --customer: no customer with web id %s\n", EMU_PROGRAM,
		        v[MP_CUSTOMER].str);
		rc = 2;
		goto out;
	}
	have_customer = true;
	emu_clock_offset_load(db, &offset, NULL);
	int64_t now = time_now_ms() + offset * 1000;
	snprintf(ts, sizeof(ts), "%lld", (long long)(now / 1000));
	/* A bad parameter is refused (with stand-ins for the claim) before anything is stored. */
	if (sign(v, &c, activation, ts, "-", "-", params, n, &url)) {
		rc = 2;
		goto out;
	}
	free(url);
	url = NULL;
	if (store(db, &c, activation, v[MP_USER_ID].str, now, cache_id, claim) ||
	    sign(v, &c, activation, ts, claim, cache_id, params, n, &url))
		goto out;
	printf("%s\n", url);
	rc = fflush(stdout) ? 1 : 0;
out:
	free(url);
	if (have_customer)
		emu_customer_release(&c);
	db_close(db);
	opt_release(v, MP__N);
	return rc;
}

int emu_cmd_activation_url(int argc, char **argv)
{
	return run(&activation_cmd, true, argc, argv);
}

int emu_cmd_service_url(int argc, char **argv)
{
	return run(&service_cmd, false, argc, argv);
}
