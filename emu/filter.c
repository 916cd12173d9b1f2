/* read/address filters to SQL (filter.h). */
#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "text.h"

enum op {
	OP_EQ,
	OP_NE,
	OP_GT,
	OP_LT,
	OP_GE,
	OP_LE,
	OP_BETWEEN,
	OP_LIKE,
	OP_NOTLIKE,
	OP_IN,
	OP_NOTIN
};

static const struct {
	const char *name;
	enum op op;
} op_names[] = {
    {"=", OP_EQ},
    {"is", OP_EQ},
    {"!=", OP_NE},
    {"<>", OP_NE},
    {">", OP_GT},
    {"<", OP_LT},
    {">=", OP_GE},
    {"<=", OP_LE},
    {"between", OP_BETWEEN},
    {"like", OP_LIKE},
    {"not like", OP_NOTLIKE},
    {"in", OP_IN},
    {"not in", OP_NOTIN},
};

#define MAX_VALUES 1000

/* The values of one expression, converted for the field. */
struct values {
	char *v[MAX_VALUES]; /* non-empty values, owned */
	size_t n;
	bool has_empty; /* "" or null among them */
};

static void values_release(struct values *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->v[i]);
	vs->n = 0;
}

static bool parse_op(const char *s, enum op *out)
{
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (strcasecmp(s, op_names[i].name) == 0) {
			*out = op_names[i].op;
			return true;
		}
	}
	return false;
}

static bool is_negative(enum op op)
{
	return op == OP_NE || op == OP_NOTLIKE || op == OP_NOTIN;
}

static bool is_set_op(enum op op)
{
	return op == OP_EQ || op == OP_NE || op == OP_LIKE || op == OP_NOTLIKE || op == OP_IN ||
	       op == OP_NOTIN;
}

/* A scalar JSON value as text; "" for null. false for arrays and objects. */
static bool scalar_text(json_t *v, char *out, size_t cap)
{
	if (json_is_null(v) || !v)
		snprintf(out, cap, "%s", "");
	else if (json_is_string(v))
		snprintf(out, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, cap, "%.15g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(out, cap, "%s", json_is_true(v) ? "1" : "0");
	else
		return false;
	return true;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* "Y-m-d" or "Y-m-d H:i:s" (shape only; onOffice compares them as text). */
static bool date_shape(const char *s, bool *with_time)
{
	size_t n = strlen(s);
	if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return false;
	if (n == 10) {
		*with_time = false;
		return true;
	}
	*with_time = true;
	return n == 19 && s[10] == ' ' && digits(s + 11, 2) && s[13] == ':' && digits(s + 14, 2) &&
	       s[16] == ':' && digits(s + 17, 2);
}

/*
 * Converts one text value for field f under op into what is bound: folded text,
 * a decimal integer, an ISO-3 code, a normalised date. false when it does not fit.
 */
static bool convert(const struct emu_afield *f, enum op op, const char *in, char *out, size_t cap)
{
	bool like = op == OP_LIKE || op == OP_NOTLIKE;
	bool with_time;
	switch (f->kind) {
	case AF_ID:
	case AF_INT: {
		if (like)
			return (size_t)snprintf(out, cap, "%s", in) < cap;
		char *end;
		errno = 0;
		long long v = strtoll(in, &end, 10);
		if (!*in || *end || errno)
			return false;
		snprintf(out, cap, "%lld", v);
		return true;
	}
	case AF_COUNTRY: {
		const struct emu_country *c = like ? NULL : emu_country_find(in);
		return (size_t)snprintf(out, cap, "%s", c ? c->iso3 : in) < cap;
	}
	case AF_DATETIME:
		if (like)
			return (size_t)snprintf(out, cap, "%s", in) < cap;
		if (!date_shape(in, &with_time) || cap < 20)
			return false;
		memcpy(out, in, 10);
		memcpy(out + 10, with_time ? in + 10 : " 00:00:00", 9);
		out[19] = '\0';
		return true;
	case AF_DATE:
		if (like)
			return (size_t)snprintf(out, cap, "%s", in) < cap;
		if (!date_shape(in, &with_time))
			return false;
		snprintf(out, cap, "%.10s", in);
		return true;
	case AF_RAW:
	case AF_SELECT: /* compared through SQL lower(), which folds ASCII only */
		if ((size_t)snprintf(out, cap, "%s", in) >= cap)
			return false;
		for (char *p = out; *p; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		}
		return true;
	default:
		return emu_fold_into(in, out, cap);
	}
}

/* Collects the values of one expression into vs, checking the shape op needs. */
static int collect(const struct emu_afield *f, enum op op, json_t *val, struct values *vs,
                   struct emu_answer *ans)
{
	char text[512], conv[512];
	bool list = op == OP_IN || op == OP_NOTIN || op == OP_BETWEEN;
	size_t i;
	json_t *item;
	if (list != json_is_array(val))
		return emu_fail(
		    ans, OO_BAD_FILTER,
		    "An error occurred while validating the filter: %s: operator needs %s", f->name,
		    list ? "an array value" : "a single value");
	if (op == OP_BETWEEN && json_array_size(val) != 2)
		return emu_fail(ans, OO_BAD_FILTER,
		                "An error occurred while validating the filter: %s: between needs "
		                "two values",
		                f->name);
	if (list && json_array_size(val) > MAX_VALUES)
		return emu_fail(
		    ans, OO_BAD_FILTER,
		    "An error occurred while validating the filter: %s: too many values", f->name);
	json_t *one = list ? NULL : val;
	for (i = 0; list ? i < json_array_size(val) : i < 1; i++) {
		item = list ? json_array_get(val, i) : one;
		if (!scalar_text(item, text, sizeof(text)))
			return emu_fail(
			    ans, OO_BAD_FILTER,
			    "An error occurred while validating the filter: %s: values must "
			    "be strings or numbers",
			    f->name);
		if (!*text && op != OP_BETWEEN && f->kind != AF_ID && f->kind != AF_INT) {
			vs->has_empty = true;
			continue;
		}
		if (!*text && (op == OP_BETWEEN || op == OP_GT || op == OP_LT || op == OP_GE ||
		               op == OP_LE)) {
			return emu_fail(
			    ans, OO_BAD_FILTER,
			    "An error occurred while validating the filter: %s: empty value "
			    "for a comparison",
			    f->name);
		}
		if (!*text) {
			vs->has_empty = true;
			continue;
		}
		if (!convert(f, op, text, conv, sizeof(conv)))
			return emu_fail(
			    ans, OO_BAD_FILTER,
			    "An error occurred while validating the filter: %s: invalid "
			    "value \"%.100s\"",
			    f->name, text);
		if (!(vs->v[vs->n] = strdup(conv)))
			return emu_fail(ans, OO_BAD_FILTER, "out of memory");
		vs->n++;
	}
	if ((op == OP_GT || op == OP_LT || op == OP_GE || op == OP_LE) && vs->n == 0)
		return emu_fail(
		    ans, OO_BAD_FILTER,
		    "An error occurred while validating the filter: %s: empty value for "
		    "a comparison",
		    f->name);
	return 0;
}

static bool numeric(const struct emu_afield *f)
{
	return f->kind == AF_ID || f->kind == AF_INT;
}

static void bind_value(struct sqlq *q, const struct emu_afield *f, enum op op, const char *v)
{
	if (numeric(f) && op != OP_LIKE && op != OP_NOTLIKE)
		sqlq_int(q, strtoll(v, NULL, 10));
	else
		sqlq_text(q, v);
}

/* "(?, ?, …)" for every value. */
static void value_list(struct sqlq *q, const struct emu_afield *f, enum op op,
                       const struct values *vs)
{
	sqlq_add(q, "(");
	for (size_t i = 0; i < vs->n; i++) {
		sqlq_add(q, i ? ", ?" : "?");
		bind_value(q, f, op, vs->v[i]);
	}
	sqlq_add(q, ")");
}

/* The comparison of x (an SQL expression) with the non-empty values under op. */
static void match_values(struct sqlq *q, const char *x, const struct emu_afield *f, enum op op,
                         const struct values *vs)
{
	static const char *const cmp_sql[] = {
	    [OP_GT] = ">", [OP_LT] = "<", [OP_GE] = ">=", [OP_LE] = "<="};
	switch (op) {
	case OP_GT:
	case OP_LT:
	case OP_GE:
	case OP_LE:
		sqlq_addf(q, "%s %s ?", x, cmp_sql[op]);
		bind_value(q, f, op, vs->v[0]);
		break;
	case OP_BETWEEN:
		sqlq_addf(q, "%s BETWEEN ? AND ?", x);
		bind_value(q, f, op, vs->v[0]);
		bind_value(q, f, op, vs->v[1]);
		break;
	case OP_LIKE:
	case OP_NOTLIKE:
		if (numeric(f))
			sqlq_addf(q, "CAST(%s AS TEXT) LIKE ?", x);
		else
			sqlq_addf(q, "%s LIKE ?", x);
		sqlq_text(q, vs->v[0]);
		break;
	default:
		sqlq_addf(q, "%s IN ", x);
		value_list(q, f, op, vs);
		break;
	}
}

/* A column of the address row: positive ops match a value or emptiness; negative ops
 * match everything else, empty fields included (emu/README.md). */
static void scalar_sql(struct sqlq *q, const struct emu_afield *f, enum op op,
                       const struct values *vs)
{
	const char *x = f->cmp;
	if (!is_set_op(op)) {
		match_values(q, x, f, op, vs);
		return;
	}
	bool neg = is_negative(op);
	bool any = false;
	sqlq_add(q, "(");
	if (vs->n) {
		if (neg)
			sqlq_addf(q, "(%s IS NULL OR NOT (", x);
		match_values(q, x, f, op, vs);
		if (neg)
			sqlq_add(q, "))");
		any = true;
	}
	if (vs->has_empty) {
		if (any)
			sqlq_add(q, neg ? " AND " : " OR ");
		if (numeric(f))
			sqlq_addf(q, neg ? "%s IS NOT NULL" : "%s IS NULL", x);
		else if (neg)
			sqlq_addf(q, "(%s IS NOT NULL AND %s <> '')", x, x);
		else
			sqlq_addf(q, "(%s IS NULL OR %s = '')", x, x);
		any = true;
	}
	if (!any)
		sqlq_add(q, neg ? "1" : "0");
	sqlq_add(q, ")");
}

/* The subquery of addresses that have a row in the set (multiselect keys or entries). */
static void set_sub(struct sqlq *q, const struct emu_afield *f, const char **col)
{
	if (f->kind == AF_MULTI) {
		sqlq_add(q, "SELECT m.address_id FROM address_multiselects m WHERE m.field = ?");
		sqlq_text(q, f->name);
		*col = "m.key_f";
	} else {
		sqlq_addf(q, "SELECT ct.address_id FROM address_contacts ct WHERE ct.type IN (%s)",
		          f->filter_types);
		*col = "ct.value_f";
	}
}

/*
 * A set of values per address (multiselect keys, contact entries): positive ops match
 * when some member matches (or, for "", when the set is empty); negative ops when no
 * member matches (for "", when the set is not empty).
 */
static void set_sql(struct sqlq *q, const struct emu_afield *f, enum op op, const struct values *vs)
{
	const char *col;
	bool neg = is_negative(op);
	bool any = false;
	sqlq_add(q, "(");
	if (vs->n) {
		sqlq_add(q, neg ? "a.id NOT IN (" : "a.id IN (");
		set_sub(q, f, &col);
		sqlq_add(q, " AND ");
		enum op pos = op == OP_NE        ? OP_EQ
		              : op == OP_NOTLIKE ? OP_LIKE
		              : op == OP_NOTIN   ? OP_IN
		                                 : op;
		match_values(q, col, f, pos, vs);
		sqlq_add(q, ")");
		any = true;
	}
	if (vs->has_empty) {
		if (any)
			sqlq_add(q, neg ? " AND " : " OR ");
		sqlq_add(q, neg ? "a.id IN (" : "a.id NOT IN (");
		set_sub(q, f, &col);
		sqlq_add(q, ")");
		any = true;
	}
	if (!any)
		sqlq_add(q, neg ? "1" : "0");
	sqlq_add(q, ")");
}

static int one_expression(const struct emu_afield *f, json_t *expr, struct sqlq *q,
                          struct emu_answer *ans)
{
	if (!json_is_object(expr))
		return emu_fail(
		    ans, OO_BAD_FILTER,
		    "An error occurred while validating the filter: %s: expressions must "
		    "be objects {op, val}",
		    f->name);
	json_t *jop = json_object_get(expr, "op");
	enum op op;
	if (!json_is_string(jop) || !parse_op(json_string_value(jop), &op))
		return emu_fail(ans, OO_UNKNOWN_OPERATOR, "Unknown operator: %.60s",
		                json_is_string(jop) ? json_string_value(jop) : "(none)");
	if (f->kind == AF_MULTI && !is_set_op(op))
		return emu_fail(
		    ans, OO_MULTISELECT_OP,
		    "Multiselect fields can only be filtered with =, !=, like, not like, "
		    "in and not in");
	struct values vs = {.n = 0, .has_empty = false};
	json_t *val = json_object_get(expr, "val");
	if (!val)
		return emu_fail(ans, OO_BAD_FILTER,
		                "An error occurred while validating the filter: %s: no value (val)",
		                f->name);
	int rc = collect(f, op, val, &vs, ans);
	if (!rc) {
		sqlq_add(q, " AND ");
		if (f->kind == AF_MULTI || f->kind == AF_ENTRIES)
			set_sql(q, f, op, &vs);
		else
			scalar_sql(q, f, op, &vs);
	}
	values_release(&vs);
	return rc;
}

int emu_filter_sql(json_t *filter, struct sqlq *q, struct emu_answer *ans)
{
	return emu_filter_sql_with(filter, emu_afield_find, q, ans);
}

int emu_filter_sql_with(json_t *filter, emu_field_lookup find, struct sqlq *q,
                        struct emu_answer *ans)
{
	if (!filter || json_is_null(filter))
		return 0;
	if (json_is_array(filter) && json_array_size(filter) == 0)
		return 0; /* PHP's empty array */
	if (!json_is_object(filter))
		return emu_fail(ans, OO_BAD_FILTER,
		                "An error occurred while validating the filter: filter must be an "
		                "object");
	const char *name;
	json_t *exprs;
	json_object_foreach(filter, name, exprs)
	{
		const struct emu_afield *f = find(name);
		if (!f || f->kind == AF_DEFAULT || f->kind == AF_IMAGE ||
		    (!f->cmp && f->kind != AF_MULTI && f->kind != AF_ENTRIES))
			return emu_fail(ans, OO_UNKNOWN_FIELD, "Unknown field: %.80s", name);
		if (!json_is_array(exprs))
			return emu_fail(
			    ans, OO_BAD_FILTER,
			    "An error occurred while validating the filter: %s: expected an "
			    "array of {op, val}",
			    f->name);
		size_t i;
		json_t *expr;
		json_array_foreach(exprs, i, expr)
		{
			int rc = one_expression(f, expr, q, ans);
			if (rc)
				return rc;
		}
	}
	return 0;
}
