/*
 * escpos: ESC/POS command encoder, status reply parser and command-length
 * walker (see escpos.h for the byte layouts).
 */
#include "escpos.h"

#include "drv_wipe.h"

#include <stdlib.h>
#include <string.h>

#include "printer_page.h"

#define ESC 0x1B
#define GS  0x1D
#define DLE 0x10
#define FS  0x1C
#define EOT 0x04

void escpos_buf_init(struct escpos_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = DRV_OK;
}

void escpos_buf_cleanup(struct escpos_buf *b)
{
	if (!b)
		return;
	if (b->data)
		drv_wipe(b->data, b->cap);
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = DRV_OK;
}

/* Makes room for n more bytes; on failure the buffer fails (sticky). */
static int reserve(struct escpos_buf *b, size_t n)
{
	if (b->err)
		return b->err;
	if (n > b->max || b->len > b->max - n) {
		b->err = DRV_ENOMEM;
		return b->err;
	}
	if (b->len + n <= b->cap)
		return DRV_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap = cap > b->max / 2 ? b->max : cap * 2;
	uint8_t *p = malloc(cap);
	if (!p) {
		b->err = DRV_ENOMEM;
		return b->err;
	}
	if (b->data) {
		memcpy(p, b->data, b->len);
		drv_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return DRV_OK;
}

/* Appends after a successful reserve(). */
static void put(struct escpos_buf *b, const uint8_t *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static int append(struct escpos_buf *b, const uint8_t *p, size_t n)
{
	int rc = reserve(b, n);
	if (rc)
		return rc;
	put(b, p, n);
	return DRV_OK;
}

int escpos_init(struct escpos_buf *b)
{
	static const uint8_t cmd[] = {ESC, '@'};
	return append(b, cmd, sizeof(cmd));
}

int escpos_text(struct escpos_buf *b, const char *s)
{
	if (b->err)
		return b->err;
	if (!s)
		return DRV_EINVAL;
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c != '\n' && (c < 0x20 || c > 0x7E))
			return DRV_EINVAL;
	}
	return append(b, (const uint8_t *)s, n);
}

int escpos_line_feed(struct escpos_buf *b)
{
	static const uint8_t cmd[] = {0x0A};
	return append(b, cmd, sizeof(cmd));
}

int escpos_feed(struct escpos_buf *b, int lines)
{
	if (b->err)
		return b->err;
	if (lines < 0 || lines > 255)
		return DRV_EINVAL;
	const uint8_t cmd[] = {ESC, 'd', (uint8_t)lines};
	return append(b, cmd, sizeof(cmd));
}

int escpos_align(struct escpos_buf *b, enum escpos_align a)
{
	if (b->err)
		return b->err;
	if (a != ESCPOS_ALIGN_LEFT && a != ESCPOS_ALIGN_CENTER && a != ESCPOS_ALIGN_RIGHT)
		return DRV_EINVAL;
	const uint8_t cmd[] = {ESC, 'a', (uint8_t)a};
	return append(b, cmd, sizeof(cmd));
}

int escpos_emphasis(struct escpos_buf *b, int on)
{
	const uint8_t cmd[] = {ESC, 'E', on ? 1 : 0};
	return append(b, cmd, sizeof(cmd));
}

int escpos_qr(struct escpos_buf *b, const uint8_t *data, size_t len, int module_dots,
	      enum escpos_qr_ecc ecc)
{
	if (b->err)
		return b->err;
	if (!data || len == 0 || len > ESCPOS_QR_MAX_DATA || module_dots < 1 ||
	    module_dots > ESCPOS_QR_MAX_MODULE || ecc < ESCPOS_QR_ECC_L || ecc > ESCPOS_QR_ECC_H)
		return DRV_EINVAL;
	const uint8_t model[] = {GS, '(', 'k', 4, 0, 0x31, 0x41, 0x32, 0x00};
	const uint8_t size[] = {GS, '(', 'k', 3, 0, 0x31, 0x43, (uint8_t)module_dots};
	const uint8_t level[] = {GS, '(', 'k', 3, 0, 0x31, 0x45, (uint8_t)(0x30 + ecc)};
	size_t p = len + 3; /* cn fn m + data */
	const uint8_t store[] = {GS,   '(',  'k', (uint8_t)(p & 0xFF), (uint8_t)(p >> 8),
				 0x31, 0x50, 0x30};
	const uint8_t print[] = {GS, '(', 'k', 3, 0, 0x31, 0x51, 0x30};
	int rc = reserve(b, sizeof(model) + sizeof(size) + sizeof(level) + sizeof(store) + len +
				sizeof(print));
	if (rc)
		return rc;
	put(b, model, sizeof(model));
	put(b, size, sizeof(size));
	put(b, level, sizeof(level));
	put(b, store, sizeof(store));
	put(b, data, len);
	put(b, print, sizeof(print));
	return DRV_OK;
}

int escpos_raster(struct escpos_buf *b, const uint8_t *bits, int width, int height, size_t stride)
{
	if (b->err)
		return b->err;
	size_t xb = width > 0 ? ((size_t)width + 7) / 8 : 0;
	if (width < 1 || width > ESCPOS_RASTER_MAX_DOTS || height < 0)
		return DRV_EINVAL;
	if (height == 0)
		return DRV_OK;
	if (!bits || stride < xb)
		return DRV_EINVAL;
	size_t rows_per_band = ESCPOS_BAND_MAX_BYTES / xb;
	if (rows_per_band > ESCPOS_BAND_MAX_ROWS)
		rows_per_band = ESCPOS_BAND_MAX_ROWS;
	size_t h = (size_t)height;
	size_t bands = (h + rows_per_band - 1) / rows_per_band;
	if (h > (SIZE_MAX - 8 * bands) / xb)
		return DRV_EINVAL;
	int rc = reserve(b, h * xb + 8 * bands);
	if (rc)
		return rc;
	uint8_t mask = width % 8 ? (uint8_t)(0xFF << (8 - width % 8)) : 0xFF;
	for (size_t y0 = 0; y0 < h; y0 += rows_per_band) {
		size_t rows = h - y0 < rows_per_band ? h - y0 : rows_per_band;
		const uint8_t hdr[] = {GS,
				       'v',
				       '0',
				       0, /* m: normal density */
				       (uint8_t)(xb & 0xFF),
				       (uint8_t)(xb >> 8),
				       (uint8_t)(rows & 0xFF),
				       (uint8_t)(rows >> 8)};
		put(b, hdr, sizeof(hdr));
		for (size_t y = y0; y < y0 + rows; y++) {
			put(b, bits + y * stride, xb);
			b->data[b->len - 1] &= mask;
		}
	}
	return DRV_OK;
}

int escpos_page(struct escpos_buf *b, const struct printer_page *page)
{
	if (b->err)
		return b->err;
	if (!page)
		return DRV_EINVAL;
	return escpos_raster(b, printer_page_bits(page), printer_page_width(page),
			     printer_page_height(page), printer_page_stride(page));
}

int escpos_cut(struct escpos_buf *b, enum escpos_cut how)
{
	if (b->err)
		return b->err;
	if (how != ESCPOS_CUT_FULL && how != ESCPOS_CUT_PARTIAL)
		return DRV_EINVAL;
	const uint8_t cmd[] = {GS, 'V', how == ESCPOS_CUT_FULL ? 0x41 : 0x42, 0x00};
	return append(b, cmd, sizeof(cmd));
}

int escpos_status_request(struct escpos_buf *b, enum escpos_status_kind n)
{
	if (b->err)
		return b->err;
	if (n < ESCPOS_STATUS_PRINTER || n > ESCPOS_STATUS_PAPER)
		return DRV_EINVAL;
	const uint8_t cmd[] = {DLE, EOT, (uint8_t)n};
	return append(b, cmd, sizeof(cmd));
}

int escpos_status_valid(uint8_t reply)
{
	return (reply & 0x93) == 0x12;
}

int escpos_status_parse(enum escpos_status_kind n, uint8_t reply, struct printer_status *st)
{
	if (n < ESCPOS_STATUS_PRINTER || n > ESCPOS_STATUS_PAPER)
		return DRV_EINVAL;
	if (!escpos_status_valid(reply))
		return DRV_EPROTO;
	switch (n) {
	case ESCPOS_STATUS_PRINTER:
		st->online = !(reply & 0x08);
		break;
	case ESCPOS_STATUS_OFFLINE:
		if (reply & 0x04)
			st->cover_open = 1;
		if (reply & 0x20)
			st->paper_out = 1;
		if (reply & 0x40)
			st->error = 1;
		break;
	case ESCPOS_STATUS_ERROR:
		if (reply & 0x6C)
			st->error = 1;
		break;
	case ESCPOS_STATUS_PAPER:
		if (reply & 0x0C)
			st->paper_near_end = 1;
		if (reply & 0x60)
			st->paper_out = 1;
		break;
	}
	return DRV_OK;
}

/* Where the NUL that ends a variable command lies: the command's length
 * counting from buf[0], data starting at buf[from]. */
static int nul_terminated(const uint8_t *buf, size_t len, size_t from, size_t *n)
{
	for (size_t i = from; i < len; i++)
		if (buf[i] == 0) {
			*n = i + 1;
			return DRV_OK;
		}
	return DRV_EPROTO;
}

/* A command of `fixed` bytes followed by `extra` data bytes. */
static int sized(size_t len, uint64_t fixed, uint64_t extra, size_t *n)
{
	if (len < fixed || fixed + extra > len)
		return DRV_EPROTO;
	*n = (size_t)(fixed + extra);
	return DRV_OK;
}

static int esc_len(const uint8_t *buf, size_t len, size_t *n)
{
	switch (buf[1]) {
	case '@': /* initialise */
	case '2': /* default line spacing */
	case '<': /* return home */
	case 'L': /* page mode */
	case 'S': /* standard mode */
	case 'i': /* cut (old) */
	case 'm':
		return sized(len, 2, 0, n);
	case ' ': /* right-side character spacing */
	case '!': /* print mode */
	case '%': /* user-defined characters on/off */
	case '-': /* underline */
	case '3': /* line spacing */
	case '=': /* peripheral device */
	case '?': /* cancel user-defined character */
	case 'E': /* emphasis */
	case 'G': /* double-strike */
	case 'J': /* feed n dots */
	case 'K': /* reverse feed n dots */
	case 'M': /* character font */
	case 'R': /* international character set */
	case 'T': /* print direction (page mode) */
	case 'U': /* unidirectional */
	case 'V': /* 90 degree rotation */
	case 'a': /* justification */
	case 'd': /* feed n lines */
	case 'e': /* reverse feed n lines */
	case 'r': /* print colour */
	case 't': /* code page */
	case '{': /* upside-down */
		return sized(len, 3, 0, n);
	case '$':  /* absolute position */
	case '\\': /* relative position */
	case 'c':  /* ESC c 3/4/5 n: sensors, panel buttons */
		return sized(len, 4, 0, n);
	case 'p': /* drawer kick: m t1 t2 */
		return sized(len, 5, 0, n);
	case 'W': /* print area in page mode */
		return sized(len, 10, 0, n);
	case 'D': /* tab positions, NUL-terminated */
		return nul_terminated(buf, len, 2, n);
	case '*': { /* bit image: m nL nH d1..dk */
		if (len < 5)
			return DRV_EPROTO;
		uint64_t cols = buf[3] | (uint64_t)buf[4] << 8;
		uint8_t m = buf[2];
		if (m == 0 || m == 1)
			return sized(len, 5, cols, n);
		if (m == 32 || m == 33)
			return sized(len, 5, cols * 3, n);
		return DRV_ENOTSUP;
	}
	}
	return DRV_ENOTSUP;
}

static int gs_len(const uint8_t *buf, size_t len, size_t *n)
{
	switch (buf[1]) {
	case ':': /* macro definition start/end */
		return sized(len, 2, 0, n);
	case '!': /* character size */
	case '/': /* print downloaded bit image */
	case 'B': /* white/black reverse */
	case 'H': /* HRI position */
	case 'I': /* printer ID */
	case 'a': /* automatic status back */
	case 'b': /* smoothing */
	case 'f': /* HRI font */
	case 'h': /* barcode height */
	case 'r': /* transmit status */
	case 'w': /* barcode width */
		return sized(len, 3, 0, n);
	case '$':  /* absolute vertical position */
	case '\\': /* relative vertical position */
	case 'L':  /* left margin */
	case 'P':  /* motion units */
	case 'W':  /* print area width */
		return sized(len, 4, 0, n);
	case 'V': /* cut */
		if (len < 3)
			return DRV_EPROTO;
		switch (buf[2]) {
		case 0:
		case 1:
		case '0':
		case '1':
			return sized(len, 3, 0, n);
		case 'A':
		case 'B':
		case 'a':
		case 'b':
		case 'g':
		case 'h':
			return sized(len, 4, 0, n);
		}
		return DRV_ENOTSUP;
	case '(': /* GS ( fn pL pH [pL + 256 pH bytes] */
		if (len < 5)
			return DRV_EPROTO;
		return sized(len, 5, buf[3] | (uint64_t)buf[4] << 8, n);
	case '8': /* GS 8 L p1 p2 p3 p4 [p bytes] */
		if (len < 7)
			return DRV_EPROTO;
		if (buf[2] != 'L')
			return DRV_ENOTSUP;
		return sized(len, 7,
			     buf[3] | (uint64_t)buf[4] << 8 | (uint64_t)buf[5] << 16 |
				 (uint64_t)buf[6] << 24,
			     n);
	case 'v': /* GS v 0 m xL xH yL yH [x * y bytes] */
		if (len < 3)
			return DRV_EPROTO;
		if (buf[2] != '0')
			return DRV_ENOTSUP;
		if (len < 8)
			return DRV_EPROTO;
		return sized(
		    len, 8, (buf[4] | (uint64_t)buf[5] << 8) * (buf[6] | (uint64_t)buf[7] << 8), n);
	case '*': /* downloaded bit image: x y [x * y * 8 bytes] */
		if (len < 4)
			return DRV_EPROTO;
		return sized(len, 4, (uint64_t)buf[2] * buf[3] * 8, n);
	case 'k': /* barcode: m 0..6 NUL-terminated, m 65.. n bytes */
		if (len < 3)
			return DRV_EPROTO;
		if (buf[2] <= 6)
			return nul_terminated(buf, len, 3, n);
		if (buf[2] >= 65 && buf[2] <= 79) {
			if (len < 4)
				return DRV_EPROTO;
			return sized(len, 4, buf[3], n);
		}
		return DRV_ENOTSUP;
	}
	return DRV_ENOTSUP;
}

static int dle_len(const uint8_t *buf, size_t len, size_t *n)
{
	switch (buf[1]) {
	case EOT: /* real-time status */
		if (len < 3)
			return DRV_EPROTO;
		if (buf[2] >= 1 && buf[2] <= 4)
			return sized(len, 3, 0, n);
		if (buf[2] == 7 || buf[2] == 8)
			return sized(len, 4, 0, n);
		return DRV_ENOTSUP;
	case 0x05: /* real-time request */
		return sized(len, 3, 0, n);
	case 0x14: /* DLE DC4 fn: 1 pulse, 2 power-off */
		if (len < 3)
			return DRV_EPROTO;
		if (buf[2] == 1 || buf[2] == 2)
			return sized(len, 5, 0, n);
		return DRV_ENOTSUP;
	}
	return DRV_ENOTSUP;
}

static int fs_len(const uint8_t *buf, size_t len, size_t *n)
{
	switch (buf[1]) {
	case '&': /* Chinese character mode on */
	case '.': /* off */
		return sized(len, 2, 0, n);
	case '!': /* Chinese print mode */
	case '-': /* Chinese underline */
	case 'C': /* Chinese code system */
	case 'W': /* Chinese quadruple size */
		return sized(len, 3, 0, n);
	case 'S': /* Chinese character spacing */
	case 'p': /* print NV bit image */
		return sized(len, 4, 0, n);
	case '(': /* FS ( fn pL pH [...] */
		if (len < 5)
			return DRV_EPROTO;
		return sized(len, 5, buf[3] | (uint64_t)buf[4] << 8, n);
	}
	return DRV_ENOTSUP;
}

int escpos_command_len(const uint8_t *buf, size_t len, size_t *n)
{
	if (!buf || len == 0)
		return DRV_EPROTO;
	uint8_t c = buf[0];
	if (c != ESC && c != GS && c != DLE && c != FS) {
		*n = 1;
		return DRV_OK;
	}
	if (len < 2)
		return DRV_EPROTO;
	switch (c) {
	case ESC:
		return esc_len(buf, len, n);
	case GS:
		return gs_len(buf, len, n);
	case DLE:
		return dle_len(buf, len, n);
	default:
		return fs_len(buf, len, n);
	}
}

int escpos_longest_command(const uint8_t *buf, size_t len, size_t *longest)
{
	size_t max = 0;
	for (size_t off = 0; off < len;) {
		size_t n = 0;
		int rc = escpos_command_len(buf + off, len - off, &n);
		if (rc)
			return rc;
		if (n > max)
			max = n;
		off += n;
	}
	*longest = max;
	return DRV_OK;
}
