/*
 * visits: the benchmarks' synthetic tour (visits.h), written through the
 * same repository and station calls as vaxbusctl person add and vaxbusctl
 * vaccinate (kiosk/app/ctl_person.c, ctl_dose.c).
 */
#include "visits.h"

#include <stdio.h>
#include <string.h>

#include "iddoc.h"
#include "station.h"
#include "stock.h"
#include "store_lot.h"
#include "store_meta.h"
#include "store_person.h"
#include "store_visit.h"
#include "vb_error.h"
#include "vbdate.h"

#define PRODUCT	    "bbibp-corv"
#define LOT_NUMBER  "202106B117"
#define GTIN	    "06970000000017"
#define STAFF	    "staff-017"
#define BIRTH_DAYS  23000 /* births from 1940-01-01: the youngest is 18 on the first day */
#define N_REGIONS   8
#define ID_STEP	    1000003u /* prime: coprime with VISITS_ID_SPACE (2^6 5^6 23) */
#define ID_OFFSET   7919u
#define SECONDS_GAP 110 /* between two residents */
#define DOSE_AFTER  300 /* from registration to the dose */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(VISITS_ID_SPACE == (uint64_t)N_REGIONS * BIRTH_DAYS * 1000,
	       "VISITS_ID_SPACE is regions x birth dates x sequence numbers");

/* County codes of rural western and southern provinces, with the address
 * a card of that county prints before the village. */
static const struct {
	const char *code, *address;
} regions[N_REGIONS] = {
    {"520423", "贵州省安顺市镇宁布依族苗族自治县"},
    {"522732", "贵州省黔南布依族苗族自治州三都水族自治县"},
    {"533325", "云南省怒江傈僳族自治州兰坪白族普米族自治县"},
    {"622923", "甘肃省临夏回族自治州永靖县"},
    {"513332", "四川省甘孜藏族自治州石渠县"},
    {"450332", "广西壮族自治区桂林市恭城瑶族自治县"},
    {"431228", "湖南省怀化市芷江侗族自治县"},
    {"360735", "江西省赣州市石城县"},
};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈",   "杨", "黄", "赵",
				       "吴", "周", "徐", "孙", "马",   "朱", "胡", "郭",
				       "何", "罗", "高", "林", "欧阳", "龙", "石", "潘"};
static const char *const given[] = {
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "兰", "霞", "平", "刚", "桂", "华", "建", "玉", "春", "梅", "文", "林", "德"};
static const char *const villages[] = {"大寨村", "新田村", "河坝村", "松林村",
				       "坪上村", "石门村", "龙井村", "高坡村"};
static const char *const nations[] = {"01", "01", "01", "01", "06", "08", "09", "12", "13"};

int32_t visits_first_day(void)
{
	int32_t d = 0;
	vbdate_from_ymd(2021, 6, 15, &d);
	return d;
}

static int32_t birth_first(void)
{
	int32_t d = 0;
	vbdate_from_ymd(1940, 1, 1, &d);
	return d;
}

/* Index i is mapped by x = (i * ID_STEP + ID_OFFSET) mod VISITS_ID_SPACE,
 * a permutation, to a region, a birth date and a sequence number, so every
 * i gives its own valid number and neighbours differ in all three. */
int visits_resident(uint64_t i, struct person *p, char *why, size_t whycap)
{
	uint64_t x = (i * ID_STEP + ID_OFFSET) % VISITS_ID_SPACE;
	unsigned seq = (unsigned)(x % 1000);
	uint64_t rest = x / 1000;
	unsigned region = (unsigned)(rest / BIRTH_DAYS);
	int32_t birth = birth_first() + (int32_t)(rest % BIRTH_DAYS);
	int y, m, d;
	char digits[32]; /* 17 used: room for what the format could print */
	struct vb_reason reason = {0};

	person_init(p);
	vbdate_to_ymd(birth, &y, &m, &d);
	snprintf(digits, sizeof(digits), "%.6s%04d%02d%02d%03u", regions[region].code, y, m, d,
		 seq);
	p->doc.type = IDDOC_CN_RESIDENT;
	snprintf(p->doc.number, sizeof(p->doc.number), "%.17s%c", digits,
		 iddoc_cn_check_char(digits));
	p->birth = birth;
	p->sex = seq % 2 ? 1 : 2;
	snprintf(p->name, sizeof(p->name), "%s%s%s", surnames[x % COUNT(surnames)],
		 given[(x / 7) % COUNT(given)], x % 3 ? given[(x / 11) % COUNT(given)] : "");
	snprintf(p->nation, sizeof(p->nation), "%s", nations[(x / 13) % COUNT(nations)]);
	snprintf(p->address, sizeof(p->address), "%s%s%u组%u号", regions[region].address,
		 villages[(x / 17) % COUNT(villages)], (unsigned)(x / 19 % 12 + 1),
		 (unsigned)(x / 23 % 80 + 1));
	if (x % 5)
		snprintf(p->phone, sizeof(p->phone), "13%09u", (unsigned)(x % 1000000000u));
	p->source = PERSON_SOURCE_CARD;
	if (person_check(p, visits_first_day(), &reason)) {
		snprintf(why, whycap, "resident %llu: %s", (unsigned long long)i, reason.text);
		person_wipe(p);
		return VB_EINVAL;
	}
	return VB_OK;
}

int visits_setup(struct store *st, const struct catalog *cat, int visits)
{
	int32_t day = visits_first_day();
	const struct catalog_product *prod = catalog_find(cat, PRODUCT);
	struct stock_lot lot = {.product = PRODUCT,
				.lot = LOT_NUMBER,
				.gtin = GTIN,
				.expiry = day + 365,
				.doses_per_vial = prod ? prod->doses_per_vial : 1,
				.vials = visits + 100,
				.fridge = "fridge-1"};
	int64_t t0 = vbdate_to_unix(day) - VISITS_UTC_OFFSET_S + 8 * 3600;
	int rc;
	if ((rc = store_meta_init_identity(st, "bus-gz-017", "site-zhenning-03")) ||
	    (rc = store_begin(st)) || (rc = store_lot_add(st, &lot, "staff", t0)) ||
	    (rc = store_commit(st)))
		return rc;
	return VB_OK;
}

/* The kiosk: look the card's number up, register the resident. *p is
 * filled (to be wiped) whatever is returned. */
static int register_resident(struct store *st, uint64_t i, int64_t now, struct person *p, char *why,
			     size_t whycap)
{
	struct person known;
	int rc = visits_resident(i, p, why, whycap);
	if (rc)
		return rc;
	rc = store_person_find_doc(st, p->doc.type, p->doc.number, &known);
	if (rc == VB_OK)
		person_wipe(&known);
	if (rc != VB_ENOTFOUND) {
		snprintf(why, whycap, "registration: look-up");
		return rc ? rc : VB_EEXIST;
	}
	if ((rc = store_begin(st)) || (rc = store_person_add(st, p, "kiosk", now)) ||
	    (rc = store_commit(st))) {
		store_rollback(st);
		snprintf(why, whycap, "registration");
		return rc;
	}
	return VB_OK;
}

/* The station, as vaxbusctl vaccinate: decide, check the scanned box code,
 * and record the dose in one transaction (station.h). */
static int vaccinate(struct store *st, const struct catalog *cat, const struct person *p,
		     int32_t day, int64_t now, char *why, size_t whycap)
{
	struct station_case k;
	struct station_dose in = {STAFF, now % 2 ? "left-deltoid" : "right-deltoid"};
	struct store_visit v;
	struct store_dose dose;
	struct vb_reason reason = {0};
	char code[64], expiry[9], vial[STORE_ID_LEN + 1];
	size_t li;
	memset(&k, 0, sizeof(k));
	int rc = station_case_open(st, cat, p->id, day, &k);
	if (rc) {
		snprintf(why, whycap, "%s", k.decision.why.code ? k.decision.why.code : "case");
	} else {
		vbdate_format_compact(k.stock->lots[0].expiry, expiry);
		snprintf(code, sizeof(code), "01%s17%.6s10%s", GTIN, expiry + 2, LOT_NUMBER);
		if ((rc = station_box_check(&k, code, strlen(code), 0, day, now, &li, &reason)) ||
		    (rc = station_vaccinate(st, cat, &k, li, &in, day, now, &v, &dose, vial,
					    &reason)))
			snprintf(why, whycap, "%s", reason.code ? reason.code : "dose");
	}
	station_case_cleanup(&k);
	return rc;
}

int visits_write(struct store *st, const struct catalog *cat, int visits, char *why, size_t whycap)
{
	int rc = VB_OK;
	for (int i = 0; i < visits && !rc; i++) {
		int32_t day = visits_first_day() + i / VISITS_PER_DAY;
		/* 08:30 local, one resident every SECONDS_GAP; the dose DOSE_AFTER later */
		int64_t now = vbdate_to_unix(day) - VISITS_UTC_OFFSET_S + 8 * 3600 + 1800 +
			      (int64_t)(i % VISITS_PER_DAY) * SECONDS_GAP;
		struct person p;
		rc = register_resident(st, (uint64_t)i, now, &p, why, whycap);
		if (!rc)
			rc = vaccinate(st, cat, &p, day, now + DOSE_AFTER, why, whycap);
		person_wipe(&p);
	}
	return rc;
}
