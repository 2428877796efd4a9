/* Whole-database copies (store_backup.h): a snapshot taken while another
 * connection holds an open write transaction, the image opened again with
 * the source's identity, saved to a new file and never over one, the kin
 * of a file (the same database ahead, a clone that went another way,
 * another database, none), and a new identity whose audit chain still
 * verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "store_audit.h"
#include "store_backup.h"
#include "store_meta.h"
#include "store_test.h"
#include "vb_error.h"

#define T0 1622505600

static void append(struct store *st, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(store_begin(st), VB_OK);
		assert_int_equal(store_audit_append(st, T0 + i, "admin", "test.row", NULL, "n=1"),
				 VB_OK);
		assert_int_equal(store_commit(st), VB_OK);
	}
}

static int setup(void **state)
{
	struct tstore *f = tstore_open();
	assert_int_equal(store_meta_init_identity(f->st, "BUS-07", "SITE-1"), VB_OK);
	append(f->st, 5);
	*state = f;
	return 0;
}

/* A snapshot of f's database, opened in memory. */
static struct store *snapshot_open(struct tstore *f)
{
	unsigned char *image = NULL;
	size_t len = 0;
	struct store *mem = NULL;
	assert_int_equal(store_snapshot(f->st, &image, &len), VB_OK);
	assert_int_equal(store_image_open(image, len, &mem, NULL), VB_OK);
	store_image_free(image);
	return mem;
}

static void test_snapshot_while_a_writer_holds_the_lock(void **state)
{
	struct tstore *f = *state;
	sqlite3 *w = raw_open(f->path);
	raw_exec(w, "BEGIN IMMEDIATE");
	raw_exec(w, "INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')");
	struct store *mem = snapshot_open(f);
	raw_exec(w, "COMMIT");
	sqlite3_close(w);

	struct store_identity src, copy;
	assert_int_equal(store_identity_get(f->st, &src), VB_OK);
	assert_int_equal(store_identity_get(mem, &copy), VB_OK);
	assert_string_equal(copy.bus_id, "BUS-07");
	assert_string_equal(copy.database_id, src.database_id);
	assert_int_equal(copy.audit_seq, 5);
	assert_memory_equal(copy.audit_hash, src.audit_hash, 32);
	char v[8];
	assert_int_equal(store_meta_get(mem, "uncommitted", v, sizeof(v)), VB_ENOTFOUND);
	assert_int_equal(store_audit_verify(mem, NULL, NULL), VB_OK);
	store_close(mem);
}

static void test_image_refused_when_not_a_database(void **state)
{
	(void)state;
	unsigned char junk[4096];
	memset(junk, 'x', sizeof(junk));
	struct store *mem = NULL;
	struct vb_reason why = {0};
	assert_int_equal(store_image_open(junk, sizeof(junk), &mem, &why), VB_ECORRUPT);
	assert_null(mem);
	assert_string_equal(why.code, "not_a_database");
}

static void test_save_new_file_never_over_one(void **state)
{
	struct tstore *f = *state;
	char out[320], kept[320];
	tdir_file(&f->dir, "copy.db", out, sizeof(out));
	tdir_file(&f->dir, "kept.db", kept, sizeof(kept));
	struct store *mem = snapshot_open(f);
	assert_int_equal(store_image_save(mem, out), VB_OK);

	struct store *back = NULL;
	struct store_identity a, b;
	assert_int_equal(store_open(out, &back, NULL), VB_OK);
	assert_int_equal(store_identity_get(back, &b), VB_OK);
	assert_int_equal(store_identity_get(f->st, &a), VB_OK);
	assert_string_equal(a.database_id, b.database_id);
	assert_int_equal(store_audit_verify(back, NULL, NULL), VB_OK);
	store_close(back);

	FILE *k = fopen(kept, "w");
	assert_non_null(k);
	fputs("not to be replaced", k);
	fclose(k);
	assert_int_equal(store_image_save(mem, kept), VB_EEXIST);
	k = fopen(kept, "r");
	char line[32] = "";
	assert_non_null(fgets(line, sizeof(line), k));
	fclose(k);
	assert_string_equal(line, "not to be replaced");
	store_close(mem);
}

static void test_kin(void **state)
{
	struct tstore *f = *state;
	char other[320], clone[320], none[320];
	tdir_file(&f->dir, "other.db", other, sizeof(other));
	tdir_file(&f->dir, "clone.db", clone, sizeof(clone));
	tdir_file(&f->dir, "none.db", none, sizeof(none));
	struct store_identity id;
	struct store *mem = snapshot_open(f);
	assert_int_equal(store_identity_get(mem, &id), VB_OK);
	assert_int_equal(store_image_save(mem, clone), VB_OK);
	store_close(mem);

	enum store_kin kin = STORE_KIN_OTHER;
	char why[200];
	append(f->st, 1); /* the original goes on: still ahead of the snapshot */
	assert_int_equal(store_kin_of_file(f->path, &id, &kin, why, sizeof(why)), VB_OK);
	assert_int_equal(kin, STORE_KIN_AHEAD);

	/* The clone goes on too; a snapshot of it is not in the original. */
	struct store *c = NULL;
	assert_int_equal(store_open(clone, &c, NULL), VB_OK);
	append(c, 2);
	struct store_identity cid;
	assert_int_equal(store_identity_get(c, &cid), VB_OK);
	store_close(c);
	assert_int_equal(store_kin_of_file(f->path, &cid, &kin, why, sizeof(why)), VB_OK);
	assert_int_equal(kin, STORE_KIN_DIVERGED);

	struct store *o = NULL;
	assert_int_equal(store_open(other, &o, NULL), VB_OK);
	assert_int_equal(store_meta_init_identity(o, "BUS-07", "SITE-1"), VB_OK);
	store_close(o);
	assert_int_equal(store_kin_of_file(other, &id, &kin, why, sizeof(why)), VB_OK);
	assert_int_equal(kin, STORE_KIN_OTHER);
	assert_int_equal(store_kin_of_file(none, &id, &kin, why, sizeof(why)), VB_ENOTFOUND);
}

static void test_new_identity_keeps_the_chain(void **state)
{
	struct tstore *f = *state;
	struct store *mem = snapshot_open(f);
	struct store_identity before, after;
	char id1[STORE_ID_LEN + 1], id2[STORE_ID_LEN + 1], v[STORE_ID_LEN + 1];
	assert_int_equal(store_identity_get(mem, &before), VB_OK);
	assert_int_equal(store_identity_renew(mem, id1), VB_ESTATE); /* needs a transaction */

	for (int round = 0; round < 2; round++) {
		assert_int_equal(store_begin(mem), VB_OK);
		assert_int_equal(store_identity_renew(mem, round ? id2 : id1), VB_OK);
		assert_int_equal(
		    store_audit_append(mem, T0 + 100, "admin", "backup.restore", NULL, "x=1"),
		    VB_OK);
		assert_int_equal(store_commit(mem), VB_OK);
		assert_int_equal(store_audit_verify(mem, NULL, NULL), VB_OK);
	}
	assert_int_equal(store_identity_get(mem, &after), VB_OK);
	assert_string_equal(after.database_id, id2);
	assert_string_not_equal(id1, before.database_id);
	assert_string_not_equal(id2, id1);
	assert_int_equal(store_meta_get(mem, "audit_origin", v, sizeof(v)), VB_OK);
	assert_string_equal(v, before.database_id);
	assert_int_equal(store_meta_get(mem, "cloned_from", v, sizeof(v)), VB_OK);
	assert_string_equal(v, id1);
	/* Kept by the store: the app cannot set them. */
	assert_int_equal(store_meta_set(mem, "audit_origin", id2), VB_EINVAL);
	assert_int_equal(store_meta_set(mem, "cloned_from", id2), VB_EINVAL);
	store_close(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_snapshot_while_a_writer_holds_the_lock, setup,
					    tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_image_refused_when_not_a_database, setup,
					    tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_save_new_file_never_over_one, setup,
					    tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_kin, setup, tstore_teardown),
	    cmocka_unit_test_setup_teardown(test_new_identity_keeps_the_chain, setup,
					    tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
