/*
 * Fuzz gs1_parse(): the first byte is the scanner's GS substitute (0 for
 * none), the rest the scanned bytes. An accepted code must hold a GTIN
 * whose check digit is right, a lot and serial within 20 characters of
 * the GS1 set, an expiry in 2000-2099, and re-encoding those fields in the
 * canonical order must parse back to the same result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gs1.h"
#include "vbdate.h"

static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	CHECK(n < cap);
	for (size_t i = 0; i < n; i++)
		CHECK(s[i] > 0x20 && s[i] < 0x7F && s[i] != '#' && s[i] != '$' && s[i] != '@' &&
		      s[i] != '[' && s[i] != '\\' && s[i] != ']' && s[i] != '^' && s[i] != '`' &&
		      s[i] != '{' && s[i] != '|' && s[i] != '}' && s[i] != '~');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int32_t lo, hi;
	vbdate_from_ymd(2000, 1, 1, &lo);
	vbdate_from_ymd(2099, 12, 31, &hi);
	if (size < 1)
		return 0;
	char sub = (char)data[0];
	struct gs1 g, sentinel;
	memset(&g, 0x3C, sizeof(g));
	sentinel = g;
	struct vb_reason why = {0};
	int rc = gs1_parse((const char *)data + 1, size - 1, sub, &g, &why);
	if (rc) {
		CHECK(rc == VB_EINVAL);
		CHECK(why.code != NULL);
		CHECK(memchr(why.text, '\0', sizeof(why.text)) != NULL);
		CHECK(memcmp(&g, &sentinel, sizeof(g)) == 0);
		return 0;
	}
	CHECK(strnlen(g.gtin, sizeof(g.gtin)) == 14);
	CHECK(gs1_gtin_valid(g.gtin));
	check_text(g.lot, sizeof(g.lot));
	check_text(g.serial, sizeof(g.serial));
	CHECK(g.expiry == VBDATE_NONE || (g.expiry >= lo && g.expiry <= hi));

	/* canonical re-encoding: 01, 17, 21 and 10 last (needs no GS after it) */
	char again[128];
	int n = snprintf(again, sizeof(again), "01%s", g.gtin);
	if (g.expiry != VBDATE_NONE) {
		int y, m, d;
		vbdate_to_ymd(g.expiry, &y, &m, &d);
		n +=
		    snprintf(again + n, sizeof(again) - (size_t)n, "17%02d%02d%02d", y % 100, m, d);
	}
	if (g.serial[0])
		n += snprintf(again + n, sizeof(again) - (size_t)n, "21%s\x1d", g.serial);
	if (g.lot[0])
		n += snprintf(again + n, sizeof(again) - (size_t)n, "10%s", g.lot);
	CHECK(n > 0 && (size_t)n < sizeof(again));
	struct gs1 g2;
	CHECK(gs1_parse(again, (size_t)n, 0, &g2, NULL) == VB_OK);
	CHECK(strcmp(g.gtin, g2.gtin) == 0 && g.expiry == g2.expiry && strcmp(g.lot, g2.lot) == 0 &&
	      strcmp(g.serial, g2.serial) == 0);
	return 0;
}
