/*
 * vbdate: civil date arithmetic on day numbers, using the era/day-of-era
 * decomposition of the Gregorian calendar's 400-year cycle.
 */
#include "vbdate.h"
#include "vb_error.h"

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int vbdate_from_ymd(int y, int m, int d, int32_t *days)
{
	if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return VB_EINVAL;
	*days = days_from_civil(y, m, d);
	return VB_OK;
}

void vbdate_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int32_t z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return VB_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return VB_OK;
}

int vbdate_parse_compact(const char *s, int len, int32_t *days)
{
	int y, m, d;
	if (len != 8 || digits(s, 4, &y) || digits(s + 4, 2, &m) || digits(s + 6, 2, &d))
		return VB_EINVAL;
	return vbdate_from_ymd(y, m, d, days);
}

int vbdate_parse(const char *s, int32_t *days)
{
	int n = 0;
	while (n < 11 && s[n])
		n++;
	if (n == 8)
		return vbdate_parse_compact(s, 8, days);
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return VB_EINVAL;
	char compact[8] = {s[0], s[1], s[2], s[3], s[5], s[6], s[8], s[9]};
	return vbdate_parse_compact(compact, 8, days);
}

/* Writes YYYY, MM and DD with `sep` between them (none when sep is 0). */
static void format_ymd(int32_t days, char sep, char *out)
{
	int y, m, d;
	if (days == VBDATE_NONE) {
		out[0] = '\0';
		return;
	}
	vbdate_to_ymd(days, &y, &m, &d);
	char *p = out;
	for (int div = 1000; div; div /= 10)
		*p++ = (char)('0' + y / div % 10);
	if (sep)
		*p++ = sep;
	*p++ = (char)('0' + m / 10);
	*p++ = (char)('0' + m % 10);
	if (sep)
		*p++ = sep;
	*p++ = (char)('0' + d / 10);
	*p++ = (char)('0' + d % 10);
	*p = '\0';
}

void vbdate_format(int32_t days, char out[11])
{
	format_ymd(days, '-', out);
}

void vbdate_format_compact(int32_t days, char out[9])
{
	format_ymd(days, 0, out);
}

int32_t vbdate_add_months(int32_t days, int months)
{
	int y, m, d;
	vbdate_to_ymd(days, &y, &m, &d);
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return days_from_civil(y, m, d);
}

int vbdate_age_years(int32_t birth, int32_t on)
{
	int by, bm, bd, y, m, d;
	vbdate_to_ymd(birth, &by, &bm, &bd);
	vbdate_to_ymd(on, &y, &m, &d);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

int32_t vbdate_from_unix(int64_t secs, int utc_offset_min)
{
	int64_t t = secs + (int64_t)utc_offset_min * 60;
	int64_t day = t / 86400;
	if (t % 86400 < 0)
		day--;
	return (int32_t)day;
}

int64_t vbdate_to_unix(int32_t days)
{
	return (int64_t)days * 86400;
}
