/*
 * customer.h - onOffice clients ("Mandanten") in the emulator.
 *
 * Each customer has a numeric web id, an API token (32 characters) and secret
 * (64 characters) like real onOffice API users (onoffice-protocol §2.1), its own
 * addresses and its configuration overrides (config.h).
 */
#ifndef IMMO_EMU_CUSTOMER_H
#define IMMO_EMU_CUSTOMER_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define EMU_TOKEN_LEN  32
#define EMU_SECRET_LEN 64

struct emu_customer {
	int64_t id;
	char web_id[24];
	char name[128];
	char token[EMU_TOKEN_LEN + 1];
	char secret[EMU_SECRET_LEN + 1];
	char *config; /* the stored overrides (JSON text), malloc'd; see emu_customer_release */
};

/* Frees what a lookup allocated in c (not c itself). */
void emu_customer_release(struct emu_customer *c);

/* Lookups: 0 with *out filled, ERR_NOT_FOUND, or another error. Release *out afterwards. */
int emu_customer_by_token(struct db *db, const char *token, struct emu_customer *out,
                          struct err *e);
int emu_customer_by_webid(struct db *db, const char *web_id, struct emu_customer *out,
                          struct err *e);

/*
 * Creates a customer named name with a fresh random web id (5-6 digits), token and
 * secret, and the default configuration. Release *out afterwards.
 */
int emu_customer_create(struct db *db, const char *name, int64_t now_ms, struct emu_customer *out,
                        struct err *e);

/*
 * Validates patch and merges it into the stored configuration of the customer with
 * web_id (one write transaction). ERR_NOT_FOUND for an unknown customer,
 * ERR_INVALID_FIELD naming the key for a bad patch.
 */
int emu_customer_patch_config(struct db *db, const char *web_id, json_t *patch, struct err *e);

#endif
