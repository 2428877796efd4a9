/*
 * store_cert: issued certificates and trusted issuer keys (store_cert.h);
 * tables made by migration step 4 (store_migrations.c); the payload is
 * sealed (step 9, store_seal.h) for the certificate's id.
 */
#include "store_cert.h"

#include "store_audit.h"
#include "store_int.h"
#include "store_seal.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The dose must be the visit's and the person's: the SELECT finds no row
 * otherwise and nothing is inserted. */
static const char SQL_ADD[] =
    "INSERT INTO certificate (id, visit_id, dose_id, person_id, format, payload, kid,"
    " certificate_id, issued_at, expires_at, created_at)"
    " SELECT ?1, d.visit_id, d.id, d.person_id, ?5, ?6, ?7, ?8, ?9, ?10, ?11 FROM dose d"
    " WHERE d.id = ?3 AND d.visit_id = ?2 AND d.person_id = ?4";
static const char SQL_EXISTS[] = "SELECT 1 FROM certificate WHERE dose_id = ?1 AND format = ?2";
static const char SQL_GET_DOSE[] =
    "SELECT id, visit_id, dose_id, person_id, format, payload, kid, certificate_id, issued_at,"
    " expires_at, created_at FROM certificate WHERE dose_id = ?1 AND format = ?2";
static const char SQL_PLACE[] =
    "SELECT coalesce(bus_id, ''), coalesce(site_id, '') FROM dose WHERE id = ?1";
static const char SQL_COUNT_VISIT[] = "SELECT count(*) FROM certificate WHERE visit_id = ?1";

static const char SQL_TRUST_ADD[] =
    "INSERT INTO trust_key (id, kind, iss, digest, data, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (kind, iss, digest) DO NOTHING";
static const char SQL_TRUST_ALL[] = "SELECT id, kind, iss, data, created_at FROM trust_key"
				    " WHERE ?1 IS NULL OR kind = ?1 ORDER BY created_at, id";
static const char SQL_TRUST_LATEST[] = "SELECT id, kind, iss, data, created_at FROM trust_key"
				       " WHERE kind = ?1 ORDER BY created_at DESC, id DESC LIMIT 1";

static int format_ok(const char *f)
{
	return f && (strcmp(f, "dcc") == 0 || strcmp(f, "shc") == 0);
}

static int kind_ok(const char *k)
{
	return k && (strcmp(k, "jwks") == 0 || strcmp(k, "x509") == 0 || strcmp(k, "own") == 0);
}

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int store_cert_add(struct store *st, struct store_cert *c, const char *actor, int64_t now)
{
	char id[STORE_ID_LEN + 1], detail[160];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_cert_add");
	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (!format_ok(c->format))
		return store_err_set(st, VB_EINVAL, "format is not dcc or shc");
	if (!terminated(c->payload, sizeof(c->payload)) || !c->payload[0])
		return store_err_set(st, VB_EINVAL, "payload: 1 to %d bytes",
				     STORE_CERT_PAYLOAD_MAX);
	if (!terminated(c->kid, sizeof(c->kid)) || !c->kid[0] ||
	    !terminated(c->certificate_id, sizeof(c->certificate_id)))
		return store_err_set(st, VB_EINVAL, "kid or certificate_id is malformed");
	if (!terminated(c->visit_id, sizeof(c->visit_id)) || store_id_check(c->visit_id) ||
	    !terminated(c->dose_id, sizeof(c->dose_id)) || store_id_check(c->dose_id) ||
	    !terminated(c->person_id, sizeof(c->person_id)) || store_id_check(c->person_id))
		return store_err_set(st, VB_EINVAL, "visit_id, dose_id or person_id is not an id");
	if ((rc = store_stmt(st, SQL_EXISTS, &s)) || (rc = store_bind_text(st, s, 1, c->dose_id)) ||
	    (rc = store_bind_text(st, s, 2, c->format)))
		goto out;
	rc = store_step(st, s);
	store_stmt_reset(s);
	if (rc == 1)
		rc = store_err_set(st, VB_EEXIST, "the dose has a %s certificate already",
				   c->format);
	if (rc)
		goto out;
	if ((rc = store_id_new(id)) || (rc = store_stmt(st, SQL_ADD, &s)) ||
	    (rc = store_bind_text(st, s, 1, id)) || (rc = store_bind_text(st, s, 2, c->visit_id)) ||
	    (rc = store_bind_text(st, s, 3, c->dose_id)) ||
	    (rc = store_bind_text(st, s, 4, c->person_id)) ||
	    (rc = store_bind_text(st, s, 5, c->format)) ||
	    (rc = store_seal_bind_bytes(st, s, 6, "certificate", "payload", id, c->payload,
					strlen(c->payload))) ||
	    (rc = store_bind_text(st, s, 7, c->kid)) ||
	    (rc = store_bind_text(st, s, 8, c->certificate_id)) ||
	    (rc = store_bind_int64(st, s, 9, c->issued_at)) ||
	    (rc = store_bind_int64(st, s, 10, c->expires_at)) ||
	    (rc = store_bind_int64(st, s, 11, now)) || (rc = store_step_done(st, s)))
		goto out;
	if (sqlite3_changes(st->db) != 1) {
		rc = store_err_set(st, VB_EINVAL,
				   "no dose of that visit and person: unknown or inconsistent ids");
		goto out;
	}
	snprintf(detail, sizeof(detail), "visit=%s dose=%s format=%s", c->visit_id, c->dose_id,
		 c->format);
	rc = store_audit_append(st, now, actor, "cert.issue", id, detail);
	if (!rc) {
		memcpy(c->id, id, sizeof(id));
		c->created_at = now;
	}
out:
	store_stmt_reset(s);
	return rc;
}

int store_cert_get_dose(struct store *st, const char *dose_id, const char *format,
			struct store_cert *out)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if (!format_ok(format))
		return store_err_set(st, VB_EINVAL, "format is not dcc or shc");
	struct store_cert *c = calloc(1, sizeof(*c));
	if (!c)
		return store_err_set(st, VB_ENOMEM, "no memory for a certificate");
	if ((rc = store_stmt(st, SQL_GET_DOSE, &s)) || (rc = store_bind_text(st, s, 1, dose_id)) ||
	    (rc = store_bind_text(st, s, 2, format)))
		goto out;
	rc = store_step(st, s);
	if (rc == 0) {
		rc = store_err_set(st, VB_ENOTFOUND, "no %s certificate for that dose", format);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (store_column_text(s, 0, c->id, sizeof(c->id)) ||
	    store_column_text(s, 1, c->visit_id, sizeof(c->visit_id)) ||
	    store_column_text(s, 2, c->dose_id, sizeof(c->dose_id)) ||
	    store_column_text(s, 3, c->person_id, sizeof(c->person_id)) ||
	    store_column_text(s, 4, c->format, sizeof(c->format)) ||
	    store_column_text(s, 6, c->kid, sizeof(c->kid)) ||
	    store_column_text(s, 7, c->certificate_id, sizeof(c->certificate_id))) {
		rc = store_err_set(st, VB_ECORRUPT, "a stored certificate row is malformed");
		goto out;
	}
	if ((rc = store_seal_open(st, s, 5, "certificate", "payload", c->id, c->payload,
				  sizeof(c->payload))))
		goto out;
	c->issued_at = sqlite3_column_int64(s, 8);
	c->expires_at = sqlite3_column_int64(s, 9);
	c->created_at = sqlite3_column_int64(s, 10);
	rc = VB_OK;
	memcpy(out, c, sizeof(*c));
out:
	store_stmt_reset(s);
	sodium_memzero(c, sizeof(*c));
	free(c);
	return rc;
}

int store_cert_dose_place(struct store *st, const char *dose_id, char *bus, size_t bus_cap,
			  char *site, size_t site_cap)
{
	sqlite3_stmt *s = NULL;
	char b[STORE_TRUST_ISS_MAX], t[STORE_TRUST_ISS_MAX];
	int rc = store_stmt(st, SQL_PLACE, &s);
	if (!rc && !(rc = store_bind_text(st, s, 1, dose_id)))
		rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no such dose");
	if (rc == 1) {
		rc = store_column_text(s, 0, b, sizeof(b)) || store_column_text(s, 1, t, sizeof(t))
			 ? store_err_set(st, VB_ECORRUPT, "a stored dose place is malformed")
			 : VB_OK;
		if (!rc && (strlen(b) >= bus_cap || strlen(t) >= site_cap))
			rc = store_err_set(st, VB_ERANGE, "the bus or site id does not fit");
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	memcpy(bus, b, strlen(b) + 1);
	memcpy(site, t, strlen(t) + 1);
	return VB_OK;
}

int store_cert_count_visit(struct store *st, const char *visit_id, int64_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_COUNT_VISIT, &s);
	if (!rc && !(rc = store_bind_text(st, s, 1, visit_id)) && (rc = store_step(st, s)) == 1) {
		*n = sqlite3_column_int64(s, 0);
		rc = VB_OK;
	}
	store_stmt_reset(s);
	return rc;
}

int store_trust_add(struct store *st, const char *kind, const char *iss, const uint8_t *data,
		    size_t n, const char *actor, int64_t now, int *added)
{
	char id[STORE_ID_LEN + 1];
	uint8_t digest[32];
	unsigned int dlen = 0;
	sqlite3_stmt *s = NULL;
	int owned = 0, rc;
	if (!iss)
		iss = "";
	if (!kind_ok(kind))
		return store_err_set(st, VB_EINVAL, "trust kind is not jwks, x509 or own");
	if (strlen(iss) >= STORE_TRUST_ISS_MAX || (strcmp(kind, "jwks") == 0 && !*iss))
		return store_err_set(st, VB_EINVAL, "a jwks needs its issuer URL (< %d bytes)",
				     STORE_TRUST_ISS_MAX);
	if (!data || n == 0 || n > STORE_TRUST_DATA_MAX)
		return store_err_set(st, VB_EINVAL, "a trusted document holds 1 to %d bytes",
				     STORE_TRUST_DATA_MAX);
	if ((rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (!EVP_Digest(data, n, digest, &dlen, EVP_sha256(), NULL) || dlen != sizeof(digest))
		return store_err_set(st, VB_ENOMEM, "SHA-256 failed");
	if ((rc = store_tx_enter(st, &owned)))
		return rc;
	if ((rc = store_id_new(id)) || (rc = store_stmt(st, SQL_TRUST_ADD, &s)) ||
	    (rc = store_bind_text(st, s, 1, id)) || (rc = store_bind_text(st, s, 2, kind)) ||
	    (rc = store_bind_text(st, s, 3, iss)) ||
	    (rc = store_bind_blob(st, s, 4, digest, sizeof(digest))) ||
	    (rc = store_bind_blob(st, s, 5, data, n)) || (rc = store_bind_int64(st, s, 6, now)) ||
	    (rc = store_step_done(st, s)))
		goto out;
	int is_new = sqlite3_changes(st->db) == 1;
	if (is_new) {
		char detail[32];
		snprintf(detail, sizeof(detail), "kind=%s", kind);
		rc = store_audit_append(st, now, actor,
					strcmp(kind, "own") == 0 ? "trust.own" : "trust.import", id,
					detail);
	}
	if (!rc && added)
		*added = is_new;
out:
	store_stmt_reset(s);
	return store_tx_leave(st, owned, rc);
}

/* Reads the current row of a trust SELECT (data borrowed from s). */
static int read_trust(struct store *st, sqlite3_stmt *s, struct store_trust_key *k)
{
	memset(k, 0, sizeof(*k));
	if (store_column_text(s, 0, k->id, sizeof(k->id)) ||
	    store_column_text(s, 1, k->kind, sizeof(k->kind)) ||
	    store_column_text(s, 2, k->iss, sizeof(k->iss)))
		return store_err_set(st, VB_ECORRUPT, "a stored trust row is malformed");
	k->data = sqlite3_column_blob(s, 3);
	k->n_data = (size_t)sqlite3_column_bytes(s, 3);
	k->created_at = sqlite3_column_int64(s, 4);
	if (!k->data || !k->n_data)
		return store_err_set(st, VB_ECORRUPT, "a stored trust row has no data");
	return VB_OK;
}

int store_trust_each(struct store *st, const char *kind,
		     int (*fn)(void *ctx, const struct store_trust_key *k), void *ctx)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, SQL_TRUST_ALL, &s);
	if (!rc)
		rc = store_bind_text(st, s, 1, kind);
	while (!rc && (rc = store_step(st, s)) == 1) {
		struct store_trust_key k;
		rc = read_trust(st, s, &k);
		if (!rc)
			rc = fn(ctx, &k);
	}
	store_stmt_reset(s);
	return rc;
}

int store_trust_latest(struct store *st, const char *kind, struct store_trust_key *out,
		       uint8_t **data)
{
	sqlite3_stmt *s = NULL;
	struct store_trust_key k;
	uint8_t *copy = NULL;
	int rc = store_stmt(st, SQL_TRUST_LATEST, &s);
	if (!rc && !(rc = store_bind_text(st, s, 1, kind)))
		rc = store_step(st, s);
	if (rc == 0)
		rc = store_err_set(st, VB_ENOTFOUND, "no trusted %s document", kind);
	if (rc == 1 && !(rc = read_trust(st, s, &k))) {
		copy = malloc(k.n_data);
		if (copy) {
			memcpy(copy, k.data, k.n_data);
			k.data = copy;
		} else {
			rc = store_err_set(st, VB_ENOMEM, "no memory for a trusted document");
		}
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	*out = k;
	*data = copy;
	return VB_OK;
}
