/*
 * drv_wipe: a volatile byte loop, which C17 compilers may not elide
 * (memset before free may be removed; explicit_bzero is not C17).
 */
#include "drv_wipe.h"

#include <stdint.h>

void drv_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}
