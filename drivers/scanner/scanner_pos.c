/*
 * scanner_pos: HID POS scanned-data reports to scans (the layout and its
 * sources are in scanner_pos.h).
 */
#include "scanner_pos.h"

#include <string.h>

void scanner_pos_init(struct scanner_pos *p, const struct scanner_config *cfg)
{
	memset(p, 0, sizeof(*p));
	scanner_asm_init(&p->a, cfg->gap_ms);
	p->aim_prefix = cfg->aim_prefix;
}

void scanner_pos_cleanup(struct scanner_pos *p)
{
	scanner_asm_cleanup(&p->a);
	drv_wipe(p, sizeof(*p));
}

int scanner_pos_tick(struct scanner_pos *p, int64_t now_ms)
{
	return scanner_asm_tick(&p->a, now_ms);
}

void scanner_pos_reset(struct scanner_pos *p)
{
	scanner_asm_reset(&p->a);
	p->aim[0] = '\0';
}

void scanner_pos_discard(struct scanner_pos *p, int64_t now_ms)
{
	scanner_asm_discard(&p->a, now_ms);
	p->aim[0] = '\0';
}

const char *scanner_pos_aim(const struct scanner_pos *p)
{
	return p->ready_aim;
}

/* The AIM identifier at rep[2..4] when it has the form "]" + two
 * printable characters, else "". */
static void read_aim(const uint8_t *rep, char aim[4])
{
	aim[0] = '\0';
	if (rep[2] != ']' || rep[3] < 0x21 || rep[3] > 0x7E || rep[4] < 0x21 || rep[4] > 0x7E)
		return;
	aim[0] = ']';
	aim[1] = (char)rep[3];
	aim[2] = (char)rep[4];
	aim[3] = '\0';
}

int scanner_pos_feed(struct scanner_pos *p, const uint8_t *rep, size_t len, int64_t now_ms)
{
	int ev = scanner_asm_tick(&p->a, now_ms);
	if (len >= 1 && rep[0] != SCANNER_POS_REPORT_ID) {
		p->a.stats.ignored++;
		return ev;
	}
	if (len != SCANNER_POS_REPORT || rep[1] > SCANNER_POS_DATA_MAX) {
		p->a.stats.bad++;
		scanner_pos_discard(p, now_ms);
		return ev | SCANNER_EV_BAD;
	}
	if (!scanner_asm_busy(&p->a, NULL)) {
		read_aim(rep, p->aim);
		for (const char *c = p->aim_prefix ? p->aim : ""; *c; c++)
			ev |= scanner_asm_put(&p->a, (uint8_t)*c, now_ms);
	}
	scanner_asm_touch(&p->a, now_ms);
	for (size_t i = 0; i < rep[1]; i++)
		ev |= scanner_asm_put(&p->a, rep[5 + i], now_ms);
	if (rep[SCANNER_POS_REPORT - 1] & SCANNER_POS_MORE)
		return ev;
	int end = scanner_asm_end(&p->a);
	if (end & SCANNER_EV_SCAN)
		memcpy(p->ready_aim, p->aim, sizeof(p->ready_aim));
	p->aim[0] = '\0';
	return ev | end;
}
