/*
 * person: the record rules (person_check), the ID-card reader's fields to
 * a person, wiping and the de-duplication key.
 */
#include "person.h"

#include <stdio.h>
#include <string.h>

#include "vbdate.h"

static const char *const relationships[] = {
    "self",	   "spouse",	 "parent",   "child", "sibling",
    "grandparent", "grandchild", "guardian", "other",
};

int person_relationship_valid(const char *rel)
{
	for (size_t i = 0; i < sizeof(relationships) / sizeof(relationships[0]); i++)
		if (strcmp(rel, relationships[i]) == 0)
			return 1;
	return 0;
}

int person_text_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		unsigned c = *u, cp;
		size_t n;
		if (c < 0x80)
			n = 0, cp = c;
		else if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((u[k] & 0xC0) != 0x80)
				return 0; /* also stops at the NUL */
			cp = cp << 6 | (u[k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return 0;
		u += n + 1;
	}
	return 1;
}

/* 1 if the field (cap bytes) holds a NUL. */
static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* A record id: "" or printable ASCII without spaces. */
static int id_valid(const char *s, size_t cap)
{
	if (!terminated(s, cap))
		return 0;
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7F)
			return 0;
	return 1;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int nation_valid(const char *s)
{
	if (s[0] == '\0')
		return 1;
	if (!all_digits(s, 2) || s[2] != '\0')
		return 0;
	int n = (s[0] - '0') * 10 + (s[1] - '0');
	return (n >= 1 && n <= 56) || n == 97 || n == 98;
}

/* Normalises the phone in place (drops spaces and hyphens) and checks it. */
static int phone_valid(char *phone, size_t cap)
{
	char buf[sizeof(((struct person *)0)->phone)];
	size_t n = 0;
	if (!terminated(phone, cap) || cap > sizeof(buf))
		return 0;
	for (const char *s = phone; *s; s++)
		if (*s != ' ' && *s != '-')
			buf[n++] = *s;
	buf[n] = '\0';
	if (n == 0) {
		phone[0] = '\0';
		return 1;
	}
	const char *d = buf[0] == '+' ? buf + 1 : buf;
	size_t dn = n - (size_t)(d - buf);
	if (!all_digits(d, dn))
		return 0;
	if (d == buf) {
		if (dn != 11 || d[0] != '1')
			return 0;
	} else if (dn >= 2 && d[0] == '8' && d[1] == '6') {
		if (dn != 13 || d[2] != '1')
			return 0;
	} else if (dn < 7 || dn > 15 || d[0] == '0') {
		return 0;
	}
	memcpy(phone, buf, n + 1);
	return 1;
}

static int country_valid(const struct iddoc *doc)
{
	size_t n = strnlen(doc->country, sizeof(doc->country));
	if (n == sizeof(doc->country))
		return 0;
	if (n == 0)
		return 1;
	if (doc->type != IDDOC_PASSPORT)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (doc->country[i] < 'A' || doc->country[i] > 'Z')
			return 0;
	return 1;
}

static int refuse(struct vb_reason *why, const char *code, const char *text)
{
	vb_reason_set(why, code, "%s", text);
	return VB_EINVAL;
}

static int check_doc(struct person *q, int32_t today, struct vb_reason *why)
{
	struct iddoc doc;
	if (!terminated(q->doc.number, sizeof(q->doc.number)))
		return refuse(why, "bad_length", "The document number is too long");
	if (iddoc_validate(q->doc.type, q->doc.number, today, &doc, why))
		return VB_EINVAL;
	if (!country_valid(&q->doc))
		return refuse(why, "bad_country",
			      "The issuing state must be 1 to 3 letters, and only on a passport");
	memcpy(doc.country, q->doc.country, sizeof(doc.country));
	if (q->doc.type == IDDOC_PASSPORT && q->source == PERSON_SOURCE_MRZ) {
		/* a scanned passport's birth date and sex come from its MRZ */
		doc.birth = q->doc.birth;
		doc.sex = q->doc.sex;
		if (doc.sex < 0 || doc.sex > 2)
			return refuse(why, "bad_sex",
				      "The sex read from the passport is not valid");
	}
	q->doc = doc;
	return VB_OK;
}

static int check_name(const char *name, size_t cap, struct vb_reason *why)
{
	size_t n = strnlen(name, cap);
	if (n == cap || n > 127)
		return refuse(why, "name_too_long", "The name is longer than 127 bytes");
	if (n == 0)
		return refuse(why, "name_empty", "The name is empty");
	if (!person_text_valid(name))
		return refuse(why, "name_bad_char",
			      "The name is not valid UTF-8 or holds a control character");
	return VB_OK;
}

static int check_birth(const struct person *q, int32_t today, struct vb_reason *why)
{
	int32_t lo, hi;
	vbdate_from_ymd(1800, 1, 1, &lo);
	vbdate_from_ymd(9999, 12, 31, &hi);
	if (q->birth == VBDATE_NONE || q->birth < lo || q->birth > hi)
		return refuse(why, "bad_birth_date",
			      "The birth date is missing or not a real date");
	if (today < lo || today > hi)
		return refuse(why, "bad_today", "Today's date is out of range");
	if (q->birth > today)
		return refuse(why, "future_birth_date", "The birth date is in the future");
	if (q->birth < vbdate_add_months(today, -12 * PERSON_MAX_AGE))
		return refuse(why, "too_old", "The birth date is more than 130 years ago");
	if (q->doc.birth != VBDATE_NONE && q->doc.birth != q->birth)
		return refuse(why, "birth_mismatch",
			      "The birth date differs from the one the document number encodes");
	return VB_OK;
}

static int check_proxy(const struct person *q, struct vb_reason *why)
{
	if (!id_valid(q->id, sizeof(q->id)))
		return refuse(why, "bad_id", "The record id is malformed");
	if (!id_valid(q->registered_by, sizeof(q->registered_by)))
		return refuse(why, "bad_id", "The proxy's record id is malformed");
	if (!terminated(q->relationship, sizeof(q->relationship)))
		return refuse(why, "proxy_relationship", "The relationship is not one of the list");
	if (q->registered_by[0] == '\0') {
		if (q->relationship[0] != '\0' && strcmp(q->relationship, "self") != 0)
			return refuse(
			    why, "proxy_relationship",
			    "A relationship is given but no proxy registered this person");
		return VB_OK;
	}
	if (!person_relationship_valid(q->relationship) || strcmp(q->relationship, "self") == 0)
		return refuse(
		    why, "proxy_relationship",
		    "A person registered by a proxy needs their relationship to the proxy");
	if (q->id[0] != '\0' && strcmp(q->id, q->registered_by) == 0)
		return refuse(why, "proxy_self", "A person cannot be their own proxy");
	return VB_OK;
}

static int check_all(struct person *q, int32_t today, struct vb_reason *why)
{
	if (q->source < PERSON_SOURCE_CARD || q->source > PERSON_SOURCE_MRZ)
		return refuse(why, "bad_source", "The capture source is not known");
	if (check_doc(q, today, why) || check_name(q->name, sizeof(q->name), why))
		return VB_EINVAL;
	if (q->sex != 1 && q->sex != 2)
		return refuse(why, "bad_sex", "The sex must be male (1) or female (2)");
	if (q->doc.sex != 0 && q->doc.sex != q->sex)
		return refuse(why, "sex_mismatch",
			      "The sex differs from the one the document number encodes");
	if (check_birth(q, today, why))
		return VB_EINVAL;
	if (!terminated(q->nation, sizeof(q->nation)) || !nation_valid(q->nation))
		return refuse(why, "bad_nation",
			      "The ethnic group must be a GB 3304 code (01-56, 97, 98)");
	if (!terminated(q->address, sizeof(q->address)) || !person_text_valid(q->address))
		return refuse(
		    why, "bad_address",
		    "The address is too long, not valid UTF-8 or holds a control character");
	if (!phone_valid(q->phone, sizeof(q->phone)))
		return refuse(
		    why, "bad_phone",
		    "The phone must be a mainland mobile (11 digits) or + and 7 to 15 digits");
	return check_proxy(q, why);
}

int person_check(struct person *p, int32_t today, struct vb_reason *why)
{
	struct person q = *p;
	int rc = check_all(&q, today, why);
	if (rc == VB_OK)
		*p = q;
	person_wipe(&q);
	return rc;
}

void person_init(struct person *p)
{
	memset(p, 0, sizeof(*p));
	p->birth = VBDATE_NONE;
	p->doc.birth = VBDATE_NONE;
}

void person_wipe(struct person *p)
{
	iddoc_wipe(p, p ? sizeof(*p) : 0);
}

/* Copies s without the leading and trailing ASCII and ideographic (U+3000)
 * spaces into out (cap bytes). Returns VB_OK or VB_ERANGE. */
static int trim_copy(const char *s, char *out, size_t cap)
{
	size_t len = strlen(s);
	for (;;) {
		if (len > 0 && (s[0] == ' ' || s[0] == '\t'))
			s++, len--;
		else if (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3, len -= 3;
		else
			break;
	}
	for (;;) {
		if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	if (len >= cap)
		return VB_ERANGE;
	memcpy(out, s, len);
	out[len] = '\0';
	return VB_OK;
}

static int card_fields(struct person *q, char buf[256], const char *name, const char *sex,
		       const char *nation, const char *birth, const char *address,
		       const char *id_number, int32_t today, struct vb_reason *why)
{
	if (!name || !sex || !nation || !birth || !address || !id_number)
		return refuse(why, "empty", "A field of the card is missing");
	q->source = PERSON_SOURCE_CARD;
	if (trim_copy(name, q->name, sizeof(q->name)))
		return refuse(why, "name_too_long", "The name is longer than 127 bytes");
	if (trim_copy(sex, buf, 256))
		return refuse(why, "bad_sex", "The sex must be 1 or 2");
	if (strcmp(buf, "1") == 0 || strcmp(buf, "\xE7\x94\xB7") == 0) /* 男 */
		q->sex = 1;
	else if (strcmp(buf, "2") == 0 || strcmp(buf, "\xE5\xA5\xB3") == 0) /* 女 */
		q->sex = 2;
	else
		return refuse(why, "bad_sex", "The sex must be 1 or 2");
	if (trim_copy(nation, q->nation, sizeof(q->nation)))
		return refuse(why, "bad_nation", "The ethnic group must be a two-digit code");
	if (trim_copy(birth, buf, 256) || vbdate_parse_compact(buf, (int)strlen(buf), &q->birth))
		return refuse(why, "bad_birth_date", "The birth date must be a real YYYYMMDD date");
	if (trim_copy(address, q->address, sizeof(q->address)))
		return refuse(why, "bad_address", "The address is longer than 255 bytes");
	if (trim_copy(id_number, buf, 256))
		return refuse(why, "bad_length", "The document number is too long");
	enum iddoc_type type = buf[0] == '9' ? IDDOC_FOREIGN_PR : IDDOC_CN_RESIDENT;
	if (iddoc_validate(type, buf, today, &q->doc, why))
		return VB_EINVAL;
	return person_check(q, today, why);
}

int person_from_card(struct person *out, const char *name, const char *sex, const char *nation,
		     const char *birth_yyyymmdd, const char *address, const char *id_number,
		     int32_t today, struct vb_reason *why)
{
	struct person q;
	char buf[256];
	person_init(&q);
	int rc =
	    card_fields(&q, buf, name, sex, nation, birth_yyyymmdd, address, id_number, today, why);
	if (rc == VB_OK)
		*out = q;
	person_wipe(&q);
	iddoc_wipe(buf, sizeof(buf));
	return rc;
}

int person_dedup_key(const struct person *p, char *out, size_t cap)
{
	const struct iddoc *d = &p->doc;
	const char *type = iddoc_type_name(d->type);
	size_t n = strnlen(d->number, sizeof(d->number));
	if (!type || n == 0 || n == sizeof(d->number) ||
	    strnlen(d->country, sizeof(d->country)) == sizeof(d->country))
		return VB_EINVAL;
	if (d->type == IDDOC_HK_MO_PERMIT && n > 9)
		n = 9;
	else if (d->type == IDDOC_TW_PERMIT && n > 8)
		n = 8;
	int w;
	if (d->type == IDDOC_PASSPORT && d->country[0])
		w = snprintf(out, cap, "%s:%s:%.*s", type, d->country, (int)n, d->number);
	else
		w = snprintf(out, cap, "%s:%.*s", type, (int)n, d->number);
	if (w < 0 || (size_t)w >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return VB_ERANGE;
	}
	return VB_OK;
}
