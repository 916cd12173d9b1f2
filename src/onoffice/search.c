#include "onoffice/search.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "onoffice/paging.h"

int oo_search_params(const struct oo_search_query *q, json_t **out, struct err *e)
{
	*out = NULL;
	if (!q->input || !*q->input)
		return err_set(e, ERR_INVALID_ARG, "input", "must not be empty");
	if (q->listlimit < 0 || q->listlimit > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, "listlimit", "must be 0-%d", OO_PAGE_MAX);
	json_t *p =
	    json_pack("{s:s, s:b}", "input", q->input, "includecontactdata", q->includecontactdata);
	if (p && q->listlimit && json_object_set_new(p, "listlimit", json_integer(q->listlimit))) {
		json_decref(p);
		p = NULL;
	}
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "cannot build the search (invalid UTF-8?)");
	*out = p;
	return 0;
}

void oo_search_hits_release(struct oo_search_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct oo_search_hit *x = &h->v[i];
		free(x->customerno);
		free(x->firstname);
		free(x->surname);
		free(x->company);
		free(x->primary_email);
		oo_strv_release(&x->emails);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static int hit_from_record(const json_t *rec, struct oo_search_hit *x)
{
	json_t *el = oo_record_elements(rec);
	if (oo_value_text(json_object_get(el, "customerno"), &x->customerno) ||
	    oo_value_text(json_object_get(el, "firstname"), &x->firstname) ||
	    oo_value_text(json_object_get(el, "surname"), &x->surname) ||
	    oo_value_text(json_object_get(el, "company"), &x->company) ||
	    oo_value_text(json_object_get(el, "primaryEmail"), &x->primary_email) ||
	    oo_value_keys(json_object_get(el, "emailaddress"), &x->emails))
		return ERR_NOMEM;
	return 0;
}

int oo_search_hits_from_records(const json_t *records, struct oo_search_hits *out)
{
	*out = (struct oo_search_hits){0};
	size_t n = json_array_size(records);
	if (n == 0)
		return 0;
	if (!(out->v = calloc(n, sizeof(*out->v))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *rec = json_array_get(records, i);
		struct oo_search_hit *x = &out->v[out->n];
		if (oo_record_id(rec, &x->id))
			continue;
		out->n++;
		if (hit_from_record(rec, x)) {
			oo_search_hits_release(out);
			return ERR_NOMEM;
		}
	}
	return 0;
}

int oo_search(struct oo_client *c, const struct oo_search_query *q, struct oo_search_hits *out,
              struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	json_t *p;
	*out = (struct oo_search_hits){0};
	int rc = oo_search_params(q, &p, e);
	if (rc)
		return rc;
	json_t *rid = json_string(q->resource ? q->resource : "address");
	if ((rc = oo_batch_add(&b, OO_GET, "search", rid, p, e)) || (rc = oo_call(c, &b, e)))
		goto out_release;
	if (oo_search_hits_from_records(b.items[0].result.records, out))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out_release:
	oo_batch_release(&b);
	return rc;
}

/* s without leading and trailing blanks: *len gets the trimmed length. */
static const char *trim(const char *s, size_t *len)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

bool oo_email_equal(const char *a, const char *b)
{
	size_t na, nb;
	if (!a || !b)
		return false;
	a = trim(a, &na);
	b = trim(b, &nb);
	return na > 0 && na == nb && strncasecmp(a, b, na) == 0;
}

bool oo_search_hit_has_email(const struct oo_search_hit *h, const char *email)
{
	if (oo_email_equal(h->primary_email, email))
		return true;
	for (size_t i = 0; i < h->emails.n; i++)
		if (oo_email_equal(h->emails.v[i], email))
			return true;
	return false;
}
