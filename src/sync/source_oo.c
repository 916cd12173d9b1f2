/* The import's source on the onOffice API (src/onoffice). */
#include <stdlib.h>
#include <string.h>

#include "onoffice/actionkinds.h"
#include "onoffice/address.h"
#include "onoffice/client.h"
#include "onoffice/fields.h"
#include "store/link.h"
#include "sync/source.h"

struct oo_source {
	struct sync_source base;
	struct oo_client *c;
};

static int oo_read(struct sync_source *s, const struct sync_read *q, json_t **records,
                   int64_t *total, struct err *e)
{
	struct oo_source *o = (struct oo_source *)s;
	struct oo_address_query aq = {
	    .data = q->data,
	    .ndata = q->ndata,
	    .filter = q->filter,
	    .sortby = q->sortby,
	    .sortorder = q->sortorder,
	    .listlimit = q->limit,
	    .listoffset = q->offset,
	    .country_iso = "ISO-3166-2",
	};
	return oo_address_read(o->c, &aq, records, total, e);
}

/* The permitted values [{"key", "label"}] of an address select field, read with `fields`. */
static int select_values(struct oo_source *o, const char *field, json_t **out, struct err *e)
{
	static const char *const modules[] = {"address"};
	const char *const fields[] = {field};
	struct oo_fields_query q = {
	    .modules = modules, .nmodules = 1, .field_list = fields, .nfield_list = 1};
	struct oo_fields f = {0};
	*out = NULL;
	int rc = oo_fields_get(o->c, &q, &f, e);
	if (rc)
		goto out;
	const struct oo_field *fd = oo_fields_find(&f, "address", field);
	json_t *list = json_array();
	for (size_t i = 0; list && fd && i < fd->npermitted; i++) {
		json_t *kl = json_pack("{s:s,s:s}", "key", fd->permitted[i].key, "label",
		                       fd->permitted[i].label);
		if (!kl || json_array_append_new(list, kl)) {
			json_decref(list);
			list = NULL;
		}
	}
	if (!list)
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
	*out = list;
out:
	oo_fields_release(&f);
	return rc;
}

static int oo_contact_types(struct sync_source *s, json_t **out, struct err *e)
{
	return select_values((struct oo_source *)s, "ArtDaten", out, e);
}

static int oo_origins(struct sync_source *s, json_t **out, struct err *e)
{
	return select_values((struct oo_source *)s, "HerkunftKontakt", out, e);
}

static int oo_action_kinds(struct sync_source *s, json_t **out, struct err *e)
{
	struct oo_source *o = (struct oo_source *)s;
	struct oo_action_kinds k = {0};
	*out = NULL;
	int rc = oo_action_kinds_get(o->c, "DEU", &k, e);
	json_t *list = rc ? NULL : json_array();
	for (size_t i = 0; list && i < k.n; i++) {
		json_t *types = json_array();
		for (size_t t = 0; types && t < k.v[i].ntypes; t++)
			if (json_array_append_new(types,
			                          json_pack("{s:s,s:s}", "key", k.v[i].types[t].key,
			                                    "label", k.v[i].types[t].label))) {
				json_decref(types);
				types = NULL;
			}
		json_t *kind = types ? json_pack("{s:s,s:s,s:o}", "key", k.v[i].key, "label",
		                                 k.v[i].label, "types", types)
		                     : NULL;
		if (!kind || json_array_append_new(list, kind)) {
			json_decref(list);
			list = NULL;
		}
	}
	if (!rc && !list)
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
	oo_action_kinds_release(&k);
	*out = list;
	return rc;
}

static void oo_free(struct sync_source *s)
{
	struct oo_source *o = (struct oo_source *)s;
	if (!o)
		return;
	oo_client_free(o->c);
	free(o);
}

int sync_source_onoffice(const struct sync_source_config *cfg, const struct link_creds *creds,
                         struct sync_source **out, struct err *e)
{
	struct oo_source *o = calloc(1, sizeof(*o));
	*out = NULL;
	if (!o)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	struct oo_config oc = {
	    .url = cfg->url,
	    .token = creds->token,
	    .secret = creds->secret,
	    .claim = creds->claim,
	    .ca_file = cfg->ca_file,
	    .connect_timeout_ms = cfg->connect_timeout_ms,
	    .timeout_ms = cfg->timeout_ms,
	    .max_attempts = cfg->max_attempts,
	    .abort_flag = cfg->abort_flag,
	    .gate = cfg->gate,
	    .gate_wait_ms = cfg->gate_wait_ms,
	};
	int rc = oo_client_new(&oc, &o->c, e);
	if (rc) {
		free(o);
		return rc;
	}
	o->base.read = oo_read;
	o->base.contact_types = oo_contact_types;
	o->base.origins = oo_origins;
	o->base.action_kinds = oo_action_kinds;
	o->base.free = oo_free;
	*out = &o->base;
	return ERR_OK;
}
