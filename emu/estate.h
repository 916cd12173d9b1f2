/*
 * estate.h - the estate fields the emulator knows (onoffice-protocol §7, §9):
 * get/fields reports them, create/estate accepts them in parameters.data and
 * read/estate returns them. Estate field names are lower case.
 */
#ifndef IMMO_EMU_ESTATE_H
#define IMMO_EMU_ESTATE_H

#include <stddef.h>

/* Select value maps (JSON objects key → label). */
extern const char emu_marketing_json[]; /* vermarktungsart */
extern const char emu_usage_json[];     /* nutzungsart */
extern const char emu_estate_status_json[];

struct emu_efield {
	const char *name;
	const char *type; /* singleselect, varchar, float, integer, boolean */
	int length;       /* varchar length */
	/* Permitted values: "@kinds", "@types", "@countries", a JSON map, or NULL. */
	const char *values;
	const char *label;
};

extern const struct emu_efield emu_efields[];
extern const size_t emu_efields_count;

/* The estate field called name (case-sensitive), or NULL. */
const struct emu_efield *emu_efield_find(const char *name);

#endif
