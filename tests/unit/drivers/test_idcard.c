/*
 * The SAM reader's protocol over fake links: request bytes, the streaming
 * parser (every split of a 1295-byte reply, packet sizes, garbage,
 * truncation, checksum, LEN caps), the read cycle's results and reasons
 * (no card, removed mid-read, busy, unknown status, unplug), both endpoint
 * layouts, and that neither the photo nor the text outlives a read.
 *
 * Every reply is built here, independently of the driver's encoders: the
 * fields are written as UCS-2LE code units by this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fake_link.h"
#include "idcard.h"
#include "idcard_frame.h"
#include "idcard_proto.h"

/* ---- frames built by the test ------------------------------------------ */

/* preamble | LEN | body | CHK, LEN and CHK computed here. */
static size_t mk_frame(uint8_t *out, const uint8_t *body, size_t n)
{
	static const uint8_t pre[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};
	memcpy(out, pre, 5);
	out[5] = (uint8_t)((n + 1) >> 8);
	out[6] = (uint8_t)(n + 1);
	memcpy(out + 7, body, n);
	uint8_t x = 0;
	for (size_t i = 5; i < 7 + n; i++)
		x ^= out[i];
	out[7 + n] = x;
	return 8 + n;
}

static size_t mk_status(uint8_t *out, uint8_t sw3)
{
	const uint8_t body[3] = {0x00, 0x00, sw3};
	return mk_frame(out, body, 3);
}

static void put_units(uint8_t *text, size_t at, size_t width, const uint16_t *u, size_t n)
{
	for (size_t i = 0; i < width / 2; i++) {
		uint16_t v = i < n ? u[i] : 0x0020;
		text[at + 2 * i] = (uint8_t)v;
		text[at + 2 * i + 1] = (uint8_t)(v >> 8);
	}
}

static void put_ascii(uint8_t *text, size_t at, size_t width, const char *s)
{
	uint16_t u[64];
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		u[i] = (uint8_t)s[i];
	put_units(text, at, width, u, n);
}

static const uint16_t zhang_san[] = {0x5F20, 0x4E09}; /* 张三 */
static const uint16_t address[] = {0x5317, 0x4EAC, 0x5E02, 0x4E1C, 0x57CE, 0x533A,
				   0x666F, 0x5C71, 0x524D, 0x8857, 0x0034, 0x53F7};
static const uint16_t authority[] = {0x5317, 0x4EAC, 0x5E02, 0x516C, 0x5B89,
				     0x5C40, 0x4E1C, 0x57CE, 0x5206, 0x5C40};
static const uint16_t long_term[] = {0x957F, 0x671F}; /* 长期 */

/* Zhang San's card text, every field at its offset. */
static void mk_text(uint8_t text[256])
{
	put_units(text, 0, 30, zhang_san, 2);
	put_ascii(text, 30, 2, "1");
	put_ascii(text, 32, 4, "01");
	put_ascii(text, 36, 16, "19900307");
	put_units(text, 52, 70, address, sizeof(address) / 2);
	put_ascii(text, 122, 36, "11010119900307001X");
	put_units(text, 158, 30, authority, sizeof(authority) / 2);
	put_ascii(text, 188, 16, "20150101");
	put_units(text, 204, 16, long_term, 2);
	put_ascii(text, 220, 36, "");
}

/* A photo that would show up if it leaked: text in ASCII and UCS-2LE. */
static const char photo_mark[] = "PHOTO!";

static void mk_photo(uint8_t photo[1024])
{
	for (size_t i = 0; i < 1024; i++)
		photo[i] = (uint8_t)(0x41 + i % 23);
	memcpy(photo + 100, photo_mark, 6);
	for (size_t i = 0; i < 6; i++) {
		photo[500 + 2 * i] = (uint8_t)photo_mark[i];
		photo[501 + 2 * i] = 0;
	}
}

/* The whole `30 01` reply: 1295 bytes. */
static size_t mk_read_reply(uint8_t out[1295], const uint8_t text[256])
{
	uint8_t body[3 + 4 + 256 + 1024] = {0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00};
	memcpy(body + 7, text, 256);
	mk_photo(body + 7 + 256);
	size_t n = mk_frame(out, body, sizeof(body));
	assert_int_equal(n, 1295);
	return n;
}

static void expect_zhang_san(const struct idcard_card *c)
{
	assert_string_equal(c->name, "张三");
	assert_string_equal(c->sex, "1");
	assert_string_equal(c->nation, "01");
	assert_string_equal(c->birth, "19900307");
	assert_string_equal(c->address, "北京市东城区景山前街4号");
	assert_string_equal(c->id, "11010119900307001X");
	assert_string_equal(c->authority, "北京市公安局东城分局");
	assert_string_equal(c->valid_from, "20150101");
	assert_string_equal(c->valid_to, "长期");
}

/* ---- the rig: fake links, a virtual clock, the protocol ------------------ */

struct vclock {
	int64_t now;
	int64_t slept;
	int sleeps;
};

static int64_t v_now(void *arg)
{
	return ((struct vclock *)arg)->now;
}

static void v_sleep(void *arg, int ms)
{
	struct vclock *c = arg;
	c->now += ms;
	c->slept += ms;
	c->sleeps++;
}

struct rig {
	struct fake_link *head, *body; /* body NULL: one pair */
	struct vclock clk;
	struct idcard_proto proto;
	size_t chunk; /* IN transfer size the replies are split into */
};

static struct rig *rig_new(size_t pkt, int two_pairs)
{
	struct rig *r = test_calloc(1, sizeof(*r));
	struct idcard_proto_config cfg;
	r->head = fake_link_new(pkt);
	r->body = two_pairs ? fake_link_new(pkt) : NULL;
	r->chunk = pkt;
	idcard_proto_config_default(&cfg);
	cfg.now_ms = v_now;
	cfg.sleep_ms = v_sleep;
	cfg.clock_arg = &r->clk;
	idcard_proto_init(&r->proto, fake_link_base(r->head),
			  r->body ? fake_link_base(r->body) : NULL, &cfg);
	return r;
}

static void rig_free(struct rig *r)
{
	idcard_proto_cleanup(&r->proto);
	byte_link_free(fake_link_base(r->head));
	if (r->body)
		byte_link_free(fake_link_base(r->body));
	test_free(r);
}

/* Queues a reply the way the device sends it: one pair, or the header on
 * the first pair and the body on the second. */
static void rig_push(struct rig *r, const uint8_t *frame, size_t n)
{
	if (!r->body) {
		fake_link_push_in_split(r->head, frame, n, r->chunk);
		return;
	}
	fake_link_push_in_split(r->head, frame, 7, r->chunk);
	fake_link_push_in_split(r->body, frame + 7, n - 7, r->chunk);
}

static void rig_push_status(struct rig *r, uint8_t sw3)
{
	uint8_t f[16];
	rig_push(r, f, mk_status(f, sw3));
}

/* SAM OK, card found, selected: what precedes every read reply. */
static void rig_push_ready(struct rig *r)
{
	rig_push_status(r, 0x90);
	rig_push_status(r, 0x9F);
	rig_push_status(r, 0x90);
}

static void rig_push_card(struct rig *r)
{
	uint8_t text[256], frame[1295];
	mk_text(text);
	rig_push_ready(r);
	rig_push(r, frame, mk_read_reply(frame, text));
}

static int rig_read(struct rig *r, struct idcard_card *c, int timeout_ms, struct idcard_status *st)
{
	return idcard_proto_read(&r->proto, c, timeout_ms, st);
}

static const uint8_t req_sam[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0xED};
static const uint8_t req_find[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22};
static const uint8_t req_select[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x02, 0x21};
static const uint8_t req_read[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x30, 0x01, 0x32};
/* with data: set max RF byte (hevz/hev-idcard-reader) */
static const uint8_t rf_data[] = {0x50};
static const uint8_t req_rf[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x61, 0xFF, 0x50, 0xCA};

/* ---- frames ------------------------------------------------------------- */

static void test_request_vectors(void **state)
{
	(void)state;
	static const struct {
		uint8_t cmd, para;
		const uint8_t *data;
		size_t n;
		const uint8_t *want;
		size_t want_n;
	} cases[] = {
	    {0x11, 0xFF, NULL, 0, req_sam, sizeof(req_sam)},
	    {0x20, 0x01, NULL, 0, req_find, sizeof(req_find)},
	    {0x20, 0x02, NULL, 0, req_select, sizeof(req_select)},
	    {0x30, 0x01, NULL, 0, req_read, sizeof(req_read)},
	    {0x61, 0xFF, rf_data, 1, req_rf, sizeof(req_rf)},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t out[32];
		size_t n = 0;
		assert_int_equal(idcard_frame_request(cases[i].cmd, cases[i].para, cases[i].data,
						      cases[i].n, out, sizeof(out), &n),
				 DRV_OK);
		assert_int_equal(n, cases[i].want_n);
		assert_memory_equal(out, cases[i].want, n);
		/* one byte short of room */
		size_t kept = 1234;
		assert_int_equal(idcard_frame_request(cases[i].cmd, cases[i].para, cases[i].data,
						      cases[i].n, out, n - 1, &kept),
				 DRV_EINVAL);
		assert_int_equal(kept, 1234);
	}
}

static void test_reply_encoder(void **state)
{
	(void)state;
	uint8_t text[256], want[1295], got[1400];
	size_t n = 0;
	mk_text(text);
	mk_read_reply(want, text);
	/* the encoder (for device models) agrees with the test's own frame */
	assert_int_equal(idcard_frame_reply(want + 7, want + 10, 1284, got, sizeof(got), &n),
			 DRV_OK);
	assert_int_equal(n, 1295);
	assert_memory_equal(got, want, 1295);
}

static void test_cycle_writes_each_request(void **state)
{
	(void)state;
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	rig_push_card(r);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	size_t n = 0;
	const uint8_t *w = fake_link_written(r->head, &n);
	assert_int_equal(fake_link_write_count(r->head), 4);
	assert_int_equal(n, 40);
	assert_memory_equal(w, req_sam, 10);
	assert_memory_equal(w + 10, req_find, 10);
	assert_memory_equal(w + 20, req_select, 10);
	assert_memory_equal(w + 30, req_read, 10);
	assert_int_equal(fake_link_pending(r->head), 0);
	idcard_card_wipe(&c);
	rig_free(r);
}

/* Feeds a frame in two pieces; the frame completes exactly at its end. */
static void feed_split(const uint8_t *f, size_t n, size_t k)
{
	struct idcard_parser p;
	size_t used = 0;
	idcard_parser_init(&p, 0);
	assert_int_equal(idcard_parser_feed(&p, f, k, &used), IDCARD_PARSE_MORE);
	assert_int_equal(used, k);
	assert_int_equal(idcard_parser_feed(&p, f + k, n - k, &used), IDCARD_PARSE_FRAME);
	assert_int_equal(used, n - k);
	struct idcard_reply rep;
	assert_int_equal(idcard_parser_reply(&p, &rep), DRV_OK);
	assert_int_equal(rep.sw[2], 0x90);
	assert_int_equal(rep.n, 1284);
	assert_memory_equal(rep.data, f + 10, 1284);
}

static void test_reply_split_at_every_offset(void **state)
{
	(void)state;
	uint8_t text[256], frame[1295];
	mk_text(text);
	size_t n = mk_read_reply(frame, text);
	for (size_t k = 1; k < n; k++) {
		feed_split(frame, n, k);
		/* and through the whole cycle: two IN transfers split at k */
		struct rig *r = rig_new(2048, 0);
		struct idcard_card c;
		struct idcard_status st;
		rig_push_ready(r);
		fake_link_push_in(r->head, frame, k);
		fake_link_push_in(r->head, frame + k, n - k);
		assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
		expect_zhang_san(&c);
		assert_int_equal(fake_link_pending(r->head), 0);
		rig_free(r);
	}
}

static void test_reply_in_packets(void **state)
{
	(void)state;
	static const size_t sizes[] = {1, 7, 63, 64, 512, 4096};
	for (int two = 0; two <= 1; two++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct rig *r = rig_new(sizes[i], two);
			struct idcard_card c;
			struct idcard_status st;
			rig_push_card(r);
			assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
			expect_zhang_san(&c);
			assert_int_equal(st.why, IDCARD_WHY_NONE);
			assert_int_equal(fake_link_pending(r->head), 0);
			if (two)
				assert_int_equal(fake_link_pending(r->body), 0);
			rig_free(r);
		}
}

static void test_two_pair_layout_writes(void **state)
{
	(void)state;
	struct rig *r = rig_new(64, 1);
	struct idcard_card c;
	struct idcard_status st;
	rig_push_card(r);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	expect_zhang_san(&c);
	/* headers (preamble + LEN) on the first pair, bodies on the second */
	size_t n = 0;
	const uint8_t *w = fake_link_written(r->head, &n);
	assert_int_equal(fake_link_write_count(r->head), 4);
	assert_int_equal(n, 28);
	for (size_t i = 0; i < 4; i++)
		assert_memory_equal(w + 7 * i, req_find, 7);
	w = fake_link_written(r->body, &n);
	assert_int_equal(fake_link_write_count(r->body), 4);
	assert_int_equal(n, 12);
	assert_memory_equal(w, req_sam + 7, 3);
	assert_memory_equal(w + 3, req_find + 7, 3);
	assert_memory_equal(w + 6, req_select + 7, 3);
	assert_memory_equal(w + 9, req_read + 7, 3);
	rig_free(r);
}

static void test_garbage_before_preamble(void **state)
{
	(void)state;
	/* false starts: partial preambles, AA runs, a preamble missing 69 */
	static const uint8_t garbage[] = {0x00, 0xFF, 0xAA, 0x96, 0xAA, 0xAA, 0x96, 0x69,
					  0xAA, 0xAA, 0xAA, 0x96, 0x68, 0xAA, 0xAA, 0xAA,
					  0xAA, 0xAA, 0x96, 0x00, 0x69, 0x96, 0xAA, 0xAA};
	uint8_t text[256], frame[1295], buf[sizeof(garbage) + 1295];
	mk_text(text);
	size_t n = mk_read_reply(frame, text);
	memcpy(buf, garbage, sizeof(garbage));
	memcpy(buf + sizeof(garbage), frame, n);

	struct idcard_parser p;
	size_t used = 0;
	idcard_parser_init(&p, 0);
	assert_int_equal(idcard_parser_feed(&p, buf, sizeof(buf), &used), IDCARD_PARSE_FRAME);
	assert_int_equal(used, sizeof(buf));
	size_t bn = 0;
	const uint8_t *body = idcard_parser_body(&p, &bn);
	assert_non_null(body);
	assert_int_equal(bn, 1287);
	assert_memory_equal(body, frame + 7, bn);

	/* through the cycle, garbage before every reply, byte by byte */
	struct rig *r = rig_new(1, 0);
	uint8_t f[16];
	uint8_t sw3s[] = {0x90, 0x9F, 0x90};
	for (size_t i = 0; i < 3; i++) {
		fake_link_push_in_split(r->head, garbage, sizeof(garbage), 1);
		fake_link_push_in_split(r->head, f, mk_status(f, sw3s[i]), 1);
	}
	fake_link_push_in_split(r->head, buf, sizeof(buf), 1);
	struct idcard_card c;
	struct idcard_status st;
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	expect_zhang_san(&c);
	rig_free(r);
}

static void test_back_to_back_frames(void **state)
{
	(void)state;
	uint8_t buf[32];
	size_t a = mk_status(buf, 0x9F);
	size_t b = mk_status(buf + a, 0x80);
	struct idcard_parser p;
	struct idcard_reply rep;
	size_t used = 0;
	idcard_parser_init(&p, 0);
	assert_int_equal(idcard_parser_feed(&p, buf, a + b, &used), IDCARD_PARSE_FRAME);
	assert_int_equal(used, a);
	assert_int_equal(idcard_parser_reply(&p, &rep), DRV_OK);
	assert_int_equal(rep.sw[2], 0x9F);
	assert_int_equal(rep.n, 0);
	assert_int_equal(idcard_parser_feed(&p, buf + a, b, &used), IDCARD_PARSE_FRAME);
	assert_int_equal(idcard_parser_reply(&p, &rep), DRV_OK);
	assert_int_equal(rep.sw[2], 0x80);
	/* after a frame the parser wants a new header */
	assert_int_equal(idcard_parser_feed(&p, buf, 3, &used), IDCARD_PARSE_MORE);
	assert_int_equal(idcard_parser_need(&p), 4);
	assert_null(idcard_parser_body(&p, &used));
}

static void test_truncated_reply_times_out(void **state)
{
	(void)state;
	uint8_t text[256], frame[1295];
	mk_text(text);
	mk_read_reply(frame, text);
	struct rig *r = rig_new(64, 0);
	struct idcard_card c, sentinel;
	struct idcard_status st;
	memset(&c, 0x5A, sizeof(c));
	sentinel = c;
	rig_push_ready(r);
	fake_link_push_in_split(r->head, frame, 1000, 64);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_EBUSY);
	assert_int_equal(st.why, IDCARD_WHY_BUSY);
	assert_int_equal(st.step, IDCARD_STEP_READ);
	assert_int_equal(st.replied, 0);
	assert_memory_equal(&c, &sentinel, sizeof(c));

	rig_free(r);

	/* the exchange on its own reports the timeout */
	r = rig_new(64, 0);
	fake_link_push_in_split(r->head, frame, 1294, 64);
	struct idcard_reply rep;
	assert_int_equal(idcard_proto_exchange(&r->proto, IDCARD_CMD_READ, 100, &rep),
			 DRV_ETIMEOUT);
	rig_free(r);

	/* the rest of a late reply is drained before the next read */
	r = rig_new(64, 0);
	rig_push_ready(r);
	fake_link_push_in_split(r->head, frame, 1000, 64);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_EBUSY);
	fake_link_push_in(r->head, frame + 1000, 295); /* the late rest */
	fake_link_push_error(r->head, DRV_ETIMEOUT);   /* then quiet */
	rig_push_card(r);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	expect_zhang_san(&c);
	assert_int_equal(fake_link_pending(r->head), 0);
	rig_free(r);
}

static void test_bad_checksum(void **state)
{
	(void)state;
	uint8_t text[256], frame[1295];
	mk_text(text);
	size_t n = mk_read_reply(frame, text);
	frame[n - 1] ^= 0x01;
	struct idcard_parser p;
	size_t used = 0;
	idcard_parser_init(&p, 0);
	assert_int_equal(idcard_parser_feed(&p, frame, n, &used), DRV_EPROTO);
	assert_int_equal(used, n);

	/* a flipped data byte is caught too */
	frame[n - 1] ^= 0x01;
	frame[700] ^= 0x40;
	idcard_parser_init(&p, 0);
	assert_int_equal(idcard_parser_feed(&p, frame, n, &used), DRV_EPROTO);
	frame[700] ^= 0x40;

	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	uint8_t f[16];
	size_t fn = mk_status(f, 0x90);
	f[fn - 1] ^= 0xFF;
	rig_push(r, f, fn);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_EPROTO);
	assert_int_equal(st.why, IDCARD_WHY_PROTOCOL);
	assert_int_equal(st.step, IDCARD_STEP_SAM);
	assert_int_equal(st.replied, 0);
	rig_free(r);
}

static void test_len_out_of_range(void **state)
{
	(void)state;
	static const uint16_t lens[] = {1289, 0x1000, 0xFFFF, 0, 1, 2};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t hdr[16] = {0xAA,
				   0xAA,
				   0xAA,
				   0x96,
				   0x69,
				   (uint8_t)(lens[i] >> 8),
				   (uint8_t)lens[i],
				   0,
				   0,
				   0x90,
				   0,
				   0,
				   0,
				   0,
				   0,
				   0};
		struct idcard_parser p;
		size_t used = 0;
		idcard_parser_init(&p, 0);
		/* refused at the 7th byte, before any body is awaited */
		assert_int_equal(idcard_parser_feed(&p, hdr, sizeof(hdr), &used), DRV_EPROTO);
		assert_int_equal(used, 7);
	}
	/* the largest legal reply is accepted, and a lower cap is honoured */
	uint8_t text[256], frame[1295];
	mk_text(text);
	size_t n = mk_read_reply(frame, text);
	struct idcard_parser p;
	size_t used = 0;
	idcard_parser_init(&p, 1287);
	assert_int_equal(idcard_parser_feed(&p, frame, n, &used), DRV_EPROTO);
	assert_int_equal(used, 7);
	idcard_parser_init(&p, 1288);
	assert_int_equal(idcard_parser_feed(&p, frame, n, &used), IDCARD_PARSE_FRAME);

	/* through the cycle */
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	frame[5] = 0x05;
	frame[6] = 0x09; /* LEN 1289 */
	rig_push_ready(r);
	rig_push(r, frame, n);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_EPROTO);
	assert_int_equal(st.why, IDCARD_WHY_PROTOCOL);
	assert_int_equal(st.step, IDCARD_STEP_READ);
	rig_free(r);
}

/* ---- status codes and the cycle's results -------------------------------- */

static void test_status_codes(void **state)
{
	(void)state;
	/* replies to SAM, find, select, read (0 = not sent) -> result */
	static const struct {
		uint8_t sam, find, select, read;
		int rc;
		enum idcard_why why;
		enum idcard_step step;
	} cases[] = {
	    {0x90, 0x9F, 0x90, 0x90, DRV_OK, IDCARD_WHY_NONE, IDCARD_STEP_NONE},
	    {0x60, 0, 0, 0, DRV_EBUSY, IDCARD_WHY_BUSY, IDCARD_STEP_SAM},
	    {0x66, 0, 0, 0, DRV_EBUSY, IDCARD_WHY_BUSY, IDCARD_STEP_SAM},
	    {0x90, 0x80, 0, 0, DRV_ENOTFOUND, IDCARD_WHY_NO_CARD, IDCARD_STEP_FIND},
	    {0x90, 0x90, 0, 0, DRV_EPROTO, IDCARD_WHY_PROTOCOL, IDCARD_STEP_FIND},
	    {0x90, 0x10, 0, 0, DRV_EPROTO, IDCARD_WHY_PROTOCOL, IDCARD_STEP_FIND},
	    {0x90, 0x9F, 0x81, 0, DRV_EIO, IDCARD_WHY_REMOVED, IDCARD_STEP_SELECT},
	    {0x90, 0x9F, 0x80, 0, DRV_EIO, IDCARD_WHY_REMOVED, IDCARD_STEP_SELECT},
	    {0x90, 0x9F, 0x33, 0, DRV_EPROTO, IDCARD_WHY_PROTOCOL, IDCARD_STEP_SELECT},
	    {0x90, 0x9F, 0x90, 0x41, DRV_EIO, IDCARD_WHY_REMOVED, IDCARD_STEP_READ},
	    {0x90, 0x9F, 0x90, 0x80, DRV_EIO, IDCARD_WHY_REMOVED, IDCARD_STEP_READ},
	    {0x90, 0x9F, 0x90, 0x81, DRV_EIO, IDCARD_WHY_REMOVED, IDCARD_STEP_READ},
	    {0x90, 0x9F, 0x90, 0x21, DRV_EPROTO, IDCARD_WHY_PROTOCOL, IDCARD_STEP_READ},
	    {0x90, 0x9F, 0x90, 0x9F, DRV_EPROTO, IDCARD_WHY_PROTOCOL, IDCARD_STEP_READ},
	};
	for (int two = 0; two <= 1; two++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct rig *r = rig_new(64, two);
			struct idcard_card c, sentinel;
			struct idcard_status st;
			uint8_t text[256], frame[1295];
			memset(&c, 0x5A, sizeof(c));
			sentinel = c;
			const uint8_t sw[4] = {cases[i].sam, cases[i].find, cases[i].select,
					       cases[i].read};
			for (size_t s = 0; s < 4 && sw[s]; s++) {
				if (s == 3 && sw[s] == 0x90) {
					mk_text(text);
					rig_push(r, frame, mk_read_reply(frame, text));
				} else {
					rig_push_status(r, sw[s]);
				}
			}
			int rc = rig_read(r, &c, 0, &st);
			assert_int_equal(rc, cases[i].rc);
			assert_int_equal(st.why, cases[i].why);
			assert_int_equal(st.step, cases[i].step);
			if (rc == DRV_OK) {
				expect_zhang_san(&c);
			} else {
				/* the failing reply's code is kept; *out untouched */
				assert_int_equal(st.replied, 1);
				assert_int_equal(st.sw[2], sw[cases[i].step - 1]);
				assert_memory_equal(&c, &sentinel, sizeof(c));
			}
			assert_int_equal(fake_link_pending(r->head), 0);
			rig_free(r);
		}
}

static void test_find_waits_for_card(void **state)
{
	(void)state;
	/* no card three times, then a card: finds are paced by the poll */
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	uint8_t text[256], frame[1295];
	mk_text(text);
	rig_push_status(r, 0x90);
	for (int i = 0; i < 3; i++)
		rig_push_status(r, 0x80);
	rig_push_status(r, 0x9F);
	rig_push_status(r, 0x90);
	rig_push(r, frame, mk_read_reply(frame, text));
	assert_int_equal(rig_read(r, &c, 5000, &st), DRV_OK);
	expect_zhang_san(&c);
	assert_int_equal(st.finds, 4);
	assert_int_equal(r->clk.sleeps, 3);
	assert_int_equal(r->clk.slept, 750);
	rig_free(r);

	/* never a card: finds until the overall timeout, the last one at it */
	static const struct {
		int timeout, finds;
		int64_t slept;
	} waits[] = {{0, 1, 0}, {1, 2, 1}, {250, 2, 250}, {600, 4, 600}, {1000, 5, 1000}};
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		r = rig_new(64, 0);
		uint8_t f[16];
		size_t fn = mk_status(f, 0x90);
		fake_link_push_in(r->head, f, fn);
		fn = mk_status(f, 0x80);
		fake_link_on_write(r->head, req_find, sizeof(req_find), f, fn, 64);
		assert_int_equal(rig_read(r, &c, waits[i].timeout, &st), DRV_ENOTFOUND);
		assert_int_equal(st.why, IDCARD_WHY_NO_CARD);
		assert_int_equal(st.finds, waits[i].finds);
		assert_int_equal(r->clk.slept, waits[i].slept);
		rig_free(r);
	}
}

static void test_no_reply_is_busy(void **state)
{
	(void)state;
	/* nothing answers a step: busy, with the step named */
	for (size_t answered = 0; answered < 4; answered++) {
		struct rig *r = rig_new(64, 0);
		struct idcard_card c;
		struct idcard_status st;
		static const uint8_t sw[3] = {0x90, 0x9F, 0x90};
		for (size_t s = 0; s < answered && s < 3; s++)
			rig_push_status(r, sw[s]);
		assert_int_equal(rig_read(r, &c, 0, &st), DRV_EBUSY);
		assert_int_equal(st.why, IDCARD_WHY_BUSY);
		assert_int_equal(st.step, (enum idcard_step)(answered + 1));
		assert_int_equal(st.replied, 0);
		rig_free(r);
	}
}

static void test_removed_mid_read(void **state)
{
	(void)state;
	/* found and selected, then the card leaves: the read fails and the
	 * app is told it was removed, not that there was no card */
	struct rig *r = rig_new(64, 0);
	struct idcard_card c, sentinel;
	struct idcard_status st;
	memset(&c, 0x33, sizeof(c));
	sentinel = c;
	rig_push_ready(r);
	rig_push_status(r, 0x41);
	assert_int_equal(rig_read(r, &c, 3000, &st), DRV_EIO);
	assert_int_equal(st.why, IDCARD_WHY_REMOVED);
	assert_string_equal(idcard_why_name(st.why), "card_removed");
	assert_int_equal(st.step, IDCARD_STEP_READ);
	assert_int_equal(st.finds, 1);
	assert_memory_equal(&c, &sentinel, sizeof(c));
	/* placed again: the next read works */
	rig_push_card(r);
	assert_int_equal(rig_read(r, &c, 3000, &st), DRV_OK);
	expect_zhang_san(&c);
	rig_free(r);
}

static void test_unplug_and_io_errors(void **state)
{
	(void)state;
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	fake_link_set_unplugged(r->head, 1);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_ENODEV);
	assert_int_equal(st.why, IDCARD_WHY_UNPLUGGED);
	fake_link_set_unplugged(r->head, 0);
	/* unplugged mid-read: the read reply never comes */
	fake_link_push_error(r->head, DRV_ETIMEOUT); /* end of the drain */
	rig_push_ready(r);
	fake_link_push_error(r->head, DRV_ENODEV);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_ENODEV);
	assert_int_equal(st.step, IDCARD_STEP_READ);
	/* a failed transfer */
	fake_link_push_error(r->head, DRV_ETIMEOUT); /* end of the drain */
	fake_link_fail_next_write(r->head, DRV_EIO);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_EIO);
	assert_int_equal(st.why, IDCARD_WHY_IO);
	assert_int_equal(st.step, IDCARD_STEP_SAM);
	/* back: reads work */
	fake_link_push_error(r->head, DRV_ETIMEOUT); /* end of the drain */
	rig_push_card(r);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	expect_zhang_san(&c);
	rig_free(r);
}

/* ---- the `30 01` data -------------------------------------------------- */

static void test_read_data_lengths(void **state)
{
	(void)state;
	/* text length, photo length and the data's size must agree */
	static const struct {
		uint8_t tl_hi, tl_lo, pl_hi, pl_lo;
		size_t photo;
		int rc;
	} cases[] = {
	    {0x01, 0x00, 0x04, 0x00, 1024, DRV_OK},	{0x01, 0x00, 0x00, 0x00, 0, DRV_OK},
	    {0x01, 0x00, 0x04, 0x00, 1000, DRV_EPROTO}, {0x00, 0xFF, 0x04, 0x00, 1024, DRV_EPROTO},
	    {0x01, 0x01, 0x04, 0x00, 1024, DRV_EPROTO}, {0x01, 0x00, 0x03, 0xFF, 1024, DRV_EPROTO},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t body[1287] = {0x00,	      0x00,	      0x90,	     cases[i].tl_hi,
				      cases[i].tl_lo, cases[i].pl_hi, cases[i].pl_lo};
		uint8_t frame[1295];
		mk_text(body + 7);
		mk_photo(body + 7 + 256);
		struct rig *r = rig_new(64, 0);
		struct idcard_card c;
		struct idcard_status st;
		rig_push_ready(r);
		rig_push(r, frame, mk_frame(frame, body, 7 + 256 + cases[i].photo));
		assert_int_equal(rig_read(r, &c, 0, &st), cases[i].rc);
		if (cases[i].rc)
			assert_int_equal(st.why, IDCARD_WHY_PROTOCOL);
		else
			expect_zhang_san(&c);
		rig_free(r);
	}
	/* a status-only "OK" reply to the read */
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	rig_push_ready(r);
	rig_push_status(r, 0x90);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_EPROTO);
	rig_free(r);
}

static void test_invalid_utf16_field(void **state)
{
	(void)state;
	static const struct {
		size_t at, width;
		uint16_t units[3];
		size_t n;
	} bad[] = {
	    {0, 30, {0xD842}, 1},		    /* lone high surrogate at the end */
	    {0, 30, {0xD842, 0x0041}, 2},	    /* high surrogate, then a letter */
	    {0, 30, {0xDFB7, 0xD842}, 2},	    /* reversed pair */
	    {52, 70, {0x5317, 0xDC00}, 2},	    /* lone low surrogate */
	    {52, 70, {0x0007}, 1},		    /* a control character */
	    {52, 70, {0x0041, 0x0000, 0x0042}, 3},  /* NUL inside */
	    {158, 30, {0xFFFF}, 1},		    /* a non-character */
	    {30, 2, {0x7537}, 1},		    /* 男: too long for sex's "1"/"2" */
	    {122, 36, {0x00E9}, 1},		    /* é: the number is ASCII */
	    {188, 16, {0x957F, 0x671F}, 2},	    /* 长期 is for valid_to only */
	    {204, 16, {0x957F}, 1},		    /* 长 alone */
	    {204, 16, {0x957F, 0x671F, 0x0031}, 3}, /* 长期1 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t text[256], frame[1295];
		mk_text(text);
		put_units(text, bad[i].at, bad[i].width, bad[i].units, bad[i].n);
		struct rig *r = rig_new(64, 0);
		struct idcard_card c, sentinel;
		struct idcard_status st;
		memset(&c, 0x77, sizeof(c));
		sentinel = c;
		rig_push_ready(r);
		rig_push(r, frame, mk_read_reply(frame, text));
		assert_int_equal(rig_read(r, &c, 0, &st), DRV_EPROTO);
		assert_int_equal(st.why, IDCARD_WHY_BAD_TEXT);
		assert_int_equal(st.step, IDCARD_STEP_READ);
		assert_memory_equal(&c, &sentinel, sizeof(c));
		rig_free(r);
	}
}

static void test_surrogate_pair_and_padding(void **state)
{
	(void)state;
	uint8_t text[256], frame[1295];
	mk_text(text);
	/* 𠮷 (U+20BB7) then 三: a surrogate pair becomes one 4-byte character */
	put_units(text, 0, 30, (const uint16_t[]){0xD842, 0xDFB7, 0x4E09}, 3);
	/* NUL padding is padding too; inner spaces stay */
	put_units(text, 52, 70, (const uint16_t[]){0x0041, 0x0020, 0x0042, 0, 0, 0}, 6);
	put_ascii(text, 204, 16, "20360101");
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	rig_push_ready(r);
	rig_push(r, frame, mk_read_reply(frame, text));
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	assert_string_equal(c.name, "\xF0\xA0\xAE\xB7"
				    "三");
	assert_string_equal(c.address, "A B");
	assert_string_equal(c.valid_to, "20360101");
	rig_free(r);
}

static int holds(const void *hay, size_t n, const void *needle, size_t k)
{
	const uint8_t *h = hay;
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(h + i, needle, k) == 0)
			return 1;
	return 0;
}

static void test_nothing_outlives_a_read(void **state)
{
	(void)state;
	for (int two = 0; two <= 1; two++) {
		struct rig *r = rig_new(64, two);
		struct idcard_card c;
		struct idcard_status st;
		uint8_t photo[1024];
		mk_photo(photo);
		rig_push_card(r);
		assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
		expect_zhang_san(&c);
		/* the photo is not in the result */
		assert_false(holds(&c, sizeof(c), photo_mark, 6));
		assert_false(holds(&c, sizeof(c), "P\0H\0O\0T\0O", 9));
		assert_false(holds(&c, sizeof(c), photo, 16));
		/* the frame buffers are wiped: no photo, no name in any form */
		const uint8_t *raw = (const uint8_t *)&r->proto;
		assert_false(holds(raw, sizeof(r->proto), photo_mark, 6));
		assert_false(holds(raw, sizeof(r->proto), photo + 200, 8));
		assert_false(holds(raw, sizeof(r->proto), "\x20\x5f\x09\x4e", 4));
		assert_false(holds(raw, sizeof(r->proto), "张三", strlen("张三")));
		for (size_t i = 0; i < sizeof(r->proto.parser.buf); i++)
			assert_int_equal(r->proto.parser.buf[i], 0);
		for (size_t i = 0; i < sizeof(r->proto.scratch); i++)
			assert_int_equal(r->proto.scratch[i], 0);
		/* and the card is wiped on request */
		idcard_card_wipe(&c);
		const uint8_t *cb = (const uint8_t *)&c;
		for (size_t i = 0; i < sizeof(c); i++)
			assert_int_equal(cb[i], 0);
		idcard_card_wipe(NULL);
		rig_free(r);
	}
}

static void test_chinese_card(void **state)
{
	(void)state;
	/* the decoded struct, byte for byte */
	struct rig *r = rig_new(64, 0);
	struct idcard_card c, want;
	struct idcard_status st;
	memset(&c, 0x11, sizeof(c));
	memset(&want, 0, sizeof(want));
	strcpy(want.name, "张三");
	strcpy(want.sex, "1");
	strcpy(want.nation, "01");
	strcpy(want.birth, "19900307");
	strcpy(want.address, "北京市东城区景山前街4号");
	strcpy(want.id, "11010119900307001X");
	strcpy(want.authority, "北京市公安局东城分局");
	strcpy(want.valid_from, "20150101");
	strcpy(want.valid_to, "长期");
	rig_push_card(r);
	assert_int_equal(rig_read(r, &c, 0, &st), DRV_OK);
	assert_memory_equal(&c, &want, sizeof(c));
	assert_int_equal(strlen(c.address), 12 * 3 - 2); /* 11 CJK + "4" */
	rig_free(r);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	struct rig *r = rig_new(64, 0);
	struct idcard_card c;
	struct idcard_status st;
	assert_int_equal(rig_read(r, NULL, 0, &st), DRV_EINVAL);
	assert_int_equal(rig_read(r, &c, -1, &st), DRV_EINVAL);
	assert_int_equal(rig_read(r, &c, 0, NULL), DRV_EINVAL);
	assert_int_equal(fake_link_write_count(r->head), 0);
	assert_int_equal(idcard_reader_read(NULL, &c, 0), DRV_EINVAL);
	idcard_reader_free(NULL);
	idcard_proto_cleanup(NULL);
	rig_free(r);
	assert_string_equal(idcard_why_name(IDCARD_WHY_NO_CARD), "no_card");
	assert_string_equal(idcard_why_name(IDCARD_WHY_BUSY), "reader_busy");
	assert_string_equal(idcard_why_name(IDCARD_WHY_NONE), "none");
	assert_string_equal(idcard_why_name((enum idcard_why)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_vectors),
	    cmocka_unit_test(test_reply_encoder),
	    cmocka_unit_test(test_cycle_writes_each_request),
	    cmocka_unit_test(test_reply_split_at_every_offset),
	    cmocka_unit_test(test_reply_in_packets),
	    cmocka_unit_test(test_two_pair_layout_writes),
	    cmocka_unit_test(test_garbage_before_preamble),
	    cmocka_unit_test(test_back_to_back_frames),
	    cmocka_unit_test(test_truncated_reply_times_out),
	    cmocka_unit_test(test_bad_checksum),
	    cmocka_unit_test(test_len_out_of_range),
	    cmocka_unit_test(test_status_codes),
	    cmocka_unit_test(test_find_waits_for_card),
	    cmocka_unit_test(test_no_reply_is_busy),
	    cmocka_unit_test(test_removed_mid_read),
	    cmocka_unit_test(test_unplug_and_io_errors),
	    cmocka_unit_test(test_read_data_lengths),
	    cmocka_unit_test(test_invalid_utf16_field),
	    cmocka_unit_test(test_surrogate_pair_and_padding),
	    cmocka_unit_test(test_nothing_outlives_a_read),
	    cmocka_unit_test(test_chinese_card),
	    cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
