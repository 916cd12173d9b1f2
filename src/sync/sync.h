/*
 * sync.h - the sync layer: the only place that joins onOffice (src/onoffice) and
 * the platform's store (src/store). Issue #6: the onOffice → platform import.
 *
 * An engine holds what imports need (database, master keys for the link's secret,
 * the onOffice URL, the lease owner name) and, in `serve`, one scheduler thread.
 *
 * Imports (src/sync/README.md; R-I1 … R-I7):
 *  - full import (POST sync/initial, `immosync sync initial`, a changed scope): every
 *    address of each scope branch with consent (filter DSGVOStatus on the server),
 *    walked with keyset paging on the immutable id (Id > last, sorted by Id, 500 per
 *    page). It first notes the highest Aenderung in the account (the periodic
 *    import's start) and counts the branches (the total of the progress bar);
 *  - periodic import (every import_interval_s): per branch, addresses changed since
 *    the branch's cursor (Aenderung >= cursor - overlap, sorted by Aenderung) with
 *    consent; and, for every address changed, only its consent (no consent filter,
 *    so a revocation of a known contact blocks it, R-I6). After each committed page
 *    the read restarts at offset 0 from the new cursor; pages that do not move the
 *    cursor (ties, the overlap) are paged by offset and deduplicated by id.
 * Every page is committed with its cursor in one transaction under the company's
 * lease (store/import.h): a crash resumes after the last committed page.
 *
 * Threads: a pool of workers (runner.h, `--sync-workers`) runs due import passes
 * of different companies side by side (companies running, link active,
 * next_run_at passed, no live lease), oldest first; a full import runs in
 * slices of slice_ms and then queues behind what was due before, so other
 * companies get their turn. API handlers call contact types and
 * the preview directly with short timeouts, a cache and a cap on concurrent calls
 * (at most live_max at once; more get ERR_BUSY), so at most live_max MHD threads
 * wait on onOffice, never for more than live_timeout_ms.
 */
#ifndef IMMO_SYNC_SYNC_H
#define IMMO_SYNC_SYNC_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "store/db.h"
#include "store/import.h"
#include "sync/source.h"

struct sync_engine;

struct sync_config {
	struct db *db;
	const struct crypto_key *keys; /* master keys (current first) for the link's secret */
	size_t nkeys;
	const char *onoffice_url; /* NULL: the stable API */
	const char *ca_file;      /* NULL: the system's CAs */
	const char *tag;          /* names this process in the lease: "serve", "cli" */
	int overlap_s;            /* 0: 120 */
	int slice_ms;             /* 0: 30000 */
	int lease_ttl_ms;         /* 0: 60000 */
	long timeout_ms;          /* one import request; 0: 60000 */
	long live_timeout_ms;     /* one request for an API handler; 0: 8000 */
	int live_max;             /* concurrent handler calls to onOffice; 0: 2 */
	unsigned workers;         /* the pool running import passes (serve); 0: 32 */
	unsigned max_inflight;    /* requests to onOffice in flight, all customers; 0: 64 */
	double customer_rate;     /* requests per second to one customer; 0: 10 (limits.h) */
	int cache_ttl_s;          /* contact types; 0: 300 (the preview: a fifth of it) */
	/* Replaces the onOffice source (tests); NULL: sync_source_onoffice. */
	sync_source_fn source_new;
	void *source_arg;
};

/* Creates an engine (no thread yet). Strings are copied; db and keys are borrowed. */
int sync_engine_new(const struct sync_config *cfg, struct sync_engine **out, struct err *e);
/* Stops the scheduler if it runs and frees the engine. NULL does nothing. */
void sync_engine_free(struct sync_engine *eng);

/* Starts the worker pool (serve; runner.h) that runs due import passes. */
int sync_scheduler_start(struct sync_engine *eng, struct err *e);
/* Aborts running transfers, stops and joins the pool; idempotent. */
void sync_scheduler_stop(struct sync_engine *eng);
/* Wakes the pool's dispatcher (a full import was requested, a claim came). */
void sync_kick(struct sync_engine *eng);
/* The flag that aborts running transfers and passes (set by sync_scheduler_stop). */
atomic_bool *sync_abort_flag(struct sync_engine *eng);

/* ---- one pass: what the scheduler and `sync initial` run ---- */

struct sync_pass_result {
	bool more;         /* a full import stopped at its slice: due again at once */
	bool initial_done; /* a full import completed */
	bool stopped;      /* the company is not running (stopped meanwhile) */
	int64_t pages, records;
	struct import_stats stats;
};

/*
 * Runs one import pass for the company under its lease: the full import (or the rest
 * of it) when one is requested, the scope changed or none completed yet, else the
 * periodic import. deadline_ms (monotonic clock, 0: none) ends a full import's slice
 * at a page boundary. Returns ERR_BUSY when another pass holds the lease (nothing
 * done), ERR_OO_AUTH after marking the link revoked (R-S4), another error class when
 * the pass failed (recorded in import_state with a backoff), or 0.
 */
int sync_pass(struct sync_engine *eng, int64_t company_id, int64_t deadline_ms,
              struct sync_pass_result *r, struct err *e);
/* sync_pass under the lease name owner (a worker of the pool: "host:pid:serve/w3"). */
int sync_pass_as(struct sync_engine *eng, const char *owner, int64_t company_id,
                 int64_t deadline_ms, struct sync_pass_result *r, struct err *e);

/*
 * `sync initial` in the foreground: passes until the company's full import is done,
 * waiting while another process holds the lease (its progress is in the database)
 * and retrying failed passes up to retries times in a row. 0 when done; ERR_OO_AUTH
 * (credentials refused), ERR_NOT_LINKED, ERR_CONFLICT (the sync was stopped),
 * ERR_UNAVAILABLE (aborted through sync_abort_flag), or the last failure.
 */
int sync_run_initial(struct sync_engine *eng, int64_t company_id, int retries,
                     struct sync_pass_result *sum, struct err *e);

/* ---- for the API (requirements §8.2) ---- */

/* POST sync/initial: requests a full import (store/import.h import_request_initial) and
 * wakes the scheduler. */
int sync_request_initial(struct sync_engine *eng, int64_t company_id, struct err *e);

/* What sync_service_entry found. */
struct sync_service_result {
	int64_t company_id; /* the company linked to the URL's customer, 0 if none */
	int failure;        /* enum oo_mp_failure: OO_MP_OK (0) when the URL verified */
	bool revoked;       /* the claim was stored, but onOffice refused the credentials (R-S4) */
};

/*
 * The Marketplace service entry (R-A12, GET /onoffice/open): verifies the signed URL
 * (base = scheme "://" host path of the public URL, query as received) with the
 * provider secret, stores the URL's apiClaim sealed for the company linked to its
 * customerWebId (ending a pause for want of a claim) and wakes the scheduler. Errors:
 * those of oo_mp_verify (ERR_UNAUTHORIZED, ERR_INVALID_FIELD, ERR_INVALID_ARG),
 * ERR_NOT_FOUND "customer_web_id" when no company is linked to the customer,
 * ERR_UNAVAILABLE when the server has no master key.
 */
int sync_service_entry(struct sync_engine *eng, const char *base, const char *query,
                       const char *provider_secret, struct sync_service_result *r, struct err *e);

/* GET onoffice/contact-types: [{"key", "label"}] of ArtDaten without Systembenutzer
 * (live, cached). ERR_NOT_LINKED, ERR_BUSY (too many live calls), ERR_OO_* (ERR_OO_AUTH
 * marks the link revoked). */
int sync_contact_types(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e);

/* GET onoffice/origins: [{"key", "label"}] of HerkunftKontakt (live, cached), for the
 * origin_key setting (R-B5). Errors as sync_contact_types. */
int sync_origins(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e);

/* GET onoffice/action-kinds: [{"key", "label", "types": [{"key", "label"}]}] of the agents
 * log (actionkindtypes; live, cached), for agentslog_kind/agentslog_type (R-B6a). Errors as
 * sync_contact_types. */
int sync_action_kinds(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e);

/* GET sync/preview (R-X4): {"matching": n, "without_consent": m} for the current scope
 * (live, cached briefly). Errors as sync_contact_types. */
int sync_preview(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e);

/* The "import" block of GET sync/status and the import's German warnings (appended to
 * warnings). Database only: works without an engine. */
int sync_status(struct db *db, int64_t company_id, json_t **import, json_t *warnings,
                struct err *e);

/* The warning of a revoked link (R-S4); it names «Zugriff in onOffice entzogen». */
#define SYNC_REVOKED_WARNING                                                                    \
	"Zugriff in onOffice entzogen: onOffice lehnt die Zugangsdaten ab, es werden keine "    \
	"Daten übertragen. Zum Reaktivieren BOTTIMMO im onOffice Marketplace erneut "          \
	"freischalten (Betreiber: immosync company link erneut ausführen); danach läuft die " \
	"Synchronisierung von selbst weiter."

/* The warning while onOffice wants a fresh claim (R-A12, errors 193/201/248). */
#define SYNC_CLAIM_WARNING                                                                      \
	"onOffice verlangt eine neue Freigabe: Bitte öffnen Sie BOTTIMMO einmal aus onOffice " \
	"heraus (Marketplace-Eintrag in onOffice enterprise). Bis dahin werden keine Daten "    \
	"übertragen; danach läuft die Synchronisierung von selbst weiter."

#endif
