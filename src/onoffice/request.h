/*
 * request.h - a batch of onOffice actions and the signed request envelope (onoffice-protocol §2).
 *
 * A `struct oo_batch` holds the actions of one HTTP request and, after
 * oo_call (client.h) or oo_response_parse (response.h), each action's result.
 * The body is built at send time by oo_request_build, so that every attempt
 * carries a fresh timestamp and HMAC:
 *
 *   {"token":"…","request":{"actions":[
 *     {"actionid":"urn:…:action:read","resourceid":"","resourcetype":"address",
 *      "identifier":"","timestamp":1646228220,"hmac_version":2,"hmac":"…",
 *      "parameters":{"data":[…],"extendedclaim":"…","listlimit":500}}]}}
 *
 * The first level of `parameters` is written with its keys sorted (the docs
 * ask for it; harmless for HMAC v2); nested objects keep the caller's order.
 * When a claim is given it is put into the parameters of EVERY action as
 * `extendedclaim` (replacing one the caller may have set), except into an
 * action marked own_claim: `do`/`unlockProvider` carries the activation's
 * apiClaim, which is valid only for the unlock (onoffice-protocol §2.3, §10.1).
 *
 * The body holds the token, the HMACs and the claim: never log it.
 */
#ifndef IMMO_ONOFFICE_REQUEST_H
#define IMMO_ONOFFICE_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "onoffice/actions.h"

/* Most actions one request may carry (the docs give no limit: onoffice-protocol §11). */
#define OO_BATCH_MAX 100

/* What happened to one action of a batch. */
struct oo_result {
	int code;          /* ERR_OK or an ERR_OO_* class */
	int remote_code;   /* onOffice's errorcode for this action (result or top level), 0 none */
	char message[200]; /* onOffice's (or the transport's) message, "" when OK */
	/* Borrowed from the batch's response (valid until the batch is sent again or
	 * released); NULL when absent, e.g. `data: []` on errors. Do not decref. */
	json_t *data;
	json_t *records;     /* data.records, an array, or NULL (treat as empty) */
	int64_t cntabsolute; /* data.meta.cntabsolute, -1 when null or absent */
};

struct oo_batch_item {
	enum oo_action action;
	char resourcetype[64];
	char identifier[64]; /* "" by default; results are matched by position anyway */
	json_t *resourceid;  /* owned: a string ("" for lists) or an integer */
	json_t *parameters;  /* owned: an object */
	/* The parameters carry their own extendedclaim, which the client's claim
	 * must not replace (unlock.h). false after oo_batch_add. */
	bool own_claim;
	struct oo_result result;
};

struct oo_batch {
	struct oo_batch_item *items;
	size_t n, cap;
	json_t *response; /* owned: the last parsed answer, which results borrow from */
};

#define OO_BATCH_INIT            \
	{                        \
		NULL, 0, 0, NULL \
	}

void oo_batch_init(struct oo_batch *b);
/* Frees every action, result and the response; the batch is empty afterwards. */
void oo_batch_release(struct oo_batch *b);

/*
 * Appends an action. resourcetype is copied (1-63 bytes). resourceid and
 * parameters are STOLEN (jansson's `_new` convention), also on failure:
 * resourceid NULL means "", otherwise a string or an integer; parameters NULL
 * means {}, otherwise an object. ERR_INVALID_ARG for other shapes, an empty or
 * over-long resourcetype, or more than OO_BATCH_MAX actions; ERR_NOMEM.
 * The new action is b->items[b->n - 1].
 */
int oo_batch_add(struct oo_batch *b, enum oo_action action, const char *resourcetype,
                 json_t *resourceid, json_t *parameters, struct err *e);

/* Drops the actions from index n on (n ≤ b->n), e.g. to undo a partly appended
 * group of actions. Results and the response of the remaining actions stay. */
void oo_batch_truncate(struct oo_batch *b, size_t n);

/* True when any action of the batch writes (create, modify, delete, do). */
bool oo_batch_writes(const struct oo_batch *b);

/* Credentials for building a request; claim may be NULL (no extendedclaim). */
struct oo_credentials {
	const char *token;
	const char *secret;
	const char *claim;
};

/*
 * Appends the JSON body for the batch to out, every action signed with HMAC v2
 * over `timestamp` (Unix seconds). ERR_INVALID_ARG for an empty batch or
 * missing token/secret, ERR_TOO_LARGE past out's cap, ERR_NOMEM, ERR_CRYPTO.
 * On error out may hold a partial body; the caller wipes and discards it.
 */
int oo_request_build(const struct oo_batch *b, const struct oo_credentials *cred, int64_t timestamp,
                     struct buf *out, struct err *e);

#endif
