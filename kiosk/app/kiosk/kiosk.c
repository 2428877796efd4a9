/*
 * kiosk: screen switching, input dispatch, the inactivity wipe (kiosk.h).
 */
#include "kiosk.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kiosk_demo.h"
#include "vbdate.h"

int64_t kiosk_clock_ms(const struct kiosk *k)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000 + k->clock_skew_ms;
}

void kiosk_forget(struct kiosk *k)
{
	kiosk_signature_wipe(k);
	person_wipe(&k->res.person);
	memset(&k->res, 0, sizeof(k->res));
	person_init(&k->res.person);
}

void kiosk_go(struct kiosk *k, const struct kiosk_screen *s)
{
	k->today = vbdate_from_unix(k->now(), k->utc_offset_min);
	k->screen = s;
	if (s->enter)
		s->enter(k);
	kiosk_say(k, 1);
	k->dirty = 1;
}

void kiosk_tap(struct kiosk *k, const char *id)
{
	k->last_input_ms = kiosk_clock_ms(k);
	if (!ui_widget_shown(k->ui, id))
		return; /* not on the screen, or disabled */
	if (k->demo && kiosk_demo_tap(k, id))
		return;
	k->screen->tap(k, id);
	kiosk_say(k, 0); /* the next question, the other language */
	k->dirty = 1;
}

void kiosk_scan(struct kiosk *k, const char *text, size_t len)
{
	k->last_input_ms = kiosk_clock_ms(k);
	if (k->screen == &kiosk_vcard)
		kiosk_vcard_scan(k, text, len);
	else if (k->screen == &kiosk_identify || k->screen == &kiosk_welcome)
		kiosk_identify_scan(k, text, len);
}

void kiosk_draw(struct kiosk *k)
{
	ui_frame_begin(k->ui);
	k->screen->draw(k);
	if (k->demo)
		kiosk_demo_draw(k);
	ui_frame_end(k->ui);
	k->dirty = 0;
}

void kiosk_idle(struct kiosk *k)
{
	kiosk_pin_checked(k, 0); /* the staff PIN's outcome, once its worker is done */
	if (k->screen->idle_s && k->screen != &kiosk_welcome &&
	    kiosk_clock_ms(k) - k->last_input_ms >= (int64_t)k->screen->idle_s * 1000) {
		kiosk_staff_sign_out(k, 1);
		kiosk_forget(k);
		kiosk_go(k, &kiosk_welcome);
	}
	if (k->screen == &kiosk_observe)
		kiosk_observe_tick(k);
}

void kiosk_fill(char *out, size_t cap, const char *tmpl, const char *const *names,
		const char *const *values, size_t n)
{
	size_t k = 0;
	for (const char *t = tmpl; *t && k + 1 < cap;) {
		size_t i = 0, len = 0;
		if (*t == '{')
			for (i = 0; i < n; i++) {
				len = strlen(names[i]);
				if (strncmp(t + 1, names[i], len) == 0 && t[1 + len] == '}')
					break;
			}
		if (*t == '{' && i < n) {
			k += (size_t)snprintf(out + k, cap - k, "%s", values[i]);
			if (k >= cap)
				k = cap - 1;
			t += len + 2;
		} else {
			out[k++] = *t++;
		}
	}
	out[k < cap ? k : cap - 1] = '\0';
}
