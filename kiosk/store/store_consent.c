/*
 * store_consent: informed consents (store_consent.h); table made by
 * migration step 6 (store_migrations.c), the signature sealed for the
 * consent's id since step 9 (store_seal.h).
 */
#include "store_consent.h"

#include "store_audit.h"
#include "store_int.h"
#include "store_seal.h"
#include "store_visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_ADD[] = "INSERT INTO consent (id, visit_id, text_key, lang, ask_staff,"
			      " signature, signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_EXISTS[] = "SELECT 1 FROM consent WHERE visit_id = ?1";
static const char SQL_GET[] = "SELECT id, visit_id, text_key, lang, ask_staff, signed_at,"
			      " signature FROM consent WHERE visit_id = ?1";

static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* "" or names of [a-z0-9_] separated by single commas. */
static int names_ok(const char *s)
{
	size_t len = strlen(s);
	if (len && (s[0] == ',' || s[len - 1] == ',' || strstr(s, ",,")))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_,") == len;
}

/* The checks that need no database. VB_OK or VB_EINVAL with a message. */
static int check_fields(struct store *st, const struct store_consent *c, const uint8_t *png,
			size_t n)
{
	if (!terminated(c->visit_id, sizeof(c->visit_id)) || store_id_check(c->visit_id))
		return store_err_set(st, VB_EINVAL, "visit_id is not a record id");
	if (!terminated(c->text_key, sizeof(c->text_key)))
		return store_err_set(st, VB_EINVAL, "text_key is too long");
	int rc = store_check_token(st, "text_key", c->text_key, sizeof(c->text_key));
	if (rc)
		return rc;
	if (!terminated(c->lang, sizeof(c->lang)) ||
	    (strcmp(c->lang, "zh") != 0 && strcmp(c->lang, "en") != 0))
		return store_err_set(st, VB_EINVAL, "lang is not zh or en");
	if (!terminated(c->ask_staff, sizeof(c->ask_staff)) || !names_ok(c->ask_staff))
		return store_err_set(st, VB_EINVAL, "ask_staff is not a list of question names");
	if (!png || n <= sizeof(png_magic) || n > STORE_CONSENT_SIGNATURE_MAX ||
	    memcmp(png, png_magic, sizeof(png_magic)) != 0)
		return store_err_set(st, VB_EINVAL,
				     "the signature is not a PNG of at most %u bytes",
				     STORE_CONSENT_SIGNATURE_MAX);
	return VB_OK;
}

int store_consent_add(struct store *st, struct store_consent *c, const uint8_t *png, size_t n,
		      const char *actor, int64_t now)
{
	char id[STORE_ID_LEN + 1], detail[128];
	struct store_visit v;
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_consent_add");
	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = check_fields(st, c, png, n)))
		return rc;
	rc = store_visit_get(st, c->visit_id, &v);
	if (rc == VB_ENOTFOUND)
		return store_err_set(st, VB_EINVAL, "no such visit");
	if (rc)
		return rc;
	if (v.state != VISIT_CONSENTED)
		return store_err_set(st, VB_ESTATE, "the visit is %s, not consented",
				     visit_state_name(v.state));
	if ((rc = store_stmt(st, SQL_EXISTS, &s)) || (rc = store_bind_text(st, s, 1, c->visit_id)))
		goto out;
	rc = store_step(st, s);
	store_stmt_reset(s);
	if (rc == 1)
		rc = store_err_set(st, VB_EEXIST, "the visit has a consent already");
	if (rc)
		goto out;
	if ((rc = store_id_new(id)) || (rc = store_stmt(st, SQL_ADD, &s)) ||
	    (rc = store_bind_text(st, s, 1, id)) || (rc = store_bind_text(st, s, 2, c->visit_id)) ||
	    (rc = store_bind_text(st, s, 3, c->text_key)) ||
	    (rc = store_bind_text(st, s, 4, c->lang)) ||
	    (rc = store_bind_text(st, s, 5, c->ask_staff)) ||
	    (rc = store_seal_bind_bytes(st, s, 6, "consent", "signature", id, png, n)) ||
	    (rc = store_bind_int64(st, s, 7, now)) || (rc = store_step_done(st, s)))
		goto out;
	snprintf(detail, sizeof(detail), "visit=%s text=%s lang=%s", c->visit_id, c->text_key,
		 c->lang);
	rc = store_audit_append(st, now, actor, "consent.add", id, detail);
out:
	store_stmt_reset(s);
	if (!rc) {
		memcpy(c->id, id, sizeof(id));
		c->signed_at = now;
	}
	return rc;
}

int store_consent_get_visit(struct store *st, const char *visit_id, struct store_consent *out,
			    uint8_t **png, size_t *n)
{
	struct store_consent c;
	uint8_t *copy = NULL;
	size_t len = 0;
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_GET, &s);
	if (!rc && !(rc = store_bind_text(st, s, 1, visit_id)))
		rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "the visit has no consent");
	if (rc == 1) {
		memset(&c, 0, sizeof(c));
		store_column_text(s, 0, c.id, sizeof(c.id));
		store_column_text(s, 1, c.visit_id, sizeof(c.visit_id));
		store_column_text(s, 2, c.text_key, sizeof(c.text_key));
		store_column_text(s, 3, c.lang, sizeof(c.lang));
		store_column_text(s, 4, c.ask_staff, sizeof(c.ask_staff));
		c.signed_at = sqlite3_column_int64(s, 5);
		rc =
		    png ? store_seal_open_bytes(st, s, 6, "consent", "signature", c.id, &copy, &len)
			: VB_OK;
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	*out = c;
	if (png) {
		*png = copy;
		*n = len;
	}
	return VB_OK;
}
