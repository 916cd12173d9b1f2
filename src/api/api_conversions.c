/*
 * POST /api/v1/conversions (requirements §8.1, R-X1): validate, then one store
 * transaction. Validation happens before anything is stored, so a 4xx answer
 * writes nothing and does not use up the Idempotency-Key.
 */
#include <string.h>

#include "api/api.h"
#include "core/crypto.h"
#include "core/metrics.h"
#include "core/time.h"
#include "domain/conversion.h"
#include "store/contact.h"

#define IDEMPOTENCY_KEY_MAX 128

static void count(const char *result)
{
	char labels[48];
	snprintf(labels, sizeof(labels), "result=\"%s\"", result);
	metric_inc(metrics_counter(metrics_default(), "immosync_ingests_total",
	                           "Conversions posted, by result", labels));
}

/* An Idempotency-Key is 1–128 printable ASCII characters. */
static bool key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k[i] < 0x21 || k[i] > 0x7e)
			return false;
	return true;
}

void api_conversion_create(struct api_call *call)
{
	struct err e = ERR_INIT;
	struct conv_input in = CONV_INPUT_INIT;
	const char *key = http_header(call->req, "Idempotency-Key");
	const struct buf *body = &call->req->body;
	if (key && !key_ok(key)) {
		err_set(&e, ERR_INVALID_FIELD, "Idempotency-Key",
		        "must be 1 to %d printable ASCII characters", IDEMPOTENCY_KEY_MAX);
		goto out_fail;
	}
	if (conv_parse(buf_str(body), body->len, time_now_ms(), &in, &e))
		goto out_fail;

	unsigned char digest[CRYPTO_SHA256_LEN];
	char hash[2 * CRYPTO_SHA256_LEN + 1];
	if (crypto_sha256(body->data, body->len, digest)) {
		err_set(&e, ERR_CRYPTO, NULL, NULL);
		goto out_fail;
	}
	crypto_hex_encode(digest, sizeof(digest), hash);

	const struct conv_lead *l = &in.lead;
	struct contact_fields lead = api_contact_fields(l, l->gdpr_consent);
	struct conversion_input conv = {conv_type_name(in.type), in.landing_page, in.occurred_at_ms,
	                                l->id, in.details};
	struct ingest_result r;
	if (contact_ingest(call->ctx->db, call->company_id, &lead, &conv, key, hash, &r, &e))
		goto out_fail;
	count(r.replayed ? "replayed" : "created");
	api_reply(call, r.replayed ? 200 : 201,
	          json_pack("{s:I,s:I}", "contact_id", (json_int_t)r.contact_id, "conversion_id",
	                    (json_int_t)r.conversion_id));
	conv_input_release(&in);
	return;
out_fail:
	count("refused");
	api_fail(call, &e);
	conv_input_release(&in);
}
