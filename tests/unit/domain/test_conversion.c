/* Unit tests for src/domain/conversion.c and jsonv.c: requirements §8.1 bodies, good and bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/time.h"
#include "domain/conversion.h"

#define NOW_MS 1795708800000LL /* 2026-11-26T16:00:00Z, the time of receipt */

/* Building blocks for bodies. */
#define LEAD                "\"lead\":{\"email\":\"anna@example.de\"}"
#define LEAD_WITH(m)        "\"lead\":{\"email\":\"anna@example.de\"," m "}"
#define CONV(type, details) "\"conversion\":{\"type\":\"" type "\",\"details\":" details "}"
#define BODY(conv)          "{" LEAD "," conv "}"
#define ADDRESS             "\"address\":{\"zip\":\"52062\"}"
#define VALUATION(m)        BODY(CONV("valuation", "{\"property_type\":\"house\"," ADDRESS m "}"))
#define SEARCH(m)                   \
	BODY(CONV("search_request", \
	          "{\"property_type\":\"house\",\"area\":{\"city\":\"Aachen\"}" m "}"))
#define A10  "aaaaaaaaaa"
#define A40  A10 A10 A10 A10
#define A80  A40 A40
#define AE10 "\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4"
#define AE80 AE10 AE10 AE10 AE10 AE10 AE10 AE10 AE10

static const char spec_example[] =
    "{\n"
    "  \"lead\": {\n"
    "    \"id\": \"optional: the lead platform's own lead id (string ≤ 64)\",\n"
    "    \"email\": \"anna.schmidt@example.de\",\n"
    "    \"salutation\": \"Frau\",\n"
    "    \"first_name\": \"Anna\", \"last_name\": \"Schmidt\",\n"
    "    \"phone\": \"0171 2345678\",\n"
    "    \"street\": \"Hauptstraße 5\", \"zip\": \"52062\", \"city\": \"Aachen\", \"country\": "
    "\"DE\",\n"
    "    \"gdpr_consent\": true,\n"
    "    \"status\": \"new\"\n"
    "  },\n"
    "  \"conversion\": {\n"
    "    \"type\": \"valuation\",\n"
    "    \"landing_page\": \"Immobilienbewertung Aachen\",\n"
    "    \"occurred_at\": \"2026-11-26T10:15:00Z\",\n"
    "    \"details\": { \"property_type\": \"house\", \"address\": {\"city\": \"Aachen\"} }\n"
    "  }\n"
    "}\n";

struct bad_case {
	const char *name;
	const char *body;
	size_t len; /* 0: strlen(body) */
	int code;
	const char *field; /* "" for none */
};

static const struct bad_case bad[] = {
    /* malformed JSON and wrong top-level shapes */
    {"empty body", "", 0, ERR_INVALID_JSON, ""},
    {"unterminated", "{", 0, ERR_INVALID_JSON, ""},
    {"missing value", "{\"lead\":}", 0, ERR_INVALID_JSON, ""},
    {"array body", "[]", 0, ERR_INVALID_JSON, ""},
    {"string body", "\"lead\"", 0, ERR_INVALID_JSON, ""},
    {"null body", "null", 0, ERR_INVALID_JSON, ""},
    {"trailing garbage", BODY(CONV("callback", "{}")) "x", 0, ERR_INVALID_JSON, ""},
    {"two documents", BODY(CONV("callback", "{}")) "{}", 0, ERR_INVALID_JSON, ""},
    {"duplicate top-level key", "{" LEAD "," LEAD "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_JSON, ""},
    {"duplicate nested key",
     "{\"lead\":{\"email\":\"a@example.de\",\"email\":\"b@example.de\"}," CONV("callback",
                                                                               "{}") "}",
     0, ERR_INVALID_JSON, ""},
    {"invalid UTF-8",
     "{\"lead\":{\"email\":\"anna@example.de\",\"city\":\"Aa\xC3\x28n\"}," CONV("callback",
                                                                                "{}") "}",
     0, ERR_INVALID_JSON, ""},
    {"overlong UTF-8",
     "{\"lead\":{\"email\":\"anna@example.de\",\"city\":\"\xC0\xAF\"}," CONV("callback", "{}") "}",
     0, ERR_INVALID_JSON, ""},
    {"UTF-16 surrogate in UTF-8",
     "{\"lead\":{\"email\":\"anna@example.de\",\"city\":\"\xED\xA0\x80\"}," CONV("callback",
                                                                                 "{}") "}",
     0, ERR_INVALID_JSON, ""},
    {"lone surrogate escape", BODY(CONV("download", "{\"name\":\"\\uD800\"}")), 0, ERR_INVALID_JSON,
     ""},
    {"escaped NUL", BODY(CONV("download", "{\"name\":\"a\\u0000b\"}")), 0, ERR_INVALID_JSON, ""},
    {"raw NUL byte", "{\"lead\":\0}", 10, ERR_INVALID_JSON, ""},
    {"integer beyond 64 bits", VALUATION(",\"price\":{\"min\":100000000000000000000000}"), 0,
     ERR_INVALID_JSON, ""},
    /* top level */
    {"lead missing", "{" CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD, "lead"},
    {"conversion missing", "{" LEAD "}", 0, ERR_INVALID_FIELD, "conversion"},
    {"unknown top-level key", "{" LEAD "," CONV("callback", "{}") ",\"extra\":1}", 0,
     ERR_INVALID_FIELD, "extra"},
    {"empty unknown key", "{\"\":1," LEAD "," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "\"\""},
    {"empty unknown key in lead", "{" LEAD_WITH("\"\":1") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.\"\""},
    {"lead not an object", "{\"lead\":\"anna@example.de\"," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead"},
    {"conversion null", "{" LEAD ",\"conversion\":null}", 0, ERR_INVALID_FIELD, "conversion"},
    /* lead */
    {"email missing", "{\"lead\":{\"first_name\":\"Anna\"}," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.email"},
    {"email null", "{\"lead\":{\"email\":null}," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.email"},
    {"email empty", "{\"lead\":{\"email\":\"\"}," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.email"},
    {"email without @", "{\"lead\":{\"email\":\"anna.example.de\"}," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.email"},
    {"email without dot in domain",
     "{\"lead\":{\"email\":\"anna@example\"}," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.email"},
    {"email with space",
     "{\"lead\":{\"email\":\"anna schmidt@example.de\"}," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.email"},
    {"email with two @", "{\"lead\":{\"email\":\"anna@b@example.de\"}," CONV("callback", "{}") "}",
     0, ERR_INVALID_FIELD, "lead.email"},
    {"email local part of 65",
     "{\"lead\":{\"email\":\"" A40
     "aaaaaaaaaaaaaaaaaaaaaaaaa@example.de\"}," CONV("callback", "{}") "}",
     0, ERR_INVALID_FIELD, "lead.email"},
    {"email of 101 characters",
     "{\"lead\":{\"email\":\"" A40 "@" A40 "aaaaaaaaaaaaaaaaa.de\"}," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.email"},
    {"email a number", "{\"lead\":{\"email\":42}," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.email"},
    {"unknown lead key", "{" LEAD_WITH("\"age\":42") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.age"},
    {"gdpr_consent a string",
     "{" LEAD_WITH("\"gdpr_consent\":\"yes\"") "," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.gdpr_consent"},
    {"gdpr_consent a number", "{" LEAD_WITH("\"gdpr_consent\":1") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.gdpr_consent"},
    {"country by name", "{" LEAD_WITH("\"country\":\"Deutschland\"") "," CONV("callback", "{}") "}",
     0, ERR_INVALID_FIELD, "lead.country"},
    {"country unknown", "{" LEAD_WITH("\"country\":\"XX\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.country"},
    {"country alpha-3", "{" LEAD_WITH("\"country\":\"DEU\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.country"},
    {"first_name of 81 characters",
     "{" LEAD_WITH("\"first_name\":\"" AE80 "\xC3\xA4\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.first_name"},
    {"last_name with a line break",
     "{" LEAD_WITH("\"last_name\":\"Schmidt\\nMeier\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.last_name"},
    {"salutation with U+2028",
     "{" LEAD_WITH("\"salutation\":\"Frau\\u2028\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.salutation"},
    {"city with a C1 control",
     "{" LEAD_WITH("\"city\":\"Aachen\\u0085\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.city"},
    {"id of 65 characters",
     "{" LEAD_WITH("\"id\":\"" A40 "aaaaaaaaaaaaaaaaaaaaaaaaa\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.id"},
    {"id a number", "{" LEAD_WITH("\"id\":42") "," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.id"},
    {"phone of 41 characters",
     "{" LEAD_WITH("\"phone\":\"" A40 "1\"") "," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.phone"},
    {"status of 41 characters",
     "{" LEAD_WITH("\"status\":\"" A40 "a\"") "," CONV("callback", "{}") "}", 0, ERR_INVALID_FIELD,
     "lead.status"},
    {"status a bool", "{" LEAD_WITH("\"status\":true") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.status"},
    {"zip of 17 characters",
     "{" LEAD_WITH("\"zip\":\"12345678901234567\"") "," CONV("callback", "{}") "}", 0,
     ERR_INVALID_FIELD, "lead.zip"},
    /* conversion */
    {"type missing", "{" LEAD ",\"conversion\":{\"details\":{}}}", 0, ERR_INVALID_FIELD,
     "conversion.type"},
    {"type unknown", BODY(CONV("appraisal", "{}")), 0, ERR_INVALID_FIELD, "conversion.type"},
    {"type in other case", BODY(CONV("Valuation", "{}")), 0, ERR_INVALID_FIELD, "conversion.type"},
    {"type a number", "{" LEAD ",\"conversion\":{\"type\":7}}", 0, ERR_INVALID_FIELD,
     "conversion.type"},
    {"unknown conversion key", "{" LEAD ",\"conversion\":{\"type\":\"callback\",\"source\":\"x\"}}",
     0, ERR_INVALID_FIELD, "conversion.source"},
    {"occurred_at with a space",
     "{" LEAD ",\"conversion\":{\"type\":\"callback\","
     "\"occurred_at\":\"2026-11-26 10:15:00Z\"}}",
     0, ERR_INVALID_FIELD, "conversion.occurred_at"},
    {"occurred_at no offset",
     "{" LEAD ",\"conversion\":{\"type\":\"callback\","
     "\"occurred_at\":\"2026-11-26T10:15:00\"}}",
     0, ERR_INVALID_FIELD, "conversion.occurred_at"},
    {"occurred_at a number",
     "{" LEAD ",\"conversion\":{\"type\":\"callback\","
     "\"occurred_at\":1795708800}}",
     0, ERR_INVALID_FIELD, "conversion.occurred_at"},
    {"occurred_at before 1970",
     "{" LEAD ",\"conversion\":{\"type\":\"callback\","
     "\"occurred_at\":\"1969-12-31T23:59:59Z\"}}",
     0, ERR_INVALID_FIELD, "conversion.occurred_at"},
    {"landing_page of 121 characters",
     "{" LEAD ",\"conversion\":{\"type\":\"callback\","
     "\"landing_page\":\"" A80 A40 "a\"}}",
     0, ERR_INVALID_FIELD, "conversion.landing_page"},
    {"details an array", BODY(CONV("callback", "[]")), 0, ERR_INVALID_FIELD, "conversion.details"},
    /* valuation */
    {"valuation without property_type", BODY(CONV("valuation", "{" ADDRESS "}")), 0,
     ERR_INVALID_FIELD, "conversion.details.property_type"},
    {"valuation without details", "{" LEAD ",\"conversion\":{\"type\":\"valuation\"}}", 0,
     ERR_INVALID_FIELD, "conversion.details.property_type"},
    {"property_type unknown", BODY(CONV("valuation", "{\"property_type\":\"castle\"," ADDRESS "}")),
     0, ERR_INVALID_FIELD, "conversion.details.property_type"},
    {"subtype of another type", VALUATION(",\"property_subtype\":\"penthouse\""), 0,
     ERR_INVALID_FIELD, "conversion.details.property_subtype"},
    {"subtype unknown", VALUATION(",\"property_subtype\":\"castle\""), 0, ERR_INVALID_FIELD,
     "conversion.details.property_subtype"},
    {"valuation without address", BODY(CONV("valuation", "{\"property_type\":\"house\"}")), 0,
     ERR_INVALID_FIELD, "conversion.details.address"},
    {"address without zip or city",
     BODY(CONV("valuation",
               "{\"property_type\":\"house\",\"address\":{\"street\":\"Hauptstraße\"}}")),
     0, ERR_INVALID_FIELD, "conversion.details.address.zip"},
    {"address country by name",
     BODY(CONV(
         "valuation",
         "{\"property_type\":\"house\",\"address\":{\"zip\":\"52062\",\"country\":\"Germany\"}}")),
     0, ERR_INVALID_FIELD, "conversion.details.address.country"},
    {"address unknown key",
     BODY(CONV("valuation",
               "{\"property_type\":\"house\",\"address\":{\"zip\":\"52062\",\"state\":\"NRW\"}}")),
     0, ERR_INVALID_FIELD, "conversion.details.address.state"},
    {"price min > max", VALUATION(",\"price\":{\"min\":500000,\"max\":400000}"), 0,
     ERR_INVALID_FIELD, "conversion.details.price.min"},
    {"price average > max",
     VALUATION(",\"price\":{\"min\":400000,\"max\":500000,\"average\":500001}"), 0,
     ERR_INVALID_FIELD, "conversion.details.price.average"},
    {"price average < min", VALUATION(",\"price\":{\"min\":400000,\"average\":399999}"), 0,
     ERR_INVALID_FIELD, "conversion.details.price.average"},
    {"price a real", VALUATION(",\"price\":{\"min\":450000.0}"), 0, ERR_INVALID_FIELD,
     "conversion.details.price.min"},
    {"price a string", VALUATION(",\"price\":{\"max\":\"500000\"}"), 0, ERR_INVALID_FIELD,
     "conversion.details.price.max"},
    {"price negative", VALUATION(",\"price\":{\"min\":-1}"), 0, ERR_INVALID_FIELD,
     "conversion.details.price.min"},
    {"price beyond the cap", VALUATION(",\"price\":{\"max\":1000000000001}"), 0, ERR_INVALID_FIELD,
     "conversion.details.price.max"},
    {"latitude 91", VALUATION(",\"coordinates\":{\"lat\":91,\"lon\":6.08}"), 0, ERR_INVALID_FIELD,
     "conversion.details.coordinates.lat"},
    {"longitude missing", VALUATION(",\"coordinates\":{\"lat\":50.77}"), 0, ERR_INVALID_FIELD,
     "conversion.details.coordinates.lon"},
    {"latitude a string", VALUATION(",\"coordinates\":{\"lat\":\"50.77\",\"lon\":6.08}"), 0,
     ERR_INVALID_FIELD, "conversion.details.coordinates.lat"},
    {"method unknown", VALUATION(",\"method\":\"estimated\""), 0, ERR_INVALID_FIELD,
     "conversion.details.method"},
    {"valuation with a search field", VALUATION(",\"rooms_min\":3"), 0, ERR_INVALID_FIELD,
     "conversion.details.rooms_min"},
    /* callback */
    {"preferred_time of 81 characters", BODY(CONV("callback", "{\"preferred_time\":\"" A80 "a\"}")),
     0, ERR_INVALID_FIELD, "conversion.details.preferred_time"},
    {"callback with property_type", BODY(CONV("callback", "{\"property_type\":\"house\"}")), 0,
     ERR_INVALID_FIELD, "conversion.details.property_type"},
    {"topic a number", BODY(CONV("callback", "{\"topic\":3}")), 0, ERR_INVALID_FIELD,
     "conversion.details.topic"},
    /* download */
    {"download without name", BODY(CONV("download", "{\"kind\":\"guide\"}")), 0, ERR_INVALID_FIELD,
     "conversion.details.name"},
    {"download name blank", BODY(CONV("download", "{\"name\":\"   \"}")), 0, ERR_INVALID_FIELD,
     "conversion.details.name"},
    {"download name of 121", BODY(CONV("download", "{\"name\":\"" A80 A40 "a\"}")), 0,
     ERR_INVALID_FIELD, "conversion.details.name"},
    {"download kind unknown", BODY(CONV("download", "{\"name\":\"Ratgeber\",\"kind\":\"ebook\"}")),
     0, ERR_INVALID_FIELD, "conversion.details.kind"},
    {"postal_delivery a string",
     BODY(CONV("download", "{\"name\":\"Ratgeber\",\"postal_delivery\":\"true\"}")), 0,
     ERR_INVALID_FIELD, "conversion.details.postal_delivery"},
    /* life_annuity_check, partial_sale_check */
    {"life annuity without property_type", BODY(CONV("life_annuity_check", "{}")), 0,
     ERR_INVALID_FIELD, "conversion.details.property_type"},
    {"life annuity with subtype",
     BODY(CONV("life_annuity_check",
               "{\"property_type\":\"house\",\"property_subtype\":\"villa\"}")),
     0, ERR_INVALID_FIELD, "conversion.details.property_subtype"},
    {"partial sale with numeric type", BODY(CONV("partial_sale_check", "{\"property_type\":1}")), 0,
     ERR_INVALID_FIELD, "conversion.details.property_type"},
    /* search_request */
    {"search without area", BODY(CONV("search_request", "{\"property_type\":\"house\"}")), 0,
     ERR_INVALID_FIELD, "conversion.details.area"},
    {"search area empty", BODY(CONV("search_request", "{\"property_type\":\"house\",\"area\":{}}")),
     0, ERR_INVALID_FIELD, "conversion.details.area.zip"},
    {"search radius 201", SEARCH(",\"radius_km\":201"), 0, ERR_INVALID_FIELD,
     "conversion.details.radius_km"},
    {"search radius a real", SEARCH(",\"radius_km\":10.5"), 0, ERR_INVALID_FIELD,
     "conversion.details.radius_km"},
    {"search price min > max", SEARCH(",\"price\":{\"min\":300000,\"max\":200000}"), 0,
     ERR_INVALID_FIELD, "conversion.details.price.min"},
    {"search price with average", SEARCH(",\"price\":{\"average\":200000}"), 0, ERR_INVALID_FIELD,
     "conversion.details.price.average"},
    {"search rooms 2.25", SEARCH(",\"rooms_min\":2.25"), 0, ERR_INVALID_FIELD,
     "conversion.details.rooms_min"},
    {"search rooms negative", SEARCH(",\"rooms_min\":-0.5"), 0, ERR_INVALID_FIELD,
     "conversion.details.rooms_min"},
    {"search bathrooms 1.5", SEARCH(",\"bathrooms_min\":1.5"), 0, ERR_INVALID_FIELD,
     "conversion.details.bathrooms_min"},
    {"search parking negative", SEARCH(",\"parking_spaces_min\":-1"), 0, ERR_INVALID_FIELD,
     "conversion.details.parking_spaces_min"},
    {"search subtype of another type", SEARCH(",\"property_subtype\":\"office\""), 0,
     ERR_INVALID_FIELD, "conversion.details.property_subtype"},
    /* plot_valuation */
    {"plot without plot_type", BODY(CONV("plot_valuation", "{}")), 0, ERR_INVALID_FIELD,
     "conversion.details.plot_type"},
    {"plot_type of 81", BODY(CONV("plot_valuation", "{\"plot_type\":\"" A80 "a\"}")), 0,
     ERR_INVALID_FIELD, "conversion.details.plot_type"},
    {"plot_type a number", BODY(CONV("plot_valuation", "{\"plot_type\":5}")), 0, ERR_INVALID_FIELD,
     "conversion.details.plot_type"},
};

#define NBAD (sizeof(bad) / sizeof(bad[0]))

static void bad_inputs_name_code_and_field(void **state)
{
	(void)state;
	size_t checked = 0;
	for (size_t i = 0; i < NBAD; i++) {
		const struct bad_case *c = &bad[i];
		const char *body = c->body;
		int code = c->code;
		const char *field = c->field;
		size_t len = c->len ? c->len : strlen(body);
		struct conv_input in = CONV_INPUT_INIT;
		struct err e = ERR_INIT;
		int rc = conv_parse(body, len, NOW_MS, &in, &e);
		if (rc != code || e.code != code || strcmp(e.field, field) != 0 || !e.message[0])
			fail_msg("row %zu (%s): got %s field \"%s\" (%s), want %s field \"%s\"", i,
			         c->name, err_name(rc), e.field, e.message, err_name(code), field);
		assert_null(in.doc);
		checked++;
	}
	assert_true(checked >= 40);
}

static void body_larger_than_the_cap_is_too_large(void **state)
{
	(void)state;
	size_t len = CONV_BODY_MAX + 1;
	char *body = malloc(len);
	assert_non_null(body);
	memset(body, ' ', len);
	struct conv_input in = CONV_INPUT_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(conv_parse(body, len, NOW_MS, &in, &e), ERR_TOO_LARGE);
	assert_string_equal(e.field, "");
	free(body);
}

static void messages_say_what_is_wrong(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	struct err e = ERR_INIT;
	const char *body =
	    "{" LEAD_WITH("\"first_name\":\"" AE80 "\xC3\xA4\"") "," CONV("callback", "{}") "}";
	conv_parse(body, strlen(body), NOW_MS, &in, &e);
	assert_string_equal(e.message, "must be at most 80 characters");
	body = VALUATION(",\"property_subtype\":\"penthouse\"");
	conv_parse(body, strlen(body), NOW_MS, &in, &e);
	assert_string_equal(e.message, "must be a subtype of house: single_family_house, "
	                               "two_family_house, multi_family_house, terraced_house, "
	                               "semi_detached_house, villa, bungalow");
	body = BODY(CONV("appraisal", "{}"));
	conv_parse(body, strlen(body), NOW_MS, &in, &e);
	assert_string_equal(e.message, "must be one of: valuation, callback, download, "
	                               "life_annuity_check, partial_sale_check, search_request, "
	                               "plot_valuation");
	body = "{" LEAD_WITH("\"age\":42") "," CONV("callback", "{}") "}";
	conv_parse(body, strlen(body), NOW_MS, &in, &e);
	assert_string_equal(e.message, "unknown field");
	body = "{\"lead\":{\"email\":\"a@example.de\",\"email\":\"b@example.de\"},"
	       "\"conversion\":{\"type\":\"callback\"}}";
	conv_parse(body, strlen(body), NOW_MS, &in, &e);
	assert_non_null(strstr(e.message, "duplicate"));
}

static int parse_ok(const char *body, struct conv_input *in)
{
	struct err e = ERR_INIT;
	int rc = conv_parse(body, strlen(body), NOW_MS, in, &e);
	if (rc)
		fail_msg("refused: %s field \"%s\": %s", err_name(rc), e.field, e.message);
	return rc;
}

static void spec_example_is_accepted(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	parse_ok(spec_example, &in);
	const struct conv_lead *l = &in.lead;
	assert_string_equal(l->email, "anna.schmidt@example.de");
	assert_string_equal(l->email_key, "anna.schmidt@example.de");
	assert_string_equal(l->salutation, "Frau");
	assert_string_equal(l->first_name, "Anna");
	assert_string_equal(l->last_name, "Schmidt");
	assert_string_equal(l->phone, "0171 2345678");
	assert_string_equal(l->phone_e164, "+491712345678");
	assert_string_equal(l->street, "Hauptstraße 5");
	assert_string_equal(l->zip, "52062");
	assert_string_equal(l->city, "Aachen");
	assert_string_equal(l->country, "DE");
	assert_true(l->gdpr_consent);
	assert_string_equal(l->status, "new");
	assert_int_equal(in.type, CONV_VALUATION);
	assert_string_equal(in.landing_page, "Immobilienbewertung Aachen");
	assert_true(in.occurred_at_given);
	char when[TIME_RFC3339_MAX];
	time_format_rfc3339(in.occurred_at_ms, when, sizeof(when));
	assert_string_equal(when, "2026-11-26T10:15:00Z");
	assert_string_equal(conv_title(in.type, in.details), "Bewertung durchgeführt");
	conv_input_release(&in);
	assert_null(in.doc);
	conv_input_release(&in); /* harmless twice */
}

static void minimal_body_gets_defaults(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	parse_ok("{\"lead\":{\"email\":\"Anna.Schmidt@Example.DE\"},\"conversion\":{\"type\":"
	         "\"callback\"}}",
	         &in);
	assert_string_equal(in.lead.email, "Anna.Schmidt@Example.DE");
	assert_string_equal(in.lead.email_key, "anna.schmidt@example.de");
	assert_null(in.lead.id);
	assert_null(in.lead.phone);
	assert_string_equal(in.lead.phone_e164, "");
	assert_string_equal(in.lead.country, "");
	assert_false(in.lead.gdpr_consent);
	assert_string_equal(in.lead.status, "new");
	assert_null(in.landing_page);
	assert_false(in.occurred_at_given);
	assert_int_equal(in.occurred_at_ms, NOW_MS);
	assert_true(json_is_object(in.details));
	assert_int_equal(json_object_size(in.details), 0);
	assert_string_equal(conv_title(in.type, in.details), "Hat um einen Rückruf gebeten");
	conv_input_release(&in);
}

static void absent_values_are_removed_and_codes_upper_cased(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	parse_ok(
	    "{\"lead\":{\"email\":\"anna@example.de\",\"phone\":\"\",\"first_name\":null,"
	    "\"country\":\"at\",\"status\":\"\"},"
	    "\"conversion\":{\"type\":\"valuation\",\"landing_page\":null,\"occurred_at\":null,"
	    "\"details\":{\"property_type\":\"apartment\",\"property_subtype\":null,"
	    "\"address\":{\"street\":\"\",\"city\":\"Wien\",\"country\":\"at\"},"
	    "\"coordinates\":null,\"price\":{},\"method\":\"\"}}}",
	    &in);
	assert_null(in.lead.phone);
	assert_null(in.lead.first_name);
	assert_string_equal(in.lead.country, "AT");
	assert_string_equal(in.lead.status, "new");
	assert_null(in.landing_page);
	assert_int_equal(in.occurred_at_ms, NOW_MS);
	char *d = json_dumps(in.details, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(d, "{\"address\":{\"city\":\"Wien\",\"country\":\"AT\"},"
	                       "\"property_type\":\"apartment\"}");
	free(d);
	json_t *lead = json_object_get(in.doc, "lead");
	assert_string_equal(json_string_value(json_object_get(lead, "country")), "AT");
	assert_null(json_object_get(lead, "phone"));
	conv_input_release(&in);
}

static void every_type_with_full_details(void **state)
{
	(void)state;
	static const struct {
		const char *body;
		enum conv_type type;
		const char *title;
	} good[] = {
	    {BODY(CONV("valuation",
	               "{\"property_type\":\"house\",\"property_subtype\":\"semi_detached_house\","
	               "\"address\":{\"street\":\"Charlottenburger Allee\",\"house_number\":\"5\","
	               "\"zip\":\"52068\",\"city\":\"Aachen\",\"country\":\"de\"},"
	               "\"coordinates\":{\"lat\":50.7762106,\"lon\":6},"
	               "\"price\":{\"min\":400000,\"max\":500000,\"average\":450000},"
	               "\"method\":\"automated\"}")),
	     CONV_VALUATION, "Bewertung durchgeführt"},
	    {BODY(CONV("valuation",
	               "{\"property_type\":\"commercial\",\"property_subtype\":\"office\","
	               "\"address\":{\"city\":\"Köln\"},\"price\":{\"min\":0,\"max\":0},"
	               "\"method\":\"manual\"}")),
	     CONV_VALUATION, "Bewertung durchgeführt"},
	    {BODY(CONV("callback",
	               "{\"preferred_time\":\"Vormittags\",\"topic\":\"Preisfindung\"}")),
	     CONV_CALLBACK, "Hat um einen Rückruf gebeten"},
	    {BODY(CONV("download", "{\"name\":\"Checkliste Hausverkauf\",\"kind\":\"checklist\","
	                           "\"postal_delivery\":true}")),
	     CONV_DOWNLOAD, "Checkliste Hausverkauf"},
	    {BODY(CONV("download", "{\"name\":\"Ratgeber Erbschaft\",\"kind\":\"guide\","
	                           "\"postal_delivery\":false}")),
	     CONV_DOWNLOAD, "Ratgeber Erbschaft"},
	    {BODY(CONV("life_annuity_check", "{\"property_type\":\"house\"}")),
	     CONV_LIFE_ANNUITY_CHECK, "Leibrenten-Check"},
	    {BODY(CONV("partial_sale_check", "{\"property_type\":\"apartment\"}")),
	     CONV_PARTIAL_SALE_CHECK, "Teilverkaufs-Check"},
	    {BODY(CONV("search_request",
	               "{\"property_type\":\"apartment\",\"property_subtype\":\"penthouse\","
	               "\"area\":{\"zip\":\"52062\",\"city\":\"Aachen\",\"street\":\"Markt\"},"
	               "\"radius_km\":200,\"price\":{\"min\":200000,\"max\":350000},"
	               "\"rooms_min\":3.5,\"bathrooms_min\":1,\"parking_spaces_min\":0}")),
	     CONV_SEARCH_REQUEST, "Hat ein Kaufgesuch abgegeben"},
	    {BODY(CONV("search_request", "{\"property_type\":\"plot\",\"area\":{\"zip\":\"52062\"},"
	                                 "\"radius_km\":0,\"rooms_min\":3}")),
	     CONV_SEARCH_REQUEST, "Hat ein Kaufgesuch abgegeben"},
	    {BODY(CONV("plot_valuation", "{\"plot_type\":\"Bauland\"}")), CONV_PLOT_VALUATION,
	     "Anfrage zur Grundstücksbewertung"},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct conv_input in = CONV_INPUT_INIT;
		parse_ok(good[i].body, &in);
		assert_int_equal(in.type, good[i].type);
		assert_string_equal(conv_title(in.type, in.details), good[i].title);
		conv_input_release(&in);
	}
}

static void limits_are_in_characters(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	/* 80 'ä' are 160 bytes and still 80 characters. */
	parse_ok("{" LEAD_WITH("\"first_name\":\"" AE80 "\",\"last_name\":\"" A80
	                       "\"") "," CONV("callback", "{}") "}",
	         &in);
	assert_int_equal(strlen(in.lead.first_name), 160);
	conv_input_release(&in);
	/* An e-mail of exactly 100 characters with a 64-character local part. */
	parse_ok("{\"lead\":{\"email\":\"" A40 "aaaaaaaaaaaaaaaaaaaaaaaa@" A10 A10
	         "aaaaaaaaaaaa.de\"},"
	         "\"conversion\":{\"type\":\"callback\"}}",
	         &in);
	assert_int_equal(strlen(in.lead.email), 100);
	conv_input_release(&in);
}

static void unparseable_phone_is_kept_raw(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	parse_ok("{" LEAD_WITH("\"phone\":\"abends erreichbar\"") "," CONV("callback", "{}") "}",
	         &in);
	assert_string_equal(in.lead.phone, "abends erreichbar");
	assert_string_equal(in.lead.phone_e164, "");
	conv_input_release(&in);
}

static void occurred_at_with_offset_is_utc(void **state)
{
	(void)state;
	struct conv_input in = CONV_INPUT_INIT;
	parse_ok("{" LEAD ",\"conversion\":{\"type\":\"callback\","
	         "\"occurred_at\":\"2026-11-26T11:15:00.250+01:00\"}}",
	         &in);
	char when[TIME_RFC3339_MAX];
	time_format_rfc3339(in.occurred_at_ms, when, sizeof(when));
	assert_string_equal(when, "2026-11-26T10:15:00.250Z");
	conv_input_release(&in);
}

static void canonical_form_parses_to_itself(void **state)
{
	(void)state;
	const char *bodies[] = {
	    spec_example,
	    "{\"lead\":{\"email\":\"Anna@Example.de\",\"country\":\"ch\"},"
	    "\"conversion\":{\"type\":\"search_request\",\"occurred_at\":\"2026-01-02T03:04:05+02:"
	    "00\","
	    "\"details\":{\"property_type\":\"house\",\"area\":{\"city\":\"Zürich\"},\"rooms_min\":"
	    "2.5,"
	    "\"price\":{}}}}",
	};
	for (size_t i = 0; i < 2; i++) {
		struct conv_input a = CONV_INPUT_INIT, b = CONV_INPUT_INIT;
		parse_ok(bodies[i], &a);
		json_t *ja = conv_to_json(&a);
		assert_non_null(ja);
		char *text = json_dumps(ja, JSON_COMPACT | JSON_SORT_KEYS);
		parse_ok(text, &b);
		json_t *jb = conv_to_json(&b);
		assert_true(json_equal(ja, jb));
		assert_int_equal(a.occurred_at_ms, b.occurred_at_ms);
		assert_string_equal(a.lead.email_key, b.lead.email_key);
		free(text);
		json_decref(ja);
		json_decref(jb);
		conv_input_release(&a);
		conv_input_release(&b);
	}
}

static void type_names_labels_and_titles(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "valuation",          "callback",       "download",      "life_annuity_check",
	    "partial_sale_check", "search_request", "plot_valuation"};
	for (int i = 0; i < CONV__COUNT; i++) {
		enum conv_type t;
		assert_string_equal(conv_type_name((enum conv_type)i), names[i]);
		assert_int_equal(conv_type_from_name(names[i], &t), 0);
		assert_int_equal(t, i);
		assert_non_null(conv_type_label_de((enum conv_type)i));
		assert_non_null(conv_title((enum conv_type)i, NULL));
	}
	enum conv_type t;
	assert_int_equal(conv_type_from_name("Valuation", &t), ERR_INVALID_ARG);
	assert_int_equal(conv_type_from_name(NULL, &t), ERR_INVALID_ARG);
	assert_null(conv_type_name(CONV__COUNT));
	assert_null(conv_title(CONV__COUNT, NULL));
	assert_string_equal(conv_type_label_de(CONV_SEARCH_REQUEST), "Wohntraum-Finder");
	assert_string_equal(conv_title(CONV_DOWNLOAD, NULL), "Download");
	assert_string_equal(conv_title(CONV_LIFE_ANNUITY_CHECK, NULL), "Leibrenten-Check");
	assert_string_equal(conv_title(CONV_PARTIAL_SALE_CHECK, NULL), "Teilverkaufs-Check");
	assert_string_equal(conv_title(CONV_PLOT_VALUATION, NULL),
	                    "Anfrage zur Grundstücksbewertung");
}

/* The lead table serves other bodies (contacts, requirements §8.2) through conv_lead_fill. */
static void lead_table_and_fill_are_reusable(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *lead = json_loads("{\"email\":\"Anna@Example.DE\",\"phone\":\"0241 12345\","
	                          "\"country\":\"ch\",\"city\":\"\"}",
	                          JSON_REJECT_DUPLICATES, &jerr);
	assert_non_null(lead);
	struct jsonv_field spec = {.key = "", .kind = JSONV_OBJECT, .fields = conv_lead_fields};
	struct err e = ERR_INIT;
	assert_int_equal(jsonv_validate(lead, &spec, "", &e), 0);
	struct conv_lead l;
	conv_lead_fill(lead, &l);
	assert_string_equal(l.email_key, "anna@example.de");
	assert_string_equal(l.phone_e164, "+4924112345");
	assert_string_equal(l.country, "CH");
	assert_null(l.city);
	assert_string_equal(l.status, "new");
	json_decref(lead);
	lead = json_loads("{\"email\":\"anna@example.de\",\"zip\":5}", 0, &jerr);
	assert_int_equal(jsonv_validate(lead, &spec, "", &e), ERR_INVALID_FIELD);
	assert_string_equal(e.field, "zip");
	assert_string_equal(e.message, "must be a string");
	json_decref(lead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_inputs_name_code_and_field),
	    cmocka_unit_test(body_larger_than_the_cap_is_too_large),
	    cmocka_unit_test(messages_say_what_is_wrong),
	    cmocka_unit_test(spec_example_is_accepted),
	    cmocka_unit_test(minimal_body_gets_defaults),
	    cmocka_unit_test(absent_values_are_removed_and_codes_upper_cased),
	    cmocka_unit_test(every_type_with_full_details),
	    cmocka_unit_test(limits_are_in_characters),
	    cmocka_unit_test(unparseable_phone_is_kept_raw),
	    cmocka_unit_test(occurred_at_with_offset_is_utc),
	    cmocka_unit_test(canonical_form_parses_to_itself),
	    cmocka_unit_test(type_names_labels_and_titles),
	    cmocka_unit_test(lead_table_and_fill_are_reusable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
