/*
 * marker.h - finding what an uncertain write may have made (R-X6, ARCHITECTURE.md
 * "Outbox and export").
 *
 * onOffice has no idempotency keys, so every record immosync creates carries
 * a marker, and a write that came back ERR_OO_UNCERTAIN is looked up by it
 * before it is sent again:
 *
 *   address            by e-mail across all its entries (`read`/`address`
 *                      filtered on lower-case `email` "=", then compared
 *                      exactly here: onOffice's match is only a candidate)
 *   agents-log entry   by a marker text inside its note (Bemerkung), among
 *                      the entries of its address
 *   estate             by `objektnr_extern`, compared exactly
 *   search profile     by a reference inside its comment (krit_bemerkung),
 *                      among the profiles of its address
 *
 * Each lookup reads every page and hands back ALL matching ids, ascending, so
 * that a caller also sees duplicates made earlier. A marker is matched as a
 * substring: make markers that are not part of one another (e.g. end them
 * with a delimiter: "[immosync:conversion:12]"). Lookups are reads: retried
 * by the client as reads are, and they never write.
 */
#ifndef IMMO_ONOFFICE_MARKER_H
#define IMMO_ONOFFICE_MARKER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/values.h"

/* Addresses holding email (oo_email_equal: ASCII case and surrounding blanks
 * ignored) in any e-mail entry or in `Email`. *ids is released and refilled. */
int oo_find_addresses_by_email(struct oo_client *c, const char *email, struct oo_idv *ids,
                               struct err *e);

/* Agents-log entries of the address whose note contains marker. */
int oo_find_agentslog_by_marker(struct oo_client *c, int64_t address_id, const char *marker,
                                struct oo_idv *ids, struct err *e);

/* Estates whose objektnr_extern equals external_no exactly. */
int oo_find_estates_by_marker(struct oo_client *c, const char *external_no, struct oo_idv *ids,
                              struct err *e);

/* Search profiles of the address holding marker in krit_bemerkung, or in any
 * other text of the record (the read side does not document where the
 * internal comment comes back, onoffice-protocol §8.2). */
int oo_find_searchcriteria_by_marker(struct oo_client *c, int64_t address_id, const char *marker,
                                     struct oo_idv *ids, struct err *e);

/* True when some string in v (searched to a depth of 4 objects/arrays)
 * contains needle; exposed for tests. */
bool oo_json_has_text(const json_t *v, const char *needle);

#endif
