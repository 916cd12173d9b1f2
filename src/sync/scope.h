/*
 * scope.h - which onOffice addresses a company imports (R-I3, settings R-S1).
 *
 * The settings all_contacts / contact_types / without_contact_type become one or two
 * BRANCHES, each one read of its own: onOffice ANDs every filter, so "these types OR
 * no type" cannot be one filter.
 *
 *   all_contacts             one branch, no type filter; an address whose ONLY type is
 *                            Systembenutzer is left out on our side (sync_scope_keeps)
 *   contact_types [..]       a branch with ArtDaten in [types] (contains any of them)
 *   without_contact_type     a branch with ArtDaten = "" (no type at all)
 *   neither                  no branch: nothing matches
 *
 * Systembenutzer is never offered and never selects anything: it is dropped from the
 * type list. The scope's hash names it, so a changed choice is noticed (a rescan).
 */
#ifndef IMMO_SYNC_SCOPE_H
#define IMMO_SYNC_SCOPE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "onoffice/values.h"

#define SYNC_SYSTEM_USER "Systembenutzer"

struct sync_scope {
	bool all;
	bool without;
	char **types; /* ArtDaten keys, sorted, without Systembenutzer */
	size_t ntypes;
	char hash[65]; /* hex SHA-256 of the canonical scope */
};

/* The scope of a settings object (settings_get_json). ERR_NOMEM. Release it. */
int sync_scope_from_settings(const json_t *settings, struct sync_scope *out, struct err *e);
void sync_scope_release(struct sync_scope *s);

/* Number of branches: 0, 1 or 2. */
size_t sync_scope_branches(const struct sync_scope *s);

/* Adds branch b's type condition to *filter (created when NULL). 0 or ERR_NOMEM. */
int sync_scope_filter(const struct sync_scope *s, size_t b, json_t **filter);

/* Whether an address of branch b with these ArtDaten keys belongs to the scope (the
 * part the server cannot filter: all_contacts leaves out "only Systembenutzer"). */
bool sync_scope_keeps(const struct sync_scope *s, size_t b, const struct oo_strv *types);

/* True for the Systembenutzer key or label (ASCII case ignored). */
bool sync_is_system_user(const char *key_or_label);

#endif
