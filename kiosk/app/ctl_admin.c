/*
 * ctl_admin: `init`, `outbox list` and `audit verify` — the commands that
 * look after the database itself rather than the people on the bus.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "store.h"
#include "store_audit.h"
#include "store_meta.h"
#include "store_outbox.h"

#include <stdio.h>
#include <string.h>

/* Parses "+08:00" / "-03:30" / "Z" into minutes east of UTC. */
static int parse_offset(const char *s, int *out)
{
	if (strcmp(s, "Z") == 0 || strcmp(s, "+00:00") == 0) {
		*out = 0;
		return VB_OK;
	}
	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
		return VB_EINVAL;
	int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
	for (int i = 1; i < 6; i++)
		if (i != 3 && (s[i] < '0' || s[i] > '9'))
			return VB_EINVAL;
	if (h > 14 || m > 59)
		return VB_EINVAL;
	*out = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return VB_OK;
}

int ctl_cmd_init(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--bus", "ID", "this bus's id, as the platform knows it", 1, NULL},
	    {"--site", "ID", "the tour stop (site) the bus is at now", 1, NULL},
	    {"--utc-offset", "+HH:MM", "local time zone (default +08:00)", 0, NULL},
	    {"--excursion-minutes", "N",
	     "minutes outside 2-8 °C that quarantine a fridge (default 10)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Makes the database if it does not exist and records which bus and\n"
			   "site it belongs to. Run again with the same --bus to move to the\n"
			   "next site; a database of another bus is refused.");
	if (rc)
		return rc;
	const char *off_text = ctl_opt(opts, "--utc-offset");
	int off = 480;
	if (off_text && parse_offset(off_text, &off))
		return ctl_refusef(c, "--utc-offset", "bad_offset", "want +HH:MM, e.g. +08:00");
	long excursion_min = 10;
	if (ctl_opt(opts, "--excursion-minutes") &&
	    (rc = ctl_int(c, "--excursion-minutes", ctl_opt(opts, "--excursion-minutes"), 0, 1440,
			  &excursion_min)))
		return rc;
	if ((rc = ctl_store(c, 1)))
		return rc;
	int vb = store_begin(c->st);
	if (!vb)
		vb = store_meta_init_identity(c->st, ctl_opt(opts, "--bus"),
					      ctl_opt(opts, "--site"));
	if (vb == VB_EEXIST) {
		store_rollback(c->st);
		return ctl_refusef(c, "--bus", "other_bus",
				   "this database belongs to another bus; it is never adopted");
	}
	if (vb == VB_EINVAL) {
		store_rollback(c->st);
		return ctl_refusef(c, "--bus", "bad_id",
				   "bus and site ids are printable ASCII without spaces, at "
				   "most %d bytes",
				   STORE_META_IDENT_MAX);
	}
	char off_value[16], exc_value[16];
	snprintf(off_value, sizeof(off_value), "%d", off);
	snprintf(exc_value, sizeof(exc_value), "%ld", excursion_min * 60);
	/* Moving to the next site keeps settings that are not given again. */
	char cur[16];
	if (!vb && (off_text || store_meta_get(c->st, "utc_offset_min", cur, sizeof(cur))))
		vb = store_meta_set(c->st, "utc_offset_min", off_value);
	if (!vb && (ctl_opt(opts, "--excursion-minutes") ||
		    store_meta_get(c->st, "excursion_seconds", cur, sizeof(cur))))
		vb = store_meta_set(c->st, "excursion_seconds", exc_value);
	if (!vb)
		vb = store_audit_append(c->st, c->now, "admin", "db.init", NULL,
					ctl_opt(opts, "--site"));
	if (!vb)
		vb = store_commit(c->st);
	if (vb) {
		store_rollback(c->st);
		return ctl_storage(c, vb);
	}
	char dbid[64] = "";
	store_meta_get(c->st, "database_id", dbid, sizeof(dbid));
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:i}", "db", c->db_path, "bus", ctl_opt(opts, "--bus"),
		      "site", ctl_opt(opts, "--site"), "database_id", dbid, "utc_offset_min", off);
	return ctl_emit(c, o, NULL);
}

int ctl_outbox_row_json(void *arg, const struct store_outbox_row *row)
{
	json_t *rows = arg;
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", row->id,
					      "kind", row->kind, "record", row->record_id, "state",
					      store_outbox_state_name(row->state), "attempts",
					      (json_int_t)row->attempts, "server_id",
					      row->server_id, "last_error", row->last_error));
	return VB_OK;
}

int ctl_cmd_outbox_list(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--state", "STATE", "pending, in_flight, acked or failed (default: all)", 0, NULL},
	    {"--limit", "N", "at most N rows (default 100)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Lists the records waiting for (or already acknowledged by) the\n"
			   "platform, with counts taken from the outbox itself.");
	if (rc)
		return rc;
	int state = STORE_OUTBOX_ANY;
	const char *st_name = ctl_opt(opts, "--state");
	if (st_name) {
		for (state = STORE_OUTBOX_PENDING; state <= STORE_OUTBOX_FAILED; state++)
			if (strcmp(st_name, store_outbox_state_name(state)) == 0)
				break;
		if (state > STORE_OUTBOX_FAILED)
			return ctl_refusef(c, "--state", "bad_state",
					   "want pending, in_flight, acked or failed");
	}
	long limit = 100;
	if (ctl_opt(opts, "--limit") &&
	    (rc = ctl_int(c, "--limit", ctl_opt(opts, "--limit"), 1, 1000000, &limit)))
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	struct store_outbox_counts n;
	json_t *rows = json_array();
	int vb = store_outbox_counts(c->st, &n);
	if (!vb)
		vb = store_outbox_list(c->st, state, (size_t)limit, ctl_outbox_row_json, rows);
	if (vb) {
		json_decref(rows);
		return ctl_storage(c, vb);
	}
	json_t *o = json_pack("{s:{s:I, s:I, s:I, s:I}, s:o}", "counts", "pending",
			      (json_int_t)n.pending, "in_flight", (json_int_t)n.in_flight, "acked",
			      (json_int_t)n.acked, "failed", (json_int_t)n.failed, "rows", rows);
	if (c->json)
		return ctl_emit(c, o, NULL);
	printf("pending %lld, in flight %lld, acknowledged %lld, failed %lld\n",
	       (long long)n.pending, (long long)n.in_flight, (long long)n.acked,
	       (long long)n.failed);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		printf("%-36s  %-13s %-9s %s\n", json_string_value(json_object_get(r, "record")),
		       json_string_value(json_object_get(r, "kind")),
		       json_string_value(json_object_get(r, "state")),
		       json_string_value(json_object_get(r, "last_error")));
	}
	json_decref(o);
	return CTL_OK;
}

int ctl_cmd_audit_verify(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Recomputes the audit log's hash chain. Exit 0 when every row is\n"
			   "intact; exit 1 naming the first edited, deleted or reordered row.");
	if (rc)
		return rc;
	if ((rc = ctl_store(c, 0)))
		return rc;
	int64_t bad = 0, head = 0;
	uint8_t hash[32];
	struct vb_reason why = {0};
	int vb = store_audit_verify(c->st, &bad, &why);
	if (vb == VB_ECORRUPT) {
		char field[32];
		snprintf(field, sizeof(field), "seq %lld", (long long)bad);
		return ctl_refuse(c, field, &why);
	}
	if (vb)
		return ctl_storage(c, vb);
	if ((vb = store_audit_head(c->st, &head, hash)))
		return ctl_storage(c, vb);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	json_t *o =
	    json_pack("{s:s, s:I, s:s}", "audit", "intact", "rows", (json_int_t)head, "head", hex);
	return ctl_emit(c, o, NULL);
}
