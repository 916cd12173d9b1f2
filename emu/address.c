/* The address store: field catalogue and insertion (address.h). */
#include "address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text.h"

#define NOTYPES NULL, NULL

const struct emu_afield emu_afields[] = {
    {"Id", AF_ID, 0, "a.id", NOTYPES, NULL, NULL, 0, "Datensatznummer"},
    {"KdNr", AF_INT, 1, "a.kdnr", NOTYPES, NULL, "integer", 0, "KdNr"},
    {"Anrede", AF_SELECT, 2, "lower(a.anrede)", NOTYPES, "salutations", "singleselect", 0,
     "Anrede"},
    {"Titel", AF_RAW, 3, "lower(a.titel)", NOTYPES, NULL, "varchar", 80, "Titel"},
    {"Vorname", AF_TEXT, 4, "a.vorname_f", NOTYPES, NULL, "varchar", 80, "Vorname"},
    {"Name", AF_TEXT, 5, "a.name_f", NOTYPES, NULL, "varchar", 80, "Name"},
    {"Zusatz1", AF_TEXT, 6, "a.zusatz1_f", NOTYPES, NULL, "varchar", 80, "Firma"},
    {"Briefanrede", AF_RAW, 7, "lower(a.briefanrede)", NOTYPES, NULL, "text", 0, "Briefanrede"},
    {"Strasse", AF_TEXT, 8, "a.strasse_f", NOTYPES, NULL, "varchar", 80, "Straße"},
    {"Plz", AF_RAW, 9, "lower(a.plz)", NOTYPES, NULL, "varchar", 20, "Plz"},
    {"Ort", AF_TEXT, 10, "a.ort_f", NOTYPES, NULL, "varchar", 80, "Ort"},
    {"Land", AF_COUNTRY, 11, "a.land", NOTYPES, "@countries", "singleselect", 0, "Land"},
    {"Email", AF_TEXT, 12, "a.email_f", NOTYPES, NULL, "varchar", 100, "E-Mail"},
    {"Telefon1", AF_TEXT, 13, "a.telefon1_f", NOTYPES, NULL, "varchar", 40, "Telefonnummern"},
    {"Telefax1", AF_TEXT, 14, "a.telefax1_f", NOTYPES, NULL, "varchar", 40, "Telefaxnummern"},
    {"ArtDaten", AF_MULTI, -1, NULL, NOTYPES, "contact_types", "multiselect", 0, "Kontaktart"},
    {"HerkunftKontakt", AF_MULTI, -1, NULL, NOTYPES, "contact_origins", "multiselect", 0,
     "Herkunft Kontakt"},
    {"DSGVOStatus", AF_SELECT, 15, "lower(a.dsgvo)", NOTYPES, "gdpr_statuses", "singleselect", 0,
     "DSGVO-Status"},
    {"Status", AF_INT, 16, "a.status", NOTYPES, "@status", "singleselect", 0, "Status"},
    {"Aenderung", AF_DATETIME, 17, "a.aenderung", NOTYPES, NULL, "datetime", 0, "Geändert am"},
    {"Eintragsdatum", AF_DATE, 18, "a.eintragsdatum", NOTYPES, NULL, "date", 0, "Eintragsdatum"},
    {"phone", AF_ENTRIES, -1, NULL, "'phone'", "'phone', 'mobile'", NULL, NULL, 0, NULL},
    {"mobile", AF_ENTRIES, -1, NULL, "'mobile'", "'mobile'", NULL, NULL, 0, NULL},
    {"fax", AF_ENTRIES, -1, NULL, "'fax'", "'fax'", NULL, NULL, 0, NULL},
    {"email", AF_ENTRIES, -1, NULL, "'email'", "'email'", NULL, NULL, 0, NULL},
    {"defaultphone", AF_DEFAULT, -1, NULL, "'phone', 'mobile'", NULL, NULL, NULL, 0, NULL},
    {"defaultfax", AF_DEFAULT, -1, NULL, "'fax'", NULL, NULL, NULL, 0, NULL},
    {"defaultemail", AF_DEFAULT, -1, NULL, "'email'", NULL, NULL, NULL, 0, NULL},
    {"imageUrl", AF_IMAGE, -1, NULL, NOTYPES, NULL, NULL, 0, NULL},
};

const size_t emu_afields_count = sizeof(emu_afields) / sizeof(emu_afields[0]);

const struct emu_afield *emu_afield_find(const char *name)
{
	for (size_t i = 0; i < emu_afields_count; i++) {
		if (strcmp(emu_afields[i].name, name) == 0)
			return &emu_afields[i];
	}
	return NULL;
}

int emu_address_next_kdnr(struct db_conn *c, int64_t customer_id, int64_t *out, struct err *e)
{
	return db_query_int(
	    c, "SELECT coalesce(max(kdnr), 0) + 1 FROM addresses WHERE customer_id = ?",
	    (const int64_t[]){customer_id}, 1, out, e);
}

/* Binds text and its fold to idx and idx + 1 (both NULL for NULL text). */
static void bind_folded(struct db_stmt *st, int idx, const char *s)
{
	char f[512];
	db_bind_text(st, idx, s);
	if (!s)
		db_bind_null(st, idx + 1);
	else if (emu_fold_into(s, f, sizeof(f)))
		db_bind_text(st, idx + 1, f);
	else
		db_bind_text(st, idx + 1, s);
}

void emu_address_letter_salutation(const char *anrede, const char *titel, const char *name,
                                   char *out, size_t cap)
{
	const char *an = anrede ? anrede : "";
	char t[96] = "";
	name = name ? name : "";
	if (titel && *titel)
		snprintf(t, sizeof(t), "%s ", titel);
	if (strcmp(an, "Herr") == 0)
		snprintf(out, cap, "Sehr geehrter Herr %s%s,", t, name);
	else if (strcmp(an, "Frau") == 0)
		snprintf(out, cap, "Sehr geehrte Frau %s%s,", t, name);
	else if (strcmp(an, "Familie") == 0 || strcmp(an, "Eheleute") == 0)
		snprintf(out, cap, "Sehr geehrte %s %s,", an, name);
	else
		snprintf(out, cap, "Sehr geehrte Damen und Herren,");
}

static bool entry_type_ok(const char *t)
{
	return t && (!strcmp(t, "phone") || !strcmp(t, "mobile") || !strcmp(t, "fax") ||
	             !strcmp(t, "email"));
}

/* The first default entry of a class: phone (phone or mobile), fax, email. */
static const char *main_entry(const struct emu_address_in *a, const char *klass)
{
	for (size_t i = 0; i < a->ncontacts; i++) {
		const struct emu_contact_in *ce = &a->contacts[i];
		if (!ce->is_default)
			continue;
		bool match = strcmp(klass, "phone") == 0
		                 ? (!strcmp(ce->type, "phone") || !strcmp(ce->type, "mobile"))
		                 : !strcmp(ce->type, klass);
		if (match)
			return ce->value;
	}
	return NULL;
}

static int insert_multi(struct db_conn *c, int64_t id, const char *field, const char *const *keys,
                        size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		char f[256];
		struct db_stmt *st;
		bool row;
		if (!keys[i] || !*keys[i] || strchr(keys[i], '|') ||
		    !emu_fold_into(keys[i], f, sizeof(f)))
			return err_set(e, ERR_INVALID_ARG, field, "invalid multiselect key");
		int rc =
		    db_prepare(c,
		               "INSERT INTO address_multiselects(address_id, field, key, key_f, "
		               "position) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		               &st, e);
		if (rc)
			return rc;
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, field);
		db_bind_text(st, 3, keys[i]);
		db_bind_text(st, 4, f);
		db_bind_int(st, 5, (int64_t)i);
		if ((rc = db_step(st, &row, e)))
			return rc;
	}
	return 0;
}

int emu_address_add_contact(struct db_conn *c, int64_t id, const struct emu_contact_in *ce,
                            int64_t *entry_id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	if (!entry_type_ok(ce->type) || !ce->value)
		return err_set(e, ERR_INVALID_ARG, "contacts", "invalid contact entry");
	/* Seed inserts millions of entries: RETURNING only when the id is wanted. */
	int rc =
	    db_prepare(c,
	               entry_id ? "INSERT INTO address_contacts(address_id, type, kind, value, "
	                          "value_f, is_default, comment) VALUES (?, ?, ?, ?, ?, ?, ?) "
	                          "RETURNING id"
	                        : "INSERT INTO address_contacts(address_id, type, kind, value, "
	                          "value_f, is_default, comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
	               &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, ce->type);
	db_bind_text(st, 3, ce->kind ? ce->kind : "");
	bind_folded(st, 4, ce->value);
	db_bind_bool(st, 6, ce->is_default);
	db_bind_text(st, 7, ce->comment);
	if ((rc = db_step(st, &row, e)) || !entry_id)
		return rc;
	*entry_id = db_col_int(st, 0);
	return db_step(st, &row, e);
}

static int insert_contacts(struct db_conn *c, int64_t id, const struct emu_address_in *a,
                           struct err *e)
{
	for (size_t i = 0; i < a->ncontacts; i++) {
		int rc = emu_address_add_contact(c, id, &a->contacts[i], NULL, e);
		if (rc)
			return rc;
	}
	return 0;
}

int emu_address_set_multi(struct db_conn *c, int64_t id, const char *field, const char *const *keys,
                          size_t n, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(
	    c, "DELETE FROM address_multiselects WHERE address_id = ? AND field = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, field);
	if ((rc = db_step(st, &row, e)))
		return rc;
	return insert_multi(c, id, field, keys, n, e);
}

/* Sets the main-entry column col (and its fold) to the first default entry of types. */
static int refresh_one(struct db_conn *c, int64_t id, const char *col, const char *types,
                       struct err *e)
{
	struct db_stmt *st;
	bool row;
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT value FROM address_contacts WHERE address_id = ? AND is_default AND "
	         "type IN (%s) ORDER BY id LIMIT 1",
	         types);
	int rc = db_prepare(c, sql, &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	char *value = row ? db_col_strdup(st, 0) : NULL;
	if (row && !value)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	snprintf(sql, sizeof(sql), "UPDATE addresses SET %s = ?, %s_f = ? WHERE id = ?", col, col);
	if (!(rc = db_prepare(c, sql, &st, e))) {
		bind_folded(st, 1, value);
		db_bind_int(st, 3, id);
		rc = db_step(st, &row, e);
	}
	free(value);
	return rc;
}

int emu_address_refresh_main(struct db_conn *c, int64_t id, struct err *e)
{
	int rc = refresh_one(c, id, "email", "'email'", e);
	if (!rc)
		rc = refresh_one(c, id, "telefon1", "'phone', 'mobile'", e);
	if (!rc)
		rc = refresh_one(c, id, "telefax1", "'fax'", e);
	return rc;
}

int emu_address_insert(struct db_conn *c, int64_t customer_id, const struct emu_address_in *a,
                       int64_t *id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int64_t kdnr = a->kdnr;
	int rc;
	if (kdnr <= 0 && (rc = emu_address_next_kdnr(c, customer_id, &kdnr, e)))
		return rc;
	char brief[256], date[16];
	emu_address_letter_salutation(a->anrede, a->titel, a->name, brief, sizeof(brief));
	if (a->eintragsdatum)
		snprintf(date, sizeof(date), "%s", a->eintragsdatum);
	else
		snprintf(date, sizeof(date), "%.10s", a->aenderung);
	rc = db_prepare(
	    c,
	    "INSERT INTO addresses(customer_id, kdnr, anrede, titel, vorname, vorname_f, "
	    "name, name_f, zusatz1, zusatz1_f, briefanrede, strasse, strasse_f, plz, ort, "
	    "ort_f, land, email, email_f, telefon1, telefon1_f, telefax1, telefax1_f, "
	    "dsgvo, status, aenderung, eintragsdatum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, customer_id);
	db_bind_int(st, 2, kdnr);
	db_bind_text(st, 3, a->anrede ? a->anrede : "");
	db_bind_text(st, 4, a->titel);
	bind_folded(st, 5, a->vorname);
	bind_folded(st, 7, a->name);
	bind_folded(st, 9, a->zusatz1);
	db_bind_text(st, 11, brief);
	bind_folded(st, 12, a->strasse);
	db_bind_text(st, 14, a->plz);
	bind_folded(st, 15, a->ort);
	db_bind_text(st, 17, a->land);
	bind_folded(st, 18, main_entry(a, "email"));
	bind_folded(st, 20, main_entry(a, "phone"));
	bind_folded(st, 22, main_entry(a, "fax"));
	db_bind_text(st, 24, a->dsgvo ? a->dsgvo : "");
	db_bind_int(st, 25, a->status);
	db_bind_text(st, 26, a->aenderung);
	db_bind_text(st, 27, date);
	if ((rc = db_step(st, &row, e)))
		return rc;
	*id = db_col_int(st, 0);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if ((rc = insert_contacts(c, *id, a, e)) ||
	    (rc = insert_multi(c, *id, "ArtDaten", a->art, a->nart, e)) ||
	    (rc = insert_multi(c, *id, "HerkunftKontakt", a->herkunft, a->nherkunft, e)))
		return rc;
	return 0;
}

/* ---- writable fields ---- */

const struct emu_wfield emu_wfields[EMU_WFIELDS] = {
    {"Anrede", WF_SELECT, "anrede", false, "salutations"},
    {"Titel", WF_TEXT, "titel", false, NULL},
    {"Vorname", WF_TEXT, "vorname", true, NULL},
    {"Name", WF_TEXT, "name", true, NULL},
    {"Zusatz1", WF_TEXT, "zusatz1", true, NULL},
    {"Strasse", WF_TEXT, "strasse", true, NULL},
    {"Plz", WF_TEXT, "plz", false, NULL},
    {"Ort", WF_TEXT, "ort", true, NULL},
    {"Land", WF_COUNTRY, "land", false, NULL},
    {"DSGVOStatus", WF_SELECT, "dsgvo", false, "gdpr_statuses"},
    {"Status", WF_STATUS, "status", false, NULL},
    {"ArtDaten", WF_MULTI, NULL, false, "contact_types"},
    {"HerkunftKontakt", WF_MULTI, NULL, false, "contact_origins"},
};

/* ---- contact entries ---- */

static const struct emu_contact_key contact_keys[] = {
#define PHONES "'phone', 'mobile'"
    {"phone", "phone", "", "phone", PHONES, PHONES},
    {"phone_private", "phone", "private", "phone", PHONES, PHONES},
    {"phone_business", "phone", "business", "phone", PHONES, PHONES},
    {"mobile", "mobile", "", "phone", PHONES, "'mobile'"},
    {"email", "email", "", "email", "'email'", "'email'"},
    {"email_private", "email", "private", "email", "'email'", "'email'"},
    {"email_business", "email", "business", "email", "'email'", "'email'"},
    {"fax", "fax", "", "fax", "'fax'", "'fax'"},
    {"fax_private", "fax", "private", "fax", "'fax'", "'fax'"},
    {"fax_business", "fax", "business", "fax", "'fax'", "'fax'"},
#undef PHONES
};

const struct emu_contact_key *emu_contact_key_find(const char *param)
{
	for (size_t i = 0; i < sizeof(contact_keys) / sizeof(contact_keys[0]); i++) {
		if (strcmp(contact_keys[i].param, param) == 0)
			return &contact_keys[i];
	}
	return NULL;
}

const char *emu_contact_class_types(const char *klass)
{
	const struct emu_contact_key *k = emu_contact_key_find(klass);
	return k ? k->class_types : "''";
}

bool emu_contact_value_ok(const char *value)
{
	size_t n = strlen(value);
	if (n == 0 || n > 255)
		return false;
	for (const char *p = value; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return false;
	}
	return true;
}

bool emu_contact_type_ok(const char *type)
{
	for (size_t i = 0; i < sizeof(contact_keys) / sizeof(contact_keys[0]); i++) {
		if (strcmp(contact_keys[i].type, type) == 0)
			return true;
	}
	return false;
}

bool emu_contact_kind_ok(const char *kind)
{
	for (size_t i = 0; i < sizeof(contact_keys) / sizeof(contact_keys[0]); i++) {
		if (strcmp(contact_keys[i].kind, kind) == 0)
			return true;
	}
	return false;
}
