/*
 * idcard_frame: the SAM module's frames — an encoder and a streaming
 * parser, pure (no I/O, no allocation).
 *
 * Byte layout (REFERENCE.md, "Chinese resident ID card reader"):
 *
 *   AA AA AA 96 69 | LEN_hi LEN_lo | body ... | CHK
 *   preamble (5)     LEN (2, big-endian)        XOR of LEN_hi .. last body byte
 *
 * LEN counts every byte after itself, CHK included. A request's body is
 * CMD PARA [data]; a reply's is SW1 SW2 SW3 [data] (SW3 0x90 OK, 0x9F card
 * found, 0x80 find failed, 0x81 select failed). The largest legal reply is
 * the `30 01` one: LEN 1288, 1295 bytes in all.
 *
 * The parser takes bytes in any chunking, skips anything before a
 * preamble (resynchronising on a false start), reassembles the frame by
 * LEN, refuses a LEN outside [3, IDCARD_LEN_MAX] as soon as it is known
 * (never a large allocation: the buffer is fixed), and checks CHK.
 */
#ifndef IDCARD_FRAME_H
#define IDCARD_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define IDCARD_PREAMBLE_LEN 5
#define IDCARD_HEADER_LEN   7	 /* preamble + LEN */
#define IDCARD_LEN_MIN	    3	 /* CMD PARA CHK: the shortest frame */
#define IDCARD_LEN_MAX	    1288 /* SW(3) + 2 + 2 + text 256 + photo 1024 + CHK */
#define IDCARD_FRAME_MAX    (IDCARD_HEADER_LEN + IDCARD_LEN_MAX) /* 1295 */

/* Status byte SW3 of a reply. */
#define IDCARD_SW3_OK		 0x90
#define IDCARD_SW3_FOUND	 0x9F
#define IDCARD_SW3_FIND_FAILED	 0x80
#define IDCARD_SW3_SELECT_FAILED 0x81

/* Commands (CMD, PARA). */
#define IDCARD_CMD_SAM_STATUS 0x11, 0xFF
#define IDCARD_CMD_FIND	      0x20, 0x01
#define IDCARD_CMD_SELECT     0x20, 0x02
#define IDCARD_CMD_READ	      0x30, 0x01

/* Encodes a request CMD PARA data[0..n) into out[0..cap). Returns DRV_OK
 * with *len, DRV_EINVAL when it does not fit cap or LEN's 16 bits. */
int idcard_frame_request(uint8_t cmd, uint8_t para, const uint8_t *data, size_t n, uint8_t *out,
			 size_t cap, size_t *len);

/* Encodes a reply SW1 SW2 SW3 data[0..n) into out[0..cap) (for device
 * models and tests). Same returns as idcard_frame_request(). */
int idcard_frame_reply(const uint8_t sw[3], const uint8_t *data, size_t n, uint8_t *out, size_t cap,
		       size_t *len);

/* The streaming parser. Caller-owned; fields are private. */
struct idcard_parser {
	uint8_t buf[IDCARD_FRAME_MAX]; /* the frame so far, from its preamble */
	size_t have;		       /* bytes of it in buf */
	size_t len;		       /* LEN once have >= IDCARD_HEADER_LEN */
	size_t len_max;		       /* refuse a LEN above this */
	int done;		       /* 1 after a frame, until the next feed */
};

/* Results of idcard_parser_feed() besides DRV_EPROTO. */
enum idcard_parse {
	IDCARD_PARSE_MORE = 0,	/* every byte consumed; the frame is not complete */
	IDCARD_PARSE_FRAME = 1, /* a whole, checked frame; *used bytes consumed */
};

/* Readies p for a first frame, accepting LEN up to len_max (clamped to
 * [IDCARD_LEN_MIN, IDCARD_LEN_MAX]; 0 means IDCARD_LEN_MAX). */
void idcard_parser_init(struct idcard_parser *p, size_t len_max);

/* Wipes the buffered bytes and starts over (same len_max). */
void idcard_parser_reset(struct idcard_parser *p);

/* Feeds data[0..n). Consumes bytes up to the end of one frame and returns
 * IDCARD_PARSE_FRAME (then idcard_parser_body() is the frame until the
 * next feed or reset), IDCARD_PARSE_MORE, or DRV_EPROTO for a LEN out of
 * range or a bad CHK (the parser then starts over; bytes up to the fault
 * are consumed). *used is always set. The next feed after a frame or an
 * error starts a new frame. */
int idcard_parser_feed(struct idcard_parser *p, const uint8_t *data, size_t n, size_t *used);

/* 1 once the preamble and LEN are in, i.e. the body is being read (the
 * iDR200 layout reads it from the other endpoint pair). */
int idcard_parser_in_body(const struct idcard_parser *p);

/* Bytes still needed to finish the header (before LEN is known) or the
 * frame (after); 0 after a frame. */
size_t idcard_parser_need(const struct idcard_parser *p);

/* After IDCARD_PARSE_FRAME: the body between LEN and CHK (borrowed from
 * p) and its length (LEN - 1); the whole frame is IDCARD_HEADER_LEN + LEN
 * bytes, ending with the last byte consumed. NULL when no frame is done. */
const uint8_t *idcard_parser_body(const struct idcard_parser *p, size_t *n);

/* A reply split into its parts; data is borrowed from the parser. */
struct idcard_reply {
	uint8_t sw[3];
	const uint8_t *data;
	size_t n;
};

/* After IDCARD_PARSE_FRAME: the frame as a reply. Returns DRV_OK, or
 * DRV_EPROTO when the body is shorter than SW1 SW2 SW3 (or no frame). */
int idcard_parser_reply(const struct idcard_parser *p, struct idcard_reply *out);

#endif
