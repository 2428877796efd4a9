/*
 * ctl_backup: `backup` and `restore` — the database copied while the
 * kiosk goes on writing (SQLite's online backup API, store_backup.h),
 * encrypted and authenticated with libsodium, written atomically to
 * removable media; and back onto a bus, refused unless it is authentic and
 * its identity is not already in use.
 *
 * The key is a key file, not a passphrase: backups run without anyone at
 * the keyboard (end of day, a timer), a passphrase chosen on a bus would be
 * guessable offline from a lost USB stick however slow Argon2id makes each
 * guess, and a 32-byte random key cannot be guessed. `backup --init-key`
 * makes it once per bus ([backup] key, default /etc/vaxbus/backup.key,
 * mode 0400); a copy is kept off the bus (the district office), which a
 * restore onto new hardware needs. Its key id (a hash, printed and kept
 * in every backup's header) tells which key a backup needs.
 *
 * File: a header in clear — magic "VAXBUSBK", version 1, key id (16),
 * created_at, audit_seq, image length (int64 big-endian each), bus id
 * (64, NUL padded), database id (40, NUL padded), schema (uint32), the
 * secretstream header (24) — then the database image in chunks of at most
 * 1 MiB, each a 4-byte big-endian length and a
 * crypto_secretstream_xchacha20poly1305 message whose associated data is
 * the whole header (so no header byte can change), the last one tagged
 * FINAL (so a cut file is refused). The stream key is derived from the key
 * file with crypto_kdf ("vbbackup", id 1), the key id is BLAKE2b-128 of
 * the key file keyed by "vaxbus-backup-key-id".
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "config.h"
#include "store.h"
#include "store_audit.h"
#include "store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_LEN	   32
#define KEY_ID_LEN 16
#define CHUNK	   (1u << 20)
#define ABYTES	   crypto_secretstream_xchacha20poly1305_ABYTES

static const char MAGIC[8] = {'V', 'A', 'X', 'B', 'U', 'S', 'B', 'K'};
enum {
	VERSION = 1,
	OFF_VERSION = 8,
	OFF_KEY_ID = 9,
	OFF_CREATED = OFF_KEY_ID + KEY_ID_LEN,
	OFF_SEQ = OFF_CREATED + 8,
	OFF_LEN = OFF_SEQ + 8,
	OFF_BUS = OFF_LEN + 8,
	OFF_DBID = OFF_BUS + 64,
	OFF_SCHEMA = OFF_DBID + 40,
	OFF_SS = OFF_SCHEMA + 4,
	HDR_LEN = OFF_SS + crypto_secretstream_xchacha20poly1305_HEADERBYTES,
};

/* The key file's bytes and what is derived from them. */
struct bkey {
	unsigned char stream[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char id[KEY_ID_LEN];
	char id_hex[2 * KEY_ID_LEN + 1];
};

static const char KEY_HELP[] =
    "The key is a file of 32 random bytes ([backup] key in the configuration,\n"
    "default /etc/vaxbus/backup.key; --key overrides), made once per bus with\n"
    "`vaxbusctl backup --init-key` (mode 0400) and copied off the bus (the\n"
    "district office keeps it: a restore onto new hardware needs it). A key\n"
    "file rather than a passphrase: backups run with no one at the keyboard,\n"
    "and a lost stick cannot be attacked by guessing a 256-bit random key.";

static void put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static const char *key_path(struct ctl *c, const struct ctl_opt *opts)
{
	const char *k = ctl_opt(opts, "--key");
	return k ? k : c->cfg->backup_key;
}

static void key_derive(struct bkey *k, const unsigned char raw[KEY_LEN])
{
	static const char id_key[] = "vaxbus-backup-key-id";
	crypto_kdf_derive_from_key(k->stream, sizeof(k->stream), 1, "vbbackup", raw);
	crypto_generichash(k->id, sizeof(k->id), raw, KEY_LEN, (const unsigned char *)id_key,
			   sizeof(id_key) - 1);
	sodium_bin2hex(k->id_hex, sizeof(k->id_hex), k->id, sizeof(k->id));
}

/* Reads the key file: exactly 32 bytes, a regular file no one but its
 * owner may read. CTL_OK or a refusal. */
static int key_load(struct ctl *c, const char *path, struct bkey *k)
{
	unsigned char raw[KEY_LEN + 1];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ctl_refusef(c, "--key", "no_key",
				   "cannot open the backup key %.60s: %s (make it with backup "
				   "--init-key)",
				   path, strerror(errno));
	ssize_t n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? read(fd, raw, sizeof(raw)) : -1;
	close(fd);
	if (n != KEY_LEN) {
		sodium_memzero(raw, sizeof(raw));
		return ctl_refusef(c, "--key", "bad_key", "%.80s is not a backup key (32 bytes)",
				   path);
	}
	if (sb.st_mode & 077) {
		sodium_memzero(raw, sizeof(raw));
		return ctl_refusef(c, "--key", "key_exposed",
				   "%.80s may be read by others; chmod 0400 it", path);
	}
	key_derive(k, raw);
	sodium_memzero(raw, sizeof(raw));
	return CTL_OK;
}

static int fsync_dir_of(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

static int init_key(struct ctl *c, const char *path)
{
	unsigned char raw[KEY_LEN];
	struct bkey k;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		return ctl_refusef(c, "--key", errno == EEXIST ? "key_exists" : "key_write",
				   "cannot create %.60s: %s%s", path, strerror(errno),
				   errno == EEXIST ? " (a key is never replaced)" : "");
	randombytes_buf(raw, sizeof(raw));
	int bad = ctl_write_all(fd, raw, sizeof(raw)) || fsync(fd);
	bad |= close(fd) != 0;
	bad = bad || fsync_dir_of(path);
	key_derive(&k, raw);
	sodium_memzero(raw, sizeof(raw));
	if (bad) {
		unlink(path);
		return ctl_refusef(c, "--key", "key_write", "cannot write %.80s", path);
	}
	sodium_memzero(k.stream, sizeof(k.stream));
	return ctl_emit(c, json_pack("{s:s, s:s}", "key", path, "key_id", k.id_hex), NULL);
}

/* The header of a backup of the database identified by id. */
static void header_make(unsigned char h[HDR_LEN], const struct bkey *k,
			const struct store_identity *id, int64_t now, size_t len)
{
	memset(h, 0, HDR_LEN);
	memcpy(h, MAGIC, sizeof(MAGIC));
	h[OFF_VERSION] = VERSION;
	memcpy(h + OFF_KEY_ID, k->id, KEY_ID_LEN);
	put_be(h + OFF_CREATED, (uint64_t)now, 8);
	put_be(h + OFF_SEQ, (uint64_t)id->audit_seq, 8);
	put_be(h + OFF_LEN, (uint64_t)len, 8);
	memcpy(h + OFF_BUS, id->bus_id, strlen(id->bus_id));
	memcpy(h + OFF_DBID, id->database_id, strlen(id->database_id));
	put_be(h + OFF_SCHEMA, (uint64_t)id->schema, 4);
}

/* Encrypts image to fd after the header. 0 or -1 (errno). */
static int seal_to(int fd, unsigned char hdr[HDR_LEN], const struct bkey *k,
		   const unsigned char *image, size_t len)
{
	crypto_secretstream_xchacha20poly1305_state ss;
	unsigned char *out = malloc(4 + CHUNK + ABYTES);
	if (!out)
		return -1;
	crypto_secretstream_xchacha20poly1305_init_push(&ss, hdr + OFF_SS, k->stream);
	int bad = ctl_write_all(fd, hdr, HDR_LEN);
	for (size_t off = 0; !bad && (off < len || off == 0);) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		unsigned char tag =
		    off + n == len ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
		unsigned long long clen = 0;
		crypto_secretstream_xchacha20poly1305_push(&ss, out + 4, &clen, image + off, n, hdr,
							   HDR_LEN, tag);
		put_be(out, clen, 4);
		bad = ctl_write_all(fd, out, 4 + (size_t)clen);
		off += n;
		if (tag)
			break;
	}
	free(out);
	sodium_memzero(&ss, sizeof(ss));
	return bad ? -1 : 0;
}

/* Writes the backup to path: a temporary file beside it, fsync, rename,
 * fsync of the folder. CTL_OK or a refusal. */
static int write_backup(struct ctl *c, const char *path, unsigned char hdr[HDR_LEN],
			const struct bkey *k, const unsigned char *image, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return ctl_refusef(c, "--to", "bad_path", "the path is too long");
	int fd = mkstemp(tmp);
	if (fd < 0)
		return ctl_refusef(c, "--to", "write_failed",
				   "cannot create a file beside %.60s: %s", path, strerror(errno));
	int bad = seal_to(fd, hdr, k, image, len) || fsync(fd);
	int e = errno;
	bad |= close(fd) != 0;
	if (!bad && rename(tmp, path) != 0) {
		e = errno;
		bad = 1;
	}
	if (bad) {
		unlink(tmp);
		return ctl_refusef(c, "--to", "write_failed", "cannot write %.60s: %s", path,
				   strerror(e));
	}
	if (fsync_dir_of(path))
		return ctl_refusef(c, "--to", "write_failed", "cannot fsync the folder of %.80s",
				   path);
	return CTL_OK;
}

/* Parses a backup command's line (its help: text, then KEY_HELP), reads
 * the configuration and readies libsodium. */
static int parse(struct ctl *c, int argc, char **argv, struct ctl_opt *opts, const char *text)
{
	char summary[3000];
	snprintf(summary, sizeof(summary), "%s\n\n%s", text, KEY_HELP);
	int rc = ctl_parse(c, argc, argv, opts, summary);
	if (rc || (rc = ctl_config(c)))
		return rc;
	return sodium_init() < 0 ? ctl_storage(c, VB_EIO) : CTL_OK;
}

int ctl_cmd_backup(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--to", "PATH", "the backup file to write (e.g. on a USB stick)", 0, NULL},
	    {"--key", "PATH", "the backup key file (default: [backup] key)", 0, NULL},
	    {"--init-key", NULL, "make the backup key file (once per bus) and stop", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = parse(c, argc, argv, opts,
		       "Copies the database while the kiosk may go on writing (SQLite's online\n"
		       "backup: one consistent moment), encrypts and authenticates it\n"
		       "(XChaCha20-Poly1305 secretstream) and writes it to --to atomically\n"
		       "(temporary file, fsync, rename). The backup is recorded in the audit\n"
		       "log as backup.create.");
	if (rc)
		return rc;
	if (ctl_opt(opts, "--init-key"))
		return init_key(c, key_path(c, opts));
	const char *to = ctl_opt(opts, "--to");
	if (!to)
		return ctl_usage(c, "backup needs --to PATH (or --init-key)");
	struct bkey k;
	if ((rc = key_load(c, key_path(c, opts), &k)) || (rc = ctl_store(c, 0)))
		return rc;

	unsigned char *image = NULL, hdr[HDR_LEN];
	size_t len = 0;
	struct store *snap = NULL;
	struct store_identity id;
	struct vb_reason why;
	int vb = store_snapshot(c->st, &image, &len);
	if (vb)
		return ctl_storage(c, vb);
	/* The identity and audit head come from the snapshot itself, which
	 * must open and pass its integrity check before it is written. */
	vb = store_image_open(image, len, &snap, &why);
	if (!vb)
		vb = store_identity_get(snap, &id);
	store_close(snap);
	if (vb) {
		store_image_free(image);
		return ctl_refusef(c, NULL, "snapshot_failed", "the snapshot does not open: %s",
				   why.code ? why.text : vb_strerror(vb));
	}
	header_make(hdr, &k, &id, c->now, len);
	rc = write_backup(c, to, hdr, &k, image, len);
	sodium_memzero(&k.stream, sizeof(k.stream));
	store_image_free(image);
	if (rc)
		return rc;

	char detail[128];
	snprintf(detail, sizeof(detail), "audit_seq=%" PRId64 " bytes=%zu key=%s", id.audit_seq,
		 len, k.id_hex);
	vb = store_begin(c->st);
	if (!vb)
		vb = store_audit_append(c->st, c->now, "admin", "backup.create", NULL, detail);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		return ctl_storage(c, vb);
	}
	return ctl_emit(c,
			json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "to", to, "bus", id.bus_id,
				  "database_id", id.database_id, "audit_seq",
				  (json_int_t)id.audit_seq, "bytes", (json_int_t)len, "key_id",
				  k.id_hex),
			NULL);
}

/* Reads all of path into *buf (malloc). CTL_OK or a refusal. */
static int read_file(struct ctl *c, const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ctl_refusef(c, "--from", "no_backup", "cannot open %.80s: %s", path,
				   strerror(errno));
	unsigned char *p = NULL;
	size_t n = 0, cap = 0, r = 1;
	int err = 0;
	while (r && !err) {
		if (n == cap) {
			unsigned char *q = realloc(p, cap ? cap * 2 : 1u << 20);
			err = !q;
			if (!q)
				break;
			p = q;
			cap = cap ? cap * 2 : 1u << 20;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	}
	err |= ferror(f);
	fclose(f);
	if (err) {
		free(p);
		return ctl_refusef(c, "--from", "no_backup", "cannot read %.80s", path);
	}
	*buf = p;
	*len = n;
	return CTL_OK;
}

/* Checks and decrypts a backup file's bytes into *image (malloc,
 * *len bytes). Any change to any byte, a cut, or a wrong key is refused.
 * CTL_OK or a refusal. */
static int unseal(struct ctl *c, const unsigned char *f, size_t flen, const struct bkey *k,
		  unsigned char **image, size_t *len)
{
	if (flen < HDR_LEN || memcmp(f, MAGIC, sizeof(MAGIC)) != 0)
		return ctl_refusef(c, "--from", "not_a_backup", "the file is not a vaxbus backup");
	if (f[OFF_VERSION] != VERSION)
		return ctl_refusef(c, "--from", "backup_version",
				   "backup format %d is not known to this program", f[OFF_VERSION]);
	if (memcmp(f + OFF_KEY_ID, k->id, KEY_ID_LEN) != 0) {
		char want[2 * KEY_ID_LEN + 1];
		sodium_bin2hex(want, sizeof(want), f + OFF_KEY_ID, KEY_ID_LEN);
		return ctl_refusef(c, "--key", "wrong_key",
				   "the backup was made with key %s, not %s", want, k->id_hex);
	}
	uint64_t want_len = get_be(f + OFF_LEN, 8);
	crypto_secretstream_xchacha20poly1305_state ss;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&ss, f + OFF_SS, k->stream) != 0)
		return ctl_refusef(c, "--from", "tampered", "the backup's header is damaged");
	unsigned char *out = NULL;
	size_t n = 0, off = HDR_LEN;
	int final = 0;
	while (!final && off + 4 <= flen) {
		size_t clen = (size_t)get_be(f + off, 4);
		off += 4;
		unsigned char tag = 0;
		unsigned long long mlen = 0;
		if (clen < ABYTES || clen > CHUNK + ABYTES || clen > flen - off ||
		    n + clen - ABYTES > want_len)
			break;
		unsigned char *q = realloc(out, n + clen - ABYTES + 1);
		if (!q)
			break;
		out = q;
		if (crypto_secretstream_xchacha20poly1305_pull(&ss, out + n, &mlen, &tag, f + off,
							       clen, f, HDR_LEN) != 0)
			break;
		n += (size_t)mlen;
		off += clen;
		final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	}
	sodium_memzero(&ss, sizeof(ss));
	if (!final || off != flen || n != want_len) {
		free(out);
		return ctl_refusef(c, "--from", "tampered",
				   "the backup is damaged or was altered (it does not "
				   "authenticate); nothing was written");
	}
	*image = out;
	*len = n;
	return CTL_OK;
}

/* Refuses when the database at path (if any) would clash with the
 * backup's identity id; `dest` says whether path is where the copy goes
 * (a file there is never replaced). CTL_OK or a refusal. */
static int check_in_use(struct ctl *c, const char *path, int dest, int new_identity,
			const struct store_identity *id)
{
	enum store_kin kin = STORE_KIN_OTHER;
	char why[300];
	int vb = store_kin_of_file(path, id, &kin, why, sizeof(why));
	const char *hint = dest ? "restore never replaces a file" : "see --force-new-identity";
	if (vb == VB_ENOTFOUND || (!dest && (vb || kin == STORE_KIN_OTHER || new_identity)))
		return CTL_OK;
	struct vb_reason r;
	if (vb)
		vb_reason_set(&r, "dest_exists", "%.40s exists (not a readable database); %s", path,
			      hint);
	else if (kin == STORE_KIN_AHEAD)
		vb_reason_set(&r, "identity_in_use",
			      "%.40s is this same database, at or past the backup: two copies "
			      "would sync as one; %s",
			      path, hint);
	else if (kin == STORE_KIN_DIVERGED)
		vb_reason_set(&r, "identity_in_use",
			      "%.40s has this identity with another history (a clone); %s", path,
			      hint);
	else
		vb_reason_set(&r, "dest_exists", "%.40s holds another database; %s", path, hint);
	return ctl_refuse_with(c, "--db", &r,
			       json_pack("{s:s, s:s, s:s}", "path", path, "bus", id->bus_id,
					 "database_id", id->database_id));
}

int ctl_cmd_restore(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--from", "PATH", "the backup file", 1, NULL},
	    {"--db", "DEST", "where the restored database goes (must not exist)", 1, NULL},
	    {"--key", "PATH", "the backup key file (default: [backup] key)", 0, NULL},
	    {"--force-new-identity", NULL,
	     "give the copy a new database id (the original is still in use)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = parse(c, argc, argv, opts,
		       "Checks the backup's authenticity (any altered or missing byte, or a\n"
		       "wrong key: refused, nothing written), opens it (integrity check), and\n"
		       "writes it to DEST atomically; the restored database records\n"
		       "backup.restore in its audit log.\n\n"
		       "Identity. A database is known by its bus id and database id (vaxbusctl\n"
		       "init prints both); records go to the platform under ids made on the bus,\n"
		       "so two live copies of one database (cloned storage) would send two\n"
		       "histories as one. Therefore:\n"
		       "  - DEST must not exist: restore never replaces a file. If DEST is this\n"
		       "    same database, or has its identity with another history, the refusal\n"
		       "    says so (identity_in_use).\n"
		       "  - If the bus's own database (--db before the command, or $VAXBUS_DB) is\n"
		       "    another file with the same identity (the same database, or a clone),\n"
		       "    restore refuses unless --force-new-identity.\n"
		       "  - Without --force-new-identity the copy keeps its identity: use it to\n"
		       "    replace a bus computer that is gone; its waiting records are sent as\n"
		       "    usual (sending one twice is harmless: every record is a conditional\n"
		       "    create on its id).\n"
		       "  - --force-new-identity gives the copy a new database id (the old one is\n"
		       "    kept as cloned_from; its audit chain still verifies) for a copy that\n"
		       "    lives beside the original. Records made from then on get new random\n"
		       "    ids (UUIDv7), so they never collide with the original's; the records\n"
		       "    both copies hold are the same records under the same ids.");
	if (rc)
		return rc;
	const char *from = ctl_opt(opts, "--from"), *dest = ctl_opt(opts, "--db");
	int new_identity = ctl_opt(opts, "--force-new-identity") != NULL;
	struct bkey k;
	unsigned char *file = NULL, *image = NULL;
	size_t flen = 0, len = 0;
	if ((rc = key_load(c, key_path(c, opts), &k)))
		return rc;
	rc = read_file(c, from, &file, &flen);
	if (!rc)
		rc = unseal(c, file, flen, &k, &image, &len);
	sodium_memzero(&k.stream, sizeof(k.stream));
	if (rc) {
		free(file);
		return rc;
	}

	struct store *mem = NULL;
	struct store_identity id;
	struct vb_reason why;
	int vb = store_image_open(image, len, &mem, &why);
	sodium_memzero(image, len);
	free(image);
	if (!vb)
		vb = store_identity_get(mem, &id);
	if (vb) {
		free(file);
		store_close(mem);
		return ctl_refusef(c, "--from", "backup_damaged",
				   "the backup authenticates but its database does not open: %s",
				   why.code ? why.text : store_errmsg(mem));
	}
	char hdr_bus[65] = "", hdr_dbid[41] = "";
	memcpy(hdr_bus, file + OFF_BUS, 64);
	memcpy(hdr_dbid, file + OFF_DBID, 40);
	int64_t backup_seq = (int64_t)get_be(file + OFF_SEQ, 8);
	free(file);
	if (strcmp(hdr_bus, id.bus_id) || strcmp(hdr_dbid, id.database_id) ||
	    backup_seq != id.audit_seq) {
		store_close(mem);
		return ctl_refusef(c, "--from", "tampered",
				   "the backup's header does not describe its database");
	}
	struct stat sd, sm;
	int same_file = stat(dest, &sd) == 0 && stat(c->db_path, &sm) == 0 &&
			sd.st_dev == sm.st_dev && sd.st_ino == sm.st_ino;
	if ((rc = check_in_use(c, dest, 1, new_identity, &id)) ||
	    (strcmp(dest, c->db_path) != 0 && !same_file &&
	     (rc = check_in_use(c, c->db_path, 0, new_identity, &id)))) {
		store_close(mem);
		return rc;
	}

	char detail[160], new_id[STORE_ID_LEN + 1] = "";
	vb = store_begin(mem);
	if (!vb && new_identity)
		vb = store_identity_renew(mem, new_id);
	snprintf(detail, sizeof(detail), "from_seq=%" PRId64 " key=%s%s%s", id.audit_seq, k.id_hex,
		 new_identity ? " cloned_from=" : "", new_identity ? id.database_id : "");
	if (!vb)
		vb = store_audit_append(mem, c->now, "admin", "backup.restore", NULL, detail);
	if (!vb)
		vb = store_commit(mem);
	if (!vb)
		vb = store_image_save(mem, dest);
	if (vb) {
		rc = ctl_refusef(c, "--db", vb == VB_EEXIST ? "dest_exists" : "write_failed", "%s",
				 store_errmsg(mem));
		store_close(mem);
		return vb == VB_EEXIST ? rc : CTL_STORAGE;
	}
	store_close(mem);
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:I, s:b}", "db", dest, "bus", id.bus_id, "database_id",
		      new_identity ? new_id : id.database_id, "backup_audit_seq",
		      (json_int_t)id.audit_seq, "new_identity", new_identity);
	if (new_identity)
		json_object_set_new(o, "cloned_from", json_string(id.database_id));
	return ctl_emit(c, o, NULL);
}
