/*
 * escpos: ESC/POS commands for receipt printers, appended to a growable,
 * capped byte buffer; the status replies' parser; and a command-length
 * walker that finds command boundaries in a byte stream.
 *
 * Byte layouts (Epson ESC/POS; python-escpos constants.py for what cheap
 * printers accept):
 *   ESC @                 1B 40                  initialise
 *   LF                    0A                     print and feed one line
 *   ESC d n               1B 64 n                print and feed n lines
 *   ESC a n               1B 61 n                align 0 left, 1 centre, 2 right
 *   ESC E n               1B 45 n                emphasis off (0) / on (1)
 *   GS ( k pL pH cn fn .. 1D 28 6B pL pH 31 fn .. native QR; pL + 256 pH =
 *                         the bytes after pH (cn, fn and the parameters):
 *                         41 model (n1 32 = model 2, n2 00), 43 module size,
 *                         45 error correction (30..33 = L M Q H), 50 store
 *                         (m 30, then the data: len + 3), 51 print (m 30)
 *   GS v 0 m xL xH yL yH  1D 76 30 m .. d        raster: x bytes per row,
 *                         y rows, 1 bit per dot, MSB = leftmost dot
 *   GS V m n              1D 56 41/42 n          feed to the cutter (+ n) and
 *                         cut fully (41) / partially (42)
 *   DLE EOT n             10 04 n                real-time status request
 *
 * A buffer that failed (out of memory, over its cap) stays failed: later
 * calls append nothing and return the same error, so a caller can build a
 * whole receipt and check once (b->err). A call that fails appends
 * nothing.
 */
#ifndef ESCPOS_H
#define ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#include "printer.h"

#define ESCPOS_QR_MAX_DATA     7089 /* bytes a model 2 QR can store (numeric, version 40-L) */
#define ESCPOS_QR_MAX_MODULE   16   /* dots per module the printers accept */
#define ESCPOS_RASTER_MAX_DOTS 1024 /* GS v 0 allows 1..128 bytes per row */
/* Raster images are split into bands (one GS v 0 each) of at most 255 rows
 * and at most ESCPOS_BAND_MAX_BYTES data bytes, so that a band with its
 * 8-byte header fits the 4 KiB the job sender writes between status checks
 * and the small receive buffers of cheap printers: 85 rows at 384 dots,
 * 56 rows at 576 dots. */
#define ESCPOS_BAND_MAX_ROWS  255
#define ESCPOS_BAND_MAX_BYTES 4088

enum escpos_align { ESCPOS_ALIGN_LEFT = 0, ESCPOS_ALIGN_CENTER = 1, ESCPOS_ALIGN_RIGHT = 2 };

enum escpos_qr_ecc { ESCPOS_QR_ECC_L = 0, ESCPOS_QR_ECC_M, ESCPOS_QR_ECC_Q, ESCPOS_QR_ECC_H };

enum escpos_cut { ESCPOS_CUT_FULL = 0, ESCPOS_CUT_PARTIAL = 1 };

/* DLE EOT n: what each status request asks for. */
enum escpos_status_kind {
	ESCPOS_STATUS_PRINTER = 1, /* online/offline */
	ESCPOS_STATUS_OFFLINE = 2, /* why offline: cover, paper end, error */
	ESCPOS_STATUS_ERROR = 3,   /* error causes */
	ESCPOS_STATUS_PAPER = 4,   /* roll paper sensors */
};

/* A caller-owned buffer; data[0..len) is what was built. */
struct escpos_buf {
	uint8_t *data; /* owned; NULL until something is appended */
	size_t len, cap;
	size_t max; /* cap on len */
	int err;    /* DRV_OK, or the first failure (sticky) */
};

/* Starts an empty buffer that will hold at most max bytes. */
void escpos_buf_init(struct escpos_buf *b, size_t max);

/* Wipes and frees the bytes and empties the buffer (it can be used
 * again). Bytes are also wiped when the buffer grows. NULL ok. */
void escpos_buf_cleanup(struct escpos_buf *b);

/* Every appender returns DRV_OK, DRV_EINVAL for a bad argument (the buffer
 * stays usable), DRV_ENOMEM when out of memory or over the cap (the buffer
 * fails), or the buffer's earlier failure. */

/* ESC @: clears the print buffer and resets the modes. */
int escpos_init(struct escpos_buf *b);

/* Text s (NUL-terminated): printable ASCII and '\n' only; anything else
 * (control bytes would be commands, non-ASCII needs a code page) is
 * refused with DRV_EINVAL. Render other scripts into a printer_page. */
int escpos_text(struct escpos_buf *b, const char *s);

/* LF: prints the line buffer and feeds one line. */
int escpos_line_feed(struct escpos_buf *b);

/* ESC d n: prints and feeds n lines (0..255). */
int escpos_feed(struct escpos_buf *b, int lines);

/* ESC a n. */
int escpos_align(struct escpos_buf *b, enum escpos_align a);

/* ESC E n: on != 0 turns emphasis on. */
int escpos_emphasis(struct escpos_buf *b, int on);

/* The printer's own QR code: model 2, module size (1..16 dots), error
 * correction, store data (1..ESCPOS_QR_MAX_DATA bytes, borrowed), print.
 * Not every printer has it; printer_qr draws QR codes as raster. */
int escpos_qr(struct escpos_buf *b, const uint8_t *data, size_t len, int module_dots,
	      enum escpos_qr_ecc ecc);

/* A 1-bit image: height rows of width dots (1..ESCPOS_RASTER_MAX_DOTS),
 * each row at bits + y * stride (stride >= (width + 7) / 8), MSB = leftmost
 * dot, 1 = black; dots past width are sent as white. Emitted as GS v 0
 * bands (see ESCPOS_BAND_MAX_ROWS). Height 0 appends nothing. */
int escpos_raster(struct escpos_buf *b, const uint8_t *bits, int width, int height, size_t stride);

/* A whole page as raster bands (escpos_raster over its rows). */
struct printer_page;
int escpos_page(struct escpos_buf *b, const struct printer_page *page);

/* GS V 41/42 00: feeds to the cutter and cuts. */
int escpos_cut(struct escpos_buf *b, enum escpos_cut how);

/* DLE EOT n, n one of enum escpos_status_kind. */
int escpos_status_request(struct escpos_buf *b, enum escpos_status_kind n);

/* 1 if reply has the fixed bits of a DLE EOT answer (0xx1xx10), else 0. */
int escpos_status_valid(uint8_t reply);

/*
 * Folds the answer to DLE EOT n into *st. n = 1 sets online (bit 3 clear);
 * the others only raise flags: n = 2 cover_open (bit 2), paper_out (bit 5:
 * printing stopped at paper end), error (bit 6); n = 3 error (bits 2, 3,
 * 5, 6: mechanical, cutter, unrecoverable, auto-recoverable); n = 4
 * paper_near_end (bits 2/3, either), paper_out (bits 5/6, either). Start
 * from a zeroed struct. Returns DRV_OK; DRV_EPROTO (st untouched) when the
 * fixed bits are wrong; DRV_EINVAL for another n.
 */
int escpos_status_parse(enum escpos_status_kind n, uint8_t reply, struct printer_status *st);

/*
 * The length of the command that starts at buf[0] (len bytes available),
 * for the commands escpos emits and the common fixed-layout ones (text
 * bytes and other single bytes count 1; ESC, GS, DLE and FS sequences per
 * their layout; GS ( and GS v 0 by their length fields). Returns DRV_OK
 * with *n; DRV_EPROTO when the command is cut short by len; DRV_ENOTSUP
 * for an ESC/GS/DLE/FS sequence it does not know (its length is unknown).
 */
int escpos_command_len(const uint8_t *buf, size_t len, size_t *n);

/* The longest command in buf[0..len), via escpos_command_len. Returns
 * DRV_OK with *longest, or that walker's error. */
int escpos_longest_command(const uint8_t *buf, size_t len, size_t *longest);

#endif
