/* sync_int.h - the engine's insides, shared by engine.c, import.c and live.c. */
#ifndef IMMO_SYNC_SYNC_INT_H
#define IMMO_SYNC_SYNC_INT_H

#include <pthread.h>

#include "sync/limits.h"
#include "sync/runner.h"
#include "sync/sync.h"

#define SYNC_CACHE_SLOTS 32

struct sync_cache_slot {
	int64_t company_id;
	char key[80]; /* "types" or "preview:<scope hash>" */
	json_t *value;
	int64_t at_ms; /* monotonic */
};

struct sync_engine {
	struct db *db;
	const struct crypto_key *keys;
	size_t nkeys;
	char *url, *ca_file;
	char owner[IMPORT_OWNER_MAX];
	char host[64];
	int overlap_s, slice_ms, lease_ttl_ms, live_max, cache_ttl_s;
	long timeout_ms, live_timeout_ms;
	sync_source_fn source_new;
	void *source_arg;
	atomic_bool stop;

	unsigned workers;           /* the runner's pool size */
	struct sync_runner *runner; /* NULL until sync_scheduler_start */
	struct sync_limits *limits; /* around every onOffice request */
	struct sync_job_kind import_kind;

	pthread_mutex_t mu; /* runner (start/stop), live_inflight, cache */
	int live_inflight;
	struct sync_cache_slot cache[SYNC_CACHE_SLOTS];
};

/* Opens a source for the company's link (import or live timeouts); *claim_gen (may be NULL)
 * gets the link's claim generation, for sync_note_refusal. ERR_NOT_LINKED; ERR_OO_AUTH when
 * revoked; ERR_CONFLICT while onOffice wants a claim (R-A12: no call is made). */
int sync_open_source(struct sync_engine *eng, int64_t company_id, bool live,
                     struct sync_source **out, int64_t *claim_gen, struct err *e);

/* R-S4 after onOffice refused the credentials; e holds onOffice's message. */
void sync_mark_revoked(struct sync_engine *eng, int64_t company_id, const struct err *cause);
/* R-A12: onOffice wants a fresh claim (193/201/248); transfers pause until one comes. */
void sync_mark_claim_wanted(struct sync_engine *eng, int64_t company_id, int64_t claim_gen,
                            const struct err *cause);
/* After an onOffice call made with the credentials of claim_gen: ERR_OO_AUTH revokes the
 * link, ERR_OO_CLAIM pauses it (unless a newer claim came meanwhile); returns rc. */
int sync_note_refusal(struct sync_engine *eng, int64_t company_id, int64_t claim_gen, int rc,
                      const struct err *e);

/* True for a lease holder "host:pid:tag" of this host whose process is gone. */
bool sync_holder_dead(const struct sync_engine *eng, const char *holder);

/* Text of an error for last_error and logs. */
void sync_error_text(const struct err *e, int rc, char *out, size_t cap);

#endif
