/*
 * store_group: group commit — many threads write, one fsync per batch.
 *
 * A durable commit costs one fsync (synchronous=FULL), a few milliseconds
 * on an SSD or SD card, so one transaction per record caps the write rate
 * at a few hundred records per second. A group owns a writer thread with
 * its own connection. Any thread submits a work item (a function that
 * writes, e.g. a record with its outbox and audit rows) and blocks; the
 * writer runs every queued item (up to max_batch, or for at most
 * max_batch_ms) in one BEGIN IMMEDIATE ... COMMIT, each item inside its own
 * SAVEPOINT, and only after COMMIT returns wakes each submitter with its
 * own result. A failing item is rolled back to its savepoint alone; the
 * other items of its batch still commit. Two failures do take the whole
 * batch: a COMMIT that fails (a full disk, or a DEFERRABLE INITIALLY
 * DEFERRED constraint one item broke — so keep constraints immediate on
 * tables written through a group), and an item whose error made SQLite
 * abandon the transaction (I/O error); every item is then told its writes
 * were not kept, and the items not yet run go on in the next batch.
 */
#ifndef STORE_GROUP_H
#define STORE_GROUP_H

#include <stdint.h>

#include "store.h"

struct store_group;

struct store_group_config {
	unsigned max_batch;    /* items per transaction; 0: 256 */
	unsigned max_batch_ms; /* stop adding items to a batch after this; 0: 5 */
};

struct store_group_stats {
	uint64_t batches;   /* transactions committed or attempted */
	uint64_t items;	    /* items run */
	uint64_t max_items; /* largest batch */
	uint64_t queued;    /* items waiting now (not yet started) */
};

/*
 * Opens the database at path (as store_open, migrations included) and
 * starts the writer thread. cfg may be NULL (defaults). On success *out
 * holds the group (owned by the caller, freed by store_group_close); on
 * failure *out is untouched and why (may be NULL) is filled as by
 * store_open. Returns VB_OK, store_open's errors, or VB_ENOMEM/VB_ESTORAGE
 * if the thread cannot start.
 */
int store_group_open(const char *path, const struct store_group_config *cfg,
		     struct store_group **out, struct vb_reason *why);

/*
 * Runs fn(st, arg) on the writer thread inside the batch's transaction and
 * blocks until that transaction is durable or has failed. fn writes
 * through st (borrowed for the call: never keep it, never begin, commit or
 * roll back, never submit to the group from inside fn) and returns VB_OK
 * or an error, which undoes its own writes. arg is borrowed. Returns:
 * VB_OK when fn succeeded and its writes are committed durably; fn's error
 * when fn failed (its writes undone); a storage error when fn succeeded
 * but the batch could not commit (its writes are lost); VB_ESTATE after
 * store_group_close began or when called from fn; VB_EINVAL if fn is NULL.
 * Thread-safe.
 */
int store_group_submit(struct store_group *g, int (*fn)(struct store *st, void *arg), void *arg);

/* Copies the counters so far into *out. Thread-safe. */
void store_group_stats(struct store_group *g, struct store_group_stats *out);

/*
 * Runs the items already queued, stops the writer thread, closes the
 * connection and frees g. Accepts NULL. Call it once every submitter has
 * returned; submissions racing with it get VB_ESTATE.
 */
void store_group_close(struct store_group *g);

#endif
