/*
 * prereg: parser and encoder of the pre-registration QR payload (format in
 * prereg.h).
 */
#include "prereg.h"

#include <string.h>

#include "vbdate.h"

#define PREREG_FIELDS 7

struct span {
	const char *s;
	size_t len;
};

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the percent-encoded f into out (cap bytes, NUL-terminated). */
static int percent_decode(struct span f, char *out, size_t cap, struct vb_reason *why)
{
	size_t n = 0;
	for (size_t i = 0; i < f.len; i++) {
		unsigned char c = (unsigned char)f.s[i];
		if (c == '%') {
			if (i + 2 >= f.len || hex(f.s[i + 1]) < 0 || hex(f.s[i + 2]) < 0) {
				vb_reason_set(why, "bad_percent",
					      "The name holds a malformed percent escape");
				return VB_EINVAL;
			}
			c = (unsigned char)(hex(f.s[i + 1]) << 4 | hex(f.s[i + 2]));
			i += 2;
			if (c == 0) {
				vb_reason_set(why, "bad_percent", "The name holds an encoded NUL");
				return VB_EINVAL;
			}
		} else if (!unreserved(c)) {
			vb_reason_set(why, "bad_percent",
				      "The name holds a character that must be percent-encoded");
			return VB_EINVAL;
		}
		if (n + 1 >= cap) {
			vb_reason_set(why, "name_too_long", "The name is longer than %zu bytes",
				      cap - 1);
			return VB_EINVAL;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return VB_OK;
}

/* Copies f into out (cap bytes) as a string; VB_ERANGE if it does not fit. */
static int copy_field(struct span f, char *out, size_t cap)
{
	if (f.len >= cap)
		return VB_ERANGE;
	memcpy(out, f.s, f.len);
	out[f.len] = '\0';
	return VB_OK;
}

static int field_is(struct span f, const char *s)
{
	return f.len == strlen(s) && memcmp(f.s, s, f.len) == 0;
}

static int refuse(struct vb_reason *why, const char *code, const char *text)
{
	vb_reason_set(why, code, "%s", text);
	return VB_EINVAL;
}

static int parse_fields(const struct span *f, int32_t today, struct person *q, char *buf,
			size_t cap, struct vb_reason *why)
{
	enum iddoc_type type;
	if (copy_field(f[1], buf, cap) || iddoc_type_from_name(buf, &type))
		return refuse(why, "bad_type", "The document type of the code is not known");
	if (copy_field(f[2], buf, cap))
		return refuse(why, "bad_length", "The document number is too long");
	if (iddoc_validate(type, buf, today, &q->doc, why))
		return VB_EINVAL;
	if (percent_decode(f[3], q->name, sizeof(q->name), why))
		return VB_EINVAL;
	if (field_is(f[4], "1"))
		q->sex = 1;
	else if (field_is(f[4], "2"))
		q->sex = 2;
	else
		return refuse(why, "bad_sex", "The sex must be 1 or 2");
	if (vbdate_parse_compact(f[5].s, (int)(f[5].len > 8 ? 9 : f[5].len), &q->birth))
		return refuse(why, "bad_birth_date", "The birth date must be a real YYYYMMDD date");
	if (copy_field(f[6], q->phone, sizeof(q->phone)))
		return refuse(why, "bad_phone", "The phone is too long");
	q->source = PERSON_SOURCE_QR;
	return person_check(q, today, why);
}

int prereg_parse(const char *text, size_t len, int32_t today, struct person *out,
		 struct vb_reason *why)
{
	struct span f[PREREG_FIELDS];
	size_t nf = 0, start = 0;
	if (len == 0)
		return refuse(why, "empty", "The code is empty");
	if (len > PREREG_MAX)
		return refuse(why, "too_long", "The code is longer than 512 bytes");
	for (size_t i = 0; i < len; i++)
		if (text[i] < 0x21 || text[i] > 0x7E)
			return refuse(why, "bad_char",
				      "The code holds a space, a control or a non-ASCII byte");
	if (len < 5 || memcmp(text, "VBREG", 5) != 0)
		return refuse(why, "not_prereg", "The code is not a pre-registration code");
	const char *bar = memchr(text, '|', len);
	if (!field_is((struct span){text, bar ? (size_t)(bar - text) : len}, "VBREG1"))
		return refuse(why, "bad_version",
			      "The pre-registration code's version is not supported");
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '|')
			continue;
		if (nf == PREREG_FIELDS)
			return refuse(why, "bad_fields", "The code does not have 7 fields");
		f[nf].s = text + start;
		f[nf].len = i - start;
		nf++;
		start = i + 1;
	}
	if (nf != PREREG_FIELDS)
		return refuse(why, "bad_fields", "The code does not have 7 fields");

	struct person q;
	char buf[PREREG_MAX + 1];
	person_init(&q);
	int rc = parse_fields(f, today, &q, buf, sizeof(buf), why);
	if (rc == VB_OK)
		*out = q;
	person_wipe(&q);
	iddoc_wipe(buf, sizeof(buf));
	return rc;
}

/* Appends n bytes of s to out at *at, keeping room for the NUL. */
static int put(char *out, size_t cap, size_t *at, const char *s, size_t n)
{
	if (cap == 0 || n >= cap - *at)
		return VB_ERANGE;
	memcpy(out + *at, s, n);
	*at += n;
	return VB_OK;
}

/* A string field safe to put raw: terminated, printable, no '|'. */
static int plain(const char *s, size_t cap, size_t *len)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7E || s[i] == '|')
			return 0;
	*len = n;
	return 1;
}

int prereg_format(const struct person *p, char *out, size_t cap)
{
	static const char hexdig[] = "0123456789ABCDEF";
	const char *type = iddoc_type_name(p->doc.type);
	size_t at = 0, nlen, plen, namelen = strnlen(p->name, sizeof(p->name));
	char birth[9];
	int rc = VB_OK;
	if (!type || !plain(p->doc.number, sizeof(p->doc.number), &nlen) ||
	    !plain(p->phone, sizeof(p->phone), &plen) || namelen == sizeof(p->name) ||
	    (p->sex != 1 && p->sex != 2) || p->birth == VBDATE_NONE) {
		rc = VB_EINVAL;
		goto out;
	}
	vbdate_format_compact(p->birth, birth);
	if (strlen(birth) != 8) {
		rc = VB_EINVAL;
		goto out;
	}
	if ((rc = put(out, cap, &at, "VBREG1|", 7)) ||
	    (rc = put(out, cap, &at, type, strlen(type))) || (rc = put(out, cap, &at, "|", 1)) ||
	    (rc = put(out, cap, &at, p->doc.number, nlen)) || (rc = put(out, cap, &at, "|", 1)))
		goto out;
	for (size_t i = 0; i < namelen; i++) {
		unsigned char c = (unsigned char)p->name[i];
		char esc[3] = {'%', hexdig[c >> 4], hexdig[c & 15]};
		rc = unreserved(c) ? put(out, cap, &at, (const char *)&p->name[i], 1)
				   : put(out, cap, &at, esc, 3);
		if (rc)
			goto out;
	}
	char sex[3] = {'|', (char)('0' + p->sex), '|'};
	if ((rc = put(out, cap, &at, sex, 3)) || (rc = put(out, cap, &at, birth, 8)) ||
	    (rc = put(out, cap, &at, "|", 1)) || (rc = put(out, cap, &at, p->phone, plen)))
		goto out;
	if (at > PREREG_MAX) {
		rc = VB_ERANGE;
		goto out;
	}
	out[at] = '\0';
out:
	if (rc && cap > 0)
		out[0] = '\0';
	return rc;
}
