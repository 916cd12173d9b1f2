/* A small thread pool with a bounded queue (pool.h). */
#include "core/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define POOL_MAX_THREADS 64

struct pool_job {
	void (*fn)(void *arg);
	void *arg;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pool_job *queue; /* ring of cap */
	size_t cap, head, len;
	bool stopping;
	bool joined; /* pool_close ran */
	pthread_t threads[POOL_MAX_THREADS];
	unsigned nthreads;
};

static void *pool_main(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->len && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->len) /* stopping and nothing left */
			break;
		struct pool_job j = p->queue[p->head];
		p->head = (p->head + 1) % p->cap;
		p->len--;
		pthread_mutex_unlock(&p->mu);
		j.fn(j.arg);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int pool_start(unsigned threads, size_t queue_max, struct pool **out, struct err *e)
{
	*out = NULL;
	if (threads < 1 || threads > POOL_MAX_THREADS)
		return err_set(e, ERR_INVALID_ARG, NULL, "a pool has 1 to %d threads",
		               POOL_MAX_THREADS);
	struct pool *p = calloc(1, sizeof(*p));
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	p->cap = queue_max ? queue_max : 64;
	if (!(p->queue = calloc(p->cap, sizeof(*p->queue)))) {
		free(p);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (unsigned i = 0; i < threads; i++) {
		int rc = pthread_create(&p->threads[i], NULL, pool_main, p);
		if (rc) {
			pool_stop(p);
			return err_set(e, ERR_INTERNAL, NULL, "cannot start a pool thread: %s",
			               strerror(rc));
		}
		p->nthreads++;
	}
	*out = p;
	return ERR_OK;
}

int pool_submit(struct pool *p, void (*fn)(void *arg), void *arg)
{
	int rc = ERR_OK;
	pthread_mutex_lock(&p->mu);
	if (p->stopping)
		rc = ERR_UNAVAILABLE;
	else if (p->len == p->cap)
		rc = ERR_BUSY;
	else {
		p->queue[(p->head + p->len) % p->cap] = (struct pool_job){fn, arg};
		p->len++;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void pool_close(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	bool joined = p->joined;
	p->stopping = true;
	p->joined = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (joined)
		return;
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	/* With no thread started, queued jobs still run once (here). */
	pthread_mutex_lock(&p->mu);
	while (p->len) {
		struct pool_job j = p->queue[p->head];
		p->head = (p->head + 1) % p->cap;
		p->len--;
		pthread_mutex_unlock(&p->mu);
		j.fn(j.arg);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pool_close(p);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->queue);
	free(p);
}
