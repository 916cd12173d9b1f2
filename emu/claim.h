/*
 * claim.h - the Marketplace state of a customer (onoffice-protocol §2.3, §10):
 * parameter caches of activation links, the claims (apiClaim) onOffice
 * issued, and the unlock itself.
 *
 * An activation link (activation-url) stores a parameter cache: a fresh UUID
 * with the customer, the user and a fresh activation claim. do/unlockProvider
 * consumes it once. A service link (service-url) issues a fresh service
 * claim, which becomes the customer's current one; the ones before it are
 * outdated. Everything lives in the emulator's database, so the commands can
 * write it while serve runs.
 */
#ifndef IMMO_EMU_CLAIM_H
#define IMMO_EMU_CLAIM_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define EMU_UUID_LEN  36 /* "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6" */
#define EMU_CLAIM_LEN 48 /* standard Base64 of 36 random bytes */

/*
 * Issues an activation: a fresh parameter cache id (UUID v4) and a fresh activation claim
 * for customer_id and user_id, stored together. cache_id holds EMU_UUID_LEN + 1 bytes,
 * claim EMU_CLAIM_LEN + 1.
 */
int emu_claim_new_activation(struct db *db, int64_t customer_id, const char *user_id,
                             int64_t now_ms, char *cache_id, char *claim, struct err *e);

/* Issues a fresh service claim (EMU_CLAIM_LEN + 1 bytes), now the customer's current one. */
int emu_claim_new_service(struct db *db, int64_t customer_id, int64_t now_ms, char *claim,
                          struct err *e);

enum emu_claim_state {
	EMU_CLAIM_CURRENT,  /* the customer's latest service claim */
	EMU_CLAIM_OUTDATED, /* an earlier service claim of the same customer */
	EMU_CLAIM_NO_MATCH, /* unknown, another customer's, or an activation claim */
};

/* How claim stands for customer_id, in *out. */
int emu_claim_check(struct db *db, int64_t customer_id, const char *claim,
                    enum emu_claim_state *out, struct err *e);

enum emu_unlock_result {
	EMU_UNLOCK_OK,          /* unlocked now */
	EMU_UNLOCK_NO_CACHE,    /* no such cache id for this customer */
	EMU_UNLOCK_USED,        /* the cache was consumed by an earlier unlock */
	EMU_UNLOCK_NO_CLAIM,    /* claim missing */
	EMU_UNLOCK_WRONG_CLAIM, /* claim is not the cache's activation claim */
};

/*
 * do/unlockProvider for customer_id: checks the parameter cache cache_id and the
 * activation claim (NULL when missing) and, when both fit, consumes the cache and marks
 * the customer unlocked at now_ms (one write transaction). The result is in *out.
 */
int emu_claim_unlock(struct db *db, int64_t customer_id, const char *cache_id, const char *claim,
                     int64_t now_ms, enum emu_unlock_result *out, struct err *e);

/*
 * The Marketplace state of customer_id for GET /_emu/customers/{webid}: a new object
 * {"unlocked", "unlocked_at", "unlock_count", "service_claim", "open_activations"} in *out
 * (caller decrefs).
 */
int emu_claim_status(struct db *db, int64_t customer_id, json_t **out, struct err *e);

#endif
