/*
 * bench_kiosk: the touchscreen's figures against its targets — start to
 * interactive <= 300 ms, touch to presented frame p99 <= 8 ms at 1280x800
 * and 1920x1080, idle CPU on the welcome screen < 1 %, peak RSS <= 80 MB,
 * system time of a scripted registration <= 300 ms.
 *
 *   bench_kiosk --kiosk PATH --db DB --scripts DIR [--runs N] [--taps N] [--idle-s S]
 *
 * DB is a database made by `vaxbusctl init` with a lot on board (kiosk.sh
 * makes one, with simulated devices in $VAXBUS_CONF); it is copied for
 * each run, never written. Three measurements, each --runs times (3), the
 * median printed with the min and max:
 *
 * 1. The real vaxbus-kiosk, interactive, at each size: from fork to the
 *    READY=1 it sends on $NOTIFY_SOCKET once its first frame is presented
 *    (as systemd would receive it), then --idle-s seconds (10) on the
 *    welcome screen: CPU time of all its threads (/proc/PID/task/N/schedstat)
 *    over wall time, and peak RSS (VmHWM).
 * 2. Touch to presented frame, in this process through the kiosk library
 *    (kiosk_open, as vaxbus-kiosk opens): --taps taps (2000) going round
 *    welcome -> identify -> 18 digits typed -> delete -> back, each timed
 *    from kiosk_tap to the end of kiosk_draw (SDL_RenderPresent). p50,
 *    p99 and max after one warm-up round (the text cache filled).
 * 3. A registration scripted from welcome to the printed ticket
 *    (DIR/registration.script) run by vaxbus-kiosk --script: its system
 *    and user time (wait4) minus those of a run that only opens and
 *    closes the kiosk (DIR/start.script), and its peak RSS.
 *
 * Rendering is SDL's software renderer on the driver SDL_VIDEODRIVER
 * names (dummy when unset; kiosk.sh gives it an Xvfb): the figures are
 * the kiosk's own work, without a compositor or GPU. Nothing here asserts
 * on a time.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <SDL.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "figures.h"
#include "kiosk.h"

#define MAX_RUNS 32
#define MAX_TAPS 100000

static const int sizes[][2] = {{1280, 800}, {1920, 1080}};
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

struct opts {
	const char *kiosk, *db, *scripts;
	int runs, taps, idle_s;
};

static char work[256]; /* a fresh folder for the copies, removed at exit */

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_kiosk: %s: %s\n", what, why);
	exit(1);
}

static void cleanup(void)
{
	char cmd[320];
	if (work[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_kiosk: cannot remove %s\n", work);
	}
}

/* A fresh copy of the template database; its path in out. */
static void copy_db(const struct opts *o, int n, char *out, size_t cap)
{
	char cmd[1024];
	snprintf(out, cap, "%s/run-%d.db", work, n);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \".backup '%s'\"", o->db, out);
	if (system(cmd) != 0)
		die("cannot copy the database (sqlite3 .backup)", o->db);
}

/* fork + exec of vaxbus-kiosk with argv[1..]; returns the pid. */
static pid_t spawn(const struct opts *o, char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execv(o->kiosk, argv);
		_exit(127);
	}
	return pid;
}

/* CPU time of every thread of pid in ns (schedstat: run time, not
 * rounded to clock ticks), or -1. */
static double cpu_ns(pid_t pid)
{
	char path[64], file[400];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	double sum = d ? 0 : -1;
	for (struct dirent *e; d && (e = readdir(d));) {
		unsigned long long ns;
		snprintf(file, sizeof(file), "%s/%s/schedstat", path, e->d_name);
		FILE *f = e->d_name[0] == '.' ? NULL : fopen(file, "r");
		if (f && fscanf(f, "%llu", &ns) == 1)
			sum += (double)ns;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return sum;
}

/* VmHWM of pid in MB, or -1. */
static double peak_mb(pid_t pid)
{
	char path[64], line[256];
	double kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lf kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/* 1. One interactive start at w x h: start ms, idle CPU %, peak MB. */
static void start_run(const struct opts *o, int n, int w, int h, double *start_ms, double *idle_pct,
		      double *mb)
{
	char db[300], size[32], sock_path[300], buf[256];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	copy_db(o, n, db, sizeof(db));
	snprintf(size, sizeof(size), "%dx%d", w, h);
	snprintf(sock_path, sizeof(sock_path), "%s/notify-%d", work, n);
	if (strlen(sock_path) >= sizeof(sa.sun_path))
		die("the work folder's path is too long for a socket", work);
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("the notify socket", strerror(errno));
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setenv("NOTIFY_SOCKET", sock_path, 1);
	char *argv[] = {(char *)o->kiosk, "--db", db, "--size", size, NULL};
	double t0 = figures_now_ms();
	pid_t pid = spawn(o, argv);
	unsetenv("NOTIFY_SOCKET");
	*start_ms = -1;
	for (;;) {
		ssize_t got = recv(fd, buf, sizeof(buf) - 1, 0);
		if (got < 0)
			break; /* timed out: no READY=1 */
		buf[got] = '\0';
		if (strstr(buf, "READY=1")) {
			*start_ms = figures_now_ms() - t0;
			break;
		}
	}
	close(fd);
	unlink(sock_path);
	if (*start_ms < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		die("the kiosk did not say READY=1 within 10 s", o->kiosk);
	}
	sleep(1); /* past the first second's work */
	double c0 = cpu_ns(pid), w0 = figures_now_ms();
	sleep((unsigned)o->idle_s);
	double c1 = cpu_ns(pid), wall_ms = figures_now_ms() - w0;
	*idle_pct = c0 < 0 || c1 < 0 ? -1 : 100.0 * (c1 - c0) / 1e6 / wall_ms;
	*mb = peak_mb(pid);
	kill(pid, SIGTERM);
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "bench_kiosk: the kiosk did not end cleanly on SIGTERM\n");
}

/* 3. One scripted run: system and user ms, peak MB (wait4). */
static void script_run(const struct opts *o, int n, const char *script, double *sys_ms,
		       double *user_ms, double *mb)
{
	char db[300], path[600];
	struct rusage ru;
	int status;
	copy_db(o, n, db, sizeof(db));
	snprintf(path, sizeof(path), "%s/%s", o->scripts, script);
	char *argv[] = {(char *)o->kiosk, "--db", db, "--script", path, NULL};
	pid_t pid = spawn(o, argv);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the scripted run failed", path);
	*sys_ms = (double)ru.ru_stime.tv_sec * 1e3 + (double)ru.ru_stime.tv_usec / 1e3;
	*user_ms = (double)ru.ru_utime.tv_sec * 1e3 + (double)ru.ru_utime.tv_usec / 1e3;
	*mb = (double)ru.ru_maxrss / 1024;
}

/* The taps of one round: start, 18 digits, delete, back to welcome. */
static const char *const round_taps[] = {
    "welcome.start", "keypad.1", "keypad.1", "keypad.0", "keypad.1", "keypad.0",   "keypad.1",
    "keypad.1",	     "keypad.9", "keypad.4", "keypad.9", "keypad.0", "keypad.1",   "keypad.0",
    "keypad.1",	     "keypad.0", "keypad.0", "keypad.1", "keypad.5", "keypad.DEL", "back"};
#define ROUND (sizeof(round_taps) / sizeof(round_taps[0]))

/* 2. Touch to frame at w x h, in process: p50, p99, max in ms. */
static void touch_run(const struct opts *o, int n, int w, int h, double *p50, double *p99,
		      double *max)
{
	static double t[MAX_TAPS];
	char db[300];
	struct kiosk k;
	memset(&k, 0, sizeof(k));
	copy_db(o, n, db, sizeof(db));
	const struct kiosk_options ko = {.db = db, .w = w, .h = h};
	if (kiosk_open(&k, &ko))
		die("kiosk_open", db);
	for (size_t i = 0; i < ROUND; i++) { /* warm-up */
		kiosk_tap(&k, round_taps[i]);
		kiosk_draw(&k);
	}
	for (int i = 0; i < o->taps; i++) {
		const char *id = round_taps[(size_t)i % ROUND];
		if (!ui_widget_shown(k.ui, id))
			die("a tap found no widget", id);
		double t0 = figures_now_ms();
		kiosk_tap(&k, id);
		kiosk_draw(&k);
		t[i] = figures_now_ms() - t0;
	}
	kiosk_close(&k);
	*p50 = figures_median(t, (size_t)o->taps);
	*p99 = figures_percentile(t, (size_t)o->taps, 99);
	*max = t[o->taps - 1];
}

static void row(const char *what, double *v, int runs, const char *unit, const char *target)
{
	double med = figures_median(v, (size_t)runs);
	printf("  %-34s %9.2f %9.2f %9.2f  %-3s %s\n", what, med, v[0], v[runs - 1], unit, target);
}

static void parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.runs = 3, .taps = 2000, .idle_s = 10};
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];
		if (strcmp(a, "--kiosk") == 0)
			o->kiosk = v;
		else if (strcmp(a, "--db") == 0)
			o->db = v;
		else if (strcmp(a, "--scripts") == 0)
			o->scripts = v;
		else if (strcmp(a, "--runs") == 0)
			o->runs = atoi(v);
		else if (strcmp(a, "--taps") == 0)
			o->taps = atoi(v);
		else if (strcmp(a, "--idle-s") == 0)
			o->idle_s = atoi(v);
		else
			die("unknown option", a);
	}
	if (!o->kiosk || !o->db || !o->scripts || argc % 2 == 0 || o->runs < 1 ||
	    o->runs > MAX_RUNS || o->taps < 100 || o->taps > MAX_TAPS || o->idle_s < 1)
		die("usage", "bench_kiosk --kiosk PATH --db DB --scripts DIR [--runs 1..32] "
			     "[--taps 100..100000] [--idle-s S]");
}

int main(int argc, char **argv)
{
	struct opts o;
	parse(argc, argv, &o);
	if (!getenv("SDL_VIDEODRIVER"))
		setenv("SDL_VIDEODRIVER", "dummy", 1);
	setenv("SDL_RENDER_DRIVER", "software", 1);
	const char *base = getenv("VB_BENCH_DIR");
	snprintf(work, sizeof(work), "%s/bench-kiosk-XXXXXX", base && *base ? base : "/var/tmp");
	if (!mkdtemp(work))
		die("cannot make a work folder", work);
	atexit(cleanup);

	figures_machine();
	printf("video driver %s, software renderer; %d runs each; median, min, max\n\n",
	       getenv("SDL_VIDEODRIVER"), o.runs);
	printf("  %-34s %9s %9s %9s  %-3s %s\n", "", "median", "min", "max", "", "target");
	for (size_t s = 0; s < N_SIZES; s++) {
		double start[MAX_RUNS], idle[MAX_RUNS], mb[MAX_RUNS], p50[MAX_RUNS], p99[MAX_RUNS],
		    max[MAX_RUNS];
		int w = sizes[s][0], h = sizes[s][1];
		for (int r = 0; r < o.runs; r++) {
			start_run(&o, r, w, h, &start[r], &idle[r], &mb[r]);
			touch_run(&o, r, w, h, &p50[r], &p99[r], &max[r]);
		}
		printf("%dx%d\n", w, h);
		row("start to first frame (READY=1)", start, o.runs, "ms", "<= 300 ms");
		row("idle CPU on welcome", idle, o.runs, "%", "< 1 %");
		row("peak RSS after start and idle", mb, o.runs, "MB", "<= 80 MB");
		row("touch to frame p50", p50, o.runs, "ms", "");
		row("touch to frame p99", p99, o.runs, "ms", "<= 8 ms");
		row("touch to frame max", max, o.runs, "ms", "");
	}
	double sys[MAX_RUNS], user[MAX_RUNS], mb[MAX_RUNS], base_sys[MAX_RUNS], base_user[MAX_RUNS],
	    base_mb[MAX_RUNS];
	for (int r = 0; r < o.runs; r++) {
		script_run(&o, r, "start.script", &base_sys[r], &base_user[r], &base_mb[r]);
		script_run(&o, r, "registration.script", &sys[r], &user[r], &mb[r]);
		sys[r] -= base_sys[r];
		user[r] -= base_user[r];
	}
	printf("scripted registration, welcome to printed ticket, 1280x800\n");
	row("system time (minus open+close)", sys, o.runs, "ms", "<= 300 ms");
	row("user time (minus open+close)", user, o.runs, "ms", "");
	row("open+close alone: system time", base_sys, o.runs, "ms", "");
	row("peak RSS of the registration run", mb, o.runs, "MB", "<= 80 MB");
	return 0;
}
