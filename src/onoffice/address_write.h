/*
 * address_write.h - creating and modifying addresses (onoffice-protocol §5.4, §5.5).
 *
 * Create: plain fields sit at the top level of `parameters`; contact data goes
 * through the fixed parameter names (phone, phone_private, phone_business,
 * mobile, fax, fax_private, fax_business, email, email_private,
 * email_business), one value per name (several values of one name as an array
 * are UNCERTAIN in the docs, so more entries are added with modify), and the
 * default entries through default_phone / default_fax / default_email, which
 * must repeat a value passed (errors 258/260). `checkDuplicate` and
 * `noOverrideByDuplicate` are options. `Land` is written as ISO 3166-1
 * alpha-3 on create (R-B3a).
 *
 * Modify (resourceid = the address id): plain fields are set; contact data is
 * changed with one object {action, oldvalue, newvalue, default} per type key
 * and action, so several changes of one key (two new e-mails) need several
 * modify actions, which share one request. `Land` on modify takes the German
 * name ("Deutschland"): the docs say names only (onoffice-protocol §5.5), which is what we send
 * (src/onoffice/README.md).
 *
 * Contact data is never written through the fields `Email`, `Telefon1`,
 * `Telefax1` (they hold only the default entry); those names are refused as
 * fields, like every parameter name that has its own member here.
 */
#ifndef IMMO_ONOFFICE_ADDRESS_WRITE_H
#define IMMO_ONOFFICE_ADDRESS_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/request.h"

/* The contact-data parameter names (onoffice-protocol §5.4). */
enum oo_contact_type {
	OO_PHONE,
	OO_PHONE_PRIVATE,
	OO_PHONE_BUSINESS,
	OO_MOBILE,
	OO_FAX,
	OO_FAX_PRIVATE,
	OO_FAX_BUSINESS,
	OO_EMAIL,
	OO_EMAIL_PRIVATE,
	OO_EMAIL_BUSINESS,
	OO_CONTACT_TYPE_COUNT
};

/* The parameter name ("phone_business"), or NULL for a value out of range. */
const char *oo_contact_type_key(enum oo_contact_type t);
/* The type of a parameter name; ERR_INVALID_ARG for any other text. */
int oo_contact_type_from_key(const char *key, enum oo_contact_type *out);
/* The default parameter of the type's group: "default_phone" (phones and
 * mobile), "default_fax" or "default_email". */
const char *oo_contact_default_key(enum oo_contact_type t);

/* One contact entry of a new address. */
struct oo_contact_value {
	enum oo_contact_type type;
	const char *value; /* non-empty */
	bool is_default;   /* at most one per group (phone+mobile, fax, e-mail) */
};

struct oo_address_new {
	/* Plain fields, borrowed; NULL: none. Values as oo_check_fields (write.h)
	 * allows; multiselects as arrays ("HerkunftKontakt": ["BOTTIMMO"]). The
	 * contact parameter names, the default_* names, checkDuplicate,
	 * noOverrideByDuplicate, extendedclaim, Email, Telefon1, Telefax1 and
	 * Land are refused here: they have their own members. */
	const json_t *fields;
	const char *land_iso3; /* "DEU" (3 letters A-Z); NULL: no country */
	const struct oo_contact_value *contacts;
	size_t ncontacts;              /* at most one value per type */
	bool check_duplicate;          /* checkDuplicate: match an existing address by e-mail */
	bool no_override_by_duplicate; /* noOverrideByDuplicate: never overwrite that address */
};

/*
 * The create parameters for a, a new object in *out (caller decrefs).
 * ERR_INVALID_ARG (e->field names the culprit) for refused field names or
 * values, an empty contact value, two values of one type, two defaults in one
 * group, a land_iso3 that is not three letters A-Z. ERR_NOMEM.
 */
int oo_address_create_params(const struct oo_address_new *a, json_t **out, struct err *e);

/* Appends the create action to b (write.h). */
int oo_address_create_add(struct oo_batch *b, const struct oo_address_new *a, struct err *e);

/* Creates the address in one request; *id gets its id. Returns 0 or the class (write.h). */
int oo_address_create(struct oo_client *c, const struct oo_address_new *a, int64_t *id,
                      struct err *e);

enum oo_contact_op { OO_CONTACT_ADD, OO_CONTACT_MODIFY, OO_CONTACT_DELETE };

/* What `default` says in a contact change: omitted, false or true. */
enum oo_tristate { OO_UNSET, OO_FALSE, OO_TRUE };

/* One change of a contact entry. */
struct oo_contact_change {
	enum oo_contact_type type;
	enum oo_contact_op op;
	const char
	    *oldvalue; /* modify, delete: the entry to change; must be unique in the address */
	const char *newvalue; /* add, modify */
	enum oo_tristate is_default;
};

struct oo_address_change {
	int64_t id;            /* the address, > 0 */
	const json_t *fields;  /* plain fields to set, borrowed; NULL: none (rules as on create) */
	const char *land_name; /* German country name ("Deutschland"); NULL: unchanged */
	const struct oo_contact_change *contacts;
	size_t ncontacts;
};

/*
 * Appends the modify actions for ch to b: the first carries the fields, the
 * country and, per type key, the first change of that key; each further
 * change of a key already used goes into the next action (change k of a key
 * into action k). *nactions (may be NULL) gets the number appended. On error
 * nothing is appended. ERR_INVALID_ARG for an id ≤ 0, nothing to change,
 * refused fields, an add without newvalue, a modify without oldvalue and
 * newvalue, a delete without oldvalue, a land_name that is empty or looks
 * like an ISO code ("DEU"), more changes than a batch holds. ERR_NOMEM.
 */
int oo_address_modify_add(struct oo_batch *b, const struct oo_address_change *ch, size_t *nactions,
                          struct err *e);

/* Sends the modify actions for ch in one request. Returns 0 or the class (the
 * most serious one when only some actions failed; b's per-action results are
 * not kept, so callers that need them use oo_address_modify_add). */
int oo_address_modify(struct oo_client *c, const struct oo_address_change *ch, struct err *e);

#endif
