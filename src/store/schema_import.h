/*
 * Migration 7 (issue #6, owned by the import in src/sync/): the import state of a
 * company - its lease, progress and cursors (store/import.h explains each column).
 *
 *  lease_owner, lease_until  who runs the company's import now ("host:pid:tag") and
 *                            until when (db clock ms); one import per company at a time
 *  phase                     'idle', or 'initial' while a full import (R-I1, a rescan)
 *                            is requested or under way
 *  done, total               addresses read / to read by the latest full import
 *  init_branch, init_last_id the keyset position of the full import: scope branch and
 *                            the last onOffice address id committed in it
 *  init_mark                 the highest Aenderung in onOffice when the full import began:
 *                            the periodic import starts there afterwards
 *  init_counted              1 once the full import has counted its total
 *  scope_hash                the scope (R-I3) the full import and the cursors belong to;
 *                            another scope in the settings starts a rescan
 *  cursor                    periodic import: JSON {stream: Aenderung}; NULL before the
 *                            first full import completed
 *  last_run_at, next_run_at  UTC ms; next_run_at NULL = due now
 *  last_ok_at                when a pass last went well (the import lag of /metrics)
 *  last_error, last_error_class, failures
 *                            the last pass's error (NULL after a good pass), its class
 *                            ('auth', 'onoffice', 'internal', 'stopped') and how many
 *                            passes in a row failed (backoff)
 */
#ifndef IMMO_STORE_SCHEMA_IMPORT_H
#define IMMO_STORE_SCHEMA_IMPORT_H

#define IMPORT_SQLITE                                                                 \
	"CREATE TABLE import_state ("                                                 \
	" company_id INTEGER PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE," \
	" lease_owner TEXT,"                                                          \
	" lease_until INTEGER,"                                                       \
	" phase TEXT NOT NULL DEFAULT 'idle' CHECK (phase IN ('idle','initial')),"    \
	" done INTEGER NOT NULL DEFAULT 0,"                                           \
	" total INTEGER NOT NULL DEFAULT 0,"                                          \
	" init_branch INTEGER NOT NULL DEFAULT 0,"                                    \
	" init_last_id INTEGER NOT NULL DEFAULT 0,"                                   \
	" init_mark TEXT,"                                                            \
	" init_counted INTEGER NOT NULL DEFAULT 0,"                                   \
	" scope_hash TEXT,"                                                           \
	" cursor TEXT,"                                                               \
	" last_run_at INTEGER,"                                                       \
	" next_run_at INTEGER,"                                                       \
	" last_ok_at INTEGER,"                                                        \
	" last_error TEXT,"                                                           \
	" last_error_class TEXT,"                                                     \
	" failures INTEGER NOT NULL DEFAULT 0);"

#endif
