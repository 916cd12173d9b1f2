/* SQL text with bindings (sqlq.h). */
#include "sqlq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLQ_MAX_BINDS 4096

void sqlq_add(struct sqlq *q, const char *text)
{
	if (!q->failed && buf_adds(&q->sql, text))
		q->failed = true;
}

void sqlq_addf(struct sqlq *q, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		q->failed = true;
	else
		sqlq_add(q, tmp);
}

static struct sqlq_bind *next_bind(struct sqlq *q)
{
	if (q->failed)
		return NULL;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct sqlq_bind *b =
		    cap <= SQLQ_MAX_BINDS ? realloc(q->binds, cap * sizeof(*b)) : NULL;
		if (!b) {
			q->failed = true;
			return NULL;
		}
		q->binds = b;
		q->cap = cap;
	}
	struct sqlq_bind *b = &q->binds[q->n++];
	memset(b, 0, sizeof(*b));
	return b;
}

void sqlq_int(struct sqlq *q, int64_t v)
{
	struct sqlq_bind *b = next_bind(q);
	if (b)
		b->i = v;
}

void sqlq_text(struct sqlq *q, const char *s)
{
	struct sqlq_bind *b = next_bind(q);
	if (!b)
		return;
	b->is_text = true;
	if (s && !(b->s = strdup(s)))
		q->failed = true;
}

const char *sqlq_sql(const struct sqlq *q)
{
	return buf_str(&q->sql);
}

bool sqlq_failed(const struct sqlq *q)
{
	return q->failed;
}

void sqlq_bind(const struct sqlq *q, struct db_stmt *st)
{
	for (size_t i = 0; i < q->n; i++) {
		const struct sqlq_bind *b = &q->binds[i];
		if (b->is_text)
			db_bind_text(st, (int)i + 1, b->s);
		else
			db_bind_int(st, (int)i + 1, b->i);
	}
}

void sqlq_release(struct sqlq *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->binds[i].s);
	free(q->binds);
	q->binds = NULL;
	q->n = q->cap = 0;
	buf_release(&q->sql);
	q->failed = false;
}
