/*
 * store_aefi: adverse events following immunization (table aefi).
 *
 * An AEFI record follows the dose given at a visit (struct aefi names the
 * visit; the store links the visit's dose and person). It is queued for
 * the platform (outbox kind "adverse_event") and audited ("aefi.add",
 * detail: visit, dose, severity, action and symptom codes — never the
 * free texts `other` and `action_note`) in the caller's transaction, and
 * carries the bus_id and site_id that meta holds at the time. The rules
 * (aefi_check) are the core's and run before; moving the visit to its
 * aefi state is the caller's store_visit_transition() in the same
 * transaction. Symptoms are stored as the core's comma-separated names.
 */
#ifndef STORE_AEFI_H
#define STORE_AEFI_H

#include <stddef.h>
#include <stdint.h>

#include "aefi.h"
#include "store.h"

/*
 * Saves *a at now (a->id ignored; a new UUIDv7 written to it on VB_OK).
 * Returns VB_OK; VB_ENOTFOUND when a->visit_id has no dose (or no such
 * visit exists); VB_EINVAL for a malformed record (visit id not a record
 * id, symptom bits empty or outside the list, unknown severity or action,
 * texts not terminated) or no bus/site identity; VB_ESTATE (no
 * transaction); or a storage error. Only a storage error needs the
 * transaction rolled back.
 */
int store_aefi_add(struct store *st, struct aefi *a, const char *actor, int64_t now);

/* The AEFI record `id`: VB_OK with *out filled, VB_ENOTFOUND or a storage
 * error (*out written only on VB_OK). */
int store_aefi_get(struct store *st, const char *id, struct aefi *out);

/*
 * The AEFI records of visit visit_id, by onset, into out[0..*n) (room for
 * cap). Returns VB_OK, VB_ERANGE (more than cap; *n untouched) or a
 * storage error.
 */
int store_aefi_list_visit(struct store *st, const char *visit_id, struct aefi *out, size_t cap,
			  size_t *n);

/*
 * The AEFI records of site_id (every site when NULL) whose onset is in
 * from <= onset < to, by onset, into out[0..*n) (room for cap). Returns
 * VB_OK, VB_ERANGE (more than cap; *n untouched) or a storage error.
 */
int store_aefi_list_onset(struct store *st, const char *site_id, int64_t from, int64_t to,
			  struct aefi *out, size_t cap, size_t *n);

#endif
