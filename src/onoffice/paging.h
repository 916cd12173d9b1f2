/*
 * paging.h - reading every page of a list read (onoffice-protocol §5.2, §11).
 *
 * onOffice returns at most 500 records per read. oo_read_pages asks for pages
 * of `listlimit` (500 unless the parameters ask for fewer) and advances
 * `listoffset` BY THE NUMBER OF RECORDS RECEIVED, so a short page (onOffice
 * may return fewer than asked) skips nothing. It stops when the offset reaches
 * `cntabsolute` or a page comes back empty (the only stop when cntabsolute is
 * null). Each page goes to a callback and is not kept, so memory stays flat
 * however many records there are.
 */
#ifndef IMMO_ONOFFICE_PAGING_H
#define IMMO_ONOFFICE_PAGING_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"

#define OO_PAGE_MAX 500

/*
 * Gets one page: records (an array, borrowed: valid only during the call),
 * the page's listoffset, and total = cntabsolute (-1 when onOffice sent null).
 * A non-zero return stops paging; oo_read_pages returns it.
 */
typedef int (*oo_page_fn)(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e);

/*
 * One page of a list read: sends read/<resourcetype> with parameters (a reference the
 * call takes over, also on failure) and gives the records (a new reference, [] when none)
 * and cntabsolute (-1 when null; total may be NULL). Returns 0 or the call's class.
 */
int oo_read_page(struct oo_client *c, const char *resourcetype, json_t *parameters,
                 json_t **records, int64_t *total, struct err *e);

/*
 * Reads all pages of `read` on resourcetype (resourceid "") with the given
 * parameters (borrowed and not modified; listlimit 1-500 is kept, anything else
 * becomes 500; a listoffset in them is the first offset). *total (may be NULL)
 * gets the last cntabsolute seen (-1 when unknown). Each page is one oo_call
 * (retried as reads are). Returns 0, the first failing call's class, or the
 * callback's code. ERR_INVALID_ARG when parameters is not an object.
 */
int oo_read_pages(struct oo_client *c, const char *resourcetype, const json_t *parameters,
                  oo_page_fn fn, void *arg, int64_t *total, struct err *e);

/* Like oo_read_pages with another reading action, e.g. OO_GET for
 * `searchcriterias` (onoffice-protocol §8.2), which pages with listlimit/listoffset as well. */
int oo_list_pages(struct oo_client *c, enum oo_action action, const char *resourcetype,
                  const json_t *parameters, oo_page_fn fn, void *arg, int64_t *total,
                  struct err *e);

#endif
