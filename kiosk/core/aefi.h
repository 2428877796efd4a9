/*
 * aefi: adverse events following immunization, as recorded on the bus
 * during or after the observation period, and the rules a record must
 * meet before it is saved and synced.
 *
 * Symptoms are a bit set over a fixed list; severity follows the WHO-style
 * grading used in surveillance forms (mild, moderate, severe, serious:
 * serious meaning life-threatening, hospitalisation, disability or death);
 * the action says what staff did. Every enum has a stable snake_case name
 * for storage, the CLI and the UI string tables.
 */
#ifndef AEFI_H
#define AEFI_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

enum aefi_symptom {
	AEFI_SYM_FEVER,
	AEFI_SYM_LOCAL_REACTION, /* pain, redness, swelling at the injection site */
	AEFI_SYM_RASH,
	AEFI_SYM_URTICARIA,
	AEFI_SYM_ANAPHYLAXIS,
	AEFI_SYM_SYNCOPE,
	AEFI_SYM_HEADACHE,
	AEFI_SYM_NAUSEA,
	AEFI_SYM_DYSPNOEA,
	AEFI_SYM_SEIZURE,
	AEFI_SYM_OTHER, /* described in struct aefi.other */
	AEFI_SYM_COUNT
};

/* The bit of symptom s in struct aefi.symptoms. */
#define AEFI_BIT(s)  (1u << (s))
#define AEFI_SYM_ALL ((1u << AEFI_SYM_COUNT) - 1u)

enum aefi_severity {
	AEFI_MILD,
	AEFI_MODERATE,
	AEFI_SEVERE,
	AEFI_SERIOUS, /* life-threatening, hospitalisation, disability, death */
	AEFI_SEVERITY_COUNT
};

enum aefi_action {
	AEFI_OBSERVED,		 /* watched, no treatment */
	AEFI_TREATED_ON_SITE,	 /* treated on the bus */
	AEFI_REFERRED_HOSPITAL,	 /* sent to a hospital */
	AEFI_EMERGENCY_TRANSFER, /* ambulance / emergency transfer */
	AEFI_ACTION_COUNT
};

struct aefi {
	char id[37];	   /* UUID made on the device */
	char visit_id[37]; /* the visit whose dose it follows */
	int64_t onset;	   /* UTC seconds */
	unsigned symptoms; /* AEFI_BIT() set */
	char other[128];   /* the "other" symptom, required when that bit is set */
	enum aefi_severity severity;
	enum aefi_action action;
	char action_note[128]; /* what was done (drugs given, hospital), optional */
};

/*
 * Checks a record against the dose it follows (vaccinated_at) and the
 * current time (now), both UTC seconds. Returns VB_OK; VB_EINVAL for a
 * malformed field (why code "bad_id", "bad_visit_id" (empty or not
 * terminated), "bad_symptom" (a bit outside the list), "bad_severity",
 * "bad_action", "bad_text" (other/action_note not terminated)); or
 * VB_EREFUSED for a broken rule, checked in this order:
 *   onset_before_dose    onset earlier than vaccinated_at;
 *   onset_in_future      onset later than now;
 *   no_symptom           the symptom set is empty;
 *   other_text_required  "other" is set but the text is empty;
 *   other_text_unused    text given without the "other" symptom;
 *   severity_too_low     anaphylaxis or a seizure graded below severe;
 *   needs_treatment      anaphylaxis with the action "observed" only;
 *   needs_referral       a serious event that was not referred or
 *                        transferred.
 * why may be NULL.
 */
int aefi_check(const struct aefi *a, int64_t vaccinated_at, int64_t now, struct vb_reason *why);

/* Names: "fever", "local_reaction", "rash", "urticaria", "anaphylaxis",
 * "syncope", "headache", "nausea", "dyspnoea", "seizure", "other";
 * "mild", "moderate", "severe", "serious"; "observed", "treated_on_site",
 * "referred_hospital", "emergency_transfer". Each returns a static string,
 * or NULL when out of range. */
const char *aefi_symptom_name(enum aefi_symptom s);
const char *aefi_severity_name(enum aefi_severity s);
const char *aefi_action_name(enum aefi_action a);

/* Look a name up (exact). VB_OK and *out, or VB_EINVAL (unknown or NULL;
 * *out untouched). */
int aefi_symptom_from_name(const char *name, enum aefi_symptom *out);
int aefi_severity_from_name(const char *name, enum aefi_severity *out);
int aefi_action_from_name(const char *name, enum aefi_action *out);

/*
 * Parses a comma-separated list of symptom names ("fever,rash"; spaces
 * around names allowed, repeats harmless) into a bit set. Returns VB_OK and
 * *bits, or VB_EINVAL with why code "bad_symptom" naming the position of
 * the unknown or empty name. s is borrowed.
 */
int aefi_symptoms_parse(const char *s, unsigned *bits, struct vb_reason *why);

/*
 * Writes the names of the bits set, in list order, comma-separated, into
 * out (cap bytes, NUL included); no bits give "". Returns VB_OK; VB_ERANGE
 * if it does not fit; VB_EINVAL if bits has a bit outside the list (out is
 * untouched on error).
 */
int aefi_symptoms_format(unsigned bits, char *out, size_t cap);

#endif
