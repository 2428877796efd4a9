/*
 * ui_strings.c: the string tables (assets/strings/<lang>.tsv). Each file
 * is read whole, unescaped in place and indexed by a sorted array, so a
 * lookup is a binary search and allocates nothing. Format: "key<TAB>text"
 * lines; blank lines and lines starting with '#' are skipped; in a text
 * "\n" is a line break, "\t" a tab and "\\" a backslash.
 */
#include "ui_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const table_names[UI_LANG_COUNT] = {[UI_ZH] = "zh_CN.tsv", [UI_EN] = "en.tsv"};

static int fail(char *why, size_t whycap, const char *name, int line, const char *what)
{
	if (why && whycap) {
		if (line > 0)
			snprintf(why, whycap, "%s:%d: %s", name, line, what);
		else
			snprintf(why, whycap, "%s: %s", name, what);
	}
	return -1;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			if (cap >= UI_STRINGS_MAX_BYTES) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - 1 - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	fclose(f);
	if (!buf)
		return -1;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Unescapes s in place; NULL, or what is wrong. */
static const char *unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (r[1]) {
		case 'n':
			*w++ = '\n';
			break;
		case 't':
			*w++ = '\t';
			break;
		case '\\':
			*w++ = '\\';
			break;
		default:
			return "unknown escape (use \\n, \\t or \\\\)";
		}
		r++;
	}
	*w = '\0';
	return NULL;
}

static int valid_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '.' || *k == '_' || *k == '-'))
			return 0;
	return 1;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct ui_string *)a)->key, ((const struct ui_string *)b)->key);
}

static int load_table(struct ui_table *t, const char *dir, const char *name, char *why,
		      size_t whycap)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return fail(why, whycap, name, 0, "path too long");
	size_t len;
	if (read_file(path, &t->buf, &len) != 0)
		return fail(why, whycap, path, 0, strerror(errno));
	t->name = name;
	char *p = t->buf;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	size_t lines = 1;
	for (const char *c = p; *c; c++)
		lines += *c == '\n';
	t->e = calloc(lines, sizeof(*t->e));
	if (!t->e)
		return fail(why, whycap, name, 0, "out of memory");
	int line = 0;
	while (*p) {
		line++;
		char *end = strchr(p, '\n');
		char *next = end ? end + 1 : p + strlen(p);
		if (end)
			*end = '\0';
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[--l] = '\0';
		if (l && p[0] != '#') {
			char *tab = strchr(p, '\t');
			if (!tab)
				return fail(why, whycap, name, line, "no TAB between key and text");
			*tab = '\0';
			if (!valid_key(p))
				return fail(why, whycap, name, line,
					    "bad key (letters, digits, '.', '_', '-')");
			const char *bad = unescape(tab + 1);
			if (bad)
				return fail(why, whycap, name, line, bad);
			t->e[t->n++] = (struct ui_string){p, tab + 1, line};
		}
		p = next;
	}
	qsort(t->e, t->n, sizeof(*t->e), by_key);
	for (size_t i = 1; i < t->n; i++)
		if (strcmp(t->e[i - 1].key, t->e[i].key) == 0) {
			int l1 = t->e[i - 1].line, l2 = t->e[i].line;
			char what[200];
			snprintf(what, sizeof(what), "key %s again (first on line %d)", t->e[i].key,
				 l1 < l2 ? l1 : l2);
			return fail(why, whycap, name, l1 < l2 ? l2 : l1, what);
		}
	return 0;
}

int ui_strings_load(struct ui *u, const char *dir, char *why, size_t whycap)
{
	for (int l = 0; l < UI_LANG_COUNT; l++)
		if (load_table(&u->strings[l], dir, table_names[l], why, whycap) != 0)
			return -1;
	return 0;
}

void ui_strings_free(struct ui *u)
{
	for (int l = 0; l < UI_LANG_COUNT; l++) {
		free(u->strings[l].e);
		free(u->strings[l].buf);
		u->strings[l] = (struct ui_table){0};
	}
}

static const struct ui_string *lookup(const struct ui_table *t, const char *key)
{
	if (!key || !t->n)
		return NULL;
	struct ui_string k = {key, NULL, 0};
	return bsearch(&k, t->e, t->n, sizeof(*t->e), by_key);
}

const char *ui_str_find(const struct ui *u, enum ui_lang lang, const char *key)
{
	if ((unsigned)lang >= UI_LANG_COUNT)
		return NULL;
	const struct ui_string *s = lookup(&u->strings[lang], key);
	return s ? s->text : NULL;
}

const char *ui_str_lang(const struct ui *u, enum ui_lang lang, const char *key)
{
	const char *t = ui_str_find(u, lang, key);
	return t ? t : key ? key : "";
}

const char *ui_str(const struct ui *u, const char *key)
{
	return ui_str_lang(u, u->lang, key);
}

/* The first "{name}" of a text from s on: its start and length, or NULL. */
static const char *placeholder(const char *s, size_t *len)
{
	for (const char *o = strchr(s, '{'); o; o = strchr(o + 1, '{')) {
		const char *c = o + 1;
		while ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')
			c++;
		if (*c == '}' && c > o + 1) {
			*len = (size_t)(c + 1 - o);
			return o;
		}
	}
	return NULL;
}

/* Whether text contains the placeholder p (len bytes). */
static int has(const char *text, const char *p, size_t len)
{
	for (const char *f = strstr(text, "{"); f; f = strstr(f + 1, "{"))
		if (strncmp(f, p, len) == 0)
			return 1;
	return 0;
}

/* Every placeholder of a's entry is in b's; 0 or -1 with why. */
static int same_placeholders(const struct ui_table *ta, const struct ui_string *a,
			     const struct ui_table *tb, const struct ui_string *b, char *why,
			     size_t whycap)
{
	size_t len;
	for (const char *p = placeholder(a->text, &len); p; p = placeholder(p + len, &len))
		if (!has(b->text, p, len)) {
			if (why && whycap)
				snprintf(why, whycap, "%s:%d: %s has %.*s, missing from %s:%d",
					 ta->name, a->line, a->key, (int)len, p, tb->name, b->line);
			return -1;
		}
	return 0;
}

int ui_strings_check(const struct ui *u, char *why, size_t whycap)
{
	for (int l = 0; l < UI_LANG_COUNT; l++) {
		const struct ui_table *t = &u->strings[l];
		for (size_t i = 0; i < t->n; i++)
			if (!t->e[i].text[0]) {
				char what[160];
				snprintf(what, sizeof(what), "%s has empty text", t->e[i].key);
				return fail(why, whycap, t->name, t->e[i].line, what);
			}
	}
	/* Both tables are sorted: walk them side by side. */
	const struct ui_table *a = &u->strings[UI_ZH], *b = &u->strings[UI_EN];
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->e[i].key, b->e[j].key);
		if (c != 0) {
			const struct ui_table *has_it = c < 0 ? a : b, *lacks = c < 0 ? b : a;
			const struct ui_string *e = c < 0 ? &a->e[i] : &b->e[j];
			char what[200];
			snprintf(what, sizeof(what), "%s (%s:%d) is missing", e->key, has_it->name,
				 e->line);
			return fail(why, whycap, lacks->name, 0, what);
		}
		if (same_placeholders(a, &a->e[i], b, &b->e[j], why, whycap) != 0 ||
		    same_placeholders(b, &b->e[j], a, &a->e[i], why, whycap) != 0)
			return -1;
		i++;
		j++;
	}
	return 0;
}
