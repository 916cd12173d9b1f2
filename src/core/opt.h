/*
 * opt.h - one table per command drives getopt_long, environment variables,
 * validation and --help (requirements §8.3).
 *
 * Precedence: a flag beats the environment, which beats the default. The
 * environment variable of option `public-url` of program `immosync` is
 * IMMOSYNC_PUBLIC_URL (upper case, '-' → '_'). An option marked OPT_SECRET
 * also reads <VAR>_FILE (the file's contents, trailing newline removed); both
 * set is an error. Every value is validated when parsed; a bad one is
 * reported naming the option and where the value came from, and the command
 * exits 2. --help and --version are built in.
 *
 * A command declares its options as an array indexed by its own enum, so that
 * values are read as vals[SERVE_LISTEN].str with no lookup by name.
 */
#ifndef IMMO_CORE_OPT_H
#define IMMO_CORE_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPT_STRING, /* any non-empty text */
	OPT_INT,    /* decimal integer within [min, max] */
	OPT_FLAG,   /* no argument on the command line; env takes 1/0/true/false/yes/no */
	OPT_LISTEN, /* host:port or [v6]:port, port 0–65535 (0 = any free port) */
	OPT_URL,    /* http:// or https:// with a host */
};

#define OPT_SECRET   0x1u /* also read <VAR>_FILE; never echoed in messages or --help */
#define OPT_REQUIRED 0x2u /* must be given by flag, environment or file */

struct opt_def {
	const char *name; /* long option without dashes: "public-url" */
	int short_name;   /* 'l', or 0 */
	enum opt_type type;
	const char *arg;    /* metavariable for --help: "URL"; ignored for OPT_FLAG */
	const char *def;    /* default as text, or NULL */
	const char *help;   /* one sentence for --help */
	unsigned flags;     /* OPT_SECRET | OPT_REQUIRED */
	long long min, max; /* bounds for OPT_INT */
	/* Extra validation; returns false and writes a reason (no trailing period) into why. */
	bool (*check)(const char *value, char *why, size_t cap);
};

enum opt_source { OPT_SRC_UNSET, OPT_SRC_DEFAULT, OPT_SRC_ENV, OPT_SRC_FILE, OPT_SRC_FLAG };

struct opt_value {
	const char
	    *str; /* the text value; NULL when unset. Points into argv, environ, def or owned */
	long long num; /* OPT_INT: the number; OPT_FLAG: 0 or 1 */
	enum opt_source src;
	char *owned; /* a value read from a _FILE; freed (and wiped) by opt_release */
};

struct opt_cmd {
	const char *program; /* "immosync" or "onoffice-emu": names the environment variables */
	const char *name;    /* "serve", "company create"; NULL for the program itself */
	const char *usage;   /* after the command name in the usage line: "[options]" */
	const char *summary; /* a paragraph for --help: what the command does */
	const char *epilog;  /* text after the options (exit codes, examples), or NULL */
	const struct opt_def *defs;
	size_t ndefs;
	size_t max_args; /* positional arguments allowed after the options */
};

enum opt_result { OPT_OK = 0, OPT_EXIT_OK = 1, OPT_EXIT_USAGE = 2 };

/*
 * Parses argv (argv[0] is the command word; getopt_long may permute argv) into
 * vals[0..cmd->ndefs). On OPT_OK, *args and *nargs are the positional arguments
 * (pointing into argv). On OPT_EXIT_OK --help or --version was printed to out;
 * on OPT_EXIT_USAGE the reason was printed to err. Either way call
 * opt_release(vals, n) afterwards. Not thread-safe (getopt state): call from main.
 */
enum opt_result opt_parse(const struct opt_cmd *cmd, int argc, char **argv, struct opt_value *vals,
                          char ***args, int *nargs, FILE *out, FILE *err);

/* Frees what opt_parse allocated (values read from files are wiped first). */
void opt_release(struct opt_value *vals, size_t n);

/* Writes --help for cmd to out. */
void opt_help(const struct opt_cmd *cmd, FILE *out);

/* The environment variable for an option: IMMOSYNC_PUBLIC_URL. Returns false if cap is too small.
 */
bool opt_env_name(const char *program, const char *option, const char *suffix, char *out,
                  size_t cap);

/* Splits "host:port" / "[v6]:port" into host (brackets removed) and port. false if invalid. */
bool opt_split_listen(const char *value, char *host, size_t cap, int *port);

#endif
