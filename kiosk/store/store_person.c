/*
 * store_person: saving and finding persons (store_person.h). The table is
 * made by migration step 2 and rebuilt sealed by step 7
 * (store_migrations.c), whose code is here too: the personal fields are
 * sealed and the document is looked up by keyed hashes (store_seal.h).
 */
#include "store_person.h"

#include <stdio.h>
#include <string.h>

#include "store_audit.h"
#include "store_id.h"
#include "store_history.h"
#include "store_int.h"
#include "store_outbox.h"
#include "store_seal.h"
#include "vbdate.h"

/* Dedup keys: "passport:" + state + ':' + number fits comfortably. */
#define DEDUP_KEY_CAP 64

/* bus_id and site_id come from meta inside the INSERT itself; ?3 and ?4
 * are the keyed hashes, the sealed fields are ?5, ?9, ?12, ?13, ?14. */
static const char SQL_ADD[] =
    "INSERT INTO person (id, doc_type, doc_hash, key_hash, doc_number, doc_country, doc_birth,"
    " doc_sex, name, sex, birth, nation, address, phone, source, registered_by, relationship,"
    " bus_id, site_id, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, date(?7 * 86400, 'unixepoch'), ?8, ?9, ?10,"
    " date(?11 * 86400, 'unixepoch'), ?12, ?13, ?14, ?15, ?16, ?17,"
    " (SELECT value FROM meta WHERE key = 'bus_id'),"
    " (SELECT value FROM meta WHERE key = 'site_id'), ?18, ?18)";

#define PERSON_COLS                                                                                \
	"SELECT id, doc_type, doc_number, doc_country, unixepoch(doc_birth) / 86400, doc_sex,"     \
	" name, sex, unixepoch(birth) / 86400, nation, address, phone, source,"                    \
	" coalesce(registered_by, ''), relationship, purged_at IS NOT NULL FROM person"

static const char SQL_GET[] = PERSON_COLS " WHERE id = ?1";
/* The exact pair (?2) wins over a key match (there is at most one of each). */
static const char SQL_FIND[] =
    PERSON_COLS " WHERE (key_hash = ?1 OR doc_hash = ?2) AND purged_at IS NULL"
		" ORDER BY doc_hash = ?2 DESC LIMIT 1";
/* A purged person registering again: the row of their document (?1 the
 * de-duplication key's hash, ?2 the pair's), filled again by SQL_REFILL
 * (the parameters of SQL_ADD; bus and site stay the first visit's). */
static const char SQL_PURGED_OF[] =
    "SELECT id FROM person WHERE (key_hash = ?1 OR doc_hash = ?2) AND purged_at IS NOT NULL"
    " ORDER BY doc_hash = ?2 DESC LIMIT 1";
static const char SQL_REFILL[] =
    "UPDATE person SET doc_type = ?2, doc_hash = ?3, key_hash = ?4, doc_number = ?5,"
    " doc_country = ?6, doc_birth = date(?7 * 86400, 'unixepoch'), doc_sex = ?8, name = ?9,"
    " sex = ?10, birth = date(?11 * 86400, 'unixepoch'), nation = ?12, address = ?13,"
    " phone = ?14, source = ?15, registered_by = ?16, relationship = ?17, updated_at = ?18,"
    " purged_at = NULL WHERE id = ?1 AND purged_at IS NOT NULL";
/*
 * Purge: the sealed fields of the persons last seen (their newest visit,
 * else their registration) on or before day ?1, once the platform holds
 * every record of theirs — the patient row acknowledged, and no outbox row
 * of theirs (patient, deferral of a visit, immunization of a dose,
 * adverse_event) pending, in flight, failed or changed since. The row, its
 * ids, codes, dates and keyed hashes stay: visits, doses and the reports
 * count as before, and a returning resident is recognised by document.
 */
static const char SQL_PURGE[] =
    "UPDATE person SET doc_number = NULL, name = NULL, nation = NULL, address = NULL,"
    " phone = NULL, purged_at = ?2, updated_at = ?2"
    " WHERE purged_at IS NULL"
    " AND coalesce((SELECT max(day) FROM visit WHERE person_id = person.id),"
    "  date(created_at, 'unixepoch')) <= date(?1 * 86400, 'unixepoch')"
    " AND EXISTS (SELECT 1 FROM outbox WHERE kind = 'patient' AND record_id = person.id"
    "  AND state = 'acked' AND dirty = 0)"
    " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE (o.state <> 'acked' OR o.dirty = 1) AND ("
    "  (o.kind = 'patient' AND o.record_id = person.id)"
    "  OR (o.kind = 'deferral' AND o.record_id IN"
    "   (SELECT id FROM visit WHERE person_id = person.id))"
    "  OR (o.kind = 'immunization' AND o.record_id IN"
    "   (SELECT id FROM dose WHERE person_id = person.id))"
    "  OR (o.kind = 'adverse_event' AND o.record_id IN"
    "   (SELECT id FROM aefi WHERE person_id = person.id))))";

/* The sealed columns: their PERSON_COLS index and SQL_ADD parameter. */
enum { COL_NUMBER = 2, COL_NAME = 6, COL_NATION = 9, COL_ADDRESS = 10, COL_PHONE = 11 };
enum { COL_PURGED = 15 };
enum { PAR_NUMBER = 5, PAR_NAME = 9, PAR_NATION = 12, PAR_ADDRESS = 13, PAR_PHONE = 14 };

static const char *const source_names[] = {
    [PERSON_SOURCE_CARD] = "card",
    [PERSON_SOURCE_QR] = "qr",
    [PERSON_SOURCE_TYPED] = "typed",
    [PERSON_SOURCE_MRZ] = "mrz",
};

static const char *source_name(enum person_source s)
{
	if ((int)s < PERSON_SOURCE_CARD || (int)s > PERSON_SOURCE_MRZ)
		return NULL;
	return source_names[s];
}

static int source_from_name(const char *name, enum person_source *out)
{
	for (int s = PERSON_SOURCE_CARD; s <= PERSON_SOURCE_MRZ; s++) {
		if (strcmp(name, source_names[s]) == 0) {
			*out = (enum person_source)s;
			return VB_OK;
		}
	}
	return VB_EINVAL;
}

/* 1 if the fixed-size field s of cap bytes is NUL-terminated. */
static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int store_person_doc_hash(struct store *st, enum iddoc_type type, const char *number,
			  uint8_t out[STORE_HASH_LEN])
{
	char text[DEDUP_KEY_CAP];
	const char *name = iddoc_type_name(type);
	int n = name ? snprintf(text, sizeof(text), "%s:%s", name, number) : -1;
	if (n < 0 || (size_t)n >= sizeof(text))
		return store_err_set(st, VB_EINVAL, "document type or number is malformed");
	int rc = store_seal_hash(st, text, out);
	iddoc_wipe(text, sizeof(text));
	return rc;
}

/* Binds the two keyed hashes of a document: "<type>:<number>" to
 * parameter pair, the de-duplication key to parameter key. */
static int bind_hashes(struct store *st, sqlite3_stmt *s, int pair, int key, enum iddoc_type type,
		       const char *number, const char *dedup_key)
{
	uint8_t h[STORE_HASH_LEN];
	int rc = store_person_doc_hash(st, type, number, h);
	if (!rc && !(rc = store_bind_blob(st, s, pair, h, sizeof(h))) &&
	    !(rc = store_seal_hash(st, dedup_key, h)))
		rc = store_bind_blob(st, s, key, h, sizeof(h));
	return rc;
}

/* The shape checks of store_person_add (the rules are person_check's). */
static int check_person(struct store *st, const struct person *p, char key[DEDUP_KEY_CAP])
{
	if (!iddoc_type_name(p->doc.type))
		return store_err_set(st, VB_EINVAL, "person document type %d is unknown",
				     (int)p->doc.type);
	if (person_dedup_key(p, key, DEDUP_KEY_CAP))
		return store_err_set(st, VB_EINVAL,
				     "person document number or country is empty or "
				     "malformed");
	if (!terminated(p->name, sizeof(p->name)) || !p->name[0] || !person_text_valid(p->name))
		return store_err_set(st, VB_EINVAL, "person name is empty or not UTF-8 text");
	if (p->sex != 1 && p->sex != 2)
		return store_err_set(st, VB_EINVAL, "person sex is not 1 or 2");
	if (p->birth == VBDATE_NONE)
		return store_err_set(st, VB_EINVAL, "person birth date is not set");
	if (p->doc.sex < 0 || p->doc.sex > 2)
		return store_err_set(st, VB_EINVAL, "person document sex is not 0, 1 or 2");
	if (!source_name(p->source))
		return store_err_set(st, VB_EINVAL, "person source %d is unknown", (int)p->source);
	if (!terminated(p->nation, sizeof(p->nation)) ||
	    !terminated(p->address, sizeof(p->address)) || !person_text_valid(p->address) ||
	    !terminated(p->phone, sizeof(p->phone)) || !person_text_valid(p->phone))
		return store_err_set(st, VB_EINVAL, "person nation, address or phone is malformed");
	if (!terminated(p->registered_by, sizeof(p->registered_by)) ||
	    !terminated(p->relationship, sizeof(p->relationship)))
		return store_err_set(st, VB_EINVAL, "person proxy fields are not terminated");
	if (p->registered_by[0]) {
		if (store_id_check(p->registered_by))
			return store_err_set(st, VB_EINVAL,
					     "person registered_by is not a record id");
		if (!person_relationship_valid(p->relationship) ||
		    strcmp(p->relationship, "self") == 0)
			return store_err_set(
			    st, VB_EINVAL,
			    "person relationship to the proxy is missing or invalid");
	} else if (p->relationship[0]) {
		return store_err_set(st, VB_EINVAL, "person relationship is set without a proxy");
	}
	return VB_OK;
}

int store_person_add(struct store *st, struct person *p, const char *actor, int64_t now)
{
	char id[STORE_ID_LEN + 1], key[DEDUP_KEY_CAP], detail[160];
	sqlite3_stmt *s = NULL;
	int rc = store_need_tx(st, "store_person_add");

	if (rc || (rc = store_seal_ready(st, "store_person_add")) ||
	    (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = check_person(st, p, key)))
		goto out;
	if ((rc = store_stmt(st, SQL_PURGED_OF, &s)) ||
	    (rc = bind_hashes(st, s, 2, 1, p->doc.type, p->doc.number, key)))
		goto out;
	const int refill = (rc = store_step(st, s)) == 1;
	if (refill)
		rc = store_column_text(s, 0, id, sizeof(id));
	store_stmt_reset(s);
	if (rc < 0)
		goto out;
	if (!refill && store_id_new(id)) {
		rc = store_err_set(st, VB_EIO, "cannot make a person id: getrandom failed");
		goto out;
	}
	const int has_proxy = p->registered_by[0] != '\0';
	const struct {
		int par;
		const char *column, *value;
	} sealed[] = {
	    {PAR_NUMBER, "doc_number", p->doc.number},
	    {PAR_NAME, "name", p->name},
	    {PAR_NATION, "nation", p->nation},
	    {PAR_ADDRESS, "address", p->address},
	    {PAR_PHONE, "phone", p->phone},
	};
	if ((rc = store_stmt(st, refill ? SQL_REFILL : SQL_ADD, &s)) ||
	    (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, iddoc_type_name(p->doc.type))) ||
	    (rc = bind_hashes(st, s, 3, 4, p->doc.type, p->doc.number, key)) ||
	    (rc = store_bind_text(st, s, 6, p->doc.country)))
		goto out;
	for (size_t i = 0; i < sizeof(sealed) / sizeof(sealed[0]); i++)
		if ((rc = store_seal_bind(st, s, sealed[i].par, "person", sealed[i].column, id,
					  sealed[i].value)))
			goto out;
	if (p->doc.birth != VBDATE_NONE && (rc = store_bind_int64(st, s, 7, p->doc.birth)))
		goto out;
	if ((rc = store_bind_int64(st, s, 8, p->doc.sex)) ||
	    (rc = store_bind_int64(st, s, 10, p->sex)) ||
	    (rc = store_bind_int64(st, s, 11, p->birth)) ||
	    (rc = store_bind_text(st, s, 15, source_name(p->source))) ||
	    (rc = store_bind_text(st, s, 16, has_proxy ? p->registered_by : NULL)) ||
	    (rc = store_bind_text(st, s, 17, p->relationship)) ||
	    (rc = store_bind_int64(st, s, 18, now)))
		goto out;
	if ((rc = store_step_done(st, s)))
		goto out;
	/* Codes and ids only: never the name, number, phone or address. */
	snprintf(detail, sizeof(detail), "doc_type=%s source=%s%s%s%s%s",
		 iddoc_type_name(p->doc.type), source_name(p->source), has_proxy ? " proxy=" : "",
		 has_proxy ? p->registered_by : "", has_proxy ? " relationship=" : "",
		 has_proxy ? p->relationship : "");
	if ((rc = store_outbox_add(st, "patient", id, now)) ||
	    (rc = store_audit_append(st, now, actor, refill ? "person.refill" : "person.add", id,
				     detail)) ||
	    (rc = store_history_import(st, id, p->doc.type, p->doc.number, now, NULL)))
		goto out;
	memcpy(p->id, id, sizeof(id));
out:
	iddoc_wipe(key, sizeof(key));
	store_stmt_reset(s);
	return rc;
}

/* Reads the current row of a PERSON_COLS statement into *out. */
static int read_person(struct store *st, sqlite3_stmt *s, struct person *out)
{
	struct person p;
	char type[32], source[16];
	int rc = VB_OK;

	person_init(&p);
	if ((rc = store_column_text(s, 0, p.id, sizeof(p.id))))
		goto bad;
	const struct {
		int col;
		const char *column;
		char *buf;
		size_t cap;
	} sealed[] = {
	    {COL_NUMBER, "doc_number", p.doc.number, sizeof(p.doc.number)},
	    {COL_NAME, "name", p.name, sizeof(p.name)},
	    {COL_NATION, "nation", p.nation, sizeof(p.nation)},
	    {COL_ADDRESS, "address", p.address, sizeof(p.address)},
	    {COL_PHONE, "phone", p.phone, sizeof(p.phone)},
	};
	/* A purged person's sealed fields are gone: they read as "". */
	const size_t n_sealed =
	    sqlite3_column_int(s, COL_PURGED) ? 0 : sizeof(sealed) / sizeof(sealed[0]);
	for (size_t i = 0; i < n_sealed; i++) {
		rc = store_seal_open(st, s, sealed[i].col, "person", sealed[i].column, p.id,
				     sealed[i].buf, sealed[i].cap);
		if (rc) {
			person_wipe(&p);
			return rc == VB_ERANGE ? store_err_set(st, VB_ECORRUPT,
							       "a stored person row is malformed")
					       : rc;
		}
	}
	if ((rc = store_column_text(s, 1, type, sizeof(type))) ||
	    (rc = store_column_text(s, 3, p.doc.country, sizeof(p.doc.country))) ||
	    (rc = store_column_text(s, 12, source, sizeof(source))) ||
	    (rc = store_column_text(s, 13, p.registered_by, sizeof(p.registered_by))) ||
	    (rc = store_column_text(s, 14, p.relationship, sizeof(p.relationship))))
		goto bad;
	if (iddoc_type_from_name(type, &p.doc.type) || source_from_name(source, &p.source))
		goto bad;
	p.doc.birth =
	    sqlite3_column_type(s, 4) == SQLITE_NULL ? VBDATE_NONE : sqlite3_column_int(s, 4);
	p.doc.sex = sqlite3_column_int(s, 5);
	p.sex = sqlite3_column_int(s, 7);
	p.birth = sqlite3_column_int(s, 8);
	*out = p;
	person_wipe(&p);
	return VB_OK;
bad:
	person_wipe(&p);
	return store_err_set(st, VB_ECORRUPT, "a stored person row is malformed");
}

/* Runs a look-up statement whose parameters are bound; one row or none. */
static int fetch_person(struct store *st, sqlite3_stmt *s, struct person *out)
{
	int rc = store_step(st, s);
	if (rc == 0)
		return store_err_set(st, VB_ENOTFOUND, "no such person");
	if (rc < 0)
		return rc;
	rc = read_person(st, s, out);
	store_stmt_reset(s);
	return rc;
}

int store_person_get(struct store *st, const char *id, struct person *out)
{
	sqlite3_stmt *s = NULL;
	int rc = VB_OK;
	if (!id)
		return store_err_set(st, VB_EINVAL, "person id is NULL");
	if ((rc = store_stmt(st, SQL_GET, &s)) || (rc = store_bind_text(st, s, 1, id)))
		goto out;
	rc = fetch_person(st, s, out);
out:
	store_stmt_reset(s);
	return rc;
}

int store_person_find_doc(struct store *st, enum iddoc_type type, const char *number,
			  struct person *out)
{
	struct person probe;
	char key[DEDUP_KEY_CAP];
	sqlite3_stmt *s = NULL;
	int rc = store_seal_ready(st, "store_person_find_doc");

	if (rc)
		return rc;

	if (!iddoc_type_name(type))
		return store_err_set(st, VB_EINVAL, "document type %d is unknown", (int)type);
	if (!number || !*number || strlen(number) >= sizeof(probe.doc.number))
		return store_err_set(st, VB_EINVAL, "document number is empty or too long");
	person_init(&probe);
	probe.doc.type = type;
	memcpy(probe.doc.number, number, strlen(number) + 1);
	rc = person_dedup_key(&probe, key, sizeof(key));
	person_wipe(&probe);
	if (rc)
		return store_err_set(st, VB_EINVAL, "document number is malformed");
	if ((rc = store_stmt(st, SQL_FIND, &s)) ||
	    (rc = bind_hashes(st, s, 2, 1, type, number, key)))
		goto out;
	rc = fetch_person(st, s, out);
out:
	iddoc_wipe(key, sizeof(key));
	store_stmt_reset(s);
	return rc;
}

/* Step 7: the rows of the clear table, each moved sealed (?2..?8 are the
 * hashes and the sealed fields of row ?1), then the swap. */
static const char SQL_CLEAR_ROWS[] =
    "SELECT id, doc_type, doc_number, doc_key, name, nation, address, phone FROM person";
static const char SQL_MOVE[] =
    "INSERT INTO person_sealed (id, doc_type, doc_hash, key_hash, doc_number, doc_country,"
    " doc_birth, doc_sex, name, sex, birth, nation, address, phone, source, registered_by,"
    " relationship, bus_id, site_id, created_at, updated_at)"
    " SELECT id, doc_type, ?2, ?3, ?4, doc_country, doc_birth, doc_sex, ?5, sex, birth, ?6, ?7,"
    " ?8, source, registered_by, relationship, bus_id, site_id, created_at, updated_at"
    " FROM person WHERE id = ?1";
static const char SQL_SWAP[] = "DROP TABLE person;"
			       "ALTER TABLE person_sealed RENAME TO person;"
			       "CREATE INDEX person_registered_by ON person (registered_by)"
			       " WHERE registered_by IS NOT NULL;";

/* Moves the current row of rows (SQL_CLEAR_ROWS) into person_sealed. */
static int seal_row(struct store *st, sqlite3_stmt *rows, sqlite3_stmt *move)
{
	static const char *const columns[] = {"doc_number", "name", "nation", "address", "phone"};
	static const int rows_col[] = {2, 4, 5, 6, 7};
	char id[STORE_ID_LEN + 1], type[32], number[IDDOC_NUMBER_MAX + 1], key[DEDUP_KEY_CAP];
	enum iddoc_type t;
	int rc;

	if (store_column_text(rows, 0, id, sizeof(id)) ||
	    store_column_text(rows, 1, type, sizeof(type)) ||
	    store_column_text(rows, 2, number, sizeof(number)) ||
	    store_column_text(rows, 3, key, sizeof(key)) || iddoc_type_from_name(type, &t)) {
		rc = store_err_set(st, VB_ECORRUPT, "a stored person row is malformed");
		goto out;
	}
	if ((rc = store_bind_text(st, move, 1, id)) ||
	    (rc = bind_hashes(st, move, 2, 3, t, number, key)))
		goto out;
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		const unsigned char *v = sqlite3_column_text(rows, rows_col[i]);
		if ((rc = store_seal_bind(st, move, 4 + (int)i, "person", columns[i], id,
					  v ? (const char *)v : "")))
			goto out;
	}
	rc = store_step_done(st, move);
out:
	iddoc_wipe(number, sizeof(number));
	iddoc_wipe(key, sizeof(key));
	sqlite3_reset(move);
	sqlite3_clear_bindings(move);
	return rc;
}

/* VB_OK if PRAGMA foreign_key_check finds no broken reference. */
static int check_references(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int src = sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL);
	if (src != SQLITE_OK)
		return store_err(st, src);
	src = sqlite3_step(s);
	sqlite3_finalize(s);
	if (src == SQLITE_ROW)
		return store_err_set(st, VB_ECORRUPT,
				     "a reference is broken after sealing persons");
	return src == SQLITE_DONE ? VB_OK : store_err(st, src);
}

int store_person_seal_migrate(struct store *st)
{
	sqlite3_stmt *rows = NULL, *move = NULL;
	int src, rc = VB_OK, n = 0;

	/* Prepared here, not cached: they name the clear table, which goes. */
	if ((src = sqlite3_prepare_v2(st->db, SQL_CLEAR_ROWS, -1, &rows, NULL)) != SQLITE_OK ||
	    (src = sqlite3_prepare_v2(st->db, SQL_MOVE, -1, &move, NULL)) != SQLITE_OK) {
		rc = store_err(st, src);
		goto out;
	}
	while ((src = sqlite3_step(rows)) == SQLITE_ROW) {
		if (n++ == 0 && (rc = store_seal_ready(st, "sealing the persons stored in clear")))
			goto out;
		if ((rc = seal_row(st, rows, move)))
			goto out;
	}
	if (src != SQLITE_DONE) {
		rc = store_err(st, src);
		goto out;
	}
	sqlite3_finalize(rows);
	sqlite3_finalize(move);
	rows = move = NULL;
	if (!(rc = store_exec_static(st, SQL_SWAP)) && !(rc = check_references(st)))
		rc = store_seal_check_key(st, NULL);
out:
	sqlite3_finalize(rows);
	sqlite3_finalize(move);
	return rc;
}

int store_person_purge(struct store *st, int32_t last_seen, const char *actor, int64_t now,
		       int64_t *n)
{
	char detail[64], day[11];
	sqlite3_stmt *s = NULL;
	int64_t purged = 0;
	int rc = store_need_tx(st, "store_person_purge");

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)))
		return rc;
	if (last_seen == VBDATE_NONE)
		return store_err_set(st, VB_EINVAL, "purge: no last day given");
	if ((rc = store_stmt(st, SQL_PURGE, &s)) || (rc = store_bind_int64(st, s, 1, last_seen)) ||
	    (rc = store_bind_int64(st, s, 2, now)) || (rc = store_step_done(st, s)))
		goto out;
	purged = sqlite3_changes64(st->db);
	vbdate_format(last_seen, day);
	snprintf(detail, sizeof(detail), "persons=%lld last_seen_by=%s", (long long)purged, day);
	if (purged && (rc = store_audit_append(st, now, actor, "person.purge", NULL, detail)))
		goto out;
	if (n)
		*n = purged;
out:
	store_stmt_reset(s);
	return rc;
}
