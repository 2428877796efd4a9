/*
 * visit: the workflow of one person's visit to the bus, the health
 * screening questionnaire, the observation countdown and queue tickets.
 *
 * A visit moves through
 *
 *   registered -screen-> screened -consent-> consented -queue-> queued
 *   -call-> called -vaccinate-> vaccinated -observe_start-> observing
 *   -release-> released
 *
 * with two side exits: `report_aefi` (from observing or released) leads to
 * aefi, and `defer` (from registered, screened, consented, queued or
 * called: screening said "not today", the dose decision refused, or staff
 * deferred) leads to deferred. Every other pair of state and event is
 * refused. The app stores the state; this module only decides.
 *
 * Nothing here reads a clock: the observation helper takes monotonic
 * milliseconds from the caller, so a wall-clock correction after a long
 * offline stretch never shortens or lengthens a countdown.
 */
#ifndef VISIT_H
#define VISIT_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

enum visit_state {
	VISIT_REGISTERED,
	VISIT_SCREENED,
	VISIT_CONSENTED,
	VISIT_QUEUED,
	VISIT_CALLED,
	VISIT_VACCINATED,
	VISIT_OBSERVING,
	VISIT_RELEASED,
	VISIT_AEFI,
	VISIT_DEFERRED,
	VISIT_STATE_COUNT
};

enum visit_event {
	VISIT_EV_SCREEN,
	VISIT_EV_CONSENT,
	VISIT_EV_QUEUE,
	VISIT_EV_CALL,
	VISIT_EV_VACCINATE,
	VISIT_EV_OBSERVE_START,
	VISIT_EV_RELEASE,
	VISIT_EV_REPORT_AEFI,
	VISIT_EV_DEFER,
	VISIT_EVENT_COUNT
};

/*
 * Applies event ev to a visit in state from. Returns VB_OK and writes the
 * new state to *to; VB_ESTATE if the workflow does not allow it (why gets
 * code "bad_transition" and a text naming the current state, the event and
 * the state it would have led to; *to untouched); VB_EINVAL if from or ev
 * is not a known value (why code "bad_state" / "bad_event"). why may be
 * NULL.
 */
int visit_apply(enum visit_state from, enum visit_event ev, enum visit_state *to,
		struct vb_reason *why);

/* 1 if no event leads out of state s (aefi, deferred), else 0. */
int visit_state_is_final(enum visit_state s);

/* Stable snake_case names ("registered", "observe_start", ...), used in
 * storage and the CLI. Return a static string, or NULL if out of range. */
const char *visit_state_name(enum visit_state s);
const char *visit_event_name(enum visit_event ev);

/* Look a name up (exact, case-sensitive). Return VB_OK and write *out, or
 * VB_EINVAL (unknown or NULL name; *out untouched). */
int visit_state_from_name(const char *name, enum visit_state *out);
int visit_event_from_name(const char *name, enum visit_event *out);

/*
 * The health screening questionnaire. The questions are data: the UI walks
 * visit_questions[] in order and shows the string it maps from each name.
 * A "yes" to a question whose meaning is VISIT_Q_DEFER defers the visit
 * today (the question name is the deferral reason code); a "yes" to a
 * VISIT_Q_ASK_STAFF question lets the visit go on only after a doctor has
 * assessed the person (the app asks for a staff confirmation before
 * consent).
 */
enum visit_question {
	VISIT_Q_FEVER,		      /* temperature >= 37.3 °C today */
	VISIT_Q_ACUTE_ILLNESS,	      /* an acute illness now */
	VISIT_Q_SEVERE_ALLERGY,	      /* to a previous dose or a vaccine component */
	VISIT_Q_PREGNANCY,	      /* pregnant now */
	VISIT_Q_UNCONTROLLED_CHRONIC, /* uncontrolled or acutely worse chronic disease */
	VISIT_Q_IMMUNOSUPPRESSION,    /* immunodeficiency or immunosuppressive treatment */
	VISIT_Q_COUNT
};

enum visit_q_meaning {
	VISIT_Q_DEFER,	   /* yes: defer today */
	VISIT_Q_ASK_STAFF, /* yes: a doctor decides before consent */
};

struct visit_question_info {
	enum visit_question id;
	const char *name;	  /* stable key: UI string tables, reason code */
	enum visit_q_meaning yes; /* what a "yes" means */
	const char *text;	  /* English wording, for the CLI and logs */
};

/* The questionnaire in the order it is asked (VISIT_Q_COUNT entries). */
extern const struct visit_question_info visit_questions[VISIT_Q_COUNT];

enum visit_answer {
	VISIT_ANSWER_NONE = 0, /* not answered yet */
	VISIT_ANSWER_NO,
	VISIT_ANSWER_YES,
};

/* A measured body temperature that is not there (no thermometer). */
#define VISIT_TEMP_NONE INT32_MIN
/* Fever threshold, °C × 100: 37.3 °C and above defers. */
#define VISIT_FEVER_CENTI 3730

struct visit_screening {
	enum visit_answer answers[VISIT_Q_COUNT]; /* indexed by enum visit_question */
	int32_t temp_centi; /* measured at the kiosk, °C × 100, or VISIT_TEMP_NONE */
};

enum visit_screen_outcome {
	VISIT_SCREEN_CLEAR,	/* go on to consent */
	VISIT_SCREEN_ASK_STAFF, /* go on only after a doctor's assessment */
};

struct visit_screen_result {
	enum visit_screen_outcome outcome;
	unsigned flagged; /* bit (1u << question) for every "yes" */
};

/*
 * Evaluates a completed questionnaire. Returns
 *   VB_OK        and fills *res (clear, or ask staff with the flagged bits);
 *   VB_EREFUSED  the visit must be deferred: why->code is the name of the
 *                first deferring question answered "yes" in visit_questions[]
 *                order ("fever", "pregnancy", ...); a measured temperature
 *                >= VISIT_FEVER_CENTI defers with "fever" even if the person
 *                answered "no";
 *   VB_EINVAL    a question is unanswered or holds an unknown value (why code
 *                "unanswered" / "bad_answer", naming the question).
 * *res is written only on VB_OK. why may be NULL.
 */
int visit_screen(const struct visit_screening *s, struct visit_screen_result *res,
		 struct vb_reason *why);

/* The observation period after a dose unless configured otherwise. */
#define VISIT_OBSERVATION_DEFAULT_MIN 30

/*
 * Milliseconds of observation left for someone whose observation started
 * at started_mono_ms, at now_mono_ms (both CLOCK_MONOTONIC milliseconds,
 * from the caller). minutes <= 0 means VISIT_OBSERVATION_DEFAULT_MIN.
 * Returns 0 once the period is over (the person may leave); never more
 * than the whole period (a clock reading before the start counts as the
 * start).
 */
int64_t visit_observation_remaining(int64_t started_mono_ms, int64_t now_mono_ms, int minutes);

/* Largest ticket number: 26 letters of 999 tickets each. */
#define VISIT_TICKET_MAX (26 * 999)
/* Bytes a ticket needs, NUL included ("A007"). */
#define VISIT_TICKET_LEN 5

/*
 * Formats the n-th ticket of the day (n from 1): 1..999 are "A001".."A999",
 * 1000 is "B001", up to VISIT_TICKET_MAX "Z999". Returns VB_OK, or
 * VB_ERANGE if n is out of 1..VISIT_TICKET_MAX or cap < VISIT_TICKET_LEN
 * (out then untouched).
 */
int visit_ticket_format(int n, char *out, size_t cap);

#endif
