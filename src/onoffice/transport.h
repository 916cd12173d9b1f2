/*
 * transport.h - how a request body reaches onOffice: an ops table, with
 * libcurl as the real backend and fakes in the tests.
 *
 * post() sends body[0..len) to url and appends the (decoded) answer to out,
 * whose cap bounds the answer. With OO_POST_ONCE in flags (every batch that
 * writes) the body reaches the server at most once: the transport never sends
 * it again on its own (see OO_POST_ONCE). It returns 0 when a complete HTTP
 * answer came back (*http_status is its status, any status), or:
 *   ERR_TOO_LARGE    the answer exceeded out's cap (the request was sent)
 *   ERR_TIMEOUT      connect or total timeout
 *   ERR_UNAVAILABLE  aborted through the abort flag (shutdown)
 *   ERR_IO           anything else (refused, DNS, TLS, dropped connection, …)
 * *sent tells whether request bytes may have reached the server: false only
 * when the transfer certainly failed before anything was sent (DNS, connect,
 * TLS handshake), so that a write can be classed "not sent" rather than
 * "uncertain". The message in e never holds the body.
 */
#ifndef IMMO_ONOFFICE_TRANSPORT_H
#define IMMO_ONOFFICE_TRANSPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/*
 * The body must reach the server at most once. libcurl re-sends a request on a
 * fresh connection when a REUSED keep-alive connection dies before the first
 * answer byte (lib/transfer.c, Curl_retry_request), which for a write may
 * execute it twice: the server may have read and run the request before the
 * connection went away. The curl transport hands the body to curl through a
 * read callback whose seek callback refuses to rewind when this flag is set,
 * so that re-send fails (CURLE_SEND_FAIL_REWIND) and is reported as sent
 * without an answer (a write is then "uncertain"). Reads are re-sent by curl
 * as before. A connection curl finds closed before it sends (the usual idle
 * timeout) is still replaced silently, as nothing was sent on it.
 */
#define OO_POST_ONCE 0x1u

struct oo_transport {
	int (*post)(void *ctx, const char *url, const char *body, size_t len, unsigned flags,
	            struct buf *out, long *http_status, bool *sent, struct err *e);
	void (*free)(void *ctx); /* releases ctx; may be NULL */
	void *ctx;
};

struct oo_curl_options {
	const char *ca_file; /* PEM bundle to trust instead of the system store; NULL = system */
	long connect_timeout_ms; /* > 0 */
	long timeout_ms;         /* whole transfer, > 0 */
	atomic_bool
	    *abort_flag; /* when it becomes true, a running transfer is aborted; may be NULL */
};

/*
 * Fills *out with the libcurl transport: ONE easy handle, reused for every
 * call so that the connection is kept alive; no signals (CURLOPT_NOSIGNAL);
 * `Accept-Encoding` with every encoding curl supports (gzip); `Content-Type:
 * application/json`; TLS peer and host verification always on; no redirects
 * followed. Options are copied. curl_global_init must have run (main does it).
 * The transport is used by one thread at a time. Free with out->free(out->ctx).
 * ERR_INVALID_ARG for bad options, ERR_NOMEM, ERR_INTERNAL when curl refuses
 * an option.
 */
int oo_transport_curl_new(const struct oo_curl_options *o, struct oo_transport *out, struct err *e);

/* What the curl write callback appends to; exposed for tests. */
struct oo_sink {
	struct buf *out;
	bool too_large; /* set when an append would have passed out's cap */
};

/*
 * The CURLOPT_WRITEFUNCTION: appends size*nmemb bytes to sink->out. Returns
 * the byte count, or 0 (which makes curl fail the transfer) when the cap would
 * be passed (sink->too_large is set then) or memory runs out. This bounds the
 * DECODED answer, which CURLOPT_MAXFILESIZE does not do for gzip.
 */
size_t oo_curl_write(char *ptr, size_t size, size_t nmemb, void *sink);

/*
 * Whether a failed transfer may have put request bytes on the wire, from the
 * CURLcode and CURLINFO_REQUEST_SIZE: false for failures that happen before
 * sending (resolve, connect, TLS handshake and certificate checks, bad URL)
 * and when no request byte was issued; true otherwise, and always for
 * CURLE_SEND_FAIL_REWIND (a re-send that OO_POST_ONCE refused: the first
 * send went out).
 */
bool oo_curl_maybe_sent(int curl_code, long request_size);

#endif
