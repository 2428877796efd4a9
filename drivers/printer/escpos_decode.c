/*
 * escpos_decode: renders an ESC/POS stream into a page (see
 * escpos_decode.h). The command boundaries come from escpos_command_len(),
 * the same walker the job sender uses.
 */
#include "escpos_decode.h"

#include <string.h>

#include "drv_error.h"
#include "escpos.h"
#include "printer_qr.h"

struct decoder {
	struct printer_page *page;
	struct escpos_decode_info info;
	unsigned flags;
	int y; /* where the paper is: the next row to print */
	enum escpos_align align;
	int qr_module;
	QRecLevel qr_level;
	const uint8_t *qr_data; /* borrowed from the stream */
	size_t qr_len;
	int line_has_text;
};

/* Something that cannot be drawn: fatal when strict, else counted. */
static int misfit(struct decoder *d, size_t bytes)
{
	if (d->flags & ESCPOS_DECODE_STRICT)
		return DRV_EPROTO;
	d->info.unknown += bytes;
	return DRV_OK;
}

static int aligned_x(const struct decoder *d, int w)
{
	int room = printer_page_width(d->page) - w;
	if (room <= 0 || d->align == ESCPOS_ALIGN_LEFT)
		return 0;
	return d->align == ESCPOS_ALIGN_CENTER ? room / 2 : room;
}

static int advance(struct decoder *d, long dots)
{
	if (dots > PRINTER_PAGE_MAX_ROWS - d->y)
		return DRV_EINVAL;
	d->y += (int)dots;
	return DRV_OK;
}

/* GS v 0 m xL xH yL yH d: n is the command's whole length. */
static int raster(struct decoder *d, const uint8_t *c, size_t n)
{
	int m = c[3] >= '0' ? c[3] - '0' : c[3];
	if (m < 0 || m > 3)
		return misfit(d, n);
	int xs = m & 1 ? 2 : 1, ys = m & 2 ? 2 : 1;
	int xb = c[4] | c[5] << 8, rows = c[6] | c[7] << 8;
	long w = (long)xb * 8 * xs;
	if (xb == 0 || rows == 0)
		return misfit(d, n);
	/* Wider than the paper (its last byte may hold padding dots). */
	if ((size_t)xb * (size_t)xs > printer_page_stride(d->page)) {
		int rc = misfit(d, 0);
		if (rc)
			return rc;
	}
	if ((long)rows * ys > PRINTER_PAGE_MAX_ROWS - d->y)
		return DRV_EINVAL;
	int x0 = w > printer_page_width(d->page) ? 0 : aligned_x(d, (int)w);
	const uint8_t *bits = c + 8;
	int rc = printer_page_extend(d->page, d->y + rows * ys);
	if (rc)
		return rc;
	for (int r = 0; r < rows; r++)
		for (int col = 0; col < xb * 8; col++) {
			if (!((bits[(size_t)r * xb + col / 8] >> (7 - col % 8)) & 1))
				continue;
			for (int dy = 0; dy < ys; dy++)
				for (int dx = 0; dx < xs; dx++) {
					long x = x0 + (long)col * xs + dx;
					if (x < printer_page_width(d->page))
						printer_page_set(d->page, (int)x,
								 d->y + r * ys + dy, 1);
				}
		}
	d->y += rows * ys;
	d->info.bands++;
	return DRV_OK;
}

static int qr_print(struct decoder *d, size_t n)
{
	if (!d->qr_data)
		return misfit(d, n);
	QRcode *qr = NULL;
	int rc = printer_qr_encode(d->qr_data, d->qr_len, d->qr_level, &qr);
	if (rc == DRV_EINVAL)
		return misfit(d, n);
	if (rc)
		return rc;
	int side = printer_qr_side(qr, d->qr_module);
	if (side > printer_page_width(d->page)) {
		rc = misfit(d, n);
		goto out;
	}
	if (side > PRINTER_PAGE_MAX_ROWS - d->y) {
		rc = DRV_EINVAL;
		goto out;
	}
	rc = printer_qr_draw(d->page, qr, aligned_x(d, side), d->y, d->qr_module);
	if (rc)
		goto out;
	d->y += side;
	d->info.qr_codes++;
out:
	QRcode_free(qr);
	return rc;
}

/* GS ( k pL pH cn fn ...: only cn 0x31 (QR) draws anything. */
static int qr_function(struct decoder *d, const uint8_t *c, size_t n)
{
	if (n < 7 || c[5] != 0x31)
		return DRV_OK; /* another symbology, or empty: skipped */
	switch (c[6]) {
	case 0x43: /* module size */
		if (n == 8 && c[7] >= 1 && c[7] <= ESCPOS_QR_MAX_MODULE)
			d->qr_module = c[7];
		else
			return misfit(d, n);
		break;
	case 0x45: /* error correction */
		if (n == 8 && c[7] >= 0x30 && c[7] <= 0x33)
			d->qr_level = (QRecLevel)(c[7] - 0x30);
		else
			return misfit(d, n);
		break;
	case 0x50: /* store: m 30, data */
		if (n < 9 || n - 8 > ESCPOS_QR_MAX_DATA)
			return misfit(d, n);
		d->qr_data = c + 8;
		d->qr_len = n - 8;
		break;
	case 0x51: /* print */
		return qr_print(d, n);
	}
	return DRV_OK;
}

static void reset(struct decoder *d)
{
	d->align = ESCPOS_ALIGN_LEFT;
	d->line_has_text = 0;
}

static int command(struct decoder *d, const uint8_t *c, size_t n)
{
	if (n == 1) {
		if (c[0] == 0x0A) {
			d->line_has_text = 0;
			return advance(d, ESCPOS_DECODE_LINE_DOTS);
		}
		if (c[0] >= 0x20 && c[0] != 0x7F) {
			d->info.text_bytes++;
			d->line_has_text = 1;
		}
		return DRV_OK;
	}
	if (c[0] == 0x1B) {
		switch (c[1]) {
		case '@':
			d->info.inits++;
			reset(d);
			return DRV_OK;
		case 'a':
			if (c[2] <= 2 || (c[2] >= '0' && c[2] <= '2'))
				d->align = (enum escpos_align)(c[2] >= '0' ? c[2] - '0' : c[2]);
			return DRV_OK;
		case 'd':
			d->line_has_text = 0;
			return advance(d, (long)ESCPOS_DECODE_LINE_DOTS * c[2]);
		case 'J':
			d->line_has_text = 0;
			return advance(d, c[2]);
		}
		return DRV_OK;
	}
	if (c[0] == 0x1D) {
		switch (c[1]) {
		case 'v':
			return raster(d, c, n);
		case '(':
			return c[2] == 'k' ? qr_function(d, c, n) : DRV_OK;
		case 'V':
			d->info.cuts++;
			return DRV_OK;
		}
	}
	return DRV_OK;
}

int escpos_decode(const uint8_t *buf, size_t len, int paper_dots, unsigned flags,
		  struct printer_page **out, struct escpos_decode_info *info)
{
	if ((!buf && len) || !out)
		return DRV_EINVAL;
	struct decoder d;
	memset(&d, 0, sizeof(d));
	d.flags = flags;
	d.qr_module = 3;
	d.qr_level = QR_ECLEVEL_L;
	reset(&d);
	int rc = printer_page_new(paper_dots, &d.page);
	if (rc)
		return rc;
	for (size_t off = 0; off < len;) {
		size_t n = 0;
		rc = escpos_command_len(buf + off, len - off, &n);
		if (rc == DRV_ENOTSUP || rc == DRV_EPROTO) {
			if (flags & ESCPOS_DECODE_STRICT) {
				rc = DRV_EPROTO;
				goto out;
			}
			/* unknown: skip a byte; truncated: the rest */
			n = rc == DRV_ENOTSUP ? 1 : len - off;
			d.info.unknown += n;
			off += n;
			rc = DRV_OK;
			continue;
		}
		rc = command(&d, buf + off, n);
		if (rc)
			goto out;
		off += n;
	}
	if (d.line_has_text)
		rc = advance(&d, ESCPOS_DECODE_LINE_DOTS);
	if (!rc)
		rc = printer_page_extend(d.page, d.y);
out:
	if (rc) {
		printer_page_free(d.page);
		return rc;
	}
	*out = d.page;
	if (info)
		*info = d.info;
	return DRV_OK;
}
