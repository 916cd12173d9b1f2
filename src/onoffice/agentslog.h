/*
 * agentslog.h - agents-log entries ("Agenten-Logbuch", onoffice-protocol §6):
 * create, read per address or estate, and one entry taken apart.
 *
 * Create takes flat parameters: `datetime` ("Y-m-d H:i:s", Europe/Berlin;
 * R-B3a), `actionkind` (required; the German key from `actionkindtypes`),
 * `actiontype`, `note`, `addressids` (an ARRAY; each address gets its own
 * entry), `estateid` (an integer), `origincontact` (a HerkunftKontakt key).
 * onOffice answers `{"id": 6065, "type": "agentsLog", "elements": []}`.
 * Unknown kinds or types are refused by onOffice (100/101), an entry without
 * addresses and estate too (98); these are final and not pre-checked here.
 *
 * Read: `read`/`agentslog` with `data` (Aktionsart, Aktionstyp, Datum,
 * Bemerkung, Adress_nr, Objekt_nr, …), `addressid` / `estateid` as arrays,
 * `filter`, `sortby`, `sortorder`, `listlimit` ≤ 500, `listoffset`. Records
 * come back as `{"id": 67075, "type": "agentslog", "elements": {…}}`.
 */
#ifndef IMMO_ONOFFICE_AGENTSLOG_H
#define IMMO_ONOFFICE_AGENTSLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/paging.h"
#include "onoffice/request.h"
#include "onoffice/values.h"

struct oo_agentslog_new {
	int64_t when_ms;        /* the event, UTC ms; sent as Berlin local time. 0: omitted (now) */
	const char *actionkind; /* required */
	const char *actiontype; /* NULL: omitted */
	const char *note;       /* NULL: omitted; may span lines */
	const int64_t *addressids;
	size_t naddressids;
	int64_t estateid;          /* 0: none */
	const char *origincontact; /* NULL: omitted */
};

/*
 * The create parameters, a new object in *out (caller decrefs).
 * ERR_INVALID_ARG for an empty actionkind, an address id ≤ 0, more than 500
 * of them, a negative estate id, a time outside the years 0000-9999 (e->field
 * names it). `addressids` is left out when there are none.
 */
int oo_agentslog_params(const struct oo_agentslog_new *x, json_t **out, struct err *e);
/* Appends the create action to b. */
int oo_agentslog_add(struct oo_batch *b, const struct oo_agentslog_new *x, struct err *e);
/* Creates the entry in one request; *id gets its id. Returns 0 or the class (write.h). */
int oo_agentslog_create(struct oo_client *c, const struct oo_agentslog_new *x, int64_t *id,
                        struct err *e);

/* The fields read when a query names none. */
extern const char *const oo_agentslog_default_fields[];

struct oo_agentslog_query {
	const int64_t *addressids; /* `addressid`; NULL: any */
	size_t naddressids;        /* at most 500 */
	const int64_t *estateids;  /* `estateid`; NULL: any */
	size_t nestateids;         /* at most 500 */
	const char *const *data;   /* NULL: oo_agentslog_default_fields */
	size_t ndata;
	json_t *filter;        /* borrowed; NULL: none (address.h oo_filter_add builds one) */
	const char *sortby;    /* a field name; NULL: onOffice's order (newest first) */
	const char *sortorder; /* "ASC", "DESC" or NULL */
	int listlimit;         /* 1-500; 0: omitted */
	int64_t listoffset;
};

/* The read parameters, a new object in *out. ERR_INVALID_ARG for limits out of
 * range, more than 500 ids, an id ≤ 0, an empty field name, a bad sortorder,
 * a filter that is not an object. */
int oo_agentslog_read_params(const struct oo_agentslog_query *q, json_t **out, struct err *e);

/* Reads one page; *records gets a NEW reference (an empty array when none),
 * *total (may be NULL) the cntabsolute (-1 when null). */
int oo_agentslog_read(struct oo_client *c, const struct oo_agentslog_query *q, json_t **records,
                      int64_t *total, struct err *e);

/* Reads every page (paging.h), handing each page's records to fn. */
int oo_agentslog_read_all(struct oo_client *c, const struct oo_agentslog_query *q, oo_page_fn fn,
                          void *arg, int64_t *total, struct err *e);

/* One entry taken apart; strings malloc'd, NULL when absent or null. */
struct oo_agentslog_entry {
	int64_t id;
	char *kind;               /* Aktionsart */
	char *type;               /* Aktionstyp */
	char *datetime;           /* Datum, "Y-m-d H:i:s" Berlin, as sent */
	char *note;               /* Bemerkung */
	struct oo_idv addressids; /* Adress_nr when read (array, number or "|1||2|") */
};

/* Fills *out from a record. ERR_INVALID_FIELD without a numeric id, ERR_NOMEM;
 * on error *out is released. */
int oo_agentslog_entry_from_record(const json_t *record, struct oo_agentslog_entry *out,
                                   struct err *e);
void oo_agentslog_entry_release(struct oo_agentslog_entry *x);

#endif
