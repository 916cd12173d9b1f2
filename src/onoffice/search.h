/*
 * search.h - the quick search (`get`/`search`, onoffice-protocol §5.3).
 *
 * onOffice matches "term appears in field" (first name, surname, company,
 * default e-mail, customer number; with includecontactdata every e-mail and
 * phone), so a hit is only a candidate: check exact equality client-side, e.g.
 * with oo_search_hit_has_email.
 */
#ifndef IMMO_ONOFFICE_SEARCH_H
#define IMMO_ONOFFICE_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/values.h"

struct oo_search_query {
	const char *resource;    /* the resourceid: "address" (NULL), "estate", "searchcriteria" */
	const char *input;       /* the search terms, non-empty (error 151 when too short) */
	bool includecontactdata; /* also search every e-mail and phone number */
	int listlimit;           /* 1-500; 0: omitted */
};

/* One hit of an address search; strings malloc'd, NULL when absent. */
struct oo_search_hit {
	int64_t id;
	char *customerno;
	char *firstname;
	char *surname;
	char *company;
	char *primary_email;
	struct oo_strv emails; /* `emailaddress`, array or pipe-joined */
};

struct oo_search_hits {
	struct oo_search_hit *v;
	size_t n;
};

/* The parameters for q, a new object in *out. ERR_INVALID_ARG for an empty input or a
 * listlimit outside 0-500, ERR_NOMEM. */
int oo_search_params(const struct oo_search_query *q, json_t **out, struct err *e);

/*
 * Runs the search and parses the hits into *out (release with
 * oo_search_hits_release, also after an error). Records without a numeric id
 * are skipped. Returns 0 or the call's class (client.h).
 */
int oo_search(struct oo_client *c, const struct oo_search_query *q, struct oo_search_hits *out,
              struct err *e);

/* Parses the records of a search result (borrowed) into *out. ERR_NOMEM. */
int oo_search_hits_from_records(const json_t *records, struct oo_search_hits *out);
void oo_search_hits_release(struct oo_search_hits *h);

/*
 * True when the hit holds email exactly: equal to primaryEmail or to an entry of
 * emailaddress, ignoring ASCII case and surrounding blanks (e-mail domains are
 * case-insensitive, and in practice so are local parts).
 */
bool oo_search_hit_has_email(const struct oo_search_hit *h, const char *email);

/* The comparison oo_search_hit_has_email uses: equal ignoring ASCII case and
 * surrounding blanks, and not empty. NULL never matches. */
bool oo_email_equal(const char *a, const char *b);

#endif
