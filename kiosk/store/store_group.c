/*
 * store_group: the group-commit writer thread (see store_group.h).
 *
 * Submitters queue a stack-allocated item under the mutex and wait on the
 * `done` condition; the writer pops items while it runs the batch, so
 * items submitted during a batch join it until max_batch or max_batch_ms,
 * and items submitted during the COMMIT's fsync form the next batch.
 */
#include "store_group.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "store_int.h"

#define DEFAULT_MAX_BATCH    256
#define DEFAULT_MAX_BATCH_MS 5

static const char SQL_SAVEPOINT[] = "SAVEPOINT store_group_item";
static const char SQL_RELEASE[] = "RELEASE store_group_item";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO store_group_item";

struct item {
	int (*fn)(struct store *st, void *arg);
	void *arg;
	int rc;
	int done;
	struct item *next;
};

struct store_group {
	struct store *st; /* owned; used by the writer thread only */
	struct store_group_config cfg;
	struct item **batch; /* owned, cfg.max_batch slots; writer only */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the queue has items, or stopping */
	pthread_cond_t done; /* some items are done */
	struct item *head, *tail;
	int stopping;
	struct store_group_stats stats;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct item *pop(struct store_group *g)
{
	pthread_mutex_lock(&g->mu);
	struct item *it = g->head;
	if (it) {
		g->head = it->next;
		if (!g->head)
			g->tail = NULL;
		g->stats.queued--;
	}
	pthread_mutex_unlock(&g->mu);
	return it;
}

static int exec(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, sql, &s);
	return rc ? rc : store_step_done(st, s);
}

/* Runs one item inside its savepoint; returns its result. */
static int run_item(struct store_group *g, struct item *it)
{
	struct store *st = g->st;
	int rc = exec(st, SQL_SAVEPOINT);
	if (rc)
		return rc;
	st->tx_locked = 1;
	int frc = it->fn(st, it->arg);
	st->tx_locked = 0;
	if (frc == VB_OK) {
		rc = exec(st, SQL_RELEASE);
		if (rc == VB_OK)
			return VB_OK;
		frc = rc;
	}
	/* Undo this item only. If its error already rolled the whole
	 * transaction back (disk full, I/O error), these fail and the caller
	 * sees that no transaction is open. */
	if (store_in_transaction(st)) {
		exec(st, SQL_ROLLBACK_TO);
		exec(st, SQL_RELEASE);
	}
	return frc;
}

static void finish(struct store_group *g, size_t n)
{
	pthread_mutex_lock(&g->mu);
	g->stats.batches++;
	g->stats.items += n;
	if (n > g->stats.max_items)
		g->stats.max_items = n;
	for (size_t i = 0; i < n; i++)
		g->batch[i]->done = 1;
	pthread_cond_broadcast(&g->done);
	pthread_mutex_unlock(&g->mu);
}

static void run_batch(struct store_group *g)
{
	struct store *st = g->st;
	size_t n = 0;
	struct item *it;
	int rc = store_begin(st);

	if (rc) {
		/* No transaction: the queued items fail with its error. */
		while (n < g->cfg.max_batch && (it = pop(g))) {
			it->rc = rc;
			g->batch[n++] = it;
		}
		finish(g, n);
		return;
	}
	int64_t start = mono_ms();
	int lost = 0;
	while (n < g->cfg.max_batch && (it = pop(g))) {
		g->batch[n++] = it;
		it->rc = run_item(g, it);
		if (!store_in_transaction(st)) {
			lost = 1;
			break;
		}
		if (mono_ms() - start >= (int64_t)g->cfg.max_batch_ms)
			break;
	}
	if (lost) {
		/* The last item's failure took the whole transaction with it:
		 * the earlier items' writes are gone too. */
		for (size_t i = 0; i < n; i++) {
			if (g->batch[i]->rc == VB_OK)
				g->batch[i]->rc = VB_ESTORAGE;
		}
	} else {
		rc = store_commit(st);
		for (size_t i = 0; rc && i < n; i++) {
			if (g->batch[i]->rc == VB_OK)
				g->batch[i]->rc = rc;
		}
	}
	finish(g, n);
}

static void *writer(void *arg)
{
	struct store_group *g = arg;
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->head && !g->stopping)
			pthread_cond_wait(&g->work, &g->mu);
		if (!g->head)
			break; /* stopping, and nothing left to run */
		pthread_mutex_unlock(&g->mu);
		run_batch(g);
		pthread_mutex_lock(&g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int store_group_open(const char *path, const struct store_group_config *cfg,
		     struct store_group **out, struct vb_reason *why)
{
	int rc = VB_OK;
	struct store_group *g = calloc(1, sizeof(*g));
	if (!g)
		return VB_ENOMEM;
	if (cfg)
		g->cfg = *cfg;
	if (!g->cfg.max_batch)
		g->cfg.max_batch = DEFAULT_MAX_BATCH;
	if (!g->cfg.max_batch_ms)
		g->cfg.max_batch_ms = DEFAULT_MAX_BATCH_MS;
	g->batch = calloc(g->cfg.max_batch, sizeof(*g->batch));
	if (!g->batch) {
		rc = VB_ENOMEM;
		goto out_free;
	}
	if ((rc = store_open(path, &g->st, why)))
		goto out_free;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	if (pthread_create(&g->thread, NULL, writer, g) != 0) {
		rc = VB_ESTORAGE;
		vb_reason_set(why, "thread_failed", "cannot start the group-commit writer thread");
		goto out_sync;
	}
	*out = g;
	return VB_OK;
out_sync:
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->work);
	pthread_mutex_destroy(&g->mu);
	store_close(g->st);
out_free:
	free(g->batch);
	free(g);
	return rc;
}

int store_group_submit(struct store_group *g, int (*fn)(struct store *st, void *arg), void *arg)
{
	struct item it = {fn, arg, VB_OK, 0, NULL};
	if (!g || !fn)
		return VB_EINVAL;
	pthread_mutex_lock(&g->mu);
	if (g->stopping || pthread_equal(pthread_self(), g->thread)) {
		pthread_mutex_unlock(&g->mu);
		return VB_ESTATE;
	}
	if (g->tail)
		g->tail->next = &it;
	else
		g->head = &it;
	g->tail = &it;
	g->stats.queued++;
	pthread_cond_signal(&g->work);
	while (!it.done)
		pthread_cond_wait(&g->done, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return it.rc;
}

void store_group_stats(struct store_group *g, struct store_group_stats *out)
{
	pthread_mutex_lock(&g->mu);
	*out = g->stats;
	pthread_mutex_unlock(&g->mu);
}

void store_group_close(struct store_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = 1;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->work);
	pthread_mutex_destroy(&g->mu);
	store_close(g->st);
	free(g->batch);
	free(g);
}
