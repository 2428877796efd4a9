/*
 * figures: what every benchmark here needs to print its figures — a
 * monotonic clock, medians and percentiles, and the machine it ran on.
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

#endif
