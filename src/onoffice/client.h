/*
 * client.h - an onOffice API client: credentials, transport, signing, retries.
 *
 *   struct oo_config cfg = {.url = url, .token = token, .secret = secret};
 *   struct oo_client *c;
 *   if (oo_client_new(&cfg, &c, &e)) …
 *   struct oo_batch b = OO_BATCH_INIT;
 *   oo_batch_add(&b, OO_READ, "address", NULL, params, &e);
 *   int rc = oo_call(c, &b, &e);      // 0 or an ERR_OO_* class
 *   … b.items[0].result.records …
 *   oo_batch_release(&b);
 *   oo_client_free(c);
 *
 * A client is used by ONE thread at a time (it owns one curl handle and the
 * field cache); give each worker its own. Every attempt is signed afresh with
 * the configured clock. Read-only batches are retried (not sent, retryable,
 * uncertain) with exponential backoff and jitter up to max_attempts; a batch
 * with a write is sent once (and posted with OO_POST_ONCE, so the transport
 * never re-sends it either, transport.h), and the caller decides from the
 * class (an uncertain write must be looked up before it is sent again, write.h
 * and marker.h). Auth, claim, clock and final errors are never retried.
 *
 * Each HTTP attempt logs one line `onoffice.request` (actions, attempt, HTTP
 * status, result class, onOffice errorcode, ms) and counts into the default
 * metrics registry: immosync_onoffice_requests_total{result="…"} and the
 * histogram immosync_onoffice_request_seconds. Bodies, the token, the secret,
 * HMACs and claims are never logged nor put into error messages.
 */
#ifndef IMMO_ONOFFICE_CLIENT_H
#define IMMO_ONOFFICE_CLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/request.h"
#include "onoffice/transport.h"

#define OO_URL_STABLE "https://api.onoffice.de/api/stable/api.php"

struct oo_config {
	const char *url;             /* NULL: OO_URL_STABLE */
	const char *token;           /* required */
	const char *secret;          /* required */
	const char *claim;           /* Marketplace apiClaim for extendedclaim, NULL: none */
	const char *ca_file;         /* curl transport: CA bundle instead of the system store */
	long connect_timeout_ms;     /* 0: 10 s */
	long timeout_ms;             /* 0: 60 s (the `fields` call may take seconds) */
	size_t max_response;         /* cap on one (decoded) answer; 0: 32 MiB */
	int max_attempts;            /* attempts of a read-only batch; 0: 3; 1 = no retries */
	long backoff_base_ms;        /* first retry delay before jitter; 0: 250 ms */
	long backoff_max_ms;         /* cap on a retry delay; 0: 5 s */
	int64_t (*now_s)(void *arg); /* Unix seconds for timestamps; NULL: wall clock */
	void *clock_arg;             /* passed to now_s */
	void (*sleep_ms)(void *arg, long ms); /* backoff sleep; NULL: nanosleep, abortable */
	void *sleep_arg;                      /* passed to sleep_ms */
	atomic_bool *abort_flag;        /* shutdown: stops transfers and retries; may be NULL */
	struct oo_transport *transport; /* NULL: libcurl; else taken over (freed by the client) */
	const struct oo_gate *gate;     /* limits around every HTTP attempt; NULL: none */
	long gate_wait_ms;              /* the longest wait at the gate; 0: unbounded */
};

/*
 * What a caller may put around every HTTP attempt (the sync layer's limits: a cap on
 * requests in flight, a per-customer rate, a backoff shared by every client of one
 * customer). enter may wait, up to max_wait_ms; it returns false when the attempt must not
 * go (shutting down, or it would wait longer), and the batch then fails as not sent. leave follows
 * every entered attempt with its HTTP status (0 when no answer came). The gate must outlive the
 * client.
 */
struct oo_gate {
	bool (*enter)(void *arg, long max_wait_ms); /* max_wait_ms 0: as long as it takes */
	void (*leave)(void *arg, long http_status);
	void *arg;
};

struct oo_client;

/*
 * Creates a client in *out (NULL on error). Strings are copied; the transport,
 * when given, is taken over also on failure (its free is called). ERR_INVALID_ARG
 * without token or secret, ERR_NOMEM, and the curl transport's errors.
 * Free with oo_client_free, which wipes token, secret and claim.
 */
int oo_client_new(const struct oo_config *cfg, struct oo_client **out, struct err *e);
void oo_client_free(struct oo_client *c);

/* Replaces the claim sent as extendedclaim (the latest apiClaim); NULL removes it. */
int oo_client_set_claim(struct oo_client *c, const char *claim);

/* The client's clock in Unix seconds (the configured now_s). */
int64_t oo_client_now(struct oo_client *c);

/*
 * Sends the batch (signed at send time), parses the answer and fills every
 * action's result (request.h), retrying read-only batches as described above.
 * Returns ERR_OK when every action succeeded, else the batch's outcome
 * (response.h: the most serious class, with onOffice's errorcode in
 * e->remote_code and the action and message in e->message). Per-action results
 * stay in b->items[i].result either way; borrowed JSON in them stays valid until
 * the batch is sent again or released. ERR_INVALID_ARG for an empty batch.
 */
int oo_call(struct oo_client *c, struct oo_batch *b, struct err *e);

/*
 * Per-client cache slot for other modules of this layer (fields.c): the value
 * and the function that frees it at oo_client_free. Setting a new value frees
 * the old one.
 */
void *oo_client_cache(struct oo_client *c);
void oo_client_set_cache(struct oo_client *c, void *cache, void (*free_fn)(void *));

#endif
