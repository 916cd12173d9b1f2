/*
 * sign.h - HMAC v2 of an onOffice action (onoffice-protocol §2.1).
 *
 *   msg  = decimal(timestamp) || token || resourcetype || actionid
 *   hmac = base64(HMAC-SHA256(key = secret, msg))
 *
 * parameters, resourceid and identifier are not covered, so adding
 * `extendedclaim` to the parameters does not change the signature. Each
 * attempt of a request must be signed again with a fresh timestamp: onOffice
 * accepts ±120 s (error 136 otherwise).
 */
#ifndef IMMO_ONOFFICE_SIGN_H
#define IMMO_ONOFFICE_SIGN_H

#include <stdint.h>

/* Length of the Base64 text of an HMAC-SHA256 (44), without the terminator. */
#define OO_HMAC_LEN 44

/*
 * Writes the NUL-terminated Base64 HMAC v2 (OO_HMAC_LEN characters) into out.
 * All strings must be non-NULL (ERR_INVALID_ARG otherwise); token, resourcetype
 * and actionid together must stay below 4 KiB (ERR_TOO_LARGE). ERR_CRYPTO when
 * OpenSSL fails. On failure out is "". The message buffer and the MAC are
 * wiped before returning, since both hold the token.
 */
int oo_hmac_v2(const char *secret, int64_t timestamp, const char *token, const char *resourcetype,
               const char *actionid, char out[64]);

#endif
