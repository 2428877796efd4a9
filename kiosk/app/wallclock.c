/*
 * wallclock: system time with a VAXBUS_NOW override, and ISO 8601 parsing
 * and formatting of UTC seconds with an explicit offset.
 */
#include "wallclock.h"

#include "vb_error.h"
#include "vbdate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int two(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return VB_EINVAL;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return VB_OK;
}

int wallclock_parse(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	int32_t day;
	int hh, mm, ss = 0, oh = 0, om = 0, sign = 1;
	if (n < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return VB_EINVAL;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	if (vbdate_parse(date, &day) || two(s + 11, &hh) || two(s + 14, &mm) || hh > 23 || mm > 59)
		return VB_EINVAL;
	const char *p = s + 16;
	if (*p == ':') {
		if (two(p + 1, &ss) || ss > 59)
			return VB_EINVAL;
		p += 3;
	}
	if (*p == 'Z' && p[1] == '\0') {
		/* UTC */
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		sign = *p == '-' ? -1 : 1;
		if (two(p + 1, &oh) || two(p + 4, &om) || oh > 14 || om > 59)
			return VB_EINVAL;
	} else {
		return VB_EINVAL;
	}
	*out = vbdate_to_unix(day) + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	return VB_OK;
}

int64_t wallclock_now(void)
{
	static int warned;
	const char *fixed = getenv("VAXBUS_NOW");
	if (fixed && *fixed) {
		int64_t t;
		if (wallclock_parse(fixed, &t) == VB_OK)
			return t;
		if (!warned++)
			fprintf(stderr,
				"vaxbus: ignoring VAXBUS_NOW (want 2021-06-01T09:30:00+08:00)\n");
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

void wallclock_format(int64_t t, int utc_offset_min, char out[26])
{
	int64_t local = t + (int64_t)utc_offset_min * 60;
	int32_t day = vbdate_from_unix(local, 0);
	int64_t secs = local - vbdate_to_unix(day);
	int off = utc_offset_min < 0 ? -utc_offset_min : utc_offset_min;
	char date[11];
	vbdate_format(day, date);
	unsigned hh = (unsigned)(secs / 3600) % 24u, mm = (unsigned)(secs / 60 % 60) % 60u,
		 ss = (unsigned)(secs % 60) % 60u, oh = (unsigned)(off / 60) % 100u,
		 om = (unsigned)off % 60u;
	snprintf(out, 26, "%.10sT%02u:%02u:%02u%c%02u:%02u", date, hh, mm, ss,
		 utc_offset_min < 0 ? '-' : '+', oh, om);
}
