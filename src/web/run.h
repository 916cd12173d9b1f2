/*
 * run.h - the life of a serving process: start the HTTP server, say where it
 * listens, wait for SIGTERM/SIGINT, drain in-flight requests, stop.
 */
#ifndef IMMO_WEB_RUN_H
#define IMMO_WEB_RUN_H

#include "web/http.h"

/* How long in-flight requests get to finish after SIGTERM (ARCHITECTURE.md: 3 s). */
#define WEB_DRAIN_MS 3000

/*
 * Starts the server described by cfg, prints "PROGRAM: listening on http://ADDR" on stdout
 * (tests and the demo read the bound port from it), and serves until SIGTERM or SIGINT.
 * sig_setup() must have run first. before_stop (may be NULL) runs after the server has
 * drained and before it is freed (stop workers there; s is still valid). Returns the exit code: 0
 * after a clean stop, 1 if the server could not start (the reason printed to stderr).
 */
int web_run(const char *program, const struct http_config *cfg,
            void (*before_stop)(void *arg, struct http_server *s), void *arg);

#endif
