/*
 * import.c - one import pass for one company: the full import (keyset on the
 * address id) or the periodic import (cursor on Aenderung), committed page by page
 * under the company's lease. The strategy is described in sync/sync.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"
#include "onoffice/address.h"
#include "store/link.h"
#include "store/settings.h"
#include "sync/map.h"
#include "sync/mark.h"
#include "sync/scope.h"
#include "sync/sync_int.h"

#define PAGE      500
#define MAX_PAGES 4000 /* per stream and pass: a bound, never reached by sane data */

static const char *const consent_fields[] = {"DSGVOStatus", "Aenderung"};
static const char *const mark_fields[] = {"Aenderung"};

struct pass {
	struct sync_engine *eng;
	const char *owner; /* the lease's holder name: the worker's, or the engine's */
	int64_t company_id;
	int64_t deadline;
	struct sync_source *src;
	struct sync_scope scope;
	struct import_state st;
	struct sync_pass_result *r;
	size_t nb;
	bool initial;
	int64_t claim_gen; /* of the credentials the source was opened with */
};

/* ---- ids seen in this pass (periodic reads may return a record more than once) ---- */

struct seen_slot {
	int64_t id; /* 0: empty */
	uint64_t mark;
};

struct seen {
	struct seen_slot *v;
	size_t cap, n;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t mark_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct seen_slot *seen_find(struct seen *s, int64_t id)
{
	size_t i = mix((uint64_t)id) & (s->cap - 1);
	while (s->v[i].id && s->v[i].id != id)
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

/* True when (id, mark) was handled in this pass; remembers it otherwise. */
static int seen_check(struct seen *s, int64_t id, const char *mark, bool *was)
{
	*was = false;
	if (s->n * 2 >= s->cap) {
		struct seen old = *s;
		s->cap = old.cap ? old.cap * 2 : 1024;
		s->n = 0;
		if (!(s->v = calloc(s->cap, sizeof(*s->v)))) {
			*s = old;
			return ERR_NOMEM;
		}
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].id) {
				*seen_find(s, old.v[i].id) = old.v[i];
				s->n++;
			}
		free(old.v);
	}
	struct seen_slot *slot = seen_find(s, id);
	uint64_t h = mark_hash(mark);
	if (slot->id == id && slot->mark == h) {
		*was = true;
		return 0;
	}
	if (!slot->id)
		s->n++;
	slot->id = id;
	slot->mark = h;
	return 0;
}

static void seen_release(struct seen *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- helpers ---- */

static bool shutting_down(const struct pass *p)
{
	return atomic_load(&p->eng->stop);
}

static bool slice_over(const struct pass *p)
{
	return p->deadline && time_mono_ms() >= p->deadline;
}

/* Branch b's type condition, the consent condition (when consent), nothing else. */
static int base_filter(const struct pass *p, size_t b, bool consent, json_t **filter, struct err *e)
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

static int read_page(struct pass *p, json_t *filter, const char *const *data, size_t ndata,
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

static int commit(struct pass *p, const struct import_contact *k, size_t n,
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

/* A page taken apart: contacts (with consent) and consents (periodic, all addresses). */
struct page {
	struct sync_mapped *m;
	struct import_contact *k;
	size_t nk;
	struct import_consent *c;
	size_t nc;
	int64_t max_id;
	char max_mark[SYNC_MARK_MAX];
};

static void page_release(struct page *pg)
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
static int page_map(struct pass *p, json_t *records, size_t b, bool consents_only,
                    struct seen *seen, struct page *pg, struct err *e)
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
		if (seen && seen_check(seen, id, mark, &was))
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

/* ---- the full import ---- */

static int read_mark(struct pass *p, char *out, struct err *e)
{
	json_t *records;
	int rc = read_page(p, NULL, mark_fields, 1, "Aenderung", "DESC", 1, 0, &records, NULL, e);
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
	int rc = base_filter(p, b, consent, &filter, e);
	if (!rc)
		rc = read_page(p, filter, NULL, 0, NULL, NULL, 1, 0, &records, cnt, e);
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

/*
 * The next keyset page, read on a helper thread while the caller maps and commits the
 * page before it (the next page's filter needs only the last id, known before mapping).
 * The source is used by one thread at a time: the caller never reads while a fetch runs.
 */
struct fetch {
	struct pass *p;
	size_t b;
	int64_t last;
	json_t *records;
	int64_t cnt;
	int rc;
	struct err e;
	pthread_t th;
	bool running;
};

static void *fetch_run(void *arg)
{
	struct fetch *f = arg;
	json_t *filter;
	f->records = NULL;
	f->cnt = -1;
	err_clear(&f->e);
	f->rc = base_filter(f->p, f->b, true, &filter, &f->e);
	if (!f->rc && f->last && oo_filter_add(&filter, "Id", ">", json_integer(f->last))) {
		json_decref(filter);
		f->rc = err_set(&f->e, ERR_NOMEM, NULL, NULL);
	}
	if (!f->rc) {
		f->rc = read_page(f->p, filter, sync_import_fields, sync_import_nfields, "Id",
		                  "ASC", PAGE, 0, &f->records, &f->cnt, &f->e);
		json_decref(filter);
	}
	return NULL;
}

static void fetch_start(struct fetch *f, struct pass *p, size_t b, int64_t last)
{
	f->p = p;
	f->b = b;
	f->last = last;
	f->running = pthread_create(&f->th, NULL, fetch_run, f) == 0;
	if (!f->running) /* no thread: read in the caller's */
		fetch_run(f);
}

/* Waits for the fetch; its result moves to the caller (*records owned). */
static int fetch_wait(struct fetch *f, json_t **records, int64_t *cnt, struct err *e)
{
	if (f->running)
		pthread_join(f->th, NULL);
	f->running = false;
	*records = f->records;
	*cnt = f->cnt;
	f->records = NULL;
	if (f->rc && e)
		*e = f->e;
	return f->rc;
}

static void fetch_drop(struct fetch *f)
{
	json_t *r;
	int64_t c;
	if (f->running || f->records) {
		fetch_wait(f, &r, &c, NULL);
		json_decref(r);
	}
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
	struct fetch f = {0};
	bool fresh = last == 0; /* the branch's first page counts it (branch 0, see below) */
	int rc;
	fetch_start(&f, p, b, last);
	for (;;) {
		json_t *records;
		int64_t cnt;
		struct page pg;
		if ((rc = fetch_wait(&f, &records, &cnt, e)))
			return rc;
		size_t n = json_array_size(records);
		int64_t max_id = page_max_id(records);
		bool end = n < PAGE || (cnt >= 0 && (int64_t)n >= cnt);
		if (n && max_id <= last) {
			json_decref(records);
			return err_set(e, ERR_OO_FINAL, NULL,
			               "onOffice did not honour the filter Id > %lld",
			               (long long)last);
		}
		bool prefetched = !end && !shutting_down(p) && !slice_over(p);
		if (prefetched)
			fetch_start(&f, p, b, max_id);
		rc = page_map(p, records, b, false, NULL, &pg, e);
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
			rc = commit(p, pg.k, pg.nk, NULL, 0, &pr, e);
		page_release(&pg);
		if (rc) {
			fetch_drop(&f);
			return rc;
		}
		*done += (int64_t)n;
		p->r->pages++;
		p->r->records += (int64_t)n;
		last = max_id;
		if (end || p->r->stopped) {
			fetch_drop(&f);
			return 0;
		}
		if (!prefetched) {
			if (shutting_down(p))
				return err_set(e, ERR_UNAVAILABLE, NULL, "shutting down");
			p->r->more = true; /* the slice is over */
			return 0;
		}
	}
}

static int run_initial(struct pass *p, struct err *e)
{
	struct import_state *st = &p->st;
	int rc;
	if (!st->init_mark[0]) {
		char mark[SYNC_MARK_MAX];
		if ((rc = read_mark(p, mark, e)))
			return rc;
		struct import_progress pr = {.set = IMPORT_SET_MARK, .init_mark = mark};
		if ((rc = commit(p, NULL, 0, NULL, 0, &pr, e)))
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
		if ((rc = commit(p, NULL, 0, NULL, 0, &pr, e)))
			return rc;
		st->total = total;
		st->init_counted = true;
	}
	if (p->r->stopped)
		return 0;
	int64_t done = st->done, total = st->total;
	for (size_t b = (size_t)st->init_branch; b < p->nb; b++) {
		if (shutting_down(p))
			return err_set(e, ERR_UNAVAILABLE, NULL, "shutting down");
		if (slice_over(p)) {
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
	rc = commit(p, NULL, 0, NULL, 0, &pr, e);
	free(cursor);
	if (!rc)
		p->r->initial_done = true;
	return rc;
}

/* ---- the periodic import ---- */

/* One stream: branch b's addresses with consent, or (b == nb) every address's consent. */
static int run_stream(struct pass *p, size_t b, json_t *cursor, struct err *e)
{
	bool consents = b == p->nb;
	char name[24], wm[SYNC_MARK_MAX], lower[SYNC_MARK_MAX];
	struct seen seen = {0};
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
	for (int pages = 0; pages < MAX_PAGES; pages++) {
		if (shutting_down(p)) {
			rc = err_set(e, ERR_UNAVAILABLE, NULL, "shutting down");
			break;
		}
		if (slice_over(p)) {
			p->r->more = true;
			break;
		}
		if (first)
			sync_mark_lower(wm, p->eng->overlap_s, lower);
		else
			memcpy(lower, wm, sizeof(wm));
		json_t *filter, *records = NULL;
		int64_t cnt = -1;
		struct page pg;
		if ((rc = base_filter(p, b, !consents, &filter, e)))
			break;
		if (oo_filter_add(&filter, "Aenderung", ">=", json_string(lower))) {
			json_decref(filter);
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
			break;
		}
		rc = consents ? read_page(p, filter, consent_fields, 2, "Aenderung", "ASC", PAGE,
		                          offset, &records, &cnt, e)
		              : read_page(p, filter, sync_import_fields, sync_import_nfields,
		                          "Aenderung", "ASC", PAGE, offset, &records, &cnt, e);
		json_decref(filter);
		if (rc)
			break;
		size_t n = json_array_size(records);
		if (!n) {
			json_decref(records);
			break;
		}
		rc = page_map(p, records, b, consents, &seen, &pg, e);
		json_decref(records);
		if (rc) {
			page_release(&pg);
			break;
		}
		char page_mark[SYNC_MARK_MAX];
		memcpy(page_mark, pg.max_mark, sizeof(page_mark));
		bool moved = strcmp(page_mark, wm) > 0;
		char *text = NULL;
		if (moved && (json_object_set_new(cursor, name, json_string(page_mark)) ||
		              !(text = json_dumps(cursor, JSON_COMPACT | JSON_SORT_KEYS)))) {
			page_release(&pg);
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
			break;
		}
		struct import_progress pr = {.set = moved ? IMPORT_SET_CURSOR : 0u, .cursor = text};
		rc = commit(p, pg.k, pg.nk, pg.c, pg.nc, &pr, e);
		free(text);
		page_release(&pg);
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
		if (n < PAGE || (cnt >= 0 && before + (int64_t)n >= cnt))
			break;
	}
	seen_release(&seen);
	return rc;
}

static int run_periodic(struct pass *p, struct err *e)
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

/* ---- the pass ---- */

static int start_initial(struct pass *p, struct err *e)
{
	struct import_progress pr = {
	    .set = IMPORT_SET_PHASE | IMPORT_SET_RESET | IMPORT_SET_TOTAL | IMPORT_SET_KEYSET |
	           IMPORT_SET_MARK | IMPORT_SET_COUNTED | IMPORT_SET_SCOPE,
	    .phase = "initial",
	    .scope_hash = p->scope.hash,
	};
	int rc = commit(p, NULL, 0, NULL, 0, &pr, e);
	if (rc)
		return rc;
	struct import_state *st = &p->st;
	snprintf(st->phase, sizeof(st->phase), "initial");
	st->done = st->total = st->init_branch = st->init_last_id = 0;
	st->init_mark[0] = '\0';
	st->init_counted = false;
	snprintf(st->scope_hash, sizeof(st->scope_hash), "%s", p->scope.hash);
	return 0;
}

static int pass_locked(struct pass *p, struct err *e)
{
	json_t *settings = NULL;
	int rc = import_state_get(p->eng->db, p->company_id, &p->st, e);
	if (rc)
		return rc;
	if (strcmp(p->st.sync_state, "running") != 0) {
		p->r->stopped = true;
		return 0;
	}
	if (strcmp(p->st.link_state, "active") != 0)
		return strcmp(p->st.link_state, "revoked") == 0
		           ? err_set(e, ERR_OO_AUTH, NULL, "%s", p->st.revoked_reason)
		           : err_set(e, ERR_NOT_LINKED, NULL, "the company is not linked");
	if (p->st.claim_wanted[0]) /* R-A12: paused until a service call brings a claim */
		return err_set(e, ERR_OO_CLAIM, NULL, "%s", p->st.claim_wanted);
	if ((rc = settings_get_json(p->eng->db, p->company_id, &settings, e)))
		return rc;
	rc = sync_scope_from_settings(settings, &p->scope, e);
	json_decref(settings);
	if (rc)
		return rc;
	p->nb = sync_scope_branches(&p->scope);
	bool scope_changed = strcmp(p->st.scope_hash, p->scope.hash) != 0;
	p->initial = strcmp(p->st.phase, "initial") == 0 || !p->st.cursor || scope_changed;
	if (p->initial && (strcmp(p->st.phase, "initial") != 0 || scope_changed)) {
		if (scope_changed && p->st.cursor)
			LOG(LOG_INFO, "import.rescan", LI("company", p->company_id),
			    LS("why", "the scope changed"));
		if ((rc = start_initial(p, e)))
			return rc;
	}
	if ((rc = sync_open_source(p->eng, p->company_id, false, &p->src, &p->claim_gen, e)))
		return rc;
	return p->initial ? run_initial(p, e) : run_periodic(p, e);
}

static const char *error_class(int rc)
{
	switch (rc) {
	case ERR_OO_AUTH:
		return "auth";
	case ERR_OO_NOT_SENT:
	case ERR_OO_UNCERTAIN:
	case ERR_OO_RETRYABLE:
	case ERR_OO_FINAL:
	case ERR_OO_CLAIM:
	case ERR_OO_CLOCK:
	case ERR_TIMEOUT:
		return "onoffice";
	default:
		return "internal";
	}
}

static void count_pass(const struct sync_pass_result *r, const char *result)
{
	struct metrics *m = metrics_default();
	static const char help[] = "Contacts changed by the onOffice import";
	metric_add(metrics_counter(m, "immosync_import_contacts_total", help, "change=\"created\""),
	           (double)r->stats.created);
	metric_add(metrics_counter(m, "immosync_import_contacts_total", help, "change=\"updated\""),
	           (double)(r->stats.updated + r->stats.revived));
	metric_add(metrics_counter(m, "immosync_import_contacts_total", help, "change=\"blocked\""),
	           (double)r->stats.blocked);
	metric_add(
	    metrics_counter(m, "immosync_import_contacts_total", help, "change=\"unblocked\""),
	    (double)r->stats.unblocked);
	char labels[48];
	snprintf(labels, sizeof(labels), "result=\"%s\"", result);
	metric_inc(
	    metrics_counter(m, "immosync_import_passes_total", "Import passes by outcome", labels));
}

int sync_pass(struct sync_engine *eng, int64_t company_id, int64_t deadline_ms,
              struct sync_pass_result *r, struct err *e)
{
	return sync_pass_as(eng, eng->owner, company_id, deadline_ms, r, e);
}

int sync_pass_as(struct sync_engine *eng, const char *owner, int64_t company_id,
                 int64_t deadline_ms, struct sync_pass_result *r, struct err *e)
{
	struct pass p = {
	    .eng = eng, .owner = owner, .company_id = company_id, .deadline = deadline_ms, .r = r};
	char holder[IMPORT_OWNER_MAX];
	bool got = false;
	memset(r, 0, sizeof(*r));
	int rc = import_lease_acquire(eng->db, company_id, owner, eng->lease_ttl_ms, NULL, &got,
	                              holder, e);
	if (!rc && !got && holder[0] && sync_holder_dead(eng, holder)) {
		LOG(LOG_INFO, "import.lease_taken_over", LI("company", company_id),
		    LS("from", holder), LS("why", "its process is gone"));
		rc = import_lease_acquire(eng->db, company_id, owner, eng->lease_ttl_ms, holder,
		                          &got, NULL, e);
	}
	if (rc)
		return rc;
	if (!got)
		return err_set(e, ERR_BUSY, NULL, "another import of this company runs (%s)",
		               holder);

	int64_t t0 = time_mono_ms();
	rc = pass_locked(&p, e);
	if (p.src)
		p.src->free(p.src);
	sync_scope_release(&p.scope);

	struct import_finish f = {0};
	char text[300] = "";
	int64_t now = time_now_ms();
	int64_t interval_ms = (p.st.interval_s > 0 ? p.st.interval_s : 300) * 1000;
	bool aborted = rc == ERR_UNAVAILABLE && shutting_down(&p);
	if (!rc || aborted) {
		f.next_run_at = r->more || r->stopped || aborted ? 0 : now + interval_ms;
	} else {
		bool lease_lost = rc == ERR_CONFLICT && strcmp(e ? e->field : "", "lease") == 0;
		if (rc == ERR_OO_AUTH) {
			sync_mark_revoked(eng, company_id, e);
			snprintf(text, sizeof(text), "Zugriff in onOffice entzogen: %s",
			         e && e->message[0] ? e->message
			                            : "onOffice refused the credentials");
		} else if (rc == ERR_OO_CLAIM) {
			if (!p.st.claim_wanted[0])
				sync_mark_claim_wanted(eng, company_id, p.claim_gen, e);
			char why[240];
			sync_error_text(e, rc, why, sizeof(why));
			snprintf(text, sizeof(text), "onOffice verlangt eine neue Freigabe: %s",
			         why);
		} else {
			sync_error_text(e, rc, text, sizeof(text));
		}
		f.error = text;
		f.error_class = error_class(rc);
		int64_t k = p.st.failures + 1 > 10 ? 10 : p.st.failures + 1;
		int64_t backoff = (1000LL << k);
		f.next_run_at = now + (backoff < interval_ms ? backoff : interval_ms);
		if (lease_lost) /* the new holder records its own outcome */
			goto out;
	}
	struct err fe = ERR_INIT;
	if (import_finish(eng->db, company_id, owner, &f, &fe))
		LOG(LOG_ERROR, "import.finish_failed", LI("company", company_id),
		    LS("error", fe.message));
out:
	LOG(rc && !aborted ? LOG_WARN : LOG_INFO, "import.pass", LI("company", company_id),
	    LS("kind", p.initial ? "full" : "periodic"), LI("pages", r->pages),
	    LI("records", r->records), LI("created", r->stats.created),
	    LI("updated", r->stats.updated + r->stats.revived), LI("blocked", r->stats.blocked),
	    LI("unblocked", r->stats.unblocked), LB("more", r->more), LB("done", r->initial_done),
	    LI("ms", time_mono_ms() - t0), LS("result", rc ? error_class(rc) : "ok"),
	    LS("error", text));
	count_pass(r, rc ? error_class(rc) : "ok");
	import_state_release(&p.st);
	return rc;
}

/* ---- `sync initial` in the foreground ---- */

static bool transient(int rc)
{
	return rc == ERR_OO_NOT_SENT || rc == ERR_OO_UNCERTAIN || rc == ERR_OO_RETRYABLE ||
	       rc == ERR_TIMEOUT || rc == ERR_DB_BUSY || rc == ERR_CONFLICT;
}

/* Sleeps ms unless the engine is stopped meanwhile. */
static void nap(struct sync_engine *eng, long ms)
{
	while (ms > 0 && !atomic_load(&eng->stop)) {
		long step = ms < 100 ? ms : 100;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

int sync_run_initial(struct sync_engine *eng, int64_t company_id, int retries,
                     struct sync_pass_result *sum, struct err *e)
{
	int fails = 0;
	memset(sum, 0, sizeof(*sum));
	for (;;) {
		struct import_state st;
		struct sync_pass_result r;
		if (atomic_load(&eng->stop))
			return err_set(e, ERR_UNAVAILABLE, NULL,
			               "interrupted; run it again to resume");
		int rc = import_state_get(eng->db, company_id, &st, e);
		if (rc)
			return rc;
		bool idle = strcmp(st.phase, "idle") == 0 && st.cursor;
		bool revoked = strcmp(st.link_state, "revoked") == 0;
		bool running = strcmp(st.sync_state, "running") == 0;
		import_state_release(&st);
		if (revoked)
			return err_set(e, ERR_OO_AUTH, NULL, "%s",
			               st.last_error[0] ? st.last_error
			                                : "Zugriff in onOffice entzogen");
		if (!st.link_state[0])
			return err_set(e, ERR_NOT_LINKED, NULL,
			               "the company is not linked to onOffice");
		if (!running)
			return err_set(
			    e, ERR_CONFLICT, NULL,
			    "the sync was stopped; the import goes on after POST sync/start");
		if (idle) /* the full import is complete (ours, or serve's that we followed) */
			return 0;
		rc = sync_pass(eng, company_id, 0, &r, e);
		sum->pages += r.pages;
		sum->records += r.records;
		sum->stats.created += r.stats.created;
		sum->stats.updated += r.stats.updated;
		sum->stats.revived += r.stats.revived;
		sum->stats.blocked += r.stats.blocked;
		sum->stats.unblocked += r.stats.unblocked;
		sum->stats.unchanged += r.stats.unchanged;
		sum->initial_done = sum->initial_done || r.initial_done;
		if (rc == ERR_BUSY) { /* serve (or another run) holds the lease: follow it */
			nap(eng, 300);
			continue;
		}
		if (!rc) {
			fails = 0;
			continue;
		}
		if (rc == ERR_UNAVAILABLE && atomic_load(&eng->stop))
			return err_set(e, ERR_UNAVAILABLE, NULL,
			               "interrupted; run it again to resume");
		if (!transient(rc) || ++fails > retries)
			return rc;
		nap(eng, 1000L << (fails < 5 ? fails : 5));
	}
}
