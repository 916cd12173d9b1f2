/* The estate field catalogue (estate.h). */
#include "estate.h"

#include <string.h>

const char emu_marketing_json[] =
    "{\"kauf\":\"Kauf\",\"miete\":\"Miete\",\"pacht\":\"Pacht\",\"erbpacht\":\"Erbpacht\"}";
const char emu_usage_json[] = "{\"wohnen\":\"Wohnen\",\"gewerbe\":\"Gewerbe\","
                              "\"anlage\":\"Anlage\",\"waz\":\"Wohnen auf Zeit\"}";
const char emu_estate_status_json[] = "{\"1\":\"Aktiv\",\"2\":\"Inaktiv\",\"0\":\"Archiviert\"}";

const struct emu_efield emu_efields[] = {
    {"objektart", "singleselect", 0, "@kinds", "Objektart"},
    {"objekttyp", "singleselect", 0, "@types", "Objekttyp"},
    {"nutzungsart", "singleselect", 0, emu_usage_json, "Nutzungsart"},
    {"vermarktungsart", "singleselect", 0, emu_marketing_json, "Vermarktungsart"},
    {"objekttitel", "varchar", 255, NULL, "Objekttitel"},
    {"objektnr_extern", "varchar", 40, NULL, "ImmoNr"},
    {"strasse", "varchar", 80, NULL, "Straße"},
    {"hausnummer", "varchar", 20, NULL, "Hausnummer"},
    {"plz", "varchar", 20, NULL, "PLZ"},
    {"ort", "varchar", 80, NULL, "Ort"},
    {"land", "singleselect", 0, "@countries", "Land"},
    {"breitengrad", "float", 0, NULL, "Breitengrad"},
    {"laengengrad", "float", 0, NULL, "Längengrad"},
    {"kaufpreis", "float", 0, NULL, "Kaufpreis"},
    {"kaltmiete", "float", 0, NULL, "Kaltmiete"},
    {"wohnflaeche", "float", 0, NULL, "Wohnfläche"},
    {"grundstuecksflaeche", "float", 0, NULL, "Grundstücksfläche"},
    {"anzahl_zimmer", "float", 0, NULL, "Zimmer"},
    {"anzahl_badezimmer", "float", 0, NULL, "Badezimmer"},
    {"anzahl_stellplaetze", "integer", 0, NULL, "Anzahl Stellplätze"},
    {"baujahr", "integer", 0, NULL, "Baujahr"},
    {"status", "singleselect", 0, emu_estate_status_json, "Status"},
    {"verkauft", "boolean", 0, NULL, "Verkauft/Vermietet"},
    {"reserviert", "boolean", 0, NULL, "Reserviert"},
};

const size_t emu_efields_count = sizeof(emu_efields) / sizeof(emu_efields[0]);

const struct emu_efield *emu_efield_find(const char *name)
{
	for (size_t i = 0; i < emu_efields_count; i++) {
		if (strcmp(emu_efields[i].name, name) == 0)
			return &emu_efields[i];
	}
	return NULL;
}
