#include "onoffice/agentslog.h"

#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "onoffice/write.h"

const char *const oo_agentslog_default_fields[] = {"Aktionsart", "Aktionstyp", "Datum", "Bemerkung",
                                                   NULL};

static int set(json_t *obj, const char *key, json_t *val)
{
	return json_object_set_new(obj, key, val) ? ERR_NOMEM : 0;
}

static int id_array(json_t *p, const char *key, const int64_t *ids, size_t n)
{
	json_t *arr = json_array();
	int rc = set(p, key, arr);
	for (size_t i = 0; !rc && i < n; i++)
		rc = json_array_append_new(arr, json_integer(ids[i])) ? ERR_NOMEM : 0;
	return rc;
}

static int check_ids(const int64_t *ids, size_t n, const char *field, struct err *e)
{
	if (n > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, field, "at most %d ids", OO_PAGE_MAX);
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return err_set(e, ERR_INVALID_ARG, field, "ids must be positive");
	return 0;
}

static int check_new(const struct oo_agentslog_new *x, struct err *e)
{
	if (!x->actionkind || !*x->actionkind)
		return err_set(e, ERR_INVALID_ARG, "actionkind", "is required");
	if (x->estateid < 0)
		return err_set(e, ERR_INVALID_ARG, "estateid", "must not be negative");
	return check_ids(x->addressids, x->naddressids, "addressids", e);
}

int oo_agentslog_params(const struct oo_agentslog_new *x, json_t **out, struct err *e)
{
	char when[TIME_ONOFFICE_MAX];
	*out = NULL;
	int rc = check_new(x, e);
	if (rc)
		return rc;
	if (x->when_ms && !time_format_onoffice(x->when_ms, when, sizeof(when)))
		return err_set(e, ERR_INVALID_ARG, "datetime", "the time is out of range");
	json_t *p = json_pack("{s:s}", "actionkind", x->actionkind);
	rc = p ? 0 : ERR_NOMEM;
	if (!rc && x->naddressids)
		rc = id_array(p, "addressids", x->addressids, x->naddressids);
	if (!rc && x->when_ms)
		rc = set(p, "datetime", json_string(when));
	if (!rc && x->actiontype)
		rc = set(p, "actiontype", json_string(x->actiontype));
	if (!rc && x->note)
		rc = set(p, "note", json_string(x->note));
	if (!rc && x->estateid)
		rc = set(p, "estateid", json_integer(x->estateid));
	if (!rc && x->origincontact)
		rc = set(p, "origincontact", json_string(x->origincontact));
	if (rc) {
		json_decref(p);
		return err_set(e, ERR_NOMEM, NULL,
		               "cannot build the agents-log entry (invalid UTF-8?)");
	}
	*out = p;
	return 0;
}

int oo_agentslog_add(struct oo_batch *b, const struct oo_agentslog_new *x, struct err *e)
{
	json_t *p;
	int rc = oo_agentslog_params(x, &p, e);
	return rc ? rc : oo_batch_add(b, OO_CREATE, "agentslog", NULL, p, e);
}

int oo_agentslog_create(struct oo_client *c, const struct oo_agentslog_new *x, int64_t *id,
                        struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*id = 0;
	int rc = oo_agentslog_add(&b, x, e);
	if (!rc)
		rc = oo_write_call(c, &b, "agentslog", id, e);
	oo_batch_release(&b);
	return rc;
}

static int check_query(const struct oo_agentslog_query *q, struct err *e)
{
	if (q->listlimit < 0 || q->listlimit > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, "listlimit", "must be 0-%d", OO_PAGE_MAX);
	if (q->listoffset < 0)
		return err_set(e, ERR_INVALID_ARG, "listoffset", "must not be negative");
	if (q->sortorder && strcmp(q->sortorder, "ASC") != 0 && strcmp(q->sortorder, "DESC") != 0)
		return err_set(e, ERR_INVALID_ARG, "sortorder", "must be ASC or DESC");
	if (q->filter && !json_is_object(q->filter))
		return err_set(e, ERR_INVALID_ARG, "filter", "must be an object");
	for (size_t i = 0; q->data && i < q->ndata; i++)
		if (!q->data[i] || !*q->data[i])
			return err_set(e, ERR_INVALID_ARG, "data", "field names must not be empty");
	int rc = check_ids(q->addressids, q->naddressids, "addressid", e);
	return rc ? rc : check_ids(q->estateids, q->nestateids, "estateid", e);
}

static int add_data(json_t *p, const struct oo_agentslog_query *q)
{
	json_t *data = json_array();
	int rc = set(p, "data", data);
	const char *const *names = q->data ? q->data : oo_agentslog_default_fields;
	for (size_t i = 0; !rc && (q->data ? i < q->ndata : names[i] != NULL); i++)
		rc = json_array_append_new(data, json_string(names[i])) ? ERR_NOMEM : 0;
	return rc;
}

int oo_agentslog_read_params(const struct oo_agentslog_query *q, json_t **out, struct err *e)
{
	*out = NULL;
	int rc = check_query(q, e);
	if (rc)
		return rc;
	json_t *p = json_object();
	rc = p ? add_data(p, q) : ERR_NOMEM;
	if (!rc && q->addressids)
		rc = id_array(p, "addressid", q->addressids, q->naddressids);
	if (!rc && q->estateids)
		rc = id_array(p, "estateid", q->estateids, q->nestateids);
	if (!rc && q->filter)
		rc = set(p, "filter", json_incref(q->filter));
	if (!rc && q->sortby)
		rc = set(p, "sortby", json_string(q->sortby));
	if (!rc && q->sortorder)
		rc = set(p, "sortorder", json_string(q->sortorder));
	if (!rc && q->listlimit)
		rc = set(p, "listlimit", json_integer(q->listlimit));
	if (!rc && q->listoffset)
		rc = set(p, "listoffset", json_integer(q->listoffset));
	if (rc) {
		json_decref(p);
		return err_set(e, ERR_NOMEM, NULL, "cannot build the agents-log read");
	}
	*out = p;
	return 0;
}

int oo_agentslog_read(struct oo_client *c, const struct oo_agentslog_query *q, json_t **records,
                      int64_t *total, struct err *e)
{
	json_t *p;
	*records = NULL;
	int rc = oo_agentslog_read_params(q, &p, e);
	return rc ? rc : oo_read_page(c, "agentslog", p, records, total, e);
}

int oo_agentslog_read_all(struct oo_client *c, const struct oo_agentslog_query *q, oo_page_fn fn,
                          void *arg, int64_t *total, struct err *e)
{
	json_t *p;
	int rc = oo_agentslog_read_params(q, &p, e);
	if (rc)
		return rc;
	rc = oo_read_pages(c, "agentslog", p, fn, arg, total, e);
	json_decref(p);
	return rc;
}

void oo_agentslog_entry_release(struct oo_agentslog_entry *x)
{
	free(x->kind);
	free(x->type);
	free(x->datetime);
	free(x->note);
	oo_idv_release(&x->addressids);
	*x = (struct oo_agentslog_entry){0};
}

int oo_agentslog_entry_from_record(const json_t *record, struct oo_agentslog_entry *out,
                                   struct err *e)
{
	*out = (struct oo_agentslog_entry){0};
	if (oo_record_id(record, &out->id))
		return err_set(e, ERR_INVALID_FIELD, "id",
		               "the agents-log record has no numeric id");
	json_t *el = oo_record_elements(record);
	if (oo_value_text(json_object_get(el, "Aktionsart"), &out->kind) ||
	    oo_value_text(json_object_get(el, "Aktionstyp"), &out->type) ||
	    oo_value_text(json_object_get(el, "Datum"), &out->datetime) ||
	    oo_value_text(json_object_get(el, "Bemerkung"), &out->note) ||
	    oo_value_ids(json_object_get(el, "Adress_nr"), &out->addressids)) {
		oo_agentslog_entry_release(out);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return 0;
}
