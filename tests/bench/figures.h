/*
 * figures: what every benchmark here needs — a monotonic clock, medians
 * and percentiles, the machine it ran on, and a data key for the
 * databases it writes.
 */
#ifndef FIGURES_H
#define FIGURES_H

#include <stddef.h>

/* CLOCK_MONOTONIC in milliseconds. */
double figures_now_ms(void);

/* Sorts v[0..n) (n > 0) and returns its median. */
double figures_median(double *v, size_t n);

/* The p-th percentile (nearest rank) of sorted v[0..n), n > 0. */
double figures_percentile(const double *v, size_t n, unsigned p);

/* Prints "machine: MODEL, N CPUs, OS ARCH". */
void figures_machine(void);

/* Sets a random data key for this process (store_key_set: the store
 * seals personal fields under it), or exits saying why. */
void figures_data_key(void);

#endif
