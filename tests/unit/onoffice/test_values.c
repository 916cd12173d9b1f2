/* Unit tests for src/onoffice/values.c: ids, multiselects, permitted values, casing
 * (onoffice-protocol §3, §9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "onoffice/values.h"

static json_t *J(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	return v;
}

static void keys_of(const char *json, const char *expect_joined)
{
	struct oo_strv s = OO_STRV_INIT;
	json_t *v = J(json);
	assert_int_equal(oo_value_keys(v, &s), ERR_OK);
	char joined[256] = "";
	for (size_t i = 0; i < s.n; i++) {
		strcat(joined, i ? "," : "");
		strcat(joined, s.v[i]);
	}
	assert_string_equal(joined, expect_joined);
	oo_strv_release(&s);
	json_decref(v);
}

static void multiselect_in_every_form(void **state)
{
	(void)state;
	keys_of("[\"Interessent\",\"Kunde\"]", "Interessent,Kunde");
	keys_of("\"|indMulti5961Select5961||indMulti5979Select5979|\"",
	        "indMulti5961Select5961,indMulti5979Select5979");
	keys_of("\"|a|\"", "a");
	keys_of("\"Eigentümer\"", "Eigentümer");
	keys_of("\"\"", "");
	keys_of("\"||\"", "");
	keys_of("null", "");
	keys_of("[]", "");
	keys_of("[\"2529\", 17, null, \"\"]", "2529,17");
	keys_of("42", "42");
	struct oo_strv s = OO_STRV_INIT;
	assert_int_equal(oo_value_keys(NULL, &s), ERR_OK);
	assert_int_equal(s.n, 0);
}

static void integers_from_numbers_and_strings(void **state)
{
	(void)state;
	int64_t v = 99;
	json_t *x;
	assert_int_equal(oo_value_int(x = J("10505"), &v), ERR_OK);
	assert_int_equal(v, 10505);
	json_decref(x);
	assert_int_equal(oo_value_int(x = J("\"52074\""), &v), ERR_OK);
	assert_int_equal(v, 52074);
	json_decref(x);
	assert_int_equal(oo_value_int(x = J("\"-7\""), &v), ERR_OK);
	assert_int_equal(v, -7);
	json_decref(x);
	v = 99;
	const char *bad[] = {"\"DEU\"",
	                     "\"\"",
	                     "\"12a\"",
	                     "\" 12\"",
	                     "\"+1\"",
	                     "\"1.5\"",
	                     "\"99999999999999999999\"",
	                     "1.5",
	                     "null",
	                     "true",
	                     "[1]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(oo_value_int(x = J(bad[i]), &v), ERR_INVALID_ARG);
		json_decref(x);
	}
	assert_int_equal(oo_value_int(NULL, &v), ERR_INVALID_ARG);
	assert_int_equal(v, 99);
}

static void record_ids_in_every_form(void **state)
{
	(void)state;
	int64_t id = -1;
	char text[16];
	json_t *r = J("{\"id\":10505,\"type\":\"address\",\"elements\":{\"id\":10505}}");
	assert_int_equal(oo_record_id(r, &id), ERR_OK);
	assert_int_equal(id, 10505);
	json_decref(r);

	r = J("{\"id\":\"181\",\"type\":\"address\",\"elements\":[]}");
	assert_int_equal(oo_record_id(r, &id), ERR_OK);
	assert_int_equal(id, 181);
	json_decref(r);

	r = J("{\"id\":0,\"type\":\"\",\"elements\":{\"success\":\"success\"}}");
	assert_int_equal(oo_record_id(r, &id), ERR_OK);
	assert_int_equal(id, 0);
	json_decref(r);

	r = J("{\"id\":\"DEU\",\"elements\":{\"title\":\"Deutschland\"}}");
	assert_int_equal(oo_record_id(r, &id), ERR_INVALID_ARG);
	assert_int_equal(oo_record_id_text(r, text, sizeof(text)), ERR_OK);
	assert_string_equal(text, "DEU");
	assert_int_equal(oo_record_id_text(r, text, 3), ERR_TOO_LARGE);
	assert_string_equal(text, "");
	json_decref(r);

	/* A non-numeric record id falls back to a string elements.id. */
	r = J("{\"id\":\"x\",\"elements\":{\"id\":\"77\"}}");
	assert_int_equal(oo_record_id(r, &id), ERR_OK);
	assert_int_equal(id, 77);
	json_decref(r);

	r = J("{\"id\":12}");
	assert_int_equal(oo_record_id_text(r, text, sizeof(text)), ERR_OK);
	assert_string_equal(text, "12");
	json_decref(r);
	r = J("{\"type\":\"address\"}");
	assert_int_equal(oo_record_id_text(r, text, sizeof(text)), ERR_INVALID_ARG);
	json_decref(r);
}

static void elements_array_reads_as_empty(void **state)
{
	(void)state;
	json_t *r = J("{\"id\":181,\"type\":\"address\",\"elements\":[]}");
	assert_null(oo_record_elements(r));
	assert_null(json_object_get(oo_record_elements(r), "Vorname"));
	json_decref(r);
	r = J("{\"id\":1,\"elements\":{\"Vorname\":\"Max\"}}");
	assert_string_equal(json_string_value(json_object_get(oo_record_elements(r), "Vorname")),
	                    "Max");
	json_decref(r);
	assert_null(oo_record_elements(NULL));
}

static void type_compares_without_case(void **state)
{
	(void)state;
	json_t *a = J("{\"type\":\"agentsLog\"}"), *b = J("{\"type\":\"agentslog\"}");
	assert_true(oo_record_type_is(a, "agentslog"));
	assert_true(oo_record_type_is(b, "agentsLog"));
	assert_false(oo_record_type_is(a, "agents"));
	json_t *c = J("{\"type\":null}");
	assert_false(oo_record_type_is(c, "agentslog"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void value_text_of_scalars(void **state)
{
	(void)state;
	const char *in[] = {"\"52074\"", "12", "1.5", "true", "false", "52.65434", "0.1"};
	const char *out[] = {"52074", "12", "1.5", "true", "false", "52.65434", "0.1"};
	for (size_t i = 0; i < 7; i++) {
		char *s;
		json_t *v = J(in[i]);
		assert_int_equal(oo_value_text(v, &s), ERR_OK);
		assert_string_equal(s, out[i]);
		free(s);
		json_decref(v);
	}
	char *s = (char *)1;
	json_t *v = J("null");
	assert_int_equal(oo_value_text(v, &s), ERR_OK);
	assert_null(s);
	json_decref(v);
	v = J("[\"2529\"]");
	assert_int_equal(oo_value_text(v, &s), ERR_OK);
	assert_null(s);
	json_decref(v);
}

static void permitted_values_object_array_or_empty(void **state)
{
	(void)state;
	struct oo_keylabel *kl;
	size_t n;
	json_t *v = J("{\"Herr\":\"Herr\",\"Frau\":\"Frau\",\"x\":null}");
	assert_int_equal(oo_keylabels_from_json(v, &kl, &n), ERR_OK);
	assert_int_equal(n, 3);
	assert_string_equal(kl[1].key, "Frau");
	assert_string_equal(kl[1].label, "Frau");
	assert_string_equal(kl[2].label, "");
	oo_keylabels_free(kl, n);
	json_decref(v);

	v = J("[\"kauf\",\"miete\"]");
	assert_int_equal(oo_keylabels_from_json(v, &kl, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(kl[0].key, "kauf");
	assert_string_equal(kl[0].label, "kauf");
	oo_keylabels_free(kl, n);
	json_decref(v);

	const char *empty[] = {"null", "[]", "{}", "\"x\""};
	for (size_t i = 0; i < 4; i++) {
		v = J(empty[i]);
		assert_int_equal(oo_keylabels_from_json(v, &kl, &n), ERR_OK);
		assert_int_equal(n, 0);
		assert_null(kl);
		json_decref(v);
	}
}

static void truthy_values(void **state)
{
	(void)state;
	const char *yes[] = {"true", "\"true\"", "\"TRUE\"", "\"1\"", "1"};
	const char *no[] = {"false", "\"false\"", "\"\"", "0", "null", "\"yes\""};
	for (size_t i = 0; i < 5; i++) {
		json_t *v = J(yes[i]);
		assert_true(oo_value_truthy(v));
		json_decref(v);
	}
	for (size_t i = 0; i < 6; i++) {
		json_t *v = J(no[i]);
		assert_false(oo_value_truthy(v));
		json_decref(v);
	}
	assert_false(oo_value_truthy(NULL));
}

static void strv_contains(void **state)
{
	(void)state;
	struct oo_strv s = OO_STRV_INIT;
	assert_int_equal(oo_strv_push(&s, "abc", 2), ERR_OK);
	assert_true(oo_strv_contains(&s, "ab"));
	assert_false(oo_strv_contains(&s, "abc"));
	oo_strv_release(&s);
	assert_int_equal(s.n, 0);
	assert_null(s.v);
}

static void id_lists(void **state)
{
	(void)state;
	struct oo_idv ids = OO_IDV_INIT;
	const char *forms[] = {
	    "[3,\"1\",\"x\",2.5,\"-4\"]", "\"|7||8|\"", "9", "\"10\"", "null", "{}"};
	for (size_t i = 0; i < 6; i++) {
		json_t *v = json_loads(forms[i], JSON_DECODE_ANY, NULL);
		assert_int_equal(oo_value_ids(v, &ids), ERR_OK);
		json_decref(v);
	}
	int64_t want[] = {3, 1, -4, 7, 8, 9, 10};
	assert_int_equal(ids.n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(ids.v[i], want[i]);
	assert_int_equal(oo_idv_add_unique(&ids, 8), ERR_OK);
	assert_int_equal(ids.n, 7);
	assert_int_equal(oo_idv_add_unique(&ids, 0), ERR_OK);
	assert_int_equal(ids.n, 8);
	assert_true(oo_idv_contains(&ids, 0));
	assert_false(oo_idv_contains(&ids, 11));
	oo_idv_sort(&ids);
	assert_int_equal(ids.v[0], -4);
	assert_int_equal(ids.v[7], 10);
	oo_idv_release(&ids);
	assert_int_equal(ids.n, 0);
	assert_null(ids.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(multiselect_in_every_form),
	    cmocka_unit_test(integers_from_numbers_and_strings),
	    cmocka_unit_test(record_ids_in_every_form),
	    cmocka_unit_test(elements_array_reads_as_empty),
	    cmocka_unit_test(type_compares_without_case),
	    cmocka_unit_test(value_text_of_scalars),
	    cmocka_unit_test(permitted_values_object_array_or_empty),
	    cmocka_unit_test(truthy_values),
	    cmocka_unit_test(strv_contains),
	    cmocka_unit_test(id_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
