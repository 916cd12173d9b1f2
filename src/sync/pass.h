/*
 * pass.h - what the steps of one import pass share: the pass itself (company, lease
 * name, deadline, source, scope, state, result) and the page helpers of full.c,
 * periodic.c and fetch.c. Internal to src/sync; import.c runs a pass.
 */
#ifndef IMMO_SYNC_PASS_H
#define IMMO_SYNC_PASS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/import.h"
#include "sync/map.h"
#include "sync/mark.h"
#include "sync/scope.h"
#include "sync/seen.h"
#include "sync/source.h"
#include "sync/sync.h"

#define PASS_PAGE      500  /* records per read (onOffice's maximum) */
#define PASS_MAX_PAGES 4000 /* per stream and pass: a bound, never reached by sane data */

extern const char *const pass_consent_fields[]; /* DSGVOStatus, Aenderung */
extern const char *const pass_mark_fields[];    /* Aenderung */

struct pass {
	struct sync_engine *eng;
	const char *owner; /* the lease's holder name: the worker's, or the engine's */
	int64_t company_id;
	int64_t deadline; /* monotonic ms; 0: none */
	struct sync_source *src;
	struct sync_scope scope;
	struct import_state st;
	struct sync_pass_result *r;
	size_t nb;         /* scope branches */
	bool initial;      /* a full import */
	int64_t claim_gen; /* of the credentials the source was opened with */
};

/* A page taken apart: contacts (with consent) and consents (periodic, all addresses). */
struct pass_page {
	struct sync_mapped *m;
	struct import_contact *k;
	size_t nk;
	struct import_consent *c;
	size_t nc;
	int64_t max_id;
	char max_mark[SYNC_MARK_MAX];
};

/* The program is stopping (the engine's abort flag). */
bool pass_stopping(const struct pass *p);
/* The slice's deadline has passed. */
bool pass_slice_over(const struct pass *p);
/* Branch b's type condition and (when consent) the consent condition, as a new filter. */
int pass_base_filter(const struct pass *p, size_t b, bool consent, json_t **filter, struct err *e);
/* One read/address through the pass's source; *records a new array. */
int pass_read_page(struct pass *p, json_t *filter, const char *const *data, size_t ndata,
                   const char *sortby, const char *order, int limit, int64_t offset,
                   json_t **records, int64_t *total, struct err *e);
/* Commits contacts, consents and progress in one transaction under the pass's lease;
 * notes a stopped sync in the result. */
int pass_commit(struct pass *p, const struct import_contact *k, size_t n,
                const struct import_consent *c, size_t nc, const struct import_progress *pr,
                struct err *e);
/* Maps records of branch b into pg (consents_only: the read without consent filter, which
 * yields consents only); seen may be NULL. Release pg with pass_page_release. */
int pass_page_map(struct pass *p, json_t *records, size_t b, bool consents_only,
                  struct sync_seen *seen, struct pass_page *pg, struct err *e);
void pass_page_release(struct pass_page *pg);

/* The full import (full.c) and the periodic import (periodic.c) of a pass. */
int pass_run_full(struct pass *p, struct err *e);
int pass_run_periodic(struct pass *p, struct err *e);

#endif
