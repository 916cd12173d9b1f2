/*
 * control.h - the control endpoints under /_emu/ (requirements §8.3), loopback only:
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

#endif
