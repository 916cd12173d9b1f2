/*
 * buf.h - a growable byte buffer with a hard cap.
 *
 * Every buffer that holds outside input (request bodies, JSON documents,
 * onOffice answers, mails) is a `struct buf` with a maximum size. Appending
 * past the cap fails with ERR_TOO_LARGE and leaves the buffer as it was, so a
 * caller can answer 413 without having read the rest. The contents are always
 * NUL-terminated (the terminator is not counted in len nor in the cap).
 *
 *   struct buf b = BUF_INIT(64 * 1024);
 *   if (buf_addf(&b, "%d", n)) …
 *   buf_release(&b);
 */
#ifndef IMMO_CORE_BUF_H
#define IMMO_CORE_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;   /* bytes used, without the terminator */
	size_t alloc; /* bytes allocated */
	size_t max;   /* cap on len; appends beyond it fail */
};

#define BUF_INIT(max_bytes)             \
	{                               \
		NULL, 0, 0, (max_bytes) \
	}

void buf_init(struct buf *b, size_t max);
/* Frees the memory; the buffer may be reused (it is empty, same cap). */
void buf_release(struct buf *b);
/* Empties the buffer but keeps its memory for reuse. */
void buf_reset(struct buf *b);

/* Appends n bytes. ERR_TOO_LARGE past the cap, ERR_NOMEM; on error b is unchanged. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The contents as a C string; "" for an empty buffer. Valid until the next change. */
const char *buf_str(const struct buf *b);

/*
 * Hands the memory to the caller, who frees it with free(); *len (may be NULL)
 * gets the length. The buffer is empty afterwards. Never returns NULL: an empty
 * buffer yields a freshly allocated "" (NULL only when that allocation fails).
 */
char *buf_detach(struct buf *b, size_t *len);

#endif
