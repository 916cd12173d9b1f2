/*
 * response.h - parsing onOffice answers and classifying errors (onoffice-protocol §3, §3.1).
 *
 * Both status levels are checked: the top-level `status` (code 400 = not
 * authenticated, 500 = server error, errorcode != 0 other than 97 = the whole
 * request failed) and each result's `status.errorcode`. Results are matched to
 * actions BY POSITION. The parser tolerates the onoffice-protocol §3 quirks: `data: []` on
 * errors, `elements: []` on creates, ids and counts as numbers or strings,
 * `cntabsolute: null`.
 *
 * Error classes (enum err_code, core/err.h):
 *   ERR_OO_NOT_SENT   nothing reached onOffice (connect/DNS/TLS failed)
 *   ERR_OO_UNCERTAIN  a WRITE may have been executed but no trustworthy answer
 *                     came back (timeout, dropped connection, HTTP 5xx,
 *                     unparsable answer, result count mismatch, top-level 500)
 *   ERR_OO_RETRYABLE  the same for a request that only reads
 *   ERR_OO_AUTH       credentials refused (13, 22, 28-49, 137, top-level 400)
 *   ERR_OO_CLAIM      extendedclaim missing/outdated/unmatched (193, 201, 248)
 *   ERR_OO_CLOCK      our timestamp is off (136)
 *   ERR_OO_FINAL      everything else onOffice refuses (unknown field, select
 *                     value, record, rights, …): sending it again will not help
 */
#ifndef IMMO_ONOFFICE_RESPONSE_H
#define IMMO_ONOFFICE_RESPONSE_H

#include <stddef.h>

#include "core/err.h"
#include "onoffice/request.h"

/* The class of an onOffice errorcode (result or top-level), by table; 0 → ERR_OK. */
int oo_errorcode_class(int errorcode);

/* The class of a request without a trustworthy answer: ERR_OO_UNCERTAIN when
 * the batch writes, ERR_OO_RETRYABLE when it only reads. */
int oo_unanswered_class(const struct oo_batch *b);

/* A metric label for a class: "ok", "not_sent", "uncertain", "retryable",
 * "final", "auth", "claim", "clock", or "error" for any other code. */
const char *oo_class_label(int code);

/*
 * Parses the answer body[0..len) to the batch b (which must hold the actions
 * that were sent), replacing any earlier response and results. Every action's
 * result is filled, also when the call fails as a whole. The batch keeps the
 * parsed document; results borrow from it. Returns oo_batch_outcome.
 * Never puts the body (or any part of it but onOffice's status message) into e.
 */
int oo_response_parse(struct oo_batch *b, const char *body, size_t len, struct err *e);

/*
 * Marks every action of b as failed with code (an ERR_OO_* class), remote_code
 * and message (may be NULL), dropping any earlier response. Returns code.
 */
int oo_batch_fail(struct oo_batch *b, int code, int remote_code, const char *message);

/*
 * The outcome of the whole batch: ERR_OK when every action succeeded, else the
 * most serious class among the failed actions (auth, claim, clock, uncertain,
 * not_sent, retryable, final, in this order), with that action's errorcode in
 * e->remote_code and "<action> <resourcetype> (action i of n): <message>" in
 * e->message.
 */
int oo_batch_outcome(const struct oo_batch *b, struct err *e);

#endif
