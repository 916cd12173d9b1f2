/*
 * source.h - where the import reads addresses from: onOffice through src/onoffice
 * (source_oo.c), or a stand-in in the unit tests. The import logic sees only this.
 */
#ifndef IMMO_SYNC_SOURCE_H
#define IMMO_SYNC_SOURCE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct link_creds;
struct oo_gate;

/* One read/address (onoffice/address.h: struct oo_address_query). */
struct sync_read {
	json_t *filter; /* borrowed; NULL: none */
	const char *const *data;
	size_t ndata;
	const char *sortby;    /* NULL: onOffice's order */
	const char *sortorder; /* "ASC", "DESC" */
	int limit;             /* 1-500 */
	int64_t offset;
};

struct sync_source {
	/* *records: a new reference to the page's records; *total the match count (-1
	 * unknown). 0 or an error class (ERR_OO_*). */
	int (*read)(struct sync_source *s, const struct sync_read *q, json_t **records,
	            int64_t *total, struct err *e);
	/* *out: a new array [{"key", "label"}] of every ArtDaten value (Systembenutzer too). */
	int (*contact_types)(struct sync_source *s, json_t **out, struct err *e);
	/* *out: a new array [{"key", "label"}] of every HerkunftKontakt value (origins). */
	int (*origins)(struct sync_source *s, json_t **out, struct err *e);
	/* *out: a new array [{"key", "label", "types": [{"key", "label"}]}] of the agents
	 * log's kinds and their types (actionkindtypes). */
	int (*action_kinds)(struct sync_source *s, json_t **out, struct err *e);
	void (*free)(struct sync_source *s);
};

/* How a source talks to onOffice. */
struct sync_source_config {
	const char *url; /* NULL: the stable API */
	const char *ca_file;
	long connect_timeout_ms, timeout_ms; /* 0: the client's defaults */
	int max_attempts;                    /* 0: the client's default */
	atomic_bool *abort_flag;             /* may be NULL */
	const struct oo_gate *gate;          /* limits.h: around every request; may be NULL */
	long gate_wait_ms;                   /* the longest wait there; 0: unbounded */
};

/* A source on the onOffice API with creds (token, secret, claim). */
int sync_source_onoffice(const struct sync_source_config *cfg, const struct link_creds *creds,
                         struct sync_source **out, struct err *e);

/* Builds a source for a company (the engine's factory; tests replace it). */
typedef int (*sync_source_fn)(void *arg, const struct sync_source_config *cfg,
                              const struct link_creds *creds, struct sync_source **out,
                              struct err *e);

#endif
