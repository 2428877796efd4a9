/* The sync thread against the real FHIR server of tests/platform (started
 * and stopped here; $VB_PLATFORM_DIR names it): it drains the outbox and
 * reports, a wake makes it look at once instead of after its idle wait,
 * and stopping it interrupts a request the server holds, putting the rows
 * back in the queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_meta.h"
#include "store_person.h"
#include "sync_thread.h"

struct server {
	pid_t pid;
	int port;
};

/* Starts tests/platform's server with extra args; waits for its port. */
static void server_start(struct server *s, const char *data, const char *const *extra)
{
	const char *pdir = getenv("VB_PLATFORM_DIR");
	char run[512];
	int fds[2];
	assert_non_null(pdir);
	snprintf(run, sizeof(run), "%s/run", pdir);
	assert_int_equal(pipe(fds), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		const char *argv[16] = {run, "server.mjs", "--port", "0", "--data", data};
		int n = 6;
		for (int i = 0; extra && extra[i] && n < 15; i++)
			argv[n++] = extra[i];
		dup2(fds[1], 1);
		close(fds[0]);
		execv(run, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char line[64] = "";
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "listening %d", &s->port), 1);
	fclose(f);
}

static void server_stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

static void nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&t, NULL);
}

static int64_t real_now(void)
{
	return (int64_t)time(NULL);
}

struct fx {
	char dir[64], db[128], data[128];
	struct catalog *cat;
	struct store *st;
	struct sync_options o;
	int next_seq;
	pthread_mutex_t mu;
	struct sync_report last;
	int reports;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/vb-thread-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/bus.db", f->dir);
	snprintf(f->data, sizeof(f->data), "%s/platform", f->dir);
	f->cat = catalog_new(0);
	unsigned char key[STORE_KEY_LEN];
	memset(key, 0x42, sizeof(key)); /* the test data key */
	assert_int_equal(store_key_set(key), VB_OK);
	assert_int_equal(store_open(f->db, &f->st, NULL), VB_OK);
	assert_int_equal(store_meta_init_identity(f->st, "BUS-1", "SITE-1"), VB_OK);
	sync_options_defaults(&f->o);
	f->o.backoff_min_ms = 1000;
	f->o.backoff_max_ms = 2000;
	pthread_mutex_init(&f->mu, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];
	store_close(f->st);
	store_key_clear();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	catalog_free(f->cat);
	pthread_mutex_destroy(&f->mu);
	free(f);
	return 0;
}

/* Registers n residents (n patient rows in the outbox). */
static void add_persons(struct fx *f, int n)
{
	assert_int_equal(store_begin(f->st), VB_OK);
	for (int i = 0; i < n; i++) {
		struct person p;
		struct vb_reason why;
		char number[19];
		snprintf(number, sizeof(number), "11010119800101%03d", f->next_seq++);
		number[17] = iddoc_cn_check_char(number);
		number[18] = '\0';
		person_init(&p);
		assert_int_equal(iddoc_validate(IDDOC_CN_RESIDENT, number, 19000, &p.doc, &why),
				 VB_OK);
		snprintf(p.name, sizeof(p.name), "测试%d", i);
		p.sex = p.doc.sex;
		p.birth = p.doc.birth;
		p.source = PERSON_SOURCE_TYPED;
		assert_int_equal(person_check(&p, 19000, &why), VB_OK);
		assert_int_equal(store_person_add(f->st, &p, "kiosk", real_now() - 5), VB_OK);
	}
	assert_int_equal(store_commit(f->st), VB_OK);
}

static void on_report(void *arg, const struct sync_report *r)
{
	struct fx *f = arg;
	pthread_mutex_lock(&f->mu);
	f->last = *r;
	f->reports++;
	pthread_mutex_unlock(&f->mu);
}

static int64_t ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Waits up to ms for the outbox to hold `acked` acknowledged rows. */
static int wait_acked(struct fx *f, int64_t acked, int64_t ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct store_outbox_counts c;
	do {
		assert_int_equal(store_outbox_counts(f->st, &c), VB_OK);
		if (c.acked == acked)
			return 1;
		nap_ms(50);
	} while (ms_since(&t0) < ms);
	return 0;
}

static void test_drains_and_wakes(void **state)
{
	struct fx *f = *state;
	struct server s;
	server_start(&s, f->data, NULL);
	snprintf(f->o.url, sizeof(f->o.url), "http://127.0.0.1:%d/fhir/R4", s.port);
	add_persons(f, 30);
	struct sync_thread *t = NULL;
	assert_int_equal(
	    sync_thread_start(f->db, &f->o, f->cat, real_now, 0, on_report, f, &t, NULL, 0), VB_OK);
	assert_true(wait_acked(f, 30, 20000));
	pthread_mutex_lock(&f->mu);
	assert_true(f->reports > 0);
	pthread_mutex_unlock(&f->mu);

	/* Idle now (it would sleep 30 s): a wake sends new rows at once. */
	nap_ms(300);
	add_persons(f, 5);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sync_thread_wake(t);
	assert_true(wait_acked(f, 35, 10000));
	assert_true(ms_since(&t0) < 10000);
	nap_ms(200); /* the report follows the settle */
	pthread_mutex_lock(&f->mu);
	assert_int_equal(f->last.push.acked, 35);
	assert_int_equal(f->last.push.pending, 0);
	assert_true(f->last.link_ok);
	pthread_mutex_unlock(&f->mu);
	sync_thread_stop(t);
	server_stop(&s);
}

static void test_stop_interrupts_a_request(void **state)
{
	struct fx *f = *state;
	struct server s;
	static const char *const slow[] = {"--pdelay", "1", "--delay-ms", "20000", NULL};
	server_start(&s, f->data, slow);
	snprintf(f->o.url, sizeof(f->o.url), "http://127.0.0.1:%d/fhir/R4", s.port);
	add_persons(f, 4);
	struct sync_thread *t = NULL;
	assert_int_equal(
	    sync_thread_start(f->db, &f->o, f->cat, real_now, 0, NULL, NULL, &t, NULL, 0), VB_OK);
	struct store_outbox_counts c = {0, 0, 0, 0};
	for (int i = 0; i < 200 && c.in_flight == 0; i++) {
		nap_ms(25);
		assert_int_equal(store_outbox_counts(f->st, &c), VB_OK);
	}
	assert_int_equal(c.in_flight, 4);
	nap_ms(300); /* the request is on the wire, held by the server */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sync_thread_stop(t);
	int64_t took = ms_since(&t0);
	if (took > 5000)
		fail_msg("stop took %lld ms while the server held the answer 20 s",
			 (long long)took);
	assert_int_equal(store_outbox_counts(f->st, &c), VB_OK);
	assert_int_equal(c.in_flight, 0);
	assert_int_equal(c.pending, 4);
	server_stop(&s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_drains_and_wakes),
	    T(test_stop_interrupts_a_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
