/*
 * cert: the front door (cert.h) — issuing dispatches on the format asked
 * for, verifying on the payload's prefix: "HC1:" is an EU DCC
 * (cert_dcc.c); "shc:/", or a bare JWS (three base64url parts), a SMART
 * Health Card (cert_shc.c).
 */
#include "cert.h"

#include "cert_dcc.h"
#include "cert_shc.h"

#include <string.h>

int cert_issue(const struct ddcc_record *r, enum cert_format f, const struct cert_signer *s,
	       char **payload, struct vb_reason *why)
{
	if (!r || !s || !s->key || !payload) {
		vb_reason_set(why, "bad_argument",
			      "cert_issue needs a record, a signer and an out");
		return VB_EINVAL;
	}
	switch (f) {
	case CERT_DCC:
		return cert_dcc_issue(r, s, payload, why);
	case CERT_SHC:
		return cert_shc_issue(r, s->key, payload, why);
	}
	vb_reason_set(why, "bad_format", "the certificate format %d is not dcc or shc", (int)f);
	return VB_EINVAL;
}

/* A bare JWS: three non-empty base64url parts. */
static int looks_like_jws(const char *p)
{
	size_t dots = 0, run = 0;
	for (; *p; p++) {
		char c = *p;
		if (c == '.') {
			if (!run)
				return 0;
			dots++;
			run = 0;
		} else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '_') {
			run++;
		} else {
			return 0;
		}
	}
	return dots == 2 && run;
}

int cert_verify(const char *payload, const struct trust *trust, int64_t now,
		struct cert_verified *out)
{
	memset(out, 0, sizeof(*out));
	if (!payload || !trust) {
		vb_reason_set(&out->why, "bad_argument",
			      "cert_verify needs a payload and a trust list");
		return VB_EINVAL;
	}
	if (strncmp(payload, CERT_DCC_PREFIX, strlen(CERT_DCC_PREFIX)) == 0)
		return cert_dcc_verify(payload, trust, now, out);
	if (strncmp(payload, CERT_SHC_PREFIX, strlen(CERT_SHC_PREFIX)) == 0 ||
	    looks_like_jws(payload))
		return cert_shc_verify(payload, trust, now, out);
	vb_reason_set(
	    &out->why, "bad_prefix",
	    "the payload starts with neither HC1: (EU DCC) nor shc:/ (SMART Health Card)");
	return VB_EINVAL;
}
