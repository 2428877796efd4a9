/*
 * Fuzz prereg_parse(): an accepted code must give a person that passes
 * person_check() unchanged, formats back to a code of at most PREREG_MAX
 * bytes, and parses again to the same person.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "person.h"
#include "prereg.h"
#include "vbdate.h"

static int same(const struct person *a, const struct person *b)
{
	return a->doc.type == b->doc.type && strcmp(a->doc.number, b->doc.number) == 0 &&
	       a->doc.birth == b->doc.birth && a->doc.sex == b->doc.sex &&
	       strcmp(a->name, b->name) == 0 && a->sex == b->sex && a->birth == b->birth &&
	       strcmp(a->phone, b->phone) == 0 && a->source == b->source &&
	       strcmp(a->nation, b->nation) == 0 && strcmp(a->address, b->address) == 0 &&
	       strcmp(a->registered_by, b->registered_by) == 0 &&
	       strcmp(a->relationship, b->relationship) == 0 && strcmp(a->id, b->id) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int32_t today;
	vbdate_from_ymd(2021, 6, 1, &today);
	struct person p, sentinel;
	memset(&p, 0x19, sizeof(p));
	sentinel = p;
	struct vb_reason why = {0};
	int rc = prereg_parse((const char *)data, size, today, &p, &why);
	if (rc) {
		CHECK(rc == VB_EINVAL);
		CHECK(why.code != NULL);
		CHECK(memchr(why.text, '\0', sizeof(why.text)) != NULL);
		CHECK(memcmp(&p, &sentinel, sizeof(p)) == 0);
		return 0;
	}
	CHECK(size <= PREREG_MAX);
	CHECK(p.source == PERSON_SOURCE_QR);
	CHECK(strnlen(p.name, sizeof(p.name)) < sizeof(p.name) && p.name[0] != '\0');
	CHECK(person_text_valid(p.name));
	struct person checked = p;
	CHECK(person_check(&checked, today, NULL) == VB_OK);
	CHECK(same(&checked, &p));

	char code[PREREG_MAX + 1];
	CHECK(prereg_format(&p, code, sizeof(code)) == VB_OK);
	size_t n = strlen(code);
	CHECK(n <= PREREG_MAX);
	struct person q;
	CHECK(prereg_parse(code, n, today, &q, NULL) == VB_OK);
	CHECK(same(&p, &q));
	/* the canonical form is a fixed point */
	char code2[PREREG_MAX + 1];
	CHECK(prereg_format(&q, code2, sizeof(code2)) == VB_OK);
	CHECK(strcmp(code, code2) == 0);
	person_wipe(&p);
	person_wipe(&q);
	return 0;
}
