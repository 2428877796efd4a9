/*
 * helper_usb_list: a child process for the umockdev tests — lists the
 * matched devices through drivers/usb, like `vaxbusctl devices`, and can
 * send text through a device's first endpoint pair and print the answer.
 *
 *   helper_usb_list ROW... [--echo ROLE TEXT]
 *   ROW: role=VID:PID (hex) or role=CLASS/SUBCLASS/PROTOCOL (decimal)
 *
 * Prints one line per device: "ROLE VID:PID BUS-ADDRESS PORT open=N",
 * then "echo: TEXT" when asked. Exit status 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb.h"

#define ROWS_MAX 8

static int parse_row(const char *arg, struct usb_match *m)
{
	memset(m, 0, sizeof(*m));
	m->iface_class = m->iface_subclass = m->iface_protocol = m->iface = -1;
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(m->role))
		return -1;
	memcpy(m->role, arg, (size_t)(eq - arg));
	unsigned a, b;
	int c, s, p;
	if (sscanf(eq + 1, "%x:%x", &a, &b) == 2 && strchr(eq + 1, ':')) {
		m->vid = (uint16_t)a;
		m->pid = (uint16_t)b;
		return 0;
	}
	if (sscanf(eq + 1, "%d/%d/%d", &c, &s, &p) == 3) {
		m->iface_class = c;
		m->iface_subclass = s;
		m->iface_protocol = p;
		return 0;
	}
	return -1;
}

static int echo(struct usb_ctx *ctx, const char *role, const char *text)
{
	struct usb_dev *dev = NULL;
	struct byte_link *link = NULL;
	char back[256];
	size_t got = 0, len = strlen(text);
	int rc = usb_dev_open(ctx, role, &dev);
	if (rc)
		goto out;
	rc = usb_dev_link(dev, 0, &link);
	if (rc)
		goto out;
	rc = byte_link_write(link, (const uint8_t *)text, len, 2000);
	if (rc)
		goto out;
	while (got < len && rc == DRV_OK) {
		size_t n = 0;
		rc = byte_link_read(link, (uint8_t *)back + got, sizeof(back) - 1 - got, &n, 2000);
		got += n;
	}
	if (rc)
		goto out;
	back[got] = '\0';
	printf("echo: %s\n", back);
out:
	byte_link_free(link);
	usb_dev_close(dev);
	if (rc)
		fprintf(stderr, "helper_usb_list: echo on %s: %s\n", role, drv_strerror(rc));
	return rc;
}

int main(int argc, char **argv)
{
	struct usb_match rows[ROWS_MAX];
	size_t n_rows = 0;
	const char *echo_role = NULL, *echo_text = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--echo") == 0 && i + 2 < argc) {
			echo_role = argv[i + 1];
			echo_text = argv[i + 2];
			i += 2;
		} else if (n_rows < ROWS_MAX && parse_row(argv[i], &rows[n_rows]) == 0) {
			n_rows++;
		} else {
			fprintf(stderr, "helper_usb_list: bad argument %s\n", argv[i]);
			return 1;
		}
	}
	struct usb_ctx *ctx = NULL;
	int rc = usb_ctx_new(rows, n_rows, &ctx);
	if (rc) {
		fprintf(stderr, "helper_usb_list: %s\n", drv_strerror(rc));
		return 1;
	}
	struct usb_device_info infos[16];
	size_t n = 0;
	rc = usb_ctx_list(ctx, infos, 16, &n);
	for (size_t i = 0; i < n && rc == DRV_OK; i++)
		printf("%s %04x:%04x %u-%u %s open=%d\n", infos[i].role, infos[i].vid, infos[i].pid,
		       infos[i].bus, infos[i].address, infos[i].port_path, infos[i].open);
	if (rc == DRV_OK && echo_role)
		rc = echo(ctx, echo_role, echo_text);
	usb_ctx_free(ctx);
	return rc ? 1 : 0;
}
