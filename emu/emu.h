/*
 * emu.h - onoffice-emu: a stand-alone onOffice API emulator (R-C3).
 *
 * It shares core/, web/ and store/ with immosync but never src/onoffice/:
 * signatures, canonicalisation and answers are written here separately so
 * that one misunderstanding of the protocol cannot hide in both (design.md).
 */
#ifndef IMMO_EMU_EMU_H
#define IMMO_EMU_EMU_H

#include <stddef.h>

#include "store/db.h"

#define EMU_PROGRAM "onoffice-emu"

/* The emulator's own schema, separate from immosync's. */
extern const struct db_migration emu_migrations[];
extern const size_t emu_migrations_count;

int emu_cmd_serve(int argc, char **argv);

#endif
