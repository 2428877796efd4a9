/*
 * b64url: base64url without padding (RFC 4648 §5), as JWS, JWK and the
 * SMART Health Card kid use it.
 *
 * The decoder is strict, because it reads scanned (untrusted) text: no
 * padding '=', no '+' or '/', no whitespace, no length of 4n+1, and the
 * unused low bits of the last character must be zero, so every byte
 * string has exactly one accepted encoding.
 */
#ifndef B64URL_H
#define B64URL_H

#include <stddef.h>
#include <stdint.h>

#include "vb_error.h"

/* The characters b64url_encode writes for n bytes (NUL not counted). */
size_t b64url_encoded_len(size_t n);

/* The most bytes a b64url text of n characters can decode to. */
size_t b64url_decoded_max(size_t n);

/* Encodes len bytes of in into out (cap bytes, borrowed) with a
 * terminating NUL. Returns VB_OK, or VB_ERANGE when cap is smaller than
 * b64url_encoded_len(len) + 1 (out is then left untouched). */
int b64url_encode(const uint8_t *in, size_t len, char *out, size_t cap);

/* Decodes len characters of in (no NUL needed) into out (cap bytes) and
 * writes the byte count to *out_len. Returns VB_OK, VB_EINVAL (a character
 * outside A-Z a-z 0-9 - _, padding, a length of 4n+1, non-zero unused
 * bits) or VB_ERANGE (cap < b64url_decoded_max(len), checked first). On
 * failure *out_len is untouched and out may hold partial output. */
int b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

#endif
