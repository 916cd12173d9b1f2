/* Fetching pages of addresses and writing their elements (address_read.h). */
#include "address_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sqlq.h"
#include "text.h"

void emu_page_release(struct emu_page *p)
{
	for (size_t i = 0; i < p->nrows; i++) {
		for (int c = 0; c < EMU_ADDRESS_NCOLS; c++)
			free(p->rows[i].col[c]);
	}
	for (size_t i = 0; i < p->nentries; i++) {
		free(p->entries[i].value);
		free(p->entries[i].comment);
	}
	for (size_t i = 0; i < p->nmultis; i++)
		free(p->multis[i].key);
	free(p->rows);
	free(p->entries);
	free(p->multis);
	memset(p, 0, sizeof(*p));
}

/* Grows *arr (of elem bytes each) so that one more fits. */
static int grow(void **arr, size_t n, size_t *cap, size_t elem, struct err *e)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *a = realloc(*arr, ncap * elem);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	*arr = a;
	*cap = ncap;
	return 0;
}

/* "(?, ?, …)" with the page's address ids. */
static void id_list(struct sqlq *q, const struct emu_page *p)
{
	sqlq_add(q, "(");
	for (size_t i = 0; i < p->nrows; i++) {
		sqlq_add(q, i ? ", ?" : "?");
		sqlq_int(q, p->rows[i].id);
	}
	sqlq_add(q, ")");
}

static int fetch_entries(struct db_conn *c, struct emu_page *p, struct err *e)
{
	struct sqlq q = SQLQ_INIT;
	struct db_stmt *st;
	bool row;
	size_t cap = 0;
	sqlq_add(&q, "SELECT address_id, id, type, value, is_default, comment FROM "
	             "address_contacts WHERE address_id IN ");
	id_list(&q, p);
	sqlq_add(&q, " ORDER BY address_id, id");
	int rc = sqlq_failed(&q) ? err_set(e, ERR_NOMEM, NULL, NULL)
	                         : db_prepare(c, sqlq_sql(&q), &st, e);
	if (!rc)
		sqlq_bind(&q, st);
	while (!rc && !(rc = db_step(st, &row, e)) && row) {
		if ((rc = grow((void **)&p->entries, p->nentries, &cap, sizeof(*p->entries), e)))
			break;
		struct emu_entry *en = &p->entries[p->nentries++];
		memset(en, 0, sizeof(*en));
		en->address_id = db_col_int(st, 0);
		en->id = db_col_int(st, 1);
		db_col_text(st, 2, en->type, sizeof(en->type));
		en->value = db_col_strdup(st, 3);
		en->is_default = db_col_bool(st, 4);
		en->comment = db_col_null(st, 5) ? NULL : db_col_strdup(st, 5);
		if (!en->value)
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
	}
	sqlq_release(&q);
	return rc;
}

static int fetch_multis(struct db_conn *c, struct emu_page *p, struct err *e)
{
	struct sqlq q = SQLQ_INIT;
	struct db_stmt *st;
	bool row;
	size_t cap = 0;
	sqlq_add(&q,
	         "SELECT address_id, field, key FROM address_multiselects WHERE address_id IN ");
	id_list(&q, p);
	sqlq_add(&q, " ORDER BY address_id, field, position");
	int rc = sqlq_failed(&q) ? err_set(e, ERR_NOMEM, NULL, NULL)
	                         : db_prepare(c, sqlq_sql(&q), &st, e);
	if (!rc)
		sqlq_bind(&q, st);
	while (!rc && !(rc = db_step(st, &row, e)) && row) {
		if ((rc = grow((void **)&p->multis, p->nmultis, &cap, sizeof(*p->multis), e)))
			break;
		struct emu_multi *m = &p->multis[p->nmultis++];
		memset(m, 0, sizeof(*m));
		m->address_id = db_col_int(st, 0);
		db_col_text(st, 1, m->field, sizeof(m->field));
		if (!(m->key = db_col_strdup(st, 2)))
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
	}
	sqlq_release(&q);
	return rc;
}

int emu_page_fetch(struct db_conn *c, struct db_stmt *st, bool want_entries, bool want_multis,
                   struct emu_page *p, struct err *e)
{
	bool row;
	size_t cap = 0;
	int rc;
	while (!(rc = db_step(st, &row, e)) && row) {
		if ((rc = grow((void **)&p->rows, p->nrows, &cap, sizeof(*p->rows), e)))
			return rc;
		struct emu_row *r = &p->rows[p->nrows++];
		memset(r, 0, sizeof(*r));
		r->id = db_col_int(st, 0);
		for (int i = 0; i < EMU_ADDRESS_NCOLS; i++) {
			if (db_col_null(st, i))
				continue;
			if (!(r->col[i] = db_col_strdup(st, i)))
				return err_set(e, ERR_NOMEM, NULL, NULL);
		}
	}
	if (rc || p->nrows == 0)
		return rc;
	if (want_entries && (rc = fetch_entries(c, p, e)))
		return rc;
	if (want_multis && (rc = fetch_multis(c, p, e)))
		return rc;
	return 0;
}

/* The first index in a sorted run of address ids (stride bytes apart) equal to id, and how
 * many follow with the same id. */
static size_t find_run(const void *base, size_t n, size_t stride, int64_t id, size_t *count)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t v = *(const int64_t *)(const void *)((const char *)base + mid * stride);
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < n && *(const int64_t *)(const void *)((const char *)base + end * stride) == id)
		end++;
	*count = end - lo;
	return lo;
}

const struct emu_entry *emu_page_entries(const struct emu_page *p, int64_t id, size_t *n)
{
	size_t at = find_run(p->entries, p->nentries, sizeof(*p->entries), id, n);
	return *n ? &p->entries[at] : NULL;
}

const struct emu_multi *emu_page_multis(const struct emu_page *p, int64_t id, size_t *n)
{
	size_t at = find_run(p->multis, p->nmultis, sizeof(*p->multis), id, n);
	return *n ? &p->multis[at] : NULL;
}

/* ---- output ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The label of key in the select map the field's configuration names, or key itself. */
static const char *select_label(const struct emu_read_format *fmt, const struct emu_afield *f,
                                const char *key)
{
	if (!fmt->formatoutput || !f->config_key || !key)
		return key;
	if (strcmp(f->config_key, "@status") == 0)
		return strcmp(key, "1") == 0 ? "Aktiv" : "Archiviert";
	if (f->config_key[0] == '@')
		return key;
	json_t *label = json_object_get(json_object_get(fmt->cfg, f->config_key), key);
	return json_is_string(label) ? json_string_value(label) : key;
}

static json_t *country_value(const struct emu_read_format *fmt, const char *iso3)
{
	if (!iso3)
		return json_null();
	const struct emu_country *c = emu_country_find(iso3);
	if (!c)
		return json_string(iso3);
	return json_string(fmt->country == 2 ? c->iso2 : fmt->country == 3 ? c->iso3 : c->name);
}

static json_t *multi_value(const struct emu_afield *f, const struct emu_row *row,
                           const struct emu_page *p, const struct emu_read_format *fmt)
{
	size_t n;
	const struct emu_multi *m = emu_page_multis(p, row->id, &n);
	bool pipe = emu_config_pipe_format(fmt->cfg, f->name);
	json_t *arr = pipe ? NULL : json_array();
	struct buf b = BUF_INIT(64 * 1024);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].field, f->name) != 0)
			continue;
		const char *v = select_label(fmt, f, m[i].key);
		if (pipe)
			buf_addf(&b, "|%s|", v);
		else
			json_array_append_new(arr, json_string(v));
	}
	json_t *out = pipe ? json_string(buf_str(&b)) : arr;
	buf_release(&b);
	return out;
}

/* Adds "<prefix>__<id>" (and "…__Comment") for each matching entry. */
static int put_entries(json_t *el, const char *prefix, const char *types, bool only_default,
                       const struct emu_row *row, const struct emu_page *p)
{
	size_t n;
	const struct emu_entry *en = emu_page_entries(p, row->id, &n);
	for (size_t i = 0; i < n; i++) {
		char quoted[16];
		snprintf(quoted, sizeof(quoted), "'%s'", en[i].type);
		if (!strstr(types, quoted) || (only_default && !en[i].is_default))
			continue;
		char key[96];
		snprintf(key, sizeof(key), "%s__%lld", prefix, (long long)en[i].id);
		if (json_object_set_new(el, key, json_string(en[i].value)))
			return ERR_NOMEM;
		if (en[i].comment && *en[i].comment) {
			snprintf(key, sizeof(key), "%s__%lld__Comment", prefix,
			         (long long)en[i].id);
			if (json_object_set_new(el, key, json_string(en[i].comment)))
				return ERR_NOMEM;
		}
	}
	return 0;
}

int emu_read_put(json_t *el, const struct emu_afield *f, const struct emu_row *row,
                 const struct emu_page *p, const struct emu_read_format *fmt)
{
	json_t *v;
	char num[32];
	switch (f->kind) {
	case AF_ENTRIES:
		return put_entries(el, f->name, f->read_types, false, row, p);
	case AF_DEFAULT:
		return put_entries(el, f->name, f->read_types, true, row, p);
	case AF_IMAGE:
		v = json_null();
		break;
	case AF_ID:
		snprintf(num, sizeof(num), "%lld", (long long)row->id);
		v = json_string(num);
		break;
	case AF_MULTI:
		v = multi_value(f, row, p, fmt);
		break;
	case AF_COUNTRY:
		v = country_value(fmt, row->col[f->col]);
		break;
	case AF_SELECT:
	case AF_INT:
		v = str_or_null(select_label(fmt, f, row->col[f->col]));
		break;
	default:
		v = str_or_null(row->col[f->col]);
		break;
	}
	return json_object_set_new(el, f->name, v) ? ERR_NOMEM : 0;
}
