/*
 * app.h - immosync's subcommands (src/app/cmd_*.c) and what they share.
 */
#ifndef IMMO_APP_APP_H
#define IMMO_APP_APP_H

#include "core/opt.h"
#include "store/db.h"

#define APP_PROGRAM "immosync"

/* The --db option every command that opens the store has (requirements §8.3). */
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

struct crypto_key;

/* 64 hex characters: the check of the --master-key option (struct opt_def.check). */
bool app_masterkey_valid(const char *value, char *why, size_t cap);

/* The --master-key option (requirements §8.3): also IMMOSYNC_MASTER_KEY or
 * IMMOSYNC_MASTER_KEY_FILE. */
#define APP_OPT_MASTER_KEY                                                                 \
	{                                                                                  \
		"master-key", 0, OPT_STRING, "HEX", NULL,                                  \
		    "The master key for secrets at rest: 64 hex characters (default: the " \
		    "key file <db>.key when it exists)",                                   \
		    OPT_SECRET, 0, 0, app_masterkey_valid                                  \
	}

enum app_masterkey_mode {
	APP_MASTERKEY_CHECK, /* load, then check (the first key used is stored as the check) */
	APP_MASTERKEY_SEAL,  /* load only: link_set checks it in the transaction that seals */
	APP_MASTERKEY_SERVE, /* as CHECK, and make the key file on a fresh database */
};

/*
 * Loads the master key into *key (version 1) and, unless mode is APP_MASTERKEY_SEAL,
 * checks it against db (masterkey_check). hex is the --master-key value, or NULL: then
 * the key file "<db path>.key" of a SQLite database is used when it exists, and
 * APP_MASTERKEY_SERVE makes that file (0600, a random key) while the database needs no
 * key yet. Prints why not (never the key) and returns 0, 1 (wrong key, unreadable key
 * file, database error) or 2 (no key given). The caller crypto_cleanses *key.
 */
int app_masterkey_load(const char *command, const char *db_url, struct db *db, const char *hex,
                       enum app_masterkey_mode mode, struct crypto_key *key);

int cmd_company_link(int argc, char **argv);
int cmd_sync_initial(int argc, char **argv);

int cmd_serve(int argc, char **argv);
int cmd_company_create(int argc, char **argv);
int cmd_company_list(int argc, char **argv);
int cmd_company_delete(int argc, char **argv);
int cmd_token_create(int argc, char **argv);
int cmd_token_list(int argc, char **argv);
int cmd_token_revoke(int argc, char **argv);

#endif
