/*
 * model_idcard: the emulated SAM reader (see model_idcard.h).
 */
#include "model_idcard.h"

#include <string.h>

#define OUT_HEAD 0x02
#define OUT_BODY 0x06
#define IN_HEAD	 0x81
#define IN_BODY	 0x85

#define SW3_BAD_COMMAND 0x21
#define SW3_READ_FAILED 0x41
#define UNPLUG_AFTER	640 /* reply bytes sent before UNPLUG_AT_READ pulls the plug */

void model_idcard_sample(struct idcard_card *out)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->name, "王小明");
	strcpy(out->sex, "1");
	strcpy(out->nation, "01");
	strcpy(out->birth, "19850615");
	strcpy(out->address, "云南省昆明市五华区翠湖南路2号");
	strcpy(out->id, "530102198506150011");
	strcpy(out->authority, "昆明市公安局五华分局");
	strcpy(out->valid_from, "20160320");
	strcpy(out->valid_to, "长期");
}

/* Pushes a reply frame the way the layout sends it. */
static void send(struct model_idcard *m, const uint8_t *frame, size_t n)
{
	if (m->layout == MODEL_IDCARD_ONE_PAIR) {
		usbsim_dev_in_push(m->base.dev, IN_HEAD, frame, n);
		return;
	}
	usbsim_dev_in_push(m->base.dev, IN_HEAD, frame, IDCARD_HEADER_LEN);
	usbsim_dev_in_push(m->base.dev, IN_BODY, frame + IDCARD_HEADER_LEN, n - IDCARD_HEADER_LEN);
}

static void send_status(struct model_idcard *m, uint8_t sw3)
{
	const uint8_t sw[3] = {0x00, 0x00, sw3};
	uint8_t f[16];
	size_t n = 0;
	if (idcard_frame_reply(sw, NULL, 0, f, sizeof(f), &n) == DRV_OK)
		send(m, f, n);
}

static void send_card(struct model_idcard *m, int unplug)
{
	static const uint8_t sw[3] = {0x00, 0x00, 0x90};
	uint8_t data[4 + IDCARD_TEXT_LEN + IDCARD_PHOTO_LEN] = {0x01, 0x00, 0x04, 0x00};
	uint8_t frame[IDCARD_FRAME_MAX];
	size_t n = 0;
	pthread_mutex_lock(&m->lock);
	memcpy(data + 4, m->text, IDCARD_TEXT_LEN);
	pthread_mutex_unlock(&m->lock);
	uint8_t *photo = data + 4 + IDCARD_TEXT_LEN;
	for (size_t i = 0; i < IDCARD_PHOTO_LEN; i++)
		photo[i] = (uint8_t)(i * 7 + 3);
	memcpy(photo + 64, MODEL_IDCARD_PHOTO_MARK, strlen(MODEL_IDCARD_PHOTO_MARK));
	if (idcard_frame_reply(sw, data, sizeof(data), frame, sizeof(frame), &n) == DRV_OK) {
		if (!unplug) {
			send(m, frame, n);
		} else if (m->layout == MODEL_IDCARD_ONE_PAIR) {
			usbsim_dev_in_push(m->base.dev, IN_HEAD, frame, UNPLUG_AFTER);
			usbsim_dev_unplug(m->base.dev);
		} else {
			usbsim_dev_in_push(m->base.dev, IN_HEAD, frame, IDCARD_HEADER_LEN);
			usbsim_dev_in_push(m->base.dev, IN_BODY, frame + IDCARD_HEADER_LEN,
					   UNPLUG_AFTER - IDCARD_HEADER_LEN);
			usbsim_dev_unplug(m->base.dev);
		}
	}
	drv_wipe(data, sizeof(data));
	drv_wipe(frame, sizeof(frame));
}

/* A whole request arrived: answer it. */
static void answer(struct model_idcard *m, const uint8_t *body, size_t n)
{
	enum model_idcard_cmd cmd = MODEL_IDCARD_OTHER;
	if (n == 2 && body[0] == 0x11 && body[1] == 0xFF)
		cmd = MODEL_IDCARD_SAM;
	else if (n == 2 && body[0] == 0x20 && body[1] == 0x01)
		cmd = MODEL_IDCARD_FIND;
	else if (n == 2 && body[0] == 0x20 && body[1] == 0x02)
		cmd = MODEL_IDCARD_SELECT;
	else if (n == 2 && body[0] == 0x30 && body[1] == 0x01)
		cmd = MODEL_IDCARD_READ;
	atomic_fetch_add(&m->requests[cmd], 1);
	if (atomic_load(&m->silent))
		return;
	int state = atomic_load(&m->state);
	switch (cmd) {
	case MODEL_IDCARD_SAM:
		send_status(m, IDCARD_SW3_OK);
		break;
	case MODEL_IDCARD_FIND:
		send_status(m, state == MODEL_IDCARD_ABSENT ? IDCARD_SW3_FIND_FAILED
							    : IDCARD_SW3_FOUND);
		break;
	case MODEL_IDCARD_SELECT:
		if (state == MODEL_IDCARD_ABSENT || state == MODEL_IDCARD_REMOVE_AT_SELECT) {
			atomic_store(&m->state, MODEL_IDCARD_ABSENT);
			send_status(m, IDCARD_SW3_SELECT_FAILED);
		} else {
			send_status(m, IDCARD_SW3_OK);
		}
		break;
	case MODEL_IDCARD_READ:
		if (state == MODEL_IDCARD_ABSENT) {
			send_status(m, IDCARD_SW3_SELECT_FAILED);
		} else if (state == MODEL_IDCARD_REMOVE_AT_READ) {
			atomic_store(&m->state, MODEL_IDCARD_ABSENT);
			send_status(m, SW3_READ_FAILED);
		} else if (state == MODEL_IDCARD_UNPLUG_AT_READ) {
			atomic_store(&m->state, MODEL_IDCARD_PRESENT);
			send_card(m, 1);
		} else {
			send_card(m, 0);
		}
		break;
	default:
		send_status(m, SW3_BAD_COMMAND);
		break;
	}
}

/* Feeds request bytes to the parser, answering each whole frame. */
static void take(struct model_idcard *m, const uint8_t *data, size_t len)
{
	while (len > 0) {
		size_t used = 0;
		int rc = idcard_parser_feed(&m->parser, data, len, &used);
		data += used;
		len -= used;
		if (rc == IDCARD_PARSE_FRAME) {
			size_t n = 0;
			const uint8_t *body = idcard_parser_body(&m->parser, &n);
			answer(m, body, n);
		}
	}
}

static void idcard_out(struct usbsim_model *um, uint8_t ep, const uint8_t *data, size_t len)
{
	struct model_idcard *m = (struct model_idcard *)um;
	if (m->layout == MODEL_IDCARD_ONE_PAIR) {
		if (ep != OUT_HEAD) {
			atomic_fetch_add(&m->bad_out, 1);
			return;
		}
		atomic_fetch_add(&m->out_bytes[0], len);
		take(m, data, len);
		return;
	}
	/* two pairs: a header alone on 0x02, then exactly its body on 0x06 */
	static const uint8_t preamble[] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};
	atomic_fetch_add(&m->out_bytes[ep == OUT_HEAD ? 0 : 1], len);
	if (ep == OUT_HEAD && len == IDCARD_HEADER_LEN && memcmp(data, preamble, 5) == 0) {
		memcpy(m->header, data, IDCARD_HEADER_LEN);
		m->body_len = (size_t)data[5] << 8 | data[6];
		return;
	}
	if (ep == OUT_BODY && m->body_len && len == m->body_len) {
		m->body_len = 0;
		idcard_parser_reset(&m->parser);
		take(m, m->header, IDCARD_HEADER_LEN);
		take(m, data, len);
		return;
	}
	m->body_len = 0;
	atomic_fetch_add(&m->bad_out, 1);
}

static void idcard_plug(struct usbsim_model *um, int plugged)
{
	struct model_idcard *m = (struct model_idcard *)um;
	(void)plugged;
	/* a power cycle forgets any half request */
	idcard_parser_reset(&m->parser);
	m->body_len = 0;
}

static const struct usbsim_model_ops idcard_ops = {.on_out = idcard_out, .on_plug = idcard_plug};

void model_idcard_init(struct model_idcard *m, enum model_idcard_layout layout, uint16_t in_packet)
{
	struct idcard_card sample;
	memset(m, 0, sizeof(*m));
	m->base.ops = &idcard_ops;
	m->layout = layout;
	m->in_packet = in_packet ? in_packet : 64;
	atomic_init(&m->state, MODEL_IDCARD_ABSENT);
	atomic_init(&m->silent, 0);
	for (size_t i = 0; i < MODEL_IDCARD_CMDS; i++)
		atomic_init(&m->requests[i], 0);
	atomic_init(&m->bad_out, 0);
	atomic_init(&m->out_bytes[0], 0);
	atomic_init(&m->out_bytes[1], 0);
	pthread_mutex_init(&m->lock, NULL);
	idcard_parser_init(&m->parser, 0);
	model_idcard_sample(&sample);
	model_idcard_set_card(m, &sample);
	idcard_card_wipe(&sample);
}

void model_idcard_cleanup(struct model_idcard *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	drv_wipe(m->text, sizeof(m->text));
	idcard_parser_reset(&m->parser);
}

int model_idcard_set_card(struct model_idcard *m, const struct idcard_card *card)
{
	uint8_t text[IDCARD_TEXT_LEN];
	if (idcard_text_encode(card, text) != DRV_OK)
		return -1;
	pthread_mutex_lock(&m->lock);
	memcpy(m->text, text, sizeof(text));
	pthread_mutex_unlock(&m->lock);
	drv_wipe(text, sizeof(text));
	return 0;
}

void model_idcard_set_state(struct model_idcard *m, enum model_idcard_state s)
{
	atomic_store(&m->state, (int)s);
}

void model_idcard_set_silent(struct model_idcard *m, int silent)
{
	atomic_store(&m->silent, silent);
}

unsigned model_idcard_requests(struct model_idcard *m, enum model_idcard_cmd cmd)
{
	return cmd < MODEL_IDCARD_CMDS ? atomic_load(&m->requests[cmd]) : 0;
}

void model_idcard_desc(const struct model_idcard *m, struct usbsim_dev_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->vid = MODEL_IDCARD_VID;
	d->pid = MODEL_IDCARD_PID;
	d->bcd_device = 0x0100;
	d->manufacturer = "SAM";
	d->product = "ID Card Reader";
	d->speed_mbps = 12;
	d->n_ifaces = 1;
	d->ifaces[0].cls = 0xFF;
	if (m->layout == MODEL_IDCARD_ONE_PAIR) {
		d->ifaces[0].n_eps = 2;
		d->ifaces[0].eps[0] = (struct usbsim_ep_desc){OUT_HEAD, USBSIM_BULK, 64, 0};
		d->ifaces[0].eps[1] =
		    (struct usbsim_ep_desc){IN_HEAD, USBSIM_BULK, m->in_packet, 0};
	} else {
		d->ifaces[0].n_eps = 4;
		d->ifaces[0].eps[0] =
		    (struct usbsim_ep_desc){IN_HEAD, USBSIM_BULK, m->in_packet, 0};
		d->ifaces[0].eps[1] = (struct usbsim_ep_desc){OUT_HEAD, USBSIM_BULK, 64, 0};
		d->ifaces[0].eps[2] =
		    (struct usbsim_ep_desc){IN_BODY, USBSIM_BULK, m->in_packet, 0};
		d->ifaces[0].eps[3] = (struct usbsim_ep_desc){OUT_BODY, USBSIM_BULK, 64, 0};
	}
}

struct usbsim_dev *model_idcard_add(struct usbsim *sim, struct model_idcard *m)
{
	struct usbsim_dev_desc d;
	model_idcard_desc(m, &d);
	return usbsim_dev_add(sim, &d, &m->base);
}
