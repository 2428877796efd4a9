/*
 * aefi: the consistency rules of an adverse event record and the name
 * tables of its symptoms, severities and actions.
 */
#include "aefi.h"

#include <string.h>

static const char *const symptom_names[AEFI_SYM_COUNT] = {
    [AEFI_SYM_FEVER] = "fever",
    [AEFI_SYM_LOCAL_REACTION] = "local_reaction",
    [AEFI_SYM_RASH] = "rash",
    [AEFI_SYM_URTICARIA] = "urticaria",
    [AEFI_SYM_ANAPHYLAXIS] = "anaphylaxis",
    [AEFI_SYM_SYNCOPE] = "syncope",
    [AEFI_SYM_HEADACHE] = "headache",
    [AEFI_SYM_NAUSEA] = "nausea",
    [AEFI_SYM_DYSPNOEA] = "dyspnoea",
    [AEFI_SYM_SEIZURE] = "seizure",
    [AEFI_SYM_OTHER] = "other",
};

static const char *const severity_names[AEFI_SEVERITY_COUNT] = {
    [AEFI_MILD] = "mild",
    [AEFI_MODERATE] = "moderate",
    [AEFI_SEVERE] = "severe",
    [AEFI_SERIOUS] = "serious",
};

static const char *const action_names[AEFI_ACTION_COUNT] = {
    [AEFI_OBSERVED] = "observed",
    [AEFI_TREATED_ON_SITE] = "treated_on_site",
    [AEFI_REFERRED_HOSPITAL] = "referred_hospital",
    [AEFI_EMERGENCY_TRANSFER] = "emergency_transfer",
};

static const char *name_of(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : NULL;
}

static int index_of(const char *const *names, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i;
	return -1;
}

const char *aefi_symptom_name(enum aefi_symptom s)
{
	return name_of(symptom_names, AEFI_SYM_COUNT, (int)s);
}

const char *aefi_severity_name(enum aefi_severity s)
{
	return name_of(severity_names, AEFI_SEVERITY_COUNT, (int)s);
}

const char *aefi_action_name(enum aefi_action a)
{
	return name_of(action_names, AEFI_ACTION_COUNT, (int)a);
}

int aefi_symptom_from_name(const char *name, enum aefi_symptom *out)
{
	int i = name ? index_of(symptom_names, AEFI_SYM_COUNT, name, strlen(name)) : -1;
	if (i < 0)
		return VB_EINVAL;
	*out = (enum aefi_symptom)i;
	return VB_OK;
}

int aefi_severity_from_name(const char *name, enum aefi_severity *out)
{
	int i = name ? index_of(severity_names, AEFI_SEVERITY_COUNT, name, strlen(name)) : -1;
	if (i < 0)
		return VB_EINVAL;
	*out = (enum aefi_severity)i;
	return VB_OK;
}

int aefi_action_from_name(const char *name, enum aefi_action *out)
{
	int i = name ? index_of(action_names, AEFI_ACTION_COUNT, name, strlen(name)) : -1;
	if (i < 0)
		return VB_EINVAL;
	*out = (enum aefi_action)i;
	return VB_OK;
}

/* 1 if the fixed-size field holds a NUL. */
#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

int aefi_check(const struct aefi *a, int64_t vaccinated_at, int64_t now, struct vb_reason *why)
{
	if (!TERMINATED(a->id) || !a->id[0]) {
		vb_reason_set(why, "bad_id", "the AEFI record id is empty or too long");
		return VB_EINVAL;
	}
	if (!TERMINATED(a->visit_id) || !a->visit_id[0]) {
		vb_reason_set(why, "bad_visit_id", "the AEFI visit id is empty or too long");
		return VB_EINVAL;
	}
	if (a->symptoms & ~AEFI_SYM_ALL) {
		vb_reason_set(why, "bad_symptom", "symptom bits 0x%x are not in the list",
			      a->symptoms & ~AEFI_SYM_ALL);
		return VB_EINVAL;
	}
	if ((unsigned)a->severity >= AEFI_SEVERITY_COUNT) {
		vb_reason_set(why, "bad_severity", "severity %d is not a known grade",
			      (int)a->severity);
		return VB_EINVAL;
	}
	if ((unsigned)a->action >= AEFI_ACTION_COUNT) {
		vb_reason_set(why, "bad_action", "action %d is not a known action", (int)a->action);
		return VB_EINVAL;
	}
	if (!TERMINATED(a->other) || !TERMINATED(a->action_note)) {
		vb_reason_set(why, "bad_text", "the 'other' or action note text is too long");
		return VB_EINVAL;
	}

	if (a->onset < vaccinated_at)
		return vb_reason_set(why, "onset_before_dose",
				     "onset is %lld s before the dose was given",
				     (long long)(vaccinated_at - a->onset));
	if (a->onset > now)
		return vb_reason_set(why, "onset_in_future", "onset is %lld s in the future",
				     (long long)(a->onset - now));
	if (!a->symptoms)
		return vb_reason_set(why, "no_symptom", "at least one symptom must be chosen");
	int has_other = (a->symptoms & AEFI_BIT(AEFI_SYM_OTHER)) != 0;
	if (has_other && !a->other[0])
		return vb_reason_set(why, "other_text_required",
				     "symptom 'other' needs a description");
	if (!has_other && a->other[0])
		return vb_reason_set(why, "other_text_unused",
				     "a symptom description is given but 'other' is not chosen");
	unsigned grave = AEFI_BIT(AEFI_SYM_ANAPHYLAXIS) | AEFI_BIT(AEFI_SYM_SEIZURE);
	if ((a->symptoms & grave) && a->severity < AEFI_SEVERE)
		return vb_reason_set(
		    why, "severity_too_low", "%s must be graded severe or serious, not %s",
		    (a->symptoms & AEFI_BIT(AEFI_SYM_ANAPHYLAXIS)) ? "anaphylaxis" : "a seizure",
		    severity_names[a->severity]);
	if ((a->symptoms & AEFI_BIT(AEFI_SYM_ANAPHYLAXIS)) && a->action == AEFI_OBSERVED)
		return vb_reason_set(why, "needs_treatment",
				     "anaphylaxis needs treatment, not observation only");
	if (a->severity == AEFI_SERIOUS && a->action != AEFI_REFERRED_HOSPITAL &&
	    a->action != AEFI_EMERGENCY_TRANSFER)
		return vb_reason_set(why, "needs_referral",
				     "a serious event must be referred to a hospital or "
				     "transferred, not '%s'",
				     action_names[a->action]);
	return VB_OK;
}

int aefi_symptoms_parse(const char *s, unsigned *bits, struct vb_reason *why)
{
	unsigned b = 0;
	int pos = 1;

	if (!s) {
		vb_reason_set(why, "bad_symptom", "no symptom list given");
		return VB_EINVAL;
	}
	for (const char *p = s;; pos++) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *q = p;
		while (len && *q == ' ') {
			q++;
			len--;
		}
		while (len && q[len - 1] == ' ')
			len--;
		int i = index_of(symptom_names, AEFI_SYM_COUNT, q, len);
		if (i < 0) {
			vb_reason_set(why, "bad_symptom",
				      "symptom %d of the list is not a known symptom name", pos);
			return VB_EINVAL;
		}
		b |= AEFI_BIT(i);
		if (!end)
			break;
		p = end + 1;
	}
	*bits = b;
	return VB_OK;
}

int aefi_symptoms_format(unsigned bits, char *out, size_t cap)
{
	size_t need = 1;

	if (bits & ~AEFI_SYM_ALL)
		return VB_EINVAL;
	for (int i = 0; i < AEFI_SYM_COUNT; i++)
		if (bits & AEFI_BIT(i))
			need += strlen(symptom_names[i]) + (need > 1);
	if (!out || need > cap)
		return VB_ERANGE;
	size_t len = 0;
	for (int i = 0; i < AEFI_SYM_COUNT; i++) {
		if (!(bits & AEFI_BIT(i)))
			continue;
		if (len)
			out[len++] = ',';
		size_t n = strlen(symptom_names[i]);
		memcpy(out + len, symptom_names[i], n);
		len += n;
	}
	out[len] = '\0';
	return VB_OK;
}
