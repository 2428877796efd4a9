/*
 * ctl: option parsing, help, output and exit codes shared by every
 * vaxbusctl subcommand, and the lazily opened database and catalog.
 */
#include "ctl.h"

#include "catalog_file.h"
#include "config.h"
#include "datakey.h"
#include "devices.h"
#include "store.h"
#include "store_meta.h"
#include "vbdate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One line of JSON; reals with 6 significant digits (10.2, not 10.19999). */
#define CTL_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(6))

static void print_help(const struct ctl *c, const struct ctl_opt *opts, const char *summary)
{
	printf("usage: vaxbusctl [--db PATH] %s [options]\n\n%s\n\noptions:\n", c->cmd, summary);
	for (const struct ctl_opt *o = opts; o->name; o++) {
		char lhs[48];
		snprintf(lhs, sizeof(lhs), "%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		printf("  %-26s %s%s\n", lhs, o->help, o->required ? " (required)" : "");
	}
	printf("  %-26s %s\n  %-26s %s\n", "--json", "print one JSON object", "--help",
	       "show this help");
}

int ctl_parse(struct ctl *c, int argc, char **argv, struct ctl_opt *opts, const char *summary)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			c->json = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(c, opts, summary);
			return CTL_HELP_SHOWN;
		}
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		struct ctl_opt *o = opts;
		while (o->name && (strlen(o->name) != len || strncmp(o->name, a, len) != 0))
			o++;
		if (!o->name)
			return ctl_usage(c, "unknown option '%s' (see --help)", a);
		if (!o->arg) {
			if (eq)
				return ctl_usage(c, "%s takes no value", o->name);
			o->value = "1";
		} else if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			return ctl_usage(c, "%s needs a value: %s", o->name, o->arg);
		}
	}
	for (const struct ctl_opt *o = opts; o->name; o++)
		if (o->required && !o->value)
			return ctl_usage(c, "%s %s is required", o->name, o->arg ? o->arg : "");
	return CTL_OK;
}

const char *ctl_opt(const struct ctl_opt *opts, const char *name)
{
	for (; opts->name; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts->value;
	return NULL;
}

static void render(json_t *v, int indent);

int ctl_refuse_with(struct ctl *c, const char *field, const struct vb_reason *why, json_t *extra)
{
	const char *code = why && why->code ? why->code : "refused";
	const char *text = why ? why->text : "";
	if (c->json) {
		json_t *o = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", code, "reason", text);
		if (field)
			json_object_set_new(o, "field", json_string(field));
		if (extra)
			json_object_update(o, extra);
		json_dumpf(o, stdout, CTL_JSON_FLAGS);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		fprintf(stderr, "vaxbusctl %s: %s%s%s: %s\n", c->cmd, field ? field : "",
			field ? ": " : "", code, text);
		if (extra)
			render(extra, 0);
	}
	json_decref(extra);
	return CTL_REFUSED;
}

int ctl_refuse(struct ctl *c, const char *field, const struct vb_reason *why)
{
	return ctl_refuse_with(c, field, why, NULL);
}

int ctl_refusef(struct ctl *c, const char *field, const char *code, const char *fmt, ...)
{
	struct vb_reason why = {.code = code};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why.text, sizeof(why.text), fmt, ap);
	va_end(ap);
	return ctl_refuse(c, field, &why);
}

int ctl_usage(struct ctl *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vaxbusctl%s%s: ", c->cmd ? " " : "", c->cmd ? c->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_USAGE;
}

int ctl_storage(struct ctl *c, int rc)
{
	const char *msg = c->st ? store_errmsg(c->st) : "";
	if (c->json) {
		json_t *o = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", "storage", "reason",
				      msg && *msg ? msg : vb_strerror(rc));
		json_dumpf(o, stdout, CTL_JSON_FLAGS);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		fprintf(stderr, "vaxbusctl %s: storage error: %s%s%s\n", c->cmd ? c->cmd : "",
			vb_strerror(rc), msg && *msg ? ": " : "", msg ? msg : "");
	}
	return CTL_STORAGE;
}

static void render(json_t *v, int indent)
{
	const char *key;
	json_t *item;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, item)
		{
			if (strcmp(key, "ok") == 0 && indent == 0)
				continue;
			printf("%*s%s:", indent, "", key);
			if (json_is_object(item) || json_is_array(item)) {
				printf("\n");
				render(item, indent + 2);
			} else {
				printf(" ");
				render(item, 0);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			if (json_is_object(item)) {
				printf("%*s-\n", indent, "");
				render(item, indent + 2);
			} else {
				printf("%*s- ", indent, "");
				render(item, 0);
			}
		}
	} else if (json_is_string(v)) {
		printf("%s\n", json_string_value(v));
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | CTL_JSON_FLAGS);
		printf("%s\n", s ? s : "?");
		free(s);
	}
}

int ctl_emit(struct ctl *c, json_t *obj, const char *text)
{
	json_object_set_new(obj, "ok", json_true());
	if (c->json) {
		json_dumpf(obj, stdout, CTL_JSON_FLAGS);
		fputc('\n', stdout);
	} else if (text) {
		fputs(text, stdout);
	} else {
		render(obj, 0);
	}
	json_decref(obj);
	return CTL_OK;
}

/* Loads the data key before the database opens; `create` makes it when
 * absent. *missing is set when there is none (and none was made). */
static int load_data_key(struct ctl *c, int create, int *missing)
{
	char err[400];
	int rc = ctl_config(c);
	if (rc)
		return rc;
	const char *path = datakey_path(c->cfg);
	int vb = datakey_load(path, err, sizeof(err));
	if (vb == VB_ENOTFOUND && create && !(vb = datakey_create(path, err, sizeof(err))))
		vb = datakey_load(path, err, sizeof(err));
	*missing = vb == VB_ENOTFOUND;
	if (vb && !*missing)
		return ctl_refusef(c, "[security] key", "bad_data_key", "%s", err);
	return CTL_OK;
}

int ctl_store(struct ctl *c, int allow_uninit)
{
	struct vb_reason why = {0};
	int no_key = 0;
	int rc = load_data_key(c, allow_uninit, &no_key);
	if (rc)
		return rc;
	rc = store_open(c->db_path, &c->st, &why);
	if (rc) {
		if (!why.code)
			return ctl_storage(c, rc);
		ctl_refuse(c, "--db", &why);
		return CTL_STORAGE;
	}
	char bus[64];
	rc = store_meta_get(c->st, "bus_id", bus, sizeof(bus));
	if (rc == VB_ENOTFOUND && !allow_uninit)
		return ctl_refusef(c, NULL, "not_initialised",
				   "the database %s is not initialised: run vaxbusctl init first",
				   c->db_path);
	if (rc && rc != VB_ENOTFOUND)
		return ctl_storage(c, rc);
	if (no_key && rc == VB_OK)
		return ctl_refusef(c, "[security] key", "no_data_key",
				   "the data key %s is missing: the personal fields of %s "
				   "cannot be read or written without it",
				   datakey_path(c->cfg), c->db_path);
	char off[16];
	if (store_meta_get(c->st, "utc_offset_min", off, sizeof(off)) == VB_OK)
		c->utc_offset_min = atoi(off);
	c->today = vbdate_from_unix(c->now, c->utc_offset_min);
	return CTL_OK;
}

int ctl_catalog(struct ctl *c)
{
	const char *path = getenv("VAXBUS_CATALOG");
	char err[256];
	if (!path || !*path)
		path = VB_ASSETS_DIR "/vaccines/covid19-cn-2021.json";
	if (catalog_file_load(path, &c->cat, err, sizeof(err)))
		return ctl_refusef(c, "catalog", "bad_catalog", "%s", err);
	return CTL_OK;
}

int ctl_date(struct ctl *c, const char *opt, const char *value, int32_t *out)
{
	if (vbdate_parse(value, out))
		return ctl_refusef(c, opt, "bad_date", "not a real date (want YYYYMMDD)");
	return CTL_OK;
}

int ctl_int(struct ctl *c, const char *opt, const char *value, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < min || v > max)
		return ctl_refusef(c, opt, "bad_number", "want a whole number from %ld to %ld", min,
				   max);
	*out = v;
	return CTL_OK;
}

int ctl_config(struct ctl *c)
{
	char err[300];
	if (c->cfg)
		return CTL_OK;
	c->cfg = malloc(sizeof(*c->cfg));
	if (!c->cfg)
		return ctl_storage(c, VB_ENOMEM);
	if (config_load(NULL, c->cfg, err, sizeof(err))) {
		free(c->cfg);
		c->cfg = NULL;
		return ctl_refusef(c, "config", "bad_config", "%s", err);
	}
	return CTL_OK;
}

int ctl_devices(struct ctl *c)
{
	int rc = ctl_config(c);
	if (rc || c->dev)
		return rc;
	c->dev = calloc(1, sizeof(*c->dev));
	if (!c->dev)
		return ctl_storage(c, VB_ENOMEM);
	int drv = devices_init(c->dev, c->cfg);
	if (drv) {
		free(c->dev);
		c->dev = NULL;
		return ctl_device_error(c, "usb", drv);
	}
	return CTL_OK;
}

int ctl_device_error(struct ctl *c, const char *device, int drv_rc)
{
	static const struct {
		int rc;
		const char *code, *text;
	} map[] = {
	    {DRV_ENOTFOUND, "no_device", "is not attached"},
	    {DRV_ENODEV, "unplugged", "was unplugged"},
	    {DRV_EACCES, "no_permission",
	     "cannot be opened: no permission (is the user in the vaxbus group?)"},
	    {DRV_EBUSY, "device_busy", "is in use by another program"},
	    {DRV_ETIMEOUT, "timeout", "did not answer in time"},
	    {DRV_EPROTO, "protocol_error", "answered something unexpected"},
	    {DRV_ENOTSUP, "not_supported", "is a model vaxbus does not support"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].rc == drv_rc)
			return ctl_refusef(c, device, map[i].code, "the %s %s", device,
					   map[i].text);
	return ctl_refusef(c, device, "device_error", "the %s failed: %s", device,
			   drv_strerror(drv_rc));
}

void ctl_cleanup(struct ctl *c)
{
	if (c->dev)
		devices_cleanup(c->dev);
	free(c->dev);
	c->dev = NULL;
	free(c->cfg);
	c->cfg = NULL;
	catalog_free(c->cat);
	c->cat = NULL;
	store_close(c->st);
	c->st = NULL;
	store_key_clear();
}

int ctl_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}
