/*
 * printer_job: the durable print job state machine (see printer_job.h).
 */
#include "printer_job.h"

#include <string.h>

#include "escpos.h"

void printer_job_progress_init(struct printer_job_progress *p)
{
	memset(p, 0, sizeof(*p));
}

enum printer_pending printer_job_blocker(const struct printer_status *st)
{
	if (st->cover_open)
		return PRINTER_PENDING_COVER_OPEN;
	if (st->paper_out)
		return PRINTER_PENDING_PAPER_OUT;
	if (st->error)
		return PRINTER_PENDING_ERROR;
	if (!st->online)
		return PRINTER_PENDING_OFFLINE;
	return PRINTER_PENDING_NONE;
}

const char *printer_pending_code(enum printer_pending r)
{
	switch (r) {
	case PRINTER_PENDING_NONE:
		break;
	case PRINTER_PENDING_COVER_OPEN:
		return "printer_cover_open";
	case PRINTER_PENDING_PAPER_OUT:
		return "printer_paper_out";
	case PRINTER_PENDING_ERROR:
		return "printer_error";
	case PRINTER_PENDING_OFFLINE:
		return "printer_offline";
	}
	return "";
}

const char *printer_pending_text(enum printer_pending r)
{
	switch (r) {
	case PRINTER_PENDING_NONE:
		break;
	case PRINTER_PENDING_COVER_OPEN:
		return "the printer's cover is open";
	case PRINTER_PENDING_PAPER_OUT:
		return "the printer is out of paper";
	case PRINTER_PENDING_ERROR:
		return "the printer reports an error";
	case PRINTER_PENDING_OFFLINE:
		return "the printer is offline";
	}
	return "";
}

/* Asks the status; PRINTER_JOB_PENDING when something blocks printing,
 * DRV_OK when the printer can print, or the device's error. */
static int check(struct printer_dev *dev, struct printer_job_progress *p, int timeout_ms)
{
	struct printer_status st;
	int rc = printer_dev_status(dev, &st, timeout_ms);
	if (rc)
		return rc;
	p->status = st;
	p->pending = printer_job_blocker(&st);
	return p->pending ? PRINTER_JOB_PENDING : DRV_OK;
}

/* A write failed part way: the printer may be inside a command. If the
 * status explains why (paper ran out while the buffer was full), the job
 * is pending; otherwise the write's error stands. */
static int write_failed(struct printer_dev *dev, struct printer_job_progress *p, int err,
			int timeout_ms)
{
	p->dirty = 1;
	if (err == DRV_ENODEV)
		return err;
	return check(dev, p, timeout_ms) == PRINTER_JOB_PENDING ? PRINTER_JOB_PENDING : err;
}

/* The end of the chunk starting at off: whole commands up to
 * PRINTER_JOB_CHUNK bytes, at least one. */
static size_t chunk_end(const uint8_t *job, size_t len, size_t off)
{
	size_t end = off;
	while (end < len) {
		size_t n = 0;
		if (escpos_command_len(job + end, len - end, &n)) /* validated before */
			n = len - end;
		if (end > off && end - off + n > PRINTER_JOB_CHUNK)
			break;
		end += n;
	}
	return end;
}

/* Brings the printer's parser back to a command boundary and resets it. */
static int resync(struct printer_dev *dev, size_t pad, int timeout_ms)
{
	static const uint8_t zeros[PRINTER_JOB_CHUNK];
	static const uint8_t init[] = {0x1B, '@'};
	while (pad > 0) {
		size_t n = pad < sizeof(zeros) ? pad : sizeof(zeros);
		int rc = printer_dev_write(dev, zeros, n, timeout_ms);
		if (rc)
			return rc;
		pad -= n;
	}
	return printer_dev_write(dev, init, sizeof(init), timeout_ms);
}

int printer_job_step(struct printer_dev *dev, const uint8_t *job, size_t len,
		     struct printer_job_progress *p, int timeout_ms)
{
	if (!dev || !p || (!job && len))
		return DRV_EINVAL;
	if (p->done)
		return PRINTER_JOB_DONE;
	size_t longest = 0;
	if (escpos_longest_command(job, len, &longest))
		return DRV_EINVAL;

	int rc = check(dev, p, timeout_ms);
	if (rc)
		return rc; /* pending, or no status: nothing sent */

	int restart = p->attempts > 0 || p->dirty;
	p->attempts++;
	p->sent = 0;
	if (restart) {
		rc = resync(dev, p->dirty ? longest : 0, timeout_ms);
		if (rc)
			return write_failed(dev, p, rc, timeout_ms);
		p->dirty = 0;
	}
	while (p->sent < len) {
		size_t end = chunk_end(job, len, p->sent);
		p->dirty = 1;
		rc = printer_dev_write(dev, job + p->sent, end - p->sent, timeout_ms);
		if (rc)
			return write_failed(dev, p, rc, timeout_ms);
		p->dirty = 0;
		p->sent = end;
		if (p->sent < len) {
			rc = check(dev, p, timeout_ms);
			if (rc)
				return rc;
		}
	}
	rc = check(dev, p, timeout_ms);
	if (rc)
		return rc;
	p->done = 1;
	return PRINTER_JOB_DONE;
}
