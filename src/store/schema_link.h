/*
 * Migration 6 (issue #6, owned by store/link.c): the onOffice link of a company.
 *
 * Token and secret are both sealed (AES-256-GCM under the master key, Base64 text,
 * AAD "company:<id>:onoffice_token" / "company:<id>:onoffice_secret"), so neither
 * appears in the database file. The web id is not a secret; one onOffice customer
 * belongs to at most one company (unique). The key check lives in meta.
 */
#ifndef IMMO_STORE_SCHEMA_LINK_H
#define IMMO_STORE_SCHEMA_LINK_H

#define LINK_SQLITE                                                                    \
	"CREATE TABLE onoffice_links ("                                                \
	" company_id INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,"  \
	" customer_web_id TEXT NOT NULL,"                                              \
	" token_sealed TEXT NOT NULL,"                                                 \
	" secret_sealed TEXT NOT NULL,"                                                \
	" claim TEXT,"                                                                 \
	" state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','revoked'))," \
	" revoked_reason TEXT,"                                                        \
	" created_at INTEGER NOT NULL,"                                                \
	" updated_at INTEGER NOT NULL);"                                               \
	"CREATE UNIQUE INDEX onoffice_links_web_id ON onoffice_links(customer_web_id);"

/*
 * Migration 8 (R-A12): the claim is sealed like token and secret (AAD
 * "company:<id>:onoffice_claim"); claims stored in plain text before are dropped (a
 * service call brings a fresh one). claim_wanted holds onOffice's message when it
 * refused a call for want of a current claim (193/201/248): transfers pause until a
 * service call brings one. claim_gen counts stored claims (and re-links): a refusal
 * marks claim_wanted only while the claim it was sent with is still the current one.
 */
#define LINK_CLAIM_SQLITE                                                 \
	"ALTER TABLE onoffice_links RENAME COLUMN claim TO claim_sealed;" \
	"UPDATE onoffice_links SET claim_sealed = NULL;"                  \
	"ALTER TABLE onoffice_links ADD COLUMN claim_wanted TEXT;"        \
	"ALTER TABLE onoffice_links ADD COLUMN claim_gen INTEGER NOT NULL DEFAULT 0;"

#endif
