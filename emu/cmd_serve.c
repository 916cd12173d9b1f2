/* onoffice-emu serve: the emulated API on one port, with its SQLite file. */
#include <stdio.h>

#include "core/log.h"
#include "core/opt.h"
#include "emu.h"
#include "store/store.h"
#include "web/run.h"

enum { EMU_LISTEN, EMU_DB, EMU_LOG_LEVEL, EMU__N };

static const struct opt_def emu_opts[EMU__N] = {
    [EMU_LISTEN] = {"listen", 'l', OPT_LISTEN, "ADDR", "127.0.0.1:8090",
                    "Address to listen on; port 0 picks a free port and prints it"},
    [EMU_DB] = {"db", 0, OPT_STRING, "PATH", "emu.db",
                "The emulator's SQLite file (created if missing)"},
    [EMU_LOG_LEVEL] = {"log-level", 0, OPT_STRING, "LEVEL", "info",
                       "Least severe log level written: debug, info, warn, error",
                       .check = log_check_level},
};

static const struct opt_cmd serve_cmd = {
    .program = EMU_PROGRAM,
    .name = "serve",
    .usage = "[options]",
    .summary = "Serves the emulated onOffice API. The bound address is printed on stdout;\n"
               "SIGTERM or SIGINT stops it cleanly (exit 0).",
    .defs = emu_opts,
    .ndefs = EMU__N,
};

int emu_cmd_serve(int argc, char **argv)
{
	struct opt_value v[EMU__N];
	enum opt_result pr = opt_parse(&serve_cmd, argc, argv, v, NULL, NULL, stdout, stderr);
	if (pr != OPT_OK) {
		opt_release(v, EMU__N);
		return pr == OPT_EXIT_OK ? 0 : 2;
	}
	enum log_level level = LOG_INFO;
	log_parse_level(v[EMU_LOG_LEVEL].str, &level);
	log_set_level(level);

	int rc = 1;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	struct db_options dbo = DB_OPTIONS_DEFAULT;
	if (db_open(v[EMU_DB].str, &dbo, &db, &e) != 0 ||
	    db_migrate(db, emu_migrations, emu_migrations_count, &e) != 0) {
		fprintf(stderr, "%s: cannot open the database %s: %s\n", EMU_PROGRAM, v[EMU_DB].str,
		        e.message);
		goto out;
	}
	struct http_config cfg = {
	    .listen = v[EMU_LISTEN].str,
	    .ctx = db,
	    .metrics_prefix = "onoffice_emu",
	    .ready = store_ready,
	};
	rc = web_run(EMU_PROGRAM, &cfg, NULL, NULL);
out:
	db_close(db);
	opt_release(v, EMU__N);
	return rc;
}
