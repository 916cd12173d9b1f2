/*
 * fetch.h - reading a full import's next keyset page on a helper thread while the
 * caller maps and commits the page before it (the next page's filter needs only the
 * last id, known before mapping). This hides our processing behind onOffice's answer
 * time. The pass's source is used by one thread at a time: the caller never reads while
 * a fetch runs.
 */
#ifndef IMMO_SYNC_FETCH_H
#define IMMO_SYNC_FETCH_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct pass;

struct sync_fetch {
	struct pass *p;
	size_t b;
	int64_t last;
	json_t *records;
	int64_t cnt;
	int rc;
	struct err e;
	pthread_t th;
	bool running;
};

/* Starts reading branch b's page after id last (on the caller's thread if no thread can
 * be made). */
void sync_fetch_start(struct sync_fetch *f, struct pass *p, size_t b, int64_t last);
/* Waits for the fetch; its result moves to the caller (*records owned, *cnt the match
 * count or -1). 0 or the read's error (into e when e is not NULL). */
int sync_fetch_wait(struct sync_fetch *f, json_t **records, int64_t *cnt, struct err *e);
/* Waits for a running fetch and drops its result. */
void sync_fetch_drop(struct sync_fetch *f);

#endif
