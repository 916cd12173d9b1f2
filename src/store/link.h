/*
 * link.h - a company's link to onOffice (issue #6; R-A3, R-S4) and the master
 * key that protects the API secret at rest (requirements §8.3).
 *
 * The secret is sealed with AES-256-GCM (core/crypto) under the master key,
 * with AAD "company:<id>:onoffice_secret", so a sealed value cannot be moved
 * to another row. The database keeps a key check (a sealed known text in
 * meta) so a wrong master key is refused at start with a clear error instead
 * of failing later on every decrypt.
 *
 * States of the link (column state): "active"; "revoked" when onOffice refused
 * the credentials (22, 137, 40-49: R-S4, «Zugriff in onOffice entzogen»;
 * transfers pause until the company is linked again). Independently, an active
 * link may want a claim (R-A12: onOffice answered 193/201/248): transfers pause
 * until a service call (GET /onoffice/open) stores a fresh one.
 *
 * The apiClaim is sealed like the secret (AAD "company:<id>:onoffice_claim").
 */
#ifndef IMMO_STORE_LINK_H
#define IMMO_STORE_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/crypto.h"
#include "store/db.h"

struct link_creds {
	int64_t company_id;
	char customer_web_id[64];
	char token[128];
	char *secret;             /* malloc'd plaintext; link_creds_release wipes and frees it */
	char *claim;              /* the latest apiClaim (R-A12), opened, or NULL */
	char state[16];           /* "active" or "revoked" */
	char revoked_reason[256]; /* onOffice's message when revoked, "" otherwise */
	char claim_wanted[256];   /* R-A12: onOffice's message when it wants a claim, or "" */
	int64_t claim_gen;        /* which claim (and link) this is; see link_mark_claim_wanted */
};

/*
 * Checks key against the database's key check. With no key check stored yet, stores one
 * (first use of a key on this database). ERR_AUTH_TAG with the message "the master key
 * does not match this database" when it does not match.
 */
int masterkey_check(struct db *db, const struct crypto_key *key, struct err *e);

/* True when the database holds a key check or any sealed secret (a key is then needed). */
int masterkey_needed(struct db *db, bool *needed, struct err *e);

/*
 * Stores (or replaces) a company's link: web id, token, the secret sealed under key. A
 * first link moves the company from not_linked to linked; re-linking keeps the sync state
 * and clears a revoked state. Nothing is sent to onOffice: the first use checks the
 * credentials. ERR_NOT_FOUND for an unknown company; ERR_INVALID_FIELD naming
 * customer_web_id / token / secret for empty or over-long values.
 */
int link_set(struct db *db, const struct crypto_key *key, int64_t company_id,
             const char *customer_web_id, const char *token, const char *secret, struct err *e);

/* The company's link with the secret opened (keys: current first, then older versions).
 * ERR_NOT_LINKED when the company has none. */
int link_get(struct db *db, const struct crypto_key *keys, size_t nkeys, int64_t company_id,
             struct link_creds *out, struct err *e);
void link_creds_release(struct link_creds *c);

/* R-S4: onOffice refused the credentials; reason is onOffice's message (no secret). */
int link_mark_revoked(struct db *db, int64_t company_id, const char *reason, struct err *e);

/* R-A12: the latest apiClaim of a service call, sealed under key; clears claim_wanted and
 * makes the company's import due at once (transfers go on). ERR_INVALID_FIELD "claim" for
 * an empty or over-long claim, ERR_NOT_LINKED, ERR_NOT_FOUND. */
int link_set_claim(struct db *db, const struct crypto_key *key, int64_t company_id,
                   const char *claim, struct err *e);

/* R-A12: onOffice refused a call for want of a current claim (193/201/248); reason is its
 * message. Transfers pause (import_due skips the company) until link_set_claim. claim_gen
 * is link_creds.claim_gen of the credentials the refused call was sent with: when a newer
 * claim (or link) was stored meanwhile, nothing changes (and the return is 0). */
int link_mark_claim_wanted(struct db *db, int64_t company_id, int64_t claim_gen, const char *reason,
                           struct err *e);

/* The company linked to an onOffice customer (its web id); ERR_NOT_FOUND "customer_web_id"
 * when none is. */
int link_company_of(struct db *db, const char *customer_web_id, int64_t *company_id, struct err *e);

#endif
