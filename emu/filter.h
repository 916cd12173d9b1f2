/*
 * filter.h - the `filter` parameter of read/address turned into SQL.
 *
 * `{"<field>": [{"op": "<op>", "val": <v>}, …], …}`: every expression becomes
 * one condition, all ANDed (onoffice-protocol §5.2). Operators and their aliases
 * are matched case-insensitively; text values are compared case-insensitively
 * through folded columns. What each operator means on text, numbers, dates,
 * multiselects and the all-entries fields phone/mobile/fax/email is written
 * down in emu/README.md ("Filters").
 */
#ifndef IMMO_EMU_FILTER_H
#define IMMO_EMU_FILTER_H

#include <jansson.h>

#include "action.h"
#include "sqlq.h"

/*
 * Appends " AND (<condition>)" to q for every expression in filter (an object, or NULL
 * for none). Returns 0, or an onOffice error code (141 unknown field, 142 unknown
 * operator, 232 operator not allowed on a multiselect, 257 malformed expression) set
 * into ans with its message.
 */
int emu_filter_sql(json_t *filter, struct sqlq *q, struct emu_answer *ans);

/* Finds the field a filter names, or NULL (141). */
typedef const struct emu_afield *(*emu_field_lookup)(const char *name);

/*
 * emu_filter_sql over another record type (agents log, estates): find names its fields,
 * whose cmp expressions refer to that table. Only scalar kinds (not AF_MULTI, AF_ENTRIES)
 * may be returned, and fields without cmp are refused as unknown (141).
 */
int emu_filter_sql_with(json_t *filter, emu_field_lookup find, struct sqlq *q,
                        struct emu_answer *ans);

#endif
