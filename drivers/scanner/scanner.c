/*
 * scanner: the class's configuration defaults, checks and result texts
 * (the device class itself is described in scanner.h).
 */
#include "scanner.h"

#include <string.h>

void scanner_config_init(struct scanner_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = SCANNER_MODE_AUTO;
	c->gs_substitute = 0;
	c->ctrl_gs = 1;
	c->gap_ms = SCANNER_GAP_DEFAULT_MS;
	c->aim_prefix = 0;
	c->now_ms = NULL;
	c->clock_arg = NULL;
}

int scanner_config_check(const struct scanner_config *c)
{
	if (!c)
		return DRV_EINVAL;
	if (c->mode != SCANNER_MODE_KEYBOARD && c->mode != SCANNER_MODE_POS)
		return DRV_EINVAL;
	if (c->gs_substitute != 0 && (c->gs_substitute < 0x21 || c->gs_substitute > 0x7E))
		return DRV_EINVAL;
	if (c->gap_ms < 1 || c->gap_ms > 60000)
		return DRV_EINVAL;
	return DRV_OK;
}

const char *scanner_strerror(int rc)
{
	switch (rc) {
	case SCANNER_EPARTIAL:
		return "incomplete scan discarded (the scanner paused mid-code)";
	case SCANNER_EOVERFLOW:
		return "scan too long, discarded";
	}
	return drv_strerror(rc);
}
