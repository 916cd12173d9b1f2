/*
 * address_read.h - fetching a page of addresses with what a read asks for
 * (columns, contact entries, multiselect values), and turning one of them
 * into the `elements` of a read/address record. Shared by read/address and
 * get/search.
 */
#ifndef IMMO_EMU_ADDRESS_READ_H
#define IMMO_EMU_ADDRESS_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"
#include "store/db.h"

#define EMU_ADDRESS_NCOLS 19

struct emu_entry {
	int64_t address_id, id;
	char type[8];
	char *value, *comment;
	bool is_default;
};

struct emu_multi {
	int64_t address_id;
	char field[24];
	char *key;
};

struct emu_row {
	int64_t id;
	char *col[EMU_ADDRESS_NCOLS]; /* NULL for SQL NULL */
};

/* A page of addresses in query order, with their entries and multiselect values. */
struct emu_page {
	struct emu_row *rows;
	size_t nrows;
	struct emu_entry *entries; /* sorted by address_id, id */
	size_t nentries;
	struct emu_multi *multis; /* sorted by address_id, field, position */
	size_t nmultis;
};

/*
 * Runs st (already bound; it selects EMU_ADDRESS_COLUMNS) and appends its rows to p.
 * Then, when want_entries / want_multis, loads the entries / multiselect values of every
 * row on c. p must start zeroed (or released); release it with emu_page_release.
 */
int emu_page_fetch(struct db_conn *c, struct db_stmt *st, bool want_entries, bool want_multis,
                   struct emu_page *p, struct err *e);
void emu_page_release(struct emu_page *p);

/* The entries of address id in p: *n of them starting at the returned pointer. */
const struct emu_entry *emu_page_entries(const struct emu_page *p, int64_t id, size_t *n);
const struct emu_multi *emu_page_multis(const struct emu_page *p, int64_t id, size_t *n);

/* How values come out. */
struct emu_read_format {
	int country;       /* 0 German name, 2 ISO-3166-2, 3 ISO-3166-3 */
	bool formatoutput; /* selects as labels */
	json_t *cfg;       /* the customer's effective configuration (labels, pipe format) */
};

/*
 * Adds field f of row to elements the way read/address outputs it (several keys for
 * contact entries). Returns 0 or ERR_NOMEM.
 */
int emu_read_put(json_t *elements, const struct emu_afield *f, const struct emu_row *row,
                 const struct emu_page *p, const struct emu_read_format *fmt);

#endif
