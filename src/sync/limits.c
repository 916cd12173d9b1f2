/* Limits around every onOffice request (limits.h). */
#include "sync/limits.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"

#define BUCKETS        1024
#define BACKOFF_BASE   500
#define BACKOFF_MAX_MS 30000
#define WAIT_STEP_MS   50 /* waits look at the stop flag this often */

/* One customer's bucket and backoff; lives until the limits are freed. */
struct customer {
	struct customer *next;
	struct oo_gate gate;
	struct sync_limits *l;
	double tokens;
	int64_t refilled_ms;      /* monotonic */
	int64_t backoff_until_ms; /* monotonic; 0: none */
	int backoff_level;
	char web_id[64];
};

struct sync_limits {
	struct sync_limits_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t slot; /* a request in flight ended */
	unsigned inflight;
	struct customer *buckets[BUCKETS];
	struct metric *m_backoffs, *m_waits;
};

static bool stopped(const struct sync_limits *l)
{
	return l->cfg.stop && atomic_load(l->cfg.stop);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % BUCKETS;
}

/* Sleeps up to ms with mu released, in steps that watch the stop flag. */
static void nap(struct sync_limits *l, int64_t ms)
{
	if (ms > WAIT_STEP_MS)
		ms = WAIT_STEP_MS;
	pthread_mutex_unlock(&l->mu);
	struct timespec ts = {0, (long)ms * 1000000L};
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&l->mu);
}

/* Waits, in this order, for the customer's backoff to end, a token of its rate and a free
 * slot among the requests in flight. false when stopped meanwhile. */
static bool gate_enter(void *arg, long max_wait_ms)
{
	struct customer *c = arg;
	struct sync_limits *l = c->l;
	bool waited = false;
	int64_t deadline = max_wait_ms > 0 ? time_mono_ms() + max_wait_ms : INT64_MAX;
	pthread_mutex_lock(&l->mu);
	for (;;) {
		int64_t now = time_mono_ms();
		/* A backoff that outlasts the caller's patience: give up at once (a live call
		 * answers 502 rather than holding a thread for 30 s). */
		if (stopped(l) || now >= deadline || c->backoff_until_ms > deadline) {
			pthread_mutex_unlock(&l->mu);
			if (waited || c->backoff_until_ms > deadline)
				metric_inc(l->m_waits);
			return false;
		}
		if (c->backoff_until_ms > now) {
			waited = true;
			nap(l, c->backoff_until_ms - now);
			continue;
		}
		double rate = l->cfg.customer_rate;
		c->tokens += (double)(now - c->refilled_ms) * rate / 1000.0;
		if (c->tokens > rate)
			c->tokens = rate < 1 ? 1 : rate;
		c->refilled_ms = now;
		if (c->tokens < 1) {
			waited = true;
			nap(l, (int64_t)((1 - c->tokens) * 1000.0 / rate) + 1);
			continue;
		}
		if (l->inflight >= l->cfg.max_inflight) {
			waited = true;
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += WAIT_STEP_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&l->slot, &l->mu, &ts);
			continue;
		}
		c->tokens -= 1;
		l->inflight++;
		break;
	}
	pthread_mutex_unlock(&l->mu);
	if (waited)
		metric_inc(l->m_waits);
	return true;
}

static void gate_leave(void *arg, long status)
{
	struct customer *c = arg;
	struct sync_limits *l = c->l;
	/* -1: entered but not sent (the request could not be built): no verdict on onOffice. */
	bool backoff = status == 0 || status == 429 || status >= 500;
	int64_t ms = 0;
	pthread_mutex_lock(&l->mu);
	l->inflight--;
	pthread_cond_signal(&l->slot);
	int64_t now = time_mono_ms();
	if (backoff && c->backoff_until_ms <= now) {
		/* One step per episode: the answers of requests that were in flight together
		 * when onOffice began to refuse count once, not once each. */
		if (c->backoff_level < 16)
			c->backoff_level++;
		ms = (int64_t)BACKOFF_BASE << (c->backoff_level - 1);
		if (ms > BACKOFF_MAX_MS)
			ms = BACKOFF_MAX_MS;
		c->backoff_until_ms = now + ms;
	} else if (backoff) {
		backoff = false; /* within the episode already counted */
	} else if (status > 0) {
		c->backoff_level = 0;
	}
	pthread_mutex_unlock(&l->mu);
	if (backoff) {
		metric_inc(l->m_backoffs);
		LOG(LOG_INFO, "onoffice.backoff", LS("customer", c->web_id),
		    LI("http_status", status), LI("ms", ms));
	}
}

int sync_limits_new(const struct sync_limits_config *cfg, struct sync_limits **out, struct err *e)
{
	struct sync_limits *l = calloc(1, sizeof(*l));
	*out = NULL;
	if (!l)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	l->cfg = *cfg;
	if (!l->cfg.max_inflight)
		l->cfg.max_inflight = 64;
	if (l->cfg.customer_rate <= 0)
		l->cfg.customer_rate = 10;
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* a wall-clock step stalls nothing */
	pthread_cond_init(&l->slot, &ca);
	pthread_condattr_destroy(&ca);
	struct metrics *m = metrics_default();
	l->m_backoffs = metrics_counter(m, "immosync_onoffice_backoffs_total",
	                                "Times onOffice answered 429, 5xx or not at all and the "
	                                "customer's requests were held back",
	                                NULL);
	l->m_waits = metrics_counter(m, "immosync_onoffice_throttled_total",
	                             "Requests that waited for a customer's rate, its backoff or a "
	                             "free slot before going to onOffice",
	                             NULL);
	*out = l;
	return ERR_OK;
}

void sync_limits_free(struct sync_limits *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < BUCKETS; i++) {
		struct customer *c = l->buckets[i];
		while (c) {
			struct customer *next = c->next;
			free(c);
			c = next;
		}
	}
	pthread_cond_destroy(&l->slot);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

const struct oo_gate *sync_limits_gate(struct sync_limits *l, const char *customer_web_id)
{
	if (!l)
		return NULL;
	const char *id = customer_web_id ? customer_web_id : "";
	unsigned h = hash(id);
	pthread_mutex_lock(&l->mu);
	struct customer *c = l->buckets[h];
	while (c && strcmp(c->web_id, id) != 0)
		c = c->next;
	if (!c && (c = calloc(1, sizeof(*c)))) {
		c->l = l;
		c->tokens = l->cfg.customer_rate < 1 ? 1 : l->cfg.customer_rate;
		c->refilled_ms = time_mono_ms();
		snprintf(c->web_id, sizeof(c->web_id), "%s", id);
		c->gate = (struct oo_gate){gate_enter, gate_leave, c};
		c->next = l->buckets[h];
		l->buckets[h] = c;
	}
	pthread_mutex_unlock(&l->mu);
	return c ? &c->gate : NULL;
}

unsigned sync_limits_inflight(struct sync_limits *l)
{
	if (!l)
		return 0;
	pthread_mutex_lock(&l->mu);
	unsigned n = l->inflight;
	pthread_mutex_unlock(&l->mu);
	return n;
}
