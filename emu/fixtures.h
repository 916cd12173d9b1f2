/*
 * fixtures.h - exact addresses for tests: POST /_emu/customers/{webid}/addresses
 * inserts them in one transaction, DELETE removes all of a customer's addresses.
 * The body shape is documented in emu/README.md ("Fixtures"). Contact entries are
 * checked by the same rules create/address applies (address.h), countries by the
 * same table (text.h).
 */
#ifndef IMMO_EMU_FIXTURES_H
#define IMMO_EMU_FIXTURES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"
#include "core/err.h"
#include "core/time.h"
#include "web/http.h"

#define EMU_FIXTURES_MAX   10000
#define EMU_FIXTURE_VALUES 32 /* contact entries, ArtDaten and HerkunftKontakt keys each */

/* One parsed address with the arrays its emu_address_in points into. */
struct emu_fixture {
	struct emu_address_in in;
	const char *art[EMU_FIXTURE_VALUES], *herkunft[EMU_FIXTURE_VALUES];
	struct emu_contact_in contacts[EMU_FIXTURE_VALUES];
	char aenderung[TIME_ONOFFICE_MAX];
};

/*
 * Parses a fixtures body {"addresses": [...]} into *n fixtures at *out (malloc'd, the
 * caller frees; their strings point into doc, which must outlive them). An address
 * without Aenderung gets now_ms. ERR_INVALID_FIELD with e->field "addresses[i].Key"
 * and a message naming the rule, and nothing in *out, on the first bad value.
 */
int emu_fixtures_parse(json_t *doc, int64_t now_ms, struct emu_fixture **out, size_t *n,
                       struct err *e);

/* POST /_emu/customers/{webid}/addresses. */
void emu_fixtures_post(struct http_req *req, struct http_resp *resp, void *ctx);
/* DELETE /_emu/customers/{webid}/addresses. */
void emu_fixtures_delete(struct http_req *req, struct http_resp *resp, void *ctx);

#endif
