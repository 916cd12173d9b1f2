/*
 * libFuzzer target for the conversion validator (src/domain/conversion.c, jsonv.c).
 *
 * The input is the request body as is (exact size, not NUL-terminated). Invariants
 * checked on top of "no crash, no UB, no leak":
 *   - a refusal is INVALID_JSON or TOO_LARGE without a field, or INVALID_FIELD with
 *     one, always with a message, and leaves nothing to release;
 *   - an accepted input satisfies requirements §8.1: a valid e-mail ≤ 100 characters and its
 *     identity key, a known type and its title, a known upper-case country, the
 *     property subtype belongs to the type, zip or city in address/area, min ≤
 *     average ≤ max, coordinates and counts in range, rooms a multiple of 0.5,
 *     every string valid UTF-8 without control characters;
 *   - the canonical form (conv_to_json) parses back to the same canonical form.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "domain/conversion.h"
#include "domain/country.h"
#include "domain/email.h"
#include "domain/property.h"

#define NOW_MS 1795708800000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_strings(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, key, child) check_strings(child);
		break;
	case JSON_ARRAY:
		abort(); /* no member of requirements §8.1 is an array */
	case JSON_STRING: {
		const unsigned char *s = (const unsigned char *)json_string_value(v);
		size_t len = json_string_length(v);
		if (!utf8_valid((const char *)s, len) || strlen((const char *)s) != len)
			abort();
		for (i = 0; i < len; i++)
			if (s[i] < 0x20 || s[i] == 0x7F)
				abort();
		break;
	}
	case JSON_NULL:
		abort(); /* nulls are removed */
	default:
		break;
	}
}

static json_int_t int_or(const json_t *obj, const char *key, json_int_t dflt)
{
	json_t *v = json_object_get(obj, key);
	if (v && !json_is_integer(v))
		abort();
	return v ? json_integer_value(v) : dflt;
}

static void check_price(const json_t *price)
{
	if (!price)
		return;
	json_int_t min = int_or(price, "min", 0);
	json_int_t max = int_or(price, "max", CONV_PRICE_MAX);
	json_int_t avg = int_or(price, "average", min);
	if (min < 0 || max > CONV_PRICE_MAX || min > max || avg < min || avg > max)
		abort();
}

static void check_place(const json_t *obj)
{
	if (!json_is_object(obj))
		abort();
	if (!json_object_get(obj, "zip") && !json_object_get(obj, "city"))
		abort();
	const char *country = json_string_value(json_object_get(obj, "country"));
	if (country && (!country_by_alpha2(country) ||
	                strcmp(country_by_alpha2(country)->alpha2, country) != 0))
		abort();
}

static void check_property(const json_t *d)
{
	const char *type = json_string_value(json_object_get(d, "property_type"));
	const char *sub = json_string_value(json_object_get(d, "property_subtype"));
	if (!property_type_valid(type) || (sub && !property_subtype_valid(type, sub)))
		abort();
	if (!property_lookup(type, sub))
		abort();
}

static void check_details(const struct conv_input *in)
{
	const json_t *d = in->details;
	if (!json_is_object(d))
		abort();
	switch (in->type) {
	case CONV_VALUATION: {
		check_property(d);
		check_place(json_object_get(d, "address"));
		check_price(json_object_get(d, "price"));
		const json_t *c = json_object_get(d, "coordinates");
		if (c) {
			double lat = json_number_value(json_object_get(c, "lat"));
			double lon = json_number_value(json_object_get(c, "lon"));
			if (!json_is_number(json_object_get(c, "lat")) || fabs(lat) > 90 ||
			    fabs(lon) > 180)
				abort();
		}
		break;
	}
	case CONV_SEARCH_REQUEST: {
		check_property(d);
		check_place(json_object_get(d, "area"));
		check_price(json_object_get(d, "price"));
		json_int_t r = int_or(d, "radius_km", 0);
		if (r < 0 || r > 200)
			abort();
		const json_t *rooms = json_object_get(d, "rooms_min");
		if (rooms) {
			double x = json_number_value(rooms) * 2;
			if (!json_is_number(rooms) || x < 0 || x > 200 || floor(x) != x)
				abort();
		}
		break;
	}
	case CONV_LIFE_ANNUITY_CHECK:
	case CONV_PARTIAL_SALE_CHECK:
		check_property(d);
		break;
	case CONV_DOWNLOAD:
	case CONV_PLOT_VALUATION:
	case CONV_CALLBACK:
		break;
	default:
		abort();
	}
	const char *title = conv_title(in->type, d);
	if (!title || !title[0])
		abort();
}

static void check_accepted(const struct conv_input *in)
{
	const struct conv_lead *l = &in->lead;
	if (!in->doc || !l->email || !email_valid(l->email, strlen(l->email)))
		abort();
	if (utf8_chars(l->email, strlen(l->email)) > EMAIL_MAX || !l->email_key[0])
		abort();
	if (!l->status || utf8_chars(l->status, strlen(l->status)) > 40)
		abort();
	if (l->country[0] && (!country_by_alpha2(l->country) ||
	                      strcmp(country_by_alpha2(l->country)->alpha2, l->country) != 0))
		abort();
	if (l->phone_e164[0] && l->phone_e164[0] != '+')
		abort();
	if (in->occurred_at_ms < 0)
		abort();
	check_strings(in->doc);
	check_details(in);
}

static void check_round_trip(const struct conv_input *in)
{
	json_t *canon = conv_to_json(in);
	if (!canon)
		abort();
	char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		abort();
	struct conv_input again = CONV_INPUT_INIT;
	struct err e = ERR_INIT;
	if (conv_parse(text, strlen(text), NOW_MS, &again, &e) != 0)
		abort();
	json_t *canon2 = conv_to_json(&again);
	if (!canon2 || !json_equal(canon, canon2) || again.occurred_at_ms != in->occurred_at_ms)
		abort();
	json_decref(canon2);
	conv_input_release(&again);
	free(text);
	json_decref(canon);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conv_input in = CONV_INPUT_INIT;
	struct err e = ERR_INIT;
	int rc = conv_parse((const char *)data, size, NOW_MS, &in, &e);
	if (rc) {
		if (e.code != rc || !e.message[0] || in.doc)
			abort();
		if (rc == ERR_INVALID_FIELD
		        ? !e.field[0]
		        : (rc != ERR_INVALID_JSON && rc != ERR_TOO_LARGE) || e.field[0])
			abort();
		return 0;
	}
	check_accepted(&in);
	check_round_trip(&in);
	conv_input_release(&in);
	return 0;
}
