/*
 * store_seal: personal fields encrypted at rest, inside kiosk/store only.
 *
 * The process holds one data key (store_key_set, store.h). From it three
 * subkeys are derived with crypto_kdf (context "vbperson"): one seals
 * fields, one makes the keyed hashes the person table is looked up by, one
 * makes the check value kept in meta ("data_key_check") by which a
 * database recognises its key. A sealed field is a BLOB: a random 24-byte
 * nonce, then the XChaCha20-Poly1305 (IETF) ciphertext of the value padded
 * to 16 bytes (so a length shows only roughly); the associated data is
 * "<table>/<column>/<row id>", so a value moved to another row or column
 * fails to open. Values never pass through SQL in clear.
 */
#ifndef STORE_SEAL_H
#define STORE_SEAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "iddoc.h"
#include "store.h"

#define STORE_HASH_LEN	     32
#define STORE_SEAL_BYTES_MAX (4u << 20) /* a signature, a payload, a print job */

/* VB_OK if a data key is set, else VB_ESTATE with a message naming what
 * (e.g. "store_person_add") needs it. */
int store_seal_ready(struct store *st, const char *what);

/* The keyed hash (BLAKE2b under the hash subkey) of the NUL-terminated
 * text into out. VB_OK, or VB_ESTATE without a key. */
int store_seal_hash(struct store *st, const char *text, uint8_t out[STORE_HASH_LEN]);

/* Seals value (NUL-terminated, at most 511 bytes) for column of row_id in
 * table and binds the BLOB to parameter idx of s. VB_OK, VB_ESTATE without
 * a key, VB_ERANGE if value is too long, or the bind's error. */
int store_seal_bind(struct store *st, sqlite3_stmt *s, int idx, const char *table,
		    const char *column, const char *row_id, const char *value);

/* Seals len bytes of value (at most STORE_SEAL_BYTES_MAX: a signature
 * image, a certificate payload, a print job) as store_seal_bind does text.
 * VB_OK, VB_ESTATE, VB_ERANGE, VB_ENOMEM or the bind's error. */
int store_seal_bind_bytes(struct store *st, sqlite3_stmt *s, int idx, const char *table,
			  const char *column, const char *row_id, const void *value, size_t len);

/* Opens the sealed BLOB in column col of the current row of s, sealed for
 * table/column/row_id, into buf (cap bytes, NUL-terminated). VB_OK;
 * VB_ECORRUPT when it fails authentication (tampered, moved from another
 * row or column, or sealed under another key) or is malformed, with a
 * message naming the column (never the value); VB_ERANGE if it does not
 * fit; VB_ESTATE without a key. buf holds "" on any failure. */
int store_seal_open(struct store *st, sqlite3_stmt *s, int col, const char *table,
		    const char *column, const char *row_id, char *buf, size_t cap);

/* Opens a BLOB sealed by store_seal_bind_bytes into a new buffer (*out,
 * *len bytes; release it with store_seal_free). Errors as store_seal_open
 * (VB_ENOMEM too); *out is NULL on any failure. */
int store_seal_open_bytes(struct store *st, sqlite3_stmt *s, int col, const char *table,
			  const char *column, const char *row_id, unsigned char **out, size_t *len);

/* Zeroes and frees what store_seal_open_bytes returned (NULL is fine). */
void store_seal_free(unsigned char *plain, size_t len);

/*
 * Makes the SQL functions the migrations seal with on st's connection
 * (direct use only, never in the schema): vb_seal(table, column, row_id,
 * value) is store_seal_bind_bytes' BLOB (NULL stays NULL), and
 * vb_doc_hash(type_name, number) is store_person_doc_hash's. Without a
 * data key they fail, naming what needs it. Called by store_open().
 */
int store_seal_functions(struct store *st);

/*
 * Called by store_open() after the migrations: with a key set, compares
 * its check value with meta's, writing it when the database has none yet.
 * VB_OK (also without a key), VB_EREFUSED with why "wrong_key" when the
 * database was sealed under another key, or a storage error.
 */
int store_seal_check_key(struct store *st, struct vb_reason *why);

/* The keyed hash of a person's document, "<type-name>:<number>" (number
 * normalised): how store_person and store_history find a person by
 * document (store_person.c). VB_OK, VB_EINVAL, or VB_ESTATE without a key. */
int store_person_doc_hash(struct store *st, enum iddoc_type type, const char *number,
			  uint8_t out[STORE_HASH_LEN]);

/* Migration step 7's code (store_person.c): seals the persons stored in
 * clear and moves them into the sealed table. */
int store_person_seal_migrate(struct store *st);

#endif
