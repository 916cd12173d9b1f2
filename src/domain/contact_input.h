/*
 * contact_input.h - the bodies of POST contacts, PATCH contacts/{id} and POST
 * contacts/{id}/notes (requirements §8.2), validated with the lead rules of requirements §8.1
 * (the same lengths and checks as a conversion's lead, conversion.c).
 *
 * POST needs an e-mail. In a PATCH a field set to null is cleared (listed in
 * clear; "phone" clears every phone number), except the e-mail and the status,
 * which cannot be cleared (ERR_INVALID_FIELD); in a POST null means absent.
 * Unknown keys are refused.
 */
#ifndef IMMO_DOMAIN_CONTACT_INPUT_H
#define IMMO_DOMAIN_CONTACT_INPUT_H

#include <jansson.h>

#include "domain/conversion.h"

enum contact_input_mode { CONTACT_INPUT_CREATE, CONTACT_INPUT_PATCH };

#define CONTACT_CLEAR_MAX 12

struct contact_input {
	json_t *doc;                          /* owns the strings of lead */
	struct conv_lead lead;                /* id unused; email NULL when absent (PATCH) */
	int gdpr_consent;                     /* -1 absent, 0, 1 */
	const char *clear[CONTACT_CLEAR_MAX]; /* to clear (PATCH), static strings: contact columns,
	                                       * or "phone" for every phone number */
	size_t nclear;
};

/* Parses and validates body[0..len). On success the caller releases *out. Errors:
 * ERR_INVALID_JSON (field ""), ERR_INVALID_FIELD with the field's name. */
int contact_input_parse(const char *body, size_t len, enum contact_input_mode mode,
                        struct contact_input *out, struct err *e);
void contact_input_release(struct contact_input *in);

/* Checks a note body {"text": "…"}: 1 to max_chars characters, several lines allowed, no
 * other keys. ERR_INVALID_FIELD naming "text" or the unknown key. */
int note_text_check(json_t *doc, size_t max_chars, struct err *e);

#endif
