#include "core/opt.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define SECRET_FILE_MAX 4096

bool opt_env_name(const char *program, const char *option, const char *suffix, char *out,
                  size_t cap)
{
	size_t n = 0;
	const char *parts[] = {program, "_", option, suffix ? suffix : ""};
	for (size_t p = 0; p < 4; p++) {
		for (const char *c = parts[p]; *c; c++) {
			if (n + 1 >= cap)
				return false;
			out[n++] = *c == '-' ? '_' : (char)toupper((unsigned char)*c);
		}
	}
	out[n] = '\0';
	return true;
}

bool opt_split_listen(const char *value, char *host, size_t cap, int *port)
{
	const char *colon;
	const char *h = value;
	size_t hlen;
	if (value[0] == '[') {
		const char *close = strchr(value, ']');
		if (!close || close[1] != ':')
			return false;
		h = value + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(value, ':');
		if (!colon)
			return false;
		hlen = (size_t)(colon - value);
		if (memchr(value, ':', hlen))
			return false; /* a bare IPv6 address needs brackets */
	}
	if (hlen == 0 || hlen >= cap)
		return false;
	const char *p = colon + 1;
	if (!*p || strlen(p) > 5)
		return false;
	long v = 0;
	for (const char *c = p; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return false;
		v = v * 10 + (*c - '0');
	}
	if (v > 65535)
		return false;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (int)v;
	return true;
}

static bool parse_flag_text(const char *s, long long *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return true;
		}
	}
	return false;
}

/* Validates v->str against d; on failure writes the reason into why. */
static bool validate(const struct opt_def *d, struct opt_value *v, char *why, size_t cap)
{
	const char *s = v->str;
	char host[256];
	int port;
	switch (d->type) {
	case OPT_STRING:
		if (!*s) {
			snprintf(why, cap, "must not be empty");
			return false;
		}
		break;
	case OPT_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(s, &end, 10);
		if (errno || end == s || *end || isspace((unsigned char)*s)) {
			snprintf(why, cap, "'%s' is not a whole number", s);
			return false;
		}
		if (n < d->min || n > d->max) {
			snprintf(why, cap, "%lld is out of range (%lld to %lld)", n, d->min,
			         d->max);
			return false;
		}
		v->num = n;
		break;
	}
	case OPT_FLAG:
		if (!parse_flag_text(s, &v->num)) {
			snprintf(why, cap, "'%s' is not one of 1, 0, true, false, yes, no", s);
			return false;
		}
		break;
	case OPT_LISTEN:
		if (!opt_split_listen(s, host, sizeof(host), &port)) {
			snprintf(why, cap, "'%s' is not HOST:PORT with a port from 0 to 65535", s);
			return false;
		}
		break;
	case OPT_URL: {
		const char *rest = NULL;
		if (strncmp(s, "http://", 7) == 0)
			rest = s + 7;
		else if (strncmp(s, "https://", 8) == 0)
			rest = s + 8;
		if (!rest || !*rest || *rest == '/' || strpbrk(s, " \t\r\n")) {
			snprintf(why, cap, "'%s' is not an http:// or https:// URL with a host", s);
			return false;
		}
		break;
	}
	}
	if (d->check && !d->check(s, why, cap))
		return false;
	return true;
}

/* Reads a secret from path into v->owned (trailing CR/LF removed). */
static bool read_secret_file(const char *path, struct opt_value *v, char *why, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(why, cap, "cannot read %s: %s", path, strerror(errno));
		return false;
	}
	struct buf b = BUF_INIT(SECRET_FILE_MAX);
	char chunk[512];
	size_t n;
	bool ok = true;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&b, chunk, n)) {
			snprintf(why, cap, "%s is larger than %d bytes", path, SECRET_FILE_MAX);
			ok = false;
			break;
		}
	}
	explicit_bzero(chunk, sizeof(chunk));
	fclose(f);
	if (!ok) {
		explicit_bzero(b.data, b.alloc);
		buf_release(&b);
		return false;
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	v->owned = buf_detach(&b, NULL);
	if (!v->owned) {
		snprintf(why, cap, "out of memory");
		return false;
	}
	v->str = v->owned;
	return true;
}

static void print_cmd_name(const struct opt_cmd *cmd, FILE *f)
{
	fputs(cmd->program, f);
	if (cmd->name) {
		fputc(' ', f);
		fputs(cmd->name, f);
	}
}

/* Reports a bad value; secrets are never echoed. */
static void report(const struct opt_cmd *cmd, const struct opt_def *d, const struct opt_value *v,
                   const char *envname, const char *why, FILE *err)
{
	print_cmd_name(cmd, err);
	fprintf(err, ": invalid --%s", d->name);
	if (v->src == OPT_SRC_ENV)
		fprintf(err, " (from %s)", envname);
	else if (v->src == OPT_SRC_FILE)
		fprintf(err, " (from %s_FILE)", envname);
	if (d->flags & OPT_SECRET)
		fprintf(err, ": the value is not valid (not shown, it is a secret)\n");
	else
		fprintf(err, ": %s\n", why);
}

/* Fills values not given as flags from the environment, secret files and defaults. */
static bool fill_rest(const struct opt_cmd *cmd, struct opt_value *vals, FILE *err)
{
	for (size_t i = 0; i < cmd->ndefs; i++) {
		const struct opt_def *d = &cmd->defs[i];
		struct opt_value *v = &vals[i];
		char env[128], envfile[140], why[320] = "";
		if (!opt_env_name(cmd->program, d->name, NULL, env, sizeof(env)) ||
		    !opt_env_name(cmd->program, d->name, "_FILE", envfile, sizeof(envfile)))
			continue;
		if (v->src == OPT_SRC_FLAG)
			continue;
		const char *e = getenv(env);
		const char *ef = (d->flags & OPT_SECRET) ? getenv(envfile) : NULL;
		if (e && ef) {
			print_cmd_name(cmd, err);
			fprintf(err, ": set %s or %s, not both\n", env, envfile);
			return false;
		}
		if (ef) {
			v->src = OPT_SRC_FILE;
			if (!read_secret_file(ef, v, why, sizeof(why))) {
				print_cmd_name(cmd, err);
				fprintf(err, ": invalid --%s (from %s): %s\n", d->name, envfile,
				        why);
				return false;
			}
		} else if (e) {
			v->src = OPT_SRC_ENV;
			v->str = e;
		} else if (d->def) {
			v->src = OPT_SRC_DEFAULT;
			v->str = d->def;
		} else {
			if (d->flags & OPT_REQUIRED) {
				print_cmd_name(cmd, err);
				fprintf(err, ": --%s is required (or set %s)\n", d->name, env);
				return false;
			}
			continue;
		}
		if (!validate(d, v, why, sizeof(why))) {
			report(cmd, d, v, env, why, err);
			return false;
		}
	}
	return true;
}

enum { OPT_HELP_ID = 1000, OPT_VERSION_ID };

enum opt_result opt_parse(const struct opt_cmd *cmd, int argc, char **argv, struct opt_value *vals,
                          char ***args, int *nargs, FILE *out, FILE *err)
{
	enum opt_result rc = OPT_EXIT_USAGE;
	struct option *longopts = calloc(cmd->ndefs + 3, sizeof(*longopts));
	char *shortopts = calloc(cmd->ndefs * 2 + 4, 1);
	if (!longopts || !shortopts) {
		fprintf(err, "%s: out of memory\n", cmd->program);
		goto out_free;
	}
	memset(vals, 0, cmd->ndefs * sizeof(*vals));
	size_t ns = 0;
	shortopts[ns++] = ':';
	shortopts[ns++] = 'h';
	for (size_t i = 0; i < cmd->ndefs; i++) {
		const struct opt_def *d = &cmd->defs[i];
		bool has_arg = d->type != OPT_FLAG;
		longopts[i] = (struct option){d->name, has_arg ? required_argument : no_argument,
		                              NULL, (int)i};
		if (d->short_name) {
			shortopts[ns++] = (char)d->short_name;
			if (has_arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[cmd->ndefs] = (struct option){"help", no_argument, NULL, OPT_HELP_ID};
	longopts[cmd->ndefs + 1] = (struct option){"version", no_argument, NULL, OPT_VERSION_ID};

	opterr = 0;
	optind = 0; /* glibc: full reinitialisation, so opt_parse can run more than once */
	for (;;) {
		int longidx = -1;
		int c = getopt_long(argc, argv, shortopts, longopts, &longidx);
		if (c == -1)
			break;
		if (c == OPT_HELP_ID || c == 'h') {
			opt_help(cmd, out);
			rc = OPT_EXIT_OK;
			goto out_free;
		}
		if (c == OPT_VERSION_ID) {
			fprintf(out, "%s %s\n", cmd->program, IMMO_VERSION);
			rc = OPT_EXIT_OK;
			goto out_free;
		}
		if (c == '?' || c == ':') {
			print_cmd_name(cmd, err);
			const char *bad = argv[optind - 1];
			if (c == ':')
				fprintf(err, ": option '%s' needs a value", bad);
			else if (optopt)
				fprintf(err, ": unknown option '-%c'", optopt);
			else
				fprintf(err, ": unknown option '%s'", bad);
			fprintf(err, " (see '");
			print_cmd_name(cmd, err);
			fprintf(err, " --help')\n");
			goto out_free;
		}
		size_t i = (size_t)c;
		if (c >= 0 && c < (int)cmd->ndefs) {
			i = (size_t)c;
		} else {
			for (i = 0; i < cmd->ndefs; i++)
				if (cmd->defs[i].short_name == c)
					break;
			if (i == cmd->ndefs)
				goto out_free;
		}
		const struct opt_def *d = &cmd->defs[i];
		struct opt_value *v = &vals[i];
		v->src = OPT_SRC_FLAG;
		v->str = d->type == OPT_FLAG ? "1" : optarg;
		char why[320] = "";
		if (!validate(d, v, why, sizeof(why))) {
			report(cmd, d, v, "", why, err);
			goto out_free;
		}
	}
	int rest = argc - optind;
	if (rest < 0 || (size_t)rest > cmd->max_args) {
		print_cmd_name(cmd, err);
		fprintf(err, ": unexpected argument '%s' (see '",
		        argv[optind + (int)cmd->max_args]);
		print_cmd_name(cmd, err);
		fprintf(err, " --help')\n");
		goto out_free;
	}
	if (!fill_rest(cmd, vals, err))
		goto out_free;
	if (args)
		*args = argv + optind;
	if (nargs)
		*nargs = rest;
	rc = OPT_OK;
out_free:
	free(longopts);
	free(shortopts);
	return rc;
}

void opt_release(struct opt_value *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (vals[i].owned) {
			explicit_bzero(vals[i].owned, strlen(vals[i].owned));
			free(vals[i].owned);
		}
		vals[i] = (struct opt_value){0};
	}
}

/* Prints "  -l, --listen ADDR" padded to a column, then the help text. */
static void help_line(FILE *out, int short_name, const char *name, const char *arg,
                      const char *text, const char *note)
{
	char left[64];
	if (short_name)
		snprintf(left, sizeof(left), "  -%c, --%s%s%s", short_name, name, arg ? " " : "",
		         arg ? arg : "");
	else
		snprintf(left, sizeof(left), "      --%s%s%s", name, arg ? " " : "",
		         arg ? arg : "");
	if (strlen(left) < 28)
		fprintf(out, "%-28s%s\n", left, text);
	else
		fprintf(out, "%s\n%28s%s\n", left, "", text);
	if (note && *note)
		fprintf(out, "%28s(%s)\n", "", note);
}

void opt_help(const struct opt_cmd *cmd, FILE *out)
{
	fprintf(out, "Usage: ");
	print_cmd_name(cmd, out);
	fprintf(out, " %s\n\n%s\n", cmd->usage ? cmd->usage : "[options]", cmd->summary);
	fprintf(out, "\nOptions:\n");
	for (size_t i = 0; i < cmd->ndefs; i++) {
		const struct opt_def *d = &cmd->defs[i];
		char env[128], note[400];
		opt_env_name(cmd->program, d->name, NULL, env, sizeof(env));
		size_t n = 0;
		note[0] = '\0';
		if (d->flags & OPT_REQUIRED)
			n += (size_t)snprintf(note + n, sizeof(note) - n, "required; ");
		if (d->def && !(d->flags & OPT_SECRET))
			n += (size_t)snprintf(note + n, sizeof(note) - n, "default %s; ", d->def);
		if (d->flags & OPT_SECRET)
			snprintf(note + n, sizeof(note) - n, "env %s or %s_FILE", env, env);
		else
			snprintf(note + n, sizeof(note) - n, "env %s", env);
		help_line(out, d->short_name, d->name, d->type == OPT_FLAG ? NULL : d->arg, d->help,
		          note);
	}
	help_line(out, 'h', "help", NULL, "Show this help and exit", NULL);
	help_line(out, 0, "version", NULL, "Show the version and exit", NULL);
	fprintf(out, "\nA flag beats the environment, which beats the default.\n");
	if (cmd->epilog)
		fprintf(out, "\n%s", cmd->epilog);
}
