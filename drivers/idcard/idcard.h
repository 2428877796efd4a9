/*
 * idcard: the resident ID card reader device class.
 *
 * A reader (a SAM module over USB, or the simulated one in drivers/sim)
 * is a struct idcard_reader whose ops read one card into a struct
 * idcard_card: the card's text fields decoded from UCS-2LE to UTF-8 with
 * their space padding trimmed. The photo is never kept. Card data is
 * personal: wipe it with idcard_card_wipe() once it has been used.
 *
 * Why a read failed is kept on the reader (idcard_reader_status(), like
 * sqlite3_errmsg) so the out-param is written only on success:
 *
 *   return          status.why             what the app shows
 *   DRV_OK          IDCARD_WHY_NONE        the card
 *   DRV_ENOTFOUND   IDCARD_WHY_NO_CARD     "place your card" (nothing came
 *                                          within the timeout)
 *   DRV_EIO         IDCARD_WHY_REMOVED     "card removed too early, place
 *                                          it again" (found, then select or
 *                                          read failed)
 *   DRV_EBUSY       IDCARD_WHY_BUSY        "reader busy, wait" (a reply did
 *                                          not arrive in time, or the SAM
 *                                          reported itself not ready)
 *   DRV_EPROTO      IDCARD_WHY_PROTOCOL    a garbled frame or an unknown
 *                                          status code (kept in status.sw)
 *   DRV_EPROTO      IDCARD_WHY_BAD_TEXT    the card's text is not valid
 *                                          UCS-2 or does not fit its field
 *   DRV_ENODEV      IDCARD_WHY_UNPLUGGED   the reader is gone
 *   DRV_EIO         IDCARD_WHY_IO          a USB transfer failed
 *   DRV_EINVAL      IDCARD_WHY_NONE        a bad argument
 */
#ifndef IDCARD_H
#define IDCARD_H

#include <stddef.h>
#include <stdint.h>

#include "drv_error.h"
#include "drv_wipe.h"

/* Caps of the decoded fields, in bytes with the NUL. A UCS-2 unit takes at
 * most 3 bytes of UTF-8 (a surrogate pair, 2 units, takes 4). The short
 * fields hold printable ASCII only (a card with anything else there is
 * refused); valid_to holds "YYYYMMDD" or "长期" (6 bytes). */
#define IDCARD_NAME_CAP	     (15 * 3 + 1) /* 30 bytes of UCS-2 = 15 units */
#define IDCARD_SEX_CAP	     2		  /* "1" male, "2" female */
#define IDCARD_NATION_CAP    3		  /* "01" 汉 ... "56", "97", "98" (GB 3304) */
#define IDCARD_DATE_CAP	     9		  /* "YYYYMMDD" */
#define IDCARD_ADDRESS_CAP   (35 * 3 + 1) /* 70 bytes = 35 units */
#define IDCARD_ID_CAP	     19		  /* 18 chars */
#define IDCARD_AUTHORITY_CAP (15 * 3 + 1) /* 30 bytes = 15 units */

/* One card's text, UTF-8, NUL-terminated, trailing padding trimmed. */
struct idcard_card {
	char name[IDCARD_NAME_CAP];
	char sex[IDCARD_SEX_CAP];
	char nation[IDCARD_NATION_CAP];
	char birth[IDCARD_DATE_CAP];
	char address[IDCARD_ADDRESS_CAP];
	char id[IDCARD_ID_CAP];
	char authority[IDCARD_AUTHORITY_CAP];
	char valid_from[IDCARD_DATE_CAP];
	char valid_to[IDCARD_DATE_CAP]; /* "YYYYMMDD" or "长期" (no expiry) */
};

enum idcard_why {
	IDCARD_WHY_NONE = 0,
	IDCARD_WHY_NO_CARD,
	IDCARD_WHY_REMOVED,
	IDCARD_WHY_BUSY,
	IDCARD_WHY_PROTOCOL,
	IDCARD_WHY_BAD_TEXT,
	IDCARD_WHY_UNPLUGGED,
	IDCARD_WHY_IO,
};

/* The exchange a failure happened in. */
enum idcard_step {
	IDCARD_STEP_NONE = 0,
	IDCARD_STEP_SAM,    /* 11 FF: SAM status */
	IDCARD_STEP_FIND,   /* 20 01: find card */
	IDCARD_STEP_SELECT, /* 20 02: select card */
	IDCARD_STEP_READ,   /* 30 01: read text and photo */
};

/* What the last idcard_reader_read() ended with (no personal data). */
struct idcard_status {
	enum idcard_why why;
	enum idcard_step step;
	int replied;   /* 1 when the failing step got a whole reply */
	uint8_t sw[3]; /* that reply's SW1 SW2 SW3 (0 when !replied) */
	int finds;     /* find requests sent during the call */
};

struct idcard_reader;

struct idcard_reader_ops {
	/* Reads one card into *out (written only on DRV_OK), waiting up to
	 * timeout_ms (>= 0) for a card to be placed; see the table above.
	 * Implementations fill r->status. */
	int (*read)(struct idcard_reader *r, struct idcard_card *out, int timeout_ms);
	/* Wipes and frees the reader. */
	void (*free)(struct idcard_reader *r);
};

/* Implementations embed this as their first member. */
struct idcard_reader {
	const struct idcard_reader_ops *ops;
	struct idcard_status status;
};

/* Reads one card (see the table above): resets the status, calls the
 * implementation. Returns DRV_OK with *out filled, or a DRV_* error with
 * *out untouched and the reason in idcard_reader_status(r). DRV_EINVAL for
 * a NULL argument or a negative timeout. */
int idcard_reader_read(struct idcard_reader *r, struct idcard_card *out, int timeout_ms);

/* Why the last read ended as it did (borrowed from r, valid until the next
 * read or the free). */
const struct idcard_status *idcard_reader_status(const struct idcard_reader *r);

/* Frees a reader of any implementation. Accepts NULL. */
void idcard_reader_free(struct idcard_reader *r);

/* A stable snake_case name for why ("no_card", "card_removed",
 * "reader_busy", "protocol", "bad_text", "unplugged", "io", "none");
 * static, never NULL. */
const char *idcard_why_name(enum idcard_why why);

/* Wipes a decoded card. Accepts NULL. */
void idcard_card_wipe(struct idcard_card *card);

#endif
