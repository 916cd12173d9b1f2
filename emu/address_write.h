/*
 * address_write.h - what create/address and modify/address (onoffice-protocol
 * §5.4, §5.5) may write, checked the way onOffice checks it, and the updates
 * that write it.
 *
 * Plain fields are the address's own columns and multiselects; contact data
 * goes through the fixed parameters phone, phone_private, phone_business,
 * mobile, email, email_private, email_business, fax, fax_private and
 * fax_business. Mobile numbers written under a phone key are typed "mobile".
 * Error codes and every choice made here are listed in emu/README.md.
 */
#ifndef IMMO_EMU_ADDRESS_WRITE_H
#define IMMO_EMU_ADDRESS_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"
#include "action.h"

#define EMU_MULTI_MAX 32

/* The checked plain fields of one write; only those with set[i] are written. */
struct emu_address_fields {
	bool set[EMU_WFIELDS];
	const char *text[EMU_WFIELDS]; /* value to store; NULL = SQL NULL; ISO-3 for Land */
	char num[EMU_WFIELDS][24];     /* the text of an integer given for a text field */
	int status;
	const char *multi[EMU_WFIELDS][EMU_MULTI_MAX];
	size_t nmulti[EMU_WFIELDS];
};

/* How Land is accepted: create takes ISO-3 or the German name, modify the name only. */
enum emu_land_mode { EMU_LAND_CREATE, EMU_LAND_MODIFY };

/*
 * Checks parameter name = value as a plain address field under the customer's
 * configuration cfg and records it in out. Returns 0 when recorded, -1 when name is not
 * a plain field (the caller decides), or an onOffice error code set into ans: 227 a
 * value of the wrong JSON type, 255 a text too long, 76/77 a malformed multiselect /
 * singleselect value, 252 a key the configuration does not have. The strings recorded
 * point into value, out itself or static tables: keep value alive while out is used.
 */
int emu_address_field_param(json_t *cfg, const char *name, json_t *value, enum emu_land_mode mode,
                            struct emu_address_fields *out, struct emu_answer *ans);

/* Copies the recorded text fields and multiselects into in for emu_address_insert. */
void emu_address_fields_to_in(const struct emu_address_fields *f, struct emu_address_in *in);

/*
 * Writes the recorded fields to address id (inside the caller's write transaction),
 * derives Briefanrede again when Anrede, Titel or Name changed, and sets Aenderung to now
 * ("Y-m-d H:i:s" Berlin).
 */
int emu_address_update(struct db_conn *c, int64_t id, const struct emu_address_fields *f,
                       const char *now, struct err *e);

/*
 * True for a German mobile number: after removing spaces, '-', '/', '.', '(' and ')', a
 * national number 0 15x/16x/17x or an international one +49 / 0049 1[5-7]x (an optional
 * trunk "(0)" after the country code is skipped), 9 to 12 digits after the 0 / 49.
 */
bool emu_phone_is_mobile(const char *number);

/* The entry type a value written under k gets: "mobile" for mobile numbers under a phone
 * key (onoffice-protocol §5.4), otherwise k's own type. */
const char *emu_contact_type_for(const struct emu_contact_key *k, const char *value);

/*
 * The entries of address id among types (an SQL list) whose value is exactly value: the
 * first in *first, whether it is a default in *was_default, how many (at most 2) in *count.
 */
int emu_contact_find(struct db_conn *c, int64_t id, const char *types, const char *value,
                     int64_t *first, bool *was_default, int *count, struct err *e);

/* Makes entry the only default of its class (class_types, an SQL list); 0: no default. */
int emu_contact_make_default(struct db_conn *c, int64_t id, const char *class_types, int64_t entry,
                             struct err *e);

/* When the class has entries but no default, its oldest entry becomes the default. */
int emu_contact_ensure_default(struct db_conn *c, int64_t id, const char *class_types,
                               struct err *e);

#endif
