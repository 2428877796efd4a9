/*
 * test_ids: helpers shared by the core tests that need valid identity
 * numbers: a date from text, and resident ID numbers whose check
 * character is computed from GB 11643's definition (weights 2^(i-1) mod
 * 11), independently of iddoc.c. Include after cmocka.h.
 */
#ifndef TEST_IDS_H
#define TEST_IDS_H

#include <stdint.h>
#include <stdio.h>

#include "vb_error.h"
#include "vbdate.h"

static inline int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(vbdate_parse(s, &d), VB_OK);
	return d;
}

/* The check char from the standard's definition: the weight of position i
 * (1-based from the right, the check char being position 1) is
 * 2^(i-1) mod 11; the check char makes the weighted sum 1 mod 11. */
static inline char check_char(const char *d17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int w = 1;
		for (int k = 0; k < 17 - i; k++)
			w = w * 2 % 11;
		sum += (d17[i] - '0') * w;
	}
	for (int c = 0; c <= 10; c++)
		if ((sum + c) % 11 == 1)
			return c == 10 ? 'X' : (char)('0' + c);
	return '?';
}

/* An 18-character resident ID of region, birth (YYYYMMDD) and sequence. */
static inline void make18(char *out, const char *region, const char *birth, int seq)
{
	snprintf(out, 19, "%.6s%.8s%03d", region, birth, seq % 1000);
	out[17] = check_char(out);
	out[18] = '\0';
}

#endif
