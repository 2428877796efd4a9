/*
 * store_seal: the process's data key and the sealing, opening and keyed
 * hashing of personal fields (store_seal.h; store_key_set is in store.h).
 * The subkeys live in libsodium's guarded memory, read-only once derived.
 */
#include "store_seal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_meta.h"

#define SEAL_CTX       "vbperson"
#define SEAL_SUB_SEAL  1
#define SEAL_SUB_HASH  2
#define SEAL_SUB_CHECK 3
#define SEAL_PAD       16
#define SEAL_TEXT_MAX  512 /* a text value's bytes, NUL included, at most */
#define SEAL_NONCE     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG       crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEAL_AD_MAX    96
#define CHECK_META_KEY "data_key_check"
#define CHECK_MESSAGE  "vaxbus data key check"

_Static_assert(STORE_KEY_LEN == crypto_kdf_KEYBYTES, "the data key is a crypto_kdf key");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32, "32-byte subkeys");

/* The three subkeys, 32 bytes each, in guarded memory; NULL until set. */
static unsigned char *subkeys;

static const unsigned char *subkey(int which)
{
	return subkeys + (size_t)(which - 1) * 32;
}

int store_key_set(const unsigned char key[STORE_KEY_LEN])
{
	if (sodium_init() < 0)
		return VB_EIO;
	store_key_clear();
	subkeys = sodium_malloc(3 * 32);
	if (!subkeys)
		return VB_ENOMEM;
	for (int i = SEAL_SUB_SEAL; i <= SEAL_SUB_CHECK; i++)
		crypto_kdf_derive_from_key(subkeys + (size_t)(i - 1) * 32, 32, (uint64_t)i,
					   SEAL_CTX, key);
	sodium_mprotect_readonly(subkeys);
	return VB_OK;
}

void store_key_clear(void)
{
	sodium_free(subkeys); /* zeroes it; NULL is fine */
	subkeys = NULL;
}

int store_seal_ready(struct store *st, const char *what)
{
	if (subkeys)
		return VB_OK;
	return store_err_set(st, VB_ESTATE, "%s needs the data key, and none is loaded", what);
}

int store_seal_hash(struct store *st, const char *text, uint8_t out[STORE_HASH_LEN])
{
	int rc = store_seal_ready(st, "a document look-up");
	if (rc)
		return rc;
	crypto_generichash(out, STORE_HASH_LEN, (const unsigned char *)text, strlen(text),
			   subkey(SEAL_SUB_HASH), 32);
	return VB_OK;
}

/* "<table>/<column>/<row id>" into ad; its length, or 0 if it does not fit. */
static size_t make_ad(char ad[SEAL_AD_MAX], const char *table, const char *column,
		      const char *row_id)
{
	size_t a = strlen(table), b = strlen(column), c = strlen(row_id);
	if (a + b + c + 2 > SEAL_AD_MAX)
		return 0;
	memcpy(ad, table, a);
	ad[a] = '/';
	memcpy(ad + a + 1, column, b);
	ad[a + 1 + b] = '/';
	memcpy(ad + a + 2 + b, row_id, c);
	return a + b + c + 2;
}

/* Seals len bytes of value for table/column/row_id into a new buffer
 * (*out, *outlen; free() it). VB_OK, VB_ESTATE, VB_ERANGE or VB_ENOMEM. */
static int seal(struct store *st, const char *table, const char *column, const char *row_id,
		const void *value, size_t len, unsigned char **out, size_t *outlen)
{
	char ad[SEAL_AD_MAX];
	size_t padded = 0, adlen = make_ad(ad, table, column, row_id);
	unsigned long long clen = 0;
	int rc = store_seal_ready(st, "sealing a personal field");

	*out = NULL;
	if (rc)
		return rc;
	if (!adlen || len > STORE_SEAL_BYTES_MAX)
		return store_err_set(st, VB_ERANGE, "%s.%s is too long to seal", table, column);
	unsigned char *plain = malloc(len + SEAL_PAD);
	unsigned char *sealed = malloc(SEAL_NONCE + len + SEAL_PAD + SEAL_TAG);
	if (!plain || !sealed) {
		free(plain);
		free(sealed);
		return store_err_set(st, VB_ENOMEM, "no memory to seal %s.%s", table, column);
	}
	memcpy(plain, value, len);
	sodium_pad(&padded, plain, len, SEAL_PAD, len + SEAL_PAD);
	randombytes_buf(sealed, SEAL_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed + SEAL_NONCE, &clen, plain, padded,
						   (const unsigned char *)ad, adlen, NULL, sealed,
						   subkey(SEAL_SUB_SEAL));
	sodium_memzero(plain, len + SEAL_PAD);
	free(plain);
	*out = sealed;
	*outlen = SEAL_NONCE + (size_t)clen;
	return VB_OK;
}

int store_seal_bind_bytes(struct store *st, sqlite3_stmt *s, int idx, const char *table,
			  const char *column, const char *row_id, const void *value, size_t len)
{
	unsigned char *sealed = NULL;
	size_t n = 0;
	int rc = seal(st, table, column, row_id, value, len, &sealed, &n);
	if (!rc)
		rc = store_bind_blob(st, s, idx, sealed, n);
	free(sealed);
	return rc;
}

int store_seal_bind(struct store *st, sqlite3_stmt *s, int idx, const char *table,
		    const char *column, const char *row_id, const char *value)
{
	size_t len = strlen(value);
	if (len >= SEAL_TEXT_MAX)
		return store_err_set(st, VB_ERANGE, "%s.%s is too long to seal", table, column);
	return store_seal_bind_bytes(st, s, idx, table, column, row_id, value, len);
}

int store_seal_open_bytes(struct store *st, sqlite3_stmt *s, int col, const char *table,
			  const char *column, const char *row_id, unsigned char **out, size_t *len)
{
	char ad[SEAL_AD_MAX];
	const unsigned char *b = sqlite3_column_blob(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);
	size_t adlen = make_ad(ad, table, column, row_id);
	unsigned long long plen = 0;
	int rc = store_seal_ready(st, "opening a personal field");

	*out = NULL;
	*len = 0;
	if (rc)
		return rc;
	if (sqlite3_column_type(s, col) != SQLITE_BLOB || !adlen ||
	    n < SEAL_NONCE + SEAL_TAG + SEAL_PAD ||
	    n > SEAL_NONCE + STORE_SEAL_BYTES_MAX + SEAL_PAD + SEAL_TAG)
		return store_err_set(st, VB_ECORRUPT, "the sealed %s.%s of a row is malformed",
				     table, column);
	unsigned char *plain = malloc(n);
	if (!plain)
		return store_err_set(st, VB_ENOMEM, "no memory to open %s.%s", table, column);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, b + SEAL_NONCE,
						       n - SEAL_NONCE, (const unsigned char *)ad,
						       adlen, b, subkey(SEAL_SUB_SEAL)))
		rc = store_err_set(st, VB_ECORRUPT,
				   "the sealed %s.%s of a row fails authentication (tampered, "
				   "moved, or sealed under another key)",
				   table, column);
	else if (sodium_unpad(len, plain, (size_t)plen, SEAL_PAD))
		rc = store_err_set(st, VB_ECORRUPT, "the sealed %s.%s of a row is malformed", table,
				   column);
	if (rc) {
		sodium_memzero(plain, n);
		free(plain);
		*len = 0;
		return rc;
	}
	*out = plain;
	return VB_OK;
}

void store_seal_free(unsigned char *plain, size_t len)
{
	if (plain)
		sodium_memzero(plain, len);
	free(plain);
}

int store_seal_open(struct store *st, sqlite3_stmt *s, int col, const char *table,
		    const char *column, const char *row_id, char *buf, size_t cap)
{
	unsigned char *plain = NULL;
	size_t len = 0;
	int rc = store_seal_open_bytes(st, s, col, table, column, row_id, &plain, &len);

	if (cap)
		buf[0] = '\0';
	if (rc)
		return rc;
	if (memchr(plain, '\0', len)) {
		rc = store_err_set(st, VB_ECORRUPT, "the sealed %s.%s of a row is malformed", table,
				   column);
	} else if (len >= cap) {
		rc = store_err_set(st, VB_ERANGE, "the sealed %s.%s of a row is too long", table,
				   column);
	} else {
		memcpy(buf, plain, len);
		buf[len] = '\0';
	}
	store_seal_free(plain, len);
	return rc;
}

/* SQL vb_seal(table, column, row_id, value): value (text or blob; NULL
 * stays NULL) sealed as store_seal_bind would; for migrations. */
static void sql_seal(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct store *st = sqlite3_user_data(cx);
	const char *table = (const char *)sqlite3_value_text(v[0]);
	const char *column = (const char *)sqlite3_value_text(v[1]);
	const char *row_id = (const char *)sqlite3_value_text(v[2]);
	unsigned char *sealed = NULL;
	size_t n = 0;

	(void)argc;
	if (sqlite3_value_type(v[3]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	const void *value = sqlite3_value_blob(v[3]);
	size_t len = (size_t)sqlite3_value_bytes(v[3]);
	if (!table || !column || !row_id)
		sqlite3_result_error(cx, "vb_seal: table, column and row id are text", -1);
	else if (seal(st, table, column, row_id, value ? value : "", len, &sealed, &n))
		sqlite3_result_error(cx, st->errmsg, -1);
	else
		sqlite3_result_blob64(cx, sealed, n, free);
}

/* SQL vb_doc_hash(type_name, number): store_person_doc_hash as a BLOB. */
static void sql_doc_hash(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct store *st = sqlite3_user_data(cx);
	const char *name = (const char *)sqlite3_value_text(v[0]);
	const char *number = (const char *)sqlite3_value_text(v[1]);
	enum iddoc_type type;
	uint8_t hash[STORE_HASH_LEN];

	(void)argc;
	if (!name || !number || iddoc_type_from_name(name, &type))
		sqlite3_result_error(cx, "vb_doc_hash: unknown document type", -1);
	else if (store_person_doc_hash(st, type, number, hash))
		sqlite3_result_error(cx, st->errmsg, -1);
	else
		sqlite3_result_blob(cx, hash, sizeof(hash), SQLITE_TRANSIENT);
}

int store_seal_functions(struct store *st)
{
	int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
	int src = sqlite3_create_function(st->db, "vb_seal", 4, flags, st, sql_seal, NULL, NULL);
	if (src == SQLITE_OK)
		src =
		    sqlite3_create_function(st->db, "vb_doc_hash", 2, flags | SQLITE_DETERMINISTIC,
					    st, sql_doc_hash, NULL, NULL);
	return src == SQLITE_OK ? VB_OK : store_err(st, src);
}

int store_seal_check_key(struct store *st, struct vb_reason *why)
{
	uint8_t mac[STORE_HASH_LEN];
	char want[2 * STORE_HASH_LEN + 1], have[2 * STORE_HASH_LEN + 1];
	int rc;

	if (!subkeys)
		return VB_OK;
	crypto_generichash(mac, sizeof(mac), (const unsigned char *)CHECK_MESSAGE,
			   strlen(CHECK_MESSAGE), subkey(SEAL_SUB_CHECK), 32);
	store_hex(mac, sizeof(mac), want);
	rc = store_meta_get(st, CHECK_META_KEY, have, sizeof(have));
	if (rc == VB_ENOTFOUND)
		return store_meta_put(st, CHECK_META_KEY, want);
	if (rc)
		return rc;
	if (strlen(have) != strlen(want) || sodium_memcmp(have, want, strlen(want))) {
		rc = store_err_set(st, VB_EREFUSED,
				   "the data key is not this database's: its personal fields "
				   "were sealed under another key");
		vb_reason_set(why, "wrong_key", "%s", st->errmsg);
	}
	return rc;
}
