/*
 * contact_int.h - helpers shared by contact.c and ingest.c; each runs inside a
 * write transaction on the caller's connection.
 */
#ifndef IMMO_STORE_CONTACT_INT_H
#define IMMO_STORE_CONTACT_INT_H

#include "store/contact.h"

/* Adds an e-mail to a contact (no-op when present) and keeps the lead key pointing at the
 * contact unless it points elsewhere; primary makes it the primary e-mail. */
int contact_add_email(struct db_conn *c, int64_t company_id, int64_t contact_id, const char *email,
                      bool primary, bool *added, struct err *e);

/* Adds a phone unless one with the same normalised form (or, unparseable, the same digits)
 * is there. */
int contact_add_phone(struct db_conn *c, int64_t company_id, int64_t contact_id, const char *raw,
                      const char *e164, bool *added, struct err *e);

/* Inserts a platform contact with f's fields; *id gets its id. */
int contact_insert(struct db_conn *c, int64_t company_id, const struct contact_fields *f,
                   int64_t now, int64_t *id, struct err *e);

/* Fills the contact's empty fields from f (never overwrites, never erases); consent true
 * completes false. *changed tells whether anything changed. */
int contact_complete(struct db_conn *c, int64_t company_id, int64_t contact_id,
                     const struct contact_fields *f, bool *changed, struct err *e);

/* The contact owning the lead e-mail (lead key, else the lowest id holding it), or 0. */
int contact_find_by_email(struct db_conn *c, int64_t company_id, const char *email_norm,
                          int64_t *id, struct err *e);

/* ERR_NOT_FOUND unless the contact exists in the company and is not erased. */
int contact_check(struct db_conn *c, int64_t company_id, int64_t id, struct err *e);

#endif
