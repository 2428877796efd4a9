/*
 * vbdate: civil dates and UTC timestamps for the rules.
 *
 * A date is an int32_t counting days since 1970-01-01 in the proleptic
 * Gregorian calendar (negative before). A timestamp is an int64_t of UTC
 * seconds since the epoch. The core never reads a clock: callers pass
 * "today" and "now" in.
 */
#ifndef VBDATE_H
#define VBDATE_H

#include <stdint.h>

/* A date that is not set (e.g. a card's "长期" validity, no expiry). */
#define VBDATE_NONE INT32_MIN

/* Writes the day number of y-m-d to *days. Returns VB_OK, or VB_EINVAL if
 * the date does not exist (month 13, 30 February) or the year is outside
 * 1800..9999; *days is then untouched. */
int vbdate_from_ymd(int y, int m, int d, int32_t *days);

/* Splits a day number into year, month (1-12) and day (1-31). */
void vbdate_to_ymd(int32_t days, int *y, int *m, int *d);

/* Parses exactly eight digits "YYYYMMDD" (len bytes of s). Returns VB_OK or
 * VB_EINVAL (wrong length, non-digit, not a real date). */
int vbdate_parse_compact(const char *s, int len, int32_t *days);

/* Parses "YYYY-MM-DD" or "YYYYMMDD" (NUL-terminated). VB_OK or VB_EINVAL. */
int vbdate_parse(const char *s, int32_t *days);

/* Formats as "YYYY-MM-DD" into out (at least 11 bytes), or "" for NONE. */
void vbdate_format(int32_t days, char out[11]);

/* Formats as "YYYYMMDD" into out (at least 9 bytes), or "" for NONE. */
void vbdate_format_compact(int32_t days, char out[9]);

/* The same day n months later (n may be negative), clamped to the end of
 * the month: 2021-01-31 + 1 month = 2021-02-28. */
int32_t vbdate_add_months(int32_t days, int months);

/* Completed years of age on `on` for someone born on `birth` (a person
 * born on 29 February turns a year older on 1 March in common years). */
int vbdate_age_years(int32_t birth, int32_t on);

/* The UTC date of a timestamp shifted by utc_offset_min minutes. */
int32_t vbdate_from_unix(int64_t secs, int utc_offset_min);

/* The timestamp of 00:00 UTC on a date. */
int64_t vbdate_to_unix(int32_t days);

#endif
