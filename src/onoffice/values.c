#include "onoffice/values.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"

int oo_strv_push(struct oo_strv *s, const char *str, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return ERR_NOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return ERR_NOMEM;
	}
	v[s->n++] = copy;
	s->v = v;
	return 0;
}

void oo_strv_release(struct oo_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool oo_strv_contains(const struct oo_strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return true;
	return false;
}

/* The shortest of %.15g and %.17g that reads back as d (52.65434, not 52.654339999999998). */
static void real_text(double d, char *out, size_t cap)
{
	snprintf(out, cap, "%.15g", d);
	if (strtod(out, NULL) != d)
		snprintf(out, cap, "%.17g", d);
}

int oo_value_text(const json_t *v, char **out)
{
	char tmp[40];
	const char *s = NULL;
	*out = NULL;
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		break;
	case JSON_INTEGER:
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = tmp;
		break;
	case JSON_REAL:
		real_text(json_real_value(v), tmp, sizeof(tmp));
		s = tmp;
		break;
	case JSON_TRUE:
		s = "true";
		break;
	case JSON_FALSE:
		s = "false";
		break;
	default:
		return 0;
	}
	*out = strdup(s);
	return *out ? 0 : ERR_NOMEM;
}

/* json_typeof(NULL) is undefined in jansson; guard every use with this. */
static bool is_scalar(const json_t *v)
{
	return v && (json_is_string(v) || json_is_number(v) || json_is_boolean(v));
}

static int push_text(struct oo_strv *out, const json_t *v)
{
	char *s;
	if (!is_scalar(v))
		return 0;
	int rc = oo_value_text(v, &s);
	if (rc || !s || !*s)
		goto out_free;
	rc = oo_strv_push(out, s, strlen(s));
out_free:
	free(s);
	return rc;
}

static int push_pipe_joined(struct oo_strv *out, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "|");
		if (n > 0) {
			int rc = oo_strv_push(out, s, n);
			if (rc)
				return rc;
		}
		s += n;
		if (*s == '|')
			s++;
	}
	return 0;
}

int oo_value_keys(const json_t *v, struct oo_strv *out)
{
	if (!v)
		return 0;
	if (json_is_string(v))
		return push_pipe_joined(out, json_string_value(v));
	if (!json_is_array(v))
		return push_text(out, v);
	size_t i;
	json_t *el;
	json_array_foreach(v, i, el)
	{
		int rc = push_text(out, el);
		if (rc)
			return rc;
	}
	return 0;
}

/* A decimal integer ("42", "-7"; nothing else) into *out. */
static int decimal_int(const char *s, int64_t *out)
{
	const char *digits = *s == '-' ? s + 1 : s;
	if (*digits < '0' || *digits > '9')
		return ERR_INVALID_ARG;
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || *end)
		return ERR_INVALID_ARG;
	*out = n;
	return 0;
}

int oo_value_int(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return ERR_INVALID_ARG;
	return decimal_int(json_string_value(v), out);
}

json_t *oo_record_elements(const json_t *record)
{
	json_t *el = json_object_get(record, "elements");
	return json_is_object(el) ? el : NULL;
}

int oo_record_id(const json_t *record, int64_t *out)
{
	if (oo_value_int(json_object_get(record, "id"), out) == 0)
		return 0;
	return oo_value_int(json_object_get(oo_record_elements(record), "id"), out);
}

int oo_record_id_text(const json_t *record, char *out, size_t cap)
{
	char *s;
	if (cap > 0)
		out[0] = '\0';
	const json_t *id = json_object_get(record, "id");
	if (!is_scalar(id))
		return ERR_INVALID_ARG;
	if (oo_value_text(id, &s))
		return ERR_NOMEM;
	int rc = 0;
	size_t n = strlen(s);
	if (n >= cap)
		rc = ERR_TOO_LARGE;
	else
		memcpy(out, s, n + 1);
	free(s);
	return rc;
}

bool oo_record_type_is(const json_t *record, const char *type)
{
	const char *t = json_string_value(json_object_get(record, "type"));
	return t && type && strcasecmp(t, type) == 0;
}

bool oo_value_truthy(const json_t *v)
{
	if (json_is_true(v))
		return true;
	if (json_is_integer(v))
		return json_integer_value(v) == 1;
	const char *s = json_string_value(v);
	return s && (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

void oo_keylabels_free(struct oo_keylabel *kl, size_t n)
{
	for (size_t i = 0; kl && i < n; i++) {
		free(kl[i].key);
		free(kl[i].label);
	}
	free(kl);
}

/* Fills one entry from a key and a label value (label NULL: copy of the key). */
static int keylabel_set(struct oo_keylabel *kl, const char *key, const json_t *label)
{
	kl->key = strdup(key);
	if (label) {
		if (oo_value_text(label, &kl->label))
			return ERR_NOMEM;
		if (!kl->label)
			kl->label = strdup("");
	} else {
		kl->label = strdup(key);
	}
	return kl->key && kl->label ? 0 : ERR_NOMEM;
}

static int keylabels_from_object(const json_t *v, struct oo_keylabel *kl, size_t *n)
{
	/* jansson's iterators take a non-const object but do not modify it. */
	json_t *obj = (json_t *)(uintptr_t)v;
	for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
		int rc =
		    keylabel_set(&kl[(*n)++], json_object_iter_key(it), json_object_iter_value(it));
		if (rc)
			return rc;
	}
	return 0;
}

static int keylabels_from_array(const json_t *v, struct oo_keylabel *kl, size_t *n)
{
	size_t i;
	json_t *el;
	json_array_foreach(v, i, el)
	{
		char *key;
		if (!is_scalar(el))
			continue;
		if (oo_value_text(el, &key))
			return ERR_NOMEM;
		int rc = keylabel_set(&kl[(*n)++], key, NULL);
		free(key);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_keylabels_from_json(const json_t *v, struct oo_keylabel **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t count = json_is_object(v)  ? json_object_size(v)
	               : json_is_array(v) ? json_array_size(v)
	                                  : 0;
	if (count == 0)
		return 0;
	struct oo_keylabel *kl = calloc(count, sizeof(*kl));
	if (!kl)
		return ERR_NOMEM;
	size_t used = 0;
	int rc = json_is_object(v) ? keylabels_from_object(v, kl, &used)
	                           : keylabels_from_array(v, kl, &used);
	if (rc) {
		oo_keylabels_free(kl, used);
		return rc;
	}
	if (used == 0) {
		free(kl);
		kl = NULL;
	}
	*out = kl;
	*n = used;
	return 0;
}

int oo_idv_push(struct oo_idv *ids, int64_t id)
{
	int64_t *v = realloc(ids->v, (ids->n + 1) * sizeof(*v));
	if (!v)
		return ERR_NOMEM;
	v[ids->n++] = id;
	ids->v = v;
	return 0;
}

bool oo_idv_contains(const struct oo_idv *ids, int64_t id)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->v[i] == id)
			return true;
	return false;
}

int oo_idv_add_unique(struct oo_idv *ids, int64_t id)
{
	return oo_idv_contains(ids, id) ? 0 : oo_idv_push(ids, id);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void oo_idv_sort(struct oo_idv *ids)
{
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof(*ids->v), cmp_id);
}

void oo_idv_release(struct oo_idv *ids)
{
	free(ids->v);
	ids->v = NULL;
	ids->n = 0;
}

int oo_value_ids(const json_t *v, struct oo_idv *out)
{
	struct oo_strv keys = OO_STRV_INIT;
	int rc = oo_value_keys(v, &keys);
	for (size_t i = 0; !rc && i < keys.n; i++) {
		int64_t id;
		if (decimal_int(keys.v[i], &id) == 0)
			rc = oo_idv_push(out, id);
	}
	oo_strv_release(&keys);
	return rc;
}
