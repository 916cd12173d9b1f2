/*
 * immosync serve - the web UI, the JSON API, the scheduler and the workers in
 * one process with an embedded SQLite database (R-C2).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/app.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/opt.h"
#include "core/pool.h"
#include "store/db.h"
#include "onoffice/client.h"
#include "store/store.h"
#include "sync/sync.h"
#include "web/run.h"

/* The live pool: requests that wait on onOffice (contact types, preview, settings with a
 * live check) run here, not on HTTP threads; beyond the queue they get 503. */
#define SERVE_LIVE_THREADS 4
#define SERVE_LIVE_QUEUE   64

enum {
	SERVE_LISTEN,
	SERVE_DB,
	SERVE_DURABILITY,
	SERVE_THREADS,
	SERVE_LOG_LEVEL,
	SERVE_MASTER_KEY,
	SERVE_ONOFFICE_URL,
	SERVE_PUBLIC_URL,
	SERVE_PROVIDER_SECRET,
	SERVE_SYNC_WORKERS,
	SERVE_OO_INFLIGHT,
	SERVE_OO_RATE,
	SERVE__N
};

static bool check_durability(const char *v, char *why, size_t cap)
{
	if (strcmp(v, "normal") == 0 || strcmp(v, "full") == 0)
		return true;
	snprintf(why, cap, "'%s' is not one of normal, full", v);
	return false;
}

static const struct opt_def serve_opts[SERVE__N] = {
    [SERVE_LISTEN] = {"listen", 'l', OPT_LISTEN, "ADDR", "127.0.0.1:8080",
                      "Address to listen on; port 0 picks a free port and prints it"},
    [SERVE_DB] = {"db", 0, OPT_STRING, "PATH", "immosync.db",
                  "The database: a SQLite file (created if missing)"},
    [SERVE_DURABILITY] =
        {"durability", 0, OPT_STRING, "MODE", "normal",
         "normal: a committed write survives a crash of the process (SQLite WAL, "
         "synchronous=NORMAL); full: it also survives a power loss (synchronous=FULL, slower)",
         .check = check_durability},
    [SERVE_THREADS] = {"http-threads", 0, OPT_INT, "N", "8",
                       "HTTP worker threads; concurrent writes are committed together, so more "
                       "threads also mean larger group commits",
                       0, 1, 256},
    [SERVE_LOG_LEVEL] = {"log-level", 0, OPT_STRING, "LEVEL", "info",
                         "Least severe log level written: debug, info, warn, error",
                         .check = log_check_level},
    [SERVE_MASTER_KEY] = APP_OPT_MASTER_KEY,
    [SERVE_ONOFFICE_URL] = {"onoffice-url", 0, OPT_URL, "URL", OO_URL_STABLE,
                            "The onOffice API endpoint the imports and exports call "
                            "(onoffice-emu: http://HOST:PORT/api/stable/api.php)"},
    [SERVE_PUBLIC_URL] = {"public-url", 0, OPT_URL, "URL", NULL,
                          "The address onOffice opens immosync at (https://immosync.example.de); "
                          "its scheme and host are part of every signed Marketplace URL. "
                          "Without it /onoffice/open answers 503"},
    [SERVE_PROVIDER_SECRET] = {"provider-secret", 0, OPT_STRING, "SECRET", NULL,
                               "The provider secret of our onOffice Marketplace entry "
                               "(Anbietersecret); verifies the signed URLs onOffice opens",
                               OPT_SECRET},
    [SERVE_SYNC_WORKERS] = {"sync-workers", 0, OPT_INT, "N", "32",
                            "Worker threads running sync jobs (import passes) of different "
                            "companies side by side; they wait on onOffice, not the CPU, so "
                            "many are cheap. One company's import never runs twice at once",
                            0, 1, 1024},
    [SERVE_OO_INFLIGHT] = {"onoffice-max-inflight", 0, OPT_INT, "N", "64",
                           "Requests to onOffice in flight at once, over all customers; more "
                           "wait for a free slot",
                           0, 1, 4096},
    [SERVE_OO_RATE] = {"onoffice-customer-rate", 0, OPT_INT, "N", "10",
                       "Requests per second to one onOffice customer, however many workers "
                       "serve it; onOffice answering 429 or 5xx also holds that customer's "
                       "requests back (0.5 s, doubling up to 30 s)",
                       0, 1, 1000},
};

static const struct opt_cmd serve_cmd = {
    .program = APP_PROGRAM,
    .name = "serve",
    .usage = "[options]",
    .summary = "Runs the web UI, the JSON API, the scheduler and the workers in one process.\n"
               "Logs go to stderr in logfmt; the bound address is printed on stdout.\n"
               "SIGTERM or SIGINT stops it: in-flight requests are answered (up to 3 s),\n"
               "then the database is closed and the process exits 0.",
    .epilog = "Endpoints without a token: /healthz (alive), /readyz (database usable),\n"
              "/metrics (Prometheus text), /onoffice/open (onOffice's signed service entry).\n",
    .defs = serve_opts,
    .ndefs = SERVE__N,
};

/* web_run's before_stop: the workers end (transfers aborted), then the live pool runs what
 * it still holds (it fails fast now) and refuses more; a second drain lets MHD send the
 * resumed answers - libmicrohttpd must not stop with a connection suspended, and a resumed
 * one needs a turn of its loop. The pool is freed after the server (cmd_serve). */
static void stop_sync(void *arg, struct http_server *s)
{
	struct api_ctx *api = arg;
	sync_scheduler_stop(api->sync);
	pool_close(api->live);
	if (http_drain(s, 1000))
		LOG(LOG_WARN, "serve.live_drain_timeout",
		    LS("why", "answers of live calls still going out"));
}

int cmd_serve(int argc, char **argv)
{
	struct opt_value v[SERVE__N];
	enum opt_result pr = opt_parse(&serve_cmd, argc, argv, v, NULL, NULL, stdout, stderr);
	if (pr != OPT_OK) {
		opt_release(v, SERVE__N);
		return pr == OPT_EXIT_OK ? 0 : 2;
	}
	enum log_level level = LOG_INFO;
	log_parse_level(v[SERVE_LOG_LEVEL].str, &level);
	log_set_level(level);

	int rc = 1;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	struct db_options dbo = DB_OPTIONS_DEFAULT;
	dbo.synchronous_full = strcmp(v[SERVE_DURABILITY].str, "full") == 0;
	if (store_open(v[SERVE_DB].str, &dbo, &db, &e) != 0) {
		fprintf(stderr, "%s serve: cannot open the database %s: %s\n", APP_PROGRAM,
		        v[SERVE_DB].str, e.message);
		goto out;
	}
	LOG(LOG_INFO, "store.open", LS("db", v[SERVE_DB].str),
	    LS("durability", v[SERVE_DURABILITY].str));

	/* Without a key on a fresh database, serve makes the key file <db>.key (0600). */
	struct crypto_key key;
	int krc = app_masterkey_load("serve", v[SERVE_DB].str, db, v[SERVE_MASTER_KEY].str,
	                             APP_MASTERKEY_SERVE, &key);
	if (krc) {
		rc = krc;
		db_close(db);
		goto out;
	}
	struct api_ctx api = {.db = db,
	                      .keys = &key,
	                      .nkeys = 1,
	                      .public_url = v[SERVE_PUBLIC_URL].str,
	                      .provider_secret = v[SERVE_PROVIDER_SECRET].str};
	struct sync_config scfg = {.db = db,
	                           .keys = &key,
	                           .nkeys = 1,
	                           .onoffice_url = v[SERVE_ONOFFICE_URL].str,
	                           .tag = "serve",
	                           .workers = (unsigned)v[SERVE_SYNC_WORKERS].num,
	                           .max_inflight = (unsigned)v[SERVE_OO_INFLIGHT].num,
	                           .customer_rate = (double)v[SERVE_OO_RATE].num,
	                           .live_max = SERVE_LIVE_THREADS};
	if (sync_engine_new(&scfg, &api.sync, &e) || sync_scheduler_start(api.sync, &e) ||
	    pool_start(SERVE_LIVE_THREADS, SERVE_LIVE_QUEUE, &api.live, &e)) {
		fprintf(stderr, "%s serve: %s\n", APP_PROGRAM, e.message);
		sync_engine_free(api.sync);
		db_close(db);
		crypto_cleanse(&key, sizeof(key));
		goto out;
	}
	api_metrics_init(&api);
	struct http_config cfg = {
	    .listen = v[SERVE_LISTEN].str,
	    .routes = api_routes,
	    .nroutes = api_routes_count,
	    .ctx = &api,
	    .metrics_prefix = "immosync",
	    .threads = (unsigned)v[SERVE_THREADS].num,
	    .ready = api_ready,
	    .on_stopping = api_stopping,
	};
	rc = web_run(APP_PROGRAM, &cfg, stop_sync, &api);
	pool_stop(api.live); /* after the server: nothing can submit any more */
	sync_engine_free(api.sync);
	db_close(db);
	crypto_cleanse(&key, sizeof(key));
out:
	opt_release(v, SERVE__N);
	return rc;
}
