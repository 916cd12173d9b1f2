#include "onoffice/marketplace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"

#define MP_MAX_QUERY  (16 * 1024)
#define MP_MAX_PARAMS 100

/* Decoded parameters, keys unique (a repeated key keeps the last value). */
struct params {
	struct oo_mp_param v[MP_MAX_PARAMS];
	size_t n;
};

/* Frees a parameter; values are wiped first (apiClaim, apiToken). */
static void param_free(struct oo_mp_param *x)
{
	free(x->key);
	if (x->value)
		crypto_cleanse(x->value, strlen(x->value));
	free(x->value);
	x->key = x->value = NULL;
}

static void params_release(struct params *p)
{
	for (size_t i = 0; i < p->n; i++)
		param_free(&p->v[i]);
	p->n = 0;
}

const char *oo_mp_failure_name(enum oo_mp_failure f)
{
	static const char *const names[] = {
	    "ok", "malformed", "bad_signature", "missing", "bad_timestamp", "stale", "future"};
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "unknown";
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int oo_php_urldecode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int hi, lo;
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < n &&
		           (hi = hex_digit((unsigned char)s[i + 1])) >= 0 &&
		           (lo = hex_digit((unsigned char)s[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		int rc = buf_addc(out, c);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_php_urlencode(const char *s, size_t n, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int rc;
		if (c == ' ')
			rc = buf_addc(out, '+');
		else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		         (c >= 'a' && c <= 'z') || c == '-' || c == '.' || c == '_')
			rc = buf_addc(out, (char)c);
		else
			rc = buf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
		if (rc)
			return rc;
	}
	return 0;
}

/* PHP's is_numeric_string for a whole key: [ws][+-](digits[.digits]|.digits)[e[+-]digits][ws]. */
static bool php_numeric(const char *s)
{
	const char *ws = " \t\n\r\v\f";
	s += strspn(s, ws);
	if (*s == '+' || *s == '-')
		s++;
	size_t before = strspn(s, "0123456789"), after = 0;
	s += before;
	if (*s == '.') {
		after = strspn(s + 1, "0123456789");
		s += 1 + after;
	}
	if (before + after == 0)
		return false;
	if (*s == 'e' || *s == 'E') {
		const char *x = s + 1;
		if (*x == '+' || *x == '-')
			x++;
		size_t digits = strspn(x, "0123456789");
		if (digits)
			s = x + digits;
	}
	s += strspn(s, ws);
	return *s == '\0';
}

/* Decodes s[0..n) into a new string in *out; refuses NUL bytes. */
static int decode(const char *s, size_t n, char **out, struct err *e)
{
	struct buf b = BUF_INIT(MP_MAX_QUERY);
	*out = NULL;
	int rc = oo_php_urldecode(s, n, &b);
	if (!rc && memchr(buf_str(&b), '\0', b.len))
		rc = err_set(e, ERR_INVALID_ARG, NULL, "a parameter holds a NUL byte");
	else if (!rc && !(*out = buf_detach(&b, NULL)))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
	else if (rc)
		rc = err_set(e, rc, NULL, "cannot decode the query");
	buf_release(&b);
	return rc;
}

/* A decoded key as parse_str registers it: leading spaces dropped, ' ' and '.'
 * turned into '_'. Keys PHP would make arrays of, or compare as numbers, are refused. */
static int php_key(char *key, struct err *e)
{
	size_t lead = strspn(key, " ");
	memmove(key, key + lead, strlen(key + lead) + 1);
	for (char *p = key; *p; p++) {
		if (*p == ' ' || *p == '.')
			*p = '_';
		else if (*p == '[')
			return err_set(e, ERR_INVALID_ARG, NULL,
			               "array parameters (\"%.40s…\") are not supported", key);
	}
	if (*key && php_numeric(key))
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "numeric parameter names are not supported");
	return 0;
}

/* Adds key=value (both taken over), replacing the value of a key already there. */
static int params_set(struct params *p, char *key, char *value, struct err *e)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0) {
			free(p->v[i].value);
			p->v[i].value = value;
			free(key);
			return 0;
		}
	if (p->n >= MP_MAX_PARAMS) {
		free(key);
		free(value);
		return err_set(e, ERR_INVALID_ARG, NULL, "more than %d parameters", MP_MAX_PARAMS);
	}
	p->v[p->n++] = (struct oo_mp_param){key, value};
	return 0;
}

/* One piece "k=v" (or "k") of the query. */
static int parse_piece(struct params *p, const char *s, size_t n, struct err *e)
{
	const char *eq = memchr(s, '=', n);
	size_t klen = eq ? (size_t)(eq - s) : n;
	char *key, *value;
	int rc = decode(s, klen, &key, e);
	if (rc)
		return rc;
	if ((rc = php_key(key, e)) || !*key) {
		free(key);
		return rc; /* PHP drops an empty name */
	}
	if ((rc = eq ? decode(eq + 1, n - klen - 1, &value, e) : 0))
		goto out_free_key;
	if (!eq && !(value = strdup(""))) {
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
		goto out_free_key;
	}
	return params_set(p, key, value, e);
out_free_key:
	free(key);
	return rc;
}

static int parse_query(const char *query, struct params *p, struct err *e)
{
	size_t len = strlen(query);
	if (len > MP_MAX_QUERY)
		return err_set(e, ERR_INVALID_ARG, NULL, "the query is longer than %d bytes",
		               MP_MAX_QUERY);
	for (const char *s = query; *s;) {
		size_t n = strcspn(s, "&");
		int rc = n ? parse_piece(p, s, n, e) : 0;
		if (rc) {
			params_release(p);
			return rc;
		}
		s += n;
		if (*s == '&')
			s++;
	}
	return 0;
}

/* Takes the parameter key out of p; its value goes to *value (NULL when absent). */
static void params_take(struct params *p, const char *key, char **value)
{
	*value = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0) {
			*value = p->v[i].value;
			free(p->v[i].key);
			p->v[i] = p->v[--p->n];
			return;
		}
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(((const struct oo_mp_param *)a)->key, ((const struct oo_mp_param *)b)->key);
}

/* Sorts p and appends http_build_query's text for it to out. */
static int build_query(struct params *p, struct buf *out)
{
	qsort(p->v, p->n, sizeof(p->v[0]), cmp_param);
	for (size_t i = 0; i < p->n; i++) {
		int rc = i ? buf_addc(out, '&') : 0;
		if (!rc)
			rc = oo_php_urlencode(p->v[i].key, strlen(p->v[i].key), out);
		if (!rc)
			rc = buf_addc(out, '=');
		if (!rc)
			rc = oo_php_urlencode(p->v[i].value, strlen(p->v[i].value), out);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_mp_canonical_query(const char *query, struct buf *out, char **signature, struct err *e)
{
	struct params p = {.n = 0};
	char *sig;
	if (signature)
		*signature = NULL;
	int rc = parse_query(query, &p, e);
	if (rc)
		return rc;
	params_take(&p, "signature", &sig);
	if ((rc = build_query(&p, out)))
		err_set(e, rc, NULL, "cannot build the canonical query");
	if (signature && !rc)
		*signature = sig;
	else
		free(sig);
	params_release(&p);
	return rc;
}

/* hex(HMAC-SHA256(secret, base "?" query)) into out[65]. */
static int mac_hex(const char *secret, const char *base, const struct buf *query, char out[65],
                   struct err *e)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	struct buf msg = BUF_INIT((size_t)MP_MAX_QUERY * 4);
	int rc = buf_adds(&msg, base);
	if (!rc)
		rc = buf_addc(&msg, '?');
	if (!rc)
		rc = buf_add(&msg, query->data ? query->data : "", query->len);
	if (!rc)
		rc = crypto_hmac_sha256(secret, strlen(secret), msg.data, msg.len, mac);
	if (rc) {
		buf_release(&msg);
		return err_set(e, rc, NULL, "cannot compute the signature");
	}
	crypto_hex_encode(mac, sizeof(mac), out);
	buf_release(&msg);
	return 0;
}

static int fail(struct oo_mp_link *out, enum oo_mp_failure f, int code, const char *field,
                const char *message, struct err *e)
{
	*out = (struct oo_mp_link){.failure = f};
	return err_set(e, code, field, "%s", message);
}

/* Compares the given signature with the expected hex in constant time. */
static bool signature_matches(const char *given, const char *expected_hex)
{
	unsigned char a[CRYPTO_SHA256_LEN], b[CRYPTO_SHA256_LEN];
	if (!given || strlen(given) != 2 * CRYPTO_SHA256_LEN ||
	    crypto_hex_decode(given, strlen(given), a, sizeof(a), NULL) ||
	    crypto_hex_decode(expected_hex, strlen(expected_hex), b, sizeof(b), NULL))
		return false;
	return crypto_equal(a, b, sizeof(a));
}

static const char *param_value(const struct params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

static const char *missing_parameter(const struct params *p, enum oo_mp_kind kind)
{
	static const char *const activation[] = {
	    "apiToken",      "parameterCacheId", "apiClaim",  "customerName",
	    "customerWebId", "userId",           "timestamp", NULL};
	static const char *const service[] = {"customerWebId", "userId", "apiClaim", "timestamp",
	                                      NULL};
	const char *const *req = kind == OO_MP_ACTIVATION ? activation : service;
	for (size_t i = 0; req[i]; i++) {
		const char *v = param_value(p, req[i]);
		if (!v || !*v)
			return req[i];
	}
	return NULL;
}

static int parse_timestamp(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 12 || strspn(s, "0123456789") != n)
		return ERR_INVALID_ARG;
	*out = strtoll(s, NULL, 10);
	return 0;
}

/* The checks after the signature: required parameters and the clock. */
static int check_content(const struct params *p, const struct oo_mp_check *chk,
                         struct oo_mp_link *out, struct err *e)
{
	char msg[120];
	int64_t ts, window = chk->window_s > 0 ? chk->window_s : OO_MP_WINDOW_S;
	const char *missing = missing_parameter(p, chk->kind);
	if (missing) {
		snprintf(msg, sizeof(msg), "the parameter %s is missing or empty", missing);
		return fail(out, OO_MP_MISSING, ERR_INVALID_FIELD, missing, msg, e);
	}
	if (parse_timestamp(param_value(p, "timestamp"), &ts))
		return fail(out, OO_MP_BAD_TIMESTAMP, ERR_INVALID_FIELD, "timestamp",
		            "the timestamp is not a number of seconds", e);
	if (chk->now_s - ts > window) {
		snprintf(msg, sizeof(msg), "the link is older than %lld seconds",
		         (long long)window);
		return fail(out, OO_MP_STALE, ERR_UNAUTHORIZED, "timestamp", msg, e);
	}
	if (ts - chk->now_s > window) {
		snprintf(msg, sizeof(msg), "the link's time lies more than %lld seconds ahead",
		         (long long)window);
		return fail(out, OO_MP_FUTURE, ERR_UNAUTHORIZED, "timestamp", msg, e);
	}
	out->timestamp = ts;
	return 0;
}

/* Hands the parameters over to out and points its named members into them. */
static int fill_link(struct params *p, struct oo_mp_link *out, struct err *e)
{
	int64_t ts = out->timestamp;
	*out = (struct oo_mp_link){.failure = OO_MP_OK, .timestamp = ts};
	if (p->n && !(out->params = calloc(p->n, sizeof(*out->params))))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	memcpy(out->params, p->v, p->n * sizeof(*out->params));
	out->nparams = p->n;
	p->n = 0;
	out->api_token = oo_mp_get(out, "apiToken");
	out->parameter_cache_id = oo_mp_get(out, "parameterCacheId");
	out->api_claim = oo_mp_get(out, "apiClaim");
	out->customer_name = oo_mp_get(out, "customerName");
	out->customer_web_id = oo_mp_get(out, "customerWebId");
	out->user_id = oo_mp_get(out, "userId");
	out->group_id = oo_mp_get(out, "groupId");
	return 0;
}

int oo_mp_verify(const char *base, const char *query, const struct oo_mp_check *chk,
                 struct oo_mp_link *out, struct err *e)
{
	struct params p = {.n = 0};
	struct buf canon = BUF_INIT((size_t)MP_MAX_QUERY * 4);
	char expected[2 * CRYPTO_SHA256_LEN + 1], *sig = NULL;
	*out = (struct oo_mp_link){.failure = OO_MP_MALFORMED};
	if (!chk->secret || !*chk->secret)
		return err_set(e, ERR_INVALID_ARG, NULL, "no provider secret is configured");
	if (!base || !*base)
		return err_set(e, ERR_INVALID_ARG, "base", "the signed base URL is required");
	int rc = parse_query(query ? query : "", &p, e);
	if (rc)
		return rc; /* out->failure is OO_MP_MALFORMED */
	params_take(&p, "signature", &sig);
	if ((rc = build_query(&p, &canon)) ||
	    (rc = mac_hex(chk->secret, base, &canon, expected, e)))
		goto out_release;
	if (!sig || !*sig) {
		rc = fail(out, OO_MP_BAD_SIGNATURE, ERR_UNAUTHORIZED, "signature",
		          "the link has no signature", e);
		goto out_release;
	}
	if (!signature_matches(sig, expected)) {
		rc = fail(out, OO_MP_BAD_SIGNATURE, ERR_UNAUTHORIZED, "signature",
		          "the signature does not match", e);
		goto out_release;
	}
	if (!(rc = check_content(&p, chk, out, e)))
		rc = fill_link(&p, out, e);
out_release:
	crypto_cleanse(expected, sizeof(expected));
	free(sig);
	params_release(&p);
	buf_release(&canon);
	return rc;
}

/* The parts of a URL as PHP's parse_url splits them. */
struct url_parts {
	const char *scheme, *host, *path, *query;
	size_t scheme_len, host_len, path_len, query_len;
	bool has_query, has_fragment;
};

static int split_url(const char *url, struct url_parts *u)
{
	*u = (struct url_parts){0};
	const char *sep = strstr(url, "://");
	if (!sep || sep == url ||
	    strspn(url, "abcdefghijklmnopqrstuvwxyz"
	                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") != (size_t)(sep - url))
		return ERR_INVALID_ARG;
	u->scheme = url;
	u->scheme_len = (size_t)(sep - url);
	const char *auth = sep + 3, *end = auth + strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	u->host = at ? at + 1 : auth;
	if (*u->host == '[') {
		const char *close = memchr(u->host, ']', (size_t)(end - u->host));
		u->host_len = close ? (size_t)(close + 1 - u->host) : 0;
	} else {
		const char *colon = memchr(u->host, ':', (size_t)(end - u->host));
		u->host_len = (size_t)((colon ? colon : end) - u->host);
	}
	if (u->host_len == 0)
		return ERR_INVALID_ARG;
	u->path = end;
	u->path_len = strcspn(end, "?#");
	const char *rest = end + u->path_len;
	if (*rest == '?') {
		u->has_query = true;
		u->query = rest + 1;
		u->query_len = strcspn(u->query, "#");
		rest = u->query + u->query_len;
	}
	u->has_fragment = *rest == '#';
	return 0;
}

/* scheme "://" host path, a new string in *out. */
static int signed_base(const struct url_parts *u, char **out)
{
	struct buf b = BUF_INIT(MP_MAX_QUERY);
	int rc = buf_add(&b, u->scheme, u->scheme_len);
	if (!rc)
		rc = buf_adds(&b, "://");
	if (!rc)
		rc = buf_add(&b, u->host, u->host_len);
	if (!rc)
		rc = buf_add(&b, u->path, u->path_len);
	*out = rc ? NULL : buf_detach(&b, NULL);
	buf_release(&b);
	return *out ? 0 : ERR_NOMEM;
}

int oo_mp_verify_url(const char *url, const struct oo_mp_check *chk, struct oo_mp_link *out,
                     struct err *e)
{
	struct url_parts u;
	char *base = NULL, *query = NULL;
	*out = (struct oo_mp_link){.failure = OO_MP_MALFORMED};
	if (!url || split_url(url, &u))
		return err_set(e, ERR_INVALID_ARG, "url", "not a URL");
	int rc = signed_base(&u, &base);
	if (!rc && !(query = strndup(u.has_query ? u.query : "", u.query_len)))
		rc = ERR_NOMEM;
	if (rc)
		err_set(e, rc, NULL, NULL);
	else
		rc = oo_mp_verify(base, query, chk, out, e);
	free(base);
	free(query);
	return rc;
}

void oo_mp_link_release(struct oo_mp_link *l)
{
	for (size_t i = 0; i < l->nparams; i++)
		param_free(&l->params[i]);
	free(l->params);
	*l = (struct oo_mp_link){.failure = l->failure};
}

const char *oo_mp_get(const struct oo_mp_link *l, const char *key)
{
	for (size_t i = 0; i < l->nparams; i++)
		if (strcmp(l->params[i].key, key) == 0)
			return l->params[i].value;
	return NULL;
}

/* A key a PHP verifier reads back unchanged: not empty, no ' ', '.', '[', not a number. */
static bool key_survives_php(const char *key)
{
	return *key && !strpbrk(key, " .[") && !php_numeric(key) && strcmp(key, "signature") != 0;
}

static int sign_params(const struct oo_mp_pair *params, size_t n, struct params *p, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (!params[i].key || !key_survives_php(params[i].key) || !params[i].value)
			return err_set(e, ERR_INVALID_ARG, params[i].key,
			               "a parameter name PHP would change, or no value");
		char *k = strdup(params[i].key), *v = strdup(params[i].value);
		if (!k || !v) {
			free(k);
			free(v);
			return err_set(e, ERR_NOMEM, NULL, NULL);
		}
		int rc = params_set(p, k, v, e);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_mp_sign_url(const char *url, const struct oo_mp_pair *params, size_t nparams,
                   const char *secret, char **out, struct err *e)
{
	struct url_parts u;
	struct params p = {.n = 0};
	struct buf canon = BUF_INIT((size_t)MP_MAX_QUERY * 4), full = BUF_INIT(MP_MAX_QUERY * 5);
	char hex[2 * CRYPTO_SHA256_LEN + 1], *base = NULL;
	*out = NULL;
	if (!url || split_url(url, &u) || u.has_query || u.has_fragment)
		return err_set(e, ERR_INVALID_ARG, "url", "a URL without query and fragment");
	if (!secret || !*secret)
		return err_set(e, ERR_INVALID_ARG, "secret", "is required");
	int rc = sign_params(params, nparams, &p, e);
	if (rc || (rc = signed_base(&u, &base)) || (rc = build_query(&p, &canon)) ||
	    (rc = mac_hex(secret, base, &canon, hex, e)))
		goto out_release;
	rc = buf_adds(&full, url);
	if (!rc)
		rc = buf_addc(&full, '?');
	if (!rc && canon.len)
		rc = buf_addf(&full, "%s&", buf_str(&canon));
	if (!rc)
		rc = buf_addf(&full, "signature=%s", hex);
	if (!rc && !(*out = buf_detach(&full, NULL)))
		rc = ERR_NOMEM;
out_release:
	if (rc && e && !e->message[0])
		err_set(e, rc, NULL, "cannot sign the URL");
	free(base);
	params_release(&p);
	buf_release(&canon);
	buf_release(&full);
	return rc;
}
