#include "core/signals.h"
#include "core/err.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIG_SANITIZED 1
#endif
#endif

static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

#ifndef SIG_SANITIZED /* the sanitizers report these signals better themselves */
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static volatile sig_atomic_t in_fatal;

/* Only async-signal-safe calls. Every fatal signal goes back to its default action first,
 * so a fault inside this handler (or a second thread crashing) ends the process instead
 * of re-entering; a second entry only re-raises. Then one line naming the signal, the
 * stack (alarm: if unwinding hangs on a lock the crashed thread held, SIGALRM ends the
 * process after 5 s), and the default action (core dump) by re-raising. */
static void on_fatal(int signo)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigemptyset(&dfl.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &dfl, NULL);
	if (in_fatal) {
		raise(signo);
		return;
	}
	in_fatal = 1;
	static const char head[] = "level=error event=process.crash signal=";
	const char *name = signo == SIGSEGV  ? "SIGSEGV"
	                   : signo == SIGBUS ? "SIGBUS"
	                   : signo == SIGFPE ? "SIGFPE"
	                   : signo == SIGILL ? "SIGILL"
	                                     : "SIGABRT";
	ssize_t ignored = write(STDERR_FILENO, head, sizeof(head) - 1);
	ignored = write(STDERR_FILENO, name, strlen(name));
	ignored = write(STDERR_FILENO, "\n", 1);
	(void)ignored;
	alarm(5);
	void *frames[64];
	backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
	raise(signo);
}
#endif

static int fatal_setup(void)
{
#ifndef SIG_SANITIZED
	void *warm[1];
	backtrace(warm, 1); /* loads libgcc now, not inside the handler */
	struct sigaction sa = {.sa_handler = on_fatal, .sa_flags = SA_NODEFER};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		if (sigaction(fatal_signals[i], &sa, NULL) != 0)
			return ERR_INTERNAL;
#endif
	return ERR_OK;
}

int sig_setup(void)
{
	sigset_t set;
	stop_set(&set);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return ERR_INTERNAL;
	struct sigaction sa = {.sa_handler = SIG_IGN};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return ERR_INTERNAL;
	return fatal_setup();
}

int sig_wait_stop(void (*on_hup)(void *arg), void *arg)
{
	sigset_t set;
	stop_set(&set);
	for (;;) {
		int signo = 0;
		if (sigwait(&set, &signo) != 0)
			continue;
		if (signo == SIGHUP) {
			if (on_hup)
				on_hup(arg);
			continue;
		}
		return signo;
	}
}

const char *sig_name(int signo)
{
	switch (signo) {
	case SIGTERM:
		return "SIGTERM";
	case SIGINT:
		return "SIGINT";
	case SIGHUP:
		return "SIGHUP";
	default:
		return "signal";
	}
}
