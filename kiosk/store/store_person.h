/*
 * store_person: the persons registered on the bus (table `person`).
 *
 * A person is saved once per identity document: the table is unique on
 * the keyed hash of "<type>:<number>" and on that of the core's
 * de-duplication key (person_dedup_key: a renewed travel permit or a
 * passport read with and without its issuing state still finds the same
 * person), so the app looks a document up with store_person_find_doc()
 * before it creates a person.
 *
 * The document number, name, ethnic group (nation), address and phone are
 * sealed at rest under the process's data key (store_seal.h, store.h
 * store_key_set); everything here that reads or writes them returns
 * VB_ESTATE when no key is set, and VB_ECORRUPT when a stored value fails
 * authentication (tampered, moved between rows or columns, another key).
 *
 * Writes run inside the caller's transaction (store_begin) together with
 * the record's outbox row (kind "patient") and its audit row
 * ("person.add"); the audit detail names the document type and the source,
 * never the name, number, phone or address. Each record carries the bus_id
 * and site_id that meta holds at the time of the write (read inside the
 * same transaction by the INSERT itself, so a database that was never
 * given an identity by store_meta_init_identity refuses the write with
 * VB_EINVAL). Dates are stored as 'YYYY-MM-DD' text.
 *
 * The store checks the shape of what it saves; the rules (person_check)
 * are the core's and run before.
 */
#ifndef STORE_PERSON_H
#define STORE_PERSON_H

#include <stdint.h>

#include "iddoc.h"
#include "person.h"
#include "store.h"

/*
 * Saves *p as a new person at time now (UTC seconds) on behalf of actor (a
 * staff id or "kiosk"), with its outbox and audit rows, inside the
 * caller's transaction. p->id is ignored on input; on VB_OK a new UUIDv7
 * is written to it (nothing else of *p changes). p->registered_by is ""
 * or the id of a person already saved (the proxy), and then
 * p->relationship is set. Returns:
 *   VB_OK;
 *   VB_EEXIST    a person with this document (or its de-duplication key)
 *                exists: nothing was written (a purged one is filled again,
 *                see store_person_purge);
 *   VB_EINVAL    a field is malformed (unknown document type, empty
 *                number, name not UTF-8 text, sex not 1/2, no birth date,
 *                unknown source, proxy fields inconsistent), the proxy is
 *                not a saved person, or the database has no bus/site
 *                identity: nothing was written;
 *   VB_ESTATE    no transaction is open;
 *   a storage error (roll the transaction back).
 * p and actor are borrowed.
 */
int store_person_add(struct store *st, struct person *p, const char *actor, int64_t now);

/*
 * Looks up the person registered with document `number` (normalised, as
 * iddoc_validate() returns it) of `type`: by the exact pair, or by the
 * de-duplication key the pair gives (a travel permit's lifetime number).
 * Returns VB_OK with *out filled, VB_ENOTFOUND, VB_EINVAL (unknown type,
 * empty or too long a number) or a storage error; *out is written only on
 * VB_OK. It holds personal data: person_wipe() it when done.
 */
int store_person_find_doc(struct store *st, enum iddoc_type type, const char *number,
			  struct person *out);

/* The person with record id `id`. VB_OK with *out filled, VB_ENOTFOUND, or
 * a storage error; *out is written only on VB_OK. A purged person
 * (store_person_purge) reads with "" for the document number, name,
 * nation, address and phone. */
int store_person_get(struct store *st, const char *id, struct person *out);

/*
 * Purge: clears the sealed personal fields of every person last seen (the
 * day of their newest visit, else of their registration) on or before day
 * last_seen whose records the platform has all acknowledged (the patient
 * row and every deferral, immunization and adverse_event row of theirs
 * acked and unchanged since), inside the caller's transaction, with one
 * audit row "person.purge" (the count and the day) when any was. The
 * row stays with its ids, codes, dates and keyed document hashes: visits,
 * doses and reports count as before, store_person_find_doc() no longer
 * finds the person, and store_person_add() of the same document fills the
 * same record again (audit "person.refill", queued for the platform
 * again). The number purged goes to *n (may be NULL). VB_OK, VB_EINVAL,
 * VB_ESTATE without a transaction, or a storage error.
 */
int store_person_purge(struct store *st, int32_t last_seen, const char *actor, int64_t now,
		       int64_t *n);

#endif
