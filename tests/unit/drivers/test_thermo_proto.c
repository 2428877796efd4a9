/* TEMPer protocol: request bytes, report decoding (signed, /256, rounding,
 * no sensor, plausibility, garbled and short reports), identification of
 * the sensor count, and the read state machine over a fake link and a
 * fake SET_REPORT: split packets, timeouts and late answers, unplug and
 * re-identification after a replug. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fake_link.h"
#include "thermo_proto.h"

#define TIMEOUT 500

/* ---- pure decoding ---- */

static void test_encode(void **state)
{
	(void)state;
	static const uint8_t ident[8] = {0x01, 0x82, 0x77, 0x01, 0, 0, 0, 0};
	static const uint8_t temp[8] = {0x01, 0x80, 0x33, 0x01, 0, 0, 0, 0};
	uint8_t out[THERMO_REPORT_LEN];
	memset(out, 0xAA, sizeof(out));
	thermo_proto_encode(THERMO_CMD_IDENTIFY, out);
	assert_memory_equal(out, ident, 8);
	memset(out, 0xAA, sizeof(out));
	thermo_proto_encode(THERMO_CMD_READ, out);
	assert_memory_equal(out, temp, 8);
}

static void test_decode_values(void **state)
{
	(void)state;
	static const struct {
		uint8_t hi, lo;
		int status, centi;
		double celsius;
	} cases[] = {
	    {0x19, 0xB0, DRV_OK, 2569, 25.6875},  /* TEMPer1V1.4 dump, TEMPered #17 */
	    {0x00, 0x00, DRV_OK, 0, 0.0},	  /* zero */
	    {0xFF, 0x80, DRV_OK, -50, -0.5},	  /* −0.5 °C: signed, not 255.5 */
	    {0xEC, 0x00, DRV_OK, -2000, -20.0},	  /* freezer */
	    {0x04, 0x10, DRV_OK, 406, 4.0625},	  /* 1/16 °C steps */
	    {0x00, 0x20, DRV_OK, 13, 0.125},	  /* 12.5 rounds away from zero */
	    {0xFF, 0xE0, DRV_OK, -13, -0.125},	  /* ... on both sides */
	    {0xFF, 0xFF, DRV_OK, 0, -1.0 / 256},  /* −0.0039 °C is −0.00 */
	    {0x09, 0x2E, DRV_OK, 918, 9.1796875}, /* above 8 °C: a reading, not an error */
	    {0xD8, 0x00, DRV_OK, -4000, -40.0},	  /* lowest plausible */
	    {0xD7, 0xFF, DRV_EPROTO, 0, 0},	  /* just below −40 °C */
	    {0x55, 0x00, DRV_OK, 8500, 85.0},	  /* highest plausible */
	    {0x55, 0x01, DRV_EPROTO, 0, 0},	  /* just above +85 °C */
	    {0x4E, 0x20, DRV_ENOTFOUND, 0, 0},	  /* no sensor */
	    {0x7F, 0xFF, DRV_EPROTO, 0, 0},	  /* 127.99 °C */
	    {0x80, 0x00, DRV_EPROTO, 0, 0},	  /* −128 °C */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t rep[8] = {0x80, 0x02, cases[i].hi, cases[i].lo, 0x65, 0x72, 0x31, 0x46};
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t n = 0;
		assert_int_equal(thermo_proto_decode(rep, 8, 1, r, THERMO_SENSOR_MAX, &n), DRV_OK);
		assert_int_equal(n, 1);
		assert_int_equal(r[0].sensor, 0);
		assert_int_equal(r[0].status, cases[i].status);
		assert_int_equal(r[0].raw, (int16_t)(cases[i].hi << 8 | cases[i].lo));
		if (cases[i].status == DRV_OK) {
			assert_int_equal(r[0].centi_c, cases[i].centi);
			assert_true(r[0].celsius == cases[i].celsius);
		}
	}
}

/* Every raw value: the status follows the range, centi_c is raw/2.56
 * rounded half away from zero, celsius is exact. */
static void test_decode_every_raw(void **state)
{
	(void)state;
	for (int32_t raw = INT16_MIN; raw <= INT16_MAX; raw++) {
		struct thermo_reading r;
		thermo_reading_from_raw((int16_t)raw, 2, &r);
		assert_int_equal(r.sensor, 2);
		assert_int_equal(r.raw, raw);
		if (raw == THERMO_RAW_NO_SENSOR) {
			assert_int_equal(r.status, DRV_ENOTFOUND);
			continue;
		}
		double c = raw / 256.0;
		if (c < -40.0 || c > 85.0) {
			assert_int_equal(r.status, DRV_EPROTO);
			continue;
		}
		assert_int_equal(r.status, DRV_OK);
		assert_true(r.celsius == c);
		/* c × 100 is exact in a double: round it half away from zero */
		assert_int_equal(r.centi_c, (int)(c * 100.0 + (c < 0 ? -0.5 : 0.5)));
	}
}

static void test_decode_sensors(void **state)
{
	(void)state;
	/* TEMPer2: internal 9.18 °C, external probe −18.5 °C */
	const uint8_t two[8] = {0x80, 0x04, 0x09, 0x2E, 0xED, 0x80, 0x00, 0x00};
	/* TEMPer2 with its probe unplugged */
	const uint8_t no_probe[8] = {0x80, 0x04, 0x09, 0x2E, 0x4E, 0x20, 0x00, 0x00};
	/* TEMPerNTC: three slots */
	const uint8_t three[8] = {0x80, 0x06, 0x01, 0x00, 0x02, 0x00, 0xFC, 0x00};
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;

	assert_int_equal(thermo_proto_decode(two, 8, 2, r, THERMO_SENSOR_MAX, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].status, DRV_OK);
	assert_int_equal(r[0].centi_c, 918);
	assert_int_equal(r[1].sensor, 1);
	assert_int_equal(r[1].status, DRV_OK);
	assert_int_equal(r[1].centi_c, -1850);

	assert_int_equal(thermo_proto_decode(no_probe, 8, 2, r, THERMO_SENSOR_MAX, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].status, DRV_OK);
	assert_int_equal(r[1].status, DRV_ENOTFOUND);

	assert_int_equal(thermo_proto_decode(three, 8, 3, r, THERMO_SENSOR_MAX, &n), DRV_OK);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].centi_c, 100);
	assert_int_equal(r[1].centi_c, 200);
	assert_int_equal(r[2].centi_c, -400);
	assert_int_equal(r[2].sensor, 2);

	/* cap 1 keeps the stick's own sensor */
	assert_int_equal(thermo_proto_decode(three, 8, 3, r, 1, &n), DRV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].centi_c, 100);

	/* a one-sensor stick: what follows its 2 data bytes is stale, ignored */
	const uint8_t one[8] = {0x80, 0x02, 0x01, 0x00, 0x4E, 0x20, 0xFF, 0xFF};
	assert_int_equal(thermo_proto_decode(one, 8, 1, r, THERMO_SENSOR_MAX, &n), DRV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].status, DRV_OK);
}

static void test_decode_garbled(void **state)
{
	(void)state;
	static const struct {
		uint8_t rep[8];
		size_t len;
		unsigned n_sensors;
		size_t cap;
		int rc;
	} cases[] = {
	    {{0x80, 0x02, 0x01, 0x00}, 7, 1, 3, DRV_EPROTO}, /* short */
	    {{0x80, 0x02, 0x01, 0x00}, 0, 1, 3, DRV_EPROTO}, /* empty */
	    {{0x82, 0x01, 0x01, 0x00}, 8, 1, 3, DRV_EPROTO}, /* an identify answer */
	    {{0x00, 0x02, 0x01, 0x00}, 8, 1, 3, DRV_EPROTO}, /* no echo */
	    {{0x80, 0x00, 0x01, 0x00}, 8, 1, 3, DRV_EPROTO}, /* no data */
	    {{0x80, 0x03, 0x01, 0x00}, 8, 1, 3, DRV_EPROTO}, /* odd length */
	    {{0x80, 0x08, 0x01, 0x00}, 8, 1, 3, DRV_EPROTO}, /* more than fits */
	    {{0x80, 0x02, 0x01, 0x00}, 8, 2, 3, DRV_EPROTO}, /* probe's value missing */
	    {{0x80, 0x02, 0x01, 0x00}, 8, 1, 0, DRV_EINVAL}, /* cap 0 */
	    {{0x80, 0x02, 0x01, 0x00}, 8, 0, 3, DRV_EINVAL}, /* not identified */
	    {{0x80, 0x08, 0x01, 0x00}, 8, 4, 3, DRV_EINVAL}, /* 4 sensors */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct thermo_reading r[THERMO_SENSOR_MAX];
		struct thermo_reading untouched;
		size_t n = 42;
		memset(r, 0x5A, sizeof(r));
		memcpy(&untouched, &r[0], sizeof(untouched));
		assert_int_equal(thermo_proto_decode(cases[i].rep, cases[i].len, cases[i].n_sensors,
						     r, cases[i].cap, &n),
				 cases[i].rc);
		assert_int_equal(n, 42);
		assert_memory_equal(&r[0], &untouched, sizeof(untouched));
	}
}

static void test_decode_ident(void **state)
{
	(void)state;
	static const struct {
		uint8_t rep[8];
		size_t len;
		int rc;
		unsigned n;
	} cases[] = {
	    {{0x82, 0x01, 0x00, 0xB0, 0x65, 0x72, 0x31, 0x46}, 8, DRV_OK, 1}, /* TEMPer1V1.4 */
	    {{0x82, 0x02, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00}, 8, DRV_OK, 2}, /* TEMPer1F_V1.3 */
	    {{0x82, 0x03}, 8, DRV_OK, 3},				      /* TEMPerNTC1.0 */
	    {{0x82, 0x00}, 8, DRV_ENOTSUP, 0},
	    {{0x82, 0x04}, 8, DRV_ENOTSUP, 0},
	    {{0x80, 0x02}, 8, DRV_EPROTO, 0}, /* a temperature answer */
	    {{0x82, 0x01}, 2, DRV_EPROTO, 0}, /* short */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned n = 99;
		assert_int_equal(thermo_proto_decode_ident(cases[i].rep, cases[i].len, &n),
				 cases[i].rc);
		assert_int_equal(n, cases[i].rc == DRV_OK ? cases[i].n : 99);
	}
}

/* ---- the state machine over a fake stick ---- */

#define SENT_MAX 32

/* A scripted stick: answers each SET_REPORT by queuing a report on the
 * fake interrupt-IN link, unless told to stay silent. */
struct stick {
	struct fake_link *link;
	uint8_t ident[8], temp[8];
	size_t ident_len, temp_len, chunk;
	int ident_silent, temp_silent;
	int unplugged, send_err;
	uint8_t sent[SENT_MAX][8];
	size_t n_sent;
	struct thermo_proto proto;
};

static int stick_send(void *arg, const uint8_t *report, size_t len, int timeout_ms)
{
	struct stick *s = arg;
	assert_int_equal(len, 8);
	assert_true(timeout_ms > 0 && timeout_ms <= TIMEOUT);
	if (s->unplugged)
		return DRV_ENODEV;
	if (s->send_err) {
		int err = s->send_err;
		s->send_err = 0;
		return err;
	}
	assert_true(s->n_sent < SENT_MAX);
	memcpy(s->sent[s->n_sent++], report, 8);
	if (report[1] == THERMO_CMD_IDENTIFY && !s->ident_silent)
		fake_link_push_in_split(s->link, s->ident, s->ident_len, s->chunk);
	if (report[1] == THERMO_CMD_READ && !s->temp_silent)
		fake_link_push_in_split(s->link, s->temp, s->temp_len, s->chunk);
	return DRV_OK;
}

static void stick_temp(struct stick *s, unsigned n_sensors, const int16_t *raw)
{
	memset(s->temp, 0, sizeof(s->temp));
	s->temp[0] = 0x80;
	s->temp[1] = (uint8_t)(2 * n_sensors);
	for (unsigned i = 0; i < n_sensors; i++) {
		s->temp[2 + 2 * i] = (uint8_t)((uint16_t)raw[i] >> 8);
		s->temp[3 + 2 * i] = (uint8_t)raw[i];
	}
	s->temp_len = 8;
}

static void stick_ident(struct stick *s, unsigned n_sensors)
{
	static const uint8_t base[8] = {0x82, 0x01, 0x00, 0xB0, 0x65, 0x72, 0x31, 0x46};
	memcpy(s->ident, base, 8);
	s->ident[1] = (uint8_t)n_sensors;
	s->ident_len = 8;
}

static struct stick *stick_new(size_t packet, unsigned n_sensors, int16_t raw0)
{
	struct stick *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	int16_t raw[THERMO_SENSOR_MAX] = {raw0, THERMO_RAW_NO_SENSOR, THERMO_RAW_NO_SENSOR};
	s->link = fake_link_new(packet);
	s->chunk = packet;
	stick_ident(s, n_sensors);
	stick_temp(s, n_sensors, raw);
	thermo_proto_init(&s->proto, stick_send, s, fake_link_base(s->link));
	return s;
}

static void stick_free(struct stick *s)
{
	assert_int_equal(fake_link_pending(s->link), 0); /* nothing left unread */
	byte_link_free(fake_link_base(s->link));
	free(s);
}

static int stick_read(struct stick *s, struct thermo_reading *r, size_t *n)
{
	return thermo_proto_read(&s->proto, r, THERMO_SENSOR_MAX, n, TIMEOUT);
}

static void test_read_values(void **state)
{
	(void)state;
	static const struct {
		int16_t raw;
		int centi;
	} cases[] = {
	    {0x0480, 450},  /* 4.5 °C, a fridge */
	    {0x0000, 0},    /* zero */
	    {-128, -50},    /* −0.5 °C */
	    {-5120, -2000}, /* −20 °C, a freezer */
	    {0x0264, 239},  /* 2.390625 °C */
	    {0x0871, 844},  /* 8.44 °C */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stick *s = stick_new(8, 1, cases[i].raw);
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t n = 0;
		assert_int_equal(stick_read(s, r, &n), DRV_OK);
		assert_int_equal(n, 1);
		assert_int_equal(r[0].status, DRV_OK);
		assert_int_equal(r[0].centi_c, cases[i].centi);
		assert_true(r[0].celsius == cases[i].raw / 256.0);
		stick_free(s);
	}
}

/* The first read identifies the stick, later reads only ask for the
 * temperature; both requests go out as the exact 8 bytes. */
static void test_read_sequence(void **state)
{
	(void)state;
	static const uint8_t ident[8] = {0x01, 0x82, 0x77, 0x01, 0, 0, 0, 0};
	static const uint8_t temp[8] = {0x01, 0x80, 0x33, 0x01, 0, 0, 0, 0};
	struct stick *s = stick_new(8, 1, 0x0480);
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(s->n_sent, 3);
	assert_memory_equal(s->sent[0], ident, 8);
	assert_memory_equal(s->sent[1], temp, 8);
	assert_memory_equal(s->sent[2], temp, 8);
	assert_int_equal(s->proto.n_sensors, 1);
	stick_free(s);
}

/* Two sensors, found by identification: internal plus probe, or a
 * probe slot reporting no sensor. */
static void test_read_two_sensors(void **state)
{
	(void)state;
	struct stick *s = stick_new(8, 2, 0);
	int16_t raw[2] = {0x0500, -4736}; /* 5 °C inside the stick, −18.5 °C probe */
	stick_temp(s, 2, raw);
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	assert_int_equal(thermo_proto_identify(&s->proto, TIMEOUT), DRV_OK);
	assert_int_equal(s->proto.n_sensors, 2);
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].centi_c, 500);
	assert_int_equal(r[1].sensor, 1);
	assert_int_equal(r[1].centi_c, -1850);

	raw[1] = THERMO_RAW_NO_SENSOR;
	stick_temp(s, 2, raw);
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].status, DRV_OK);
	assert_int_equal(r[1].status, DRV_ENOTFOUND);
	stick_free(s);
}

static void test_read_no_sensor(void **state)
{
	(void)state;
	struct stick *s = stick_new(8, 1, THERMO_RAW_NO_SENSOR);
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].status, DRV_ENOTFOUND);
	stick_free(s);
}

/* Reports split over full-size packets are joined. */
static void test_read_split(void **state)
{
	(void)state;
	static const size_t packets[] = {1, 2, 4, 8, 64};
	for (size_t i = 0; i < sizeof(packets) / sizeof(packets[0]); i++) {
		struct stick *s = stick_new(packets[i], 1, -128);
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t n = 0;
		assert_int_equal(stick_read(s, r, &n), DRV_OK);
		assert_int_equal(r[0].centi_c, -50);
		stick_free(s);
	}
}

/* A short packet ends the report early: a short report is an error, and
 * the next request works. */
static void test_read_short(void **state)
{
	(void)state;
	static const struct {
		size_t packet, len, chunk;
	} cases[] = {
	    {8, 5, 8}, /* one short packet */
	    {4, 6, 4}, /* a full packet, then a short one */
	    {8, 0, 8}, /* a zero-length packet */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stick *s = stick_new(cases[i].packet, 1, 0x0480);
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t n = 0;
		assert_int_equal(thermo_proto_identify(&s->proto, TIMEOUT), DRV_OK);
		s->temp_len = cases[i].len;
		s->chunk = cases[i].chunk;
		if (cases[i].len == 0) {
			fake_link_push_in(s->link, NULL, 0);
			s->temp_silent = 1;
		}
		n = 77;
		assert_int_equal(stick_read(s, r, &n), DRV_EPROTO);
		assert_int_equal(n, 77);
		s->temp_len = 8;
		s->temp_silent = 0;
		assert_int_equal(stick_read(s, r, &n), DRV_OK);
		assert_int_equal(r[0].centi_c, 450);
		stick_free(s);
	}
}

/* A silent stick times out; its answer arriving late is thrown away so
 * the next read reports the fresh temperature, not the old one. */
static void test_read_timeout_late_answer(void **state)
{
	(void)state;
	struct stick *s = stick_new(8, 1, 0x0480);
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);

	s->temp_silent = 1;
	n = 5;
	assert_int_equal(stick_read(s, r, &n), DRV_ETIMEOUT);
	assert_int_equal(n, 5);

	/* the late answer (30 °C), then the stick is fine again at 4 °C */
	const uint8_t late[8] = {0x80, 0x02, 0x1E, 0x00, 0, 0, 0, 0};
	fake_link_push_in(s->link, late, 8);
	s->temp_silent = 0;
	s->temp[2] = 0x04;
	s->temp[3] = 0x00;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(r[0].centi_c, 400);
	stick_free(s);
}

/* Identification times out: the read fails and the next one identifies. */
static void test_read_ident_timeout(void **state)
{
	(void)state;
	struct stick *s = stick_new(8, 1, 0x0480);
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	s->ident_silent = 1;
	assert_int_equal(stick_read(s, r, &n), DRV_ETIMEOUT);
	assert_int_equal(s->proto.n_sensors, 0);
	s->ident_silent = 0;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(r[0].centi_c, 450);
	assert_int_equal(s->n_sent, 3); /* ident (unanswered), ident, temperature */
	assert_int_equal(s->sent[1][1], THERMO_CMD_IDENTIFY);
	stick_free(s);
}

/* Unplugged: DRV_ENODEV from the send or the link; once it is back it is
 * identified again (here it comes back as a two-sensor stick). */
static void test_read_unplug_replug(void **state)
{
	(void)state;
	struct stick *s = stick_new(8, 1, 0x0480);
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(n, 1);

	s->unplugged = 1;
	fake_link_set_unplugged(s->link, 1);
	n = 9;
	assert_int_equal(stick_read(s, r, &n), DRV_ENODEV);
	assert_int_equal(stick_read(s, r, &n), DRV_ENODEV);
	assert_int_equal(n, 9);

	s->unplugged = 0;
	fake_link_set_unplugged(s->link, 0);
	int16_t raw[2] = {0x0300, 0x0200};
	stick_ident(s, 2);
	stick_temp(s, 2, raw);
	size_t before = s->n_sent;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].centi_c, 300);
	assert_int_equal(r[1].centi_c, 200);
	assert_int_equal(s->sent[before][1], THERMO_CMD_IDENTIFY);

	/* unplugged while the answer is on its way: the link says so */
	fake_link_push_error(s->link, DRV_ENODEV);
	s->temp_silent = 1;
	assert_int_equal(stick_read(s, r, &n), DRV_ENODEV);
	assert_int_equal(s->proto.n_sensors, 0);
	s->temp_silent = 0;
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	stick_free(s);
}

static void test_read_errors(void **state)
{
	(void)state;
	struct thermo_reading r[THERMO_SENSOR_MAX];
	size_t n = 0;

	/* the control transfer fails */
	struct stick *s = stick_new(8, 1, 0x0480);
	s->send_err = DRV_EIO;
	assert_int_equal(stick_read(s, r, &n), DRV_EIO);
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	stick_free(s);

	/* a stick variant this driver does not know */
	s = stick_new(8, 1, 0x0480);
	s->ident[1] = 5;
	assert_int_equal(stick_read(s, r, &n), DRV_ENOTSUP);
	stick_free(s);

	/* an answer to the wrong request */
	s = stick_new(8, 1, 0x0480);
	assert_int_equal(thermo_proto_identify(&s->proto, TIMEOUT), DRV_OK);
	s->temp[0] = THERMO_CMD_IDENTIFY;
	assert_int_equal(stick_read(s, r, &n), DRV_EPROTO);
	stick_free(s);

	/* an implausible value is the reading's status, not the read's */
	s = stick_new(8, 1, 0x6400); /* 100 °C */
	assert_int_equal(stick_read(s, r, &n), DRV_OK);
	assert_int_equal(r[0].status, DRV_EPROTO);
	stick_free(s);

	/* bad arguments send nothing */
	s = stick_new(8, 1, 0x0480);
	assert_int_equal(thermo_proto_read(&s->proto, r, 0, &n, TIMEOUT), DRV_EINVAL);
	assert_int_equal(thermo_proto_read(&s->proto, r, 3, &n, 0), DRV_EINVAL);
	assert_int_equal(thermo_proto_identify(&s->proto, -1), DRV_EINVAL);
	assert_int_equal(s->n_sent, 0);
	stick_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_decode_values),
	    cmocka_unit_test(test_decode_every_raw),
	    cmocka_unit_test(test_decode_sensors),
	    cmocka_unit_test(test_decode_garbled),
	    cmocka_unit_test(test_decode_ident),
	    cmocka_unit_test(test_read_values),
	    cmocka_unit_test(test_read_sequence),
	    cmocka_unit_test(test_read_two_sensors),
	    cmocka_unit_test(test_read_no_sensor),
	    cmocka_unit_test(test_read_split),
	    cmocka_unit_test(test_read_short),
	    cmocka_unit_test(test_read_timeout_late_answer),
	    cmocka_unit_test(test_read_ident_timeout),
	    cmocka_unit_test(test_read_unplug_replug),
	    cmocka_unit_test(test_read_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
