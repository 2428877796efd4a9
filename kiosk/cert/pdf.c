/*
 * pdf: one A4 page with one 1-bit image (pdf.h).
 */
#include "pdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PT_PER_MM (72.0 / 25.4)
#define N_OBJECTS 6

struct buf {
	uint8_t *data;
	size_t len, cap;
	int failed;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d) {
			b->failed = 1;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->failed = 1;
		return;
	}
	put(b, tmp, (size_t)n);
}

/* The page's rows repacked to ceil(width / 8) bytes, deflated. */
static int image_stream(const struct printer_page *page, uint8_t **out, uLongf *len)
{
	int w = printer_page_width(page), h = printer_page_height(page);
	size_t row = ((size_t)w + 7) / 8, stride = printer_page_stride(page);
	const uint8_t *bits = printer_page_bits(page);
	size_t raw_len = row * (size_t)h;
	uint8_t *raw = malloc(raw_len);
	uLongf cap = compressBound((uLong)raw_len);
	uint8_t *z = malloc(cap);
	int rc = VB_OK;
	if (!raw || !z) {
		rc = VB_ENOMEM;
		goto out;
	}
	for (int y = 0; y < h; y++)
		memcpy(raw + (size_t)y * row, bits + (size_t)y * stride, row);
	if (compress2(z, &cap, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK) {
		rc = VB_ENOMEM;
		goto out;
	}
	*out = z;
	*len = cap;
	z = NULL;
out:
	free(raw);
	free(z);
	return rc;
}

int pdf_page(const struct printer_page *page, uint8_t **out, size_t *len)
{
	struct buf b = {0};
	size_t off[N_OBJECTS + 1];
	uint8_t *img = NULL;
	uLongf img_len = 0;
	int w = page ? printer_page_width(page) : 0, h = page ? printer_page_height(page) : 0;
	if (w < 1 || h < 1)
		return VB_EINVAL;
	int rc = image_stream(page, &img, &img_len);
	if (rc)
		return rc;

	/* Scale: 8 dots per mm as printed, enlarged or reduced uniformly to
	 * the A4 area inside the margins. */
	double margin = PDF_MARGIN_MM * PT_PER_MM;
	double avail_w = PDF_A4_WIDTH_PT - 2 * margin, avail_h = PDF_A4_HEIGHT_PT - 2 * margin;
	double sx = avail_w / w, sy = avail_h / h, s = sx < sy ? sx : sy;
	double iw = w * s, ih = h * s;
	double x = (PDF_A4_WIDTH_PT - iw) / 2, y = PDF_A4_HEIGHT_PT - margin - ih;
	char content[200];
	int clen = snprintf(content, sizeof(content), "q %.4f 0 0 %.4f %.4f %.4f cm /Im1 Do Q\n",
			    iw, ih, x, y);

	put(&b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
	off[1] = b.len;
	putf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b.len;
	putf(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = b.len;
	putf(&b,
	     "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f]"
	     " /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n",
	     PDF_A4_WIDTH_PT, PDF_A4_HEIGHT_PT);
	off[4] = b.len;
	putf(&b,
	     "4 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ImageMask true"
	     " /BitsPerComponent 1 /Decode [1 0] /Interpolate false /Filter /FlateDecode"
	     " /Length %lu >>\nstream\n",
	     w, h, (unsigned long)img_len);
	put(&b, img, img_len);
	putf(&b, "\nendstream\nendobj\n");
	off[5] = b.len;
	putf(&b, "5 0 obj\n<< /Length %d >>\nstream\n%sendstream\nendobj\n", clen, content);
	off[6] = b.len;
	putf(&b, "6 0 obj\n<< /Producer (vaxbus) >>\nendobj\n");
	size_t xref = b.len;
	putf(&b, "xref\n0 %d\n0000000000 65535 f \n", N_OBJECTS + 1);
	for (int i = 1; i <= N_OBJECTS; i++)
		putf(&b, "%010lu 00000 n \n", (unsigned long)off[i]);
	putf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%lu\n%%%%EOF\n",
	     N_OBJECTS + 1, (unsigned long)xref);
	free(img);
	if (b.failed) {
		free(b.data);
		return VB_ENOMEM;
	}
	*out = b.data;
	*len = b.len;
	return VB_OK;
}

int pdf_save_page(const struct printer_page *page, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = pdf_page(page, &data, &len);
	if (rc)
		return rc;
	FILE *f = fopen(path, "wb");
	if (!f) {
		free(data);
		return VB_EIO;
	}
	size_t wrote = fwrite(data, 1, len, f);
	rc = fclose(f) != 0 || wrote != len ? VB_EIO : VB_OK;
	free(data);
	return rc;
}
