/*
 * store_print: print jobs, durable before a byte is sent.
 *
 * A job holds exactly the bytes to send to the receipt printer. It is
 * written in the same transaction as what it prints (a ticket with its
 * visit, a certificate with its dose), so a crash or an empty paper roll
 * never loses a printout: the job stays pending until the printer took
 * every byte with a good status, and is then marked done. A job that can
 * never print (the bytes are refused) is marked failed with the reason.
 */
#ifndef STORE_PRINT_H
#define STORE_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_id.h"

#define STORE_PRINT_MAX_BYTES  (4u << 20) /* one job: far above a long receipt */
#define STORE_PRINT_KIND_SIZE  16
#define STORE_PRINT_ERROR_SIZE 128

enum store_print_state {
	STORE_PRINT_PENDING,
	STORE_PRINT_DONE,
	STORE_PRINT_FAILED,
};

struct store_print_job {
	char id[STORE_ID_LEN + 1];
	char kind[STORE_PRINT_KIND_SIZE]; /* "ticket", "certificate", "report", "test" */
	char record_id[STORE_ID_LEN + 1]; /* what it prints, "" if none */
	enum store_print_state state;
	int64_t attempts;			 /* tries that ended pending or failed */
	char last_error[STORE_PRINT_ERROR_SIZE]; /* why it is still pending, "" if none */
	int64_t created_at, updated_at;
	size_t n_bytes;
};

/* The name of a state ("pending", "done", "failed"), NULL if unknown. */
const char *store_print_state_name(enum store_print_state s);

/*
 * Adds a pending job of kind with the bytes (copied; at most
 * STORE_PRINT_MAX_BYTES) and the audit row "print.add", in the caller's
 * transaction; writes its id to id_out. record_id may be NULL. Returns
 * VB_OK, VB_EINVAL (kind not a token, no bytes, too many), VB_ESTATE (no
 * transaction) or a storage error; id_out is written only on VB_OK.
 */
int store_print_add(struct store *st, const char *kind, const char *record_id, const uint8_t *bytes,
		    size_t n, const char *actor, int64_t now, char id_out[STORE_ID_LEN + 1]);

/*
 * The oldest pending job: *job filled and *bytes a malloc'd copy of its
 * bytes (the caller frees it). Returns VB_OK, VB_ENOTFOUND when nothing is
 * pending, or a storage error; the outputs are written only on VB_OK.
 */
int store_print_next(struct store *st, struct store_print_job *job, uint8_t **bytes);

/* Marks job id done (audit row "print.done"), pending again with a reason
 * (attempts + 1), or failed for good with a reason (audit "print.fail").
 * Each runs in its own transaction or the caller's. Returns VB_OK,
 * VB_ENOTFOUND, VB_ESTATE (the job is not pending) or a storage error. */
int store_print_done(struct store *st, const char *id, int64_t now);
int store_print_retry(struct store *st, const char *id, const char *reason, int64_t now);
int store_print_fail(struct store *st, const char *id, const char *reason, int64_t now);

/* Counts of jobs by state. */
int store_print_counts(struct store *st, int64_t *pending, int64_t *done, int64_t *failed);

/* The job's metadata (without the bytes). VB_OK, VB_ENOTFOUND or an error. */
int store_print_get(struct store *st, const char *id, struct store_print_job *out);

/* The newest job of any state (the last printout asked for), metadata
 * only. VB_OK, VB_ENOTFOUND (no job yet) or a storage error. */
int store_print_latest(struct store *st, struct store_print_job *out);

/*
 * A reprint: adds a new pending job with the kind, record and bytes of job
 * id (whatever its state) and the audit row "print.add", in the caller's
 * transaction; writes the new id to id_out. Returns VB_OK, VB_ENOTFOUND,
 * VB_ESTATE (no transaction) or a storage error.
 */
int store_print_copy(struct store *st, const char *id, const char *actor, int64_t now,
		     char id_out[STORE_ID_LEN + 1]);

/*
 * Deletes the jobs printed or given up (done, failed) last changed before
 * `before` (UTC seconds): what was printed names the resident, and nobody
 * reprints it after the retention. Pending jobs stay. In the caller's
 * transaction, with the audit row "print.purge" (detail "jobs=N") when any
 * went; the number in *n (may be NULL). VB_OK, VB_EINVAL, VB_ESTATE (no
 * transaction) or a storage error.
 */
int store_print_purge(struct store *st, int64_t before, const char *actor, int64_t now, int64_t *n);

#endif
