/*
 * prereg: the pre-registration QR code a resident shows on their phone at
 * the kiosk, made by the pre-registration web form (or prereg_format()).
 *
 * Format, version 1: printable ASCII (0x21-0x7E), at most PREREG_MAX
 * bytes, seven fields separated by '|':
 *
 *     VBREG1|<id-type>|<number>|<name>|<sex>|<birth>|<phone>
 *
 *   VBREG1   the magic and version; any other version is refused
 *   id-type  an iddoc CLI name: cn-resident, hk-mo-residence, tw-residence,
 *            hk-mo-permit, tw-permit, foreign-pr, passport
 *   number   the document number (normalised as iddoc does)
 *   name     the name in UTF-8, percent-encoded: the bytes A-Z a-z 0-9
 *            - . _ ~ appear as themselves, every other byte as %XX (two
 *            hex digits, either case on input, uppercase on output)
 *   sex      1 male, 2 female
 *   birth    YYYYMMDD
 *   phone    "" or as person_check() accepts it
 *
 * Example: VBREG1|cn-resident|11010519491231002X|%E5%BC%A0%E4%B8%89|2|19491231|13812345678
 *
 * Everything is checked through person_check(); nothing is trimmed or
 * guessed. The ethnic group and address are not carried: the kiosk asks
 * for them if it needs them.
 */
#ifndef PREREG_H
#define PREREG_H

#include <stddef.h>
#include <stdint.h>

#include "person.h"
#include "vb_error.h"

#define PREREG_MAX 512

/*
 * Parses len bytes of text (any bytes, not NUL-terminated). today is the
 * current date. On success fills *out (source PERSON_SOURCE_QR, nation,
 * address, id, registered_by and relationship "") and returns VB_OK;
 * otherwise returns VB_EINVAL, leaves *out untouched and fills *why (may
 * be NULL): "empty", "too_long", "bad_char", "not_prereg", "bad_version",
 * "bad_fields", "bad_type", "bad_percent", "bad_sex", "bad_birth_date", or
 * a code of iddoc_validate() or person_check().
 */
int prereg_parse(const char *text, size_t len, int32_t today, struct person *out,
		 struct vb_reason *why);

/*
 * Writes the version-1 code of *p (its type, number, name, sex, birth date
 * and phone; borrowed) to out as a NUL-terminated string (cap bytes).
 * Returns VB_OK; VB_EINVAL if a field cannot be encoded (unknown type,
 * sex not 1/2, no birth date, an unterminated string, a number or phone
 * holding '|' or non-printable bytes); VB_ERANGE if cap is too small or
 * the code would exceed PREREG_MAX (out then holds "" when cap > 0).
 */
int prereg_format(const struct person *p, char *out, size_t cap);

#endif
