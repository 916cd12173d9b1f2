/*
 * contact.h - the platform's contacts, their e-mails, phones, conversions and
 * notes, and the ingest transaction of requirements §8.1 (issue #5).
 *
 * Every function takes the company id and touches only that company's rows
 * (R-T1): an id of another company is simply not found.
 *
 * Changes made here write their outbox rows in the same transaction (ARCHITECTURE.md
 * "Outbox and export"): `due` when the company is running in automatic mode, else `held`,
 * so the export decides later. Imports (issue #6) use other functions that
 * write no outbox rows (R-I7).
 */
#ifndef IMMO_STORE_CONTACT_H
#define IMMO_STORE_CONTACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/* Lead or contact fields as the API delivers them, already validated. NULL = absent. */
struct contact_fields {
	const char *email; /* the (primary) e-mail as given */
	const char *salutation, *first_name, *last_name;
	const char *phone_raw;  /* one phone number as given */
	const char *phone_e164; /* its normalised form, or NULL when unparseable */
	const char *street, *zip, *city, *country; /* country: ISO alpha-2 */
	const char *status;
	int gdpr_consent; /* -1 absent, 0 false, 1 true */
};

/* One conversion (requirements §8.1), validated. details is owned by the caller. */
struct conversion_input {
	const char *type;
	const char *landing_page; /* may be NULL */
	int64_t occurred_at;      /* UTC ms */
	const char *lead_id;      /* may be NULL */
	json_t *details;
};

struct ingest_result {
	int64_t contact_id;
	int64_t conversion_id;
	bool replayed; /* an Idempotency-Key seen before with the same body */
	bool created;  /* a new contact was made */
};

/*
 * Stores one conversion in one write transaction: finds the lead's contact by
 * e-mail (lead key; else the lowest contact id holding the e-mail; else a new
 * platform contact), completes the contact's empty fields (never erases, adds
 * a phone only when its normalised form is new), stores the conversion, writes
 * the outbox rows and, when idem_key is given, the idempotency record with the
 * answer. A key seen within 24 h with the same request_hash replays the first
 * answer (result->replayed); with another hash → ERR_IDEMPOTENCY.
 */
int contact_ingest(struct db *db, int64_t company_id, const struct contact_fields *lead,
                   const struct conversion_input *conv, const char *idem_key,
                   const char *request_hash, struct ingest_result *result, struct err *e);

/* Creates a platform contact (POST contacts). ERR_CONFLICT when the e-mail belongs to a
 * contact of the company already (the error names that contact's id). */
int contact_create(struct db *db, int64_t company_id, const struct contact_fields *f, int64_t *id,
                   struct err *e);

/*
 * Changes a contact (PATCH): every field present in f is set (the agent's explicit
 * edit, unlike ingest); an e-mail becomes the primary one (added if new); a phone is
 * added if its normalised form is new. clear lists field names set to null (cleared).
 */
int contact_update(struct db *db, int64_t company_id, int64_t id, const struct contact_fields *f,
                   const char *const *clear, size_t nclear, struct err *e);

/* Erases a contact (R-T3): personal data, e-mails, phones, conversions, notes and queued
 * transfers go; a tombstone row keeps only id, onOffice address id and erased_at. */
int contact_erase(struct db *db, int64_t company_id, int64_t id, struct err *e);

/* Adds a note (R-B11) and its outbox row; *note_id gets its id. */
int contact_add_note(struct db *db, int64_t company_id, int64_t contact_id, const char *text,
                     int64_t *note_id, struct err *e);

/*
 * JSON views for the API (requirements §8.2). Each returns a new reference in *out.
 *  contact_get_json: one contact; ERR_NOT_FOUND if absent or erased.
 *  contact_list_json: {"contacts": […], "page", "per_page", "total"}; query matches
 *    names, e-mails, city and zip (case-insensitive for ASCII).
 *  contact_conversions_json / contact_notes_json / contact_history_json: lists of the
 *    contact's conversions, notes and transfers (queued and logged, R-X2).
 */
int contact_get_json(struct db *db, int64_t company_id, int64_t id, json_t **out, struct err *e);
int contact_list_json(struct db *db, int64_t company_id, const char *query, int64_t page,
                      int64_t per_page, json_t **out, struct err *e);
int contact_conversions_json(struct db *db, int64_t company_id, int64_t id, json_t **out,
                             struct err *e);
int contact_notes_json(struct db *db, int64_t company_id, int64_t id, json_t **out, struct err *e);
int contact_history_json(struct db *db, int64_t company_id, int64_t id, json_t **out,
                         struct err *e);

#endif
