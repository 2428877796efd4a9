/*
 * idcard: the parts of the device class every implementation shares —
 * the read/free dispatch with its status, the names of the reasons, and
 * wiping card data.
 */
#include "idcard.h"

#include <string.h>

void idcard_card_wipe(struct idcard_card *card)
{
	if (card)
		drv_wipe(card, sizeof(*card));
}

int idcard_reader_read(struct idcard_reader *r, struct idcard_card *out, int timeout_ms)
{
	if (!r)
		return DRV_EINVAL;
	memset(&r->status, 0, sizeof(r->status));
	if (!out || timeout_ms < 0)
		return DRV_EINVAL;
	return r->ops->read(r, out, timeout_ms);
}

const struct idcard_status *idcard_reader_status(const struct idcard_reader *r)
{
	return &r->status;
}

void idcard_reader_free(struct idcard_reader *r)
{
	if (r)
		r->ops->free(r);
}

const char *idcard_why_name(enum idcard_why why)
{
	switch (why) {
	case IDCARD_WHY_NONE:
		return "none";
	case IDCARD_WHY_NO_CARD:
		return "no_card";
	case IDCARD_WHY_REMOVED:
		return "card_removed";
	case IDCARD_WHY_BUSY:
		return "reader_busy";
	case IDCARD_WHY_PROTOCOL:
		return "protocol";
	case IDCARD_WHY_BAD_TEXT:
		return "bad_text";
	case IDCARD_WHY_UNPLUGGED:
		return "unplugged";
	case IDCARD_WHY_IO:
		return "io";
	}
	return "unknown";
}
