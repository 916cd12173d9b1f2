/*
 * emu.h - onoffice-emu: a stand-alone onOffice API emulator (R-C3).
 *
 * It shares core/, web/ and store/ with immosync but never src/onoffice/:
 * signatures, canonicalisation and answers are written here separately so
 * that one misunderstanding of the protocol cannot hide in both (ARCHITECTURE.md).
 * What it does, and every decision where docs/onoffice-protocol.md is silent or
 * UNCERTAIN, is written down in emu/README.md.
 *
 * Modules: api (envelope, auth, dispatch), act_* (one per action), filter
 * and sqlq (filters to SQL), address and address_read (the address store, its
 * field catalogue, reading pages of it), customer and config (customers and
 * their configuration), state (clock offset, faults, counters), control and
 * fixtures (the /_emu/ endpoints), text (case folding, countries), seed,
 * seed_text and seed_data (deterministic test data), cmd_* (the commands).
 * The write side (issue #4): address_write (checks and updates of address
 * fields and contact entries, used by act_address_create/_modify), estate
 * (the estate field catalogue), readq (data, sort and paging shared by
 * read/agentslog and read/estate), claim (Marketplace state: parameter
 * caches, claims, unlock), marketplace (signed links) and cmd_marketplace
 * (activation-url, service-url).
 */
#ifndef IMMO_EMU_EMU_H
#define IMMO_EMU_EMU_H

#include <stddef.h>

#include "store/db.h"

#define EMU_PROGRAM "onoffice-emu"

struct emu_state;

/* What every handler gets as its context: the database and the run-time state. */
struct emu {
	struct db *db;
	struct emu_state *state;
	/* The Marketplace provider secret (--provider-secret), or NULL. The API does not
	 * need it (activation-url and service-url take their own); kept for symmetry. */
	const char *provider_secret;
};

/* The emulator's own schema, separate from immosync's. */
extern const struct db_migration emu_migrations[];
extern const size_t emu_migrations_count;

/* The --db option every command shares. */
#define EMU_OPT_DB                                                    \
	{                                                             \
		"db", 0, OPT_STRING, "PATH", "emu.db",                \
		    "The emulator's SQLite file (created if missing)" \
	}

/*
 * Opens and migrates the emulator's database at path. On failure prints the reason to
 * stderr (naming the program) and returns non-zero with *out NULL. The caller closes it
 * with db_close().
 */
int emu_open_db(const char *path, struct db **out);

int emu_cmd_serve(int argc, char **argv);
int emu_cmd_customer_add(int argc, char **argv);
int emu_cmd_seed(int argc, char **argv);
int emu_cmd_activation_url(int argc, char **argv);
int emu_cmd_service_url(int argc, char **argv);

#endif
