/*
 * store_meta: key/value facts about one database.
 *
 * Keys the store manages itself (read them with store_meta_get, never set
 * them with store_meta_set):
 *   database_id  UUIDv7 made when the file was created; binds the audit
 *                chain to this file (a copied or restored file shows it);
 *   created_at   UTC seconds when the file was created;
 *   bus_id, site_id  set by store_meta_init_identity (vaxbusctl init);
 *   audit_seq, audit_hash  the audit chain's head (store_audit.h);
 *   audit_origin, cloned_from  set on a restored copy given a new
 *                database_id: the id its audit chain started under, and
 *                the id it had before (store_backup.h).
 * Other keys are free for the app (e.g. a sync cursor). Values are text.
 */
#ifndef STORE_META_H
#define STORE_META_H

#include <stddef.h>

#include "store.h"

/* Longest key and value accepted, in bytes without the NUL. */
#define STORE_META_KEY_MAX   63
#define STORE_META_VALUE_MAX 1023
/* Longest bus or site id, in bytes without the NUL. */
#define STORE_META_IDENT_MAX 63

/*
 * Copies the value of key into buf (cap bytes, NUL terminated). Returns
 * VB_OK, VB_ENOTFOUND (no such key), VB_ERANGE (does not fit in cap), or a
 * storage error; buf is written only on VB_OK. key is borrowed.
 */
int store_meta_get(struct store *st, const char *key, char *buf, size_t cap);

/*
 * Sets key to value (insert or replace). Returns VB_OK, VB_EINVAL (key not
 * a printable token of at most STORE_META_KEY_MAX bytes, value NULL or
 * longer than STORE_META_VALUE_MAX, or key is one the store manages), or a
 * storage error. Runs in the caller's transaction if one is open.
 */
int store_meta_set(struct store *st, const char *key, const char *value);

/*
 * Records which bus and site this database belongs to (vaxbusctl init).
 * Both are printable ASCII tokens of at most STORE_META_IDENT_MAX bytes.
 * Returns VB_OK (first time, or the same bus again: site_id is updated),
 * VB_EEXIST if the database already belongs to a different bus (nothing
 * changes), VB_EINVAL for a malformed id, or a storage error. Runs in its
 * own transaction, or the caller's if one is open.
 */
int store_meta_init_identity(struct store *st, const char *bus_id, const char *site_id);

#endif
