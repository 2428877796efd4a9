/*
 * devices: USB or simulated devices, chosen by the configuration.
 */
#include "devices.h"

#include "idcard_usb.h"
#include "sim_idcard.h"
#include "sim_printer.h"
#include "sim_scanner.h"
#include "sim_thermo.h"
#include "thermo_usb.h"

#include <unistd.h>

#define THERMO_OPEN_TIMEOUT_MS 2000

int devices_init(struct devices *d, const struct config *cfg)
{
	d->cfg = cfg;
	d->usb = NULL;
	if (cfg->sim)
		return DRV_OK;
	return usb_ctx_new(cfg->matches, cfg->n_matches, &d->usb);
}

void devices_cleanup(struct devices *d)
{
	usb_ctx_free(d->usb);
	d->usb = NULL;
}

/* A simulation file that is not there is a device that is not attached. */
static int sim_present(const char *path)
{
	return access(path, R_OK) == 0 ? DRV_OK : DRV_ENOTFOUND;
}

int devices_idcard(struct devices *d, struct idcard_reader **out)
{
	if (!d->usb) {
		int rc = sim_present(d->cfg->sim_cards);
		return rc ? rc : sim_idcard_open(d->cfg->sim_cards, out);
	}
	return idcard_usb_open(d->usb, out);
}

int devices_scanner(struct devices *d, struct scanner_dev **out)
{
	struct scanner_config sc;
	scanner_config_init(&sc);
	sc.gs_substitute = d->cfg->gs_substitute;
	if (!d->usb) {
		int rc = sim_present(d->cfg->sim_scans);
		return rc ? rc : sim_scanner_open(d->cfg->sim_scans, out);
	}
	return scanner_usb_open_with(d->usb, &sc, out);
}

int devices_printer(struct devices *d, struct printer_dev **out)
{
	if (!d->usb)
		return sim_printer_open(d->cfg->sim_printer, d->cfg->paper_dots, out);
	return printer_usb_open(d->usb, out);
}

int devices_thermos(struct devices *d, int64_t (*clock)(void *), void *clock_arg,
		    struct thermo_dev **out, size_t cap, size_t *n)
{
	if (!d->usb) {
		int rc = sim_present(d->cfg->sim_temps);
		return rc ? rc
			  : sim_thermo_open_all(d->cfg->sim_temps, clock, clock_arg, out, cap, n);
	}
	return thermo_usb_open_all(d->usb, "thermo", THERMO_OPEN_TIMEOUT_MS, out, cap, n);
}
