/*
 * figures: clock, medians, percentiles and the machine line (figures.h).
 */
#include "figures.h"

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

double figures_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double figures_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double figures_percentile(const double *v, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

void figures_machine(void)
{
	struct utsname u;
	char line[256], model[300] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *colon = strchr(line, ':');
			snprintf(model, sizeof(model), "%s", colon ? colon + 2 : line);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	printf("machine: %s, %ld CPUs, %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN), u.sysname,
	       u.machine);
}

void figures_data_key(void)
{
	unsigned char key[STORE_KEY_LEN];
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key) || store_key_set(key) != 0) {
		fprintf(stderr, "bench: cannot make a data key\n");
		exit(1);
	}
	memset(key, 0, sizeof(key));
}
