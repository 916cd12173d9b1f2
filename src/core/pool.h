/*
 * pool.h - a small pool of threads with a bounded queue, for work that must not
 * run on the thread that asked for it (an HTTP thread waiting on onOffice).
 *
 * pool_submit queues fn(arg) and returns at once; a pool thread runs it. The queue
 * is bounded: a full one refuses (ERR_BUSY), so a flood of requests waits nowhere
 * unboundedly. Every job that was accepted runs exactly once: pool_stop runs what is
 * still queued before it joins, so a job that must answer somebody (an HTTP request
 * it resumes) always does. Jobs should watch the program's own stop flag to finish
 * quickly once stopping.
 */
#ifndef IMMO_CORE_POOL_H
#define IMMO_CORE_POOL_H

#include <stddef.h>

#include "core/err.h"

struct pool;

/* Starts threads (1-64) with a queue of at most queue_max waiting jobs (0: 64). */
int pool_start(unsigned threads, size_t queue_max, struct pool **out, struct err *e);

/* Queues fn(arg). ERR_BUSY when the queue is full, ERR_UNAVAILABLE once stopping: the job
 * will then never run, and the caller answers for it. */
int pool_submit(struct pool *p, void (*fn)(void *arg), void *arg);

/* Refuses new jobs (ERR_UNAVAILABLE), runs what is queued and joins the threads; the pool
 * stays valid for pool_submit (which refuses) until pool_free. NULL does nothing. */
void pool_close(struct pool *p);
/* pool_close if not done, then frees the pool. NULL does nothing. */
void pool_stop(struct pool *p);

#endif
