/*
 * crypto.h - hashing, MACs, encodings, randomness and secrets at rest.
 *
 * A thin layer over OpenSSL 3 (libcrypto) so that the rest of immosync never
 * touches EVP directly:
 *   - HMAC-SHA256 and SHA-256 (onOffice request signatures, Marketplace
 *     activation links, hashed API tokens);
 *   - strict Base64 (RFC 4648 §4, padded), Base64url (RFC 4648 §5, unpadded) and hex;
 *   - random bytes and random tokens;
 *   - constant-time comparison and cleansing of secrets;
 *   - AES-256-GCM sealing of secrets stored in the database, with a key
 *     version byte so keys can be rotated.
 *
 * Sealed format (crypto_seal): version(1) || nonce(12) || ciphertext || tag(16).
 * The version byte is authenticated: it is fed to GCM as AAD ahead of the
 * caller's AAD (e.g. "company:42:onoffice_secret", which binds a sealed value
 * to the row and column it belongs to).
 *
 * Functions that can fail return 0 (ERR_OK) or an `enum err_code`. No function
 * here prints, and no error message ever contains key material.
 */
#ifndef IMMO_CORE_CRYPTO_H
#define IMMO_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

struct err;

#define CRYPTO_SHA256_LEN    32
#define CRYPTO_KEY_LEN       32
#define CRYPTO_GCM_NONCE_LEN 12
#define CRYPTO_GCM_TAG_LEN   16
/* Bytes crypto_seal adds to the plaintext: version, nonce and tag. */
#define CRYPTO_SEAL_OVERHEAD (1 + CRYPTO_GCM_NONCE_LEN + CRYPTO_GCM_TAG_LEN)

/*
 * Text lengths of n encoded bytes, without the NUL terminator; for sizing
 * buffers from constants (they do not guard against overflow of huge n).
 */
#define CRYPTO_BASE64_LEN(n)    (((n) + 2) / 3 * 4)
#define CRYPTO_BASE64URL_LEN(n) (((n)*4 + 2) / 3)
#define CRYPTO_HEX_LEN(n)       ((n)*2)

/*
 * out = HMAC-SHA256(key, msg). key and msg may be NULL when their length is 0.
 * ERR_INVALID_ARG when out is NULL or klen exceeds INT_MAX, ERR_CRYPTO when
 * OpenSSL fails.
 */
int crypto_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                       unsigned char out[32]);

/* out = SHA-256(p[0..n)); p may be NULL when n is 0. ERR_CRYPTO when OpenSSL fails. */
int crypto_sha256(const void *p, size_t n, unsigned char out[32]);

/*
 * Writes in[0..n) as standard Base64 with '=' padding into out and
 * NUL-terminates it; *outlen (may be NULL) gets the text length without the
 * terminator. cap is the size of out and must be at least
 * CRYPTO_BASE64_LEN(n) + 1, else ERR_TOO_LARGE (out is then "" when cap > 0).
 */
int crypto_base64_encode(const void *in, size_t n, char *out, size_t cap, size_t *outlen);

/*
 * Decodes the standard Base64 text in[0..n) (need not be NUL-terminated) into
 * out[0..cap); *outlen (may be NULL) gets the byte count. Strict: the length
 * must be a multiple of 4, '=' may only appear as one or two final padding
 * characters, the unused bits before padding must be zero (one canonical text
 * per value), and whitespace or any character outside the alphabet is refused
 * with ERR_INVALID_ARG. ERR_TOO_LARGE when cap is smaller than the decoded
 * length. out is not NUL-terminated; on failure nothing decoded is left in it.
 */
int crypto_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *outlen);

/*
 * Like crypto_base64_encode but with the URL-safe alphabet ('-', '_') and no
 * padding, as used in tokens and URLs; needs cap >= CRYPTO_BASE64URL_LEN(n) + 1.
 */
int crypto_base64url_encode(const void *in, size_t n, char *out, size_t cap, size_t *outlen);

/*
 * Like crypto_base64_decode for unpadded Base64url: '=' is refused, as is a
 * length of 4k+1 and non-zero unused bits in the last character.
 */
int crypto_base64url_decode(const char *in, size_t n, unsigned char *out, size_t cap,
                            size_t *outlen);

/* Writes in[0..n) as lowercase hex into out, which must hold 2n + 1 bytes; NUL-terminated. */
void crypto_hex_encode(const void *in, size_t n, char *out);

/*
 * Decodes hex text in[0..n) (upper or lower case, no prefix, no whitespace)
 * into out[0..cap); *outlen (may be NULL) gets n / 2. ERR_INVALID_ARG for an
 * odd length or a non-hex character, ERR_TOO_LARGE when cap < n / 2. On
 * failure nothing decoded is left in out.
 */
int crypto_hex_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *outlen);

/* Fills out[0..n) from OpenSSL's CSPRNG. ERR_CRYPTO when it cannot deliver. */
int crypto_random(void *out, size_t n);

/*
 * Writes nbytes (> 0) random bytes as unpadded Base64url into out and
 * NUL-terminates it: 32 bytes give 43 characters. cap is the size of out and
 * must be at least CRYPTO_BASE64URL_LEN(nbytes) + 1, else ERR_TOO_LARGE.
 * ERR_INVALID_ARG when nbytes is 0, ERR_CRYPTO when the CSPRNG fails. On
 * failure out is "" (when cap > 0).
 */
int crypto_random_token(char *out, size_t cap, size_t nbytes);

/* True when a[0..n) equals b[0..n); the time taken does not depend on the contents. */
bool crypto_equal(const void *a, const void *b, size_t n);

/*
 * True when the strings a and b are equal. Their lengths may leak through
 * timing, their contents do not. A NULL argument never compares equal.
 */
bool crypto_streq(const char *a, const char *b);

/* Overwrites p[0..n) with zeros in a way the compiler may not optimise away. */
void crypto_cleanse(void *p, size_t n);

/* An AES-256 key for sealing secrets, and the version byte that tags its output. */
struct crypto_key {
	unsigned char key[CRYPTO_KEY_LEN];
	unsigned char version;
};

/*
 * Fills *out from exactly 64 hex characters (upper or lower case) and version.
 * Trimming a trailing newline from a key file is the caller's job: any other
 * length or a non-hex character fails with ERR_INVALID_ARG, and the message in
 * *e (may be NULL) never repeats the input. On failure out->key is zeroed.
 * The caller should crypto_cleanse the key when done with it.
 */
int crypto_key_from_hex(const char *hex, unsigned char version, struct crypto_key *out,
                        struct err *e);

/*
 * Encrypts pt[0..ptlen) with AES-256-GCM under k and a fresh random nonce,
 * authenticating k->version and aad[0..aadlen) as well. pt and aad may be NULL
 * when their length is 0. On success *out is a malloc'd buffer of
 * ptlen + CRYPTO_SEAL_OVERHEAD bytes (format in the file comment) that the
 * caller frees with free(), and *outlen its length. ERR_INVALID_ARG for NULL
 * arguments, ERR_TOO_LARGE when ptlen or aadlen exceed INT_MAX,
 * ERR_NOMEM, ERR_CRYPTO. On failure *out is NULL and *outlen 0.
 */
int crypto_seal(const struct crypto_key *k, const void *aad, size_t aadlen, const void *pt,
                size_t ptlen, unsigned char **out, size_t *outlen);

/*
 * Reverses crypto_seal. The key is the first of keys[0..nkeys) whose version
 * equals the first byte of in, so a list {new, old} opens values sealed under
 * either during a key rotation. ERR_AUTH_TAG when no key has that version,
 * when in is shorter than CRYPTO_SEAL_OVERHEAD, or when the tag does not
 * verify (wrong key, different aad, tampered bytes); ERR_INVALID_ARG for NULL
 * arguments, ERR_TOO_LARGE past INT_MAX, ERR_NOMEM, ERR_CRYPTO. On success *pt is a
 * malloc'd buffer of *ptlen bytes plus a NUL terminator (not counted), which
 * the caller should crypto_cleanse and then free(). On failure *pt is NULL,
 * *ptlen 0, and no plaintext is left anywhere in memory we allocated.
 */
int crypto_open(const struct crypto_key *keys, size_t nkeys, const void *aad, size_t aadlen,
                const unsigned char *in, size_t inlen, unsigned char **pt, size_t *ptlen);

/*
 * crypto_seal, with the result as padded standard Base64 text for a TEXT
 * column: *out is a malloc'd NUL-terminated string the caller frees with
 * free(). Errors as crypto_seal; on failure *out is NULL.
 */
int crypto_seal_b64(const struct crypto_key *k, const void *aad, size_t aadlen, const void *pt,
                    size_t ptlen, char **out);

/*
 * crypto_open of the Base64 text in (NUL-terminated, as crypto_seal_b64 made
 * it). Text that is not strict Base64 is treated like tampered data and gives
 * ERR_AUTH_TAG. Ownership of *pt and the other errors as crypto_open.
 */
int crypto_open_b64(const struct crypto_key *keys, size_t nkeys, const void *aad, size_t aadlen,
                    const char *in, unsigned char **pt, size_t *ptlen);

#endif
