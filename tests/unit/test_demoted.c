/* A member whose role was lowered cannot use their old role by dating
 * what they sign back to when they had it.
 *
 * Authority is judged at the time written in the object, which its author
 * chooses. Imports already refuse an object not yet held whose author has
 * been removed since (f6bbb1b). The same hole remained for a demotion: an
 * admin made editor keeps their signing key and stays a member, so they
 * could sign an approval dated while they were admin, send it in a bundle,
 * and every copy would take it. An imported object must also be allowed by
 * its author's role now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vault_fixture.h"
#include "bundle_int.h"

#define BOB_PASS "bob's own long passphrase"
#define BOB_PASSLEN (sizeof BOB_PASS - 1)

static int64_t int_of(vault *v, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t x;

	assert_int_equal(db_prepare(vault_db(v), sql, &st, NULL), VAULT_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	x = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return x;
}

static void blob_of(vault *v, const char *sql, void *out, int len)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(db_prepare(vault_db(v), sql, &st, NULL), VAULT_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), len);
	memcpy(out, sqlite3_column_blob(st, 0), (size_t)len);
	sqlite3_finalize(st);
}

/* Bob signs o (its author and vault filled here) and seals a one-object
 * bundle to the vault's own address. */
static void bundle_of(vault *b, obj *o, const char *path)
{
	uint8_t *data = NULL, id[OBJ_ID_BYTES], sig[OBJ_SIG_BYTES], addr[32];
	static const uint8_t head[5] = {'A', 'M', 'P', 'M', MANIFEST_VERSION};
	uint8_t flags = 0;
	bbuf plain = {0}, file = {0};
	vault_err err = {0};
	size_t len = 0;

	memcpy(o->vault, b->header.vault_id, OBJ_VAULT_BYTES);
	memcpy(o->author, b->mk->sign_pk, OBJ_KEY_BYTES);
	assert_int_equal(obj_encode(o, &data, &len), 0);
	obj_id(data, len, id);
	blob_of(b, "SELECT value FROM meta WHERE key = 'address_pk'", addr, 32);
	bbuf_put(&plain, head, 5);
	bbuf_put(&plain, b->header.vault_id, VAULT_ID_BYTES);
	bbuf_put(&plain, b->mk->sign_pk, OBJ_KEY_BYTES);
	bbuf_i64(&plain, vault_now());
	bbuf_put(&plain, &flags, 1);
	bbuf_u32(&plain, 1);
	bbuf_put(&plain, id, OBJ_ID_BYTES);
	bbuf_u32(&plain, 0);
	bbuf_u32(&plain, 0);
	ac_sign(sig, plain.p, plain.len, b->mk->sign_sk);
	bbuf_put(&plain, sig, sizeof sig);
	bbuf_u32(&plain, (uint32_t)len);
	bbuf_put(&plain, data, len);
	obj_sign(data, len, b->mk->sign_sk, sig);
	bbuf_put(&plain, sig, sizeof sig);
	assert_false(plain.failed);
	assert_int_equal(bundle_seal(plain.p, plain.len,
	                             (const uint8_t (*)[32])addr, 1, &file,
	                             NULL, NULL, &err), VAULT_OK);
	assert_int_equal(bundle_write_file(path, file.p, file.len, &err),
	                 VAULT_OK);
	free(data);
	free(plain.p);
	free(file.p);
}

typedef struct {
	char *dir, *path, *bundle;
	char doc[VAULT_ID_HEX];
	int64_t admin_from; /* when bob became admin */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	ac_kdf_params kdf;
	vault_err err = {0};
	vault *v;

	if (f == NULL || ac_init() != AC_OK)
		return -1;
	f->dir = fx_dir_new();
	f->path = fx_path(f->dir, "v.amparo");
	f->bundle = fx_path(f->dir, "backdated.amparo-bundle");
	ac_kdf_test_params(&kdf);
	fx_create(f->path);
	v = fx_open(f->path);
	fx_add(v, "Detention protocol", "Call the lawyer.\n", 17, f->doc);
	assert_int_equal(vault_member_add(v, "bob", ROLE_ADMIN, BOB_PASS,
	                                  BOB_PASSLEN, &kdf, &err), VAULT_OK);
	f->admin_from = int_of(v, "SELECT added FROM members WHERE name = 'bob'");
	/* Alice makes bob an editor. */
	assert_int_equal(vault_member_set_role(v, "bob", ROLE_EDITOR, &err),
	                 VAULT_OK);
	assert_true(int_of(v, "SELECT max(time) FROM member_events") >
	            f->admin_from);
	vault_close(v);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	free(f->path);
	free(f->bundle);
	fx_dir_free(f->dir);
	free(f);
	return 0;
}

static vault_status import(fixture *f, vault_err *err)
{
	vault_sync_summary sum;
	vault *v = fx_open(f->path);
	vault_status rc = vault_import(v, f->bundle, NULL, NULL, &sum, err);

	vault_close(v);
	return rc;
}

/* Bob, an editor now, approves dated back to when he was admin. */
static void test_backdated_approval(void **state)
{
	fixture *f = *state;
	vault_err err = {0};
	vault_doc *d = NULL;
	vault *b = NULL;
	obj o;

	assert_int_equal(vault_open(f->path, BOB_PASS, BOB_PASSLEN, 0, &b, &err),
	                 VAULT_OK);
	assert_int_equal(vault_role(b), ROLE_EDITOR);
	assert_int_equal(fx_get(b, f->doc, &d, &err), VAULT_OK);
	memset(&o, 0, sizeof o);
	o.type = OBJ_STATUS;
	o.time = f->admin_from;
	o.status = STATUS_APPROVED;
	o.message.p = "";
	assert_int_equal(obj_unhex(d->id, o.doc, OBJ_DOC_BYTES), 0);
	assert_int_equal(obj_unhex(d->rev, o.rev, OBJ_ID_BYTES), 0);
	vault_doc_free(d);
	bundle_of(b, &o, f->bundle);
	vault_close(b);

	assert_int_not_equal(import(f, &err), VAULT_OK);
	{
		vault *v = fx_open(f->path);

		assert_int_equal(fx_get(v, f->doc, &d, &err), VAULT_OK);
		assert_int_not_equal(d->status, STATUS_APPROVED);
		assert_string_equal(d->approved, "");
		vault_doc_free(d);
		vault_close(v);
	}
}

/* Bob, an editor now, adds a member (a key he holds) dated back. */
static void test_backdated_member_add(void **state)
{
	fixture *f = *state;
	uint8_t seed[32] = {7};
	member_keys mk;
	vault_err err = {0};
	vault *b = NULL;
	obj o;

	memcpy(mk.seed, seed, sizeof seed);
	member_keys_derive(&mk);
	assert_int_equal(vault_open(f->path, BOB_PASS, BOB_PASSLEN, 0, &b, &err),
	                 VAULT_OK);
	memset(&o, 0, sizeof o);
	o.type = OBJ_MEMBER;
	o.time = f->admin_from;
	o.action = MEMBER_ADD;
	o.role = ROLE_ADMIN;
	memcpy(o.subject, mk.sign_pk, OBJ_KEY_BYTES);
	memcpy(o.box, mk.box_pk, 32);
	o.name.p = "mallory";
	o.name.len = 7;
	bundle_of(b, &o, f->bundle);
	vault_close(b);

	assert_int_not_equal(import(f, &err), VAULT_OK);
	{
		vault *v = fx_open(f->path);

		assert_false(store_member_active(v, v->header.vault_id, mk.sign_pk,
		                                 INT64_MAX));
		vault_close(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backdated_approval, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_backdated_member_add, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
