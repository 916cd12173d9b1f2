/* The read-ahead of a full import (fetch.h). */
#include "sync/fetch.h"

#include "onoffice/address.h"
#include "sync/map.h"
#include "sync/pass.h"

static void *fetch_run(void *arg)
{
	struct sync_fetch *f = arg;
	json_t *filter;
	f->records = NULL;
	f->cnt = -1;
	err_clear(&f->e);
	f->rc = pass_base_filter(f->p, f->b, true, &filter, &f->e);
	if (!f->rc && f->last && oo_filter_add(&filter, "Id", ">", json_integer(f->last))) {
		json_decref(filter);
		f->rc = err_set(&f->e, ERR_NOMEM, NULL, NULL);
	}
	if (!f->rc) {
		f->rc = pass_read_page(f->p, filter, sync_import_fields, sync_import_nfields, "Id",
		                       "ASC", PASS_PAGE, 0, &f->records, &f->cnt, &f->e);
		json_decref(filter);
	}
	return NULL;
}

void sync_fetch_start(struct sync_fetch *f, struct pass *p, size_t b, int64_t last)
{
	f->p = p;
	f->b = b;
	f->last = last;
	f->running = pthread_create(&f->th, NULL, fetch_run, f) == 0;
	if (!f->running) /* no thread: read in the caller's */
		fetch_run(f);
}

int sync_fetch_wait(struct sync_fetch *f, json_t **records, int64_t *cnt, struct err *e)
{
	if (f->running)
		pthread_join(f->th, NULL);
	f->running = false;
	*records = f->records;
	*cnt = f->cnt;
	f->records = NULL;
	if (f->rc && e)
		*e = f->e;
	return f->rc;
}

void sync_fetch_drop(struct sync_fetch *f)
{
	json_t *r;
	int64_t c;
	if (f->running || f->records) {
		sync_fetch_wait(f, &r, &c, NULL);
		json_decref(r);
	}
}
