/*
 * settings.h - a company's settings (R-S1) and its sync state (R-S2).
 *
 * Settings and their defaults: all_contacts true, contact_types [],
 * without_contact_type false, backsync_mode "manual", create_estates false,
 * import_interval_s 300, agentslog_kind/agentslog_type null (R-B6a default
 * rule), origin_key null (R-B5 default rule).
 *
 * The queue follows the mode: switching to automatic makes held transfers due
 * (when the company is running), switching to manual holds due ones again.
 * The export only sends due transfers of running companies, so stop needs no
 * change to the queue and start releases what waited (automatic mode).
 */
#ifndef IMMO_STORE_SETTINGS_H
#define IMMO_STORE_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

#define SETTINGS_KEY_MAX   80  /* characters of a contact type, kind or origin key */
#define SETTINGS_TYPES_MAX 200 /* contact types in the scope */

/* The whole settings object (requirements §8.2). */
int settings_get_json(struct db *db, int64_t company_id, json_t **out, struct err *e);

/*
 * Applies the fields present in patch (absent ones keep their value) after checking all
 * of them; an unknown key, a wrong type or a value out of range is ERR_INVALID_FIELD
 * naming the key, and nothing changes. *out gets the whole object afterwards.
 */
int settings_put_json(struct db *db, int64_t company_id, json_t *patch, json_t **out,
                      struct err *e);

/* The company's sync state: not_linked, linked, running, stopped. */
int syncstate_get(struct db *db, int64_t company_id, char *state, size_t cap, struct err *e);

/*
 * start: stopped → running (releases held transfers in automatic mode; running stays
 * running). stop: running → stopped (stopped stays stopped). From not_linked:
 * ERR_NOT_LINKED; from linked (no initial sync yet): ERR_CONFLICT. *state gets the new state.
 */
int syncstate_start(struct db *db, int64_t company_id, char *state, size_t cap, struct err *e);

/* Inside the caller's write transaction, when the company has just become running: in
 * automatic mode its held transfers become due (R-B1, R-S2); in manual mode they stay
 * held for the per-contact button. syncstate_start and the initial sync use it. */
int settings_send_held(struct db_conn *c, int64_t company_id, struct err *e);
int syncstate_stop(struct db *db, int64_t company_id, char *state, size_t cap, struct err *e);

/* Per-contact sync (R-B2): the contact's held transfers become due. ERR_NOT_LINKED when the
 * company is not linked; ERR_NOT_FOUND for an unknown contact. *n gets the count. */
int syncstate_sync_contact(struct db *db, int64_t company_id, int64_t contact_id, int64_t *n,
                           struct err *e);

#endif
