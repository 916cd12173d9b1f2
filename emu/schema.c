/*
 * The emulator's migrations. Its database holds onOffice's side of the world:
 * customers (onOffice clients, "Mandanten") with their API credentials and
 * configuration, and each customer's addresses.
 *
 * Addresses keep the fields a read can filter or sort on as columns, each
 * compared text with a folded twin (`…_f`, text.h) so that filters and sorting
 * use indexes and never load a customer's addresses into memory. Email,
 * Telefon1 and Telefax1 are kept equal to the default entry of their kind in
 * address_contacts (one writer, address.c, keeps them in step). Multiselect
 * values live in address_multiselects, one row per (field, key). Times are
 * onOffice's Berlin local "Y-m-d H:i:s" text, as enterprise stores them, so
 * comparing and sorting them is text comparison (emu/README.md).
 *
 * Later migrations (issue #4) add agents-log entries, estates, relations and
 * search criteria next to these tables.
 */
#include "emu.h"

static const char emu_v2_sqlite[] =
    "CREATE TABLE customers ("
    " id INTEGER PRIMARY KEY,"
    " web_id TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " token TEXT NOT NULL UNIQUE,"
    " secret TEXT NOT NULL,"
    " config TEXT NOT NULL DEFAULT '{}',"
    " created_ms INTEGER NOT NULL);"
    "CREATE TABLE addresses ("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " kdnr INTEGER NOT NULL,"
    " anrede TEXT NOT NULL DEFAULT '',"
    " titel TEXT,"
    " vorname TEXT, vorname_f TEXT,"
    " name TEXT, name_f TEXT,"
    " zusatz1 TEXT, zusatz1_f TEXT,"
    " briefanrede TEXT,"
    " strasse TEXT, strasse_f TEXT,"
    " plz TEXT,"
    " ort TEXT, ort_f TEXT,"
    " land TEXT,"
    " email TEXT, email_f TEXT,"
    " telefon1 TEXT, telefon1_f TEXT,"
    " telefax1 TEXT, telefax1_f TEXT,"
    " dsgvo TEXT NOT NULL DEFAULT '',"
    " status INTEGER NOT NULL DEFAULT 1,"
    " aenderung TEXT NOT NULL,"
    " eintragsdatum TEXT NOT NULL);"
    "CREATE INDEX addresses_aenderung ON addresses(customer_id, aenderung, id);"
    "CREATE INDEX addresses_email ON addresses(customer_id, email_f);"
    "CREATE INDEX addresses_name ON addresses(customer_id, name_f);"
    "CREATE UNIQUE INDEX addresses_kdnr ON addresses(customer_id, kdnr);"
    "CREATE TABLE address_contacts ("
    " id INTEGER PRIMARY KEY,"
    " address_id INTEGER NOT NULL REFERENCES addresses(id) ON DELETE CASCADE,"
    " type TEXT NOT NULL CHECK (type IN ('phone', 'mobile', 'fax', 'email')),"
    " kind TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'private', 'business')),"
    " value TEXT NOT NULL,"
    " value_f TEXT NOT NULL,"
    " is_default INTEGER NOT NULL DEFAULT 0,"
    " comment TEXT);"
    "CREATE INDEX address_contacts_address ON address_contacts(address_id);"
    "CREATE INDEX address_contacts_value ON address_contacts(type, value_f);"
    "CREATE TABLE address_multiselects ("
    " address_id INTEGER NOT NULL REFERENCES addresses(id) ON DELETE CASCADE,"
    " field TEXT NOT NULL,"
    " key TEXT NOT NULL,"
    " key_f TEXT NOT NULL,"
    " position INTEGER NOT NULL,"
    " PRIMARY KEY (field, key_f, address_id)) WITHOUT ROWID;"
    "CREATE INDEX address_multiselects_address ON address_multiselects(address_id, field);";

const struct db_migration emu_migrations[] = {
    {1, "emu_meta", "CREATE TABLE emu_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);", NULL},
    {2, "customers_addresses", emu_v2_sqlite, NULL},
};

const size_t emu_migrations_count = sizeof(emu_migrations) / sizeof(emu_migrations[0]);
