/* Key slots carried by a bundle (docs/bundle-format.md §4.3) from someone
 * who is no longer a member.
 *
 * A removed member keeps their old copy, so their signing key and the
 * vault's old address secret (old addresses still open bundles). The
 * manifest's signer is judged at the manifest's time, which the signer
 * chooses. Slot records carry no proof of whose passphrase they hold, and
 * one with a newer change stamp replaces the slot of the same id. So a
 * removed member could seal a bundle to the old address, backdate it, and
 * replace every remaining member's key slot with junk: nobody could open
 * that copy again. Slot records are taken only from a signer who is a
 * member now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vault_fixture.h"
#include "bundle_int.h"

#define BOB_PASS "bob's own long passphrase"
#define BOB_PASSLEN (sizeof BOB_PASS - 1)

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

static void blob_of(vault *v, const char *sql, void *out, int len)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(db_prepare(vault_db(v), sql, &st, NULL), VAULT_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), len);
	memcpy(out, sqlite3_column_blob(st, 0), (size_t)len);
	sqlite3_finalize(st);
}

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

/* A bundle from b (signed by b's member) carrying one junk slot record
 * that names member key and slot id sid, stamped as the newest change,
 * sealed to addr. */
static void write_slot_bundle(vault *b, const uint8_t addr[32],
                              const uint8_t key[OBJ_KEY_BYTES],
                              const uint8_t sid[SLOT_ID_BYTES], int64_t time,
                              const char *path)
{
	static const uint8_t head[5] = {'A', 'M', 'P', 'M', MANIFEST_VERSION};
	uint8_t flags = MANIFEST_SLOTS, rec[HDR_SLOT_SIZE], sig[OBJ_SIG_BYTES];
	bbuf plain = {0}, file = {0};
	ac_kdf_params kdf;
	vault_err err = {0};

	ac_kdf_test_params(&kdf);
	bbuf_put(&plain, head, 5);
	bbuf_put(&plain, b->header.vault_id, VAULT_ID_BYTES);
	bbuf_put(&plain, b->mk->sign_pk, OBJ_KEY_BYTES);
	bbuf_i64(&plain, time);
	bbuf_put(&plain, &flags, 1);
	bbuf_u32(&plain, 0); /* no objects */
	bbuf_u32(&plain, 0); /* no prerequisites */
	bbuf_u32(&plain, 1); /* one slot record */
	ac_random(rec, sizeof rec);
	memset(rec, 0, 40);
	rec[0] = SLOT_PASSPHRASE;
	rec[8] = (uint8_t)kdf.opslimit;
	rec[16] = (uint8_t)(kdf.memlimit);
	rec[17] = (uint8_t)(kdf.memlimit >> 8);
	rec[18] = (uint8_t)(kdf.memlimit >> 16);
	memcpy(rec + 112, sid, SLOT_ID_BYTES);
	bbuf_put(&plain, rec, sizeof rec);
	bbuf_put(&plain, key, OBJ_KEY_BYTES);
	bbuf_i64(&plain, INT64_MAX);
	ac_sign(sig, plain.p, plain.len, b->mk->sign_sk);
	bbuf_put(&plain, sig, sizeof sig);
	assert_false(plain.failed);
	assert_int_equal(bundle_seal(plain.p, plain.len,
	                             (const uint8_t (*)[32])addr, 1, &file,
	                             NULL, NULL, &err), VAULT_OK);
	assert_int_equal(bundle_write_file(path, file.p, file.len, &err),
	                 VAULT_OK);
	free(plain.p);
	free(file.p);
}

static void test_removed_member_cannot_replace_slots(void **state)
{
	char *dir = fx_dir_new();
	char *ours = fx_path(dir, "ours.vault");
	char *old = fx_path(dir, "bobs-old-copy.vault");
	char *bundle = fx_path(dir, "junk.amparo-bundle");
	uint8_t alice[OBJ_KEY_BYTES], alice_slot[SLOT_ID_BYTES];
	uint8_t old_addr[32];
	ac_kdf_params kdf;
	vault_sync_summary sum;
	vault_err err = {0};
	int64_t added;
	vault_status rc;
	vault *v, *b;

	(void)state;
	assert_int_equal(ac_init(), AC_OK);
	ac_kdf_test_params(&kdf);
	fx_create(ours);
	v = fx_open(ours);
	assert_int_equal(vault_member_add(v, "bob", ROLE_ADMIN, BOB_PASS,
	                                  BOB_PASSLEN, &kdf, &err), VAULT_OK);
	vault_close(v);
	copy_file(ours, old);

	/* Alice removes bob: the keys and the address are rotated. */
	v = fx_open(ours);
	assert_int_equal(vault_member_remove(v, "bob", &err), VAULT_OK);
	vault_close(v);

	/* Bob, with his old copy, writes a bundle sealed to the old address,
	 * dated while he was a member, carrying a junk slot for alice's slot
	 * id with the newest possible change stamp. */
	assert_int_equal(vault_open(old, BOB_PASS, BOB_PASSLEN, 0, &b, &err),
	                 VAULT_OK);
	blob_of(b, "SELECT key FROM members WHERE name = 'alice'", alice,
	        OBJ_KEY_BYTES);
	blob_of(b, "SELECT slot_id FROM members WHERE name = 'alice'",
	        alice_slot, SLOT_ID_BYTES);
	blob_of(b, "SELECT value FROM meta WHERE key = 'address_pk'", old_addr,
	        32);
	added = int_of(b, "SELECT added FROM members WHERE name = 'bob'");
	write_slot_bundle(b, old_addr, alice, alice_slot, added, bundle);
	vault_close(b);
	/* Alice imports it (or finds it in the sync folder). Whatever the
	 * answer, she must still open her vault. */
	v = fx_open(ours);
	rc = vault_import(v, bundle, NULL, NULL, &sum, &err);
	(void)rc;
	vault_close(v);
	rc = vault_open(ours, FX_PASS, FX_PASSLEN, 0, &v, &err);
	if (rc != VAULT_OK)
		print_error("alice: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
	vault_close(v);

	free(ours);
	free(old);
	free(bundle);
	fx_dir_free(dir);
}

/* A current staff member cannot replace another member's slot either:
 * neither by naming that member's key nor by reusing their slot id with
 * their own key. Only their own slot, or an admin's records, pass. */
static void test_staff_cannot_replace_others_slots(void **state)
{
	char *dir = fx_dir_new();
	char *ours = fx_path(dir, "ours.vault");
	char *bundle = fx_path(dir, "junk.amparo-bundle");
	uint8_t alice[OBJ_KEY_BYTES], alice_slot[SLOT_ID_BYTES], addr[32];
	vault_sync_summary sum;
	vault_err err = {0};
	ac_kdf_params kdf;
	vault *v, *b;

	(void)state;
	assert_int_equal(ac_init(), AC_OK);
	ac_kdf_test_params(&kdf);
	fx_create(ours);
	v = fx_open(ours);
	assert_int_equal(vault_member_add(v, "bob", ROLE_STAFF, BOB_PASS,
	                                  BOB_PASSLEN, &kdf, &err), VAULT_OK);
	vault_close(v);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(vault_open(ours, BOB_PASS, BOB_PASSLEN, 0, &b,
		                            &err), VAULT_OK);
		blob_of(b, "SELECT key FROM members WHERE name = 'alice'", alice,
		        OBJ_KEY_BYTES);
		blob_of(b, "SELECT slot_id FROM members WHERE name = 'alice'",
		        alice_slot, SLOT_ID_BYTES);
		blob_of(b, "SELECT value FROM meta WHERE key = 'address_pk'", addr,
		        32);
		/* Round 0: alice's key and slot id. Round 1: bob's own key
		 * with alice's slot id. */
		write_slot_bundle(b, addr, round == 0 ? alice : b->mk->sign_pk,
		                  alice_slot, vault_now(), bundle);
		vault_close(b);
		v = fx_open(ours);
		(void)vault_import(v, bundle, NULL, NULL, &sum, &err);
		vault_close(v);
		unlink(bundle);
		assert_int_equal(vault_open(ours, FX_PASS, FX_PASSLEN, 0, &v, &err),
		                 VAULT_OK);
		vault_close(v);
	}
	free(ours);
	free(bundle);
	fx_dir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_removed_member_cannot_replace_slots),
		cmocka_unit_test(test_staff_cannot_replace_others_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
