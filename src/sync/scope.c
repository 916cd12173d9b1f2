#include "sync/scope.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "onoffice/address.h"

bool sync_is_system_user(const char *s)
{
	return s && strcasecmp(s, SYNC_SYSTEM_USER) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sync_scope_release(struct sync_scope *s)
{
	for (size_t i = 0; i < s->ntypes; i++)
		free(s->types[i]);
	free(s->types);
	s->types = NULL;
	s->ntypes = 0;
}

static int hash_scope(struct sync_scope *s)
{
	struct buf b;
	unsigned char d[32];
	buf_init(&b, 1u << 20);
	int rc = buf_adds(&b, s->all ? "all" : "types");
	for (size_t i = 0; !rc && !s->all && i < s->ntypes; i++) {
		rc = buf_add(&b, "\0", 1);
		if (!rc)
			rc = buf_adds(&b, s->types[i]);
	}
	if (!rc)
		rc = buf_adds(&b, !s->all && s->without ? "\1without" : "\1");
	if (!rc)
		rc = crypto_sha256(b.data, b.len, d);
	if (!rc)
		crypto_hex_encode(d, sizeof(d), s->hash);
	buf_release(&b);
	return rc;
}

int sync_scope_from_settings(const json_t *settings, struct sync_scope *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->all = json_is_true(json_object_get(settings, "all_contacts"));
	out->without = json_is_true(json_object_get(settings, "without_contact_type"));
	json_t *types = json_object_get(settings, "contact_types");
	size_t i, n = json_array_size(types);
	json_t *v;
	if (!out->all && n) {
		out->types = calloc(n, sizeof(*out->types));
		if (!out->types)
			return err_set(e, ERR_NOMEM, NULL, NULL);
		json_array_foreach(types, i, v)
		{
			const char *k = json_string_value(v);
			if (!k || !*k || sync_is_system_user(k))
				continue;
			if (!(out->types[out->ntypes] = strdup(k))) {
				sync_scope_release(out);
				return err_set(e, ERR_NOMEM, NULL, NULL);
			}
			out->ntypes++;
		}
		qsort(out->types, out->ntypes, sizeof(*out->types), cmp_str);
	}
	if (hash_scope(out)) {
		sync_scope_release(out);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return ERR_OK;
}

size_t sync_scope_branches(const struct sync_scope *s)
{
	if (s->all)
		return 1;
	return (s->ntypes ? 1u : 0u) + (s->without ? 1u : 0u);
}

int sync_scope_filter(const struct sync_scope *s, size_t b, json_t **filter)
{
	if (s->all)
		return ERR_OK;
	if (b == 0 && s->ntypes) {
		json_t *list = json_array();
		for (size_t i = 0; list && i < s->ntypes; i++)
			if (json_array_append_new(list, json_string(s->types[i]))) {
				json_decref(list);
				list = NULL;
			}
		if (!list)
			return ERR_NOMEM;
		return oo_filter_add(filter, "ArtDaten", "in", list);
	}
	return oo_filter_add(filter, "ArtDaten", "=", json_string(""));
}

bool sync_scope_keeps(const struct sync_scope *s, size_t b, const struct oo_strv *types)
{
	(void)b;
	if (s->all)
		return !(types->n == 1 && sync_is_system_user(types->v[0]));
	return true;
}
