/*
 * ctl_sync: `sync` (send the outbox to the platform, with a progress
 * line), `sync status` (what is pending, failed, and when the platform
 * last answered), `sync retry` (send quarantined records again once the
 * cause is fixed) and `sync pull` (histories of the expected residents,
 * recalled lots).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "ctl_cmds.h"
#include "store.h"
#include "store_history.h"
#include "store_outbox.h"
#include "sync.h"
#include "wallclock.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct run {
	struct timespec start;
	int tty;
	int64_t last_line; /* ms since start of the last progress line */
};

static int64_t elapsed_ms(const struct run *r)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - r->start.tv_sec) * 1000 +
	       (now.tv_nsec - r->start.tv_nsec) / 1000000;
}

/* The progress line on stderr: rewritten in place on a terminal, else at
 * most one line every 5 s. */
static int on_progress(void *arg, const struct sync_progress *p)
{
	struct run *r = arg;
	int64_t ms = elapsed_ms(r);
	if (!r->tty && ms - r->last_line < 5000)
		return stop;
	r->last_line = ms;
	double s = ms > 0 ? (double)ms / 1000.0 : 0.001;
	fprintf(stderr,
		"%ssync: %" PRId64 " sent, %" PRId64 " acknowledged, %" PRId64 " failed, %" PRId64
		" to retry, %" PRId64 " waiting | %.1f kB up, %.1f kB down | %.0f records/s%s",
		r->tty ? "\r" : "", p->sent, p->acked, p->failed, p->retried, p->pending,
		(double)p->bytes_up / 1000.0, (double)p->bytes_down / 1000.0, (double)p->acked / s,
		r->tty ? "\033[K" : "\n");
	fflush(stderr);
	return stop;
}

/* Sleeps up to ms in short steps, returning early on a signal. */
static void nap(int64_t ms)
{
	struct timespec tick = {0, 100 * 1000 * 1000};
	for (int64_t t = 0; t < ms && !stop; t += 100)
		nanosleep(&tick, NULL);
}

/* Opens the store, configuration and catalog, and an engine on the
 * platform of the configuration (or url). Returns a CTL_ code. */
static int start_engine(struct ctl *c, const char *url, struct sync_engine **e)
{
	int rc;
	if ((rc = ctl_store(c, 0)) || (rc = ctl_config(c)) || (rc = ctl_catalog(c)))
		return rc;
	struct sync_options o = c->cfg->sync;
	if (url && (strlen(url) >= sizeof(o.url) ||
		    (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))))
		return ctl_refusef(c, "--url", "bad_url", "want an http:// or https:// URL");
	if (url)
		snprintf(o.url, sizeof(o.url), "%s", url);
	if (!o.url[0])
		return ctl_refusef(c, "url", "no_platform",
				   "no platform URL: set [sync] url in the configuration or --url");
	char why[200];
	int vb = sync_engine_new(c->db_path, &o, c->cat, wallclock_now, e, why, sizeof(why));
	if (vb == VB_EBUSY)
		return ctl_refusef(c, "sync", "busy", "%s", why);
	if (vb)
		return ctl_refusef(c, "sync", "cannot_start", "%s", why);
	return CTL_OK;
}

int ctl_cmd_sync(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--once", NULL, "send what is queued now, then stop", 0, NULL},
	    {"--url", "URL", "the platform's FHIR base URL (default: [sync] url)", 0, NULL},
	    {"--timeout", "S", "with --once: give up after S seconds (records stay queued)", 0,
	     NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Sends the records waiting in the outbox to the platform, retrying\n"
			   "after failures with a growing delay. Without --once it keeps running\n"
			   "and sends new records as they come (Ctrl-C stops it). Records the\n"
			   "platform refuses are set aside (see `sync status`); the rest go on.");
	long timeout_s = 0;
	if (rc ||
	    (ctl_opt(opts, "--timeout") &&
	     (rc = ctl_int(c, "--timeout", ctl_opt(opts, "--timeout"), 1, 7 * 86400, &timeout_s))))
		return rc;
	struct sync_engine *e = NULL;
	if ((rc = start_engine(c, ctl_opt(opts, "--url"), &e)))
		return rc;
	int vb;
	int once = ctl_opt(opts, "--once") != NULL;
	struct run r = {.tty = isatty(2)};
	struct sync_progress p;
	memset(&p, 0, sizeof(p));
	clock_gettime(CLOCK_MONOTONIC, &r.start);
	stop = 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (;;) {
		vb = sync_engine_push(e, &p, on_progress, &r);
		if (vb && vb != VB_EIO)
			break;
		if (stop || (once && p.pending == 0) ||
		    (timeout_s && elapsed_ms(&r) >= timeout_s * 1000))
			break;
		/* Until the next row is due, or a while to look for new ones. */
		int64_t next = sync_engine_next_attempt(e), now = wallclock_now();
		int64_t wait_s = next == INT64_MAX ? 30 : next - now;
		if (wait_s > 30)
			wait_s = 30;
		if (timeout_s && elapsed_ms(&r) + wait_s * 1000 > timeout_s * 1000)
			wait_s = (timeout_s * 1000 - elapsed_ms(&r)) / 1000 + 1;
		nap(wait_s > 0 ? wait_s * 1000 : 100);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	r.last_line = -10000;
	on_progress(&r, &p);
	if (r.tty)
		fputc('\n', stderr);
	sync_engine_free(e);
	if (vb && vb != VB_EIO)
		return ctl_storage(c, vb);

	json_t *out =
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "sent", (json_int_t)p.sent,
		      "acked", (json_int_t)p.acked, "failed", (json_int_t)p.failed, "retried",
		      (json_int_t)p.retried, "pending", (json_int_t)p.pending, "requests",
		      (json_int_t)p.requests, "bytes_up", (json_int_t)p.bytes_up, "bytes_down",
		      (json_int_t)p.bytes_down, "seconds", (double)elapsed_ms(&r) / 1000.0);
	if (once && p.pending) {
		struct vb_reason why_not;
		vb_reason_set(&why_not, "not_sent",
			      "%" PRId64 " records still wait (last error: %.100s)", p.pending,
			      p.last_error[0] ? p.last_error : "none");
		return ctl_refuse_with(c, "sync", &why_not, out);
	}
	return ctl_emit(c, out, NULL);
}

/* UTC seconds as local ISO 8601, or null for 0 / none. */
static json_t *when(const struct ctl *c, int64_t t)
{
	char buf[26];
	if (t <= 0 || t == INT64_MAX)
		return json_null();
	wallclock_format(t, c->utc_offset_min, buf);
	return json_string(buf);
}

int ctl_cmd_sync_status(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Shows the records waiting for the platform, those it refused (with\n"
			   "its reason; at most 50 listed), when it last answered and the last\n"
			   "error. The counts come from the outbox itself.");
	if (rc || (rc = ctl_store(c, 0)))
		return rc;
	struct sync_status s;
	json_t *failed = json_array();
	int vb = sync_status_read(c->st, &s);
	if (!vb)
		vb = store_outbox_list(c->st, STORE_OUTBOX_FAILED, 50, ctl_outbox_row_json, failed);
	if (vb) {
		json_decref(failed);
		return ctl_storage(c, vb);
	}
	json_t *o =
	    json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:o}", "pending",
		      (json_int_t)s.counts.pending, "in_flight", (json_int_t)s.counts.in_flight,
		      "acked", (json_int_t)s.counts.acked, "failed", (json_int_t)s.counts.failed,
		      "last_success", when(c, s.last_success), "last_attempt",
		      when(c, s.last_attempt), "last_error", s.last_error, "next_attempt",
		      when(c, s.counts.pending ? s.next_attempt : 0), "failed_records", failed);
	if (c->json)
		return ctl_emit(c, o, NULL);
	printf("waiting:      %" PRId64 " (%" PRId64 " being sent)\n",
	       s.counts.pending + s.counts.in_flight, s.counts.in_flight);
	printf("acknowledged: %" PRId64 "\n", s.counts.acked);
	printf("refused:      %" PRId64 "\n", s.counts.failed);
	printf("last answer:  %s\n",
	       s.last_success ? json_string_value(json_object_get(o, "last_success")) : "never");
	if (s.last_error[0])
		printf("last error:   %s\n", s.last_error);
	size_t i;
	json_t *f;
	json_array_foreach(failed, i, f)
	{
		printf("refused %s %s (%s): %s\n", json_string_value(json_object_get(f, "kind")),
		       json_string_value(json_object_get(f, "record")),
		       json_string_value(json_object_get(f, "id")),
		       json_string_value(json_object_get(f, "last_error")));
	}
	json_decref(o);
	return CTL_OK;
}

static int requeue_one(void *arg, const struct store_outbox_row *row)
{
	struct ctl *c = arg;
	return store_outbox_requeue(c->st, row->id, c->now);
}

int ctl_cmd_sync_retry(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--id", "ID", "the outbox row to send again (as sync status lists it)", 0, NULL},
	    {"--all", NULL, "every refused record", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Puts records the platform refused back in the queue, once the cause\n"
			   "is fixed (on the platform or in the record).");
	if (rc)
		return rc;
	const char *id = ctl_opt(opts, "--id");
	int all = ctl_opt(opts, "--all") != NULL;
	if (!id == !all)
		return ctl_usage(c, "give either --id ID or --all");
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct store_outbox_counts before, after;
	int vb = store_outbox_counts(c->st, &before);
	if (!vb)
		vb = store_begin(c->st);
	if (!vb)
		vb = id ? store_outbox_requeue(c->st, id, c->now)
			: store_outbox_list(c->st, STORE_OUTBOX_FAILED, 0, requeue_one, c);
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		if (vb == VB_ENOTFOUND || vb == VB_ESTATE)
			return ctl_refusef(c, "--id", "not_refused",
					   "no refused record has this outbox id");
		return ctl_storage(c, vb);
	}
	if ((vb = store_outbox_counts(c->st, &after)))
		return ctl_storage(c, vb);
	return ctl_emit(c,
			json_pack("{s:I, s:I}", "requeued",
				  (json_int_t)(before.failed - after.failed), "pending",
				  (json_int_t)after.pending),
			NULL);
}

/* Adds the residents listed in path ("TYPE NUMBER" per line, # comments)
 * to the expected list, all or none. Returns a CTL_ code. */
static int add_expected(struct ctl *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return ctl_refusef(c, "--expect", "cannot_read", "cannot open the file");
	char line[256], type[32], number[64];
	int n = 0, rc = CTL_OK, vb = store_begin(c->st);
	while (!vb && rc == CTL_OK && fgets(line, sizeof(line), f)) {
		n++;
		enum iddoc_type t;
		struct iddoc doc;
		struct vb_reason why;
		char extra;
		int k = sscanf(line, " %31s %63s %c", type, number, &extra);
		if (k <= 0 || type[0] == '#')
			continue;
		if (k != 2 || iddoc_type_from_name(type, &t))
			rc = ctl_refusef(c, "--expect", "bad_line",
					 "line %d: want a document type and number", n);
		else if (iddoc_validate(t, number, c->today, &doc, &why))
			rc = ctl_refusef(c, "--expect", why.code, "line %d: %s", n, why.text);
		else
			vb = store_history_expect(c->st, doc.type, doc.number, c->now);
	}
	fclose(f);
	if (!vb && rc == CTL_OK)
		vb = store_commit(c->st);
	if (vb || rc != CTL_OK)
		store_rollback(c->st);
	return vb ? ctl_storage(c, vb) : rc;
}

int ctl_cmd_sync_pull(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--expect", "FILE", "add the residents listed (TYPE NUMBER per line) first", 0, NULL},
	    {"--url", "URL", "the platform's FHIR base URL (default: [sync] url)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Pulls from the platform the dose histories of the residents expected\n"
			   "at the next stops (kept for when they register on the bus) and the\n"
			   "lots it has recalled (marked recalled on board). Each pull asks only\n"
			   "for what changed since the last one.");
	struct sync_engine *e = NULL;
	if (rc || (rc = start_engine(c, ctl_opt(opts, "--url"), &e)))
		return rc;
	if (ctl_opt(opts, "--expect") && (rc = add_expected(c, ctl_opt(opts, "--expect")))) {
		sync_engine_free(e);
		return rc;
	}
	struct sync_pull_result r;
	memset(&r, 0, sizeof(r));
	int vb = sync_engine_pull(e, &r);
	sync_engine_free(e);
	if (vb && vb != VB_EIO)
		return ctl_storage(c, vb);
	json_t *o =
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "persons",
		      (json_int_t)r.persons, "doses_new", (json_int_t)r.doses_new, "doses_known",
		      (json_int_t)r.doses_known, "doses_skipped", (json_int_t)r.doses_skipped,
		      "lots_recalled", (json_int_t)r.lots_recalled, "recalls_unreadable",
		      (json_int_t)r.recalls_unreadable, "requests", (json_int_t)r.requests,
		      "bytes_up", (json_int_t)r.bytes_up, "bytes_down", (json_int_t)r.bytes_down);
	if (vb) {
		struct vb_reason why;
		vb_reason_set(&why, "no_link", "the pull stopped: %.120s", r.last_error);
		return ctl_refuse_with(c, "sync", &why, o);
	}
	return ctl_emit(c, o, NULL);
}
