/*
 * iddoc: the identity documents a resident can register with, their
 * number rules, normalisation and masking.
 *
 * Numbers arrive typed on a keypad or a Chinese IME (full-width digits and
 * letters, spaces, hyphens), read from a card, or scanned. iddoc_validate()
 * normalises them (uppercase, separators dropped, full-width folded to
 * ASCII) and checks them:
 *
 * - cn-resident (居民身份证, GB 11643-1999): 18 chars = 6 region + 8 birth
 *   date + 3 sequence (odd male, even female) + check char (ISO 7064
 *   MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11
 *   indexes "10X98765432"). A number whose region is 810000 / 820000 /
 *   830000 is reported as hk-mo-residence / tw-residence.
 * - hk-mo-residence, tw-residence (港澳台居民居住证): the same 18-char
 *   format with region exactly 810000 (Hong Kong), 820000 (Macao) or
 *   830000 (Taiwan).
 * - hk-mo-permit (港澳居民来往内地通行证): H (Hong Kong) or M (Macao) and 8
 *   digits (cards since 2012), or 10 digits (the 1999 cards: 8-digit
 *   lifetime number + 2-digit renewal count, MPS number rules of 2010).
 * - tw-permit (台湾居民来往大陆通行证): 8 digits, the lifetime number (since
 *   25 Sep 2008); older permits still in circulation carry 10 digits
 *   (lifetime number + issue count) optionally followed by an issuing
 *   office code in parentheses, "1234567801(B)", normalised to
 *   "1234567801B".
 * - foreign-pr (外国人永久居留身份证): the 2023 card, 18 chars starting
 *   with 9: 9 + 2-digit province of issue + 3-digit ISO 3166 numeric
 *   nationality + 8 birth date + 3 sequence (odd male, even female) + the
 *   same MOD 11-2 check char; or the 2017 card: 15 chars, 3 Latin letters
 *   (nationality) + 12 digits, checked for shape only (its inner layout
 *   and check digit are not in a source we could confirm).
 * - passport: 5 to 9 uppercase letters or digits when typed; a scanned
 *   machine-readable zone is checked by mrz and turned into an iddoc with
 *   iddoc_from_mrz() (which also fills the issuing state).
 *
 * Reasons never contain the number or the expected check character.
 */
#ifndef IDDOC_H
#define IDDOC_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

struct mrz;

enum iddoc_type {
	IDDOC_CN_RESIDENT = 1, /* "cn-resident" */
	IDDOC_HK_MO_RESIDENCE, /* "hk-mo-residence" */
	IDDOC_TW_RESIDENCE,    /* "tw-residence" */
	IDDOC_HK_MO_PERMIT,    /* "hk-mo-permit" */
	IDDOC_TW_PERMIT,       /* "tw-permit" */
	IDDOC_FOREIGN_PR,      /* "foreign-pr" */
	IDDOC_PASSPORT,	       /* "passport" */
};

/* One past the last type, for loops: for (t = IDDOC_TYPE_FIRST; t < IDDOC_TYPE_END; t++). */
#define IDDOC_TYPE_FIRST IDDOC_CN_RESIDENT
#define IDDOC_TYPE_END	 (IDDOC_PASSPORT + 1)

/* Longest normalised number (the struct holds it NUL-terminated). */
#define IDDOC_NUMBER_MAX 39

struct iddoc {
	enum iddoc_type type;
	char number[IDDOC_NUMBER_MAX + 1]; /* normalised: ASCII, uppercase */
	int32_t birth;	 /* encoded birth date, VBDATE_NONE if the number has none */
	int sex;	 /* encoded sex: 1 male, 2 female, 0 if the number has none */
	char country[4]; /* ICAO issuing state of a passport ("CHN"), "" if unknown */
};

/* Writes the type with CLI name `name` ("cn-resident", ...) to *out.
 * Returns VB_OK, or VB_EINVAL for NULL or an unknown name (*out untouched). */
int iddoc_type_from_name(const char *name, enum iddoc_type *out);

/* The type's stable CLI name (static string), or NULL for a value outside
 * the enum. */
const char *iddoc_type_name(enum iddoc_type type);

/*
 * Normalises and checks the NUL-terminated UTF-8 `raw` as a number of
 * `type`. `today` is the current date: an encoded birth date after it is
 * refused. On success fills *out (type as detected: an 81/82/83 number
 * given as cn-resident comes back as a residence permit; country "") and
 * returns VB_OK. Otherwise returns VB_EINVAL, leaves *out untouched and
 * fills *why (may be NULL) with one of the codes: "empty", "bad_type",
 * "bad_length", "bad_char", "check_char", "bad_birth_date",
 * "future_birth_date", "bad_region", "wrong_type".
 */
int iddoc_validate(enum iddoc_type type, const char *raw, int32_t today, struct iddoc *out,
		   struct vb_reason *why);

/*
 * Makes a passport iddoc from a machine-readable zone that mrz_parse()
 * accepted (document code starting with P): the number, issuing state,
 * birth date and sex are copied. Returns VB_OK, or VB_EINVAL with "wrong_type"
 * for another document code or "bad_length" / "bad_char" for a number that
 * is not a passport number (*out then untouched).
 */
int iddoc_from_mrz(const struct mrz *m, struct iddoc *out, struct vb_reason *why);

/*
 * Writes the masked number for screens and receipts to out (cap bytes):
 * numbers of 15 or more characters keep their first 4 and last 4
 * ("1101**********123X"), shorter ones their first 1 and last 2
 * ("H******00"), shorter than 5 none; every other character becomes '*'. Returns VB_OK, or
 * VB_ERANGE when cap cannot hold the result and its NUL (out then holds ""
 * if cap > 0), or VB_EINVAL for a number that is not NUL-terminated
 * within its field.
 */
int iddoc_mask(const struct iddoc *doc, char *out, size_t cap);

/* Zeroes n bytes at p through a volatile pointer, so the compiler cannot
 * drop it as a dead store (for copies of personal data). Accepts NULL. */
void iddoc_wipe(void *p, size_t n);

/* The MOD 11-2 check character ('0'-'9' or 'X') of 17 ASCII digits, or 0
 * if one of them is not a digit. */
char iddoc_cn_check_char(const char *digits17);

#endif
