/*
 * stock: the vaccine on board as lots and opened vials, the box check
 * before a dose (一验证), administration from multi-dose vials with their
 * discard time, wastage, recalls and cold-chain quarantine.
 *
 * The app loads the lots and the opened vials from the store, passes them
 * in, and persists what these functions change (the structs are plain
 * data; every function says which fields it changes). Open vials are kept
 * by the caller in one array; a vial belongs to the lot whose number it
 * carries. Stock counted in doses is unopened vials × doses per vial plus
 * the doses left in open vials.
 */
#ifndef STOCK_H
#define STOCK_H

#include <stddef.h>
#include <stdint.h>

#include "gs1.h"
#include "vb_error.h"

struct stock_lot {
	char product[32]; /* catalog product code, as the schedule engine names it */
	char lot[21];	  /* lot number as printed (GS1 AI 10) */
	char gtin[15];	  /* 14 digits, or "" if unknown */
	int32_t expiry;	  /* vbdate day number; VBDATE_NONE if unknown */
	int doses_per_vial;
	int vials;	 /* unopened vials on board */
	char fridge[16]; /* where the lot is kept */
	int recalled;	 /* 1 after a recall */
	int quarantined; /* 1 while a cold-chain excursion awaits a decision */
};

struct stock_vial {
	char lot[21];
	int64_t opened_at;  /* UTC seconds */
	int64_t discard_at; /* UTC seconds; no dose from this vial at or after it */
	int doses_left;
};

/*
 * The box check: is the box just scanned fit to vaccinate this person?
 * Checks, in this order, the first failing one naming the refusal:
 *   1. no_lot_in_code   the code carries no lot number (AI 10);
 *   2. not_on_board     no lot on board has that lot number;
 *   3. gtin_mismatch    lots with that number exist, but each has a GTIN and
 *                       it differs from the box's (when the box has one;
 *                       among same-numbered lots the one whose GTIN agrees,
 *                       or is unset, is the match);
 *   4. no_expiry        neither the box nor the lot record has an expiry;
 *   5. expired          the box's or the lot's expiry is before today (the
 *                       expiry day itself is still usable);
 *   6. expiry_mismatch  the box's printed expiry differs from the lot's;
 *   7. recalled;
 *   8. quarantined      (a cold-chain excursion awaits a decision);
 *   9. wrong_product    the lot's product is not in allowed_products, the
 *                       schedule engine's list for this person and dose
 *                       (none allowed when n_allowed is 0);
 *  10. no_stock         no unopened vial of the lot and no vial of it open
 *                       with doses left before its discard time at now.
 * Returns VB_OK and writes the lot's index to *match; VB_EREFUSED with why
 * filled; VB_EINVAL if code or, with n > 0, lots is NULL. All arrays are
 * borrowed. why may be NULL.
 */
int stock_box_check(const struct stock_lot *lots, size_t n, const struct stock_vial *vials,
		    size_t n_vials, const struct gs1 *code, int32_t today, int64_t now,
		    const char *const *allowed_products, size_t n_allowed, size_t *match,
		    struct vb_reason *why);

/* What stock_administer changed, for the app to persist. */
struct stock_effect {
	int opened;	/* 1 if a new vial was opened for this dose */
	size_t vial;	/* index in the vials array of the vial used */
	int doses_left; /* doses left in that vial after this dose */
	int vials_left; /* unopened vials of the lot after this dose */
};

/*
 * Takes one dose of lot. Uses the open vial of that lot with doses left
 * whose discard time is still ahead (the oldest opened first, then the
 * lowest index); otherwise opens a new vial: decrements lot->vials and
 * appends {lot, now, now + discard_hours × 3600, doses_per_vial − 1} at
 * vials[*n_vials], incrementing *n_vials (a single-dose vial is opened and
 * emptied at once). Returns VB_OK and fills *eff; VB_EREFUSED "recalled",
 * "quarantined" or "no_stock"; VB_ERANGE if a vial must be opened and
 * *n_vials == cap_vials; VB_EINVAL if lot->doses_per_vial < 1,
 * lot->vials < 0 or discard_hours < 0. Nothing changes unless VB_OK. Run
 * stock_box_check first: this does not look at expiry dates.
 */
int stock_administer(struct stock_lot *lot, struct stock_vial *vials, size_t *n_vials,
		     size_t cap_vials, int64_t now, int discard_hours, struct stock_effect *eff,
		     struct vb_reason *why);

enum stock_waste_reason {
	STOCK_WASTE_OPEN_VIAL_EXPIRED, /* open vial past its discard time (automatic) */
	STOCK_WASTE_BROKEN,
	STOCK_WASTE_CONTAMINATED,
	STOCK_WASTE_COLD_CHAIN, /* discarded after a cold-chain excursion */
	STOCK_WASTE_EXPIRED,	/* unopened vials past the lot's expiry */
	STOCK_WASTE_OTHER,	/* needs a note */
	STOCK_WASTE_REASON_COUNT
};

/* One wastage record, for the app to store. */
struct stock_wastage {
	char lot[21];
	int doses;
	int vials; /* unopened vials removed (0 for doses of an open vial) */
	enum stock_waste_reason reason;
	int64_t at;    /* UTC seconds: the discard time, or when it was recorded */
	char note[64]; /* free text for STOCK_WASTE_OTHER, "" otherwise allowed */
};

/* "open_vial_expired", "broken", "contaminated", "cold_chain", "expired",
 * "other"; NULL if out of range. */
const char *stock_waste_reason_name(enum stock_waste_reason r);

/* VB_OK and *out, or VB_EINVAL for an unknown or NULL name. */
int stock_waste_reason_from_name(const char *name, enum stock_waste_reason *out);

/*
 * Discards every open vial at or past its discard time that still holds
 * doses: its doses become one wastage record (reason open_vial_expired,
 * at = discard_at) and its doses_left becomes 0. Returns VB_OK and writes
 * the records to out[0..*n_out); VB_ERANGE if more than cap_out records
 * are due (nothing changes then; cap_out = n always suffices).
 */
int stock_discard_expired(struct stock_vial *vials, size_t n, int64_t now,
			  struct stock_wastage *out, size_t cap_out, size_t *n_out);

/*
 * Records manual wastage of `vials` unopened vials of lot (broken in
 * transport, expired, cold chain, ...): decrements lot->vials and fills
 * *out (doses = vials × doses_per_vial, at = now). note is borrowed, may be
 * NULL; it is required for STOCK_WASTE_OTHER. Returns VB_OK; VB_EREFUSED
 * "not_enough_vials" or "note_required"; VB_EINVAL for vials < 1, an
 * unknown reason, open_vial_expired (automatic only), a note longer than
 * 63 bytes or a lot with doses_per_vial < 1. Nothing changes unless VB_OK.
 */
int stock_waste_vials(struct stock_lot *lot, int vials, enum stock_waste_reason reason,
		      const char *note, int64_t now, struct stock_wastage *out,
		      struct vb_reason *why);

/*
 * Records manual wastage of what is left in an open vial (contaminated,
 * broken, ...): sets vial->doses_left to 0 and fills *out (at = now).
 * Same reasons, note rule and return codes as stock_waste_vials, plus
 * VB_EREFUSED "vial_empty" when no dose is left.
 */
int stock_waste_open(struct stock_vial *vial, enum stock_waste_reason reason, const char *note,
		     int64_t now, struct stock_wastage *out, struct vb_reason *why);

/*
 * Marks recalled every lot whose number is lot and, if gtin is non-NULL
 * and non-empty, whose GTIN is gtin or unset. Returns VB_OK and writes how
 * many lots were marked (already recalled ones included) to *marked, or
 * VB_ENOTFOUND if none matches.
 */
int stock_recall(struct stock_lot *lots, size_t n, const char *lot, const char *gtin,
		 size_t *marked);

/*
 * Quarantines (stock_quarantine_fridge) or releases (stock_release_fridge)
 * every lot kept in fridge; the cold-chain rules say when. Release does not
 * lift a recall. Return VB_OK with the number of lots whose flag changed in
 * *changed (may be NULL), or VB_EINVAL for a NULL or empty fridge name.
 */
int stock_quarantine_fridge(struct stock_lot *lots, size_t n, const char *fridge, size_t *changed);
int stock_release_fridge(struct stock_lot *lots, size_t n, const char *fridge, size_t *changed);

/*
 * Doses of lot on board: lot->vials × doses_per_vial plus doses_left of
 * every vial of that lot (run stock_discard_expired first so expired open
 * vials count as wastage, not stock).
 */
int64_t stock_doses(const struct stock_lot *lot, const struct stock_vial *vials, size_t n_vials);

#endif
