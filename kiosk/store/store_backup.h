/*
 * store_backup: whole-database copies for `vaxbusctl backup` and
 * `vaxbusctl restore` — an online snapshot taken with SQLite's backup API
 * while other connections (the kiosk) keep writing, the snapshot opened
 * again as a private in-memory store, written out to a new file, and the
 * identity that tells two databases apart.
 *
 * A database is known by its bus_id and database_id (store_meta.h); how
 * far its history goes is its audit chain head (store_audit.h). A restored
 * copy that must live beside its original gets a new database_id
 * (store_identity_renew); its audit chain still verifies, because the
 * chain's genesis then comes from the meta key audit_origin (the
 * database_id the chain was started under) instead of database_id.
 *
 * Snapshots are images of the database file in memory (plain bytes: the
 * caller encrypts them before they touch a disk).
 */
#ifndef STORE_BACKUP_H
#define STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_id.h"
#include "store_meta.h"

/* Who a database is and how far its history goes. */
struct store_identity {
	char bus_id[STORE_META_IDENT_MAX + 1]; /* "" before vaxbusctl init */
	char database_id[STORE_ID_LEN + 1];
	int schema;	   /* PRAGMA user_version */
	int64_t audit_seq; /* the audit chain head */
	uint8_t audit_hash[32];
};

/* Reads st's identity. VB_OK, VB_ECORRUPT (database_id or the audit head
 * missing or malformed) or a storage error. */
int store_identity_get(struct store *st, struct store_identity *out);

/*
 * Reads the identity of the database file at path without changing it
 * (read-only, no migration). VB_OK; VB_ENOTFOUND when path does not exist;
 * VB_ECORRUPT when it is not a vaxbus database; VB_EIO when it cannot be
 * read. why (may be NULL) gets a one-line text.
 */
int store_identity_of_file(const char *path, struct store_identity *out, char *why, size_t whycap);

/* How a database relates to the history of another one's identity. */
enum store_kin {
	STORE_KIN_OTHER = 0,	/* another database (bus_id or database_id differ) */
	STORE_KIN_AHEAD = 1,	/* the same database, at or past that head */
	STORE_KIN_DIVERGED = 2, /* the same identity, another history (a clone) */
};

/* Compares the database at path with identity `than`: *kin gets the
 * relation. VB_OK or as store_identity_of_file. */
int store_kin_of_file(const char *path, const struct store_identity *than, enum store_kin *kin,
		      char *why, size_t whycap);

/*
 * Takes a consistent snapshot of st's database with the online backup API
 * (a read transaction: writers on other connections go on; WAL). On VB_OK
 * *image (free with store_image_free) holds *len bytes of a database file
 * in rollback-journal format. VB_EBUSY if the source stayed locked, or a
 * storage error.
 */
int store_snapshot(struct store *st, unsigned char **image, size_t *len);
void store_image_free(unsigned char *image);

/*
 * Opens a copy of image as a private in-memory store (image stays the
 * caller's). The copy must pass PRAGMA integrity_check and be of a schema
 * this program knows; no migration runs (the file is migrated when it is
 * next opened with store_open). why gets "not_a_database",
 * "integrity_failed" or "schema_too_new". Free with store_close.
 */
int store_image_open(const unsigned char *image, size_t len, struct store **out,
		     struct vb_reason *why);

/*
 * Writes st's whole database to a new file at path: a temporary file in
 * the same folder (mode 0600), fsync, then linked to path only if nothing
 * is there (never replaces a file), and the folder fsynced. VB_OK;
 * VB_EEXIST when path exists (nothing written); VB_EIO with the reason in
 * store_errmsg(st).
 */
int store_image_save(struct store *st, const char *path);

/*
 * Gives the database a new database_id (written to new_id), keeping the
 * old one as meta cloned_from and the audit chain's origin as audit_origin.
 * Must run in the caller's transaction. VB_OK or a storage error.
 */
int store_identity_renew(struct store *st, char new_id[STORE_ID_LEN + 1]);

#endif
