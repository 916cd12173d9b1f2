/* Customer configuration: defaults, overrides, validation (config.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "core/utf8.h"
#include "estate.h"

#define URN_TYPE "urn:onoffice-de-ns:smart:2.5:dbAccess:dataType:"

/* The documented defaults (emu/README.md). Keys are onOffice keys, values German labels. */
static const char defaults_json[] =
    "{"
    "\"contact_types\":{"
    "\"Eigentümer\":\"Eigentümer\",\"Interessent\":\"Interessent\","
    "\"Interessent Kauf\":\"Interessent Kauf\",\"Interessent Miete\":\"Interessent Miete\","
    "\"Kunde\":\"Kunde\",\"Makler\":\"Makler\",\"Tippgeber\":\"Tippgeber\","
    "\"Privatkontakt\":\"Privatkontakt\",\"Systembenutzer\":\"Systembenutzer\","
    "\"indMulti1966Select5844\":\"Bauträger\"},"
    "\"contact_origins\":{"
    "\"Suchmaschine\":\"Suchmaschine\",\"Newsletter\":\"Newsletter\","
    "\"Empfehlung\":\"Empfehlung\",\"Immobilienportal\":\"Immobilienportal\","
    "\"immobilienscout24_system\":\"Immobilienscout 24\","
    "\"webseite_system\":\"eigene Webseite\",\"Kunde-hat-angerufen\":\"Kunde-hat-angerufen\","
    "\"Zeitungsanzeige\":\"Zeitungsanzeige\",\"BOTTIMMO\":\"BOTTIMMO\"},"
    "\"gdpr_statuses\":{"
    "\"speicherungzugestimmt\":\"Speicherung zugestimmt\","
    "\"speicherungwiderrufen\":\"Speicherung widerrufen\",\"ignorieren\":\"ignorieren\"},"
    "\"salutations\":{\"Herr\":\"Herr\",\"Frau\":\"Frau\",\"Firma\":\"Firma\","
    "\"Familie\":\"Familie\",\"Eheleute\":\"Eheleute\"},"
    "\"estate_kinds\":{"
    "\"haus\":{\"label\":\"Haus\",\"types\":{\"einfamilienhaus\":\"Einfamilienhaus\","
    "\"zweifamilienhaus\":\"Zweifamilienhaus\",\"mehrfamilienhaus\":\"Mehrfamilienhaus\","
    "\"reihenhaus\":\"Reihenhaus\",\"doppelhaushaelfte\":\"Doppelhaushälfte\","
    "\"villa\":\"Villa\",\"bungalow\":\"Bungalow\"}},"
    "\"wohnung\":{\"label\":\"Wohnung\",\"types\":{\"etage\":\"Etagenwohnung\","
    "\"penthouse\":\"Penthouse\",\"maisonette\":\"Maisonette\",\"loft\":\"Loft\","
    "\"erdgeschoss\":\"Erdgeschoss\","
    "\"dachgeschoss\":\"Dachgeschoss\"}},"
    "\"grundstueck\":{\"label\":\"Grundstück\",\"types\":{\"wohnen\":\"Wohnen\","
    "\"land_forstwirtschaft\":\"Land-/Forstwirtschaft\",\"gewerbe\":\"Gewerbe\"}},"
    "\"buero_praxen\":{\"label\":\"Büro/Praxen\",\"types\":{\"bueroflaeche\":\"Bürofläche\","
    "\"buerohaus\":\"Bürohaus\",\"praxis\":\"Praxis\"}},"
    "\"einzelhandel\":{\"label\":\"Einzelhandel\",\"types\":{\"ladenlokal\":\"Ladenlokal\","
    "\"einkaufszentrum\":\"Einkaufszentrum\",\"verkaufsflaeche\":\"Verkaufsfläche\"}},"
    "\"hallen_lager_prod\":{\"label\":\"Hallen/Lager/Produktion\",\"types\":{"
    "\"lager\":\"Lager\",\"halle\":\"Halle\",\"produktion\":\"Produktion\"}},"
    "\"parken\":{\"label\":\"Parken\",\"types\":{\"stellplatz\":\"Stellplatz\","
    "\"carport\":\"Carport\",\"garage\":\"Garage\",\"tiefgarage\":\"Tiefgarage\"}},"
    "\"zimmer\":{\"label\":\"Zimmer\",\"types\":{\"zimmer\":\"Zimmer\"}}},"
    "\"action_kinds\":{"
    "\"Email\":{\"label\":\"E-Mail\",\"types\":{\"Eingang\":\"Eingang\",\"Ausgang\":\"Ausgang\"}},"
    "\"Telefonat\":{\"label\":\"Telefonat\",\"types\":{\"Eingang\":\"Eingang\","
    "\"Ausgang\":\"Ausgang\"}},"
    "\"Brief\":{\"label\":\"Brief\",\"types\":{\"Eingang\":\"Eingang\",\"Ausgang\":\"Ausgang\"}},"
    "\"Besichtigung\":{\"label\":\"Besichtigung\",\"types\":{}},"
    "\"Notiz\":{\"label\":\"Notiz\",\"types\":{}},"
    "\"Sonstiges\":{\"label\":\"Sonstiges\",\"types\":{}}},"
    "\"search_fields\":{\"vermarktungsart\":true,\"objektart\":true,\"objekttyp\":true,"
    "\"nutzungsart\":true,\"kaufpreis\":true,\"kaltmiete\":true,\"wohnflaeche\":true,"
    "\"grundstuecksflaeche\":true,\"anzahl_zimmer\":true,\"anzahl_badezimmer\":true,"
    "\"anzahl_stellplaetze\":true,\"Umkreis\":true},"
    "\"claim_required\":false,"
    "\"mandatory_fields\":{\"address\":[],\"estate\":[]},"
    "\"pipe_multiselects\":[\"HerkunftKontakt\"],"
    "\"rate_limit_per_s\":0"
    "}";

const struct emu_sc_field emu_sc_fields[] = {
    {"vermarktungsart", "Vermarktungsart", "Kategorie", "singleselect", false, SC_MARKETING,
     "vermarktungsart"},
    {"objektart", "Objektart", "Kategorie", "singleselect", false, SC_ESTATE_KIND, "objektart"},
    {"objekttyp", "Objekttyp", "Kategorie", "multiselect", false, SC_ESTATE_TYPE, "objekttyp"},
    {"nutzungsart", "Nutzungsart", "Kategorie", "multiselect", false, SC_USAGE, "nutzungsart"},
    {"kaufpreis", "Kaufpreis", "Preise", URN_TYPE "decimal", true, SC_NONE, "kaufpreis"},
    {"kaltmiete", "Kaltmiete", "Preise", URN_TYPE "decimal", true, SC_NONE, "kaltmiete"},
    {"wohnflaeche", "Wohnfläche", "Flächen", URN_TYPE "float", true, SC_NONE, "wohnflaeche"},
    {"grundstuecksflaeche", "Grundstücksfläche", "Flächen", URN_TYPE "float", true, SC_NONE,
     "grundstuecksflaeche"},
    {"anzahl_zimmer", "Zimmer", "Flächen", URN_TYPE "float", true, SC_NONE, "anzahl_zimmer"},
    {"anzahl_badezimmer", "Badezimmer", "Flächen", URN_TYPE "float", true, SC_NONE,
     "anzahl_badezimmer"},
    {"anzahl_stellplaetze", "Anzahl Stellplätze", "Ausstattung", URN_TYPE "int", true, SC_NONE,
     "anzahl_stellplaetze"},
    {"range_plz", "Umkreis PLZ", "Umkreis", URN_TYPE "varchar", false, SC_NONE, "Umkreis"},
    {"range_ort", "Umkreis Ort", "Umkreis", URN_TYPE "varchar", false, SC_NONE, "Umkreis"},
    {"range_strasse", "Umkreis Straße", "Umkreis", URN_TYPE "varchar", false, SC_NONE, "Umkreis"},
    {"range_hausnummer", "Umkreis Hausnummer", "Umkreis", URN_TYPE "varchar", false, SC_NONE,
     "Umkreis"},
    {"range", "Umkreis (km)", "Umkreis", URN_TYPE "int", false, SC_NONE, "Umkreis"},
    {"range_land", "Umkreis Land", "Umkreis", "singleselect", false, SC_COUNTRY, "Umkreis"},
};

const size_t emu_sc_fields_count = sizeof(emu_sc_fields) / sizeof(emu_sc_fields[0]);

const struct emu_sc_field *emu_sc_field_find(const char *id)
{
	for (size_t i = 0; i < emu_sc_fields_count; i++) {
		if (strcmp(emu_sc_fields[i].id, id) == 0)
			return &emu_sc_fields[i];
	}
	return NULL;
}

bool emu_sc_field_is_multi(const struct emu_sc_field *f)
{
	return strcmp(f->type, "multiselect") == 0;
}

json_t *emu_config_defaults(void)
{
	return json_loads(defaults_json, 0, NULL);
}

/* Applies overrides ov (an object) onto cfg in place. */
static void apply_overrides(json_t *cfg, json_t *ov)
{
	const char *key;
	json_t *val;
	json_object_foreach(ov, key, val)
	{
		if (strcmp(key, "search_fields") == 0 && json_is_object(val)) {
			json_t *sf = json_object_get(cfg, "search_fields");
			if (json_is_object(sf))
				json_object_update(sf, val);
			continue;
		}
		json_object_set(cfg, key, val);
	}
}

json_t *emu_config_effective(const char *overrides)
{
	json_t *cfg = emu_config_defaults();
	if (!cfg || !overrides || !*overrides)
		return cfg;
	json_t *ov = json_loads(overrides, 0, NULL);
	if (json_is_object(ov))
		apply_overrides(cfg, ov);
	json_decref(ov);
	return cfg;
}

bool emu_config_is_multiselect(const char *field)
{
	return strcmp(field, "ArtDaten") == 0 || strcmp(field, "HerkunftKontakt") == 0;
}

bool emu_config_pipe_format(json_t *cfg, const char *field)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(cfg, "pipe_multiselects"), i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), field) == 0)
			return true;
	}
	return false;
}

/* ---- validation ---- */

static int bad(struct err *e, const char *path, const char *key, const char *msg)
{
	char field[512];
	if (key)
		snprintf(field, sizeof(field), "%s.%s", path, key);
	else
		snprintf(field, sizeof(field), "%s", path);
	field[utf8_cut(field, strlen(field))] = '\0'; /* a long key may have been cut */
	return err_set(e, ERR_INVALID_FIELD, field, "%s", msg);
}

bool emu_config_key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > EMU_CONFIG_KEY_MAX || strchr(k, '|'))
		return false;
	for (const char *p = k; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

/* A label: 1-200 characters (code points, not bytes: labels are German text). */
static bool label_ok(json_t *v)
{
	return json_is_string(v) && json_string_length(v) &&
	       utf8_chars(json_string_value(v), json_string_length(v)) <= 200;
}

/* {key: label, …} */
static int check_select_map(json_t *map, const char *path, struct err *e)
{
	if (!json_is_object(map))
		return bad(e, path, NULL, "must be an object of key: label");
	const char *k;
	json_t *v;
	json_object_foreach(map, k, v)
	{
		if (!emu_config_key_ok(k))
			return bad(e, path, k, "keys must be 1-80 characters without '|'");
		if (!label_ok(v))
			return bad(e, path, k, "the label must be a string of 1-200 characters");
	}
	return 0;
}

/* {kind: {"label": …, "types": {key: label}}}; with unique_types, no type key twice. */
static int check_kinds(json_t *kinds, const char *path, bool unique_types, struct err *e)
{
	if (!json_is_object(kinds))
		return bad(e, path, NULL, "must be an object of kind: {label, types}");
	const char *k;
	json_t *v;
	json_object_foreach(kinds, k, v)
	{
		char sub[128];
		snprintf(sub, sizeof(sub), "%s.%s", path, k);
		if (!emu_config_key_ok(k))
			return bad(e, path, k, "keys must be 1-80 characters without '|'");
		if (!json_is_object(v))
			return bad(e, sub, NULL, "must be an object {label, types}");
		const char *f;
		json_t *fv;
		json_object_foreach(v, f, fv)
		{
			if (strcmp(f, "label") != 0 && strcmp(f, "types") != 0)
				return bad(e, sub, f, "unknown key (label, types)");
		}
		if (!label_ok(json_object_get(v, "label")))
			return bad(e, sub, "label", "must be a string of 1-200 characters");
		char tpath[160];
		snprintf(tpath, sizeof(tpath), "%s.types", sub);
		int rc = check_select_map(json_object_get(v, "types"), tpath, e);
		if (rc)
			return rc;
		if (!unique_types)
			continue;
		const char *t;
		json_t *tv;
		json_object_foreach(json_object_get(v, "types"), t, tv)
		{
			const char *k2;
			json_t *v2;
			json_object_foreach(kinds, k2, v2)
			{
				if (k2 == k || strcmp(k2, k) == 0)
					break;
				if (json_object_get(json_object_get(v2, "types"), t))
					return bad(e, tpath, t,
					           "the type already belongs to another kind");
			}
		}
	}
	return 0;
}

static bool sc_switch_known(const char *key)
{
	for (size_t i = 0; i < emu_sc_fields_count; i++) {
		if (strcmp(emu_sc_fields[i].switch_key, key) == 0)
			return true;
	}
	return false;
}

/* {"address": [names], "estate": [names]}: fields create/address resp. create/estate must
 * be given (plain fields or contact parameters of an address, estate data fields). */
static int check_mandatory(json_t *val, struct err *e)
{
	const char *module;
	json_t *list;
	if (!json_is_object(val))
		return bad(e, "mandatory_fields", NULL,
		           "must be an object {address: [], estate: []}");
	json_object_foreach(val, module, list)
	{
		bool address = !strcmp(module, "address");
		size_t i;
		json_t *v;
		if (!address && strcmp(module, "estate") != 0)
			return bad(e, "mandatory_fields", module,
			           "unknown module (address, estate)");
		if (!json_is_array(list))
			return bad(e, "mandatory_fields", module,
			           "must be an array of field names");
		json_array_foreach(list, i, v)
		{
			const char *name = json_string_value(v);
			bool known = false;
			for (int k = 0; name && address && k < EMU_WFIELDS; k++)
				known = known || !strcmp(emu_wfields[k].name, name);
			known = known || (name && address && emu_contact_key_find(name)) ||
			        (name && !address && emu_efield_find(name));
			if (!known)
				return bad(e, "mandatory_fields", module, "unknown field name");
		}
	}
	return 0;
}

static int check_patch(json_t *patch, struct err *e)
{
	const char *key;
	json_t *val;
	if (!json_is_object(patch))
		return err_set(e, ERR_INVALID_FIELD, NULL,
		               "the configuration must be a JSON object");
	json_object_foreach(patch, key, val)
	{
		int rc = 0;
		if (!strcmp(key, "contact_types") || !strcmp(key, "contact_origins") ||
		    !strcmp(key, "gdpr_statuses") || !strcmp(key, "salutations")) {
			rc = check_select_map(val, key, e);
		} else if (!strcmp(key, "estate_kinds")) {
			rc = check_kinds(val, key, true, e);
		} else if (!strcmp(key, "action_kinds")) {
			rc = check_kinds(val, key, false, e);
		} else if (!strcmp(key, "search_fields")) {
			if (!json_is_object(val))
				return bad(e, key, NULL, "must be an object of field: true|false");
			const char *f;
			json_t *fv;
			json_object_foreach(val, f, fv)
			{
				if (!sc_switch_known(f))
					return bad(e, key, f, "unknown search criteria field");
				if (!json_is_boolean(fv))
					return bad(e, key, f, "must be true or false");
			}
		} else if (!strcmp(key, "mandatory_fields")) {
			rc = check_mandatory(val, e);
		} else if (!strcmp(key, "claim_required")) {
			if (!json_is_boolean(val))
				return bad(e, key, NULL, "must be true or false");
		} else if (!strcmp(key, "rate_limit_per_s")) {
			if (!json_is_integer(val) || json_integer_value(val) < 0 ||
			    json_integer_value(val) > EMU_RATE_LIMIT_MAX)
				return bad(
				    e, key, NULL,
				    "must be an integer 0-1000000 (API requests per second; 0: "
				    "off)");
		} else if (!strcmp(key, "pipe_multiselects")) {
			size_t i;
			json_t *v;
			if (!json_is_array(val))
				return bad(e, key, NULL, "must be an array of field names");
			json_array_foreach(val, i, v)
			{
				if (!json_is_string(v) ||
				    !emu_config_is_multiselect(json_string_value(v)))
					return bad(e, key, NULL,
					           "entries must be ArtDaten or HerkunftKontakt");
			}
		} else {
			return bad(e, key, NULL, "unknown configuration key");
		}
		if (rc)
			return rc;
	}
	return 0;
}

int emu_config_merge(const char *old, json_t *patch, char **out, struct err *e)
{
	*out = NULL;
	int rc = check_patch(patch, e);
	if (rc)
		return rc;
	json_t *ov = old && *old ? json_loads(old, 0, NULL) : NULL;
	if (!json_is_object(ov)) {
		json_decref(ov);
		ov = json_object();
	}
	if (!ov)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	const char *key;
	json_t *val;
	json_object_foreach(patch, key, val)
	{
		json_t *cur = json_object_get(ov, "search_fields");
		if (strcmp(key, "search_fields") == 0 && json_is_object(cur))
			json_object_update(cur, val);
		else
			json_object_set(ov, key, val);
	}
	*out = json_dumps(ov, JSON_COMPACT);
	json_decref(ov);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}
