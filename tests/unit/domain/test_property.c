/* Unit tests for src/domain/property.c: the type/subtype table, its onOffice keys, and
 * that src/domain/README.md prints the same table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/property.h"

struct row {
	const char *type, *subtype, *objektart, *objekttyp, *label;
};

/* The lists of requirements §8.1, each with the key and label we decided on. */
static const struct row rows[] = {
    {"house", "single_family_house", "haus", "einfamilienhaus", "Einfamilienhaus"},
    {"house", "two_family_house", "haus", "zweifamilienhaus", "Zweifamilienhaus"},
    {"house", "multi_family_house", "haus", "mehrfamilienhaus", "Mehrfamilienhaus"},
    {"house", "terraced_house", "haus", "reihenhaus", "Reihenhaus"},
    {"house", "semi_detached_house", "haus", "doppelhaushaelfte", "Doppelhaushälfte"},
    {"house", "villa", "haus", "villa", "Villa"},
    {"house", "bungalow", "haus", "bungalow", "Bungalow"},
    {"apartment", "apartment", "wohnung", "etage", "Etagenwohnung"},
    {"apartment", "penthouse", "wohnung", "penthouse", "Penthouse"},
    {"apartment", "maisonette", "wohnung", "maisonette", "Maisonette"},
    {"apartment", "loft", "wohnung", "loft", "Loft"},
    {"apartment", "ground_floor_apartment", "wohnung", "erdgeschoss", "Erdgeschosswohnung"},
    {"apartment", "attic_apartment", "wohnung", "dachgeschoss", "Dachgeschosswohnung"},
    {"plot", "building_plot", "grundstueck", "wohnen", "Baugrundstück"},
    {"plot", "agricultural_plot", "grundstueck", "land_forstwirtschaft",
     "Land- und forstwirtschaftliches Grundstück"},
    {"plot", "commercial_plot", "grundstueck", "gewerbe", "Gewerbegrundstück"},
    {"commercial", "office", "buero_praxen", "bueroflaeche", "Büro"},
    {"commercial", "retail", "einzelhandel", "ladenlokal", "Ladenlokal"},
    {"commercial", "warehouse", "hallen_lager_prod", "lager", "Lager"},
    {"house", NULL, "haus", NULL, "Haus"},
    {"apartment", NULL, "wohnung", NULL, "Wohnung"},
    {"plot", NULL, "grundstueck", NULL, "Grundstück"},
    {"commercial", NULL, "sonstige", NULL, "Gewerbe"},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void every_pair_maps_to_its_keys(void **state)
{
	(void)state;
	assert_int_equal(property_count(), NROWS);
	assert_null(property_at(NROWS));
	for (size_t i = 0; i < NROWS; i++) {
		const struct property_kind *k = property_lookup(rows[i].type, rows[i].subtype);
		if (!k)
			fail_msg("%s/%s not found", rows[i].type, rows[i].subtype);
		assert_string_equal(k->objektart, rows[i].objektart);
		if (rows[i].objekttyp)
			assert_string_equal(k->objekttyp, rows[i].objekttyp);
		else
			assert_null(k->objekttyp);
		assert_string_equal(k->label_de, rows[i].label);
		assert_string_equal(property_label_de(rows[i].type, rows[i].subtype),
		                    rows[i].label);
	}
}

/* The objektart keys onoffice-protocol §7 lists; nutzungsart likewise. */
static void keys_are_from_onoffice_lists(void **state)
{
	(void)state;
	static const char *const objektarten[] = {
	    "haus",
	    "wohnung",
	    "grundstueck",
	    "zimmer",
	    "buero_praxen",
	    "einzelhandel",
	    "gastgewerbe",
	    "hallen_lager_prod",
	    "land_und_forstwirtschaft",
	    "freizeitimmbilien_gewerblich",
	    "sonstige",
	    "hausbau",
	};
	for (size_t i = 0; i < property_count(); i++) {
		const struct property_kind *k = property_at(i);
		bool found = false;
		for (size_t j = 0; j < sizeof(objektarten) / sizeof(objektarten[0]); j++)
			found |= strcmp(k->objektart, objektarten[j]) == 0;
		assert_true(found);
		assert_true(strcmp(k->nutzungsart, "wohnen") == 0 ||
		            strcmp(k->nutzungsart, "gewerbe") == 0);
		/* Each type row comes before its subtypes. */
		if (k->subtype)
			assert_non_null(property_lookup(k->type, NULL));
	}
}

static void subtypes_belong_to_one_type_only(void **state)
{
	(void)state;
	static const char *const types[] = {"house", "apartment", "plot", "commercial"};
	for (size_t t = 0; t < 4; t++)
		assert_true(property_type_valid(types[t]));
	for (size_t i = 0; i < NROWS; i++) {
		if (!rows[i].subtype)
			continue;
		for (size_t t = 0; t < 4; t++) {
			bool own = strcmp(types[t], rows[i].type) == 0;
			assert_int_equal(property_subtype_valid(types[t], rows[i].subtype), own);
		}
	}
	assert_false(property_type_valid("villa"));
	assert_false(property_type_valid("House"));
	assert_false(property_type_valid(""));
	assert_false(property_type_valid(NULL));
	assert_false(property_subtype_valid("house", NULL));
	assert_false(property_subtype_valid(NULL, "villa"));
	assert_false(property_subtype_valid("house", "Villa"));
	assert_false(property_subtype_valid("house", "castle"));
	assert_false(property_subtype_valid("apartment", "villa"));
	assert_false(property_subtype_valid("commercial", "building_plot"));
	assert_null(property_lookup("castle", NULL));
	assert_null(property_label_de("house", "penthouse"));
}

static void subtype_lists_for_messages(void **state)
{
	(void)state;
	char list[PROPERTY_LIST_MAX];
	assert_int_equal(property_subtypes_list("commercial", list, sizeof(list)),
	                 strlen("office, retail, warehouse"));
	assert_string_equal(list, "office, retail, warehouse");
	property_subtypes_list("house", list, sizeof(list));
	assert_string_equal(list, "single_family_house, two_family_house, multi_family_house, "
	                          "terraced_house, semi_detached_house, villa, bungalow");
	assert_int_equal(property_subtypes_list("castle", list, sizeof(list)), 0);
	assert_string_equal(list, "");
	assert_int_equal(property_subtypes_list("house", list, 10), 0);
	assert_string_equal(list, "");
}

/* src/domain/README.md holds the same table: one line per row, cells in table order. */
static void readme_prints_the_same_table(void **state)
{
	(void)state;
	char path[4096];
	const char *here = __FILE__; /* …/tests/unit/domain/test_property.c */
	const char *cut = strstr(here, "tests/unit/domain/");
	if (!cut)
		skip();
	snprintf(path, sizeof(path), "%.*ssrc/domain/README.md", (int)(cut - here), here);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	static char text[65536];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < property_count(); i++) {
		const struct property_kind *k = property_at(i);
		char line[512];
		snprintf(line, sizeof(line), "| %s | %s | %s | %s | %s | %s |", k->type,
		         k->subtype ? k->subtype : "—", k->objektart,
		         k->objekttyp ? k->objekttyp : "—", k->nutzungsart, k->label_de);
		if (!strstr(text, line))
			fail_msg("README.md lacks the row: %s", line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_pair_maps_to_its_keys),
	    cmocka_unit_test(keys_are_from_onoffice_lists),
	    cmocka_unit_test(subtypes_belong_to_one_type_only),
	    cmocka_unit_test(subtype_lists_for_messages),
	    cmocka_unit_test(readme_prints_the_same_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
