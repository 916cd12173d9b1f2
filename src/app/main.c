/*
 * immosync - the bridge between a real-estate lead platform and onOffice.
 *
 * main() does what must happen before any thread exists (signal mask,
 * libcurl and jansson global state) and hands over to the command table.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>

#include "app/app.h"
#include "core/cli.h"
#include "core/metrics.h"
#include "core/signals.h"

static const struct cli_command commands[] = {
    {"serve", "Run the web UI, the JSON API, the scheduler and the workers", cmd_serve},
    {"company create", "Create a company and its first API token", cmd_company_create},
    {"company list", "List the companies", cmd_company_list},
    {"company delete", "Delete a company and all its data (R-T3)", cmd_company_delete},
    {"company link", "Link a company to onOffice (secret on stdin)", cmd_company_link},
    {"sync initial", "Import a company's onOffice contacts now and wait (progress bar)",
     cmd_sync_initial},
    {"company token create", "Create an API token (scope ingest or full)", cmd_token_create},
    {"company token list", "List a company's API tokens", cmd_token_list},
    {"company token revoke", "Revoke an API token", cmd_token_revoke},
};

static const struct cli_program program = {
    .name = APP_PROGRAM,
    .summary = "immosync connects a real-estate lead platform with the onOffice enterprise CRM:\n"
               "it imports consented contacts from onOffice and writes contacts, conversions,\n"
               "notes, estates and search profiles back.",
    .commands = commands,
    .ncommands = (int)(sizeof(commands) / sizeof(commands[0])),
    .epilog = "Every option also has an environment variable IMMOSYNC_<OPTION> (see each\n"
              "command's --help). Exit codes: 0 success, 1 failure, 2 bad usage.\n",
};

int main(int argc, char **argv)
{
	if (sig_setup() != 0) {
		fprintf(stderr, "%s: cannot set up signal handling\n", APP_PROGRAM);
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: cannot initialise libcurl\n", APP_PROGRAM);
		return 1;
	}
	json_object_seed(0);
	int rc = cli_dispatch(&program, argc, argv);
	metrics_shutdown();
	curl_global_cleanup();
	return rc;
}
