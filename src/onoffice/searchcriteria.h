/*
 * searchcriteria.h - search profiles ("Suchprofile", onoffice-protocol §8.1, §8.2).
 *
 * Create: `create`/`searchcriteria` with `addressid` (the page's parameter
 * list spells it `adressid`; its example, WordPress and LAR use `addressid`,
 * and so do we) and `data`, an object of fields enabled for the customer
 * (searchCriteriaFields, scfields.h): range fields as `<field>__von` /
 * `<field>__bis`, the radius as `range_plz`, `range_ort`, `range_strasse`,
 * `range_hausnummer`, `range` (km), `range_land`, "all range values as a
 * string"; comments in `krit_bemerkung` (internal) and
 * `krit_bemerkung_oeffentlich`. onOffice answers
 * `{"id": 25, "type": "searchCriteria", "elements": []}`.
 *
 * `krit_bemerkung` carries the reference an immosync-made profile is found
 * by after an uncertain create (marker.h, R-X6).
 *
 * Read: `get`/`searchcriterias` with `mode` "internal" and `ids` = address
 * ids, paged by listlimit/listoffset. Records hold plain fields, selects as
 * arrays, ranges as `range_<field>: [von, bis]`, `Range` (radius) and `_meta`
 * (internaladdressid, publicnote, status, …).
 */
#ifndef IMMO_ONOFFICE_SEARCHCRITERIA_H
#define IMMO_ONOFFICE_SEARCHCRITERIA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/paging.h"
#include "onoffice/request.h"

#define OO_SC_MARKER_FIELD "krit_bemerkung"

/*
 * The create parameters {"addressid": id, "data": …}, a new object in *out.
 * Numbers given for `range…` keys and `…__von`/`…__bis` keys become text
 * ("250000", "2.5"); the values must then pass oo_check_fields (write.h).
 * ERR_INVALID_ARG for an address id ≤ 0 or refused data (e->field), ERR_NOMEM.
 */
int oo_searchcriteria_params(int64_t address_id, const json_t *data, json_t **out, struct err *e);
/* Appends the create action to b. */
int oo_searchcriteria_add(struct oo_batch *b, int64_t address_id, const json_t *data,
                          struct err *e);
/* Creates the profile in one request; *id gets its id. Returns 0 or the class (write.h). */
int oo_searchcriteria_create(struct oo_client *c, int64_t address_id, const json_t *data,
                             int64_t *id, struct err *e);

/* The read parameters {"mode": "internal", "ids": [...]}, a new object in *out.
 * ERR_INVALID_ARG for no ids, more than 500, or an id ≤ 0. */
int oo_searchcriterias_params(const int64_t *address_ids, size_t n, json_t **out, struct err *e);

/* Reads every profile of the addresses, page by page (500 each), handing each
 * page's records to fn (paging.h). Returns 0, the call's class or fn's code. */
int oo_searchcriterias_read_all(struct oo_client *c, const int64_t *address_ids, size_t n,
                                oo_page_fn fn, void *arg, struct err *e);

/* Every profile of one address, collected into *records (a new array; caller
 * decrefs). */
int oo_searchcriterias_of_address(struct oo_client *c, int64_t address_id, json_t **records,
                                  struct err *e);

#endif
