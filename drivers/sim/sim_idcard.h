/*
 * sim_idcard: a simulated ID card reader for the demo and the UI tests,
 * reading its cards from a text file (UTF-8).
 *
 * Format: entries separated by one or more blank lines; lines starting
 * with '#' are comments. An entry is either
 * - a card: `key=value` lines with the keys name, sex, nation, birth,
 *   address, id, authority, valid_from, valid_to (each at most once; a
 *   missing key is an empty field). The value is everything after the
 *   first '=' (a trailing CR is dropped). Each value must fit the card's
 *   field on a real card (idcard_text.h: e.g. name at most 15 UCS-2
 *   units) and is delivered as the real driver would deliver it (trailing
 *   spaces trimmed); or
 * - one word alone: `nocard` (the read ends with DRV_ENOTFOUND,
 *   IDCARD_WHY_NO_CARD), `removed` (DRV_EIO, IDCARD_WHY_REMOVED: the card
 *   was taken away mid-read) or `busy` (DRV_EBUSY, IDCARD_WHY_BUSY).
 *
 *   # the first read gets Zhang San, the second no card, the third Li Si
 *   name=张三
 *   sex=1
 *   nation=01
 *   birth=19900307
 *   address=北京市东城区景山前街4号
 *   id=11010119900307001X
 *   authority=北京市公安局东城分局
 *   valid_from=20150101
 *   valid_to=20350101
 *
 *   nocard
 *
 *   name=李四
 *   valid_to=长期
 *
 * Each read returns the next entry at once (it never waits out the
 * timeout); after the last entry it starts again from the first. A file
 * with no entries reads as no card every time.
 */
#ifndef SIM_IDCARD_H
#define SIM_IDCARD_H

#include "idcard.h"

#define SIM_IDCARD_LINE_MAX  512   /* bytes per line, newline included */
#define SIM_IDCARD_ENTRY_MAX 10000 /* entries per file */

/* Reads the whole file at path (borrowed) and returns DRV_OK with *out
 * (owned by the caller: idcard_reader_free wipes and frees the cards),
 * DRV_ENOTFOUND when the file does not exist, DRV_EACCES when it cannot be
 * read, DRV_EINVAL for a malformed file (unknown key, duplicate key, a
 * line too long, a value that does not fit, a word entry mixed with keys,
 * too many entries), DRV_ENOMEM. */
int sim_idcard_open(const char *path, struct idcard_reader **out);

#endif
