/*
 * estate.h - creating and reading estates (onoffice-protocol §7).
 *
 * Create: every field goes into `parameters.data` (an object): objektart,
 * objekttyp, nutzungsart, vermarktungsart, strasse, hausnummer, plz, ort,
 * `land` as ISO 3166-1 alpha-3 ("DEU"), `breitengrad`/`laengengrad` as
 * strings, `status` (1 active, 2 pending/inactive, 0 archived),
 * `objektnr_extern`, …. onOffice answers `{"id": 102, "type": "estate",
 * "elements": []}`.
 *
 * `objektnr_extern` is the marker an estate made by immosync carries, so that
 * after an uncertain create it can be found again (marker.h, R-X6).
 *
 * Read: `read`/`estate` takes the list parameters of `read`/`address`
 * (data, filter, sortby, sortorder, listlimit ≤ 500, listoffset, recordids),
 * so it uses struct oo_address_query (address.h).
 */
#ifndef IMMO_ONOFFICE_ESTATE_H
#define IMMO_ONOFFICE_ESTATE_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/address.h"
#include "onoffice/client.h"
#include "onoffice/request.h"

#define OO_ESTATE_MARKER_FIELD "objektnr_extern"

/*
 * The create parameters {"data": …} for the estate fields in data (borrowed),
 * a new object in *out. Numbers given for breitengrad/laengengrad become text
 * ("50.7762106"); the values must then pass oo_check_fields (write.h); `land`,
 * when present, must be three letters A-Z. ERR_INVALID_ARG (e->field =
 * "data.<field>"), ERR_NOMEM.
 */
int oo_estate_params(const json_t *data, json_t **out, struct err *e);
/* Appends the create action to b. */
int oo_estate_add(struct oo_batch *b, const json_t *data, struct err *e);
/* Creates the estate in one request; *id gets its id. Returns 0 or the class (write.h). */
int oo_estate_create(struct oo_client *c, const json_t *data, int64_t *id, struct err *e);

/* Reads one page of estates; *records gets a NEW reference (an empty array when
 * none), *total (may be NULL) the cntabsolute (-1 when null). */
int oo_estate_read(struct oo_client *c, const struct oo_address_query *q, json_t **records,
                   int64_t *total, struct err *e);

#endif
