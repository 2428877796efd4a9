/* Visit workflow: every state × event pair, names, screening, observation
 * countdown, tickets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vb_error.h"
#include "visit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The allowed transitions, written out independently of visit.c. */
static const struct {
	enum visit_state from;
	enum visit_event ev;
	enum visit_state to;
} allowed[] = {
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

static const char *const target_name[VISIT_EVENT_COUNT] = {
    "screened",	 "consented", "queued", "called",   "vaccinated",
    "observing", "released",  "aefi",	"deferred",
};

static void test_transition_matrix(void **state)
{
	(void)state;
	int ok = 0, refused = 0;
	for (int f = 0; f < VISIT_STATE_COUNT; f++) {
		for (int e = 0; e < VISIT_EVENT_COUNT; e++) {
			int want = -1;
			for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
				if ((int)allowed[i].from == f && (int)allowed[i].ev == e)
					want = (int)allowed[i].to;
			enum visit_state to = VISIT_STATE_COUNT;
			struct vb_reason why = {0};
			int rc = visit_apply((enum visit_state)f, (enum visit_event)e, &to, &why);
			if (want >= 0) {
				assert_int_equal(rc, VB_OK);
				assert_int_equal(to, want);
				ok++;
				continue;
			}
			assert_int_equal(rc, VB_ESTATE);
			assert_int_equal(to, VISIT_STATE_COUNT); /* untouched */
			assert_string_equal(why.code, "bad_transition");
			char from_q[32], to_q[32];
			snprintf(from_q, sizeof from_q, "'%s'",
				 visit_state_name((enum visit_state)f));
			snprintf(to_q, sizeof to_q, "'%s'", target_name[e]);
			assert_non_null(strstr(why.text, from_q));
			assert_non_null(strstr(why.text, to_q));
			refused++;
		}
	}
	assert_int_equal(ok, 14);
	assert_int_equal(refused, VISIT_STATE_COUNT * VISIT_EVENT_COUNT - 14);
}

static void test_happy_path_walk(void **state)
{
	(void)state;
	static const enum visit_event walk[] = {
	    VISIT_EV_SCREEN,	VISIT_EV_CONSENT,	VISIT_EV_QUEUE,	  VISIT_EV_CALL,
	    VISIT_EV_VACCINATE, VISIT_EV_OBSERVE_START, VISIT_EV_RELEASE, VISIT_EV_REPORT_AEFI,
	};
	enum visit_state s = VISIT_REGISTERED;
	for (size_t i = 0; i < ARRAY_LEN(walk); i++)
		assert_int_equal(visit_apply(s, walk[i], &s, NULL), VB_OK);
	assert_int_equal(s, VISIT_AEFI);
	assert_true(visit_state_is_final(s));
	assert_true(visit_state_is_final(VISIT_DEFERRED));
	assert_false(visit_state_is_final(VISIT_RELEASED));
	assert_false(visit_state_is_final(VISIT_REGISTERED));
}

static void test_bad_values(void **state)
{
	(void)state;
	enum visit_state to = VISIT_REGISTERED;
	struct vb_reason why = {0};
	assert_int_equal(visit_apply(VISIT_STATE_COUNT, VISIT_EV_SCREEN, &to, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_state");
	assert_int_equal(visit_apply((enum visit_state) - 1, VISIT_EV_SCREEN, &to, &why),
			 VB_EINVAL);
	assert_int_equal(visit_apply(VISIT_REGISTERED, VISIT_EVENT_COUNT, &to, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_event");
	assert_int_equal(to, VISIT_REGISTERED);
}

static void test_names(void **state)
{
	(void)state;
	static const char *const states[] = {"registered", "screened",	 "consented", "queued",
					     "called",	   "vaccinated", "observing", "released",
					     "aefi",	   "deferred"};
	static const char *const events[] = {"screen",	"consent",     "queue",
					     "call",	"vaccinate",   "observe_start",
					     "release", "report_aefi", "defer"};
	assert_int_equal(ARRAY_LEN(states), VISIT_STATE_COUNT);
	assert_int_equal(ARRAY_LEN(events), VISIT_EVENT_COUNT);
	for (int i = 0; i < VISIT_STATE_COUNT; i++) {
		enum visit_state s = VISIT_STATE_COUNT;
		assert_string_equal(visit_state_name((enum visit_state)i), states[i]);
		assert_int_equal(visit_state_from_name(states[i], &s), VB_OK);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < VISIT_EVENT_COUNT; i++) {
		enum visit_event e = VISIT_EVENT_COUNT;
		assert_string_equal(visit_event_name((enum visit_event)i), events[i]);
		assert_int_equal(visit_event_from_name(events[i], &e), VB_OK);
		assert_int_equal(e, i);
	}
	static const char *const bad[] = {"", "Registered", "registered ", "observe", "aefi2"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		enum visit_state s = VISIT_QUEUED;
		enum visit_event e = VISIT_EV_CALL;
		assert_int_equal(visit_state_from_name(bad[i], &s), VB_EINVAL);
		assert_int_equal(visit_event_from_name(bad[i], &e), VB_EINVAL);
		assert_int_equal(s, VISIT_QUEUED);
		assert_int_equal(e, VISIT_EV_CALL);
	}
	assert_int_equal(visit_state_from_name(NULL, &(enum visit_state){0}), VB_EINVAL);
	assert_null(visit_state_name(VISIT_STATE_COUNT));
	assert_null(visit_event_name(VISIT_EVENT_COUNT));
}

static void test_question_list(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum visit_q_meaning yes;
	} want[] = {
	    {"fever", VISIT_Q_DEFER},
	    {"acute_illness", VISIT_Q_DEFER},
	    {"severe_allergy", VISIT_Q_DEFER},
	    {"pregnancy", VISIT_Q_DEFER},
	    {"uncontrolled_chronic", VISIT_Q_DEFER},
	    {"immunosuppression", VISIT_Q_ASK_STAFF},
	};
	assert_int_equal(ARRAY_LEN(want), VISIT_Q_COUNT);
	for (int i = 0; i < VISIT_Q_COUNT; i++) {
		assert_int_equal(visit_questions[i].id, i);
		assert_string_equal(visit_questions[i].name, want[i].name);
		assert_int_equal(visit_questions[i].yes, want[i].yes);
		assert_true(strlen(visit_questions[i].text) > 10);
	}
}

#define N VISIT_ANSWER_NO
#define Y VISIT_ANSWER_YES
#define U VISIT_ANSWER_NONE

static void test_screening(void **state)
{
	(void)state;
	static const struct {
		enum visit_answer a[VISIT_Q_COUNT];
		int32_t temp;
		int rc;
		const char *code;
		enum visit_screen_outcome outcome;
		unsigned flagged;
	} cases[] = {
	    {{N, N, N, N, N, N}, VISIT_TEMP_NONE, VB_OK, NULL, VISIT_SCREEN_CLEAR, 0},
	    {{N, N, N, N, N, N}, 3729, VB_OK, NULL, VISIT_SCREEN_CLEAR, 0},
	    {{N, N, N, N, N, N}, 3730, VB_EREFUSED, "fever", 0, 0},
	    {{N, N, N, N, N, N}, 3850, VB_EREFUSED, "fever", 0, 0},
	    {{Y, N, N, N, N, N}, VISIT_TEMP_NONE, VB_EREFUSED, "fever", 0, 0},
	    {{N, Y, N, N, N, N}, VISIT_TEMP_NONE, VB_EREFUSED, "acute_illness", 0, 0},
	    {{N, N, Y, N, N, N}, VISIT_TEMP_NONE, VB_EREFUSED, "severe_allergy", 0, 0},
	    {{N, N, N, Y, N, N}, VISIT_TEMP_NONE, VB_EREFUSED, "pregnancy", 0, 0},
	    {{N, N, N, N, Y, N}, VISIT_TEMP_NONE, VB_EREFUSED, "uncontrolled_chronic", 0, 0},
	    /* first deferring question in list order names the reason */
	    {{N, N, Y, Y, N, Y}, VISIT_TEMP_NONE, VB_EREFUSED, "severe_allergy", 0, 0},
	    /* an ask-staff "yes" and a fever reading still defers */
	    {{N, N, N, N, N, Y}, 3800, VB_EREFUSED, "fever", 0, 0},
	    {{N, N, N, N, N, Y},
	     3650,
	     VB_OK,
	     NULL,
	     VISIT_SCREEN_ASK_STAFF,
	     1u << VISIT_Q_IMMUNOSUPPRESSION},
	    {{N, N, N, U, N, N}, VISIT_TEMP_NONE, VB_EINVAL, "unanswered", 0, 0},
	    {{Y, N, N, N, N, U}, VISIT_TEMP_NONE, VB_EINVAL, "unanswered", 0, 0},
	    {{N, N, (enum visit_answer)7, N, N, N}, VISIT_TEMP_NONE, VB_EINVAL, "bad_answer", 0, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct visit_screening s = {.temp_centi = cases[i].temp};
		memcpy(s.answers, cases[i].a, sizeof s.answers);
		struct visit_screen_result res = {.outcome = 99, .flagged = 99};
		struct vb_reason why = {0};
		int rc = visit_screen(&s, &res, &why);
		assert_int_equal(rc, cases[i].rc);
		if (rc == VB_OK) {
			assert_null(why.code);
			assert_int_equal(res.outcome, cases[i].outcome);
			assert_int_equal(res.flagged, cases[i].flagged);
		} else {
			assert_string_equal(why.code, cases[i].code);
			assert_int_equal(res.outcome, 99);
			assert_int_equal(res.flagged, 99);
		}
	}
}

static void test_observation(void **state)
{
	(void)state;
	const int64_t m = 60 * 1000;
	static const struct {
		int64_t start, now;
		int minutes;
		int64_t left;
	} cases[] = {
	    {1000, 1000, 30, 30 * 60 * 1000},
	    {1000, 1000, 0, 30 * 60 * 1000},  /* default */
	    {1000, 1000, -5, 30 * 60 * 1000}, /* default */
	    {1000, 1000 + 60 * 1000, 30, 29 * 60 * 1000},
	    {1000, 1000 + 30 * 60 * 1000 - 1, 30, 1},
	    {1000, 1000 + 30 * 60 * 1000, 30, 0},
	    {1000, 1000 + 31 * 60 * 1000, 30, 0},
	    {1000, 500, 30, 30 * 60 * 1000}, /* reading before the start */
	    {0, 15 * 60 * 1000, 15, 0},
	    {-5000, 0, 1, 55 * 1000}, /* negative monotonic values work */
	    {INT64_MIN, INT64_MAX, 30, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		assert_int_equal(
		    visit_observation_remaining(cases[i].start, cases[i].now, cases[i].minutes),
		    cases[i].left);
	assert_int_equal(visit_observation_remaining(0, 0, 60), 60 * m);
}

static void test_tickets(void **state)
{
	(void)state;
	static const struct {
		int n;
		const char *want;
	} ok[] = {
	    {1, "A001"},    {7, "A007"},    {42, "A042"},   {999, "A999"},
	    {1000, "B001"}, {1998, "B999"}, {1999, "C001"}, {VISIT_TICKET_MAX, "Z999"},
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		char out[VISIT_TICKET_LEN] = "";
		assert_int_equal(visit_ticket_format(ok[i].n, out, sizeof out), VB_OK);
		assert_string_equal(out, ok[i].want);
	}
	static const struct {
		int n;
		size_t cap;
	} bad[] = {{0, 8}, {-1, 8}, {VISIT_TICKET_MAX + 1, 8}, {7, 4}, {7, 0}};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char out[8] = "x";
		assert_int_equal(visit_ticket_format(bad[i].n, out, bad[i].cap), VB_ERANGE);
		assert_string_equal(out, "x");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transition_matrix), cmocka_unit_test(test_happy_path_walk),
	    cmocka_unit_test(test_bad_values),	      cmocka_unit_test(test_names),
	    cmocka_unit_test(test_question_list),     cmocka_unit_test(test_screening),
	    cmocka_unit_test(test_observation),	      cmocka_unit_test(test_tickets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
