/*
 * conversion.h - the body of POST /api/v1/conversions (requirements §8.1), validated,
 * and what R-B7 derives from a conversion's type.
 *
 * conv_parse turns the raw body into a struct conv_input or an error the API
 * answers with: ERR_INVALID_JSON (field "") when the bytes are not one JSON
 * object (malformed, invalid UTF-8, duplicate keys, \u0000, a number jansson
 * cannot hold), ERR_TOO_LARGE past CONV_BODY_MAX, or ERR_INVALID_FIELD with
 * the dotted path of the first offending field and an English message.
 *
 * The rules are requirements §8.1's, table-driven (conversion.c, printed in
 * src/domain/README.md); what requirements §8.1 leaves open is decided there and in
 * docs/decisions.md: unknown keys are refused at every level; null and ""
 * count as absent for optional fields; lengths are in characters; every
 * string is a single line without control characters; money is whole euros
 * as JSON integers, 0 … CONV_PRICE_MAX.
 */
#ifndef IMMO_DOMAIN_CONVERSION_H
#define IMMO_DOMAIN_CONVERSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/email.h"
#include "domain/jsonv.h"
#include "domain/phone.h"

#define CONV_BODY_MAX  (64 * 1024)
#define CONV_PRICE_MAX 1000000000000LL /* one trillion euros: beyond any estate */

/* The seven conversion types, in the order of requirements §8.1. */
enum conv_type {
	CONV_VALUATION,
	CONV_CALLBACK,
	CONV_DOWNLOAD,
	CONV_LIFE_ANNUITY_CHECK,
	CONV_PARTIAL_SALE_CHECK,
	CONV_SEARCH_REQUEST,
	CONV_PLOT_VALUATION,
	CONV__COUNT
};

/* The lead part. String pointers are borrowed from conv_input.doc; NULL when absent. */
struct conv_lead {
	const char *id;                     /* the platform's own lead id (≤ 64) */
	const char *email;                  /* as sent (≤ 100) */
	char email_key[EMAIL_KEY_MAX];      /* email_norm form: the ingest identity (lead key) */
	const char *salutation;             /* free text ≤ 80, e.g. "Frau" */
	const char *first_name, *last_name; /* ≤ 80 */
	const char *phone;                  /* raw, ≤ 40 */
	char phone_e164[PHONE_E164_MAX];    /* "" when absent or unparseable (kept raw only) */
	const char *street;                 /* with house number, ≤ 100 */
	const char *zip;                    /* ≤ 16 */
	const char *city;                   /* ≤ 80 */
	char country[3];                    /* ISO alpha-2 in upper case, "" when absent */
	bool gdpr_consent;                  /* default false */
	const char *status;                 /* ≤ 40, default "new" */
};

struct conv_input {
	json_t *doc; /* the parsed and normalised body; owns every borrowed pointer */
	struct conv_lead lead;
	enum conv_type type;
	const char *landing_page; /* ≤ 120, NULL when absent */
	int64_t occurred_at_ms;   /* UTC ms; the time of receipt when absent */
	bool occurred_at_given;
	/*
	 * The normalised details object, borrowed from doc (never NULL after success):
	 * only the members the type allows, absent optional ones removed, country codes
	 * in upper case. Store it as JSON (json_dumps with JSON_COMPACT | JSON_SORT_KEYS)
	 * and read it back with the same member names.
	 */
	json_t *details;
};

#define CONV_INPUT_INIT \
	{               \
		0       \
	}

/*
 * Parses and validates body[0..len) (need not be NUL-terminated). now_ms is the
 * time of receipt, used when occurred_at is absent. On success fills *out, which
 * the caller releases with conv_input_release, and returns 0. On error returns the
 * code (details in *e, which may be NULL) and leaves *out empty (nothing to release,
 * though releasing is harmless).
 */
int conv_parse(const char *body, size_t len, int64_t now_ms, struct conv_input *out, struct err *e);

/* Frees the document; *in is empty afterwards. Safe on an empty or released input. */
void conv_input_release(struct conv_input *in);

/*
 * The canonical body of a validated input: the same members as the normalised
 * document, with occurred_at always present in UTC ("2026-11-26T10:15:00Z"),
 * status and gdpr_consent always present. conv_parse of its dump gives the same
 * input. Returns a new reference (json_decref it), or NULL when out of memory.
 */
json_t *conv_to_json(const struct conv_input *in);

/* "valuation" … "plot_valuation"; NULL for an out-of-range value. */
const char *conv_type_name(enum conv_type type);

/* The type named name; 0, or ERR_INVALID_ARG for NULL or an unknown name. */
int conv_type_from_name(const char *name, enum conv_type *out);

/* The German name of the type for agents ("Immobilienbewertung", "Rückruf-Wunsch",
 * …, R-B7's table); NULL for an out-of-range value. */
const char *conv_type_label_de(enum conv_type type);

/*
 * The title of the agents-log entry (R-B7, exact): «Bewertung durchgeführt»,
 * «Hat um einen Rückruf gebeten», the download's name, «Leibrenten-Check»,
 * «Teilverkaufs-Check», «Hat ein Kaufgesuch abgegeben», «Anfrage zur
 * Grundstücksbewertung». For a download the name is borrowed from details; when
 * details lacks it (not a validated input) "Download" is returned. NULL for an
 * out-of-range type.
 */
const char *conv_title(enum conv_type type, const json_t *details);

/*
 * The member table of `lead` (requirements §8.1), for bodies that carry the same fields (the
 * contacts of requirements §8.2): lengths, the e-mail rule of domain/email.h, the alpha-2
 * country (upper-cased in place), single-line text. lead.email is required.
 */
extern const struct jsonv_field conv_lead_fields[];

/*
 * Fills *out from a lead object validated against conv_lead_fields: strings
 * borrowed from lead (NULL when absent), email_key the identity form of
 * domain/email.h (email_norm; "" without e-mail), phone_e164 when the phone
 * parses, status "new" when absent.
 */
void conv_lead_fill(const json_t *lead, struct conv_lead *out);

#endif
