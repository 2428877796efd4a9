/*
 * visits: the synthetic vaccination tour the benchmarks write, shared by
 * bench_domain (what it costs on disk) and bench_sync (what it costs on
 * the wire), so both measure the same records written the same way.
 *
 * A tour starts on 2021-06-15 with VISITS_PER_DAY visits a day. Visit i is
 * resident i's first dose: at the kiosk the card's number is looked up and
 * the resident registered (store_person_add, one transaction); at the
 * station the history and stock are loaded, the schedule and the box check
 * decide, and one transaction writes the visit, its transitions, the lot
 * and the single-dose vial, the dose and observe_start (station.h), as
 * vaxbusctl does. Each visit queues two outbox rows: the patient and the
 * immunization.
 *
 * Resident i (i < VISITS_ID_SPACE) has a valid, distinct cn-resident number
 * from an affine walk of the number space, so the same i always gives the
 * same resident and i >= N gives numbers not among residents 0..N-1; names,
 * addresses and phones are synthetic but of realistic length.
 */
#ifndef BENCH_VISITS_H
#define BENCH_VISITS_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "person.h"
#include "store.h"

#define VISITS_PER_DAY	    250
#define VISITS_UTC_OFFSET_S (8 * 3600) /* China Standard Time */
/* Residents: 8 regions x 23,000 birth dates x 1,000 sequence numbers. */
#define VISITS_ID_SPACE ((uint64_t)8 * 23000 * 1000)

/* The tour's first day (local date, days as vbdate counts them). */
int32_t visits_first_day(void);

/* Fills *p with resident i (< VISITS_ID_SPACE), checked with person_check
 * as the app does before saving. VB_OK, or VB_EINVAL with why set. */
int visits_resident(uint64_t i, struct person *p, char *why, size_t whycap);

/* A fresh database's set-up: the bus's identity and one lot with vials for
 * `visits` doses and some to spare. VB_OK or a storage error. */
int visits_setup(struct store *st, const struct catalog *cat, int visits);

/* Writes visits 0..visits-1 of the tour on a database prepared by
 * visits_setup. VB_OK, or an error with why naming the step that failed
 * (store_errmsg(st) may say more). */
int visits_write(struct store *st, const struct catalog *cat, int visits, char *why, size_t whycap);

#endif
