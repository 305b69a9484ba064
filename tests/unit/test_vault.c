/* White-box tests for vault/: the API round trip, the two header copies,
 * passphrase changes (whole and torn), tampered headers and pages, and
 * documents. */
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

typedef struct {
	char *dir;
	char *path;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL || ac_init() != AC_OK)
		return -1;
	f->dir = fx_dir_new();
	f->path = fx_path(f->dir, "test.vault");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	free(f->path);
	fx_dir_free(f->dir);
	free(f);
	return 0;
}

static vault_status try_open(const char *path, const char *pass, vault **v,
                             vault_err *err)
{
	memset(err, 0, sizeof *err);
	return vault_open(path, pass, strlen(pass), 0, v, err);
}

static void add_doc(vault *v, const char *title, const char *body,
                    char id[VAULT_ID_HEX])
{
	fx_add(v, title, body, strlen(body), id);
}

/* Assert ref names one document with this title and body. */
static void expect_doc(vault *v, const char *ref, const char *title,
                       const char *body)
{
	vault_err err = {0};
	vault_doc *d = NULL;
	vault_status rc = fx_get(v, ref, &d, &err);

	if (rc != VAULT_OK)
		print_error("vault_doc_get(%s): %s\n", ref, err.msg);
	assert_int_equal(rc, VAULT_OK);
	assert_non_null(d);
	assert_string_equal(d->title, title);
	assert_int_equal(d->body_len, strlen(body));
	assert_memory_equal(d->body, body, d->body_len);
	vault_doc_free(d);
}

static vault_status get_status(vault *v, const char *ref)
{
	vault_err err = {0};
	vault_doc *d = NULL;
	vault_status rc = fx_get(v, ref, &d, &err);

	if (rc == VAULT_OK)
		assert_non_null(d);
	else
		assert_null(d);
	vault_doc_free(d);
	return rc;
}

static void read_area(const char *path, uint8_t area[HDR_AREA])
{
	fx_read_at(path, 0, area, HDR_AREA);
}

static void check_ok(vault *v)
{
	vault_err err = {0};
	vault_status rc = vault_check(v, &err);

	if (rc != VAULT_OK)
		print_error("vault_check: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
}

/* --- The API round trip ----------------------------------------------- */

#define TRAVEL "Before the trip: back up the phone.\n"

static void test_create_open_close(void **state)
{
	fixture *f = *state;
	ac_kdf_params kdf;
	vault_err err = {0};
	vault *v = NULL;
	char id[VAULT_ID_HEX];

	fx_create(f->path);
	assert_int_equal(fx_size(f->path) % PAGE_SIZE, 0);
	/* Never over an existing file. */
	ac_kdf_test_params(&kdf);
	assert_int_equal(vault_create(f->path, "bob", "x", 1, &kdf, &err),
	                 VAULT_EEXIST);
	assert_int_equal(err.code, VAULT_EEXIST);
	assert_int_equal(vault_open(f->path, FX_PASS, FX_PASSLEN, 0, &v, &err),
	                 VAULT_OK);
	assert_string_equal(vault_member(v), "alice");
	add_doc(v, "Travel protocol", TRAVEL, id);
	check_ok(v);
	vault_close(v);

	v = fx_open(f->path);
	expect_doc(v, id, "Travel protocol", TRAVEL);
	vault_close(v);

	/* Read-only: reads work, writes are refused with a clear status. */
	assert_int_equal(vault_open(f->path, FX_PASS, FX_PASSLEN, VAULT_READONLY,
	                            &v, &err), VAULT_OK);
	expect_doc(v, "Travel protocol", "Travel protocol", TRAVEL);
	assert_int_equal(fx_add_status(v, "t", NULL, "b", 1, id, &err),
	                 VAULT_EREADONLY);
	vault_close(v);
	vault_close(NULL);
}

static void test_missing_and_wrong_passphrase(void **state)
{
	fixture *f = *state;
	vault_err err;
	vault *v = (vault *)1;

	assert_int_equal(try_open(f->path, FX_PASS, &v, &err), VAULT_ENOENT);
	assert_null(v);
	fx_create(f->path);
	v = (vault *)1;
	assert_int_equal(try_open(f->path, "correct horse battery stapl", &v,
	                          &err), VAULT_EAUTH);
	assert_null(v);
	assert_int_equal(err.code, VAULT_EAUTH);
	assert_non_null(strstr(err.msg, "passphrase"));
	assert_int_equal(try_open(f->path, "", &v, &err), VAULT_EAUTH);
	/* The failed attempts changed nothing. */
	v = fx_open(f->path);
	vault_close(v);
}

/* --- The header, white-box --------------------------------------------- */

/* A member's keys from a fresh seed; ac_secret_free them. */
static member_keys *keys_new(void)
{
	member_keys *k = ac_secret_new(sizeof *k);

	assert_non_null(k);
	ac_random(k->seed, SEED_BYTES);
	member_keys_derive(k);
	return k;
}

/* A header with two members' slots (0 and 5), opened by "first" and
 * "second". mk: the two members' keys, or NULL for throwaway ones. */
static void make_hdr(hdr *h, const uint8_t *master, uint64_t generation,
                     member_keys *mk[2])
{
	member_keys *tmp[2] = {NULL, NULL};
	ac_kdf_params kdf;

	if (mk == NULL) {
		tmp[0] = keys_new();
		tmp[1] = keys_new();
		mk = tmp;
	}
	ac_kdf_test_params(&kdf);
	memset(h, 0, sizeof *h);
	h->version = HDR_FORMAT_VERSION;
	h->page_size = PAGE_SIZE;
	h->reserve = PAGE_RESERVE;
	h->generation = generation;
	ac_random(h->vault_id, VAULT_ID_BYTES);
	assert_int_equal(hdr_slot_set(h, 0, master, mk[0], "first", 5, &kdf,
	                              NULL), VAULT_OK);
	assert_int_equal(hdr_slot_set(h, 5, master, mk[1], "second", 6, &kdf,
	                              NULL), VAULT_OK);
	ac_secret_free(tmp[0]);
	ac_secret_free(tmp[1]);
}

static void expect_same_hdr(const hdr *a, const hdr *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->page_size, b->page_size);
	assert_int_equal(a->reserve, b->reserve);
	assert_int_equal(a->generation, b->generation);
	assert_memory_equal(a->vault_id, b->vault_id, VAULT_ID_BYTES);
	for (unsigned i = 0; i < HDR_SLOTS; i++) {
		const hdr_slot *x = &a->slots[i], *y = &b->slots[i];

		assert_int_equal(x->state, y->state);
		assert_int_equal(x->kdf.opslimit, y->kdf.opslimit);
		assert_int_equal(x->kdf.memlimit, y->kdf.memlimit);
		assert_memory_equal(x->salt, y->salt, AC_SALT_BYTES);
		assert_memory_equal(x->nonce, y->nonce, AC_NONCE_BYTES);
		assert_memory_equal(x->wrapped, y->wrapped, AC_KEY_BYTES);
		assert_memory_equal(x->tag, y->tag, AC_TAG_BYTES);
		assert_memory_equal(x->id, y->id, SLOT_ID_BYTES);
		assert_memory_equal(x->sealed, y->sealed, SEALED_KEY_BYTES);
	}
}

/* Recompute the plain checksum of a copy after editing it. */
static void reseal_sum(uint8_t *copy)
{
	ac_hash(copy + HDR_SUM_OFF, copy, HDR_SUM_OFF, NULL, 0);
}

static void test_hdr_encode_decode(void **state)
{
	uint8_t *master = ac_secret_new(AC_KEY_BYTES);
	uint8_t *got = ac_secret_new(AC_KEY_BYTES);
	uint8_t mac_key[AC_KEY_BYTES], other_key[AC_KEY_BYTES];
	uint8_t enc[HDR_SIZE], again[HDR_SIZE];
	member_keys *mk[2] = {keys_new(), keys_new()}, *out = keys_new();
	hdr h, d;
	unsigned slot = 99;

	(void)state;
	assert_non_null(master);
	assert_non_null(got);
	ac_random(master, AC_KEY_BYTES);
	ac_random(mac_key, sizeof mac_key);
	ac_random(other_key, sizeof other_key);
	make_hdr(&h, master, 42, mk);
	hdr_encode(&h, mac_key, enc);
	assert_memory_equal(enc, HDR_MAGIC, HDR_MAGIC_LEN);
	assert_int_equal(hdr_decode(enc, &d), 0);
	expect_same_hdr(&h, &d);
	/* Re-encoding what was decoded, keeping the stored MAC, gives the
	 * same bytes: nothing is lost or reordered. */
	hdr_encode(&d, NULL, again);
	assert_memory_equal(enc, again, HDR_SIZE);
	assert_true(hdr_mac_ok(enc, mac_key));
	assert_false(hdr_mac_ok(enc, other_key));

	/* Every slot opens with its own passphrase only, giving the master
	 * key and that member's keys. */
	assert_int_equal(hdr_unlock(&d, "first", 5, got, out, &slot), VAULT_OK);
	assert_int_equal(slot, 0);
	assert_memory_equal(got, master, AC_KEY_BYTES);
	assert_memory_equal(out->sign_pk, mk[0]->sign_pk, sizeof out->sign_pk);
	assert_int_equal(hdr_unlock(&d, "second", 6, got, out, &slot), VAULT_OK);
	assert_int_equal(slot, 5);
	assert_memory_equal(got, master, AC_KEY_BYTES);
	assert_memory_equal(out->sign_pk, mk[1]->sign_pk, sizeof out->sign_pk);
	assert_int_equal(hdr_unlock(&d, "third", 5, got, out, &slot), VAULT_EAUTH);

	/* A flipped bit fails the checksum; with the checksum recomputed it
	 * still fails the keyed MAC. */
	memcpy(again, enc, HDR_SIZE);
	again[HDR_SLOTS_OFF + 30] ^= 0x10;
	assert_int_equal(hdr_decode(again, &d), -1);
	reseal_sum(again);
	assert_int_equal(hdr_decode(again, &d), 0);
	assert_false(hdr_mac_ok(again, mac_key));
	/* A wrong magic is no header at all. */
	memcpy(again, enc, HDR_SIZE);
	again[0] = 'X';
	reseal_sum(again);
	assert_int_equal(hdr_decode(again, &d), -1);
	ac_secret_free(master);
	ac_secret_free(got);
	ac_secret_free(mk[0]);
	ac_secret_free(mk[1]);
	ac_secret_free(out);
}

static void test_hdr_pick(void **state)
{
	uint8_t master[AC_KEY_BYTES], key[AC_KEY_BYTES];
	uint8_t area[HDR_AREA], junk[500];
	hdr h, old, picked;
	int which = -1;

	(void)state;
	ac_random(master, sizeof master);
	ac_random(key, sizeof key);
	make_hdr(&h, master, 7, NULL);
	old = h;

	/* Identical copies. */
	hdr_encode(&h, key, area);
	memcpy(area + HDR_SIZE, area, HDR_SIZE);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_OK);
	assert_int_equal(which, 0);
	assert_int_equal(picked.generation, 7);

	/* The newer generation wins, whichever copy holds it. */
	h.generation = 8;
	hdr_encode(&h, key, area + HDR_SIZE);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_REPAIRED);
	assert_int_equal(which, 1);
	assert_int_equal(picked.generation, 8);
	hdr_encode(&h, key, area);
	hdr_encode(&old, key, area + HDR_SIZE);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_REPAIRED);
	assert_int_equal(which, 0);
	assert_int_equal(picked.generation, 8);

	/* Copy 0 torn (garbage in part of it) while being rewritten: the
	 * older copy 1 is used. */
	ac_random(junk, sizeof junk);
	memcpy(area + 1000, junk, sizeof junk);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_REPAIRED);
	assert_int_equal(which, 1);
	assert_int_equal(picked.generation, 7);
	expect_same_hdr(&picked, &old);

	/* Copy 1 torn, copy 0 whole. */
	hdr_encode(&h, key, area);
	memcpy(area + HDR_SIZE + 3000, junk, sizeof junk);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_REPAIRED);
	assert_int_equal(which, 0);
	assert_int_equal(picked.generation, 8);
	/* Only the last byte of the checksum torn. */
	hdr_encode(&h, key, area + HDR_SIZE);
	area[HDR_SIZE - 1] ^= 1;
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_REPAIRED);
	assert_int_equal(which, 1);

	/* Both torn, magic intact: damaged. */
	area[HDR_SIZE + 200] ^= 1;
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_DAMAGED);
	/* One torn, the other zeroed: still an Amparo vault, damaged. */
	memset(area + HDR_SIZE, 0, HDR_SIZE);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_DAMAGED);
	/* No magic anywhere: not a vault. */
	memset(area, 0, HDR_AREA);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_NOTVAULT);
	ac_random(area, HDR_AREA);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_NOTVAULT);
	memcpy(area, "SQLite format 3", 16);
	assert_int_equal(hdr_pick(area, &picked, &which), HDR_PICK_NOTVAULT);
}

/* --- Damaged or foreign files through the API -------------------------- */

static void test_torn_copies_repaired(void **state)
{
	fixture *f = *state;
	uint8_t before[HDR_AREA], after[HDR_AREA], junk[700];
	vault *v = NULL;
	hdr h0, h1;
	char id[VAULT_ID_HEX];

	fx_create(f->path);
	v = fx_open(f->path);
	add_doc(v, "Kept", "kept body", id);
	vault_close(v);
	read_area(f->path, before);

	for (int copy = 0; copy < 2; copy++) {
		ac_random(junk, sizeof junk);
		fx_write_at(f->path, copy * HDR_SIZE + 1500, junk, sizeof junk);
		v = fx_open(f->path);
		expect_doc(v, "Kept", "Kept", "kept body");
		vault_close(v);
		/* Opening rewrote both copies from the good one, one
		 * generation later. */
		read_area(f->path, after);
		assert_memory_equal(after, after + HDR_SIZE, HDR_SIZE);
		assert_int_equal(hdr_decode(after, &h0), 0);
		assert_int_equal(hdr_decode(before, &h1), 0);
		assert_int_equal(h0.generation, h1.generation + 1);
		assert_memory_equal(h0.vault_id, h1.vault_id, VAULT_ID_BYTES);
		memcpy(before, after, HDR_AREA);
	}
}

static void test_not_vault_and_damaged(void **state)
{
	fixture *f = *state;
	uint8_t area[HDR_AREA], junk[3 * HDR_SIZE];
	char *other = fx_path(f->dir, "other");
	vault_err err;
	vault *v = NULL;
	sqlite3 *db = NULL;

	/* Random bytes. */
	ac_random(junk, sizeof junk);
	fx_create(f->path); /* for its size and a valid header later */
	unlink(other);
	{
		FILE *fp = fopen(other, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
		fclose(fp);
	}
	assert_int_equal(try_open(other, FX_PASS, &v, &err), VAULT_ENOTVAULT);
	assert_null(v);
	/* A plain SQLite database. */
	unlink(other);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t "
	                              "VALUES ('hello')", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(try_open(other, FX_PASS, &v, &err), VAULT_ENOTVAULT);
	assert_null(v);
	/* An empty file. */
	assert_int_equal(truncate(other, 0), 0);
	assert_int_equal(try_open(other, FX_PASS, &v, &err), VAULT_ENOTVAULT);

	/* Both header copies failing their checksum: damaged. */
	read_area(f->path, area);
	area[100] ^= 1;
	area[HDR_SIZE + 2000] ^= 1;
	fx_write_at(f->path, 0, area, HDR_AREA);
	assert_int_equal(try_open(f->path, FX_PASS, &v, &err), VAULT_EDAMAGED);
	assert_null(v);
	area[100] ^= 1;
	fx_write_at(f->path, 0, area, HDR_AREA);
	v = fx_open(f->path); /* copy 0 alone still opens it */
	vault_close(v);

	/* Truncated inside the header area, inside the pages, mid-page. */
	assert_int_equal(truncate(f->path, HDR_SIZE + 10), 0);
	assert_int_equal(try_open(f->path, FX_PASS, &v, &err), VAULT_EDAMAGED);
	unlink(f->path);
	fx_create(f->path);
	{
		off_t full = fx_size(f->path);

		assert_true(full >= (off_t)(HDR_AREA + 3 * PAGE_SIZE));
		assert_int_equal(truncate(f->path, full - 100), 0);
		assert_int_equal(try_open(f->path, FX_PASS, &v, &err),
		                 VAULT_EDAMAGED);
		assert_null(v);
		assert_int_equal(truncate(f->path, full - PAGE_SIZE), 0);
		assert_int_equal(try_open(f->path, FX_PASS, &v, &err),
		                 VAULT_EDAMAGED);
		assert_int_equal(truncate(f->path, HDR_AREA), 0);
		assert_int_equal(try_open(f->path, FX_PASS, &v, &err),
		                 VAULT_EDAMAGED);
	}
	free(other);
}

/* --- Passphrase changes ------------------------------------------------ */

static void test_passwd(void **state)
{
	fixture *f = *state;
	ac_kdf_params kdf;
	vault_err err;
	vault *v = NULL;
	char id[VAULT_ID_HEX];

	ac_kdf_test_params(&kdf);
	fx_create(f->path);
	v = fx_open(f->path);
	add_doc(v, "Before", "written before the change", id);
	assert_int_equal(vault_passwd(v, "", 0, &kdf, &err), VAULT_EINVAL);
	assert_int_equal(vault_passwd(v, "new pass", 8, &kdf, &err), VAULT_OK);
	/* The open vault keeps working. */
	add_doc(v, "After", "written after the change", id);
	vault_close(v);

	assert_int_equal(try_open(f->path, FX_PASS, &v, &err), VAULT_EAUTH);
	assert_null(v);
	assert_int_equal(try_open(f->path, "new pass", &v, &err), VAULT_OK);
	assert_string_equal(vault_member(v), "alice");
	expect_doc(v, "Before", "Before", "written before the change");
	expect_doc(v, id, "After", "written after the change");
	check_ok(v);
	vault_close(v);

	assert_int_equal(vault_open(f->path, "new pass", 8, VAULT_READONLY, &v,
	                            &err), VAULT_OK);
	assert_int_equal(vault_passwd(v, "x", 1, &kdf, &err), VAULT_EREADONLY);
	vault_close(v);
}

/* The crash comes after copy 0 of the new header reached the disk and
 * before copy 1 did. */
static void test_passwd_torn(void **state)
{
	fixture *f = *state;
	uint8_t old_area[HDR_AREA], new_area[HDR_AREA], area[HDR_AREA];
	ac_kdf_params kdf;
	vault_err err;
	vault *v = NULL;
	char id[VAULT_ID_HEX];

	ac_kdf_test_params(&kdf);
	fx_create(f->path);
	v = fx_open(f->path);
	add_doc(v, "Doc", "body of the doc", id);
	vault_close(v);
	read_area(f->path, old_area);
	v = fx_open(f->path);
	assert_int_equal(vault_passwd(v, "new pass", 8, &kdf, &err), VAULT_OK);
	vault_close(v);
	read_area(f->path, new_area);
	assert_memory_not_equal(old_area, new_area, HDR_SIZE);

	memcpy(area, new_area, HDR_SIZE);
	memcpy(area + HDR_SIZE, old_area + HDR_SIZE, HDR_SIZE);
	fx_write_at(f->path, 0, area, HDR_AREA);
	assert_int_equal(try_open(f->path, "new pass", &v, &err), VAULT_OK);
	expect_doc(v, id, "Doc", "body of the doc");
	vault_close(v);
	/* The open finished the change: both copies carry the new slot, and
	 * the old passphrase no longer opens. */
	read_area(f->path, area);
	assert_memory_equal(area, area + HDR_SIZE, HDR_SIZE);
	assert_int_equal(try_open(f->path, FX_PASS, &v, &err), VAULT_EAUTH);
	assert_int_equal(try_open(f->path, "new pass", &v, &err), VAULT_OK);
	vault_close(v);
}

/* Set slot 0's opslimit in one header copy and recompute its checksum. */
static void alter_kdf(uint8_t *copy, uint64_t opslimit)
{
	for (int i = 0; i < 8; i++)
		copy[HDR_SLOTS_OFF + 8 + i] = (uint8_t)(opslimit >> (8 * i));
	reseal_sum(copy);
}

static void test_altered_kdf_parameter(void **state)
{
	fixture *f = *state;
	uint8_t good[HDR_AREA], area[HDR_AREA];
	ac_kdf_params kdf;
	vault_err err;
	vault *v = NULL;
	vault_status rc;
	hdr h;
	char id[VAULT_ID_HEX];

	ac_kdf_test_params(&kdf);
	fx_create(f->path);
	v = fx_open(f->path);
	add_doc(v, "Doc", "the real body", id);
	vault_close(v);
	read_area(f->path, good);

	/* Copy 0 altered, checksum valid: it must not be used as is. */
	memcpy(area, good, HDR_AREA);
	alter_kdf(area, kdf.opslimit + 1);
	assert_int_equal(hdr_decode(area, &h), 0);
	assert_int_equal(h.slots[0].kdf.opslimit, kdf.opslimit + 1);
	fx_write_at(f->path, 0, area, HDR_AREA);
	rc = try_open(f->path, FX_PASS, &v, &err);
	assert_true(rc == VAULT_OK || rc == VAULT_EDAMAGED);
	if (rc == VAULT_OK) {
		/* Fell back to copy 1: the right data, and the header
		 * repaired with the original parameter. */
		expect_doc(v, id, "Doc", "the real body");
		vault_close(v);
		read_area(f->path, area);
		assert_memory_equal(area, area + HDR_SIZE, HDR_SIZE);
		assert_int_equal(hdr_decode(area, &h), 0);
		assert_int_equal(h.slots[0].kdf.opslimit, kdf.opslimit);
	}

	/* Both copies altered the same way: nothing opens. */
	memcpy(area, good, HDR_AREA);
	alter_kdf(area, kdf.opslimit + 1);
	memcpy(area + HDR_SIZE, area, HDR_SIZE);
	fx_write_at(f->path, 0, area, HDR_AREA);
	v = (vault *)1;
	rc = try_open(f->path, FX_PASS, &v, &err);
	assert_true(rc == VAULT_EAUTH || rc == VAULT_EDAMAGED);
	assert_null(v);

	/* Copy 0 with a newer generation and a valid checksum but no valid
	 * MAC: refused or ignored, never trusted. */
	memcpy(area, good, HDR_AREA);
	area[24] += 5;
	reseal_sum(area);
	fx_write_at(f->path, 0, area, HDR_AREA);
	rc = try_open(f->path, FX_PASS, &v, &err);
	assert_true(rc == VAULT_OK || rc == VAULT_EDAMAGED);
	if (rc == VAULT_OK) {
		expect_doc(v, id, "Doc", "the real body");
		vault_close(v);
	}
}

/* --- Pages ------------------------------------------------------------- */

/* Overflow pages of the objects table (where revisions and their text
 * live), from SQLite's dbstat table. */
static int overflow_pages(vault *v, int64_t *out, int max)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(vault_db(v),
	                 "SELECT pageno FROM dbstat WHERE name = 'objects'"
	                 " AND pagetype = 'overflow' ORDER BY pageno", -1, &st,
	                 NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n < max)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static off_t page_off(int64_t pgno)
{
	return (off_t)HDR_AREA + (off_t)(pgno - 1) * PAGE_SIZE;
}

/* A vault with a small document (in its leaf page) and a large one (on
 * overflow pages); returns the overflow page numbers. */
static int make_paged_vault(const char *path, const char *big,
                            int64_t *pages, int max)
{
	vault *v = NULL;
	char id[VAULT_ID_HEX];
	int n;

	fx_create(path);
	v = fx_open(path);
	add_doc(v, "Small", "a small body", id);
	add_doc(v, "Big", big, id);
	n = overflow_pages(v, pages, max);
	check_ok(v);
	vault_close(v);
	return n;
}

/* Open, then read the big document and check the whole file: each must
 * report damage (or the open itself does). The small document, if
 * readable, must be right. */
static void expect_damaged(const char *path)
{
	vault_err err;
	vault *v = NULL;
	vault_status rc = try_open(path, FX_PASS, &v, &err);

	if (rc != VAULT_OK) {
		assert_int_equal(rc, VAULT_EDAMAGED);
		assert_null(v);
		return;
	}
	assert_int_equal(get_status(v, "Big"), VAULT_EDAMAGED);
	assert_int_equal(vault_check(v, &err), VAULT_EDAMAGED);
	assert_int_equal(err.code, VAULT_EDAMAGED);
	if (get_status(v, "Small") == VAULT_OK)
		expect_doc(v, "Small", "Small", "a small body");
	vault_close(v);
}

static void test_pages_swapped_or_foreign(void **state)
{
	fixture *f = *state;
	char *other = fx_path(f->dir, "other.vault");
	size_t len = 30000;
	char *big = malloc(len + 1);
	uint8_t *pristine = NULL, a[PAGE_SIZE], b[PAGE_SIZE];
	size_t flen = 0;
	int64_t pages[16], opages[16];
	int n, on;

	assert_non_null(big);
	fx_text(1, big, len);
	n = make_paged_vault(f->path, big, pages, 16);
	assert_true(n >= 5);
	pristine = fx_slurp(f->path, &flen);

	/* Two encrypted pages swapped. */
	fx_read_at(f->path, page_off(pages[1]), a, PAGE_SIZE);
	fx_read_at(f->path, page_off(pages[3]), b, PAGE_SIZE);
	fx_write_at(f->path, page_off(pages[1]), b, PAGE_SIZE);
	fx_write_at(f->path, page_off(pages[3]), a, PAGE_SIZE);
	expect_damaged(f->path);

	/* The same page number taken from another vault with the same
	 * layout. */
	fx_write_at(f->path, 0, pristine, flen);
	on = make_paged_vault(other, big, opages, 16);
	assert_int_equal(on, n);
	assert_int_equal(opages[2], pages[2]);
	fx_read_at(other, page_off(pages[2]), a, PAGE_SIZE);
	fx_write_at(f->path, page_off(pages[2]), a, PAGE_SIZE);
	expect_damaged(f->path);

	/* One bit in the middle of a page, or in its tag. */
	fx_write_at(f->path, 0, pristine, flen);
	fx_read_at(f->path, page_off(pages[0]), a, PAGE_SIZE);
	a[2000] ^= 0x20;
	fx_write_at(f->path, page_off(pages[0]), a, PAGE_SIZE);
	expect_damaged(f->path);
	fx_write_at(f->path, 0, pristine, flen);
	fx_read_at(f->path, page_off(pages[0]), a, PAGE_SIZE);
	a[PAGE_SIZE - 1] ^= 0x01;
	fx_write_at(f->path, page_off(pages[0]), a, PAGE_SIZE);
	expect_damaged(f->path);

	/* Page 1 tampered: the open itself refuses. */
	fx_write_at(f->path, 0, pristine, flen);
	fx_read_at(f->path, page_off(1), a, PAGE_SIZE);
	a[50] ^= 0x01;
	fx_write_at(f->path, page_off(1), a, PAGE_SIZE);
	{
		vault_err err;
		vault *v = NULL;

		assert_int_equal(try_open(f->path, FX_PASS, &v, &err),
		                 VAULT_EDAMAGED);
		assert_null(v);
	}

	/* The pristine copy was fine all along (the test damaged it). */
	fx_write_at(f->path, 0, pristine, flen);
	{
		vault *v = fx_open(f->path);

		expect_doc(v, "Big", "Big", big);
		check_ok(v);
		vault_close(v);
	}
	free(pristine);
	free(big);
	free(other);
}

/* --- Documents --------------------------------------------------------- */

static void test_documents(void **state)
{
	fixture *f = *state;
	char id1[VAULT_ID_HEX], id2[VAULT_ID_HEX], id3[VAULT_ID_HEX];
	char prefix[VAULT_ID_HEX], upper[VAULT_ID_HEX];
	vault_err err;
	vault_doc *d = NULL;
	vault *v = NULL;

	fx_create(f->path);
	v = fx_open(f->path);
	add_doc(v, "Detención: qué hacer", "Llamar a la abogada.\n", id1);
	add_doc(v, "Data protection", "Encrypt the laptops.\n", id2);
	assert_int_equal(strlen(id1), 32);
	assert_string_not_equal(id1, id2);

	/* By id, by unique prefix (any case), by exact title. */
	expect_doc(v, id1, "Detención: qué hacer", "Llamar a la abogada.\n");
	memcpy(prefix, id2, 6);
	prefix[6] = '\0';
	if (strncmp(id1, id2, 6) != 0)
		expect_doc(v, prefix, "Data protection", "Encrypt the laptops.\n");
	for (int i = 0; i < VAULT_ID_HEX; i++)
		upper[i] = (char)(id2[i] >= 'a' && id2[i] <= 'f' ? id2[i] - 32
		                                                   : id2[i]);
	expect_doc(v, upper, "Data protection", "Encrypt the laptops.\n");
	expect_doc(v, "Data protection", "Data protection",
	           "Encrypt the laptops.\n");
	assert_int_equal(fx_get(v, id1, &d, &err), VAULT_OK);
	assert_string_equal(d->id, id1);
	assert_string_equal(d->author, "alice");
	assert_string_equal(d->category, "general");
	assert_true(d->created > 0 && d->updated >= d->created);
	vault_doc_free(d);

	/* Not found: unknown title, a title differing in case, a prefix of
	 * no id, a prefix too short to be one. */
	assert_int_equal(get_status(v, "No such policy"), VAULT_ENOTFOUND);
	assert_int_equal(get_status(v, "data protection"), VAULT_ENOTFOUND);
	{
		char none[5] = "0000";

		while (strncmp(id1, none, 4) == 0 || strncmp(id2, none, 4) == 0)
			none[0]++;
		assert_int_equal(get_status(v, none), VAULT_ENOTFOUND);
	}
	memcpy(prefix, id1, 3);
	prefix[3] = '\0';
	assert_int_equal(get_status(v, prefix), VAULT_ENOTFOUND);
	d = (vault_doc *)1;
	assert_int_equal(fx_get(v, "No such policy", &d, &err), VAULT_ENOTFOUND);
	assert_null(d);
	assert_int_equal(err.code, VAULT_ENOTFOUND);

	/* Ambiguous: two documents with one title. */
	add_doc(v, "Data protection", "A second copy.\n", id3);
	assert_int_equal(fx_get(v, "Data protection", &d, &err),
	                 VAULT_EAMBIGUOUS);
	assert_null(d);
	assert_int_equal(err.code, VAULT_EAMBIGUOUS);
	expect_doc(v, id3, "Data protection", "A second copy.\n");
	expect_doc(v, id2, "Data protection", "Encrypt the laptops.\n");

	/* Ambiguous: a reference that is one document's id prefix and
	 * another's title. The upper-case prefix is no title, so it names
	 * the first document alone. */
	memcpy(prefix, id1, 4);
	prefix[4] = '\0';
	add_doc(v, prefix, "titled like an id", id3);
	assert_int_equal(get_status(v, prefix), VAULT_EAMBIGUOUS);
	for (int i = 0; i < 5; i++)
		upper[i] = (char)(prefix[i] >= 'a' && prefix[i] <= 'f'
		                          ? prefix[i] - 32 : prefix[i]);
	if (strcmp(upper, prefix) != 0)
		expect_doc(v, upper, "Detención: qué hacer",
		           "Llamar a la abogada.\n");
	expect_doc(v, id3, prefix, "titled like an id");

	/* Empty body and a body with every length of UTF-8 sequence. */
	add_doc(v, "Empty", "", id3);
	expect_doc(v, id3, "Empty", "");
	add_doc(v, "Scripts", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x92\n", id3);
	expect_doc(v, id3, "Scripts", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x92\n");
	check_ok(v);
	vault_close(v);

	/* All of it is still there after reopening. */
	v = fx_open(f->path);
	expect_doc(v, id1, "Detención: qué hacer", "Llamar a la abogada.\n");
	expect_doc(v, "Scripts", "Scripts",
	           "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x92\n");
	vault_close(v);
}

static void test_invalid_input_refused(void **state)
{
	static const char *const bad[] = {
		"\xc3\x28",          /* bad continuation */
		"\xc0\xaf",          /* overlong '/' */
		"\xe0\x80\xaf",      /* overlong, 3 bytes */
		"\xed\xa0\x80",      /* a surrogate */
		"\xf4\x90\x80\x80",  /* past U+10FFFF */
		"\xff",              /* never valid */
		"abc\xe2\x82",       /* truncated sequence */
	};
	fixture *f = *state;
	char id[VAULT_ID_HEX];
	char title[300];
	vault_err err;
	vault *v = NULL;
	int count = 0;

	fx_create(f->path);
	v = fx_open(f->path);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(title, sizeof title, "Title %s", bad[i]);
		assert_int_equal(fx_add_status(v, "Fine title", NULL, bad[i],
		                               strlen(bad[i]), id, &err),
		                 VAULT_EINVAL);
		assert_int_equal(err.code, VAULT_EINVAL);
		assert_int_equal(fx_add_status(v, title, NULL, "ok", 2, id, &err),
		                 VAULT_EINVAL);
		assert_int_equal(fx_add_status(v, "Fine", title + 6, "ok", 2, id,
		                               &err), VAULT_EINVAL);
	}
	/* A NUL inside the body, an empty or multi-line title. */
	assert_int_equal(fx_add_status(v, "T", NULL, "a\0b", 3, id, &err),
	                 VAULT_EINVAL);
	assert_int_equal(fx_add_status(v, "", NULL, "b", 1, id, &err),
	                 VAULT_EINVAL);
	assert_int_equal(fx_add_status(v, "two\nlines", NULL, "b", 1, id, &err),
	                 VAULT_EINVAL);
	memset(title, 'x', 250);
	title[250] = '\0';
	assert_int_equal(fx_add_status(v, title, NULL, "b", 1, id, &err),
	                 VAULT_EINVAL);
	/* Nothing was stored. */
	{
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_prepare_v2(vault_db(v),
		                 "SELECT count(*) FROM documents", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		count = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	assert_int_equal(count, 0);
	vault_close(v);
}

typedef struct {
	int seen;
	int stop_after;
	char titles[8][32];
} walk;

static int walk_fn(const vault_doc *d, void *ctx)
{
	walk *w = ctx;

	assert_null(d->body);
	if (w->seen < 8)
		snprintf(w->titles[w->seen], sizeof w->titles[0], "%s", d->title);
	w->seen++;
	return w->stop_after > 0 && w->seen >= w->stop_after;
}

static void test_doc_each(void **state)
{
	fixture *f = *state;
	char id[VAULT_ID_HEX];
	vault_err err = {0};
	vault *v = NULL;
	walk w;

	fx_create(f->path);
	v = fx_open(f->path);
	assert_int_equal(fx_add_status(v, "Zeta", "crisis", "z", 1, id, &err),
	                 VAULT_OK);
	add_doc(v, "Beta", "b", id);
	add_doc(v, "Alpha", "a", id);
	memset(&w, 0, sizeof w);
	assert_int_equal(vault_doc_each(v, walk_fn, &w, &err), VAULT_OK);
	assert_int_equal(w.seen, 3);
	/* Ordered by category, then title. */
	assert_string_equal(w.titles[0], "Zeta");
	assert_string_equal(w.titles[1], "Alpha");
	assert_string_equal(w.titles[2], "Beta");
	/* A non-zero return stops the walk; that is not an error. */
	memset(&w, 0, sizeof w);
	w.stop_after = 2;
	assert_int_equal(vault_doc_each(v, walk_fn, &w, &err), VAULT_OK);
	assert_int_equal(w.seen, 2);
	vault_close(v);
}

/* Every test gets a fresh folder. */
#define VAULT_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		VAULT_TEST(test_create_open_close),
		VAULT_TEST(test_missing_and_wrong_passphrase),
		VAULT_TEST(test_hdr_encode_decode),
		VAULT_TEST(test_hdr_pick),
		VAULT_TEST(test_torn_copies_repaired),
		VAULT_TEST(test_not_vault_and_damaged),
		VAULT_TEST(test_passwd),
		VAULT_TEST(test_passwd_torn),
		VAULT_TEST(test_altered_kdf_parameter),
		VAULT_TEST(test_pages_swapped_or_foreign),
		VAULT_TEST(test_documents),
		VAULT_TEST(test_invalid_input_refused),
		VAULT_TEST(test_doc_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
