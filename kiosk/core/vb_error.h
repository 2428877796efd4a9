/*
 * vb_error: the project's error codes and the reason a rule gives when it
 * refuses something.
 *
 * Every function that can fail returns an int: VB_OK (0) or one of the
 * negative codes below. Foreign codes (SQLite, libusb, curl) are mapped to
 * these once, in their adapter; the foreign message stays on the adapter's
 * handle. When a rule refuses (an invalid ID number, a dose given too
 * early), the function returns VB_EREFUSED or VB_EINVAL and fills a
 * struct vb_reason naming what is wrong.
 */
#ifndef VB_ERROR_H
#define VB_ERROR_H

enum vb_error {
	VB_OK = 0,
	VB_EINVAL = -1,	   /* invalid input (a field is malformed) */
	VB_ENOMEM = -2,	   /* out of memory */
	VB_ENOTFOUND = -3, /* no such record */
	VB_EEXIST = -4,	   /* the record already exists */
	VB_EREFUSED = -5,  /* a rule refused; see the struct vb_reason */
	VB_ESTATE = -6,	   /* the workflow does not allow this transition */
	VB_ESTORAGE = -7,  /* the database failed; see store_errmsg() */
	VB_ECORRUPT = -8,  /* stored data failed an integrity check */
	VB_EIO = -9,	   /* input/output error */
	VB_ETIMEOUT = -10, /* the operation timed out */
	VB_ENODEV = -11,   /* the device is gone */
	VB_EPROTO = -12,   /* the peer broke the protocol */
	VB_EBUSY = -13,	   /* the resource is busy */
	VB_ERANGE = -14,   /* a value or a buffer is out of range */
};

/* Returns a static English description of rc (never NULL). */
const char *vb_strerror(int rc);

/*
 * Why a rule refused. `code` is a stable machine key ("check_char",
 * "too_early", ...) that the UI maps to its string tables and the CLI
 * prints in --json output; `text` is an English sentence naming the field
 * and what is wrong with it, for staff and logs. Neither ever holds
 * personal data (no names or document numbers).
 */
struct vb_reason {
	const char *code; /* static string; NULL when there is no refusal */
	char text[160];
};

/* Sets code and a printf-formatted text; returns VB_EREFUSED for chaining. */
int vb_reason_set(struct vb_reason *why, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears the reason (code NULL, empty text). Accepts NULL. */
void vb_reason_clear(struct vb_reason *why);

#endif
