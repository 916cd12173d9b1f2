/* Signed Marketplace URLs (marketplace.h). */
#include "marketplace.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"

#define MAX_PARAMS 64
#define URL_MAX    (64 * 1024)

struct pair {
	char *key, *value; /* owned */
};

int emu_php_urlencode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		int rc;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			rc = buf_addc(b, (char)c);
		else if (c == ' ')
			rc = buf_addc(b, '+');
		else
			rc = buf_add(b, (const char[]){'%', hex[c >> 4], hex[c & 15]}, 3);
		if (rc)
			return rc;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* PHP urldecode of s[0..n): '+' is a space, %XX a byte, a stray '%' stays. malloc'd;
 * NULL on ENOMEM and when it decodes to a NUL, which a C string cannot hold (*nul set). */
static char *php_urldecode(const char *s, size_t n, bool *nul)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		           hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
			if (!out[o - 1]) {
				*nul = true;
				free(out);
				return NULL;
			}
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Keys PHP's parse_str keeps as they are: no '.', ' ', '[' or other surprises. */
static bool key_ok(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++) {
		if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return false;
	}
	return true;
}

static int cmp_pair(const void *a, const void *b)
{
	return strcmp(((const struct pair *)a)->key, ((const struct pair *)b)->key);
}

struct parsed_url {
	const char *scheme, *authority, *host, *path, *query;
	size_t scheme_len, authority_len, host_len, path_len, query_len;
};

static int parse_url(const char *u, struct parsed_url *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	const char *sep = strstr(u, "://");
	if (!sep || strchr(u, '#'))
		return err_set(e, ERR_INVALID_ARG, "provider-url",
		               "must be http(s)://host[:port][/path][?query] without a fragment");
	p->scheme = u;
	p->scheme_len = (size_t)(sep - u);
	if (!((p->scheme_len == 4 && !strncasecmp(u, "http", 4)) ||
	      (p->scheme_len == 5 && !strncasecmp(u, "https", 5))))
		return err_set(e, ERR_INVALID_ARG, "provider-url", "must be an http or https URL");
	p->authority = sep + 3;
	p->authority_len = strcspn(p->authority, "/?");
	p->path = p->authority + p->authority_len;
	p->path_len = strcspn(p->path, "?");
	p->query = p->path + p->path_len;
	if (*p->query == '?')
		p->query++;
	p->query_len = strlen(p->query);
	/* The host as PHP's parse_url reports it: no user info, no port. */
	const char *h = p->authority;
	size_t hl = p->authority_len;
	const char *at = memchr(h, '@', hl);
	while (at) {
		hl -= (size_t)(at + 1 - h);
		h = at + 1;
		at = memchr(h, '@', hl);
	}
	if (hl && h[0] == '[') {
		const char *close = memchr(h, ']', hl);
		if (!close)
			return err_set(e, ERR_INVALID_ARG, "provider-url", "unclosed IPv6 host");
		hl = (size_t)(close + 1 - h);
	} else {
		const char *colon = memchr(h, ':', hl);
		if (colon)
			hl = (size_t)(colon - h);
	}
	if (!hl)
		return err_set(e, ERR_INVALID_ARG, "provider-url", "has no host");
	p->host = h;
	p->host_len = hl;
	return 0;
}

static void pairs_release(struct pair *ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ps[i].key);
		free(ps[i].value);
	}
}

/* Adds the pairs of the provider URL's own query (PHP-decoded) to ps. */
static int existing_pairs(const struct parsed_url *p, struct pair *ps, size_t *n, struct err *e)
{
	const char *q = p->query, *end = p->query + p->query_len;
	while (q < end) {
		size_t len = strcspn(q, "&");
		if (len > 0) {
			const char *eq = memchr(q, '=', len);
			size_t kl = eq ? (size_t)(eq - q) : len;
			if (*n == MAX_PARAMS)
				return err_set(e, ERR_INVALID_ARG, "provider-url",
				               "too many parameters");
			bool nul = false;
			ps[*n].key = php_urldecode(q, kl, &nul);
			ps[*n].value = eq ? php_urldecode(eq + 1, len - kl - 1, &nul) : strdup("");
			(*n)++;
			if (nul)
				return err_set(e, ERR_INVALID_ARG, "provider-url",
				               "its query decodes to a NUL byte (%%00)");
			if (!ps[*n - 1].key || !ps[*n - 1].value)
				return err_set(e, ERR_NOMEM, NULL, NULL);
		}
		q += len + (q + len < end);
	}
	return 0;
}

static int check_pairs(const struct pair *ps, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (!key_ok(ps[i].key) || !strcmp(ps[i].key, "signature"))
			return err_set(e, ERR_INVALID_ARG, ps[i].key,
			               "parameter names are letters, digits, '_' and '-' (and not "
			               "\"signature\")");
		if (i && !strcmp(ps[i].key, ps[i - 1].key))
			return err_set(e, ERR_INVALID_ARG, ps[i].key,
			               "the parameter is given twice");
	}
	return 0;
}

static int build_query(struct buf *q, const struct pair *ps, size_t n)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (i)
			rc = buf_addc(q, '&');
		if (!rc)
			rc = emu_php_urlencode(q, ps[i].key);
		if (!rc)
			rc = buf_addc(q, '=');
		if (!rc)
			rc = emu_php_urlencode(q, ps[i].value);
	}
	return rc;
}

int emu_signed_url(const char *provider_url, const struct emu_qparam *params, size_t n,
                   const char *secret, char **url, struct err *e)
{
	struct parsed_url p;
	struct pair ps[MAX_PARAMS];
	size_t np = 0;
	struct buf q = BUF_INIT(URL_MAX), msg = BUF_INIT(URL_MAX), out = BUF_INIT(URL_MAX);
	unsigned char mac[CRYPTO_SHA256_LEN];
	char sig[CRYPTO_HEX_LEN(CRYPTO_SHA256_LEN) + 1];
	*url = NULL;
	int rc = parse_url(provider_url, &p, e);
	if (!rc)
		rc = existing_pairs(&p, ps, &np, e);
	for (size_t i = 0; !rc && i < n; i++) {
		if (np == MAX_PARAMS) {
			rc = err_set(e, ERR_INVALID_ARG, NULL, "too many parameters");
			break;
		}
		ps[np].key = strdup(params[i].key);
		ps[np].value = strdup(params[i].value);
		np++;
		if (!ps[np - 1].key || !ps[np - 1].value)
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
	}
	if (rc)
		goto out;
	qsort(ps, np, sizeof(ps[0]), cmp_pair);
	if ((rc = check_pairs(ps, np, e)))
		goto out;
	const char *path = p.path_len ? p.path : "/";
	size_t path_len = p.path_len ? p.path_len : 1;
	if (build_query(&q, ps, np) || buf_add(&msg, p.scheme, p.scheme_len) ||
	    buf_adds(&msg, "://") || buf_add(&msg, p.host, p.host_len) ||
	    buf_add(&msg, path, path_len) || buf_addc(&msg, '?') || buf_add(&msg, q.data, q.len) ||
	    crypto_hmac_sha256(secret, strlen(secret), msg.data, msg.len, mac)) {
		rc = err_set(e, ERR_TOO_LARGE, "provider-url", "the URL is too long");
		goto out;
	}
	crypto_hex_encode(mac, sizeof(mac), sig);
	if (buf_add(&out, p.scheme, p.scheme_len) || buf_adds(&out, "://") ||
	    buf_add(&out, p.authority, p.authority_len) || buf_add(&out, path, path_len) ||
	    buf_addc(&out, '?') || buf_add(&out, q.data, q.len) || buf_adds(&out, "&signature=") ||
	    buf_adds(&out, sig)) {
		rc = err_set(e, ERR_TOO_LARGE, "provider-url", "the URL is too long");
		goto out;
	}
	*url = buf_detach(&out, NULL);
	if (!*url)
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out:
	pairs_release(ps, np);
	buf_release(&q);
	buf_release(&msg);
	buf_release(&out);
	return rc;
}
