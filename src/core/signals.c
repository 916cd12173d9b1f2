#include "core/signals.h"
#include "core/err.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
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
	return ERR_OK;
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
