/*
 * idcard_frame: encoder and streaming parser of the SAM module's frames
 * (layout in idcard_frame.h).
 */
#include "idcard_frame.h"

#include <string.h>

#include "drv_error.h"
#include "idcard.h"

static const uint8_t preamble[IDCARD_PREAMBLE_LEN] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};

/* Frames head[0..hn) + data[0..n) as preamble | LEN | head data | CHK. */
static int encode(const uint8_t *head, size_t hn, const uint8_t *data, size_t n, uint8_t *out,
		  size_t cap, size_t *len)
{
	size_t body = hn + n;
	if (!out || !len || (n && !data) || body + 1 > 0xFFFF || cap < IDCARD_HEADER_LEN + body + 1)
		return DRV_EINVAL;
	size_t flen = body + 1;
	memcpy(out, preamble, IDCARD_PREAMBLE_LEN);
	out[5] = (uint8_t)(flen >> 8);
	out[6] = (uint8_t)flen;
	memcpy(out + IDCARD_HEADER_LEN, head, hn);
	if (n)
		memcpy(out + IDCARD_HEADER_LEN + hn, data, n);
	uint8_t chk = 0;
	for (size_t i = IDCARD_PREAMBLE_LEN; i < IDCARD_HEADER_LEN + body; i++)
		chk ^= out[i];
	out[IDCARD_HEADER_LEN + body] = chk;
	*len = IDCARD_HEADER_LEN + flen;
	return DRV_OK;
}

int idcard_frame_request(uint8_t cmd, uint8_t para, const uint8_t *data, size_t n, uint8_t *out,
			 size_t cap, size_t *len)
{
	const uint8_t head[2] = {cmd, para};
	return encode(head, sizeof(head), data, n, out, cap, len);
}

int idcard_frame_reply(const uint8_t sw[3], const uint8_t *data, size_t n, uint8_t *out, size_t cap,
		       size_t *len)
{
	if (!sw)
		return DRV_EINVAL;
	return encode(sw, 3, data, n, out, cap, len);
}

void idcard_parser_init(struct idcard_parser *p, size_t len_max)
{
	memset(p, 0, sizeof(*p));
	if (len_max == 0 || len_max > IDCARD_LEN_MAX)
		len_max = IDCARD_LEN_MAX;
	if (len_max < IDCARD_LEN_MIN)
		len_max = IDCARD_LEN_MIN;
	p->len_max = len_max;
}

void idcard_parser_reset(struct idcard_parser *p)
{
	drv_wipe(p->buf, sizeof(p->buf));
	p->have = 0;
	p->len = 0;
	p->done = 0;
}

/* The preamble bytes matched after k matched ones and then b: the longest
 * suffix of preamble[0..k) + b that is a prefix of the preamble. */
static size_t preamble_step(size_t k, uint8_t b)
{
	for (size_t m = k + 1; m > 0; m--) {
		/* candidate: the last m bytes of preamble[0..k) + b */
		if (preamble[m - 1] != b)
			continue;
		if (memcmp(preamble, preamble + (k + 1 - m), m - 1) == 0)
			return m;
	}
	return 0;
}

static int frame_fault(struct idcard_parser *p)
{
	idcard_parser_reset(p);
	return DRV_EPROTO;
}

int idcard_parser_feed(struct idcard_parser *p, const uint8_t *data, size_t n, size_t *used)
{
	size_t i = 0;
	int rc = IDCARD_PARSE_MORE;
	if (p->done)
		idcard_parser_reset(p);
	while (i < n) {
		uint8_t b = data[i++];
		if (p->have < IDCARD_PREAMBLE_LEN) {
			p->have = preamble_step(p->have, b);
			if (p->have)
				memcpy(p->buf, preamble, p->have);
			continue;
		}
		p->buf[p->have++] = b;
		if (p->have == IDCARD_HEADER_LEN) {
			p->len = (size_t)p->buf[5] << 8 | p->buf[6];
			if (p->len < IDCARD_LEN_MIN || p->len > p->len_max) {
				rc = frame_fault(p);
				break;
			}
		} else if (p->have > IDCARD_HEADER_LEN && p->have == IDCARD_HEADER_LEN + p->len) {
			uint8_t chk = 0;
			for (size_t j = IDCARD_PREAMBLE_LEN; j < p->have - 1; j++)
				chk ^= p->buf[j];
			if (chk != p->buf[p->have - 1]) {
				rc = frame_fault(p);
				break;
			}
			p->done = 1;
			rc = IDCARD_PARSE_FRAME;
			break;
		}
	}
	*used = i;
	return rc;
}

int idcard_parser_in_body(const struct idcard_parser *p)
{
	return !p->done && p->have >= IDCARD_HEADER_LEN;
}

size_t idcard_parser_need(const struct idcard_parser *p)
{
	if (p->done)
		return 0;
	if (p->have < IDCARD_HEADER_LEN)
		return IDCARD_HEADER_LEN - p->have;
	return IDCARD_HEADER_LEN + p->len - p->have;
}

const uint8_t *idcard_parser_body(const struct idcard_parser *p, size_t *n)
{
	if (!p->done)
		return NULL;
	*n = p->len - 1;
	return p->buf + IDCARD_HEADER_LEN;
}

int idcard_parser_reply(const struct idcard_parser *p, struct idcard_reply *out)
{
	size_t n = 0;
	const uint8_t *body = idcard_parser_body(p, &n);
	if (!body || n < 3)
		return DRV_EPROTO;
	memcpy(out->sw, body, 3);
	out->data = body + 3;
	out->n = n - 3;
	return DRV_OK;
}
