/*
 * thermo: the fridge-thermometer device class.
 *
 * One struct thermo_dev per thermometer stick (one per fridge). A read
 * asks the stick for a fresh report and returns one reading per sensor
 * the stick has: the stick's own sensor first, then its external probe(s)
 * on the variants that have them (TEMPer2: two, TEMPerNTC: three). Each
 * reading carries its own status, so an unplugged probe does not hide the
 * internal sensor. Every device has a stable name the app maps to a
 * fridge in its configuration: the USB port path ("1-2.3") for a real
 * stick, the script's section name for a simulated one.
 *
 * Implementations: thermo_usb.h (TEMPer 0c45:7401 over drivers/usb) and
 * drivers/sim/sim_thermo.h (a scripted series for the demo and UI tests).
 */
#ifndef THERMO_H
#define THERMO_H

#include <stddef.h>
#include <stdint.h>

#include "drv_error.h"

#define THERMO_SENSOR_MAX 3  /* report slots [2..3], [4..5], [6..7] */
#define THERMO_NAME_MAX	  32 /* fits usb_device_info.port_path */

/* The plausible range, both ends included: −40..+85 °C. −40 °C is the
 * lowest temperature PCsensor advertises for any TEMPer (its TEMPer/
 * TEMPer2 sticks "−40 to 120 °C", padelt/temper-python issue #59); +85 °C
 * is printed on PCsensor's TEMPerHUM stick ("−40C − +85C", recorded in
 * urwen/temper's device list) and is the usual upper rating of the
 * stick's electronics, which hold the internal sensor. A vaccine fridge
 * (2–8 °C) or freezer never legitimately reads outside it; a value
 * outside is a garbled report or a broken probe. */
#define THERMO_MIN_CENTI (-4000)
#define THERMO_MAX_CENTI 8500

struct thermo_reading {
	unsigned sensor; /* 0 = the stick's own sensor, 1.. = external probes */
	int status;	 /* DRV_OK; DRV_ENOTFOUND: no sensor in this slot (the
			  * device reported 0x4E20); DRV_EPROTO: outside
			  * THERMO_MIN_CENTI..THERMO_MAX_CENTI */
	int16_t raw;	 /* the report's signed value, in 1/256 °C */
	int centi_c;	 /* °C × 100, rounded half away from zero; valid on DRV_OK */
	double celsius;	 /* raw / 256.0; valid on DRV_OK */
};

struct thermo_dev;

struct thermo_dev_ops {
	/* Asks for a fresh report and writes one reading per sensor the
	 * device has into out[0..*n) (at most cap; cap >= THERMO_SENSOR_MAX
	 * never truncates). Returns DRV_OK when a whole report was decoded
	 * (each reading then has its own status), or DRV_ETIMEOUT, DRV_ENODEV
	 * (unplugged; reads work again once it is back), DRV_EIO, DRV_EPROTO
	 * (a short or garbled report), DRV_ENOTSUP (a stick variant this
	 * driver does not know), DRV_EINVAL (cap 0 or timeout_ms <= 0).
	 * timeout_ms bounds the whole exchange. out and *n are written only
	 * on DRV_OK. */
	int (*read)(struct thermo_dev *d, struct thermo_reading *out, size_t cap, size_t *n,
		    int timeout_ms);
	/* Closes and frees the device. Accepts NULL. */
	void (*free)(struct thermo_dev *d);
};

/* Implementations embed this as their first member and fill both fields. */
struct thermo_dev {
	const struct thermo_dev_ops *ops;
	char name[THERMO_NAME_MAX]; /* stable name, NUL-terminated */
};

static inline int thermo_dev_read(struct thermo_dev *d, struct thermo_reading *out, size_t cap,
				  size_t *n, int timeout_ms)
{
	return d->ops->read(d, out, cap, n, timeout_ms);
}

/* The device's stable name (borrowed; valid until thermo_dev_free). */
static inline const char *thermo_dev_name(const struct thermo_dev *d)
{
	return d->name;
}

static inline void thermo_dev_free(struct thermo_dev *d)
{
	if (d)
		d->ops->free(d);
}

#endif
