/*
 * raw_http.h - a minimal HTTP/1.1 client over a plain socket for tests that run a
 * server in-process (web and api tests): no libcurl, nothing hidden.
 */
#ifndef IMMO_TESTS_RAW_HTTP_H
#define IMMO_TESTS_RAW_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A connected socket to 127.0.0.1:port, or -1. */
static inline int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends raw bytes and reads the whole answer into out (requests say Connection: close).
 * Returns the status code, 0 when no answer came, -1 when the connection failed. */
static inline int call(int port, const char *raw, char *out, size_t cap)
{
	int fd = connect_to(port);
	if (fd < 0)
		return -1;
	size_t len = strlen(raw);
	if (write(fd, raw, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	size_t got = 0;
	ssize_t n;
	while (got + 1 < cap && (n = read(fd, out + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fd);
	int status = 0;
	sscanf(out, "HTTP/1.1 %d", &status);
	return status;
}

/* The body of a raw answer (after the blank line), or "" when there is none. */
static inline const char *body_start(const char *raw)
{
	const char *p = strstr(raw, "\r\n\r\n");
	return p ? p + 4 : "";
}

#endif
