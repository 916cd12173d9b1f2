/* Migration 7 (issue #6, owned by the import in src/sync/): import progress and lease. */
#ifndef IMMO_STORE_SCHEMA_IMPORT_H
#define IMMO_STORE_SCHEMA_IMPORT_H

#define IMPORT_SQLITE                                                                              \
	"CREATE TABLE import_state ("                                                              \
	" company_id INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,"              \
	" lease_owner TEXT,"                                                                       \
	" lease_until INTEGER,"                                                                    \
	" phase TEXT NOT NULL DEFAULT 'idle',"                                                     \
	" done INTEGER NOT NULL DEFAULT 0,"                                                        \
	" total INTEGER NOT NULL DEFAULT 0,"                                                       \
	" cursor TEXT,"                                                                            \
	" scope_hash TEXT,"                                                                        \
	" last_run_at INTEGER,"                                                                    \
	" next_run_at INTEGER,"                                                                    \
	" last_error TEXT);"

#endif
