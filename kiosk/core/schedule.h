/*
 * schedule: decides whether a person may have a dose today, which dose,
 * and which products on board may be used for it.
 *
 * Rules (NHC 新冠病毒疫苗接种技术指南（第一版）, March 2021, kept as data in
 * the catalog): the series is the one of the product of the first dose (the
 * "series product"); every later dose must be that product or one of the
 * substitutes it lists (same type, another maker); dose n may be given from
 * the previous dose + its minimum interval; its maximum interval (counted
 * from the first or from the previous dose, in days or months) only
 * colours the decision: a late dose is still given, the series is never
 * restarted. The age range is checked on `today` against the product of
 * the series (for a first dose, against each product on board).
 *
 * Colours: blue = due and well within the window (or no maximum); yellow =
 * due, today is within the dose's warn_days before the last date; red = due
 * and past the last date (overdue, give it now); none = not due.
 *
 * The history may come in any order: the engine sorts a private copy (by
 * date, then product id). Records on the same date count as one dose
 * (a duplicated record must not complete a series), though each record's
 * product is still checked. Doses after today are a data error.
 *
 * Pure: no clock, no I/O, no allocation; the caller passes today in.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "vb_error.h"

#define SCHEDULE_MAX_HISTORY 64 /* doses a history may hold */

/* A dose in the person's history. */
struct schedule_dose {
	char product[CATALOG_ID_CAP]; /* catalog product id */
	int32_t date;		      /* vbdate day number of the dose */
};

enum schedule_colour {
	SCHEDULE_COLOUR_NONE = 0, /* not due */
	SCHEDULE_COLOUR_BLUE,	  /* due, well within the window */
	SCHEDULE_COLOUR_YELLOW,	  /* due, the last date is near */
	SCHEDULE_COLOUR_RED,	  /* due, overdue: give it now */
};

struct schedule_decision {
	int due;					    /* 1: a dose may be given today */
	char product[CATALOG_ID_CAP];			    /* the product to give; "" if not due */
	char series_product[CATALOG_ID_CAP];		    /* product of dose 1; "" before it */
	char allowed[CATALOG_MAX_PRODUCTS][CATALOG_ID_CAP]; /* every product that
							     * may be given today, in the
							     * order of `available` */
	size_t n_allowed;				    /* 0 if not due */
	int dose_number;				    /* the next dose, 1-based; 0 when
							     * the series is complete */
	int series_doses;				    /* doses in the series (0 unknown) */
	int32_t earliest;				    /* first day the next dose may be
							     * given (for too_early/too_young
							     * the day to show), or NONE */
	int32_t latest;					    /* last day within the maximum
							     * interval, VBDATE_NONE if none */
	enum schedule_colour colour;
	int needs_assessment; /* 1: age >= the product's
			       * assessment age: extra check */
	struct vb_reason why; /* code NULL when due */
};

/*
 * Decides the next dose for a person born on `birth`, with `n_history`
 * doses in `history` (any order, borrowed, at most SCHEDULE_MAX_HISTORY),
 * on `today`. `available` lists the product ids on board in order of
 * preference (borrowed; n_available 0, available then NULL or not, means
 * every product of the catalog, in catalog order); ids the catalog does not
 * know are ignored, and each id counts once.
 *
 * Returns VB_OK when a dose is due (out->due = 1, out->product and
 * out->allowed set, out->why.code NULL); VB_EREFUSED when not (due 0,
 * product "", n_allowed 0, colour none, the other fields filled as far as
 * they are known), with out->why.code, checked in this order:
 *   "future_dose"      a recorded dose is dated after today (data error);
 *   "unknown_product"  a recorded dose names a product not in the catalog;
 * for a first dose:
 *   "too_young"        no product of the catalog takes this age yet;
 *                      earliest = the first day one does;
 *   "too_old"          no product of the catalog takes this age any more;
 *   "no_product_available"  some product would, but none on board does;
 * for a later dose:
 *   "mix_not_allowed"  a recorded dose may not continue the series;
 *   "series_complete"  every dose of the series is recorded (dose_number 0);
 *   "too_young", "too_old"  outside the series product's age range;
 *   "too_early"        today is before earliest (the text names it);
 *   "mix_not_allowed"  neither the series product nor an allowed substitute
 *                      that takes this age is on board.
 * VB_EINVAL for bad arguments (NULL cat or out, a NULL list with a count, a
 * NULL id in `available`, a date that is VBDATE_NONE or outside the years
 * 1800..9999, birth after today,
 * an unterminated product id, too long a history); *out is then untouched.
 * The catalog must have passed catalog_check().
 */
int schedule_decide(const struct catalog *cat, int32_t birth, const struct schedule_dose *history,
		    size_t n_history, const char *const *available, size_t n_available,
		    int32_t today, struct schedule_decision *out);

/* "none", "blue", "yellow", "red"; "" for an invalid value. Static. */
const char *schedule_colour_name(enum schedule_colour colour);

#endif
