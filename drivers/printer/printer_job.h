/*
 * printer_job: sends one print job durably — the state machine only; the
 * app keeps each job as a row in SQLite (with the fields of struct
 * printer_job_progress marked "persist") before a byte is sent, and calls
 * printer_job_step() until it reports the job done.
 *
 * One step is one attempt:
 *   1. Ask the status. Cover open, paper out, an error or offline: the job
 *      stays pending with that reason and nothing is sent.
 *   2. If an earlier attempt was interrupted, resynchronise the printer
 *      (below), then send the whole job from its first byte.
 *   3. Send in chunks of whole commands of up to PRINTER_JOB_CHUNK bytes
 *      (a single longer command, e.g. a big native QR, goes alone), asking
 *      the status between chunks: status requests are only ever sent
 *      between commands, never inside a raster band's data, where the
 *      printer would take them as dots.
 *   4. After the last byte ask the status once more. The job is done only
 *      when every byte was taken and that status is good. (The printer may
 *      still be printing what it buffered; ESC/POS offers no portable
 *      "printed" signal.)
 * Paper running out (or the cover opening) mid-job leaves the job pending
 * with the reason. A printer cannot reliably resume a raster image in the
 * middle of a band, and part of the job may sit unprinted in its buffer,
 * so the job is never continued where it stopped: the next step, once the
 * status is good, re-sends the whole job from its start after ESC @. What
 * the printer had buffered prints first, so the receipt comes out torn and
 * then whole; the app knows from `attempts` > 1 that it is a re-send and may
 * pass different bytes for the new attempt (say, with a "reprint" mark and
 * a cut before it) — the job bytes are only read within a step.
 *
 * Resynchronisation: after a clean stop (between commands) ESC @ is enough.
 * After a write that failed or timed out part way (`dirty`) the printer's
 * parser may be inside a command waiting for data, which would swallow the
 * ESC @ and misread the job; so first as many zero bytes as the job's
 * longest command are sent: they complete any unfinished command (zeros
 * are white dots, zero lengths, or "feed 0") and are ignored as NUL
 * between commands. That costs at most a band of white paper.
 */
#ifndef PRINTER_JOB_H
#define PRINTER_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "printer.h"

#define PRINTER_JOB_CHUNK 4096

enum printer_job_result {
	PRINTER_JOB_DONE = 0,	 /* every byte taken, status good */
	PRINTER_JOB_PENDING = 1, /* waiting for the printer: see progress.pending */
};

/* Why a job waits. */
enum printer_pending {
	PRINTER_PENDING_NONE = 0,
	PRINTER_PENDING_COVER_OPEN,
	PRINTER_PENDING_PAPER_OUT,
	PRINTER_PENDING_ERROR,
	PRINTER_PENDING_OFFLINE,
};

/* A job's progress: caller-owned, read and updated by every step (this
 * struct is in/out, so it changes on failures too). */
struct printer_job_progress {
	unsigned attempts;	      /* persist: attempts that began sending (1 for a print
					 that went through at once) */
	int dirty;		      /* persist: the printer may be inside a command of an
					 interrupted attempt. For a job that was being sent when
					 the kiosk itself stopped, set it to 1 before the next step. */
	size_t sent;		      /* bytes of the job taken in the latest attempt */
	int done;		      /* 1 once the job is done (further steps return DONE) */
	enum printer_pending pending; /* why the last step left the job pending */
	struct printer_status status; /* the last status read */
};

/* A fresh job: nothing sent. */
void printer_job_progress_init(struct printer_job_progress *p);

/* What in st keeps a job waiting, in this order: cover open, paper out,
 * error, offline; PRINTER_PENDING_NONE when the printer can print (near
 * end of paper is only a warning). */
enum printer_pending printer_job_blocker(const struct printer_status *st);

/* A stable snake_case code for a reason ("printer_paper_out", ...; "" for
 * NONE), for the app's struct vb_reason. Static string. */
const char *printer_pending_code(enum printer_pending r);

/* An English sentence for a reason (static string, "" for NONE). */
const char *printer_pending_text(enum printer_pending r);

/*
 * Runs one attempt of the job job[0..len) (borrowed ESC/POS bytes, usually
 * starting with ESC @) on dev (borrowed), each status query and write
 * waiting up to timeout_ms. Returns PRINTER_JOB_DONE, PRINTER_JOB_PENDING
 * (p->pending says why; call again when the status changes), or an error:
 * DRV_EINVAL (bad arguments, or a job holding a command escpos_command_len
 * does not know or cut short: status requests could not be placed between
 * commands), DRV_ENODEV (unplugged), DRV_ETIMEOUT, DRV_EIO, DRV_EPROTO
 * from the device; after an error the job is not done and the next step
 * restarts it as after an interruption.
 */
int printer_job_step(struct printer_dev *dev, const uint8_t *job, size_t len,
		     struct printer_job_progress *p, int timeout_ms);

#endif
