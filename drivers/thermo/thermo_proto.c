/*
 * thermo_proto: the TEMPer report protocol over a send seam and a byte
 * link (byte layout in thermo_proto.h).
 */
#include "thermo_proto.h"

#include <string.h>
#include <time.h>

#define DRAIN_MAX      4 /* late reports thrown away before a request */
#define DRAIN_TIMEOUT  1 /* ms: a late report is already queued, or absent */
#define DATA_BYTES_MAX (2 * THERMO_SENSOR_MAX)

/* The plausible range in raw units (1/256 °C): centi × 256 / 100, exact. */
#define RAW_MIN (THERMO_MIN_CENTI * 64 / 25)
#define RAW_MAX (THERMO_MAX_CENTI * 64 / 25)

void thermo_proto_init(struct thermo_proto *p, thermo_send_fn send, void *send_arg,
		       struct byte_link *in)
{
	memset(p, 0, sizeof(*p));
	p->send = send;
	p->send_arg = send_arg;
	p->in = in;
}

void thermo_proto_encode(uint8_t cmd, uint8_t out[THERMO_REPORT_LEN])
{
	memset(out, 0, THERMO_REPORT_LEN);
	out[0] = 0x01;
	out[1] = cmd;
	out[2] = cmd == THERMO_CMD_IDENTIFY ? 0x77 : 0x33;
	out[3] = 0x01;
}

int thermo_proto_decode_ident(const uint8_t *rep, size_t len, unsigned *n_sensors)
{
	if (len < THERMO_REPORT_LEN || rep[0] != THERMO_CMD_IDENTIFY)
		return DRV_EPROTO;
	if (rep[1] < 1 || rep[1] > THERMO_SENSOR_MAX)
		return DRV_ENOTSUP;
	*n_sensors = rep[1];
	return DRV_OK;
}

void thermo_reading_from_raw(int16_t raw, unsigned sensor, struct thermo_reading *r)
{
	memset(r, 0, sizeof(*r));
	r->sensor = sensor;
	r->raw = raw;
	if (raw == THERMO_RAW_NO_SENSOR) {
		r->status = DRV_ENOTFOUND;
		return;
	}
	if (raw < RAW_MIN || raw > RAW_MAX) {
		r->status = DRV_EPROTO;
		return;
	}
	/* raw / 256 °C × 100 = raw × 25 / 64, rounded half away from zero */
	long num = (long)raw * 25;
	r->centi_c = (int)(num >= 0 ? (num + 32) / 64 : -((-num + 32) / 64));
	r->celsius = raw / 256.0;
	r->status = DRV_OK;
}

int thermo_proto_decode(const uint8_t *rep, size_t len, unsigned n_sensors,
			struct thermo_reading *out, size_t cap, size_t *n)
{
	if (cap == 0 || n_sensors < 1 || n_sensors > THERMO_SENSOR_MAX)
		return DRV_EINVAL;
	if (len < THERMO_REPORT_LEN || rep[0] != THERMO_CMD_READ)
		return DRV_EPROTO;
	unsigned data = rep[1];
	if (data % 2 || data > DATA_BYTES_MAX || data < 2 * n_sensors)
		return DRV_EPROTO;
	size_t count = n_sensors < cap ? n_sensors : cap;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *slot = rep + 2 + 2 * i;
		int16_t raw = (int16_t)(uint16_t)((unsigned)slot[0] << 8 | slot[1]);
		thermo_reading_from_raw(raw, (unsigned)i, &out[i]);
	}
	*n = count;
	return DRV_OK;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before deadline; at least 1 so that every step still
 * gets a chance to collect what is already there. */
static int remaining(int64_t deadline)
{
	int64_t left = deadline - now_ms();
	return left < 1 ? 1 : (int)left;
}

/* Reads one report: full-size packets are joined until THERMO_REPORT_LEN
 * bytes arrived or a short packet ended the transfer. */
static int read_report(struct thermo_proto *p, uint8_t *buf, size_t *len, int64_t deadline)
{
	size_t packet = byte_link_in_packet_size(p->in);
	size_t got = 0;
	if (packet == 0)
		packet = THERMO_REPORT_LEN;
	while (got < THERMO_REPORT_LEN) {
		size_t k = 0;
		int rc = byte_link_read(p->in, buf + got, THERMO_REPORT_LEN - got, &k,
					remaining(deadline));
		if (rc)
			return rc;
		got += k;
		if (k < packet)
			break;
	}
	*len = got;
	return DRV_OK;
}

/* Throws away answers that arrived after their request timed out. */
static int drain(struct thermo_proto *p)
{
	uint8_t junk[THERMO_REPORT_LEN];
	for (int i = 0; i < DRAIN_MAX; i++) {
		size_t k = 0;
		int rc = byte_link_read(p->in, junk, sizeof(junk), &k, DRAIN_TIMEOUT);
		if (rc == DRV_ETIMEOUT)
			break;
		if (rc)
			return rc;
	}
	p->stale = 0;
	return DRV_OK;
}

/* Sends the request for cmd and reads its answer into rep. */
static int exchange(struct thermo_proto *p, uint8_t cmd, uint8_t *rep, size_t *len,
		    int64_t deadline)
{
	uint8_t req[THERMO_REPORT_LEN];
	int rc = DRV_OK;
	if (p->stale) {
		rc = drain(p);
		if (rc)
			goto out;
	}
	thermo_proto_encode(cmd, req);
	rc = p->send(p->send_arg, req, sizeof(req), remaining(deadline));
	if (rc)
		goto out;
	rc = read_report(p, rep, len, deadline);
	if (rc == DRV_ETIMEOUT)
		p->stale = 1;
out:
	if (rc == DRV_ENODEV) {
		/* A stick that comes back starts afresh: identify it again. */
		p->n_sensors = 0;
		p->stale = 0;
	}
	return rc;
}

static int identify_by(struct thermo_proto *p, int64_t deadline)
{
	uint8_t rep[THERMO_REPORT_LEN];
	size_t len = 0;
	unsigned n = 0;
	int rc = exchange(p, THERMO_CMD_IDENTIFY, rep, &len, deadline);
	if (rc)
		return rc;
	rc = thermo_proto_decode_ident(rep, len, &n);
	if (rc)
		return rc;
	p->n_sensors = n;
	return DRV_OK;
}

int thermo_proto_identify(struct thermo_proto *p, int timeout_ms)
{
	if (timeout_ms <= 0)
		return DRV_EINVAL;
	return identify_by(p, now_ms() + timeout_ms);
}

int thermo_proto_read(struct thermo_proto *p, struct thermo_reading *out, size_t cap, size_t *n,
		      int timeout_ms)
{
	uint8_t rep[THERMO_REPORT_LEN];
	size_t len = 0;
	int rc = DRV_OK;
	if (cap == 0 || timeout_ms <= 0)
		return DRV_EINVAL;
	int64_t deadline = now_ms() + timeout_ms;
	if (p->n_sensors == 0) {
		rc = identify_by(p, deadline);
		if (rc)
			return rc;
	}
	rc = exchange(p, THERMO_CMD_READ, rep, &len, deadline);
	if (rc)
		return rc;
	return thermo_proto_decode(rep, len, p->n_sensors, out, cap, n);
}
