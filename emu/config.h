/*
 * config.h - a customer's configuration: select values, action kinds, search
 * criteria fields, flags.
 *
 * Every customer starts with the documented defaults (emu/README.md,
 * "Customer configuration"). A customer row stores only its overrides, a JSON
 * object; the effective configuration is the defaults with each overridden
 * top-level key replaced, except `search_fields`, which is merged field by
 * field. PUT /_emu/customers/{webid}/config sends a patch of the same shape.
 */
#ifndef IMMO_EMU_CONFIG_H
#define IMMO_EMU_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"

#define EMU_CONFIG_KEY_MAX 80
/* The highest rate_limit_per_s (API requests per customer and second; 0 is off). */
#define EMU_RATE_LIMIT_MAX 1000000

/* A select or multiselect key (ArtDaten, HerkunftKontakt, Anrede, …): 1-80 bytes, no '|'
 * (multiselects are read as "|a||b|"), no control characters. The one rule for keys in a
 * configuration and in fixtures. */
bool emu_config_key_ok(const char *k);

/* The defaults as a new JSON object (caller decrefs); NULL when out of memory. */
json_t *emu_config_defaults(void);

/*
 * The effective configuration for a customer whose stored overrides are the JSON text
 * overrides (NULL or "" for none). Returns a new object (caller decrefs), or NULL when
 * out of memory. Overrides that no longer parse are ignored.
 */
json_t *emu_config_effective(const char *overrides);

/*
 * Validates patch (a JSON object in the shape of the configuration) and merges it into
 * the stored overrides old (JSON text, may be NULL). On success *out is the new
 * overrides text (malloc'd, caller frees). On a bad patch returns ERR_INVALID_FIELD with
 * e->field naming the offending key (dotted path) and nothing in *out.
 */
int emu_config_merge(const char *old, json_t *patch, char **out, struct err *e);

/* A search criteria field the emulator can offer (get/searchCriteriaFields). */
enum emu_sc_values {
	SC_NONE,        /* no values */
	SC_MARKETING,   /* vermarktungsart: kauf, miete, … */
	SC_ESTATE_KIND, /* objektart: the configured estate kinds */
	SC_ESTATE_TYPE, /* objekttyp: every configured estate type */
	SC_USAGE,       /* nutzungsart */
	SC_COUNTRY,     /* range_land */
};

struct emu_sc_field {
	const char *id;       /* the API key, "kaufpreis" */
	const char *name;     /* German label */
	const char *category; /* "Preise" */
	const char *type;     /* "singleselect", "multiselect" or a data-type URN */
	bool range;           /* a from/to field (__von/__bis) */
	enum emu_sc_values values;
	const char *switch_key; /* the key in search_fields that turns it on or off */
};

extern const struct emu_sc_field emu_sc_fields[];
extern const size_t emu_sc_fields_count;

/* The search criteria field with API key id, or NULL. */
const struct emu_sc_field *emu_sc_field_find(const char *id);

/* True for the multiselect search criteria fields (objekttyp, nutzungsart). */
bool emu_sc_field_is_multi(const struct emu_sc_field *f);

/* The multiselect fields of an address, whose read format pipe_multiselects may switch. */
bool emu_config_is_multiselect(const char *field);

/* True when field's multiselect values are read as a pipe-joined string under cfg. */
bool emu_config_pipe_format(json_t *cfg, const char *field);

#endif
