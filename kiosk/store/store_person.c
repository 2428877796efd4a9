/*
 * store_person: saving and finding persons (store_person.h). The table is
 * made by migration step 2 (store_migrations.c).
 */
#include "store_person.h"

#include <stdio.h>
#include <string.h>

#include "store_audit.h"
#include "store_id.h"
#include "store_history.h"
#include "store_int.h"
#include "store_outbox.h"
#include "vbdate.h"

/* Dedup keys: "passport:" + state + ':' + number fits comfortably. */
#define DEDUP_KEY_CAP 64

/* bus_id and site_id come from meta inside the INSERT itself. */
static const char SQL_ADD[] =
    "INSERT INTO person (id, doc_type, doc_number, doc_country, doc_key, doc_birth, doc_sex,"
    " name, sex, birth, nation, address, phone, source, registered_by, relationship,"
    " bus_id, site_id, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, date(?6 * 86400, 'unixepoch'), ?7, ?8, ?9,"
    " date(?10 * 86400, 'unixepoch'), ?11, ?12, ?13, ?14, ?15, ?16,"
    " (SELECT value FROM meta WHERE key = 'bus_id'),"
    " (SELECT value FROM meta WHERE key = 'site_id'), ?17, ?17)";

#define PERSON_COLS                                                                                \
	"SELECT id, doc_type, doc_number, doc_country, unixepoch(doc_birth) / 86400, doc_sex,"     \
	" name, sex, unixepoch(birth) / 86400, nation, address, phone, source,"                    \
	" coalesce(registered_by, ''), relationship FROM person"

static const char SQL_GET[] = PERSON_COLS " WHERE id = ?1";
/* The exact pair wins over a key match (there is at most one of each). */
static const char SQL_FIND[] =
    PERSON_COLS " WHERE doc_key = ?1 OR (doc_type = ?2 AND doc_number = ?3)"
		" ORDER BY doc_type = ?2 AND doc_number = ?3 DESC LIMIT 1";

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

	if (rc || (rc = store_check_token(st, "actor", actor, STORE_AUDIT_TOKEN_MAX + 1)) ||
	    (rc = check_person(st, p, key)))
		return rc;
	if (store_id_new(id))
		return store_err_set(st, VB_EIO, "cannot make a person id: getrandom failed");
	const int has_proxy = p->registered_by[0] != '\0';
	if ((rc = store_stmt(st, SQL_ADD, &s)) || (rc = store_bind_text(st, s, 1, id)) ||
	    (rc = store_bind_text(st, s, 2, iddoc_type_name(p->doc.type))) ||
	    (rc = store_bind_text(st, s, 3, p->doc.number)) ||
	    (rc = store_bind_text(st, s, 4, p->doc.country)) ||
	    (rc = store_bind_text(st, s, 5, key)))
		goto out;
	if (p->doc.birth != VBDATE_NONE && (rc = store_bind_int64(st, s, 6, p->doc.birth)))
		goto out;
	if ((rc = store_bind_int64(st, s, 7, p->doc.sex)) ||
	    (rc = store_bind_text(st, s, 8, p->name)) ||
	    (rc = store_bind_int64(st, s, 9, p->sex)) ||
	    (rc = store_bind_int64(st, s, 10, p->birth)) ||
	    (rc = store_bind_text(st, s, 11, p->nation)) ||
	    (rc = store_bind_text(st, s, 12, p->address)) ||
	    (rc = store_bind_text(st, s, 13, p->phone)) ||
	    (rc = store_bind_text(st, s, 14, source_name(p->source))) ||
	    (rc = store_bind_text(st, s, 15, has_proxy ? p->registered_by : NULL)) ||
	    (rc = store_bind_text(st, s, 16, p->relationship)) ||
	    (rc = store_bind_int64(st, s, 17, now)))
		goto out;
	if ((rc = store_step_done(st, s)))
		goto out;
	/* Codes and ids only: never the name, number, phone or address. */
	snprintf(detail, sizeof(detail), "doc_type=%s source=%s%s%s%s%s",
		 iddoc_type_name(p->doc.type), source_name(p->source), has_proxy ? " proxy=" : "",
		 has_proxy ? p->registered_by : "", has_proxy ? " relationship=" : "",
		 has_proxy ? p->relationship : "");
	if ((rc = store_outbox_add(st, "patient", id, now)) ||
	    (rc = store_audit_append(st, now, actor, "person.add", id, detail)) ||
	    (rc = store_history_import(st, id, p->doc.type, p->doc.number, now, NULL)))
		goto out;
	memcpy(p->id, id, sizeof(id));
out:
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
	if ((rc = store_column_text(s, 0, p.id, sizeof(p.id))) ||
	    (rc = store_column_text(s, 1, type, sizeof(type))) ||
	    (rc = store_column_text(s, 2, p.doc.number, sizeof(p.doc.number))) ||
	    (rc = store_column_text(s, 3, p.doc.country, sizeof(p.doc.country))) ||
	    (rc = store_column_text(s, 6, p.name, sizeof(p.name))) ||
	    (rc = store_column_text(s, 9, p.nation, sizeof(p.nation))) ||
	    (rc = store_column_text(s, 10, p.address, sizeof(p.address))) ||
	    (rc = store_column_text(s, 11, p.phone, sizeof(p.phone))) ||
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
	int rc = VB_OK;

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
	if ((rc = store_stmt(st, SQL_FIND, &s)) || (rc = store_bind_text(st, s, 1, key)) ||
	    (rc = store_bind_text(st, s, 2, iddoc_type_name(type))) ||
	    (rc = store_bind_text(st, s, 3, number)))
		goto out;
	rc = fetch_person(st, s, out);
out:
	iddoc_wipe(key, sizeof(key));
	store_stmt_reset(s);
	return rc;
}
