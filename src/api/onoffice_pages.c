/*
 * onoffice_pages.c - the pages onOffice opens in its iframe (R-A12 service entry).
 *
 * GET /onoffice/open?customerWebId=…&userId=…&apiClaim=…&timestamp=…&signature=…
 * carries no token: the Marketplace signature is the authentication. The page is plain
 * German HTML; it never repeats a parameter, so nothing from the URL reaches the page.
 * The web UI it should lead to does not exist yet: the page says what happened.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/log.h"
#include "sync/sync.h"

static void page(struct http_resp *resp, int status, const char *title, const char *text)
{
	struct buf b = BUF_INIT(8192);
	buf_addf(&b,
	         "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">"
	         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	         "<title>BOTTIMMO – onOffice</title>"
	         "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:40rem;"
	         "color:#222}h1{font-size:1.3rem}</style></head>\n"
	         "<body><h1>%s</h1><p>%s</p></body></html>\n",
	         title, text);
	http_reply(resp, status, "text/html; charset=utf-8", buf_str(&b), b.len);
	buf_release(&b);
	/* The URL carries a claim and a signature: never cached, never sent on as a referrer.
	 * No frame-ancestors: onOffice shows these pages in its iframe from hosts we do not
	 * know for sure (docs/decisions.md). */
	http_set_header(resp, "Cache-Control", "no-store");
	http_set_header(resp, "Referrer-Policy", "no-referrer");
	http_set_header(resp, "X-Content-Type-Options", "nosniff");
	http_set_header(resp, "Content-Security-Policy",
	                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
}

/* scheme "://" host of a public URL (no port, no path) into out; false if malformed. */
static bool public_base(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url ? url : "", "://");
	if (!p)
		return false;
	size_t scheme = (size_t)(p - url);
	const char *host = p + 3;
	size_t n = strcspn(host, ":/?#");
	if (n == 0 || scheme + 3 + n >= cap)
		return false;
	memcpy(out, url, scheme + 3 + n);
	out[scheme + 3 + n] = '\0';
	return true;
}

void api_onoffice_open(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct api_ctx *api = ctx;
	char base[512];
	if (!api->sync || !api->provider_secret || !public_base(api->public_url, base, 300)) {
		LOG(LOG_WARN, "service.not_configured",
		    LS("why",
		       "serve needs --public-url and --provider-secret for the Marketplace"));
		page(resp, 503, "Verbindung zu onOffice nicht eingerichtet",
		     "Auf diesem Server ist der onOffice Marketplace noch nicht eingerichtet. "
		     "Bitte wenden Sie sich an den Betreiber.");
		return;
	}
	strncat(base, req->path, sizeof(base) - strlen(base) - 1);
	struct err e = ERR_INIT;
	struct sync_service_result r;
	int rc = sync_service_entry(api->sync, base, req->raw_query, api->provider_secret, &r, &e);
	if (!rc && r.revoked) {
		page(resp, 200, "Freigabe übernommen – Zugriff aber entzogen",
		     "Die Freigabe aus onOffice wurde übernommen. onOffice lehnt jedoch die "
		     "Zugangsdaten ab (Zugriff in onOffice entzogen): Bitte schalten Sie BOTTIMMO "
		     "im onOffice Marketplace erneut frei; bis dahin werden keine Daten "
		     "übertragen.");
	} else if (!rc) {
		page(resp, 200, "BOTTIMMO ist mit onOffice verbunden",
		     "Die Freigabe aus onOffice wurde übernommen. Eine wegen fehlender Freigabe "
		     "angehaltene Synchronisierung läuft von selbst weiter. Sie können dieses "
		     "Fenster schließen.");
	} else if (rc == ERR_NOT_FOUND) {
		page(resp, 404, "Noch nicht verknüpft",
		     "Dieses onOffice-Konto ist noch nicht mit BOTTIMMO verknüpft. Bitte schalten "
		     "Sie BOTTIMMO zuerst im onOffice Marketplace frei.");
	} else if (rc == ERR_UNAUTHORIZED) {
		page(
		    resp, 403, "Link ungültig oder abgelaufen",
		    "Der Aufruf aus onOffice konnte nicht bestätigt werden (Signatur ungültig oder "
		    "Link abgelaufen). Bitte öffnen Sie BOTTIMMO erneut aus onOffice heraus.");
	} else if (rc == ERR_INVALID_FIELD || rc == ERR_INVALID_ARG) { /* as oo_mp_verify says */
		page(resp, 400, "Unvollständiger Aufruf",
		     "Dem Aufruf aus onOffice fehlen Angaben. Bitte öffnen Sie BOTTIMMO erneut aus "
		     "onOffice heraus.");
	} else {
		LOG(LOG_ERROR, "service.failed", LS("error", e.message));
		page(resp, 503, "Vorübergehend nicht möglich",
		     "Die Freigabe konnte gerade nicht gespeichert werden. Bitte versuchen Sie es "
		     "in einigen Minuten erneut.");
	}
}
