/*
 * sync: sending the outbox to the platform (FHIR R4) and pulling what the
 * bus needs back, exactly once whatever the link does.
 *
 * One struct sync_engine per thread, with its own database connection and
 * its own HTTP connection (kept alive between requests). A "pass" claims
 * the outbox rows that are due, oldest first, in bundles of
 * opts.bundle_size records, and gives each row its fate from the
 * platform's answer for its entry:
 *
 *   2xx                         acknowledged, with the platform's id
 *   4xx for that entry          quarantined (failed) with the platform's
 *                               OperationOutcome text; the rest go on
 *   a whole bundle refused      split in halves and each half sent again,
 *   (4xx/413)                   down to one record, which is then the one
 *                               quarantined
 *   5xx, 429, timeout, reset,   back to pending with the next attempt after
 *   no link, 401 after a token  an exponential backoff with jitter, capped,
 *   refresh                     never a retry limit
 *
 * Resending is harmless: every entry is a conditional create on the record
 * id made on the bus (Patient: on the identity document), so a platform
 * that stored a bundle whose answer was lost answers 200 with the same id.
 *
 * A record depends on others (an Immunization on its Patient, an
 * AdverseEvent also on its Immunization). A dependency the platform has
 * acknowledged is referred to by its platform id; otherwise its entry is
 * put in the same bundle once (transaction mode: one transaction, urn:uuid
 * references) or sent first (batch mode: one batch per level, literal
 * references, so any FHIR server resolves them).
 */
#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "fhir_map.h"
#include "store.h"
#include "store_outbox.h"

#define SYNC_URL_CAP	512
#define SYNC_SECRET_CAP 512
#define SYNC_PATH_CAP	512
#define SYNC_BUNDLE_MAX 500
#define SYNC_ERROR_CAP	200
#define SYNC_PIN_CAP	512
/* Where the identifier and code systems live unless configured. */
#define SYNC_SYSTEMS_BASE "https://vaxbus.invalid/fhir/"

enum sync_mode {
	SYNC_MODE_BATCH = 0,	   /* type batch: entries succeed or fail one by one */
	SYNC_MODE_TRANSACTION = 1, /* type transaction: all or nothing, split on refusal */
};

enum sync_auth {
	SYNC_AUTH_NONE = 0,
	SYNC_AUTH_BEARER,	      /* a fixed token (token) */
	SYNC_AUTH_CLIENT_CREDENTIALS, /* OAuth 2 client credentials at token_url */
};

struct sync_options {
	char url[SYNC_URL_CAP]; /* FHIR base, e.g. https://fhir.example.org/R4; "" = sync off */
	enum sync_mode mode;
	int bundle_size; /* records per bundle, 1..SYNC_BUNDLE_MAX */
	int timeout_ms;	 /* a whole request */
	int connect_timeout_ms;
	int backoff_min_ms, backoff_max_ms; /* first delay after a failure, and the cap */
	int gzip; /* 1: gzip request bodies (dropped after a 415); answers may always be */
	enum sync_auth auth;
	char token[SYNC_SECRET_CAP];	 /* bearer */
	char token_url[SYNC_URL_CAP];	 /* client credentials */
	char client_id[SYNC_SECRET_CAP]; /* client credentials */
	char client_secret[SYNC_SECRET_CAP];
	char ca_file[SYNC_PATH_CAP]; /* CA bundle for TLS, "" = the system's */
	/* TLS is always verified (peer and host name); these only add to it:
	 * pin: the server's public key(s), "sha256//BASE64[;sha256//...]"
	 * (CURLOPT_PINNEDPUBLICKEY; checked on every request, the token
	 * endpoint's too), "" = no pin; client_cert / client_key: PEM files of
	 * the bus's client certificate for mutual TLS (key "" = in the cert
	 * file), "" = none. A pin or a client certificate needs an https url. */
	char pin[SYNC_PIN_CAP];
	char client_cert[SYNC_PATH_CAP];
	char client_key[SYNC_PATH_CAP];
	struct fhir_systems systems;
};

/* Fills *o with the defaults (sync off: url ""; batch; 500 records; 60 s;
 * 10 s connect; backoff 2 s .. 15 min; gzip on; no auth; systems under
 * https://vaxbus.invalid/fhir/). */
void sync_options_defaults(struct sync_options *o);

/* VB_OK if s is a public key pin: one or more "sha256//" + 44 base64
 * characters, separated by ';'. Else VB_EINVAL. */
int sync_pin_check(const char *s);

/* "batch" / "transaction", "none" / "bearer" / "client_credentials":
 * VB_OK or VB_EINVAL (*out untouched). */
int sync_mode_parse(const char *s, enum sync_mode *out);
int sync_auth_parse(const char *s, enum sync_auth *out);

/* What one pass did, and the figures a progress bar shows. */
struct sync_progress {
	int64_t sent;			 /* records sent in this run (resends included) */
	int64_t acked;			 /* records acknowledged */
	int64_t failed;			 /* records quarantined */
	int64_t retried;		 /* records put back for a later attempt */
	int64_t requests;		 /* HTTP requests */
	int64_t bytes_up, bytes_down;	 /* on the wire: headers and (compressed) bodies */
	int64_t pending;		 /* left in the outbox (pending + in flight) */
	char last_error[SYNC_ERROR_CAP]; /* "" when the last request went through */
};

struct sync_engine;

/* The wall clock (UTC seconds) the engine stamps rows with: the app's. */
typedef int64_t (*sync_clock_fn)(void);

/*
 * Opens an engine on database db_path (its own connection) with *opts
 * (copied), the catalog (borrowed; must outlive the engine) and the clock.
 * Only one engine runs per database at a time (a lock file beside it,
 * db_path + "-sync.lock"); opening one puts the rows a crashed run left in
 * flight back in the queue. Returns VB_OK with *out set; VB_EBUSY (another
 * engine holds the lock); VB_EINVAL (no url, bad options); VB_ENOMEM; or a
 * storage error. why (whycap bytes, may be NULL) gets one line saying what
 * failed. Free with sync_engine_free.
 */
int sync_engine_new(const char *db_path, const struct sync_options *opts, const struct catalog *cat,
		    sync_clock_fn clock, struct sync_engine **out, char *why, size_t whycap);
void sync_engine_free(struct sync_engine *e);

/*
 * Called after each request with the figures so far (borrowed for the
 * call). Return nonzero to stop the pass early (rows not yet sent stay
 * pending). Runs on the engine's thread.
 */
typedef int (*sync_progress_cb)(void *arg, const struct sync_progress *p);

/*
 * One pass: sends every row due now, bundle by bundle, until none is due, the link fails (the rows
 * go back with a backoff) or cb asks to stop. Progress accumulates in *p (caller zeroes it first).
 * Returns VB_OK (the link worked for every request), VB_EIO (a transient failure stopped the pass:
 * try again after sync_engine_next_attempt), or a storage error.
 */
int sync_engine_push(struct sync_engine *e, struct sync_progress *p, sync_progress_cb cb,
		     void *arg);

/* When the next row is due (UTC seconds), or INT64_MAX when none waits. */
int64_t sync_engine_next_attempt(struct sync_engine *e);

/* What a pull found. */
struct sync_pull_result {
	int64_t persons;	    /* expected residents asked for */
	int64_t doses_new;	    /* platform doses kept for the first time */
	int64_t doses_known;	    /* kept before, or made on this bus */
	int64_t doses_skipped;	    /* not done, a vaccine not in the catalog, no resident */
	int64_t lots_recalled;	    /* lots on board newly marked recalled */
	int64_t recalls_unreadable; /* recalls (inactive Medications) with no lot that fits:
				     * not applied; staff must check the platform */
	int64_t requests, bytes_up, bytes_down;
	char last_error[SYNC_ERROR_CAP]; /* "" unless the link failed */
};

/*
 * Pulls, incrementally (a cursor per resident, one for recalls): the dose
 * histories of the expected residents (store_history.h), kept for when
 * they register, and the lots the platform recalls (inactive Medications
 * by batch.lotNumber), marked recalled on board. *r accumulates (caller
 * zeroes it). Returns VB_OK; VB_EIO when the link failed (what came is
 * kept; r->last_error says why); or a storage error.
 */
int sync_engine_pull(struct sync_engine *e, struct sync_pull_result *r);

/* What the screen and `vaxbusctl sync status` show, read from the
 * database (any connection; no engine needed). */
struct sync_status {
	struct store_outbox_counts counts;
	int64_t last_success;		 /* UTC seconds of the last answered request, 0 never */
	int64_t last_attempt;		 /* UTC seconds of the last request, 0 never */
	char last_error[SYNC_ERROR_CAP]; /* "" after a success */
	int64_t next_attempt;		 /* when the next pending row is due, INT64_MAX none */
};

/* VB_OK with *out filled, or a storage error (*out untouched). */
int sync_status_read(struct store *st, struct sync_status *out);

#endif
