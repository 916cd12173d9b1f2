/* Clock offset, faults and counters (state.h). */
#include "state.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/time.h"

#define EMU_RECENT_TS 32
#define MAX_KEYS      128

struct action_count {
	char key[64];
	uint64_t n;
};

/* One customer's fixed rate-limit window: requests counted in the clock second `second`. */
struct rate_window {
	int64_t customer_id;
	int64_t second;
	int64_t n;
};

struct emu_state {
	struct db *db;
	pthread_mutex_t lock;
	int64_t offset_s;
	struct emu_faults faults;
	uint64_t rng;

	struct action_count actions[MAX_KEYS];
	size_t nactions;
	uint64_t other_actions, actions_total;
	uint64_t http_requests, bytes_in, bytes_out;
	uint64_t faults_error, faults_drop, faults_latency;
	uint64_t gzip_responses;
	int64_t recent_ts[EMU_RECENT_TS];
	size_t nrecent; /* how many recorded in all; the ring holds the last EMU_RECENT_TS */
	/* connections = conn_base + (the server's total - conn_mark): conn_base comes from the
	 * last clean stop, conn_mark is the server's total at the last reset. */
	uint64_t conn_base, conn_mark;
	uint64_t rate_limited;

	/* API requests in the handler now, and the most at one moment (lock-free). */
	atomic_int_fast64_t inflight, peak;

	/* Rate-limit windows of the customers that have a limit (under lock). */
	struct rate_window *windows;
	size_t nwindows, capwindows;
};

/* ---- emu_meta access ---- */

struct meta_kv {
	const char *key;
	char *value;     /* out: malloc'd, NULL when absent */
	const char *set; /* in: the value to write */
};

static int meta_get_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct meta_kv *kv = arg;
	free(kv->value);
	kv->value = NULL;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "SELECT value FROM emu_meta WHERE key = ?", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, kv->key);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row)
		kv->value = db_col_strdup(st, 0);
	return 0;
}

static int meta_set_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct meta_kv *kv = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "INSERT INTO emu_meta(key, value) VALUES (?, ?) "
	                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, kv->key);
	db_bind_text(st, 2, kv->set);
	return db_step(st, &row, e);
}

static int meta_get(struct db *db, const char *key, char **out, struct err *e)
{
	struct meta_kv kv = {key, NULL, NULL};
	int rc = db_tx(db, DB_READ, meta_get_tx, &kv, e);
	*out = rc ? NULL : kv.value;
	if (rc)
		free(kv.value);
	return rc;
}

static int meta_set(struct db *db, const char *key, const char *value, struct err *e)
{
	struct meta_kv kv = {key, NULL, value};
	return db_tx(db, DB_WRITE, meta_set_tx, &kv, e);
}

/* ---- clock ---- */

int emu_clock_offset_load(struct db *db, int64_t *offset_s, struct err *e)
{
	char *v = NULL;
	*offset_s = 0;
	int rc = meta_get(db, "clock_offset_s", &v, e);
	if (rc)
		return rc;
	if (v)
		*offset_s = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

int64_t emu_state_now_ms(struct emu_state *s)
{
	pthread_mutex_lock(&s->lock);
	int64_t off = s->offset_s;
	pthread_mutex_unlock(&s->lock);
	return time_now_ms() + off * 1000;
}

int64_t emu_state_clock_offset(struct emu_state *s)
{
	pthread_mutex_lock(&s->lock);
	int64_t off = s->offset_s;
	pthread_mutex_unlock(&s->lock);
	return off;
}

int emu_state_set_clock(struct emu_state *s, int64_t offset_s, struct err *e)
{
	char text[32];
	snprintf(text, sizeof(text), "%lld", (long long)offset_s);
	int rc = meta_set(s->db, "clock_offset_s", text, e);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->lock);
	s->offset_s = offset_s;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* ---- faults ---- */

static json_t *faults_json(const struct emu_faults *f)
{
	return json_pack("{s:f, s:s, s:I, s:f, s:b, s:I, s:I}", "error_rate", f->error_rate, "mode",
	                 f->after ? "after" : "before", "latency_ms", (json_int_t)f->latency_ms,
	                 "drop_rate", f->drop_rate, "error_http", f->error_http, "error_next",
	                 (json_int_t)f->error_next, "drop_next", (json_int_t)f->drop_next);
}

static void faults_from_json(const char *text, struct emu_faults *f)
{
	memset(f, 0, sizeof(*f));
	json_t *doc = json_loads(text, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return;
	}
	f->error_rate = json_number_value(json_object_get(doc, "error_rate"));
	f->drop_rate = json_number_value(json_object_get(doc, "drop_rate"));
	f->latency_ms = json_integer_value(json_object_get(doc, "latency_ms"));
	f->after = json_is_string(json_object_get(doc, "mode")) &&
	           strcmp(json_string_value(json_object_get(doc, "mode")), "after") == 0;
	f->error_http = json_is_true(json_object_get(doc, "error_http"));
	f->error_next = json_integer_value(json_object_get(doc, "error_next"));
	f->drop_next = json_integer_value(json_object_get(doc, "drop_next"));
	json_decref(doc);
}

/* Writes the fault settings to emu_meta. */
static int faults_persist(struct db *db, const struct emu_faults *f, struct err *e)
{
	json_t *doc = faults_json(f);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!text)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = meta_set(db, "faults", text, e);
	free(text);
	return rc;
}

void emu_state_faults(struct emu_state *s, struct emu_faults *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->faults;
	pthread_mutex_unlock(&s->lock);
}

int emu_state_set_faults(struct emu_state *s, const struct emu_faults *f, struct err *e)
{
	int rc = faults_persist(s->db, f, e);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->lock);
	s->faults = *f;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* splitmix64; the caller holds the lock. A uniform double in [0, 1). */
static double next_unit(struct emu_state *s)
{
	uint64_t z = (s->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

struct emu_fault_plan emu_state_draw_fault(struct emu_state *s)
{
	struct emu_fault_plan p = {EMU_FAULT_NONE, false, false, 0};
	bool countdown = false;
	struct emu_faults snapshot;
	pthread_mutex_lock(&s->lock);
	struct emu_faults *f = &s->faults;
	p.after = f->after;
	p.error_http = f->error_http;
	p.latency_ms = f->latency_ms;
	if (f->drop_next > 0) {
		f->drop_next--;
		p.kind = EMU_FAULT_DROP;
		countdown = true;
	} else if (f->error_next > 0) {
		f->error_next--;
		p.kind = EMU_FAULT_ERROR;
		countdown = true;
	} else if (f->drop_rate > 0 && next_unit(s) < f->drop_rate) {
		p.kind = EMU_FAULT_DROP;
	} else if (f->error_rate > 0 && next_unit(s) < f->error_rate) {
		p.kind = EMU_FAULT_ERROR;
	}
	if (p.kind == EMU_FAULT_DROP)
		s->faults_drop++;
	else if (p.kind == EMU_FAULT_ERROR)
		s->faults_error++;
	if (p.latency_ms > 0)
		s->faults_latency++;
	snapshot = *f;
	pthread_mutex_unlock(&s->lock);
	/* A countdown that fired is written through so that a restart does not repeat it. */
	if (countdown)
		faults_persist(s->db, &snapshot, NULL);
	return p;
}

/* ---- counters ---- */

void emu_state_count_action(struct emu_state *s, const char *key)
{
	pthread_mutex_lock(&s->lock);
	s->actions_total++;
	size_t i;
	for (i = 0; i < s->nactions; i++) {
		if (strcmp(s->actions[i].key, key) == 0)
			break;
	}
	if (i < s->nactions) {
		s->actions[i].n++;
	} else if (s->nactions < MAX_KEYS && strlen(key) < sizeof(s->actions[0].key)) {
		snprintf(s->actions[i].key, sizeof(s->actions[i].key), "%s", key);
		s->actions[i].n = 1;
		s->nactions++;
	} else {
		s->other_actions++;
	}
	pthread_mutex_unlock(&s->lock);
}

void emu_state_note_timestamp(struct emu_state *s, int64_t ts)
{
	pthread_mutex_lock(&s->lock);
	s->recent_ts[s->nrecent++ % EMU_RECENT_TS] = ts;
	pthread_mutex_unlock(&s->lock);
}

void emu_state_count_http(struct emu_state *s, size_t bytes_in, size_t bytes_out, bool gzip)
{
	pthread_mutex_lock(&s->lock);
	if (gzip)
		s->gzip_responses++;
	s->http_requests++;
	s->bytes_in += bytes_in;
	s->bytes_out += bytes_out;
	pthread_mutex_unlock(&s->lock);
}

void emu_state_api_enter(struct emu_state *s)
{
	int_fast64_t now = atomic_fetch_add(&s->inflight, 1) + 1;
	int_fast64_t peak = atomic_load(&s->peak);
	while (now > peak && !atomic_compare_exchange_weak(&s->peak, &peak, now))
		;
}

void emu_state_api_leave(struct emu_state *s)
{
	atomic_fetch_sub(&s->inflight, 1);
}

bool emu_state_rate_allow(struct emu_state *s, int64_t customer_id, int64_t now_s,
                          int64_t limit_per_s)
{
	if (limit_per_s <= 0)
		return true;
	bool ok = true;
	pthread_mutex_lock(&s->lock);
	struct rate_window *w = NULL;
	for (size_t i = 0; i < s->nwindows && !w; i++) {
		if (s->windows[i].customer_id == customer_id)
			w = &s->windows[i];
	}
	if (!w && s->nwindows == s->capwindows) {
		size_t cap = s->capwindows ? s->capwindows * 2 : 16;
		struct rate_window *nw = realloc(s->windows, cap * sizeof(*nw));
		if (nw) {
			s->windows = nw;
			s->capwindows = cap;
		}
	}
	if (!w && s->nwindows < s->capwindows) {
		w = &s->windows[s->nwindows++];
		*w = (struct rate_window){customer_id, now_s, 0};
	}
	if (w) { /* out of memory: no window, the request passes */
		if (w->second != now_s) {
			w->second = now_s;
			w->n = 0;
		}
		ok = ++w->n <= limit_per_s;
	}
	if (!ok)
		s->rate_limited++;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

json_t *emu_state_counters(struct emu_state *s, uint64_t connections_total)
{
	json_t *req = json_object();
	json_t *doc = NULL;
	if (!req)
		return NULL;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nactions; i++)
		json_object_set_new(req, s->actions[i].key,
		                    json_integer((json_int_t)s->actions[i].n));
	if (s->other_actions)
		json_object_set_new(req, "other", json_integer((json_int_t)s->other_actions));
	json_t *recent = json_array();
	size_t first = s->nrecent > EMU_RECENT_TS ? s->nrecent - EMU_RECENT_TS : 0;
	for (size_t i = first; recent && i < s->nrecent; i++)
		json_array_append_new(recent, json_integer(s->recent_ts[i % EMU_RECENT_TS]));
	uint64_t conns = s->conn_base +
	                 (connections_total >= s->conn_mark ? connections_total - s->conn_mark : 0);
	doc = json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}}", "requests",
	                req, "recent_timestamps", recent, "connections", (json_int_t)conns,
	                "gzip_responses", (json_int_t)s->gzip_responses, "actions",
	                (json_int_t)s->actions_total, "http_requests", (json_int_t)s->http_requests,
	                "bytes_in", (json_int_t)s->bytes_in, "bytes_out", (json_int_t)s->bytes_out,
	                "faults", "error", (json_int_t)s->faults_error, "drop",
	                (json_int_t)s->faults_drop, "latency", (json_int_t)s->faults_latency);
	if (doc &&
	    (json_object_set_new(doc, "rate_limited", json_integer((json_int_t)s->rate_limited)) ||
	     json_object_set_new(doc, "concurrent",
	                         json_integer((json_int_t)atomic_load(&s->inflight))) ||
	     json_object_set_new(doc, "peak_concurrent",
	                         json_integer((json_int_t)atomic_load(&s->peak))))) {
		json_decref(doc);
		doc = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return doc;
}

void emu_state_reset_counters(struct emu_state *s, uint64_t connections_total)
{
	pthread_mutex_lock(&s->lock);
	s->conn_base = 0;
	s->conn_mark = connections_total;
	s->nactions = 0;
	s->other_actions = s->actions_total = 0;
	s->http_requests = s->bytes_in = s->bytes_out = 0;
	s->faults_error = s->faults_drop = s->faults_latency = 0;
	s->gzip_responses = 0;
	s->nrecent = 0;
	s->rate_limited = 0;
	atomic_store(&s->peak, atomic_load(&s->inflight));
	pthread_mutex_unlock(&s->lock);
}

int emu_state_save_counters(struct emu_state *s, uint64_t connections_total, struct err *e)
{
	json_t *doc = emu_state_counters(s, connections_total);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!text)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = meta_set(s->db, "counters", text, e);
	free(text);
	return rc;
}

static uint64_t count_of(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (uint64_t)v : 0;
}

/* Loads what emu_state_save_counters saved; anything unreadable counts as zero. */
static void counters_from_json(const char *text, struct emu_state *s)
{
	json_t *doc = json_loads(text, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(doc, "requests"), key, v)
	{
		json_int_t n = json_integer_value(v);
		if (n <= 0)
			continue;
		if (strcmp(key, "other") == 0) {
			s->other_actions = (uint64_t)n;
		} else if (s->nactions < MAX_KEYS && strlen(key) < sizeof(s->actions[0].key)) {
			snprintf(s->actions[s->nactions].key, sizeof(s->actions[0].key), "%s", key);
			s->actions[s->nactions++].n = (uint64_t)n;
		}
	}
	s->actions_total = count_of(doc, "actions");
	s->http_requests = count_of(doc, "http_requests");
	s->bytes_in = count_of(doc, "bytes_in");
	s->bytes_out = count_of(doc, "bytes_out");
	s->gzip_responses = count_of(doc, "gzip_responses");
	s->conn_base = count_of(doc, "connections");
	json_t *f = json_object_get(doc, "faults");
	s->faults_error = count_of(f, "error");
	s->faults_drop = count_of(f, "drop");
	s->faults_latency = count_of(f, "latency");
	s->rate_limited = count_of(doc, "rate_limited");
	size_t i;
	json_array_foreach(json_object_get(doc, "recent_timestamps"), i, v)
	    s->recent_ts[s->nrecent++ % EMU_RECENT_TS] = (int64_t)json_integer_value(v);
	json_decref(doc);
}

/* ---- life ---- */

int emu_state_new(struct db *db, struct emu_state **out, struct err *e)
{
	*out = NULL;
	struct emu_state *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	s->db = db;
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->inflight, 0);
	atomic_init(&s->peak, 0);
	if (crypto_random(&s->rng, sizeof(s->rng)))
		s->rng = (uint64_t)time_now_ms();
	char *text = NULL;
	int rc = emu_clock_offset_load(db, &s->offset_s, e);
	if (!rc)
		rc = meta_get(db, "faults", &text, e);
	if (rc) {
		emu_state_free(s);
		return rc;
	}
	if (text)
		faults_from_json(text, &s->faults);
	free(text);
	text = NULL;
	if ((rc = meta_get(db, "counters", &text, e))) {
		emu_state_free(s);
		return rc;
	}
	if (text)
		counters_from_json(text, s);
	free(text);
	*out = s;
	return 0;
}

void emu_state_free(struct emu_state *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->windows);
	free(s);
}
