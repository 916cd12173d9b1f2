#include "onoffice/address_write.h"

#include <stdio.h>
#include <string.h>

#include "onoffice/write.h"

static const char *const contact_keys[OO_CONTACT_TYPE_COUNT] = {
    [OO_PHONE] = "phone",
    [OO_PHONE_PRIVATE] = "phone_private",
    [OO_PHONE_BUSINESS] = "phone_business",
    [OO_MOBILE] = "mobile",
    [OO_FAX] = "fax",
    [OO_FAX_PRIVATE] = "fax_private",
    [OO_FAX_BUSINESS] = "fax_business",
    [OO_EMAIL] = "email",
    [OO_EMAIL_PRIVATE] = "email_private",
    [OO_EMAIL_BUSINESS] = "email_business",
};

/* Names a caller may not pass as plain fields: each has its own member. */
static const char *const reserved[] = {
    "phone",
    "phone_private",
    "phone_business",
    "mobile",
    "fax",
    "fax_private",
    "fax_business",
    "email",
    "email_private",
    "email_business",
    "default_phone",
    "default_fax",
    "default_email",
    "checkDuplicate",
    "noOverrideByDuplicate",
    "extendedclaim",
    "Email",
    "Telefon1",
    "Telefax1",
    "Land",
    NULL,
};

const char *oo_contact_type_key(enum oo_contact_type t)
{
	return (unsigned)t < OO_CONTACT_TYPE_COUNT ? contact_keys[t] : NULL;
}

int oo_contact_type_from_key(const char *key, enum oo_contact_type *out)
{
	for (int t = 0; key && t < OO_CONTACT_TYPE_COUNT; t++)
		if (strcmp(key, contact_keys[t]) == 0) {
			*out = (enum oo_contact_type)t;
			return 0;
		}
	return ERR_INVALID_ARG;
}

/* The group a type's default belongs to: 0 phone (and mobile), 1 fax, 2 e-mail. */
static int contact_group(enum oo_contact_type t)
{
	return t <= OO_MOBILE ? 0 : t <= OO_FAX_BUSINESS ? 1 : 2;
}

const char *oo_contact_default_key(enum oo_contact_type t)
{
	static const char *const keys[] = {"default_phone", "default_fax", "default_email"};
	return (unsigned)t < OO_CONTACT_TYPE_COUNT ? keys[contact_group(t)] : NULL;
}

static bool is_upper_code(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static int check_contacts(const struct oo_address_new *a, struct err *e)
{
	bool seen[OO_CONTACT_TYPE_COUNT] = {false};
	bool group_default[3] = {false};
	for (size_t i = 0; i < a->ncontacts; i++) {
		const struct oo_contact_value *cv = &a->contacts[i];
		char at[48];
		snprintf(at, sizeof(at), "contacts[%zu]", i);
		if (!oo_contact_type_key(cv->type))
			return err_set(e, ERR_INVALID_ARG, at, "unknown contact type");
		if (!cv->value || !*cv->value)
			return err_set(e, ERR_INVALID_ARG, at, "the value is empty");
		if (seen[cv->type])
			return err_set(e, ERR_INVALID_ARG, at,
			               "one %s per create; add more entries with modify",
			               contact_keys[cv->type]);
		seen[cv->type] = true;
		if (cv->is_default && group_default[contact_group(cv->type)])
			return err_set(e, ERR_INVALID_ARG, at, "a second %s",
			               oo_contact_default_key(cv->type));
		if (cv->is_default)
			group_default[contact_group(cv->type)] = true;
	}
	return 0;
}

static int check_new(const struct oo_address_new *a, struct err *e)
{
	int rc = a->fields ? oo_check_fields(a->fields, reserved, "fields", e) : 0;
	if (rc)
		return rc;
	if (a->land_iso3 && !is_upper_code(a->land_iso3, 3))
		return err_set(e, ERR_INVALID_ARG, "land_iso3",
		               "must be an ISO 3166-1 alpha-3 code (\"DEU\")");
	return check_contacts(a, e);
}

static int set_str(json_t *p, const char *key, const char *val)
{
	return json_object_set_new(p, key, json_string(val)) ? ERR_NOMEM : 0;
}

int oo_address_create_params(const struct oo_address_new *a, json_t **out, struct err *e)
{
	*out = NULL;
	int rc = check_new(a, e);
	if (rc)
		return rc;
	json_t *p = a->fields ? json_copy((json_t *)(uintptr_t)a->fields) : json_object();
	rc = p ? 0 : ERR_NOMEM;
	if (!rc && a->land_iso3)
		rc = set_str(p, "Land", a->land_iso3);
	for (size_t i = 0; !rc && i < a->ncontacts; i++) {
		const struct oo_contact_value *cv = &a->contacts[i];
		rc = set_str(p, contact_keys[cv->type], cv->value);
		if (!rc && cv->is_default)
			rc = set_str(p, oo_contact_default_key(cv->type), cv->value);
	}
	if (!rc && a->check_duplicate)
		rc = json_object_set_new(p, "checkDuplicate", json_true()) ? ERR_NOMEM : 0;
	if (!rc && a->no_override_by_duplicate)
		rc = json_object_set_new(p, "noOverrideByDuplicate", json_true()) ? ERR_NOMEM : 0;
	if (rc) {
		json_decref(p);
		return err_set(e, ERR_NOMEM, NULL, "cannot build the address create");
	}
	*out = p;
	return 0;
}

int oo_address_create_add(struct oo_batch *b, const struct oo_address_new *a, struct err *e)
{
	json_t *p;
	int rc = oo_address_create_params(a, &p, e);
	return rc ? rc : oo_batch_add(b, OO_CREATE, "address", NULL, p, e);
}

int oo_address_create(struct oo_client *c, const struct oo_address_new *a, int64_t *id,
                      struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*id = 0;
	int rc = oo_address_create_add(&b, a, e);
	if (!rc)
		rc = oo_write_call(c, &b, "address", id, e);
	oo_batch_release(&b);
	return rc;
}

static int check_change(const struct oo_contact_change *cc, size_t i, struct err *e)
{
	char at[48];
	snprintf(at, sizeof(at), "contacts[%zu]", i);
	bool has_old = cc->oldvalue && *cc->oldvalue, has_new = cc->newvalue && *cc->newvalue;
	if (!oo_contact_type_key(cc->type))
		return err_set(e, ERR_INVALID_ARG, at, "unknown contact type");
	switch (cc->op) {
	case OO_CONTACT_ADD:
		if (!has_new || cc->oldvalue)
			return err_set(e, ERR_INVALID_ARG, at,
			               "add takes a newvalue and no oldvalue");
		return 0;
	case OO_CONTACT_MODIFY:
		if (!has_new || !has_old)
			return err_set(e, ERR_INVALID_ARG, at,
			               "modify takes oldvalue and newvalue");
		return 0;
	case OO_CONTACT_DELETE:
		if (!has_old || cc->newvalue)
			return err_set(e, ERR_INVALID_ARG, at, "delete takes an oldvalue only");
		return 0;
	}
	return err_set(e, ERR_INVALID_ARG, at, "unknown action");
}

/* The number of modify actions ch needs, after checking it. */
static int check_modify(const struct oo_batch *b, const struct oo_address_change *ch,
                        size_t *nactions, struct err *e)
{
	size_t per_type[OO_CONTACT_TYPE_COUNT] = {0};
	size_t n = ch->fields || ch->land_name ? 1 : 0;
	if (ch->id <= 0)
		return err_set(e, ERR_INVALID_ARG, "id", "must be an address id");
	int rc = ch->fields ? oo_check_fields(ch->fields, reserved, "fields", e) : 0;
	if (rc)
		return rc;
	if (ch->land_name &&
	    (!*ch->land_name || is_upper_code(ch->land_name, 3) || is_upper_code(ch->land_name, 2)))
		return err_set(e, ERR_INVALID_ARG, "land_name",
		               "modify takes the German country name (\"Deutschland\")");
	for (size_t i = 0; i < ch->ncontacts; i++) {
		if ((rc = check_change(&ch->contacts[i], i, e)))
			return rc;
		size_t k = ++per_type[ch->contacts[i].type];
		if (k > n)
			n = k;
	}
	if (n == 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "nothing to change");
	if (n > OO_BATCH_MAX - b->n)
		return err_set(e, ERR_INVALID_ARG, "contacts",
		               "more changes than one request holds");
	*nactions = n;
	return 0;
}

static json_t *change_object(const struct oo_contact_change *cc)
{
	static const char *const ops[] = {"add", "modify", "delete"};
	json_t *o = json_pack("{s:s}", "action", ops[cc->op]);
	if (o && cc->oldvalue && set_str(o, "oldvalue", cc->oldvalue))
		goto out_fail;
	if (o && cc->newvalue && set_str(o, "newvalue", cc->newvalue))
		goto out_fail;
	if (o && cc->is_default != OO_UNSET &&
	    json_object_set_new(o, "default", json_boolean(cc->is_default == OO_TRUE)))
		goto out_fail;
	return o;
out_fail:
	json_decref(o);
	return NULL;
}

/* The parameters of modify action k: fields and country in action 0, and the
 * k-th change of every type key. */
static json_t *modify_params(const struct oo_address_change *ch, size_t k)
{
	size_t per_type[OO_CONTACT_TYPE_COUNT] = {0};
	json_t *p =
	    k == 0 && ch->fields ? json_copy((json_t *)(uintptr_t)ch->fields) : json_object();
	if (p && k == 0 && ch->land_name && set_str(p, "Land", ch->land_name))
		goto out_fail;
	for (size_t i = 0; p && i < ch->ncontacts; i++) {
		const struct oo_contact_change *cc = &ch->contacts[i];
		if (per_type[cc->type]++ != k)
			continue;
		if (json_object_set_new(p, contact_keys[cc->type], change_object(cc)))
			goto out_fail;
	}
	return p;
out_fail:
	json_decref(p);
	return NULL;
}

int oo_address_modify_add(struct oo_batch *b, const struct oo_address_change *ch, size_t *nactions,
                          struct err *e)
{
	size_t n = 0, first = b->n;
	if (nactions)
		*nactions = 0;
	int rc = check_modify(b, ch, &n, e);
	for (size_t k = 0; !rc && k < n; k++) {
		json_t *p = modify_params(ch, k), *rid = json_integer(ch->id);
		if (p && rid) {
			rc = oo_batch_add(b, OO_MODIFY, "address", rid, p, e);
			continue;
		}
		json_decref(p);
		json_decref(rid);
		rc = err_set(e, ERR_NOMEM, NULL, "cannot build the address modify");
	}
	if (rc) {
		oo_batch_truncate(b, first);
		return rc;
	}
	if (nactions)
		*nactions = n;
	return 0;
}

int oo_address_modify(struct oo_client *c, const struct oo_address_change *ch, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	int rc = oo_address_modify_add(&b, ch, NULL, e);
	if (!rc)
		rc = oo_write_call(c, &b, NULL, NULL, e);
	oo_batch_release(&b);
	return rc;
}
