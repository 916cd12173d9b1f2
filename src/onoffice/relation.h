/*
 * relation.h - links between records (onoffice-protocol §7): `create`/`relation`
 * and `get`/`idsfromrelation`.
 *
 * A relation type names the parent first: in
 * urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:owner the estate
 * is the parent and the owner address the child. Create takes `relationtype`,
 * `parentid` and `childid` as ARRAYS (1:n either way; n:n is refused with
 * 219, a failed link with 173; both final). The body of its answer is not
 * documented: success is `status.errorcode == 0`.
 *
 * `idsfromrelation` takes `relationtype` and either `parentids` or `childids`
 * and answers with the ids on the other side. The shape is not in our
 * reference; onOffice's WordPress plugin reads it as
 * records[0].elements = {"<given id>": ["<related id>", …]}. We read every
 * record's elements that way and accept the related ids as an array, a single
 * id or a pipe-joined string (values.h oo_value_ids).
 */
#ifndef IMMO_ONOFFICE_RELATION_H
#define IMMO_ONOFFICE_RELATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/request.h"
#include "onoffice/values.h"

#define OO_RELATION_PREFIX       "urn:onoffice-de-ns:smart:2.5:relationTypes:"
#define OO_RELATION_ESTATE_OWNER OO_RELATION_PREFIX "estate:address:owner"

/*
 * The create parameters, a new object in *out. ERR_INVALID_ARG for a type
 * that does not start with OO_RELATION_PREFIX, no parents or no children, an
 * id ≤ 0, more than 500 on a side, both sides with several ids (n:n).
 */
int oo_relation_params(const char *type, const int64_t *parents, size_t nparents,
                       const int64_t *children, size_t nchildren, json_t **out, struct err *e);
/* Appends the create action to b. */
int oo_relation_add(struct oo_batch *b, const char *type, const int64_t *parents, size_t nparents,
                    const int64_t *children, size_t nchildren, struct err *e);
/* Creates the links in one request. Returns 0 or the class (write.h); there is
 * no id. An uncertain create is looked up with oo_relation_get. */
int oo_relation_create(struct oo_client *c, const char *type, const int64_t *parents,
                       size_t nparents, const int64_t *children, size_t nchildren, struct err *e);

/* One link: the id asked about and one id related to it. */
struct oo_relation_link {
	int64_t from;
	int64_t to;
};

struct oo_relation_links {
	struct oo_relation_link *v;
	size_t n;
};

void oo_relation_links_release(struct oo_relation_links *l);

/* Collects the links of an idsfromrelation answer (records borrowed) into *out
 * (release it also after an error); keys that are not decimal ids are
 * skipped. ERR_NOMEM. */
int oo_relation_links_from_records(const json_t *records, struct oo_relation_links *out);

/*
 * Reads the links of type for the given parents (then `to` are children) or
 * children (then `to` are parents): exactly one of nparents, nchildren is
 * non-zero (ERR_INVALID_ARG otherwise, also for ids ≤ 0 or more than 500).
 * *out is released and refilled. Returns 0 or the call's class.
 */
int oo_relation_get(struct oo_client *c, const char *type, const int64_t *parents, size_t nparents,
                    const int64_t *children, size_t nchildren, struct oo_relation_links *out,
                    struct err *e);

/* The owner addresses of an estate (OO_RELATION_ESTATE_OWNER), ascending and
 * without repeats, into *owners (released and refilled). */
int oo_estate_owners(struct oo_client *c, int64_t estate_id, struct oo_idv *owners, struct err *e);

#endif
