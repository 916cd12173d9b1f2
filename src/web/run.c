#include "web/run.h"

#include <stdio.h>

#include "core/log.h"
#include "core/signals.h"

int web_run(const char *program, const struct http_config *cfg,
            void (*before_stop)(void *arg, struct http_server *s), void *arg)
{
	struct err e = ERR_INIT;
	struct http_server *s = NULL;
	if (http_start(cfg, &s, &e)) {
		fprintf(stderr, "%s: %s\n", program, e.message);
		return 1;
	}
	LOG(LOG_INFO, "serve.start", LS("program", program), LS("listen", http_address(s)),
	    LS("event_loop", http_event_loop(s)), LS("version", IMMO_VERSION));
	printf("%s: listening on %s://%s\n", program, http_scheme(s), http_address(s));
	fflush(stdout);

	int signo = sig_wait_stop(NULL, NULL);
	LOG(LOG_INFO, "serve.stopping", LS("signal", sig_name(signo)));
	if (cfg->on_stopping)
		cfg->on_stopping(cfg->ctx);
	int left = http_drain(s, WEB_DRAIN_MS);
	if (left)
		LOG(LOG_WARN, "serve.drain_timeout", LI("in_flight", left));
	if (before_stop)
		before_stop(arg, s);
	http_stop(s);
	LOG(LOG_INFO, "serve.stopped", LS("program", program));
	return 0;
}
