/*
 * vaxbusctl `consent show`: the informed consent a resident signed for a
 * visit — the wording's key and language, the screening answers a doctor
 * had to see, when it was signed — and, on request, the signature image
 * written to a file only its owner can read (it is sealed in the
 * database and opened here with the data key).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ctl.h"
#include "ctl_cmds.h"
#include "store_consent.h"
#include "wallclock.h"

/* Writes the n bytes of png to path, mode 0600, replacing a file there. */
static int write_private(const char *path, const uint8_t *png, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return VB_EIO;
	int rc = ctl_write_all(fd, png, n) == 0 && fsync(fd) == 0 ? VB_OK : VB_EIO;
	if (close(fd) != 0)
		rc = VB_EIO;
	return rc;
}

int ctl_cmd_consent_show(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
	    {"--visit", "ID", "the visit whose consent to show", 1, NULL},
	    {"--signature", "FILE", "write the signature (PNG) to FILE, readable by you only", 0,
	     NULL},
	    {NULL, NULL, NULL, 0, NULL},
	};
	int rc = ctl_parse(c, argc, argv, opts,
			   "Shows the consent signed for a visit: the wording's key and language,\n"
			   "the screening answers a doctor had to see, and when it was signed.");
	if (rc || (rc = ctl_store(c, 0)))
		return rc;
	const char *path = ctl_opt(opts, "--signature");
	struct store_consent k;
	uint8_t *png = NULL;
	size_t n = 0;
	int vb =
	    store_consent_get_visit(c->st, ctl_opt(opts, "--visit"), &k, path ? &png : NULL, &n);
	if (vb == VB_ENOTFOUND)
		return ctl_refusef(c, "--visit", "not_found", "the visit has no signed consent");
	if (vb)
		return ctl_storage(c, vb);
	if (path) {
		vb = write_private(path, png, n);
		sodium_memzero(png, n);
		free(png);
		if (vb)
			return ctl_refusef(c, "--signature", "cannot_write",
					   "the file cannot be written");
	}
	char signed_at[26];
	wallclock_format(k.signed_at, c->utc_offset_min, signed_at);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", k.id, "visit_id", k.visit_id,
			      "text_key", k.text_key, "lang", k.lang, "ask_staff", k.ask_staff,
			      "signed_at", signed_at);
	return ctl_emit(c,
			json_pack("{s:o, s:o}", "consent", o, "signature",
				  path ? json_string(path) : json_null()),
			NULL);
}
