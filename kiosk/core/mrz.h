/*
 * mrz: the machine-readable zone of passports (ICAO 9303 TD3: two lines of
 * 44 characters) and of ID cards (TD1: three lines of 30), as a passport
 * reader or a document scanner returns it.
 *
 * Every check digit is verified (weights 7 3 1 repeating; digits count as
 * themselves, A-Z as 10-35, the filler '<' as 0; sum mod 10). TD3 line 2:
 * document number 0-8 + check 9, nationality 10-12, birth YYMMDD 13-18 +
 * check 19, sex 20, expiry 21-26 + check 27, personal number 28-41 +
 * check 42 ('<' or 0 when the personal number is empty), composite check
 * 43 over 0-9, 13-19 and 21-42. TD1: document number line 1 5-13 + check
 * 14 (a longer number continues in the optional data with its check digit
 * after it, and check position 14 holds '<'), birth/sex/expiry/nationality
 * on line 2, composite check 2/29 over line 1 5-29 and line 2 0-6, 8-14,
 * 18-28; the name on line 3.
 *
 * Two-digit years: the birth date takes the latest century that does not
 * put it after `today`; the expiry date the century that puts it nearest
 * to `today`.
 */
#ifndef MRZ_H
#define MRZ_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

enum mrz_format {
	MRZ_TD1 = 1, /* ID card, 3 x 30 */
	MRZ_TD3,     /* passport, 2 x 44 */
};

struct mrz {
	enum mrz_format format;
	char doc_code[3];	  /* "P", "PO", "I", "ID", "AC"...: fillers dropped */
	char number[32];	  /* document number, fillers dropped */
	char issuing_state[4];	  /* "CHN", "D", "GBR"...: fillers dropped */
	char nationality[4];	  /* likewise */
	char surname[40];	  /* name components separated by one space */
	char given_names[40];	  /* likewise; "" if the zone has none */
	char personal_number[32]; /* TD3 personal number or TD1 optional data, "" if none */
	int32_t birth;		  /* vbdate day number */
	int sex;		  /* 1 male, 2 female, 0 unspecified ('<' or 'X') */
	int32_t expiry;		  /* vbdate day number */
};

/*
 * Parses len bytes of text: the lines separated by "\n" or "\r\n" (a
 * trailing line break is allowed), or run together without separators
 * (88 or 90 characters). today is the current date (see above). On success
 * fills *out and returns VB_OK; otherwise returns VB_EINVAL, leaves *out
 * untouched and fills *why (may be NULL): "empty", "bad_length",
 * "bad_char", "bad_format", "check_document_number", "check_birth_date",
 * "check_expiry_date", "check_personal_number", "check_composite",
 * "bad_birth_date", "future_birth_date", "bad_expiry_date", "bad_sex".
 */
int mrz_parse(const char *text, size_t len, int32_t today, struct mrz *out, struct vb_reason *why);

/* The ICAO 9303 check digit ('0'-'9') of len characters of s, or 0 if one
 * of them is not 0-9, A-Z or '<'. */
char mrz_check_digit(const char *s, size_t len);

#endif
