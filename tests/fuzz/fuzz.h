/*
 * fuzz.h: what every fuzz target here shares — libFuzzer's entry point
 * and CHECK, which aborts (a finding) when a property does not hold.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* A char array holds a NUL within its size. */
#define TERMINATED(s) (memchr((s), '\0', sizeof(s)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
