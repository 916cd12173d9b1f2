/*
 * Unit tests for src/onoffice/marketplace.c: verifying and signing Marketplace
 * URLs exactly as onOffice's PHP example (onoffice-protocol §10.3).
 *
 * The expected canonical queries and signatures below were computed with
 * php-cli 8.2 from the raw queries, as CheckSignature.class.php does:
 *
 *   function canon($raw) { parse_str($raw, $q); unset($q['signature']); ksort($q);
 *                          return http_build_query($q); }
 *   $sig = hash_hmac("sha256", "https://h.example/onoffice/activate?" . canon($raw), "secret");
 *
 * tests/system/test_marketplace_php.py repeats the cross-check live against php-cli.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "onoffice/marketplace.h"

#define BASE "https://h.example/onoffice/activate"
#define TS   1700000000

struct vector {
	const char *raw, *canon, *sig;
};

static const struct vector php_vectors[] = {
    {"apiToken=tok&parameterCacheId=6802c44a-7ac0-4210-a3d4-e5581e3fa0b6&apiClaim=abc&"
     "customerName=Muster&customerWebId=12345&userId=17&timestamp=1700000000",
     "apiClaim=abc&apiToken=tok&customerName=Muster&customerWebId=12345&parameterCacheId="
     "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6&timestamp=1700000000&userId=17",
     "b2cd18f28151c38e009a3183e553b2d1e9867d369d7f7a94e5eb1e8769ca1821"},
    /* spaces as '+' and %20, an encoded '&', '~' as %7E, a base64 claim with + / = */
    {"customerName=Max+Mustermann%20GmbH+%26+Co.%7EKG&apiClaim=ab%2Bcd%2F%3D%3D&apiToken=t&"
     "parameterCacheId=c&customerWebId=1&userId=2&timestamp=1700000000",
     "apiClaim=ab%2Bcd%2F%3D%3D&apiToken=t&customerName=Max+Mustermann+GmbH+%26+Co.%7EKG&"
     "customerWebId=1&parameterCacheId=c&timestamp=1700000000&userId=2",
     "ef4e600afeff0631dd66f90301119a1af7fb948bd49e0b5da48fdc41d19ae835"},
    /* a literal '+' (a space), '~' literal and lower-case %7e, umlauts as %C3%BC, %c3%bc
     * and raw UTF-8, empty values with and without '=', %2B and %252B, invalid %
     * sequences kept, a repeated key (the last counts) */
    {"apiClaim=ab+cd&x=~a%7eb&customerName=M%C3%BCller&name2=m%c3%bcller&name3=M\xC3\xBCller&"
     "groupId=&flag&y=%2B&z=%252B&w=%zz&v=100%&u=%4&apiToken=t&parameterCacheId=c&"
     "customerWebId=1&userId=1&userId=17&timestamp=1700000000",
     "apiClaim=ab+cd&apiToken=t&customerName=M%C3%BCller&customerWebId=1&flag=&groupId=&"
     "name2=m%C3%BCller&name3=M%C3%BCller&parameterCacheId=c&timestamp=1700000000&u=%254&"
     "userId=17&v=100%25&w=%25zz&x=%7Ea%7Eb&y=%2B&z=%252B",
     "ec77ccb1a914a01cf298789392b3ccf818c24cd13440cf7d477455521fd9478d"},
    /* key treatment of parse_str ('.' and ' ' to '_', leading spaces dropped, empty
     * pieces and names dropped), upper case sorting before lower case */
    {"a.b=1&c+d=2&+lead=3&&=orphan&UserLanguage=DEU&language=ENG&apiClaim=k&customerWebId=1&"
     "userId=2&timestamp=1700000000",
     "UserLanguage=DEU&a_b=1&apiClaim=k&c_d=2&customerWebId=1&language=ENG&lead=3&"
     "timestamp=1700000000&userId=2",
     "a13e9b524ca1c1e687ac75e6c338f7f8aa9315a800e5ce46c075bf456c385c88"},
};

static struct oo_mp_check check(enum oo_mp_kind kind, int64_t now)
{
	return (struct oo_mp_check){"secret", kind, now, 0};
}

/* verify(BASE, raw + "&signature=" + sig) */
static int verify_raw(const char *raw, const char *sig, enum oo_mp_kind kind, int64_t now,
                      struct oo_mp_link *out, struct err *e)
{
	char query[2048];
	snprintf(query, sizeof(query), "%s&signature=%s", raw, sig);
	struct oo_mp_check chk = check(kind, now);
	return oo_mp_verify(BASE, query, &chk, out, e);
}

static void doc_vector_verifies(void **state)
{
	(void)state;
	/* The vector of onoffice-protocol §10.3 (aaa0dfc0…); the port is not signed. */
	const char *q =
	    "apiClaim=abc&apiToken=tok&customerName=Muster&customerWebId=12345&"
	    "parameterCacheId=6802c44a-7ac0-4210-a3d4-e5581e3fa0b6&timestamp=1700000000&"
	    "userId=17";
	char url[1024];
	snprintf(url, sizeof(url),
	         "https://provider.example:8443/activate.php?%s&signature="
	         "aaa0dfc0e79a2f03805df22cad545c79e80e35631588d1d893b5eda41c442487",
	         q);
	struct oo_mp_check chk = check(OO_MP_ACTIVATION, TS + 5);
	struct oo_mp_link l;
	struct err e = ERR_INIT;
	assert_int_equal(oo_mp_verify_url(url, &chk, &l, &e), ERR_OK);
	assert_int_equal(l.failure, OO_MP_OK);
	assert_string_equal(l.api_token, "tok");
	assert_string_equal(l.parameter_cache_id, "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6");
	assert_string_equal(l.api_claim, "abc");
	assert_string_equal(l.customer_name, "Muster");
	assert_string_equal(l.customer_web_id, "12345");
	assert_string_equal(l.user_id, "17");
	assert_null(l.group_id);
	assert_int_equal(l.timestamp, TS);
	assert_int_equal(l.nparams, 7); /* signature is not among them */
	assert_null(oo_mp_get(&l, "signature"));
	assert_string_equal(l.params[0].key, "apiClaim");
	oo_mp_link_release(&l);

	/* The base is signed: another host, path or scheme fails. */
	const char *others[] = {"https://other.example/activate.php",
	                        "https://provider.example/x.php",
	                        "http://provider.example/activate.php"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(url, sizeof(url),
		         "%s?%s&signature="
		         "aaa0dfc0e79a2f03805df22cad545c79e80e35631588d1d893b5eda41c442487",
		         others[i], q);
		assert_int_equal(oo_mp_verify_url(url, &chk, &l, &e), ERR_UNAUTHORIZED);
		assert_int_equal(l.failure, OO_MP_BAD_SIGNATURE);
	}
}

static void canonical_queries_match_php(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(php_vectors) / sizeof(php_vectors[0]); i++) {
		struct buf out = BUF_INIT(1 << 16);
		char *sig = (char *)1;
		assert_int_equal(oo_mp_canonical_query(php_vectors[i].raw, &out, &sig, NULL),
		                 ERR_OK);
		assert_string_equal(buf_str(&out), php_vectors[i].canon);
		assert_null(sig);
		buf_release(&out);
	}
}

static void php_signatures_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(php_vectors) / sizeof(php_vectors[0]); i++) {
		struct oo_mp_link l;
		struct err e = ERR_INIT;
		enum oo_mp_kind kind = i == 3 ? OO_MP_SERVICE : OO_MP_ACTIVATION;
		assert_int_equal(
		    verify_raw(php_vectors[i].raw, php_vectors[i].sig, kind, TS, &l, &e), ERR_OK);
		assert_int_equal(l.failure, OO_MP_OK);
		if (i == 1) {
			assert_string_equal(l.customer_name, "Max Mustermann GmbH & Co.~KG");
			assert_string_equal(l.api_claim, "ab+cd/==");
		}
		if (i == 2) {
			assert_string_equal(l.api_claim,
			                    "ab cd"); /* a raw '+' is a space, as in PHP */
			assert_string_equal(l.customer_name, "M\xC3\xBCller");
			assert_string_equal(oo_mp_get(&l, "x"), "~a~b");
			assert_string_equal(oo_mp_get(&l, "y"), "+");
			assert_string_equal(oo_mp_get(&l, "z"), "%2B");
			assert_string_equal(oo_mp_get(&l, "w"), "%zz");
			assert_string_equal(oo_mp_get(&l, "v"), "100%");
			assert_string_equal(oo_mp_get(&l, "flag"), "");
			assert_string_equal(l.group_id, "");
			assert_string_equal(l.user_id, "17");
		}
		if (i == 3) {
			assert_string_equal(oo_mp_get(&l, "a_b"), "1");
			assert_string_equal(oo_mp_get(&l, "lead"), "3");
			assert_null(l.api_token);
		}
		oo_mp_link_release(&l);
	}
}

static void upper_case_signature_is_accepted(void **state)
{
	(void)state;
	char sig[65];
	snprintf(sig, sizeof(sig), "%s", php_vectors[0].sig);
	for (char *p = sig; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	struct oo_mp_link l;
	assert_int_equal(verify_raw(php_vectors[0].raw, sig, OO_MP_ACTIVATION, TS, &l, NULL),
	                 ERR_OK);
	oo_mp_link_release(&l);
}

static void tampering_is_refused(void **state)
{
	(void)state;
	struct oo_mp_link l;
	struct err e = ERR_INIT;
	/* a parameter changed */
	char raw[512];
	snprintf(raw, sizeof(raw), "%s", php_vectors[0].raw);
	char *p = strstr(raw, "userId=17");
	p[8] = '8';
	assert_int_equal(verify_raw(raw, php_vectors[0].sig, OO_MP_ACTIVATION, TS, &l, &e),
	                 ERR_UNAUTHORIZED);
	assert_int_equal(l.failure, OO_MP_BAD_SIGNATURE);
	assert_string_equal(e.field, "signature");
	oo_mp_link_release(&l);
	/* a parameter added */
	snprintf(raw, sizeof(raw), "%s&extra=1", php_vectors[0].raw);
	assert_int_equal(verify_raw(raw, php_vectors[0].sig, OO_MP_ACTIVATION, TS, &l, NULL),
	                 ERR_UNAUTHORIZED);
	/* the signature changed, cut, not hex, empty, absent */
	char sig[80];
	snprintf(sig, sizeof(sig), "%s", php_vectors[0].sig);
	sig[10] = sig[10] == '0' ? '1' : '0';
	const char *bad[] = {sig, "b2cd18f28151c38e", "zz", ""};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(
		    verify_raw(php_vectors[0].raw, bad[i], OO_MP_ACTIVATION, TS, &l, &e),
		    ERR_UNAUTHORIZED);
		assert_int_equal(l.failure, OO_MP_BAD_SIGNATURE);
	}
	struct oo_mp_check chk = check(OO_MP_ACTIVATION, TS);
	assert_int_equal(oo_mp_verify(BASE, php_vectors[0].raw, &chk, &l, &e), ERR_UNAUTHORIZED);
	assert_int_equal(l.failure, OO_MP_BAD_SIGNATURE);
	assert_non_null(strstr(e.message, "no signature"));
	/* another secret */
	chk.secret = "Secret";
	snprintf(raw, sizeof(raw), "%s&signature=%s", php_vectors[0].raw, php_vectors[0].sig);
	assert_int_equal(oo_mp_verify(BASE, raw, &chk, &l, &e), ERR_UNAUTHORIZED);
	chk.secret = "";
	assert_int_equal(oo_mp_verify(BASE, raw, &chk, &l, &e), ERR_INVALID_ARG);
}

static void timestamp_window(void **state)
{
	(void)state;
	const struct {
		int64_t now;
		int rc;
		enum oo_mp_failure failure;
	} cases[] = {
	    {TS + 600, ERR_OK, OO_MP_OK},
	    {TS + 601, ERR_UNAUTHORIZED, OO_MP_STALE},
	    {TS - 600, ERR_OK, OO_MP_OK},
	    {TS - 601, ERR_UNAUTHORIZED, OO_MP_FUTURE},
	    {TS + 86400, ERR_UNAUTHORIZED, OO_MP_STALE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oo_mp_link l;
		struct err e = ERR_INIT;
		assert_int_equal(verify_raw(php_vectors[0].raw, php_vectors[0].sig,
		                            OO_MP_ACTIVATION, cases[i].now, &l, &e),
		                 cases[i].rc);
		assert_int_equal(l.failure, cases[i].failure);
		if (cases[i].rc)
			assert_string_equal(e.field, "timestamp");
		oo_mp_link_release(&l);
	}
	/* A window of the caller's choosing. */
	struct oo_mp_check chk = {"secret", OO_MP_ACTIVATION, TS + 61, 60};
	char q[1024];
	snprintf(q, sizeof(q), "%s&signature=%s", php_vectors[0].raw, php_vectors[0].sig);
	struct oo_mp_link l;
	assert_int_equal(oo_mp_verify(BASE, q, &chk, &l, NULL), ERR_UNAUTHORIZED);
	assert_int_equal(l.failure, OO_MP_STALE);
}

/* Signs params with our signer (checked against PHP in signer_matches_php). */
static char *signed_url(const struct oo_mp_pair *p, size_t n)
{
	char *url = NULL;
	assert_int_equal(oo_mp_sign_url(BASE, p, n, "secret", &url, NULL), ERR_OK);
	return url;
}

static void required_parameters(void **state)
{
	(void)state;
	struct oo_mp_pair p[] = {
	    {"apiToken", "tok"},         {"parameterCacheId", "c"}, {"apiClaim", "k"},
	    {"customerName", "Muster"},  {"customerWebId", "1"},    {"userId", "2"},
	    {"timestamp", "1700000000"},
	};
	const char *names[] = {"apiToken",      "parameterCacheId", "apiClaim", "customerName",
	                       "customerWebId", "userId",           "timestamp"};
	struct oo_mp_check act = check(OO_MP_ACTIVATION, TS), svc = check(OO_MP_SERVICE, TS);
	for (size_t i = 0; i < 7; i++) {
		/* parameter i left out, then present but empty */
		for (int empty = 0; empty < 2; empty++) {
			struct oo_mp_pair q[7];
			size_t n = 0;
			for (size_t k = 0; k < 7; k++)
				if (k != i || empty)
					q[n++] = k == i ? (struct oo_mp_pair){p[k].key, ""} : p[k];
			char *url = signed_url(q, n);
			struct oo_mp_link l;
			struct err e = ERR_INIT;
			assert_int_equal(oo_mp_verify_url(url, &act, &l, &e), ERR_INVALID_FIELD);
			assert_int_equal(l.failure, OO_MP_MISSING);
			assert_string_equal(e.field, names[i]);
			/* A service URL needs only customerWebId, userId, apiClaim, timestamp. */
			bool needed = i >= 4 || i == 2;
			assert_int_equal(oo_mp_verify_url(url, &svc, &l, &e),
			                 needed ? ERR_INVALID_FIELD : ERR_OK);
			oo_mp_link_release(&l);
			free(url);
		}
	}
	/* A signed timestamp that is no number. */
	struct oo_mp_pair t[] = {
	    {"apiClaim", "k"}, {"customerWebId", "1"}, {"userId", "2"}, {"timestamp", "17e8"}};
	char *url = signed_url(t, 4);
	struct oo_mp_link l;
	struct err e = ERR_INIT;
	assert_int_equal(oo_mp_verify_url(url, &svc, &l, &e), ERR_INVALID_FIELD);
	assert_int_equal(l.failure, OO_MP_BAD_TIMESTAMP);
	free(url);
}

static void malformed_queries_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {
	    "a[b]=1&signature=00", "a[=1", "10=x", "1e3=x", "-5=x", "x=a%00b", "%00=1", NULL};
	struct oo_mp_check chk = check(OO_MP_SERVICE, TS);
	for (size_t i = 0; bad[i]; i++) {
		struct oo_mp_link l;
		struct err e = ERR_INIT;
		assert_int_equal(oo_mp_verify(BASE, bad[i], &chk, &l, &e), ERR_INVALID_ARG);
		assert_int_equal(l.failure, OO_MP_MALFORMED);
	}
	/* too many parameters, too long a query */
	struct buf q = BUF_INIT(1 << 20);
	for (int i = 0; i < 101; i++)
		assert_int_equal(buf_addf(&q, "%sk%d=v", i ? "&" : "", i), ERR_OK);
	struct oo_mp_link l;
	assert_int_equal(oo_mp_verify(BASE, buf_str(&q), &chk, &l, NULL), ERR_INVALID_ARG);
	buf_reset(&q);
	assert_int_equal(buf_adds(&q, "k="), ERR_OK);
	for (int i = 0; i < 17 * 1024; i++)
		assert_int_equal(buf_addc(&q, 'x'), ERR_OK);
	assert_int_equal(oo_mp_verify(BASE, buf_str(&q), &chk, &l, NULL), ERR_INVALID_ARG);
	buf_release(&q);
	/* not URLs */
	const char *urls[] = {"provider.example/x?a=1", "://h/x", "https:///x?a=1", NULL};
	for (size_t i = 0; urls[i]; i++)
		assert_int_equal(oo_mp_verify_url(urls[i], &chk, &l, NULL), ERR_INVALID_ARG);
}

static void php_urlencode_rule(void **state)
{
	(void)state;
	struct buf out = BUF_INIT(4096);
	for (int c = 1; c < 256; c++) {
		char in = (char)c;
		buf_reset(&out);
		assert_int_equal(oo_php_urlencode(&in, 1, &out), ERR_OK);
		bool literal = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		               (c >= 'a' && c <= 'z') || c == '-' || c == '.' || c == '_';
		char expect[4];
		if (c == ' ')
			snprintf(expect, sizeof(expect), "+");
		else if (literal)
			snprintf(expect, sizeof(expect), "%c", c);
		else
			snprintf(expect, sizeof(expect), "%%%02X", c);
		assert_string_equal(buf_str(&out), expect);
	}
	buf_reset(&out);
	assert_int_equal(oo_php_urldecode("a+b%41%4a%4%zz%", 16, &out), ERR_OK);
	assert_string_equal(buf_str(&out), "a bAJ%4%zz%");
	buf_release(&out);
}

static void signer_matches_php(void **state)
{
	(void)state;
	/* The onoffice-protocol §10.3 parameters in another order: the doc's signature. */
	struct oo_mp_pair p[] = {
	    {"userId", "17"},
	    {"timestamp", "1700000000"},
	    {"parameterCacheId", "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6"},
	    {"customerWebId", "12345"},
	    {"customerName", "Muster"},
	    {"apiToken", "tok"},
	    {"apiClaim", "abc"},
	};
	char *url = NULL;
	assert_int_equal(oo_mp_sign_url("https://provider.example:8443/activate.php", p, 7,
	                                "secret", &url, NULL),
	                 ERR_OK);
	assert_string_equal(url,
	                    "https://provider.example:8443/activate.php?apiClaim=abc&apiToken="
	                    "tok&customerName=Muster&customerWebId=12345&parameterCacheId="
	                    "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6&timestamp=1700000000&userId="
	                    "17&signature="
	                    "aaa0dfc0e79a2f03805df22cad545c79e80e35631588d1d893b5eda41c442487");
	free(url);
}

static void signer_round_trip_and_refusals(void **state)
{
	(void)state;
	struct oo_mp_pair p[] = {
	    {"apiClaim", "ab+cd/=="},
	    {"customerName", "Müller & Söhne ~ GmbH"},
	    {"customerWebId", "1"},
	    {"userId", "2"},
	    {"timestamp", "1700000000"},
	    {"groupId", ""},
	    {"pct", "%2B"},
	    {"userId", "17"},
	};
	char *url = signed_url(p, 8);
	struct oo_mp_check chk = check(OO_MP_SERVICE, TS);
	struct oo_mp_link l;
	assert_int_equal(oo_mp_verify_url(url, &chk, &l, NULL), ERR_OK);
	assert_string_equal(l.api_claim, "ab+cd/==");
	assert_string_equal(l.customer_name, "Müller & Söhne ~ GmbH");
	assert_string_equal(l.group_id, "");
	assert_string_equal(oo_mp_get(&l, "pct"), "%2B");
	assert_string_equal(l.user_id, "17"); /* the last value of a repeated key */
	oo_mp_link_release(&l);
	free(url);

	const char *bad_keys[] = {"", "a.b", "a b", "a[", "10", "signature"};
	for (size_t i = 0; i < 6; i++) {
		struct oo_mp_pair b[] = {{bad_keys[i], "x"}};
		char *u = (char *)1;
		assert_int_equal(oo_mp_sign_url(BASE, b, 1, "secret", &u, NULL), ERR_INVALID_ARG);
		assert_null(u);
	}
	char *u = NULL;
	assert_int_equal(oo_mp_sign_url(BASE "?x=1", p, 1, "secret", &u, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_mp_sign_url(BASE, p, 1, "", &u, NULL), ERR_INVALID_ARG);
}

static void failure_names(void **state)
{
	(void)state;
	assert_string_equal(oo_mp_failure_name(OO_MP_OK), "ok");
	assert_string_equal(oo_mp_failure_name(OO_MP_BAD_SIGNATURE), "bad_signature");
	assert_string_equal(oo_mp_failure_name(OO_MP_FUTURE), "future");
	assert_string_equal(oo_mp_failure_name((enum oo_mp_failure)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(doc_vector_verifies),
	    cmocka_unit_test(canonical_queries_match_php),
	    cmocka_unit_test(php_signatures_verify),
	    cmocka_unit_test(upper_case_signature_is_accepted),
	    cmocka_unit_test(tampering_is_refused),
	    cmocka_unit_test(timestamp_window),
	    cmocka_unit_test(required_parameters),
	    cmocka_unit_test(malformed_queries_are_refused),
	    cmocka_unit_test(php_urlencode_rule),
	    cmocka_unit_test(signer_matches_php),
	    cmocka_unit_test(signer_round_trip_and_refusals),
	    cmocka_unit_test(failure_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
