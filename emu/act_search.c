/*
 * get/search with resourceid "address" (onoffice-protocol §5.3): every term of
 * `input` must appear in first name, surname, company, default e-mail or
 * customer number; with includecontactdata also in any e-mail or phone entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address_read.h"
#include "actions.h"
#include "core/utf8.h"
#include "sqlq.h"
#include "text.h"

#define SEARCH_MIN_CHARS 2
#define MAX_TERMS        10

static const char *const sort_fields[] = {"KdNr", "Vorname", "Name", "Zusatz1", "Email"};

struct search_tx {
	struct sqlq *count_q, *page_q;
	int64_t count, limit, offset;
	struct emu_page page;
};

static int search_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct search_tx *t = arg;
	struct db_stmt *st;
	bool row;
	emu_page_release(&t->page);
	int rc = db_prepare(c, sqlq_sql(t->count_q), &st, e);
	if (rc)
		return rc;
	sqlq_bind(t->count_q, st);
	if ((rc = db_step(st, &row, e)))
		return rc;
	t->count = row ? db_col_int(st, 0) : 0;
	if (t->limit == 0 || t->offset >= t->count)
		return 0;
	if ((rc = db_prepare(c, sqlq_sql(t->page_q), &st, e)))
		return rc;
	sqlq_bind(t->page_q, st);
	return emu_page_fetch(c, st, true, false, &t->page, e);
}

/* WHERE: the customer, then each term in one of the searched columns. */
static void where_sql(struct sqlq *q, int64_t customer_id, char terms[][256], size_t n,
                      bool contacts, bool cs)
{
	static const char *const folded[] = {"a.vorname_f", "a.name_f", "a.zusatz1_f", "a.email_f"};
	static const char *const raw[] = {"a.vorname", "a.name", "a.zusatz1", "a.email"};
	sqlq_add(q, " WHERE a.customer_id = ?");
	sqlq_int(q, customer_id);
	for (size_t i = 0; i < n; i++) {
		sqlq_add(q, " AND (");
		for (size_t k = 0; k < 4; k++) {
			sqlq_addf(q, "instr(%s, ?) > 0 OR ", cs ? raw[k] : folded[k]);
			sqlq_text(q, terms[i]);
		}
		sqlq_add(q, "instr(CAST(a.kdnr AS TEXT), ?) > 0");
		sqlq_text(q, terms[i]);
		if (contacts) {
			sqlq_addf(q,
			          " OR a.id IN (SELECT address_id FROM address_contacts WHERE "
			          "type IN ('email', 'phone', 'mobile') AND instr(%s, ?) > 0)",
			          cs ? "value" : "value_f");
			sqlq_text(q, terms[i]);
		}
		sqlq_add(q, ")");
	}
}

static json_t *search_elements(const struct emu_row *row, const struct emu_page *p)
{
	/* Columns of EMU_ADDRESS_COLUMNS: 1 kdnr, 4 vorname, 5 name, 6 zusatz1, 8 strasse,
	 * 9 plz, 10 ort, 12 email. */
	const char *vorname = row->col[4] ? row->col[4] : "";
	const char *name = row->col[5] ? row->col[5] : "";
	struct buf d = BUF_INIT(1024);
	if (*name || *vorname)
		buf_addf(&d, "%s%s%s", name, *name && *vorname ? ", " : "", vorname);
	if (row->col[6] && *row->col[6])
		buf_addf(&d, "%s%s", d.len ? ", " : "", row->col[6]);
	if (row->col[8] && *row->col[8])
		buf_addf(&d, "%s%s", d.len ? ", " : "", row->col[8]);
	if ((row->col[9] && *row->col[9]) || (row->col[10] && *row->col[10]))
		buf_addf(&d, "%s%s %s", d.len ? ", " : "", row->col[9] ? row->col[9] : "",
		         row->col[10] ? row->col[10] : "");
	json_t *emails = json_array();
	size_t n;
	const struct emu_entry *en = emu_page_entries(p, row->id, &n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(en[i].type, "email") == 0)
			json_array_append_new(emails, json_string(en[i].value));
	}
	char id[32];
	snprintf(id, sizeof(id), "%lld", (long long)row->id);
	json_t *el =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id", id, "customerno",
	              row->col[1] ? row->col[1] : "", "firstname", vorname, "surname", name,
	              "company", row->col[6] ? row->col[6] : "", "addressDescription", buf_str(&d),
	              "emailaddress", emails, "primaryEmail", row->col[12] ? row->col[12] : "");
	buf_release(&d);
	return el;
}

/* Splits input at spaces into folded (or, case-sensitive, raw) terms. */
static size_t split_terms(const char *input, bool cs, char terms[][256])
{
	size_t n = 0;
	const char *p = input;
	while (*p && n < MAX_TERMS) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t");
		if (!len)
			break;
		char raw[256];
		snprintf(raw, sizeof(raw), "%.*s", (int)(len < 255 ? len : 255), p);
		if (cs)
			snprintf(terms[n], 256, "%s", raw);
		else
			emu_fold_into(raw, terms[n], 256);
		n++;
		p += len;
	}
	return n;
}

static int parse_sort(json_t *params, const char **expr, bool *desc, struct emu_answer *ans)
{
	json_t *by = json_object_get(params, "sortby");
	json_t *order = json_object_get(params, "sortorder");
	*expr = NULL;
	*desc = json_is_string(order) && strcasecmp(json_string_value(order), "DESC") == 0;
	if (!by || json_is_null(by) || (json_is_string(by) && !*json_string_value(by)))
		return 0;
	for (size_t i = 0; json_is_string(by) && i < sizeof(sort_fields) / sizeof(sort_fields[0]);
	     i++) {
		if (strcmp(json_string_value(by), sort_fields[i]) == 0) {
			*expr = emu_afield_find(sort_fields[i])->cmp;
			return 0;
		}
	}
	return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
}

int emu_act_search(struct emu_action *a, struct emu_answer *ans)
{
	json_t *jin = json_object_get(a->params, "input");
	const char *input = json_is_string(jin) ? json_string_value(jin) : "";
	bool cs = emu_param_bool(a->params, "casesensitive");
	char terms[MAX_TERMS][256];
	size_t nterms = split_terms(input, cs, terms);
	size_t chars = 0;
	for (size_t i = 0; i < nterms; i++)
		chars += utf8_chars(terms[i], strlen(terms[i]));
	if (nterms == 0 || chars < SEARCH_MIN_CHARS)
		return emu_fail(ans, OO_SEARCH_TOO_SHORT,
		                "The search string has not enough characters");
	struct search_tx t = {0};
	const char *sort;
	bool desc;
	if (!emu_param_int(a->params, "listlimit", 20, &t.limit) || t.limit < 0)
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"listlimit\"");
	if (t.limit > 500)
		t.limit = 500;
	if (!emu_param_int(a->params, "listoffset", 0, &t.offset) || t.offset < 0)
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"listoffset\"");
	int rc = parse_sort(a->params, &sort, &desc, ans);
	if (rc)
		return rc;

	bool contacts = emu_param_bool(a->params, "includecontactdata");
	struct sqlq count_q = SQLQ_INIT, page_q = SQLQ_INIT;
	sqlq_add(&count_q, "SELECT count(*) FROM addresses a");
	where_sql(&count_q, a->cust->id, terms, nterms, contacts, cs);
	sqlq_add(&page_q, "SELECT " EMU_ADDRESS_COLUMNS " FROM addresses a");
	where_sql(&page_q, a->cust->id, terms, nterms, contacts, cs);
	if (sort)
		sqlq_addf(&page_q, " ORDER BY %s %s, a.id %s", sort, desc ? "DESC" : "ASC",
		          desc ? "DESC" : "ASC");
	else
		sqlq_add(&page_q, " ORDER BY a.id");
	sqlq_add(&page_q, " LIMIT ? OFFSET ?");
	sqlq_int(&page_q, t.limit);
	sqlq_int(&page_q, t.offset);
	t.count_q = &count_q;
	t.page_q = &page_q;
	struct err e = ERR_INIT;
	if (sqlq_failed(&count_q) || sqlq_failed(&page_q) ||
	    db_tx(a->emu->db, DB_READ, search_tx, &t, &e)) {
		rc = emu_fail(ans, 1, "Unknown error occurred");
		goto out;
	}
	if (!(ans->records = json_array())) {
		rc = emu_fail(ans, 1, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < t.page.nrows; i++) {
		json_t *rec = emu_record(json_integer((json_int_t)t.page.rows[i].id), "address",
		                         search_elements(&t.page.rows[i], &t.page));
		if (!rec || json_array_append_new(ans->records, rec)) {
			rc = emu_fail(ans, 1, "out of memory");
			goto out;
		}
	}
	ans->has_cnt = true;
	ans->cnt = t.count;
out:
	emu_page_release(&t.page);
	sqlq_release(&count_q);
	sqlq_release(&page_q);
	return rc;
}
