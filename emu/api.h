/*
 * api.h - the emulated API endpoint: envelope, authentication, dispatch.
 *
 * POST /api/stable/api.php and /api/latest/api.php take the request envelope of
 * onoffice-protocol §2 and answer with the response envelope of onoffice-protocol §3, quirks
 * included. Each action is checked on its own (structure, token, timestamp,
 * HMAC v2) and answered in order by its handler (actions.h); emu/README.md
 * lists every error code used.
 */
#ifndef IMMO_EMU_API_H
#define IMMO_EMU_API_H

#include "web/http.h"

/* The route handler for both API URLs (ctx is the struct emu). */
void emu_api_handler(struct http_req *req, struct http_resp *resp, void *ctx);

#endif
