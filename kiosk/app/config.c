/*
 * config: INI parsing (inih) into struct config, with the defaults for the
 * devices REFERENCE.md lists.
 */
#include "config.h"

#include "vb_error.h"
#include "visit.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	struct config c;
	const char *path;
	char *err;
	size_t errcap;
	int cleared_roles; /* bit per role: the file's first match for it replaces the defaults */
	FILE *f;
	int line;	  /* of the line inih is parsing (Debian's inih passes no line number) */
	unsigned doc_set; /* bit per document type given in [identifiers] */
};

static const char *const roles[] = {"idcard", "scanner", "printer", "thermo"};

static void add_match(struct config *c, const char *role, unsigned vid, unsigned pid, int cls,
		      int sub, int proto, int iface)
{
	struct usb_match *m = &c->matches[c->n_matches++];
	memset(m, 0, sizeof(*m));
	snprintf(m->role, sizeof(m->role), "%s", role);
	m->vid = (uint16_t)vid;
	m->pid = (uint16_t)pid;
	m->iface_class = cls;
	m->iface_subclass = sub;
	m->iface_protocol = proto;
	m->iface = iface;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	/* REFERENCE.md: SAM readers seen as 0400:c35a and 0483:5652; scanners
	 * are HID boot keyboards; ESC/POS printers are printer class 7/1/2
	 * (seen as 0416:5011); TEMPer is 0c45:7401, sensor on interface 1. */
	add_match(c, "idcard", 0x0400, 0xc35a, -1, -1, -1, -1);
	add_match(c, "idcard", 0x0483, 0x5652, -1, -1, -1, -1);
	add_match(c, "thermo", 0x0c45, 0x7401, -1, -1, -1, 1);
	add_match(c, "printer", 0x0416, 0x5011, -1, -1, -1, -1);
	add_match(c, "printer", 0, 0, 7, 1, 2, -1);
	add_match(c, "scanner", 0, 0, 3, 1, 1, -1);
	snprintf(c->sim_cards, sizeof(c->sim_cards), "%s/sim/cards.txt", VB_ASSETS_DIR);
	snprintf(c->sim_scans, sizeof(c->sim_scans), "%s/sim/scans.txt", VB_ASSETS_DIR);
	snprintf(c->sim_temps, sizeof(c->sim_temps), "%s/sim/temps.txt", VB_ASSETS_DIR);
	snprintf(c->sim_printer, sizeof(c->sim_printer), "sim-printer");
	c->font_index = 2; /* the font itself is found by fontfind() */
	c->paper_dots = 384;
	c->observation_min = VISIT_OBSERVATION_DEFAULT_MIN;
	c->speech = 1;
	sync_options_defaults(&c->sync);
	snprintf(c->backup_key, sizeof(c->backup_key), "%s", CONFIG_BACKUP_KEY_DEFAULT);
	snprintf(c->data_key, sizeof(c->data_key), "%s", CONFIG_DATA_KEY_DEFAULT);
	c->retention_days = CONFIG_RETENTION_DAYS_DEFAULT;
}

static int fail(struct parse *p, int line, const char *key, const char *why)
{
	if (!p->err[0])
		snprintf(p->err, p->errcap, "%s:%d: %s: %s", p->path, line, key, why);
	return 0; /* inih: stop */
}

/* "0400:c35a" or "class:7/1/2" (a part may be "*"), optional "@iface". */
static int parse_match(struct config *c, const char *role, const char *word)
{
	unsigned vid, pid;
	int cls = -1, sub = -1, proto = -1, iface = -1, n = 0;
	char a[8], b[8], d[8];
	const char *at = strchr(word, '@');
	if (at && (sscanf(at + 1, "%d%n", &iface, &n) != 1 || at[1 + n] || iface < 0 || iface > 31))
		return VB_EINVAL;
	size_t len = at ? (size_t)(at - word) : strlen(word);
	char w[40];
	if (len >= sizeof(w) || c->n_matches >= CONFIG_MAX_MATCHES)
		return VB_EINVAL;
	memcpy(w, word, len);
	w[len] = '\0';
	if (sscanf(w, "%4x:%4x%n", &vid, &pid, &n) == 2 && !w[n] && strlen(w) == 9) {
		add_match(c, role, vid, pid, -1, -1, -1, iface);
		return VB_OK;
	}
	if (sscanf(w, "class:%7[0-9*]/%7[0-9*]/%7[0-9*]%n", a, b, d, &n) == 3 && !w[n]) {
		cls = strcmp(a, "*") ? atoi(a) : -1;
		sub = strcmp(b, "*") ? atoi(b) : -1;
		proto = strcmp(d, "*") ? atoi(d) : -1;
		if (cls > 255 || sub > 255 || proto > 255)
			return VB_EINVAL;
		add_match(c, role, 0, 0, cls, sub, proto, iface);
		return VB_OK;
	}
	return VB_EINVAL;
}

/* Replaces the defaults of a role with the words of value. */
static int set_role(struct parse *p, int role, const char *value, int line, const char *key)
{
	struct config *c = &p->c;
	if (!(p->cleared_roles & (1 << role))) {
		size_t k = 0;
		for (size_t i = 0; i < c->n_matches; i++)
			if (strcmp(c->matches[i].role, roles[role]) != 0)
				c->matches[k++] = c->matches[i];
		c->n_matches = k;
		p->cleared_roles |= 1 << role;
	}
	char buf[256];
	if (strlen(value) >= sizeof(buf))
		return fail(p, line, key, "too long");
	snprintf(buf, sizeof(buf), "%s", value);
	for (char *save, *w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save))
		if (parse_match(c, roles[role], w))
			return fail(p, line, key,
				    "want VID:PID (0400:c35a) or class:C/S/P (class:7/1/2), "
				    "optionally @INTERFACE");
	return 1;
}

static int set_path(struct parse *p, char *dst, const char *value, int line, const char *key)
{
	if (!*value || strlen(value) >= CONFIG_PATH_MAX)
		return fail(p, line, key, "want a path shorter than 256 bytes");
	snprintf(dst, CONFIG_PATH_MAX, "%s", value);
	return 1;
}

/* A text value that fits in cap bytes (with its NUL). */
static int set_text(struct parse *p, char *dst, size_t cap, const char *value, int line,
		    const char *key)
{
	if (strlen(value) >= cap)
		return fail(p, line, key, "too long");
	snprintf(dst, cap, "%s", value);
	return 1;
}

/* An integer in [min, max] times scale into *dst. */
static int set_int(struct parse *p, int *dst, const char *value, long min, long max, int scale,
		   int line, const char *key)
{
	char *end, why[64];
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || *end || end == value || v < min || v > max) {
		snprintf(why, sizeof(why), "want a whole number %ld-%ld", min, max);
		return fail(p, line, key, why);
	}
	*dst = (int)(v * scale);
	return 1;
}

/* [sync]: where and how records go to the platform (sync.h). */
static int sync_key(struct parse *p, const char *key, const char *value, int line)
{
	struct sync_options *o = &p->c.sync;
	if (strcmp(key, "url") == 0) {
		if (*value && strncmp(value, "https://", 8) && strncmp(value, "http://", 7))
			return fail(p, line, key, "want an http:// or https:// URL");
		return set_text(p, o->url, sizeof(o->url), value, line, key);
	}
	if (strcmp(key, "mode") == 0)
		return sync_mode_parse(value, &o->mode)
			   ? fail(p, line, key, "want batch or transaction")
			   : 1;
	if (strcmp(key, "bundle_size") == 0)
		return set_int(p, &o->bundle_size, value, 1, SYNC_BUNDLE_MAX, 1, line, key);
	if (strcmp(key, "timeout_s") == 0)
		return set_int(p, &o->timeout_ms, value, 1, 3600, 1000, line, key);
	if (strcmp(key, "connect_timeout_s") == 0)
		return set_int(p, &o->connect_timeout_ms, value, 1, 600, 1000, line, key);
	if (strcmp(key, "backoff_min_s") == 0)
		return set_int(p, &o->backoff_min_ms, value, 1, 3600, 1000, line, key);
	if (strcmp(key, "backoff_max_s") == 0)
		return set_int(p, &o->backoff_max_ms, value, 1, 86400, 1000, line, key);
	if (strcmp(key, "gzip") == 0) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return fail(p, line, key, "want yes or no");
		o->gzip = strcmp(value, "yes") == 0;
		return 1;
	}
	if (strcmp(key, "auth") == 0)
		return sync_auth_parse(value, &o->auth)
			   ? fail(p, line, key, "want none, bearer or client_credentials")
			   : 1;
	if (strcmp(key, "token") == 0)
		return set_text(p, o->token, sizeof(o->token), value, line, key);
	if (strcmp(key, "token_url") == 0)
		return set_text(p, o->token_url, sizeof(o->token_url), value, line, key);
	if (strcmp(key, "client_id") == 0)
		return set_text(p, o->client_id, sizeof(o->client_id), value, line, key);
	if (strcmp(key, "client_secret") == 0)
		return set_text(p, o->client_secret, sizeof(o->client_secret), value, line, key);
	if (strcmp(key, "ca_file") == 0)
		return set_text(p, o->ca_file, sizeof(o->ca_file), value, line, key);
	if (strcmp(key, "pin") == 0) {
		if (*value && sync_pin_check(value))
			return fail(p, line, key, "want sha256//BASE64 (several: separated by ;)");
		return set_text(p, o->pin, sizeof(o->pin), value, line, key);
	}
	if (strcmp(key, "client_cert") == 0)
		return set_text(p, o->client_cert, sizeof(o->client_cert), value, line, key);
	if (strcmp(key, "client_key") == 0)
		return set_text(p, o->client_key, sizeof(o->client_key), value, line, key);
	return fail(p, line, key, "unknown key in this section");
}

/* [identifiers]: base = the prefix of every system; a document type name
 * = that document's identifier system. */
static int identifiers_key(struct parse *p, const char *key, const char *value, int line)
{
	struct fhir_systems *s = &p->c.sync.systems;
	enum iddoc_type t;
	if (strcmp(key, "base") == 0) {
		struct fhir_systems keep = *s;
		if (fhir_systems_init(s, value))
			return fail(p, line, key, "want a URI ending in / or :");
		/* Document systems set earlier in the file stay. */
		for (int d = IDDOC_TYPE_FIRST; d < IDDOC_TYPE_END; d++)
			if (p->doc_set & (1u << d))
				memcpy(s->doc[d], keep.doc[d], sizeof(s->doc[d]));
		return 1;
	}
	if (iddoc_type_from_name(key, &t))
		return fail(p, line, key,
			    "want base or a document type (cn-resident, passport, ...)");
	if (fhir_systems_set_doc(s, t, value))
		return fail(p, line, key, "want a URI without spaces");
	p->doc_set |= 1u << t;
	return 1;
}

/* inih's line reader, counting lines. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->f);
	if (r)
		p->line++;
	return r;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;
	int line = p->line;
	struct config *c = &p->c;
	if (strcmp(section, "devices") == 0) {
		if (strcmp(key, "mode") == 0) {
			if (strcmp(value, "usb") && strcmp(value, "sim"))
				return fail(p, line, key, "want usb or sim");
			c->sim = strcmp(value, "sim") == 0;
			return 1;
		}
		for (int r = 0; r < 4; r++)
			if (strcmp(key, roles[r]) == 0)
				return set_role(p, r, value, line, key);
	} else if (strcmp(section, "sim") == 0) {
		if (strcmp(key, "cards") == 0)
			return set_path(p, c->sim_cards, value, line, key);
		if (strcmp(key, "scans") == 0)
			return set_path(p, c->sim_scans, value, line, key);
		if (strcmp(key, "temps") == 0)
			return set_path(p, c->sim_temps, value, line, key);
		if (strcmp(key, "printer") == 0)
			return set_path(p, c->sim_printer, value, line, key);
	} else if (strcmp(section, "printer") == 0) {
		if (strcmp(key, "paper_mm") == 0) {
			if (strcmp(value, "58") && strcmp(value, "80"))
				return fail(p, line, key, "want 58 or 80");
			c->paper_dots = strcmp(value, "58") == 0 ? 384 : 576;
			return 1;
		}
	} else if (strcmp(section, "scanner") == 0) {
		if (strcmp(key, "gs_substitute") == 0) {
			if (strlen(value) != 1 || value[0] <= ' ' || value[0] > '~')
				return fail(p, line, key, "want one printable character");
			c->gs_substitute = value[0];
			return 1;
		}
	} else if (strcmp(section, "display") == 0) {
		if (strcmp(key, "font") == 0)
			return set_path(p, c->font, value, line, key);
		if (strcmp(key, "font_index") == 0)
			return set_int(p, &c->font_index, value, 0, 15, 1, line, key);
		if (strcmp(key, "fallback_font") == 0)
			return set_path(p, c->fallback_font, value, line, key);
	} else if (strcmp(section, "kiosk") == 0) {
		if (strcmp(key, "observation_min") == 0)
			return set_int(p, &c->observation_min, value, CONFIG_OBSERVATION_MIN_LO,
				       CONFIG_OBSERVATION_MIN_HI, 1, line, key);
		if (strcmp(key, "speech") == 0) {
			if (strcmp(value, "on") && strcmp(value, "off"))
				return fail(p, line, key, "want on or off");
			c->speech = strcmp(value, "on") == 0;
			return 1;
		}
	} else if (strcmp(section, "security") == 0) {
		if (strcmp(key, "key") == 0)
			return set_path(p, c->data_key, value, line, key);
		if (strcmp(key, "retention_days") == 0)
			return set_int(p, &c->retention_days, value, 1, CONFIG_RETENTION_DAYS_MAX,
				       1, line, key);
	} else if (strcmp(section, "backup") == 0) {
		if (strcmp(key, "key") == 0)
			return set_path(p, c->backup_key, value, line, key);
	} else if (strcmp(section, "sync") == 0) {
		return sync_key(p, key, value, line);
	} else if (strcmp(section, "identifiers") == 0) {
		return identifiers_key(p, key, value, line);
	} else if (strcmp(section, "fridges") == 0) {
		if (c->n_fridges >= CONFIG_MAX_FRIDGES)
			return fail(p, line, key, "too many fridges");
		struct config_fridge *f = &c->fridges[c->n_fridges];
		if (strlen(key) >= sizeof(f->port) || strlen(value) >= sizeof(f->fridge) || !*value)
			return fail(p, line, key,
				    "want PORT = FRIDGE (a port path, 1-15 characters)");
		snprintf(f->port, sizeof(f->port), "%s", key);
		snprintf(f->fridge, sizeof(f->fridge), "%s", value);
		c->n_fridges++;
		return 1;
	}
	return fail(p, line, key, "unknown key in this section");
}

int config_load(const char *path, struct config *out, char *err, size_t errcap)
{
	static struct parse p; /* large; config is loaded once per process */
	int explicit = path != NULL;
	if (!path) {
		path = getenv("VAXBUS_CONF");
		explicit = path && *path;
		if (!explicit)
			path = CONFIG_DEFAULT_PATH;
	}
	memset(&p, 0, sizeof(p));
	config_defaults(&p.c);
	p.path = path;
	p.err = err;
	p.errcap = errcap;
	err[0] = '\0';
	p.f = fopen(path, "r");
	if (!p.f) {
		if (!explicit && errno == ENOENT) {
			*out = p.c;
			return VB_OK;
		}
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return VB_EINVAL;
	}
	int rc = ini_parse_stream(read_line, &p, on_key, &p);
	fclose(p.f);
	if (rc > 0 && !err[0])
		snprintf(err, errcap, "%s:%d: not an INI line (want KEY = VALUE)", path, rc);
	if (rc)
		return VB_EINVAL;
	*out = p.c;
	return VB_OK;
}

const char *config_fridge_of(const struct config *c, const char *port)
{
	for (size_t i = 0; i < c->n_fridges; i++)
		if (strcmp(c->fridges[i].port, port) == 0)
			return c->fridges[i].fridge;
	return port;
}
