/*
 * err.h - the one table of error codes, and the detail a caller gets back.
 *
 * Every fallible function in immosync returns an `int`: 0 (ERR_OK) or one of
 * the codes below. Detail (which field, a human message, onOffice's own error
 * code) goes into a caller-supplied `struct err`, which may be NULL when the
 * caller only wants the code. Library code never prints; the edge (HTTP
 * handler, CLI) decides what a person sees.
 *
 * The table is an X-macro: X(NAME, "slug", http_status, "default message").
 * The slug is what the JSON API puts into {"error": {"code": …}} (requirements §8.1).
 */
#ifndef IMMO_CORE_ERR_H
#define IMMO_CORE_ERR_H

#include <stddef.h>

#define ERR_MAP(X)                                                                          \
	X(OK, "ok", 200, "OK")                                                              \
	X(NOMEM, "internal", 500, "out of memory")                                          \
	X(INTERNAL, "internal", 500, "internal error")                                      \
	X(IO, "internal", 500, "input/output error")                                        \
	X(INVALID_JSON, "invalid_json", 400, "the body is not valid JSON")                  \
	X(INVALID_FIELD, "invalid_field", 400, "a field is missing or invalid")             \
	X(INVALID_ARG, "invalid_argument", 400, "an argument is invalid")                   \
	X(UNAUTHORIZED, "unauthorized", 401, "missing or invalid token")                    \
	X(FORBIDDEN, "forbidden", 403, "the token's scope does not allow this")             \
	X(NOT_FOUND, "not_found", 404, "not found")                                         \
	X(METHOD, "method_not_allowed", 405, "method not allowed")                          \
	X(NOT_LINKED, "not_linked", 409, "the company is not linked to onOffice")           \
	X(CONFLICT, "conflict", 409, "conflict")                                            \
	X(TOO_LARGE, "too_large", 413, "too large")                                         \
	X(IDEMPOTENCY, "idempotency_conflict", 422,                                         \
	  "the idempotency key was used with another body")                                 \
	X(UNSUPPORTED_MEDIA, "unsupported_media_type", 415, "unsupported content type")     \
	X(BUSY, "busy", 503, "busy, try again")                                             \
	X(UNAVAILABLE, "unavailable", 503, "shutting down or not ready")                    \
	X(TIMEOUT, "timeout", 504, "timed out")                                             \
	X(CRYPTO, "internal", 500, "cryptographic operation failed")                        \
	X(AUTH_TAG, "decrypt_failed", 500, "decryption failed: wrong key or tampered data") \
	X(DB, "internal", 500, "database error")                                            \
	X(DB_BUSY, "busy", 503, "database is busy")                                         \
	X(DB_SCHEMA, "schema_too_new", 500, "database schema is newer than this program")   \
	X(DB_CONSTRAINT, "conflict", 409, "constraint violated")                            \
	X(OO_NOT_SENT, "onoffice_not_sent", 502, "onOffice could not be reached")           \
	X(OO_UNCERTAIN, "onoffice_uncertain", 502, "no trustworthy answer from onOffice")   \
	X(OO_RETRYABLE, "onoffice_retryable", 502, "onOffice reported a temporary error")   \
	X(OO_FINAL, "onoffice_refused", 502, "onOffice refused the request")                \
	X(OO_AUTH, "onoffice_auth", 502, "onOffice refused the credentials")                \
	X(OO_CLAIM, "onoffice_claim", 502, "onOffice requires a current extendedclaim")     \
	X(OO_CLOCK, "onoffice_clock", 502, "onOffice says our clock is wrong")

enum err_code {
#define ERR_ENUM_(name, slug, status, msg) ERR_##name,
	ERR_MAP(ERR_ENUM_)
#undef ERR_ENUM_
	    ERR__COUNT
};

struct err {
	int code;          /* enum err_code */
	int http_status;   /* 0: the table's status for code */
	int remote_code;   /* onOffice's errorcode, 0 when none */
	char field[128];   /* dotted path of the offending field, "" when none */
	char message[256]; /* for the person who reads it; never holds a secret */
};

#define ERR_INIT                \
	{                       \
		0, 0, 0, "", "" \
	}

/* The API slug ("invalid_field"), the default message and HTTP status of a code.
 * Unknown codes map to the INTERNAL entry. Returned strings are static. */
const char *err_slug(int code);
const char *err_default_message(int code);
int err_status(int code);
/* The C name of the code ("INVALID_FIELD"), for logs and tests. */
const char *err_name(int code);

/*
 * Fills *e (when not NULL) with code, field (may be NULL) and a printf-style
 * message (may be NULL: the table's default), and returns code so that callers
 * can write `return err_set(e, ERR_INVALID_FIELD, "lead.email", "…")`.
 * Over-long fields and messages are truncated on a UTF-8 boundary.
 */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Resets *e to ERR_INIT. */
void err_clear(struct err *e);

/* The HTTP status to answer with: e->http_status if set, else the table's. */
int err_http_status(const struct err *e);

#endif
