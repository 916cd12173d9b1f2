/*
 * marketplace.h - the signed URLs of the onOffice Marketplace: verifying an
 * activation or service URL (onoffice-protocol §10.1-§10.3, R-A1, R-A12) and
 * making one (tests, demo; the emulator has its own).
 *
 * onOffice signs a URL the way its PHP example checks it:
 *
 *   parse_str(query, $q); unset($q['signature']); ksort($q);
 *   msg = scheme "://" host path "?" http_build_query($q)
 *   signature = hex(HMAC-SHA256(provider secret, msg))
 *
 * This module does the same in C, byte for byte:
 *   - the raw query is split on '&' (empty pieces skipped), each piece at its
 *     first '='; a piece without '=' has the value "";
 *   - key and value are url-decoded as PHP's urldecode: '+' is a space, %XX
 *     (two hex digits, either case) a byte, any other '%' stays literally;
 *   - keys are then treated as parse_str treats them: leading spaces dropped,
 *     ' ' and '.' become '_', an empty key is dropped; for a repeated key the
 *     LAST value counts;
 *   - `signature` is taken out; the rest is sorted by key with strcmp (what
 *     PHP's ksort does for keys that are not numbers) and re-encoded with
 *     PHP's urlencode (RFC 1738: [A-Za-z0-9._-] stay, space is '+', every
 *     other byte %XX in upper case, so '~' is %7E), joined with '&';
 *   - msg = scheme "://" host (WITHOUT the port, as PHP's parse_url gives it)
 *     path "?" query.
 *
 * Refused as malformed (PHP would accept them, onOffice never sends them):
 * keys with '[' (PHP makes arrays of them), keys that are numbers (PHP's
 * ksort compares those numerically, and not always consistently), NUL bytes
 * in keys or values, more than 100 parameters, a query over 16 KiB.
 *
 * Our decisions (src/onoffice/README.md): the signature must be 64 hex digits
 * and is compared as bytes in constant time, so upper-case hex is accepted;
 * no second variant (the '+'-kept-literal variant of the caveat in
 * onoffice-protocol §10.3) is tried; the timestamp must lie within ±10 minutes
 * of our clock (R-A1), so links from the future are refused as well as stale
 * ones.
 */
#ifndef IMMO_ONOFFICE_MARKETPLACE_H
#define IMMO_ONOFFICE_MARKETPLACE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* How far the URL's timestamp may be from our clock, either way (spec R-A1). */
#define OO_MP_WINDOW_S 600

/* The activation URL or a service URL (onoffice-protocol §10.1, §10.2; R-A12). */
enum oo_mp_kind { OO_MP_ACTIVATION, OO_MP_SERVICE };

/* What is wrong with a URL, for the page the person sees. */
enum oo_mp_failure {
	OO_MP_OK,
	OO_MP_MALFORMED,     /* not a URL or query we accept (see above) */
	OO_MP_BAD_SIGNATURE, /* signature missing, not 64 hex digits, or wrong */
	OO_MP_MISSING,       /* a required parameter is missing or empty (e->field) */
	OO_MP_BAD_TIMESTAMP, /* timestamp is not a number of seconds */
	OO_MP_STALE,         /* older than the window */
	OO_MP_FUTURE,        /* further ahead than the window */
};

/* A short name for logs and tests: "ok", "malformed", "bad_signature", … */
const char *oo_mp_failure_name(enum oo_mp_failure f);

struct oo_mp_param {
	char *key;   /* decoded (and, for keys, treated as parse_str does) */
	char *value; /* decoded */
};

/* A verified URL. Release with oo_mp_link_release. */
struct oo_mp_link {
	enum oo_mp_failure failure; /* OO_MP_OK, or why verification failed */
	struct oo_mp_param *params; /* every signed parameter (not `signature`), sorted by key */
	size_t nparams;
	/* Borrowed from params; NULL when absent. */
	const char *api_token;          /* apiToken (activation) */
	const char *parameter_cache_id; /* parameterCacheId (activation) */
	const char *api_claim;          /* apiClaim */
	const char *customer_name;      /* customerName */
	const char *customer_web_id;    /* customerWebId */
	const char *user_id;            /* userId */
	const char *group_id;           /* groupId (service URLs, optional) */
	int64_t timestamp;
};

struct oo_mp_check {
	const char *secret; /* the provider secret ("Anbietersecret"), not an API secret */
	enum oo_mp_kind kind;
	int64_t now_s;    /* our clock, Unix seconds */
	int64_t window_s; /* 0: OO_MP_WINDOW_S */
};

/*
 * Verifies a signed URL given as base = scheme "://" host path (no port, no
 * query: for R-A1 the scheme and host of --public-url and the request path)
 * and the raw query string (without '?'). Checks, in this order: the query
 * can be read; the signature; the required parameters (activation: apiToken,
 * parameterCacheId, apiClaim, customerName, customerWebId, userId, timestamp;
 * service: customerWebId, userId, apiClaim, timestamp); the timestamp window.
 *
 * On success fills *out and returns 0. On failure *out holds only `failure`
 * (nothing to release, though releasing is harmless) and the return is
 * ERR_INVALID_ARG (malformed; also for a missing secret), ERR_UNAUTHORIZED
 * (signature, stale, future; e->field "signature" or "timestamp") or
 * ERR_INVALID_FIELD (missing parameter or bad timestamp; e->field names it).
 * ERR_NOMEM, ERR_CRYPTO. Messages never repeat the signature or a claim.
 */
int oo_mp_verify(const char *base, const char *query, const struct oo_mp_check *chk,
                 struct oo_mp_link *out, struct err *e);

/* oo_mp_verify for a whole URL as received, split as PHP's parse_url does:
 * scheme, host without userinfo and port, path, query (up to '#'). */
int oo_mp_verify_url(const char *url, const struct oo_mp_check *chk, struct oo_mp_link *out,
                     struct err *e);

void oo_mp_link_release(struct oo_mp_link *l);

/* The value of a verified parameter, or NULL. */
const char *oo_mp_get(const struct oo_mp_link *l, const char *key);

/*
 * The canonical query of a raw query (the part PHP's http_build_query makes
 * after parse_str, unset signature and ksort), appended to out. *signature
 * (may be NULL) gets a malloc'd copy of the decoded signature value, NULL
 * when absent. ERR_INVALID_ARG for what is refused as malformed, ERR_NOMEM,
 * ERR_TOO_LARGE past out's cap.
 */
int oo_mp_canonical_query(const char *query, struct buf *out, char **signature, struct err *e);

/* PHP's urlencode and urldecode of s[0..n), appended to out. */
int oo_php_urlencode(const char *s, size_t n, struct buf *out);
int oo_php_urldecode(const char *s, size_t n, struct buf *out);

/* A parameter to sign (borrowed strings). */
struct oo_mp_pair {
	const char *key;
	const char *value;
};

/*
 * Makes a signed URL: url (scheme://host[:port]/path, no query) + "?" + the
 * canonical query of params + "&signature=" + the lower-case hex HMAC over
 * scheme "://" host path "?" canonical query. *out is malloc'd (caller frees).
 * ERR_INVALID_ARG for a url that cannot be split or holds a query, an empty
 * secret, a key that PHP would change or refuse (empty, ' ', '.', '[', a
 * number, "signature"), NUL bytes. A repeated key: the last value counts.
 */
int oo_mp_sign_url(const char *url, const struct oo_mp_pair *params, size_t nparams,
                   const char *secret, char **out, struct err *e);

#endif
