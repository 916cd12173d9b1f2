#include "core/crypto.h"
#include "core/err.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* Stands in for a NULL pointer with length 0, which some OpenSSL calls reject. */
static const unsigned char empty[1];

/* Hashes and MACs */

int crypto_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                       unsigned char out[32])
{
	unsigned int len = 0;

	if (!out || klen > INT_MAX || (!key && klen) || (!msg && mlen))
		return ERR_INVALID_ARG;
	if (!HMAC(EVP_sha256(), key ? key : empty, (int)klen, msg ? msg : empty, mlen, out, &len) ||
	    len != CRYPTO_SHA256_LEN) {
		ERR_clear_error();
		return ERR_CRYPTO;
	}
	return ERR_OK;
}

int crypto_sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;

	if (!out || (!p && n))
		return ERR_INVALID_ARG;
	if (!EVP_Digest(p ? p : empty, n, out, &len, EVP_sha256(), NULL) ||
	    len != CRYPTO_SHA256_LEN) {
		ERR_clear_error();
		return ERR_CRYPTO;
	}
	return ERR_OK;
}

/* Base64 (RFC 4648 §4 padded, RFC 4648 §5 unpadded) */

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The text length of n bytes, without terminator; false when it (plus one) would overflow. */
static bool b64_text_len(size_t n, bool pad, size_t *len)
{
	size_t groups = n / 3, rem = n % 3;

	if (groups > (SIZE_MAX - 5) / 4)
		return false;
	*len = groups * 4 + (rem ? (pad ? 4 : rem + 1) : 0);
	return true;
}

/* Writes the encoding of in[0..n) to out, which has room for it; returns the length. */
static size_t b64_put(const unsigned char *in, size_t n, char *out, const char *alphabet, bool pad)
{
	size_t i = 0, o = 0;

	for (; n - i >= 3; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		if (pad)
			out[o++] = '=';
	}
	return o;
}

static int b64_encode(const void *in, size_t n, char *out, size_t cap, size_t *outlen, bool url)
{
	size_t len;

	if (outlen)
		*outlen = 0;
	if (!out || (!in && n))
		return ERR_INVALID_ARG;
	if (!b64_text_len(n, !url, &len) || cap < len + 1) {
		if (cap)
			out[0] = '\0';
		return ERR_TOO_LARGE;
	}
	len = b64_put(in, n, out, url ? b64_url : b64_std, !url);
	out[len] = '\0';
	if (outlen)
		*outlen = len;
	return ERR_OK;
}

int crypto_base64_encode(const void *in, size_t n, char *out, size_t cap, size_t *outlen)
{
	return b64_encode(in, n, out, cap, outlen, false);
}

int crypto_base64url_encode(const void *in, size_t n, char *out, size_t cap, size_t *outlen)
{
	return b64_encode(in, n, out, cap, outlen, true);
}

/* The 6-bit value of c in the standard or URL alphabet, -1 when c is not in it. */
static int b64_value(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decodes the unpadded text in[0..n), n % 4 != 1, into out; returns false on a
 * character outside the alphabet or non-zero bits after the last byte.
 */
static bool b64_get(const char *in, size_t n, unsigned char *out, bool url)
{
	size_t o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)in[i], url);
		if (v < 0)
			return false;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* The 2 or 4 bits left over at the end must be zero: one text per value. */
	return (acc & ((1u << bits) - 1)) == 0;
}

static int b64_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *outlen,
                      bool url)
{
	size_t data = n, len;

	if (outlen)
		*outlen = 0;
	if ((!in && n) || (!out && cap))
		return ERR_INVALID_ARG;
	if (!url) {
		if (n % 4)
			return ERR_INVALID_ARG;
		/* At most two '=', and only at the end; any other '=' is a bad character below. */
		if (data && in[data - 1] == '=')
			data--;
		if (data && in[data - 1] == '=')
			data--;
	}
	if (data % 4 == 1)
		return ERR_INVALID_ARG;
	len = data / 4 * 3 + (data % 4 ? data % 4 - 1 : 0);
	if (cap < len)
		return ERR_TOO_LARGE;
	if (!b64_get(in, data, out, url)) {
		crypto_cleanse(out, len);
		return ERR_INVALID_ARG;
	}
	if (outlen)
		*outlen = len;
	return ERR_OK;
}

int crypto_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
	return b64_decode(in, n, out, cap, outlen, false);
}

int crypto_base64url_decode(const char *in, size_t n, unsigned char *out, size_t cap,
                            size_t *outlen)
{
	return b64_decode(in, n, out, cap, outlen, true);
}

/* Hex */

void crypto_hex_encode(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/*
 * The value of hex digit c, or -1. Written without branches on c so that
 * decoding a key does not leak its digits through timing.
 */
static int hex_value(unsigned char c)
{
	int d = c - '0', l = (c | 0x20) - 'a';
	int is_d = (unsigned int)d < 10, is_l = (unsigned int)l < 6;

	return (d & -is_d) | ((l + 10) & -is_l) | -(1 - (is_d | is_l));
}

int crypto_hex_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
	int bad = 0;

	if (outlen)
		*outlen = 0;
	if ((!in && n) || (!out && cap) || n % 2)
		return ERR_INVALID_ARG;
	if (cap < n / 2)
		return ERR_TOO_LARGE;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value((unsigned char)in[2 * i]);
		int lo = hex_value((unsigned char)in[2 * i + 1]);
		bad |= hi | lo;
		out[i] = (unsigned char)(((unsigned int)hi << 4 | (unsigned int)lo) & 0xff);
	}
	if (bad < 0) {
		crypto_cleanse(out, n / 2);
		return ERR_INVALID_ARG;
	}
	if (outlen)
		*outlen = n / 2;
	return ERR_OK;
}

/* Randomness */

int crypto_random(void *out, size_t n)
{
	unsigned char *p = out;

	if (!p && n)
		return ERR_INVALID_ARG;
	while (n) {
		int chunk = n > INT_MAX ? INT_MAX : (int)n;
		if (RAND_bytes(p, chunk) != 1) {
			ERR_clear_error();
			return ERR_CRYPTO;
		}
		p += chunk;
		n -= (size_t)chunk;
	}
	return ERR_OK;
}

int crypto_random_token(char *out, size_t cap, size_t nbytes)
{
	/* A multiple of 3, so the unpadded encodings of the chunks concatenate. */
	unsigned char chunk[48];
	size_t len, o = 0;
	int rc = ERR_OK;

	if (!out)
		return ERR_INVALID_ARG;
	if (cap)
		out[0] = '\0';
	if (!nbytes)
		return ERR_INVALID_ARG;
	if (!b64_text_len(nbytes, false, &len) || cap < len + 1)
		return ERR_TOO_LARGE;
	while (nbytes) {
		size_t k = nbytes < sizeof(chunk) ? nbytes : sizeof(chunk);
		rc = crypto_random(chunk, k);
		if (rc)
			goto out_cleanse;
		o += b64_put(chunk, k, out + o, b64_url, false);
		nbytes -= k;
	}
	out[o] = '\0';
out_cleanse:
	crypto_cleanse(chunk, sizeof(chunk));
	if (rc)
		crypto_cleanse(out, cap);
	return rc;
}

/* Comparison and cleansing */

bool crypto_equal(const void *a, const void *b, size_t n)
{
	if (!n)
		return true;
	return CRYPTO_memcmp(a, b, n) == 0;
}

bool crypto_streq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return crypto_equal(a, b, n);
}

void crypto_cleanse(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

/* Sealed secrets: AES-256-GCM */

int crypto_key_from_hex(const char *hex, unsigned char version, struct crypto_key *out,
                        struct err *e)
{
	size_t n;

	if (!hex || !out)
		return err_set(e, ERR_INVALID_ARG, NULL, "no key given");
	crypto_cleanse(out->key, sizeof(out->key));
	n = strnlen(hex, 2 * CRYPTO_KEY_LEN + 1);
	/* The length is not the key; saying it helps to spot a truncated paste. */
	if (n < 2 * CRYPTO_KEY_LEN)
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "the key must be exactly %d hex characters, got %zu",
		               2 * CRYPTO_KEY_LEN, n);
	if (n > 2 * CRYPTO_KEY_LEN)
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "the key must be exactly %d hex characters, got more",
		               2 * CRYPTO_KEY_LEN);
	if (crypto_hex_decode(hex, n, out->key, sizeof(out->key), NULL))
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "the key must consist of hex characters only (0-9, a-f)");
	out->version = version;
	return ERR_OK;
}

/* Feeds the version byte and then the caller's AAD to ctx (encrypting or decrypting). */
static bool gcm_aad(EVP_CIPHER_CTX *ctx, bool enc, unsigned char version, const void *aad,
                    size_t aadlen)
{
	int len;
	int (*update)(EVP_CIPHER_CTX *, unsigned char *, int *, const unsigned char *, int) =
	    enc ? EVP_EncryptUpdate : EVP_DecryptUpdate;

	if (!update(ctx, NULL, &len, &version, 1))
		return false;
	return !aadlen || update(ctx, NULL, &len, aad, (int)aadlen);
}

int crypto_seal(const struct crypto_key *k, const void *aad, size_t aadlen, const void *pt,
                size_t ptlen, unsigned char **out, size_t *outlen)
{
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned char *buf, *nonce, *ct, *tag;
	int len, rc;

	if (!out || !outlen)
		return ERR_INVALID_ARG;
	*out = NULL;
	*outlen = 0;
	if (!k || (!aad && aadlen) || (!pt && ptlen))
		return ERR_INVALID_ARG;
	if (aadlen > INT_MAX || ptlen > INT_MAX)
		return ERR_TOO_LARGE;
	buf = malloc(ptlen + CRYPTO_SEAL_OVERHEAD);
	if (!buf)
		return ERR_NOMEM;
	nonce = buf + 1;
	ct = nonce + CRYPTO_GCM_NONCE_LEN;
	tag = ct + ptlen;
	buf[0] = k->version;
	rc = crypto_random(nonce, CRYPTO_GCM_NONCE_LEN);
	if (rc)
		goto out_free_buf;
	rc = ERR_CRYPTO;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		goto out_free_buf;
	/* AES-256-GCM's default IV length is the 12 bytes we use. */
	if (!EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->key, nonce) ||
	    !gcm_aad(ctx, true, k->version, aad, aadlen))
		goto out_free_ctx;
	if (ptlen && (!EVP_EncryptUpdate(ctx, ct, &len, pt, (int)ptlen) || (size_t)len != ptlen))
		goto out_free_ctx;
	if (!EVP_EncryptFinal_ex(ctx, tag, &len) || len != 0 ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPTO_GCM_TAG_LEN, tag))
		goto out_free_ctx;
	*out = buf;
	*outlen = ptlen + CRYPTO_SEAL_OVERHEAD;
	buf = NULL;
	rc = ERR_OK;
out_free_ctx:
	EVP_CIPHER_CTX_free(ctx);
out_free_buf:
	free(buf);
	if (rc == ERR_CRYPTO)
		ERR_clear_error();
	return rc;
}

int crypto_open(const struct crypto_key *keys, size_t nkeys, const void *aad, size_t aadlen,
                const unsigned char *in, size_t inlen, unsigned char **pt, size_t *ptlen)
{
	const struct crypto_key *k = NULL;
	EVP_CIPHER_CTX *ctx;
	const unsigned char *nonce, *ct, *tag;
	unsigned char expected_tag[CRYPTO_GCM_TAG_LEN];
	unsigned char *buf;
	size_t ctlen;
	int len, rc;

	if (!pt || !ptlen)
		return ERR_INVALID_ARG;
	*pt = NULL;
	*ptlen = 0;
	if ((!keys && nkeys) || (!aad && aadlen))
		return ERR_INVALID_ARG;
	if (!in || inlen < CRYPTO_SEAL_OVERHEAD)
		return ERR_AUTH_TAG;
	if (aadlen > INT_MAX || inlen - CRYPTO_SEAL_OVERHEAD > INT_MAX)
		return ERR_TOO_LARGE;
	for (size_t i = 0; i < nkeys && !k; i++)
		if (keys[i].version == in[0])
			k = &keys[i];
	if (!k)
		return ERR_AUTH_TAG;
	nonce = in + 1;
	ct = nonce + CRYPTO_GCM_NONCE_LEN;
	ctlen = inlen - CRYPTO_SEAL_OVERHEAD;
	tag = ct + ctlen;
	buf = malloc(ctlen + 1);
	if (!buf)
		return ERR_NOMEM;
	rc = ERR_CRYPTO;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		goto out_free_buf;
	if (!EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->key, nonce) ||
	    !gcm_aad(ctx, false, in[0], aad, aadlen))
		goto out_free_ctx;
	if (ctlen && (!EVP_DecryptUpdate(ctx, buf, &len, ct, (int)ctlen) || (size_t)len != ctlen))
		goto out_free_ctx;
	/* A copy, because EVP_CIPHER_CTX_ctrl takes a non-const pointer. */
	memcpy(expected_tag, tag, sizeof(expected_tag));
	if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPTO_GCM_TAG_LEN, expected_tag))
		goto out_free_ctx;
	if (EVP_DecryptFinal_ex(ctx, buf + ctlen, &len) != 1) {
		rc = ERR_AUTH_TAG;
		goto out_free_ctx;
	}
	buf[ctlen] = '\0';
	*pt = buf;
	*ptlen = ctlen;
	buf = NULL;
	rc = ERR_OK;
out_free_ctx:
	EVP_CIPHER_CTX_free(ctx);
out_free_buf:
	if (buf) {
		/* Unauthenticated plaintext must not linger in freed memory. */
		crypto_cleanse(buf, ctlen + 1);
		free(buf);
	}
	if (rc)
		ERR_clear_error();
	return rc;
}

int crypto_seal_b64(const struct crypto_key *k, const void *aad, size_t aadlen, const void *pt,
                    size_t ptlen, char **out)
{
	unsigned char *sealed = NULL;
	size_t sealed_len, len;
	char *text;
	int rc;

	if (!out)
		return ERR_INVALID_ARG;
	*out = NULL;
	rc = crypto_seal(k, aad, aadlen, pt, ptlen, &sealed, &sealed_len);
	if (rc)
		return rc;
	rc = ERR_TOO_LARGE;
	if (!b64_text_len(sealed_len, true, &len))
		goto out_free_sealed;
	rc = ERR_NOMEM;
	text = malloc(len + 1);
	if (!text)
		goto out_free_sealed;
	rc = crypto_base64_encode(sealed, sealed_len, text, len + 1, NULL);
	if (rc) {
		free(text);
		goto out_free_sealed;
	}
	*out = text;
out_free_sealed:
	free(sealed);
	return rc;
}

int crypto_open_b64(const struct crypto_key *keys, size_t nkeys, const void *aad, size_t aadlen,
                    const char *in, unsigned char **pt, size_t *ptlen)
{
	unsigned char *sealed;
	size_t n, cap, sealed_len;
	int rc;

	if (!pt || !ptlen)
		return ERR_INVALID_ARG;
	*pt = NULL;
	*ptlen = 0;
	if (!in)
		return ERR_AUTH_TAG;
	n = strlen(in);
	cap = n / 4 * 3;
	/* Zeroed so no analyzer has to prove that a successful decode wrote every byte. */
	sealed = calloc(cap ? cap : 1, 1);
	if (!sealed)
		return ERR_NOMEM;
	rc = crypto_base64_decode(in, n, sealed, cap, &sealed_len);
	if (rc) {
		rc = ERR_AUTH_TAG;
		goto out_free_sealed;
	}
	rc = crypto_open(keys, nkeys, aad, aadlen, sealed, sealed_len, pt, ptlen);
out_free_sealed:
	free(sealed);
	return rc;
}
