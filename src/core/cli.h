/*
 * cli.h - a program is a table of subcommands (git's `struct cmd_struct`).
 *
 * Names may have several words ("company token create"); the longest name
 * that matches the leading arguments wins, and the command runs with argv[0]
 * being the last word of its name. `PROGRAM --help`, `PROGRAM help` and `PROGRAM --version`
 * are answered here; a group word alone ("company") lists its commands. A
 * program may name a default command that runs when the first argument is
 * absent or an option (onoffice-emu runs `serve`).
 */
#ifndef IMMO_CORE_CLI_H
#define IMMO_CORE_CLI_H

struct cli_command {
	const char *name;    /* "serve", "company create" */
	const char *summary; /* one line for the command list */
	int (*run)(int argc, char **argv);
};

struct cli_program {
	const char *name;    /* "immosync" */
	const char *summary; /* a paragraph for --help */
	const struct cli_command *commands;
	int ncommands;
	const char *default_command; /* or NULL */
	const char *epilog;          /* after the command list, or NULL */
};

/* Runs the matching command and returns the process exit code (2 for usage errors). */
int cli_dispatch(const struct cli_program *p, int argc, char **argv);

#endif
