/*
 * immosync company link - links a company to onOffice without the Marketplace
 * (operators, tests; requirements §8.3). The API secret comes from standard input, never
 * from argv; token and secret are sealed under the master key (store/link). No
 * onOffice call is made: the first use checks the credentials.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/app.h"
#include "core/crypto.h"
#include "store/link.h"
#include "store/settings.h"

/* One line of secret, its newline, and room to notice more. */
#define SECRET_READ_MAX 2048

enum { LK_COMPANY, LK_WEB_ID, LK_TOKEN, LK_DB, LK_MASTER_KEY, LK__N };
static const struct opt_def lk_opts[LK__N] = {
    [LK_COMPANY] = {"company", 'c', OPT_INT, "ID", NULL, "The company's id", OPT_REQUIRED, 1,
                    INT64_MAX},
    [LK_WEB_ID] = {"customer-web-id", 'w', OPT_STRING, "W", NULL,
                   "The onOffice customer web id (1-63 printable ASCII characters)", OPT_REQUIRED},
    [LK_TOKEN] = {"token", 't', OPT_STRING, "T", NULL,
                  "The onOffice API token (32 characters; 1-127 printable ASCII accepted)",
                  OPT_REQUIRED | OPT_SECRET},
    [LK_DB] = APP_OPT_DB,
    [LK_MASTER_KEY] = APP_OPT_MASTER_KEY,
};
static const struct opt_cmd lk_cmd = {
    .program = APP_PROGRAM,
    .name = "company link",
    .usage = "--company ID --customer-web-id W --token T [options] < secret",
    .summary =
        "Links a company to an onOffice customer without the Marketplace. The API secret is\n"
        "read from standard input (one line; prompted without echo on a terminal), never\n"
        "from the command line. Token and secret are stored encrypted under the master key;\n"
        "nothing is sent to onOffice (the first use checks the credentials). Prints\n"
        "{\"company_id\": …, \"customer_web_id\": \"…\", \"state\": \"…\"} (state: the\n"
        "company's sync state, \"linked\" after a first link).\n"
        "Linking again replaces the credentials (e.g. after the customer unblocked us) and\n"
        "keeps the sync state. One onOffice customer belongs to one company; a company may\n"
        "switch to another web id only while it holds nothing imported from onOffice.",
    .epilog = "Exit codes: 0 linked; 1 unknown company, web id linked to another company,\n"
              "wrong master key or another failure; 2 bad usage (missing or invalid option,\n"
              "no secret on standard input, no master key).\n",
    .defs = lk_opts,
    .ndefs = LK__N,
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
	(void)signo;
	interrupted = 1;
}

/*
 * Reads up to cap - 1 bytes of standard input into buf (NUL-terminated), until the end
 * of input or, on a terminal, the end of the line; a terminal gets a prompt and no echo.
 * Returns the length, or -1 (read error, interrupted, too long) with errno set.
 */
static ssize_t read_stdin(char *buf, size_t cap)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios saved, quiet;
	bool restore = false;
	sigset_t intr, old_mask;
	struct sigaction sa = {.sa_handler = on_interrupt}, old_sa;
	if (tty) {
		/* main blocks SIGINT for sigwait; let Ctrl-C end the prompt (no SA_RESTART). */
		sigemptyset(&intr);
		sigaddset(&intr, SIGINT);
		sigaction(SIGINT, &sa, &old_sa);
		sigprocmask(SIG_UNBLOCK, &intr, &old_mask);
		/* Echo goes off before the prompt, so nothing typed after it is shown. */
		if (tcgetattr(STDIN_FILENO, &saved) == 0) {
			quiet = saved;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		}
		fputs("API secret: ", stderr);
		fflush(stderr);
	}
	size_t n = 0;
	ssize_t result = -1;
	for (;;) {
		if (n + 1 >= cap) {
			errno = EMSGSIZE;
			break;
		}
		ssize_t r = read(STDIN_FILENO, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR && !interrupted)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
		if (r == 0 || (tty && memchr(buf, '\n', n))) {
			result = (ssize_t)n;
			break;
		}
	}
	int saved_errno = errno;
	buf[n < cap ? n : cap - 1] = '\0';
	if (tty) {
		if (restore)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		sigaction(SIGINT, &old_sa, NULL);
	}
	errno = saved_errno;
	return result;
}

/* The secret from standard input into buf; 0, or the exit code with the reason printed. */
static int read_secret(char *buf, size_t cap)
{
	ssize_t n = read_stdin(buf, cap);
	if (n < 0) {
		bool too_long = errno == EMSGSIZE;
		fprintf(stderr, "%s company link: %s\n", APP_PROGRAM,
		        interrupted ? "interrupted"
		        : too_long  ? "the API secret on standard input is too long"
		                    : "cannot read the API secret from standard input");
		return interrupted ? 130 : too_long ? 2 : 1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0) {
		fprintf(stderr, "%s company link: the API secret is read from standard input\n",
		        APP_PROGRAM);
		return 2;
	}
	if (memchr(buf, '\n', (size_t)n) || strlen(buf) != (size_t)n) {
		fprintf(stderr, "%s company link: the API secret must be one line of text\n",
		        APP_PROGRAM);
		return 2;
	}
	return 0;
}

/* The option a link_set field came from, for messages. */
static const char *field_source(const char *field)
{
	if (strcmp(field, "customer_web_id") == 0)
		return "--customer-web-id";
	if (strcmp(field, "token") == 0)
		return "--token";
	if (strcmp(field, "secret") == 0)
		return "the API secret (standard input)";
	return field;
}

int cmd_company_link(int argc, char **argv)
{
	struct opt_value v[LK__N];
	int rc = app_parse(&lk_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	struct crypto_key key;
	char secret[SECRET_READ_MAX], state[16] = "";
	int64_t company = v[LK_COMPANY].num;
	memset(&key, 0, sizeof(key));
	memset(secret, 0, sizeof(secret));
	if ((rc = read_secret(secret, sizeof(secret))))
		goto out;
	rc = 1;
	if (app_open_store(lk_cmd.name, v[LK_DB].str, &db))
		goto out;
	if ((rc = app_masterkey_load(lk_cmd.name, v[LK_DB].str, db, v[LK_MASTER_KEY].str,
	                             APP_MASTERKEY_SEAL, &key)))
		goto out;
	rc = link_set(db, &key, company, v[LK_WEB_ID].str, v[LK_TOKEN].str, secret, &e);
	if (!rc)
		rc = syncstate_get(db, company, state, sizeof(state), &e);
	if (rc) {
		if (rc == ERR_INVALID_FIELD)
			fprintf(stderr, "%s company link: invalid %s: %s\n", APP_PROGRAM,
			        field_source(e.field), e.message);
		else
			fprintf(stderr, "%s company link: %s\n", APP_PROGRAM, e.message);
		rc = rc == ERR_INVALID_FIELD ? 2 : 1;
		goto out;
	}
	json_t *doc = json_pack("{s:I,s:s,s:s}", "company_id", (json_int_t)company,
	                        "customer_web_id", v[LK_WEB_ID].str, "state", state);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!text) {
		fprintf(stderr, "%s company link: out of memory\n", APP_PROGRAM);
		rc = 1;
		goto out;
	}
	puts(text);
	free(text);
	rc = 0;
out:
	crypto_cleanse(secret, sizeof(secret));
	crypto_cleanse(&key, sizeof(key));
	db_close(db);
	opt_release(v, LK__N);
	return rc;
}
