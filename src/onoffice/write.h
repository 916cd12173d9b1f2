/*
 * write.h - what every write call shares (onoffice-protocol §5.4-§8,
 * ARCHITECTURE.md "Outbox and export", R-X6).
 *
 * The typed writes (address_write.h, agentslog.h, estate.h, relation.h,
 * searchcriteria.h, unlock.h) come in three layers:
 *
 *   oo_<thing>_params(…)  the parameters of one action, checked; a new object
 *   oo_<thing>_add(b, …)  appends the action(s) to a batch, so that many
 *                         writes share one signed request
 *   oo_<thing>_create(c, …) one request holding just that write; returns the
 *                         new record's id where onOffice gives one
 *
 * The class a write returns (client.h, response.h) tells the caller what to do:
 *
 *   ERR_OK            done; the id is stored at once
 *   ERR_OO_NOT_SENT   nothing reached onOffice: send it again
 *   ERR_OO_UNCERTAIN  it may have run (timeout, dropped connection, HTTP 5xx,
 *                     an unparsable answer, or success without a record id):
 *                     look the record up by its marker (marker.h) and send it
 *                     again only when the lookup finds nothing (R-X6)
 *   ERR_OO_FINAL      onOffice refused it (unknown field or record, invalid
 *                     select value, 98-101 agents log, 173/219 relation,
 *                     177/178 unlock, …): park it with onOffice's message
 *   ERR_OO_AUTH/_CLAIM/_CLOCK  as for reads (pause, ask for a claim, alert)
 *
 * Neither the client nor the transport ever sends a write twice: oo_call
 * makes one attempt for a batch that writes, and the curl transport refuses
 * curl's own re-send on a dead keep-alive connection (transport.h,
 * OO_POST_ONCE).
 */
#ifndef IMMO_ONOFFICE_WRITE_H
#define IMMO_ONOFFICE_WRITE_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/request.h"

/*
 * The id of the record a create action made: records[0].id (its
 * `elements` is `[]`, onoffice-protocol §3), a number or a decimal string. When type is not NULL
 * and the record names a type, it must equal type ignoring case (onOffice
 * answers `agentsLog` and `searchCriteria` on create). A result that failed
 * returns its class. A successful result without a numeric id (or naming
 * another type) gives ERR_OO_UNCERTAIN: the record was probably made, but we
 * cannot say which it is, so the caller looks it up by its marker.
 */
int oo_created_id(const struct oo_batch_item *it, const char *type, int64_t *id, struct err *e);

/*
 * Sends b, which must hold at least one writing action (ERR_INVALID_ARG
 * otherwise, so that a read is never sent through a write path by mistake).
 * When id is not NULL, *id gets oo_created_id of action 0 with type (may be
 * NULL); *id is 0 on any error. Returns 0 or the class.
 */
int oo_write_call(struct oo_client *c, struct oo_batch *b, const char *type, int64_t *id,
                  struct err *e);

/*
 * Checks a caller's object of plain record fields before it becomes
 * parameters: every key non-empty and not in reserved (a NULL-terminated list
 * of parameter names that have their own typed member, e.g. "email"), every
 * value a string, an integer, true/false, null, or an array of strings and
 * integers (multiselect keys). Numbers with a fraction are refused (onoffice-protocol §2.2:
 * send them as text, "52.65434"), as are nested objects. ERR_INVALID_ARG with
 * e->field = "<path>.<key>" (path may be NULL), ERR_INVALID_ARG when fields is
 * not an object.
 */
int oo_check_fields(const json_t *fields, const char *const *reserved, const char *path,
                    struct err *e);

/*
 * Replaces the numbers among the values of the keys for which is_text_key
 * returns true with their decimal text (integers as "%lld", fractions with up
 * to 8 places and no trailing zeros), for fields onOffice wants as strings
 * (coordinates, search ranges). Other values stay. ERR_NOMEM.
 */
int oo_numbers_to_text(json_t *fields, int (*is_text_key)(const char *key));

/* Writes v (finite) as decimal text with at most 8 places and no trailing zeros
 * ("50.7762106", "25") into out[0..cap). Returns 0 or ERR_INVALID_ARG. */
int oo_decimal_text(double v, char *out, size_t cap);

#endif
