/*
 * kiosk: vaxbus-kiosk's state and its screens.
 *
 * One struct kiosk per process, on the main thread: the toolkit, the
 * database, the catalog, the configuration, and the resident in front of
 * the screen. A screen is a const vtable; it renders the state and turns
 * taps (widget ids) into steps of the workflow, which the app carries out
 * through the same station and store calls as vaxbusctl, so both write the
 * same records.
 *
 * Input reaches a screen as a widget id (a touch, or `tap ID` in a
 * script), a card (the reader, or `card FILE`), a stroke on a signature
 * pad (the finger's path, or `draw X,Y ...`), or a scanned text (the
 * scanner, or `scan TEXT`). After KIOSK_IDLE_RESIDENT_S without input on a
 * resident screen the kiosk goes back to welcome and wipes the resident's
 * data from memory.
 *
 * Staff (kiosk_staff.c) sign in from welcome's footer: their id picked
 * from a list (skipped when there is one), then their PIN; their
 * screens (pin, queue, vcard) are "resident" screens too, so the same
 * inactivity return locks them. Calling the next ticket opens its
 * vaccination card (kiosk_vcard.c), where the box scan and the body site
 * lead to the recorded dose; then the observation board (kiosk_observe.c),
 * "today" and "devices" (kiosk_day.c, kiosk_status.c).
 *
 * Besides the main thread: the print worker (kiosk_print.c), the card
 * reader and scanner threads (kiosk_devices.c; the demo's panel stands in
 * for them, kiosk_demo.c), the sync thread (kiosk_sync.c), the speech
 * worker (ui_speech.c) and the staff PIN's check (kiosk_pin_check.c).
 * They post SDL events; only the main thread touches the screen and k.
 * Opening and closing all of it: kiosk_open.c.
 */
#ifndef KIOSK_H
#define KIOSK_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "config.h"
#include "idcard.h"
#include "person.h"
#include "schedule.h"
#include "store_id.h"
#include "store_visit.h"
#include "ui.h"
#include "ui_speech.h"
#include "visit.h"

/* Inactivity before a screen returns to welcome: a resident's screens
 * (their data is wiped), and the staff's (locked again). */
#define KIOSK_IDLE_RESIDENT_S 90
#define KIOSK_IDLE_STAFF_S    120

struct kiosk;

struct kiosk_screen {
	const char *id; /* "welcome", "identify", ... (scripts `expect` it) */
	int idle_s;	/* seconds without input before welcome (and the wipe); 0 never */
	void (*enter)(struct kiosk *k);
	void (*tap)(struct kiosk *k, const char *id);
	void (*draw)(struct kiosk *k);
};

/* The longest box code a scan may hold. */
#define KIOSK_SCAN_MAX 128

/* The resident being served (wiped on every return to welcome). */
struct kiosk_resident {
	struct person person; /* as read or typed; id set once saved */
	int found;	      /* already registered before today */
	char typed[24];	      /* the number being typed on the keypad */
	struct schedule_decision decision;
	int due;			  /* a dose is due today */
	char error[48];			  /* string key of the error shown, "" none */
	struct visit_screening screening; /* the answers so far */
	int question;			  /* the screening page shown (visit_questions[]) */
	unsigned ask_staff;		  /* bits (1u << question): a doctor sees them first */
	char deferral[32];		  /* why the visit was deferred (deferred screen) */
	int consent_page;		  /* the page of the consent text shown */
	struct store_visit visit;	  /* made at consent: the queue ticket */
	char job[STORE_ID_LEN + 1];	  /* the ticket's print job */
	/* The vaccination card (vcard, kiosk_vcard.c) of the visit called. */
	char code[KIOSK_SCAN_MAX + 1]; /* the box code scanned last */
	int scan;		       /* 0 none, 1 passed the box check, -1 refused */
	char scan_why[48];	       /* string key of the refusal, "" none */
	char lot[21];		       /* the lot that passed the box check */
	const char *site;	       /* "left-deltoid", "right-deltoid", NULL none */
	int assessed;		       /* the staff confirmed a doctor's assessment */
	char observe_until[8];	       /* "HH:MM" once the dose is recorded */
	/* Other documents, the phone and the family member
	 * (kiosk_identify_more.c, kiosk_family.c). */
	enum iddoc_type doc_type;	 /* the document chosen on doc_type */
	char phone[24];			 /* the phone number being typed */
	char proxy_id[STORE_ID_LEN + 1]; /* registers a family member; "" none */
	char proxy_name[128];		 /* the proxy's name, for confirm */
	char relationship[24];		 /* the family member to the proxy */
};

/* Staff sign-in and the queue (kiosk_staff.c); kept out of res. The
 * wrong PINs and lockouts are kept in the database (store_staff.h). */
#define KIOSK_STAFF_ID_MAX 64
#define KIOSK_PIN_MAX	   8
#define KIOSK_PIN_MIN	   4
struct kiosk_pin_check;
struct kiosk_staff {
	char pin[KIOSK_PIN_MAX + 1];  /* typed so far, wiped after each try */
	char who[KIOSK_STAFF_ID_MAX]; /* picked on the staff list: the PIN is theirs */
	char id[KIOSK_STAFF_ID_MAX];  /* signed in; "" none */
	int64_t locked_until;	      /* who's lock, UTC seconds; 0 none */
	char error[48];		      /* string key of the message shown, "" none */
	char serving[8];	      /* the ticket last called, "" none */
	/* The PIN being checked on its worker (kiosk_pin_check.h); NULL none. */
	struct kiosk_pin_check *check;
};

struct kiosk_print;

/* The staff's day screen and device status (kiosk_day.c, kiosk_status.c). */
enum kiosk_day_tab { KIOSK_DAY_STOCK, KIOSK_DAY_FRIDGES, KIOSK_DAY_REPORT, KIOSK_DAY_SYNC };
enum kiosk_dev {
	KIOSK_DEV_IDCARD,
	KIOSK_DEV_SCANNER,
	KIOSK_DEV_PRINTER,
	KIOSK_DEV_THERMO,
	KIOSK_DEV_COUNT
};
struct kiosk_ops {
	enum kiosk_day_tab tab;
	char job[STORE_ID_LEN + 1];	  /* the last job printed from these screens, "" none */
	const char *dev[KIOSK_DEV_COUNT]; /* string key of each device's state, as probed */
	size_t thermos;			  /* thermometers found */
};
struct kiosk_sync; /* the sync thread's side (kiosk_sync.c) */

/* The ID card reader as its thread last saw it (kiosk_devices.h). */
enum kiosk_reader {
	KIOSK_READER_UNKNOWN = 0, /* no thread reads it (scripts) */
	KIOSK_READER_READY,
	KIOSK_READER_ABSENT, /* identify says: type your number */
};
struct kiosk_dev_threads;
struct kiosk_demo;

struct kiosk {
	struct ui *ui;
	struct store *st;
	const char *db_path;	   /* the database file (workers open their own connection) */
	struct kiosk_print *print; /* the print worker (kiosk_print.h) */
	struct catalog *cat;
	struct config cfg;
	const struct kiosk_screen *screen;
	int dirty;	       /* redraw before sleeping */
	int64_t (*now)(void);  /* wall clock, UTC seconds */
	int64_t last_input_ms; /* kiosk_clock_ms */
	int64_t clock_skew_ms; /* added to CLOCK_MONOTONIC (scripts' `wait`) */
	int32_t today;	       /* local civil date */
	int utc_offset_min;
	struct kiosk_resident res;
	/* The consent signature being drawn. It is kept out of res (which is
	 * zeroed by kiosk_forget) because it holds memory: welcome's enter()
	 * frees it, and every way back to welcome passes there. */
	struct ui_sigpad sig;
	struct kiosk_staff staff;
	/* The reader and scanner threads (kiosk_devices.h); NULL none. */
	struct kiosk_dev_threads *dev_threads;
	enum kiosk_reader reader;
	/* Where the screens draw (kiosk_body); w 0: the whole window. */
	struct ui_rect area;
	/* The demo's side panel (kiosk_demo.h), drawn after the screen in
	 * every frame, its taps offered to it first; NULL none. */
	struct kiosk_demo *demo;
	struct kiosk_ops ops;
	struct kiosk_sync *sync; /* NULL: sync off (kiosk_day.h) */
	/* Spoken prompts (kiosk_speech.c); NULL: none (espeak-ng failed). */
	struct ui_speech *speech;
};

/* Screens. */
extern const struct kiosk_screen kiosk_welcome, kiosk_identify, kiosk_confirm, kiosk_decision,
    kiosk_screening, kiosk_doctor, kiosk_deferred, kiosk_consent, kiosk_ticket, kiosk_pin,
    kiosk_queue, kiosk_vcard, kiosk_day, kiosk_devices, kiosk_staff_list;
extern const struct kiosk_screen kiosk_observe; /* the observation board (kiosk_observe.c) */
/* The board's clock (kiosk_observe.c): marks the frame dirty when a
 * minute it shows has changed. kiosk_idle calls it on the board. */
void kiosk_observe_tick(struct kiosk *k);
/* Passports and other documents typed on a Latin keyboard
 * (kiosk_identify_more.c), the phone on confirm and the family member's
 * relationship (kiosk_family.c). */
extern const struct kiosk_screen kiosk_doc_type, kiosk_doc_number, kiosk_doc_name, kiosk_doc_birth,
    kiosk_phone, kiosk_family;

/* Shows the vaccination card of visit v, just called (kiosk_vcard.c). */
void kiosk_vcard_open(struct kiosk *k, const struct store_visit *v);

/* Welcome's staff button: the PIN pad of the only active staff member, or
 * the list of them to tap one (kiosk_staff.c). */
void kiosk_staff_open(struct kiosk *k);
/* Signs the signed-in staff member out, if any, with the audit row
 * "staff.sign_out" (idle: the screen locked itself). */
void kiosk_staff_sign_out(struct kiosk *k, int idle);
/* Once the PIN check on its worker is done (wait: waits for it), records
 * its outcome (store_staff_finish) and shows it on the pad; nothing when
 * no check runs. The loop calls it through kiosk_idle, scripts with wait
 * before each line, kiosk_close with wait before it closes the store. */
void kiosk_pin_checked(struct kiosk *k, int wait);
/* "Now serving A001" centred in r (welcome): the highest ticket of today
 * among the visits called or further on (vaccinated, observing, released,
 * AEFI); nothing when there is none or it cannot be read. */
void kiosk_serving_draw(struct kiosk *k, struct ui_rect r);

/* How the kiosk opens (kiosk_open.c). */
struct kiosk_options {
	const char *db; /* the database file */
	int w, h;	/* the screens' size (the demo's panel widens the window) */
	int fullscreen; /* the whole display */
	int demo;	/* the demo's panel, every device simulated */
	int scripted;	/* driven by a script or a program: no device threads */
};

/* Opens the configuration, catalog, data key, database, window, print
 * worker, sync thread, spoken prompts and devices into k (zeroed), and
 * shows welcome. 0, or 1 after saying why on stderr; kiosk_close(k)
 * either way. */
int kiosk_open(struct kiosk *k, const struct kiosk_options *o);
void kiosk_close(struct kiosk *k);

/* Switches to screen s (enter() runs, the frame is redrawn). */
void kiosk_go(struct kiosk *k, const struct kiosk_screen *s);

/* Input, from events or scripts. */
void kiosk_tap(struct kiosk *k, const char *id);
void kiosk_card(struct kiosk *k, const struct idcard_card *card);
/* A scanned code (len bytes, as the scanner typed it), handed to the
 * screen that takes scans: the vcard's box code (kiosk_vcard_scan), a
 * pre-registration QR on welcome or identify (kiosk_identify_scan,
 * kiosk_identify_more.c); other screens ignore it. */
void kiosk_scan(struct kiosk *k, const char *text, size_t len);
void kiosk_vcard_scan(struct kiosk *k, const char *text, size_t len);
void kiosk_identify_scan(struct kiosk *k, const char *text, size_t len);
/* A point of a stroke at window (x, y) on signature pad id of the current
 * screen while the finger is down (down = 1); down = 0 ends the stroke.
 * Returns 0, or -1 when id is not a signature pad on this screen. */
int kiosk_stroke(struct kiosk *k, const char *id, int x, int y, int down);
/* Wipes and frees the signature's points (k->sig). */
void kiosk_signature_wipe(struct kiosk *k);

/* Draws the current screen now (the loop calls it when dirty). */
void kiosk_draw(struct kiosk *k);

/* After the screen's idle_s without input: back to welcome, the
 * resident's data wiped and the staff signed out; else the board's tick.
 * Call it from the loop. */
void kiosk_idle(struct kiosk *k);

/* Copies tmpl to out (cap bytes) with each "{names[i]}" replaced by
 * values[i]; unknown placeholders stay as they are; cut to fit. */
void kiosk_fill(char *out, size_t cap, const char *tmpl, const char *const *names,
		const char *const *values, size_t n);

/* Wipes the resident's data (person_wipe and zeroes). */
void kiosk_forget(struct kiosk *k);

/* Shared by the resident screens (kiosk_resident.c): the band below the
 * margins, the footer row (language and large-text toggles, and a back
 * button back_id unless NULL), and the taps every screen understands
 * ("lang", "large", "back" and "exit" to welcome; returns 1 if handled). */
struct ui_rect kiosk_body(struct kiosk *k);
void kiosk_footer(struct kiosk *k, const char *back_id);
int kiosk_common_tap(struct kiosk *k, const char *id);
/* Spoken prompts (kiosk_speech.c). kiosk_speech_open opens k->speech,
 * on or off as [kiosk] speech says (a failure is logged: no speech), and
 * has every resident prompt synthesised in the background.
 * kiosk_say says the current screen's prompt ("say.<screen id>", nothing
 * on a screen without one); with again 0 not when it is the prompt last
 * said. kiosk_speaks: the screen has a prompt (its footer shows the
 * speaker toggle). kiosk_speech_toggle: the toggle was tapped.
 * kiosk_speech_playing, for scripts, once the synthesis asked for is
 * done: 0 when a prompt is queued and the audio device takes it within
 * 5 s (want 1) / nothing is queued (want 0), else -1. */
void kiosk_speech_open(struct kiosk *k);
void kiosk_say(struct kiosk *k, int again);
int kiosk_speaks(struct kiosk *k);
void kiosk_speech_toggle(struct kiosk *k);
int kiosk_speech_playing(struct kiosk *k, int want);
/* The row of the screen's main buttons, just above the footer. */
struct ui_rect kiosk_action_row(struct kiosk *k);
/* The name of the product due today in the screen's language (or its
 * code when the catalog lacks it). */
const char *kiosk_product_name(struct kiosk *k);
/* The dose line ("Today: dose 1 of 2") in language lang into out. */
void kiosk_dose_line(struct kiosk *k, enum ui_lang lang, char *out, size_t cap);

/* Confirm's rows below the age (kiosk_family.c), from y: who registers a
 * family member, and for a new person the phone (masked) with its button
 * "confirm.phone"; a row without room above the action row is left out. */
void kiosk_confirm_more_draw(struct kiosk *k, int y);
/* Before a new person is saved: the proxy and relationship, when a family
 * member is registered, set on k->res.person and checked (person_check).
 * VB_OK or VB_EINVAL. */
int kiosk_family_attach(struct kiosk *k);
/* "Register a family member" (decision): the person shown becomes the
 * proxy unless one is kept already; on to the relationship. */
void kiosk_family_start(struct kiosk *k);

/* The queue ticket of k->res.visit (kiosk_ticket.c): lays the paper
 * ticket out and adds its print job (k->res.job) in the caller's
 * transaction (a layout failure only leaves no job: VB_OK). After the
 * commit the caller sends it with kiosk_print_kick. */
int kiosk_ticket_queue(struct kiosk *k, int64_t now);

/* The kiosk's monotonic clock in milliseconds: CLOCK_MONOTONIC plus the
 * time a script has skipped. Timeouts and countdowns use it, never the
 * wall clock. */
int64_t kiosk_clock_ms(const struct kiosk *k);

#endif
