/*
 * visit: the visit workflow as a transition table, the screening rule,
 * the observation countdown and queue ticket numbers.
 */
#include "visit.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[VISIT_STATE_COUNT] = {
    [VISIT_REGISTERED] = "registered",
    [VISIT_SCREENED] = "screened",
    [VISIT_CONSENTED] = "consented",
    [VISIT_QUEUED] = "queued",
    [VISIT_CALLED] = "called",
    [VISIT_VACCINATED] = "vaccinated",
    [VISIT_OBSERVING] = "observing",
    [VISIT_RELEASED] = "released",
    [VISIT_AEFI] = "aefi",
    [VISIT_DEFERRED] = "deferred",
};

static const char *const event_names[VISIT_EVENT_COUNT] = {
    [VISIT_EV_SCREEN] = "screen",	[VISIT_EV_CONSENT] = "consent",
    [VISIT_EV_QUEUE] = "queue",		[VISIT_EV_CALL] = "call",
    [VISIT_EV_VACCINATE] = "vaccinate", [VISIT_EV_OBSERVE_START] = "observe_start",
    [VISIT_EV_RELEASE] = "release",	[VISIT_EV_REPORT_AEFI] = "report_aefi",
    [VISIT_EV_DEFER] = "defer",
};

/* Each event leads to exactly one state; the table lists where it may
 * start from. */
static const struct transition {
	enum visit_state from;
	enum visit_event ev;
	enum visit_state to;
} transitions[] = {
    {VISIT_REGISTERED, VISIT_EV_SCREEN, VISIT_SCREENED},
    {VISIT_SCREENED, VISIT_EV_CONSENT, VISIT_CONSENTED},
    {VISIT_CONSENTED, VISIT_EV_QUEUE, VISIT_QUEUED},
    {VISIT_QUEUED, VISIT_EV_CALL, VISIT_CALLED},
    {VISIT_CALLED, VISIT_EV_VACCINATE, VISIT_VACCINATED},
    {VISIT_VACCINATED, VISIT_EV_OBSERVE_START, VISIT_OBSERVING},
    {VISIT_OBSERVING, VISIT_EV_RELEASE, VISIT_RELEASED},
    {VISIT_OBSERVING, VISIT_EV_REPORT_AEFI, VISIT_AEFI},
    {VISIT_RELEASED, VISIT_EV_REPORT_AEFI, VISIT_AEFI},
    {VISIT_REGISTERED, VISIT_EV_DEFER, VISIT_DEFERRED},
    {VISIT_SCREENED, VISIT_EV_DEFER, VISIT_DEFERRED},
    {VISIT_CONSENTED, VISIT_EV_DEFER, VISIT_DEFERRED},
    {VISIT_QUEUED, VISIT_EV_DEFER, VISIT_DEFERRED},
    {VISIT_CALLED, VISIT_EV_DEFER, VISIT_DEFERRED},
};

static const enum visit_state event_target[VISIT_EVENT_COUNT] = {
    [VISIT_EV_SCREEN] = VISIT_SCREENED,	     [VISIT_EV_CONSENT] = VISIT_CONSENTED,
    [VISIT_EV_QUEUE] = VISIT_QUEUED,	     [VISIT_EV_CALL] = VISIT_CALLED,
    [VISIT_EV_VACCINATE] = VISIT_VACCINATED, [VISIT_EV_OBSERVE_START] = VISIT_OBSERVING,
    [VISIT_EV_RELEASE] = VISIT_RELEASED,     [VISIT_EV_REPORT_AEFI] = VISIT_AEFI,
    [VISIT_EV_DEFER] = VISIT_DEFERRED,
};

int visit_apply(enum visit_state from, enum visit_event ev, enum visit_state *to,
		struct vb_reason *why)
{
	if ((unsigned)from >= VISIT_STATE_COUNT) {
		vb_reason_set(why, "bad_state", "visit state %d is not a known state", (int)from);
		return VB_EINVAL;
	}
	if ((unsigned)ev >= VISIT_EVENT_COUNT) {
		vb_reason_set(why, "bad_event", "visit event %d is not a known event", (int)ev);
		return VB_EINVAL;
	}
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++) {
		if (transitions[i].from == from && transitions[i].ev == ev) {
			*to = transitions[i].to;
			return VB_OK;
		}
	}
	vb_reason_set(why, "bad_transition", "a visit cannot go from '%s' to '%s' (event '%s')",
		      state_names[from], state_names[event_target[ev]], event_names[ev]);
	return VB_ESTATE;
}

int visit_state_is_final(enum visit_state s)
{
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++)
		if (transitions[i].from == s)
			return 0;
	return 1;
}

const char *visit_state_name(enum visit_state s)
{
	return (unsigned)s < VISIT_STATE_COUNT ? state_names[s] : NULL;
}

const char *visit_event_name(enum visit_event ev)
{
	return (unsigned)ev < VISIT_EVENT_COUNT ? event_names[ev] : NULL;
}

static int lookup(const char *const *names, int n, const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int visit_state_from_name(const char *name, enum visit_state *out)
{
	int i = lookup(state_names, VISIT_STATE_COUNT, name);
	if (i < 0)
		return VB_EINVAL;
	*out = (enum visit_state)i;
	return VB_OK;
}

int visit_event_from_name(const char *name, enum visit_event *out)
{
	int i = lookup(event_names, VISIT_EVENT_COUNT, name);
	if (i < 0)
		return VB_EINVAL;
	*out = (enum visit_event)i;
	return VB_OK;
}

/* NHC COVID-19 vaccination technical guide (1st ed., March 2021): fever,
 * acute illness, acute exacerbation or uncontrolled severe chronic disease
 * and pregnancy postpone vaccination; a severe allergy to the vaccine or a
 * previous dose contraindicates it; immunocompromised people may receive
 * inactivated and protein vaccines after assessment. */
const struct visit_question_info visit_questions[VISIT_Q_COUNT] = {
    {VISIT_Q_FEVER, "fever", VISIT_Q_DEFER, "Do you have a fever (37.3 °C or higher) today?"},
    {VISIT_Q_ACUTE_ILLNESS, "acute_illness", VISIT_Q_DEFER,
     "Are you ill with an acute disease right now?"},
    {VISIT_Q_SEVERE_ALLERGY, "severe_allergy", VISIT_Q_DEFER,
     "Have you had a severe allergic reaction to a previous dose or to any "
     "vaccine component?"},
    {VISIT_Q_PREGNANCY, "pregnancy", VISIT_Q_DEFER, "Are you pregnant?"},
    {VISIT_Q_UNCONTROLLED_CHRONIC, "uncontrolled_chronic", VISIT_Q_DEFER,
     "Do you have a chronic disease that is uncontrolled or has recently got worse?"},
    {VISIT_Q_IMMUNOSUPPRESSION, "immunosuppression", VISIT_Q_ASK_STAFF,
     "Do you have a weakened immune system or take medicine that weakens it?"},
};

int visit_screen(const struct visit_screening *s, struct visit_screen_result *res,
		 struct vb_reason *why)
{
	unsigned flagged = 0;
	int defer = -1;

	for (int i = 0; i < VISIT_Q_COUNT; i++) {
		const struct visit_question_info *q = &visit_questions[i];
		switch (s->answers[q->id]) {
		case VISIT_ANSWER_NO:
			break;
		case VISIT_ANSWER_YES:
			flagged |= 1u << q->id;
			if (q->yes == VISIT_Q_DEFER && defer < 0)
				defer = i;
			break;
		case VISIT_ANSWER_NONE:
			vb_reason_set(why, "unanswered", "screening question '%s' is not answered",
				      q->name);
			return VB_EINVAL;
		default:
			vb_reason_set(why, "bad_answer",
				      "screening question '%s' holds an unknown answer", q->name);
			return VB_EINVAL;
		}
	}
	if (defer >= 0)
		return vb_reason_set(why, visit_questions[defer].name,
				     "screening question '%s' was answered yes: defer today",
				     visit_questions[defer].name);
	if (s->temp_centi != VISIT_TEMP_NONE && s->temp_centi >= VISIT_FEVER_CENTI)
		return vb_reason_set(why, visit_questions[VISIT_Q_FEVER].name,
				     "measured temperature %d.%02d °C is at or above 37.30 °C: "
				     "defer today",
				     s->temp_centi / 100, s->temp_centi % 100);
	res->outcome = flagged ? VISIT_SCREEN_ASK_STAFF : VISIT_SCREEN_CLEAR;
	res->flagged = flagged;
	return VB_OK;
}

int64_t visit_observation_remaining(int64_t started_mono_ms, int64_t now_mono_ms, int minutes)
{
	if (minutes <= 0)
		minutes = VISIT_OBSERVATION_DEFAULT_MIN;
	int64_t total = (int64_t)minutes * 60 * 1000;
	if (now_mono_ms <= started_mono_ms)
		return total;
	/* now > started, so the true difference fits in 64 unsigned bits. */
	uint64_t elapsed = (uint64_t)now_mono_ms - (uint64_t)started_mono_ms;
	return elapsed >= (uint64_t)total ? 0 : total - (int64_t)elapsed;
}

int visit_ticket_format(int n, char *out, size_t cap)
{
	if (n < 1 || n > VISIT_TICKET_MAX || !out || cap < VISIT_TICKET_LEN)
		return VB_ERANGE;
	int series = (n - 1) / 999;
	int num = (n - 1) % 999 + 1;
	snprintf(out, cap, "%c%03d", 'A' + series, num);
	return VB_OK;
}
