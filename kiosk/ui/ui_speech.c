/*
 * ui_speech.c: espeak-ng in synchronous retrieval mode (its callback
 * appends each block of samples to a growing buffer), the in-memory cache
 * of clips by language and text, the worker thread that synthesises what
 * is preloaded or said, and playback through an SDL audio device fed with
 * SDL_QueueAudio (ui_speech.h).
 *
 * Two locks: synth guards espeak-ng and the sample buffer (the worker,
 * or ui_speech_pcm's caller, holds it through a synthesis); lock guards
 * the rest and is never held while synthesising, so the UI thread only
 * ever waits for a list operation.
 */
#include "ui_speech.h"

#include <espeak-ng/espeak_ng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One synthesised text; the list is newest first. */
struct clip {
	enum ui_lang lang;
	char *text;
	int16_t *pcm;
	size_t n;
	struct clip *next;
};

/* A text for the worker. */
struct job {
	enum ui_lang lang;
	char *text;
	struct job *next;
};

struct ui_speech {
	SDL_AudioDeviceID dev; /* 0: none */
	int rate;	       /* Hz */
	SDL_Thread *worker;    /* NULL: no device, no worker */
	SDL_mutex *lock;
	SDL_cond *changed; /* jobs added or done, or quit */
	/* Under lock. */
	int on, quit, busy;
	struct job *jobs; /* first done first */
	struct clip *clips;
	size_t bytes;
	unsigned long synths;
	char *want; /* said before it was synthesised: play it when ready */
	enum ui_lang want_lang;
	char *said; /* the text last asked for by ui_speech_say */
	enum ui_lang said_lang;
	/* Under synth. */
	SDL_mutex *synth;
	int voice; /* the language of the voice loaded, -1 none */
	int16_t *buf;
	size_t n, cap;
	int oom;
};

static const char *const voices[UI_LANG_COUNT] = {[UI_ZH] = "cmn-latn-pinyin", [UI_EN] = "en"};

static void set_why(char *why, size_t whycap, const char *what, const char *detail)
{
	if (why && whycap)
		snprintf(why, whycap, "%s: %s", what, detail);
}

/* espeak-ng hands over each block of samples; NULL ends the text. The
 * events carry the user_data given to espeak_ng_Synthesize. */
static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	struct ui_speech *s = events ? events->user_data : NULL;
	if (!s || !wav || n <= 0)
		return 0;
	if (s->n + (size_t)n > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;
		while (cap < s->n + (size_t)n)
			cap *= 2;
		int16_t *p = realloc(s->buf, cap * sizeof(*p));
		if (!p) {
			s->oom = 1;
			return 1; /* abort the synthesis */
		}
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->n, wav, (size_t)n * sizeof(*wav));
	s->n += (size_t)n;
	return 0;
}

/* Starts espeak-ng once per process; it is never stopped: espeak-ng 1.51
 * hangs in espeak_ng_Terminate after a second espeak_ng_Initialize. */
static int start_espeak(char *why, size_t whycap)
{
	static int started;
	if (started)
		return 0;
	espeak_ng_ERROR_CONTEXT ctx = NULL;
	espeak_ng_InitializePath(NULL);
	espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
	if (st == ENS_OK)
		st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
	if (st != ENS_OK) {
		char msg[256];
		espeak_ng_GetStatusCodeMessage(st, msg, sizeof(msg));
		espeak_ng_ClearErrorContext(&ctx);
		set_why(why, whycap, "espeak-ng", msg);
		return -1;
	}
	espeak_SetSynthCallback(on_samples);
	started = 1;
	return 0;
}

static void clip_free(struct clip *c)
{
	if (!c)
		return;
	free(c->text);
	free(c->pcm);
	free(c);
}

static void job_free(struct job *j)
{
	free(j->text);
	free(j);
}

/* Under lock. */
static struct clip *find(struct ui_speech *s, enum ui_lang lang, const char *text)
{
	struct clip *c = s->clips;
	while (c && (c->lang != lang || strcmp(c->text, text) != 0))
		c = c->next;
	return c;
}

/* Under lock: adds c to the cache and returns it, or the equal clip
 * another thread added meanwhile (c freed). */
static struct clip *keep(struct ui_speech *s, struct clip *c)
{
	struct clip *old = find(s, c->lang, c->text);
	if (old) {
		clip_free(c);
		return old;
	}
	c->next = s->clips;
	s->clips = c;
	s->bytes += c->n * sizeof(int16_t);
	return c;
}

/* Under synth: text in lang as a new clip, or NULL. */
static struct clip *synthesise(struct ui_speech *s, enum ui_lang lang, const char *text)
{
	if (s->voice != (int)lang) {
		if (espeak_ng_SetVoiceByName(voices[lang]) != ENS_OK)
			return NULL;
		espeak_ng_SetParameter(espeakRATE, UI_SPEECH_RATE_WPM, 0);
		s->voice = (int)lang;
	}
	s->n = 0;
	s->oom = 0;
	espeak_ng_STATUS st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
						   espeakCHARS_UTF8, NULL, s);
	SDL_LockMutex(s->lock);
	s->synths++;
	SDL_UnlockMutex(s->lock);
	if (st != ENS_OK || s->oom || !s->n)
		return NULL;
	struct clip *c = calloc(1, sizeof(*c));
	if (c) {
		c->text = strdup(text);
		c->pcm = malloc(s->n * sizeof(int16_t));
	}
	if (!c || !c->text || !c->pcm) {
		clip_free(c);
		return NULL;
	}
	memcpy(c->pcm, s->buf, s->n * sizeof(int16_t));
	c->n = s->n;
	c->lang = lang;
	return c;
}

/* Under lock: queues c on the device. */
static void play(struct ui_speech *s, const struct clip *c)
{
	if (SDL_QueueAudio(s->dev, c->pcm, (Uint32)(c->n * sizeof(int16_t))) != 0)
		SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "ui: speech: %s", SDL_GetError());
}

/* The worker: synthesises the jobs in order, and plays the one wanted. */
static int work(void *arg)
{
	struct ui_speech *s = arg;
	SDL_SetThreadPriority(SDL_THREAD_PRIORITY_LOW);
	SDL_LockMutex(s->lock);
	for (;;) {
		while (!s->quit && !s->jobs)
			SDL_CondWait(s->changed, s->lock);
		if (s->quit)
			break;
		struct job *j = s->jobs;
		s->jobs = j->next;
		s->busy = 1;
		struct clip *c = find(s, j->lang, j->text);
		if (!c) {
			SDL_UnlockMutex(s->lock);
			SDL_LockMutex(s->synth);
			struct clip *made = synthesise(s, j->lang, j->text);
			SDL_UnlockMutex(s->synth);
			SDL_LockMutex(s->lock);
			c = made ? keep(s, made) : NULL;
		}
		if (s->want && s->want_lang == j->lang && strcmp(s->want, j->text) == 0) {
			if (c && s->on)
				play(s, c);
			free(s->want);
			s->want = NULL;
		}
		s->busy = 0;
		job_free(j);
		SDL_CondBroadcast(s->changed);
	}
	SDL_UnlockMutex(s->lock);
	return 0;
}

/* Under lock: a job for the worker, first or last. */
static void push(struct ui_speech *s, enum ui_lang lang, const char *text, int first)
{
	struct job *j = calloc(1, sizeof(*j)), **p = &s->jobs;
	if (!j || !(j->text = strdup(text))) {
		free(j);
		return; /* out of memory: not said */
	}
	j->lang = lang;
	if (first) {
		j->next = s->jobs;
		s->jobs = j;
	} else {
		while (*p)
			p = &(*p)->next;
		*p = j;
	}
	SDL_CondBroadcast(s->changed);
}

/* Opens the default audio device for espeak-ng's PCM (SDL converts if
 * the device wants another format); 0 after logging why when none. A
 * driver that lists no output device is not asked to open one (ALSA
 * without a sound card would print its own errors). */
static SDL_AudioDeviceID open_device(int rate)
{
	SDL_AudioSpec want = {0}, have;
	want.freq = rate;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 2048;
	SDL_AudioDeviceID dev = 0;
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0) {
		if (SDL_GetNumAudioDevices(0) == 0)
			SDL_SetError("%s lists none", SDL_GetCurrentAudioDriver());
		else
			dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
		if (!dev)
			SDL_QuitSubSystem(SDL_INIT_AUDIO);
	}
	if (dev)
		SDL_PauseAudioDevice(dev, 0);
	else
		SDL_Log("ui: speech: no audio device (%s): prompts are not played", SDL_GetError());
	return dev;
}

int ui_speech_open(const struct ui_speech_options *o, struct ui_speech **out, char *why,
		   size_t whycap)
{
	if (!o || !out) {
		set_why(why, whycap, "ui_speech_open", "options and out are required");
		return -1;
	}
	if (start_espeak(why, whycap))
		return -1;
	struct ui_speech *s = calloc(1, sizeof(*s));
	if (!s || !(s->lock = SDL_CreateMutex()) || !(s->synth = SDL_CreateMutex()) ||
	    !(s->changed = SDL_CreateCond())) {
		set_why(why, whycap, "ui_speech_open", "out of memory");
		ui_speech_close(s);
		return -1;
	}
	s->rate = espeak_ng_GetSampleRate();
	s->voice = -1;
	s->on = o->on != 0;
	if (o->device && (s->dev = open_device(s->rate)) &&
	    !(s->worker = SDL_CreateThread(work, "speech", s))) {
		set_why(why, whycap, "SDL_CreateThread", SDL_GetError());
		ui_speech_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void ui_speech_close(struct ui_speech *s)
{
	if (!s)
		return;
	if (s->worker) {
		SDL_LockMutex(s->lock);
		s->quit = 1;
		SDL_CondBroadcast(s->changed);
		SDL_UnlockMutex(s->lock);
		SDL_WaitThread(s->worker, NULL);
	}
	if (s->dev) {
		SDL_CloseAudioDevice(s->dev);
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
	}
	while (s->jobs) {
		struct job *j = s->jobs;
		s->jobs = j->next;
		job_free(j);
	}
	while (s->clips) {
		struct clip *c = s->clips;
		s->clips = c->next;
		clip_free(c);
	}
	SDL_DestroyCond(s->changed);
	SDL_DestroyMutex(s->synth);
	SDL_DestroyMutex(s->lock);
	free(s->buf);
	free(s->want);
	free(s->said);
	free(s);
}

int ui_speech_pcm(struct ui_speech *s, enum ui_lang lang, const char *text, const int16_t **pcm,
		  size_t *samples)
{
	if (!s || !text || !*text || (unsigned)lang >= UI_LANG_COUNT)
		return -1;
	SDL_LockMutex(s->synth);
	SDL_LockMutex(s->lock);
	struct clip *c = find(s, lang, text);
	SDL_UnlockMutex(s->lock);
	if (!c && (c = synthesise(s, lang, text))) {
		SDL_LockMutex(s->lock);
		c = keep(s, c);
		SDL_UnlockMutex(s->lock);
	}
	SDL_UnlockMutex(s->synth);
	if (!c)
		return -1;
	*pcm = c->pcm;
	*samples = c->n;
	return 0;
}

void ui_speech_say(struct ui_speech *s, enum ui_lang lang, const char *text, int again)
{
	if (!s || (unsigned)lang >= UI_LANG_COUNT)
		return;
	if (!text)
		text = "";
	SDL_LockMutex(s->lock);
	if (again || !s->said || s->said_lang != lang || strcmp(s->said, text) != 0) {
		free(s->said);
		s->said = strdup(text);
		s->said_lang = lang;
		free(s->want);
		s->want = NULL;
		if (s->dev)
			SDL_ClearQueuedAudio(s->dev);
		struct clip *c = *text && s->on && s->dev ? find(s, lang, text) : NULL;
		if (c) {
			play(s, c);
		} else if (*text && s->on && s->worker) {
			s->want = strdup(text);
			s->want_lang = lang;
			push(s, lang, text, 1);
		}
	}
	SDL_UnlockMutex(s->lock);
}

void ui_speech_preload(struct ui_speech *s, enum ui_lang lang, const char *text)
{
	if (!s || !s->worker || !text || !*text || (unsigned)lang >= UI_LANG_COUNT)
		return;
	SDL_LockMutex(s->lock);
	push(s, lang, text, 0);
	SDL_UnlockMutex(s->lock);
}

void ui_speech_wait(struct ui_speech *s)
{
	if (!s || !s->worker)
		return;
	SDL_LockMutex(s->lock);
	while (s->jobs || s->busy)
		SDL_CondWait(s->changed, s->lock);
	SDL_UnlockMutex(s->lock);
}

void ui_speech_set_on(struct ui_speech *s, int on)
{
	if (!s)
		return;
	SDL_LockMutex(s->lock);
	s->on = on != 0;
	if (!s->on) {
		free(s->want);
		s->want = NULL;
		if (s->dev)
			SDL_ClearQueuedAudio(s->dev);
	}
	SDL_UnlockMutex(s->lock);
}

int ui_speech_get_on(const struct ui_speech *s)
{
	return s ? s->on : 0; /* written by this thread only */
}

int ui_speech_has_device(const struct ui_speech *s)
{
	return s && s->dev;
}

uint32_t ui_speech_queued(const struct ui_speech *s)
{
	return s && s->dev ? SDL_GetQueuedAudioSize(s->dev) : 0;
}

int ui_speech_sample_rate(const struct ui_speech *s)
{
	return s ? s->rate : 0;
}

unsigned long ui_speech_synth_count(struct ui_speech *s)
{
	if (!s)
		return 0;
	SDL_LockMutex(s->lock);
	unsigned long n = s->synths;
	SDL_UnlockMutex(s->lock);
	return n;
}

size_t ui_speech_cache_bytes(struct ui_speech *s)
{
	if (!s)
		return 0;
	SDL_LockMutex(s->lock);
	size_t n = s->bytes;
	SDL_UnlockMutex(s->lock);
	return n;
}
