/* The pairs a periodic pass has handled (seen.h). */
#include "sync/seen.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t mark_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct sync_seen_slot *find(struct sync_seen *s, int64_t id)
{
	size_t i = mix((uint64_t)id) & (s->cap - 1);
	while (s->v[i].id && s->v[i].id != id)
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

int sync_seen_check(struct sync_seen *s, int64_t id, const char *mark, bool *was)
{
	*was = false;
	if (s->n * 2 >= s->cap) {
		struct sync_seen old = *s;
		s->cap = old.cap ? old.cap * 2 : 1024;
		s->n = 0;
		if (!(s->v = calloc(s->cap, sizeof(*s->v)))) {
			*s = old;
			return ERR_NOMEM;
		}
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].id) {
				*find(s, old.v[i].id) = old.v[i];
				s->n++;
			}
		free(old.v);
	}
	struct sync_seen_slot *slot = find(s, id);
	uint64_t h = mark_hash(mark);
	if (slot->id == id && slot->mark == h) {
		*was = true;
		return 0;
	}
	if (!slot->id)
		s->n++;
	slot->id = id;
	slot->mark = h;
	return 0;
}

void sync_seen_release(struct sync_seen *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
