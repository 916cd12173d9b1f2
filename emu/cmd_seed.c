/*
 * onoffice-emu seed: N realistic German addresses for one customer, the same for
 * the same --seed and --until, in one transaction (seed.h).
 */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/opt.h"
#include "core/time.h"
#include "customer.h"
#include "emu.h"
#include "seed.h"
#include "state.h"

static bool check_date(const char *v, char *why, size_t cap)
{
	char full[32];
	int64_t ms;
	snprintf(full, sizeof(full), "%.10s 00:00:00", v);
	if (strlen(v) == 10 && time_parse_onoffice(full, strlen(full), 0, &ms, NULL) == 0)
		return true;
	snprintf(why, cap, "must be a date YYYY-MM-DD");
	return false;
}

enum { SD_CUSTOMER, SD_COUNT, SD_SEED, SD_UNTIL, SD_DB, SD__N };
static const struct opt_def sd_opts[SD__N] = {
    [SD_CUSTOMER] = {"customer", 'c', OPT_STRING, "WEBID", NULL, "The customer's web id",
                     OPT_REQUIRED},
    [SD_COUNT] = {"count", 'n', OPT_INT, "N", NULL, "How many addresses to add (1-1000000)",
                  OPT_REQUIRED, 1, 1000000},
    [SD_SEED] = {"seed", 's', OPT_INT, "S", "1",
                 "The random seed: the same seed gives the same data", 0, 0, INT64_MAX},
    [SD_UNTIL] = {"until", 0, OPT_STRING, "DATE", NULL,
                  "Aenderung lies in the two years before this day (default: today, Berlin, "
                  "on the emulator's clock)",
                  0, .check = check_date},
    [SD_DB] = EMU_OPT_DB,
};

static const struct opt_cmd sd_cmd = {
    .program = EMU_PROGRAM,
    .name = "seed",
    .usage = "--customer WEBID --count N [options]",
    .summary = "Adds N realistic German addresses to a customer in one transaction: names,\n"
               "streets, postcodes, contact types, GDPR statuses, phones in varied formats,\n"
               "shared and missing e-mails, archived records, Aenderung times with ties.\n"
               "The same --seed and --until give the same data. Prints a one-line summary.",
    .defs = sd_opts,
    .ndefs = SD__N,
};

/* Midnight (Berlin) at the start of the day `date`, or of today on the emulator's clock. */
static int64_t until_ms(const char *date, int64_t offset_s)
{
	struct civil c;
	int64_t ms;
	if (date) {
		sscanf(date, "%4d-%2d-%2d", &c.year, &c.month, &c.day);
	} else {
		time_to_civil_berlin(time_now_ms() + offset_s * 1000, &c);
	}
	c.hour = c.min = c.sec = c.ms = 0;
	if (time_from_civil_berlin(&c, 0, &ms, NULL))
		ms = time_now_ms();
	return ms;
}

int emu_cmd_seed(int argc, char **argv)
{
	struct opt_value v[SD__N];
	enum opt_result pr = opt_parse(&sd_cmd, argc, argv, v, NULL, NULL, stdout, stderr);
	if (pr != OPT_OK) {
		opt_release(v, SD__N);
		return pr == OPT_EXIT_OK ? 0 : 2;
	}
	int rc = 1;
	struct db *db = NULL;
	struct emu_customer cust;
	struct err e = ERR_INIT;
	int64_t offset = 0;
	if (emu_open_db(v[SD_DB].str, &db))
		goto out;
	if (emu_customer_by_webid(db, v[SD_CUSTOMER].str, &cust, &e)) {
		fprintf(stderr, "%s: no customer with web id %s\n", EMU_PROGRAM,
		        v[SD_CUSTOMER].str);
		rc = 2;
		goto out;
	}
	emu_clock_offset_load(db, &offset, NULL);
	struct seed_run run = {.count = v[SD_COUNT].num,
	                       .seed = v[SD_SEED].num,
	                       .until_ms = until_ms(v[SD_UNTIL].str, offset),
	                       .customer_id = cust.id};
	emu_customer_release(&cust);
#ifdef __GLIBC__
	/* SQLite's page cache grows and shrinks the heap all the time; without this glibc
	 * gives memory back and faults it in again, which costs a third of the run. */
	mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
	int64_t t0 = time_mono_ms();
	if (db_tx(db, DB_WRITE, seed_tx, &run, &e)) {
		fprintf(stderr, "%s: seeding failed: %s\n", EMU_PROGRAM, e.message);
		goto out;
	}
	double secs = (double)(time_mono_ms() - t0) / 1000.0;
	long n = (long)run.count;
	printf("seeded %ld addresses (ids %lld-%lld) for customer %s in %.2f s (seed %lld): "
	       "%ld without e-mail, %ld shared e-mails, %ld archived, %ld without contact type, "
	       "%ld with two types, %ld on shared mass-update timestamps\n",
	       n, (long long)run.first_id, (long long)run.last_id, v[SD_CUSTOMER].str, secs,
	       (long long)run.seed, run.st.no_email, run.st.shared_email, run.st.archived,
	       run.st.no_type, run.st.multi_type, run.st.ties_bulk);
	rc = 0;
out:
	db_close(db);
	opt_release(v, SD__N);
	return rc;
}
