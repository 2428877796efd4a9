/*
 * store_backup: online snapshots (sqlite3_backup_* into an in-memory
 * database, then sqlite3_serialize), images opened again in memory
 * (sqlite3_deserialize), images written to a new file without ever
 * replacing one, and the identity of a database (store_backup.h).
 */
#include "store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_audit.h"
#include "store_int.h"

/* How long a snapshot waits for a source that stays locked. */
#define SNAPSHOT_WAIT_MS 10000
#define SNAPSHOT_NAP_MS	 25

static const char SQL_AUDIT_HASH[] = "SELECT hash FROM audit WHERE seq = ?1";

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Bytes 18 and 19 of a database header say WAL (2) or rollback (1); an
 * in-memory database cannot be opened in WAL mode. */
static void image_to_rollback(unsigned char *image, size_t len)
{
	if (len >= 100 && image[18] == 2 && image[19] == 2)
		image[18] = image[19] = 1;
}

/* Copies the main database of src into dst with the backup API, all pages
 * in one step (one read snapshot of src). VB_OK or a mapped error, with
 * the message on msg_st. */
static int copy_db(struct store *msg_st, sqlite3 *dst, sqlite3 *src)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return store_err_set(msg_st, store_map_rc(sqlite3_errcode(dst)), "backup: %s",
				     sqlite3_errmsg(dst));
	int src_rc, waited = 0;
	while ((src_rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || src_rc == SQLITE_LOCKED) {
		if (waited >= SNAPSHOT_WAIT_MS)
			break;
		nap_ms(SNAPSHOT_NAP_MS);
		waited += SNAPSHOT_NAP_MS;
	}
	int fin = sqlite3_backup_finish(b);
	if (src_rc != SQLITE_DONE)
		return store_err_set(msg_st, store_map_rc(src_rc), "backup: %s",
				     sqlite3_errstr(src_rc));
	if (fin != SQLITE_OK)
		return store_err_set(msg_st, store_map_rc(fin), "backup: %s", sqlite3_errmsg(dst));
	return VB_OK;
}

int store_snapshot(struct store *st, unsigned char **image, size_t *len)
{
	sqlite3 *mem = NULL;
	int src =
	    sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK) {
		sqlite3_close_v2(mem);
		return store_err_set(st, store_map_rc(src), "backup: cannot open memory");
	}
	int rc = copy_db(st, mem, st->db);
	if (!rc) {
		sqlite3_int64 n = 0;
		unsigned char *p = sqlite3_serialize(mem, "main", &n, 0);
		if (!p || n <= 0) {
			rc = store_err_set(st, VB_ENOMEM, "backup: cannot serialize the snapshot");
		} else {
			image_to_rollback(p, (size_t)n);
			*image = p;
			*len = (size_t)n;
		}
	}
	sqlite3_close_v2(mem);
	return rc;
}

void store_image_free(unsigned char *image)
{
	sqlite3_free(image);
}

int store_image_open(const unsigned char *image, size_t len, struct store **out,
		     struct vb_reason *why)
{
	static const char magic[16] = "SQLite format 3";
	vb_reason_clear(why);
	if (len < 512 || memcmp(image, magic, sizeof(magic)) != 0) {
		vb_reason_set(why, "not_a_database", "the image is not an SQLite database");
		return VB_ECORRUPT;
	}
	struct store *st = calloc(1, sizeof(*st));
	unsigned char *copy = sqlite3_malloc64(len);
	if (!st || !copy) {
		free(st);
		sqlite3_free(copy);
		vb_reason_set(why, "open_failed", "out of memory");
		return VB_ENOMEM;
	}
	memcpy(copy, image, len);
	image_to_rollback(copy, len);
	int rc = VB_OK, version = 0;
	int src = sqlite3_open_v2(
	    ":memory:", &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_deserialize(
		    st->db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
		    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
	else
		sqlite3_free(copy);
	if (src != SQLITE_OK) {
		rc = store_err(st, src);
		vb_reason_set(why, "not_a_database", "cannot open the image: %s", st->errmsg);
		goto out;
	}
	if ((rc = store_exec_static(st, "PRAGMA foreign_keys=ON")) ||
	    (rc = store_integrity_check(st))) {
		vb_reason_set(why, "integrity_failed", "the database fails its integrity check: %s",
			      st->errmsg);
		goto out;
	}
	if ((rc = store_schema_version(st, &version)))
		goto out;
	if (version > store_schema_latest()) {
		rc = VB_ECORRUPT;
		vb_reason_set(why, "schema_too_new",
			      "the database is at schema %d, newer than this program's %d", version,
			      store_schema_latest());
		goto out;
	}
	*out = st;
	st = NULL;
out:
	store_close(st);
	return rc;
}

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* The folder of path (".", or up to its last '/') into dir. */
static void folder_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, cap, ".");
	else if (slash == path)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

int store_image_save(struct store *st, const char *path)
{
	char tmp[4096], dir[4096];
	struct stat sb;
	if (stat(path, &sb) == 0)
		return store_err_set(st, VB_EEXIST, "%s exists; it is never replaced", path);
	if (snprintf(tmp, sizeof(tmp), "%s.restore-XXXXXX", path) >= (int)sizeof(tmp))
		return store_err_set(st, VB_EINVAL, "the path is too long");
	folder_of(path, dir, sizeof(dir));
	int fd = mkstemp(tmp);
	if (fd < 0)
		return store_err_set(st, VB_EIO, "cannot create a file beside %s: %s", path,
				     strerror(errno));
	close(fd);
	sqlite3 *out = NULL;
	int rc = VB_OK;
	int src = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK)
		rc = store_err_set(st, VB_EIO, "cannot open %s: %s", tmp, sqlite3_errstr(src));
	else
		rc = copy_db(st, out, st->db);
	if (sqlite3_close_v2(out) != SQLITE_OK && !rc)
		rc = store_err_set(st, VB_EIO, "cannot close %s", tmp);
	if (!rc && fsync_path(tmp, O_RDONLY))
		rc = store_err_set(st, VB_EIO, "cannot fsync %s: %s", tmp, strerror(errno));
	/* link(), not rename(): it fails rather than replace a database that
	 * appeared at path meanwhile. */
	if (!rc && link(tmp, path)) {
		rc = errno == EEXIST
			 ? store_err_set(st, VB_EEXIST, "%s exists; it is never replaced", path)
			 : store_err_set(st, VB_EIO, "cannot create %s: %s", path, strerror(errno));
	}
	unlink(tmp);
	if (!rc && fsync_path(dir, O_RDONLY | O_DIRECTORY))
		rc = store_err_set(st, VB_EIO, "cannot fsync %s: %s", dir, strerror(errno));
	return rc;
}

int store_identity_get(struct store *st, struct store_identity *out)
{
	struct store_identity id;
	memset(&id, 0, sizeof(id));
	int rc = store_meta_get(st, "bus_id", id.bus_id, sizeof(id.bus_id));
	if (rc == VB_ENOTFOUND)
		rc = VB_OK;
	if (!rc)
		rc = store_meta_get(st, "database_id", id.database_id, sizeof(id.database_id));
	if (rc == VB_ENOTFOUND || rc == VB_ERANGE || (!rc && store_id_check(id.database_id)))
		return store_err_set(st, VB_ECORRUPT, "meta holds no valid database_id");
	if (!rc)
		rc = store_schema_version(st, &id.schema);
	if (!rc)
		rc = store_audit_head(st, &id.audit_seq, id.audit_hash);
	if (!rc)
		*out = id;
	return rc;
}

/* Opens the file at path read-only as a store (nothing migrated). */
static int open_readonly(const char *path, struct store **out, char *why, size_t whycap)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(why, whycap, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? VB_ENOTFOUND : VB_EIO;
	}
	struct store *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(why, whycap, "out of memory");
		return VB_ENOMEM;
	}
	int src = sqlite3_open_v2(
	    path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
	    NULL);
	if (src != SQLITE_OK) {
		snprintf(why, whycap, "%s: %s", path, sqlite3_errstr(src));
		store_close(st);
		return VB_EIO;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	*out = st;
	return VB_OK;
}

int store_identity_of_file(const char *path, struct store_identity *out, char *why, size_t whycap)
{
	struct store *st = NULL;
	int rc = open_readonly(path, &st, why, whycap);
	if (rc)
		return rc;
	rc = store_identity_get(st, out);
	if (rc) {
		snprintf(why, whycap, "%s is not a readable vaxbus database: %s", path,
			 store_errmsg(st));
		if (rc != VB_EBUSY)
			rc = VB_ECORRUPT;
	}
	store_close(st);
	return rc;
}

int store_kin_of_file(const char *path, const struct store_identity *than, enum store_kin *kin,
		      char *why, size_t whycap)
{
	struct store *st = NULL;
	struct store_identity have;
	sqlite3_stmt *s = NULL;
	int rc = open_readonly(path, &st, why, whycap);
	if (rc)
		return rc;
	if ((rc = store_identity_get(st, &have))) {
		snprintf(why, whycap, "%s is not a readable vaxbus database: %s", path,
			 store_errmsg(st));
		goto out;
	}
	if (strcmp(have.bus_id, than->bus_id) != 0 ||
	    strcmp(have.database_id, than->database_id) != 0) {
		*kin = STORE_KIN_OTHER;
		goto out;
	}
	*kin = STORE_KIN_DIVERGED;
	if (than->audit_seq == 0) {
		*kin = STORE_KIN_AHEAD;
		goto out;
	}
	if ((rc = store_stmt(st, SQL_AUDIT_HASH, &s)) ||
	    (rc = store_bind_int64(st, s, 1, than->audit_seq)))
		goto out;
	rc = store_step(st, s);
	if (rc == 1 && sqlite3_column_bytes(s, 0) == (int)sizeof(than->audit_hash) &&
	    memcmp(sqlite3_column_blob(s, 0), than->audit_hash, sizeof(than->audit_hash)) == 0)
		*kin = STORE_KIN_AHEAD;
	if (rc >= 0)
		rc = VB_OK;
	else
		snprintf(why, whycap, "%s: %s", path, store_errmsg(st));
out:
	store_stmt_reset(s);
	store_close(st);
	return rc;
}

int store_identity_renew(struct store *st, char new_id[STORE_ID_LEN + 1])
{
	char old[STORE_ID_LEN + 1], origin[STORE_ID_LEN + 1], id[STORE_ID_LEN + 1];
	int rc = store_need_tx(st, "store_identity_renew");
	if (!rc)
		rc = store_meta_get(st, "database_id", old, sizeof(old));
	if (rc)
		return rc;
	rc = store_meta_get(st, "audit_origin", origin, sizeof(origin));
	if (rc == VB_ENOTFOUND) {
		memcpy(origin, old, sizeof(origin));
		rc = VB_OK;
	}
	if (rc)
		return rc;
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make a database id: getrandom failed");
	if ((rc = store_meta_put(st, "audit_origin", origin)) ||
	    (rc = store_meta_put(st, "cloned_from", old)) ||
	    (rc = store_meta_put(st, "database_id", id)))
		return rc;
	memcpy(new_id, id, sizeof(id));
	return VB_OK;
}
