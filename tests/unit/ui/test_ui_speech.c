/* Spoken prompts: the shipped say.* prompts synthesise to audible PCM of a
 * length that fits their words in both languages, the cache gives the same
 * clip back without synthesising again, saying a prompt replaces what is
 * queued, a prompt not synthesised yet is played once the worker has it,
 * and with speech off nothing is queued (on SDL's dummy audio device).
 * Prints the median synthesis time of a prompt and the cache's size. */
#include <math.h>
#include <time.h>

#include "ui_speech.h"
#include "ui_test.h"

static struct ui_speech *speech_open(int on, int device)
{
	struct ui_speech *s = NULL;
	char why[256] = "";
	struct ui_speech_options o = {.on = on, .device = device};
	if (ui_speech_open(&o, &s, why, sizeof(why)) != 0)
		fail_msg("ui_speech_open: %s", why);
	return s;
}

static size_t words(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += (p == text || p[-1] == ' ') && *p != ' ';
	return n;
}

/* Audible: a loud enough RMS and few zero samples; plausible: between one
 * and five words (pinyin syllables) a second. */
static void check_prompt(struct ui_speech *s, enum ui_lang lang, const char *text)
{
	const int16_t *pcm = NULL;
	size_t n = 0;
	assert_int_equal(ui_speech_pcm(s, lang, text, &pcm, &n), 0);
	assert_non_null(pcm);
	double sum = 0, secs = (double)n / ui_speech_sample_rate(s);
	size_t zero = 0;
	for (size_t i = 0; i < n; i++) {
		sum += (double)pcm[i] * pcm[i];
		zero += pcm[i] == 0;
	}
	double rms = sqrt(sum / (double)n), per_s = (double)words(text) / secs;
	if (rms < 500 || zero > n / 2 || per_s < 1 || per_s > 5)
		fail_msg("%s: %.2f s, rms %.0f, %zu of %zu samples zero, %.1f words/s", text, secs,
			 rms, zero, n, per_s);
}

static void test_prompts(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	struct ui_speech *s = speech_open(1, 0);
	assert_int_equal(ui_speech_sample_rate(s), 22050);
	assert_int_equal(ui_speech_has_device(s), 0);
	static const char *const keys[] = {"say.welcome", "say.identify", "say.screening.q.fever",
					   "say.doctor"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		for (int lang = UI_ZH; lang < UI_LANG_COUNT; lang++) {
			const char *text = ui_str_lang(u, (enum ui_lang)lang, keys[i]);
			assert_ptr_not_equal(text, keys[i]); /* in the table */
			check_prompt(s, (enum ui_lang)lang, text);
		}
	const int16_t *pcm = (const int16_t *)&pcm;
	size_t n = 1;
	assert_int_equal(ui_speech_pcm(s, UI_ZH, "", &pcm, &n), -1);
	assert_int_equal(ui_speech_pcm(s, UI_ZH, NULL, &pcm, &n), -1);
	ui_speech_close(s);
	ui_close(u);
}

static void test_cache(void **state)
{
	(void)state;
	struct ui_speech *s = speech_open(1, 0);
	const int16_t *a, *b;
	size_t na, nb;
	assert_int_equal(ui_speech_pcm(s, UI_EN, "Please wait.", &a, &na), 0);
	assert_int_equal(ui_speech_synth_count(s), 1);
	assert_int_equal(ui_speech_pcm(s, UI_EN, "Please wait.", &b, &nb), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(na, nb);
	assert_int_equal(ui_speech_synth_count(s), 1);
	/* The same letters in the other language are another clip. */
	assert_int_equal(ui_speech_pcm(s, UI_ZH, "Please wait.", &b, &nb), 0);
	assert_ptr_not_equal(a, b);
	assert_int_equal(ui_speech_synth_count(s), 2);
	ui_speech_close(s);
}

static void test_queue(void **state)
{
	(void)state;
	struct ui_speech *s = speech_open(1, 1);
	assert_int_equal(ui_speech_has_device(s), 1);
	const char *first = "This is the first prompt, and it goes on for a while.";
	const char *second = "qing3 deng3 yi2 xia4.";
	const int16_t *pcm;
	size_t n;
	assert_int_equal(ui_speech_pcm(s, UI_EN, first, &pcm, &n), 0); /* cached: no worker */
	ui_speech_say(s, UI_EN, first, 1);
	assert_true(ui_speech_queued(s) > 0);
	assert_int_equal(ui_speech_pcm(s, UI_ZH, second, &pcm, &n), 0);
	ui_speech_say(s, UI_ZH, second, 1);
	uint32_t q = ui_speech_queued(s);
	assert_true(q > 0 && q <= n * sizeof(int16_t)); /* the first was dropped */
	/* Asked again without again: not started over; with again, it is. */
	ui_speech_set_on(s, 0);
	ui_speech_set_on(s, 1);
	ui_speech_say(s, UI_ZH, second, 0);
	assert_int_equal(ui_speech_queued(s), 0);
	ui_speech_say(s, UI_ZH, second, 1);
	assert_true(ui_speech_queued(s) > 0);
	/* Nothing to say stops it. */
	ui_speech_say(s, UI_ZH, NULL, 1);
	assert_int_equal(ui_speech_queued(s), 0);

	/* Off: what plays stops, nothing is queued or synthesised. */
	ui_speech_say(s, UI_EN, first, 1);
	assert_true(ui_speech_queued(s) > 0);
	ui_speech_set_on(s, 0);
	assert_int_equal(ui_speech_get_on(s), 0);
	assert_int_equal(ui_speech_queued(s), 0);
	unsigned long synths = ui_speech_synth_count(s);
	ui_speech_say(s, UI_EN, "Nobody hears this.", 1);
	assert_int_equal(ui_speech_queued(s), 0);
	assert_int_equal(ui_speech_synth_count(s), synths);
	ui_speech_set_on(s, 1);
	ui_speech_say(s, UI_EN, first, 1);
	assert_true(ui_speech_queued(s) > 0);
	ui_speech_close(s);
	ui_speech_close(NULL);
	assert_int_equal(ui_speech_get_on(NULL), 0);
}

/* The worker: a prompt said before it is synthesised plays when ready;
 * preloaded ones play at once without another synthesis; one replaced by
 * another before it was ready is never played. */
static void test_worker(void **state)
{
	(void)state;
	struct ui_speech *s = speech_open(1, 1);
	ui_speech_say(s, UI_EN, "Not ready yet, but soon.", 1);
	ui_speech_wait(s);
	assert_true(ui_speech_queued(s) > 0);
	assert_int_equal(ui_speech_synth_count(s), 1);

	ui_speech_preload(s, UI_ZH, "huan1 ying2.");
	ui_speech_preload(s, UI_EN, "Welcome.");
	ui_speech_wait(s);
	assert_int_equal(ui_speech_synth_count(s), 3);
	const int16_t *pcm;
	size_t n;
	assert_int_equal(ui_speech_pcm(s, UI_ZH, "huan1 ying2.", &pcm, &n), 0);
	ui_speech_say(s, UI_ZH, "huan1 ying2.", 1);
	uint32_t q = ui_speech_queued(s);
	assert_true(q > 0 && q <= n * sizeof(int16_t));
	assert_int_equal(ui_speech_synth_count(s), 3);

	/* Replaced before ready: only the second is heard. */
	ui_speech_say(s, UI_EN, "The first of two.", 1);
	assert_int_equal(ui_speech_pcm(s, UI_EN, "Welcome.", &pcm, &n), 0);
	ui_speech_say(s, UI_EN, "Welcome.", 1);
	ui_speech_wait(s);
	q = ui_speech_queued(s);
	assert_true(q > 0 && q <= n * sizeof(int16_t));
	/* Off before ready: nothing. */
	ui_speech_say(s, UI_EN, "Turned off before it was ready.", 1);
	ui_speech_set_on(s, 0);
	ui_speech_wait(s);
	assert_int_equal(ui_speech_queued(s), 0);
	ui_speech_close(s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Every say.* text of the tables once: the median time to synthesise one
 * (what the UI thread would wait without the worker), in wall-clock and
 * in CPU time (the machine may be busy), and the PCM kept. */
static void test_timing(void **state)
{
	(void)state;
	struct ui *u = ui_test_open(800, 480);
	struct ui_speech *s = speech_open(1, 0);
	for (int lang = UI_ZH; lang < UI_LANG_COUNT; lang++) {
		const struct ui_table *t = &u->strings[lang];
		double ms[64], cpu[64], secs = 0;
		size_t k = 0;
		for (size_t i = 0; i < t->n && k < 64; i++) {
			if (strncmp(t->e[i].key, "say.", 4) != 0)
				continue;
			const int16_t *pcm;
			size_t n;
			struct timespec t0, t1, c0, c1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
			assert_int_equal(
			    ui_speech_pcm(s, (enum ui_lang)lang, t->e[i].text, &pcm, &n), 0);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			cpu[k] = (double)(c1.tv_sec - c0.tv_sec) * 1e3 +
				 (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
			ms[k++] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
			secs += (double)n / ui_speech_sample_rate(s);
		}
		assert_true(k >= 9);
		qsort(ms, k, sizeof(ms[0]), cmp_double);
		qsort(cpu, k, sizeof(cpu[0]), cmp_double);
		printf("%s: %zu prompts, %.0f s of speech; synthesis median %.1f ms (min %.1f, "
		       "max %.1f), CPU median %.1f ms (max %.1f)\n",
		       t->name, k, secs, ms[k / 2], ms[0], ms[k - 1], cpu[k / 2], cpu[k - 1]);
	}
	printf("cache: %zu bytes of PCM\n", ui_speech_cache_bytes(s));
	ui_speech_close(s);
	ui_close(u);
}

int main(void)
{
	ui_test_env();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prompts), cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_queue),   cmocka_unit_test(test_worker),
	    cmocka_unit_test(test_timing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
