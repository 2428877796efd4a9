/*
 * printer_qr: libqrencode symbols drawn into printer pages (see
 * printer_qr.h).
 */
#include "printer_qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv_error.h"

int printer_qr_encode(const uint8_t *data, size_t len, QRecLevel level, QRcode **out)
{
	if (!data || len == 0 || len > 7089 || level < QR_ECLEVEL_L || level > QR_ECLEVEL_H)
		return DRV_EINVAL;
	QRcode *qr = NULL;
	errno = 0;
	if (memchr(data, 0, len)) {
		qr = QRcode_encodeData((int)len, data, 0, level);
	} else {
		char *s = malloc(len + 1);
		if (!s)
			return DRV_ENOMEM;
		memcpy(s, data, len);
		s[len] = '\0';
		qr = QRcode_encodeString(s, 0, level, QR_MODE_8, 1);
		free(s);
	}
	if (!qr)
		return errno == ENOMEM ? DRV_ENOMEM : DRV_EINVAL;
	*out = qr;
	return DRV_OK;
}

int printer_qr_side(const QRcode *qr, int module_dots)
{
	return (qr->width + 2 * PRINTER_QR_QUIET) * module_dots;
}

int printer_qr_draw(struct printer_page *p, const QRcode *qr, int x, int y, int module_dots)
{
	if (!qr || module_dots < 1 || module_dots > PRINTER_PAGE_MAX_DOTS || x < 0 || y < 0)
		return DRV_EINVAL;
	long side = (long)(qr->width + 2 * PRINTER_QR_QUIET) * module_dots;
	if ((long)x + side > printer_page_width(p) || (long)y + side > PRINTER_PAGE_MAX_ROWS)
		return DRV_EINVAL;
	int rc = printer_page_fill(p, x, y, (int)side, (int)side, 0);
	if (rc)
		return rc;
	int off = PRINTER_QR_QUIET * module_dots;
	for (int my = 0; my < qr->width; my++)
		for (int mx = 0; mx < qr->width; mx++) {
			if (!(qr->data[my * qr->width + mx] & 1))
				continue;
			rc = printer_page_fill(p, x + off + mx * module_dots,
					       y + off + my * module_dots, module_dots, module_dots,
					       1);
			if (rc)
				return rc;
		}
	return DRV_OK;
}

int printer_qr_add(struct printer_page *p, const char *text, QRecLevel level, int module_dots,
		   struct printer_qr_info *info)
{
	if (!text || module_dots < 1 || module_dots > PRINTER_PAGE_MAX_DOTS)
		return DRV_EINVAL;
	QRcode *qr = NULL;
	int rc = printer_qr_encode((const uint8_t *)text, strlen(text), level, &qr);
	if (rc)
		return rc;
	int side = printer_qr_side(qr, module_dots);
	int x = (printer_page_width(p) - side) / 2;
	int y = printer_page_height(p);
	rc = printer_qr_draw(p, qr, x, y, module_dots);
	if (rc)
		goto out;
	if (info) {
		info->version = qr->version;
		info->modules = qr->width;
		info->side = side;
		info->x = x;
		info->y = y;
	}
out:
	QRcode_free(qr);
	return rc;
}
