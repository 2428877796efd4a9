/*
 * model_thermo: the emulated TEMPer stick (see model_thermo.h).
 */
#include "model_thermo.h"

#include <string.h>

#define SENSOR_EP    0x82
#define KEYBOARD_EP  0x81
#define REPORT_LEN   8
#define NO_SENSOR    0x4E20
#define CMD_IDENTIFY 0x82
#define CMD_READ     0x80

/* What a real TEMPer1V1.4 leaves in the bytes past its answer (the tail of
 * its firmware string, "er1F"; TEMPered issue #17). */
static const uint8_t stale[REPORT_LEN] = {0, 0, 0x00, 0xB0, 0x65, 0x72, 0x31, 0x46};

static int thermo_control(struct usbsim_model *um, const struct usbsim_setup *setup, uint8_t *data,
			  size_t cap)
{
	struct model_thermo *m = (struct model_thermo *)um;
	uint8_t rep[REPORT_LEN];
	if (setup->request_type != 0x21 || setup->request != 0x09 || setup->value != 0x0200 ||
	    setup->index != 1 || setup->length != REPORT_LEN || cap < REPORT_LEN)
		return -1; /* stall */
	if (data[0] != 0x01 || (data[1] != CMD_IDENTIFY && data[1] != CMD_READ))
		return -1;
	atomic_fetch_add(&m->requests, 1);
	if (atomic_load(&m->silent))
		return 0;
	unsigned n = atomic_load(&m->n_sensors);
	memcpy(rep, stale, sizeof(rep));
	rep[0] = data[1];
	if (data[1] == CMD_IDENTIFY) {
		rep[1] = (uint8_t)n;
	} else {
		rep[1] = (uint8_t)(2 * n);
		for (unsigned i = 0; i < n; i++) {
			uint16_t v = (uint16_t)atomic_load(&m->raw[i]);
			rep[2 + 2 * i] = (uint8_t)(v >> 8);
			rep[3 + 2 * i] = (uint8_t)v;
		}
	}
	usbsim_dev_in_push(um->dev, SENSOR_EP, rep, sizeof(rep));
	return 0;
}

static const struct usbsim_model_ops thermo_ops = {.on_control = thermo_control};

void model_thermo_init(struct model_thermo *m, unsigned n_sensors)
{
	memset(m, 0, sizeof(*m));
	m->base.ops = &thermo_ops;
	if (n_sensors < 1 || n_sensors > MODEL_THERMO_SENSORS_MAX)
		n_sensors = 1;
	atomic_init(&m->n_sensors, n_sensors);
	for (unsigned i = 0; i < MODEL_THERMO_SENSORS_MAX; i++)
		atomic_init(&m->raw[i], 4 * 256);
	atomic_init(&m->silent, 0);
	atomic_init(&m->requests, 0);
}

void model_thermo_set_centi(struct model_thermo *m, unsigned sensor, int centi_c)
{
	/* centi × 256 / 100, to the nearest, half away from zero */
	long num = (long)centi_c * 64;
	long raw = num >= 0 ? (num + 12) / 25 : -((-num + 12) / 25);
	if (sensor < MODEL_THERMO_SENSORS_MAX)
		atomic_store(&m->raw[sensor], (int)(int16_t)raw);
}

void model_thermo_set_no_sensor(struct model_thermo *m, unsigned sensor)
{
	if (sensor < MODEL_THERMO_SENSORS_MAX)
		atomic_store(&m->raw[sensor], NO_SENSOR);
}

void model_thermo_set_sensors(struct model_thermo *m, unsigned n_sensors)
{
	if (n_sensors >= 1 && n_sensors <= MODEL_THERMO_SENSORS_MAX)
		atomic_store(&m->n_sensors, n_sensors);
}

void model_thermo_set_silent(struct model_thermo *m, int silent)
{
	atomic_store(&m->silent, silent);
}

unsigned model_thermo_requests(struct model_thermo *m)
{
	return atomic_load(&m->requests);
}

void model_thermo_desc(struct usbsim_dev_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->vid = 0x0c45;
	d->pid = 0x7401;
	d->bcd_device = 0x0001;
	d->manufacturer = "RDing";
	d->product = "TEMPerV1.4";
	d->speed_mbps = 1;
	d->n_ifaces = 2;
	d->ifaces[0] = (struct usbsim_iface_desc){
	    .cls = 3,
	    .subclass = 1,
	    .protocol = 1, /* boot keyboard */
	    .driver = "usbhid",
	    .n_eps = 1,
	    .eps = {{.addr = KEYBOARD_EP, .type = USBSIM_INTERRUPT, .max_packet = 8}},
	};
	d->ifaces[1] = (struct usbsim_iface_desc){
	    .cls = 3,
	    .subclass = 1,
	    .protocol = 2,
	    .driver = "usbhid",
	    .n_eps = 1,
	    .eps = {{.addr = SENSOR_EP, .type = USBSIM_INTERRUPT, .max_packet = 8}},
	};
}

struct usbsim_dev *model_thermo_add(struct usbsim *sim, struct model_thermo *m)
{
	struct usbsim_dev_desc d;
	model_thermo_desc(&d);
	return usbsim_dev_add(sim, &d, &m->base);
}
