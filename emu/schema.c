/* The emulator's migrations. Its database holds onOffice's side of the world. */
#include "emu.h"

const struct db_migration emu_migrations[] = {
    {1, "emu_meta", "CREATE TABLE emu_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);", NULL},
};

const size_t emu_migrations_count = sizeof(emu_migrations) / sizeof(emu_migrations[0]);
