/*
 * Whole addresses for `onoffice-emu seed` (seed.h): person or company, postal
 * address, phones, e-mails, contact types and origins, GDPR status, archive flag,
 * Aenderung with many ties; written in one transaction with prepared statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "core/time.h"
#include "seed.h"

#define SPAN_DAYS   730 /* Aenderung lies within the two years before --until */
#define BULK_STAMPS 40  /* mass updates: many addresses share these timestamps */
#define RING        64  /* recent e-mails that another address may share */

struct seed_ctx {
	struct rng r;
	int64_t until_ms;
	int64_t bulk[BULK_STAMPS];
	char ring[RING][256];
	unsigned nring;
	struct seed_stats st;
};

struct seed_addr {
	struct emu_address_in in;
	char vorname[64], name[96], zusatz1[160], strasse[128], plz[8], ort[64];
	char values[8][256], comments[8][64];
	const char *art[3], *herkunft[3];
	struct emu_contact_in contacts[8];
	char aenderung[TIME_ONOFFICE_MAX], eintrag[TIME_ONOFFICE_MAX];
};

static const struct {
	const char *key;
	int weight;
} type_weights[] = {
    {"Interessent", 30},
    {"Interessent Kauf", 15},
    {"Interessent Miete", 8},
    {"Eigentümer", 20},
    {"Kunde", 12},
    {"Privatkontakt", 6},
    {"Makler", 3},
    {"Tippgeber", 4},
    {"indMulti1966Select5844", 2},
};

static const char *const origins[] = {"Suchmaschine",
                                      "Newsletter",
                                      "Empfehlung",
                                      "Immobilienportal",
                                      "immobilienscout24_system",
                                      "webseite_system",
                                      "Kunde-hat-angerufen",
                                      "Zeitungsanzeige"};

static const char *weighted_type(struct rng *r)
{
	int total = 0;
	for (size_t i = 0; i < sizeof(type_weights) / sizeof(type_weights[0]); i++)
		total += type_weights[i].weight;
	int x = (int)seed_below(r, (uint32_t)total);
	for (size_t i = 0; i < sizeof(type_weights) / sizeof(type_weights[0]); i++) {
		if ((x -= type_weights[i].weight) < 0)
			return type_weights[i].key;
	}
	return "Interessent";
}

static void gen_types(struct seed_ctx *g, struct seed_addr *a)
{
	struct rng *r = &g->r;
	a->in.art = a->art;
	if (seed_chance(r, 8)) {
		g->st.no_type++;
	} else if (seed_chance(r, 3.5)) {
		a->art[a->in.nart++] = "Systembenutzer";
	} else {
		a->art[a->in.nart++] = weighted_type(r);
		if (seed_chance(r, 16)) {
			const char *second = weighted_type(r);
			if (strcmp(second, a->art[0]) != 0) {
				a->art[a->in.nart++] = second;
				g->st.multi_type++;
			}
		}
	}
	a->in.herkunft = a->herkunft;
	if (seed_chance(r, 45))
		return;
	a->herkunft[a->in.nherkunft++] =
	    seed_chance(r, 10) ? "BOTTIMMO"
	                       : origins[seed_below(r, sizeof(origins) / sizeof(origins[0]))];
	if (seed_chance(r, 5) && strcmp(a->herkunft[0], "Empfehlung") != 0)
		a->herkunft[a->in.nherkunft++] = "Empfehlung";
}

static const struct seed_city *gen_city(struct rng *r)
{
	uint32_t x = seed_below(r, 100);
	if (x < 92)
		return &seed_cities_deu[seed_below(r, (uint32_t)seed_cities_deu_n)];
	if (x < 97)
		return &seed_cities_aut[seed_below(r, (uint32_t)seed_cities_aut_n)];
	return &seed_cities_che[seed_below(r, (uint32_t)seed_cities_che_n)];
}

static void gen_person(struct seed_ctx *g, struct seed_addr *a)
{
	struct rng *r = &g->r;
	uint32_t kind = seed_below(r, 100);
	const char *surname = seed_pick(r, &seed_surnames);
	snprintf(a->name, sizeof(a->name), "%s", surname);
	a->in.name = a->name;
	if (kind < 4) { /* a company */
		a->in.anrede = "Firma";
		snprintf(a->zusatz1, sizeof(a->zusatz1), "%s %s %s", surname,
		         seed_pick(r, &seed_company_words), seed_pick(r, &seed_company_forms));
		a->in.zusatz1 = a->zusatz1;
		if (seed_chance(r, 50))
			a->in.name = NULL;
		return;
	}
	bool male = seed_below(r, 2) == 0;
	snprintf(a->vorname, sizeof(a->vorname), "%s",
	         seed_pick(r, male ? &seed_male : &seed_female));
	a->in.vorname = a->vorname;
	if (kind < 6)
		a->in.anrede = "Familie";
	else if (kind < 7)
		a->in.anrede = "Eheleute";
	else if (seed_chance(r, 7))
		a->in.anrede = "";
	else
		a->in.anrede = male ? "Herr" : "Frau";
	if (seed_chance(r, 3))
		a->in.titel = seed_chance(r, 15) ? "Prof. Dr." : "Dr.";
	if (seed_chance(r, 3)) {
		snprintf(a->zusatz1, sizeof(a->zusatz1), "%s %s", seed_pick(r, &seed_surnames),
		         seed_pick(r, &seed_company_forms));
		a->in.zusatz1 = a->zusatz1;
	}
}

static void gen_postal(struct seed_ctx *g, struct seed_addr *a, const struct seed_city *c)
{
	struct rng *r = &g->r;
	if (seed_chance(r, 4))
		return; /* no postal address at all, only name and contact data */
	int house = 1 + (int)seed_below(r, 150);
	const char *suffix = seed_chance(r, 8) ? (seed_chance(r, 50) ? "a" : "b") : "";
	snprintf(a->strasse, sizeof(a->strasse), "%s %d%s", seed_pick(r, &seed_streets), house,
	         suffix);
	int zip = c->zip_lo + (int)seed_below(r, (uint32_t)(c->zip_hi - c->zip_lo + 1));
	snprintf(a->plz, sizeof(a->plz), strcmp(c->land, "DEU") ? "%04d" : "%05d", zip);
	snprintf(a->ort, sizeof(a->ort), "%s", c->name);
	a->in.strasse = a->strasse;
	a->in.plz = a->plz;
	a->in.ort = a->ort;
	a->in.land = c->land;
}

static void add_contact(struct seed_addr *a, const char *type, const char *value, bool def,
                        struct rng *r)
{
	size_t n = a->in.ncontacts;
	if (n >= 8)
		return;
	snprintf(a->values[n], sizeof(a->values[n]), "%s", value);
	a->contacts[n] = (struct emu_contact_in){type, "", a->values[n], def, NULL};
	if (seed_chance(r, 12)) {
		snprintf(a->comments[n], sizeof(a->comments[n]), "%s",
		         seed_pick(r, &seed_comments));
		a->contacts[n].comment = a->comments[n];
	}
	a->in.ncontacts++;
}

static void gen_phones(struct seed_ctx *g, struct seed_addr *a, const struct seed_city *c)
{
	struct rng *r = &g->r;
	uint32_t x = seed_below(r, 100);
	int n = x < 15 ? 0 : x < 55 ? 1 : x < 85 ? 2 : 3;
	bool def_given = false;
	for (int i = 0; i < n; i++) {
		char num[64];
		bool is_mobile = seed_chance(r, 38);
		if (is_mobile)
			seed_mobile(r, c->land, num, sizeof(num));
		else
			seed_landline(r, c, num, sizeof(num));
		bool def = !def_given && seed_chance(r, 90);
		def_given = def_given || def;
		/* A few legacy records keep a mobile number typed as "phone". */
		add_contact(a, is_mobile && !seed_chance(r, 3) ? "mobile" : "phone", num, def, r);
	}
	if (seed_chance(r, 5)) {
		char num[64];
		seed_landline(r, c, num, sizeof(num));
		add_contact(a, "fax", num, seed_chance(r, 80), r);
	}
}

static void gen_emails(struct seed_ctx *g, struct seed_addr *a)
{
	struct rng *r = &g->r;
	uint32_t x = seed_below(r, 100);
	int n = x < 18 ? 0 : x < 85 ? 1 : 2;
	if (n == 0)
		g->st.no_email++;
	char first[64], last[96];
	seed_mail_part(a->in.vorname ? a->in.vorname : "info", first, sizeof(first));
	seed_mail_part(a->name, last, sizeof(last));
	for (int i = 0; i < n; i++) {
		char mail[256];
		if (g->nring && seed_chance(r, 4)) {
			snprintf(mail, sizeof(mail), "%s",
			         g->ring[seed_below(r, g->nring < RING ? g->nring : RING)]);
			g->st.shared_email++;
		} else if (a->in.anrede && !strcmp(a->in.anrede, "Firma")) {
			snprintf(mail, sizeof(mail), "%s@%s-%s.de",
			         seed_chance(r, 70) ? "info" : "kontakt", last,
			         seed_chance(r, 50) ? "immobilien" : "gmbh");
		} else {
			const char *prov = seed_pick(r, &seed_providers);
			switch (seed_below(r, 6)) {
			case 0:
				snprintf(mail, sizeof(mail), "%s.%s@%s", first, last, prov);
				break;
			case 1:
				snprintf(mail, sizeof(mail), "%c.%s@%s", first[0], last, prov);
				break;
			case 2:
				snprintf(mail, sizeof(mail), "%s.%s@%s", last, first, prov);
				break;
			case 3:
				snprintf(mail, sizeof(mail), "%s_%s%u@%s", first, last,
				         seed_below(r, 100), prov);
				break;
			case 4:
				snprintf(mail, sizeof(mail), "%s%u@%s", first,
				         50 + seed_below(r, 55), prov);
				break;
			default:
				snprintf(mail, sizeof(mail), "%s%s@%s", first, last, prov);
				break;
			}
			if (seed_chance(r, 3) && mail[0] >= 'a' && mail[0] <= 'z')
				mail[0] =
				    (char)(mail[0] - 32); /* people do type "Max.Mustermann@…" */
		}
		snprintf(g->ring[g->nring % RING], sizeof(g->ring[0]), "%s", mail);
		g->nring++;
		add_contact(a, "email", mail, i == 0 && seed_chance(r, 95), r);
	}
}

static void gen_times(struct seed_ctx *g, struct seed_addr *a)
{
	struct rng *r = &g->r;
	int64_t t;
	if (seed_chance(r, 25)) {
		t = g->bulk[seed_below(r, BULK_STAMPS)];
		g->st.ties_bulk++;
	} else {
		t = g->until_ms - 1000 * (1 + (int64_t)seed_below(r, SPAN_DAYS * 86400u));
	}
	time_format_onoffice(t, a->aenderung, sizeof(a->aenderung));
	int64_t created = t - 86400000LL * seed_below(r, 6 * 365);
	time_format_onoffice(created, a->eintrag, sizeof(a->eintrag));
	a->eintrag[10] = '\0';
	a->in.aenderung = a->aenderung;
	a->in.eintragsdatum = a->eintrag;
}

static void gen_address(struct seed_ctx *g, struct seed_addr *a, int64_t kdnr)
{
	static const char *const gdpr[] = {"speicherungzugestimmt", "speicherungwiderrufen",
	                                   "ignorieren", ""};
	memset(a, 0, sizeof(*a));
	a->in.kdnr = kdnr;
	a->in.contacts = a->contacts;
	gen_person(g, a);
	const struct seed_city *c = gen_city(&g->r);
	gen_postal(g, a, c);
	gen_phones(g, a, c);
	gen_emails(g, a);
	gen_types(g, a);
	uint32_t x = seed_below(&g->r, 100);
	a->in.dsgvo = gdpr[x < 45 ? 0 : x < 55 ? 1 : x < 70 ? 2 : 3];
	a->in.status = seed_chance(&g->r, 8) ? 0 : 1;
	if (!a->in.status)
		g->st.archived++;
	gen_times(g, a);
}

int seed_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct seed_run *run = arg;
	struct seed_ctx *g = calloc(1, sizeof(*g));
	struct seed_addr *a = malloc(sizeof(*a));
	int rc = 0;
	int64_t kdnr;
	if (!g || !a) {
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
		goto out;
	}
	g->r.s = (uint64_t)run->seed;
	g->until_ms = run->until_ms;
	for (int i = 0; i < BULK_STAMPS; i++) {
		int64_t t = run->until_ms - 1000 * (int64_t)seed_below(&g->r, SPAN_DAYS * 86400u);
		g->bulk[i] = t - t % 60000; /* whole minutes, as mass updates are started */
	}
	/* A page cache large enough for the whole run: otherwise SQLite spills dirty index
	 * pages into the WAL again and again, which costs far more than the inserts. */
	if ((rc = db_exec(c, "PRAGMA cache_size = -131072", e)) ||
	    (rc = emu_address_next_kdnr(c, run->customer_id, &kdnr, e)))
		goto out;
	for (int64_t i = 0; i < run->count; i++) {
		int64_t id;
		gen_address(g, a, kdnr + i);
		if ((rc = emu_address_insert(c, run->customer_id, &a->in, &id, e)))
			goto out;
		if (i == 0)
			run->first_id = id;
		run->last_id = id;
	}
	run->st = g->st;
out:
	free(g);
	free(a);
	return rc;
}
