/*
 * gs1: GS1 element strings as printed on vaccine boxes (Data Matrix,
 * GS1-128, QR), read by the scanner before a dose is given (一验证).
 *
 * Understood application identifiers: (01) GTIN-14 with its mod-10 check
 * digit, (17) expiry YYMMDD (DD 00 = last day of the month), (10) lot
 * (variable length, up to 20, ends at GS 0x1D or the end), (21) serial
 * (variable, up to 20). A leading symbology identifier (`]d2`, `]C1`,
 * `]Q3`, `]e0`) is skipped; a keyboard-wedge scanner's configured GS
 * substitute character is accepted in place of GS. Other fixed-length AIs
 * are skipped; an unknown variable-length AI is refused.
 */
#ifndef GS1_H
#define GS1_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

struct gs1 {
	char gtin[15];	 /* 14 digits, "" if absent */
	int32_t expiry;	 /* vbdate day number, VBDATE_NONE if absent */
	char lot[21];	 /* "" if absent */
	char serial[21]; /* "" if absent */
};

/*
 * Parses len bytes of text (not NUL-terminated; any bytes). gs_substitute
 * is the character the scanner types for GS (0 for none). On success fills
 * *out and returns VB_OK; otherwise returns VB_EINVAL, leaves *out
 * untouched and names the problem in *why (codes: "empty", "bad_ai",
 * "bad_gtin_length", "gtin_check", "bad_expiry", "lot_too_long",
 * "serial_too_long", "bad_char", "no_gtin").
 */
int gs1_parse(const char *text, size_t len, char gs_substitute, struct gs1 *out,
	      struct vb_reason *why);

/* 1 if the 14-digit GTIN's mod-10 check digit is right, else 0. */
int gs1_gtin_valid(const char *gtin14);

#endif
