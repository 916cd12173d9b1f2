/*
 * masterkey.c - the master key for secrets at rest, as commands load it (requirements §8.3).
 *
 * Where the key comes from, in order:
 *  1. --master-key, IMMOSYNC_MASTER_KEY or IMMOSYNC_MASTER_KEY_FILE (core/opt; the
 *     value is never echoed): 64 hex characters;
 *  2. the key file "<db path>.key" next to a SQLite database, when it exists;
 *  3. serve only, and only while the database needs no key yet (no key check, no
 *     sealed secret): a new random key written to "<db path>.key" (mode 0600, 64 hex
 *     and a newline). The file appears whole or not at all (written to a temporary
 *     name, then hard-linked, which never replaces an existing file).
 * The key is then checked against the database (store/link: masterkey_check), which
 * stores the check on first use; company link leaves that to link_set, so a refused
 * link stores nothing. Only paths are ever printed or logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "core/crypto.h"
#include "core/log.h"
#include "store/link.h"

#define KEY_HEX_LEN  CRYPTO_HEX_LEN(CRYPTO_KEY_LEN)
#define KEY_VERSION  1
#define KEY_FILE_MAX 256

bool app_masterkey_valid(const char *value, char *why, size_t cap)
{
	unsigned char raw[CRYPTO_KEY_LEN];
	size_t n = strlen(value);
	bool ok = n == KEY_HEX_LEN && crypto_hex_decode(value, n, raw, sizeof(raw), NULL) == 0;
	crypto_cleanse(raw, sizeof(raw));
	if (!ok)
		snprintf(why, cap, "the master key must be %d hex characters", KEY_HEX_LEN);
	return ok;
}

/* "<path>.key" for a SQLite url (bare path or sqlite:PATH); false for other engines. */
static bool key_file_path(const char *db_url, char *out, size_t cap)
{
	if (strncmp(db_url, "postgres://", 11) == 0 || strncmp(db_url, "postgresql://", 13) == 0)
		return false;
	if (strncmp(db_url, "sqlite:", 7) == 0)
		db_url += 7;
	int n = snprintf(out, cap, "%s.key", db_url);
	return n > 0 && (size_t)n < cap;
}

/*
 * Reads the key file into hex (cap > KEY_HEX_LEN). 0, ENOENT when it does not exist,
 * or -1 with the reason printed.
 */
static int read_key_file(const char *command, const char *path, char *hex, size_t cap)
{
	char buf[KEY_FILE_MAX];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ENOENT;
		fprintf(stderr, "%s %s: cannot read the key file %s: %s\n", APP_PROGRAM, command,
		        path, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
		LOG(LOG_WARN, "masterkey.file_mode", LS("path", path),
		    LS("advice", "the key file should be readable by its owner only (chmod 600)"));
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int saved = errno;
	close(fd);
	int rc = -1;
	if (n < 0) {
		fprintf(stderr, "%s %s: cannot read the key file %s: %s\n", APP_PROGRAM, command,
		        path, strerror(saved));
		goto out;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	char why[80];
	if ((size_t)n >= cap || !app_masterkey_valid(buf, why, sizeof(why))) {
		fprintf(stderr, "%s %s: the key file %s does not hold %d hex characters\n",
		        APP_PROGRAM, command, path, KEY_HEX_LEN);
		goto out;
	}
	memcpy(hex, buf, (size_t)n + 1);
	rc = 0;
out:
	crypto_cleanse(buf, sizeof(buf));
	return rc;
}

/* Makes the directory entry of a new file durable; best effort. */
static void sync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int n = slash ? snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path)
	              : snprintf(dir, sizeof(dir), ".");
	if (n < 0 || (size_t)n >= sizeof(dir))
		return;
	int fd = open(n ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Creates the key file with a new random key, or reads the one another process created
 * first. 0 with hex filled, or -1 with the reason printed.
 */
static int create_key_file(const char *command, const char *path, char *hex, size_t cap)
{
	unsigned char raw[CRYPTO_KEY_LEN];
	char line[KEY_HEX_LEN + 2], tmp[4200];
	int rc = -1, fd = -1;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "%s %s: the key file path is too long\n", APP_PROGRAM, command);
		return -1;
	}
	if (crypto_random(raw, sizeof(raw))) {
		fprintf(stderr, "%s %s: no randomness for a master key\n", APP_PROGRAM, command);
		goto out;
	}
	crypto_hex_encode(raw, sizeof(raw), line);
	line[KEY_HEX_LEN] = '\n';
	line[KEY_HEX_LEN + 1] = '\0';
	if ((fd = mkstemp(tmp)) < 0) {
		fprintf(stderr, "%s %s: cannot create the key file %s: %s\n", APP_PROGRAM, command,
		        path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, line, KEY_HEX_LEN + 1) != KEY_HEX_LEN + 1 ||
	    fsync(fd) != 0) {
		fprintf(stderr, "%s %s: cannot write the key file %s: %s\n", APP_PROGRAM, command,
		        path, strerror(errno));
		goto out_unlink;
	}
	if (link(tmp, path) != 0) {
		if (errno == EEXIST) { /* another process was first: use its key */
			unlink(tmp);
			rc = read_key_file(command, path, hex, cap) == 0 ? 0 : -1;
			goto out;
		}
		fprintf(stderr, "%s %s: cannot create the key file %s: %s\n", APP_PROGRAM, command,
		        path, strerror(errno));
		goto out_unlink;
	}
	sync_parent(path);
	memcpy(hex, line, KEY_HEX_LEN);
	hex[KEY_HEX_LEN] = '\0';
	LOG(LOG_INFO, "masterkey.created", LS("path", path),
	    LS("advice", "keep this file: the database's secrets cannot be read without it"));
	rc = 0;
out_unlink:
	unlink(tmp);
out:
	if (fd >= 0)
		close(fd);
	crypto_cleanse(raw, sizeof(raw));
	crypto_cleanse(line, sizeof(line));
	return rc;
}

static int missing_key(const char *command, bool needed, const char *path)
{
	fprintf(stderr,
	        "%s %s: %s: give --master-key, IMMOSYNC_MASTER_KEY or IMMOSYNC_MASTER_KEY_FILE "
	        "(64 hex characters)%s%s%s\n",
	        APP_PROGRAM, command,
	        needed ? "this database holds secrets and needs its master key"
	               : "this command needs the master key to seal secrets",
	        path ? "; there is no key file " : "", path ? path : "", path ? " either" : "");
	return 2;
}

/*
 * The key of the key file at path into hex, made first when create allows it (the
 * database needs no key yet); hex stays "" when there is none. 0, or 1 with the reason
 * printed.
 */
static int default_key(const char *command, const char *path, struct db *db, bool create, char *hex,
                       size_t cap)
{
	struct err e = ERR_INIT;
	bool needed = true;
	int r = read_key_file(command, path, hex, cap);
	if (r == 0 && create)
		LOG(LOG_INFO, "masterkey.file", LS("path", path));
	if (r != ENOENT || !create)
		return r < 0 ? 1 : 0;
	if (masterkey_needed(db, &needed, &e)) {
		fprintf(stderr, "%s %s: %s\n", APP_PROGRAM, command, e.message);
		return 1;
	}
	return !needed && create_key_file(command, path, hex, cap) ? 1 : 0;
}

int app_masterkey_load(const char *command, const char *db_url, struct db *db, const char *hex,
                       enum app_masterkey_mode mode, struct crypto_key *key)
{
	char file_hex[KEY_HEX_LEN + 1] = "", path[4096];
	struct err e = ERR_INIT;
	bool has_path = key_file_path(db_url, path, sizeof(path)), needed = true;
	int rc = 1;
	memset(key, 0, sizeof(*key));
	if (!hex && has_path) {
		if (default_key(command, path, db, mode == APP_MASTERKEY_SERVE, file_hex,
		                sizeof(file_hex)))
			goto out;
		hex = file_hex[0] ? file_hex : NULL;
	}
	const char *from = hex && hex == file_hex ? path : NULL; /* for messages */
	if (!hex) {
		if (masterkey_needed(db, &needed, &e))
			fprintf(stderr, "%s %s: %s\n", APP_PROGRAM, command, e.message);
		else
			rc = missing_key(command, needed, has_path ? path : NULL);
		goto out;
	}
	if (crypto_key_from_hex(hex, KEY_VERSION, key, &e)) { /* opt and the file reader checked */
		fprintf(stderr, "%s %s: the master key is not %d hex characters\n", APP_PROGRAM,
		        command, KEY_HEX_LEN);
		goto out;
	}
	int crc = mode == APP_MASTERKEY_SEAL ? 0 : masterkey_check(db, key, &e);
	if (crc == ERR_AUTH_TAG)
		fprintf(stderr, "%s %s: the master key does not match this database%s%s%s\n",
		        APP_PROGRAM, command, from ? " (key file " : "", from ? from : "",
		        from ? ")" : "");
	else if (crc)
		fprintf(stderr, "%s %s: cannot check the master key: %s\n", APP_PROGRAM, command,
		        e.message);
	else
		rc = 0;
out:
	crypto_cleanse(file_hex, sizeof(file_hex));
	if (rc)
		crypto_cleanse(key, sizeof(*key));
	return rc;
}
