/*
 * mrz: parsing and check digits of ICAO 9303 machine-readable zones (TD3
 * passports, TD1 ID cards); positions are documented in mrz.h and below,
 * 0-based.
 */
#include "mrz.h"

#include <string.h>

#include "iddoc.h"
#include "vbdate.h"

#define TD3_LINE 44
#define TD1_LINE 30

static int mrz_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<';
}

char mrz_check_digit(const char *s, size_t len)
{
	static const int weight[3] = {7, 3, 1};
	int sum = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'Z')
			v = c - 'A' + 10;
		else if (c == '<')
			v = 0;
		else
			return 0;
		sum += v * weight[i % 3];
	}
	return (char)('0' + sum % 10);
}

/* Copies len characters of s to out (cap bytes), dropping trailing fillers. */
static void field(const char *s, size_t len, char *out, size_t cap)
{
	while (len > 0 && s[len - 1] == '<')
		len--;
	if (len >= cap)
		len = cap - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Copies name components of s (len chars) to out, each run of fillers
 * becoming one space, leading and trailing fillers dropped. */
static void name_part(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	int gap = 0;
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		if (s[i] == '<') {
			gap = n > 0;
			continue;
		}
		if (gap && n + 2 < cap)
			out[n++] = ' ';
		gap = 0;
		out[n++] = s[i];
	}
	out[n] = '\0';
}

/* Splits the name field at the first "<<" into surname and given names. */
static void name_field(const char *s, size_t len, struct mrz *m)
{
	size_t cut = len;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == '<' && s[i + 1] == '<') {
			cut = i;
			break;
		}
	}
	name_part(s, cut, m->surname, sizeof(m->surname));
	if (cut < len)
		name_part(s + cut, len - cut, m->given_names, sizeof(m->given_names));
	else
		m->given_names[0] = '\0';
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int six_digits(const char *s)
{
	for (int i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Birth YYMMDD: the latest century that does not put it after today. */
static int birth_date(const char *s, int today_year, int32_t today, int32_t *out)
{
	if (!six_digits(s))
		return VB_EINVAL;
	int y = today_year / 100 * 100 + two(s), m = two(s + 2), d = two(s + 4);
	int32_t day;
	if (vbdate_from_ymd(y, m, d, &day) == VB_OK && day <= today) {
		*out = day;
		return VB_OK;
	}
	return vbdate_from_ymd(y - 100, m, d, out);
}

/* Expiry YYMMDD: the century that puts it nearest to today. */
static int expiry_date(const char *s, int today_year, int32_t *out)
{
	if (!six_digits(s))
		return VB_EINVAL;
	int y = today_year / 100 * 100 + two(s);
	if (y - today_year > 50)
		y -= 100;
	else if (today_year - y > 50)
		y += 100;
	return vbdate_from_ymd(y, two(s + 2), two(s + 4), out);
}

static int check(const char *s, size_t len, char digit, const char *code, const char *what,
		 struct vb_reason *why)
{
	if (mrz_check_digit(s, len) == digit)
		return VB_OK;
	vb_reason_set(why, code,
		      "The check digit of the %s in the machine-readable zone does not match",
		      what);
	return VB_EINVAL;
}

/* The fields common to both formats, once the check digits passed. */
static int dates_and_sex(const char *birth, char sex, const char *expiry, int32_t today,
			 struct mrz *m, struct vb_reason *why)
{
	int ty, tm, td;
	vbdate_to_ymd(today, &ty, &tm, &td);
	if (birth_date(birth, ty, today, &m->birth)) {
		vb_reason_set(why, "bad_birth_date",
			      "The birth date in the machine-readable zone is not a real date");
		return VB_EINVAL;
	}
	if (expiry_date(expiry, ty, &m->expiry)) {
		vb_reason_set(why, "bad_expiry_date",
			      "The expiry date in the machine-readable zone is not a real date");
		return VB_EINVAL;
	}
	switch (sex) {
	case 'M':
		m->sex = 1;
		break;
	case 'F':
		m->sex = 2;
		break;
	case '<':
	case 'X':
		m->sex = 0;
		break;
	default:
		vb_reason_set(why, "bad_sex",
			      "The sex in the machine-readable zone is not M, F or X");
		return VB_EINVAL;
	}
	return VB_OK;
}

static int parse_td3(const char *l1, const char *l2, int32_t today, struct mrz *m,
		     struct vb_reason *why)
{
	if (l1[0] != 'P') {
		vb_reason_set(
		    why, "bad_format",
		    "A two-line machine-readable zone must be a passport's (starting with P)");
		return VB_EINVAL;
	}
	int personal_empty = 1;
	for (int i = 28; i < 42; i++)
		personal_empty &= l2[i] == '<';
	char composite[10 + 7 + 22];
	memcpy(composite, l2, 10);
	memcpy(composite + 10, l2 + 13, 7);
	memcpy(composite + 17, l2 + 21, 22);
	if (check(l2, 9, l2[9], "check_document_number", "document number", why) ||
	    check(l2 + 13, 6, l2[19], "check_birth_date", "birth date", why) ||
	    check(l2 + 21, 6, l2[27], "check_expiry_date", "expiry date", why))
		return VB_EINVAL;
	if (!(personal_empty && l2[42] == '<') &&
	    check(l2 + 28, 14, l2[42], "check_personal_number", "personal number", why))
		return VB_EINVAL;
	if (check(composite, sizeof(composite), l2[43], "check_composite", "whole zone", why))
		return VB_EINVAL;
	if (dates_and_sex(l2 + 13, l2[20], l2 + 21, today, m, why))
		return VB_EINVAL;
	m->format = MRZ_TD3;
	field(l1, 2, m->doc_code, sizeof(m->doc_code));
	field(l1 + 2, 3, m->issuing_state, sizeof(m->issuing_state));
	name_field(l1 + 5, TD3_LINE - 5, m);
	field(l2, 9, m->number, sizeof(m->number));
	field(l2 + 10, 3, m->nationality, sizeof(m->nationality));
	field(l2 + 28, 14, m->personal_number, sizeof(m->personal_number));
	return VB_OK;
}

static int parse_td1(const char *l1, const char *l2, const char *l3, int32_t today, struct mrz *m,
		     struct vb_reason *why)
{
	if (l1[0] != 'I' && l1[0] != 'A' && l1[0] != 'C') {
		vb_reason_set(
		    why, "bad_format",
		    "A three-line machine-readable zone must be an ID card's (I, A or C)");
		return VB_EINVAL;
	}
	/* Document number 5-13, check 14; a longer number has '<' at 14 and
	 * continues in the optional data 15-29 up to its check digit. */
	char number[9 + 15];
	size_t nlen = 9, opt = 15;
	char digit = l1[14];
	memcpy(number, l1 + 5, 9);
	if (l1[14] == '<') {
		size_t end = 15;
		while (end < TD1_LINE && l1[end] != '<')
			end++;
		if (end == 15) {
			vb_reason_set(why, "check_document_number",
				      "The check digit of the document number in the "
				      "machine-readable zone is missing");
			return VB_EINVAL;
		}
		memcpy(number + 9, l1 + 15, end - 16);
		nlen = 9 + end - 16;
		digit = l1[end - 1];
		opt = end;
	}
	char composite[25 + 7 + 7 + 11];
	memcpy(composite, l1 + 5, 25);
	memcpy(composite + 25, l2, 7);
	memcpy(composite + 32, l2 + 8, 7);
	memcpy(composite + 39, l2 + 18, 11);
	if (check(number, nlen, digit, "check_document_number", "document number", why) ||
	    check(l2, 6, l2[6], "check_birth_date", "birth date", why) ||
	    check(l2 + 8, 6, l2[14], "check_expiry_date", "expiry date", why) ||
	    check(composite, sizeof(composite), l2[29], "check_composite", "whole zone", why))
		return VB_EINVAL;
	if (dates_and_sex(l2, l2[7], l2 + 8, today, m, why))
		return VB_EINVAL;
	m->format = MRZ_TD1;
	field(l1, 2, m->doc_code, sizeof(m->doc_code));
	field(l1 + 2, 3, m->issuing_state, sizeof(m->issuing_state));
	field(number, nlen, m->number, sizeof(m->number));
	field(l1 + opt, TD1_LINE - opt, m->personal_number, sizeof(m->personal_number));
	field(l2 + 15, 3, m->nationality, sizeof(m->nationality));
	name_field(l3, TD1_LINE, m);
	return VB_OK;
}

int mrz_parse(const char *text, size_t len, int32_t today, struct mrz *out, struct vb_reason *why)
{
	char zone[3 * TD1_LINE];
	size_t n = 0, lines = 0, line_len = 0, first_len = 0;
	int32_t lo, hi;
	vbdate_from_ymd(1900, 1, 1, &lo);
	vbdate_from_ymd(9899, 12, 31, &hi);
	if (today < lo || today > hi) {
		vb_reason_set(why, "bad_today", "Today's date is out of range");
		return VB_EINVAL;
	}
	if (len == 0) {
		vb_reason_set(why, "empty", "The machine-readable zone is empty");
		return VB_EINVAL;
	}
	/* Copy the characters, counting lines and checking each has one length. */
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (c == '\n') {
			if (lines == 0)
				first_len = line_len;
			if (line_len == 0 || line_len != first_len)
				goto bad_length;
			lines++;
			line_len = 0;
			continue;
		}
		if (!mrz_char(c)) {
			vb_reason_set(why, "bad_char",
				      "The machine-readable zone holds a character other than A-Z, "
				      "0-9 and <");
			iddoc_wipe(zone, n);
			return VB_EINVAL;
		}
		if (n == sizeof(zone))
			goto bad_length;
		zone[n++] = c;
		line_len++;
	}
	if (line_len > 0) {
		if (lines > 0 && line_len != first_len)
			goto bad_length;
		lines++;
	}
	struct mrz m = {0};
	int rc;
	if (n == 2 * TD3_LINE && (lines == 1 || lines == 2))
		rc = parse_td3(zone, zone + TD3_LINE, today, &m, why);
	else if (n == 3 * TD1_LINE && (lines == 1 || lines == 3))
		rc = parse_td1(zone, zone + TD1_LINE, zone + 2 * TD1_LINE, today, &m, why);
	else
		goto bad_length;
	if (rc == VB_OK)
		*out = m;
	iddoc_wipe(&m, sizeof(m));
	iddoc_wipe(zone, sizeof(zone));
	return rc;
bad_length:
	iddoc_wipe(zone, sizeof(zone));
	vb_reason_set(
	    why, "bad_length",
	    "The machine-readable zone must be 2 lines of 44 or 3 lines of 30 characters");
	return VB_EINVAL;
}
