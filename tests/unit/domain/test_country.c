/* Unit tests for src/domain/country.c: the table's shape and lookups by code and name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/country.h"
#include "domain/text.h"

static bool upper_letters(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static void table_is_complete_sorted_and_unique(void **state)
{
	(void)state;
	size_t n = country_count();
	assert_int_equal(n, 249); /* every ISO 3166-1 entry */
	assert_null(country_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct country *c = country_at(i);
		assert_true(upper_letters(c->alpha2, 2));
		assert_true(upper_letters(c->alpha3, 3));
		assert_true(c->name_de[0] != '\0');
		if (i > 0)
			assert_true(strcmp(country_at(i - 1)->alpha2, c->alpha2) < 0);
		for (size_t j = i + 1; j < n; j++) {
			const struct country *d = country_at(j);
			assert_string_not_equal(c->alpha3, d->alpha3);
			const char *names[] = {c->name_de, c->alias_de};
			const char *others[] = {d->name_de, d->alias_de};
			for (int a = 0; a < 2; a++)
				for (int b = 0; b < 2; b++)
					if (names[a] && others[b] &&
					    text_fold_equal(names[a], strlen(names[a]), others[b],
					                    strlen(others[b])))
						fail_msg("%s and %s share the name %s", c->alpha2,
						         d->alpha2, names[a]);
		}
	}
}

static void every_entry_is_found_by_each_of_its_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < country_count(); i++) {
		const struct country *c = country_at(i);
		assert_ptr_equal(country_by_alpha2(c->alpha2), c);
		assert_ptr_equal(country_by_alpha3(c->alpha3), c);
		assert_ptr_equal(country_by_name_de(c->name_de), c);
		assert_ptr_equal(country_from_any(c->alpha2), c);
		assert_ptr_equal(country_from_any(c->alpha3), c);
		assert_ptr_equal(country_from_any(c->name_de), c);
		if (c->alias_de) {
			assert_ptr_equal(country_by_name_de(c->alias_de), c);
			assert_ptr_equal(country_from_any(c->alias_de), c);
		}
	}
}

struct expect {
	const char *alpha2, *alpha3, *name_de;
};

/* EU and EEA members, and the neighbours and markets named in the issue. */
static const struct expect expected[] = {
    {"AT", "AUT", "Österreich"},
    {"BE", "BEL", "Belgien"},
    {"BG", "BGR", "Bulgarien"},
    {"HR", "HRV", "Kroatien"},
    {"CY", "CYP", "Zypern"},
    {"CZ", "CZE", "Tschechien"},
    {"DK", "DNK", "Dänemark"},
    {"EE", "EST", "Estland"},
    {"FI", "FIN", "Finnland"},
    {"FR", "FRA", "Frankreich"},
    {"DE", "DEU", "Deutschland"},
    {"GR", "GRC", "Griechenland"},
    {"HU", "HUN", "Ungarn"},
    {"IE", "IRL", "Irland"},
    {"IT", "ITA", "Italien"},
    {"LV", "LVA", "Lettland"},
    {"LT", "LTU", "Litauen"},
    {"LU", "LUX", "Luxemburg"},
    {"MT", "MLT", "Malta"},
    {"NL", "NLD", "Niederlande"},
    {"PL", "POL", "Polen"},
    {"PT", "PRT", "Portugal"},
    {"RO", "ROU", "Rumänien"},
    {"SK", "SVK", "Slowakei"},
    {"SI", "SVN", "Slowenien"},
    {"ES", "ESP", "Spanien"},
    {"SE", "SWE", "Schweden"},
    {"IS", "ISL", "Island"},
    {"LI", "LIE", "Liechtenstein"},
    {"NO", "NOR", "Norwegen"},
    {"CH", "CHE", "Schweiz"},
    {"GB", "GBR", "Vereinigtes Königreich"},
    {"US", "USA", "Vereinigte Staaten"},
    {"TR", "TUR", "Türkei"},
    {"RU", "RUS", "Russland"},
    {"UA", "UKR", "Ukraine"},
    {"CN", "CHN", "China"},
    {"JP", "JPN", "Japan"},
    {"KR", "KOR", "Südkorea"},
    {"CA", "CAN", "Kanada"},
    {"AU", "AUS", "Australien"},
    {"BR", "BRA", "Brasilien"},
    {"IN", "IND", "Indien"},
    {"ZA", "ZAF", "Südafrika"},
    {"AE", "ARE", "Vereinigte Arabische Emirate"},
    {"MA", "MAR", "Marokko"},
};

static void known_countries_have_expected_codes_and_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct country *c = country_by_alpha2(expected[i].alpha2);
		assert_non_null(c);
		assert_string_equal(c->alpha3, expected[i].alpha3);
		assert_string_equal(c->name_de, expected[i].name_de);
	}
}

struct lookup_case {
	const char *text;
	const char *alpha2; /* NULL: not found */
};

static const struct lookup_case any_cases[] = {
    {"DE", "DE"},
    {"de", "DE"},
    {"De", "DE"},
    {"DEU", "DE"},
    {"deu", "DE"},
    {"Deutschland", "DE"},
    {"deutschland", "DE"},
    {"DEUTSCHLAND", "DE"},
    {" Deutschland ", "DE"},
    {"\tDE", "DE"},
    {"Österreich", "AT"},
    {"ÖSTERREICH", "AT"},
    {"österreich", "AT"},
    {"AUT", "AT"},
    {"Schweiz", "CH"},
    {"CHE", "CH"},
    {"Großbritannien", "GB"},
    {"Vereinigtes Königreich", "GB"},
    {"USA", "US"},
    {"Vereinigte Staaten von Amerika", "US"},
    {"Tschechische Republik", "CZ"},
    {"Türkei", "TR"},
    {"TÜRKEI", "TR"},
    {"Türkiye", "TR"},
    {"Russische Föderation", "RU"},
    {"Frankreich", "FR"},
    {"Dänemark", "DK"},
    {"Åland", "AX"},
    {"Côte d'Ivoire", "CI"},
    {"Elfenbeinküste", "CI"},
    /* failures */
    {NULL, NULL},
    {"", NULL},
    {"   ", NULL},
    {"D", NULL},
    {"DEUT", NULL},
    {"XX", NULL},
    {"XK", NULL}, /* Kosovo: user-assigned, not in ISO 3166-1 */
    {"XXX", NULL},
    {"D E", NULL},
    {"Deutschlan", NULL},
    {"Deutschland GmbH", NULL},
    {"Germany", NULL}, /* English names are not in the table */
    {"Oesterreich", NULL},
    {"\xC3\x28", NULL}, /* invalid UTF-8 */
    {"D\xC3\xA4", NULL},
};

static void from_any_accepts_each_form_and_refuses_the_rest(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(any_cases) / sizeof(any_cases[0]); i++) {
		const struct lookup_case *c = &any_cases[i];
		const struct country *got = country_from_any(c->text);
		if (c->alpha2) {
			if (!got || strcmp(got->alpha2, c->alpha2) != 0)
				fail_msg("row %zu \"%s\": got %s, want %s", i, c->text,
				         got ? got->alpha2 : "NULL", c->alpha2);
		} else if (got) {
			fail_msg("row %zu \"%s\": got %s, want none", i, c->text ? c->text : "NULL",
			         got->alpha2);
		}
	}
}

static void single_form_lookups_take_only_their_form(void **state)
{
	(void)state;
	assert_non_null(country_by_alpha2("at"));
	assert_null(country_by_alpha2("AUT"));
	assert_null(country_by_alpha2("Österreich"));
	assert_null(country_by_alpha2(NULL));
	assert_null(country_by_alpha2("A1"));
	assert_null(country_by_alpha2("A"));
	assert_non_null(country_by_alpha3("aut"));
	assert_null(country_by_alpha3("AT"));
	assert_null(country_by_alpha3(NULL));
	assert_null(country_by_alpha3("AU1"));
	assert_non_null(country_by_name_de("österreich"));
	assert_null(country_by_name_de("AT"));
	assert_null(country_by_name_de(NULL));
	assert_null(country_by_name_de(""));
	/* The binary search finds both ends of the table. */
	assert_string_equal(country_by_alpha2("AD")->alpha3, "AND");
	assert_string_equal(country_by_alpha2("ZW")->alpha3, "ZWE");
	assert_null(country_by_alpha2("AA"));
	assert_null(country_by_alpha2("ZZ"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_is_complete_sorted_and_unique),
	    cmocka_unit_test(every_entry_is_found_by_each_of_its_keys),
	    cmocka_unit_test(known_countries_have_expected_codes_and_names),
	    cmocka_unit_test(from_any_accepts_each_form_and_refuses_the_rest),
	    cmocka_unit_test(single_form_lookups_take_only_their_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
