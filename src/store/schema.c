/*
 * schema.c - immosync's schema as versioned migrations, and store_open().
 *
 * Rules: append, never edit an applied migration; each migration carries DDL
 * for SQLite and PostgreSQL (the PostgreSQL text may stay NULL until that
 * driver exists); DML elsewhere stays portable (see db.h).
 */
#include "store/store.h"
#include "store/schema_import.h"
#include "store/schema_link.h"

#include <stdio.h>

/*
 * The platform core (issue #5). Everything a company owns carries company_id and
 * goes when the company goes (ON DELETE CASCADE, R-T3). Case-insensitive keys
 * (e-mail) are stored normalised by C code, since SQLite's lower() is ASCII-only.
 * Times are int64 UTC milliseconds.
 */
#define PLATFORM_SQLITE                                                               \
	"CREATE TABLE companies ("                                                    \
	" id INTEGER PRIMARY KEY,"                                                    \
	" name TEXT NOT NULL,"                                                        \
	" owner_email TEXT NOT NULL,"                                                 \
	" sync_state TEXT NOT NULL DEFAULT 'not_linked'"                              \
	"  CHECK (sync_state IN ('not_linked','linked','running','stopped')),"        \
	" created_at INTEGER NOT NULL);"                                              \
	"CREATE TABLE api_tokens ("                                                   \
	" id INTEGER PRIMARY KEY,"                                                    \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"    \
	" token_hash TEXT NOT NULL UNIQUE,"                                           \
	" prefix TEXT NOT NULL,"                                                      \
	" scope TEXT NOT NULL CHECK (scope IN ('ingest','full')),"                    \
	" created_at INTEGER NOT NULL,"                                               \
	" revoked_at INTEGER);"                                                       \
	"CREATE INDEX api_tokens_company ON api_tokens(company_id);"                  \
	"CREATE TABLE settings ("                                                     \
	" company_id INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE," \
	" all_contacts INTEGER NOT NULL DEFAULT 1,"                                   \
	" contact_types TEXT NOT NULL DEFAULT '[]',"                                  \
	" without_contact_type INTEGER NOT NULL DEFAULT 0,"                           \
	" backsync_mode TEXT NOT NULL DEFAULT 'manual'"                               \
	"  CHECK (backsync_mode IN ('manual','automatic')),"                          \
	" create_estates INTEGER NOT NULL DEFAULT 0,"                                 \
	" import_interval_s INTEGER NOT NULL DEFAULT 300"                             \
	"  CHECK (import_interval_s BETWEEN 10 AND 86400),"                           \
	" agentslog_kind TEXT,"                                                       \
	" agentslog_type TEXT,"                                                       \
	" origin_key TEXT,"                                                           \
	" updated_at INTEGER NOT NULL);"

#define CONTACTS_SQLITE                                                                 \
	"CREATE TABLE contacts ("                                                       \
	" id INTEGER PRIMARY KEY,"                                                      \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"      \
	" origin TEXT NOT NULL CHECK (origin IN ('onoffice','platform')),"              \
	" onoffice_address_id INTEGER,"                                                 \
	" salutation TEXT, first_name TEXT, last_name TEXT,"                            \
	" street TEXT, zip TEXT, city TEXT, country TEXT,"                              \
	" gdpr_consent INTEGER NOT NULL DEFAULT 0,"                                     \
	" blocked INTEGER NOT NULL DEFAULT 0,"                                          \
	" status TEXT NOT NULL DEFAULT 'new',"                                          \
	" contact_types TEXT NOT NULL DEFAULT '[]',"                                    \
	" archived INTEGER NOT NULL DEFAULT 0,"                                         \
	" erased_at INTEGER,"                                                           \
	" created_at INTEGER NOT NULL,"                                                 \
	" updated_at INTEGER NOT NULL,"                                                 \
	" UNIQUE (company_id, onoffice_address_id));"                                   \
	"CREATE INDEX contacts_company ON contacts(company_id, id);"                    \
	"CREATE TABLE contact_emails ("                                                 \
	" id INTEGER PRIMARY KEY,"                                                      \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"      \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"       \
	" email TEXT NOT NULL,"                                                         \
	" email_norm TEXT NOT NULL,"                                                    \
	" is_primary INTEGER NOT NULL DEFAULT 0,"                                       \
	" UNIQUE (contact_id, email_norm));"                                            \
	"CREATE INDEX contact_emails_lookup ON contact_emails(company_id, email_norm, " \
	"contact_id);"                                                                  \
	"CREATE TABLE contact_phones ("                                                 \
	" id INTEGER PRIMARY KEY,"                                                      \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"      \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"       \
	" raw TEXT NOT NULL,"                                                           \
	" e164 TEXT,"                                                                   \
	" dedupe_key TEXT NOT NULL,"                                                    \
	" UNIQUE (contact_id, dedupe_key));"                                            \
	"CREATE TABLE lead_keys ("                                                      \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,"      \
	" email_norm TEXT NOT NULL,"                                                    \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"       \
	" PRIMARY KEY (company_id, email_norm));"                                       \
	"CREATE INDEX lead_keys_contact ON lead_keys(company_id, contact_id);"

#define ACTIVITY_SQLITE                                                            \
	"CREATE TABLE conversions ("                                               \
	" id INTEGER PRIMARY KEY,"                                                 \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE," \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"  \
	" type TEXT NOT NULL,"                                                     \
	" landing_page TEXT,"                                                      \
	" occurred_at INTEGER NOT NULL,"                                           \
	" lead_id TEXT,"                                                           \
	" lead_email TEXT NOT NULL,"                                               \
	" lead_status TEXT NOT NULL,"                                              \
	" details TEXT NOT NULL,"                                                  \
	" created_at INTEGER NOT NULL);"                                           \
	"CREATE INDEX conversions_contact ON conversions(contact_id, id);"         \
	"CREATE TABLE notes ("                                                     \
	" id INTEGER PRIMARY KEY,"                                                 \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE," \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"  \
	" text TEXT NOT NULL,"                                                     \
	" created_at INTEGER NOT NULL);"                                           \
	"CREATE INDEX notes_contact ON notes(contact_id, id);"                     \
	"CREATE TABLE idempotency ("                                               \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE," \
	" key TEXT NOT NULL,"                                                      \
	" contact_id INTEGER,"                                                     \
	" request_hash TEXT NOT NULL,"                                             \
	" status INTEGER NOT NULL,"                                                \
	" response TEXT NOT NULL,"                                                 \
	" created_at INTEGER NOT NULL,"                                            \
	" PRIMARY KEY (company_id, key));"                                         \
	"CREATE INDEX idempotency_age ON idempotency(company_id, created_at);"

#define OUTBOX_SQLITE                                                              \
	"CREATE TABLE outbox ("                                                    \
	" id INTEGER PRIMARY KEY,"                                                 \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE," \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"  \
	" kind TEXT NOT NULL CHECK (kind IN ('contact','conversion','note')),"     \
	" ref_id INTEGER NOT NULL,"                                                \
	" state TEXT NOT NULL CHECK (state IN "                                    \
	"('held','due','leased','done','failed','dismissed')),"                    \
	" attempts INTEGER NOT NULL DEFAULT 0,"                                    \
	" next_at INTEGER NOT NULL DEFAULT 0,"                                     \
	" lease_until INTEGER,"                                                    \
	" last_error TEXT,"                                                        \
	" created_at INTEGER NOT NULL,"                                            \
	" updated_at INTEGER NOT NULL);"                                           \
	"CREATE INDEX outbox_state ON outbox(state, next_at);"                     \
	"CREATE INDEX outbox_contact ON outbox(company_id, contact_id, id);"       \
	"CREATE TABLE transfer_log ("                                              \
	" id INTEGER PRIMARY KEY,"                                                 \
	" company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE," \
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"  \
	" outbox_id INTEGER,"                                                      \
	" kind TEXT NOT NULL,"                                                     \
	" ref_id INTEGER,"                                                         \
	" onoffice_id TEXT,"                                                       \
	" result TEXT NOT NULL CHECK (result IN ('ok','failed')),"                 \
	" error TEXT,"                                                             \
	" at INTEGER NOT NULL);"                                                   \
	"CREATE INDEX transfer_log_contact ON transfer_log(contact_id, id);"

const struct db_migration store_migrations[] = {
    {
        .version = 1,
        .name = "meta",
        /* Installation-wide facts, e.g. the check value of the master key. */
        .sqlite_sql = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        .postgres_sql = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    },
    /* PostgreSQL DDL for 2–5 is written with that driver (R-C5). */
    {.version = 2, .name = "companies", .sqlite_sql = PLATFORM_SQLITE},
    {.version = 3, .name = "contacts", .sqlite_sql = CONTACTS_SQLITE},
    {.version = 4, .name = "activity", .sqlite_sql = ACTIVITY_SQLITE},
    {.version = 5, .name = "outbox", .sqlite_sql = OUTBOX_SQLITE},
    {.version = 6, .name = "onoffice_links", .sqlite_sql = LINK_SQLITE},
    {.version = 7, .name = "import_state", .sqlite_sql = IMPORT_SQLITE},
    {.version = 8, .name = "onoffice_claim", .sqlite_sql = LINK_CLAIM_SQLITE},
};

const size_t store_migrations_count = sizeof(store_migrations) / sizeof(store_migrations[0]);

int store_open(const char *url, const struct db_options *opt, struct db **out, struct err *e)
{
	struct db *db;
	int rc = db_open(url, opt, &db, e);

	*out = NULL;
	if (rc)
		return rc;
	if ((rc = db_migrate(db, store_migrations, store_migrations_count, e)))
		goto out_close;
	*out = db;
	return 0;

out_close:
	db_close(db);
	return rc;
}

bool store_ready(void *ctx, char *why, size_t cap)
{
	int version = 0;
	struct err e = ERR_INIT;
	if (db_schema_version(ctx, &version, &e) != 0) {
		snprintf(why, cap, "database: %s", e.message);
		return false;
	}
	return true;
}
