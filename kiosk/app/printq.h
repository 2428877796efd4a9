/*
 * printq: the print queue — pages become ESC/POS jobs stored in SQLite
 * (store_print.h) before a byte is sent, and a run sends the pending jobs,
 * oldest first, through the printer driver's job state machine. A job is
 * done only when the printer took every byte with a good status; a paper
 * roll running out leaves it (and the jobs behind it) pending, and the
 * next run, once paper is back, prints it again from its start.
 */
#ifndef PRINTQ_H
#define PRINTQ_H

#include <stddef.h>
#include <stdint.h>

#include "printer.h"
#include "printer_page.h"
#include "store_id.h"
#include "vb_error.h"

struct store;

#define PRINTQ_TIMEOUT_MS 3000 /* per status query or write */

/*
 * Encodes page (ESC @, the page as raster, a feed and a cut) and adds it
 * as a pending job in the caller's transaction. Returns VB_OK with the
 * job's id, VB_ENOMEM / VB_EINVAL (the page cannot be encoded), or a
 * storage error.
 */
int printq_add_page(struct store *st, const char *kind, const char *record_id,
		    const struct printer_page *page, const char *actor, int64_t now,
		    char id[STORE_ID_LEN + 1]);

struct printq_result {
	size_t printed;		  /* jobs done by this run */
	int64_t pending;	  /* jobs still pending after it */
	struct vb_reason blocked; /* why the first pending job waits ("" code if none) */
};

/*
 * Sends the pending jobs to dev until one cannot go through. Returns VB_OK
 * with *res (res->blocked says why jobs are still pending: paper out,
 * cover open, offline, unplugged, ...), or a storage error. dev may be
 * NULL (no printer attached): nothing is sent and the jobs stay pending.
 */
int printq_run(struct store *st, struct printer_dev *dev, int64_t now, struct printq_result *res);

#endif
