/*
 * coldchain: fridge temperature excursions and the quarantine they cause.
 *
 * Vaccine is kept at 2–8 °C. A reading outside [min, max] (both ends in
 * range; freezing counts as much as warming) starts an excursion; the
 * next reading inside the range ends it. The excursion runs from the first
 * out-of-range reading to that in-range reading, so a gap in the readings
 * during an excursion counts in full (the fridge is presumed out of range
 * until a reading shows otherwise). A gap between in-range readings is not
 * an excursion: a silent thermometer is the app's alarm, not this rule's.
 * An excursion that lasts at least excursion_seconds quarantines every lot
 * in that fridge until staff decide (coldchain_decide); shorter spikes
 * are recorded but quarantine nothing.
 *
 * Two forms with one meaning: coldchain_scan over a fridge's readings
 * (the report, the CLI), and coldchain_feed/coldchain_tick for the live
 * feed, which says "quarantine" exactly once per excursion. Times are UTC
 * seconds passed in by the caller; temperatures are °C × 100.
 */
#ifndef COLDCHAIN_H
#define COLDCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

struct coldchain_reading {
	int64_t at;  /* UTC seconds */
	int centi_c; /* °C × 100, may be negative */
};

#define COLDCHAIN_MIN_CENTI_DEFAULT	    200
#define COLDCHAIN_MAX_CENTI_DEFAULT	    800
#define COLDCHAIN_EXCURSION_SECONDS_DEFAULT 600

struct coldchain_config {
	int min_centi;	       /* lowest in-range temperature (default 2.00 °C) */
	int max_centi;	       /* highest in-range temperature (default 8.00 °C) */
	int excursion_seconds; /* an excursion this long quarantines (default 600) */
};

/* Fills *cfg with the defaults above. */
void coldchain_config_init(struct coldchain_config *cfg);

/* VB_OK if min_centi <= max_centi and excursion_seconds >= 0, else
 * VB_EINVAL. Every function below checks this. */
int coldchain_config_check(const struct coldchain_config *cfg);

struct coldchain_excursion {
	int64_t start; /* time of the first out-of-range reading */
	int64_t end;   /* time of the in-range reading that ended it; while open,
			* the latest time it is known to have lasted until */
	int open;      /* 1 while no in-range reading has ended it */
	int min_centi; /* lowest and highest of its out-of-range readings */
	int max_centi;
	int64_t seconds; /* end - start */
	int over_limit;	 /* seconds >= excursion_seconds: the fridge's lots are quarantined */
};

/*
 * Finds the excursions in n readings of one fridge, ordered by time (equal
 * times allowed). An excursion still open after the last reading is
 * presumed to last until now (or the last reading, if later). Returns VB_OK,
 * writes the excursions in order to out[0..*n_out) and whether any is over
 * the limit to *quarantine; VB_EINVAL if a reading is earlier than the one
 * before it or cfg is invalid; VB_ERANGE if more than cap excursions were
 * found ((n + 1) / 2 always suffices). Outputs are written only on VB_OK;
 * all arrays are borrowed.
 */
int coldchain_scan(const struct coldchain_reading *r, size_t n, const struct coldchain_config *cfg,
		   int64_t now, struct coldchain_excursion *out, size_t cap, size_t *n_out,
		   int *quarantine);

/* The live form's per-fridge memory; caller-owned, no cleanup needed. */
struct coldchain_state {
	int have_last;	  /* a reading has been fed */
	int64_t last_at;  /* time of the last reading fed */
	int in_excursion; /* cur is an open excursion */
	int notified;	  /* "quarantine" was emitted for cur */
	struct coldchain_excursion cur;
};

/* Starts a fridge's state with no readings. */
void coldchain_state_init(struct coldchain_state *st);

/* What one reading (or tick) means, for the app to act on. */
struct coldchain_effect {
	int started;	  /* the reading began an excursion */
	int ended;	  /* the reading ended one (excursion is the closed record) */
	int quarantine;	  /* quarantine this fridge's lots now: once per excursion */
	int in_excursion; /* an excursion is open after this reading */
	struct coldchain_excursion excursion; /* the open or just-ended one, if any */
};

/*
 * Feeds the next reading of a fridge. Returns VB_OK and fills *eff (all
 * zero when nothing happened and no excursion is open); VB_EINVAL if the
 * reading is earlier than the last one fed or cfg is invalid (state and
 * *eff untouched).
 */
int coldchain_feed(struct coldchain_state *st, const struct coldchain_config *cfg,
		   const struct coldchain_reading *r, struct coldchain_effect *eff);

/*
 * Advances an open excursion to now without a reading (a thermometer that
 * fell silent while out of range still quarantines on time). A now before
 * what the excursion already covers changes nothing. Returns VB_OK and
 * fills *eff like coldchain_feed (started and ended are 0); VB_EINVAL for
 * an invalid cfg.
 */
int coldchain_tick(struct coldchain_state *st, const struct coldchain_config *cfg, int64_t now,
		   struct coldchain_effect *eff);

enum coldchain_decision {
	COLDCHAIN_RELEASE, /* the lots stay usable (e.g. the maker's stability data) */
	COLDCHAIN_DISCARD, /* the lots are wasted with reason cold_chain */
	COLDCHAIN_DECISION_COUNT
};

/* "release", "discard"; NULL if out of range. */
const char *coldchain_decision_name(enum coldchain_decision d);
/* VB_OK and *out, or VB_EINVAL for an unknown or NULL name. */
int coldchain_decision_from_name(const char *name, enum coldchain_decision *out);

/* A staff decision on a quarantine, for the app to store and carry out. */
struct coldchain_verdict {
	enum coldchain_decision decision;
	int release_lots; /* 1: lift the quarantine of the fridge's lots */
	int discard_lots; /* 1: waste the fridge's vials (unopened and open) as
			   * cold_chain, then lift the quarantine */
	char staff[33];	  /* who decided (staff id) */
	char note[128];	  /* why */
};

/*
 * Staff decide what happens to the lots quarantined by excursion exc.
 * staff and note are borrowed. Returns VB_OK and fills *out; VB_EREFUSED
 * "excursion_open" (the fridge is not back in range), "no_quarantine" (the
 * excursion was under the limit), "staff_required", or "note_required" (a
 * release must say why the vaccine is still good); VB_EINVAL for an unknown
 * decision, or a staff id over 32 or a note over 127 bytes.
 */
int coldchain_decide(const struct coldchain_excursion *exc, enum coldchain_decision d,
		     const char *staff, const char *note, struct coldchain_verdict *out,
		     struct vb_reason *why);

#endif
