/* Checks and updates of address writes (address_write.h). */
#include "address_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlq.h"
#include "text.h"

bool emu_phone_is_mobile(const char *number)
{
	char d[32];
	size_t n = 0;
	const char *p = number;
	bool plus = false;
	while (*p == ' ')
		p++;
	if (*p == '+') {
		plus = true;
		p++;
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof(d))
				return false;
			d[n++] = *p;
		} else if (!strchr(" -/().", *p)) {
			return false;
		}
	}
	d[n] = '\0';
	const char *nat;
	if (plus && n >= 2 && memcmp(d, "49", 2) == 0)
		nat = d + 2;
	else if (!plus && n >= 4 && memcmp(d, "0049", 4) == 0)
		nat = d + 4;
	else if (!plus && n >= 2 && d[0] == '0' && d[1] != '0')
		nat = d + 1;
	else
		return false;
	if (nat != d + 1 && nat[0] == '0')
		nat++; /* the trunk zero of "+49 (0)171 …" */
	size_t len = strlen(nat);
	return nat[0] == '1' && nat[1] >= '5' && nat[1] <= '7' && len >= 9 && len <= 12;
}

const char *emu_contact_type_for(const struct emu_contact_key *k, const char *value)
{
	if (strcmp(k->type, "phone") == 0 && emu_phone_is_mobile(value))
		return "mobile";
	return k->type;
}

/* ---- plain fields ---- */

static int field_index(const char *name)
{
	for (int i = 0; i < EMU_WFIELDS; i++) {
		if (strcmp(emu_wfields[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* The country for s under mode: ISO-3 or German name on create, the name on modify. */
static const struct emu_country *write_country(const char *s, enum emu_land_mode mode)
{
	const struct emu_country *c = emu_country_find(s);
	if (!c)
		return NULL;
	char a[96], b[96];
	bool by_name = emu_fold_into(s, a, sizeof(a)) && emu_fold_into(c->name, b, sizeof(b)) &&
	               strcmp(a, b) == 0;
	if (mode == EMU_LAND_MODIFY)
		return by_name ? c : NULL;
	return by_name || strcasecmp(s, c->iso3) == 0 ? c : NULL;
}

static int text_value(const struct emu_wfield *wf, json_t *value, const char **out, char *num,
                      size_t numcap, struct emu_answer *ans)
{
	const struct emu_afield *af = emu_afield_find(wf->name);
	size_t max = af && af->length ? (size_t)af->length : 255;
	if (json_is_null(value)) {
		*out = NULL;
		return 0;
	}
	if (json_is_integer(value)) {
		snprintf(num, numcap, "%lld", (long long)json_integer_value(value));
		*out = num;
		return 0;
	}
	if (!json_is_string(value))
		return emu_fail(ans, OO_EXPECTED_STRING,
		                "Given element or parameter was expected to be a string: %s",
		                wf->name);
	if (json_string_length(value) > max)
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"%s\" (longer than %zu bytes)",
		                wf->name, max);
	*out = json_string_value(value);
	return 0;
}

static bool key_in(json_t *cfg, const char *config_key, const char *key)
{
	return json_object_get(json_object_get(cfg, config_key), key) != NULL;
}

static int multi_value(json_t *cfg, const struct emu_wfield *wf, int i, json_t *value,
                       struct emu_address_fields *out, struct emu_answer *ans)
{
	size_t k;
	json_t *v;
	if (!json_is_array(value))
		return emu_fail(ans, OO_INVALID_MULTISELECT,
		                "Invalid multiselect key: %s (an array of keys is expected)",
		                wf->name);
	out->nmulti[i] = 0;
	json_array_foreach(value, k, v)
	{
		const char *key = json_string_value(v);
		if (!key || !*key || strchr(key, '|') || out->nmulti[i] == EMU_MULTI_MAX)
			return emu_fail(ans, OO_INVALID_MULTISELECT, "Invalid multiselect key: %s",
			                wf->name);
		if (!key_in(cfg, wf->config_key, key))
			return emu_fail(ans, OO_UNKNOWN_SELECT_VALUE,
			                "Unknown value in select field \"%s\" (%.80s)", wf->name,
			                key);
		bool dup = false;
		for (size_t d = 0; d < out->nmulti[i]; d++)
			dup = dup || strcmp(out->multi[i][d], key) == 0;
		if (!dup)
			out->multi[i][out->nmulti[i]++] = key;
	}
	return 0;
}

int emu_address_field_param(json_t *cfg, const char *name, json_t *value, enum emu_land_mode mode,
                            struct emu_address_fields *out, struct emu_answer *ans)
{
	int i = field_index(name);
	if (i < 0)
		return -1;
	const struct emu_wfield *wf = &emu_wfields[i];
	const char *s = json_string_value(value);
	int rc = 0;
	switch (wf->kind) {
	case WF_TEXT:
		rc = text_value(wf, value, &out->text[i], out->num[i], sizeof(out->num[i]), ans);
		break;
	case WF_SELECT:
		if (!json_is_null(value) && !s)
			return emu_fail(ans, OO_INVALID_SINGLESELECT,
			                "Invalid singleselect key: %s", wf->name);
		if (s && *s && !key_in(cfg, wf->config_key, s))
			return emu_fail(ans, OO_UNKNOWN_SELECT_VALUE,
			                "Unknown value in select field \"%s\" (%.80s)", wf->name,
			                s);
		out->text[i] = s ? s : "";
		break;
	case WF_COUNTRY: {
		if (!json_is_null(value) && !s)
			return emu_fail(ans, OO_INVALID_SINGLESELECT,
			                "Invalid singleselect key: %s", wf->name);
		const struct emu_country *c = s && *s ? write_country(s, mode) : NULL;
		if (s && *s && !c)
			return emu_fail(ans, OO_UNKNOWN_SELECT_VALUE,
			                "Unknown value in select field \"%s\" (%.80s; %s)",
			                wf->name, s,
			                mode == EMU_LAND_MODIFY ? "modify takes the German name"
			                                        : "the German name or ISO-3");
		out->text[i] = c ? c->iso3 : NULL;
		break;
	}
	case WF_STATUS: {
		int64_t st;
		if (!emu_json_int(value, &st) || (st != 0 && st != 1))
			return emu_fail(ans, OO_UNKNOWN_SELECT_VALUE,
			                "Unknown value in select field \"Status\" (1 or 0)");
		out->status = (int)st;
		break;
	}
	case WF_MULTI:
		rc = multi_value(cfg, wf, i, value, out, ans);
		break;
	}
	if (!rc)
		out->set[i] = true;
	return rc;
}

void emu_address_fields_to_in(const struct emu_address_fields *f, struct emu_address_in *in)
{
	const char **slots[EMU_WFIELDS] = {
	    &in->anrede, &in->titel, &in->vorname, &in->name, &in->zusatz1, &in->strasse, &in->plz,
	    &in->ort,    &in->land,  &in->dsgvo,   NULL,      NULL,         NULL};
	for (int i = 0; i < EMU_WFIELDS; i++) {
		if (f->set[i] && slots[i])
			*slots[i] = f->text[i];
	}
	in->status = f->set[10] ? f->status : 1;
	in->art = f->multi[11];
	in->nart = f->nmulti[11];
	in->herkunft = f->multi[12];
	in->nherkunft = f->nmulti[12];
}

/* ---- updates ---- */

static int update_columns(struct db_conn *c, int64_t id, const struct emu_address_fields *f,
                          const char *now, struct err *e)
{
	struct sqlq q = SQLQ_INIT;
	struct db_stmt *st;
	bool row;
	char fold[512];
	sqlq_add(&q, "UPDATE addresses SET aenderung = ?");
	sqlq_text(&q, now);
	for (int i = 0; i < EMU_WFIELDS; i++) {
		const struct emu_wfield *wf = &emu_wfields[i];
		if (!f->set[i] || !wf->column)
			continue;
		sqlq_addf(&q, ", %s = ?", wf->column);
		if (wf->kind == WF_STATUS)
			sqlq_int(&q, f->status);
		else if (wf->kind == WF_SELECT && !f->text[i])
			sqlq_text(&q, "");
		else
			sqlq_text(&q, f->text[i]);
		if (wf->folded) {
			sqlq_addf(&q, ", %s_f = ?", wf->column);
			bool ok = f->text[i] && emu_fold_into(f->text[i], fold, sizeof(fold));
			sqlq_text(&q, f->text[i] ? (ok ? fold : f->text[i]) : NULL);
		}
	}
	sqlq_add(&q, " WHERE id = ?");
	sqlq_int(&q, id);
	int rc = sqlq_failed(&q) ? err_set(e, ERR_NOMEM, NULL, NULL)
	                         : db_prepare(c, sqlq_sql(&q), &st, e);
	if (!rc) {
		sqlq_bind(&q, st);
		rc = db_step(st, &row, e);
	}
	sqlq_release(&q);
	return rc;
}

/* Briefanrede from the stored Anrede, Titel and Name. */
static int derive_letter_salutation(struct db_conn *c, int64_t id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "SELECT anrede, titel, name FROM addresses WHERE id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such address");
	char *an = db_col_strdup(st, 0), *ti = db_col_strdup(st, 1), *na = db_col_strdup(st, 2);
	char brief[256];
	emu_address_letter_salutation(an, ti, na, brief, sizeof(brief));
	free(an);
	free(ti);
	free(na);
	if ((rc = db_prepare(c, "UPDATE addresses SET briefanrede = ? WHERE id = ?", &st, e)))
		return rc;
	db_bind_text(st, 1, brief);
	db_bind_int(st, 2, id);
	return db_step(st, &row, e);
}

int emu_address_update(struct db_conn *c, int64_t id, const struct emu_address_fields *f,
                       const char *now, struct err *e)
{
	int rc = update_columns(c, id, f, now, e);
	for (int i = 11; !rc && i < EMU_WFIELDS; i++) {
		if (f->set[i])
			rc = emu_address_set_multi(c, id, emu_wfields[i].name, f->multi[i],
			                           f->nmulti[i], e);
	}
	if (!rc && (f->set[0] || f->set[1] || f->set[3]))
		rc = derive_letter_salutation(c, id, e);
	return rc;
}

/* ---- contact entries ---- */

/* The entries of address id among types whose value is exactly value: the first in *first,
 * whether it is the default in *was_default, how many (at most 2) in *count. */
int emu_contact_find(struct db_conn *c, int64_t id, const char *types, const char *value,
                     int64_t *first, bool *was_default, int *count, struct err *e)
{
	struct db_stmt *st;
	bool row;
	char sql[256];
	snprintf(
	    sql, sizeof(sql),
	    "SELECT id, is_default FROM address_contacts WHERE address_id = ? AND type IN (%s) "
	    "AND value = ? ORDER BY id LIMIT 2",
	    types);
	int rc = db_prepare(c, sql, &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, value);
	*count = 0;
	while (!(rc = db_step(st, &row, e)) && row) {
		if ((*count)++ == 0) {
			*first = db_col_int(st, 0);
			*was_default = db_col_bool(st, 1);
		}
	}
	return rc;
}

/* Makes entry the only default of its class (entry 0: no default at all). */
int emu_contact_make_default(struct db_conn *c, int64_t id, const char *class_types, int64_t entry,
                             struct err *e)
{
	struct db_stmt *st;
	bool row;
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "UPDATE address_contacts SET is_default = (id = ?) WHERE address_id = ? AND type "
	         "IN (%s)",
	         class_types);
	int rc = db_prepare(c, sql, &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, entry);
	db_bind_int(st, 2, id);
	return db_step(st, &row, e);
}

/* When the class has entries but no default, its oldest entry becomes the default. */
int emu_contact_ensure_default(struct db_conn *c, int64_t id, const char *class_types,
                               struct err *e)
{
	struct db_stmt *st;
	bool row;
	char sql[320];
	snprintf(sql, sizeof(sql),
	         "SELECT min(id), max(is_default) FROM address_contacts WHERE address_id = ? AND "
	         "type IN (%s)",
	         class_types);
	int rc = db_prepare(c, sql, &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row || db_col_null(st, 0) || db_col_bool(st, 1))
		return 0;
	return emu_contact_make_default(c, id, class_types, db_col_int(st, 0), e);
}
