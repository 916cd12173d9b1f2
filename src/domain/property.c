#include "domain/property.h"

#include <stdio.h>
#include <string.h>

/*
 * The mapping, our decision where onOffice's documentation gives no key (see the
 * header). Commercial subtypes have different objektarten; commercial without a
 * subtype has no better objektart than "sonstige".
 */
static const struct property_kind kinds[] = {
    {"house", NULL, "haus", NULL, "wohnen", "Haus"},
    {"house", "single_family_house", "haus", "einfamilienhaus", "wohnen", "Einfamilienhaus"},
    {"house", "two_family_house", "haus", "zweifamilienhaus", "wohnen", "Zweifamilienhaus"},
    {"house", "multi_family_house", "haus", "mehrfamilienhaus", "wohnen", "Mehrfamilienhaus"},
    {"house", "terraced_house", "haus", "reihenhaus", "wohnen", "Reihenhaus"},
    {"house", "semi_detached_house", "haus", "doppelhaushaelfte", "wohnen", "Doppelhaushälfte"},
    {"house", "villa", "haus", "villa", "wohnen", "Villa"},
    {"house", "bungalow", "haus", "bungalow", "wohnen", "Bungalow"},
    {"apartment", NULL, "wohnung", NULL, "wohnen", "Wohnung"},
    {"apartment", "apartment", "wohnung", "etage", "wohnen", "Etagenwohnung"},
    {"apartment", "penthouse", "wohnung", "penthouse", "wohnen", "Penthouse"},
    {"apartment", "maisonette", "wohnung", "maisonette", "wohnen", "Maisonette"},
    {"apartment", "loft", "wohnung", "loft", "wohnen", "Loft"},
    {"apartment", "ground_floor_apartment", "wohnung", "erdgeschoss", "wohnen",
     "Erdgeschosswohnung"},
    {"apartment", "attic_apartment", "wohnung", "dachgeschoss", "wohnen", "Dachgeschosswohnung"},
    {"plot", NULL, "grundstueck", NULL, "wohnen", "Grundstück"},
    {"plot", "building_plot", "grundstueck", "wohnen", "wohnen", "Baugrundstück"},
    {"plot", "agricultural_plot", "grundstueck", "land_forstwirtschaft", "gewerbe",
     "Land- und forstwirtschaftliches Grundstück"},
    {"plot", "commercial_plot", "grundstueck", "gewerbe", "gewerbe", "Gewerbegrundstück"},
    {"commercial", NULL, "sonstige", NULL, "gewerbe", "Gewerbe"},
    {"commercial", "office", "buero_praxen", "bueroflaeche", "gewerbe", "Büro"},
    {"commercial", "retail", "einzelhandel", "ladenlokal", "gewerbe", "Ladenlokal"},
    {"commercial", "warehouse", "hallen_lager_prod", "lager", "gewerbe", "Lager"},
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

size_t property_count(void)
{
	return NKINDS;
}

const struct property_kind *property_at(size_t i)
{
	return i < NKINDS ? &kinds[i] : NULL;
}

const struct property_kind *property_lookup(const char *type, const char *subtype)
{
	if (!type)
		return NULL;
	for (size_t i = 0; i < NKINDS; i++) {
		const struct property_kind *k = &kinds[i];
		if (strcmp(k->type, type) != 0)
			continue;
		if (!subtype && !k->subtype)
			return k;
		if (subtype && k->subtype && strcmp(k->subtype, subtype) == 0)
			return k;
	}
	return NULL;
}

bool property_type_valid(const char *type)
{
	return property_lookup(type, NULL) != NULL;
}

bool property_subtype_valid(const char *type, const char *subtype)
{
	return subtype && property_lookup(type, subtype) != NULL;
}

const char *property_label_de(const char *type, const char *subtype)
{
	const struct property_kind *k = property_lookup(type, subtype);
	return k ? k->label_de : NULL;
}

size_t property_subtypes_list(const char *type, char *out, size_t cap)
{
	size_t len = 0;
	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (size_t i = 0; type && i < NKINDS; i++) {
		const struct property_kind *k = &kinds[i];
		if (!k->subtype || strcmp(k->type, type) != 0)
			continue;
		int n = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", k->subtype);
		if (n < 0 || (size_t)n >= cap - len) {
			out[0] = '\0';
			return 0;
		}
		len += (size_t)n;
	}
	return len;
}
