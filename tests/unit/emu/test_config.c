/*
 * Unit tests for emu/config.c as emu/config.h and emu/README.md ("Customer
 * configuration") state it: the key rule, every rule of the patch validator with
 * the field path it names (ERR_INVALID_FIELD, nothing in *out), the merge (top-level
 * keys replaced, search_fields merged field by field), the effective configuration
 * (overrides that no longer parse are ignored) and the defaults passing their own
 * validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* Merges the patch given as JSON text into old; returns emu_config_merge's result. */
static int merge(const char *old, const char *patch_json, char **out, struct err *e)
{
	json_error_t je;
	json_t *patch = json_loads(patch_json, JSON_DECODE_ANY, &je);
	assert_non_null(patch);
	int rc = emu_config_merge(old, patch, out, e);
	json_decref(patch);
	return rc;
}

/* The patch is refused naming field, and *out stays empty. */
static void refused(const char *patch_json, const char *field)
{
	struct err e = ERR_INIT;
	char sentinel[] = "untouched";
	char *out = sentinel;
	assert_int_equal(merge("{\"claim_required\":true}", patch_json, &out, &e),
	                 ERR_INVALID_FIELD);
	assert_int_equal(e.code, ERR_INVALID_FIELD);
	assert_string_equal(e.field, field);
	assert_true(e.message[0] != '\0');
	assert_null(out);
}

static void accepted(const char *patch_json)
{
	struct err e = ERR_INIT;
	char *out = NULL;
	assert_int_equal(merge(NULL, patch_json, &out, &e), 0);
	assert_non_null(out);
	free(out);
}

/* A string of n copies of unit (a JSON-safe piece of text). */
static char *repeat(const char *unit, size_t n)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	return s;
}

static void defaults_pass_their_own_validator(void **state)
{
	(void)state;
	json_t *def = emu_config_defaults();
	assert_non_null(def);
	struct err e = ERR_INIT;
	char *out = NULL;
	assert_int_equal(emu_config_merge(NULL, def, &out, &e), 0);
	json_t *back = json_loads(out, 0, NULL);
	assert_true(json_equal(back, def));
	json_decref(back);
	json_decref(def);
	free(out);
}

static void key_rule_is_1_to_80_bytes_without_pipe_or_control(void **state)
{
	(void)state;
	char *k80 = repeat("k", 80), *k81 = repeat("k", 81);
	char *ae40 = repeat("\xc3\xa4", 40), *ae41 = repeat("\xc3\xa4", 41);
	assert_true(emu_config_key_ok("Kunde"));
	assert_true(emu_config_key_ok("Interessent Kauf"));
	assert_true(emu_config_key_ok("Bautr\xc3\xa4ger"));
	assert_true(emu_config_key_ok(k80));
	assert_true(emu_config_key_ok(ae40)); /* 80 bytes */
	assert_false(emu_config_key_ok(""));
	assert_false(emu_config_key_ok(k81));
	assert_false(emu_config_key_ok(ae41)); /* 41 characters but 82 bytes */
	assert_false(emu_config_key_ok("A|B"));
	assert_false(emu_config_key_ok("|"));
	assert_false(emu_config_key_ok("a\tb"));
	assert_false(emu_config_key_ok("a\nb"));
	assert_false(emu_config_key_ok("a\x7f"));
	free(k80);
	free(k81);
	free(ae40);
	free(ae41);
}

static void select_maps_check_shape_keys_and_labels(void **state)
{
	(void)state;
	static const char *const maps[] = {"contact_types", "contact_origins", "gdpr_statuses",
	                                   "salutations"};
	char patch[512], field[128];
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		const char *m = maps[i];
		snprintf(patch, sizeof(patch), "{\"%s\": [\"Kunde\"]}", m);
		refused(patch, m);
		snprintf(patch, sizeof(patch), "{\"%s\": \"Kunde\"}", m);
		refused(patch, m);
		snprintf(patch, sizeof(patch), "{\"%s\": {\"Kunde\": \"Kunde\", \"A|B\": \"AB\"}}",
		         m);
		snprintf(field, sizeof(field), "%s.A|B", m);
		refused(patch, field);
		snprintf(patch, sizeof(patch), "{\"%s\": {\"\": \"leer\"}}", m);
		snprintf(field, sizeof(field), "%s.", m);
		refused(patch, field);
		snprintf(patch, sizeof(patch), "{\"%s\": {\"Herr\": \"\"}}", m);
		snprintf(field, sizeof(field), "%s.Herr", m);
		refused(patch, field);
		snprintf(patch, sizeof(patch), "{\"%s\": {\"Herr\": 1}}", m);
		refused(patch, field);
		snprintf(patch, sizeof(patch), "{\"%s\": {\"Herr\": null}}", m);
		refused(patch, field);
		snprintf(patch, sizeof(patch), "{\"%s\": {}}", m);
		accepted(patch);
	}
	/* Labels: up to 200; keys: up to 80 bytes. */
	char *l200 = repeat("L", 200), *l201 = repeat("L", 201), *k81 = repeat("k", 81);
	char big[1024];
	snprintf(big, sizeof(big), "{\"salutations\": {\"Herr\": \"%s\"}}", l200);
	accepted(big);
	snprintf(big, sizeof(big), "{\"salutations\": {\"Herr\": \"%s\"}}", l201);
	refused(big, "salutations.Herr");
	snprintf(big, sizeof(big), "{\"contact_types\": {\"%s\": \"x\"}}", k81);
	snprintf(field, sizeof(field), "contact_types.%s", k81);
	refused(big, field);
	free(l200);
	free(l201);
	free(k81);
}

/* Found by this test and fixed: emu/README.md says "labels 1–200 characters" (keys: "1–80 bytes"),
 * but label_ok() counts bytes, so 101 umlauts (202 bytes) are refused. */
static void labels_count_characters_not_bytes(void **state)
{
	(void)state;
	char *l = repeat("\xc3\xa4", 101), big[1024];
	snprintf(big, sizeof(big), "{\"salutations\": {\"Herr\": \"%s\"}}", l);
	free(l);
	accepted(big);
}

static void kinds_check_shape_label_and_types(void **state)
{
	(void)state;
	static const char *const kinds[] = {"estate_kinds", "action_kinds"};
	char patch[512], field[128];
	for (size_t i = 0; i < 2; i++) {
		const char *k = kinds[i];
#define CHECK(body, path)                                                \
	do {                                                             \
		snprintf(patch, sizeof(patch), "{\"%s\": %s}", k, body); \
		snprintf(field, sizeof(field), "%s%s", k, path);         \
		refused(patch, field);                                   \
	} while (0)
		CHECK("[]", "");
		CHECK("{\"a|b\": {\"label\": \"AB\", \"types\": {}}}", ".a|b");
		CHECK("{\"haus\": \"Haus\"}", ".haus");
		CHECK("{\"haus\": {\"label\": \"Haus\", \"types\": {}, \"colour\": 1}}",
		      ".haus.colour");
		CHECK("{\"haus\": {\"types\": {}}}", ".haus.label");
		CHECK("{\"haus\": {\"label\": \"\", \"types\": {}}}", ".haus.label");
		CHECK("{\"haus\": {\"label\": \"Haus\"}}", ".haus.types");
		CHECK("{\"haus\": {\"label\": \"Haus\", \"types\": [\"villa\"]}}", ".haus.types");
		CHECK("{\"haus\": {\"label\": \"Haus\", \"types\": {\"x|y\": \"XY\"}}}",
		      ".haus.types.x|y");
		CHECK("{\"haus\": {\"label\": \"Haus\", \"types\": {\"villa\": 7}}}",
		      ".haus.types.villa");
#undef CHECK
		snprintf(patch, sizeof(patch),
		         "{\"%s\": {\"haus\": {\"label\": \"Haus\", \"types\": {\"villa\": "
		         "\"Villa\"}}, \"leer\": {\"label\": \"Leer\", \"types\": {}}}}",
		         k);
		accepted(patch);
	}
}

static void an_estate_type_belongs_to_one_kind_only(void **state)
{
	(void)state;
	refused("{\"estate_kinds\": {\"haus\": {\"label\": \"Haus\", \"types\": {\"villa\": "
	        "\"Villa\"}}, \"luxus\": {\"label\": \"Luxus\", \"types\": {\"loft\": \"Loft\", "
	        "\"villa\": \"Villa\"}}}}",
	        "estate_kinds.luxus.types.villa");
	/* Action types may repeat across kinds (Eingang under Email and Telefonat). */
	accepted("{\"action_kinds\": {\"Email\": {\"label\": \"E-Mail\", \"types\": {\"Eingang\": "
	         "\"Eingang\"}}, \"Telefonat\": {\"label\": \"Telefonat\", \"types\": "
	         "{\"Eingang\": \"Eingang\"}}}}");
}

static void search_fields_take_known_switches_and_booleans(void **state)
{
	(void)state;
	refused("{\"search_fields\": [\"kaufpreis\"]}", "search_fields");
	refused("{\"search_fields\": {\"range_plz\": false}}", "search_fields.range_plz");
	refused("{\"search_fields\": {\"baujahr\": true}}", "search_fields.baujahr");
	refused("{\"search_fields\": {\"kaufpreis\": \"no\"}}", "search_fields.kaufpreis");
	refused("{\"search_fields\": {\"kaufpreis\": 0}}", "search_fields.kaufpreis");
	accepted("{\"search_fields\": {\"Umkreis\": false, \"kaufpreis\": false, "
	         "\"objekttyp\": true}}");
}

static void mandatory_fields_name_writable_fields_per_module(void **state)
{
	(void)state;
	refused("{\"mandatory_fields\": [\"Name\"]}", "mandatory_fields");
	refused("{\"mandatory_fields\": {\"contacts\": []}}", "mandatory_fields.contacts");
	refused("{\"mandatory_fields\": {\"address\": \"Name\"}}", "mandatory_fields.address");
	refused("{\"mandatory_fields\": {\"address\": [\"Name\", \"Vorname2\"]}}",
	        "mandatory_fields.address");
	refused("{\"mandatory_fields\": {\"address\": [5]}}", "mandatory_fields.address");
	/* Read-only fields and estate fields are not address fields, and the reverse. */
	refused("{\"mandatory_fields\": {\"address\": [\"KdNr\"]}}", "mandatory_fields.address");
	refused("{\"mandatory_fields\": {\"address\": [\"objektart\"]}}",
	        "mandatory_fields.address");
	refused("{\"mandatory_fields\": {\"estate\": [\"Name\"]}}", "mandatory_fields.estate");
	accepted("{\"mandatory_fields\": {\"address\": [\"Name\", \"email\", \"phone_business\", "
	         "\"ArtDaten\", \"Land\"], \"estate\": [\"objektart\", \"objekttitel\"]}}");
	accepted("{\"mandatory_fields\": {}}");
}

static void flags_and_pipe_multiselects(void **state)
{
	(void)state;
	refused("{\"claim_required\": \"yes\"}", "claim_required");
	refused("{\"claim_required\": 1}", "claim_required");
	refused("{\"pipe_multiselects\": \"ArtDaten\"}", "pipe_multiselects");
	refused("{\"pipe_multiselects\": [\"Name\"]}", "pipe_multiselects");
	refused("{\"pipe_multiselects\": [\"ArtDaten\", 1]}", "pipe_multiselects");
	refused("{\"pipe_multiselects\": [\"artdaten\"]}", "pipe_multiselects");
	accepted("{\"claim_required\": true, \"pipe_multiselects\": []}");
	accepted("{\"pipe_multiselects\": [\"ArtDaten\", \"HerkunftKontakt\"]}");
	/* The per-customer rate limit (issue #11): a whole number 0 (off) to 1,000,000. */
	refused("{\"rate_limit_per_s\": -1}", "rate_limit_per_s");
	refused("{\"rate_limit_per_s\": 1.5}", "rate_limit_per_s");
	refused("{\"rate_limit_per_s\": \"3\"}", "rate_limit_per_s");
	refused("{\"rate_limit_per_s\": 1000001}", "rate_limit_per_s");
	accepted("{\"rate_limit_per_s\": 0}");
	accepted("{\"rate_limit_per_s\": 3}");
}

static void unknown_keys_and_non_objects_are_refused(void **state)
{
	(void)state;
	refused("{\"colours\": {}}", "colours");
	refused("{\"claim_required\": true, \"ContactTypes\": {}}", "ContactTypes");
	refused("[]", "");
	refused("\"contact_types\"", "");
	accepted("{}");
}

/* A bad key after good ones: the whole patch is refused, *out stays NULL. */
static void a_bad_patch_stores_nothing(void **state)
{
	(void)state;
	refused("{\"claim_required\": false, \"contact_types\": {\"A\": \"A\"}, "
	        "\"search_fields\": {\"nope\": true}}",
	        "search_fields.nope");
}

static void merge_replaces_top_level_keys(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char *out = NULL;
	assert_int_equal(merge("{\"contact_types\":{\"B\":\"B\"},\"claim_required\":true}",
	                       "{\"contact_types\": {\"A\": \"A\"}}", &out, &e),
	                 0);
	json_t *got = json_loads(out, 0, NULL);
	json_t *want =
	    json_loads("{\"contact_types\":{\"A\":\"A\"},\"claim_required\":true}", 0, NULL);
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	free(out);
}

static void merge_merges_search_fields_field_by_field(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char *out = NULL;
	assert_int_equal(merge("{\"search_fields\":{\"kaufpreis\":false,\"Umkreis\":false}}",
	                       "{\"search_fields\": {\"kaltmiete\": false, \"Umkreis\": true}}",
	                       &out, &e),
	                 0);
	json_t *got = json_loads(out, 0, NULL);
	json_t *want = json_loads(
	    "{\"search_fields\":{\"kaufpreis\":false,\"kaltmiete\":false,\"Umkreis\":true}}", 0,
	    NULL);
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	free(out);
	/* Stored overrides that no longer parse are started over. */
	assert_int_equal(merge("{broken", "{\"claim_required\": true}", &out, &e), 0);
	assert_string_equal(out, "{\"claim_required\":true}");
	free(out);
	assert_int_equal(merge("", "{}", &out, &e), 0);
	assert_string_equal(out, "{}");
	free(out);
}

static void effective_applies_overrides_onto_defaults(void **state)
{
	(void)state;
	json_t *def = emu_config_defaults();
	json_t *cfg = emu_config_effective(
	    "{\"contact_types\":{\"A\":\"A\"},\"search_fields\":{\"kaufpreis\":false},"
	    "\"claim_required\":true}");
	json_t *want = json_loads("{\"A\":\"A\"}", 0, NULL);
	assert_true(json_equal(json_object_get(cfg, "contact_types"), want));
	assert_true(json_is_true(json_object_get(cfg, "claim_required")));
	assert_true(
	    json_equal(json_object_get(cfg, "salutations"), json_object_get(def, "salutations")));
	json_t *sf = json_object_get(cfg, "search_fields");
	assert_true(json_is_false(json_object_get(sf, "kaufpreis")));
	assert_true(json_is_true(json_object_get(sf, "objektart")));
	assert_int_equal(json_object_size(sf),
	                 json_object_size(json_object_get(def, "search_fields")));
	json_decref(want);
	json_decref(cfg);
	json_decref(def);
}

static void effective_ignores_overrides_that_no_longer_parse(void **state)
{
	(void)state;
	static const char *const stored[] = {NULL, "", "{broken", "[1, 2]", "\"text\""};
	json_t *def = emu_config_defaults();
	for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
		json_t *cfg = emu_config_effective(stored[i]);
		assert_non_null(cfg);
		assert_true(json_equal(cfg, def));
		json_decref(cfg);
	}
	json_decref(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_pass_their_own_validator),
	    cmocka_unit_test(key_rule_is_1_to_80_bytes_without_pipe_or_control),
	    cmocka_unit_test(select_maps_check_shape_keys_and_labels),
	    cmocka_unit_test(labels_count_characters_not_bytes),
	    cmocka_unit_test(kinds_check_shape_label_and_types),
	    cmocka_unit_test(an_estate_type_belongs_to_one_kind_only),
	    cmocka_unit_test(search_fields_take_known_switches_and_booleans),
	    cmocka_unit_test(mandatory_fields_name_writable_fields_per_module),
	    cmocka_unit_test(flags_and_pipe_multiselects),
	    cmocka_unit_test(unknown_keys_and_non_objects_are_refused),
	    cmocka_unit_test(a_bad_patch_stores_nothing),
	    cmocka_unit_test(merge_replaces_top_level_keys),
	    cmocka_unit_test(merge_merges_search_fields_field_by_field),
	    cmocka_unit_test(effective_applies_overrides_onto_defaults),
	    cmocka_unit_test(effective_ignores_overrides_that_no_longer_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
