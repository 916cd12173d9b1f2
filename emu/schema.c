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
 * Migration 3 (issue #4) adds what the write actions create: agents-log
 * entries (one row per address, as enterprise keeps them), estates (the
 * fields of a write as a JSON object of strings, with the columns a lookup
 * needs indexed), estate-address relations, search criteria (a JSON object
 * of the normalised criteria), and the Marketplace: parameter caches of
 * activation links, issued claims, and when a customer was unlocked.
 * Each table numbers its records from 1, as enterprise's modules do.
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

static const char emu_v3_sqlite[] =
    "CREATE TABLE estates ("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " objektnr_extern TEXT,"
    " status INTEGER NOT NULL DEFAULT 1,"
    " data TEXT NOT NULL DEFAULT '{}',"
    " erstellt_am TEXT NOT NULL,"
    " geaendert_am TEXT NOT NULL);"
    "CREATE INDEX estates_extern ON estates(customer_id, objektnr_extern);"
    "CREATE TABLE agentslog ("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " address_id INTEGER,"
    " estate_id INTEGER,"
    " kind TEXT NOT NULL,"
    " type TEXT NOT NULL DEFAULT '',"
    " note TEXT NOT NULL DEFAULT '',"
    " note_f TEXT NOT NULL DEFAULT '',"
    " datum TEXT NOT NULL,"
    " origin TEXT,"
    " user_id INTEGER,"
    " created TEXT NOT NULL);"
    "CREATE INDEX agentslog_address ON agentslog(customer_id, address_id, datum);"
    "CREATE INDEX agentslog_estate ON agentslog(customer_id, estate_id, datum);"
    "CREATE TABLE relations ("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " type TEXT NOT NULL,"
    " parent_id INTEGER NOT NULL,"
    " child_id INTEGER NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " UNIQUE (customer_id, type, parent_id, child_id));"
    "CREATE INDEX relations_child ON relations(customer_id, type, child_id);"
    "CREATE TABLE searchcriteria ("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " address_id INTEGER NOT NULL,"
    " data TEXT NOT NULL,"
    " status INTEGER NOT NULL DEFAULT 1,"
    " created TEXT NOT NULL,"
    " edited TEXT NOT NULL);"
    "CREATE INDEX searchcriteria_address ON searchcriteria(customer_id, address_id);"
    "CREATE TABLE parameter_caches ("
    " cache_id TEXT PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " claim TEXT NOT NULL,"
    " user_id TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " used_ms INTEGER);"
    "CREATE TABLE claims ("
    " id INTEGER PRIMARY KEY,"
    " claim TEXT NOT NULL UNIQUE,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL CHECK (kind IN ('activation', 'service')),"
    " created_ms INTEGER NOT NULL);"
    "CREATE INDEX claims_customer ON claims(customer_id, kind, id);"
    "ALTER TABLE customers ADD COLUMN unlocked_ms INTEGER;"
    "ALTER TABLE customers ADD COLUMN unlock_count INTEGER NOT NULL DEFAULT 0;";

const struct db_migration emu_migrations[] = {
    {1, "emu_meta", "CREATE TABLE emu_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);", NULL},
    {2, "customers_addresses", emu_v2_sqlite, NULL},
    {3, "writes_marketplace", emu_v3_sqlite, NULL},
};

const size_t emu_migrations_count = sizeof(emu_migrations) / sizeof(emu_migrations[0]);
