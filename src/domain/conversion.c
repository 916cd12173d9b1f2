#include "domain/conversion.h"

#include "core/time.h"
#include "domain/country.h"
#include "domain/email.h"
#include "domain/jsonv.h"
#include "domain/property.h"

#include <string.h>

/* ---- names ------------------------------------------------------------------------ */

static const char *const type_names[] = {
    "valuation",          "callback",       "download",       "life_annuity_check",
    "partial_sale_check", "search_request", "plot_valuation", NULL,
};

static const char *const type_labels_de[] = {
    "Immobilienbewertung", "Rückruf-Wunsch",   "Checkliste/Ratgeber",  "Leibrenten-Check",
    "Teilverkaufs-Check",  "Wohntraum-Finder", "Grundstücksbewertung",
};

static const char *const titles[] = {
    "Bewertung durchgeführt",
    "Hat um einen Rückruf gebeten",
    NULL,
    "Leibrenten-Check",
    "Teilverkaufs-Check",
    "Hat ein Kaufgesuch abgegeben",
    "Anfrage zur Grundstücksbewertung",
};

const char *conv_type_name(enum conv_type type)
{
	return (unsigned)type < CONV__COUNT ? type_names[type] : NULL;
}

int conv_type_from_name(const char *name, enum conv_type *out)
{
	for (int i = 0; name && i < CONV__COUNT; i++) {
		if (strcmp(type_names[i], name) == 0) {
			*out = (enum conv_type)i;
			return 0;
		}
	}
	return ERR_INVALID_ARG;
}

const char *conv_type_label_de(enum conv_type type)
{
	return (unsigned)type < CONV__COUNT ? type_labels_de[type] : NULL;
}

const char *conv_title(enum conv_type type, const json_t *details)
{
	if ((unsigned)type >= CONV__COUNT)
		return NULL;
	if (type == CONV_DOWNLOAD) {
		const char *name = json_string_value(json_object_get(details, "name"));
		return name && name[0] ? name : "Download";
	}
	return titles[type];
}

/* ---- check hooks -------------------------------------------------------------------- */

/* The syntax rule of domain/email.h, shared with contacts and the CLI. */
static int check_email(json_t *v, const char *path, struct err *e)
{
	if (!email_valid(json_string_value(v), json_string_length(v)))
		return err_set(e, ERR_INVALID_FIELD, path, "must be a valid e-mail address");
	return 0;
}

/* An ISO 3166-1 alpha-2 code in any case; stored in upper case. */
static int check_country(json_t *v, const char *path, struct err *e)
{
	const struct country *c = country_by_alpha2(json_string_value(v));
	if (!c)
		return err_set(e, ERR_INVALID_FIELD, path,
		               "must be an ISO 3166-1 alpha-2 country code such as DE");
	if (json_string_set(v, c->alpha2))
		return err_set(e, ERR_NOMEM, path, NULL);
	return 0;
}

/* The earliest and latest accepted occurred_at: 1970-01-01T00:00:00Z and the end of
 * 9998, so that every accepted time has a UTC and a Berlin form of four-digit years. */
#define OCCURRED_MIN_MS 0LL
#define OCCURRED_MAX_MS 253370764799999LL /* 9998-12-31T23:59:59.999Z */

static int check_time(json_t *v, const char *path, struct err *e)
{
	struct err why = ERR_INIT;
	int64_t ms;
	if (time_parse_rfc3339(json_string_value(v), json_string_length(v), &ms, &why))
		return err_set(e, ERR_INVALID_FIELD, path,
		               "must be an RFC 3339 date-time such as 2026-11-26T10:15:00Z (%s)",
		               why.message);
	if (ms < OCCURRED_MIN_MS || ms > OCCURRED_MAX_MS)
		return err_set(e, ERR_INVALID_FIELD, path, "must lie between 1970 and 9998");
	return 0;
}

static int check_property_type(json_t *v, const char *path, struct err *e)
{
	if (!property_type_valid(json_string_value(v)))
		return err_set(e, ERR_INVALID_FIELD, path,
		               "must be one of: house, apartment, plot, commercial");
	return 0;
}

/* On a details object: property_subtype, when given, belongs to property_type. */
static int check_subtype(json_t *details, const char *path, struct err *e)
{
	const char *type = json_string_value(json_object_get(details, "property_type"));
	const char *sub = json_string_value(json_object_get(details, "property_subtype"));
	if (!sub || property_subtype_valid(type, sub))
		return 0;
	char field[JSONV_PATH_MAX], list[PROPERTY_LIST_MAX];
	jsonv_join(field, path, "property_subtype");
	property_subtypes_list(type, list, sizeof(list));
	return err_set(e, ERR_INVALID_FIELD, field, "must be a subtype of %s: %s", type, list);
}

/* On an address or area: at least one of zip and city. */
static int check_zip_or_city(json_t *obj, const char *path, struct err *e)
{
	if (json_object_get(obj, "zip") || json_object_get(obj, "city"))
		return 0;
	char field[JSONV_PATH_MAX];
	jsonv_join(field, path, "zip");
	return err_set(e, ERR_INVALID_FIELD, field, "zip or city is required");
}

/* On a price object: min ≤ average ≤ max for the members given. */
static int check_price(json_t *price, const char *path, struct err *e)
{
	json_t *min = json_object_get(price, "min"), *max = json_object_get(price, "max");
	json_t *avg = json_object_get(price, "average");
	char field[JSONV_PATH_MAX];
	if (min && max && json_integer_value(min) > json_integer_value(max)) {
		jsonv_join(field, path, "min");
		return err_set(e, ERR_INVALID_FIELD, field, "must not be greater than max");
	}
	if (avg && ((min && json_integer_value(avg) < json_integer_value(min)) ||
	            (max && json_integer_value(avg) > json_integer_value(max)))) {
		jsonv_join(field, path, "average");
		return err_set(e, ERR_INVALID_FIELD, field, "must lie between min and max");
	}
	return 0;
}

/* ---- the schema of requirements §8.1 -------------------------------------------------- */

/* One row of a member table each; kept on one line apiece for reading. */
/* clang-format off */
#define TEXT(k, n)            {.key = (k), .kind = JSONV_STRING, .max_chars = (n)}
#define TEXT_REQ(k, n)        {.key = (k), .kind = JSONV_STRING, .flags = JSONV_REQUIRED, .max_chars = (n)}
#define CHOICE(k, list)       {.key = (k), .kind = JSONV_STRING, .one_of = (list)}
#define BOOLEAN(k)            {.key = (k), .kind = JSONV_BOOL}
#define INTEGER(k, lo, hi)    {.key = (k), .kind = JSONV_INTEGER, .imin = (lo), .imax = (hi)}
#define NUMBER_REQ(k, lo, hi) {.key = (k), .kind = JSONV_NUMBER, .flags = JSONV_REQUIRED, .dmin = (lo), .dmax = (hi)}
#define COUNTRY(k)            {.key = (k), .kind = JSONV_STRING, .check = check_country}
#define PROPERTY_TYPE         {.key = "property_type", .kind = JSONV_STRING, .flags = JSONV_REQUIRED, \
                               .max_chars = 40, .check = check_property_type}
#define END                   {.key = NULL}
/* clang-format on */

/* Limits requirements §8.1 leaves open (our decision): street 100 (with house number), zip 16,
 * city 80, house number 16, subtype 40, landing page 120, counts 0-100. */
const struct jsonv_field conv_lead_fields[] = {
    TEXT("id", 64),
    {.key = "email",
     .kind = JSONV_STRING,
     .flags = JSONV_REQUIRED,
     .max_chars = EMAIL_MAX,
     .check = check_email},
    TEXT("salutation", 80),
    TEXT("first_name", 80),
    TEXT("last_name", 80),
    TEXT("phone", 40),
    TEXT("street", 100),
    TEXT("zip", 16),
    TEXT("city", 80),
    COUNTRY("country"),
    BOOLEAN("gdpr_consent"),
    TEXT("status", 40),
    END,
};

static const struct jsonv_field address_fields[] = {
    TEXT("street", 100), TEXT("house_number", 16), TEXT("zip", 16),
    TEXT("city", 80),    COUNTRY("country"),       END,
};

static const struct jsonv_field coordinate_fields[] = {
    NUMBER_REQ("lat", -90.0, 90.0),
    NUMBER_REQ("lon", -180.0, 180.0),
    END,
};

static const struct jsonv_field valuation_price_fields[] = {
    INTEGER("min", 0, CONV_PRICE_MAX),
    INTEGER("max", 0, CONV_PRICE_MAX),
    INTEGER("average", 0, CONV_PRICE_MAX),
    END,
};

static const char *const methods[] = {"automated", "manual", NULL};

static const struct jsonv_field valuation_fields[] = {
    PROPERTY_TYPE,
    TEXT("property_subtype", 40),
    {.key = "address",
     .kind = JSONV_OBJECT,
     .flags = JSONV_REQUIRED,
     .fields = address_fields,
     .check = check_zip_or_city},
    {.key = "coordinates", .kind = JSONV_OBJECT, .fields = coordinate_fields},
    {.key = "price", .kind = JSONV_OBJECT, .fields = valuation_price_fields, .check = check_price},
    CHOICE("method", methods),
    END,
};

static const struct jsonv_field callback_fields[] = {
    TEXT("preferred_time", 80),
    TEXT("topic", 80),
    END,
};

static const char *const download_kinds[] = {"checklist", "guide", NULL};

static const struct jsonv_field download_fields[] = {
    TEXT_REQ("name", 120),
    CHOICE("kind", download_kinds),
    BOOLEAN("postal_delivery"),
    END,
};

static const struct jsonv_field property_only_fields[] = {
    PROPERTY_TYPE,
    END,
};

static const struct jsonv_field area_fields[] = {
    TEXT("zip", 16),
    TEXT("city", 80),
    TEXT("street", 100),
    END,
};

static const struct jsonv_field search_price_fields[] = {
    INTEGER("min", 0, CONV_PRICE_MAX),
    INTEGER("max", 0, CONV_PRICE_MAX),
    END,
};

static const struct jsonv_field search_fields[] = {
    PROPERTY_TYPE,
    TEXT("property_subtype", 40),
    {.key = "area",
     .kind = JSONV_OBJECT,
     .flags = JSONV_REQUIRED,
     .fields = area_fields,
     .check = check_zip_or_city},
    INTEGER("radius_km", 0, 200),
    {.key = "price", .kind = JSONV_OBJECT, .fields = search_price_fields, .check = check_price},
    {.key = "rooms_min", .kind = JSONV_NUMBER, .dmin = 0, .dmax = 100, .step = 0.5},
    INTEGER("bathrooms_min", 0, 100),
    INTEGER("parking_spaces_min", 0, 100),
    END,
};

static const struct jsonv_field plot_fields[] = {
    TEXT_REQ("plot_type", 80),
    END,
};

/* The details table per type, indexed by enum conv_type. */
static const struct jsonv_field *const details_by_type[CONV__COUNT] = {
    valuation_fields,     callback_fields, download_fields, property_only_fields,
    property_only_fields, search_fields,   plot_fields,
};

/* Details of valuation and search_request also check the subtype against the type. */
static int check_details(json_t *details, const char *path, struct err *e)
{
	if (json_object_get(details, "property_subtype"))
		return check_subtype(details, path, e);
	return 0;
}

/* The details member of a conversion: chosen by its type, validated before it. */
static const struct jsonv_field *details_for(const json_t *conversion)
{
	enum conv_type t;
	if (conv_type_from_name(json_string_value(json_object_get(conversion, "type")), &t))
		return NULL;
	return details_by_type[t];
}

static const struct jsonv_field conversion_fields[] = {
    {.key = "type", .kind = JSONV_STRING, .flags = JSONV_REQUIRED, .one_of = type_names},
    TEXT("landing_page", 120),
    {.key = "occurred_at", .kind = JSONV_STRING, .max_chars = 40, .check = check_time},
    {.key = "details",
     .kind = JSONV_OBJECT,
     .flags = JSONV_REQUIRED,
     .fields_for = details_for,
     .check = check_details},
    END,
};

static const struct jsonv_field body_fields[] = {
    {.key = "lead", .kind = JSONV_OBJECT, .flags = JSONV_REQUIRED, .fields = conv_lead_fields},
    {.key = "conversion",
     .kind = JSONV_OBJECT,
     .flags = JSONV_REQUIRED,
     .fields = conversion_fields},
    END,
};

static const struct jsonv_field body = {.key = "", .kind = JSONV_OBJECT, .fields = body_fields};

/* ---- parse ----------------------------------------------------------------------------- */

static const char *opt_string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Absent or null details mean {} (every details member of some types is optional). */
static int default_details(json_t *doc)
{
	json_t *conv = json_object_get(doc, "conversion");
	if (!json_is_object(conv))
		return 0;
	json_t *d = json_object_get(conv, "details");
	if (d && !json_is_null(d))
		return 0;
	return json_object_set_new(conv, "details", json_object()) ? ERR_NOMEM : 0;
}

void conv_lead_fill(const json_t *lead, struct conv_lead *l)
{
	memset(l, 0, sizeof(*l));
	l->id = opt_string(lead, "id");
	l->email = opt_string(lead, "email");
	if (l->email && !email_norm(l->email, strlen(l->email), l->email_key, sizeof(l->email_key)))
		l->email_key[0] = '\0'; /* cannot happen after validation */
	l->salutation = opt_string(lead, "salutation");
	l->first_name = opt_string(lead, "first_name");
	l->last_name = opt_string(lead, "last_name");
	l->phone = opt_string(lead, "phone");
	if (l->phone)
		phone_normalize(l->phone, l->phone_e164, sizeof(l->phone_e164));
	l->street = opt_string(lead, "street");
	l->zip = opt_string(lead, "zip");
	l->city = opt_string(lead, "city");
	const char *country = opt_string(lead, "country");
	if (country && strlen(country) == 2)
		memcpy(l->country, country, 3); /* upper-case alpha-2 after check_country */
	l->gdpr_consent = json_is_true(json_object_get(lead, "gdpr_consent"));
	l->status = opt_string(lead, "status");
	if (!l->status)
		l->status = "new";
}

static void fill(struct conv_input *in, int64_t now_ms)
{
	const json_t *conv = json_object_get(in->doc, "conversion");
	conv_lead_fill(json_object_get(in->doc, "lead"), &in->lead);
	conv_type_from_name(opt_string(conv, "type"), &in->type);
	in->landing_page = opt_string(conv, "landing_page");
	const json_t *at = json_object_get(conv, "occurred_at");
	in->occurred_at_ms = now_ms;
	in->occurred_at_given = at != NULL;
	if (at)
		time_parse_rfc3339(json_string_value(at), json_string_length(at),
		                   &in->occurred_at_ms, NULL);
	in->details = json_object_get(conv, "details");
}

int conv_parse(const char *text, size_t len, int64_t now_ms, struct conv_input *out, struct err *e)
{
	*out = (struct conv_input)CONV_INPUT_INIT;
	if (len > CONV_BODY_MAX)
		return err_set(e, ERR_TOO_LARGE, NULL, "the body is larger than %d bytes",
		               CONV_BODY_MAX);
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return err_set(e, ERR_INVALID_JSON, NULL, "invalid JSON at line %d, column %d: %s",
		               jerr.line, jerr.column, jerr.text);
	int rc;
	if (!json_is_object(doc)) {
		rc = err_set(e, ERR_INVALID_JSON, NULL, "the body must be a JSON object");
		goto out_free_doc;
	}
	rc = default_details(doc);
	if (rc) {
		err_set(e, rc, NULL, NULL);
		goto out_free_doc;
	}
	rc = jsonv_validate(doc, &body, "", e);
	if (rc)
		goto out_free_doc;
	out->doc = doc;
	fill(out, now_ms);
	return 0;
out_free_doc:
	json_decref(doc);
	return rc;
}

void conv_input_release(struct conv_input *in)
{
	json_decref(in->doc);
	*in = (struct conv_input)CONV_INPUT_INIT;
}

/* ---- canonical form ------------------------------------------------------------------- */

static int set_string(json_t *obj, const char *key, const char *value)
{
	if (!value)
		return 0;
	json_t *s = json_string(value);
	return !s || json_object_set_new(obj, key, s) ? -1 : 0;
}

json_t *conv_to_json(const struct conv_input *in)
{
	const struct conv_lead *l = &in->lead;
	char when[TIME_RFC3339_MAX];
	if (!time_format_rfc3339(in->occurred_at_ms, when, sizeof(when)))
		return NULL;
	json_t *root = json_object(), *lead = json_object(), *conv = json_object();
	json_t *details = json_deep_copy(in->details);
	int bad = !root || !lead || !conv || !details;
	if (!bad) {
		bad |= set_string(lead, "id", l->id) | set_string(lead, "email", l->email) |
		       set_string(lead, "salutation", l->salutation) |
		       set_string(lead, "first_name", l->first_name) |
		       set_string(lead, "last_name", l->last_name) |
		       set_string(lead, "phone", l->phone) | set_string(lead, "street", l->street) |
		       set_string(lead, "zip", l->zip) | set_string(lead, "city", l->city) |
		       set_string(lead, "country", l->country[0] ? l->country : NULL) |
		       set_string(lead, "status", l->status);
		bad |= json_object_set_new(lead, "gdpr_consent", json_boolean(l->gdpr_consent));
		bad |= set_string(conv, "type", conv_type_name(in->type)) |
		       set_string(conv, "landing_page", in->landing_page) |
		       set_string(conv, "occurred_at", when);
		bad |= json_object_set(conv, "details", details);
		bad |=
		    json_object_set(root, "lead", lead) | json_object_set(root, "conversion", conv);
	}
	json_decref(details);
	json_decref(lead);
	json_decref(conv);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}
