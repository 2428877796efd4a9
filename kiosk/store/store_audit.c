/*
 * store_audit: appending to and verifying the hash-chained audit log (the
 * encoding is described in store_audit.h). SHA-256 comes from OpenSSL's
 * EVP interface.
 */
#include "store_audit.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_id.h"
#include "store_int.h"
#include "store_meta.h"

#define HASH_LEN    32
#define GENESIS_TAG "vaxbus-audit"

static const char SQL_INSERT[] =
    "INSERT INTO audit (seq, at, actor, action, record_id, detail, prev_hash, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_WALK[] = "SELECT seq, at, actor, action, record_id, detail, prev_hash, hash"
			       " FROM audit ORDER BY seq";
static const char SQL_BEGIN_READ[] = "BEGIN DEFERRED";

/* One text field of a row: NULL (p == NULL) or n bytes at p. */
struct field {
	const void *p;
	size_t n;
};

static struct field field_of(const char *s)
{
	struct field f = {s, s ? strlen(s) : 0};
	return f;
}

static int put_i64(EVP_MD_CTX *ctx, int64_t v)
{
	uint64_t u = (uint64_t)v;
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(u >> (56 - 8 * i));
	return EVP_DigestUpdate(ctx, b, sizeof(b));
}

static int put_text(EVP_MD_CTX *ctx, struct field f)
{
	uint8_t b[5] = {0};
	if (!f.p)
		return EVP_DigestUpdate(ctx, b, 1);
	if (f.n > UINT32_MAX)
		return 0;
	b[0] = 1;
	for (int i = 0; i < 4; i++)
		b[1 + i] = (uint8_t)(f.n >> (24 - 8 * i));
	return EVP_DigestUpdate(ctx, b, sizeof(b)) && EVP_DigestUpdate(ctx, f.p, f.n);
}

/* hash = SHA-256 of the row's canonical encoding. 1 on success. */
static int hash_row(EVP_MD_CTX *ctx, int64_t seq, int64_t at, const struct field txt[4],
		    const uint8_t prev[HASH_LEN], uint8_t out[HASH_LEN])
{
	unsigned int n = 0;
	int ok =
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && put_i64(ctx, seq) && put_i64(ctx, at);
	for (int i = 0; ok && i < 4; i++)
		ok = put_text(ctx, txt[i]);
	ok = ok && EVP_DigestUpdate(ctx, prev, HASH_LEN) && EVP_DigestFinal_ex(ctx, out, &n);
	return ok && n == HASH_LEN;
}

static int genesis(struct store *st, const char *database_id, uint8_t out[HASH_LEN])
{
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(ctx, GENESIS_TAG, strlen(GENESIS_TAG)) &&
		 EVP_DigestUpdate(ctx, database_id, strlen(database_id)) &&
		 EVP_DigestFinal_ex(ctx, out, &n) && n == HASH_LEN;
	EVP_MD_CTX_free(ctx);
	return ok ? VB_OK : store_err_set(st, VB_ENOMEM, "SHA-256 failed");
}

static int put_head(struct store *st, int64_t seq, const uint8_t hash[HASH_LEN])
{
	char num[24], hex[2 * HASH_LEN + 1];
	snprintf(num, sizeof(num), "%" PRId64, seq);
	store_hex(hash, HASH_LEN, hex);
	int rc = store_meta_put(st, "audit_seq", num);
	return rc ? rc : store_meta_put(st, "audit_hash", hex);
}

int store_audit_init_head(struct store *st, const char *database_id)
{
	uint8_t g[HASH_LEN];
	int rc = genesis(st, database_id, g);
	return rc ? rc : put_head(st, 0, g);
}

/* Reads the head from meta. VB_ECORRUPT if missing or malformed. */
static int get_head(struct store *st, int64_t *seq, uint8_t hash[HASH_LEN])
{
	char num[24], hex[2 * HASH_LEN + 1];
	int rc = store_meta_get(st, "audit_seq", num, sizeof(num));
	if (!rc)
		rc = store_meta_get(st, "audit_hash", hex, sizeof(hex));
	if (rc == VB_ENOTFOUND || rc == VB_ERANGE)
		return store_err_set(st, VB_ECORRUPT, "the audit head in meta is missing");
	if (rc)
		return rc;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(num, &end, 10);
	if (errno || end == num || *end || v < 0 || store_unhex(hex, hash, HASH_LEN))
		return store_err_set(st, VB_ECORRUPT, "the audit head in meta is malformed");
	*seq = v;
	return VB_OK;
}

int store_audit_head(struct store *st, int64_t *seq, uint8_t hash[32])
{
	uint8_t h[HASH_LEN];
	int64_t s = 0;
	int rc = get_head(st, &s, h);
	if (rc)
		return rc;
	*seq = s;
	memcpy(hash, h, HASH_LEN);
	return VB_OK;
}

int store_audit_append(struct store *st, int64_t now, const char *actor, const char *action,
		       const char *record_id, const char *detail)
{
	uint8_t prev[HASH_LEN], hash[HASH_LEN];
	int64_t seq = 0;
	sqlite3_stmt *s = NULL;
	EVP_MD_CTX *ctx = NULL;
	int rc = store_need_tx(st, "store_audit_append");

	if (rc || (rc = store_check_token(st, "audit actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = store_check_token(st, "audit action", action, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (record_id &&
	    (rc = store_check_token(st, "audit record_id", record_id, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (detail && strlen(detail) > STORE_AUDIT_DETAIL_MAX)
		return store_err_set(st, VB_EINVAL, "audit detail is longer than %d bytes",
				     STORE_AUDIT_DETAIL_MAX);
	if ((rc = get_head(st, &seq, prev)))
		return rc;
	seq++;
	ctx = EVP_MD_CTX_new();
	struct field txt[4] = {field_of(actor), field_of(action), field_of(record_id),
			       field_of(detail)};
	if (!ctx || !hash_row(ctx, seq, now, txt, prev, hash)) {
		rc = store_err_set(st, VB_ENOMEM, "SHA-256 failed");
		goto out;
	}
	if ((rc = store_stmt(st, SQL_INSERT, &s)) || (rc = store_bind_int64(st, s, 1, seq)) ||
	    (rc = store_bind_int64(st, s, 2, now)) || (rc = store_bind_text(st, s, 3, actor)) ||
	    (rc = store_bind_text(st, s, 4, action)) ||
	    (rc = store_bind_text(st, s, 5, record_id)) ||
	    (rc = store_bind_text(st, s, 6, detail)) ||
	    (rc = store_bind_blob(st, s, 7, prev, HASH_LEN)) ||
	    (rc = store_bind_blob(st, s, 8, hash, HASH_LEN)) || (rc = store_step_done(st, s)))
		goto out;
	rc = put_head(st, seq, hash);
out:
	store_stmt_reset(s);
	EVP_MD_CTX_free(ctx);
	return rc;
}

static struct field column_field(sqlite3_stmt *s, int col)
{
	struct field f = {NULL, 0};
	if (sqlite3_column_type(s, col) != SQLITE_NULL) {
		f.p = sqlite3_column_blob(s, col);
		f.n = (size_t)sqlite3_column_bytes(s, col);
		if (!f.p) /* an empty text */
			f.p = "";
	}
	return f;
}

static int bad(struct store *st, int64_t *bad_seq, struct vb_reason *why, int64_t seq,
	       const char *code, const char *text)
{
	if (bad_seq)
		*bad_seq = seq;
	vb_reason_set(why, code, "audit row %" PRId64 ": %s", seq, text);
	return store_err_set(st, VB_ECORRUPT, "%s: audit row %" PRId64 ": %s", code, seq, text);
}

/* The walk itself, inside the read snapshot verify() opened. */
static int walk(struct store *st, EVP_MD_CTX *ctx, int64_t *bad_seq, struct vb_reason *why)
{
	char dbid[STORE_ID_LEN + 1];
	uint8_t prev[HASH_LEN], head_hash[HASH_LEN], calc[HASH_LEN];
	int64_t head_seq = 0, expect = 1;
	sqlite3_stmt *s = NULL;
	/* A copy given a new database_id keeps its chain's origin. */
	int rc = store_meta_get(st, "audit_origin", dbid, sizeof(dbid));
	if (rc == VB_ENOTFOUND)
		rc = store_meta_get(st, "database_id", dbid, sizeof(dbid));

	if (!rc)
		rc = genesis(st, dbid, prev);
	if (!rc)
		rc = get_head(st, &head_seq, head_hash);
	if (rc == VB_ENOTFOUND || rc == VB_ERANGE || rc == VB_ECORRUPT)
		return bad(st, bad_seq, why, 0, "audit_meta",
			   "database_id or the audit head in meta is missing or malformed");
	if (rc || (rc = store_stmt(st, SQL_WALK, &s)))
		return rc;
	while ((rc = store_step(st, s)) == 1) {
		int64_t seq = sqlite3_column_int64(s, 0);
		int64_t at = sqlite3_column_int64(s, 1);
		struct field txt[4] = {column_field(s, 2), column_field(s, 3), column_field(s, 4),
				       column_field(s, 5)};
		struct field ph = column_field(s, 6), h = column_field(s, 7);
		if (seq > expect) {
			rc = bad(st, bad_seq, why, expect, "audit_gap", "missing from the log");
			break;
		}
		if (seq < expect || ph.n != HASH_LEN || memcmp(ph.p, prev, HASH_LEN) != 0) {
			rc = bad(st, bad_seq, why, seq, "audit_link",
				 "does not follow the previous row (reordered, replaced or "
				 "inserted)");
			break;
		}
		if (!hash_row(ctx, seq, at, txt, prev, calc)) {
			rc = store_err_set(st, VB_ENOMEM, "SHA-256 failed");
			break;
		}
		if (h.n != HASH_LEN || memcmp(h.p, calc, HASH_LEN) != 0) {
			rc = bad(st, bad_seq, why, seq, "audit_hash",
				 "content does not match its hash (edited)");
			break;
		}
		memcpy(prev, calc, HASH_LEN);
		expect++;
	}
	store_stmt_reset(s);
	if (rc)
		return rc;
	int64_t last = expect - 1;
	if (head_seq > last)
		return bad(st, bad_seq, why, last + 1, "audit_truncated",
			   "missing from the end of the log (the head in meta is further on)");
	if (head_seq < last)
		return bad(st, bad_seq, why, head_seq + 1, "audit_tail",
			   "lies past the head recorded in meta");
	if (memcmp(head_hash, prev, HASH_LEN) != 0)
		return bad(st, bad_seq, why, last, "audit_tail",
			   "differs from the head hash recorded in meta");
	return VB_OK;
}

int store_audit_verify(struct store *st, int64_t *bad_seq, struct vb_reason *why)
{
	int rc = VB_OK, owned = 0;
	sqlite3_stmt *s = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return store_err_set(st, VB_ENOMEM, "out of memory");
	if (!store_in_transaction(st)) {
		if ((rc = store_stmt(st, SQL_BEGIN_READ, &s)) || (rc = store_step_done(st, s)))
			goto out;
		owned = 1;
	}
	rc = walk(st, ctx, bad_seq, why);
	if (owned) {
		char msg[STORE_ERRMSG_MAX];
		memcpy(msg, st->errmsg, sizeof(msg));
		store_rollback(st); /* read only: nothing to keep */
		memcpy(st->errmsg, msg, sizeof(msg));
	}
	if (rc == VB_OK)
		vb_reason_clear(why);
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}
