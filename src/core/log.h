/*
 * log.h - structured logs in logfmt, one write(2) per line.
 *
 *   ts=2026-11-26T10:15:00.123Z level=info event=http.request req=r7f3a2 method=GET status=200
 *
 * Fields are typed so that values are quoted and escaped by the logger, never
 * by the caller: a value with a space, '=', '"' or a control character is
 * written as a quoted string with \" \\ \n \t \xHH escapes. A line is built in
 * a fixed stack buffer (LOG_LINE_MAX) and written with one write(2), so lines
 * from different threads never interleave; an over-long line is cut on a UTF-8
 * boundary and ends with `truncated=true`.
 *
 * Each thread has a context (request id or job id) that is added to every
 * line it logs: log_set_context("req", "r7f3a2") … log_clear_context().
 *
 * Never pass a secret (token, API secret, master key, claim, HMAC) as a value.
 */
#ifndef IMMO_CORE_LOG_H
#define IMMO_CORE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_LINE_MAX 4096

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

enum log_field_type { LOG_F_STR, LOG_F_INT, LOG_F_DBL, LOG_F_BOOL };

struct log_field {
	const char *key;
	enum log_field_type type;
	const char *s;
	long long i;
	double d;
};

/* Field constructors for LOG(): a string (NULL is written as an empty ""), an integer, a
 * double (3 decimals), a boolean. */
#define LS(k, v) ((struct log_field){(k), LOG_F_STR, (v), 0, 0})
#define LI(k, v) ((struct log_field){(k), LOG_F_INT, 0, (long long)(v), 0})
#define LD(k, v) ((struct log_field){(k), LOG_F_DBL, 0, 0, (double)(v)})
#define LB(k, v) ((struct log_field){(k), LOG_F_BOOL, 0, (v) ? 1 : 0, 0})

/* LOG(LOG_INFO, "serve.start", LS("listen", addr), LI("threads", n)); LOG0 has no fields. */
#define LOG(level, event, ...)                                              \
	log_emit((level), (event), (const struct log_field[]){__VA_ARGS__}, \
	         sizeof((const struct log_field[]){__VA_ARGS__}) / sizeof(struct log_field))
#define LOG0(level, event) log_emit((level), (event), 0, 0)

/* Lines below this level are dropped. Default LOG_INFO. Thread-safe. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);

/* "debug", "info", "warn", "error" → *out. Returns 0, or ERR_INVALID_ARG. */
int log_parse_level(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);
/* Validates a level name for an option table (struct opt_def.check). */
bool log_check_level(const char *name, char *why, size_t cap);

/* Where lines go (default 2, stderr). Set before threads start. */
void log_set_fd(int fd);

/* The calling thread's context, added to each of its lines as key=id. The strings are
 * copied (key ≤ 15 bytes, id ≤ 63 bytes). */
void log_set_context(const char *key, const char *id);
void log_clear_context(void);
const char *log_context_id(void);

void log_emit(enum log_level level, const char *event, const struct log_field *fields, size_t n);

/* Formats one line into out (without writing it) — what log_emit writes, without the ts.
 * Exposed for tests. Returns the length. */
size_t log_format(char *out, size_t cap, enum log_level level, const char *event,
                  const struct log_field *fields, size_t n, bool with_ts);

#endif
