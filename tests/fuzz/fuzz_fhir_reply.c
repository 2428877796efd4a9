/*
 * Fuzz sync_reply_read(): the platform's answer to a pushed Bundle. The
 * first byte picks the bundle's size (1-8 entries) and the next two the
 * HTTP status; the rest is the body. Every entry gets a fate, an
 * acknowledged one a "Type/id" of its own type, any other one a reason;
 * the answer never settles more entries than were sent, and nothing past
 * them is written.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sync_reply.h"

static const char *const types[] = {"Patient", "Immunization", "AdverseEvent"};
static const long statuses[] = {200, 201, 400, 401, 404, 413, 422, 429, 500, 503};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	size_t n = 1 + data[0] % 8;
	long status =
	    data[1] < 200 ? statuses[data[1] % 10] : (long)(data[1] - 200) * 10 + data[2] % 10;
	char *body = malloc(size - 2);
	CHECK(body != NULL);
	memcpy(body, data + 3, size - 3);
	body[size - 3] = '\0';

	struct sync_reply out[9], canary;
	memset(out, 0x5a, sizeof(out));
	canary = out[n];
	for (size_t k = 0; k < n; k++)
		out[k].type = types[(k + data[2]) % 3];
	size_t each = sync_reply_read(status, body, out, n);
	CHECK(each == 0 || each == n);
	CHECK(memcmp(&out[n], &canary, sizeof(canary)) == 0);
	for (size_t k = 0; k < n; k++) {
		const struct sync_reply *e = &out[k];
		CHECK(TERMINATED(e->server_id) && TERMINATED(e->error));
		if (each == 0) {
			CHECK(e->fate == SYNC_FATE_SPLIT || e->fate == SYNC_FATE_RETRY);
			CHECK(e->fate == out[0].fate && strcmp(e->error, out[0].error) == 0);
		}
		if (e->fate == SYNC_FATE_OK) {
			size_t t = strlen(e->type);
			CHECK(strncmp(e->server_id, e->type, t) == 0 && e->server_id[t] == '/');
			CHECK(e->server_id[t + 1] != '\0' && e->error[0] == '\0');
		} else {
			CHECK(e->fate == SYNC_FATE_FAILED || e->fate == SYNC_FATE_RETRY ||
			      e->fate == SYNC_FATE_SPLIT);
			CHECK(e->server_id[0] == '\0' && e->error[0] != '\0');
		}
	}
	free(body);
	return 0;
}
