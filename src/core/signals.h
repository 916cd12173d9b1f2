/*
 * signals.h - signals handled in one place (ARCHITECTURE.md "Processes, threads, shutdown").
 *
 * sig_setup() must run in main before any thread starts: it blocks SIGTERM,
 * SIGINT and SIGHUP in the calling thread, so every thread created later
 * inherits the mask and no handler ever runs on a random thread, and it
 * ignores SIGPIPE (a client closing its socket must not kill the server).
 * A crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) writes one line
 * "event=process.crash signal=…" and the stack to stderr, then takes the
 * default action (core dump); sanitizer builds leave these to the sanitizer.
 * Not covered: a stack overflow (no alternate signal stack) dumps core
 * without the line.
 * The main thread then waits in sig_wait_stop(), which returns the first
 * SIGTERM or SIGINT; SIGHUP is reported through the callback (log reopen,
 * reload) and waiting continues.
 */
#ifndef IMMO_CORE_SIGNALS_H
#define IMMO_CORE_SIGNALS_H

/* Returns 0, or ERR_INTERNAL if the mask could not be set. */
int sig_setup(void);

/* Blocks until SIGTERM or SIGINT arrives and returns its number. on_hup (may be NULL) is
 * called on the waiting thread for each SIGHUP. */
int sig_wait_stop(void (*on_hup)(void *arg), void *arg);

/* The signal's name, "SIGTERM". */
const char *sig_name(int signo);

#endif
