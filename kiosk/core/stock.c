/*
 * stock: the box check, dose administration from vials, wastage, recalls
 * and fridge quarantine over caller-owned arrays of lots and open vials.
 */
#include "stock.h"

#include <string.h>

#include "vbdate.h"

/* Field-bounded equality: the arrays are NUL-terminated, but never read
 * past the field even if one is not. */
#define FIELD_EQ(a, b) (strncmp((a), (b), sizeof(a)) == 0)

static const char *const waste_names[STOCK_WASTE_REASON_COUNT] = {
    [STOCK_WASTE_OPEN_VIAL_EXPIRED] = "open_vial_expired",
    [STOCK_WASTE_BROKEN] = "broken",
    [STOCK_WASTE_CONTAMINATED] = "contaminated",
    [STOCK_WASTE_COLD_CHAIN] = "cold_chain",
    [STOCK_WASTE_EXPIRED] = "expired",
    [STOCK_WASTE_OTHER] = "other",
};

const char *stock_waste_reason_name(enum stock_waste_reason r)
{
	return (unsigned)r < STOCK_WASTE_REASON_COUNT ? waste_names[r] : NULL;
}

int stock_waste_reason_from_name(const char *name, enum stock_waste_reason *out)
{
	if (!name)
		return VB_EINVAL;
	for (int i = 0; i < STOCK_WASTE_REASON_COUNT; i++) {
		if (strcmp(waste_names[i], name) == 0) {
			*out = (enum stock_waste_reason)i;
			return VB_OK;
		}
	}
	return VB_EINVAL;
}

/* 1 if the vial belongs to lot and can give a dose at now. */
static int vial_usable(const struct stock_vial *v, const struct stock_lot *lot, int64_t now)
{
	return FIELD_EQ(v->lot, lot->lot) && v->doses_left > 0 && now < v->discard_at;
}

static int product_allowed(const char *product, const char *const *allowed, size_t n)
{
	for (size_t i = 0; allowed && i < n; i++)
		if (allowed[i] && strcmp(allowed[i], product) == 0)
			return 1;
	return 0;
}

/* The lot matching the box: same lot number, and the box's GTIN equal to
 * the lot's (preferred) or one of them unset. Returns the index, or -1
 * with *same_number telling whether any lot had the number. */
static ptrdiff_t find_lot(const struct stock_lot *lots, size_t n, const struct gs1 *code,
			  int *same_number)
{
	ptrdiff_t loose = -1;
	*same_number = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(lots[i].lot, code->lot, sizeof(lots[i].lot)) != 0)
			continue;
		*same_number = 1;
		if (!code->gtin[0])
			return (ptrdiff_t)i;
		if (FIELD_EQ(lots[i].gtin, code->gtin))
			return (ptrdiff_t)i;
		if (!lots[i].gtin[0] && loose < 0)
			loose = (ptrdiff_t)i;
	}
	return loose;
}

int stock_box_check(const struct stock_lot *lots, size_t n, const struct stock_vial *vials,
		    size_t n_vials, const struct gs1 *code, int32_t today, int64_t now,
		    const char *const *allowed_products, size_t n_allowed, size_t *match,
		    struct vb_reason *why)
{
	char d1[11], d2[11];
	int same_number;

	if (!code || (n > 0 && !lots) || (n_vials > 0 && !vials))
		return VB_EINVAL;
	if (!code->lot[0])
		return vb_reason_set(why, "no_lot_in_code",
				     "the scanned code carries no lot number (AI 10)");
	ptrdiff_t i = find_lot(lots, n, code, &same_number);
	if (i < 0 && !same_number)
		return vb_reason_set(why, "not_on_board",
				     "lot '%s' from the box is not in the stock on board",
				     code->lot);
	if (i < 0)
		return vb_reason_set(why, "gtin_mismatch",
				     "lot '%s' is on board, but the box's GTIN %s is not the "
				     "lot's",
				     code->lot, code->gtin);
	const struct stock_lot *lot = &lots[i];
	if (code->expiry == VBDATE_NONE && lot->expiry == VBDATE_NONE)
		return vb_reason_set(why, "no_expiry",
				     "neither the box nor lot '%s' on board has an expiry date",
				     lot->lot);
	if (code->expiry != VBDATE_NONE && code->expiry < today) {
		vbdate_format(code->expiry, d1);
		return vb_reason_set(why, "expired", "the box's expiry date %s has passed", d1);
	}
	if (lot->expiry != VBDATE_NONE && lot->expiry < today) {
		vbdate_format(lot->expiry, d1);
		return vb_reason_set(why, "expired", "lot '%s' expired on %s", lot->lot, d1);
	}
	if (code->expiry != VBDATE_NONE && lot->expiry != VBDATE_NONE &&
	    code->expiry != lot->expiry) {
		vbdate_format(code->expiry, d1);
		vbdate_format(lot->expiry, d2);
		return vb_reason_set(why, "expiry_mismatch",
				     "the box's expiry date %s differs from lot '%s' on board (%s)",
				     d1, lot->lot, d2);
	}
	if (lot->recalled)
		return vb_reason_set(why, "recalled", "lot '%s' has been recalled", lot->lot);
	if (lot->quarantined)
		return vb_reason_set(why, "quarantined",
				     "lot '%s' is quarantined after a cold-chain excursion in "
				     "fridge '%s'",
				     lot->lot, lot->fridge);
	if (!product_allowed(lot->product, allowed_products, n_allowed))
		return vb_reason_set(why, "wrong_product",
				     "lot '%s' is product '%s', not one due for this dose",
				     lot->lot, lot->product);
	int stock = lot->vials > 0;
	for (size_t k = 0; !stock && k < n_vials; k++)
		stock = vial_usable(&vials[k], lot, now);
	if (!stock)
		return vb_reason_set(why, "no_stock",
				     "lot '%s' has no unopened vial and no open vial with doses "
				     "left",
				     lot->lot);
	*match = (size_t)i;
	return VB_OK;
}

int stock_administer(struct stock_lot *lot, struct stock_vial *vials, size_t *n_vials,
		     size_t cap_vials, int64_t now, int discard_hours, struct stock_effect *eff,
		     struct vb_reason *why)
{
	if (lot->doses_per_vial < 1 || lot->vials < 0 || discard_hours < 0)
		return VB_EINVAL;
	if (lot->recalled)
		return vb_reason_set(why, "recalled", "lot '%s' has been recalled", lot->lot);
	if (lot->quarantined)
		return vb_reason_set(why, "quarantined", "lot '%s' is quarantined", lot->lot);

	ptrdiff_t use = -1;
	for (size_t k = 0; k < *n_vials; k++) {
		if (!vial_usable(&vials[k], lot, now))
			continue;
		if (use < 0 || vials[k].opened_at < vials[use].opened_at)
			use = (ptrdiff_t)k;
	}
	if (use >= 0) {
		vials[use].doses_left--;
		eff->opened = 0;
		eff->vial = (size_t)use;
		eff->doses_left = vials[use].doses_left;
		eff->vials_left = lot->vials;
		return VB_OK;
	}
	if (lot->vials == 0)
		return vb_reason_set(why, "no_stock",
				     "lot '%s' has no unopened vial and no open vial with doses "
				     "left",
				     lot->lot);
	if (*n_vials >= cap_vials)
		return VB_ERANGE;

	struct stock_vial *v = &vials[*n_vials];
	memset(v, 0, sizeof(*v));
	memcpy(v->lot, lot->lot, sizeof(v->lot));
	v->lot[sizeof(v->lot) - 1] = '\0';
	v->opened_at = now;
	v->discard_at = now + (int64_t)discard_hours * 3600;
	v->doses_left = lot->doses_per_vial - 1;
	lot->vials--;
	eff->opened = 1;
	eff->vial = *n_vials;
	eff->doses_left = v->doses_left;
	eff->vials_left = lot->vials;
	(*n_vials)++;
	return VB_OK;
}

int stock_discard_expired(struct stock_vial *vials, size_t n, int64_t now,
			  struct stock_wastage *out, size_t cap_out, size_t *n_out)
{
	size_t due = 0;
	for (size_t k = 0; k < n; k++)
		due += vials[k].doses_left > 0 && now >= vials[k].discard_at;
	if (due > cap_out)
		return VB_ERANGE;
	size_t w = 0;
	for (size_t k = 0; k < n; k++) {
		struct stock_vial *v = &vials[k];
		if (v->doses_left <= 0 || now < v->discard_at)
			continue;
		memset(&out[w], 0, sizeof(out[w]));
		memcpy(out[w].lot, v->lot, sizeof(out[w].lot));
		out[w].lot[sizeof(out[w].lot) - 1] = '\0';
		out[w].doses = v->doses_left;
		out[w].reason = STOCK_WASTE_OPEN_VIAL_EXPIRED;
		out[w].at = v->discard_at;
		v->doses_left = 0;
		w++;
	}
	*n_out = w;
	return VB_OK;
}

/* Checks a manual wastage reason and note. VB_OK, VB_EINVAL or
 * VB_EREFUSED "note_required". */
static int check_manual(enum stock_waste_reason reason, const char *note, struct vb_reason *why)
{
	if ((unsigned)reason >= STOCK_WASTE_REASON_COUNT || reason == STOCK_WASTE_OPEN_VIAL_EXPIRED)
		return VB_EINVAL;
	if (note && strlen(note) >= sizeof(((struct stock_wastage *)0)->note))
		return VB_EINVAL;
	if (reason == STOCK_WASTE_OTHER && (!note || !note[0]))
		return vb_reason_set(why, "note_required",
				     "wastage for reason 'other' needs a note saying why");
	return VB_OK;
}

static void fill_wastage(struct stock_wastage *out, const char *lot, size_t lot_cap, int doses,
			 int vials, enum stock_waste_reason reason, const char *note, int64_t at)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->lot, lot, lot_cap < sizeof(out->lot) ? lot_cap : sizeof(out->lot));
	out->lot[sizeof(out->lot) - 1] = '\0';
	out->doses = doses;
	out->vials = vials;
	out->reason = reason;
	out->at = at;
	if (note)
		strcpy(out->note, note); /* length checked by check_manual */
}

int stock_waste_vials(struct stock_lot *lot, int vials, enum stock_waste_reason reason,
		      const char *note, int64_t now, struct stock_wastage *out,
		      struct vb_reason *why)
{
	int rc = check_manual(reason, note, why);
	if (rc)
		return rc;
	if (vials < 1 || lot->doses_per_vial < 1)
		return VB_EINVAL;
	if (vials > lot->vials)
		return vb_reason_set(why, "not_enough_vials",
				     "%d vials to discard, but lot '%s' has %d unopened", vials,
				     lot->lot, lot->vials);
	if (vials > INT32_MAX / lot->doses_per_vial)
		return VB_EINVAL;
	fill_wastage(out, lot->lot, sizeof(lot->lot), vials * lot->doses_per_vial, vials, reason,
		     note, now);
	lot->vials -= vials;
	return VB_OK;
}

int stock_waste_open(struct stock_vial *vial, enum stock_waste_reason reason, const char *note,
		     int64_t now, struct stock_wastage *out, struct vb_reason *why)
{
	int rc = check_manual(reason, note, why);
	if (rc)
		return rc;
	if (vial->doses_left <= 0)
		return vb_reason_set(why, "vial_empty",
				     "the open vial of lot '%s' has no dose left", vial->lot);
	fill_wastage(out, vial->lot, sizeof(vial->lot), vial->doses_left, 0, reason, note, now);
	vial->doses_left = 0;
	return VB_OK;
}

int stock_recall(struct stock_lot *lots, size_t n, const char *lot, const char *gtin,
		 size_t *marked)
{
	if (!lot || !lot[0])
		return VB_EINVAL;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(lots[i].lot, lot, sizeof(lots[i].lot)) != 0)
			continue;
		if (gtin && gtin[0] && lots[i].gtin[0] &&
		    strncmp(lots[i].gtin, gtin, sizeof(lots[i].gtin)) != 0)
			continue;
		lots[i].recalled = 1;
		m++;
	}
	if (m == 0)
		return VB_ENOTFOUND;
	*marked = m;
	return VB_OK;
}

static int set_fridge(struct stock_lot *lots, size_t n, const char *fridge, int flag,
		      size_t *changed)
{
	if (!fridge || !fridge[0])
		return VB_EINVAL;
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(lots[i].fridge, fridge, sizeof(lots[i].fridge)) != 0)
			continue;
		c += lots[i].quarantined != flag;
		lots[i].quarantined = flag;
	}
	if (changed)
		*changed = c;
	return VB_OK;
}

int stock_quarantine_fridge(struct stock_lot *lots, size_t n, const char *fridge, size_t *changed)
{
	return set_fridge(lots, n, fridge, 1, changed);
}

int stock_release_fridge(struct stock_lot *lots, size_t n, const char *fridge, size_t *changed)
{
	return set_fridge(lots, n, fridge, 0, changed);
}

int64_t stock_doses(const struct stock_lot *lot, const struct stock_vial *vials, size_t n_vials)
{
	int64_t d = (int64_t)lot->vials * lot->doses_per_vial;
	for (size_t k = 0; k < n_vials; k++)
		if (FIELD_EQ(vials[k].lot, lot->lot) && vials[k].doses_left > 0)
			d += vials[k].doses_left;
	return d;
}
