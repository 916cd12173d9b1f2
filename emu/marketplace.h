/*
 * marketplace.h - the signed URLs onOffice opens at a Marketplace provider
 * (onoffice-protocol §10.1-§10.3): activation and service links.
 *
 * Written here from the documentation, independently of immosync's verifier:
 * the query parameters are sorted by key (byte-wise), encoded as PHP's
 * http_build_query does (RFC 1738 urlencode: [A-Za-z0-9._-] literal, space
 * as '+', every other byte %XX in upper case), and the signature is the
 * lowercase hex HMAC-SHA256, keyed with the provider secret, of
 * scheme "://" host path "?" query — the host without its port, as PHP's
 * parse_url gives it.
 */
#ifndef IMMO_EMU_MARKETPLACE_H
#define IMMO_EMU_MARKETPLACE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* One query parameter (raw, not encoded). */
struct emu_qparam {
	const char *key;
	const char *value;
};

/* Appends PHP urlencode(s) to b. Returns 0 or the buf error. */
int emu_php_urlencode(struct buf *b, const char *s);

/*
 * Builds the signed URL for provider_url (http or https, optional path and query, no
 * fragment) with params[0..n) added to the parameters already in its query (PHP-decoded),
 * and "signature" last. On success *url is a malloc'd string the caller frees. A bad
 * provider_url, a parameter named twice or a parameter named "signature" give
 * ERR_INVALID_ARG with the reason in e.
 */
int emu_signed_url(const char *provider_url, const struct emu_qparam *params, size_t n,
                   const char *secret, char **url, struct err *e);

#endif
