/*
 * sim_printer: a simulated receipt printer for the demo and the UI tests.
 * It takes ESC/POS bytes as a real printer does (a struct printer_dev, so
 * printer_job_step drives it unchanged) and writes what it would print
 * into a directory:
 *   receipt-0001.bin  the bytes of one receipt, as received
 *   receipt-0001.pbm  what they print (escpos_decode, lenient, at the
 *                     paper's width; text bytes are not drawn)
 * A receipt ends after each cut (GS V), when the paper runs out mid-way
 * (a torn receipt), and at sim_printer's free with bytes left over.
 * Numbers continue after the receipt files already in the directory.
 *
 * State: set with sim_printer_set_state(), or from outside the process
 * with switch files in the directory (for the demo; any content):
 *   paper-out, paper-near-end, cover-open, offline
 * A present file adds its condition to the state set by call. While the
 * paper is out, the cover open or the printer offline, writes take nothing
 * and fail with DRV_ETIMEOUT (a full receive buffer); status answers say
 * why. sim_printer_paper_out_after() makes the paper run out part way
 * through a job.
 */
#ifndef SIM_PRINTER_H
#define SIM_PRINTER_H

#include <stddef.h>

#include "printer.h"

#define SIM_PRINTER_MAX_RECEIPT (16u << 20) /* bytes kept for one receipt */

enum sim_printer_state {
	SIM_PRINTER_OK = 0,
	SIM_PRINTER_NEAR_END,
	SIM_PRINTER_PAPER_OUT,
	SIM_PRINTER_COVER_OPEN,
	SIM_PRINTER_OFFLINE,
};

/*
 * A simulated printer writing into out_dir (created if missing; the path
 * is copied) with paper paper_dots wide (1..1024; 384 for 58 mm, 576 for
 * 80 mm). Returns DRV_OK with *out (free with printer_dev_free), DRV_EINVAL
 * (bad width, path too long), DRV_EIO (cannot create the directory) or
 * DRV_ENOMEM.
 */
int sim_printer_open(const char *out_dir, int paper_dots, struct printer_dev **out);

/* Sets the simulated condition (SIM_PRINTER_OK clears what an earlier call
 * set; switch files still count). DRV_OK, or DRV_EINVAL when d is not a
 * simulated printer or s is unknown. */
int sim_printer_set_state(struct printer_dev *d, enum sim_printer_state s);

/* The paper runs out after `bytes` more bytes: the write that reaches it
 * takes those bytes and ends the (torn) receipt there; if it carried more
 * it fails with DRV_ETIMEOUT. The state is SIM_PRINTER_PAPER_OUT from then
 * on. DRV_OK or DRV_EINVAL. */
int sim_printer_paper_out_after(struct printer_dev *d, size_t bytes);

/* While unplugged every call fails with DRV_ENODEV. DRV_OK or DRV_EINVAL. */
int sim_printer_set_unplugged(struct printer_dev *d, int unplugged);

/* Receipts written so far by this device (0 for a device that is not a
 * simulated printer). */
unsigned sim_printer_receipts(const struct printer_dev *d);

/* The path of the n-th receipt's file (n from 1) of this device, ext
 * "bin" or "pbm", into buf (cap bytes). DRV_OK, DRV_EINVAL (not a sim
 * printer, no such receipt, buffer too small). */
int sim_printer_receipt_path(const struct printer_dev *d, unsigned n, const char *ext, char *buf,
			     size_t cap);

#endif
