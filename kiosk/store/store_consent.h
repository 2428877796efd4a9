/*
 * store_consent: a resident's informed consent to the dose of one visit
 * (table consent, migration 6).
 *
 * The kiosk records it when the person signs: in the same transaction as
 * the visit's "consent" event and before the visit is queued, so a
 * queued visit always has its consent. It names the wording shown (a
 * string table key, versioned in its name, and the language), holds the
 * signature as drawn (a PNG) and the screening questions answered "yes"
 * that a doctor must see to first. One per visit; never changed.
 *
 * The audit row "consent.add" names the visit, the text key and the
 * language only: never the signature, nor the screening answers (health
 * data).
 */
#ifndef STORE_CONSENT_H
#define STORE_CONSENT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_id.h"

#define STORE_CONSENT_KEY_MAX	    48	       /* text_key with its NUL */
#define STORE_CONSENT_ASK_MAX	    160	       /* ask_staff with its NUL */
#define STORE_CONSENT_SIGNATURE_MAX (1u << 20) /* bytes of the PNG */

struct store_consent {
	char id[STORE_ID_LEN + 1];
	char visit_id[STORE_ID_LEN + 1];
	char text_key[STORE_CONSENT_KEY_MAX];  /* "consent.text_v1" */
	char lang[3];			       /* "zh" or "en" */
	char ask_staff[STORE_CONSENT_ASK_MAX]; /* "immunosuppression,...", "" none */
	int64_t signed_at;		       /* UTC seconds */
};

/*
 * Saves consent *c with the signature png (n bytes, a PNG file; copied)
 * at now, with the audit row "consent.add", in the caller's transaction;
 * c->id is ignored and a new UUIDv7 written to it on VB_OK, c->signed_at
 * is set to now. The visit must exist and be in state "consented" (its
 * consent event applied in this transaction). Returns VB_OK; VB_EEXIST
 * (the visit has a consent already); VB_EINVAL (malformed fields: the key
 * or an ask_staff name not a token, a language other than zh/en, no PNG
 * or a too large one, an unknown visit); VB_ESTATE (the visit is not
 * consented, or no transaction); or a storage error. Nothing is written
 * unless VB_OK.
 */
int store_consent_add(struct store *st, struct store_consent *c, const uint8_t *png, size_t n,
		      const char *actor, int64_t now);

/*
 * The consent of visit visit_id: VB_OK with *out and, if png is not NULL,
 * a malloc'd copy of the signature in *png (*n bytes; the caller frees
 * it); VB_ENOTFOUND; VB_ENOMEM; or a storage error. Outputs written only
 * on VB_OK.
 */
int store_consent_get_visit(struct store *st, const char *visit_id, struct store_consent *out,
			    uint8_t **png, size_t *n);

#endif
