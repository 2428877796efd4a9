/*
 * ui_speech: spoken prompts — a text in a language synthesised by
 * espeak-ng to 16-bit mono PCM, kept in memory, and played on the default
 * SDL audio device.
 *
 * Synthesis runs espeak-ng in its synchronous retrieval mode. A prompt
 * takes 5-20 ms of CPU to synthesise, several times that in wall-clock
 * time on a busy CPU: too long for the UI thread, so with an audio device
 * a worker thread (at low priority) does it. The caller preloads the
 * prompts it will need (ui_speech_preload, in the background at start);
 * a prompt said before it is ready is played as soon as the worker has
 * it, unless another was said meanwhile. Each (language, text) is
 * synthesised once per process and kept in memory: the prompts come from
 * the string tables, a small fixed set (some 10 MB of PCM for both
 * languages), so the cache is never trimmed. It is not kept on disk:
 * synthesising them all again at start costs about a quarter of a second
 * of CPU in the background, not worth a disk cache that would have to be
 * thrown away whenever a text, a voice or espeak-ng changes. Saying a
 * prompt clears what the device still has queued, so the last screen's
 * prompt never talks over the new one.
 *
 * Voices: English is espeak-ng's "en". Chinese is "cmn-latn-pinyin", which
 * reads Hanyu Pinyin with tone numbers ("ni3 hao3"): Debian's espeak-ng
 * has no extended Mandarin dictionary, and its "cmn" voice reads most
 * characters as their pinyin spelled out in English. Chinese prompts are
 * therefore written in pinyin.
 *
 * No audio device (headless, CI) is not an error: nothing is synthesised
 * for playing and nothing is played; ui_speech_open logs it once.
 * ui_speech_pcm still synthesises, on the caller's thread. espeak-ng is
 * a process-wide singleton, started by the first ui_speech_open and kept
 * until the process ends: one ui_speech at a time.
 * Threading: call it from the main thread, like the rest of the toolkit;
 * the worker is its own.
 */
#ifndef UI_SPEECH_H
#define UI_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "ui.h"

#define UI_SPEECH_RATE_WPM 140 /* words a minute: slower than espeak's 175 */

struct ui_speech;

struct ui_speech_options {
	int on;	    /* speak from the start (ui_speech_set_on) */
	int device; /* open the default audio device; 0: synthesis only */
};

/* Starts espeak-ng and, when o->device, the audio device. Returns 0 with
 * *out, or -1 with one line in why (espeak-ng or its data missing). Close
 * with ui_speech_close (accepts NULL). */
int ui_speech_open(const struct ui_speech_options *o, struct ui_speech **out, char *why,
		   size_t whycap);
void ui_speech_close(struct ui_speech *s);

/* The PCM of text in lang (samples at ui_speech_sample_rate, mono),
 * from the cache, or synthesised now on the caller's thread; borrowed
 * until ui_speech_close. 0, or -1 (nothing heard: empty text, a synthesis
 * error, out of memory). */
int ui_speech_pcm(struct ui_speech *s, enum ui_lang lang, const char *text, const int16_t **pcm,
		  size_t *samples);

/*
 * Says text in lang: what is queued on the device is dropped, then the
 * text's PCM is queued (when speech is on and a device is open). NULL or
 * "" only stops. With again 0, the text last asked for (same language) is
 * not started over: callers may ask on every change of state. A text not
 * synthesised yet is played when the worker has it.
 */
void ui_speech_say(struct ui_speech *s, enum ui_lang lang, const char *text, int again);

/* Has the worker synthesise text in lang into the cache, after what it
 * has to do already (nothing without an audio device). */
void ui_speech_preload(struct ui_speech *s, enum ui_lang lang, const char *text);
/* Waits until the worker has nothing left to do (tests, scripts). */
void ui_speech_wait(struct ui_speech *s);

/* Speech on or off; off also stops what is playing. NULL s: off. */
void ui_speech_set_on(struct ui_speech *s, int on);
int ui_speech_get_on(const struct ui_speech *s);

/* Facts for tests and logs: an audio device is open, the bytes it still
 * has queued, the sample rate, the syntheses run so far and the bytes of
 * PCM the cache holds. */
int ui_speech_has_device(const struct ui_speech *s);
uint32_t ui_speech_queued(const struct ui_speech *s);
int ui_speech_sample_rate(const struct ui_speech *s);
unsigned long ui_speech_synth_count(struct ui_speech *s);
size_t ui_speech_cache_bytes(struct ui_speech *s);

#endif
