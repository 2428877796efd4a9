/*
 * sim_idcard: the simulated ID card reader (file format in sim_idcard.h).
 * Each card is passed through idcard_text's encoder and decoder at load
 * time, so it reaches the app exactly as the real driver would hand it.
 */
#include "sim_idcard.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idcard_text.h"

enum sim_kind { SIM_CARD, SIM_NOCARD, SIM_REMOVED, SIM_BUSY };

struct sim_entry {
	enum sim_kind kind;
	struct idcard_card card;
};

struct sim_idcard {
	struct idcard_reader base;
	struct sim_entry *entries;
	size_t n, cap, next;
};

static const struct {
	const char *key;
	size_t member, cap;
} keys[] = {
#define KEY(m)                                                                                     \
	{                                                                                          \
#m, offsetof(struct idcard_card, m), sizeof(((struct idcard_card *)0)->m)          \
	}
    KEY(name), KEY(sex),       KEY(nation),	KEY(birth),    KEY(address),
    KEY(id),   KEY(authority), KEY(valid_from), KEY(valid_to),
#undef KEY
};

static const struct {
	const char *word;
	enum sim_kind kind;
} words[] = {{"nocard", SIM_NOCARD}, {"removed", SIM_REMOVED}, {"busy", SIM_BUSY}};

static int sim_read(struct idcard_reader *r, struct idcard_card *out, int timeout_ms)
{
	struct sim_idcard *s = (struct sim_idcard *)r;
	(void)timeout_ms;
	if (s->n == 0) {
		r->status.why = IDCARD_WHY_NO_CARD;
		return DRV_ENOTFOUND;
	}
	const struct sim_entry *e = &s->entries[s->next];
	s->next = (s->next + 1) % s->n;
	switch (e->kind) {
	case SIM_CARD:
		*out = e->card;
		return DRV_OK;
	case SIM_NOCARD:
		r->status.why = IDCARD_WHY_NO_CARD;
		r->status.step = IDCARD_STEP_FIND;
		return DRV_ENOTFOUND;
	case SIM_REMOVED:
		r->status.why = IDCARD_WHY_REMOVED;
		r->status.step = IDCARD_STEP_READ;
		return DRV_EIO;
	case SIM_BUSY:
		r->status.why = IDCARD_WHY_BUSY;
		r->status.step = IDCARD_STEP_SAM;
		return DRV_EBUSY;
	}
	return DRV_EIO;
}

static void sim_free(struct idcard_reader *r)
{
	struct sim_idcard *s = (struct sim_idcard *)r;
	if (s->entries) {
		drv_wipe(s->entries, s->cap * sizeof(*s->entries));
		free(s->entries);
	}
	free(s);
}

static const struct idcard_reader_ops sim_ops = {sim_read, sim_free};

/* Builder state while reading the file. */
struct sim_load {
	struct sim_entry cur;
	unsigned seen; /* bit per key set in cur */
	int open;      /* an entry has started */
	int word;      /* cur is a word entry */
	uint8_t text[IDCARD_TEXT_LEN];
};

/* Ends the current entry: a card goes through the encoder and decoder. */
static int finish_entry(struct sim_idcard *s, struct sim_load *ld)
{
	int rc = DRV_OK;
	if (!ld->open)
		return DRV_OK;
	if (s->n == SIM_IDCARD_ENTRY_MAX)
		return DRV_EINVAL;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct sim_entry *e = calloc(cap, sizeof(*e));
		if (!e)
			return DRV_ENOMEM;
		if (s->n) {
			memcpy(e, s->entries, s->n * sizeof(*e));
			drv_wipe(s->entries, s->cap * sizeof(*e));
		}
		free(s->entries);
		s->entries = e;
		s->cap = cap;
	}
	struct sim_entry *dst = &s->entries[s->n];
	dst->kind = ld->cur.kind;
	if (ld->cur.kind == SIM_CARD) {
		rc = idcard_text_encode(&ld->cur.card, ld->text);
		if (!rc)
			rc = idcard_text_decode(ld->text, sizeof(ld->text), &dst->card);
		if (rc)
			rc = DRV_EINVAL;
	}
	if (!rc)
		s->n++;
	drv_wipe(ld, sizeof(*ld));
	return rc;
}

static int add_line(struct sim_load *ld, char *line)
{
	size_t n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (ld->word)
		return DRV_EINVAL; /* a word entry is one line */
	char *eq = strchr(line, '=');
	if (!eq) {
		if (ld->open)
			return DRV_EINVAL;
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(line, words[i].word) == 0) {
				ld->open = ld->word = 1;
				ld->cur.kind = words[i].kind;
				return DRV_OK;
			}
		return DRV_EINVAL;
	}
	*eq = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(line, keys[i].key) != 0)
			continue;
		if (ld->seen & 1u << i)
			return DRV_EINVAL;
		size_t vn = strlen(eq + 1);
		if (vn + 1 > keys[i].cap)
			return DRV_EINVAL;
		memcpy((char *)&ld->cur.card + keys[i].member, eq + 1, vn + 1);
		ld->seen |= 1u << i;
		ld->open = 1;
		ld->cur.kind = SIM_CARD;
		return DRV_OK;
	}
	return DRV_EINVAL;
}

static int load(struct sim_idcard *s, FILE *f)
{
	char line[SIM_IDCARD_LINE_MAX + 1];
	struct sim_load ld;
	int rc = DRV_OK;
	memset(&ld, 0, sizeof(ld));
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		if (n == SIM_IDCARD_LINE_MAX && line[n - 1] != '\n') {
			int c = fgetc(f);
			if (c != EOF) {
				rc = DRV_EINVAL; /* longer than a line may be */
				goto out;
			}
		}
		if (line[0] == '#')
			continue;
		if (strspn(line, " \t\r\n") == n) {
			rc = finish_entry(s, &ld);
		} else {
			rc = add_line(&ld, line);
		}
		if (rc)
			goto out;
	}
	if (ferror(f)) {
		rc = DRV_EIO;
		goto out;
	}
	rc = finish_entry(s, &ld);
out:
	drv_wipe(line, sizeof(line));
	drv_wipe(&ld, sizeof(ld));
	return rc;
}

int sim_idcard_open(const char *path, struct idcard_reader **out)
{
	struct sim_idcard *s = NULL;
	FILE *f = NULL;
	char fbuf[4096]; /* stdio's buffer, wiped after */
	int rc = DRV_OK;
	if (!path || !out)
		return DRV_EINVAL;
	f = fopen(path, "r");
	if (!f) {
		rc = errno == ENOENT ? DRV_ENOTFOUND : errno == EACCES ? DRV_EACCES : DRV_EIO;
		goto out;
	}
	setvbuf(f, fbuf, _IOFBF, sizeof(fbuf));
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = DRV_ENOMEM;
		goto out;
	}
	s->base.ops = &sim_ops;
	rc = load(s, f);
	if (rc)
		goto out;
	*out = &s->base;
	s = NULL;
out:
	if (s)
		sim_free(&s->base);
	if (f) {
		fclose(f);
		drv_wipe(fbuf, sizeof(fbuf));
	}
	return rc;
}
