/* sync_reply_read: the platform's answer to a pushed bundle read into one
 * fate per entry — ids from a location or the returned resource (never an
 * empty one), refusals per entry, whole-bundle refusals, and answers that
 * do not match what was sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sync_reply.h"

static void prepare(struct sync_reply *out, size_t n)
{
	static const char *const types[] = {"Patient", "Immunization"};
	memset(out, 0, n * sizeof(*out));
	for (size_t k = 0; k < n; k++)
		out[k].type = types[k % 2];
}

static void ids_from_location_or_resource(void **state)
{
	(void)state;
	struct sync_reply out[3];
	prepare(out, 3);
	const char *body = "{\"resourceType\":\"Bundle\",\"entry\":["
			   "{\"response\":{\"status\":\"201 Created\","
			   "\"location\":\"https://p.example/fhir/R4/Patient/p-1/_history/1\"}},"
			   "{\"response\":{\"status\":\"200 OK\"},\"resource\":{\"id\":\"im-7\"}},"
			   "{\"response\":{\"status\":\"201\",\"location\":\"Patient/p-2\"}}]}";
	assert_int_equal(sync_reply_read(200, body, out, 3), 3);
	assert_int_equal(out[0].fate, SYNC_FATE_OK);
	assert_string_equal(out[0].server_id, "Patient/p-1");
	assert_int_equal(out[1].fate, SYNC_FATE_OK);
	assert_string_equal(out[1].server_id, "Immunization/im-7");
	assert_string_equal(out[2].server_id, "Patient/p-2");
	assert_string_equal(out[2].error, "");
}

/* Found by fuzz_fhir_reply: "resource":{"id":""} once made "Patient/". */
static void empty_id_is_no_id(void **state)
{
	(void)state;
	struct sync_reply out[2];
	prepare(out, 2);
	const char *body = "{\"entry\":["
			   "{\"response\":{\"status\":\"200 OK\"},\"resource\":{\"id\":\"\"}},"
			   "{\"response\":{\"status\":\"201\",\"location\":\"Immunization//x\"}}]}";
	assert_int_equal(sync_reply_read(200, body, out, 2), 2);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(out[k].fate, SYNC_FATE_RETRY);
		assert_string_equal(out[k].server_id, "");
		assert_string_equal(out[k].error, "the answer has no id");
	}
}

static void entry_refusals(void **state)
{
	(void)state;
	struct sync_reply out[3];
	prepare(out, 3);
	const char *body =
	    "{\"entry\":["
	    "{\"response\":{\"status\":\"422\",\"outcome\":{\"issue\":[{\"diagnostics\":"
	    "\"birthDate is in the future\"}]}}},"
	    "{\"response\":{\"status\":\"429\"}},"
	    "{\"response\":{\"status\":\"404\",\"outcome\":{\"issue\":[{\"details\":{\"text\":"
	    "\"no such Patient\"}}]}}}]}";
	assert_int_equal(sync_reply_read(200, body, out, 3), 3);
	assert_int_equal(out[0].fate, SYNC_FATE_FAILED);
	assert_string_equal(out[0].error, "HTTP 422: birthDate is in the future");
	assert_int_equal(out[1].fate, SYNC_FATE_RETRY);
	assert_string_equal(out[1].error, "HTTP 429: refused");
	assert_int_equal(out[2].fate, SYNC_FATE_FAILED);
	assert_string_equal(out[2].error, "HTTP 404: no such Patient");
}

static void whole_bundle(void **state)
{
	(void)state;
	struct sync_reply out[2];
	prepare(out, 2);
	const char *oo = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"diagnostics\":"
			 "\"too many entries\"}]}";
	assert_int_equal(sync_reply_read(413, oo, out, 2), 0);
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(out[k].fate, SYNC_FATE_SPLIT);
		assert_string_equal(out[k].error, "HTTP 413: too many entries");
	}
	prepare(out, 2);
	assert_int_equal(sync_reply_read(401, "not json", out, 2), 0);
	assert_int_equal(out[0].fate, SYNC_FATE_RETRY);
	assert_int_equal(out[1].fate, SYNC_FATE_RETRY);
	assert_string_equal(out[1].error, "HTTP 401: refused");
}

static void answer_of_another_size(void **state)
{
	(void)state;
	struct sync_reply out[2];
	prepare(out, 2);
	const char *body = "{\"entry\":[{\"response\":{\"status\":\"201\",\"location\":"
			   "\"Patient/p-1\"}}]}";
	assert_int_equal(sync_reply_read(200, body, out, 2), 0);
	assert_int_equal(out[0].fate, SYNC_FATE_RETRY);
	assert_string_equal(out[0].server_id, "");
	assert_string_equal(out[0].error, "HTTP 200: the answer has 1 entries for 2");
	prepare(out, 2);
	assert_int_equal(sync_reply_read(200, NULL, out, 2), 0);
	assert_int_equal(out[1].fate, SYNC_FATE_RETRY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ids_from_location_or_resource),
	    cmocka_unit_test(empty_id_is_no_id),
	    cmocka_unit_test(entry_refusals),
	    cmocka_unit_test(whole_bundle),
	    cmocka_unit_test(answer_of_another_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
