/*
 * ctl_demo: `demo` — a day on the bus, narrated. It runs the real
 * commands, in process, on the database given with --db, with the clock
 * set for each step, and checks that each step ends as it should (a
 * refusal where the rules must refuse). The database must be new or an
 * earlier demo's (bus DEMO-BUS); a real bus's database is never touched.
 *
 * `demo --kiosk` makes the kiosk's demo database instead (packaging/
 * kiosk-demo opens the kiosk on it): the bus at its stop on the demo's
 * day, the lots the sample scans of assets/sim/scans.txt name, and a
 * staff PIN.
 */
#include "ctl.h"
#include "ctl_cmds.h"

#include "config.h"

#include "iddoc.h"
#include "person.h"
#include "store.h"
#include "store_meta.h"
#include "store_person.h"
#include "store_staff.h"
#include "store_visit.h"
#include "vbdate.h"
#include "wallclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#define DEMO_BUS  "DEMO-BUS"
#define ARGS_MAX  32
#define NAMES_MAX 8

struct demo_step {
	const char *say;  /* narration, printed before the command (may be NULL) */
	const char *at;	  /* the clock for this step */
	int want;	  /* the exit code the step must end with */
	const char *save; /* "NAME": remember the person (person add) or the visit
			     (vaccinate) the step made, for @NAME in later steps */
	const char *args[ARGS_MAX];
};

#define DAY0	"2021-04-08T09:00:00+08:00"
#define T(hhmm) "2021-06-01T" hhmm ":00+08:00"

/* The kiosk demo's staff: nurse-li, PIN 2468 (store_staff.h). */
#define DEMO_STAFF     "nurse-li"
#define DEMO_STAFF_PIN "2468"

static const struct demo_step kiosk_steps[] = {
    {"1 June, 08:30: the bus parks; its lots go in the fridges.",
     T("08:30"),
     0,
     NULL,
     {"init", "--bus", DEMO_BUS, "--site", "XIANG-02"}},
    {NULL,
     T("08:31"),
     0,
     NULL,
     {"lot", "add", "--product", "bbibp-corv", "--lot", "202105A01", "--expiry", "20220131",
      "--vials", "10", "--gtin", "06970000000017", "--fridge", "fridge-1"}},
    {NULL,
     T("08:32"),
     0,
     NULL,
     {"lot", "add", "--product", "coronavac", "--lot", "CV2105X", "--expiry", "20211231", "--vials",
      "10", "--gtin", "06970000000024", "--fridge", "fridge-2"}},
};

static const struct demo_step steps[] = {
    {"April: the bus's first visit to the village; Li Ming has his first dose.",
     DAY0,
     0,
     NULL,
     {"init", "--bus", DEMO_BUS, "--site", "XIANG-01", "--excursion-minutes", "30"}},
    {NULL,
     DAY0,
     0,
     NULL,
     {"lot", "add", "--product", "bbibp-corv", "--lot", "202104B07", "--expiry", "20220401",
      "--vials", "20", "--gtin", "06970000000017"}},
    {NULL,
     DAY0,
     0,
     "li",
     {"person", "add", "--id-type", "cn-resident", "--id", "510102199002202116", "--name", "李明",
      "--sex", "1", "--birth", "19900220"}},
    {NULL,
     DAY0,
     0,
     NULL,
     {"vaccinate", "--person", "@li", "--code", "]d201069700000000171722040110202104B07", "--staff",
      "nurse-li", "--body-site", "left-deltoid"}},

    {"1 June, 08:30: the bus parks at the next stop; two new lots go in the fridges.",
     T("08:30"),
     0,
     NULL,
     {"init", "--bus", DEMO_BUS, "--site", "XIANG-02"}},
    {NULL,
     T("08:31"),
     0,
     NULL,
     {"lot", "add", "--product", "bbibp-corv", "--lot", "202105A01", "--expiry", "20220131",
      "--vials", "10", "--gtin", "06970000000017", "--fridge", "fridge-1"}},
    {NULL,
     T("08:32"),
     0,
     NULL,
     {"lot", "add", "--product", "coronavac", "--lot", "CV2105X", "--expiry", "20211231", "--vials",
      "10", "--gtin", "06970000000024", "--fridge", "fridge-2"}},
    {"A recall notice arrived for an older lot still on board.",
     T("08:33"),
     0,
     NULL,
     {"lot", "add", "--product", "bbibp-corv", "--lot", "202103R09", "--expiry", "20211130",
      "--vials", "5", "--gtin", "06970000000017", "--fridge", "fridge-2"}},
    {NULL, T("08:34"), 0, NULL, {"lot", "recall", "--lot", "202103R09"}},

    {"09:00: Zhang places his ID card on the (simulated) reader.",
     T("08:59"),
     0,
     NULL,
     {"idcard", "read"}},
    {"A mistyped ID number is refused and nothing is written.",
     T("09:00"),
     1,
     NULL,
     {"person", "add", "--id-type", "cn-resident", "--id", "110101195001011238", "--name", "张建国",
      "--sex", "1", "--birth", "19500101"}},
    {NULL,
     T("09:01"),
     0,
     "zhang",
     {"person", "add", "--id-type", "cn-resident", "--id", "110101195001011239", "--name", "张建国",
      "--sex", "1", "--birth", "19500101", "--phone", "13800138000"}},
    {"His daughter is registered by him, as proxy.",
     T("09:02"),
     0,
     "liu",
     {"person", "add", "--id-type", "cn-resident", "--id", "110101198005150029", "--name", "刘梅",
      "--sex", "2", "--birth", "19800515", "--proxy-of", "@zhang", "--relationship", "child"}},
    {"Registering the same card twice finds the first record.",
     T("09:03"),
     0,
     NULL,
     {"person", "add", "--id-type", "cn-resident", "--id", "110101195001011239", "--name", "张建国",
      "--sex", "1", "--birth", "19500101"}},

    {"His queue ticket prints (the simulated printer writes it as an image).",
     T("09:04"),
     0,
     NULL,
     {"print", "ticket", "--ticket", "A001", "--dose-zh", "第1剂", "--dose-en", "Dose 1"}},

    {"09:10: the nurse calls Zhang (71: a doctor's assessment is needed).",
     T("09:10"),
     0,
     NULL,
     {"due", "--person", "@zhang"}},
    {"The recalled lot's box is refused at the box check (一验证).",
     T("09:11"),
     1,
     NULL,
     {"scan-check", "--person", "@zhang", "--code", "01069700000000171721110010202103R09"}},
    {NULL,
     T("09:11"),
     0,
     NULL,
     {"scan-check", "--person", "@zhang", "--code", "01069700000000171722010010202105A01"}},
    {NULL,
     T("09:12"),
     0,
     "zhang_visit",
     {"vaccinate", "--person", "@zhang", "--code", "01069700000000171722010010202105A01", "--staff",
      "nurse-li", "--body-site", "left-deltoid", "--assessed"}},
    {"Li Ming is back for his second dose, close to the end of its window.",
     T("09:20"),
     0,
     NULL,
     {"due", "--person", "@li"}},
    {NULL,
     T("09:21"),
     0,
     NULL,
     {"vaccinate", "--person", "@li", "--code", "01069700000000171722010010202105A01", "--staff",
      "nurse-li", "--body-site", "right-deltoid"}},
    {"Liu Mei has a fever today: deferred.",
     T("09:25"),
     0,
     NULL,
     {"defer", "--person", "@liu", "--reason", "fever", "--staff", "nurse-li"}},
    {"09:30: Zhang feels faint under observation.",
     T("09:30"),
     0,
     NULL,
     {"aefi", "add", "--visit", "@zhang_visit", "--onset", T("09:25"), "--symptoms", "syncope",
      "--severity", "mild", "--action", "observed", "--staff", "dr-wang"}},

    {"Fridge 2 warms up: 40 minutes above 8 °C quarantine its lots.",
     T("09:35"),
     0,
     NULL,
     {"temp", "add", "--fridge", "fridge-2", "--celsius", "5.0"}},
    {NULL, T("09:45"), 0, NULL, {"temp", "add", "--fridge", "fridge-2", "--celsius", "9.5"}},
    {NULL, T("10:25"), 0, NULL, {"temp", "add", "--fridge", "fridge-2", "--celsius", "10.2"}},
    {NULL, T("10:35"), 0, NULL, {"temp", "add", "--fridge", "fridge-2", "--celsius", "6.0"}},
    {NULL, T("10:36"), 0, NULL, {"lot", "list"}},
    {"The doctor checks the maker's stability data and releases the fridge.",
     T("10:40"),
     0,
     NULL,
     {"lot", "release", "--fridge", "fridge-2", "--decision", "release", "--staff", "dr-wang",
      "--note", "maker data allows 40 min at 10 C"}},

    {"17:00: the end of the day.", T("17:00"), 0, NULL, {"report", "day"}},
    {NULL, T("17:01"), 0, NULL, {"outbox", "list"}},
    {NULL, T("17:02"), 0, NULL, {"audit", "verify"}},
};

/* Refuses to touch a database that is not an earlier demo's; removes one
 * that is, so the demo always starts from the same state. */
static int fresh_database(const char *path)
{
	if (access(path, F_OK) != 0)
		return CTL_OK;
	struct store *st;
	char bus[64] = "";
	if (store_open(path, &st, NULL) == VB_OK) {
		store_meta_get(st, "bus_id", bus, sizeof(bus));
		store_close(st);
	}
	if (strcmp(bus, DEMO_BUS) != 0) {
		fprintf(stderr,
			"vaxbusctl demo: %s exists and is not a demo database; "
			"give another --db\n",
			path);
		return CTL_REFUSED;
	}
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[4096];
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
	/* The earlier demo's printed receipts. */
	snprintf(p, sizeof(p), "%s-receipts", path);
	DIR *d = opendir(p);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strncmp(e->d_name, "receipt-", 8) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	return CTL_OK;
}

struct demo_names {
	char name[NAMES_MAX][16];
	char id[NAMES_MAX][37];
	size_t n;
};

static const char *arg_after(const struct demo_step *s, const char *opt)
{
	for (size_t i = 0; i + 1 < ARGS_MAX && s->args[i + 1]; i++)
		if (strcmp(s->args[i], opt) == 0)
			return s->args[i + 1];
	return "";
}

static const char *lookup(const struct demo_names *names, const char *arg)
{
	for (size_t i = 0; arg[0] == '@' && i < names->n; i++)
		if (strcmp(names->name[i], arg + 1) == 0)
			return names->id[i];
	return arg;
}

/* Remembers the person or visit a step made, as names->id[n]. */
static int remember(struct ctl *c, const struct demo_step *s, struct demo_names *names)
{
	int vb;
	char *id = names->id[names->n];
	if (strcmp(s->args[0], "person") == 0) {
		enum iddoc_type type;
		struct iddoc doc;
		struct person p;
		iddoc_type_from_name(arg_after(s, "--id-type"), &type);
		vb = iddoc_validate(type, arg_after(s, "--id"), c->today, &doc, NULL);
		if (!vb)
			vb = store_person_find_doc(c->st, doc.type, doc.number, &p);
		if (!vb)
			memcpy(id, p.id, sizeof(p.id));
		person_wipe(&p);
	} else {
		struct store_visit v;
		vb = store_visit_open_for_person(c->st, lookup(names, arg_after(s, "--person")),
						 c->today, &v);
		if (!vb)
			memcpy(id, v.id, sizeof(v.id));
	}
	if (!vb)
		snprintf(names->name[names->n++], sizeof(names->name[0]), "%s", s->save);
	return vb;
}

static void print_command(const char *db, char **argv, int argc)
{
	printf("$ vaxbusctl --db %s", db);
	for (int i = 0; i < argc; i++)
		printf(strpbrk(argv[i], " ]") ? " '%s'" : " %s", argv[i]);
	printf("\n");
}

/* Runs list[0..count) with the devices of cfg. */
static int run_steps(struct ctl *c, const struct demo_step *list, size_t count,
		     const struct config *cfg)
{
	struct demo_names names = {0};
	int rc = CTL_OK;
	for (size_t i = 0; i < count; i++) {
		const struct demo_step *s = &list[i];
		char *args[ARGS_MAX];
		int n = 0;
		for (; n < ARGS_MAX && s->args[n]; n++)
			args[n] = (char *)lookup(&names, s->args[n]);
		struct ctl step = {.db_path = c->db_path, .cfg = malloc(sizeof(*step.cfg))};
		if (!step.cfg)
			return ctl_storage(c, VB_ENOMEM);
		*step.cfg = *cfg;
		wallclock_parse(s->at, &step.now);
		if (s->say)
			printf("\n# %s\n", s->say);
		print_command(c->db_path, args, n);
		fflush(stdout);
		rc = ctl_dispatch(&step, n, args);
		fflush(stdout);
		fflush(stderr);
		if (rc == s->want && s->save && remember(&step, s, &names))
			rc = CTL_STORAGE;
		ctl_cleanup(&step);
		if (rc != s->want) {
			fprintf(stderr, "vaxbusctl demo: step %zu ended with %d, expected %d\n",
				i + 1, rc, s->want);
			return rc ? rc : CTL_REFUSED;
		}
	}
	return CTL_OK;
}

/* The kiosk demo's nurse and her PIN, added as `vaxbusctl staff add`
 * would (by "demo" in the audit log). */
static int set_staff_pin(struct ctl *c)
{
	struct store *st;
	char hash[STORE_STAFF_HASH_MAX];
	int vb = store_staff_hash(DEMO_STAFF_PIN, hash);
	if (!vb && !(vb = store_open(c->db_path, &st, NULL))) {
		vb = store_begin(st);
		if (!vb)
			vb = store_staff_add(st, DEMO_STAFF, "nurse", hash, "demo", c->now);
		if (!vb)
			vb = store_commit(st);
		if (vb)
			store_rollback(st);
		store_close(st);
	}
	return vb ? ctl_storage(c, vb) : CTL_OK;
}

int ctl_cmd_demo(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--kiosk", NULL, "make the kiosk's demo database instead (packaging/kiosk-demo)", 0,
	     NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Walks through a day on the bus on the --db database (new, or an\n"
			   "earlier demo's): lots, registrations with a proxy, box checks,\n"
			   "doses, an adverse event, a fridge excursion and the report.");
	if (rc || (rc = fresh_database(c->db_path)))
		return rc;
	/* Simulated devices, whatever the bus's configuration says; the
	 * printer writes its receipts next to the database, and the data key
	 * is the demo's own, beside it too (init makes it). */
	struct config cfg;
	config_defaults(&cfg);
	cfg.sim = 1;
	snprintf(cfg.sim_printer, sizeof(cfg.sim_printer), "%s-receipts", c->db_path);
	snprintf(cfg.data_key, sizeof(cfg.data_key), "%s.key", c->db_path);
	if (ctl_opt(opts, "--kiosk")) {
		rc = run_steps(c, kiosk_steps, sizeof(kiosk_steps) / sizeof(kiosk_steps[0]), &cfg);
		if (!rc)
			rc = set_staff_pin(c);
		if (!rc)
			printf("\nThe kiosk's demo database is %s; staff sign in with PIN 2468.\n",
			       c->db_path);
		return rc;
	}
	if ((rc = run_steps(c, steps, sizeof(steps) / sizeof(steps[0]), &cfg)))
		return rc;
	printf("\nThe day is in %s (try `vaxbusctl --db %s report day --csv`); the printed\n"
	       "receipts are images in %s/.\n",
	       c->db_path, c->db_path, cfg.sim_printer);
	return CTL_OK;
}
