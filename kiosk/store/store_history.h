/*
 * store_history: what the platform knows of the residents expected at the
 * next stops (tables expected, platform_dose; migration steps 5 and 9:
 * documents kept as keyed hashes, expected's numbers sealed, so every
 * function that takes or gives a number needs the data key).
 *
 * Before the bus leaves coverage, the sync engine pulls the dose histories
 * of the expected residents (by identity document) into platform_dose.
 * When such a resident registers on the bus (store_person_add), their
 * pulled doses become history doses (source "platform") in the same
 * transaction, so the schedule engine sees them offline; a dose pulled
 * after registration is added at once. Each platform dose is kept once
 * (by its platform id), however often it is pulled.
 */
#ifndef STORE_HISTORY_H
#define STORE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "iddoc.h"
#include "store.h"

/* Buffer size of a platform id and of a pull cursor (with the NUL). */
#define STORE_HISTORY_ID_SIZE	  128
#define STORE_HISTORY_CURSOR_SIZE 40

/* A dose as the platform holds it. */
struct store_platform_dose {
	char server_id[STORE_HISTORY_ID_SIZE]; /* "Immunization/<id>" */
	enum iddoc_type doc_type;	       /* whose document */
	char doc_number[IDDOC_NUMBER_MAX + 1];
	char product[32]; /* a catalog product */
	char lot[21];	  /* "" if unknown */
	int dose_number;  /* 0 if the platform gives none */
	int32_t given_on; /* vbdate day */
};

/*
 * Adds a resident (document type and normalised number) to the expected
 * list; one already there is kept as it is. VB_OK, VB_EINVAL or a storage
 * error.
 */
int store_history_expect(struct store *st, enum iddoc_type type, const char *number, int64_t now);

/* One expected resident, for store_history_expected's callback. */
struct store_expected {
	enum iddoc_type doc_type;
	char doc_number[IDDOC_NUMBER_MAX + 1];
	char cursor[STORE_HISTORY_CURSOR_SIZE]; /* newest platform lastUpdated seen, "" none */
};

/*
 * Calls cb for each expected resident, by cursor then document hash (so
 * those with the same cursor come together). A nonzero return of cb stops the
 * walk and is returned. VB_OK or a storage error. cb must not write.
 */
int store_history_expected(struct store *st, int (*cb)(void *arg, const struct store_expected *e),
			   void *arg);

/* Sets the cursor of an expected resident. VB_OK, VB_ENOTFOUND, VB_EINVAL
 * or a storage error. */
int store_history_set_cursor(struct store *st, enum iddoc_type type, const char *number,
			     const char *cursor);

/*
 * Keeps a dose the platform holds, at now, inside the caller's transaction;
 * if the resident is registered on the bus it becomes a history dose at
 * once. Returns VB_OK (new), VB_EEXIST (this platform id is kept already:
 * nothing changes), VB_EINVAL (malformed), VB_ESTATE (no transaction) or a
 * storage error.
 */
int store_history_add(struct store *st, const struct store_platform_dose *d, int64_t now);

/*
 * Makes the kept platform doses of person_id's document (type, number)
 * history doses of that person (source "platform"), those not made so
 * before. Inside the caller's transaction (store_person_add calls it).
 * Writes the number added to *n (may be NULL). VB_OK or a storage error.
 */
int store_history_import(struct store *st, const char *person_id, enum iddoc_type type,
			 const char *number, int64_t now, size_t *n);

#endif
