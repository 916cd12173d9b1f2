/*
 * periodic.c - the periodic import of a pass: per scope branch, the addresses changed
 * since the branch's cursor with consent; and, for every changed address, only its
 * consent (no consent filter, so a revocation blocks a known contact, R-I6). Each
 * stream reads from its cursor minus the overlap (mark.c), sorted by Aenderung; after a
 * page that moves the cursor it reads again from it at offset 0, else it pages on by
 * offset (ties, the overlap); records are deduplicated per stream (seen.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onoffice/address.h"
#include "sync/map.h"
#include "sync/mark.h"
#include "sync/pass.h"
#include "sync/seen.h"
#include "sync/sync_int.h"

/* One stream: branch b's addresses with consent, or (b == nb) every address's consent. */
static int run_stream(struct pass *p, size_t b, json_t *cursor, struct err *e)
{
	bool consents = b == p->nb;
	char name[24], wm[SYNC_MARK_MAX], lower[SYNC_MARK_MAX];
	struct sync_seen seen = SYNC_SEEN_INIT;
	int64_t offset = 0;
	bool first = true;
	int rc = 0;
	if (consents)
		snprintf(name, sizeof(name), "k");
	else
		snprintf(name, sizeof(name), "n%zu", b);
	const char *w = json_string_value(json_object_get(cursor, name));
	snprintf(wm, sizeof(wm), "%s",
	         sync_mark_valid(w)                 ? w
	         : sync_mark_valid(p->st.init_mark) ? p->st.init_mark
	                                            : SYNC_MARK_ZERO);
	for (int pages = 0; pages < PASS_MAX_PAGES; pages++) {
		if (pass_stopping(p)) {
			rc = err_set(e, ERR_UNAVAILABLE, NULL, "shutting down");
			break;
		}
		if (pass_slice_over(p)) {
			p->r->more = true;
			break;
		}
		if (first)
			sync_mark_lower(wm, p->eng->overlap_s, lower);
		else
			memcpy(lower, wm, sizeof(wm));
		json_t *filter, *records = NULL;
		int64_t cnt = -1;
		struct pass_page pg;
		if ((rc = pass_base_filter(p, b, !consents, &filter, e)))
			break;
		if (oo_filter_add(&filter, "Aenderung", ">=", json_string(lower))) {
			json_decref(filter);
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
			break;
		}
		rc = consents
		         ? pass_read_page(p, filter, pass_consent_fields, 2, "Aenderung", "ASC",
		                          PASS_PAGE, offset, &records, &cnt, e)
		         : pass_read_page(p, filter, sync_import_fields, sync_import_nfields,
		                          "Aenderung", "ASC", PASS_PAGE, offset, &records, &cnt, e);
		json_decref(filter);
		if (rc)
			break;
		size_t n = json_array_size(records);
		if (!n) {
			json_decref(records);
			break;
		}
		rc = pass_page_map(p, records, b, consents, &seen, &pg, e);
		json_decref(records);
		if (rc) {
			pass_page_release(&pg);
			break;
		}
		char page_mark[SYNC_MARK_MAX];
		memcpy(page_mark, pg.max_mark, sizeof(page_mark));
		bool moved = strcmp(page_mark, wm) > 0;
		char *text = NULL;
		if (moved && (json_object_set_new(cursor, name, json_string(page_mark)) ||
		              !(text = json_dumps(cursor, JSON_COMPACT | JSON_SORT_KEYS)))) {
			pass_page_release(&pg);
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
			break;
		}
		struct import_progress pr = {.set = moved ? IMPORT_SET_CURSOR : 0u, .cursor = text};
		rc = pass_commit(p, pg.k, pg.nk, pg.c, pg.nc, &pr, e);
		free(text);
		pass_page_release(&pg);
		if (rc)
			break;
		p->r->pages++;
		p->r->records += (int64_t)n;
		if (p->r->stopped)
			break;
		int64_t before = offset;
		if (moved) { /* the cursor moved: read again from it, at offset 0 */
			memcpy(wm, page_mark, sizeof(wm));
			offset = 0;
		} else { /* ties or the overlap: page on */
			offset += (int64_t)n;
		}
		first = false;
		if (n < PASS_PAGE || (cnt >= 0 && before + (int64_t)n >= cnt))
			break;
	}
	sync_seen_release(&seen);
	return rc;
}

int pass_run_periodic(struct pass *p, struct err *e)
{
	json_t *cursor = p->st.cursor ? json_loads(p->st.cursor, 0, NULL) : NULL;
	if (!json_is_object(cursor)) {
		json_decref(cursor);
		cursor = json_object();
	}
	if (!cursor)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = 0;
	/* The consents of every changed address first, then each branch. */
	for (size_t i = 0; !rc && i <= p->nb && !p->r->stopped && !p->r->more; i++)
		rc = run_stream(p, i == 0 ? p->nb : i - 1, cursor, e);
	json_decref(cursor);
	return rc;
}
