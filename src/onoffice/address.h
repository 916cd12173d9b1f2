/*
 * address.h - reading addresses (`read`/`address`, onoffice-protocol §5.2).
 *
 * A query becomes the parameters of a read action: `data` (field names, plus
 * the pseudo-fields phone/mobile/fax/email that return every entry),
 * `filter` ({field: [{op, val}, …]}, all ANDed), `sortby`/`sortorder`,
 * `listlimit` (≤ 500)/`listoffset`, `countryIsoCodeType`, `recordids`.
 *
 * Contact entries come back as `phone__<id>`, `mobile__<id>`, `fax__<id>`,
 * `email__<id>` keys with optional `…__Comment` keys next to them; an address
 * may hold several of each. oo_address_from_record collects them into arrays.
 */
#ifndef IMMO_ONOFFICE_ADDRESS_H
#define IMMO_ONOFFICE_ADDRESS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/paging.h"

struct oo_address_query {
	const char *const *data; /* field names to return; ndata entries */
	size_t ndata;
	json_t *filter;           /* borrowed; NULL: none. Build it with oo_filter_add */
	const char *sortby;       /* NULL: onOffice's order */
	const char *sortorder;    /* "ASC", "DESC" or NULL */
	int listlimit;            /* 1-500; 0: omitted (onOffice's default is 20) */
	int64_t listoffset;       /* ≥ 0 */
	const char *country_iso;  /* countryIsoCodeType "ISO-3166-2"/"ISO-3166-3"; NULL: names */
	const int64_t *recordids; /* NULL: all; at most 500 (error 302) */
	size_t nrecordids;
};

/*
 * Appends {"op": op, "val": val} to filter[field], creating *filter (an
 * object) when it is NULL. val is STOLEN (also on failure); it may be a string,
 * number or array (for in/between). ERR_INVALID_ARG for an empty field or op,
 * ERR_NOMEM. The caller owns *filter (json_decref).
 */
int oo_filter_add(json_t **filter, const char *field, const char *op, json_t *val);

/*
 * The read parameters for q as a new object in *out (caller decrefs).
 * ERR_INVALID_ARG (with the offending field in e->field) for listlimit outside
 * 0-500, a negative offset, a sortorder other than ASC/DESC, an empty field
 * name, more than 500 record ids, a filter that is not an object. ERR_NOMEM.
 */
int oo_address_params(const struct oo_address_query *q, json_t **out, struct err *e);

/*
 * Reads one page. *records gets a NEW reference to the records array (an
 * empty array when there are none; caller decrefs), *total (may be NULL) the
 * cntabsolute (-1 when null). Returns 0 or the call's class (client.h).
 */
int oo_address_read(struct oo_client *c, const struct oo_address_query *q, json_t **records,
                    int64_t *total, struct err *e);

/*
 * Reads every page of q (listlimit 500 unless q asks for fewer; paging.h),
 * handing each page's records to fn. *total as in oo_read_pages.
 */
int oo_address_read_all(struct oo_client *c, const struct oo_address_query *q, oo_page_fn fn,
                        void *arg, int64_t *total, struct err *e);

/* One contact entry: the phone book id after "__" and the value, both malloc'd. */
struct oo_contact_entry {
	char *entry_id;
	char *value;
};

struct oo_contact_list {
	struct oo_contact_entry *v;
	size_t n;
};

/* An address record taken apart. Release with oo_address_release. */
struct oo_address {
	int64_t id;
	struct oo_contact_list phones;  /* phone__<id>: every phone except mobiles */
	struct oo_contact_list mobiles; /* mobile__<id> */
	struct oo_contact_list faxes;   /* fax__<id> */
	struct oo_contact_list emails;  /* email__<id> */
	/* Every other element (its `__Comment` keys dropped), a new object owned by
	 * this struct: values as onOffice sent them (read them with values.h). */
	json_t *fields;
};

/*
 * Fills *out from one record of an address read: its numeric id (values.h
 * oo_record_id), the contact entries in key order as sent, and the other
 * elements. Keys ending in "__Comment" are ignored; entries with a null or
 * empty value are skipped; non-string values (numbers) are taken as text.
 * ERR_INVALID_FIELD when the record has no numeric id, ERR_NOMEM. On error
 * *out is released (all empty).
 */
int oo_address_from_record(const json_t *record, struct oo_address *out, struct err *e);
void oo_address_release(struct oo_address *a);

#endif
