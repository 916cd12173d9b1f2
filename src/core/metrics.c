#include "core/metrics.h"
#include "core/err.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define HIST_MAX 16

struct metric {
	struct metric *next;
	enum metric_kind kind;
	char *name;
	char *help;
	char *labels;
	_Atomic uint64_t
	    bits; /* the value as the bits of a double (counter, gauge, histogram sum) */
	double (*fn)(void *arg);
	void *arg;
	size_t nbounds;
	double bounds[HIST_MAX];
	_Atomic uint64_t buckets[HIST_MAX + 1];
};

struct metrics {
	pthread_mutex_t lock;
	struct metric *head;
	struct metric *tail;
};

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct metrics *default_registry;

static uint64_t dbl_bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u;
}

static double bits_dbl(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));
	if (m)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void make_default(void)
{
	default_registry = metrics_new();
}

struct metrics *metrics_default(void)
{
	pthread_once(&default_once, make_default);
	return default_registry;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	struct metric *x = m->head;
	while (x) {
		struct metric *next = x->next;
		free(x->name);
		free(x->help);
		free(x->labels);
		free(x);
		x = next;
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics_shutdown(void)
{
	metrics_free(default_registry);
	default_registry = NULL;
}

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct metric *add(struct metrics *m, enum metric_kind kind, const char *name,
                          const char *help, const char *labels, const double *bounds, size_t nb)
{
	if (!m || nb > HIST_MAX)
		return NULL;
	pthread_mutex_lock(&m->lock);
	struct metric *x;
	for (x = m->head; x; x = x->next) {
		if (strcmp(x->name, name) != 0)
			continue;
		if (x->kind != kind) {
			x = NULL; /* same name, other kind: refuse */
			goto out_unlock;
		}
		if (same(x->labels, labels))
			goto out_unlock;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		goto out_unlock;
	x->kind = kind;
	x->name = strdup(name);
	x->help = strdup(help ? help : "");
	x->labels = strdup(labels ? labels : "");
	if (!x->name || !x->help || !x->labels) {
		free(x->name);
		free(x->help);
		free(x->labels);
		free(x);
		x = NULL;
		goto out_unlock;
	}
	x->nbounds = nb;
	if (nb)
		memcpy(x->bounds, bounds, nb * sizeof(double));
	atomic_store(&x->bits, dbl_bits(0));
	/* Keep metrics of one name together (the format wants one HELP/TYPE block). */
	struct metric *after = NULL;
	for (struct metric *y = m->head; y; y = y->next)
		if (strcmp(y->name, name) == 0)
			after = y;
	if (after) {
		x->next = after->next;
		after->next = x;
		if (m->tail == after)
			m->tail = x;
	} else if (m->tail) {
		m->tail->next = x;
		m->tail = x;
	} else {
		m->head = m->tail = x;
	}
out_unlock:
	pthread_mutex_unlock(&m->lock);
	return x;
}

struct metric *metrics_counter(struct metrics *m, const char *name, const char *help,
                               const char *labels)
{
	return add(m, METRIC_COUNTER, name, help, labels, NULL, 0);
}

struct metric *metrics_gauge(struct metrics *m, const char *name, const char *help,
                             const char *labels)
{
	return add(m, METRIC_GAUGE, name, help, labels, NULL, 0);
}

struct metric *metrics_histogram(struct metrics *m, const char *name, const char *help,
                                 const char *labels, const double *bounds, size_t nbounds)
{
	return add(m, METRIC_HISTOGRAM, name, help, labels, bounds, nbounds);
}

struct metric *metrics_gauge_fn(struct metrics *m, const char *name, const char *help,
                                const char *labels, double (*fn)(void *arg), void *arg)
{
	struct metric *x = add(m, METRIC_GAUGE, name, help, labels, NULL, 0);
	if (x) {
		x->fn = fn;
		x->arg = arg;
	}
	return x;
}

void metric_add(struct metric *c, double v)
{
	if (!c)
		return;
	uint64_t old = atomic_load(&c->bits);
	while (!atomic_compare_exchange_weak(&c->bits, &old, dbl_bits(bits_dbl(old) + v)))
		;
}

void metric_inc(struct metric *c)
{
	metric_add(c, 1);
}

void metric_set(struct metric *g, double v)
{
	if (g)
		atomic_store(&g->bits, dbl_bits(v));
}

void metric_observe(struct metric *h, double v)
{
	if (!h || h->kind != METRIC_HISTOGRAM)
		return;
	size_t i = 0;
	while (i < h->nbounds && v > h->bounds[i])
		i++;
	atomic_fetch_add(&h->buckets[i], 1);
	metric_add(h, v);
}

double metric_value(struct metric *c)
{
	if (!c)
		return 0;
	return bits_dbl(atomic_load(&c->bits)); /* fn gauges: the value of the last render */
}

/* Writes a sample line: name{labels[,extra]} value */
static int sample(struct buf *out, const char *name, const char *suffix, const char *labels,
                  const char *extra, double v)
{
	int rc = buf_addf(out, "%s%s", name, suffix);
	bool any = (labels && *labels) || (extra && *extra);
	if (!rc && any)
		rc = buf_addf(out, "{%s%s%s}", labels ? labels : "",
		              labels && *labels && extra && *extra ? "," : "", extra ? extra : "");
	if (rc)
		return rc;
	if (isinf(v))
		return buf_adds(out, v > 0 ? " +Inf\n" : " -Inf\n");
	if (isnan(v))
		return buf_adds(out, " NaN\n");
	if (v == floor(v) && fabs(v) < 1e15)
		return buf_addf(out, " %.0f\n", v);
	return buf_addf(out, " %.6g\n", v);
}

static int render_one(struct metric *x, struct buf *out)
{
	if (x->kind != METRIC_HISTOGRAM)
		return sample(out, x->name, "", x->labels, NULL, metric_value(x));
	uint64_t cum = 0;
	int rc = 0;
	for (size_t i = 0; i <= x->nbounds && !rc; i++) {
		char le[48];
		cum += atomic_load(&x->buckets[i]);
		if (i < x->nbounds)
			snprintf(le, sizeof(le), "le=\"%g\"", x->bounds[i]);
		else
			snprintf(le, sizeof(le), "le=\"+Inf\"");
		rc = sample(out, x->name, "_bucket", x->labels, le, (double)cum);
	}
	if (!rc)
		rc = sample(out, x->name, "_sum", x->labels, NULL, metric_value(x));
	if (!rc)
		rc = sample(out, x->name, "_count", x->labels, NULL, (double)cum);
	return rc;
}

/* Callback gauges (whose fn may do I/O, e.g. a database count) are evaluated before the
 * registry lock is taken, so a slow scrape never blocks the threads that count. */
#define RENDER_FN_MAX 64

int metrics_render(struct metrics *m, struct buf *out)
{
	static const char *const kinds[] = {"counter", "gauge", "histogram"};
	struct metric *fns[RENDER_FN_MAX];
	size_t nfn = 0;
	pthread_mutex_lock(&m->lock);
	for (struct metric *x = m->head; x && nfn < RENDER_FN_MAX; x = x->next)
		if (x->fn)
			fns[nfn++] = x; /* metrics are never freed while the registry lives */
	pthread_mutex_unlock(&m->lock);
	for (size_t i = 0; i < nfn; i++)
		atomic_store(&fns[i]->bits, dbl_bits(fns[i]->fn(fns[i]->arg)));

	int rc = 0;
	pthread_mutex_lock(&m->lock);
	const char *last = NULL;
	for (struct metric *x = m->head; x && !rc; x = x->next) {
		if (!last || strcmp(last, x->name) != 0) {
			rc = buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", x->name, x->help,
			              x->name, kinds[x->kind]);
			last = x->name;
		}
		if (!rc)
			rc = render_one(x, out);
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}
