/*
 * limits.h - how hard immosync may press onOffice (issue #11).
 *
 * onOffice publishes no rate limits (UNCERTAIN in the API notes), so immosync sets its
 * own, per process, around every HTTP attempt (an oo_gate, onoffice/client.h):
 *  - a cap on requests in flight to onOffice over all customers
 *    (`--onoffice-max-inflight`, default 64);
 *  - a per-customer rate: at most `--onoffice-customer-rate` requests per second to one
 *    customer (default 10; a token bucket holding one second's worth), whatever number
 *    of workers, export lanes or live calls serve it;
 *  - one backoff per customer, shared by every client of that customer: an answer 429
 *    or 5xx (or none at all) makes every later attempt to that customer wait 0.5 s,
 *    then 1, 2 … up to 30 s while it goes on; a good answer ends it. Retry-After is not
 *    read (onOffice is not known to send it); our own backoff is at least as patient.
 * docs/decisions.md "onOffice rate limits" says why these numbers. Waits end early when
 * the stop flag is set; the attempt then is not sent.
 */
#ifndef IMMO_SYNC_LIMITS_H
#define IMMO_SYNC_LIMITS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"

struct sync_limits;

struct sync_limits_config {
	unsigned max_inflight; /* 0: 64 */
	double customer_rate;  /* requests per second and customer; 0: 10 */
	atomic_bool *stop;     /* ends waits: the attempt is then not sent */
};

int sync_limits_new(const struct sync_limits_config *cfg, struct sync_limits **out, struct err *e);
void sync_limits_free(struct sync_limits *l);

/* A gate for the clients of one customer (its web id); its memory belongs to the limits
 * and lives as long as they do. NULL when out of memory (then no limits apply). */
const struct oo_gate *sync_limits_gate(struct sync_limits *l, const char *customer_web_id);

/* Requests to onOffice in flight now (for /metrics and sync/status). */
unsigned sync_limits_inflight(struct sync_limits *l);

#endif
