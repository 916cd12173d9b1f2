/*
 * import.h - what the onOffice import (src/sync/) keeps in the database: the
 * per-company lease, progress and cursors (table import_state, schema_import.h),
 * and contacts written WITHOUT outbox rows (R-I7: an imported change never
 * travels back to onOffice).
 *
 * One import per company at a time: a lease (owner text, expiry on the database's
 * clock) shared by `serve`, a future `worker` and `immosync sync initial`. Every
 * page of an import is committed in one write transaction together with the
 * cursor that says the page is done (import_commit), so a crash loses at most the
 * page in flight and a restart resumes after the last committed page. The same
 * transaction checks that the lease is still ours and extends it.
 *
 * Contacts of an import are keyed by (company, onOffice address id) (R-I5):
 *  - a new address with consent becomes a contact with origin 'onoffice';
 *  - a known address is updated when anything differs; onOffice is the authority
 *    for the fields it holds (an empty value clears the field). E-mails and phones
 *    are added, never removed (a platform-side addition must survive until the
 *    export takes it), and onOffice's default e-mail becomes the primary one;
 *  - consent is sticky (R-I6): a known contact whose onOffice consent is anything
 *    but speicherungzugestimmt is blocked (gdpr_consent 0, blocked 1), kept, and
 *    unblocked when consent shows again;
 *  - an erased contact (tombstone, R-T3) comes back only when onOffice shows
 *    consent for it: the tombstone keeps it out as long as there is none;
 *  - imported e-mails are not made lead keys: ingest finds an imported contact by
 *    its e-mails (the lowest contact id holding the e-mail, requirements §8.1) until a
 *    conversion pins the key.
 * Nothing here writes outbox rows; nothing writes a row whose values are unchanged,
 * so reading the same data twice writes nothing.
 */
#ifndef IMMO_STORE_IMPORT_H
#define IMMO_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define IMPORT_OWNER_MAX 128
#define IMPORT_MARK_MAX  24 /* "2026-11-26 11:15:00" and its terminator */
#define IMPORT_HASH_MAX  72

/* ---- state ---- */

struct import_state {
	/* the company */
	char sync_state[16];      /* not_linked, linked, running, stopped */
	char link_state[16];      /* "" (no link), "active", "revoked" */
	char claim_wanted[256];   /* R-A12: onOffice's message while it wants a claim, or "" */
	char revoked_reason[256]; /* onOffice's message when revoked */
	int64_t interval_s;       /* settings.import_interval_s */
	/* import_state (defaults when the company has no row yet) */
	char phase[16]; /* "idle" or "initial" */
	int64_t done, total;
	int64_t init_branch, init_last_id;
	char init_mark[IMPORT_MARK_MAX]; /* "" when not set */
	bool init_counted;
	char scope_hash[IMPORT_HASH_MAX]; /* "" when not set */
	char *cursor;                     /* malloc'd JSON text, NULL when not set */
	int64_t last_run_at, next_run_at; /* UTC ms, 0 when not set */
	char last_error[256];             /* "" when the last pass went well */
	char last_error_class[16];
	int64_t failures;
	char lease_owner[IMPORT_OWNER_MAX]; /* "" when free */
	int64_t lease_until;
	int64_t now; /* the database's clock when this was read */
};

/* Reads the company's import state. ERR_NOT_FOUND for an unknown company. Release with
 * import_state_release. */
int import_state_get(struct db *db, int64_t company_id, struct import_state *out, struct err *e);
void import_state_release(struct import_state *s);

/* True when an import of the company runs now (a live lease) or a full import waits. */
bool import_state_running(const struct import_state *s);

/*
 * Requests a full import (POST sync/initial, `sync initial`; R-S2): the company becomes
 * running and its import restarts from the first address. ERR_NOT_FOUND (unknown
 * company), ERR_NOT_LINKED (no link), ERR_CONFLICT when the link is revoked or, unless
 * join, when a full import is requested or running already. With join a running full
 * import is joined rather than restarted (*joined true).
 */
int import_request_initial(struct db *db, int64_t company_id, bool join, bool *joined,
                           struct err *e);

/* ---- lease ---- */

/*
 * Takes the company's import lease for owner until now + ttl_ms (database clock) when it
 * is free, expired, already owner's, or held by steal_from (may be NULL: a holder the
 * caller knows to be dead). *got tells; holder (may be NULL, cap IMPORT_OWNER_MAX) gets
 * the current holder when not got. ERR_NOT_FOUND for an unknown company.
 */
int import_lease_acquire(struct db *db, int64_t company_id, const char *owner, int64_t ttl_ms,
                         const char *steal_from, bool *got, char *holder, struct err *e);

/*
 * Ends a pass: records its outcome and releases owner's lease. error NULL means the pass
 * went well (failures reset); otherwise failures counts up. next_run_at 0 = due now.
 */
struct import_finish {
	const char *error;       /* NULL: success */
	const char *error_class; /* "auth", "onoffice", "internal", "stopped" */
	int64_t next_run_at;
};
int import_finish(struct db *db, int64_t company_id, const char *owner,
                  const struct import_finish *f, struct err *e);

/* Companies whose import is due: running, actively linked, no claim wanted (R-A12),
 * next_run_at passed or NULL, and no live lease (a pass of theirs runs somewhere: the
 * lease, not memory, says who runs what; issue #11), oldest first. At most cap ids into
 * ids, *n of them. */
int import_due(struct db *db, int64_t now_ms, int64_t *ids, size_t cap, size_t *n, struct err *e);

/* How many imports are due and not running (import_due's rule), and how long the one due
 * longest has waited (now_ms - its next_run_at; 0 when none; a requested full import
 * counts as due since now). For /metrics. */
int import_due_summary(struct db *db, int64_t now_ms, int64_t *count, int64_t *oldest_wait_ms,
                       struct err *e);

/* A live import lease: who holds which company's. */
struct import_lease {
	int64_t company_id;
	char owner[IMPORT_OWNER_MAX];
};

/* The live leases (lease_until not passed on the database clock), by company, at most
 * cap into out, *n of them: for finding leases of processes that are gone. */
int import_leases(struct db *db, struct import_lease *out, size_t cap, size_t *n, struct err *e);

/* Frees the company's lease if holder still holds it (a holder known to be dead); *released
 * (may be NULL) tells. The next due query sees the company free. */
int import_lease_release(struct db *db, int64_t company_id, const char *holder, bool *released,
                         struct err *e);

/* The import lag (R-X5): seconds since the least recent good pass among the running,
 * actively linked companies; 0 when none has had one. */
int import_lag(struct db *db, int64_t now_ms, double *lag_s, struct err *e);

/* ---- committing a page ---- */

struct import_phone {
	const char *raw;
	const char *e164; /* NULL when it does not parse */
};

/* One onOffice address, mapped (R-I5). Text NULL or "" = empty. */
struct import_contact {
	int64_t address_id;
	const char *salutation, *first_name, *last_name;
	const char *street, *zip, *city, *country; /* country ISO alpha-2 */
	const char *contact_types;                 /* JSON array text of ArtDaten keys */
	bool consent;                              /* DSGVOStatus is speicherungzugestimmt */
	bool archived;                             /* Status 0 */
	const char *const *emails;                 /* every entry; [0] is the primary */
	size_t nemails;
	const struct import_phone *phones; /* every phone and mobile entry */
	size_t nphones;
};

/* A known address's consent alone (the read without the consent filter, R-I6). */
struct import_consent {
	int64_t address_id;
	bool consent;
};

struct import_stats {
	int64_t created, updated, revived, blocked, unblocked, unchanged;
};

/* What a commit changes in import_state besides the contacts (set: IMPORT_SET_* bits). */
enum {
	IMPORT_SET_PHASE = 1u << 0,   /* phase */
	IMPORT_SET_DONE = 1u << 1,    /* done += done_add */
	IMPORT_SET_TOTAL = 1u << 2,   /* total */
	IMPORT_SET_KEYSET = 1u << 3,  /* init_branch, init_last_id */
	IMPORT_SET_MARK = 1u << 4,    /* init_mark (NULL clears) */
	IMPORT_SET_COUNTED = 1u << 5, /* init_counted */
	IMPORT_SET_SCOPE = 1u << 6,   /* scope_hash */
	IMPORT_SET_CURSOR = 1u << 7,  /* cursor (NULL clears) */
	IMPORT_SET_RESET = 1u << 8,   /* done = 0 (before done_add) */
};

struct import_progress {
	unsigned set;
	const char *phase;
	int64_t done_add, total;
	int64_t init_branch, init_last_id;
	const char *init_mark;
	bool init_counted;
	const char *scope_hash;
	const char *cursor;
};

/*
 * In one write transaction: checks that owner holds the lease (ERR_CONFLICT with field
 * "lease" when not: another process took over, nothing is written) and extends it by
 * ttl_ms; upserts contacts[0..n) (an entry without consent only blocks a known contact);
 * applies consents[0..nc); applies p (may be NULL). *stats (may be NULL) gets what
 * changed; sync_state (cap 16, may be NULL) the company's state, so the caller stops
 * when it is no longer running.
 */
int import_commit(struct db *db, int64_t company_id, const char *owner, int64_t ttl_ms,
                  const struct import_contact *contacts, size_t n,
                  const struct import_consent *consents, size_t nc, const struct import_progress *p,
                  struct import_stats *stats, char *sync_state, struct err *e);

/* ---- inside a write transaction (contact_import.c) ---- */

int import_upsert_contact(struct db_conn *c, int64_t company_id, const struct import_contact *k,
                          int64_t now, struct import_stats *stats, struct err *e);
int import_apply_consent(struct db_conn *c, int64_t company_id, int64_t address_id, bool consent,
                         int64_t now, struct import_stats *stats, struct err *e);

#endif
