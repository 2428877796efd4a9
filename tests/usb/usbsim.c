/*
 * usbsim: a umockdev testbed whose ioctl handler plays usbfs for emulated
 * devices, so libusb's real Linux backend runs against device models made
 * of a few callbacks. See usbsim.h for what is emulated and how.
 *
 * One recursive lock guards everything; the handler runs on umockdev's
 * worker thread, the public functions on the test's threads. Per open file
 * of a device node (a umockdev "client") the harness keeps the URBs that
 * completed and wait to be reaped; per IN endpoint, the queued packets and
 * the pending URBs. The node is a symlink to a pty: stopping the pty's
 * output (tcflow) hides POLLOUT, starting it shows POLLOUT (a URB can be
 * reaped), closing its master hangs it up (POLLERR: the device is gone).
 */
#define _GNU_SOURCE
#include "usbsim.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#define SIM_EPS	     (USBSIM_IFACE_MAX * USBSIM_EP_MAX)
#define SIM_DESC_CAP 512
#define SIM_BUS	     1

struct sim_pkt {
	struct sim_pkt *next;
	size_t len;
	uint8_t data[];
};

struct sim_client;

struct sim_urb {
	struct sim_urb *next;
	UMockdevIoctlData *data; /* the struct usbdevfs_urb, resolved (owned ref) */
	struct sim_client *client;
	gulong addr; /* the URB's address in the client */
};

/* One open file of a device node. */
struct sim_client {
	struct sim_client *next;
	struct usbsim *sim;
	UMockdevIoctlClient *client; /* weak: NULL once umockdev dropped it */
	struct usbsim_dev *dev;	     /* the device at its node when opened, or NULL */
	unsigned gen;		     /* dev->gen when opened */
	struct sim_urb *done, *done_tail;
};

struct sim_ep {
	uint8_t addr;
	uint8_t type; /* enum usbsim_xfer */
	uint16_t max_packet;
	unsigned iface;
	unsigned count[USBSIM_INTERRUPT + 1];
	/* IN endpoints: */
	struct sim_pkt *q, *q_tail;
	size_t queued;
	struct sim_urb *pend, *pend_tail;
	unsigned n_pend;
};

struct usbsim_dev {
	struct usbsim_dev *next;
	struct usbsim *sim;
	struct usbsim_model *model;
	struct usbsim_dev_desc desc; /* strings point into strs */
	char *strs[3 + USBSIM_IFACE_MAX];
	uint8_t port, devnum;
	int plugged;
	unsigned gen;
	char name[16];	  /* "1-2" */
	char syspath[96]; /* "/sys/devices/usb1/1-2" */
	char devnode[32]; /* "/dev/bus/usb/001/002" */
	int pty_master;	  /* -1 while unplugged */
	int pty_ctl;	  /* our own fd on the pty's slave, for tcflow */
	int pollout;	  /* output started (a URB can be reaped) */
	const char *bound[USBSIM_IFACE_MAX];
	struct sim_client *owner[USBSIM_IFACE_MAX];
	unsigned ctrl_count;
	size_t n_eps;
	struct sim_ep eps[SIM_EPS];
};

struct usbsim {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	char *root;
	pthread_mutex_t lock; /* recursive */
	pthread_cond_t cond;  /* CLOCK_MONOTONIC; URB pending counts changed */
	int closing;
	struct usbsim_dev *devs;
	struct sim_client *clients;
	GPtrArray *attached; /* device nodes with the handler attached (char *) */
	uint8_t next_port, next_devnum;
};

static void sim_lock(struct usbsim *sim)
{
	pthread_mutex_lock(&sim->lock);
}

static void sim_unlock(struct usbsim *sim)
{
	pthread_mutex_unlock(&sim->lock);
}

static uint16_t sim_max_packet(const struct usbsim_ep_desc *e)
{
	return e->max_packet ? e->max_packet : 64;
}

static struct sim_ep *sim_ep_find(struct usbsim_dev *dev, uint8_t addr)
{
	for (size_t i = 0; i < dev->n_eps; i++)
		if (dev->eps[i].addr == addr)
			return &dev->eps[i];
	return NULL;
}

/* ---- descriptors and sysfs ---------------------------------------------- */

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)(v >> 8);
	return 2;
}

/* The `descriptors` file: device descriptor, then the one configuration
 * with its interfaces (a HID descriptor after HID interfaces) and
 * endpoints, all little-endian as sysfs shows them. */
static size_t sim_descriptors(const struct usbsim_dev_desc *d, uint8_t *out)
{
	size_t n = 0;
	out[n++] = 18;
	out[n++] = 1;
	n += put16(out + n, 0x0200);
	out[n++] = d->dev_class;
	out[n++] = d->dev_subclass;
	out[n++] = d->dev_protocol;
	out[n++] = 64;
	n += put16(out + n, d->vid);
	n += put16(out + n, d->pid);
	n += put16(out + n, d->bcd_device);
	out[n++] = d->manufacturer ? 1 : 0;
	out[n++] = d->product ? 2 : 0;
	out[n++] = d->serial ? 3 : 0;
	out[n++] = 1;

	size_t cfg = n;
	out[n++] = 9;
	out[n++] = 2;
	n += 2; /* wTotalLength, below */
	out[n++] = (uint8_t)d->n_ifaces;
	out[n++] = 1;	 /* bConfigurationValue */
	out[n++] = 0;	 /* iConfiguration */
	out[n++] = 0x80; /* bus powered */
	out[n++] = 50;	 /* 100 mA */
	for (size_t i = 0; i < d->n_ifaces; i++) {
		const struct usbsim_iface_desc *f = &d->ifaces[i];
		out[n++] = 9;
		out[n++] = 4;
		out[n++] = (uint8_t)i;
		out[n++] = 0;
		out[n++] = (uint8_t)f->n_eps;
		out[n++] = f->cls;
		out[n++] = f->subclass;
		out[n++] = f->protocol;
		out[n++] = 0;
		if (f->cls == 3) { /* HID 1.11, one report descriptor of 63 bytes */
			static const uint8_t hid[] = {9, 0x21, 0x11, 0x01, 0, 1, 0x22, 63, 0};
			memcpy(out + n, hid, sizeof(hid));
			n += sizeof(hid);
		}
		for (size_t e = 0; e < f->n_eps; e++) {
			const struct usbsim_ep_desc *ep = &f->eps[e];
			out[n++] = 7;
			out[n++] = 5;
			out[n++] = ep->addr;
			out[n++] = ep->type == USBSIM_INTERRUPT ? 3 : 2;
			n += put16(out + n, sim_max_packet(ep));
			out[n++] =
			    ep->type == USBSIM_INTERRUPT ? (ep->interval ? ep->interval : 10) : 0;
		}
	}
	put16(out + cfg + 2, (uint16_t)(n - cfg));
	return n;
}

static void sim_check_desc(const struct usbsim_dev_desc *d)
{
	if (d->n_ifaces < 1 || d->n_ifaces > USBSIM_IFACE_MAX)
		g_error("usbsim: a device needs 1..%d interfaces", USBSIM_IFACE_MAX);
	for (size_t i = 0; i < d->n_ifaces; i++) {
		const struct usbsim_iface_desc *f = &d->ifaces[i];
		if (f->n_eps > USBSIM_EP_MAX)
			g_error("usbsim: interface %zu has more than %d endpoints", i,
				USBSIM_EP_MAX);
		for (size_t e = 0; e < f->n_eps; e++) {
			const struct usbsim_ep_desc *ep = &f->eps[e];
			if ((ep->addr & 0x0f) == 0 || (ep->addr & 0x70) ||
			    (ep->type != USBSIM_BULK && ep->type != USBSIM_INTERRUPT))
				g_error("usbsim: bad endpoint 0x%02x", ep->addr);
			for (size_t j = 0; j <= i; j++)
				for (size_t k = 0; k < d->ifaces[j].n_eps; k++)
					if ((j < i || k < e) &&
					    d->ifaces[j].eps[k].addr == ep->addr)
						g_error("usbsim: endpoint 0x%02x twice", ep->addr);
		}
	}
}

static void sim_driver_link(struct usbsim *sim, const struct usbsim_dev *dev, unsigned iface,
			    const char *driver)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s%s/%s:1.%u/driver", sim->root, dev->syspath, dev->name,
		 iface);
	unlink(path);
	if (!driver)
		return;
	char target[96];
	snprintf(target, sizeof(target), "../../../../bus/usb/drivers/%s", driver);
	if (symlink(target, path) != 0)
		g_error("usbsim: symlink %s: %s", path, g_strerror(errno));
}

static char *sim_hex(unsigned width, unsigned v)
{
	return g_strdup_printf("%0*x\n", (int)width, v);
}

/* Creates the sysfs device with its interfaces and announces it. The
 * caller holds the lock; dev->devnum and dev->devnode are set. */
static void sim_sysfs_add(struct usbsim *sim, struct usbsim_dev *dev)
{
	const struct usbsim_dev_desc *d = &dev->desc;
	const char *speed = d->speed_mbps == 480 ? "480\n" : d->speed_mbps == 1 ? "1.5\n" : "12\n";
	char *vid = sim_hex(4, d->vid), *pid = sim_hex(4, d->pid), *bcd = sim_hex(4, d->bcd_device);
	char *cls = sim_hex(2, d->dev_class), *sub = sim_hex(2, d->dev_subclass);
	char *proto = sim_hex(2, d->dev_protocol);
	char *nif = g_strdup_printf("%2u\n", (unsigned)d->n_ifaces);
	char *busnum = g_strdup_printf("%u\n", SIM_BUS),
	     *devnum = g_strdup_printf("%u\n", dev->devnum);
	char *devpath = g_strdup_printf("%u\n", dev->port);
	char *manu = g_strdup_printf("%s\n", d->manufacturer ? d->manufacturer : "");
	char *prod = g_strdup_printf("%s\n", d->product ? d->product : "");
	char *serial = g_strdup_printf("%s\n", d->serial ? d->serial : "");
	const char *attrs[40] = {"idVendor",
				 vid,
				 "idProduct",
				 pid,
				 "bcdDevice",
				 bcd,
				 "bDeviceClass",
				 cls,
				 "bDeviceSubClass",
				 sub,
				 "bDeviceProtocol",
				 proto,
				 "bMaxPacketSize0",
				 "64\n",
				 "bNumConfigurations",
				 "1\n",
				 "bConfigurationValue",
				 "1\n",
				 "bNumInterfaces",
				 nif,
				 "busnum",
				 busnum,
				 "devnum",
				 devnum,
				 "devpath",
				 devpath,
				 "speed",
				 speed,
				 "maxchild",
				 "0\n",
				 NULL};
	size_t na = 30;
	if (d->manufacturer) {
		attrs[na++] = "manufacturer";
		attrs[na++] = manu;
	}
	if (d->product) {
		attrs[na++] = "product";
		attrs[na++] = prod;
	}
	if (d->serial) {
		attrs[na++] = "serial";
		attrs[na++] = serial;
	}
	attrs[na] = NULL;

	char *bus3 = g_strdup_printf("%03u", SIM_BUS), *dev3 = g_strdup_printf("%03u", dev->devnum);
	char *product = g_strdup_printf("%x/%x/%x", d->vid, d->pid, d->bcd_device);
	char *type = g_strdup_printf("%u/%u/%u", d->dev_class, d->dev_subclass, d->dev_protocol);
	char *minor = g_strdup_printf("%u", (SIM_BUS - 1) * 128 + dev->devnum - 1);
	const char *props[] = {"DEVTYPE", "usb_device", "DEVNAME", dev->devnode, "BUSNUM",
			       bus3,	  "DEVNUM",	dev3,	   "PRODUCT",	 product,
			       "TYPE",	  type,		"MAJOR",   "189",	 "MINOR",
			       minor,	  "DRIVER",	"usb",	   NULL};

	char parent[32];
	snprintf(parent, sizeof(parent), "/sys/devices/usb%u", SIM_BUS);
	char *path = umockdev_testbed_add_devicev(sim->tb, "usb", dev->name, parent,
						  (gchar **)attrs, (gchar **)props);
	if (!path || strcmp(path, dev->syspath) != 0)
		g_error("usbsim: could not add %s (got %s)", dev->syspath, path ? path : "nothing");
	g_free(path);

	uint8_t descr[SIM_DESC_CAP];
	size_t dlen = sim_descriptors(d, descr);
	umockdev_testbed_set_attribute_binary(sim->tb, dev->syspath, "descriptors", descr,
					      (gint)dlen);

	for (unsigned i = 0; i < d->n_ifaces; i++) {
		const struct usbsim_iface_desc *f = &d->ifaces[i];
		char name[32];
		snprintf(name, sizeof(name), "%s:1.%u", dev->name, i);
		char *num = sim_hex(2, i), *neps = sim_hex(2, (unsigned)f->n_eps);
		char *icls = sim_hex(2, f->cls), *isub = sim_hex(2, f->subclass);
		char *iproto = sim_hex(2, f->protocol);
		char *iface = g_strdup_printf("%u/%u/%u", f->cls, f->subclass, f->protocol);
		const char *iattrs[] = {"bInterfaceNumber",
					num,
					"bAlternateSetting",
					" 0\n",
					"bNumEndpoints",
					neps,
					"bInterfaceClass",
					icls,
					"bInterfaceSubClass",
					isub,
					"bInterfaceProtocol",
					iproto,
					NULL};
		const char *iprops[] = {"DEVTYPE",
					"usb_interface",
					"PRODUCT",
					product,
					"TYPE",
					type,
					"INTERFACE",
					iface,
					f->driver ? "DRIVER" : NULL,
					f->driver,
					NULL};
		char *ipath = umockdev_testbed_add_devicev(sim->tb, "usb", name, dev->syspath,
							   (gchar **)iattrs, (gchar **)iprops);
		if (!ipath)
			g_error("usbsim: could not add interface %s", name);
		g_free(ipath);
		if (f->driver) {
			char drv[PATH_MAX];
			snprintf(drv, sizeof(drv), "%s/sys/bus/usb/drivers/%s", sim->root,
				 f->driver);
			g_mkdir_with_parents(drv, 0755);
		}
		sim_driver_link(sim, dev, i, f->driver);
		dev->bound[i] = f->driver;
		g_free(num);
		g_free(neps);
		g_free(icls);
		g_free(isub);
		g_free(iproto);
		g_free(iface);
	}
	/* umockdev announced the device before its descriptors and interfaces
	 * existed; a reader that missed them sees a complete device now. */
	umockdev_testbed_uevent(sim->tb, dev->syspath, "add");

	g_free(vid);
	g_free(pid);
	g_free(bcd);
	g_free(cls);
	g_free(sub);
	g_free(proto);
	g_free(nif);
	g_free(busnum);
	g_free(devnum);
	g_free(devpath);
	g_free(manu);
	g_free(prod);
	g_free(serial);
	g_free(bus3);
	g_free(dev3);
	g_free(product);
	g_free(type);
	g_free(minor);
}

static void sim_sysfs_remove(struct usbsim *sim, struct usbsim_dev *dev)
{
	umockdev_testbed_uevent(sim->tb, dev->syspath, "remove");
	for (unsigned i = 0; i < dev->desc.n_ifaces; i++) {
		char path[160];
		snprintf(path, sizeof(path), "%s/%s:1.%u", dev->syspath, dev->name, i);
		umockdev_testbed_remove_device(sim->tb, path);
	}
	umockdev_testbed_remove_device(sim->tb, dev->syspath);
}

/* The root hub of SIM_BUS, so devices have a parent and a port number. */
static void sim_add_root_hub(struct usbsim *sim)
{
	struct usbsim_dev_desc hub = {
	    .vid = 0x1d6b,
	    .pid = 0x0002,
	    .bcd_device = 0x0606,
	    .dev_class = 9,
	    .speed_mbps = 480,
	    .n_ifaces = 1,
	    .ifaces = {{.cls = 9,
			.n_eps = 1,
			.eps = {{.addr = 0x81, .type = USBSIM_INTERRUPT, .max_packet = 4}}}},
	};
	char name[16], node[32];
	snprintf(name, sizeof(name), "usb%u", SIM_BUS);
	snprintf(node, sizeof(node), "/dev/bus/usb/%03u/001", SIM_BUS);
	const char *attrs[] = {"idVendor",
			       "1d6b\n",
			       "idProduct",
			       "0002\n",
			       "bDeviceClass",
			       "09\n",
			       "bNumConfigurations",
			       "1\n",
			       "bConfigurationValue",
			       "1\n",
			       "busnum",
			       "1\n",
			       "devnum",
			       "1\n",
			       "speed",
			       "480\n",
			       "maxchild",
			       "8\n",
			       NULL};
	const char *props[] = {"DEVTYPE", "usb_device", "DEVNAME", node,  "BUSNUM", "001",
			       "DEVNUM",  "001",	"DRIVER",  "usb", NULL};
	char *path = umockdev_testbed_add_devicev(sim->tb, "usb", name, NULL, (gchar **)attrs,
						  (gchar **)props);
	if (!path)
		g_error("usbsim: could not add the root hub");
	uint8_t descr[SIM_DESC_CAP];
	size_t dlen = sim_descriptors(&hub, descr);
	umockdev_testbed_set_attribute_binary(sim->tb, path, "descriptors", descr, (gint)dlen);
	umockdev_testbed_uevent(sim->tb, path, "add");
	g_free(path);
}

/* ---- poll readiness ----------------------------------------------------- */

/* Shows POLLOUT on the device node while a client of the current plug has
 * a URB to reap. */
static void sim_dev_pollout(struct usbsim_dev *dev)
{
	if (!dev->plugged || dev->pty_ctl < 0)
		return;
	int ready = 0;
	for (struct sim_client *c = dev->sim->clients; c && !ready; c = c->next)
		ready = c->dev == dev && c->gen == dev->gen && c->done;
	if (ready == dev->pollout)
		return;
	if (tcflow(dev->pty_ctl, ready ? TCOON : TCOOFF) != 0)
		g_error("usbsim: tcflow: %s", g_strerror(errno));
	dev->pollout = ready;
}

static void sim_pty_open(struct usbsim_dev *dev)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
		g_error("usbsim: no pseudo-terminal: %s", g_strerror(errno));
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s < 0)
		g_error("usbsim: TIOCGPTPEER: %s", g_strerror(errno));
	struct termios t;
	if (tcgetattr(s, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
	}
	if (tcflow(s, TCOOFF) != 0)
		g_error("usbsim: tcflow: %s", g_strerror(errno));

	char link[PATH_MAX], dir[PATH_MAX];
	snprintf(link, sizeof(link), "%s%s", dev->sim->root, dev->devnode);
	snprintf(dir, sizeof(dir), "%s/dev/bus/usb/%03u", dev->sim->root, SIM_BUS);
	g_mkdir_with_parents(dir, 0755);
	unlink(link);
	char pts[64];
	if (ptsname_r(m, pts, sizeof(pts)) != 0 || symlink(pts, link) != 0)
		g_error("usbsim: symlink %s: %s", link, g_strerror(errno));
	dev->pty_master = m;
	dev->pty_ctl = s;
	dev->pollout = 0;
}

static void sim_pty_close(struct usbsim_dev *dev)
{
	char link[PATH_MAX];
	snprintf(link, sizeof(link), "%s%s", dev->sim->root, dev->devnode);
	unlink(link);
	if (dev->pty_ctl >= 0)
		close(dev->pty_ctl);
	if (dev->pty_master >= 0)
		close(dev->pty_master); /* hangs the slave up: POLLERR for its readers */
	dev->pty_ctl = dev->pty_master = -1;
}

/* ---- URBs --------------------------------------------------------------- */

static struct usbdevfs_urb *urb_of(struct sim_urb *u)
{
	return (struct usbdevfs_urb *)(void *)u->data->data;
}

static void sim_urb_free(struct sim_urb *u)
{
	if (u) {
		g_object_unref(u->data);
		g_free(u);
	}
}

/* The URB is done: its client may reap it. */
static void sim_urb_finish(struct sim_urb *u, int status, int actual)
{
	struct usbdevfs_urb *urb = urb_of(u);
	urb->status = status;
	urb->actual_length = actual;
	u->next = NULL;
	struct sim_client *c = u->client;
	if (c->done_tail)
		c->done_tail->next = u;
	else
		c->done = u;
	c->done_tail = u;
	if (c->dev)
		sim_dev_pollout(c->dev);
}

static int sim_client_alive(const struct sim_client *c)
{
	return c->client && umockdev_ioctl_client_get_connected(c->client);
}

/* Hands queued packets of IN endpoint ep to its pending URBs. */
static void sim_ep_fill(struct usbsim_dev *dev, struct sim_ep *ep)
{
	while (ep->pend && ep->q) {
		struct sim_urb *u = ep->pend;
		ep->pend = u->next;
		if (!ep->pend)
			ep->pend_tail = NULL;
		ep->n_pend--;
		if (!sim_client_alive(u->client)) {
			sim_urb_free(u);
			continue;
		}
		struct usbdevfs_urb *urb = urb_of(u);
		uint8_t *buf = urb->buffer;
		size_t room = (size_t)urb->buffer_length, got = 0;
		int status = 0;
		while (ep->q) {
			struct sim_pkt *p = ep->q;
			if (p->len > room - got) {
				if (got > 0)
					break;
				if (room)
					memcpy(buf, p->data, room); /* babble */
				got = room;
				status = -EOVERFLOW;
			} else {
				if (p->len)
					memcpy(buf + got, p->data, p->len);
				got += p->len;
			}
			ep->q = p->next;
			if (!ep->q)
				ep->q_tail = NULL;
			ep->queued -= p->len;
			int short_pkt = p->len < ep->max_packet;
			g_free(p);
			if (status || short_pkt || got == room)
				break;
		}
		sim_urb_finish(u, status, (int)got);
	}
	pthread_cond_broadcast(&dev->sim->cond);
}

/* Fails every pending URB of the device (unplug). */
static void sim_dev_fail_pending(struct usbsim_dev *dev, int status)
{
	for (size_t i = 0; i < dev->n_eps; i++) {
		struct sim_ep *ep = &dev->eps[i];
		while (ep->pend) {
			struct sim_urb *u = ep->pend;
			ep->pend = u->next;
			sim_urb_finish(u, status, 0);
		}
		ep->pend_tail = NULL;
		ep->n_pend = 0;
		while (ep->q) {
			struct sim_pkt *p = ep->q;
			ep->q = p->next;
			g_free(p);
		}
		ep->q_tail = NULL;
		ep->queued = 0;
	}
	pthread_cond_broadcast(&dev->sim->cond);
}

/* ---- the ioctl handler -------------------------------------------------- */

static void sim_client_gone(gpointer data, GObject *where)
{
	struct sim_client *c = data;
	(void)where;
	sim_lock(c->sim);
	c->client = NULL;
	if (c->dev) {
		for (unsigned i = 0; i < USBSIM_IFACE_MAX; i++)
			if (c->dev->owner[i] == c)
				c->dev->owner[i] = NULL; /* closing the file releases its claims */
	}
	sim_unlock(c->sim);
}

static struct usbsim_dev *sim_dev_at(struct usbsim *sim, const char *devnode)
{
	for (struct usbsim_dev *d = sim->devs; d; d = d->next)
		if (d->plugged && devnode && strcmp(d->devnode, devnode) == 0)
			return d;
	return NULL;
}

/* The client's state, made on first sight. Lock held. */
static struct sim_client *sim_client_get(struct usbsim *sim, UMockdevIoctlClient *client)
{
	for (struct sim_client *c = sim->clients; c; c = c->next)
		if (c->client == client)
			return c;
	struct sim_client *c = g_new0(struct sim_client, 1);
	c->sim = sim;
	c->client = client;
	c->dev = sim_dev_at(sim, umockdev_ioctl_client_get_devnode(client));
	c->gen = c->dev ? c->dev->gen : 0;
	c->next = sim->clients;
	sim->clients = c;
	g_object_weak_ref(G_OBJECT(client), sim_client_gone, c);
	return c;
}

static void sim_client_connected(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
				 gpointer data)
{
	struct usbsim *sim = data;
	(void)handler;
	sim_lock(sim);
	if (!sim->closing)
		sim_client_get(sim, client);
	sim_unlock(sim);
}

struct sim_res {
	glong ret;
	int err;
};

static struct sim_res sim_err(int err)
{
	return (struct sim_res){-1, err};
}

/* Resolves the ioctl's argument: `len` bytes at the pointer it carries. */
static UMockdevIoctlData *sim_arg(UMockdevIoctlClient *client, size_t len)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, len, NULL);
	if (!d)
		g_error("usbsim: cannot read the ioctl argument");
	return d;
}

static unsigned sim_arg_uint(UMockdevIoctlClient *client)
{
	UMockdevIoctlData *d = sim_arg(client, sizeof(unsigned));
	unsigned v;
	memcpy(&v, d->data, sizeof(v));
	g_object_unref(d);
	return v;
}

static int sim_control(struct usbsim_dev *dev, const uint8_t *setup8, uint8_t *data, size_t cap)
{
	struct usbsim_setup s = {
	    .request_type = setup8[0],
	    .request = setup8[1],
	    .value = (uint16_t)(setup8[2] | setup8[3] << 8),
	    .index = (uint16_t)(setup8[4] | setup8[5] << 8),
	    .length = (uint16_t)(setup8[6] | setup8[7] << 8),
	};
	dev->ctrl_count++;
	struct usbsim_model *m = dev->model;
	if (!m || !m->ops || !m->ops->on_control)
		return -1;
	int r = m->ops->on_control(m, &s, data, cap);
	if (r < 0)
		return -1;
	if (s.request_type & 0x80)
		return r > (int)cap ? (int)cap : r;
	return (int)cap;
}

static struct sim_res sim_submit(struct usbsim_dev *dev, struct sim_client *c,
				 UMockdevIoctlClient *client)
{
	UMockdevIoctlData *ud = sim_arg(client, sizeof(struct usbdevfs_urb));
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)(void *)ud->data;
	struct sim_res res = {0, 0};
	struct sim_ep *ep = NULL;

	if (urb->buffer_length < 0 || urb->type == USBDEVFS_URB_TYPE_ISO) {
		res = sim_err(EINVAL);
		goto out;
	}
	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		if ((urb->endpoint & 0x7f) != 0 || urb->buffer_length < 8) {
			res = sim_err(EINVAL);
			goto out;
		}
	} else {
		ep = sim_ep_find(dev, urb->endpoint);
		if (!ep) {
			res = sim_err(ENOENT);
			goto out;
		}
		if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && ep->type == USBSIM_BULK) {
			res = sim_err(EINVAL);
			goto out;
		}
		if (urb->type != USBDEVFS_URB_TYPE_INTERRUPT &&
		    urb->type != USBDEVFS_URB_TYPE_BULK) {
			res = sim_err(EINVAL);
			goto out;
		}
		if (dev->owner[ep->iface] != c) { /* the kernel claims it on first use */
			if (dev->owner[ep->iface] || dev->bound[ep->iface]) {
				res = sim_err(EBUSY);
				goto out;
			}
			dev->owner[ep->iface] = c;
		}
		ep->count[urb->type == USBDEVFS_URB_TYPE_BULK ? USBSIM_BULK : USBSIM_INTERRUPT]++;
	}
	if (urb->buffer_length > 0) {
		UMockdevIoctlData *bd =
		    umockdev_ioctl_data_resolve(ud, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
						(gsize)urb->buffer_length, NULL);
		if (!bd)
			g_error("usbsim: cannot read a URB's buffer");
		g_object_unref(bd); /* the URB keeps it */
	}

	struct sim_urb *u = g_new0(struct sim_urb, 1);
	u->data = ud;
	u->client = c;
	u->addr = ud->client_addr;
	ud = NULL;
	urb->status = 0;
	urb->actual_length = 0;
	uint8_t *buf = urb->buffer;

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		size_t wlen = (size_t)(buf[6] | buf[7] << 8);
		if (wlen > (size_t)urb->buffer_length - 8) {
			sim_urb_free(u);
			res = sim_err(EINVAL);
			goto out;
		}
		int r = sim_control(dev, buf, buf + 8, wlen);
		sim_urb_finish(u, r < 0 ? -EPIPE : 0, r < 0 ? 0 : r);
	} else if (!(urb->endpoint & 0x80)) {
		struct usbsim_model *m = dev->model;
		if (m && m->ops && m->ops->on_out)
			m->ops->on_out(m, urb->endpoint, buf, (size_t)urb->buffer_length);
		sim_urb_finish(u, 0, urb->buffer_length);
	} else {
		if (ep->pend_tail)
			ep->pend_tail->next = u;
		else
			ep->pend = u;
		ep->pend_tail = u;
		ep->n_pend++;
		sim_ep_fill(dev, ep);
	}
out:
	if (ud)
		g_object_unref(ud);
	return res;
}

static struct sim_res sim_reap(struct sim_client *c, int alive, UMockdevIoctlClient *client)
{
	struct sim_urb *u = c->done;
	if (!u)
		return sim_err(alive ? EAGAIN : ENODEV);
	c->done = u->next;
	if (!c->done)
		c->done_tail = NULL;
	UMockdevIoctlData *ptr = sim_arg(client, sizeof(void *));
	umockdev_ioctl_data_set_ptr(ptr, 0, u->data); /* written back with the URB */
	g_object_unref(ptr);
	sim_urb_free(u);
	if (c->dev)
		sim_dev_pollout(c->dev);
	return (struct sim_res){0, 0};
}

static struct sim_res sim_discard(struct usbsim_dev *dev, struct sim_client *c,
				  UMockdevIoctlClient *client)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	gulong addr;
	memcpy(&addr, arg->data, sizeof(addr));
	for (size_t i = 0; i < dev->n_eps; i++) {
		struct sim_ep *ep = &dev->eps[i];
		struct sim_urb **pp = &ep->pend, *prev = NULL;
		for (; *pp; prev = *pp, pp = &(*pp)->next) {
			struct sim_urb *u = *pp;
			if (u->client != c || u->addr != addr)
				continue;
			*pp = u->next;
			if (ep->pend_tail == u)
				ep->pend_tail = prev;
			ep->n_pend--;
			sim_urb_finish(u, -ENOENT, 0);
			pthread_cond_broadcast(&dev->sim->cond);
			return (struct sim_res){0, 0};
		}
	}
	return sim_err(EINVAL);
}

static struct sim_res sim_usbfs_ioctl(struct usbsim_dev *dev, struct sim_client *c,
				      UMockdevIoctlClient *client)
{
	UMockdevIoctlData *d = sim_arg(client, sizeof(struct usbdevfs_ioctl));
	struct usbdevfs_ioctl cmd;
	memcpy(&cmd, d->data, sizeof(cmd));
	g_object_unref(d);
	if (cmd.ifno < 0 || (size_t)cmd.ifno >= dev->desc.n_ifaces)
		return sim_err(EINVAL);
	unsigned i = (unsigned)cmd.ifno;
	if ((unsigned)cmd.ioctl_code == USBDEVFS_DISCONNECT) {
		if (dev->owner[i]) {
			dev->owner[i] = NULL;
		} else if (dev->bound[i]) {
			dev->bound[i] = NULL;
			sim_driver_link(dev->sim, dev, i, NULL);
		} else {
			return sim_err(ENODATA);
		}
		return (struct sim_res){0, 0};
	}
	if ((unsigned)cmd.ioctl_code == USBDEVFS_CONNECT) {
		if (dev->owner[i] || dev->bound[i])
			return sim_err(EBUSY);
		const char *drv = dev->desc.ifaces[i].driver;
		if (!drv)
			return (struct sim_res){0, 0}; /* no driver wants it */
		dev->bound[i] = drv;
		sim_driver_link(dev->sim, dev, i, drv);
		return (struct sim_res){1, 0};
	}
	(void)c;
	return sim_err(ENOTTY);
}

static struct sim_res sim_sync_control(struct usbsim_dev *dev, UMockdevIoctlClient *client)
{
	UMockdevIoctlData *d = sim_arg(client, sizeof(struct usbdevfs_ctrltransfer));
	struct usbdevfs_ctrltransfer *ct = (struct usbdevfs_ctrltransfer *)(void *)d->data;
	uint8_t setup[8] = {ct->bRequestType,
			    ct->bRequest,
			    (uint8_t)(ct->wValue & 0xff),
			    (uint8_t)(ct->wValue >> 8),
			    (uint8_t)(ct->wIndex & 0xff),
			    (uint8_t)(ct->wIndex >> 8),
			    (uint8_t)(ct->wLength & 0xff),
			    (uint8_t)(ct->wLength >> 8)};
	uint8_t *data = NULL;
	if (ct->wLength) {
		UMockdevIoctlData *bd = umockdev_ioctl_data_resolve(
		    d, G_STRUCT_OFFSET(struct usbdevfs_ctrltransfer, data), ct->wLength, NULL);
		if (!bd) {
			g_object_unref(d);
			return sim_err(EFAULT);
		}
		data = bd->data;
		g_object_unref(bd);
	}
	uint8_t none = 0;
	int r = sim_control(dev, setup, data ? data : &none, ct->wLength);
	g_object_unref(d);
	return r < 0 ? sim_err(EPIPE) : (struct sim_res){r, 0};
}

static struct sim_res sim_ioctl(struct usbsim *sim, struct sim_client *c,
				UMockdevIoctlClient *client, gulong req)
{
	struct usbsim_dev *dev = c->dev;
	int alive = dev && dev->plugged && c->gen == dev->gen && !sim->closing;

	if (req == USBDEVFS_REAPURBNDELAY || req == USBDEVFS_REAPURB)
		return sim_reap(c, alive, client); /* reaping works after a disconnect */
	if (!alive)
		return sim_err(ENODEV);

	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = sim_arg(client, sizeof(uint32_t));
		uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
				USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_BULK_SCATTER_GATHER |
				USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		memcpy(d->data, &caps, sizeof(caps));
		g_object_unref(d);
		return (struct sim_res){0, 0};
	}
	case USBDEVFS_CLAIMINTERFACE: {
		unsigned i = sim_arg_uint(client);
		if (i >= dev->desc.n_ifaces)
			return sim_err(ENOENT);
		if (dev->owner[i] == c)
			return (struct sim_res){0, 0};
		if (dev->owner[i] || dev->bound[i])
			return sim_err(EBUSY);
		dev->owner[i] = c;
		return (struct sim_res){0, 0};
	}
	case USBDEVFS_RELEASEINTERFACE: {
		unsigned i = sim_arg_uint(client);
		if (i >= dev->desc.n_ifaces || dev->owner[i] != c)
			return sim_err(EINVAL);
		dev->owner[i] = NULL;
		return (struct sim_res){0, 0};
	}
	case USBDEVFS_GETDRIVER: {
		UMockdevIoctlData *d = sim_arg(client, sizeof(struct usbdevfs_getdriver));
		struct usbdevfs_getdriver *gd = (struct usbdevfs_getdriver *)(void *)d->data;
		const char *name = NULL;
		if (gd->interface < dev->desc.n_ifaces)
			name = dev->owner[gd->interface] ? "usbfs" : dev->bound[gd->interface];
		if (name)
			g_strlcpy(gd->driver, name, sizeof(gd->driver));
		g_object_unref(d);
		return name ? (struct sim_res){0, 0} : sim_err(ENODATA);
	}
	case USBDEVFS_IOCTL:
		return sim_usbfs_ioctl(dev, c, client);
	case USBDEVFS_SUBMITURB:
		return sim_submit(dev, c, client);
	case USBDEVFS_DISCARDURB:
		return sim_discard(dev, c, client);
	case USBDEVFS_CONTROL:
		return sim_sync_control(dev, client);
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP: {
		unsigned e = sim_arg_uint(client);
		return sim_ep_find(dev, (uint8_t)e) ? (struct sim_res){0, 0} : sim_err(ENOENT);
	}
	case USBDEVFS_RESET:
		return (struct sim_res){0, 0};
	case USBDEVFS_SETINTERFACE: {
		UMockdevIoctlData *d = sim_arg(client, sizeof(struct usbdevfs_setinterface));
		struct usbdevfs_setinterface si;
		memcpy(&si, d->data, sizeof(si));
		g_object_unref(d);
		if (si.interface >= dev->desc.n_ifaces || si.altsetting != 0)
			return sim_err(EINVAL);
		return (struct sim_res){0, 0};
	}
	case USBDEVFS_SETCONFIGURATION: {
		unsigned v = sim_arg_uint(client);
		if (v != 1)
			return sim_err(EINVAL);
		for (unsigned i = 0; i < dev->desc.n_ifaces; i++)
			if (dev->owner[i] && dev->owner[i] != c)
				return sim_err(EBUSY);
		return (struct sim_res){0, 0};
	}
	case USBDEVFS_GET_SPEED: /* enum usb_device_speed: LOW 1, FULL 2, HIGH 3 */
		return (struct sim_res){dev->desc.speed_mbps == 480 ? 3
					: dev->desc.speed_mbps == 1 ? 1
								    : 2,
					0};
	case USBDEVFS_CONNECTINFO: {
		UMockdevIoctlData *d = sim_arg(client, sizeof(struct usbdevfs_connectinfo));
		struct usbdevfs_connectinfo *ci = (struct usbdevfs_connectinfo *)(void *)d->data;
		ci->devnum = dev->devnum;
		ci->slow = dev->desc.speed_mbps == 1;
		g_object_unref(d);
		return (struct sim_res){0, 0};
	}
	default:
		return sim_err(ENOTTY);
	}
}

static gboolean sim_handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client,
				 gpointer data)
{
	struct usbsim *sim = data;
	(void)handler;
	gulong req = umockdev_ioctl_client_get_request(client);
	sim_lock(sim);
	struct sim_client *c = sim_client_get(sim, client);
	struct sim_res r = sim_ioctl(sim, c, client, req);
	sim_unlock(sim);
	umockdev_ioctl_client_complete(client, r.ret, r.err);
	return TRUE;
}

/* ---- public ------------------------------------------------------------- */

/* CLOCK_MONOTONIC now + timeout_ms, for pthread_cond_timedwait on a
 * condition made with that clock. */
static void sim_deadline(int timeout_ms, struct timespec *until)
{
	clock_gettime(CLOCK_MONOTONIC, until);
	until->tv_sec += timeout_ms / 1000;
	until->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

/* A condition on CLOCK_MONOTONIC (for sim_deadline). */
static void sim_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
}

struct usbsim *usbsim_new(void)
{
	/* A session leader without a terminal would get the first pty libusb
	 * opens as its controlling terminal, and SIGHUP when it is unplugged. */
	if (getsid(0) == getpid())
		signal(SIGHUP, SIG_IGN);

	struct usbsim *sim = g_new0(struct usbsim, 1);
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&sim->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	sim_cond_init(&sim->cond);

	sim->tb = umockdev_testbed_new();
	if (!sim->tb)
		g_error("usbsim: no testbed");
	/* umockdev checks (once per process) that /sys is the testbed's. */
	if (!umockdev_in_mock_environment())
		g_error("usbsim: not running with libumockdev-preload (link it or use "
			"umockdev-wrapper)");
	sim->root = umockdev_testbed_get_root_dir(sim->tb);
	sim->handler = umockdev_ioctl_base_new();
	g_signal_connect(sim->handler, "handle-ioctl", G_CALLBACK(sim_handle_ioctl), sim);
	g_signal_connect(sim->handler, "client-connected", G_CALLBACK(sim_client_connected), sim);
	sim->attached = g_ptr_array_new_with_free_func(g_free);
	sim->next_port = 1;
	sim->next_devnum = 2;
	sim_add_root_hub(sim);
	return sim;
}

const char *usbsim_root(const struct usbsim *sim)
{
	return sim->root;
}

static void sim_attach(struct usbsim *sim, const char *devnode)
{
	for (guint i = 0; i < sim->attached->len; i++)
		if (strcmp(g_ptr_array_index(sim->attached, i), devnode) == 0)
			return;
	GError *err = NULL;
	if (!umockdev_testbed_attach_ioctl(sim->tb, devnode, sim->handler, &err))
		g_error("usbsim: attach %s: %s", devnode, err ? err->message : "?");
	g_ptr_array_add(sim->attached, g_strdup(devnode));
}

/* Plugs dev in at dev->devnum. Lock held. */
static void sim_dev_plug(struct usbsim_dev *dev)
{
	struct usbsim *sim = dev->sim;
	snprintf(dev->devnode, sizeof(dev->devnode), "/dev/bus/usb/%03u/%03u", SIM_BUS,
		 dev->devnum);
	dev->gen++;
	memset(dev->owner, 0, sizeof(dev->owner));
	sim_pty_open(dev);
	sim_attach(sim, dev->devnode);
	dev->plugged = 1;
	sim_sysfs_add(sim, dev);
	if (dev->model && dev->model->ops && dev->model->ops->on_plug)
		dev->model->ops->on_plug(dev->model, 1);
}

struct usbsim_dev *usbsim_dev_add(struct usbsim *sim, const struct usbsim_dev_desc *desc,
				  struct usbsim_model *model)
{
	sim_check_desc(desc);
	struct usbsim_dev *dev = g_new0(struct usbsim_dev, 1);
	dev->sim = sim;
	dev->model = model;
	dev->desc = *desc;
	dev->pty_master = dev->pty_ctl = -1;
	const char **strs[3 + USBSIM_IFACE_MAX] = {&dev->desc.manufacturer, &dev->desc.product,
						   &dev->desc.serial};
	for (size_t i = 0; i < desc->n_ifaces; i++)
		strs[3 + i] = &dev->desc.ifaces[i].driver;
	for (size_t i = 0; i < 3 + desc->n_ifaces; i++) {
		dev->strs[i] = g_strdup(*strs[i]);
		*strs[i] = dev->strs[i];
	}
	for (unsigned i = 0; i < desc->n_ifaces; i++) {
		for (size_t e = 0; e < desc->ifaces[i].n_eps; e++) {
			const struct usbsim_ep_desc *ed = &desc->ifaces[i].eps[e];
			struct sim_ep *ep = &dev->eps[dev->n_eps++];
			ep->addr = ed->addr;
			ep->type = ed->type;
			ep->max_packet = sim_max_packet(ed);
			ep->iface = i;
		}
	}
	if (model)
		model->dev = dev;

	sim_lock(sim);
	dev->port = sim->next_port++;
	dev->devnum = sim->next_devnum++;
	snprintf(dev->name, sizeof(dev->name), "%u-%u", SIM_BUS, dev->port);
	snprintf(dev->syspath, sizeof(dev->syspath), "/sys/devices/usb%u/%s", SIM_BUS, dev->name);
	dev->next = sim->devs;
	sim->devs = dev;
	sim_dev_plug(dev);
	sim_unlock(sim);
	return dev;
}

void usbsim_dev_unplug(struct usbsim_dev *dev)
{
	struct usbsim *sim = dev->sim;
	sim_lock(sim);
	if (dev->plugged) {
		dev->plugged = 0;
		sim_dev_fail_pending(dev, -ENODEV);
		memset(dev->owner, 0, sizeof(dev->owner));
		memset(dev->bound, 0, sizeof(dev->bound));
		sim_pty_close(dev);
		sim_sysfs_remove(sim, dev);
		if (dev->model && dev->model->ops && dev->model->ops->on_plug)
			dev->model->ops->on_plug(dev->model, 0);
	}
	sim_unlock(sim);
}

void usbsim_dev_replug(struct usbsim_dev *dev, uint8_t devnum)
{
	struct usbsim *sim = dev->sim;
	sim_lock(sim);
	if (!dev->plugged) {
		if (devnum)
			dev->devnum = devnum;
		sim_dev_plug(dev);
	}
	sim_unlock(sim);
}

int usbsim_dev_in_push(struct usbsim_dev *dev, uint8_t ep_addr, const void *data, size_t len)
{
	struct usbsim *sim = dev->sim;
	int rc = -1;
	sim_lock(sim);
	struct sim_ep *ep = sim_ep_find(dev, ep_addr);
	if (ep && (ep_addr & 0x80) && dev->plugged) {
		const uint8_t *p = data;
		size_t off = 0;
		do {
			size_t n = len - off < ep->max_packet ? len - off : ep->max_packet;
			struct sim_pkt *pkt = g_malloc(sizeof(*pkt) + n + 1);
			pkt->next = NULL;
			pkt->len = n;
			if (n)
				memcpy(pkt->data, p + off, n);
			if (ep->q_tail)
				ep->q_tail->next = pkt;
			else
				ep->q = pkt;
			ep->q_tail = pkt;
			ep->queued += n;
			off += n;
		} while (off < len);
		sim_ep_fill(dev, ep);
		rc = 0;
	}
	sim_unlock(sim);
	return rc;
}

size_t usbsim_dev_in_queued(struct usbsim_dev *dev, uint8_t ep_addr)
{
	sim_lock(dev->sim);
	struct sim_ep *ep = sim_ep_find(dev, ep_addr);
	size_t n = ep ? ep->queued : 0;
	sim_unlock(dev->sim);
	return n;
}

int usbsim_dev_wait_pending(struct usbsim_dev *dev, uint8_t ep_addr, unsigned n, int timeout_ms)
{
	struct usbsim *sim = dev->sim;
	struct timespec until;
	sim_deadline(timeout_ms, &until);
	int rc = 0;
	sim_lock(sim);
	struct sim_ep *ep = sim_ep_find(dev, ep_addr);
	while (rc == 0 && (!ep || ep->n_pend < n))
		if (pthread_cond_timedwait(&sim->cond, &sim->lock, &until) == ETIMEDOUT)
			rc = ep && ep->n_pend >= n ? 0 : -1;
	sim_unlock(sim);
	return rc;
}

unsigned usbsim_dev_urb_count(struct usbsim_dev *dev, uint8_t ep_addr, enum usbsim_xfer type)
{
	unsigned n = 0;
	sim_lock(dev->sim);
	if ((ep_addr & 0x7f) == 0) {
		n = type == USBSIM_CONTROL ? dev->ctrl_count : 0;
	} else {
		struct sim_ep *ep = sim_ep_find(dev, ep_addr);
		if (ep && (type == USBSIM_BULK || type == USBSIM_INTERRUPT))
			n = ep->count[type];
	}
	sim_unlock(dev->sim);
	return n;
}

const char *usbsim_dev_driver(struct usbsim_dev *dev, unsigned iface)
{
	const char *name = NULL;
	sim_lock(dev->sim);
	if (iface < dev->desc.n_ifaces && dev->plugged)
		name = dev->owner[iface] ? "usbfs" : dev->bound[iface];
	sim_unlock(dev->sim);
	return name;
}

uint8_t usbsim_dev_busnum(const struct usbsim_dev *dev)
{
	(void)dev;
	return SIM_BUS;
}

uint8_t usbsim_dev_devnum(struct usbsim_dev *dev)
{
	sim_lock(dev->sim);
	uint8_t n = dev->plugged ? dev->devnum : 0;
	sim_unlock(dev->sim);
	return n;
}

const char *usbsim_dev_syspath(const struct usbsim_dev *dev)
{
	return dev->syspath;
}

int usbsim_spawn(struct usbsim *sim, char *const argv[], char **out_text, int *exit_status)
{
	gchar **env = g_get_environ();
	env = g_environ_setenv(env, "UMOCKDEV_DIR", sim->root, TRUE);
	const char *pre = g_environ_getenv(env, "LD_PRELOAD");
	if (!pre || !strstr(pre, "libumockdev-preload")) {
		char *v = pre && *pre ? g_strdup_printf("libumockdev-preload.so.0:%s", pre)
				      : g_strdup("libumockdev-preload.so.0");
		env = g_environ_setenv(env, "LD_PRELOAD", v, TRUE);
		g_free(v);
	}
	const char *asan = g_environ_getenv(env, "ASAN_OPTIONS");
	char *av = asan && *asan ? g_strdup_printf("%s:verify_asan_link_order=0", asan)
				 : g_strdup("verify_asan_link_order=0");
	env = g_environ_setenv(env, "ASAN_OPTIONS", av, TRUE);
	g_free(av);

	GSpawnFlags flags = strchr(argv[0], '/') ? 0 : G_SPAWN_SEARCH_PATH;
	gchar *out = NULL;
	gint wait_status = 0;
	GError *err = NULL;
	gboolean ok = g_spawn_sync(NULL, (gchar **)argv, env, flags, NULL, NULL,
				   out_text ? &out : NULL, NULL, &wait_status, &err);
	g_strfreev(env);
	if (!ok) {
		g_printerr("usbsim: cannot run %s: %s\n", argv[0], err ? err->message : "?");
		g_clear_error(&err);
		return -1;
	}
	if (WIFEXITED(wait_status))
		*exit_status = WEXITSTATUS(wait_status);
	else if (WIFSIGNALED(wait_status))
		*exit_status = 128 + WTERMSIG(wait_status);
	else
		*exit_status = -1;
	if (out_text)
		*out_text = out;
	return 0;
}

void usbsim_free(struct usbsim *sim)
{
	if (!sim)
		return;
	for (struct usbsim_dev *d = sim->devs; d; d = d->next)
		usbsim_dev_unplug(d);
	sim_lock(sim);
	sim->closing = 1;
	sim_unlock(sim);
	g_object_unref(sim->tb); /* stops umockdev's worker thread: no handler runs after */
	g_signal_handlers_disconnect_by_data(sim->handler, sim);
	g_object_unref(sim->handler);

	while (sim->clients) {
		struct sim_client *c = sim->clients;
		sim->clients = c->next;
		if (c->client)
			g_object_weak_unref(G_OBJECT(c->client), sim_client_gone, c);
		while (c->done) {
			struct sim_urb *u = c->done;
			c->done = u->next;
			sim_urb_free(u);
		}
		g_free(c);
	}
	while (sim->devs) {
		struct usbsim_dev *d = sim->devs;
		sim->devs = d->next;
		for (size_t i = 0; i < 3 + USBSIM_IFACE_MAX; i++)
			g_free(d->strs[i]);
		g_free(d);
	}
	g_ptr_array_unref(sim->attached);
	g_free(sim->root);
	pthread_cond_destroy(&sim->cond);
	pthread_mutex_destroy(&sim->lock);
	g_free(sim);
}

/* ---- hotplug events ----------------------------------------------------- */

void usbsim_hotplug_init(struct usbsim_hotplug *h)
{
	pthread_mutex_init(&h->lock, NULL);
	sim_cond_init(&h->cond);
	h->arrived = 0;
	h->left = 0;
}

void usbsim_hotplug_cleanup(struct usbsim_hotplug *h)
{
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
}

void usbsim_hotplug_on_watch(void *arg, int arrived, const struct usb_device_info *info)
{
	struct usbsim_hotplug *h = arg;
	(void)info;
	pthread_mutex_lock(&h->lock);
	if (arrived)
		h->arrived++;
	else
		h->left++;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

unsigned usbsim_hotplug_arrived(struct usbsim_hotplug *h)
{
	pthread_mutex_lock(&h->lock);
	unsigned n = h->arrived;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* Waits until *count (h->arrived or h->left) reaches n. */
static int hotplug_wait(struct usbsim_hotplug *h, const unsigned *count, unsigned n, int timeout_ms)
{
	struct timespec until;
	sim_deadline(timeout_ms, &until);
	int rc = 0;
	pthread_mutex_lock(&h->lock);
	while (*count < n && rc == 0)
		rc = pthread_cond_timedwait(&h->cond, &h->lock, &until);
	int ok = *count >= n;
	pthread_mutex_unlock(&h->lock);
	return ok ? 0 : -1;
}

int usbsim_hotplug_wait_arrived(struct usbsim_hotplug *h, unsigned n, int timeout_ms)
{
	return hotplug_wait(h, &h->arrived, n, timeout_ms);
}

int usbsim_hotplug_wait_left(struct usbsim_hotplug *h, unsigned n, int timeout_ms)
{
	return hotplug_wait(h, &h->left, n, timeout_ms);
}

/* ---- the loopback model ------------------------------------------------- */

static void loop_out(struct usbsim_model *m, uint8_t ep, const uint8_t *data, size_t len)
{
	struct usbsim_loopback *lb = (struct usbsim_loopback *)m;
	(void)ep;
	usbsim_dev_in_push(m->dev, lb->in_ep, data, len);
}

static int loop_control(struct usbsim_model *m, const struct usbsim_setup *s, uint8_t *data,
			size_t cap)
{
	struct usbsim_loopback *lb = (struct usbsim_loopback *)m;
	if ((s->request_type & 0x60) != 0x40) /* vendor requests only */
		return -1;
	if (s->request == 0x01 && !(s->request_type & 0x80)) {
		lb->stored_len = cap < sizeof(lb->stored) ? cap : sizeof(lb->stored);
		memcpy(lb->stored, data, lb->stored_len);
		return 0;
	}
	if (s->request == 0x02 && (s->request_type & 0x80)) {
		size_t n = lb->stored_len < cap ? lb->stored_len : cap;
		memcpy(data, lb->stored, n);
		return (int)n;
	}
	return -1;
}

static const struct usbsim_model_ops loop_ops = {
    .on_out = loop_out,
    .on_control = loop_control,
};

void usbsim_loopback_init(struct usbsim_loopback *lb, uint8_t in_ep)
{
	memset(lb, 0, sizeof(*lb));
	lb->base.ops = &loop_ops;
	lb->in_ep = in_ep;
}
