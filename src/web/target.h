/*
 * target.h - the request target (path and query) as the client sent it.
 *
 * libmicrohttpd decodes the path and the query values in place and hands them
 * over as C strings, so a "%00" cut them short: "/api/v1/contacts/159%00/notes/1"
 * reached the router as "/api/v1/contacts/159" and erased a contact. The server
 * therefore keeps the target's bytes as sent and checks them here, length-
 * delimited, before anything is routed: a path or query that decodes to a
 * control byte (0x00-0x1f or 0x7f) is refused with ERR_INVALID_ARG and an error
 * naming where it is. Nothing here allocates beyond the caller's buffer, so it
 * can be fuzzed on its own (fuzz/fuzz_router.c).
 *
 * Percent-decoding follows RFC 3986 and libmicrohttpd: "%XX" with two hex digits
 * is one byte; a '%' without two hex digits after it stands for itself. In the
 * query '+' is a space (not a control byte, so it never matters here).
 */
#ifndef IMMO_WEB_TARGET_H
#define IMMO_WEB_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* True for the bytes no path, query or header value may hold: 0x00-0x1f and 0x7f. */
bool target_is_ctl(unsigned char c);

/*
 * Percent-decodes the path raw[0..n) into out (at most cap bytes including the
 * terminating NUL, which is always written on success) and sets *out_len. Fails
 * with ERR_INVALID_ARG (field "path") when the path holds or decodes to a control
 * byte, and with ERR_TOO_LARGE when it does not fit; out is then unspecified.
 */
int target_decode_path(const char *raw, size_t n, char *out, size_t cap, size_t *out_len,
                       struct err *e);

/*
 * Checks the query raw[0..n) (the part after '?', as sent): no parameter name or
 * value may hold or decode to a control byte. The error's field is "query.NAME"
 * when the name is printable ASCII, else "query".
 */
int target_check_query(const char *raw, size_t n, struct err *e);

/*
 * A printable copy of p[0..n) for the log: control bytes become "%XX", so a raw NUL the
 * client sent stays visible. Returns malloc'd memory the caller frees, or NULL on ENOMEM.
 */
char *target_escape(const char *p, size_t n);

#endif
