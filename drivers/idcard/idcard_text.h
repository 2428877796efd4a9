/*
 * idcard_text: the 256 text bytes of a `30 01` reply <-> struct idcard_card.
 *
 * Layout (REFERENCE.md), UCS-2 little-endian, each field padded with
 * spaces (U+0020) to its width in bytes:
 *
 *   offset width field         offset width field
 *        0    30 name             122    36 id number
 *       30     2 sex ("1"/"2")    158    30 issuing authority
 *       32     4 nation ("01")    188    16 valid from (YYYYMMDD)
 *       36    16 birth            204    16 valid to (YYYYMMDD or 长期)
 *       52    70 address          220    36 reserved (ignored)
 *
 * Decoding turns UTF-16LE into UTF-8: a surrogate pair becomes one 4-byte
 * character; a lone or reversed surrogate, a C0/C1 control, U+007F,
 * U+FFFE or U+FFFF is refused. Trailing spaces and U+0000 are padding and
 * trimmed; a U+0000 followed by anything else is refused. A field whose
 * UTF-8 does not fit its member of struct idcard_card is refused, and so
 * is anything but printable ASCII in sex, nation, birth, id and
 * valid_from, and in valid_to unless it is exactly "长期".
 */
#ifndef IDCARD_TEXT_H
#define IDCARD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "idcard.h"

#define IDCARD_TEXT_LEN	 256  /* the text block of a `30 01` reply */
#define IDCARD_PHOTO_LEN 1024 /* the WLT photo after it (never decoded) */

/* Decodes n bytes of UTF-16LE (n even) into out[0..cap) as UTF-8, trailing
 * padding trimmed, NUL-terminated. Returns DRV_OK, DRV_EPROTO for an
 * invalid unit (see above) or DRV_EINVAL when n is odd or the result does
 * not fit cap. out is written only on DRV_OK. */
int idcard_text_field(const uint8_t *in, size_t n, char *out, size_t cap);

/* Decodes a text block (n must be IDCARD_TEXT_LEN) into *out. Returns
 * DRV_OK, DRV_EINVAL for a wrong n, or DRV_EPROTO when a field is invalid
 * or too long for its member (*out untouched; nothing is left on the
 * stack). */
int idcard_text_decode(const uint8_t *text, size_t n, struct idcard_card *out);

/* Encodes a card as a text block (for the simulated reader, device models
 * and fuzzing): each field's UTF-8 as UTF-16LE, space padded, reserved
 * bytes spaces. Returns DRV_OK, or DRV_EINVAL when a field is not valid
 * UTF-8, holds a character the decoder refuses, or does not fit its
 * width (text then untouched). */
int idcard_text_encode(const struct idcard_card *card, uint8_t text[IDCARD_TEXT_LEN]);

#endif
