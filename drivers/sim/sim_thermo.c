/*
 * sim_thermo: a thermo_dev that plays a scripted temperature series (the
 * script format is in sim_thermo.h). The script is parsed once at open;
 * a read looks up the entry in force at the clock's time and decodes it
 * through thermo_proto like a real stick's report.
 */
#include "sim_thermo.h"

#include "thermo_proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES	  255
#define ENTRIES_MAX	  4096
#define SECTIONS_MAX	  64
#define OFFSET_MAX	  (366LL * 24 * 3600) /* a year of script is plenty */
#define VALUE_FRAC_DIGITS 4
#define VALUE_SCALE	  10000 /* values are parsed in 1/10000 °C */

enum entry_kind { ENTRY_VALUES, ENTRY_UNPLUG, ENTRY_SILENT };

struct entry {
	int64_t at;
	enum entry_kind kind;
	int16_t raw[THERMO_SENSOR_MAX];
};

struct sim_thermo {
	struct thermo_dev base;
	sim_thermo_clock_fn clock;
	void *clock_arg;
	struct timespec opened;
	struct entry *e;
	size_t n;
	unsigned n_sensors;
};

/* What one pass over a script collects. */
struct script {
	const char *want; /* the section whose entries to keep (NULL: none) */
	struct entry *e;  /* kept entries (of `want`, or of a file without sections) */
	size_t n, cap;
	unsigned n_sensors;
	int found; /* want's header was seen */
	int has_sections;
	size_t unnamed; /* data lines before any section header */
	char names[SECTIONS_MAX][THERMO_NAME_MAX];
	size_t n_names;
	/* the section being read */
	int in_kept;
	size_t in_count;
	unsigned cols;
	int64_t last_at;
};

static int parse_offset(const char *s, int64_t *out)
{
	int64_t total = 0;
	if (!*s)
		return DRV_EINVAL;
	while (*s) {
		int64_t v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			if (++digits > 9)
				return DRV_EINVAL;
			v = v * 10 + (*s++ - '0');
		}
		if (!digits)
			return DRV_EINVAL;
		if (*s == 'h')
			v *= 3600, s++;
		else if (*s == 'm')
			v *= 60, s++;
		else if (*s == 's')
			s++;
		else if (*s)
			return DRV_EINVAL;
		total += v;
		if (total > OFFSET_MAX)
			return DRV_EINVAL;
	}
	*out = total;
	return DRV_OK;
}

/* "-0.5" -> raw 1/256 °C, rounded half away from zero; "none" -> 0x4E20. */
static int parse_value(const char *s, int16_t *raw)
{
	int neg = 0, digits = 0, frac = 0;
	int64_t v = 0;
	if (strcmp(s, "none") == 0) {
		*raw = (int16_t)THERMO_RAW_NO_SENSOR;
		return DRV_OK;
	}
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9') {
		if (++digits > 4)
			return DRV_EINVAL;
		v = v * 10 + (*s++ - '0');
	}
	if (!digits)
		return DRV_EINVAL;
	v *= VALUE_SCALE;
	if (*s == '.') {
		int64_t unit = VALUE_SCALE;
		s++;
		while (*s >= '0' && *s <= '9') {
			if (++frac > VALUE_FRAC_DIGITS)
				return DRV_EINVAL;
			unit /= 10;
			v += (*s++ - '0') * unit;
		}
		if (!frac)
			return DRV_EINVAL;
	}
	if (*s)
		return DRV_EINVAL;
	int64_t r = (v * 256 + VALUE_SCALE / 2) / VALUE_SCALE;
	if (r > INT16_MAX + (int64_t)neg)
		return DRV_EINVAL; /* beyond what a report can carry */
	*raw = (int16_t)(neg ? -r : r);
	return DRV_OK;
}

static int section_header(struct script *sc, char *line)
{
	size_t len = strlen(line);
	if (len < 3 || line[len - 1] != ']' || len - 2 >= THERMO_NAME_MAX)
		return DRV_EINVAL;
	line[len - 1] = '\0';
	const char *name = line + 1;
	if (strchr(name, ']') || strchr(name, '[') || sc->n_names >= SECTIONS_MAX)
		return DRV_EINVAL;
	for (size_t i = 0; i < sc->n_names; i++)
		if (strcmp(sc->names[i], name) == 0)
			return DRV_EINVAL; /* a fridge scripted twice */
	strcpy(sc->names[sc->n_names++], name);
	sc->has_sections = 1;
	sc->in_kept = sc->want && strcmp(sc->want, name) == 0;
	sc->found |= sc->in_kept;
	sc->in_count = 0;
	sc->cols = 0;
	sc->last_at = 0;
	return DRV_OK;
}

static int data_line(struct script *sc, char *line)
{
	struct entry en = {.kind = ENTRY_VALUES};
	char *save = NULL;
	char *tok = strtok_r(line, " \t", &save);
	unsigned cols = 0;
	int rc = parse_offset(tok, &en.at);
	if (rc)
		return rc;
	if (sc->in_count > 0 && en.at < sc->last_at)
		return DRV_EINVAL;
	tok = strtok_r(NULL, " \t", &save);
	if (!tok)
		return DRV_EINVAL;
	if (strcmp(tok, "unplug") == 0 || strcmp(tok, "silent") == 0) {
		en.kind = tok[0] == 'u' ? ENTRY_UNPLUG : ENTRY_SILENT;
		if (strtok_r(NULL, " \t", &save))
			return DRV_EINVAL;
	} else {
		do {
			if (cols >= THERMO_SENSOR_MAX)
				return DRV_EINVAL;
			rc = parse_value(tok, &en.raw[cols++]);
			if (rc)
				return rc;
		} while ((tok = strtok_r(NULL, " \t", &save)));
	}
	if (en.kind == ENTRY_VALUES) {
		if (sc->cols && cols != sc->cols)
			return DRV_EINVAL;
		sc->cols = cols;
	}
	if (++sc->in_count > ENTRIES_MAX)
		return DRV_EINVAL;
	sc->last_at = en.at;
	if (!sc->has_sections)
		sc->unnamed++;
	if (sc->has_sections ? sc->in_kept : 1) {
		if (sc->n == sc->cap) {
			size_t cap = sc->cap ? 2 * sc->cap : 16;
			struct entry *grown = realloc(sc->e, cap * sizeof(*grown));
			if (!grown)
				return DRV_ENOMEM;
			sc->e = grown;
			sc->cap = cap;
		}
		sc->e[sc->n++] = en;
		if (en.kind == ENTRY_VALUES)
			sc->n_sensors = cols;
	}
	return DRV_OK;
}

static char *trim(char *s)
{
	char *hash = strchr(s, '#');
	if (hash)
		*hash = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len > 0 && strchr(" \t\r\n", s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Parses the whole script at path into *sc (sc->want set by the caller).
 * On error sc->e may hold entries; the caller frees it either way. */
static int parse_script(const char *path, struct script *sc)
{
	char buf[LINE_MAX_BYTES + 2];
	int rc = DRV_OK;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? DRV_ENOTFOUND : DRV_EIO;
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		if (len > LINE_MAX_BYTES && buf[len - 1] != '\n') {
			rc = DRV_EINVAL;
			goto out;
		}
		char *line = trim(buf);
		if (!*line)
			continue;
		rc = line[0] == '[' ? section_header(sc, line) : data_line(sc, line);
		if (rc)
			goto out;
	}
	if (ferror(f)) {
		rc = DRV_EIO;
		goto out;
	}
	if (sc->has_sections && sc->unnamed)
		rc = DRV_EINVAL; /* entries outside any section */
out:
	fclose(f);
	return rc;
}

static int64_t sim_now(struct sim_thermo *s)
{
	struct timespec ts;
	if (s->clock)
		return s->clock(s->clock_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)(ts.tv_sec - s->opened.tv_sec) - (ts.tv_nsec < s->opened.tv_nsec ? 1 : 0);
}

static int sim_read(struct thermo_dev *d, struct thermo_reading *out, size_t cap, size_t *n,
		    int timeout_ms)
{
	struct sim_thermo *s = (struct sim_thermo *)d;
	uint8_t rep[THERMO_REPORT_LEN] = {THERMO_CMD_READ};
	if (cap == 0 || timeout_ms <= 0)
		return DRV_EINVAL;
	int64_t t = sim_now(s);
	/* the last entry at or before t */
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->e[mid].at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return DRV_ETIMEOUT; /* nothing scripted yet */
	const struct entry *en = &s->e[lo - 1];
	if (en->kind == ENTRY_UNPLUG)
		return DRV_ENODEV;
	if (en->kind == ENTRY_SILENT)
		return DRV_ETIMEOUT;
	rep[1] = (uint8_t)(2 * s->n_sensors);
	for (unsigned i = 0; i < s->n_sensors; i++) {
		uint16_t v = (uint16_t)en->raw[i];
		rep[2 + 2 * i] = (uint8_t)(v >> 8);
		rep[3 + 2 * i] = (uint8_t)v;
	}
	return thermo_proto_decode(rep, sizeof(rep), s->n_sensors, out, cap, n);
}

static void sim_free(struct thermo_dev *d)
{
	struct sim_thermo *s = (struct sim_thermo *)d;
	if (!s)
		return;
	free(s->e);
	free(s);
}

static const struct thermo_dev_ops sim_ops = {.read = sim_read, .free = sim_free};

int sim_thermo_open(const char *path, const char *name, sim_thermo_clock_fn clock, void *clock_arg,
		    struct thermo_dev **out)
{
	struct script *sc = NULL;
	struct sim_thermo *s = NULL;
	int rc = DRV_OK;
	if (!path || !name || !*name || strlen(name) >= THERMO_NAME_MAX)
		return DRV_EINVAL;
	sc = calloc(1, sizeof(*sc));
	s = calloc(1, sizeof(*s));
	if (!sc || !s) {
		rc = DRV_ENOMEM;
		goto out;
	}
	sc->want = name;
	rc = parse_script(path, sc);
	if (rc)
		goto out;
	if (sc->has_sections && !sc->found) {
		rc = DRV_ENOTFOUND;
		goto out;
	}
	if (sc->n_sensors == 0) {
		rc = DRV_EINVAL; /* no temperatures at all */
		goto out;
	}
	s->base.ops = &sim_ops;
	snprintf(s->base.name, sizeof(s->base.name), "%s", name);
	s->clock = clock;
	s->clock_arg = clock_arg;
	clock_gettime(CLOCK_MONOTONIC, &s->opened);
	s->e = sc->e;
	s->n = sc->n;
	s->n_sensors = sc->n_sensors;
	sc->e = NULL;
out:
	if (sc)
		free(sc->e);
	free(sc);
	if (rc) {
		free(s);
		return rc;
	}
	*out = &s->base;
	return DRV_OK;
}

int sim_thermo_open_all(const char *path, sim_thermo_clock_fn clock, void *clock_arg,
			struct thermo_dev **out, size_t cap, size_t *n)
{
	struct thermo_dev *opened[SECTIONS_MAX];
	size_t got = 0;
	int rc = DRV_OK;
	struct script *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return DRV_ENOMEM;
	rc = parse_script(path, sc);
	if (!rc && !sc->has_sections)
		rc = DRV_EINVAL;
	for (size_t i = 0; !rc && i < sc->n_names && got < cap; i++) {
		rc = sim_thermo_open(path, sc->names[i], clock, clock_arg, &opened[got]);
		if (!rc)
			got++;
	}
	free(sc->e);
	free(sc);
	if (rc) {
		while (got > 0)
			thermo_dev_free(opened[--got]);
		return rc;
	}
	if (got)
		memcpy(out, opened, got * sizeof(*out));
	*n = got;
	return DRV_OK;
}
