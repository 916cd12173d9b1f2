/*
 * Unit tests for emu/filter.c as emu/filter.h and emu/README.md ("Filters") state
 * it: the SQL each operator becomes on a text field, a number, a date, a country, a
 * multiselect (ArtDaten) and an all-entries field (email, phone), with its bound
 * values; operator names in any case; and every error code with its message (141
 * unknown field, 142 unknown operator, 232 operator not allowed on a multiselect,
 * 257 malformed expression). The SQL is checked by its meaningful fragments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "filter.h"

/* One filter run: its SQL text, bindings and answer. */
struct run {
	struct sqlq q;
	struct emu_answer ans;
	int rc;
};

static void run_with(struct run *r, const char *filter_json, emu_field_lookup find)
{
	json_error_t je;
	json_t *filter = json_loads(filter_json, JSON_DECODE_ANY, &je);
	assert_non_null(filter);
	*r = (struct run){.q = SQLQ_INIT};
	r->rc = find ? emu_filter_sql_with(filter, find, &r->q, &r->ans)
	             : emu_filter_sql(filter, &r->q, &r->ans);
	assert_false(sqlq_failed(&r->q));
	json_decref(filter);
}

static void done(struct run *r)
{
	sqlq_release(&r->q);
	json_decref(r->ans.records);
}

/* The filter is accepted; its SQL holds every fragment of want (NULL-terminated) and it
 * binds nbinds values. */
static void sql_has(const char *filter_json, size_t nbinds, const char *const *want)
{
	struct run r;
	run_with(&r, filter_json, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.ans.errorcode, 0);
	const char *sql = sqlq_sql(&r.q);
	assert_non_null(strstr(sql, " AND "));
	for (; *want; want++) {
		if (!strstr(sql, *want))
			fail_msg("\"%s\" not in: %s", *want, sql);
	}
	assert_int_equal(r.q.n, nbinds);
	done(&r);
}
#define SQL_HAS(filter, n, ...) sql_has(filter, n, (const char *const[]){__VA_ARGS__, NULL})

/* The filter is refused with code and a message starting with msg. */
static void refused_with(const char *filter_json, emu_field_lookup find, int code, const char *msg)
{
	struct run r;
	run_with(&r, filter_json, find);
	assert_int_equal(r.rc, code);
	assert_int_equal(r.ans.errorcode, code);
	if (strncmp(r.ans.message, msg, strlen(msg)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", r.ans.message, msg);
	done(&r);
}
#define REFUSED(filter, code, msg) refused_with(filter, NULL, code, msg)
#define MALFORMED(filter)          REFUSED(filter, 257, "An error occurred while validating the filter")

static void bound_text(const struct run *r, size_t i, const char *want)
{
	assert_true(i < r->q.n);
	assert_true(r->q.binds[i].is_text);
	assert_string_equal(r->q.binds[i].s, want);
}

static void bound_int(const struct run *r, size_t i, int64_t want)
{
	assert_true(i < r->q.n);
	assert_false(r->q.binds[i].is_text);
	assert_int_equal(r->q.binds[i].i, want);
}

static void no_filter_adds_nothing(void **state)
{
	(void)state;
	static const char *const none[] = {"null", "[]", "{}"};
	for (size_t i = 0; i < 3; i++) {
		struct run r;
		run_with(&r, none[i], NULL);
		assert_int_equal(r.rc, 0);
		assert_string_equal(sqlq_sql(&r.q), "");
		assert_int_equal(r.q.n, 0);
		done(&r);
	}
	struct sqlq q = SQLQ_INIT;
	struct emu_answer ans = {0};
	assert_int_equal(emu_filter_sql(NULL, &q, &ans), 0);
	sqlq_release(&q);
}

static void text_operators(void **state)
{
	(void)state;
	struct run r;
	run_with(&r, "{\"Name\": [{\"op\": \"=\", \"val\": \"M\xc3\x9cLLER\"}]}", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(sqlq_sql(&r.q), "a.name_f IN (?)"));
	bound_text(&r, 0, "m\xc3\xbcller"); /* folded like the column */
	done(&r);
	SQL_HAS("{\"Name\": [{\"op\": \"is\", \"val\": \"x\"}]}", 1, "a.name_f IN (?)");
	/* Negative operators also match the empty field. */
	SQL_HAS("{\"Name\": [{\"op\": \"!=\", \"val\": \"x\"}]}", 1, "a.name_f IS NULL OR NOT (",
	        "a.name_f IN (?)");
	SQL_HAS("{\"Name\": [{\"op\": \"<>\", \"val\": \"x\"}]}", 1, "a.name_f IS NULL OR NOT (",
	        "a.name_f IN (?)");
	SQL_HAS("{\"Name\": [{\"op\": \">\", \"val\": \"m\"}]}", 1, "a.name_f > ?");
	SQL_HAS("{\"Name\": [{\"op\": \"<\", \"val\": \"m\"}]}", 1, "a.name_f < ?");
	SQL_HAS("{\"Name\": [{\"op\": \">=\", \"val\": \"m\"}]}", 1, "a.name_f >= ?");
	SQL_HAS("{\"Name\": [{\"op\": \"<=\", \"val\": \"m\"}]}", 1, "a.name_f <= ?");
	SQL_HAS("{\"Name\": [{\"op\": \"between\", \"val\": [\"a\", \"m\"]}]}", 2,
	        "a.name_f BETWEEN ? AND ?");
	SQL_HAS("{\"Name\": [{\"op\": \"like\", \"val\": \"M%\"}]}", 1, "a.name_f LIKE ?");
	SQL_HAS("{\"Name\": [{\"op\": \"not like\", \"val\": \"M%\"}]}", 1,
	        "a.name_f IS NULL OR NOT (", "a.name_f LIKE ?");
	SQL_HAS("{\"Name\": [{\"op\": \"in\", \"val\": [\"a\", \"b\", \"c\"]}]}", 3,
	        "a.name_f IN (?, ?, ?)");
	SQL_HAS("{\"Name\": [{\"op\": \"not in\", \"val\": [\"a\", \"b\"]}]}", 2,
	        "a.name_f IS NULL OR NOT (", "a.name_f IN (?, ?)");
	/* "" and null mean the empty field; in [] matches nothing, not in [] everything. */
	SQL_HAS("{\"Name\": [{\"op\": \"=\", \"val\": \"\"}]}", 0,
	        "a.name_f IS NULL OR a.name_f = ''");
	SQL_HAS("{\"Name\": [{\"op\": \"=\", \"val\": null}]}", 0, "a.name_f IS NULL");
	SQL_HAS("{\"Name\": [{\"op\": \"!=\", \"val\": \"\"}]}", 0,
	        "a.name_f IS NOT NULL AND a.name_f <> ''");
	SQL_HAS("{\"Name\": [{\"op\": \"in\", \"val\": [\"\", \"a\"]}]}", 1, "a.name_f IN (?)",
	        " OR (a.name_f IS NULL OR a.name_f = '')");
	SQL_HAS("{\"Name\": [{\"op\": \"in\", \"val\": []}]}", 0, "(0)");
	SQL_HAS("{\"Name\": [{\"op\": \"not in\", \"val\": []}]}", 0, "(1)");
}

static void operator_names_are_case_insensitive(void **state)
{
	(void)state;
	SQL_HAS("{\"Name\": [{\"op\": \"LIKE\", \"val\": \"a%\"}]}", 1, "a.name_f LIKE ?");
	SQL_HAS("{\"Name\": [{\"op\": \"Not Like\", \"val\": \"a%\"}]}", 1, "NOT (",
	        "a.name_f LIKE ?");
	SQL_HAS("{\"Name\": [{\"op\": \"IS\", \"val\": \"a\"}]}", 1, "a.name_f IN (?)");
	SQL_HAS("{\"Name\": [{\"op\": \"IN\", \"val\": [\"a\"]}]}", 1, "a.name_f IN (?)");
	SQL_HAS("{\"Name\": [{\"op\": \"NOT IN\", \"val\": [\"a\"]}]}", 1, "NOT (",
	        "a.name_f IN (?)");
	SQL_HAS("{\"KdNr\": [{\"op\": \"BeTwEeN\", \"val\": [1, 2]}]}", 2,
	        "a.kdnr BETWEEN ? AND ?");
}

static void numbers_bind_integers_and_like_compares_text(void **state)
{
	(void)state;
	struct run r;
	run_with(&r, "{\"KdNr\": [{\"op\": \"between\", \"val\": [\"10\", 20]}]}", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(sqlq_sql(&r.q), "a.kdnr BETWEEN ? AND ?"));
	bound_int(&r, 0, 10);
	bound_int(&r, 1, 20);
	done(&r);
	run_with(&r, "{\"KdNr\": [{\"op\": \"like\", \"val\": \"47%\"}]}", NULL);
	assert_non_null(strstr(sqlq_sql(&r.q), "CAST(a.kdnr AS TEXT) LIKE ?"));
	bound_text(&r, 0, "47%");
	done(&r);
	SQL_HAS("{\"Status\": [{\"op\": \"=\", \"val\": 1}]}", 1, "a.status IN (?)");
	SQL_HAS("{\"Id\": [{\"op\": \">\", \"val\": \"100\"}]}", 1, "a.id > ?");
	SQL_HAS("{\"KdNr\": [{\"op\": \"!=\", \"val\": 5}]}", 1, "a.kdnr IS NULL OR NOT (",
	        "a.kdnr IN (?)");
	SQL_HAS("{\"KdNr\": [{\"op\": \"=\", \"val\": \"\"}]}", 0, "a.kdnr IS NULL");
	/* Two fields and two expressions: every expression is ANDed. */
	run_with(&r,
	         "{\"KdNr\": [{\"op\": \">=\", \"val\": 1}, {\"op\": \"<=\", \"val\": 9}], "
	         "\"Status\": [{\"op\": \"=\", \"val\": 1}]}",
	         NULL);
	const char *sql = sqlq_sql(&r.q);
	assert_non_null(strstr(sql, "a.kdnr >= ?"));
	assert_non_null(strstr(strstr(sql, "a.kdnr >= ?"), " AND a.kdnr <= ?"));
	assert_non_null(strstr(sql, " AND (a.status IN (?))"));
	assert_int_equal(r.q.n, 3);
	done(&r);
}

static void dates_and_countries_are_normalised(void **state)
{
	(void)state;
	struct run r;
	run_with(&r, "{\"Aenderung\": [{\"op\": \">=\", \"val\": \"2024-05-01\"}]}", NULL);
	assert_non_null(strstr(sqlq_sql(&r.q), "a.aenderung >= ?"));
	bound_text(&r, 0, "2024-05-01 00:00:00");
	done(&r);
	run_with(&r, "{\"Eintragsdatum\": [{\"op\": \"<\", \"val\": \"2024-05-01 12:00:00\"}]}",
	         NULL);
	bound_text(&r, 0, "2024-05-01");
	done(&r);
	run_with(&r,
	         "{\"Land\": [{\"op\": \"in\", \"val\": [\"AT\", \"\xc3\x96sterreich\", "
	         "\"che\"]}]}",
	         NULL);
	assert_non_null(strstr(sqlq_sql(&r.q), "a.land IN (?, ?, ?)"));
	bound_text(&r, 0, "AUT");
	bound_text(&r, 1, "AUT");
	bound_text(&r, 2, "CHE");
	done(&r);
}

static void multiselect_tests_the_set_of_keys(void **state)
{
	(void)state;
	struct run r;
	run_with(&r, "{\"ArtDaten\": [{\"op\": \"=\", \"val\": \"Kunde\"}]}", NULL);
	const char *sql = sqlq_sql(&r.q);
	assert_non_null(strstr(sql, "a.id IN (SELECT m.address_id FROM address_multiselects m"));
	assert_non_null(strstr(sql, "m.field = ?"));
	assert_non_null(strstr(sql, "m.key_f IN (?)"));
	bound_text(&r, 0, "ArtDaten");
	bound_text(&r, 1, "kunde");
	done(&r);
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"is\", \"val\": \"Kunde\"}]}", 2, "a.id IN (",
	        "m.key_f IN (?)");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"!=\", \"val\": \"Kunde\"}]}", 2, "a.id NOT IN (",
	        "m.key_f IN (?)");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"<>\", \"val\": \"Kunde\"}]}", 2, "a.id NOT IN (");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"like\", \"val\": \"Int%\"}]}", 2, "a.id IN (",
	        "m.key_f LIKE ?");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"not like\", \"val\": \"Int%\"}]}", 2, "a.id NOT IN (",
	        "m.key_f LIKE ?");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"in\", \"val\": [\"Kunde\", \"Makler\"]}]}", 3,
	        "a.id IN (", "m.key_f IN (?, ?)");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"not in\", \"val\": [\"Kunde\", \"Makler\"]}]}", 3,
	        "a.id NOT IN (", "m.key_f IN (?, ?)");
	/* "" is the empty set: = "" has no member, in ["", X] adds it. */
	SQL_HAS(
	    "{\"ArtDaten\": [{\"op\": \"=\", \"val\": \"\"}]}", 1,
	    "(a.id NOT IN (SELECT m.address_id FROM address_multiselects m WHERE m.field = ?))");
	SQL_HAS("{\"ArtDaten\": [{\"op\": \"in\", \"val\": [\"\", \"Kunde\"]}]}", 3,
	        " OR a.id NOT IN (");
	SQL_HAS("{\"HerkunftKontakt\": [{\"op\": \"=\", \"val\": \"BOTTIMMO\"}]}", 2,
	        "m.field = ?");
}

static void all_entry_fields_search_every_contact_entry(void **state)
{
	(void)state;
	SQL_HAS("{\"email\": [{\"op\": \"like\", \"val\": \"%@example.de\"}]}", 1,
	        "a.id IN (SELECT ct.address_id FROM address_contacts ct WHERE ct.type IN "
	        "('email')",
	        "ct.value_f LIKE ?");
	SQL_HAS("{\"phone\": [{\"op\": \"=\", \"val\": \"0241 12345\"}]}", 1,
	        "ct.type IN ('phone', 'mobile')", "ct.value_f IN (?)");
	SQL_HAS("{\"email\": [{\"op\": \"!=\", \"val\": \"a@b.de\"}]}", 1, "a.id NOT IN (",
	        "ct.value_f IN (?)");
	SQL_HAS("{\"fax\": [{\"op\": \"=\", \"val\": \"\"}]}", 0,
	        "a.id NOT IN (SELECT ct.address_id FROM address_contacts ct WHERE ct.type IN "
	        "('fax'))");
	/* Email is the default entry only: a plain column. */
	SQL_HAS("{\"Email\": [{\"op\": \"=\", \"val\": \"a@b.de\"}]}", 1, "a.email_f IN (?)");
}

static void unknown_fields_are_141(void **state)
{
	(void)state;
	REFUSED("{\"Nachname\": [{\"op\": \"=\", \"val\": \"x\"}]}", 141,
	        "Unknown field: Nachname");
	REFUSED("{\"name\": [{\"op\": \"=\", \"val\": \"x\"}]}", 141, "Unknown field: name");
	REFUSED("{\"defaultphone\": [{\"op\": \"=\", \"val\": \"1\"}]}", 141,
	        "Unknown field: defaultphone");
	REFUSED("{\"defaultemail\": []}", 141, "Unknown field: defaultemail");
	REFUSED("{\"imageUrl\": [{\"op\": \"=\", \"val\": \"\"}]}", 141, "Unknown field: imageUrl");
}

static void unknown_operators_are_142(void **state)
{
	(void)state;
	REFUSED("{\"Name\": [{\"op\": \"~\", \"val\": \"x\"}]}", 142, "Unknown operator: ~");
	REFUSED("{\"Name\": [{\"op\": \"==\", \"val\": \"x\"}]}", 142, "Unknown operator: ==");
	REFUSED("{\"Name\": [{\"op\": \"notlike\", \"val\": \"x\"}]}", 142,
	        "Unknown operator: notlike");
	REFUSED("{\"Name\": [{\"op\": \"\", \"val\": \"x\"}]}", 142, "Unknown operator: ");
	/* A missing or non-string operator is unknown too. */
	REFUSED("{\"Name\": [{\"val\": \"x\"}]}", 142, "Unknown operator: (none)");
	REFUSED("{\"Name\": [{\"op\": 1, \"val\": \"x\"}]}", 142, "Unknown operator: (none)");
}

static void range_operators_on_a_multiselect_are_232(void **state)
{
	(void)state;
	static const char *const ops[] = {">", "<", ">=", "<=", "BETWEEN"};
	char filter[128];
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(filter, sizeof(filter),
		         "{\"ArtDaten\": [{\"op\": \"%s\", \"val\": \"K\"}]}", ops[i]);
		REFUSED(filter, 232,
		        "Multiselect fields can only be filtered with =, !=, like, "
		        "not like, in and not in");
	}
	REFUSED("{\"HerkunftKontakt\": [{\"op\": \">\", \"val\": \"K\"}]}", 232, "Multiselect");
}

static void malformed_expressions_are_257(void **state)
{
	(void)state;
	MALFORMED("\"Name\"");
	MALFORMED("[{\"Name\": []}]");
	MALFORMED("{\"Name\": {\"op\": \"=\", \"val\": \"x\"}}");
	MALFORMED("{\"Name\": [\"=\", \"x\"]}");
	MALFORMED("{\"Name\": [{\"op\": \"=\", \"val\": [\"x\"]}]}");
	MALFORMED("{\"Name\": [{\"op\": \"=\", \"val\": {\"x\": 1}}]}");
	MALFORMED("{\"Name\": [{\"op\": \"in\", \"val\": \"x\"}]}");
	MALFORMED("{\"Name\": [{\"op\": \"in\"}]}");
	MALFORMED("{\"Name\": [{\"op\": \"in\", \"val\": [[\"x\"]]}]}");
	MALFORMED("{\"Name\": [{\"op\": \">\"}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"between\", \"val\": [1]}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"between\", \"val\": [1, 2, 3]}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"between\", \"val\": 1}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"between\", \"val\": [\"\", 2]}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \">\", \"val\": \"\"}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"=\", \"val\": \"vier\"}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"=\", \"val\": 1.5}]}");
	MALFORMED("{\"KdNr\": [{\"op\": \"=\", \"val\": \"99999999999999999999\"}]}");
	MALFORMED("{\"Aenderung\": [{\"op\": \">\", \"val\": \"01.05.2024\"}]}");
	MALFORMED("{\"Aenderung\": [{\"op\": \">\", \"val\": \"2024-05-01 12:00\"}]}");
	MALFORMED("{\"Eintragsdatum\": [{\"op\": \"=\", \"val\": \"2024-5-1\"}]}");
	MALFORMED("{\"ArtDaten\": [{\"op\": \"in\", \"val\": \"Kunde\"}]}");
	MALFORMED("{\"email\": [{\"op\": \"=\", \"val\": [\"a@b.de\"]}]}");
	/* The message names the field and the rule. */
	REFUSED("{\"KdNr\": [{\"op\": \"between\", \"val\": [1]}]}", 257,
	        "An error occurred while validating the filter: KdNr: between needs two values");
	REFUSED("{\"KdNr\": [{\"op\": \"=\", \"val\": \"vier\"}]}", 257,
	        "An error occurred while validating the filter: KdNr: invalid value \"vier\"");
	/* More than 1000 values in one list. */
	char big[8192] = "{\"KdNr\": [{\"op\": \"in\", \"val\": [1";
	size_t n = strlen(big);
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ",1");
	snprintf(big + n, sizeof(big) - n, "]}]}");
	REFUSED(big, 257, "An error occurred while validating the filter: KdNr: too many values");
}

/* Found by this test and fixed: {"op": "="} without "val" (or a misspelt "value") matches empty
 * fields instead of being refused as a malformed expression (257): collect() reads the missing
 * value as null. */
static void a_missing_value_is_257(void **state)
{
	(void)state;
	MALFORMED("{\"Name\": [{\"op\": \"=\"}]}");
	MALFORMED("{\"ArtDaten\": [{\"op\": \"=\", \"value\": \"Kunde\"}]}");
}

/* Another record type: its own fields and cmp expressions (agents log, estates). */
static const struct emu_afield other_fields[] = {
    {"Betreff", AF_TEXT, -1, "l.betreff_f", NULL, NULL, NULL, NULL, 0, NULL},
    {"Nummer", AF_INT, -1, "l.nummer", NULL, NULL, NULL, NULL, 0, NULL},
    {"Intern", AF_TEXT, -1, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct emu_afield *find_other(const char *name)
{
	for (size_t i = 0; i < sizeof(other_fields) / sizeof(other_fields[0]); i++) {
		if (strcmp(other_fields[i].name, name) == 0)
			return &other_fields[i];
	}
	return NULL;
}

static void filter_with_another_field_lookup(void **state)
{
	(void)state;
	struct run r;
	run_with(&r,
	         "{\"Betreff\": [{\"op\": \"like\", \"val\": \"Anruf%\"}], "
	         "\"Nummer\": [{\"op\": \"<\", \"val\": 9}]}",
	         find_other);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(sqlq_sql(&r.q), "l.betreff_f LIKE ?"));
	assert_non_null(strstr(sqlq_sql(&r.q), "l.nummer < ?"));
	assert_null(strstr(sqlq_sql(&r.q), "a."));
	bound_text(&r, 0, "anruf%");
	bound_int(&r, 1, 9);
	done(&r);
	/* A field without a cmp expression, and the address fields, are unknown here. */
	refused_with("{\"Intern\": [{\"op\": \"=\", \"val\": \"x\"}]}", find_other, 141,
	             "Unknown field: Intern");
	refused_with("{\"Name\": [{\"op\": \"=\", \"val\": \"x\"}]}", find_other, 141,
	             "Unknown field: Name");
	refused_with("{\"Nummer\": [{\"op\": \"~\", \"val\": 1}]}", find_other, 142,
	             "Unknown operator: ~");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_filter_adds_nothing),
	    cmocka_unit_test(text_operators),
	    cmocka_unit_test(operator_names_are_case_insensitive),
	    cmocka_unit_test(numbers_bind_integers_and_like_compares_text),
	    cmocka_unit_test(dates_and_countries_are_normalised),
	    cmocka_unit_test(multiselect_tests_the_set_of_keys),
	    cmocka_unit_test(all_entry_fields_search_every_contact_entry),
	    cmocka_unit_test(unknown_fields_are_141),
	    cmocka_unit_test(unknown_operators_are_142),
	    cmocka_unit_test(range_operators_on_a_multiselect_are_232),
	    cmocka_unit_test(malformed_expressions_are_257),
	    cmocka_unit_test(a_missing_value_is_257),
	    cmocka_unit_test(filter_with_another_field_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
