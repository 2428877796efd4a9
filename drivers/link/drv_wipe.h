/*
 * drv_wipe: zeroing memory that held personal data (card fields, scans,
 * receipts) in a way the compiler does not drop, before it is freed or
 * reused.
 */
#ifndef DRV_WIPE_H
#define DRV_WIPE_H

#include <stddef.h>

/* Writes n zero bytes at p (p may be NULL when n is 0). */
void drv_wipe(void *p, size_t n);

#endif
