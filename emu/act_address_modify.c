/*
 * modify/address (onoffice-protocol §5.5): plain fields (Land by its German
 * name) and, per contact key, one entry action {action add|modify|delete,
 * oldvalue, newvalue, default}. Fields and entry actions are one write
 * transaction: any error leaves the address untouched (emu/README.md).
 */
#include <stdio.h>
#include <string.h>

#include "address_write.h"
#include "actions.h"
#include "core/time.h"
#include "text.h"

#define MAX_CONTACTS 10

enum op_action { OP_ADD, OP_MODIFY, OP_DELETE };

struct contact_op {
	const struct emu_contact_key *key;
	enum op_action action;
	const char *oldvalue, *newvalue;
	int dflt; /* -1 not given, 0 false, 1 true */
};

struct modify_req {
	struct emu_action *a;
	struct emu_answer *ans;
	struct emu_address_fields f;
	struct contact_op ops[MAX_CONTACTS];
	size_t nops;
	int64_t id;
	char now[TIME_ONOFFICE_MAX];
};

static int op_flag(json_t *v, int *out)
{
	if (!v || json_is_null(v))
		*out = -1;
	else if (json_is_boolean(v))
		*out = json_is_true(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		*out = (int)json_integer_value(v);
	else if (json_is_string(v) &&
	         (!strcmp(json_string_value(v), "1") || !strcmp(json_string_value(v), "true")))
		*out = 1;
	else if (json_is_string(v) &&
	         (!strcmp(json_string_value(v), "0") || !strcmp(json_string_value(v), "false")))
		*out = 0;
	else
		return -1;
	return 0;
}

/* One contact object {action, oldvalue, newvalue, default} under key k. */
static int parse_op(struct modify_req *r, const struct emu_contact_key *k, json_t *obj)
{
	struct emu_answer *ans = r->ans;
	struct contact_op *op = &r->ops[r->nops];
	if (!json_is_object(obj))
		return emu_fail(ans, OO_PHONE_INVALID_RECORD,
		                "Invalid address phone record (%s: expected {action, oldvalue, "
		                "newvalue, default})",
		                k->param);
	json_t *action = json_object_get(obj, "action");
	json_t *oldv = json_object_get(obj, "oldvalue");
	json_t *newv = json_object_get(obj, "newvalue");
	const char *act = json_string_value(action);
	if (!action || json_is_null(action))
		return emu_fail(ans, OO_PHONE_MISSING_TYPE,
		                "Missing type for address phone action");
	if (!act ||
	    (strcmp(act, "add") != 0 && strcmp(act, "modify") != 0 && strcmp(act, "delete") != 0))
		return emu_fail(ans, OO_PHONE_INVALID_TYPE,
		                "Invalid type for address phone action");
	if ((oldv && !json_is_null(oldv) && !json_is_string(oldv)) ||
	    (newv && !json_is_null(newv) && !json_is_string(newv)))
		return emu_fail(ans, OO_PHONE_INVALID_VALUE, "Invalid address phone value (%s)",
		                k->param);
	op->key = k;
	op->action = !strcmp(act, "add") ? OP_ADD : !strcmp(act, "modify") ? OP_MODIFY : OP_DELETE;
	op->oldvalue = json_string_value(oldv);
	op->newvalue = json_string_value(newv);
	if (op_flag(json_object_get(obj, "default"), &op->dflt) ||
	    (op->action == OP_DELETE && op->dflt == 1))
		return emu_fail(ans, OO_DEFAULT_MODIFY,
		                "An error occurred modifying the default entry: %s", k->param);
	if (op->action != OP_ADD && (!op->oldvalue || !*op->oldvalue))
		return emu_fail(ans, OO_PHONE_MISSING_IDENTIFIER,
		                "Missing address phone record identifier");
	if (op->action != OP_DELETE && (!op->newvalue || !*op->newvalue))
		return emu_fail(ans, OO_PHONE_MISSING_VALUE, "Missing address phone value");
	if (op->action != OP_DELETE && !emu_contact_value_ok(op->newvalue))
		return emu_fail(ans, OO_PHONE_INVALID_VALUE, "Invalid address phone value (%s)",
		                k->param);
	r->nops++;
	return 0;
}

static int parse_modify(struct modify_req *r)
{
	const char *rid = r->a->resourceid;
	json_t *cfg = emu_action_config(r->a);
	const char *name;
	json_t *v;
	int rc;
	if (!cfg)
		return emu_fail(r->ans, 1, "out of memory");
	if (!*rid)
		return emu_fail(r->ans, OO_MISSING_RECORD_ID, "Missing record id");
	if (!emu_resourceid(rid, &r->id))
		return emu_fail(r->ans, OO_RESOURCEID, "Missing or invalid attribute: resourceid");
	json_object_foreach(r->a->params, name, v)
	{
		if (!strcmp(name, "extendedclaim"))
			continue;
		const struct emu_contact_key *k = emu_contact_key_find(name);
		if (k) {
			if ((rc = parse_op(r, k, v)))
				return rc;
			continue;
		}
		rc = emu_address_field_param(cfg, name, v, EMU_LAND_MODIFY, &r->f, r->ans);
		if (rc > 0)
			return rc;
		if (rc < 0)
			return emu_fail(r->ans, OO_UNKNOWN_FIELD, "Unknown field: %.80s", name);
	}
	return emu_check_mandatory(r->a, "address", r->a->params, false, r->ans);
}

static int refuse(struct modify_req *r, int code, const char *msg)
{
	emu_fail(r->ans, code, "%s", msg);
	return EMU_TX_REFUSED;
}

static int apply_op(struct db_conn *c, struct modify_req *r, const struct contact_op *op,
                    struct err *e)
{
	const struct emu_contact_key *k = op->key;
	struct db_stmt *st;
	bool row, was_default = false;
	int64_t entry = 0;
	int count = 0, rc;
	char fold[512];
	if (op->action == OP_ADD) {
		struct emu_contact_in ce = {emu_contact_type_for(k, op->newvalue), k->kind,
		                            op->newvalue, false, NULL};
		if ((rc = emu_address_add_contact(c, r->id, &ce, &entry, e)))
			return rc;
		if (op->dflt == 1)
			return emu_contact_make_default(c, r->id, k->class_types, entry, e);
		return op->dflt == 0 ? 0 : emu_contact_ensure_default(c, r->id, k->class_types, e);
	}
	if ((rc = emu_contact_find(c, r->id, k->search_types, op->oldvalue, &entry, &was_default,
	                           &count, e)))
		return rc;
	if (count == 0)
		return refuse(r, OO_PHONE_UNKNOWN_RECORD, "Unknown address phone record");
	if (count > 1)
		return refuse(r, OO_PHONE_AMBIGUOUS, "Ambiguous address phone record identifier");
	if (op->action == OP_DELETE) {
		if ((rc = db_prepare(c, "DELETE FROM address_contacts WHERE id = ?", &st, e)))
			return rc;
		db_bind_int(st, 1, entry);
		if ((rc = db_step(st, &row, e)))
			return rc;
		return was_default ? emu_contact_ensure_default(c, r->id, k->class_types, e) : 0;
	}
	if ((rc = db_prepare(c,
	                     "UPDATE address_contacts SET value = ?, value_f = ?, type = ?, kind = "
	                     "CASE WHEN ? = '' THEN kind ELSE ? END WHERE id = ?",
	                     &st, e)))
		return rc;
	db_bind_text(st, 1, op->newvalue);
	db_bind_text(st, 2, emu_fold_into(op->newvalue, fold, sizeof(fold)) ? fold : op->newvalue);
	db_bind_text(st, 3, emu_contact_type_for(k, op->newvalue));
	db_bind_text(st, 4, k->kind);
	db_bind_text(st, 5, k->kind);
	db_bind_int(st, 6, entry);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (op->dflt == 1)
		return emu_contact_make_default(c, r->id, k->class_types, entry, e);
	if (op->dflt == 0 && was_default) {
		if ((rc = db_prepare(c, "UPDATE address_contacts SET is_default = 0 WHERE id = ?",
		                     &st, e)))
			return rc;
		db_bind_int(st, 1, entry);
		return db_step(st, &row, e);
	}
	return 0;
}

static int modify_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct modify_req *r = arg;
	int64_t found = 0;
	int rc = db_query_int(c, "SELECT id FROM addresses WHERE id = ? AND customer_id = ?",
	                      (const int64_t[]){r->id, r->a->cust->id}, 2, &found, e);
	if (rc == ERR_NOT_FOUND)
		return refuse(r, OO_UNKNOWN_RECORD, OO_UNKNOWN_RECORD_MSG);
	if (rc || (rc = emu_address_update(c, r->id, &r->f, r->now, e)))
		return rc;
	for (size_t i = 0; i < r->nops; i++) {
		if ((rc = apply_op(c, r, &r->ops[i], e)))
			return rc;
	}
	return emu_address_refresh_main(c, r->id, e);
}

int emu_act_modify_address(struct emu_action *a, struct emu_answer *ans)
{
	struct modify_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.ans = ans;
	emu_action_now_text(a, r.now, sizeof(r.now));
	int rc = parse_modify(&r);
	if (!rc)
		rc = emu_write_tx(a, ans, modify_tx, &r);
	if (!rc && !(ans->records = json_array()))
		rc = emu_fail(ans, 1, "out of memory");
	return rc;
}
