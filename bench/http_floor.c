/*
 * The floor for bench/http.sh: a bare libmicrohttpd server with the same thread
 * model as ours that answers every request with the bytes of our /healthz answer
 * (no routing, no request id, no log line, no metrics). It prints its port.
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
	(void)cls, (void)url, (void)method, (void)version, (void)data;
	/* Answer on the second call, as MHD documents: answering on the first, before the
	 * (empty) body is known to be read, makes MHD close the connection after each
	 * request and would make this floor measure reconnects instead. */
	static int marker;
	if (!*state) {
		*state = &marker;
		return MHD_YES;
	}
	if (*size) {
		*size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int main(void)
{
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC, 0, NULL,
	                                        NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, 4u,
	                                        MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_END);
	if (!d)
		return 1;
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("http_floor: listening on http://127.0.0.1:%u\n", i ? i->port : 0);
	fflush(stdout);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
