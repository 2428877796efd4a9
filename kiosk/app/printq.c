/*
 * printq: encoding pages into stored jobs and sending the queue.
 */
#include "printq.h"

#include "escpos.h"
#include "printer_job.h"
#include "store.h"
#include "store_print.h"

#include <stdlib.h>
#include <string.h>

int printq_add_page(struct store *st, const char *kind, const char *record_id,
		    const struct printer_page *page, const char *actor, int64_t now,
		    char id[STORE_ID_LEN + 1])
{
	struct escpos_buf b;
	escpos_buf_init(&b, STORE_PRINT_MAX_BYTES);
	escpos_init(&b);
	escpos_page(&b, page);
	escpos_feed(&b, 4);
	escpos_cut(&b, ESCPOS_CUT_PARTIAL);
	int rc = b.err == DRV_OK ? VB_OK : b.err == DRV_ENOMEM ? VB_ENOMEM : VB_EINVAL;
	if (!rc)
		rc = store_print_add(st, kind, record_id, b.data, b.len, actor, now, id);
	escpos_buf_cleanup(&b);
	return rc;
}

/* One job: a persisted attempt first (so a crash mid-send is known: the
 * printer may then be inside a command, and the next attempt resyncs), the
 * driver's step, then done or pending with the reason. Returns 1 when the
 * job is done, 0 when it waits (why set), or a storage error. */
static int run_job(struct store *st, struct printer_dev *dev, const struct store_print_job *job,
		   const uint8_t *bytes, int64_t now, struct vb_reason *why)
{
	struct printer_job_progress p;
	printer_job_progress_init(&p);
	p.dirty = job->attempts > 0;
	int rc = store_print_retry(st, job->id, "printing", now);
	if (rc)
		return rc;
	int step = printer_job_step(dev, bytes, job->n_bytes, &p, PRINTQ_TIMEOUT_MS);
	if (step == PRINTER_JOB_DONE) {
		rc = store_print_done(st, job->id, now);
		return rc ? rc : 1;
	}
	if (step == PRINTER_JOB_PENDING)
		vb_reason_set(why, printer_pending_code(p.pending), "%s",
			      printer_pending_text(p.pending));
	else if (step == DRV_ENODEV)
		vb_reason_set(why, "printer_unplugged", "the printer was unplugged");
	else
		vb_reason_set(why, "printer_error", "the printer did not take the job: %s",
			      drv_strerror(step));
	rc = store_print_retry(st, job->id, why->text, now);
	return rc ? rc : 0;
}

int printq_run(struct store *st, struct printer_dev *dev, int64_t now, struct printq_result *res)
{
	struct printq_result r = {0};
	int64_t done, failed;
	int rc = VB_OK;
	while (dev) {
		struct store_print_job job;
		uint8_t *bytes = NULL;
		rc = store_print_next(st, &job, &bytes);
		if (rc == VB_ENOTFOUND) {
			rc = VB_OK;
			break;
		}
		if (rc)
			break;
		rc = run_job(st, dev, &job, bytes, now, &r.blocked);
		free(bytes);
		if (rc != 1)
			break;
		r.printed++;
		rc = VB_OK;
	}
	if (rc < 0)
		return rc;
	if (!dev)
		vb_reason_set(&r.blocked, "no_printer", "no printer is attached");
	rc = store_print_counts(st, &r.pending, &done, &failed);
	if (rc)
		return rc;
	if (!r.pending)
		vb_reason_clear(&r.blocked);
	*res = r;
	return VB_OK;
}
