/*
 * config: the bus's configuration file (INI, read with inih).
 *
 * The file is $VAXBUS_CONF, else /etc/vaxbus/vaxbus.conf; a missing file
 * means the built-in defaults, which match the devices REFERENCE.md lists.
 * Every key is documented in packaging/vaxbus.conf. Unknown sections or
 * keys, and malformed values, are refused with "file:line: key: reason".
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "sync.h"
#include "usb.h"

#define CONFIG_DEFAULT_PATH	      "/etc/vaxbus/vaxbus.conf"
#define CONFIG_MAX_MATCHES	      16
#define CONFIG_MAX_FRIDGES	      8
#define CONFIG_PATH_MAX		      256
#define CONFIG_BACKUP_KEY_DEFAULT     "/etc/vaxbus/backup.key"
#define CONFIG_DATA_KEY_DEFAULT	      "/etc/vaxbus/data.key"
#define CONFIG_RETENTION_DAYS_DEFAULT 30 /* [security] retention_days */
#define CONFIG_RETENTION_DAYS_MAX     3650

/* [kiosk] observation_min: its bounds (the default is the core's). */
#define CONFIG_OBSERVATION_MIN_LO 5
#define CONFIG_OBSERVATION_MIN_HI 120

struct config_fridge {
	char port[32];	 /* the thermometer's USB port path, e.g. "1-2.3" */
	char fridge[16]; /* the fridge it sits in, e.g. "fridge-1" */
};

struct config {
	int sim; /* devices: 1 = simulated (demo, tests), 0 = USB */
	struct usb_match matches[CONFIG_MAX_MATCHES];
	size_t n_matches;
	char sim_cards[CONFIG_PATH_MAX];   /* simulated ID cards */
	char sim_scans[CONFIG_PATH_MAX];   /* simulated scans */
	char sim_temps[CONFIG_PATH_MAX];   /* simulated thermometer series */
	char sim_printer[CONFIG_PATH_MAX]; /* where the simulated printer writes */
	int paper_dots;			   /* 384 (58 mm) or 576 (80 mm) */
	char font[CONFIG_PATH_MAX]; /* the CJK font for receipts and the screen; "": fontfind.h */
	int font_index;		    /* face in a .ttc (2: Simplified Chinese) */
	char fallback_font[CONFIG_PATH_MAX]; /* for rare characters; "": fontfind.h */
	char gs_substitute;		     /* what the scanner types for GS, 0 none */
	struct config_fridge fridges[CONFIG_MAX_FRIDGES];
	size_t n_fridges;
	struct sync_options sync; /* [sync] and [identifiers] */
	/* [kiosk] observation_min: minutes under observation after a dose. */
	int observation_min;
	char backup_key[CONFIG_PATH_MAX]; /* [backup] key: the backup key file */
	char data_key[CONFIG_PATH_MAX];	  /* [security] key: the data key file (datakey.h) */
	int retention_days; /* [security] days personal fields stay after the last visit */
	int speech;	    /* [kiosk] speech: spoken prompts on (1, default) or off */
};

/* Fills c with the built-in defaults. */
void config_defaults(struct config *c);

/*
 * Loads path (NULL: $VAXBUS_CONF or CONFIG_DEFAULT_PATH) over the defaults
 * into *out. A missing file is not an error when path is NULL and
 * VAXBUS_CONF is unset. Returns VB_OK, or VB_EINVAL with one line in err
 * (errcap bytes) naming the file, line, key and what is wrong; *out is
 * written only on VB_OK.
 */
int config_load(const char *path, struct config *out, char *err, size_t errcap);

/* The fridge name of a thermometer's port path, or the port path itself
 * when the configuration names none (borrowed). */
const char *config_fridge_of(const struct config *c, const char *port);

#endif
