/*
 * seed.h - deterministic, realistic test data for `onoffice-emu seed`.
 *
 * seed_text.c holds the randomness (splitmix64: the same seed gives the same
 * sequence on every machine) and the text a person would type: e-mail local
 * parts, phone numbers in their many formats. seed.c builds whole addresses
 * from them and writes them in one transaction. The shares and formats are
 * listed in emu/README.md ("Seed").
 */
#ifndef IMMO_EMU_SEED_H
#define IMMO_EMU_SEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "seed_data.h"
#include "store/db.h"

struct rng {
	uint64_t s;
};

/* The next 64 random bits. */
uint64_t seed_rnd(struct rng *r);
/* A number in [0, n). */
uint32_t seed_below(struct rng *r, uint32_t n);
/* True with probability percent/100 (percent may have a fraction). */
bool seed_chance(struct rng *r, double percent);
/* A random item of l. */
const char *seed_pick(struct rng *r, const struct seed_list *l);

/* The ASCII e-mail form of a name: lower case, umlauts spelt out, no spaces. */
void seed_mail_part(const char *in, char *out, size_t cap);
/* A landline number of city c in one of the formats people actually type. */
void seed_landline(struct rng *r, const struct seed_city *c, char *out, size_t cap);
/* A mobile number of the country land (ISO-3) in one of the usual formats. */
void seed_mobile(struct rng *r, const char *land, char *out, size_t cap);

struct seed_stats {
	long no_email, shared_email, archived, no_type, multi_type, ties_bulk;
};

/* One seeding run: the input, and what it did. */
struct seed_run {
	int64_t customer_id;
	int64_t count, seed, until_ms;
	/* out */
	struct seed_stats st;
	int64_t first_id, last_id;
};

/*
 * A db_tx body (DB_WRITE) that adds run->count addresses to run->customer_id: the same
 * seed and until_ms give the same addresses. Re-runnable; fills the output fields.
 */
int seed_tx(struct db_conn *c, void *arg, struct err *e);

#endif
