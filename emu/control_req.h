/*
 * control_req.h - what every control endpoint under /_emu/ (control.c, fixtures.c)
 * does with its request first: refuse clients that are not on loopback, and read
 * the body as one JSON object.
 */
#ifndef IMMO_EMU_CONTROL_REQ_H
#define IMMO_EMU_CONTROL_REQ_H

#include <jansson.h>
#include <stdbool.h>

#include "web/http.h"

/* Answers 403 and returns false unless the client is on loopback. */
bool emu_control_allowed(struct http_req *req, struct http_resp *resp);

/* Parses the request body as a JSON object (duplicates refused); on failure answers 400
 * and returns NULL. The caller decrefs. */
json_t *emu_control_body(struct http_req *req, struct http_resp *resp);

#endif
