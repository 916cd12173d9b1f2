/*
 * map.h - one onOffice address record → one platform contact (R-I5).
 *
 * Read from the record: the address id, Anrede (salutation), Vorname, Name,
 * Strasse, Plz, Ort, Land (asked as ISO-3166-2; codes and German names also
 * understood), ArtDaten (every key, in onOffice's order, as a JSON array), the GDPR
 * status (consent only for exactly speicherungzugestimmt, ASCII case ignored;
 * empty, unknown or anything else is no consent, R-I6), Status (0 = archived),
 * Aenderung, every e-mail entry (the default one, field Email, first: it becomes
 * the primary) and every phone and mobile entry (raw, with its E.164 form when it
 * parses, domain/phone). Faxes are not imported.
 */
#ifndef IMMO_SYNC_MAP_H
#define IMMO_SYNC_MAP_H

#include <jansson.h>

#include "core/err.h"
#include "onoffice/values.h"
#include "store/import.h"
#include "sync/mark.h"

#define SYNC_CONSENT_KEY "speicherungzugestimmt"

/* The fields an import reads (data of read/address). */
extern const char *const sync_import_fields[];
extern const size_t sync_import_nfields;

struct sync_mapped {
	struct import_contact k;       /* points into the storage below */
	char aenderung[SYNC_MARK_MAX]; /* "" when absent or malformed */
	struct oo_strv types;          /* ArtDaten keys */
	/* storage */
	char *text[7];
	char *types_json;
	struct oo_strv emails;
	const char **email_ptrs;
	struct oo_strv phone_texts;
	struct import_phone *phones;
	char *e164s;
};

/* Maps a record of read/address. ERR_INVALID_FIELD without a numeric id, ERR_NOMEM.
 * Release with sync_mapped_release (also after an error). */
int sync_map_record(const json_t *record, struct sync_mapped *out, struct err *e);
void sync_mapped_release(struct sync_mapped *m);

/* True when a DSGVOStatus value means consent. */
bool sync_consent_value(const json_t *v);

/* The record's Aenderung into out (SYNC_MARK_MAX), "" when absent or malformed. */
void sync_record_mark(const json_t *record, char *out);

#endif
