/*
 * model_thermo: a TEMPer USB thermometer (0c45:7401) for the usbsim
 * harness, for the driver's umockdev tests and the app's CLI tests.
 *
 * What it emulates (see drivers/thermo/thermo_proto.h for the bytes):
 * a low-speed composite HID device, interface 0 a boot keyboard (IN 0x81)
 * and interface 1 the sensor (IN 0x82, 8-byte interrupt packets), both
 * bound to usbhid when plugged. A HID SET_REPORT (`21 09 0200 0001`, 8
 * bytes) asking `01 82 77 01` queues the identify answer `82 NN ...`
 * (NN = sensor count); asking `01 80 33 01` queues `80 LL T0 T0 ...` with
 * the temperatures set now. Bytes past the answer's data hold stale junk,
 * as on real sticks. Other control requests stall.
 *
 * The setters are safe to call from the test's thread while the harness
 * runs the model on its worker thread.
 */
#ifndef MODEL_THERMO_H
#define MODEL_THERMO_H

#include <stdatomic.h>
#include <stdint.h>

#include "usbsim.h"

#define MODEL_THERMO_SENSORS_MAX 3

struct model_thermo {
	struct usbsim_model base;
	atomic_uint n_sensors;			  /* 1..3, as the identify answer says */
	atomic_int raw[MODEL_THERMO_SENSORS_MAX]; /* 1/256 °C, or 0x4E20 */
	atomic_int silent;			  /* 1: requests go unanswered */
	atomic_uint requests;			  /* SET_REPORTs accepted */
};

/* Initialises m: n_sensors sensors (1..3), all at 4.00 °C, answering. */
void model_thermo_init(struct model_thermo *m, unsigned n_sensors);

/* Sets sensor `sensor` to centi_c (°C × 100, stored as the nearest 1/256
 * °C), or to "no sensor". */
void model_thermo_set_centi(struct model_thermo *m, unsigned sensor, int centi_c);
void model_thermo_set_no_sensor(struct model_thermo *m, unsigned sensor);

/* Makes the stick a 1..3-sensor variant (as if another stick had been
 * plugged in its place; meant for while it is unplugged). */
void model_thermo_set_sensors(struct model_thermo *m, unsigned n_sensors);

/* 1: the stick takes requests but sends nothing back (a read times out). */
void model_thermo_set_silent(struct model_thermo *m, int silent);

/* SET_REPORT requests the stick has accepted so far. */
unsigned model_thermo_requests(struct model_thermo *m);

/* Fills *d with the TEMPer's description (product "TEMPerV1.4"). */
void model_thermo_desc(struct usbsim_dev_desc *d);

/* Plugs a TEMPer played by m into sim (see usbsim_dev_add). */
struct usbsim_dev *model_thermo_add(struct usbsim *sim, struct model_thermo *m);

#endif
