/* What the steps of one import pass share (pass.h). */
#include "sync/pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "onoffice/address.h"
#include "sync/sync_int.h"

const char *const pass_consent_fields[] = {"DSGVOStatus", "Aenderung"};
const char *const pass_mark_fields[] = {"Aenderung"};

bool pass_stopping(const struct pass *p)
{
	return atomic_load(&p->eng->stop);
}

bool pass_slice_over(const struct pass *p)
{
	return p->deadline && time_mono_ms() >= p->deadline;
}

/* Branch b's type condition, the consent condition (when consent), nothing else. */
int pass_base_filter(const struct pass *p, size_t b, bool consent, json_t **filter, struct err *e)
{
	*filter = NULL;
	int rc = b < p->nb ? sync_scope_filter(&p->scope, b, filter) : 0;
	if (!rc && consent)
		rc = oo_filter_add(filter, "DSGVOStatus", "=", json_string(SYNC_CONSENT_KEY));
	if (rc) {
		json_decref(*filter);
		*filter = NULL;
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return 0;
}

int pass_read_page(struct pass *p, json_t *filter, const char *const *data, size_t ndata,
                   const char *sortby, const char *order, int limit, int64_t offset,
                   json_t **records, int64_t *total, struct err *e)
{
	struct sync_read q = {filter, data, ndata, sortby, order, limit, offset};
	*records = NULL;
	int rc = p->src->read(p->src, &q, records, total, e);
	if (!rc && !json_is_array(*records)) {
		json_decref(*records);
		*records = NULL;
		rc = err_set(e, ERR_OO_RETRYABLE, NULL, "onOffice answered without records");
	}
	return rc;
}

int pass_commit(struct pass *p, const struct import_contact *k, size_t n,
                const struct import_consent *c, size_t nc, const struct import_progress *pr,
                struct err *e)
{
	char state[16] = "";
	int rc = import_commit(p->eng->db, p->company_id, p->owner, p->eng->lease_ttl_ms, k, n, c,
	                       nc, pr, &p->r->stats, state, e);
	if (!rc && strcmp(state, "running") != 0)
		p->r->stopped = true;
	return rc;
}

void pass_page_release(struct pass_page *pg)
{
	for (size_t i = 0; pg->m && i < pg->nk; i++)
		sync_mapped_release(&pg->m[i]);
	free(pg->m);
	free(pg->k);
	free(pg->c);
	memset(pg, 0, sizeof(*pg));
}

/*
 * Maps records of branch b (consents_only: the read without consent filter, which
 * yields consents only). seen may be NULL (the keyset walk never repeats a record).
 */
int pass_page_map(struct pass *p, json_t *records, size_t b, bool consents_only,
                  struct sync_seen *seen, struct pass_page *pg, struct err *e)
{
	size_t n = json_array_size(records), i;
	json_t *rec;
	memset(pg, 0, sizeof(*pg));
	if (!n)
		return 0;
	if (consents_only
	        ? !(pg->c = calloc(n, sizeof(*pg->c)))
	        : !(pg->m = calloc(n, sizeof(*pg->m))) || !(pg->k = calloc(n, sizeof(*pg->k))))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	json_array_foreach(records, i, rec)
	{
		int64_t id;
		char mark[SYNC_MARK_MAX];
		if (oo_record_id(rec, &id)) {
			LOG(LOG_WARN, "import.record_without_id", LI("company", p->company_id));
			continue;
		}
		sync_record_mark(rec, mark);
		if (id > pg->max_id)
			pg->max_id = id;
		if (strcmp(mark, pg->max_mark) > 0)
			memcpy(pg->max_mark, mark, sizeof(mark));
		bool was = false;
		if (seen && sync_seen_check(seen, id, mark, &was))
			return err_set(e, ERR_NOMEM, NULL, NULL);
		if (was)
			continue;
		if (consents_only) {
			json_t *el = oo_record_elements(rec);
			pg->c[pg->nc++] = (struct import_consent){
			    id, sync_consent_value(json_object_get(el, "DSGVOStatus"))};
			continue;
		}
		struct sync_mapped *m = &pg->m[pg->nk];
		int rc = sync_map_record(rec, m, e);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc || !sync_scope_keeps(&p->scope, b, &m->types)) {
			sync_mapped_release(m);
			continue;
		}
		pg->k[pg->nk++] = m->k;
	}
	return 0;
}
