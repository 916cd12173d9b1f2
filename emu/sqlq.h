/*
 * sqlq.h - an SQL text under construction together with its `?` bindings.
 *
 * Filters, sorting and searches are built at run time; every value goes in as a
 * binding, never as text, so no input can change the statement's shape.
 *
 *   struct sqlq q = SQLQ_INIT;
 *   sqlq_add(&q, "SELECT id FROM addresses WHERE customer_id = ?");
 *   sqlq_int(&q, customer_id);
 *   … db_prepare(c, sqlq_sql(&q), &st, e); sqlq_bind(&q, st); …
 *   sqlq_release(&q);
 *
 * Errors (out of memory, over the cap) are sticky: check sqlq_failed() once at the end.
 */
#ifndef IMMO_EMU_SQLQ_H
#define IMMO_EMU_SQLQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"

struct sqlq_bind {
	bool is_text;
	int64_t i;
	char *s; /* owned */
};

struct sqlq {
	struct buf sql;
	struct sqlq_bind *binds;
	size_t n, cap;
	bool failed;
};

#define SQLQ_INIT                                       \
	{                                               \
		BUF_INIT(256 * 1024), NULL, 0, 0, false \
	}

void sqlq_add(struct sqlq *q, const char *text);
void sqlq_addf(struct sqlq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a binding for the next `?` (the caller writes the `?` into the text). */
void sqlq_int(struct sqlq *q, int64_t v);
/* Copies s; NULL binds SQL NULL. */
void sqlq_text(struct sqlq *q, const char *s);

const char *sqlq_sql(const struct sqlq *q);
bool sqlq_failed(const struct sqlq *q);
/* Binds every value to st in order. */
void sqlq_bind(const struct sqlq *q, struct db_stmt *st);
/* Frees text and bindings; q is empty (and usable) afterwards. */
void sqlq_release(struct sqlq *q);

#endif
