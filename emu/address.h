/*
 * address.h - the address store: the field catalogue a read understands, and
 * the functions that write an address with its contact entries and
 * multiselect values (used by seed, the fixture endpoint and create/modify).
 */
#ifndef IMMO_EMU_ADDRESS_H
#define IMMO_EMU_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

enum emu_afield_kind {
	AF_ID,       /* the record id ("Id") */
	AF_INT,      /* an integer column (KdNr, Status) */
	AF_TEXT,     /* text compared and sorted by its folded twin */
	AF_RAW,      /* text compared through lower() (Plz, Titel, Briefanrede) */
	AF_SELECT,   /* a singleselect key (Anrede, DSGVOStatus) */
	AF_MULTI,    /* a multiselect (ArtDaten, HerkunftKontakt): rows in address_multiselects */
	AF_COUNTRY,  /* Land: stored ISO-3, read as a German name unless asked otherwise */
	AF_DATETIME, /* "Y-m-d H:i:s" Berlin local text (Aenderung) */
	AF_DATE,     /* "Y-m-d" text (Eintragsdatum) */
	AF_ENTRIES,  /* phone, mobile, fax, email: every contact entry of that kind */
	AF_DEFAULT,  /* defaultphone, defaultemail, defaultfax: read only */
	AF_IMAGE,    /* imageUrl: read only, always null here */
};

struct emu_afield {
	const char *name; /* the API field name, case-sensitive */
	enum emu_afield_kind kind;
	int col;                  /* index into EMU_ADDRESS_COLUMNS, or -1 */
	const char *cmp;          /* SQL expression (alias a) compared and sorted, or NULL */
	const char *read_types;   /* AF_ENTRIES/AF_DEFAULT: entry types read, as an SQL list */
	const char *filter_types; /* AF_ENTRIES: entry types a filter searches, as an SQL list */
	const char *config_key;   /* selects: where permitted values and labels live */
	const char *fields_type;  /* the type get/fields reports */
	int length;               /* the length get/fields reports, 0 for none */
	const char *label;        /* German label for get/fields */
};

/* The columns every read selects, in the order emu_afield.col counts them. */
#define EMU_ADDRESS_COLUMNS                                                                     \
	"a.id, a.kdnr, a.anrede, a.titel, a.vorname, a.name, a.zusatz1, a.briefanrede, "        \
	"a.strasse, a.plz, a.ort, a.land, a.email, a.telefon1, a.telefax1, a.dsgvo, a.status, " \
	"a.aenderung, a.eintragsdatum"

extern const struct emu_afield emu_afields[];
extern const size_t emu_afields_count;

/* The field called name (case-sensitive), or NULL. */
const struct emu_afield *emu_afield_find(const char *name);

/* One contact entry ("Telefonbucheintrag") of an address. */
struct emu_contact_in {
	const char *type;    /* phone, mobile, fax, email */
	const char *kind;    /* "", private, business (create's phone_private …); NULL = "" */
	const char *value;   /* as written, never normalised */
	bool is_default;     /* the main entry of its class (phone+mobile, fax, email) */
	const char *comment; /* or NULL */
};

/* An address to insert. NULL text is stored as NULL (read as null). */
struct emu_address_in {
	int64_t kdnr; /* customer number; 0 takes the next free one */
	const char *anrede, *titel, *vorname, *name, *zusatz1, *strasse, *plz, *ort;
	const char *land;          /* ISO-3 */
	const char *dsgvo;         /* NULL = "" */
	int status;                /* 1 active, 0 archived */
	const char *aenderung;     /* "Y-m-d H:i:s" Berlin local, required */
	const char *eintragsdatum; /* "Y-m-d"; NULL = the date of aenderung */
	const char *const *art;
	size_t nart;
	const char *const *herkunft;
	size_t nherkunft;
	const struct emu_contact_in *contacts;
	size_t ncontacts;
};

/*
 * Inserts a inside the caller's write transaction for customer_id and returns its record
 * id in *id. Email, Telefon1 and Telefax1 are set from the first default entry of their
 * class (Telefon1 from phone or mobile); Briefanrede is derived from Anrede, Titel and
 * Name. ERR_INVALID_ARG for a bad entry type or a multiselect key containing '|'.
 */
int emu_address_insert(struct db_conn *c, int64_t customer_id, const struct emu_address_in *a,
                       int64_t *id, struct err *e);

/* "Sehr geehrter Herr Dr. Mustermann," and its kin, derived from Anrede, Titel and Name
 * the way enterprise shows Briefanrede (any may be NULL). */
void emu_address_letter_salutation(const char *anrede, const char *titel, const char *name,
                                   char *out, size_t cap);

/* Adds one contact entry to address id (inside the caller's write transaction); its id in
 * *entry_id (may be NULL). Does not touch Email/Telefon1/Telefax1: see refresh_main. */
int emu_address_add_contact(struct db_conn *c, int64_t id, const struct emu_contact_in *ce,
                            int64_t *entry_id, struct err *e);

/* Replaces the values of multiselect field of address id by keys[0..n). */
int emu_address_set_multi(struct db_conn *c, int64_t id, const char *field, const char *const *keys,
                          size_t n, struct err *e);

/* Sets Email, Telefon1 and Telefax1 of address id from its default entries (the oldest
 * default of each class), after entries changed. */
int emu_address_refresh_main(struct db_conn *c, int64_t id, struct err *e);

/* The next free customer number (KdNr) of customer_id. */
int emu_address_next_kdnr(struct db_conn *c, int64_t customer_id, int64_t *out, struct err *e);

/* ---- the plain fields create/modify/address write (address_write.h checks them) ---- */

enum emu_wfield_kind {
	WF_TEXT,    /* free text with the length get/fields reports */
	WF_SELECT,  /* a singleselect key of the customer's configuration */
	WF_COUNTRY, /* Land: stored ISO-3 */
	WF_STATUS,  /* Status: 1 or 0 */
	WF_MULTI,   /* a multiselect: an array of keys of the customer's configuration */
};

/* A plain field a write accepts. */
struct emu_wfield {
	const char *name; /* API name, case-sensitive */
	enum emu_wfield_kind kind;
	const char *column;     /* addresses column (NULL for multiselects) */
	bool folded;            /* the column has a case-folded twin column_f */
	const char *config_key; /* selects: the configuration map of permitted keys */
};

#define EMU_WFIELDS 13

extern const struct emu_wfield emu_wfields[EMU_WFIELDS];

/* ---- contact entries: the parameters and types create/modify and fixtures accept ---- */

/* A contact-data parameter: its entry type, kind, and the entries it addresses. */
struct emu_contact_key {
	const char *param;        /* phone, phone_private, …, fax_business */
	const char *type;         /* phone, mobile, email, fax */
	const char *kind;         /* "", private, business */
	const char *klass;        /* phone (phone and mobile entries), email, fax */
	const char *class_types;  /* the entry types of the class, as an SQL list */
	const char *search_types; /* the entry types modify's oldvalue is looked up among */
};

/* The contact-data parameter called param, or NULL. */
const struct emu_contact_key *emu_contact_key_find(const char *param);

/* The class's entry types as an SQL list ("'phone', 'mobile'"), for "phone", "email", "fax". */
const char *emu_contact_class_types(const char *klass);

/* A contact value onOffice stores: 1-255 bytes without control characters. */
bool emu_contact_value_ok(const char *value);

/* True for an entry type a contact entry may have: phone, mobile, email, fax. */
bool emu_contact_type_ok(const char *type);

/* True for an entry kind: "" (none), private, business. */
bool emu_contact_kind_ok(const char *kind);

#endif
