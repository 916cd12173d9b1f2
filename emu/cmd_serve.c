/* onoffice-emu serve: the emulated API and its control endpoints on one port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/opt.h"
#include "emu.h"
#include "state.h"
#include "store/store.h"
#include "web/run.h"

#define PEM_MAX (1024 * 1024)

enum { EMU_LISTEN, EMU_DB, EMU_PROVIDER_SECRET, EMU_TLS_CERT, EMU_TLS_KEY, EMU_LOG_LEVEL, EMU__N };

static const struct opt_def emu_opts[EMU__N] = {
    [EMU_LISTEN] = {"listen", 'l', OPT_LISTEN, "ADDR", "127.0.0.1:8090",
                    "Address to listen on; port 0 picks a free port and prints it"},
    [EMU_DB] = EMU_OPT_DB,
    [EMU_PROVIDER_SECRET] = {"provider-secret", 0, OPT_STRING, "S", NULL,
                             "The Marketplace provider secret (for activation links, later)",
                             OPT_SECRET},
    [EMU_TLS_CERT] = {"tls-cert", 0, OPT_STRING, "FILE", NULL,
                      "PEM certificate chain: serve HTTPS (needs --tls-key)"},
    [EMU_TLS_KEY] = {"tls-key", 0, OPT_STRING, "FILE", NULL, "PEM private key of --tls-cert",
                     OPT_SECRET},
    [EMU_LOG_LEVEL] = {"log-level", 0, OPT_STRING, "LEVEL", "info",
                       "Least severe log level written: debug, info, warn, error",
                       .check = log_check_level},
};

static const struct opt_cmd serve_cmd = {
    .program = EMU_PROGRAM,
    .name = "serve",
    .usage = "[options]",
    .summary = "Serves the emulated onOffice API (POST /api/stable/api.php and\n"
               "/api/latest/api.php) and the loopback-only control endpoints under /_emu/.\n"
               "The bound address is printed on stdout; SIGTERM or SIGINT stops it cleanly.",
    .defs = emu_opts,
    .ndefs = EMU__N,
};

/* Reads a PEM file into a malloc'd string; NULL (with a message on stderr) on failure. */
static char *read_pem(const char *option, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0;
	if (f) {
		text = malloc(PEM_MAX + 1);
		if (text)
			n = fread(text, 1, PEM_MAX + 1, f);
		fclose(f);
	}
	if (!text || n == 0 || n > PEM_MAX || !strstr(text, "-----BEGIN")) {
		fprintf(stderr, "%s: --%s: cannot read a PEM file from %s\n", EMU_PROGRAM, option,
		        path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static bool emu_ready(void *ctx, char *why, size_t cap)
{
	struct emu *emu = ctx;
	return store_ready(emu->db, why, cap);
}

int emu_open_db(const char *path, struct db **out)
{
	struct err e = ERR_INIT;
	struct db_options dbo = DB_OPTIONS_DEFAULT;
	*out = NULL;
	if (db_open(path, &dbo, out, &e) == 0 &&
	    db_migrate(*out, emu_migrations, emu_migrations_count, &e) == 0)
		return 0;
	fprintf(stderr, "%s: cannot open the database %s: %s\n", EMU_PROGRAM, path, e.message);
	db_close(*out);
	*out = NULL;
	return 1;
}

/* web_run's before_stop: the counters survive a clean restart (state.h). */
static void save_counters(void *state, struct http_server *s)
{
	struct err e = ERR_INIT;
	if (emu_state_save_counters(state, http_connections_total(s), &e))
		LOG(LOG_WARN, "emu.counters_not_saved", LS("error", e.message));
}

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

	int rc = 2;
	char *cert = NULL, *key = NULL;
	struct emu emu = {NULL, NULL, v[EMU_PROVIDER_SECRET].str};
	struct err e = ERR_INIT;
	if (!v[EMU_TLS_CERT].str != !v[EMU_TLS_KEY].str) {
		fprintf(stderr, "%s: --tls-cert and --tls-key go together\n", EMU_PROGRAM);
		goto out;
	}
	if (v[EMU_TLS_CERT].str && (!(cert = read_pem("tls-cert", v[EMU_TLS_CERT].str)) ||
	                            !(key = read_pem("tls-key", v[EMU_TLS_KEY].str))))
		goto out;
	rc = 1;
	if (emu_open_db(v[EMU_DB].str, &emu.db))
		goto out;
	if (emu_state_new(emu.db, &emu.state, &e)) {
		fprintf(stderr, "%s: cannot load the emulator state: %s\n", EMU_PROGRAM, e.message);
		goto out;
	}
	struct http_config cfg = {
	    .listen = v[EMU_LISTEN].str,
	    .routes = emu_routes,
	    .nroutes = emu_routes_count,
	    .ctx = &emu,
	    .metrics_prefix = "onoffice_emu",
	    .thread_per_connection = true,
	    .tls_cert_pem = cert,
	    .tls_key_pem = key,
	    .ready = emu_ready,
	};
	rc = web_run(EMU_PROGRAM, &cfg, save_counters, emu.state);
out:
	emu_state_free(emu.state);
	db_close(emu.db);
	if (key)
		crypto_cleanse(key, strlen(key));
	free(cert);
	free(key);
	opt_release(v, EMU__N);
	return rc;
}
