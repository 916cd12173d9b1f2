/* What immosync's commands share: opening the store with a clear message. */
#include <stdio.h>

#include "app/app.h"
#include "store/store.h"

int app_open_store(const char *command, const char *url, struct db **db)
{
	struct err e = ERR_INIT;
	struct db_options opt = DB_OPTIONS_DEFAULT;
	/* A command next to a running serve waits for its writes instead of failing. */
	opt.read_conns = 1;
	if (store_open(url, &opt, db, &e) != 0) {
		fprintf(stderr, "%s %s: cannot open the database %s: %s\n", APP_PROGRAM, command,
		        url, e.message);
		return 1;
	}
	return 0;
}

int app_parse(const struct opt_cmd *cmd, int argc, char **argv, struct opt_value *v)
{
	enum opt_result r = opt_parse(cmd, argc, argv, v, NULL, NULL, stdout, stderr);
	if (r == OPT_OK)
		return -1;
	opt_release(v, cmd->ndefs);
	return r == OPT_EXIT_OK ? 0 : 2;
}
