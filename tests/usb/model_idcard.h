/*
 * model_idcard: a resident ID card reader (SAM module, 0400:c35a) for the
 * usbsim harness, for the driver's umockdev tests and the app's CLI tests.
 *
 * What it emulates (bytes in drivers/idcard/idcard_frame.h): one vendor
 * interface (class 0xFF) with bulk endpoints in one of two layouts:
 * - MODEL_IDCARD_ONE_PAIR: OUT 0x02, IN 0x81. Requests may arrive in any
 *   chunking; each reply is pushed on 0x81 as one transfer.
 * - MODEL_IDCARD_TWO_PAIRS (iDR200 class, AuroraRAS/openiDR200): endpoints
 *   listed 0x81, 0x02, 0x85, 0x06. A request's 7-byte header (preamble +
 *   LEN) must come alone on 0x02 and its LEN-byte body on 0x06; anything
 *   else is dropped unanswered (counted in bad_out). A reply's header is
 *   pushed on 0x81, its body on 0x85.
 * The IN endpoints' wMaxPacketSize is configurable, so a 1295-byte reply
 * reaches the host in packets of that size.
 *
 * It answers SAM status `11 FF` with 0x90; find `20 01` with 0x9F when a
 * card is on it, else 0x80; select `20 02` with 0x90, or 0x81 when the
 * card is gone; read `30 01` with the 1295-byte reply: `01 00 04 00`, the
 * card's text (UCS-2LE, space padded, encoded by idcard_text_encode) and
 * a 1024-byte photo holding MODEL_IDCARD_PHOTO_MARK; anything else with
 * 0x21. The card switch:
 *   ABSENT             no card: find fails
 *   PRESENT            a card: every read works
 *   REMOVE_AT_SELECT   found, then select fails (0x81); the card is gone
 *   REMOVE_AT_READ     found, selected, then the read fails (0x41); gone
 *   UNPLUG_AT_READ     found, selected; on the read the first 640 bytes
 *                      of the reply are sent and the reader is unplugged;
 *                      the switch goes back to PRESENT (replug to go on)
 *
 * The setters are safe to call from the test's thread while the harness
 * runs the model on its worker thread.
 */
#ifndef MODEL_IDCARD_H
#define MODEL_IDCARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "idcard.h"
#include "idcard_frame.h"
#include "idcard_text.h"
#include "usbsim.h"

#define MODEL_IDCARD_VID	0x0400
#define MODEL_IDCARD_PID	0xc35a
#define MODEL_IDCARD_PHOTO_MARK "WLT-PHOTO"

enum model_idcard_layout {
	MODEL_IDCARD_ONE_PAIR,
	MODEL_IDCARD_TWO_PAIRS,
};

enum model_idcard_state {
	MODEL_IDCARD_ABSENT,
	MODEL_IDCARD_PRESENT,
	MODEL_IDCARD_REMOVE_AT_SELECT,
	MODEL_IDCARD_REMOVE_AT_READ,
	MODEL_IDCARD_UNPLUG_AT_READ,
};

/* Request counters, by command. */
enum model_idcard_cmd {
	MODEL_IDCARD_SAM,
	MODEL_IDCARD_FIND,
	MODEL_IDCARD_SELECT,
	MODEL_IDCARD_READ,
	MODEL_IDCARD_OTHER,
	MODEL_IDCARD_CMDS,
};

struct model_idcard {
	struct usbsim_model base;
	enum model_idcard_layout layout;
	uint16_t in_packet;
	atomic_int state;  /* enum model_idcard_state */
	atomic_int silent; /* 1: requests are taken, nothing answers */
	atomic_uint requests[MODEL_IDCARD_CMDS];
	atomic_uint bad_out;	    /* OUT transfers the layout does not allow */
	atomic_size_t out_bytes[2]; /* bytes received on the first / second OUT */
	pthread_mutex_t lock;	    /* guards text (set from the test's thread) */
	uint8_t text[IDCARD_TEXT_LEN];
	/* worker thread only: request reassembly */
	struct idcard_parser parser;
	size_t body_len; /* two pairs: LEN of the header received, 0 if none */
	uint8_t header[IDCARD_HEADER_LEN];
};

/* Initialises m: the layout, the IN endpoints' packet size (0 means 64),
 * no card (a sample card's text is loaded for when one is placed). Clean
 * up with model_idcard_cleanup() after the device is gone. */
void model_idcard_init(struct model_idcard *m, enum model_idcard_layout layout, uint16_t in_packet);

/* Wipes m's card text. Accepts NULL. */
void model_idcard_cleanup(struct model_idcard *m);

/* The card the reader holds (copied, encoded). Returns 0, or -1 when the
 * card does not fit the card's fields (idcard_text_encode). */
int model_idcard_set_card(struct model_idcard *m, const struct idcard_card *card);

/* The sample card loaded by model_idcard_init (a Chinese name and
 * address, valid_to 长期). */
void model_idcard_sample(struct idcard_card *out);

/* Sets the card switch (enum model_idcard_state). */
void model_idcard_set_state(struct model_idcard *m, enum model_idcard_state s);

/* 1: requests are taken but never answered (a busy or hung reader). */
void model_idcard_set_silent(struct model_idcard *m, int silent);

/* How many requests of a kind arrived whole. */
unsigned model_idcard_requests(struct model_idcard *m, enum model_idcard_cmd cmd);

/* Fills *d with the reader's description for m's layout and packet size. */
void model_idcard_desc(const struct model_idcard *m, struct usbsim_dev_desc *d);

/* Plugs a reader played by m into sim (see usbsim_dev_add). */
struct usbsim_dev *model_idcard_add(struct usbsim *sim, struct model_idcard *m);

#endif
