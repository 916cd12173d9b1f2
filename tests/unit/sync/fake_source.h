/*
 * fake_source.h - an in-memory onOffice for the sync unit tests: addresses with the
 * fields the import reads, and read/address with the filters, sorts and paging the
 * import uses (Id >, Aenderung >=, DSGVOStatus =, ArtDaten in / = / not in; sort by Id
 * or Aenderung with the id as tie-break, as onoffice-emu does). It counts reads, can
 * fail a chosen read, and calls a hook after each read (to edit data between pages).
 */
#ifndef TEST_SYNC_FAKE_SOURCE_H
#define TEST_SYNC_FAKE_SOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/source.h"

struct fa {
	int64_t id;
	char first[32], last[32];
	char aend[20];
	char dsgvo[32];
	const char *types[3];
	int ntypes;
	int status;
	char email[64];
	char phone[32];
};

struct fake_oo {
	struct fa *v;
	size_t n, cap;
	int64_t next_id;
	int reads;      /* read calls so far */
	int fail_at;    /* the read (1-based) that fails; 0: none */
	int fail_every; /* every n-th read fails; 0: none */
	int fail_code;  /* ERR_OO_RETRYABLE, ERR_OO_AUTH, … */
	int type_reads;
	void (*after_read)(struct fake_oo *f, int read_no);
	void *arg;
};

static inline struct fa *fake_add(struct fake_oo *f, const char *aend, const char *dsgvo,
                                  const char *type1, const char *type2)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = realloc(f->v, f->cap * sizeof(*f->v));
	}
	struct fa *a = &f->v[f->n++];
	memset(a, 0, sizeof(*a));
	a->id = ++f->next_id;
	snprintf(a->first, sizeof(a->first), "Vor%lld", (long long)a->id);
	snprintf(a->last, sizeof(a->last), "Nach%lld", (long long)a->id);
	snprintf(a->aend, sizeof(a->aend), "%s", aend);
	snprintf(a->dsgvo, sizeof(a->dsgvo), "%s", dsgvo);
	if (type1)
		a->types[a->ntypes++] = type1;
	if (type2)
		a->types[a->ntypes++] = type2;
	a->status = 1;
	snprintf(a->email, sizeof(a->email), "a%lld@example.de", (long long)a->id);
	snprintf(a->phone, sizeof(a->phone), "0241 %lld", 100000 + (long long)a->id);
	return a;
}

static inline struct fa *fake_find(struct fake_oo *f, int64_t id)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].id == id)
			return &f->v[i];
	return NULL;
}

static inline bool fa_has_type(const struct fa *a, const char *t)
{
	for (int i = 0; i < a->ntypes; i++)
		if (strcmp(a->types[i], t) == 0)
			return true;
	return false;
}

static inline bool fa_cond(const struct fa *a, const char *field, const char *op, json_t *val)
{
	if (strcmp(field, "Id") == 0 && strcmp(op, ">") == 0)
		return a->id > json_integer_value(val);
	if (strcmp(field, "Aenderung") == 0 && strcmp(op, ">=") == 0)
		return strcmp(a->aend, json_string_value(val)) >= 0;
	if (strcmp(field, "DSGVOStatus") == 0 && strcmp(op, "=") == 0)
		return strcmp(a->dsgvo, json_string_value(val)) == 0;
	if (strcmp(field, "ArtDaten") == 0) {
		if (strcmp(op, "=") == 0 && !*json_string_value(val))
			return a->ntypes == 0;
		if (strcmp(op, "=") == 0)
			return fa_has_type(a, json_string_value(val));
		size_t i;
		json_t *x;
		bool any = false;
		json_array_foreach(val, i, x) any = any || fa_has_type(a, json_string_value(x));
		if (strcmp(op, "in") == 0)
			return any;
		if (strcmp(op, "not in") == 0)
			return !any;
	}
	fprintf(stderr, "fake: unsupported filter %s %s\n", field, op);
	abort();
}

static inline bool fa_match(const struct fa *a, json_t *filter)
{
	const char *field;
	json_t *list;
	json_object_foreach(filter, field, list)
	{
		size_t i;
		json_t *c;
		json_array_foreach(
		    list, i, c) if (!fa_cond(a, field, json_string_value(json_object_get(c, "op")),
		                             json_object_get(c, "val"))) return false;
	}
	return true;
}

static const char *fake_sort_by;
static int fake_sort_desc;

static inline int fa_cmp(const void *pa, const void *pb)
{
	const struct fa *a = *(const struct fa *const *)pa, *b = *(const struct fa *const *)pb;
	int c = 0;
	if (fake_sort_by && strcmp(fake_sort_by, "Aenderung") == 0)
		c = strcmp(a->aend, b->aend);
	if (!c)
		c = a->id < b->id ? -1 : a->id > b->id;
	return fake_sort_desc ? -c : c;
}

static inline json_t *fa_record(const struct fa *a, bool only_id)
{
	json_t *el = json_object();
	if (!only_id) {
		json_t *types = json_array();
		for (int i = 0; i < a->ntypes; i++)
			json_array_append_new(types, json_string(a->types[i]));
		char st[4], key[32];
		snprintf(st, sizeof(st), "%d", a->status);
		json_object_set_new(el, "Vorname", json_string(a->first));
		json_object_set_new(el, "Name", json_string(a->last));
		json_object_set_new(el, "Aenderung", json_string(a->aend));
		json_object_set_new(el, "DSGVOStatus", json_string(a->dsgvo));
		json_object_set_new(el, "ArtDaten", types);
		json_object_set_new(el, "Status", json_string(st));
		json_object_set_new(el, "Land", json_string("DE"));
		json_object_set_new(el, "Email", a->email[0] ? json_string(a->email) : json_null());
		snprintf(key, sizeof(key), "email__%lld", (long long)a->id * 10);
		if (a->email[0])
			json_object_set_new(el, key, json_string(a->email));
		snprintf(key, sizeof(key), "phone__%lld", (long long)a->id * 10 + 1);
		json_object_set_new(el, key, json_string(a->phone));
	}
	return json_pack("{s:I,s:s,s:o}", "id", (json_int_t)a->id, "type", "address", "elements",
	                 el);
}

struct fake_src {
	struct sync_source base;
	struct fake_oo *f;
};

static inline int fake_read(struct sync_source *s, const struct sync_read *q, json_t **records,
                            int64_t *total, struct err *e)
{
	struct fake_oo *f = ((struct fake_src *)s)->f;
	int no = ++f->reads;
	if ((f->fail_at && no == f->fail_at) || (f->fail_every && no % f->fail_every == 0))
		return err_set(e, f->fail_code ? f->fail_code : ERR_OO_RETRYABLE, NULL,
		               "fake failure at read %d", no);
	const struct fa **m = calloc(f->n + 1, sizeof(*m));
	size_t nm = 0;
	for (size_t i = 0; i < f->n; i++)
		if (!q->filter || fa_match(&f->v[i], q->filter))
			m[nm++] = &f->v[i];
	fake_sort_by = q->sortby;
	fake_sort_desc = q->sortorder && strcmp(q->sortorder, "DESC") == 0;
	qsort(m, nm, sizeof(*m), fa_cmp);
	json_t *out = json_array();
	for (size_t i = (size_t)q->offset; i < nm && (int)(i - (size_t)q->offset) < q->limit; i++)
		json_array_append_new(out, fa_record(m[i], q->ndata == 0));
	free(m);
	*records = out;
	if (total)
		*total = (int64_t)nm;
	if (f->after_read)
		f->after_read(f, no);
	return 0;
}

static inline int fake_types(struct sync_source *s, json_t **out, struct err *e)
{
	(void)e;
	((struct fake_src *)s)->f->type_reads++;
	*out = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "key", "Kunde", "label",
	                 "Kunde", "key", "Makler", "label", "Makler", "key", "Systembenutzer",
	                 "label", "Systembenutzer", "key", "indMulti1", "label", "Bauträger");
	return 0;
}

static inline void fake_src_free(struct sync_source *s)
{
	free(s);
}

/* The engine's source factory (struct sync_config.source_new); arg is the struct fake_oo. */
static inline int fake_source_new(void *arg, const struct sync_source_config *cfg,
                                  const struct link_creds *creds, struct sync_source **out,
                                  struct err *e)
{
	(void)cfg;
	(void)creds;
	(void)e;
	struct fake_src *s = calloc(1, sizeof(*s));
	s->base.read = fake_read;
	s->base.contact_types = fake_types;
	s->base.free = fake_src_free;
	s->f = arg;
	*out = &s->base;
	return 0;
}

#endif
