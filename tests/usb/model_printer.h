/*
 * model_printer: an ESC/POS receipt printer (0416:5011, USB printer class
 * 7/1/2 with bulk OUT 0x01 and bulk IN 0x82 of 64 bytes, bound to usblp
 * when plugged) for the usbsim harness, for the printer driver's umockdev
 * tests and the app's CLI tests.
 *
 * It captures every OUT byte (up to MODEL_PRINTER_CAPTURE_MAX; more is
 * counted in `dropped`) and answers DLE EOT n (10 04 n, n = 1..4) with one
 * byte on 0x82 according to its state — wherever the sequence occurs in
 * the stream, across transfers and inside raster data too, as real
 * printers do (such stray answers wait in the IN queue):
 *   state        n=1   n=2   n=3   n=4
 *   OK           12    12    12    12
 *   NEAR_END     12    12    12    1E
 *   PAPER_OUT    1A    32    12    72
 *   COVER_OPEN   1A    16    12    12
 *   OFFLINE      1A    12    12    12
 * OUT transfers are always taken (usbsim cannot NAK), also while the paper
 * is out: a real printer would buffer them until full.
 * model_printer_paper_out_after() makes the paper run out once that many
 * more OUT bytes have arrived; model_printer_unplug_after() unplugs the
 * device from inside the OUT transfer that reaches the count.
 *
 * The setters are safe to call from the test's thread while the harness
 * runs the model on its worker thread.
 */
#ifndef MODEL_PRINTER_H
#define MODEL_PRINTER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "usbsim.h"

#define MODEL_PRINTER_VID	  0x0416
#define MODEL_PRINTER_PID	  0x5011
#define MODEL_PRINTER_OUT_EP	  0x01
#define MODEL_PRINTER_IN_EP	  0x82
#define MODEL_PRINTER_CAPTURE_MAX (4u << 20)

enum model_printer_state {
	MODEL_PRINTER_OK = 0,
	MODEL_PRINTER_NEAR_END,
	MODEL_PRINTER_PAPER_OUT,
	MODEL_PRINTER_COVER_OPEN,
	MODEL_PRINTER_OFFLINE,
};

struct model_printer {
	struct usbsim_model base;
	atomic_int state;	   /* enum model_printer_state */
	atomic_uint requests;	   /* DLE EOT sequences answered */
	atomic_long paper_left;	   /* OUT bytes until the paper runs out; < 0: never */
	atomic_long unplug_left;   /* OUT bytes until an unplug; < 0: never */
	atomic_uint out_transfers; /* OUT transfers received */
	pthread_mutex_t lock;	   /* guards the capture */
	uint8_t *captured;	   /* OUT bytes, in order */
	size_t n_captured, cap, dropped;
	uint8_t tail[2]; /* the last two OUT bytes, for 10 04 n across transfers */
	size_t n_tail;
	int bidirectional; /* 0: protocol 1, no IN endpoint */
};

/* Initialises m: paper OK, capturing, bidirectional (7/1/2). */
void model_printer_init(struct model_printer *m);

/* Frees the capture. */
void model_printer_cleanup(struct model_printer *m);

void model_printer_set_state(struct model_printer *m, enum model_printer_state s);
enum model_printer_state model_printer_get_state(struct model_printer *m);

/* The paper runs out after n more OUT bytes (the state becomes PAPER_OUT
 * when they have arrived). */
void model_printer_paper_out_after(struct model_printer *m, long n);

/* The device unplugs itself inside the OUT transfer that brings the n-th
 * next byte. */
void model_printer_unplug_after(struct model_printer *m, long n);

/* Copies the captured bytes into a new malloc'd buffer (*len bytes; free
 * it), or NULL with *len 0 when nothing was captured. */
uint8_t *model_printer_captured(struct model_printer *m, size_t *len);

/* Forgets the captured bytes. */
void model_printer_clear(struct model_printer *m);

/* DLE EOT sequences answered so far. */
unsigned model_printer_requests(struct model_printer *m);

/* Makes the model a unidirectional printer (7/1/1, OUT only) before it is
 * added: the driver cannot read its status. */
void model_printer_set_unidirectional(struct model_printer *m);

/* Fills *d with the printer's description (for m's direction). */
void model_printer_desc(const struct model_printer *m, struct usbsim_dev_desc *d);

/* Plugs a printer played by m into sim (see usbsim_dev_add). */
struct usbsim_dev *model_printer_add(struct usbsim *sim, struct model_printer *m);

#endif
