/*
 * onoffice-emu - the onOffice API emulator for development and tests.
 * Without a command it serves (`onoffice-emu --listen 127.0.0.1:0`).
 */
#include <jansson.h>
#include <stdio.h>

#include "core/cli.h"
#include "core/metrics.h"
#include "core/signals.h"
#include "emu.h"

static const struct cli_command commands[] = {
    {"serve", "Serve the emulated onOffice API (the default command)", emu_cmd_serve},
    {"customer add", "Create an onOffice customer and print its web id, token and secret",
     emu_cmd_customer_add},
    {"seed", "Add N realistic German addresses to a customer (deterministic)", emu_cmd_seed},
    {"activation-url", "Print a signed Marketplace activation URL for a customer",
     emu_cmd_activation_url},
    {"service-url", "Print a signed Marketplace service URL with a fresh claim",
     emu_cmd_service_url},
};

static const struct cli_program program = {
    .name = EMU_PROGRAM,
    .summary = "An onOffice enterprise API emulator for development and tests: the same wire\n"
               "protocol, signatures checked, persistent in its own SQLite file.",
    .commands = commands,
    .ncommands = (int)(sizeof(commands) / sizeof(commands[0])),
    .default_command = "serve",
    .epilog = "Every option also has an environment variable ONOFFICE_EMU_<OPTION>.\n"
              "Exit codes: 0 success, 1 failure, 2 bad usage.\n",
};

int main(int argc, char **argv)
{
	if (sig_setup() != 0) {
		fprintf(stderr, "%s: cannot set up signal handling\n", EMU_PROGRAM);
		return 1;
	}
	json_object_seed(0);
	int rc = cli_dispatch(&program, argc, argv);
	metrics_shutdown();
	return rc;
}
