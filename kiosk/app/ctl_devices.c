/*
 * ctl_devices: `devices`, `idcard read`, `scan`, `temp read` and `watch` —
 * the bus's USB devices (or their simulations) from the command line.
 *
 * `idcard read --json`, `scan --json` and `temp read --json` print exactly
 * the documented shapes (an object with the card's keys, {"text": ...},
 * an array of {"device", "celsius"}), for scripts.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "config.h"
#include "devices.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_S 10

/* --timeout S into milliseconds (default 10 s). */
static int timeout_ms(struct ctl *c, const struct ctl_opt *opts, int *ms)
{
	long s = DEFAULT_TIMEOUT_S;
	int rc = CTL_OK;
	if (ctl_opt(opts, "--timeout"))
		rc = ctl_int(c, "--timeout", ctl_opt(opts, "--timeout"), 1, 3600, &s);
	*ms = (int)s * 1000;
	return rc;
}

/* Prints a JSON value as it is (no "ok" member added). */
static int print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(v);
	return CTL_OK;
}

static void vid_pid(const struct usb_device_info *i, char out[10])
{
	snprintf(out, 10, "%04x:%04x", i->vid, i->pid);
}

int ctl_cmd_devices(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Lists the bus's devices that are attached now: role, VID:PID, USB\n"
			   "bus/address and port path (the name [fridges] uses), and whether\n"
			   "a program has it open.");
	if (rc || (rc = ctl_devices(c)))
		return rc;
	json_t *list = json_array();
	if (c->cfg->sim) {
		const char *files[][2] = {{"idcard", c->cfg->sim_cards},
					  {"scanner", c->cfg->sim_scans},
					  {"printer", c->cfg->sim_printer},
					  {"thermo", c->cfg->sim_temps}};
		for (size_t i = 0; i < 4; i++)
			json_array_append_new(
			    list,
			    json_pack("{s:s, s:s, s:s}", "role", files[i][0], "simulated",
				      files[i][1], "state",
				      access(files[i][1], F_OK) == 0 ? "attached" : "missing"));
		return ctl_emit(c, json_pack("{s:s, s:o}", "mode", "sim", "devices", list), NULL);
	}
	struct usb_device_info info[32];
	size_t n = 0;
	int drv = usb_ctx_list(c->dev->usb, info, 32, &n);
	if (drv) {
		json_decref(list);
		return ctl_device_error(c, "usb", drv);
	}
	for (size_t i = 0; i < n; i++) {
		char vp[10];
		vid_pid(&info[i], vp);
		json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s}", "role",
						      info[i].role, "id", vp, "bus", info[i].bus,
						      "address", info[i].address, "port",
						      info[i].port_path, "state",
						      info[i].open ? "open" : "attached"));
	}
	if (c->json)
		return ctl_emit(c, json_pack("{s:s, s:o}", "mode", "usb", "devices", list), NULL);
	printf("%-8s %-9s %4s %4s  %-10s %s\n", "role", "id", "bus", "addr", "port", "state");
	for (size_t i = 0; i < n; i++) {
		char vp[10];
		vid_pid(&info[i], vp);
		printf("%-8s %-9s %4d %4d  %-10s %s\n", info[i].role, vp, info[i].bus,
		       info[i].address, info[i].port_path, info[i].open ? "open" : "attached");
	}
	if (!n)
		printf("no vaxbus device is attached\n");
	json_decref(list);
	return CTL_OK;
}

int ctl_cmd_idcard_read(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--timeout", "S", "seconds to wait for a card (default 10)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Reads the resident ID card placed on the reader. The photo is never\n"
			   "kept; the card's data is wiped from memory once printed.");
	int ms;
	if (rc || (rc = timeout_ms(c, opts, &ms)) || (rc = ctl_devices(c)))
		return rc;
	struct idcard_reader *r = NULL;
	struct idcard_card card;
	int drv = devices_idcard(c->dev, &r);
	if (drv)
		return ctl_device_error(c, "idcard", drv);
	drv = idcard_reader_read(r, &card, ms);
	if (drv) {
		const struct idcard_status *st = idcard_reader_status(r);
		enum idcard_why why = st ? st->why : IDCARD_WHY_IO;
		idcard_reader_free(r);
		if (why == IDCARD_WHY_NO_CARD)
			return ctl_refusef(c, "idcard", "no_card",
					   "no card on the reader within %d s", ms / 1000);
		if (why == IDCARD_WHY_REMOVED)
			return ctl_refusef(c, "idcard", "card_removed",
					   "the card was taken away before it was read: place it "
					   "again");
		if (why == IDCARD_WHY_BUSY)
			return ctl_refusef(c, "idcard", "reader_busy", "the reader is busy");
		return ctl_device_error(c, "idcard", drv);
	}
	idcard_reader_free(r);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", card.name,
			      "sex", card.sex, "nation", card.nation, "birth", card.birth,
			      "address", card.address, "id", card.id, "authority", card.authority,
			      "valid_from", card.valid_from, "valid_to", card.valid_to);
	idcard_card_wipe(&card);
	if (c->json)
		return print_json(o);
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) printf("%-10s %s\n", key, json_string_value(v));
	json_decref(o);
	return CTL_OK;
}

int ctl_cmd_scan(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--timeout", "S", "seconds to wait for a scan (default 10)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Waits for one scan from the barcode scanner and prints it (GS\n"
			   "separators of GS1 codes as the character 0x1D).");
	int ms;
	if (rc || (rc = timeout_ms(c, opts, &ms)) || (rc = ctl_devices(c)))
		return rc;
	struct scanner_dev *s = NULL;
	char text[SCANNER_SCAN_MAX + 1];
	size_t len = 0;
	int drv = devices_scanner(c->dev, &s);
	if (drv)
		return ctl_device_error(c, "scanner", drv);
	drv = s->ops->read(s, text, sizeof(text), &len, ms);
	s->ops->free(s);
	if (drv == DRV_ETIMEOUT)
		return ctl_refusef(c, "scanner", "no_scan", "nothing was scanned within %d s",
				   ms / 1000);
	if (drv == SCANNER_EPARTIAL || drv == SCANNER_EOVERFLOW)
		return ctl_refusef(c, "scanner",
				   drv == SCANNER_EPARTIAL ? "partial_scan" : "scan_too_long",
				   "%s: scan again", scanner_strerror(drv));
	if (drv)
		return ctl_device_error(c, "scanner", drv);
	if (c->json)
		return print_json(json_pack("{s:s%}", "text", text, len));
	fwrite(text, 1, len, stdout);
	fputc('\n', stdout);
	return CTL_OK;
}

int ctl_cmd_temp_read(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {{NULL, NULL, NULL, 0, NULL}};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Reads every fridge thermometer once. Each sensor is named by the\n"
			   "thermometer's port path (an external probe adds /N); [fridges] in\n"
			   "the configuration says which fridge that is.");
	if (rc || (rc = ctl_devices(c)))
		return rc;
	struct thermo_dev *t[DEVICES_THERMO_MAX];
	size_t n = 0;
	int drv = devices_thermos(c->dev, NULL, NULL, t, DEVICES_THERMO_MAX, &n);
	if (drv)
		return ctl_device_error(c, "thermo", drv);
	if (!n)
		return ctl_device_error(c, "thermo", DRV_ENOTFOUND);
	json_t *list = json_array();
	int failed = DRV_OK;
	for (size_t i = 0; i < n; i++) {
		struct thermo_reading r[THERMO_SENSOR_MAX];
		size_t nr = 0;
		drv = t[i]->ops->read(t[i], r, THERMO_SENSOR_MAX, &nr, 3000);
		for (size_t k = 0; !drv && k < nr; k++) {
			char name[THERMO_NAME_MAX + 8];
			if (r[k].status)
				continue;
			snprintf(name, sizeof(name), r[k].sensor ? "%s/%u" : "%s", t[i]->name,
				 r[k].sensor);
			json_array_append_new(list, json_pack("{s:s, s:f}", "device", name,
							      "celsius", r[k].centi_c / 100.0));
			if (!c->json)
				printf("%-16s %-10s %6.2f °C\n", name,
				       config_fridge_of(c->cfg, t[i]->name), r[k].centi_c / 100.0);
		}
		if (drv && !failed)
			failed = drv;
		t[i]->ops->free(t[i]);
	}
	if (!json_array_size(list)) {
		json_decref(list);
		return ctl_device_error(c, "thermo", failed ? failed : DRV_ENOTFOUND);
	}
	if (c->json)
		return print_json(list);
	json_decref(list);
	return CTL_OK;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_event(const char *event, const struct usb_device_info *i)
{
	char vp[10];
	vid_pid(i, vp);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "event", event, "role", i->role, "id", vp,
			      "port", i->port_path);
	print_json(o);
	fflush(stdout);
}

static void on_usb(void *arg, int arrived, const struct usb_device_info *info)
{
	(void)arg;
	print_event(arrived ? "arrived" : "removed", info);
}

int ctl_cmd_watch(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--seconds", "N", "stop after N seconds (default: until Ctrl-C)", 0, NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Prints one JSON line per device event: the devices present at the\n"
			   "start, then each arrival and removal, until Ctrl-C.");
	long seconds = 0;
	if (rc || (ctl_opt(opts, "--seconds") &&
		   (rc = ctl_int(c, "--seconds", ctl_opt(opts, "--seconds"), 1, 86400, &seconds))))
		return rc;
	if ((rc = ctl_devices(c)))
		return rc;
	if (!c->dev->usb)
		return ctl_refusef(c, "devices", "simulated",
				   "simulated devices are always present: nothing to watch");
	struct usb_device_info info[32];
	size_t n = 0;
	int drv = usb_ctx_watch(c->dev->usb, on_usb, NULL);
	if (!drv)
		drv = usb_ctx_list(c->dev->usb, info, 32, &n);
	if (drv)
		return ctl_device_error(c, "usb", drv);
	for (size_t i = 0; i < n; i++)
		print_event("present", &info[i]);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	struct timespec start, now, tick = {0, 100 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!stop) {
		nanosleep(&tick, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (seconds && now.tv_sec - start.tv_sec >= seconds)
			break;
	}
	usb_ctx_watch(c->dev->usb, NULL, NULL);
	return CTL_OK;
}
