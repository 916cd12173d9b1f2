/*
 * state.h - the emulator's run-time state: clock offset, faults, counters.
 *
 * The clock offset and the fault settings are kept in memory for speed and
 * written through to emu_meta, so a restart keeps them. The counters are kept in
 * memory and saved to emu_meta when serve stops cleanly (SIGTERM/SIGINT), so a
 * clean restart keeps them too; after a crash (kill -9) they start from the last
 * clean stop. DELETE /_emu/counters sets them to zero.
 * Every function is thread-safe: handlers run on one thread per connection.
 */
#ifndef IMMO_EMU_STATE_H
#define IMMO_EMU_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

struct emu_state;

struct emu_faults {
	double error_rate;  /* 0..1: share of API requests answered with an injected error */
	double drop_rate;   /* 0..1: share of API requests closed without an answer */
	int64_t latency_ms; /* delay before every API answer, 0..60000 */
	bool after;         /* mode "after": process the request first, then fail it */
	bool error_http;    /* an injected error also carries HTTP status 500 (else 200) */
	int64_t error_next; /* the next N API requests get an injected error, whatever the rate */
	int64_t drop_next;  /* the next N API requests are dropped, whatever the rate */
};

enum emu_fault_kind { EMU_FAULT_NONE, EMU_FAULT_ERROR, EMU_FAULT_DROP };

/* What to do to one API request, drawn by emu_state_draw_fault. */
struct emu_fault_plan {
	enum emu_fault_kind kind;
	bool after;
	bool error_http;
	int64_t latency_ms;
};

/*
 * Creates the state and loads the clock offset and faults from db (defaults when
 * absent). *out is freed with emu_state_free. db must outlive the state.
 */
int emu_state_new(struct db *db, struct emu_state **out, struct err *e);
void emu_state_free(struct emu_state *s);

/* The emulator's clock: the wall clock shifted by the offset, in UTC milliseconds. */
int64_t emu_state_now_ms(struct emu_state *s);
int64_t emu_state_clock_offset(struct emu_state *s);
/* Sets and persists the clock offset in seconds. */
int emu_state_set_clock(struct emu_state *s, int64_t offset_s, struct err *e);

/* Reads the clock offset straight from the database (for commands that run next to serve). */
int emu_clock_offset_load(struct db *db, int64_t *offset_s, struct err *e);

void emu_state_faults(struct emu_state *s, struct emu_faults *out);
/* Replaces and persists the fault settings. */
int emu_state_set_faults(struct emu_state *s, const struct emu_faults *f, struct err *e);

/*
 * Decides what happens to one API request under the current fault settings and counts
 * what it injects: a countdown (error_next, drop_next) first, else drop with drop_rate,
 * else error with error_rate; latency applies to every request while latency_ms > 0.
 */
struct emu_fault_plan emu_state_draw_fault(struct emu_state *s);

/* Counts one action under key ("read/address"). Keys beyond 128 distinct count as "other". */
void emu_state_count_action(struct emu_state *s, const char *key);
/* Counts one API HTTP request with its body sizes (bytes on the wire, after gzip). */
void emu_state_count_http(struct emu_state *s, size_t bytes_in, size_t bytes_out, bool gzip);
/*
 * Brackets the handling of one API request (POST …/api.php): enter on arrival, leave when
 * its answer is ready. The counters show how many are in the handler now (`concurrent`)
 * and the most at one moment since start or the last reset (`peak_concurrent`).
 * Lock-free (atomics), so it does not itself serialise requests.
 */
void emu_state_api_enter(struct emu_state *s);
void emu_state_api_leave(struct emu_state *s);

/*
 * The per-customer rate limit (configuration key rate_limit_per_s): counts one API request
 * of customer_id in the fixed window of the emulator's clock second now_s and returns true
 * when it is within limit_per_s requests of that second, false (and counts it as
 * rate_limited) beyond. limit_per_s <= 0 always allows and counts nothing.
 */
bool emu_state_rate_allow(struct emu_state *s, int64_t customer_id, int64_t now_s,
                          int64_t limit_per_s);

/* Remembers an action's timestamp (the last EMU_RECENT_TS are listed in the counters, so
 * a test can see that a client's retry was signed afresh). */
void emu_state_note_timestamp(struct emu_state *s, int64_t ts);

/*
 * The counters as a new JSON object (caller decrefs): requests per action, actions,
 * http_requests, bytes_in, bytes_out, gzip_responses, connections, recent_timestamps,
 * faults {error, drop, latency}, rate_limited, concurrent, peak_concurrent. connections_total is
 * the HTTP server's count of TCP connections since it started. NULL when out of memory.
 */
json_t *emu_state_counters(struct emu_state *s, uint64_t connections_total);
/* Sets every counter to zero (connections count from connections_total on; the peak of
 * concurrent requests starts again from the requests in flight now). */
void emu_state_reset_counters(struct emu_state *s, uint64_t connections_total);
/* Saves the counters to emu_meta ("counters"); emu_state_new loads them (not
 * concurrent and peak_concurrent, which describe this run of the server only). */
int emu_state_save_counters(struct emu_state *s, uint64_t connections_total, struct err *e);

#endif
