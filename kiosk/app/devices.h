/*
 * devices: opens the bus's devices as the configuration says — over USB
 * (drivers/usb and the class drivers) or simulated (drivers/sim) — behind
 * the same ops structs, so the rest of the app never knows which.
 */
#ifndef DEVICES_H
#define DEVICES_H

#include <stddef.h>

#include "config.h"
#include "idcard.h"
#include "printer.h"
#include "scanner.h"
#include "thermo.h"
#include "usb.h"

#define DEVICES_THERMO_MAX 8

struct devices {
	const struct config *cfg; /* borrowed */
	struct usb_ctx *usb;	  /* owned; NULL when simulated */
};

/* Starts the USB context (unless simulated). Returns DRV_OK or a DRV_
 * error (e.g. DRV_EACCES). cfg must outlive d. */
int devices_init(struct devices *d, const struct config *cfg);

/* Stops the USB context. Accepts a zeroed d. */
void devices_cleanup(struct devices *d);

/* Each opens one device of its class (owned by the caller, freed through
 * its ops). DRV_OK, DRV_ENOTFOUND when none is attached (or its
 * simulation file is missing), or another DRV_ error. */
int devices_idcard(struct devices *d, struct idcard_reader **out);
int devices_scanner(struct devices *d, struct scanner_dev **out);
int devices_printer(struct devices *d, struct printer_dev **out);

/* Opens every thermometer into out[0..*n) (at most cap). clock gives the
 * position in a simulated script (seconds since its start; NULL: since
 * the thermometers were opened). */
int devices_thermos(struct devices *d, int64_t (*clock)(void *), void *clock_arg,
		    struct thermo_dev **out, size_t cap, size_t *n);

#endif
