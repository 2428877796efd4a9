/* AEFI: every rule of aefi_check and its order, the name tables, symptom
 * list parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "aefi.h"
#include "vb_error.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define DOSE 1625130000 /* vaccinated at */
#define NOW  (DOSE + 3600)

#define B(s) AEFI_BIT(AEFI_SYM_##s)

static void test_check(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		const char *id, *visit;
		int64_t onset;
		unsigned symptoms;
		const char *other;
		int severity, action;
		int rc;
		const char *code;
	} cases[] = {
	    {"mild local reaction", "a1", "v1", DOSE + 600, B(LOCAL_REACTION), "", AEFI_MILD,
	     AEFI_OBSERVED, VB_OK, NULL},
	    {"onset at the dose", "a1", "v1", DOSE, B(SYNCOPE), "", AEFI_MILD, AEFI_OBSERVED, VB_OK,
	     NULL},
	    {"onset now", "a1", "v1", NOW, B(FEVER) | B(HEADACHE), "", AEFI_MODERATE,
	     AEFI_TREATED_ON_SITE, VB_OK, NULL},
	    {"other with text", "a1", "v1", DOSE + 60, B(OTHER), "dizziness", AEFI_MILD,
	     AEFI_OBSERVED, VB_OK, NULL},
	    {"anaphylaxis severe treated", "a1", "v1", DOSE + 300, B(ANAPHYLAXIS) | B(DYSPNOEA), "",
	     AEFI_SEVERE, AEFI_TREATED_ON_SITE, VB_OK, NULL},
	    {"anaphylaxis serious transferred", "a1", "v1", DOSE + 300, B(ANAPHYLAXIS), "",
	     AEFI_SERIOUS, AEFI_EMERGENCY_TRANSFER, VB_OK, NULL},
	    {"seizure severe referred", "a1", "v1", DOSE + 300, B(SEIZURE), "", AEFI_SEVERE,
	     AEFI_REFERRED_HOSPITAL, VB_OK, NULL},
	    {"mild but referred as a precaution", "a1", "v1", DOSE + 300, B(RASH), "", AEFI_MILD,
	     AEFI_REFERRED_HOSPITAL, VB_OK, NULL},
	    {"all symptoms", "a1", "v1", DOSE + 300, AEFI_SYM_ALL, "x", AEFI_SERIOUS,
	     AEFI_EMERGENCY_TRANSFER, VB_OK, NULL},

	    {"empty id", "", "v1", DOSE, B(FEVER), "", AEFI_MILD, AEFI_OBSERVED, VB_EINVAL,
	     "bad_id"},
	    {"empty visit", "a1", "", DOSE, B(FEVER), "", AEFI_MILD, AEFI_OBSERVED, VB_EINVAL,
	     "bad_visit_id"},
	    {"unknown bit", "a1", "v1", DOSE, 1u << AEFI_SYM_COUNT, "", AEFI_MILD, AEFI_OBSERVED,
	     VB_EINVAL, "bad_symptom"},
	    {"unknown severity", "a1", "v1", DOSE, B(FEVER), "", AEFI_SEVERITY_COUNT, AEFI_OBSERVED,
	     VB_EINVAL, "bad_severity"},
	    {"negative severity", "a1", "v1", DOSE, B(FEVER), "", -1, AEFI_OBSERVED, VB_EINVAL,
	     "bad_severity"},
	    {"unknown action", "a1", "v1", DOSE, B(FEVER), "", AEFI_MILD, AEFI_ACTION_COUNT,
	     VB_EINVAL, "bad_action"},

	    {"onset before the dose", "a1", "v1", DOSE - 1, B(FEVER), "", AEFI_MILD, AEFI_OBSERVED,
	     VB_EREFUSED, "onset_before_dose"},
	    {"onset in the future", "a1", "v1", NOW + 1, B(FEVER), "", AEFI_MILD, AEFI_OBSERVED,
	     VB_EREFUSED, "onset_in_future"},
	    {"no symptom", "a1", "v1", DOSE, 0, "", AEFI_MILD, AEFI_OBSERVED, VB_EREFUSED,
	     "no_symptom"},
	    {"other without text", "a1", "v1", DOSE, B(OTHER) | B(FEVER), "", AEFI_MILD,
	     AEFI_OBSERVED, VB_EREFUSED, "other_text_required"},
	    {"text without other", "a1", "v1", DOSE, B(FEVER), "dizzy", AEFI_MILD, AEFI_OBSERVED,
	     VB_EREFUSED, "other_text_unused"},
	    {"anaphylaxis graded moderate", "a1", "v1", DOSE, B(ANAPHYLAXIS), "", AEFI_MODERATE,
	     AEFI_TREATED_ON_SITE, VB_EREFUSED, "severity_too_low"},
	    {"seizure graded mild", "a1", "v1", DOSE, B(SEIZURE), "", AEFI_MILD,
	     AEFI_REFERRED_HOSPITAL, VB_EREFUSED, "severity_too_low"},
	    {"anaphylaxis only observed", "a1", "v1", DOSE, B(ANAPHYLAXIS), "", AEFI_SEVERE,
	     AEFI_OBSERVED, VB_EREFUSED, "needs_treatment"},
	    {"serious treated on site", "a1", "v1", DOSE, B(DYSPNOEA), "", AEFI_SERIOUS,
	     AEFI_TREATED_ON_SITE, VB_EREFUSED, "needs_referral"},
	    {"serious observed", "a1", "v1", DOSE, B(SYNCOPE), "", AEFI_SERIOUS, AEFI_OBSERVED,
	     VB_EREFUSED, "needs_referral"},
	    /* order: the onset is checked before the symptoms */
	    {"future onset and no symptom", "a1", "v1", NOW + 5, 0, "", AEFI_MILD, AEFI_OBSERVED,
	     VB_EREFUSED, "onset_in_future"},
	    /* order: grading before treatment before referral */
	    {"anaphylaxis mild observed", "a1", "v1", DOSE, B(ANAPHYLAXIS), "", AEFI_MILD,
	     AEFI_OBSERVED, VB_EREFUSED, "severity_too_low"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct aefi a;
		memset(&a, 0, sizeof a);
		strcpy(a.id, cases[i].id);
		strcpy(a.visit_id, cases[i].visit);
		strcpy(a.other, cases[i].other);
		a.onset = cases[i].onset;
		a.symptoms = cases[i].symptoms;
		a.severity = (enum aefi_severity)cases[i].severity;
		a.action = (enum aefi_action)cases[i].action;
		struct vb_reason why = {0};
		print_message("case: %s\n", cases[i].what);
		assert_int_equal(aefi_check(&a, DOSE, NOW, &why), cases[i].rc);
		if (cases[i].code) {
			assert_string_equal(why.code, cases[i].code);
			assert_true(why.text[0] != '\0');
		} else {
			assert_null(why.code);
		}
	}
}

static void test_unterminated(void **state)
{
	(void)state;
	struct aefi a;
	memset(&a, 0, sizeof a);
	strcpy(a.id, "a1");
	strcpy(a.visit_id, "v1");
	a.onset = DOSE;
	a.symptoms = B(FEVER);
	struct vb_reason why = {0};
	assert_int_equal(aefi_check(&a, DOSE, NOW, &why), VB_OK);
	memset(a.action_note, 'x', sizeof a.action_note);
	assert_int_equal(aefi_check(&a, DOSE, NOW, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_text");
	a.action_note[0] = '\0';
	memset(a.id, '1', sizeof a.id);
	assert_int_equal(aefi_check(&a, DOSE, NOW, &why), VB_EINVAL);
	assert_string_equal(why.code, "bad_id");
}

static void test_names(void **state)
{
	(void)state;
	static const char *const sym[] = {"fever",	 "local_reaction", "rash",     "urticaria",
					  "anaphylaxis", "syncope",	   "headache", "nausea",
					  "dyspnoea",	 "seizure",	   "other"};
	static const char *const sev[] = {"mild", "moderate", "severe", "serious"};
	static const char *const act[] = {"observed", "treated_on_site", "referred_hospital",
					  "emergency_transfer"};
	assert_int_equal(ARRAY_LEN(sym), AEFI_SYM_COUNT);
	assert_int_equal(ARRAY_LEN(sev), AEFI_SEVERITY_COUNT);
	assert_int_equal(ARRAY_LEN(act), AEFI_ACTION_COUNT);
	for (int i = 0; i < AEFI_SYM_COUNT; i++) {
		enum aefi_symptom s = AEFI_SYM_COUNT;
		assert_string_equal(aefi_symptom_name((enum aefi_symptom)i), sym[i]);
		assert_int_equal(aefi_symptom_from_name(sym[i], &s), VB_OK);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < AEFI_SEVERITY_COUNT; i++) {
		enum aefi_severity s = AEFI_SEVERITY_COUNT;
		assert_string_equal(aefi_severity_name((enum aefi_severity)i), sev[i]);
		assert_int_equal(aefi_severity_from_name(sev[i], &s), VB_OK);
		assert_int_equal(s, i);
	}
	for (int i = 0; i < AEFI_ACTION_COUNT; i++) {
		enum aefi_action a = AEFI_ACTION_COUNT;
		assert_string_equal(aefi_action_name((enum aefi_action)i), act[i]);
		assert_int_equal(aefi_action_from_name(act[i], &a), VB_OK);
		assert_int_equal(a, i);
	}
	static const char *const bad[] = {"", "Fever", "fever ", "sever", "observe", NULL};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		enum aefi_symptom s = AEFI_SYM_RASH;
		enum aefi_severity v = AEFI_SEVERE;
		enum aefi_action a = AEFI_OBSERVED;
		assert_int_equal(aefi_symptom_from_name(bad[i], &s), VB_EINVAL);
		assert_int_equal(aefi_severity_from_name(bad[i], &v), VB_EINVAL);
		assert_int_equal(aefi_action_from_name(bad[i], &a), VB_EINVAL);
		assert_int_equal(s, AEFI_SYM_RASH);
		assert_int_equal(v, AEFI_SEVERE);
		assert_int_equal(a, AEFI_OBSERVED);
	}
	assert_null(aefi_symptom_name(AEFI_SYM_COUNT));
	assert_null(aefi_severity_name((enum aefi_severity) - 1));
	assert_null(aefi_action_name(AEFI_ACTION_COUNT));
}

static void test_symptom_lists(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int rc;
		unsigned bits;
		const char *canonical;
	} cases[] = {
	    {"fever", VB_OK, B(FEVER), "fever"},
	    {"rash,fever", VB_OK, B(FEVER) | B(RASH), "fever,rash"},
	    {" rash , fever,rash", VB_OK, B(FEVER) | B(RASH), "fever,rash"},
	    {"other,seizure,anaphylaxis", VB_OK, B(OTHER) | B(SEIZURE) | B(ANAPHYLAXIS),
	     "anaphylaxis,seizure,other"},
	    {"", VB_EINVAL, 0, NULL},
	    {"fever,", VB_EINVAL, 0, NULL},
	    {",fever", VB_EINVAL, 0, NULL},
	    {"fever,,rash", VB_EINVAL, 0, NULL},
	    {"fever;rash", VB_EINVAL, 0, NULL},
	    {"FEVER", VB_EINVAL, 0, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		unsigned bits = 0xdead;
		struct vb_reason why = {0};
		assert_int_equal(aefi_symptoms_parse(cases[i].in, &bits, &why), cases[i].rc);
		if (cases[i].rc != VB_OK) {
			assert_int_equal(bits, 0xdead);
			assert_string_equal(why.code, "bad_symptom");
			continue;
		}
		assert_int_equal(bits, cases[i].bits);
		char out[128];
		assert_int_equal(aefi_symptoms_format(bits, out, sizeof out), VB_OK);
		assert_string_equal(out, cases[i].canonical);
		/* exactly enough room, and one byte short */
		size_t need = strlen(cases[i].canonical) + 1;
		char tight[128] = "untouched";
		assert_int_equal(aefi_symptoms_format(bits, tight, need - 1), VB_ERANGE);
		assert_string_equal(tight, "untouched");
		assert_int_equal(aefi_symptoms_format(bits, tight, need), VB_OK);
		assert_string_equal(tight, cases[i].canonical);
	}
	assert_int_equal(aefi_symptoms_parse(NULL, &(unsigned){0}, NULL), VB_EINVAL);
	char out[8] = "x";
	assert_int_equal(aefi_symptoms_format(0, out, sizeof out), VB_OK);
	assert_string_equal(out, "");
	assert_int_equal(aefi_symptoms_format(1u << AEFI_SYM_COUNT, out, sizeof out), VB_EINVAL);
	/* every symptom at once round-trips */
	char all[256];
	unsigned bits = 0;
	assert_int_equal(aefi_symptoms_format(AEFI_SYM_ALL, all, sizeof all), VB_OK);
	assert_int_equal(aefi_symptoms_parse(all, &bits, NULL), VB_OK);
	assert_int_equal(bits, AEFI_SYM_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_unterminated),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_symptom_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
