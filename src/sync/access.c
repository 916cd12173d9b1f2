/*
 * access.c - a company's access to onOffice as the sync layer uses it: a source opened
 * with the link's credentials (refused at once while revoked or waiting for a claim),
 * what a refusal by onOffice does to the link (R-S4 revoked, R-A12 claim wanted), and
 * whether a lease holder's process is gone. Used by the pass, the live calls and the
 * engine's jobs; it calls none of them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "store/link.h"
#include "sync/sync_int.h"

void sync_error_text(const struct err *e, int rc, char *out, size_t cap)
{
	const char *msg = e && e->message[0] ? e->message : err_default_message(rc);
	if (e && e->remote_code)
		snprintf(out, cap, "%s (onOffice error %d)", msg, e->remote_code);
	else
		snprintf(out, cap, "%s", msg);
}

void sync_mark_revoked(struct sync_engine *eng, int64_t company_id, const struct err *cause)
{
	struct err e = ERR_INIT;
	char reason[256];
	sync_error_text(cause, ERR_OO_AUTH, reason, sizeof(reason));
	if (link_mark_revoked(eng->db, company_id, reason, &e))
		LOG(LOG_ERROR, "link.revoke_failed", LI("company", company_id),
		    LS("error", e.message));
	else
		LOG(LOG_WARN, "link.revoked", LI("company", company_id), LS("reason", reason),
		    LS("advice", "re-activate the provider in the onOffice Marketplace"));
}

void sync_mark_claim_wanted(struct sync_engine *eng, int64_t company_id, int64_t claim_gen,
                            const struct err *cause)
{
	struct err e = ERR_INIT;
	char reason[256];
	sync_error_text(cause, ERR_OO_CLAIM, reason, sizeof(reason));
	if (link_mark_claim_wanted(eng->db, company_id, claim_gen, reason, &e))
		LOG(LOG_ERROR, "link.claim_mark_failed", LI("company", company_id),
		    LS("error", e.message));
	else
		LOG(LOG_WARN, "link.claim_wanted", LI("company", company_id), LS("reason", reason),
		    LS("advice", "transfers pause until the company opens immosync from onOffice "
		                 "(GET /onoffice/open brings a fresh claim)"));
}

int sync_note_refusal(struct sync_engine *eng, int64_t company_id, int64_t claim_gen, int rc,
                      const struct err *e)
{
	if (rc == ERR_OO_AUTH)
		sync_mark_revoked(eng, company_id, e);
	else if (rc == ERR_OO_CLAIM)
		sync_mark_claim_wanted(eng, company_id, claim_gen, e);
	return rc;
}

static int default_source(void *arg, const struct sync_source_config *cfg,
                          const struct link_creds *creds, struct sync_source **out, struct err *e)
{
	(void)arg;
	return sync_source_onoffice(cfg, creds, out, e);
}

int sync_open_source(struct sync_engine *eng, int64_t company_id, bool live,
                     struct sync_source **out, int64_t *claim_gen, struct err *e)
{
	struct link_creds creds;
	memset(&creds, 0, sizeof(creds));
	*out = NULL;
	int rc = link_get(eng->db, eng->keys, eng->nkeys, company_id, &creds, e);
	if (rc)
		return rc;
	if (strcmp(creds.state, "active") != 0) {
		rc = err_set(e, ERR_OO_AUTH, NULL, "%s",
		             creds.revoked_reason[0] ? creds.revoked_reason
		                                     : "the link was revoked (Zugriff entzogen)");
		link_creds_release(&creds);
		return rc;
	}
	if (creds.claim_wanted[0]) {
		link_creds_release(&creds);
		return err_set(e, ERR_CONFLICT, "onoffice",
		               "transfers are paused: onOffice wants a fresh claim; open BOTTIMMO "
		               "from onOffice once (R-A12)");
	}
	if (claim_gen)
		*claim_gen = creds.claim_gen;
	struct sync_source_config sc = {
	    .url = eng->url,
	    .ca_file = eng->ca_file,
	    .connect_timeout_ms = live ? 3000 : 10000,
	    .timeout_ms = live ? eng->live_timeout_ms : eng->timeout_ms,
	    .max_attempts = live ? 1 : 4,
	    .abort_flag = &eng->stop,
	    .gate = sync_limits_gate(eng->limits, creds.customer_web_id),
	    /* A live call fails fast while its customer is backed off (it holds one of a few
	     * threads all tenants share); a pass waits longer, well within its 60 s lease. */
	    .gate_wait_ms = live ? 3000 : 20000,
	};
	rc = (eng->source_new ? eng->source_new : default_source)(eng->source_arg, &sc, &creds, out,
	                                                          e);
	link_creds_release(&creds);
	return rc;
}

/* A lease holder "host:pid:tag" of this host whose process is gone. */
bool sync_holder_dead(const struct sync_engine *eng, const char *holder)
{
	size_t hl = strlen(eng->host);
	if (strncmp(holder, eng->host, hl) != 0 || holder[hl] != ':')
		return false;
	char *end;
	long pid = strtol(holder + hl + 1, &end, 10);
	if (end == holder + hl + 1 || *end != ':' || pid <= 0 || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}
