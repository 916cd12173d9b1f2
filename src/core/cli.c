#include "core/cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* How many leading words of argv[from..] the command name spans, or 0 if no match. */
static int match_words(const char *name, int argc, char **argv, int from)
{
	int words = 0;
	const char *p = name;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		int i = from + words;
		if (i >= argc || strlen(argv[i]) != n || strncmp(argv[i], p, n) != 0)
			return 0;
		words++;
		p += n;
		if (*p == ' ')
			p++;
	}
	return words;
}

static void list_commands(const struct cli_program *p, FILE *out, const char *group)
{
	size_t glen = group ? strlen(group) : 0;
	for (int i = 0; i < p->ncommands; i++) {
		const struct cli_command *c = &p->commands[i];
		if (group && (strncmp(c->name, group, glen) != 0 || c->name[glen] != ' '))
			continue;
		fprintf(out, "  %-24s %s\n", c->name, c->summary);
	}
}

static void usage(const struct cli_program *p, FILE *out)
{
	fprintf(out, "Usage: %s COMMAND [options]\n\n%s\n\nCommands:\n", p->name, p->summary);
	list_commands(p, out, NULL);
	fprintf(out, "\nRun '%s COMMAND --help' for a command's options.\n", p->name);
	if (p->epilog)
		fprintf(out, "\n%s", p->epilog);
}

static bool is_group(const struct cli_program *p, const char *word)
{
	size_t n = strlen(word);
	for (int i = 0; i < p->ncommands; i++)
		if (strncmp(p->commands[i].name, word, n) == 0 && p->commands[i].name[n] == ' ')
			return true;
	return false;
}

int cli_dispatch(const struct cli_program *p, int argc, char **argv)
{
	const char *first = argc > 1 ? argv[1] : NULL;
	if (first && (!strcmp(first, "--help") || !strcmp(first, "-h") || !strcmp(first, "help"))) {
		usage(p, stdout);
		return 0;
	}
	if (first && !strcmp(first, "--version")) {
		printf("%s %s\n", p->name, IMMO_VERSION);
		return 0;
	}
	if (!first || first[0] == '-') {
		for (int i = 0; p->default_command && i < p->ncommands; i++)
			if (!strcmp(p->commands[i].name, p->default_command))
				return p->commands[i].run(argc, argv);
		usage(p, stderr);
		return 2;
	}
	int best = -1, best_words = 0;
	for (int i = 0; i < p->ncommands; i++) {
		int w = match_words(p->commands[i].name, argc, argv, 1);
		if (w > best_words) {
			best = i;
			best_words = w;
		}
	}
	if (best < 0) {
		/* A group word, possibly followed by an unknown subcommand. */
		int depth = 1;
		char group[128] = "";
		for (int i = 1; i < argc && argv[i][0] != '-'; i++) {
			char next[128];
			snprintf(next, sizeof(next), "%s%s%s", group, group[0] ? " " : "", argv[i]);
			if (!is_group(p, next))
				break;
			snprintf(group, sizeof(group), "%s", next);
			depth = i + 1;
		}
		if (group[0]) {
			if (depth < argc && argv[depth][0] != '-')
				fprintf(stderr, "%s: unknown command '%s %s'\n", p->name, group,
				        argv[depth]);
			fprintf(stderr, "Usage: %s %s COMMAND [options]\n\nCommands:\n", p->name,
			        group);
			list_commands(p, stderr, group);
			return 2;
		}
		fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", p->name, first,
		        p->name);
		return 2;
	}
	/* The command's argv[0] is the last word of its name (getopt skips it). */
	return p->commands[best].run(argc - best_words, argv + best_words);
}
