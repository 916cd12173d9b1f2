/* Unit tests for src/core/opt.c: precedence flag > env > default, validation, secrets, --help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/opt.h"

enum { T_LISTEN, T_DB, T_INTERVAL, T_VERBOSE, T_URL, T_SECRET, T__N };

static const struct opt_def defs[T__N] = {
    [T_LISTEN] = {"listen", 'l', OPT_LISTEN, "ADDR", "127.0.0.1:8080", "Where to listen"},
    [T_DB] = {"db", 0, OPT_STRING, "PATH", "immosync.db", "Database"},
    [T_INTERVAL] = {"import-interval", 0, OPT_INT, "SECONDS", "300", "Interval", 0, 10, 86400},
    [T_VERBOSE] = {"verbose", 'v', OPT_FLAG, NULL, "0", "Talk more"},
    [T_URL] = {"public-url", 0, OPT_URL, "URL", NULL, "Public URL"},
    [T_SECRET] = {"master-key", 0, OPT_STRING, "HEX", NULL, "Key", OPT_SECRET},
};

static const struct opt_cmd cmd = {"testprog", "serve", "[options]", "Test command.",
                                   NULL,       defs,    T__N,        1};

static char out_text[8192], err_text[8192];

/* Values point into argv (opt.h), so the words live until the next parse. */
static char *argv[32];
static int argc;

static void free_words(void)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	argc = 0;
}

/* Runs opt_parse on a NULL-terminated list of words; output captured in out_text/err_text. */
static enum opt_result parse(struct opt_value *v, const char *const *words)
{
	free_words();
	while (words[argc]) {
		argv[argc] = strdup(words[argc]);
		argc++;
	}
	argv[argc] = NULL;
	FILE *out = fmemopen(out_text, sizeof(out_text), "w");
	FILE *err = fmemopen(err_text, sizeof(err_text), "w");
	enum opt_result r = opt_parse(&cmd, argc, argv, v, NULL, NULL, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static int setup(void **state)
{
	(void)state;
	const char *vars[] = {"TESTPROG_LISTEN",          "TESTPROG_DB",
	                      "TESTPROG_IMPORT_INTERVAL", "TESTPROG_VERBOSE",
	                      "TESTPROG_PUBLIC_URL",      "TESTPROG_MASTER_KEY",
	                      "TESTPROG_MASTER_KEY_FILE"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	out_text[0] = err_text[0] = '\0';
	return 0;
}

static void defaults_apply_when_nothing_is_set(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_OK);
	assert_string_equal(v[T_LISTEN].str, "127.0.0.1:8080");
	assert_int_equal(v[T_LISTEN].src, OPT_SRC_DEFAULT);
	assert_int_equal(v[T_INTERVAL].num, 300);
	assert_int_equal(v[T_VERBOSE].num, 0);
	assert_null(v[T_URL].str);
	assert_int_equal(v[T_URL].src, OPT_SRC_UNSET);
	opt_release(v, T__N);
}

static void environment_beats_default_and_flag_beats_environment(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	setenv("TESTPROG_DB", "/tmp/env.db", 1);
	setenv("TESTPROG_IMPORT_INTERVAL", "60", 1);
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_OK);
	assert_string_equal(v[T_DB].str, "/tmp/env.db");
	assert_int_equal(v[T_DB].src, OPT_SRC_ENV);
	assert_int_equal(v[T_INTERVAL].num, 60);
	opt_release(v, T__N);

	assert_int_equal(parse(v, (const char *[]){"serve", "--db", "/tmp/flag.db",
	                                           "--import-interval=20", NULL}),
	                 OPT_OK);
	assert_string_equal(v[T_DB].str, "/tmp/flag.db");
	assert_int_equal(v[T_DB].src, OPT_SRC_FLAG);
	assert_int_equal(v[T_INTERVAL].num, 20);
	opt_release(v, T__N);
}

static void env_names_follow_the_spec(void **state)
{
	(void)state;
	char name[64];
	assert_true(opt_env_name("immosync", "public-url", NULL, name, sizeof(name)));
	assert_string_equal(name, "IMMOSYNC_PUBLIC_URL");
	assert_true(opt_env_name("onoffice-emu", "provider-secret", NULL, name, sizeof(name)));
	assert_string_equal(name, "ONOFFICE_EMU_PROVIDER_SECRET");
	assert_true(opt_env_name("immosync", "master-key", "_FILE", name, sizeof(name)));
	assert_string_equal(name, "IMMOSYNC_MASTER_KEY_FILE");
	assert_false(opt_env_name("immosync", "master-key", "_FILE", name, 10));
}

static void bad_values_exit_2_naming_the_option(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	assert_int_equal(parse(v, (const char *[]){"serve", "--listen", "nohost", NULL}),
	                 OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "--listen"));
	opt_release(v, T__N);

	assert_int_equal(parse(v, (const char *[]){"serve", "--import-interval", "5", NULL}),
	                 OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "--import-interval"));
	assert_non_null(strstr(err_text, "out of range"));
	opt_release(v, T__N);

	assert_int_equal(parse(v, (const char *[]){"serve", "--import-interval", "12x", NULL}),
	                 OPT_EXIT_USAGE);
	opt_release(v, T__N);

	assert_int_equal(parse(v, (const char *[]){"serve", "--public-url", "ftp://x", NULL}),
	                 OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "--public-url"));
	opt_release(v, T__N);

	assert_int_equal(parse(v, (const char *[]){"serve", "--listen", "1.2.3.4:70000", NULL}),
	                 OPT_EXIT_USAGE);
	opt_release(v, T__N);

	setenv("TESTPROG_LISTEN", "localhost:http", 1);
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "TESTPROG_LISTEN"));
	opt_release(v, T__N);
	/* A valid flag overrides a bad environment value: the environment is not consulted. */
	assert_int_equal(parse(v, (const char *[]){"serve", "-l", "[::1]:0", NULL}), OPT_OK);
	opt_release(v, T__N);
}

static void unknown_options_and_extra_arguments_are_refused(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	assert_int_equal(parse(v, (const char *[]){"serve", "--frobnicate", NULL}), OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "--frobnicate"));
	opt_release(v, T__N);
	assert_int_equal(parse(v, (const char *[]){"serve", "--db", NULL}), OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "needs a value"));
	opt_release(v, T__N);
	assert_int_equal(parse(v, (const char *[]){"serve", "a", "b", NULL}), OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "'b'"));
	opt_release(v, T__N);
}

static void flags_take_boolean_words_from_the_environment(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	setenv("TESTPROG_VERBOSE", "yes", 1);
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_OK);
	assert_int_equal(v[T_VERBOSE].num, 1);
	opt_release(v, T__N);
	setenv("TESTPROG_VERBOSE", "maybe", 1);
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_EXIT_USAGE);
	opt_release(v, T__N);
	unsetenv("TESTPROG_VERBOSE");
	assert_int_equal(parse(v, (const char *[]){"serve", "-v", NULL}), OPT_OK);
	assert_int_equal(v[T_VERBOSE].num, 1);
	opt_release(v, T__N);
}

static void secrets_read_files_and_are_never_echoed(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	char path[] = "/tmp/opt-secret-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "s3cr3t-value\n", 13), 13);
	close(fd);
	setenv("TESTPROG_MASTER_KEY_FILE", path, 1);
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_OK);
	assert_string_equal(v[T_SECRET].str, "s3cr3t-value");
	assert_int_equal(v[T_SECRET].src, OPT_SRC_FILE);
	opt_release(v, T__N);

	setenv("TESTPROG_MASTER_KEY", "also-set", 1);
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "not both"));
	assert_null(strstr(err_text, "also-set"));
	opt_release(v, T__N);
	unlink(path);

	unsetenv("TESTPROG_MASTER_KEY");
	assert_int_equal(parse(v, (const char *[]){"serve", NULL}), OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "cannot read"));
	opt_release(v, T__N);

	unsetenv("TESTPROG_MASTER_KEY_FILE");
	assert_int_equal(parse(v, (const char *[]){"serve", "--master-key", "", NULL}),
	                 OPT_EXIT_USAGE);
	assert_non_null(strstr(err_text, "not shown"));
	opt_release(v, T__N);
}

static void help_lists_options_defaults_and_environment(void **state)
{
	(void)state;
	struct opt_value v[T__N];
	assert_int_equal(parse(v, (const char *[]){"serve", "--help", NULL}), OPT_EXIT_OK);
	assert_non_null(strstr(out_text, "Usage: testprog serve [options]"));
	assert_non_null(strstr(out_text, "--listen ADDR"));
	assert_non_null(strstr(out_text, "default 127.0.0.1:8080"));
	assert_non_null(strstr(out_text, "env TESTPROG_IMPORT_INTERVAL"));
	assert_non_null(strstr(out_text, "TESTPROG_MASTER_KEY_FILE"));
	opt_release(v, T__N);
	assert_int_equal(parse(v, (const char *[]){"serve", "--version", NULL}), OPT_EXIT_OK);
	assert_non_null(strstr(out_text, "testprog "));
	opt_release(v, T__N);
}

static void listen_addresses_split(void **state)
{
	(void)state;
	char host[64];
	int port;
	assert_true(opt_split_listen("127.0.0.1:0", host, sizeof(host), &port));
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 0);
	assert_true(opt_split_listen("[::1]:8080", host, sizeof(host), &port));
	assert_string_equal(host, "::1");
	assert_int_equal(port, 8080);
	assert_false(opt_split_listen("::1:8080", host, sizeof(host), &port));
	assert_false(opt_split_listen(":8080", host, sizeof(host), &port));
	assert_false(opt_split_listen("host:", host, sizeof(host), &port));
	assert_false(opt_split_listen("host:-1", host, sizeof(host), &port));
	assert_false(opt_split_listen("[::1]8080", host, sizeof(host), &port));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(defaults_apply_when_nothing_is_set, setup),
	    cmocka_unit_test_setup(environment_beats_default_and_flag_beats_environment, setup),
	    cmocka_unit_test_setup(env_names_follow_the_spec, setup),
	    cmocka_unit_test_setup(bad_values_exit_2_naming_the_option, setup),
	    cmocka_unit_test_setup(unknown_options_and_extra_arguments_are_refused, setup),
	    cmocka_unit_test_setup(flags_take_boolean_words_from_the_environment, setup),
	    cmocka_unit_test_setup(secrets_read_files_and_are_never_echoed, setup),
	    cmocka_unit_test_setup(help_lists_options_defaults_and_environment, setup),
	    cmocka_unit_test_setup(listen_addresses_split, setup),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	free_words();
	return failed;
}
