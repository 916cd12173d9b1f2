#include "sync/map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/country.h"
#include "domain/phone.h"
#include "onoffice/address.h"

const char *const sync_import_fields[] = {
    "Anrede", "Vorname",     "Name",      "Strasse", "Plz",   "Ort",   "Land",  "ArtDaten",
    "Status", "DSGVOStatus", "Aenderung", "Email",   "email", "phone", "mobile"};
const size_t sync_import_nfields = sizeof(sync_import_fields) / sizeof(sync_import_fields[0]);

bool sync_consent_value(const json_t *v)
{
	const char *s = json_string_value(v);
	return s && strcasecmp(s, SYNC_CONSENT_KEY) == 0;
}

void sync_record_mark(const json_t *record, char *out)
{
	const char *s = json_string_value(json_object_get(oo_record_elements(record), "Aenderung"));
	if (sync_mark_valid(s))
		snprintf(out, SYNC_MARK_MAX, "%s", s);
	else
		out[0] = '\0';
}

void sync_mapped_release(struct sync_mapped *m)
{
	for (size_t i = 0; i < sizeof(m->text) / sizeof(m->text[0]); i++)
		free(m->text[i]);
	free(m->types_json);
	oo_strv_release(&m->types);
	oo_strv_release(&m->emails);
	oo_strv_release(&m->phone_texts);
	free(m->email_ptrs);
	free(m->phones);
	free(m->e164s);
	memset(m, 0, sizeof(*m));
}

/* A field as trimmed text (NULL when empty). */
static int field_text(json_t *fields, const char *name, char **out)
{
	char *t = NULL;
	*out = NULL;
	if (oo_value_text(json_object_get(fields, name), &t))
		return ERR_NOMEM;
	if (!t)
		return 0;
	char *p = t, *end;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*p) {
		free(t);
		return 0;
	}
	if (p != t)
		memmove(t, p, strlen(p) + 1);
	*out = t;
	return 0;
}

static int map_country(char **text)
{
	if (!*text)
		return 0;
	const struct country *c = country_from_any(*text);
	free(*text);
	*text = NULL;
	if (c && !(*text = strdup(c->alpha2)))
		return ERR_NOMEM;
	return 0;
}

static int map_emails(struct sync_mapped *m, const struct oo_address *a)
{
	char *def = NULL;
	if (field_text(a->fields, "Email", &def))
		return ERR_NOMEM;
	int rc = 0;
	size_t first = a->emails.n;
	for (size_t i = 0; def && i < a->emails.n; i++)
		if (strcmp(a->emails.v[i].value, def) == 0) {
			first = i;
			break;
		}
	if (first < a->emails.n)
		rc = oo_strv_push(&m->emails, a->emails.v[first].value,
		                  strlen(a->emails.v[first].value));
	else if (def)
		rc = oo_strv_push(&m->emails, def, strlen(def));
	for (size_t i = 0; !rc && i < a->emails.n; i++)
		if (i != first && !oo_strv_contains(&m->emails, a->emails.v[i].value))
			rc = oo_strv_push(&m->emails, a->emails.v[i].value,
			                  strlen(a->emails.v[i].value));
	free(def);
	if (rc || !m->emails.n)
		return rc;
	if (!(m->email_ptrs = calloc(m->emails.n, sizeof(*m->email_ptrs))))
		return ERR_NOMEM;
	for (size_t i = 0; i < m->emails.n; i++)
		m->email_ptrs[i] = m->emails.v[i];
	m->k.emails = m->email_ptrs;
	m->k.nemails = m->emails.n;
	return 0;
}

static int map_phones(struct sync_mapped *m, const struct oo_address *a)
{
	size_t n = a->phones.n + a->mobiles.n;
	if (!n)
		return 0;
	m->phones = calloc(n, sizeof(*m->phones));
	m->e164s = calloc(n, PHONE_E164_MAX);
	if (!m->phones || !m->e164s)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *raw =
		    i < a->phones.n ? a->phones.v[i].value : a->mobiles.v[i - a->phones.n].value;
		char *e164 = m->e164s + i * PHONE_E164_MAX;
		if (oo_strv_push(&m->phone_texts, raw, strlen(raw)))
			return ERR_NOMEM;
		m->phones[i].raw = m->phone_texts.v[m->phone_texts.n - 1];
		m->phones[i].e164 = phone_normalize(raw, e164, PHONE_E164_MAX) == 0 ? e164 : NULL;
	}
	m->k.phones = m->phones;
	m->k.nphones = n;
	return 0;
}

int sync_map_record(const json_t *record, struct sync_mapped *m, struct err *e)
{
	static const char *const names[7] = {"Anrede", "Vorname", "Name", "Strasse",
	                                     "Plz",    "Ort",     "Land"};
	struct oo_address a = {0};
	memset(m, 0, sizeof(*m));
	int rc = oo_address_from_record(record, &a, e);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < 7; i++)
		rc = field_text(a.fields, names[i], &m->text[i]);
	if (!rc)
		rc = map_country(&m->text[6]);
	if (!rc)
		rc = oo_value_keys(json_object_get(a.fields, "ArtDaten"), &m->types);
	json_t *types = rc ? NULL : json_array();
	for (size_t i = 0; types && i < m->types.n; i++)
		if (json_array_append_new(types, json_string(m->types.v[i])))
			rc = ERR_NOMEM;
	if (!rc && (!types || !(m->types_json = json_dumps(types, JSON_COMPACT))))
		rc = ERR_NOMEM;
	json_decref(types);
	if (!rc)
		rc = map_emails(m, &a);
	if (!rc)
		rc = map_phones(m, &a);
	if (rc) {
		oo_address_release(&a);
		sync_mapped_release(m);
		return rc == ERR_NOMEM ? err_set(e, ERR_NOMEM, NULL, NULL) : rc;
	}
	m->k.address_id = a.id;
	m->k.salutation = m->text[0];
	m->k.first_name = m->text[1];
	m->k.last_name = m->text[2];
	m->k.street = m->text[3];
	m->k.zip = m->text[4];
	m->k.city = m->text[5];
	m->k.country = m->text[6];
	m->k.contact_types = m->types_json;
	m->k.consent = sync_consent_value(json_object_get(a.fields, "DSGVOStatus"));
	int64_t status = 1;
	m->k.archived =
	    oo_value_int(json_object_get(a.fields, "Status"), &status) == 0 && status == 0;
	sync_record_mark(record, m->aenderung);
	oo_address_release(&a);
	return ERR_OK;
}
