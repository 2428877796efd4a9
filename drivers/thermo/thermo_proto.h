/*
 * thermo_proto: the TEMPer (0c45:7401) report protocol, without libusb.
 *
 * The host sends an 8-byte output report (a HID SET_REPORT control
 * transfer, `21 09 0200 0001`, on the real stick) and reads the 8-byte
 * answer from the interrupt-IN endpoint 0x82 of interface 1:
 *
 *   identify   01 82 77 01 00 00 00 00  ->  82 NN .. .. .. .. .. ..
 *              NN = 1: TEMPerV1.2/V1.4, one sensor; 2: TEMPer2V1.3 (and
 *              TEMPer1F_V1.3), internal + external; 3: TEMPerNTC1.0,
 *              three (edorfaus/TEMPered libtempered/temper_type.c, which
 *              picks the 0c45:7401 subtype from this byte)
 *   temperature 01 80 33 01 00 00 00 00 ->  80 LL T0 T0 T1 T1 T2 T2
 *              LL = data bytes that follow (2 per sensor: 02 on a
 *              TEMPer1V1.4, 04 on a TEMPer1F_V1.3, dumps in TEMPered
 *              issues #17 and #32); Tk = sensor k, signed big-endian,
 *              1/256 °C (FM75 format); 0x4E20 = no sensor in that slot.
 *              Slots beyond LL hold stale buffer bytes and are ignored.
 *
 * Sending is a seam (struct thermo_proto's send function) so this file
 * runs against a fake in tests; reading is a byte link (one read = one IN
 * transfer; a report split over full-size packets is reassembled, a short
 * packet ends it). The state machine: identify once (again after an
 * unplug), then one temperature request per read; after a timeout the
 * next read first drains a late answer so answers never lag a request.
 */
#ifndef THERMO_PROTO_H
#define THERMO_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "byte_link.h"
#include "thermo.h"

#define THERMO_REPORT_LEN    8
#define THERMO_CMD_IDENTIFY  0x82 /* byte 1 of the request, echoed in byte 0 */
#define THERMO_CMD_READ	     0x80
#define THERMO_RAW_NO_SENSOR 0x4E20

/* Sends one output report of len bytes within timeout_ms. Returns DRV_OK
 * or a DRV_ error (DRV_ENODEV when the device is gone). */
typedef int (*thermo_send_fn)(void *arg, const uint8_t *report, size_t len, int timeout_ms);

struct thermo_proto {
	thermo_send_fn send;
	void *send_arg;
	struct byte_link *in; /* borrowed: the interrupt-IN link */
	unsigned n_sensors;   /* 0 until identified */
	int stale;	      /* a request timed out: its answer may still come */
};

/* Initialises *p (caller-owned; nothing to clean up). send, send_arg and
 * in are borrowed and must outlive *p. */
void thermo_proto_init(struct thermo_proto *p, thermo_send_fn send, void *send_arg,
		       struct byte_link *in);

/* Writes the 8-byte request for command THERMO_CMD_IDENTIFY or
 * THERMO_CMD_READ into out. */
void thermo_proto_encode(uint8_t cmd, uint8_t out[THERMO_REPORT_LEN]);

/* Decodes an identify answer of len bytes. Returns DRV_OK with
 * *n_sensors (1..THERMO_SENSOR_MAX), DRV_EPROTO for a short report or
 * one that is not an identify answer, DRV_ENOTSUP for an unknown sensor
 * count (a variant this driver does not know). */
int thermo_proto_decode_ident(const uint8_t *rep, size_t len, unsigned *n_sensors);

/* Decodes a temperature answer of len bytes from a device with n_sensors
 * sensors into out[0..*n), *n = min(n_sensors, cap). Returns DRV_OK,
 * DRV_EPROTO (short, not a temperature answer, or carrying fewer data
 * bytes than n_sensors need), DRV_EINVAL (cap 0, n_sensors out of
 * 1..THERMO_SENSOR_MAX). out and *n are written only on DRV_OK. */
int thermo_proto_decode(const uint8_t *rep, size_t len, unsigned n_sensors,
			struct thermo_reading *out, size_t cap, size_t *n);

/* Fills *r from a raw slot value: status DRV_ENOTFOUND for 0x4E20,
 * DRV_EPROTO outside the plausible range, else DRV_OK with centi_c and
 * celsius. Shared with the simulated thermometer. */
void thermo_reading_from_raw(int16_t raw, unsigned sensor, struct thermo_reading *r);

/* Asks the device how many sensors it has (sets p->n_sensors). Returns
 * DRV_OK or an error as for thermo_proto_decode_ident, or the transport's
 * error. */
int thermo_proto_identify(struct thermo_proto *p, int timeout_ms);

/* One read as thermo_dev_ops.read describes it: identifies the device
 * first when needed, sends the temperature request and decodes the
 * answer. timeout_ms bounds the whole exchange. */
int thermo_proto_read(struct thermo_proto *p, struct thermo_reading *out, size_t cap, size_t *n,
		      int timeout_ms);

#endif
