/*
 * create/address (onoffice-protocol §5.4): fields at the top level of
 * parameters, contact data through the fixed parameters, default_phone /
 * _email / _fax naming the main entry of each class (else the first entry
 * becomes it). With checkDuplicate, an address holding one of the given
 * e-mails (any entry) is found; without noOverrideByDuplicate the lowest such
 * id is updated instead of creating one. Everything is checked before the one
 * write transaction (emu/README.md lists the error codes and decisions).
 */
#include <stdio.h>
#include <string.h>

#include "address_write.h"
#include "actions.h"
#include "core/time.h"
#include "sqlq.h"
#include "text.h"

#define MAX_CONTACTS 10
#define KLASSES      3

static const char *const klasses[KLASSES] = {"phone", "email", "fax"};
static const char *const default_params[KLASSES] = {"default_phone", "default_email",
                                                    "default_fax"};
static const char *const contact_params[MAX_CONTACTS] = {
    "phone",          "phone_private", "phone_business", "mobile",      "email", "email_private",
    "email_business", "fax",           "fax_private",    "fax_business"};

static int klass_index(const char *klass)
{
	for (int k = 0; k < KLASSES; k++) {
		if (strcmp(klasses[k], klass) == 0)
			return k;
	}
	return 0;
}

struct create_req {
	struct emu_action *a;
	struct emu_answer *ans;
	struct emu_address_fields f;
	struct emu_contact_in contacts[MAX_CONTACTS];
	const struct emu_contact_key *keys[MAX_CONTACTS];
	size_t ncontacts;
	const char *dflt[KLASSES]; /* default_phone, default_email, default_fax */
	bool check_dup, no_override;
	char now[TIME_ONOFFICE_MAX];
	int64_t id;
};

static bool create_only_param(const char *name)
{
	return !strcmp(name, "extendedclaim") || !strcmp(name, "checkDuplicate") ||
	       !strcmp(name, "noOverrideByDuplicate") || !strcmp(name, "outlookSync") ||
	       emu_contact_key_find(name);
}

/* The contact parameters, in the fixed order of contact_params. */
static int parse_contacts(struct create_req *r)
{
	for (size_t i = 0; i < MAX_CONTACTS; i++) {
		json_t *v = json_object_get(r->a->params, contact_params[i]);
		if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
			continue;
		if (!json_is_string(v))
			return emu_fail(
			    r->ans, OO_EXPECTED_STRING,
			    "Given element or parameter was expected to be a string: %s",
			    contact_params[i]);
		if (!emu_contact_value_ok(json_string_value(v)))
			return emu_fail(r->ans, OO_PHONE_INVALID_VALUE,
			                "Invalid address phone value (%s)", contact_params[i]);
		const struct emu_contact_key *k = emu_contact_key_find(contact_params[i]);
		struct emu_contact_in *ce = &r->contacts[r->ncontacts];
		ce->type = emu_contact_type_for(k, json_string_value(v));
		ce->kind = k->kind;
		ce->value = json_string_value(v);
		ce->is_default = false;
		ce->comment = NULL;
		r->keys[r->ncontacts++] = k;
	}
	return 0;
}

/* default_*: the named value must be one of the class's entries; else the first is it. */
static int pick_defaults(struct create_req *r)
{
	for (int k = 0; k < KLASSES; k++) {
		json_t *v = json_object_get(r->a->params, default_params[k]);
		if (v && !json_is_null(v) && !json_is_string(v))
			return emu_fail(
			    r->ans, OO_EXPECTED_STRING,
			    "Given element or parameter was expected to be a string: %s",
			    default_params[k]);
		r->dflt[k] = json_string_length(v) ? json_string_value(v) : NULL;
		size_t pick = MAX_CONTACTS;
		for (size_t i = 0; i < r->ncontacts && pick == MAX_CONTACTS; i++) {
			if (strcmp(r->keys[i]->klass, klasses[k]) == 0 &&
			    (!r->dflt[k] || strcmp(r->contacts[i].value, r->dflt[k]) == 0))
				pick = i;
		}
		if (r->dflt[k] && pick == MAX_CONTACTS)
			return k == 0
			           ? emu_fail(r->ans, OO_DEFAULT_PHONE,
			                      "The default entry for phone must be passed also as "
			                      "normal, private, business or mobile entry!")
			           : emu_fail(r->ans, OO_DEFAULT_ENTRY,
			                      "The default entry for %s must be passed also as "
			                      "normal, private or business entry!",
			                      klasses[k]);
		if (pick < MAX_CONTACTS)
			r->contacts[pick].is_default = true;
	}
	return 0;
}

static int parse_create(struct create_req *r)
{
	json_t *cfg = emu_action_config(r->a);
	const char *name;
	json_t *v;
	int rc;
	if (!cfg)
		return emu_fail(r->ans, 1, "out of memory");
	json_object_foreach(r->a->params, name, v)
	{
		bool is_default = false;
		for (int k = 0; k < KLASSES; k++)
			is_default = is_default || strcmp(name, default_params[k]) == 0;
		if (is_default || create_only_param(name))
			continue;
		rc = emu_address_field_param(cfg, name, v, EMU_LAND_CREATE, &r->f, r->ans);
		if (rc > 0)
			return rc;
		if (rc < 0)
			return emu_fail(r->ans, OO_UNKNOWN_FIELD, "Unknown field: %.80s", name);
	}
	if ((rc = parse_contacts(r)) || (rc = pick_defaults(r)))
		return rc;
	r->check_dup = emu_param_bool(r->a->params, "checkDuplicate");
	r->no_override = emu_param_bool(r->a->params, "noOverrideByDuplicate");
	return emu_check_mandatory(r->a, "address", r->a->params, true, r->ans);
}

/* The lowest id of the customer's addresses holding one of the given e-mails (any entry,
 * compared case-insensitively), or 0. */
static int find_duplicate(struct db_conn *c, struct create_req *r, int64_t *dup, struct err *e)
{
	struct sqlq q = SQLQ_INIT;
	struct db_stmt *st = NULL;
	bool row;
	char fold[512];
	size_t n = 0;
	*dup = 0;
	sqlq_add(&q, "SELECT min(a.id) FROM address_contacts ct JOIN addresses a ON a.id = "
	             "ct.address_id WHERE a.customer_id = ? AND ct.type = 'email' AND ct.value_f "
	             "IN (");
	sqlq_int(&q, r->a->cust->id);
	for (size_t i = 0; i < r->ncontacts; i++) {
		if (strcmp(r->contacts[i].type, "email") != 0)
			continue;
		sqlq_add(&q, n++ ? ", ?" : "?");
		sqlq_text(&q, emu_fold_into(r->contacts[i].value, fold, sizeof(fold))
		                  ? fold
		                  : r->contacts[i].value);
	}
	sqlq_add(&q, ")");
	int rc = 0;
	if (n == 0)
		goto out;
	rc = sqlq_failed(&q) ? err_set(e, ERR_NOMEM, NULL, NULL)
	                     : db_prepare(c, sqlq_sql(&q), &st, e);
	if (!rc) {
		sqlq_bind(&q, st);
		if (!(rc = db_step(st, &row, e)) && row)
			*dup = db_col_int(st, 0);
	}
out:
	sqlq_release(&q);
	return rc;
}

/* checkDuplicate without noOverrideByDuplicate: the given fields overwrite the duplicate's,
 * entries it lacks are added, and default_* make their entries the defaults. */
static int overwrite(struct db_conn *c, struct create_req *r, struct err *e)
{
	int rc = emu_address_update(c, r->id, &r->f, r->now, e);
	char fold[512];
	for (size_t i = 0; !rc && i < r->ncontacts; i++) {
		const struct emu_contact_key *k = r->keys[i];
		struct emu_contact_in ce = r->contacts[i];
		int64_t entry = 0;
		struct db_stmt *st;
		bool row;
		char sql[256];
		snprintf(
		    sql, sizeof(sql),
		    "SELECT id FROM address_contacts WHERE address_id = ? AND type IN (%s) AND "
		    "value_f = ? ORDER BY id LIMIT 1",
		    k->class_types);
		if ((rc = db_prepare(c, sql, &st, e)))
			break;
		db_bind_int(st, 1, r->id);
		db_bind_text(st, 2, emu_fold_into(ce.value, fold, sizeof(fold)) ? fold : ce.value);
		if ((rc = db_step(st, &row, e)))
			break;
		if (row)
			entry = db_col_int(st, 0);
		ce.is_default = false;
		if (!entry && (rc = emu_address_add_contact(c, r->id, &ce, &entry, e)))
			break;
		if (r->dflt[klass_index(k->klass)] && r->contacts[i].is_default)
			rc = emu_contact_make_default(c, r->id, k->class_types, entry, e);
	}
	for (int k = 0; !rc && k < KLASSES; k++)
		rc = emu_contact_ensure_default(c, r->id, emu_contact_class_types(klasses[k]), e);
	return rc ? rc : emu_address_refresh_main(c, r->id, e);
}

static int create_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct create_req *r = arg;
	int64_t dup = 0;
	int rc;
	if (r->check_dup && (rc = find_duplicate(c, r, &dup, e)))
		return rc;
	if (dup && !r->no_override) {
		r->id = dup;
		return overwrite(c, r, e);
	}
	struct emu_address_in in;
	memset(&in, 0, sizeof(in));
	emu_address_fields_to_in(&r->f, &in);
	in.aenderung = r->now;
	in.contacts = r->contacts;
	in.ncontacts = r->ncontacts;
	return emu_address_insert(c, r->a->cust->id, &in, &r->id, e);
}

/* The answer of a create: records[0] = {"id": id, "type": type, "elements": []}. */
static int created(struct emu_answer *ans, int64_t id, const char *type)
{
	ans->records = json_array();
	json_t *rec = emu_record(json_integer((json_int_t)id), type, json_array());
	if (!rec || json_array_append_new(ans->records, rec))
		return emu_fail(ans, 1, "out of memory");
	return 0;
}

int emu_act_create_address(struct emu_action *a, struct emu_answer *ans)
{
	struct create_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.ans = ans;
	emu_action_now_text(a, r.now, sizeof(r.now));
	int rc = parse_create(&r);
	if (!rc)
		rc = emu_write_tx(a, ans, create_tx, &r);
	return rc ? rc : created(ans, r.id, "address");
}
