/*
 * outbox.h - transfers waiting for onOffice (ARCHITECTURE.md "Outbox and export").
 *
 * A row is written in the same transaction as the change it carries. States:
 * held (not to be sent yet: manual mode, stopped, not linked, before the
 * initial sync), due, leased (a worker has it), done, failed (kept with
 * onOffice's error until retried or dismissed, R-X3), dismissed.
 */
#ifndef IMMO_STORE_OUTBOX_H
#define IMMO_STORE_OUTBOX_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

enum outbox_kind { OUTBOX_CONTACT, OUTBOX_CONVERSION, OUTBOX_NOTE };

/*
 * Inside a write transaction: queues a transfer. Rows are `due` when the company is
 * running in automatic mode, else `held`. A contact row is only added when the contact
 * has no pending (held/due) contact row: the payload is built at send time, so later
 * edits merge into one send.
 */
int outbox_add(struct db_conn *c, int64_t company_id, int64_t contact_id, enum outbox_kind kind,
               int64_t ref_id, struct err *e);

/* Inside a write transaction: turns held rows due — of one contact (contact_id > 0) or of
 * the whole company (0). *n (may be NULL) gets the count. */
int outbox_release(struct db_conn *c, int64_t company_id, int64_t contact_id, int64_t *n,
                   struct err *e);

/* Queue figures of a company: pending = held + due + leased; failed. */
int outbox_counts(struct db *db, int64_t company_id, int64_t *pending, int64_t *failed,
                  struct err *e);
/* Pending rows over all companies (the queue-depth gauge). */
int outbox_depth(struct db *db, int64_t *pending, struct err *e);

/* Failed transfers of a company as {"failures": [{id, contact_id, kind, ref_id, attempts,
 * error, updated_at}]}. */
int outbox_failures_json(struct db *db, int64_t company_id, json_t **out, struct err *e);
/* Retries one failed transfer (it becomes due), or all when id is 0; *n gets the count.
 * ERR_NOT_FOUND when a given id is not a failed transfer of the company. */
int outbox_retry(struct db *db, int64_t company_id, int64_t id, int64_t *n, struct err *e);
/* Dismisses a failed transfer: it stays in the history, is not sent. */
int outbox_dismiss(struct db *db, int64_t company_id, int64_t id, struct err *e);

const char *outbox_kind_name(enum outbox_kind k);

#endif
