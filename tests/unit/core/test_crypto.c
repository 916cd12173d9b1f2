/*
 * Unit tests for src/core/crypto.c: published HMAC/SHA-256/Base64/GCM vectors,
 * onOffice signature vectors, strict decoding, sealing and tamper detection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"

/* Decodes a hex literal from a test vector; aborts the test on a typo. */
static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	assert_int_equal(crypto_hex_decode(hex, strlen(hex), out, cap, &n), ERR_OK);
	return n;
}

static void assert_hmac_hex(const void *key, size_t klen, const void *msg, size_t mlen,
                            const char *expected)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	char hex[2 * CRYPTO_SHA256_LEN + 1];
	assert_int_equal(crypto_hmac_sha256(key, klen, msg, mlen, mac), ERR_OK);
	crypto_hex_encode(mac, sizeof(mac), hex);
	assert_string_equal(hex, expected);
}

/* RFC 4231 §4 */

static void hmac_rfc4231_case1(void **state)
{
	(void)state;
	unsigned char key[20];
	memset(key, 0x0b, sizeof(key));
	assert_hmac_hex(key, sizeof(key), "Hi There", 8,
	                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

static void hmac_rfc4231_case2(void **state)
{
	(void)state;
	const char *msg = "what do ya want for nothing?";
	assert_hmac_hex("Jefe", 4, msg, strlen(msg),
	                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void hmac_rfc4231_case3(void **state)
{
	(void)state;
	unsigned char key[20], msg[50];
	memset(key, 0xaa, sizeof(key));
	memset(msg, 0xdd, sizeof(msg));
	assert_hmac_hex(key, sizeof(key), msg, sizeof(msg),
	                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

static void hmac_rfc4231_case4(void **state)
{
	(void)state;
	unsigned char key[25], msg[50];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i + 1);
	memset(msg, 0xcd, sizeof(msg));
	assert_hmac_hex(key, sizeof(key), msg, sizeof(msg),
	                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

static void hmac_rfc4231_case6(void **state)
{
	(void)state;
	unsigned char key[131];
	const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
	memset(key, 0xaa, sizeof(key));
	assert_hmac_hex(key, sizeof(key), msg, strlen(msg),
	                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void hmac_rfc4231_case7(void **state)
{
	(void)state;
	unsigned char key[131];
	const char *msg = "This is a test using a larger than block-size key and a larger than "
	                  "block-size data. The key needs to be hashed before being used by the "
	                  "HMAC algorithm.";
	memset(key, 0xaa, sizeof(key));
	assert_hmac_hex(key, sizeof(key), msg, strlen(msg),
	                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void hmac_accepts_empty_key_and_message(void **state)
{
	(void)state;
	assert_hmac_hex(NULL, 0, NULL, 0,
	                "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	unsigned char mac[CRYPTO_SHA256_LEN];
	assert_int_equal(crypto_hmac_sha256(NULL, 3, "", 0, mac), ERR_INVALID_ARG);
}

/* onOffice API HMAC v2: base64(HMAC_SHA256(secret, timestamp . token . resourcetype . action)) */

#define OO_ACTION "urn:onoffice-de-ns:smart:2.5:smartml:action:"

static void assert_onoffice_v2(const char *token, const char *secret, long timestamp,
                               const char *resourcetype, const char *actionid, const char *expected)
{
	char msg[512], b64[CRYPTO_BASE64_LEN(CRYPTO_SHA256_LEN) + 1];
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t len = 0;
	int n = snprintf(msg, sizeof(msg), "%ld%s%s%s", timestamp, token, resourcetype, actionid);
	assert_true(n > 0 && (size_t)n < sizeof(msg));
	assert_int_equal(crypto_hmac_sha256(secret, strlen(secret), msg, (size_t)n, mac), ERR_OK);
	assert_int_equal(crypto_base64_encode(mac, sizeof(mac), b64, sizeof(b64), &len), ERR_OK);
	assert_int_equal(len, 44);
	assert_string_equal(b64, expected);
}

static void onoffice_hmac_v2_vectors(void **state)
{
	(void)state;
	assert_onoffice_v2("mgjIQkNRnaqggVzy9cZW", "yOJobbhGLXdp90XxvxedFhH7073L9U", 123456789,
	                   "estateCategories", OO_ACTION "get",
	                   "dsvg3r4AFcQXges0MZ+3auzQVfnEB39pLkKSgmm9Wvg=");
	assert_onoffice_v2("testtoken", "testsecret", 1646228220, "calendar", OO_ACTION "read",
	                   "w6ifKMmAdJoKhu0vl2twvfP+ltyOTQ7LqLpvsZkOnlg=");
	assert_onoffice_v2("dX5hkIIU6W", "dhY8h7FeU9", 123456789, "estateCategories",
	                   OO_ACTION "get", "F9OXyaJv7p+bLkwGDGV7ZUmfYgjH2E24zpsxY5/nVDk=");
}

static void marketplace_activation_vector(void **state)
{
	(void)state;
	const char *url = "https://provider.example/activate.php?apiClaim=abc&apiToken=tok"
	                  "&customerName=Muster&customerWebId=12345"
	                  "&parameterCacheId=6802c44a-7ac0-4210-a3d4-e5581e3fa0b6"
	                  "&timestamp=1700000000&userId=17";
	assert_hmac_hex("secret", 6, url, strlen(url),
	                "aaa0dfc0e79a2f03805df22cad545c79e80e35631588d1d893b5eda41c442487");
}

static void sha256_known_digests(void **state)
{
	(void)state;
	unsigned char d[CRYPTO_SHA256_LEN];
	char hex[2 * CRYPTO_SHA256_LEN + 1];
	assert_int_equal(crypto_sha256("abc", 3, d), ERR_OK);
	crypto_hex_encode(d, sizeof(d), hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_sha256(NULL, 0, d), ERR_OK);
	crypto_hex_encode(d, sizeof(d), hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Base64 */

static const char *const rfc4648_plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
static const char *const rfc4648_b64[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                          "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
static const char *const rfc4648_b64url[] = {"",       "Zg",      "Zm8",     "Zm9v",
                                             "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};

static void base64_encodes_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648_plain) / sizeof(rfc4648_plain[0]); i++) {
		char out[16];
		size_t len = 99;
		const char *p = rfc4648_plain[i];
		assert_int_equal(crypto_base64_encode(p, strlen(p), out, sizeof(out), &len),
		                 ERR_OK);
		assert_string_equal(out, rfc4648_b64[i]);
		assert_int_equal(len, strlen(rfc4648_b64[i]));
		assert_int_equal(len, CRYPTO_BASE64_LEN(strlen(p)));
		assert_int_equal(crypto_base64url_encode(p, strlen(p), out, sizeof(out), &len),
		                 ERR_OK);
		assert_string_equal(out, rfc4648_b64url[i]);
		assert_int_equal(len, CRYPTO_BASE64URL_LEN(strlen(p)));
	}
}

static void base64_decodes_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648_plain) / sizeof(rfc4648_plain[0]); i++) {
		unsigned char out[16];
		size_t len = 99;
		const char *p = rfc4648_plain[i];
		const char *t = rfc4648_b64[i];
		assert_int_equal(crypto_base64_decode(t, strlen(t), out, sizeof(out), &len),
		                 ERR_OK);
		assert_int_equal(len, strlen(p));
		assert_memory_equal(out, p, len);
		t = rfc4648_b64url[i];
		len = 99;
		assert_int_equal(crypto_base64url_decode(t, strlen(t), out, sizeof(out), &len),
		                 ERR_OK);
		assert_int_equal(len, strlen(p));
		assert_memory_equal(out, p, len);
	}
}

static void base64_alphabets_differ_in_two_characters(void **state)
{
	(void)state;
	const unsigned char in[] = {0xfb, 0xff, 0xbf};
	unsigned char back[3];
	char out[8];
	size_t len;
	assert_int_equal(crypto_base64_encode(in, 3, out, sizeof(out), NULL), ERR_OK);
	assert_string_equal(out, "+/+/");
	assert_int_equal(crypto_base64url_encode(in, 3, out, sizeof(out), NULL), ERR_OK);
	assert_string_equal(out, "-_-_");
	assert_int_equal(crypto_base64url_decode("-_-_", 4, back, 3, &len), ERR_OK);
	assert_memory_equal(back, in, 3);
	assert_int_equal(crypto_base64_decode("-_-_", 4, back, 3, &len), ERR_INVALID_ARG);
	assert_int_equal(crypto_base64url_decode("+/+/", 4, back, 3, &len), ERR_INVALID_ARG);
}

static void base64_decode_refuses_malformed_text(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "Zg=",      /* length not a multiple of 4 */
	    "Zg=a",     /* '=' before a data character */
	    "Z===",     /* three padding characters */
	    "====",     /* nothing but padding */
	    "Zg==Zg==", /* padding in the middle */
	    "Zm9v!A==", /* character outside the alphabet */
	    " Zg=",     /* whitespace */
	    "Zg==\n",   /* trailing newline */
	    "Zm9v\r\nYg==",
	    "Zh==", /* non-zero unused bits: not the canonical text of "f" */
	    "Zm9=", /* same for two bytes */
	    "Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char out[16];
		size_t len = 99;
		memset(out, 0x55, sizeof(out));
		assert_int_equal(
		    crypto_base64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &len),
		    ERR_INVALID_ARG);
		assert_int_equal(len, 0);
	}
	/* An embedded NUL is a bad character, not the end of the text. */
	unsigned char out[8];
	assert_int_equal(crypto_base64_decode("Zg\0=", 4, out, sizeof(out), NULL), ERR_INVALID_ARG);
	/* Unpadded Base64url refuses '=' and a length of 4k+1. */
	assert_int_equal(crypto_base64url_decode("Zg==", 4, out, sizeof(out), NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(crypto_base64url_decode("Zm9vY", 5, out, sizeof(out), NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(crypto_base64url_decode("Zh", 2, out, sizeof(out), NULL), ERR_INVALID_ARG);
}

static void base64_checks_capacity(void **state)
{
	(void)state;
	char text[9];
	unsigned char bytes[6];
	size_t len = 99;
	/* "foobar" needs 8 characters plus the terminator. */
	assert_int_equal(crypto_base64_encode("foobar", 6, text, 8, &len), ERR_TOO_LARGE);
	assert_string_equal(text, "");
	assert_int_equal(len, 0);
	assert_int_equal(crypto_base64_encode("foobar", 6, text, 9, &len), ERR_OK);
	assert_string_equal(text, "Zm9vYmFy");
	assert_int_equal(crypto_base64url_encode("f", 1, text, 2, &len), ERR_TOO_LARGE);
	assert_int_equal(crypto_base64url_encode("f", 1, text, 3, &len), ERR_OK);
	assert_string_equal(text, "Zg");
	/* Decoding needs no terminator: exactly the decoded length fits. */
	assert_int_equal(crypto_base64_decode("Zm9vYmFy", 8, bytes, 5, &len), ERR_TOO_LARGE);
	assert_int_equal(crypto_base64_decode("Zm9vYmFy", 8, bytes, 6, &len), ERR_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(bytes, "foobar", 6);
	assert_int_equal(crypto_base64_decode("Zm9vYg==", 8, bytes, 3, &len), ERR_TOO_LARGE);
	assert_int_equal(crypto_base64_decode("Zm9vYg==", 8, bytes, 4, &len), ERR_OK);
	assert_int_equal(len, 4);
}

static void base64_round_trips_all_byte_values(void **state)
{
	(void)state;
	unsigned char in[256], back[256];
	char text[CRYPTO_BASE64_LEN(256) + 1];
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	for (size_t n = 0; n <= sizeof(in); n += 37) {
		size_t tlen, blen;
		assert_int_equal(crypto_base64_encode(in, n, text, sizeof(text), &tlen), ERR_OK);
		assert_int_equal(crypto_base64_decode(text, tlen, back, sizeof(back), &blen),
		                 ERR_OK);
		assert_int_equal(blen, n);
		assert_memory_equal(back, in, n);
		assert_int_equal(crypto_base64url_encode(in, n, text, sizeof(text), &tlen), ERR_OK);
		assert_int_equal(crypto_base64url_decode(text, tlen, back, sizeof(back), &blen),
		                 ERR_OK);
		assert_int_equal(blen, n);
		assert_memory_equal(back, in, n);
	}
}

/* Hex */

static void hex_round_trips(void **state)
{
	(void)state;
	const unsigned char in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff};
	unsigned char back[8];
	char text[17];
	size_t len = 99;
	crypto_hex_encode(in, sizeof(in), text);
	assert_string_equal(text, "00017f80abcdefff");
	assert_int_equal(crypto_hex_decode(text, 16, back, sizeof(back), &len), ERR_OK);
	assert_int_equal(len, 8);
	assert_memory_equal(back, in, 8);
	assert_int_equal(crypto_hex_decode("00017F80ABcDeFfF", 16, back, sizeof(back), &len),
	                 ERR_OK);
	assert_memory_equal(back, in, 8);
	crypto_hex_encode(NULL, 0, text);
	assert_string_equal(text, "");
	assert_int_equal(crypto_hex_decode("", 0, back, sizeof(back), &len), ERR_OK);
	assert_int_equal(len, 0);
}

static void hex_decode_refuses_malformed_text(void **state)
{
	(void)state;
	static const char *const bad[] = {"abc",  "0g", "g0", "0x12", "12 3", " 123",
	                                  "12\n", "@0", "`0", "/0",   ":0",   "G0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char out[4];
		size_t len = 99;
		assert_int_equal(crypto_hex_decode(bad[i], strlen(bad[i]), out, sizeof(out), &len),
		                 ERR_INVALID_ARG);
		assert_int_equal(len, 0);
	}
	unsigned char out[2];
	assert_int_equal(crypto_hex_decode("aabbcc", 6, out, sizeof(out), NULL), ERR_TOO_LARGE);
	assert_int_equal(crypto_hex_decode("aabb", 4, out, sizeof(out), NULL), ERR_OK);
	/* A failure leaves nothing of the decoded prefix behind. */
	assert_int_equal(crypto_hex_decode("ab0z", 4, out, sizeof(out), NULL), ERR_INVALID_ARG);
	assert_int_equal(out[0], 0);
}

/* Randomness */

static bool is_base64url(const char *s)
{
	const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	return strspn(s, alphabet) == strlen(s);
}

static void random_tokens_have_expected_shape(void **state)
{
	(void)state;
	char a[44], b[44], big[CRYPTO_BASE64URL_LEN(100) + 1];
	assert_int_equal(crypto_random_token(a, sizeof(a), 32), ERR_OK);
	assert_int_equal(crypto_random_token(b, sizeof(b), 32), ERR_OK);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strlen(b), 43);
	assert_true(is_base64url(a));
	assert_true(is_base64url(b));
	assert_string_not_equal(a, b);
	/* More than one internal chunk: 100 bytes are 134 characters. */
	assert_int_equal(sizeof(big), 135);
	assert_int_equal(crypto_random_token(big, sizeof(big), 100), ERR_OK);
	assert_int_equal(strlen(big), 134);
	assert_true(is_base64url(big));
	/* The last character of 32 bytes ends in 2 zero bits: one of "AEIMQUYcgkosw048". */
	assert_non_null(strchr("AEIMQUYcgkosw048", a[42]));
}

static void random_token_refuses_bad_arguments(void **state)
{
	(void)state;
	char out[43];
	assert_int_equal(crypto_random_token(out, sizeof(out), 32), ERR_TOO_LARGE);
	assert_string_equal(out, "");
	assert_int_equal(crypto_random_token(out, sizeof(out), 0), ERR_INVALID_ARG);
}

static void random_bytes_differ(void **state)
{
	(void)state;
	unsigned char a[32], b[32];
	assert_int_equal(crypto_random(a, sizeof(a)), ERR_OK);
	assert_int_equal(crypto_random(b, sizeof(b)), ERR_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(crypto_random(NULL, 0), ERR_OK);
}

/* Comparison and cleansing */

static void constant_time_comparisons(void **state)
{
	(void)state;
	assert_true(crypto_equal("abcdef", "abcdef", 6));
	assert_false(crypto_equal("abcdef", "abcdeg", 6));
	assert_false(crypto_equal("xbcdef", "abcdef", 6));
	assert_true(crypto_equal("a", "b", 0));
	assert_true(crypto_streq("token", "token"));
	assert_true(crypto_streq("", ""));
	assert_false(crypto_streq("token", "tokem"));
	assert_false(crypto_streq("token", "token2"));
	assert_false(crypto_streq("token2", "token"));
	assert_false(crypto_streq("", "x"));
	assert_false(crypto_streq(NULL, "x"));
	assert_false(crypto_streq("x", NULL));
	assert_false(crypto_streq(NULL, NULL));
}

static void cleanse_zeroes(void **state)
{
	(void)state;
	unsigned char buf[16];
	memset(buf, 0xa5, sizeof(buf));
	crypto_cleanse(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	crypto_cleanse(NULL, 0);
}

/* Keys */

#define KEY1_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY2_HEX "F0E1D2C3B4A5968778695A4B3C2D1E0FF0E1D2C3B4A5968778695A4B3C2D1E0F"

static struct crypto_key key_of(const char *hex, unsigned char version)
{
	struct crypto_key k;
	struct err e = ERR_INIT;
	assert_int_equal(crypto_key_from_hex(hex, version, &k, &e), ERR_OK);
	return k;
}

static void key_from_hex_accepts_64_hex_characters(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 7);
	assert_int_equal(k.version, 7);
	for (size_t i = 0; i < sizeof(k.key); i++)
		assert_int_equal(k.key[i], i);
	k = key_of(KEY2_HEX, 2);
	assert_int_equal(k.key[0], 0xf0);
	assert_int_equal(k.key[31], 0x0f);
	assert_int_equal(crypto_key_from_hex(KEY1_HEX, 1, &k, NULL), ERR_OK);
}

static void key_from_hex_refuses_without_echoing(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    /* 63 characters */
	    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
	    /* 65 characters */
	    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a",
	    /* 64 characters, one not hex */
	    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071829Xa4b5c6d7e8f90",
	    /* trailing newline: trimming is the caller's job */
	    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n",
	    "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct crypto_key k;
		struct err e = ERR_INIT;
		memset(&k, 0x77, sizeof(k));
		assert_int_equal(crypto_key_from_hex(bad[i], 3, &k, &e), ERR_INVALID_ARG);
		assert_int_equal(e.code, ERR_INVALID_ARG);
		assert_true(strlen(e.message) > 0);
		/* Neither the key nor any recognisable piece of it shows up. */
		assert_null(strstr(e.message, "a1b2c3d4"));
		assert_null(strstr(e.message, "6d7e8f9"));
		assert_null(strstr(e.field, "a1b2"));
		for (size_t j = 0; j < sizeof(k.key); j++)
			assert_int_equal(k.key[j], 0);
	}
	struct crypto_key k;
	assert_int_equal(crypto_key_from_hex(NULL, 1, &k, NULL), ERR_INVALID_ARG);
}

/* Sealing */

static void seal_open_round_trip(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 1);
	const char *secret = "onOffice API secret";
	unsigned char *sealed = NULL, *pt = NULL;
	size_t sealed_len = 0, ptlen = 0;
	assert_int_equal(
	    crypto_seal(&k, "company:1", 9, secret, strlen(secret), &sealed, &sealed_len), ERR_OK);
	assert_int_equal(sealed_len, strlen(secret) + CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(sealed[0], 1);
	assert_memory_not_equal(sealed + 1 + CRYPTO_GCM_NONCE_LEN, secret, strlen(secret));
	assert_int_equal(crypto_open(&k, 1, "company:1", 9, sealed, sealed_len, &pt, &ptlen),
	                 ERR_OK);
	assert_int_equal(ptlen, strlen(secret));
	assert_string_equal((const char *)pt, secret);
	crypto_cleanse(pt, ptlen);
	free(pt);
	free(sealed);
}

static void seal_open_empty_plaintext_and_aad(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 9);
	unsigned char *sealed = NULL, *pt = NULL;
	size_t sealed_len = 0, ptlen = 99;
	assert_int_equal(crypto_seal(&k, NULL, 0, NULL, 0, &sealed, &sealed_len), ERR_OK);
	assert_int_equal(sealed_len, CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(crypto_open(&k, 1, NULL, 0, sealed, sealed_len, &pt, &ptlen), ERR_OK);
	assert_non_null(pt);
	assert_int_equal(ptlen, 0);
	assert_int_equal(pt[0], '\0');
	free(pt);
	/* An empty AAD is not the same as a non-empty one. */
	assert_int_equal(crypto_open(&k, 1, "x", 1, sealed, sealed_len, &pt, &ptlen), ERR_AUTH_TAG);
	free(sealed);
}

/*
 * McGrew & Viega GCM test case 16 (AES-256, 96-bit IV, 20 bytes AAD). Its AAD
 * starts with 0xfe, so it is a sealed value under key version 0xfe with the
 * remaining 19 AAD bytes as the caller's: this pins the wire format and that
 * the version byte precedes the caller's AAD.
 */
static void open_accepts_published_gcm_vector(void **state)
{
	(void)state;
	struct crypto_key k = key_of("feffe9928665731c6d6a8f9467308308"
	                             "feffe9928665731c6d6a8f9467308308",
	                             0xfe);
	unsigned char in[256], aad[32], expected[64], *pt = NULL;
	size_t n = 0, aadlen, explen, ptlen = 0;
	n += unhex("fe", in + n, sizeof(in) - n);
	n += unhex("cafebabefacedbaddecaf888", in + n, sizeof(in) - n);
	n += unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	           "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	           in + n, sizeof(in) - n);
	n += unhex("76fc6ece0f4e1768cddf8853bb2d551b", in + n, sizeof(in) - n);
	aadlen = unhex("edfacedeadbeeffeedfacedeadbeefabaddad2", aad, sizeof(aad));
	explen = unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	               "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	               expected, sizeof(expected));
	assert_int_equal(crypto_open(&k, 1, aad, aadlen, in, n, &pt, &ptlen), ERR_OK);
	assert_int_equal(ptlen, explen);
	assert_memory_equal(pt, expected, explen);
	free(pt);
}

/* Seals "top secret" under KEY1 v1 with AAD "row:5"; the caller frees *sealed. */
static size_t seal_fixture(unsigned char **sealed)
{
	struct crypto_key k = key_of(KEY1_HEX, 1);
	size_t len = 0;
	assert_int_equal(crypto_seal(&k, "row:5", 5, "top secret", 10, sealed, &len), ERR_OK);
	assert_int_equal(len, 10 + CRYPTO_SEAL_OVERHEAD);
	return len;
}

/* Opening in[0..n) with keys must fail with ERR_AUTH_TAG and hand out nothing. */
static void assert_refused(const struct crypto_key *keys, size_t nkeys, const char *aad,
                           const unsigned char *in, size_t n)
{
	static unsigned char sentinel[1];
	unsigned char *pt = sentinel;
	size_t ptlen = 42;
	assert_int_equal(crypto_open(keys, nkeys, aad, strlen(aad), in, n, &pt, &ptlen),
	                 ERR_AUTH_TAG);
	assert_null(pt);
	assert_int_equal(ptlen, 0);
}

static void open_detects_tampering(void **state)
{
	(void)state;
	/* Same key material under versions 1 and 2: a rewritten version byte finds a
	 * key, so only its authentication can catch it. */
	struct crypto_key keys[2] = {key_of(KEY1_HEX, 1), key_of(KEY1_HEX, 2)};
	unsigned char *sealed;
	size_t n = seal_fixture(&sealed);
	const size_t at[] = {
	    0,                            /* version */
	    1,                            /* first nonce byte */
	    CRYPTO_GCM_NONCE_LEN,         /* last nonce byte */
	    1 + CRYPTO_GCM_NONCE_LEN,     /* first ciphertext byte */
	    1 + CRYPTO_GCM_NONCE_LEN + 9, /* last ciphertext byte */
	    n - CRYPTO_GCM_TAG_LEN,       /* first tag byte */
	    n - 1,                        /* last tag byte */
	};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		unsigned char bit = at[i] == 0 ? 0x03 : 0x01; /* version 1 -> 2 */
		sealed[at[i]] ^= bit;
		assert_refused(keys, 2, "row:5", sealed, n);
		sealed[at[i]] ^= bit;
	}
	/* Untouched, it opens: the failures above were the tampering. */
	unsigned char *pt = NULL;
	size_t ptlen = 0;
	assert_int_equal(crypto_open(keys, 2, "row:5", 5, sealed, n, &pt, &ptlen), ERR_OK);
	assert_string_equal((const char *)pt, "top secret");
	free(pt);
	free(sealed);
}

static void open_refuses_truncated_input(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 1);
	unsigned char *sealed;
	size_t n = seal_fixture(&sealed);
	assert_refused(&k, 1, "row:5", sealed, n - 1);
	assert_refused(&k, 1, "row:5", sealed, CRYPTO_SEAL_OVERHEAD);
	assert_refused(&k, 1, "row:5", sealed, CRYPTO_SEAL_OVERHEAD - 1);
	assert_refused(&k, 1, "row:5", sealed, 1);
	assert_refused(&k, 1, "row:5", sealed, 0);
	assert_refused(&k, 1, "row:5", NULL, 0);
	free(sealed);
}

static void open_refuses_other_aad_key_or_version(void **state)
{
	(void)state;
	struct crypto_key right = key_of(KEY1_HEX, 1);
	struct crypto_key wrong = key_of(KEY2_HEX, 1);
	struct crypto_key other_version = key_of(KEY1_HEX, 3);
	unsigned char *sealed;
	size_t n = seal_fixture(&sealed);
	assert_refused(&right, 1, "row:6", sealed, n);
	assert_refused(&right, 1, "row:5 ", sealed, n);
	assert_refused(&right, 1, "", sealed, n);
	assert_refused(&wrong, 1, "row:5", sealed, n);
	assert_refused(&other_version, 1, "row:5", sealed, n);
	assert_refused(NULL, 0, "row:5", sealed, n);
	free(sealed);
}

static void open_picks_key_by_version_for_rotation(void **state)
{
	(void)state;
	struct crypto_key v1 = key_of(KEY1_HEX, 1);
	struct crypto_key keys[2] = {key_of(KEY2_HEX, 2), v1};
	unsigned char *old = NULL, *fresh = NULL, *pt = NULL;
	size_t old_len, fresh_len, ptlen;
	assert_int_equal(crypto_seal(&v1, "a", 1, "old secret", 10, &old, &old_len), ERR_OK);
	assert_int_equal(crypto_seal(&keys[0], "a", 1, "new secret", 10, &fresh, &fresh_len),
	                 ERR_OK);
	assert_int_equal(fresh[0], 2);
	assert_int_equal(crypto_open(keys, 2, "a", 1, old, old_len, &pt, &ptlen), ERR_OK);
	assert_string_equal((const char *)pt, "old secret");
	free(pt);
	assert_int_equal(crypto_open(keys, 2, "a", 1, fresh, fresh_len, &pt, &ptlen), ERR_OK);
	assert_string_equal((const char *)pt, "new secret");
	free(pt);
	/* After the rotation is finished and v1 dropped, old values no longer open. */
	assert_refused(keys, 1, "a", old, old_len);
	free(old);
	free(fresh);
}

static void seal_uses_fresh_nonce_each_time(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 1);
	unsigned char *a = NULL, *b = NULL;
	size_t alen, blen;
	assert_int_equal(crypto_seal(&k, NULL, 0, "same", 4, &a, &alen), ERR_OK);
	assert_int_equal(crypto_seal(&k, NULL, 0, "same", 4, &b, &blen), ERR_OK);
	assert_int_equal(alen, blen);
	assert_memory_not_equal(a + 1, b + 1, CRYPTO_GCM_NONCE_LEN);
	assert_memory_not_equal(a + 1 + CRYPTO_GCM_NONCE_LEN, b + 1 + CRYPTO_GCM_NONCE_LEN, 4);
	free(a);
	free(b);
}

static void seal_refuses_null_arguments(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 1);
	static unsigned char sentinel[1];
	unsigned char *out = sentinel;
	size_t len = 42;
	assert_int_equal(crypto_seal(NULL, NULL, 0, "x", 1, &out, &len), ERR_INVALID_ARG);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(crypto_seal(&k, NULL, 3, "x", 1, &out, &len), ERR_INVALID_ARG);
	assert_int_equal(crypto_seal(&k, NULL, 0, NULL, 1, &out, &len), ERR_INVALID_ARG);
	assert_int_equal(crypto_seal(&k, NULL, 0, "x", 1, NULL, &len), ERR_INVALID_ARG);
}

static void seal_b64_round_trip(void **state)
{
	(void)state;
	struct crypto_key k = key_of(KEY1_HEX, 4);
	char *text = NULL;
	unsigned char *pt = NULL, raw[64];
	size_t ptlen = 0, rawlen = 0;
	assert_int_equal(crypto_seal_b64(&k, "c:1", 3, "hunter2", 7, &text), ERR_OK);
	assert_int_equal(strlen(text), CRYPTO_BASE64_LEN(7 + CRYPTO_SEAL_OVERHEAD));
	assert_int_equal(crypto_base64_decode(text, strlen(text), raw, sizeof(raw), &rawlen),
	                 ERR_OK);
	assert_int_equal(rawlen, 7 + CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(raw[0], 4);
	assert_int_equal(crypto_open_b64(&k, 1, "c:1", 3, text, &pt, &ptlen), ERR_OK);
	assert_int_equal(ptlen, 7);
	assert_string_equal((const char *)pt, "hunter2");
	free(pt);
	assert_int_equal(crypto_open_b64(&k, 1, "c:2", 3, text, &pt, &ptlen), ERR_AUTH_TAG);
	assert_null(pt);
	/* Text that is not Base64 at all is unreadable data, like a bad tag. */
	assert_int_equal(crypto_open_b64(&k, 1, "c:1", 3, "not base64!", &pt, &ptlen),
	                 ERR_AUTH_TAG);
	assert_int_equal(crypto_open_b64(&k, 1, "c:1", 3, "", &pt, &ptlen), ERR_AUTH_TAG);
	assert_int_equal(crypto_open_b64(&k, 1, "c:1", 3, NULL, &pt, &ptlen), ERR_AUTH_TAG);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hmac_rfc4231_case1),
	    cmocka_unit_test(hmac_rfc4231_case2),
	    cmocka_unit_test(hmac_rfc4231_case3),
	    cmocka_unit_test(hmac_rfc4231_case4),
	    cmocka_unit_test(hmac_rfc4231_case6),
	    cmocka_unit_test(hmac_rfc4231_case7),
	    cmocka_unit_test(hmac_accepts_empty_key_and_message),
	    cmocka_unit_test(onoffice_hmac_v2_vectors),
	    cmocka_unit_test(marketplace_activation_vector),
	    cmocka_unit_test(sha256_known_digests),
	    cmocka_unit_test(base64_encodes_rfc4648_vectors),
	    cmocka_unit_test(base64_decodes_rfc4648_vectors),
	    cmocka_unit_test(base64_alphabets_differ_in_two_characters),
	    cmocka_unit_test(base64_decode_refuses_malformed_text),
	    cmocka_unit_test(base64_checks_capacity),
	    cmocka_unit_test(base64_round_trips_all_byte_values),
	    cmocka_unit_test(hex_round_trips),
	    cmocka_unit_test(hex_decode_refuses_malformed_text),
	    cmocka_unit_test(random_tokens_have_expected_shape),
	    cmocka_unit_test(random_token_refuses_bad_arguments),
	    cmocka_unit_test(random_bytes_differ),
	    cmocka_unit_test(constant_time_comparisons),
	    cmocka_unit_test(cleanse_zeroes),
	    cmocka_unit_test(key_from_hex_accepts_64_hex_characters),
	    cmocka_unit_test(key_from_hex_refuses_without_echoing),
	    cmocka_unit_test(seal_open_round_trip),
	    cmocka_unit_test(seal_open_empty_plaintext_and_aad),
	    cmocka_unit_test(open_accepts_published_gcm_vector),
	    cmocka_unit_test(open_detects_tampering),
	    cmocka_unit_test(open_refuses_truncated_input),
	    cmocka_unit_test(open_refuses_other_aad_key_or_version),
	    cmocka_unit_test(open_picks_key_by_version_for_rotation),
	    cmocka_unit_test(seal_uses_fresh_nonce_each_time),
	    cmocka_unit_test(seal_refuses_null_arguments),
	    cmocka_unit_test(seal_b64_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
