/*
 * Fuzz the ID card reader's streaming frame parser, the text decoder and
 * the read cycle. The first byte picks the mode and the chunking:
 * - bit 7 clear: the rest is fed to idcard_parser_feed() in chunks of
 *   1 + (byte & 0x3F) bytes. Feeding must make progress; every accepted
 *   frame must re-encode to exactly the input bytes it came from; a
 *   `30 01`-shaped reply is decoded; the first 256 bytes are also decoded
 *   as a text block directly.
 * - bit 7 set: the rest is what a reader answers, as IN transfers
 *   (records: 2-byte big-endian length, then that many bytes; length
 *   0xFFFF is a read that times out), served by an in-memory link (one
 *   or two pairs, bit 6) to idcard_proto_read(), whose result and reason
 *   must agree and whose buffers must be wiped afterwards.
 * A decoded card has every field NUL-terminated within its member, in
 * valid UTF-8, and re-encodes and decodes to itself; a refusal leaves the
 * output untouched.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "byte_link.h"
#include "drv_error.h"
#include "idcard.h"
#include "idcard_frame.h"
#include "idcard_proto.h"
#include "idcard_text.h"

static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t len = *p < 0x80		   ? 1
			     : (*p & 0xE0) == 0xC0 ? 2
			     : (*p & 0xF0) == 0xE0 ? 3
			     : (*p & 0xF8) == 0xF0 ? 4
						   : 0;
		if (len == 0)
			return 0;
		for (size_t i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += len;
	}
	return 1;
}

static void check_card(const struct idcard_card *c)
{
	const struct {
		const char *s;
		size_t cap;
	} f[] = {{c->name, sizeof(c->name)},	       {c->sex, sizeof(c->sex)},
		 {c->nation, sizeof(c->nation)},       {c->birth, sizeof(c->birth)},
		 {c->address, sizeof(c->address)},     {c->id, sizeof(c->id)},
		 {c->authority, sizeof(c->authority)}, {c->valid_from, sizeof(c->valid_from)},
		 {c->valid_to, sizeof(c->valid_to)}};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		size_t n = strnlen(f[i].s, f[i].cap);
		CHECK(n < f[i].cap);
		CHECK(utf8_valid(f[i].s));
		/* no trailing padding survives */
		CHECK(n == 0 || f[i].s[n - 1] != ' ');
	}
	/* the decoder's output is what the encoder accepts, and comes back */
	uint8_t text[IDCARD_TEXT_LEN];
	struct idcard_card again;
	CHECK(idcard_text_encode(c, text) == DRV_OK);
	CHECK(idcard_text_decode(text, sizeof(text), &again) == DRV_OK);
	CHECK(memcmp(&again, c, sizeof(again)) == 0);
}

static void decode_block(const uint8_t *text)
{
	struct idcard_card c, sentinel;
	memset(&c, 0xA5, sizeof(c));
	sentinel = c;
	int rc = idcard_text_decode(text, IDCARD_TEXT_LEN, &c);
	if (rc) {
		CHECK(rc == DRV_EPROTO);
		CHECK(memcmp(&c, &sentinel, sizeof(c)) == 0);
		return;
	}
	check_card(&c);
}

static void parse(const uint8_t *in, size_t n, size_t chunk)
{
	static struct idcard_parser p;
	uint8_t re[IDCARD_FRAME_MAX];
	idcard_parser_init(&p, 0);
	size_t pos = 0;
	while (pos < n) {
		size_t len = n - pos < chunk ? n - pos : chunk;
		size_t used = 0;
		int rc = idcard_parser_feed(&p, in + pos, len, &used);
		CHECK(used <= len && used > 0);
		pos += used;
		if (rc == IDCARD_PARSE_MORE) {
			CHECK(used == len);
			CHECK(idcard_parser_need(&p) > 0);
			continue;
		}
		if (rc == DRV_EPROTO)
			continue;
		CHECK(rc == IDCARD_PARSE_FRAME);
		CHECK(idcard_parser_need(&p) == 0 && !idcard_parser_in_body(&p));
		size_t bn = 0;
		const uint8_t *body = idcard_parser_body(&p, &bn);
		CHECK(body && bn >= IDCARD_LEN_MIN - 1 && bn <= IDCARD_LEN_MAX - 1);
		size_t flen = IDCARD_HEADER_LEN + bn + 1, rn = 0;
		CHECK(pos >= flen);
		struct idcard_reply r;
		if (bn >= 3) {
			CHECK(idcard_parser_reply(&p, &r) == DRV_OK);
			CHECK(idcard_frame_reply(r.sw, r.data, r.n, re, sizeof(re), &rn) == DRV_OK);
		} else {
			CHECK(idcard_parser_reply(&p, &r) == DRV_EPROTO);
			CHECK(idcard_frame_request(body[0], body[1], NULL, 0, re, sizeof(re),
						   &rn) == DRV_OK);
		}
		CHECK(rn == flen && memcmp(re, in + pos - flen, flen) == 0);
		if (bn >= 3 && r.n >= 4 + IDCARD_TEXT_LEN)
			decode_block(r.data + 4);
	}
}

/* A link serving the fuzz input's records as IN transfers (a read with
 * a smaller cap leaves the rest as the next transfer); writes succeed. */
struct feed_link {
	struct byte_link base;
	const uint8_t *in;
	size_t n, pos, left; /* left: bytes of the current record not yet read */
	size_t packet;
};

static int feed_write(struct byte_link *l, const uint8_t *buf, size_t len, int timeout_ms)
{
	(void)l, (void)buf, (void)len, (void)timeout_ms;
	return DRV_OK;
}

static int feed_read(struct byte_link *l, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	struct feed_link *f = (struct feed_link *)l;
	(void)timeout_ms;
	if (f->left == 0) {
		if (f->n - f->pos < 2)
			return DRV_ETIMEOUT; /* the input is over */
		size_t len = (size_t)f->in[f->pos] << 8 | f->in[f->pos + 1];
		f->pos += 2;
		if (len == 0xFFFF)
			return DRV_ETIMEOUT;
		f->left = len < f->n - f->pos ? len : f->n - f->pos;
		if (f->left == 0) {
			*got = 0; /* a zero-length packet */
			return DRV_OK;
		}
	}
	size_t k = f->left < cap ? f->left : cap;
	memcpy(buf, f->in + f->pos, k);
	f->pos += k;
	f->left -= k;
	*got = k;
	return DRV_OK;
}

static size_t feed_packet(struct byte_link *l)
{
	return ((struct feed_link *)l)->packet;
}

static void feed_free(struct byte_link *l)
{
	(void)l;
}

static const struct byte_link_ops feed_ops = {feed_write, feed_read, feed_packet, feed_free};

static int64_t clock_now(void *arg)
{
	return *(int64_t *)arg;
}

static void clock_sleep(void *arg, int ms)
{
	*(int64_t *)arg += ms;
}

static void cycle(const uint8_t *in, size_t n, size_t chunk, int two)
{
	static struct idcard_proto p;
	struct feed_link link = {{&feed_ops}, in, n, 0, 0, chunk};
	struct idcard_proto_config cfg;
	int64_t now = 0;
	idcard_proto_config_default(&cfg);
	cfg.now_ms = clock_now;
	cfg.sleep_ms = clock_sleep;
	cfg.clock_arg = &now;
	idcard_proto_init(&p, &link.base, two ? &link.base : NULL, &cfg);

	struct idcard_card c, sentinel;
	struct idcard_status st;
	memset(&c, 0x5C, sizeof(c));
	sentinel = c;
	int rc = idcard_proto_read(&p, &c, (int)(n % 2000), &st);
	switch (rc) {
	case DRV_OK:
		CHECK(st.why == IDCARD_WHY_NONE && st.step == IDCARD_STEP_NONE);
		check_card(&c);
		break;
	case DRV_ENOTFOUND:
		CHECK(st.why == IDCARD_WHY_NO_CARD && st.step == IDCARD_STEP_FIND);
		break;
	case DRV_EIO:
		CHECK(st.why == IDCARD_WHY_REMOVED && st.replied);
		CHECK(st.step == IDCARD_STEP_SELECT || st.step == IDCARD_STEP_READ);
		break;
	case DRV_EBUSY:
		CHECK(st.why == IDCARD_WHY_BUSY);
		break;
	case DRV_EPROTO:
		CHECK(st.why == IDCARD_WHY_PROTOCOL || st.why == IDCARD_WHY_BAD_TEXT);
		break;
	default:
		CHECK(0);
	}
	if (rc)
		CHECK(memcmp(&c, &sentinel, sizeof(c)) == 0);
	CHECK(st.finds >= (st.step >= IDCARD_STEP_FIND || rc == DRV_OK ? 1 : 0));
	/* nothing of the reply is left in the buffers */
	for (size_t i = 0; i < sizeof(p.parser.buf); i++)
		CHECK(p.parser.buf[i] == 0);
	for (size_t i = 0; i < sizeof(p.scratch); i++)
		CHECK(p.scratch[i] == 0);
	idcard_proto_cleanup(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	uint8_t mode = data[0];
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	size_t chunk = 1 + (mode & 0x3F);
	if (mode & 0x80) {
		cycle(in, n, chunk * 8, mode & 0x40);
		return 0;
	}
	parse(in, n, chunk);
	if (n >= IDCARD_TEXT_LEN)
		decode_block(in);
	/* one field of any width into a small cap */
	if (n >= 2) {
		char out[40];
		size_t w = (n - 1) & ~(size_t)1;
		if (w > IDCARD_TEXT_LEN)
			w = IDCARD_TEXT_LEN;
		memset(out, 0x6B, sizeof(out));
		int rc = idcard_text_field(in + 1, w, out, 1 + in[0] % sizeof(out));
		if (rc == DRV_OK) {
			CHECK(strnlen(out, sizeof(out)) < 1 + in[0] % sizeof(out));
			CHECK(utf8_valid(out));
		} else {
			CHECK(rc == DRV_EPROTO || rc == DRV_EINVAL);
			CHECK(out[0] == 0x6B);
		}
	}
	return 0;
}
