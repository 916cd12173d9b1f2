/*
 * live.c - onOffice reads on behalf of an API request (contact types, preview):
 * short timeouts, one attempt, a per-company cache and at most live_max calls at
 * once (ARCHITECTURE.md "Processes, threads, shutdown"). They are allowed while the sync is stopped
 * (R-S2: field configuration and preview reads).
 */
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "onoffice/address.h"
#include "store/settings.h"
#include "sync/map.h"
#include "sync/scope.h"
#include "sync/sync_int.h"

/* ---- cache ---- */

static json_t *cache_get(struct sync_engine *eng, int64_t company_id, const char *key, int ttl_s)
{
	json_t *v = NULL;
	int64_t now = time_mono_ms();
	pthread_mutex_lock(&eng->mu);
	for (size_t i = 0; i < SYNC_CACHE_SLOTS; i++) {
		struct sync_cache_slot *s = &eng->cache[i];
		if (s->value && s->company_id == company_id && strcmp(s->key, key) == 0 &&
		    now - s->at_ms < (int64_t)ttl_s * 1000) {
			v = json_deep_copy(s->value);
			break;
		}
	}
	pthread_mutex_unlock(&eng->mu);
	return v;
}

static void cache_put(struct sync_engine *eng, int64_t company_id, const char *key, json_t *value)
{
	json_t *copy = json_deep_copy(value);
	if (!copy)
		return;
	pthread_mutex_lock(&eng->mu);
	struct sync_cache_slot *slot = &eng->cache[0];
	for (size_t i = 0; i < SYNC_CACHE_SLOTS; i++) {
		struct sync_cache_slot *s = &eng->cache[i];
		if (s->value && s->company_id == company_id && strcmp(s->key, key) == 0) {
			slot = s;
			break;
		}
		if (!s->value || s->at_ms < slot->at_ms)
			slot = s;
		if (!s->value)
			break;
	}
	json_decref(slot->value);
	slot->company_id = company_id;
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	slot->value = copy;
	slot->at_ms = time_mono_ms();
	pthread_mutex_unlock(&eng->mu);
}

/* ---- the cap on concurrent calls ---- */

static int live_enter(struct sync_engine *eng, struct err *e)
{
	pthread_mutex_lock(&eng->mu);
	bool ok = eng->live_inflight < eng->live_max;
	if (ok)
		eng->live_inflight++;
	pthread_mutex_unlock(&eng->mu);
	return ok ? 0 : err_set(e, ERR_BUSY, NULL, "onOffice is being asked already; try again");
}

static void live_leave(struct sync_engine *eng)
{
	pthread_mutex_lock(&eng->mu);
	eng->live_inflight--;
	pthread_mutex_unlock(&eng->mu);
}

/* ERR_NOT_LINKED unless the company has a link (revoked ones answer ERR_OO_AUTH later). */
static int check_linked(struct sync_engine *eng, int64_t company_id, struct err *e)
{
	struct import_state st;
	int rc = import_state_get(eng->db, company_id, &st, e);
	if (rc)
		return rc;
	bool linked = st.link_state[0] && strcmp(st.sync_state, "not_linked") != 0;
	import_state_release(&st);
	return linked
	           ? 0
	           : err_set(e, ERR_NOT_LINKED, NULL, "the company is not linked to onOffice yet");
}

static int after_call(struct sync_engine *eng, int64_t company_id, int64_t claim_gen, int rc,
                      const struct err *e)
{
	return sync_note_refusal(eng, company_id, claim_gen, rc, e);
}

/* Which list a cached live read brings: its cache key and the source's reader. */
struct live_list {
	const char *key; /* "types", "origins", "kinds" */
	int (*read)(struct sync_source *s, json_t **out, struct err *e);
};

/* A list live or from the cache (the source is opened when none is given). */
static int cached_list(struct sync_engine *eng, int64_t company_id, const struct live_list *l,
                       struct sync_source **src, int64_t *claim_gen, json_t **out, struct err *e)
{
	if ((*out = cache_get(eng, company_id, l->key, eng->cache_ttl_s)))
		return 0;
	int rc = *src ? 0 : sync_open_source(eng, company_id, true, src, claim_gen, e);
	if (!rc)
		rc = l->read(*src, out, e);
	if (!rc)
		cache_put(eng, company_id, l->key, *out);
	return rc;
}

static int read_types(struct sync_source *s, json_t **out, struct err *e)
{
	return s->contact_types(s, out, e);
}

static int read_origins(struct sync_source *s, json_t **out, struct err *e)
{
	return s->origins ? s->origins(s, out, e)
	                  : err_set(e, ERR_OO_FINAL, NULL, "this source has no origins");
}

static int read_kinds(struct sync_source *s, json_t **out, struct err *e)
{
	return s->action_kinds ? s->action_kinds(s, out, e)
	                       : err_set(e, ERR_OO_FINAL, NULL, "this source has no action kinds");
}

static const struct live_list list_types = {"types", read_types};
static const struct live_list list_origins = {"origins", read_origins};
static const struct live_list list_kinds = {"kinds", read_kinds};

/* Every ArtDaten value (Systembenutzer too), live or from the cache. */
static int all_types(struct sync_engine *eng, int64_t company_id, struct sync_source **src,
                     int64_t *claim_gen, json_t **out, struct err *e)
{
	return cached_list(eng, company_id, &list_types, src, claim_gen, out, e);
}

/* A whole list for an API request: linked, from the cache or one live call under the cap. */
static int live_list(struct sync_engine *eng, int64_t company_id, const struct live_list *l,
                     json_t **out, struct err *e)
{
	*out = NULL;
	int rc = check_linked(eng, company_id, e);
	if (rc || (*out = cache_get(eng, company_id, l->key, eng->cache_ttl_s)))
		return rc;
	if ((rc = live_enter(eng, e)))
		return rc;
	struct sync_source *src = NULL;
	int64_t gen = 0;
	rc = cached_list(eng, company_id, l, &src, &gen, out, e);
	if (src)
		src->free(src);
	live_leave(eng);
	return rc ? after_call(eng, company_id, gen, rc, e) : 0;
}

int sync_origins(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e)
{
	return live_list(eng, company_id, &list_origins, out, e);
}

int sync_action_kinds(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e)
{
	return live_list(eng, company_id, &list_kinds, out, e);
}

int sync_contact_types(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e)
{
	json_t *all = NULL;
	*out = NULL;
	int rc = live_list(eng, company_id, &list_types, &all, e);
	if (rc)
		return rc;
	json_t *list = json_array(), *v;
	size_t i;
	json_array_foreach(all, i, v)
	{
		const char *key = json_string_value(json_object_get(v, "key"));
		const char *label = json_string_value(json_object_get(v, "label"));
		if (!sync_is_system_user(key) && !sync_is_system_user(label) && list)
			json_array_append(list, v);
	}
	json_decref(all);
	if (!list)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	*out = list;
	return 0;
}

/* ---- the preview (R-X4) ---- */

static int count(struct sync_source *src, json_t *filter, int64_t *n, struct err *e)
{
	struct sync_read q = {.filter = filter, .limit = 1};
	json_t *records = NULL;
	int rc = src->read(src, &q, &records, n, e);
	json_decref(records);
	if (!rc && *n < 0)
		*n = 0;
	return rc;
}

/* Counts of scope branch b: with consent and in all. */
static int count_branch(const struct sync_scope *scope, size_t b, struct sync_source *src,
                        int64_t *with, int64_t *all, struct err *e)
{
	json_t *f = NULL;
	int rc = sync_scope_filter(scope, b, &f) ? err_set(e, ERR_NOMEM, NULL, NULL) : 0;
	if (!rc)
		rc = count(src, f, all, e);
	if (!rc && oo_filter_add(&f, "DSGVOStatus", "=", json_string(SYNC_CONSENT_KEY)))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
	if (!rc)
		rc = count(src, f, with, e);
	json_decref(f);
	return rc;
}

/* «alle Kontakte» leaves out addresses whose only type is Systembenutzer: count them. */
static int count_system_only(struct sync_engine *eng, int64_t company_id, struct sync_source *src,
                             int64_t *with, int64_t *all, struct err *e)
{
	json_t *types = NULL, *v, *others = json_array();
	const char *sys = NULL;
	size_t i;
	*with = *all = 0;
	int rc = others ? all_types(eng, company_id, &src, NULL, &types, e)
	                : err_set(e, ERR_NOMEM, NULL, NULL);
	json_array_foreach(types, i, v)
	{
		const char *key = json_string_value(json_object_get(v, "key"));
		const char *label = json_string_value(json_object_get(v, "label"));
		if (!key)
			continue;
		if (sync_is_system_user(key) || sync_is_system_user(label))
			sys = key;
		else
			json_array_append_new(others, json_string(key));
	}
	if (!rc && sys) {
		json_t *f = NULL;
		if (oo_filter_add(&f, "ArtDaten", "=", json_string(sys)) ||
		    (json_array_size(others) &&
		     oo_filter_add(&f, "ArtDaten", "not in", json_incref(others))))
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
		if (!rc)
			rc = count(src, f, all, e);
		if (!rc && oo_filter_add(&f, "DSGVOStatus", "=", json_string(SYNC_CONSENT_KEY)))
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
		if (!rc)
			rc = count(src, f, with, e);
		json_decref(f);
	}
	json_decref(others);
	json_decref(types);
	return rc;
}

int sync_preview(struct sync_engine *eng, int64_t company_id, json_t **out, struct err *e)
{
	json_t *settings = NULL;
	struct sync_scope scope;
	struct sync_source *src = NULL;
	char key[80];
	*out = NULL;
	int rc = check_linked(eng, company_id, e);
	if (rc || (rc = settings_get_json(eng->db, company_id, &settings, e)))
		return rc;
	rc = sync_scope_from_settings(settings, &scope, e);
	json_decref(settings);
	if (rc)
		return rc;
	snprintf(key, sizeof(key), "preview:%.64s", scope.hash);
	int ttl = eng->cache_ttl_s / 5 > 0 ? eng->cache_ttl_s / 5 : 1;
	if ((*out = cache_get(eng, company_id, key, ttl))) {
		sync_scope_release(&scope);
		return 0;
	}
	if ((rc = live_enter(eng, e))) {
		sync_scope_release(&scope);
		return rc;
	}
	int64_t with = 0, all = 0, gen = 0;
	size_t nb = sync_scope_branches(&scope);
	if (nb)
		rc = sync_open_source(eng, company_id, true, &src, &gen, e);
	for (size_t b = 0; !rc && b < nb; b++) {
		int64_t w, a;
		if (!(rc = count_branch(&scope, b, src, &w, &a, e))) {
			with += w;
			all += a;
		}
	}
	if (!rc && scope.all) {
		int64_t w, a;
		if (!(rc = count_system_only(eng, company_id, src, &w, &a, e))) {
			with -= w;
			all -= a;
		}
	}
	if (src)
		src->free(src);
	live_leave(eng);
	sync_scope_release(&scope);
	if (rc)
		return after_call(eng, company_id, gen, rc, e);
	json_t *o = json_pack("{s:I,s:I}", "matching", (json_int_t)with, "without_consent",
	                      (json_int_t)(all - with));
	if (!o)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	cache_put(eng, company_id, key, o);
	*out = o;
	return 0;
}
