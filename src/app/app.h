/*
 * app.h - immosync's subcommands (src/app/cmd_*.c) and what they share.
 */
#ifndef IMMO_APP_APP_H
#define IMMO_APP_APP_H

#include "core/opt.h"
#include "store/db.h"

#define APP_PROGRAM "immosync"

/* The --db option every command that opens the store has (spec §8.3). */
#define APP_OPT_DB                                                               \
	{                                                                        \
		"db", 0, OPT_STRING, "PATH", "immosync.db",                      \
		    "The database: a SQLite file (works while serve runs on it)" \
	}

/* Opens and migrates the store; prints why not and returns 1 on failure, else 0. */
int app_open_store(const char *command, const char *url, struct db **db);

/* opt_parse for a command: -1 to go on, or the exit code (help printed: 0; bad usage: 2),
 * in which case the values are released already. */
int app_parse(const struct opt_cmd *cmd, int argc, char **argv, struct opt_value *v);

int cmd_serve(int argc, char **argv);
int cmd_company_create(int argc, char **argv);
int cmd_company_list(int argc, char **argv);
int cmd_company_delete(int argc, char **argv);
int cmd_token_create(int argc, char **argv);
int cmd_token_list(int argc, char **argv);
int cmd_token_revoke(int argc, char **argv);

#endif
