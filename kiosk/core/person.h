/*
 * person: a resident registered on the bus, the rules every record must
 * meet before it is saved, and building one from an ID-card reader's
 * fields.
 *
 * A struct person is caller-owned plain data (no pointers). It holds
 * personal data: wipe it with person_wipe() before its memory is reused or
 * freed. Reasons name the field and what is wrong, never its value.
 */
#ifndef PERSON_H
#define PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "iddoc.h"
#include "vb_error.h"

/* How the identity was captured. */
enum person_source {
	PERSON_SOURCE_CARD = 1, /* read from the card by the SAM reader */
	PERSON_SOURCE_QR,	/* a pre-registration QR code (prereg.h) */
	PERSON_SOURCE_TYPED,	/* typed on the keypad */
	PERSON_SOURCE_MRZ,	/* a passport's machine-readable zone */
};

/* Oldest accepted age in years. */
#define PERSON_MAX_AGE 130

struct person {
	char id[37];	   /* record id made on the bus, filled by the store; "" before */
	struct iddoc doc;  /* the identity document */
	char name[128];	   /* UTF-8, at most 127 bytes */
	int sex;	   /* 1 male, 2 female */
	int32_t birth;	   /* vbdate day number */
	char nation[3];	   /* ethnic group, two-digit GB 3304 code, or "" */
	char address[256]; /* UTF-8, may be "" */
	char phone[24];	   /* "" or a mainland mobile or +international number */
	enum person_source source;
	char registered_by[37]; /* person id of the proxy who registered this one, "" if self */
	char relationship[24];	/* to the proxy: see person_relationship_valid(); "" if self */
};

/*
 * Checks every field of *p (today is the current date) and normalises in
 * place what has one normal form: the document number (through
 * iddoc_validate(), keeping p->doc.country; p->doc.type becomes the type
 * the number shows, e.g. a residence permit; a passport's doc.birth and
 * doc.sex are kept when source is PERSON_SOURCE_MRZ and cleared otherwise)
 * and the phone (spaces and hyphens dropped). Returns VB_OK, or VB_EINVAL
 * with *why filled (may be NULL) and *p untouched. Codes: the iddoc ones, "bad_country",
 * "name_empty", "name_too_long", "name_bad_char", "bad_sex",
 * "bad_birth_date", "future_birth_date", "too_old", "birth_mismatch",
 * "sex_mismatch", "bad_nation", "bad_address", "bad_phone", "bad_source",
 * "bad_id", "bad_today", "proxy_relationship", "proxy_self".
 *
 * name: non-empty valid UTF-8 without control characters, at most 127
 * bytes. birth: a real date, not after today, not more than
 * PERSON_MAX_AGE years before it; it must equal the date a number encodes
 * (cn-resident, residence permits, foreign-pr, passport MRZ), and so must
 * sex. phone: "", 11 digits starting with 1 (mainland mobile), or '+'
 * then 7 to 15 digits (for +86 the mainland mobile form). relationship:
 * required exactly when registered_by is set, and never "self" then; a
 * person cannot be their own proxy.
 */
int person_check(struct person *p, int32_t today, struct vb_reason *why);

/*
 * Builds a person from the text fields an ID-card reader returns (UTF-8
 * strings, borrowed, each possibly padded with ASCII or ideographic
 * spaces, which are trimmed): name, sex "1"/"2" (or "男"/"女"), nation
 * (two digits), birth "YYYYMMDD", address and id_number. The document type
 * follows from the number: a number starting with 9 is a foreign-pr card,
 * otherwise cn-resident (or the residence permit it shows). source is
 * PERSON_SOURCE_CARD; id, registered_by and relationship are "". Returns
 * VB_OK with *out filled and checked by person_check(), or VB_EINVAL with
 * *why filled (fields too long for the struct: "name_too_long",
 * "bad_address", "bad_nation", "bad_length") and *out untouched.
 */
int person_from_card(struct person *out, const char *name, const char *sex, const char *nation,
		     const char *birth_yyyymmdd, const char *address, const char *id_number,
		     int32_t today, struct vb_reason *why);

/* Empties *p: every string "", numbers 0, birth dates VBDATE_NONE. */
void person_init(struct person *p);

/* Zeroes *p in a way the compiler keeps (sets source 0, birth 0). Accepts NULL. */
void person_wipe(struct person *p);

/*
 * Writes the de-duplication key of p's document to out (cap bytes):
 * "<type-name>:<number>". For the travel permits the number is the
 * holder's lifetime number (hk-mo-permit: the letter and first 8 digits;
 * tw-permit: the first 8 digits), which stays the same across renewals;
 * for a passport with a known issuing state the state comes first
 * ("passport:CHN:E12345678"). The store looks a person up by this key
 * before creating one. Returns VB_OK, VB_EINVAL for an unknown type or an
 * empty or unterminated number, or VB_ERANGE if cap is too small (out then
 * holds "" when cap > 0).
 */
int person_dedup_key(const struct person *p, char *out, size_t cap);

/* 1 if rel is one of "self", "spouse", "parent", "child", "sibling",
 * "grandparent", "grandchild", "guardian", "other"; else 0. */
int person_relationship_valid(const char *rel);

/* 1 if the NUL-terminated s is valid UTF-8 (shortest forms, no surrogates)
 * without C0/C1 control characters or DEL; else 0. */
int person_text_valid(const char *s);

#endif
