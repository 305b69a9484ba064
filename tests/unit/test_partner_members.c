/* A partner's member objects must not touch our own members.
 *
 * `members` has one row per key. A partner vault P may send us MEMBER
 * objects of P whose subject is the key of one of OUR members (our member
 * objects go to partners, so they know every key and name). Such an event
 * concerns P's membership only; it must not change our member's row: not
 * their X25519 key (a rotation seals our new master key to the key in that
 * row), not their removal, not their role or name. Nor may a partner's
 * event that arrives first (a fresh copy of our vault that reads the
 * partner's bundle before ours) keep the row once our own event for that
 * key arrives. */
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

typedef struct {
	char *dir;
	char *ours;     /* our vault: alice (admin) and bob (staff) */
	char *copy;     /* a copy of ours made before bob was added */
	char *partner;  /* the partner's vault */
	char *pbundle;  /* the partner's bundle for us */
	char *obundle;  /* our own bundle for our copies (bob's add, his slot) */
	char addr[VAULT_ADDRESS_LEN];
	uint8_t ours_id[VAULT_ID_BYTES];
	uint8_t bob[OBJ_KEY_BYTES], bob_box[32];
	uint8_t evil_pk[32], evil_sk[32]; /* the partner's X25519 key pair */
} fixture;

static void copy_file(const char *from, const char *to)
{
	size_t len = 0;
	uint8_t *buf = fx_slurp(from, &len);
	FILE *fp = fopen(to, "wb");

	assert_non_null(buf);
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(buf);
}

static void member_row(vault *v, const uint8_t key[OBJ_KEY_BYTES],
                       uint8_t vid[VAULT_ID_BYTES], uint8_t box[32],
                       char name[65], int *role, int *removed)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(db_prepare(vault_db(v), "SELECT vault, box, name, role,"
	                            " removed IS NOT NULL FROM members WHERE key = :k",
	                            &st, NULL), VAULT_OK);
	db_bind_blob(st, ":k", key, OBJ_KEY_BYTES);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), VAULT_ID_BYTES);
	assert_int_equal(sqlite3_column_bytes(st, 1), 32);
	memcpy(vid, sqlite3_column_blob(st, 0), VAULT_ID_BYTES);
	memcpy(box, sqlite3_column_blob(st, 1), 32);
	snprintf(name, 65, "%s", (const char *)sqlite3_column_text(st, 2));
	*role = sqlite3_column_int(st, 3);
	*removed = sqlite3_column_int(st, 4);
	sqlite3_finalize(st);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	ac_kdf_params kdf;
	vault_sync_summary sum;
	vault_err err = {0};
	uint8_t vid[VAULT_ID_BYTES];
	char name[65];
	int role, removed;
	vault *v;

	if (f == NULL || ac_init() != AC_OK)
		return -1;
	f->dir = fx_dir_new();
	f->ours = fx_path(f->dir, "ours.vault");
	f->copy = fx_path(f->dir, "copy.vault");
	f->partner = fx_path(f->dir, "partner.vault");
	f->pbundle = fx_path(f->dir, "partner.amparo-bundle");
	f->obundle = fx_path(f->dir, "ours.amparo-bundle");
	ac_kdf_test_params(&kdf);
	fx_create(f->ours);
	copy_file(f->ours, f->copy);
	v = fx_open(f->ours);
	assert_int_equal(vault_member_add(v, "bob", ROLE_STAFF, BOB_PASS,
	                                  BOB_PASSLEN, &kdf, &err), VAULT_OK);
	memcpy(f->ours_id, v->header.vault_id, VAULT_ID_BYTES);
	assert_int_equal(vault_address(v, f->addr, &err), VAULT_OK);
	{
		sqlite3_stmt *st = NULL;

		assert_int_equal(db_prepare(vault_db(v), "SELECT key FROM members"
		                            " WHERE name = 'bob'", &st, NULL), VAULT_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		memcpy(f->bob, sqlite3_column_blob(st, 0), OBJ_KEY_BYTES);
		sqlite3_finalize(st);
	}
	member_row(v, f->bob, vid, f->bob_box, name, &role, &removed);
	assert_int_equal(vault_export(v, f->obundle, NULL, 1, NULL, 0, NULL, NULL,
	                              &sum, &err), VAULT_OK);
	vault_close(v);
	ac_box_keypair(f->evil_pk, f->evil_sk);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	free(f->ours);
	free(f->copy);
	free(f->partner);
	free(f->pbundle);
	free(f->obundle);
	fx_dir_free(f->dir);
	free(f);
	return 0;
}

/* The partner (a modified program) records, in its own vault, a member
 * event about bob, and exports it to us. */
static void partner_bundle(fixture *f, int action)
{
	const char *to[1] = {f->addr};
	vault_sync_summary sum;
	vault_err err = {0};
	vault *p;
	obj o;

	fx_create(f->partner);
	p = fx_open(f->partner);
	assert_int_equal(db_begin(p, &err), VAULT_OK);
	/* A role change or removal must name one of the partner's own
	 * members, so the partner first admits bob's key itself. */
	if (action != MEMBER_ADD) {
		memset(&o, 0, sizeof o);
		o.type = OBJ_MEMBER;
		o.action = MEMBER_ADD;
		o.role = ROLE_STAFF;
		memcpy(o.subject, f->bob, OBJ_KEY_BYTES);
		memcpy(o.box, f->evil_pk, 32);
		o.name.p = "mallory";
		o.name.len = 7;
		assert_int_equal(store_put(p, &o, NULL, &err), VAULT_OK);
	}
	memset(&o, 0, sizeof o);
	o.type = OBJ_MEMBER;
	o.action = (uint8_t)action;
	o.role = ROLE_ADMIN;
	memcpy(o.subject, f->bob, OBJ_KEY_BYTES);
	memcpy(o.box, f->evil_pk, 32);
	o.name.p = "mallory";
	o.name.len = 7;
	assert_int_equal(store_put(p, &o, NULL, &err), VAULT_OK);
	assert_int_equal(db_commit(p, &err), VAULT_OK);
	assert_int_equal(vault_export(p, f->pbundle, "us", 1, to, 1, NULL, NULL,
	                              &sum, &err), VAULT_OK);
	vault_close(p);
}

static void import(const char *path, const char *bundle)
{
	vault *v = fx_open(path);
	vault_sync_summary sum;
	vault_err err = {0};
	vault_status rc;

	rc = vault_import(v, bundle, NULL, NULL, &sum, &err);
	if (rc != VAULT_OK)
		print_error("import: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
	vault_close(v);
}

/* Bob's row is ours and as we made it; a rotation keeps bob in, and the
 * partner's key opens no slot. */
static void expect_bob_intact(fixture *f, const char *path)
{
	uint8_t vid[VAULT_ID_BYTES], box[32], area[HDR_AREA],
		master[AC_KEY_BYTES];
	vault_err err = {0};
	char name[65];
	int role, removed;
	vault_status rc;
	vault *v = fx_open(path);
	hdr h;
	int which;

	member_row(v, f->bob, vid, box, name, &role, &removed);
	assert_memory_equal(vid, f->ours_id, VAULT_ID_BYTES);
	assert_memory_equal(box, f->bob_box, 32);
	assert_string_equal(name, "bob");
	assert_int_equal(role, ROLE_STAFF);
	assert_int_equal(removed, 0);
	assert_int_equal(vault_rekey(v, &err), VAULT_OK);
	vault_close(v);

	/* The master key is sealed to no key of the partner's... */
	fx_read_at(path, 0, area, HDR_AREA);
	assert_int_not_equal(hdr_pick(area, &h, &which), HDR_PICK_DAMAGED);
	for (unsigned i = 0; i < HDR_SLOTS; i++)
		if (h.slots[i].state == SLOT_PASSPHRASE)
			assert_int_not_equal(ac_seal_open(master, h.slots[i].sealed,
			                                  SEALED_KEY_BYTES, f->evil_pk,
			                                  f->evil_sk), AC_OK);
	/* ...and bob still opens the vault, as himself. */
	rc = vault_open(path, BOB_PASS, BOB_PASSLEN, 0, &v, &err);
	if (rc != VAULT_OK)
		print_error("bob: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
	assert_string_equal(vault_member(v), "bob");
	vault_close(v);
}

static void test_partner_add_of_our_member(void **state)
{
	fixture *f = *state;

	partner_bundle(f, MEMBER_ADD);
	import(f->ours, f->pbundle);
	expect_bob_intact(f, f->ours);
}

static void test_partner_removal_of_our_member(void **state)
{
	fixture *f = *state;

	partner_bundle(f, MEMBER_REMOVE);
	import(f->ours, f->pbundle);
	expect_bob_intact(f, f->ours);
}

static void test_partner_role_change_of_our_member(void **state)
{
	fixture *f = *state;

	partner_bundle(f, MEMBER_ROLE);
	import(f->ours, f->pbundle);
	expect_bob_intact(f, f->ours);
}

/* A copy of ours that reads the partner's bundle before our own. */
static void test_partner_event_arrives_first(void **state)
{
	fixture *f = *state;

	partner_bundle(f, MEMBER_ADD);
	import(f->copy, f->pbundle);
	import(f->copy, f->obundle);
	expect_bob_intact(f, f->copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_partner_add_of_our_member,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_partner_removal_of_our_member,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_partner_role_change_of_our_member,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_partner_event_arrives_first,
		                                setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
