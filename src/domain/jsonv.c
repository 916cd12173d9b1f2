#include "domain/jsonv.h"

#include "core/utf8.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void jsonv_join(char out[JSONV_PATH_MAX], const char *path, const char *key)
{
	if (!key[0])
		key = "\"\""; /* an empty key still needs a visible name */
	int n = path[0] ? snprintf(out, JSONV_PATH_MAX, "%s.%s", path, key)
	                : snprintf(out, JSONV_PATH_MAX, "%s", key);
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= JSONV_PATH_MAX)
		out[utf8_cut(out, JSONV_PATH_MAX - 1)] = '\0';
}

static const struct jsonv_field *find_member(const struct jsonv_field *members, const char *key)
{
	for (const struct jsonv_field *f = members; f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

/* The first control character in s[0..len): C0 and DEL, C1 (U+0080-U+009F, encoded
 * C2 80-9F) and the line and paragraph separators U+2028/U+2029 (E2 80 A8/A9). */
static bool has_control(const char *str, size_t len, bool multiline)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c < 0x20 || c == 0x7F) {
			if (multiline && (c == '\t' || c == '\n' || c == '\r'))
				continue;
			return true;
		}
		if (c == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
			return true;
		if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
			return true;
	}
	return false;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ')
			return false;
	return true;
}

static int one_of_error(const struct jsonv_field *f, const char *path, struct err *e)
{
	char list[256];
	size_t len = 0;
	list[0] = '\0';
	for (const char *const *v = f->one_of; *v; v++) {
		int n = snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", *v);
		if (n < 0 || (size_t)n >= sizeof(list) - len)
			break;
		len += (size_t)n;
	}
	return err_set(e, ERR_INVALID_FIELD, path, "must be one of: %s", list);
}

static int check_string(const struct jsonv_field *f, const json_t *v, const char *path,
                        struct err *e)
{
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID_FIELD, path, "must be a string");
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if ((f->flags & JSONV_REQUIRED) && blank(s, len))
		return err_set(e, ERR_INVALID_FIELD, path, "must not be empty");
	if (strlen(s) != len || has_control(s, len, f->flags & JSONV_MULTILINE))
		return err_set(e, ERR_INVALID_FIELD, path,
		               (f->flags & JSONV_MULTILINE)
		                   ? "must not contain control characters"
		                   : "must be a single line without control characters");
	if (f->max_chars && utf8_chars(s, len) > f->max_chars)
		return err_set(e, ERR_INVALID_FIELD, path, "must be at most %zu characters",
		               f->max_chars);
	if (f->one_of) {
		for (const char *const *o = f->one_of; *o; o++)
			if (strcmp(*o, s) == 0)
				return 0;
		return one_of_error(f, path, e);
	}
	return 0;
}

static int check_integer(const struct jsonv_field *f, const json_t *v, const char *path,
                         struct err *e)
{
	if (!json_is_integer(v))
		return err_set(e, ERR_INVALID_FIELD, path, "must be an integer");
	json_int_t x = json_integer_value(v);
	if (x < f->imin || x > f->imax)
		return err_set(e, ERR_INVALID_FIELD, path,
		               "must be between %" JSON_INTEGER_FORMAT " and %" JSON_INTEGER_FORMAT,
		               f->imin, f->imax);
	return 0;
}

static int check_number(const struct jsonv_field *f, const json_t *v, const char *path,
                        struct err *e)
{
	if (!json_is_number(v))
		return err_set(e, ERR_INVALID_FIELD, path, "must be a number");
	double x = json_number_value(v);
	if (!isfinite(x) || x < f->dmin || x > f->dmax)
		return err_set(e, ERR_INVALID_FIELD, path, "must be between %g and %g", f->dmin,
		               f->dmax);
	if (f->step > 0 && floor(x / f->step) != x / f->step)
		return err_set(e, ERR_INVALID_FIELD, path, "must be a multiple of %g", f->step);
	return 0;
}

static int validate_members(json_t *obj, const struct jsonv_field *members, const char *path,
                            struct err *e);

static int validate_value(json_t *parent, const struct jsonv_field *f, json_t *v, const char *path,
                          struct err *e)
{
	int rc = 0;
	switch (f->kind) {
	case JSONV_STRING:
		rc = check_string(f, v, path, e);
		break;
	case JSONV_BOOL:
		if (!json_is_boolean(v))
			rc = err_set(e, ERR_INVALID_FIELD, path, "must be true or false");
		break;
	case JSONV_INTEGER:
		rc = check_integer(f, v, path, e);
		break;
	case JSONV_NUMBER:
		rc = check_number(f, v, path, e);
		break;
	case JSONV_OBJECT: {
		if (!json_is_object(v))
			return err_set(e, ERR_INVALID_FIELD, path, "must be an object");
		const struct jsonv_field *members =
		    f->fields_for ? f->fields_for(parent) : f->fields;
		if (!members)
			return err_set(e, ERR_INVALID_FIELD, path, "cannot be checked");
		rc = validate_members(v, members, path, e);
		break;
	}
	}
	if (rc == 0 && f->check)
		rc = f->check(v, path, e);
	return rc;
}

/* null, and "" for an optional string, mean "not given". */
static bool counts_as_absent(const struct jsonv_field *f, const json_t *v)
{
	if (json_is_null(v))
		return true;
	return f->kind == JSONV_STRING && !(f->flags & JSONV_REQUIRED) && json_is_string(v) &&
	       json_string_length(v) == 0;
}

static int validate_members(json_t *obj, const struct jsonv_field *members, const char *path,
                            struct err *e)
{
	char child[JSONV_PATH_MAX];
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (!find_member(members, key)) {
			jsonv_join(child, path, key);
			return err_set(e, ERR_INVALID_FIELD, child, "unknown field");
		}
	}
	for (const struct jsonv_field *f = members; f->key; f++) {
		jsonv_join(child, path, f->key);
		v = json_object_get(obj, f->key);
		if (v && counts_as_absent(f, v)) {
			json_object_del(obj, f->key);
			v = NULL;
		}
		if (!v) {
			if (f->flags & JSONV_REQUIRED)
				return err_set(e, ERR_INVALID_FIELD, child, "is required");
			continue;
		}
		int rc = validate_value(obj, f, v, child, e);
		if (rc)
			return rc;
		if (f->kind == JSONV_OBJECT && !(f->flags & JSONV_REQUIRED) &&
		    json_object_size(v) == 0)
			json_object_del(obj, f->key);
	}
	return 0;
}

int jsonv_validate(json_t *value, const struct jsonv_field *spec, const char *path, struct err *e)
{
	return validate_value(NULL, spec, value, path, e);
}
