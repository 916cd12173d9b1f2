/*
 * metrics.h - a small Prometheus registry that every layer adds to.
 *
 * Counters and gauges are lock-free to update; registration takes a mutex
 * and is idempotent (registering the same name and labels twice returns the
 * same metric), so modules register lazily where they first count. A gauge
 * can also be computed at scrape time by a callback (queue depth read from
 * the database, say). metrics_render writes the text exposition format 0.0.4.
 *
 * Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*); labels are given
 * pre-rendered, e.g. `method="GET",code="200"`, and must be constant text
 * chosen by the program (never user input, which could explode cardinality).
 */
#ifndef IMMO_CORE_METRICS_H
#define IMMO_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct metrics;
struct metric;

enum metric_kind { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

/* The process-wide registry (created on first use, freed by metrics_shutdown). */
struct metrics *metrics_default(void);
/* A separate registry (tests); free with metrics_free. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
/* Frees the default registry; metrics obtained from it must not be used afterwards. */
void metrics_shutdown(void);

/* Registers (or finds) a metric. labels may be NULL. Returns NULL only when out of memory
 * or when name is re-registered with another kind; updates on NULL are ignored. */
struct metric *metrics_counter(struct metrics *m, const char *name, const char *help,
                               const char *labels);
struct metric *metrics_gauge(struct metrics *m, const char *name, const char *help,
                             const char *labels);
/* bounds: ascending upper bounds (the +Inf bucket is implicit), at most 16. */
struct metric *metrics_histogram(struct metrics *m, const char *name, const char *help,
                                 const char *labels, const double *bounds, size_t nbounds);
/* A gauge whose value fn(arg) computes at each render, on the scraping thread and outside
 * the registry's lock (fn may do I/O without stalling the threads that count). */
struct metric *metrics_gauge_fn(struct metrics *m, const char *name, const char *help,
                                const char *labels, double (*fn)(void *arg), void *arg);

void metric_inc(struct metric *c);
void metric_add(struct metric *c, double v);
void metric_set(struct metric *g, double v);
void metric_observe(struct metric *h, double v);
/* The current value; for a callback gauge, the value its fn gave at the last render. */
double metric_value(struct metric *c);

/* Appends the exposition text of every metric to out. */
int metrics_render(struct metrics *m, struct buf *out);

#endif
