/*
 * The floors of bench/ingest.sh (issue #5):
 *   ingest_floor discard   an HTTP server on our own stack (web/http) whose one route
 *                          parses the conversion body with conv_parse and discards it:
 *                          what ingest costs without the store. Prints its address.
 *   ingest_floor loop DB N [full]
 *                          the same ingest transactions as the API in a plain loop on a
 *                          fresh database, no HTTP: what the store costs alone.
 * The bodies vary like bench/ingest.lua's: lead e-mail lead<n % 1000>@bench.example,
 * Idempotency-Key loop-<n>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/signals.h"
#include "core/time.h"
#include "domain/conversion.h"
#include "store/company.h"
#include "store/contact.h"
#include "store/store.h"
#include "web/run.h"

#define BODY_FMT                                                                            \
	"{\"lead\":{\"email\":\"lead%d@bench.example\",\"first_name\":\"Anna\","            \
	"\"last_name\":\"Schmidt\",\"phone\":\"0171 2345678\",\"city\":\"Aachen\","         \
	"\"country\":\"DE\",\"gdpr_consent\":true},\"conversion\":{\"type\":\"valuation\"," \
	"\"landing_page\":\"Immobilienbewertung Aachen\",\"occurred_at\":"                  \
	"\"2026-11-26T10:15:00Z\",\"details\":{\"property_type\":\"house\",\"address\":{"   \
	"\"zip\":\"52062\",\"city\":\"Aachen\"},\"price\":{\"min\":400000,\"max\":500000,"  \
	"\"average\":450000}}}}"

static void discard(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	struct conv_input in = CONV_INPUT_INIT;
	struct err e = ERR_INIT;
	if (conv_parse(buf_str(&req->body), req->body.len, time_now_ms(), &in, &e)) {
		http_reply_error(resp, &e);
		return;
	}
	conv_input_release(&in);
	http_reply_json(resp, 201, json_pack("{s:i,s:i}", "contact_id", 0, "conversion_id", 0));
}

static int run_discard(void)
{
	static const struct http_route routes[] = {{{"POST", "/api/v1/conversions"}, discard, 0}};
	struct http_config cfg = {
	    .listen = "127.0.0.1:0", .routes = routes, .nroutes = 1, .metrics_prefix = "floor"};
	return web_run("ingest_floor", &cfg, NULL, NULL);
}

static int run_loop(const char *path, int n, bool full)
{
	struct db *db;
	struct err e = ERR_INIT;
	struct db_options o = DB_OPTIONS_DEFAULT;
	o.synchronous_full = full;
	int64_t company;
	if (store_open(path, &o, &db, &e) ||
	    company_create(db, "Bench", "b@bench.example", &company, &e)) {
		fprintf(stderr, "ingest_floor: %s\n", e.message);
		return 1;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		char body[1024], key[32], hash[65];
		unsigned char d[32];
		int len = snprintf(body, sizeof(body), BODY_FMT, i % 1000);
		snprintf(key, sizeof(key), "loop-%d", i);
		struct conv_input in = CONV_INPUT_INIT;
		if (conv_parse(body, (size_t)len, time_now_ms(), &in, &e)) {
			fprintf(stderr, "ingest_floor: %s %s\n", e.field, e.message);
			return 1;
		}
		crypto_sha256(body, (size_t)len, d);
		crypto_hex_encode(d, sizeof(d), hash);
		const struct conv_lead *l = &in.lead;
		struct contact_fields lead = {.email = l->email,
		                              .first_name = l->first_name,
		                              .last_name = l->last_name,
		                              .phone_raw = l->phone,
		                              .phone_e164 = l->phone_e164,
		                              .city = l->city,
		                              .country = l->country,
		                              .gdpr_consent = 1};
		struct conversion_input conv = {conv_type_name(in.type), in.landing_page,
		                                in.occurred_at_ms, NULL, in.details};
		struct ingest_result r;
		if (contact_ingest(db, company, &lead, &conv, key, hash, &r, &e)) {
			fprintf(stderr, "ingest_floor: %s\n", e.message);
			return 1;
		}
		conv_input_release(&in);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f\n", n / secs);
	db_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (sig_setup())
		return 1;
	if (argc >= 2 && strcmp(argv[1], "discard") == 0)
		return run_discard();
	if (argc >= 4 && strcmp(argv[1], "loop") == 0)
		return run_loop(argv[2], (int)strtol(argv[3], NULL, 10),
		                argc >= 5 && strcmp(argv[4], "full") == 0);
	fprintf(stderr, "usage: ingest_floor discard | loop DB N [full]\n");
	return 2;
}
