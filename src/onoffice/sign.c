#include "onoffice/sign.h"

#include <inttypes.h>
#include <string.h>

#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"

#define OO_SIGN_MSG_MAX 4096

int oo_hmac_v2(const char *secret, int64_t timestamp, const char *token, const char *resourcetype,
               const char *actionid, char out[64])
{
	if (!out)
		return ERR_INVALID_ARG;
	out[0] = '\0';
	if (!secret || !token || !resourcetype || !actionid)
		return ERR_INVALID_ARG;

	struct buf msg = BUF_INIT(OO_SIGN_MSG_MAX);
	unsigned char mac[CRYPTO_SHA256_LEN];
	int rc = buf_addf(&msg, "%" PRId64 "%s%s%s", timestamp, token, resourcetype, actionid);
	if (rc)
		goto out_wipe;
	rc = crypto_hmac_sha256(secret, strlen(secret), msg.data, msg.len, mac);
	if (rc)
		goto out_wipe;
	rc = crypto_base64_encode(mac, sizeof(mac), out, 64, NULL);
out_wipe:
	crypto_cleanse(mac, sizeof(mac));
	if (msg.data)
		crypto_cleanse(msg.data, msg.len);
	buf_release(&msg);
	if (rc)
		out[0] = '\0';
	return rc;
}
