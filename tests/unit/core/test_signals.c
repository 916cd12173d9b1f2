/* Unit tests for src/core/signals.c: the stop mask and the crash report. Each case runs
 * in a forked child, so the test process keeps its own signal state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/signals.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Runs fn in a child with stderr on a pipe; returns its wait status, stderr in out. */
static int in_child(void (*fn)(void), char *out, size_t cap)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(fds[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void term_then_wait(void)
{
	if (sig_setup() != 0)
		_exit(3);
	kill(getpid(), SIGTERM); /* blocked: stays pending until sigwait takes it */
	_exit(sig_wait_stop(NULL, NULL) == SIGTERM ? 0 : 4);
}

static void sigterm_is_taken_by_sig_wait_stop(void **state)
{
	(void)state;
	char out[256];
	int st = in_child(term_then_wait, out, sizeof(out));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

#ifdef SANITIZED
/* Sanitizer builds leave the fatal signals to the sanitizer: sig_setup changes nothing. */
static void segv_disposition_kept(void)
{
	struct sigaction before, after;
	sigaction(SIGSEGV, NULL, &before);
	if (sig_setup() != 0)
		_exit(3);
	sigaction(SIGSEGV, NULL, &after);
	_exit(before.sa_handler == after.sa_handler ? 0 : 6);
}

static void crash_is_left_to_the_sanitizer(void **state)
{
	(void)state;
	char out[256];
	int st = in_child(segv_disposition_kept, out, sizeof(out));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}
#else
static void segv_after_setup(void)
{
	if (sig_setup() != 0)
		_exit(3);
	raise(SIGSEGV);
	_exit(5); /* not reached */
}

static void crash_is_reported_then_default_action(void **state)
{
	(void)state;
	char out[16384];
	int st = in_child(segv_after_setup, out, sizeof(out));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSEGV);
	assert_non_null(strstr(out, "level=error event=process.crash signal=SIGSEGV\n"));
	assert_non_null(strstr(out, ")[0x")); /* at least one stack frame follows */
}

static void abort_after_setup(void)
{
	if (sig_setup() != 0)
		_exit(3);
	abort();
}

/* abort() raises SIGABRT again when a handler returns: reported once, dies of SIGABRT. */
static void abort_is_reported_once(void **state)
{
	(void)state;
	char out[16384];
	int st = in_child(abort_after_setup, out, sizeof(out));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	const char *first = strstr(out, "event=process.crash signal=SIGABRT\n");
	assert_non_null(first);
	assert_null(strstr(first + 1, "event=process.crash"));
}
#endif

static void names(void **state)
{
	(void)state;
	assert_string_equal(sig_name(SIGTERM), "SIGTERM");
	assert_string_equal(sig_name(SIGINT), "SIGINT");
	assert_string_equal(sig_name(SIGHUP), "SIGHUP");
	assert_string_equal(sig_name(SIGUSR1), "signal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sigterm_is_taken_by_sig_wait_stop),
#ifdef SANITIZED
	    cmocka_unit_test(crash_is_left_to_the_sanitizer),
#else
	    cmocka_unit_test(crash_is_reported_then_default_action),
	    cmocka_unit_test(abort_is_reported_once),
#endif
	    cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
