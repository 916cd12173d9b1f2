/*
 * actions.h - onOffice action ids (onoffice-protocol §4).
 *
 * "read" and "get" read; "create", "modify", "delete" and "do" write. The
 * distinction matters for retries: a read may always be sent again, a write
 * whose answer was lost is "uncertain" and must be looked up first (R-X6).
 */
#ifndef IMMO_ONOFFICE_ACTIONS_H
#define IMMO_ONOFFICE_ACTIONS_H

#include <stdbool.h>

enum oo_action { OO_READ, OO_CREATE, OO_MODIFY, OO_DELETE, OO_GET, OO_DO };

/* The URN, e.g. "urn:onoffice-de-ns:smart:2.5:smartml:action:read". */
const char *oo_action_urn(enum oo_action a);
/* True for create, modify, delete and do. */
bool oo_action_writes(enum oo_action a);
/* The short name for logs and messages: "read", "create", … (static string). */
const char *oo_action_name(enum oo_action a);

#endif
