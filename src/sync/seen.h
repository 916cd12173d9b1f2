/*
 * seen.h - the (address id, Aenderung) pairs a periodic pass has handled: its reads
 * overlap (the cursor's 120 s and paging by offset over ties), so a record may come
 * back; one already handled with the same Aenderung is skipped. An open-addressing
 * hash set that grows; one per stream and pass.
 */
#ifndef IMMO_SYNC_SEEN_H
#define IMMO_SYNC_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sync_seen_slot {
	int64_t id; /* 0: empty */
	uint64_t mark;
};

struct sync_seen {
	struct sync_seen_slot *v;
	size_t cap, n;
};

#define SYNC_SEEN_INIT     \
	{                  \
		NULL, 0, 0 \
	}

/* *was: (id, mark) was handled in this pass already; else it is remembered now. 0, or
 * ERR_NOMEM (the set is unchanged). */
int sync_seen_check(struct sync_seen *s, int64_t id, const char *mark, bool *was);
/* Frees the set; it is empty and usable again. */
void sync_seen_release(struct sync_seen *s);

#endif
