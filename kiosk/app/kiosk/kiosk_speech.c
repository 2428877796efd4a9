/*
 * kiosk_speech: the resident screens read their prompt aloud, for the
 * many residents who cannot read well.
 *
 * A screen's prompt is the string "say.<screen id>" in the current
 * language; a screen without one (the staff's) is silent and stops what
 * was playing. The screening's prompt is its template with {question}
 * filled from "say.screening.q.<name>" of the page shown. The prompt is
 * said when a screen is entered (kiosk_go), and again after a tap that
 * changed it (the next question, the other language). The speaker toggle
 * in the footer turns speech off and on for every resident after, until
 * the kiosk restarts with [kiosk] speech from the configuration. At start
 * every prompt of the resident screens, in both languages, is handed to
 * the speech worker, so none waits for its synthesis later.
 */
#include <stdio.h>
#include <string.h>

#include "kiosk.h"

/* The prompt of screen s (on question page q for the screening) in lang
 * into out; "" when the tables have none. */
static void prompt(struct kiosk *k, const struct kiosk_screen *s, int q, enum ui_lang lang,
		   char *out, size_t cap)
{
	char key[64];
	snprintf(key, sizeof(key), "say.%s", s->id);
	const char *text = ui_str_lang(k->ui, lang, key);
	if (text == key) { /* not in the table */
		out[0] = '\0';
		return;
	}
	if (s != &kiosk_screening) {
		snprintf(out, cap, "%s", text);
		return;
	}
	char qkey[80];
	snprintf(qkey, sizeof(qkey), "say.screening.q.%s", visit_questions[q].name);
	const char *question = ui_str_lang(k->ui, lang, qkey);
	const char *names[] = {"question"}, *values[] = {question == qkey ? "" : question};
	kiosk_fill(out, cap, text, names, values, 1);
}

void kiosk_say(struct kiosk *k, int again)
{
	char text[1024];
	if (!k->speech)
		return;
	enum ui_lang lang = ui_get_lang(k->ui);
	prompt(k, k->screen, k->res.question, lang, text, sizeof(text));
	ui_speech_say(k->speech, lang, text, again);
}

int kiosk_speaks(struct kiosk *k)
{
	char text[1024];
	prompt(k, k->screen, k->res.question, ui_get_lang(k->ui), text, sizeof(text));
	return text[0] != '\0';
}

void kiosk_speech_toggle(struct kiosk *k)
{
	ui_speech_set_on(k->speech, !ui_speech_get_on(k->speech));
	kiosk_say(k, 1);
}

void kiosk_speech_open(struct kiosk *k)
{
	static const struct kiosk_screen *const screens[] = {
	    &kiosk_welcome,  &kiosk_identify,	&kiosk_confirm,	 &kiosk_decision,  &kiosk_screening,
	    &kiosk_doctor,   &kiosk_deferred,	&kiosk_consent,	 &kiosk_ticket,	   &kiosk_family,
	    &kiosk_doc_type, &kiosk_doc_number, &kiosk_doc_name, &kiosk_doc_birth, &kiosk_phone,
	};
	char why[300], text[1024];
	struct ui_speech_options o = {.on = k->cfg.speech, .device = 1};
	if (ui_speech_open(&o, &k->speech, why, sizeof(why))) {
		fprintf(stderr, "vaxbus-kiosk: no spoken prompts: %s\n", why);
		k->speech = NULL;
		return;
	}
	for (int lang = UI_ZH; lang < UI_LANG_COUNT; lang++)
		for (size_t i = 0; i < sizeof(screens) / sizeof(screens[0]); i++)
			for (int q = 0; q < (screens[i] == &kiosk_screening ? VISIT_Q_COUNT : 1);
			     q++) {
				prompt(k, screens[i], q, (enum ui_lang)lang, text, sizeof(text));
				ui_speech_preload(k->speech, (enum ui_lang)lang, text);
			}
}

int kiosk_speech_playing(struct kiosk *k, int want)
{
	ui_speech_wait(k->speech);
	uint32_t first = ui_speech_queued(k->speech);
	if (!want || !first)
		return (first != 0) == (want != 0) ? 0 : -1;
	for (int ms = 0; ms < 5000; ms += 10) {
		if (ui_speech_queued(k->speech) < first)
			return 0;
		SDL_Delay(10);
	}
	return -1;
}
