/*
 * create/relation and get/idsfromrelation (onoffice-protocol §7): the
 * estate-address relations (owner, buyer, renter, tenant, interested,
 * contactPerson, contactPersonAll). The estate is the parent, the address
 * the child; 1:n either way, n:n refused (219). A relation that exists
 * already is kept once. get/idsfromrelation answers one record "relatedIds"
 * whose elements map each given id to its related ids, as the WordPress
 * plugin's fixtures show.
 */
#include <stdio.h>
#include <string.h>

#include "actions.h"

#define URN_REL  "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:"
#define IDS_MAX  500
#define MSG_FAIL "Could not create relation between address and estate"

static const char *const relation_types[] = {
    URN_REL "owner",      URN_REL "buyer",         URN_REL "renter",           URN_REL "tenant",
    URN_REL "interested", URN_REL "contactPerson", URN_REL "contactPersonAll",
};

static const char *relation_type(json_t *params)
{
	const char *t = json_string_value(json_object_get(params, "relationtype"));
	for (size_t i = 0; t && i < sizeof(relation_types) / sizeof(relation_types[0]); i++) {
		if (strcmp(relation_types[i], t) == 0)
			return relation_types[i];
	}
	return NULL;
}

/* An id list: an array of ids (or one id) into ids[0..*n). false when malformed. */
static bool id_list(json_t *v, int64_t *ids, size_t *n)
{
	size_t i;
	json_t *x;
	*n = 0;
	if (!json_is_array(v))
		return emu_json_id(v, &ids[(*n)++]);
	if (json_array_size(v) > IDS_MAX)
		return false;
	json_array_foreach(v, i, x)
	{
		if (!emu_json_id(x, &ids[(*n)++]))
			return false;
	}
	return true;
}

/* relationinfo (documented) or relationinfos: only appointment relations take one. */
static bool info_empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_object(v) && !json_object_size(v)) ||
	       (json_is_array(v) && !json_array_size(v));
}

struct relation_req {
	struct emu_action *a;
	struct emu_answer *ans;
	const char *type;
	int64_t parents[IDS_MAX], children[IDS_MAX];
	size_t nparents, nchildren;
};

static int check_ids(struct db_conn *c, struct relation_req *r, const char *table,
                     const int64_t *ids, size_t n, struct err *e)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = ? AND customer_id = ?",
	         table);
	for (size_t i = 0; i < n; i++) {
		int64_t found;
		int rc =
		    db_query_int(c, sql, (const int64_t[]){ids[i], r->a->cust->id}, 2, &found, e);
		if (rc)
			return rc;
		if (!found) {
			emu_fail(r->ans, OO_RELATION_FAILED, "%s (unknown %s %lld)", MSG_FAIL,
			         !strcmp(table, "estates") ? "estate" : "address",
			         (long long)ids[i]);
			return EMU_TX_REFUSED;
		}
	}
	return 0;
}

static int relation_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct relation_req *r = arg;
	int rc;
	if ((rc = check_ids(c, r, "estates", r->parents, r->nparents, e)) ||
	    (rc = check_ids(c, r, "addresses", r->children, r->nchildren, e)))
		return rc;
	for (size_t p = 0; p < r->nparents; p++) {
		for (size_t k = 0; k < r->nchildren; k++) {
			struct db_stmt *st;
			bool row;
			if ((rc = db_prepare(
			         c,
			         "INSERT INTO relations(customer_id, type, parent_id, "
			         "child_id, created_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
			         "DO NOTHING",
			         &st, e)))
				return rc;
			db_bind_int(st, 1, r->a->cust->id);
			db_bind_text(st, 2, r->type);
			db_bind_int(st, 3, r->parents[p]);
			db_bind_int(st, 4, r->children[k]);
			db_bind_int(st, 5, r->a->now_ms);
			if ((rc = db_step(st, &row, e)))
				return rc;
		}
	}
	return 0;
}

int emu_act_create_relation(struct emu_action *a, struct emu_answer *ans)
{
	static const char *const sides[2] = {"parentid", "childid"};
	struct relation_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.ans = ans;
	if (!(r.type = relation_type(a->params)))
		return emu_fail(ans, OO_UNKNOWN_RELATIONTYPE, "No or unknown relation given");
	for (int s = 0; s < 2; s++) {
		json_t *v = json_object_get(a->params, sides[s]);
		size_t *n = s ? &r.nchildren : &r.nparents;
		if (!v || !id_list(v, s ? r.children : r.parents, n) || *n == 0)
			return emu_fail(ans, OO_RELATION_FAILED, "%s (%s: an array of record ids)",
			                MSG_FAIL, sides[s]);
	}
	if (r.nparents > 1 && r.nchildren > 1)
		return emu_fail(ans, OO_NN_RELATION, "n:n relations are not allowed");
	if (!info_empty(json_object_get(a->params, "relationinfo")) ||
	    !info_empty(json_object_get(a->params, "relationinfos")))
		return emu_fail(ans, OO_RELATIONINFO,
		                "Could not create relation cause of invalid relationinfos");
	int rc = emu_write_tx(a, ans, relation_tx, &r);
	if (!rc && !(ans->records = json_array()))
		rc = emu_fail(ans, 1, "out of memory");
	return rc;
}

/* ---- get/idsfromrelation ---- */

struct related_req {
	struct emu_action *a;
	const char *type;
	bool by_parent;
	int64_t ids[IDS_MAX];
	size_t n;
	json_t *elements;
};

static int related_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct related_req *r = arg;
	json_object_clear(r->elements);
	char sql[200];
	snprintf(sql, sizeof(sql),
	         "SELECT %s FROM relations WHERE customer_id = ? AND type = ? AND %s = ? ORDER BY "
	         "id",
	         r->by_parent ? "child_id" : "parent_id", r->by_parent ? "parent_id" : "child_id");
	for (size_t i = 0; i < r->n; i++) {
		struct db_stmt *st;
		bool row;
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)r->ids[i]);
		if (json_object_get(r->elements, key))
			continue;
		int rc = db_prepare(c, sql, &st, e);
		if (rc)
			return rc;
		db_bind_int(st, 1, r->a->cust->id);
		db_bind_text(st, 2, r->type);
		db_bind_int(st, 3, r->ids[i]);
		json_t *list = json_array();
		while (!(rc = db_step(st, &row, e)) && row)
			json_array_append_new(list, json_integer((json_int_t)db_col_int(st, 0)));
		if (!rc && json_array_size(list))
			rc = json_object_set(r->elements, key, list) ? ERR_NOMEM : 0;
		json_decref(list);
		if (rc)
			return rc;
	}
	return 0;
}

int emu_act_idsfromrelation(struct emu_action *a, struct emu_answer *ans)
{
	struct related_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	json_t *parents = json_object_get(a->params, "parentids");
	json_t *children = json_object_get(a->params, "childids");
	bool hp = parents && !json_is_null(parents), hc = children && !json_is_null(children);
	if (!(r.type = relation_type(a->params)))
		return emu_fail(ans, OO_UNKNOWN_RELATIONTYPE, "No or unknown relation given");
	if (hp == hc)
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"%s\" (give parentids or childids)",
		                hp ? "childids" : "parentids");
	json_t *given = hp ? parents : children;
	r.by_parent = hp;
	if (!json_is_array(given))
		return emu_fail(ans, OO_NOT_ARRAY,
		                "Given element or parameter was expected to be an array: %s",
		                hp ? "parentids" : "childids");
	if (json_array_size(given) > IDS_MAX)
		return emu_fail(ans, OO_TOO_MANY_IDS, "This action support only up to 500 Ids");
	if (!id_list(given, r.ids, &r.n))
		return emu_fail(ans, OO_BAD_RECORD_IDS, "Missing or invalid record ids");
	if (!(r.elements = json_object()))
		return emu_fail(ans, 1, "out of memory");
	int rc = emu_read_tx(a, ans, related_tx, &r);
	if (rc) {
		json_decref(r.elements);
		return rc;
	}
	/* No relation at all: PHP encodes the empty map as []. */
	json_t *el = json_object_size(r.elements) ? r.elements : json_array();
	if (el != r.elements)
		json_decref(r.elements);
	ans->records = json_array();
	json_t *rec = emu_record(json_string("relatedIds"), "", el);
	if (!rec || json_array_append_new(ans->records, rec))
		return emu_fail(ans, 1, "out of memory");
	return 0;
}
