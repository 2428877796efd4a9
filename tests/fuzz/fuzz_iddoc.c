/*
 * Fuzz iddoc_validate(): the first byte picks the document type (including
 * values outside the enum), the rest is the raw number. Accepted numbers
 * must be normalised ASCII that validates again to the same result, masks
 * to the same length, and carries a consistent birth date and sex;
 * refusals must leave the output untouched and give a code.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iddoc.h"
#include "person.h"
#include "vbdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char raw[256];
	int32_t today;
	if (size < 1 || size > sizeof(raw))
		return 0;
	vbdate_from_ymd(2021, 6, 1, &today);
	enum iddoc_type type = (enum iddoc_type)(data[0] % (IDDOC_TYPE_END + 1));
	memcpy(raw, data + 1, size - 1);
	raw[size - 1] = '\0';

	struct iddoc doc, sentinel;
	memset(&doc, 0xA7, sizeof(doc));
	sentinel = doc;
	struct vb_reason why = {0};
	int rc = iddoc_validate(type, raw, today, &doc, &why);
	if (rc) {
		CHECK(rc == VB_EINVAL);
		CHECK(why.code != NULL && why.code[0] != '\0');
		CHECK(memchr(why.text, '\0', sizeof(why.text)) != NULL);
		CHECK(memcmp(&doc, &sentinel, sizeof(doc)) == 0);
		return 0;
	}
	/* normalised: terminated, non-empty, uppercase ASCII letters and digits */
	size_t n = strnlen(doc.number, sizeof(doc.number));
	CHECK(n > 0 && n < sizeof(doc.number));
	for (size_t i = 0; i < n; i++)
		CHECK((doc.number[i] >= '0' && doc.number[i] <= '9') ||
		      (doc.number[i] >= 'A' && doc.number[i] <= 'Z'));
	CHECK(doc.country[0] == '\0');
	CHECK(doc.type == type ||
	      (type == IDDOC_CN_RESIDENT &&
	       (doc.type == IDDOC_HK_MO_RESIDENCE || doc.type == IDDOC_TW_RESIDENCE)));
	CHECK(iddoc_type_name(doc.type) != NULL);
	/* birth and sex come together, and never from the future */
	CHECK(doc.sex >= 0 && doc.sex <= 2);
	CHECK((doc.birth == VBDATE_NONE) == (doc.sex == 0));
	CHECK(doc.birth == VBDATE_NONE || doc.birth <= today);
	if (n == 18) {
		CHECK(iddoc_cn_check_char(doc.number) == doc.number[17]);
		CHECK(doc.birth != VBDATE_NONE);
	}

	/* idempotent: the normalised number validates to the same document */
	struct iddoc again;
	CHECK(iddoc_validate(doc.type, doc.number, today, &again, NULL) == VB_OK);
	CHECK(memcmp(&again, &doc, sizeof(doc)) == 0);

	/* masking keeps the length and hides the middle */
	char masked[sizeof(doc.number)];
	CHECK(iddoc_mask(&doc, masked, sizeof(masked)) == VB_OK);
	CHECK(strlen(masked) == n);
	CHECK(n < 5 || strchr(masked, '*') != NULL);
	CHECK(n < 15 || memcmp(masked + 4, "*******", 7) == 0);
	CHECK(iddoc_mask(&doc, masked, n) == VB_ERANGE);

	/* the de-duplication key names the type */
	struct person p;
	char key[64];
	person_init(&p);
	p.doc = doc;
	CHECK(person_dedup_key(&p, key, sizeof(key)) == VB_OK);
	size_t tl = strlen(iddoc_type_name(doc.type));
	CHECK(strncmp(key, iddoc_type_name(doc.type), tl) == 0 && key[tl] == ':');
	return 0;
}
