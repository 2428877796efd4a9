/*
 * iddoc: normalisation and number rules of the identity documents (see
 * iddoc.h for the formats and where they come from).
 */
#include "iddoc.h"

#include <string.h>

#include "mrz.h"
#include "vbdate.h"

static const char *const type_names[] = {
    [IDDOC_CN_RESIDENT] = "cn-resident",   [IDDOC_HK_MO_RESIDENCE] = "hk-mo-residence",
    [IDDOC_TW_RESIDENCE] = "tw-residence", [IDDOC_HK_MO_PERMIT] = "hk-mo-permit",
    [IDDOC_TW_PERMIT] = "tw-permit",	   [IDDOC_FOREIGN_PR] = "foreign-pr",
    [IDDOC_PASSPORT] = "passport",
};

/* English labels for reason texts. */
static const char *const type_labels[] = {
    [IDDOC_CN_RESIDENT] = "resident ID number",
    [IDDOC_HK_MO_RESIDENCE] = "Hong Kong/Macao residence permit number",
    [IDDOC_TW_RESIDENCE] = "Taiwan residence permit number",
    [IDDOC_HK_MO_PERMIT] = "Hong Kong/Macao travel permit number",
    [IDDOC_TW_PERMIT] = "Taiwan travel permit number",
    [IDDOC_FOREIGN_PR] = "foreign permanent residence ID number",
    [IDDOC_PASSPORT] = "passport number",
};

static int type_valid(enum iddoc_type type)
{
	return type >= IDDOC_TYPE_FIRST && type < IDDOC_TYPE_END;
}

int iddoc_type_from_name(const char *name, enum iddoc_type *out)
{
	if (!name)
		return VB_EINVAL;
	for (int t = IDDOC_TYPE_FIRST; t < IDDOC_TYPE_END; t++) {
		if (strcmp(name, type_names[t]) == 0) {
			*out = (enum iddoc_type)t;
			return VB_OK;
		}
	}
	return VB_EINVAL;
}

const char *iddoc_type_name(enum iddoc_type type)
{
	return type_valid(type) ? type_names[type] : NULL;
}

void iddoc_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

char iddoc_cn_check_char(const char *digits17)
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(digits17[i]))
			return 0;
		sum += (digits17[i] - '0') * weight[i];
	}
	return check[sum % 11];
}

/*
 * Folds one character of raw at *i into *c: ASCII letters and digits
 * (uppercased), '(' and ')', their full-width forms (U+FF10-FF19,
 * U+FF21-FF3A, U+FF41-FF5A, U+FF08, U+FF09) and the separators space, tab,
 * '-', U+3000 and U+FF0D (*c = 0: dropped). Returns the bytes consumed, or
 * 0 for anything else.
 */
static size_t fold_char(const unsigned char *s, char *c)
{
	if (s[0] < 0x80) {
		char a = (char)s[0];
		if (a == ' ' || a == '\t' || a == '-')
			*c = 0;
		else if (is_digit(a) || is_upper(a) || a == '(' || a == ')')
			*c = a;
		else if (a >= 'a' && a <= 'z')
			*c = (char)(a - 'a' + 'A');
		else
			return 0;
		return 1;
	}
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { /* U+3000 ideographic space */
		*c = 0;
		return 3;
	}
	if (s[0] != 0xEF)
		return 0;
	if (s[1] == 0xBC) { /* U+FF00..U+FF3F */
		if (s[2] >= 0x90 && s[2] <= 0x99)
			*c = (char)('0' + s[2] - 0x90);
		else if (s[2] >= 0xA1 && s[2] <= 0xBA)
			*c = (char)('A' + s[2] - 0xA1);
		else if (s[2] == 0x88)
			*c = '(';
		else if (s[2] == 0x89)
			*c = ')';
		else if (s[2] == 0x8D)
			*c = 0;
		else
			return 0;
		return 3;
	}
	if (s[1] == 0xBD && s[2] >= 0x81 && s[2] <= 0x9A) { /* U+FF41..U+FF5A */
		*c = (char)('A' + s[2] - 0x81);
		return 3;
	}
	return 0;
}

/* Normalises raw into out[IDDOC_NUMBER_MAX + 1]. */
static int normalise(const char *raw, const char *label, char *out, struct vb_reason *why)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t n = 0;
	while (*s) {
		char c = 0;
		size_t used = fold_char(s, &c);
		if (!used) {
			vb_reason_set(why, "bad_char",
				      "The %s contains a character that is not allowed", label);
			return VB_EINVAL;
		}
		s += used;
		if (!c)
			continue;
		if (n == IDDOC_NUMBER_MAX) {
			vb_reason_set(why, "bad_length", "The %s is too long", label);
			return VB_EINVAL;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (n == 0) {
		vb_reason_set(why, "empty", "The %s is empty", label);
		return VB_EINVAL;
	}
	return VB_OK;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* 1 if the two digits at s are a mainland province-level code of GB/T 2260. */
static int province_code(const char *s)
{
	static const char *const ranges[] = {"1115", "2123", "3137", "4146", "5054", "6165"};
	int code = (s[0] - '0') * 10 + (s[1] - '0');
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		int lo = (ranges[i][0] - '0') * 10 + (ranges[i][1] - '0');
		int hi = (ranges[i][2] - '0') * 10 + (ranges[i][3] - '0');
		if (code >= lo && code <= hi)
			return 1;
	}
	return 0;
}

/*
 * The type an 18-character number with a valid check char belongs to, from
 * its region, or 0 with *why filled ("bad_region").
 */
static enum iddoc_type detect18(const char *n, const char *label, struct vb_reason *why)
{
	if (n[0] == '9') {
		if (province_code(n + 1))
			return IDDOC_FOREIGN_PR;
	} else if (n[0] == '8' && (n[1] >= '1' && n[1] <= '3')) {
		if (memcmp(n + 2, "0000", 4) == 0)
			return n[1] == '3' ? IDDOC_TW_RESIDENCE : IDDOC_HK_MO_RESIDENCE;
	} else if (province_code(n)) {
		return IDDOC_CN_RESIDENT;
	}
	vb_reason_set(why, "bad_region", "The region code of the %s does not exist", label);
	return (enum iddoc_type)0;
}

/* The encoded birth date YYYYMMDD at s, checked against today. */
static int birth_date(const char *s, int32_t today, const char *label, int32_t *birth,
		      struct vb_reason *why)
{
	int32_t d;
	if (vbdate_parse_compact(s, 8, &d)) {
		vb_reason_set(why, "bad_birth_date", "The birth date in the %s is not a real date",
			      label);
		return VB_EINVAL;
	}
	if (d > today) {
		vb_reason_set(why, "future_birth_date", "The birth date in the %s is in the future",
			      label);
		return VB_EINVAL;
	}
	*birth = d;
	return VB_OK;
}

/* The 18-character formats: cn-resident, the residence permits, foreign-pr 2023. */
static int validate18(enum iddoc_type type, struct iddoc *doc, int32_t today, struct vb_reason *why)
{
	const char *label = type_labels[type];
	const char *n = doc->number;
	if (!all_digits(n, 17) || !(is_digit(n[17]) || n[17] == 'X')) {
		vb_reason_set(why, "bad_char", "The %s must be 17 digits followed by a digit or X",
			      label);
		return VB_EINVAL;
	}
	if (iddoc_cn_check_char(n) != n[17]) {
		vb_reason_set(why, "check_char", "The check character of the %s does not match",
			      label);
		return VB_EINVAL;
	}
	enum iddoc_type found = detect18(n, label, why);
	if (!found)
		return VB_EINVAL;
	int ok = found == type || (type == IDDOC_CN_RESIDENT &&
				   (found == IDDOC_HK_MO_RESIDENCE || found == IDDOC_TW_RESIDENCE));
	if (!ok) {
		vb_reason_set(why, "wrong_type", "The number is not a %s but a %s", label,
			      type_labels[found]);
		return VB_EINVAL;
	}
	if (birth_date(n + 6, today, label, &doc->birth, why))
		return VB_EINVAL;
	doc->sex = (n[16] - '0') % 2 ? 1 : 2;
	doc->type = found;
	return VB_OK;
}

static int bad_length(const char *label, const char *rule, struct vb_reason *why)
{
	vb_reason_set(why, "bad_length", "The %s must be %s", label, rule);
	return VB_EINVAL;
}

static int bad_shape(const char *label, const char *rule, struct vb_reason *why)
{
	vb_reason_set(why, "bad_char", "The %s must be %s", label, rule);
	return VB_EINVAL;
}

static int validate_foreign_pr(struct iddoc *doc, int32_t today, struct vb_reason *why)
{
	const char *label = type_labels[IDDOC_FOREIGN_PR];
	size_t len = strlen(doc->number);
	if (len == 18)
		return validate18(IDDOC_FOREIGN_PR, doc, today, why);
	if (len != 15)
		return bad_length(label, "18 characters (or 15 on cards issued before 2023)", why);
	const char *n = doc->number;
	if (!is_upper(n[0]) || !is_upper(n[1]) || !is_upper(n[2]) || !all_digits(n + 3, 12))
		return bad_shape(label, "3 letters followed by 12 digits (cards before 2023)", why);
	return VB_OK;
}

static int validate_hk_mo_permit(struct iddoc *doc, struct vb_reason *why)
{
	const char *label = type_labels[IDDOC_HK_MO_PERMIT];
	const char *n = doc->number;
	size_t len = strlen(n);
	if (len != 9 && len != 11)
		return bad_length(label, "H or M followed by 8 or 10 digits", why);
	if ((n[0] != 'H' && n[0] != 'M') || !all_digits(n + 1, len - 1))
		return bad_shape(label, "H or M followed by 8 or 10 digits", why);
	return VB_OK;
}

static int validate_tw_permit(struct iddoc *doc, struct vb_reason *why)
{
	const char *label = type_labels[IDDOC_TW_PERMIT];
	const char *rule = "8 digits (older permits: 10 digits and an office code)";
	char *n = doc->number;
	size_t len = strlen(n);
	if (len == 13 && n[10] == '(' && n[12] == ')') { /* 1234567801(B) */
		n[10] = n[11];
		memset(n + 11, 0, 2);
		len = 11;
	}
	if (len != 8 && len != 10 && len != 11)
		return bad_length(label, rule, why);
	if (!all_digits(n, len == 8 ? 8 : 10) ||
	    (len == 11 && !is_digit(n[10]) && !is_upper(n[10])))
		return bad_shape(label, rule, why);
	return VB_OK;
}

static int validate_passport(const char *n, struct vb_reason *why)
{
	const char *label = type_labels[IDDOC_PASSPORT];
	size_t len = strlen(n);
	if (len < 5 || len > 9)
		return bad_length(label, "5 to 9 letters or digits", why);
	for (size_t i = 0; i < len; i++)
		if (!is_digit(n[i]) && !is_upper(n[i]))
			return bad_shape(label, "5 to 9 letters or digits", why);
	return VB_OK;
}

int iddoc_validate(enum iddoc_type type, const char *raw, int32_t today, struct iddoc *out,
		   struct vb_reason *why)
{
	struct iddoc doc = {.type = type, .birth = VBDATE_NONE};
	int rc = VB_OK;
	if (!type_valid(type)) {
		vb_reason_set(why, "bad_type", "Unknown identity document type");
		return VB_EINVAL;
	}
	if (!raw) {
		vb_reason_set(why, "empty", "The %s is empty", type_labels[type]);
		return VB_EINVAL;
	}
	rc = normalise(raw, type_labels[type], doc.number, why);
	if (rc)
		goto out;
	switch (type) {
	case IDDOC_CN_RESIDENT:
	case IDDOC_HK_MO_RESIDENCE:
	case IDDOC_TW_RESIDENCE:
		if (strlen(doc.number) != 18)
			rc = bad_length(type_labels[type], "18 characters", why);
		else
			rc = validate18(type, &doc, today, why);
		break;
	case IDDOC_FOREIGN_PR:
		rc = validate_foreign_pr(&doc, today, why);
		break;
	case IDDOC_HK_MO_PERMIT:
		rc = validate_hk_mo_permit(&doc, why);
		break;
	case IDDOC_TW_PERMIT:
		rc = validate_tw_permit(&doc, why);
		break;
	case IDDOC_PASSPORT:
		rc = validate_passport(doc.number, why);
		break;
	}
	if (rc)
		goto out;
	*out = doc;
out:
	iddoc_wipe(&doc, sizeof(doc));
	return rc;
}

int iddoc_from_mrz(const struct mrz *m, struct iddoc *out, struct vb_reason *why)
{
	struct iddoc doc = {.type = IDDOC_PASSPORT};
	if (m->doc_code[0] != 'P') {
		vb_reason_set(why, "wrong_type", "The machine-readable zone is not a passport's");
		return VB_EINVAL;
	}
	size_t len = strnlen(m->number, sizeof(m->number));
	if (len >= sizeof(doc.number))
		return bad_length(type_labels[IDDOC_PASSPORT], "5 to 9 letters or digits", why);
	memcpy(doc.number, m->number, len);
	if (validate_passport(doc.number, why))
		return VB_EINVAL;
	doc.birth = m->birth;
	doc.sex = m->sex;
	size_t cl = strnlen(m->issuing_state, sizeof(m->issuing_state));
	if (cl < sizeof(doc.country))
		memcpy(doc.country, m->issuing_state, cl);
	*out = doc;
	return VB_OK;
}

int iddoc_mask(const struct iddoc *doc, char *out, size_t cap)
{
	size_t n = strnlen(doc->number, sizeof(doc->number));
	if (n == sizeof(doc->number))
		return VB_EINVAL;
	if (cap < n + 1) {
		if (cap > 0)
			out[0] = '\0';
		return VB_ERANGE;
	}
	size_t head = n >= 15 ? 4 : 1, tail = n >= 15 ? 4 : 2;
	if (n < 5)
		head = tail = 0; /* too short to show any of it */
	for (size_t i = 0; i < n; i++)
		out[i] = (i < head || i + tail >= n) ? doc->number[i] : '*';
	out[n] = '\0';
	return VB_OK;
}
