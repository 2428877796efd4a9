/*
 * sync_pull_read: the platform's answers to the pull's searches
 * (sync_pull.c sends them) read into plain structs: the Patients that are
 * a group's expected residents, those Patients' Immunizations as platform
 * doses, the recalled lots, and each page's "next" link and newest
 * lastUpdated. Pure: no I/O, no store, no engine state; each reader takes
 * one parsed searchset Bundle (borrowed, any JSON). An entry that cannot be
 * taken is left out with a reason (struct sync_pull_skip); a string is
 * taken whole or not at all, never cut to fit. Private to kiosk/sync.
 */
#ifndef SYNC_PULL_READ_H
#define SYNC_PULL_READ_H

#include <jansson.h>
#include <stddef.h>

#include "catalog.h"
#include "fhir_map.h"
#include "store_history.h"
#include "vb_error.h"

#define SYNC_PULL_GROUP	    20 /* expected residents per history search */
#define SYNC_PULL_REF_CAP   80 /* "Patient/<id>", "Medication/<id>" (ids are at most 64) */
#define SYNC_PULL_LOT_CAP   21 /* a lot number as kept on board */
#define SYNC_PULL_NO_MEMBER ((size_t)-1)

/* Skip codes besides fhir_dose_read's ("not_completed", "no_id",
 * "no_patient", "bad_date", "unknown_vaccine"). */
#define SYNC_PULL_DUPLICATE   "duplicate"   /* the same resource earlier in the page */
#define SYNC_PULL_NO_RESIDENT "no_resident" /* not one of the group's residents */
#define SYNC_PULL_NO_LOT      "no_lot"	    /* no batch.lotNumber that fits */

/* An entry left out: its index in Bundle.entry and why. */
struct sync_pull_skip {
	size_t entry;
	struct vb_reason why;
};

/* What every page gives besides its records. */
struct sync_pull_page {
	const char *next; /* the url of the "next" link (borrowed from the bundle), or NULL */
	struct sync_pull_skip *skip;
	size_t n_skip;
};

/* Keeps in keep the later of keep and lastUpdated t (ISO 8601 UTC sorts
 * as text); "" is the earliest. */
void sync_pull_newer(char keep[STORE_HISTORY_CURSOR_SIZE], const char *t);

/* ---- Patients of a group ---- */

/* A platform Patient that is one of the group's residents. */
struct sync_pull_patient {
	char ref[SYNC_PULL_REF_CAP]; /* "Patient/<id>" */
	size_t member;		     /* index in the group */
};

/* The Patients found so far for one group (across pages), each reference
 * once: a later page's answer for the same reference replaces the
 * earlier one. */
struct sync_pull_patients {
	struct sync_pull_patient *v; /* in the order first found */
	size_t n, cap;
	json_t *index; /* ref -> index in v */
};

/*
 * Adds the Patients of bundle (a page of Patient?identifier=...) that hold
 * the document (system s->doc[type], value number) of one of group[0..n)
 * to *acc (zeroed before the first page). A Patient with no valid id, or
 * none of the group's documents, is skipped in page->skip (overwritten;
 * the caller frees page->skip). VB_OK or VB_ENOMEM (*acc then holds what
 * was added before, page->skip is NULL).
 */
int sync_pull_patients_read(const struct fhir_systems *s, const struct store_expected *group,
			    size_t n, const json_t *bundle, struct sync_pull_patients *acc,
			    struct sync_pull_page *page);

/* The member of Patient reference ref, or SYNC_PULL_NO_MEMBER. */
size_t sync_pull_patients_find(const struct sync_pull_patients *p, const char *ref);

void sync_pull_patients_free(struct sync_pull_patients *p);

/* ---- Immunizations of a group ---- */

/* A dose the platform holds. */
struct sync_pull_dose {
	/* server_id, product, lot, dose_number, given_on; the member's
	 * document when member is one (doc_number "" otherwise). */
	struct store_platform_dose d;
	size_t member;	    /* index in the group, or SYNC_PULL_NO_MEMBER */
	char record_id[64]; /* the bus's record id when a bus made it, else "" */
	char last_updated[STORE_HISTORY_CURSOR_SIZE]; /* meta.lastUpdated, "" none or bad */
};

struct sync_pull_doses {
	struct sync_pull_dose *v;
	size_t n;
	struct sync_pull_page page;
};

/*
 * Reads the Immunizations of bundle (a page of Immunization?patient=...)
 * into *out (overwritten; free with sync_pull_doses_free), in entry order.
 * A dose is read by fhir_dose_read (systems s, catalog cat) and belongs to
 * the group member its patient reference maps to in pat. A dose with no
 * member is given (member SYNC_PULL_NO_MEMBER) only when it carries a
 * record id, for the caller to know it as one of the bus's own; otherwise
 * it is skipped (SYNC_PULL_NO_RESIDENT), as is a dose that does not read
 * and a second entry of the same Immunization (SYNC_PULL_DUPLICATE: the
 * newer lastUpdated of the two goes to the first). Resources other than
 * Immunizations are ignored. VB_OK or VB_ENOMEM (*out empty).
 */
int sync_pull_doses_read(const struct fhir_systems *s, const struct catalog *cat,
			 const struct store_expected *group, size_t n,
			 const struct sync_pull_patients *pat, const json_t *bundle,
			 struct sync_pull_doses *out);

void sync_pull_doses_free(struct sync_pull_doses *d);

/* ---- recalls ---- */

/* A lot the platform recalls: an inactive Medication's batch.lotNumber. */
struct sync_pull_recall {
	char lot[SYNC_PULL_LOT_CAP];
	char medication[SYNC_PULL_REF_CAP]; /* "Medication/<id>", "" when it has no valid id */
};

struct sync_pull_recalls {
	struct sync_pull_recall *v;
	size_t n;
	char newest[STORE_HISTORY_CURSOR_SIZE]; /* newest lastUpdated of the Medications, "" */
	struct sync_pull_page page;
};

/*
 * Reads the recalls of bundle (a page of Medication?status=inactive) into
 * *out (overwritten; free with sync_pull_recalls_free). Medications not
 * inactive are no recalls; an inactive one without a valid id
 * ("no_id") or lot number (SYNC_PULL_NO_LOT), or a lot already recalled
 * in the page (SYNC_PULL_DUPLICATE), is skipped. Resources other than
 * Medications are ignored. VB_OK or VB_ENOMEM (*out empty).
 */
int sync_pull_recalls_read(const json_t *bundle, struct sync_pull_recalls *out);

void sync_pull_recalls_free(struct sync_pull_recalls *r);

#endif
