/*
 * tmpdb.h - a fresh database path in a private temporary directory, for the
 * store tests. The directory lives under $IMMO_TEST_TMP (ctest sets it to
 * <build>/tmp) or /tmp.
 */
#ifndef IMMO_TESTS_STORE_TMPDB_H
#define IMMO_TESTS_STORE_TMPDB_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct tmpdb {
	char dir[512];
	char path[600];
};

/* Creates the directory; returns 0 or -1. */
static inline int tmpdb_make(struct tmpdb *t)
{
	const char *base = getenv("IMMO_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	int n = snprintf(t->dir, sizeof(t->dir), "%s/immo-db-XXXXXX", base);
	if (n < 0 || (size_t)n >= sizeof(t->dir) || !mkdtemp(t->dir))
		return -1;
	n = snprintf(t->path, sizeof(t->path), "%s/test.db", t->dir);
	return n < 0 || (size_t)n >= sizeof(t->path) ? -1 : 0;
}

/* Removes the database, its WAL files and the directory. */
static inline void tmpdb_remove(struct tmpdb *t)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[640];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		int n = snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
		if (n > 0 && (size_t)n < sizeof(p))
			unlink(p);
	}
	rmdir(t->dir);
}

#endif
