/*
 * store_migrations: the schema, as the ordered list of steps that build it.
 *
 * Step N moves a database from user_version N-1 to N (store_schema.c runs
 * the steps a file lacks, all in one transaction). To change the schema,
 * append a step at the end with the next version number; never edit or
 * reorder a step that has shipped, since buses in the field already ran it.
 *
 * Rules for every table: STRICT; ids are UUIDv7 text made on the bus
 * (store_id.h); times are int64 UTC seconds; no personal data outside the
 * domain tables (the outbox and the audit log hold ids only).
 */
#include "store_int.h"
#include "store_seal.h"

/*
 * Step 1: the store's own tables.
 *
 * meta: facts about this database (bus_id, site_id, database_id,
 * created_at, the audit chain head). outbox: one row per record to send to
 * the platform (store_outbox.h); `dirty` marks a record changed while its
 * previous version was in flight. audit: the hash-chained, append-only log
 * (store_audit.h); the triggers stop UPDATE and DELETE through any
 * connection that has them, the hash chain catches the rest.
 */
static const char step1_sql[] =
    "CREATE TABLE meta ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value TEXT NOT NULL"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE outbox ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " kind TEXT NOT NULL,"
    " record_id TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending', 'in_flight', 'acked', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    " last_error TEXT,"
    " server_id TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " next_attempt_at INTEGER NOT NULL,"
    " dirty INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),"
    " UNIQUE (kind, record_id)"
    ") STRICT;"
    "CREATE INDEX outbox_pending ON outbox (created_at, id) WHERE state = 'pending';"
    "CREATE INDEX outbox_state ON outbox (state);"

    "CREATE TABLE audit ("
    " seq INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " record_id TEXT,"
    " detail TEXT,"
    " prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32)"
    ") STRICT;"
    "CREATE INDEX audit_record ON audit (record_id) WHERE record_id IS NOT NULL;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/*
 * Step 2: the domain tables.
 *
 * Civil dates are 'YYYY-MM-DD' text (CHECK date(x) IS x refuses anything
 * else, 30 February included); the repositories convert from and to the
 * core's day numbers in SQL (date(d * 86400, 'unixepoch'),
 * unixepoch(x) / 86400). Records that go to the platform (person, visit,
 * dose, aefi) carry the bus_id and site_id that meta held when they were
 * written. Names of the core's enums (visit states, wastage reasons, AEFI
 * grades, document types) are checked by the code that maps them, so that
 * a value added to the core needs no table rebuild; the store's own small
 * sets (sources, movement kinds, excursion states) are CHECKed here.
 *
 * person: unique per document, and per the core's de-duplication key;
 * registered_by is the proxy (a person) and relationship is set exactly
 * with it. lot: unique lot number. vial: an opened vial (closed when
 * empty or discarded). stock_move: the ledger, doses + for receive and -
 * for administer, waste and recall (waste of a recalled lot), so that
 * stock at any time is a sum. wastage: what was discarded and why.
 * visit: one per arrival, numbered by ticket within its day. dose: given
 * on the bus (source 'bus': visit, lot on board of the same product,
 * staff and identity required; one per visit) or learnt from the platform
 * or a certificate. aefi: an adverse event after the dose of a visit.
 * temp_reading: one reading per fridge and second. excursion: an
 * out-of-range stretch of a fridge and the staff's decision on the
 * quarantine it caused.
 */
static const char step2_sql[] =
    "CREATE TABLE person ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " doc_type TEXT NOT NULL,"
    " doc_number TEXT NOT NULL CHECK (doc_number <> ''),"
    " doc_country TEXT NOT NULL DEFAULT '',"
    " doc_key TEXT NOT NULL UNIQUE,"
    " doc_birth TEXT CHECK (doc_birth IS NULL OR date(doc_birth) IS doc_birth),"
    " doc_sex INTEGER NOT NULL DEFAULT 0 CHECK (doc_sex IN (0, 1, 2)),"
    " name TEXT NOT NULL CHECK (name <> ''),"
    " sex INTEGER NOT NULL CHECK (sex IN (1, 2)),"
    " birth TEXT NOT NULL CHECK (date(birth) IS birth),"
    " nation TEXT NOT NULL DEFAULT '',"
    " address TEXT NOT NULL DEFAULT '',"
    " phone TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL CHECK (source IN ('card', 'qr', 'typed', 'mrz')),"
    " registered_by TEXT REFERENCES person (id),"
    " relationship TEXT NOT NULL DEFAULT '',"
    " bus_id TEXT NOT NULL,"
    " site_id TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (doc_type, doc_number),"
    " CHECK ((registered_by IS NULL) = (relationship = ''))"
    ") STRICT;"
    "CREATE INDEX person_registered_by ON person (registered_by)"
    " WHERE registered_by IS NOT NULL;"

    "CREATE TABLE lot ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " lot TEXT NOT NULL UNIQUE CHECK (lot <> ''),"
    " product TEXT NOT NULL CHECK (product <> ''),"
    " gtin TEXT NOT NULL DEFAULT '',"
    " expiry TEXT CHECK (expiry IS NULL OR date(expiry) IS expiry),"
    " doses_per_vial INTEGER NOT NULL CHECK (doses_per_vial >= 1),"
    " vials INTEGER NOT NULL CHECK (vials >= 0),"
    " fridge TEXT NOT NULL,"
    " recalled INTEGER NOT NULL DEFAULT 0 CHECK (recalled IN (0, 1)),"
    " quarantined INTEGER NOT NULL DEFAULT 0 CHECK (quarantined IN (0, 1)),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX lot_product ON lot (product);"

    "CREATE TABLE vial ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " lot TEXT NOT NULL REFERENCES lot (lot),"
    " opened_at INTEGER NOT NULL,"
    " discard_at INTEGER NOT NULL CHECK (discard_at >= opened_at),"
    " doses_left INTEGER NOT NULL CHECK (doses_left >= 0),"
    " closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))"
    ") STRICT;"
    "CREATE INDEX vial_lot ON vial (lot);"
    "CREATE INDEX vial_open ON vial (opened_at, id) WHERE closed = 0;"

    "CREATE TABLE stock_move ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " lot TEXT NOT NULL REFERENCES lot (lot),"
    " kind TEXT NOT NULL CHECK (kind IN ('receive', 'administer', 'waste', 'recall')),"
    " doses INTEGER NOT NULL"
    "  CHECK (CASE kind WHEN 'receive' THEN doses > 0 ELSE doses < 0 END),"
    " at INTEGER NOT NULL,"
    " ref TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX stock_move_lot_at ON stock_move (lot, at);"
    "CREATE INDEX stock_move_at ON stock_move (at);"

    "CREATE TABLE wastage ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " lot TEXT NOT NULL REFERENCES lot (lot),"
    " doses INTEGER NOT NULL CHECK (doses > 0),"
    " vials INTEGER NOT NULL CHECK (vials >= 0),"
    " reason TEXT NOT NULL,"
    " at INTEGER NOT NULL,"
    " note TEXT NOT NULL DEFAULT '',"
    " recorded_by TEXT NOT NULL,"
    " created_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX wastage_lot ON wastage (lot);"
    "CREATE INDEX wastage_at ON wastage (at);"

    "CREATE TABLE visit ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " person_id TEXT NOT NULL REFERENCES person (id),"
    " state TEXT NOT NULL,"
    " day TEXT NOT NULL CHECK (date(day) IS day),"
    " ticket_no INTEGER NOT NULL CHECK (ticket_no >= 1),"
    " ticket TEXT NOT NULL,"
    " deferral TEXT NOT NULL DEFAULT '',"
    " bus_id TEXT NOT NULL,"
    " site_id TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (day, ticket_no)"
    ") STRICT;"
    "CREATE INDEX visit_person ON visit (person_id, day);"

    "CREATE TABLE dose ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " visit_id TEXT REFERENCES visit (id),"
    " person_id TEXT NOT NULL REFERENCES person (id),"
    " product TEXT NOT NULL CHECK (product <> ''),"
    " lot TEXT NOT NULL,"
    " dose_number INTEGER NOT NULL CHECK (dose_number >= 1),"
    " series_doses INTEGER NOT NULL CHECK (series_doses >= 0),"
    " given_at INTEGER NOT NULL,"
    " given_on TEXT NOT NULL CHECK (date(given_on) IS given_on),"
    " route TEXT NOT NULL,"
    " body_site TEXT NOT NULL,"
    " staff TEXT NOT NULL,"
    " source TEXT NOT NULL CHECK (source IN ('bus', 'platform', 'certificate')),"
    " bus_id TEXT,"
    " site_id TEXT,"
    " created_at INTEGER NOT NULL,"
    " CHECK (source <> 'bus' OR (visit_id IS NOT NULL AND lot <> '' AND staff <> ''"
    "  AND bus_id IS NOT NULL AND site_id IS NOT NULL))"
    ") STRICT;"
    "CREATE UNIQUE INDEX dose_visit ON dose (visit_id) WHERE visit_id IS NOT NULL;"
    "CREATE INDEX dose_person ON dose (person_id, given_on);"
    "CREATE INDEX dose_given_at ON dose (given_at);"
    "CREATE TRIGGER dose_visit_person BEFORE INSERT ON dose"
    " WHEN NEW.visit_id IS NOT NULL"
    "  AND NEW.person_id IS NOT (SELECT person_id FROM visit WHERE id = NEW.visit_id)"
    " BEGIN SELECT RAISE(ABORT, 'a dose belongs to the person of its visit'); END;"
    "CREATE TRIGGER dose_bus_lot BEFORE INSERT ON dose"
    " WHEN NEW.source = 'bus' AND NOT EXISTS"
    "  (SELECT 1 FROM lot WHERE lot = NEW.lot AND product = NEW.product)"
    " BEGIN SELECT RAISE(ABORT, 'a dose given on the bus names a lot of its product on"
    " board'); END;"

    "CREATE TABLE aefi ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " visit_id TEXT NOT NULL REFERENCES visit (id),"
    " dose_id TEXT NOT NULL REFERENCES dose (id),"
    " person_id TEXT NOT NULL REFERENCES person (id),"
    " onset INTEGER NOT NULL,"
    " symptoms TEXT NOT NULL CHECK (symptoms <> ''),"
    " other TEXT NOT NULL DEFAULT '',"
    " severity TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " action_note TEXT NOT NULL DEFAULT '',"
    " bus_id TEXT NOT NULL,"
    " site_id TEXT NOT NULL,"
    " created_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX aefi_visit ON aefi (visit_id);"
    "CREATE INDEX aefi_dose ON aefi (dose_id);"
    "CREATE INDEX aefi_onset ON aefi (onset);"

    "CREATE TABLE temp_reading ("
    " fridge TEXT NOT NULL CHECK (fridge <> ''),"
    " at INTEGER NOT NULL,"
    " centi_c INTEGER NOT NULL,"
    " PRIMARY KEY (fridge, at)"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE excursion ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " fridge TEXT NOT NULL CHECK (fridge <> ''),"
    " started_at INTEGER NOT NULL,"
    " seen_until INTEGER NOT NULL CHECK (seen_until >= started_at),"
    " ended_at INTEGER CHECK (ended_at IS NULL OR ended_at = seen_until),"
    " min_centi INTEGER NOT NULL,"
    " max_centi INTEGER NOT NULL CHECK (max_centi >= min_centi),"
    " state TEXT NOT NULL"
    "  CHECK (state IN ('recorded', 'quarantined', 'released', 'discarded')),"
    " decided_by TEXT,"
    " decided_at INTEGER,"
    " note TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (fridge, started_at),"
    " CHECK ((state IN ('released', 'discarded'))"
    "  = (decided_by IS NOT NULL AND decided_at IS NOT NULL))"
    ") STRICT;"
    "CREATE INDEX excursion_started ON excursion (started_at);";

/*
 * Step 3: print jobs (store_print.h): the exact bytes for the receipt
 * printer, kept until the printer took them all with a good status.
 */
static const char step3_sql[] =
    "CREATE TABLE print_job ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " kind TEXT NOT NULL,"
    " record_id TEXT,"
    " bytes BLOB NOT NULL CHECK (length(bytes) > 0),"
    " state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    " last_error TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX print_job_pending ON print_job (created_at, id) WHERE state = 'pending';";

/*
 * Step 4: signed vaccination certificates (store_cert.h).
 *
 * certificate: the QR payload issued for one dose in one format ('dcc' EU
 * DCC, 'shc' SMART Health Card), unique per (dose, format) so that a
 * reprint returns what was signed the first time; never updated. It holds
 * personal data (the payload carries the name and birth date) like the
 * other domain tables. trust_key: documents the bus trusts when it
 * verifies certificates ('jwks' an SHC issuer's key set with its iss URL,
 * 'x509' a DCC signer certificate, 'own' the bus's own signer
 * certificates), unique per (kind, iss, SHA-256 of the data).
 */
static const char step4_sql[] =
    "CREATE TABLE certificate ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " visit_id TEXT NOT NULL REFERENCES visit (id),"
    " dose_id TEXT NOT NULL REFERENCES dose (id),"
    " person_id TEXT NOT NULL REFERENCES person (id),"
    " format TEXT NOT NULL CHECK (format IN ('dcc', 'shc')),"
    " payload TEXT NOT NULL CHECK (length(payload) BETWEEN 1 AND 4096),"
    " kid TEXT NOT NULL CHECK (kid <> ''),"
    " certificate_id TEXT NOT NULL DEFAULT '',"
    " issued_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " UNIQUE (dose_id, format)"
    ") STRICT;"
    "CREATE INDEX certificate_visit ON certificate (visit_id);"
    "CREATE INDEX certificate_person ON certificate (person_id);"
    "CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate"
    " BEGIN SELECT RAISE(ABORT, 'an issued certificate is never changed'); END;"

    "CREATE TABLE trust_key ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('jwks', 'x509', 'own')),"
    " iss TEXT NOT NULL DEFAULT '',"
    " digest BLOB NOT NULL CHECK (length(digest) = 32),"
    " data BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND 65536),"
    " created_at INTEGER NOT NULL,"
    " UNIQUE (kind, iss, digest),"
    " CHECK (kind <> 'jwks' OR iss <> '')"
    ") STRICT;";

/*
 * Step 5: what the platform knows of the residents expected at the next
 * stops (store_history.h). expected: residents by identity document, with
 * the pull cursor (the newest platform lastUpdated seen for them).
 * platform_dose: a dose the platform holds, once per platform id; dose_id
 * is the history dose made from it once the resident is registered.
 */
static const char step5_sql[] =
    "CREATE TABLE expected ("
    " doc_type TEXT NOT NULL,"
    " doc_number TEXT NOT NULL,"
    " cursor TEXT NOT NULL DEFAULT '',"
    " added_at INTEGER NOT NULL,"
    " PRIMARY KEY (doc_type, doc_number)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE platform_dose ("
    " server_id TEXT PRIMARY KEY NOT NULL,"
    " doc_type TEXT NOT NULL,"
    " doc_number TEXT NOT NULL,"
    " product TEXT NOT NULL CHECK (product <> ''),"
    " lot TEXT NOT NULL,"
    " dose_number INTEGER NOT NULL CHECK (dose_number >= 0),"
    " given_on TEXT NOT NULL CHECK (date(given_on) IS given_on),"
    " dose_id TEXT REFERENCES dose (id),"
    " pulled_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX platform_dose_doc ON platform_dose (doc_type, doc_number);";

/*
 * Step 6: the resident's informed consent (store_consent.h).
 *
 * consent: one per visit, signed on the kiosk before the visit is queued.
 * It names the wording the person read (the string table key, e.g.
 * "consent.text_v1", and the language: a change of wording gets a new
 * key, so the key always means the text that was shown), keeps the
 * signature as drawn (a PNG), and the screening questions answered "yes"
 * that a doctor must see to before the dose (names, comma-separated; ""
 * when none). Never updated: a new consent needs a new visit.
 */
static const char step6_sql[] =
    "CREATE TABLE consent ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " visit_id TEXT NOT NULL UNIQUE REFERENCES visit (id),"
    " text_key TEXT NOT NULL CHECK (text_key <> ''),"
    " lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),"
    " ask_staff TEXT NOT NULL DEFAULT '',"
    " signature BLOB NOT NULL CHECK (length(signature) BETWEEN 9 AND 1048576"
    "  AND substr(signature, 1, 8) = x'89504e470d0a1a0a'),"
    " signed_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent"
    " BEGIN SELECT RAISE(ABORT, 'a signed consent is never changed'); END;";

/*
 * Step 7: personal fields sealed at rest (store_seal.h). The person table
 * is rebuilt (SQLite cannot change a column's type): doc_number, name,
 * nation, address and phone become sealed BLOBs, and the document is found
 * by keyed hashes instead of clear text — doc_hash of "<type>:<number>"
 * (was UNIQUE (doc_type, doc_number)) and key_hash of the de-duplication
 * key (was doc_key). purged_at is set when the sealed fields were cleared
 * after the platform acknowledged the person's records (the hashes stay so
 * that a returning resident is recognised). The code
 * (store_person_seal_migrate) seals the rows stored in clear, which needs
 * the data key when there are any, then swaps the tables.
 */
static const char step7_sql[] =
    "CREATE TABLE person_sealed ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " doc_type TEXT NOT NULL,"
    " doc_hash BLOB NOT NULL UNIQUE CHECK (length(doc_hash) = 32),"
    " key_hash BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),"
    " doc_number BLOB,"
    " doc_country TEXT NOT NULL DEFAULT '',"
    " doc_birth TEXT CHECK (doc_birth IS NULL OR date(doc_birth) IS doc_birth),"
    " doc_sex INTEGER NOT NULL DEFAULT 0 CHECK (doc_sex IN (0, 1, 2)),"
    " name BLOB,"
    " sex INTEGER NOT NULL CHECK (sex IN (1, 2)),"
    " birth TEXT NOT NULL CHECK (date(birth) IS birth),"
    " nation BLOB,"
    " address BLOB,"
    " phone BLOB,"
    " source TEXT NOT NULL CHECK (source IN ('card', 'qr', 'typed', 'mrz')),"
    " registered_by TEXT REFERENCES person (id),"
    " relationship TEXT NOT NULL DEFAULT '',"
    " bus_id TEXT NOT NULL,"
    " site_id TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " purged_at INTEGER,"
    " CHECK ((registered_by IS NULL) = (relationship = '')),"
    " CHECK ((purged_at IS NULL) = (doc_number IS NOT NULL AND name IS NOT NULL"
    "  AND nation IS NOT NULL AND address IS NOT NULL AND phone IS NOT NULL))"
    ") STRICT;";

/*
 * Step 8: the staff who sign in on the kiosk (store_staff.h): an id (no
 * name: nothing personal), a role, the PIN's Argon2id hash
 * (crypto_pwhash_str) and the wrong-PIN lockout — wrong PINs since the
 * last sign-in, lockouts in a row, locked until (UTC seconds) — kept here
 * so that a restart does not clear it. The old single PIN in meta
 * kiosk_staff_pin (a salted SHA-256) cannot become an Argon2id hash: it is
 * dropped, and staff are added with `vaxbusctl staff add`.
 */
static const char step8_sql[] =
    "CREATE TABLE staff ("
    " id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 63),"
    " role TEXT NOT NULL CHECK (role IN ('nurse', 'doctor', 'admin')),"
    " pin_hash TEXT NOT NULL CHECK (substr(pin_hash, 1, 10) = '$argon2id$'),"
    " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    " wrong INTEGER NOT NULL DEFAULT 0 CHECK (wrong >= 0),"
    " lockouts INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),"
    " locked_until INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;"
    "DELETE FROM meta WHERE key = 'kiosk_staff_pin';";

/*
 * Step 9: the rest of the personal data sealed at rest (store_seal.h),
 * the way step 7 sealed the person table. expected is keyed by the
 * document's keyed hash (doc_hash, as in person) with the number sealed
 * for row "<hex of doc_hash>"; platform_dose keeps the hash only (its
 * doses are imported for the person whose doc_hash it is). The consent's
 * signature image, the certificate's QR payload (it carries the name and
 * birth date) and a print job's bytes (tickets and certificates as
 * printed; their length moves to n_bytes) become sealed BLOBs for their
 * row's id. Tables whose column
 * changes type are rebuilt; the rows stored in clear are sealed on the way
 * by the SQL functions vb_seal and vb_doc_hash, which need the data key
 * when there are any rows.
 */
static const char step9_sql[] =
    "CREATE TABLE expected_sealed ("
    " doc_hash BLOB PRIMARY KEY NOT NULL CHECK (length(doc_hash) = 32),"
    " doc_type TEXT NOT NULL,"
    " doc_number BLOB NOT NULL,"
    " cursor TEXT NOT NULL DEFAULT '',"
    " added_at INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO expected_sealed SELECT h, doc_type,"
    " vb_seal('expected', 'doc_number', lower(hex(h)), doc_number), cursor, added_at"
    " FROM (SELECT vb_doc_hash(doc_type, doc_number) AS h, * FROM expected);"
    "DROP TABLE expected;"
    "ALTER TABLE expected_sealed RENAME TO expected;"

    "CREATE TABLE platform_dose_sealed ("
    " server_id TEXT PRIMARY KEY NOT NULL,"
    " doc_hash BLOB NOT NULL CHECK (length(doc_hash) = 32),"
    " product TEXT NOT NULL CHECK (product <> ''),"
    " lot TEXT NOT NULL,"
    " dose_number INTEGER NOT NULL CHECK (dose_number >= 0),"
    " given_on TEXT NOT NULL CHECK (date(given_on) IS given_on),"
    " dose_id TEXT REFERENCES dose (id),"
    " pulled_at INTEGER NOT NULL"
    ") STRICT;"
    "INSERT INTO platform_dose_sealed SELECT server_id, vb_doc_hash(doc_type, doc_number),"
    " product, lot, dose_number, given_on, dose_id, pulled_at FROM platform_dose;"
    "DROP TABLE platform_dose;"
    "ALTER TABLE platform_dose_sealed RENAME TO platform_dose;"
    "CREATE INDEX platform_dose_doc ON platform_dose (doc_hash);"

    "CREATE TABLE consent_sealed ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " visit_id TEXT NOT NULL UNIQUE REFERENCES visit (id),"
    " text_key TEXT NOT NULL CHECK (text_key <> ''),"
    " lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),"
    " ask_staff TEXT NOT NULL DEFAULT '',"
    " signature BLOB NOT NULL CHECK (length(signature) >= 56),"
    " signed_at INTEGER NOT NULL"
    ") STRICT;"
    "INSERT INTO consent_sealed SELECT id, visit_id, text_key, lang, ask_staff,"
    " vb_seal('consent', 'signature', id, signature), signed_at FROM consent;"
    "DROP TABLE consent;"
    "ALTER TABLE consent_sealed RENAME TO consent;"
    "CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent"
    " BEGIN SELECT RAISE(ABORT, 'a signed consent is never changed'); END;"

    "CREATE TABLE certificate_sealed ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " visit_id TEXT NOT NULL REFERENCES visit (id),"
    " dose_id TEXT NOT NULL REFERENCES dose (id),"
    " person_id TEXT NOT NULL REFERENCES person (id),"
    " format TEXT NOT NULL CHECK (format IN ('dcc', 'shc')),"
    " payload BLOB NOT NULL CHECK (length(payload) >= 56),"
    " kid TEXT NOT NULL CHECK (kid <> ''),"
    " certificate_id TEXT NOT NULL DEFAULT '',"
    " issued_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " UNIQUE (dose_id, format)"
    ") STRICT;"
    "INSERT INTO certificate_sealed SELECT id, visit_id, dose_id, person_id, format,"
    " vb_seal('certificate', 'payload', id, payload), kid, certificate_id, issued_at,"
    " expires_at, created_at FROM certificate;"
    "DROP TABLE certificate;"
    "ALTER TABLE certificate_sealed RENAME TO certificate;"
    "CREATE INDEX certificate_visit ON certificate (visit_id);"
    "CREATE INDEX certificate_person ON certificate (person_id);"
    "CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate"
    " BEGIN SELECT RAISE(ABORT, 'an issued certificate is never changed'); END;"

    "ALTER TABLE print_job ADD COLUMN n_bytes INTEGER NOT NULL DEFAULT 0;"
    "UPDATE print_job SET n_bytes = length(bytes),"
    " bytes = vb_seal('print_job', 'bytes', id, bytes);";

const struct store_migration store_migrations[] = {
    {1, "meta, outbox, audit", step1_sql, store_meta_bootstrap},
    {2, "domain tables", step2_sql, NULL},
    {3, "print jobs", step3_sql, NULL},
    {4, "certificates and trusted keys", step4_sql, NULL},
    {5, "platform histories of expected residents", step5_sql, NULL},
    {6, "informed consents", step6_sql, NULL},
    {7, "personal fields sealed", step7_sql, store_person_seal_migrate},
    {8, "staff and their PIN hashes", step8_sql, NULL},
    {9, "the rest of the personal data sealed", step9_sql, NULL},
};

const size_t store_migrations_count = sizeof(store_migrations) / sizeof(store_migrations[0]);
