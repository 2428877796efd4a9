/*
 * wallclock: the app's one source of wall-clock time.
 *
 * Records carry UTC seconds; the core never reads a clock, so the app asks
 * here and passes the time in. When the environment variable VAXBUS_NOW
 * holds an ISO 8601 time ("2021-06-01T09:30:00+08:00" or "...Z"), that
 * fixed time is used instead of the system clock: tests and scripted days
 * run on a known date.
 */
#ifndef WALLCLOCK_H
#define WALLCLOCK_H

#include <stdint.h>

/* Returns the current UTC time in seconds (or VAXBUS_NOW when set and
 * valid; an invalid VAXBUS_NOW is reported once on stderr and ignored). */
int64_t wallclock_now(void);

/* Parses "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)" into UTC seconds.
 * Returns VB_OK or VB_EINVAL; *out is written only on success. */
int wallclock_parse(const char *s, int64_t *out);

/* Formats UTC seconds as local ISO 8601 with the given offset, e.g.
 * "2021-06-01T09:30:00+08:00", into out (at least 26 bytes). */
void wallclock_format(int64_t t, int utc_offset_min, char out[26]);

#endif
