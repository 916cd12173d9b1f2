/*
 * readq.h - the list parameters the reads of issue #4 share (read/agentslog,
 * read/estate): `data`, `sortby`/`sortorder`, `listlimit`/`listoffset`, with
 * the same rules as read/address (emu/README.md): unknown data fields 141,
 * `data` not an array 74, unknown or unsortable sort fields 212, listlimit
 * clamped to 500, negative paging 255.
 */
#ifndef IMMO_EMU_READQ_H
#define IMMO_EMU_READQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "address.h"
#include "action.h"
#include "filter.h"
#include "sqlq.h"

#define EMU_READQ_MAX_DATA 64
#define EMU_READQ_MAX_SORT 8

struct emu_readq {
	const struct emu_afield *data[EMU_READQ_MAX_DATA];
	size_t ndata;
	struct {
		const struct emu_afield *f;
		bool desc;
	} sort[EMU_READQ_MAX_SORT];
	size_t nsort;
	int64_t limit, offset;
};

/*
 * Appends f to data[0..*n) unless it is listed already (a field named twice is read
 * once). Returns 0, or, when the list is full (max), the code OO_BAD_PARAMETER for
 * "data" set in ans.
 */
int emu_readq_add_field(const struct emu_afield **data, size_t *n, size_t max,
                        const struct emu_afield *f, struct emu_answer *ans);

/*
 * Parses data, sortby/sortorder, listlimit and listoffset of params with find naming the
 * fields. Fields without cmp cannot be sorted by. Returns 0 or an error code set in ans.
 */
int emu_readq_parse(json_t *params, emu_field_lookup find, struct emu_readq *r,
                    struct emu_answer *ans);

/* Appends " ORDER BY …" for r's sort keys, then id_expr in the direction of the last key;
 * without sort keys the order is defaults (an SQL list, e.g. "l.datum DESC, l.id DESC"). */
void emu_readq_order_sql(const struct emu_readq *r, const char *id_expr, const char *defaults,
                         struct sqlq *q);

/* Appends " LIMIT ? OFFSET ?" with r's paging. */
void emu_readq_limit_sql(const struct emu_readq *r, struct sqlq *q);

/*
 * An id list parameter (an array of ids, or one id, as the docs' examples send both):
 * appends " AND <expr> IN (…)" to q. Absent or null appends nothing; [] matches everything
 * when empty_all (recordids, as read/address), else nothing. Not an id (or list of them)
 * → 185, more than 500 → 302.
 */
int emu_readq_ids(json_t *params, const char *name, const char *expr, bool empty_all,
                  struct sqlq *q, struct emu_answer *ans);

/*
 * The body of a list read's transaction: counts with count_q into *count, then (unless
 * the limit is 0 or the offset lies past the end) appends one record of the given type
 * per row of page_q to records, its id in column id_col and its elements made by
 * elements(arg, st). Re-runnable: records is cleared first. Returns 0 or an error code.
 */
int emu_readq_run(struct db_conn *c, const struct emu_readq *rq, struct sqlq *count_q,
                  struct sqlq *page_q, const char *type, int id_col,
                  json_t *(*elements)(void *arg, struct db_stmt *st), void *arg, int64_t *count,
                  json_t *records, struct err *e);

/*
 * The end of a list read: refuses queries that grew too large, runs tx (which fills
 * *records and *count, e.g. through emu_readq_run) and hands records and count to ans.
 * *records is NULL afterwards on success; the caller releases it on failure.
 */
int emu_readq_answer(struct emu_action *a, struct emu_answer *ans, struct sqlq *count_q,
                     struct sqlq *page_q, db_tx_fn tx, void *arg, json_t **records,
                     const int64_t *count);

#endif
