/*
 * control.h - the control endpoints under /_emu/ (spec §8.3), loopback only:
 * counters, faults, clock offset, customer configuration, and address
 * fixtures for tests. Shapes and validation are documented in emu/README.md.
 */
#ifndef IMMO_EMU_CONTROL_H
#define IMMO_EMU_CONTROL_H

#include <stddef.h>

#include "web/http.h"

/* The emulator's route table: the API endpoints and the control endpoints. */
extern const struct http_route emu_routes[];
extern const size_t emu_routes_count;

/* POST /_emu/customers/{webid}/addresses (fixtures.c). */
void emu_fixtures_post(struct http_req *req, struct http_resp *resp, void *ctx);
/* DELETE /_emu/customers/{webid}/addresses (fixtures.c). */
void emu_fixtures_delete(struct http_req *req, struct http_resp *resp, void *ctx);

/* Answers 403 and returns false unless the client is on loopback. */
bool emu_control_allowed(struct http_req *req, struct http_resp *resp);

/* Parses the request body as a JSON object (duplicates refused); on failure answers 400
 * and returns NULL. The caller decrefs. */
json_t *emu_control_body(struct http_req *req, struct http_resp *resp);

#endif
