/*
 * seed_data.h - the word lists `onoffice-emu seed` draws from: German first and
 * last names, streets, cities with postcode ranges and dialling codes (also a
 * few Austrian and Swiss ones), e-mail providers, company forms, comments.
 */
#ifndef IMMO_EMU_SEED_DATA_H
#define IMMO_EMU_SEED_DATA_H

#include <stddef.h>

struct seed_city {
	const char *name;
	int zip_lo, zip_hi; /* a range of real-looking postcodes */
	const char *area;   /* dialling code without the trunk 0: "241" */
	const char *land;   /* ISO-3 */
};

struct seed_list {
	const char *const *items;
	size_t n;
};

extern const struct seed_list seed_male, seed_female, seed_surnames, seed_streets, seed_providers,
    seed_company_forms, seed_comments, seed_company_words;
extern const struct seed_city seed_cities_deu[], seed_cities_aut[], seed_cities_che[];
extern const size_t seed_cities_deu_n, seed_cities_aut_n, seed_cities_che_n;
/* Mobile prefixes without the trunk 0, per country. */
extern const struct seed_list seed_mobile_deu, seed_mobile_aut, seed_mobile_che;

#endif
