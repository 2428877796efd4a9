/*
 * sync_reply: the platform's answer to a pushed Bundle (sync_reply.h): the
 * bundle's HTTP status, then each entry's response status, location (or
 * resource id) and OperationOutcome.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sync_reply.h"

/* The platform's id "Type/id" from a location "Type/id/_history/v" or an
 * absolute URL ending so, or from the resource returned; an empty id is
 * no id. */
static void server_id_of(json_t *entry, const char *type, char *out)
{
	const char *loc =
	    json_string_value(json_object_get(json_object_get(entry, "response"), "location"));
	out[0] = '\0';
	if (loc) {
		const char *at = strstr(loc, type);
		while (at && at > loc && at[-1] != '/')
			at = strstr(at + 1, type);
		if (at && at[strlen(type)] == '/') {
			const char *id = at + strlen(type) + 1;
			size_t n = strcspn(id, "/?");
			if (n > 0 && n < SYNC_REF_CAP - strlen(type) - 2)
				snprintf(out, SYNC_REF_CAP, "%s/%.*s", type, (int)n, id);
		}
	}
	const char *id =
	    json_string_value(json_object_get(json_object_get(entry, "resource"), "id"));
	if (!out[0] && id && id[0] && strlen(id) < SYNC_REF_CAP - strlen(type) - 2)
		snprintf(out, SYNC_REF_CAP, "%s/%s", type, id);
}

/* The first issue's diagnostics (or details.text) of an OperationOutcome,
 * after "HTTP <status>: ". */
static void outcome_text(json_t *oo, long status, char *out, size_t cap)
{
	json_t *issue = json_array_get(json_object_get(oo, "issue"), 0);
	const char *t = json_string_value(json_object_get(issue, "diagnostics"));
	if (!t)
		t = json_string_value(json_object_get(json_object_get(issue, "details"), "text"));
	snprintf(out, cap, "HTTP %ld: %s", status, t ? t : "refused");
}

/* An entry's status that is not about the record itself: try again. */
static int status_transient(long status)
{
	return status < 400 || status >= 500 || status == 401 || status == 403 || status == 408 ||
	       status == 429;
}

/* A whole bundle refused for its content (too many entries, too large, or
 * one bad entry in a transaction): split it. Any other refusal (a wrong
 * URL, authorisation) is the link's problem, never the records'. */
static int status_splits(long status)
{
	return status == 400 || status == 413 || status == 422;
}

static int status_of(json_t *entry)
{
	const char *s =
	    json_string_value(json_object_get(json_object_get(entry, "response"), "status"));
	return s ? atoi(s) : 0;
}

size_t sync_reply_read(long status, const char *body, struct sync_reply *out, size_t n)
{
	json_t *ans = body ? json_loads(body, 0, NULL) : NULL;
	json_t *got = json_object_get(ans, "entry");
	char error[SYNC_ERROR_CAP];
	enum sync_fate whole = SYNC_FATE_UNSENT;
	if (status / 100 != 2) {
		outcome_text(ans, status, error, sizeof(error));
		whole = status_splits(status) ? SYNC_FATE_SPLIT : SYNC_FATE_RETRY;
	} else if (json_array_size(got) != n) {
		snprintf(error, sizeof(error), "HTTP %ld: the answer has %zu entries for %zu",
			 status, json_array_size(got), n);
		whole = SYNC_FATE_RETRY;
	}
	for (size_t k = 0; k < n; k++) {
		struct sync_reply *e = &out[k];
		e->server_id[0] = '\0';
		if (whole != SYNC_FATE_UNSENT) {
			e->fate = whole;
			snprintf(e->error, sizeof(e->error), "%s", error);
			continue;
		}
		json_t *ent = json_array_get(got, k);
		int st = status_of(ent);
		if (st / 100 == 2) {
			server_id_of(ent, e->type, e->server_id);
			e->fate = e->server_id[0] ? SYNC_FATE_OK : SYNC_FATE_RETRY;
			snprintf(e->error, sizeof(e->error), "%s",
				 e->server_id[0] ? "" : "the answer has no id");
		} else {
			outcome_text(json_object_get(json_object_get(ent, "response"), "outcome"),
				     st, e->error, sizeof(e->error));
			e->fate = status_transient(st) ? SYNC_FATE_RETRY : SYNC_FATE_FAILED;
		}
	}
	json_decref(ans);
	return whole == SYNC_FATE_UNSENT ? n : 0;
}
