/*
 * full.c - the full import of a pass: note the account's highest Aenderung (the
 * periodic import's start), count the scope branches (the progress bar's total),
 * then walk each branch with keyset paging on the immutable id (Id > last, sorted by
 * Id, 500 per page, the next page read ahead), committing each page with its position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onoffice/address.h"
#include "sync/fetch.h"
#include "sync/map.h"
#include "sync/mark.h"
#include "sync/pass.h"
#include "sync/sync_int.h"

static int read_mark(struct pass *p, char *out, struct err *e)
{
	json_t *records;
	int rc = pass_read_page(p, NULL, pass_mark_fields, 1, "Aenderung", "DESC", 1, 0, &records,
	                        NULL, e);
	if (rc)
		return rc;
	sync_record_mark(json_array_get(records, 0), out);
	if (!out[0])
		snprintf(out, SYNC_MARK_MAX, "%s", SYNC_MARK_ZERO);
	json_decref(records);
	return 0;
}

static int count_branch(struct pass *p, size_t b, bool consent, int64_t *cnt, struct err *e)
{
	json_t *filter, *records = NULL;
	int rc = pass_base_filter(p, b, consent, &filter, e);
	if (!rc)
		rc = pass_read_page(p, filter, NULL, 0, NULL, NULL, 1, 0, &records, cnt, e);
	json_decref(filter);
	json_decref(records);
	if (!rc && *cnt < 0)
		*cnt = 0;
	return rc;
}

static int cursor_all(struct pass *p, const char *mark, char **out, struct err *e)
{
	json_t *o = json_object();
	char name[24];
	int bad = !o || json_object_set_new(o, "k", json_string(mark));
	for (size_t b = 0; !bad && b < p->nb; b++) {
		snprintf(name, sizeof(name), "n%zu", b);
		bad = json_object_set_new(o, name, json_string(mark));
	}
	*out = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

/* The highest id of a page (before mapping it). */
static int64_t page_max_id(json_t *records)
{
	int64_t max = 0, id;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec) if (!oo_record_id(rec, &id) && id > max) max = id;
	return max;
}

/* Walks branch b from the id after last to its end (or the slice's end). */
static int walk_branch(struct pass *p, size_t b, int64_t last, int64_t *done, int64_t *total,
                       struct err *e)
{
	struct sync_fetch f = {0};
	bool fresh = last == 0; /* the branch's first page counts it (branch 0, see below) */
	int rc;
	sync_fetch_start(&f, p, b, last);
	for (;;) {
		json_t *records;
		int64_t cnt;
		struct pass_page pg;
		if ((rc = sync_fetch_wait(&f, &records, &cnt, e)))
			return rc;
		size_t n = json_array_size(records);
		int64_t max_id = page_max_id(records);
		bool end = n < PASS_PAGE || (cnt >= 0 && (int64_t)n >= cnt);
		if (n && max_id <= last) {
			json_decref(records);
			return err_set(e, ERR_OO_FINAL, NULL,
			               "onOffice did not honour the filter Id > %lld",
			               (long long)last);
		}
		bool prefetched = !end && !pass_stopping(p) && !pass_slice_over(p);
		if (prefetched)
			sync_fetch_start(&f, p, b, max_id);
		rc = pass_page_map(p, records, b, false, NULL, &pg, e);
		json_decref(records);
		struct import_progress pr = {
		    .set = IMPORT_SET_DONE | IMPORT_SET_KEYSET,
		    .done_add = (int64_t)n,
		    .init_branch = end ? (int64_t)b + 1 : (int64_t)b,
		    .init_last_id = end ? 0 : max_id,
		};
		if (b == 0 && fresh && cnt > 0) /* branch 0 is counted by its first page */
			*total += cnt;
		fresh = false;
		if (*done + (int64_t)n > *total)
			*total = *done + (int64_t)n;
		pr.set |= IMPORT_SET_TOTAL;
		pr.total = *total;
		if (!rc)
			rc = pass_commit(p, pg.k, pg.nk, NULL, 0, &pr, e);
		pass_page_release(&pg);
		if (rc) {
			sync_fetch_drop(&f);
			return rc;
		}
		*done += (int64_t)n;
		p->r->pages++;
		p->r->records += (int64_t)n;
		last = max_id;
		if (end || p->r->stopped) {
			sync_fetch_drop(&f);
			return 0;
		}
		if (!prefetched) {
			if (pass_stopping(p))
				return err_set(e, ERR_UNAVAILABLE, NULL, "shutting down");
			p->r->more = true; /* the slice is over */
			return 0;
		}
	}
}

int pass_run_full(struct pass *p, struct err *e)
{
	struct import_state *st = &p->st;
	int rc;
	if (!st->init_mark[0]) {
		char mark[SYNC_MARK_MAX];
		if ((rc = read_mark(p, mark, e)))
			return rc;
		struct import_progress pr = {.set = IMPORT_SET_MARK, .init_mark = mark};
		if ((rc = pass_commit(p, NULL, 0, NULL, 0, &pr, e)))
			return rc;
		snprintf(st->init_mark, sizeof(st->init_mark), "%s", mark);
	}
	if (!st->init_counted) {
		/* The total for the progress bar: branch 0 is counted by its first page; the
		 * others (types AND without type) need a count each. */
		int64_t total = 0, cnt;
		for (size_t b = 1; b < p->nb; b++) {
			if ((rc = count_branch(p, b, true, &cnt, e)))
				return rc;
			total += cnt;
		}
		struct import_progress pr = {.set = IMPORT_SET_TOTAL | IMPORT_SET_COUNTED,
		                             .total = total,
		                             .init_counted = true};
		if ((rc = pass_commit(p, NULL, 0, NULL, 0, &pr, e)))
			return rc;
		st->total = total;
		st->init_counted = true;
	}
	if (p->r->stopped)
		return 0;
	int64_t done = st->done, total = st->total;
	for (size_t b = (size_t)st->init_branch; b < p->nb; b++) {
		if (pass_stopping(p))
			return err_set(e, ERR_UNAVAILABLE, NULL, "shutting down");
		if (pass_slice_over(p)) {
			p->r->more = true;
			return 0;
		}
		int64_t last = b == (size_t)st->init_branch ? st->init_last_id : 0;
		if ((rc = walk_branch(p, b, last, &done, &total, e)) || p->r->stopped || p->r->more)
			return rc;
	}
	char *cursor;
	if ((rc = cursor_all(p, st->init_mark, &cursor, e)))
		return rc;
	struct import_progress pr = {
	    .set = IMPORT_SET_PHASE | IMPORT_SET_CURSOR | IMPORT_SET_SCOPE | IMPORT_SET_KEYSET |
	           IMPORT_SET_TOTAL | IMPORT_SET_COUNTED,
	    .phase = "idle",
	    .cursor = cursor,
	    .scope_hash = p->scope.hash,
	    .total = done,
	};
	rc = pass_commit(p, NULL, 0, NULL, 0, &pr, e);
	free(cursor);
	if (!rc)
		p->r->initial_done = true;
	return rc;
}
