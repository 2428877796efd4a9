/*
 * sim_thermo: simulated fridge thermometers playing a scripted series,
 * for the demo's fridge excursion and the UI tests.
 *
 * Script format (UTF-8 text, one entry per line, at most 255 bytes a
 * line and 4096 entries a fridge; '#' starts a comment, blank lines are
 * skipped):
 *
 *   [fridge-2]          a section: the series of the thermometer named
 *                       "fridge-2" (1..31 bytes, no ']'); a file without
 *                       sections is one series for whatever name is asked
 *   0      5.0          OFFSET VALUE [VALUE [VALUE]]: from OFFSET on, the
 *   25m    9.5          sensors read these °C (one column per sensor: the
 *   1h05m  6.0  -18.5   stick's own, then its probes; 1..3 columns, the
 *   70m    none         same count on every line of a section)
 *   75m    unplug       from 75 min on, reads fail with DRV_ENODEV
 *   80m    silent       ... or with DRV_ETIMEOUT
 *
 * OFFSET is seconds since the script's start, as a sum of numbers with
 * an optional unit h, m or s ("90", "10m", "1h05m"), not decreasing
 * from line to line. VALUE is °C with up to 4 decimals ("4.5", "-0.5",
 * "-20"), or "none" for an empty sensor slot. An entry holds until the
 * next one; before the first entry the thermometer is silent.
 *
 * Values become the report bytes a real stick would send (1/256 °C) and
 * are decoded by thermo_proto, so a simulated reading has the same
 * rounding, "no sensor" and plausibility results as a real one (a scripted
 * 90 °C reads as DRV_EPROTO).
 */
#ifndef SIM_THERMO_H
#define SIM_THERMO_H

#include <stddef.h>
#include <stdint.h>

#include "thermo.h"

/* The script's clock: seconds since the script's start. */
typedef int64_t (*sim_thermo_clock_fn)(void *arg);

/* Opens the thermometer `name` (1..31 bytes) from the script at path:
 * its section, or the whole file if it has no sections. clock (with
 * clock_arg, both borrowed) says where in the script a read is; NULL
 * means the monotonic clock since this call. Returns DRV_OK with *out
 * (owned by the caller, freed by thermo_dev_free), DRV_ENOTFOUND (no
 * such file or section), DRV_EINVAL (a bad name or a malformed script),
 * DRV_EIO, DRV_ENOMEM. */
int sim_thermo_open(const char *path, const char *name, sim_thermo_clock_fn clock, void *clock_arg,
		    struct thermo_dev **out);

/* Opens one thermometer per section of the script, in file order, at
 * most cap, into out[0..*n). Returns DRV_OK, DRV_EINVAL (no sections, or
 * as sim_thermo_open), or another error as sim_thermo_open (then nothing
 * is left open and out and *n are untouched). */
int sim_thermo_open_all(const char *path, sim_thermo_clock_fn clock, void *clock_arg,
			struct thermo_dev **out, size_t cap, size_t *n);

#endif
