/*
 * store_audit: the hash-chained, append-only audit log.
 *
 * Every change the app makes to a record is appended here in the same
 * transaction as the change: who (actor: a staff id or "kiosk"), what
 * (action: "visit.create", "dose.record", ...), which record (its id) and
 * a short detail. The detail must NEVER hold personal data (no names,
 * document numbers, phone numbers, free text typed by a resident): pass
 * ids, codes and numbers only (e.g. "lot=K2021061 dose=2"). The log is
 * kept for years and printed in reports.
 *
 * Chain: row n stores prev_hash = hash of row n-1 and
 *   hash = SHA-256(enc(seq) | enc(at) | enc(actor) | enc(action)
 *                  | enc(record_id) | enc(detail) | prev_hash)
 * where enc(int) is 8 bytes big-endian two's complement and enc(text) is
 * 0x00 for NULL or 0x01, a 4-byte big-endian length and the bytes. Row 1's
 * prev_hash is the genesis SHA-256("vaxbus-audit" | database_id), binding
 * the chain to this database file (a restored copy given a new database_id
 * keeps the old one as audit_origin, which then takes its place here:
 * store_backup.h). The head (last seq and hash) is also
 * kept in meta, updated in the same transaction, so that deleting the last
 * rows shows.
 *
 * Triggers refuse UPDATE and DELETE of audit rows (accidents through the
 * app); store_audit_verify() catches edits made with other tools. Someone
 * who rewrites the whole chain from some row on and the head in meta is
 * not caught by the database alone: print the head (store_audit_head) on
 * the end-of-day report so that it is anchored outside the file.
 */
#ifndef STORE_AUDIT_H
#define STORE_AUDIT_H

#include <stdint.h>

#include "store.h"

/* Longest actor, action and record id (printable ASCII tokens), and
 * detail (any UTF-8 text), in bytes without the NUL. */
#define STORE_AUDIT_TOKEN_MAX  63
#define STORE_AUDIT_DETAIL_MAX 511

/*
 * Appends one entry at time now (UTC seconds). Must be called inside the
 * caller's transaction, with the change it records (VB_ESTATE otherwise).
 * actor and action are required tokens, record_id an optional token, detail
 * optional text (NULL for none); all borrowed. Returns VB_OK, VB_EINVAL (a
 * malformed or too long field), VB_ECORRUPT (the head in meta is missing
 * or malformed) or a storage error.
 */
int store_audit_append(struct store *st, int64_t now, const char *actor, const char *action,
		       const char *record_id, const char *detail);

/* Writes the chain head: the last seq (0 when the log is empty) and its
 * hash (the genesis when empty). VB_OK, VB_ECORRUPT or a storage error;
 * out-params written only on VB_OK. */
int store_audit_head(struct store *st, int64_t *seq, uint8_t hash[32]);

/*
 * Walks the whole chain in a read snapshot and checks every row: seq
 * contiguous from 1, prev_hash equal to the previous row's hash (or the
 * genesis), hash recomputed, and the last row equal to the head in meta.
 * Returns VB_OK, or VB_ECORRUPT with *bad_seq (may be NULL) set to the
 * first bad seq and why (may be NULL) filled with one of the codes:
 *   "audit_gap"       rows are missing: bad_seq is the first missing seq;
 *   "audit_link"      prev_hash does not match the previous row (rows
 *                     reordered, replaced or inserted);
 *   "audit_hash"      the row's content does not match its hash (edited);
 *   "audit_truncated" meta says more rows exist: bad_seq is the first
 *                     missing one at the end;
 *   "audit_tail"      the last row differs from the head in meta, or rows
 *                     exist past it;
 *   "audit_meta"      database_id or the head in meta is missing or
 *                     malformed (bad_seq 0).
 * Other failures return a storage error (bad_seq, why untouched).
 */
int store_audit_verify(struct store *st, int64_t *bad_seq, struct vb_reason *why);

#endif
