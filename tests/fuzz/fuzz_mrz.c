/*
 * Fuzz mrz_parse(). Two modes, chosen by the first byte:
 * - raw: the rest is the zone text as a scanner would send it;
 * - 0xFF: the rest is mapped onto the MRZ alphabet as a TD3 (or, with the
 *   second byte odd, a TD1) zone whose check digits are then made right,
 *   so parsing can fail only on a field's meaning, never on a check digit.
 * Every accepted zone must have terminated fields within their caps, only
 * MRZ characters, dates in range and a repeatable result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iddoc.h"
#include "mrz.h"
#include "vbdate.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

/* A field: terminated within cap; names hold A-Z, 0-9 and single inner
 * spaces; codes hold A-Z, 0-9 and inner fillers, never a trailing one. */
static void check_field(const char *s, size_t cap, int name)
{
	size_t n = strnlen(s, cap);
	CHECK(n < cap);
	CHECK(n == 0 || (s[n - 1] != '<' && s[n - 1] != ' ' && s[0] != ' '));
	for (size_t i = 0; i < n; i++) {
		int alnum = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z');
		if (name)
			CHECK(alnum || (s[i] == ' ' && s[i - 1] != ' '));
		else
			CHECK(alnum || s[i] == '<');
	}
}

/* Builds a zone with right check digits from fuzz bytes into text. */
static size_t build(const uint8_t *data, size_t size, char *text)
{
	int td1 = size > 0 && (data[0] & 1);
	size_t total = td1 ? 90 : 88;
	for (size_t i = 0; i < total; i++)
		text[i] = alphabet[(i + 1 < size ? data[i + 1] : 0) % (sizeof(alphabet) - 1)];
	if (td1) {
		char *l1 = text, *l2 = text + 30;
		l1[0] = 'I';
		if (l1[14] != '<')
			l1[14] = mrz_check_digit(l1 + 5, 9);
		l2[6] = mrz_check_digit(l2, 6);
		l2[14] = mrz_check_digit(l2 + 8, 6);
		char c[50];
		memcpy(c, l1 + 5, 25);
		memcpy(c + 25, l2, 7);
		memcpy(c + 32, l2 + 8, 7);
		memcpy(c + 39, l2 + 18, 11);
		l2[29] = mrz_check_digit(c, 50);
	} else {
		char *l1 = text, *l2 = text + 44;
		l1[0] = 'P';
		l2[9] = mrz_check_digit(l2, 9);
		l2[19] = mrz_check_digit(l2 + 13, 6);
		l2[27] = mrz_check_digit(l2 + 21, 6);
		l2[42] = mrz_check_digit(l2 + 28, 14);
		char c[39];
		memcpy(c, l2, 10);
		memcpy(c + 10, l2 + 13, 7);
		memcpy(c + 17, l2 + 21, 22);
		l2[43] = mrz_check_digit(c, 39);
	}
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[4096];
	int32_t today, lo, hi;
	vbdate_from_ymd(2021, 6, 1, &today);
	vbdate_from_ymd(1921, 6, 2, &lo);
	vbdate_from_ymd(2071, 12, 31, &hi);
	if (size < 1 || size > sizeof(text))
		return 0;
	int built = data[0] == 0xFF;
	size_t len;
	if (built) {
		len = build(data + 1, size - 1, text);
	} else {
		memcpy(text, data + 1, size - 1);
		len = size - 1;
	}

	struct mrz m, sentinel;
	memset(&m, 0x5C, sizeof(m));
	sentinel = m;
	struct vb_reason why = {0};
	int rc = mrz_parse(text, len, today, &m, &why);
	if (rc) {
		CHECK(rc == VB_EINVAL);
		CHECK(why.code != NULL);
		CHECK(memchr(why.text, '\0', sizeof(why.text)) != NULL);
		CHECK(memcmp(&m, &sentinel, sizeof(m)) == 0);
		/* a zone with right check digits fails on meaning only */
		if (built)
			CHECK(strncmp(why.code, "check_", 6) != 0 ||
			      (text[0] == 'I' && text[14] == '<'));
		return 0;
	}
	CHECK(m.format == MRZ_TD1 || m.format == MRZ_TD3);
	check_field(m.doc_code, sizeof(m.doc_code), 0);
	check_field(m.number, sizeof(m.number), 0);
	check_field(m.issuing_state, sizeof(m.issuing_state), 0);
	check_field(m.nationality, sizeof(m.nationality), 0);
	check_field(m.surname, sizeof(m.surname), 1);
	check_field(m.given_names, sizeof(m.given_names), 1);
	check_field(m.personal_number, sizeof(m.personal_number), 0);
	CHECK(m.doc_code[0] == (m.format == MRZ_TD3 ? 'P' : m.doc_code[0]));
	CHECK(m.birth >= lo && m.birth <= today); /* latest century not after today */
	CHECK(m.expiry >= lo - 366 && m.expiry <= hi);
	CHECK(m.sex >= 0 && m.sex <= 2);

	/* the same text parses to the same result */
	struct mrz again;
	CHECK(mrz_parse(text, len, today, &again, NULL) == VB_OK);
	CHECK(again.format == m.format && strcmp(again.doc_code, m.doc_code) == 0 &&
	      strcmp(again.number, m.number) == 0 &&
	      strcmp(again.issuing_state, m.issuing_state) == 0 &&
	      strcmp(again.nationality, m.nationality) == 0 &&
	      strcmp(again.surname, m.surname) == 0 &&
	      strcmp(again.given_names, m.given_names) == 0 &&
	      strcmp(again.personal_number, m.personal_number) == 0 && again.birth == m.birth &&
	      again.sex == m.sex && again.expiry == m.expiry);

	/* a passport number that iddoc takes validates as typed too */
	struct iddoc doc, typed;
	if (iddoc_from_mrz(&m, &doc, NULL) == VB_OK) {
		CHECK(m.doc_code[0] == 'P');
		CHECK(iddoc_validate(IDDOC_PASSPORT, doc.number, today, &typed, NULL) == VB_OK);
		CHECK(strcmp(typed.number, doc.number) == 0);
		CHECK(doc.birth == m.birth && doc.sex == m.sex);
	}
	return 0;
}
