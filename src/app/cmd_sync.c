/*
 * immosync sync initial - the full contact import of one company in the foreground
 * (requirements §8.3, R-I1): requests it like POST sync/initial, runs it (or follows the run of
 * a serve on the same database: one lease per company), shows a progress bar on a
 * terminal and waits for the end. The numbers are the database's, the same that
 * GET sync/status shows.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/opt.h"
#include "core/time.h"
#include "onoffice/client.h"
#include "store/import.h"
#include "sync/sync.h"

enum { SI_COMPANY, SI_DB, SI_URL, SI_MASTER_KEY, SI_RETRIES, SI_LOG_LEVEL, SI__N };

/* Exit codes (also in --help). */
enum {
	SI_EXIT_OK = 0,
	SI_EXIT_FAILED = 1,
	SI_EXIT_USAGE = 2,
	SI_EXIT_AUTH = 3,
	SI_EXIT_NOT_LINKED = 4,
	SI_EXIT_NOT_FINISHED = 5,
	SI_EXIT_CLAIM = 6,
};

static const struct opt_def si_opts[SI__N] = {
    [SI_COMPANY] = {"company", 0, OPT_INT, "ID", NULL, "The company whose contacts to import",
                    OPT_REQUIRED, 1, INT64_MAX},
    [SI_DB] = APP_OPT_DB,
    [SI_URL] = {"onoffice-url", 0, OPT_URL, "URL", OO_URL_STABLE,
                "The onOffice API endpoint (onoffice-emu: http://HOST:PORT/api/stable/api.php)"},
    [SI_MASTER_KEY] = APP_OPT_MASTER_KEY,
    [SI_RETRIES] = {"retries", 0, OPT_INT, "N", "5",
                    "Failed passes in a row (onOffice unreachable or erring) before giving up; "
                    "each resumes where the last one stopped",
                    0, 0, 100},
    [SI_LOG_LEVEL] = {"log-level", 0, OPT_STRING, "LEVEL", "warn",
                      "Least severe log level written to stderr: debug, info, warn, error",
                      .check = log_check_level},
};

static const struct opt_cmd si_cmd = {
    .program = APP_PROGRAM,
    .name = "sync initial",
    .usage = "--company ID [options]",
    .summary =
        "Imports the company's onOffice contacts (every address of the chosen scope with\n"
        "consent) and waits for the end, like POST /api/v1/sync/initial: the company's\n"
        "sync becomes running. A serve on the same database shares the import (one per\n"
        "company): when it runs the import already, this command follows it. An interrupted\n"
        "import resumes where it stopped. On a terminal a progress bar goes to stderr; at\n"
        "the end a JSON summary goes to stdout.",
    .epilog =
        "Exit codes: 0 done; 1 failed (onOffice unreachable after --retries passes, database\n"
        "error; run it again to resume); 2 bad usage or no master key; 3 onOffice refused\n"
        "the credentials (Zugriff in onOffice entzogen: link the company again); 4 the\n"
        "company is not linked to onOffice; 5 not finished: interrupted (SIGINT/SIGTERM)\n"
        "or the sync was stopped meanwhile (progress is kept); 6 onOffice wants a fresh\n"
        "claim (R-A12): open BOTTIMMO once from inside onOffice, then run it again.\n",
    .defs = si_opts,
    .ndefs = SI__N,
};

struct worker {
	struct sync_engine *eng;
	int64_t company_id;
	int retries;
	int rc;
	struct err e;
	struct sync_pass_result sum;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	log_set_context("job", "sync-initial");
	w->rc = sync_run_initial(w->eng, w->company_id, w->retries, &w->sum, &w->e);
	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* "\r[######------]  1.234 / 5.678 Kontakte (21 %)" on stderr. */
static void draw_bar(struct db *db, int64_t company_id, bool final)
{
	struct import_state st;
	if (import_state_get(db, company_id, &st, NULL))
		return;
	char d[DE_INT_MAX], t[DE_INT_MAX], bar[31];
	int64_t total = st.total > st.done ? st.total : st.done;
	int pct = total ? (int)(st.done * 100 / total) : (final ? 100 : 0);
	int fill = pct * 30 / 100;
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[30] = '\0';
	de_format_int(st.done, d, sizeof(d));
	de_format_int(total, t, sizeof(t));
	fprintf(stderr, "\r[%s] %s / %s Kontakte (%d %%)%s", bar, d, t, pct, final ? "\n" : "");
	fflush(stderr);
	import_state_release(&st);
}

static int exit_code(int rc)
{
	switch (rc) {
	case ERR_OK:
		return SI_EXIT_OK;
	case ERR_OO_AUTH:
		return SI_EXIT_AUTH;
	case ERR_NOT_LINKED:
		return SI_EXIT_NOT_LINKED;
	case ERR_OO_CLAIM:
		return SI_EXIT_CLAIM;
	case ERR_CONFLICT:
	case ERR_UNAVAILABLE:
		return SI_EXIT_NOT_FINISHED;
	default:
		return SI_EXIT_FAILED;
	}
}

int cmd_sync_initial(int argc, char **argv)
{
	struct opt_value v[SI__N];
	int rc = app_parse(&si_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	enum log_level level = LOG_WARN;
	log_parse_level(v[SI_LOG_LEVEL].str, &level);
	log_set_level(level);

	const char *cmd = "sync initial";
	int64_t company_id = v[SI_COMPANY].num;
	struct db *db = NULL;
	struct sync_engine *eng = NULL;
	struct crypto_key key;
	struct err e = ERR_INIT;
	bool have_key = false;
	rc = SI_EXIT_FAILED;
	if (app_open_store(cmd, v[SI_DB].str, &db))
		goto out;
	int krc = app_masterkey_load(cmd, v[SI_DB].str, db, v[SI_MASTER_KEY].str,
	                             APP_MASTERKEY_CHECK, &key);
	if (krc) {
		rc = krc == 2 ? SI_EXIT_USAGE : SI_EXIT_FAILED;
		goto out;
	}
	have_key = true;
	struct sync_config cfg = {
	    .db = db, .keys = &key, .nkeys = 1, .onoffice_url = v[SI_URL].str, .tag = "cli"};
	if (sync_engine_new(&cfg, &eng, &e)) {
		fprintf(stderr, "%s %s: %s\n", APP_PROGRAM, cmd, e.message);
		goto out;
	}
	bool joined = false;
	int qrc = import_request_initial(db, company_id, true, &joined, &e);
	if (qrc) {
		fprintf(stderr, "%s %s: %s\n", APP_PROGRAM, cmd,
		        qrc == ERR_NOT_FOUND ? "no such company" : e.message);
		rc = qrc == ERR_NOT_FOUND  ? SI_EXIT_FAILED
		     : qrc == ERR_CONFLICT ? SI_EXIT_AUTH /* only a revoked link is refused */
		                           : exit_code(qrc);
		goto out;
	}
	bool tty = isatty(STDERR_FILENO);
	if (tty)
		fprintf(stderr, "%s onOffice-Kontakte von Firma %lld\n",
		        joined ? "Verfolge den laufenden Import der" : "Importiere die",
		        (long long)company_id);

	struct worker w = {.eng = eng,
	                   .company_id = company_id,
	                   .retries = (int)v[SI_RETRIES].num,
	                   .mu = PTHREAD_MUTEX_INITIALIZER,
	                   .cv = PTHREAD_COND_INITIALIZER};
	pthread_t th;
	if (pthread_create(&th, NULL, work, &w) != 0) {
		fprintf(stderr, "%s %s: cannot start the import thread\n", APP_PROGRAM, cmd);
		goto out;
	}
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	/* The main thread takes SIGINT/SIGTERM (blocked everywhere, core/signals) and draws
	 * the bar; it wakes when the worker ends or every 250 ms. */
	struct timespec now = {0, 0};
	pthread_mutex_lock(&w.mu);
	while (!w.done) {
		clock_gettime(CLOCK_REALTIME, &now);
		now.tv_nsec += 250 * 1000000L;
		if (now.tv_nsec >= 1000000000L) {
			now.tv_sec++;
			now.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w.cv, &w.mu, &now);
		if (w.done)
			break;
		pthread_mutex_unlock(&w.mu);
		struct timespec zero = {0, 0};
		if (sigtimedwait(&stop, NULL, &zero) > 0)
			atomic_store(sync_abort_flag(eng), true);
		if (tty)
			draw_bar(db, company_id, false);
		pthread_mutex_lock(&w.mu);
	}
	pthread_mutex_unlock(&w.mu);
	pthread_join(th, NULL);
	if (tty)
		draw_bar(db, company_id, true);
	rc = exit_code(w.rc);
	if (w.rc) {
		fprintf(stderr, "%s %s: %s%s\n", APP_PROGRAM, cmd, w.e.message,
		        w.rc == ERR_OO_CLAIM
		            ? " — onOffice wants a fresh claim: open BOTTIMMO once "
		              "from inside onOffice, then run this again"
		            : "");
		goto out;
	}
	struct import_state st;
	if (import_state_get(db, company_id, &st, &e) == 0) {
		printf(
		    "{\"company_id\": %lld, \"done\": %lld, \"total\": %lld, \"created\": %lld, "
		    "\"updated\": %lld, \"blocked\": %lld, \"unblocked\": %lld, \"pages\": %lld}\n",
		    (long long)company_id, (long long)st.done, (long long)st.total,
		    (long long)w.sum.stats.created,
		    (long long)(w.sum.stats.updated + w.sum.stats.revived),
		    (long long)w.sum.stats.blocked, (long long)w.sum.stats.unblocked,
		    (long long)w.sum.pages);
		import_state_release(&st);
	}
out:
	sync_engine_free(eng);
	db_close(db);
	if (have_key)
		crypto_cleanse(&key, sizeof(key));
	opt_release(v, SI__N);
	return rc;
}
