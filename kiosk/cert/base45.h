/*
 * base45: the Base45 encoding of RFC 9285, which the EU DCC uses to put
 * its compressed COSE message into a QR code's alphanumeric mode.
 *
 * Every 2 bytes [a, b] become n = a * 256 + b written as three digits
 * c + d * 45 + e * 45^2 (c first); a last single byte becomes two digits.
 * Digits come from the 45-character alphabet "0-9A-Z $%*+-./:" (it
 * includes a space). Decoding is strict: a character outside the
 * alphabet, a dangling single character, a triple worth more than 65535
 * or a pair worth more than 255 is refused.
 */
#ifndef BASE45_H
#define BASE45_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

/* The number of characters base45_encode writes for n bytes (no NUL). */
size_t base45_encoded_len(size_t n);

/*
 * Encodes the n bytes at in as text into out, which holds cap bytes; the
 * text is NUL-terminated. Returns VB_OK, or VB_ERANGE when cap is smaller
 * than base45_encoded_len(n) + 1 (out untouched).
 */
int base45_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/*
 * Decodes the len characters at in into out (cap bytes) and sets *outlen
 * to the number of bytes written. Returns VB_OK, VB_EINVAL with why
 * (code "base45", the text names the position and what is wrong) for text
 * that is not strict base45, or VB_ERANGE when the bytes do not fit in
 * cap. *outlen is written only on VB_OK.
 */
int base45_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
		  struct vb_reason *why);

#endif
