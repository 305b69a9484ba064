/* White-box tests of bundle import and verify (docs/bundle-format.md,
 * docs/object-format.md): what the command line cannot forge.
 *
 * Bundles: a real vault exports a bundle; its plaintext is opened, altered
 * and sealed again to the vault's own address with bundle_seal, so that
 * the encryption holds and only the inner checks stand between the
 * altered plaintext and a copy of the vault (made before the changes the
 * bundle carries). Each must be refused with VAULT_EDAMAGED (a missing
 * prerequisite: VAULT_ENOTFOUND) and leave the copy's file untouched.
 *
 * Verify: objects altered inside the database (their bytes, their
 * signature) and an object with a valid signature by a key that is no
 * member must each be named, exactly, by vault_verify. */
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

/* --- the manifest layout (bundle-format.md §4.1) ----------------------- */

#define M_COUNT (5 + VAULT_ID_BYTES + OBJ_KEY_BYTES + 8 + 1) /* u32 n */
#define M_TIME (5 + VAULT_ID_BYTES + OBJ_KEY_BYTES)

typedef struct {
	uint8_t *p;       /* the plaintext (malloc'd) */
	size_t len;
	uint32_t n, np, ns;
	size_t ids;       /* offset of the id list */
	size_t np_at;     /* offset of the prerequisite count */
	size_t ns_at;     /* offset of the slot count */
	size_t sig;       /* offset of the manifest signature = signed length */
	size_t objs;      /* offset of the first object record */
} plain;

typedef struct {
	char *dir;
	char *src;    /* the exporting vault */
	char *dst;    /* a copy of it made before the bundle's changes */
	char *bundle; /* where altered bundles are written */
	vault *v;     /* src, open */
	plain good;   /* the plaintext of src's bundle */
	uint8_t addr[32];
} fixture;

static uint32_t rd32(const uint8_t *p)
{
	return le32(p);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Find the fields of a well-formed plaintext. */
static void layout(plain *m)
{
	size_t off = M_COUNT;

	assert_true(m->len > M_COUNT + 4);
	assert_memory_equal(m->p, MANIFEST_MAGIC, 4);
	m->n = rd32(m->p + off);
	off += 4;
	m->ids = off;
	off += (size_t)m->n * OBJ_ID_BYTES;
	m->np_at = off;
	m->np = rd32(m->p + off);
	off += 4 + (size_t)m->np * OBJ_ID_BYTES;
	m->ns_at = off;
	m->ns = rd32(m->p + off);
	off += 4 + (size_t)m->ns * SLOT_RECORD_BYTES;
	m->sig = off;
	m->objs = off + OBJ_SIG_BYTES;
	assert_true(m->objs <= m->len);
}

/* Offset of object record i (its u32 length). */
static size_t obj_at(const plain *m, uint32_t i)
{
	size_t off = m->objs;

	for (uint32_t k = 0; k < i; k++)
		off += 4 + rd32(m->p + off) + OBJ_SIG_BYTES;
	assert_true(off + 4 <= m->len);
	return off;
}

static plain plain_copy(const plain *m)
{
	plain c = *m;

	c.p = malloc(m->len + 1);
	assert_non_null(c.p);
	memcpy(c.p, m->p, m->len);
	return c;
}

/* Sign the manifest again as the exporting member. */
static void resign(fixture *f, plain *m)
{
	layout(m);
	ac_sign(m->p + m->sig, m->p, m->sig, f->v->mk->sign_sk);
}

/* Seal plaintext p to the vault's address into f->bundle. */
static void seal(fixture *f, const uint8_t *p, size_t len)
{
	bbuf out = {0};
	vault_err err = {0};
	vault_status rc;

	rc = bundle_seal(p, len, (const uint8_t (*)[32])f->addr, 1, &out, NULL,
	                 NULL, &err);
	if (rc != VAULT_OK)
		print_error("bundle_seal: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
	unlink(f->bundle);
	rc = bundle_write_file(f->bundle, out.p, out.len, &err);
	assert_int_equal(rc, VAULT_OK);
	free(out.p);
}

/* Import f->bundle into the copy; the status, with its message in err.
 * When it fails, the copy's file must be byte for byte as before. */
static vault_status import_into_copy(fixture *f, vault_err *err)
{
	vault_sync_summary sum;
	uint8_t *before = NULL, *after = NULL;
	size_t blen = 0, alen = 0;
	vault *w = fx_open(f->dst);
	vault_status rc;

	before = fx_slurp(f->dst, &blen);
	memset(err, 0, sizeof *err);
	rc = vault_import(w, f->bundle, NULL, NULL, &sum, err);
	after = fx_slurp(f->dst, &alen);
	if (rc != VAULT_OK) {
		assert_int_equal(alen, blen);
		assert_memory_equal(after, before, blen);
	}
	vault_close(w);
	if (rc != VAULT_OK) {
		/* And closing it wrote nothing either. */
		free(after);
		after = fx_slurp(f->dst, &alen);
		assert_int_equal(alen, blen);
		assert_memory_equal(after, before, blen);
	}
	free(before);
	free(after);
	return rc;
}

/* Seal m, import it into the copy, expect status want and (if not NULL)
 * words in the message. */
static void expect_import(fixture *f, const plain *m, vault_status want,
                          const char *words)
{
	vault_err err = {0};
	vault_status rc;

	seal(f, m->p, m->len);
	rc = import_into_copy(f, &err);
	if (rc != want)
		print_error("import: %s (%s), wanted %s\n", vault_status_name(rc),
		            err.msg, vault_status_name(want));
	assert_int_equal(rc, want);
	if (words != NULL && strstr(err.msg, words) == NULL) {
		print_error("the message \"%s\" does not say \"%s\"\n", err.msg,
		            words);
		fail();
	}
}

static void open_plain(fixture *f, const char *path, plain *m)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	bbuf out = {0};
	vault_err err = {0};

	assert_int_equal(bundle_read_file(path, &buf, &len, &err), VAULT_OK);
	assert_int_equal(bundle_open(f->v, buf, len, &out, &err), VAULT_OK);
	free(buf);
	memset(m, 0, sizeof *m);
	m->p = out.p;
	m->len = out.len;
	layout(m);
}

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

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char id[VAULT_ID_HEX], rev[VAULT_REV_HEX];
	vault_sync_summary sum;
	vault_err err = {0};
	vault_meta m;
	char *out;
	static const char body1[] = "Primera línea\nSegunda línea\n";
	static const char body2[] = "Primera línea\nSegunda línea, cambiada\n";

	if (f == NULL || ac_init() != AC_OK)
		return -1;
	f->dir = fx_dir_new();
	f->src = fx_path(f->dir, "src.vault");
	f->dst = fx_path(f->dir, "dst.vault");
	f->bundle = fx_path(f->dir, "altered.bundle");
	fx_create(f->src);
	f->v = fx_open(f->src);
	fx_add(f->v, "Uno", body1, strlen(body1), id);
	vault_close(f->v);
	copy_file(f->src, f->dst);

	/* Changes the copy lacks: an edit, a new document, a submission. */
	f->v = fx_open(f->src);
	memset(&m, 0, sizeof m);
	m.message = "Cambio";
	assert_int_equal(vault_doc_edit(f->v, "Uno", &m, body2, strlen(body2),
	                                rev, &err), VAULT_OK);
	fx_add(f->v, "Dos", "Otro texto\n", strlen("Otro texto\n"), id);
	assert_int_equal(vault_doc_set_status(f->v, "Dos", NULL, STATUS_REVIEW,
	                                      "Revisar", &err), VAULT_OK);
	out = fx_path(f->dir, "good.bundle");
	assert_int_equal(vault_export(f->v, out, NULL, 0, NULL, 0, NULL, NULL,
	                              &sum, &err), VAULT_OK);
	assert_true(sum.objects >= 5);
	assert_int_equal(meta_address_pk(f->v, f->addr, &err), VAULT_OK);
	open_plain(f, out, &f->good);
	assert_int_equal(f->good.n, sum.objects);
	free(out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	vault_close(f->v);
	free(f->good.p);
	free(f->src);
	free(f->dst);
	free(f->bundle);
	fx_dir_free(f->dir);
	free(f);
	return 0;
}

/* The unaltered plaintext, sealed again, applies: the harness is sound. */
static void test_control(void **state)
{
	fixture *f = *state;
	vault_err err = {0};
	vault_doc *d = NULL;
	vault *w;

	expect_import(f, &f->good, VAULT_OK, NULL);
	w = fx_open(f->dst);
	assert_int_equal(fx_get(w, "Dos", &d, &err), VAULT_OK);
	assert_int_equal(d->status, STATUS_REVIEW);
	vault_doc_free(d);
	vault_close(w);
	/* Re-signing changes nothing either. */
	{
		plain m = plain_copy(&f->good);

		resign(f, &m);
		assert_memory_equal(m.p, f->good.p, m.len);
		free(m.p);
	}
}

static void test_manifest_signature(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);

	/* A flipped bit in the signature. */
	m.p[m.sig + 10] ^= 0x01;
	expect_import(f, &m, VAULT_EDAMAGED, "manifest");
	memcpy(m.p, f->good.p, m.len);
	/* A signed field changed after signing (the time). */
	m.p[M_TIME] ^= 0x40;
	expect_import(f, &m, VAULT_EDAMAGED, "manifest");
	memcpy(m.p, f->good.p, m.len);
	/* A signature by another key: the signer field names the member. */
	{
		uint8_t seed[32], pk[32], sk[64];

		ac_random(seed, sizeof seed);
		ac_sign_seed_keypair(pk, sk, seed);
		ac_sign(m.p + m.sig, m.p, m.sig, sk);
	}
	expect_import(f, &m, VAULT_EDAMAGED, "manifest");
	free(m.p);
}

/* A manifest signed correctly by someone who is no member of the vault. */
static void test_manifest_by_stranger(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	uint8_t seed[32], pk[32], sk[64];

	ac_random(seed, sizeof seed);
	ac_sign_seed_keypair(pk, sk, seed);
	memcpy(m.p + 5 + VAULT_ID_BYTES, pk, 32);
	ac_sign(m.p + m.sig, m.p, m.sig, sk);
	expect_import(f, &m, VAULT_EDAMAGED, "not a member");
	free(m.p);
}

static void test_object_bytes_changed(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	uint32_t last = f->good.n - 1;
	size_t at = obj_at(&m, last);
	uint32_t len = rd32(m.p + at);
	char hex[2 * OBJ_ID_BYTES + 1];

	/* Its last byte (inside a string) changed: the id no longer holds. */
	m.p[at + 4 + len - 1] ^= 0x01;
	obj_hex(m.p + m.ids + (size_t)last * OBJ_ID_BYTES, OBJ_ID_BYTES, hex);
	hex[12] = '\0';
	expect_import(f, &m, VAULT_EDAMAGED, hex);
	/* Even with the manifest re-signed. */
	resign(f, &m);
	expect_import(f, &m, VAULT_EDAMAGED, hex);
	/* With the manifest listing the altered bytes' id: then the
	 * author's signature no longer holds. */
	obj_id(m.p + at + 4, len, m.p + m.ids + (size_t)last * OBJ_ID_BYTES);
	resign(f, &m);
	expect_import(f, &m, VAULT_EDAMAGED, "forged or altered");
	/* With the altered bytes signed again by their author (the exporting
	 * member) and the manifest listing the original id: only the id is
	 * wrong. */
	memcpy(m.p + m.ids + (size_t)last * OBJ_ID_BYTES,
	       f->good.p + m.ids + (size_t)last * OBJ_ID_BYTES, OBJ_ID_BYTES);
	resign(f, &m);
	obj_sign(m.p + at + 4, len, f->v->mk->sign_sk, m.p + at + 4 + len);
	expect_import(f, &m, VAULT_EDAMAGED, hex);
	/* The control: signed again and listed under its new id, the altered
	 * object is a valid object of its author, and applies. */
	obj_id(m.p + at + 4, len, m.p + m.ids + (size_t)last * OBJ_ID_BYTES);
	resign(f, &m);
	expect_import(f, &m, VAULT_OK, NULL);
	free(m.p);
}

static void test_object_signature(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	size_t at = obj_at(&m, 1);
	uint32_t len = rd32(m.p + at);
	uint8_t seed[32], pk[32], sk[64];

	/* A flipped bit in an object's signature. */
	m.p[at + 4 + len + 5] ^= 0x80;
	expect_import(f, &m, VAULT_EDAMAGED, "forged or altered");
	memcpy(m.p, f->good.p, m.len);
	/* A signature by another key over the same bytes. */
	ac_random(seed, sizeof seed);
	ac_sign_seed_keypair(pk, sk, seed);
	ac_sign(m.p + at + 4 + len, m.p + at + 4, len, sk);
	expect_import(f, &m, VAULT_EDAMAGED, "forged or altered");
	free(m.p);
}

/* An object whose id and signature hold, by a key that is no member:
 * re-encoded with another author and signed by that author. */
static void test_object_by_stranger(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	uint32_t last = f->good.n - 1;
	size_t at;
	uint32_t len;
	uint8_t seed[32], pk[32], sk[64], *enc = NULL;
	size_t enclen = 0;
	obj o;

	/* The newest revision in the bundle. */
	for (;;) {
		at = obj_at(&m, last);
		len = rd32(m.p + at);
		assert_int_equal(obj_decode(m.p + at + 4, len, &o), 0);
		if (o.type == OBJ_REVISION)
			break;
		assert_true(last > 0);
		last--;
	}
	ac_random(seed, sizeof seed);
	ac_sign_seed_keypair(pk, sk, seed);
	memcpy(o.author, pk, 32);
	assert_int_equal(obj_encode(&o, &enc, &enclen), 0);
	assert_int_equal(enclen, len); /* same shape, another author */
	memcpy(m.p + at + 4, enc, len);
	obj_sign(enc, enclen, sk, m.p + at + 4 + len);
	obj_id(enc, enclen, m.p + m.ids + (size_t)last * OBJ_ID_BYTES);
	free(enc);
	resign(f, &m);
	expect_import(f, &m, VAULT_EDAMAGED, "not a member");
	free(m.p);
}

static void test_fewer_objects(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	size_t at = obj_at(&m, f->good.n - 1);

	/* The manifest lists N objects and carries N-1. */
	m.len = at;
	expect_import(f, &m, VAULT_EDAMAGED, "malformed");
	/* The manifest lists N-1 (re-signed) and carries N. */
	m.len = f->good.len;
	memcpy(m.p, f->good.p, m.len);
	wr32(m.p + M_COUNT, f->good.n - 1);
	memmove(m.p + m.ids + (size_t)(f->good.n - 1) * OBJ_ID_BYTES,
	        m.p + m.ids + (size_t)f->good.n * OBJ_ID_BYTES,
	        m.len - (m.ids + (size_t)f->good.n * OBJ_ID_BYTES));
	m.len -= OBJ_ID_BYTES;
	resign(f, &m);
	assert_int_equal(m.n, f->good.n - 1);
	expect_import(f, &m, VAULT_EDAMAGED, "malformed");
	/* Two object records swapped: each is then checked against the
	 * other's id. */
	memcpy(m.p, f->good.p, f->good.len);
	m.len = f->good.len;
	layout(&m);
	{
		size_t a = obj_at(&m, 0), b = obj_at(&m, 1), c = obj_at(&m, 2);
		uint8_t *tmp = malloc(c - a);

		assert_non_null(tmp);
		memcpy(tmp, m.p + b, c - b);
		memcpy(tmp + (c - b), m.p + a, b - a);
		memcpy(m.p + a, tmp, c - a);
		free(tmp);
	}
	expect_import(f, &m, VAULT_EDAMAGED, "forged or altered");
	free(m.p);
}

static void test_absurd_counts(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	static const uint32_t counts[] = {0xffffffffu, 0x80000000u, 0x08000001u};

	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
		memcpy(m.p, f->good.p, m.len);
		wr32(m.p + M_COUNT, counts[i]);
		expect_import(f, &m, VAULT_EDAMAGED, "malformed");
		memcpy(m.p, f->good.p, m.len);
		wr32(m.p + m.np_at, counts[i]);
		expect_import(f, &m, VAULT_EDAMAGED, "malformed");
		memcpy(m.p, f->good.p, m.len);
		wr32(m.p + m.ns_at, counts[i]);
		expect_import(f, &m, VAULT_EDAMAGED, "malformed");
	}
	/* A count one more than the ids listed: every field after it is
	 * misread. */
	memcpy(m.p, f->good.p, m.len);
	wr32(m.p + M_COUNT, f->good.n + 1);
	expect_import(f, &m, VAULT_EDAMAGED, NULL);
	/* Key slot records claimed beyond the table's size. */
	memcpy(m.p, f->good.p, m.len);
	wr32(m.p + m.ns_at, HDR_SLOTS + 1);
	expect_import(f, &m, VAULT_EDAMAGED, "malformed");
	/* Truncated inside the manifest, re-sealed (so the stream is whole). */
	for (size_t cut = 1; cut < f->good.objs; cut += 7) {
		plain t = plain_copy(&f->good);

		t.len = cut;
		expect_import(f, &t, VAULT_EDAMAGED, NULL);
		free(t.p);
	}
	free(m.p);
}

static void test_object_length(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	size_t at = obj_at(&m, 0);
	uint32_t len = rd32(m.p + at);
	const uint32_t lens[] = {
		(uint32_t)(m.len - at - 4 - OBJ_SIG_BYTES + 1), /* one past the end */
		(uint32_t)(m.len - at),                         /* well past */
		OBJ_MAX_BYTES + 1u,
		0xffffffffu,
		len + 1u, /* overlaps the signature: the record after is skewed */
		len - 1u,
		0u,
	};

	for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
		memcpy(m.p, f->good.p, m.len);
		wr32(m.p + at, lens[i]);
		expect_import(f, &m, VAULT_EDAMAGED, NULL);
	}
	/* The last object's length one past the end of the plaintext. */
	memcpy(m.p, f->good.p, m.len);
	at = obj_at(&m, f->good.n - 1);
	wr32(m.p + at, rd32(m.p + at) + 1);
	expect_import(f, &m, VAULT_EDAMAGED, "malformed");
	/* Trailing bytes after the last object. */
	{
		plain t = plain_copy(&f->good);

		t.p = realloc(t.p, t.len + 3);
		assert_non_null(t.p);
		memset(t.p + t.len, 0, 3);
		t.len += 3;
		expect_import(f, &t, VAULT_EDAMAGED, "malformed");
		free(t.p);
	}
	free(m.p);
}

/* A prerequisite the copy lacks is named; nothing is applied. */
static void test_missing_prerequisite(void **state)
{
	fixture *f = *state;
	plain m = plain_copy(&f->good);
	uint8_t *p;
	uint8_t ghost[OBJ_ID_BYTES];
	char hex[2 * OBJ_ID_BYTES + 1];
	size_t at = m.np_at + 4 + (size_t)m.np * OBJ_ID_BYTES;

	ac_random(ghost, sizeof ghost);
	p = malloc(m.len + OBJ_ID_BYTES);
	assert_non_null(p);
	memcpy(p, m.p, at);
	memcpy(p + at, ghost, OBJ_ID_BYTES);
	memcpy(p + at + OBJ_ID_BYTES, m.p + at, m.len - at);
	free(m.p);
	m.p = p;
	m.len += OBJ_ID_BYTES;
	wr32(m.p + m.np_at, m.np + 1);
	resign(f, &m);
	obj_hex(ghost, OBJ_ID_BYTES, hex);
	hex[12] = '\0';
	expect_import(f, &m, VAULT_ENOTFOUND, "missing prerequisites");
	expect_import(f, &m, VAULT_ENOTFOUND, hex);
	free(m.p);
}

/* --- verify ------------------------------------------------------------ */

typedef struct {
	int n;
	char id[VAULT_REV_HEX];
	char problem[200];
} problems;

static void collect(const vault_problem *p, void *ctx)
{
	problems *ps = ctx;

	if (ps->n++ == 0) {
		snprintf(ps->id, sizeof ps->id, "%s", p->id);
		snprintf(ps->problem, sizeof ps->problem, "%s", p->problem);
	}
}

static vault_status run_verify(vault *v, problems *ps, uint64_t *checked)
{
	vault_err err = {0};

	memset(ps, 0, sizeof *ps);
	return vault_verify(v, collect, ps, checked, &err);
}

/* The id and the bytes of one revision stored in v (the seq-th). */
static void pick_revision(vault *v, int nth, uint8_t id[OBJ_ID_BYTES],
                          uint8_t **data, size_t *len, uint8_t sig[64])
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(vault_db(v),
	                 "SELECT id, data, sig FROM objects WHERE type = 3"
	                 " ORDER BY seq LIMIT 1 OFFSET ?", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int(st, 1, nth);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(id, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
	*len = (size_t)sqlite3_column_bytes(st, 1);
	*data = malloc(*len);
	assert_non_null(*data);
	memcpy(*data, sqlite3_column_blob(st, 1), *len);
	memcpy(sig, sqlite3_column_blob(st, 2), 64);
	sqlite3_finalize(st);
}

static void update_blob(vault *v, const char *sql, const void *blob, size_t n,
                        const uint8_t id[OBJ_ID_BYTES])
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(vault_db(v), sql, -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, blob, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, id, OBJ_ID_BYTES, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(vault_db(v)), 1);
	sqlite3_finalize(st);
}

static int64_t count_objects(vault *v)
{
	sqlite3_stmt *st = NULL;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(vault_db(v),
	                 "SELECT count(*) FROM objects", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* verify reports exactly one problem, about id, mentioning words. */
static void expect_one(vault *v, const uint8_t id[OBJ_ID_BYTES],
                       const char *words)
{
	char hex[2 * OBJ_ID_BYTES + 1];
	uint64_t checked = 0;
	problems ps;
	vault_status rc = run_verify(v, &ps, &checked);

	obj_hex(id, OBJ_ID_BYTES, hex);
	assert_int_equal(rc, VAULT_EDAMAGED);
	if (ps.n != 1)
		print_error("verify reported %d problems (first: %s %s)\n", ps.n,
		            ps.id, ps.problem);
	assert_int_equal(ps.n, 1);
	assert_string_equal(ps.id, hex);
	if (strstr(ps.problem, words) == NULL) {
		print_error("\"%s\" does not say \"%s\"\n", ps.problem, words);
		fail();
	}
	assert_int_equal(checked, (uint64_t)count_objects(v));
}

static void test_verify_clean(void **state)
{
	fixture *f = *state;
	uint64_t checked = 0;
	problems ps;

	assert_int_equal(run_verify(f->v, &ps, &checked), VAULT_OK);
	assert_int_equal(ps.n, 0);
	assert_int_equal(checked, (uint64_t)count_objects(f->v));
	assert_true(checked >= 5);
}

static void test_verify_altered_bytes(void **state)
{
	fixture *f = *state;
	uint8_t id[OBJ_ID_BYTES], sig[64], *data = NULL;
	size_t len = 0;

	pick_revision(f->v, 1, id, &data, &len, sig);
	data[len - 2] ^= 0x01; /* a letter of the body */
	update_blob(f->v, "UPDATE objects SET data = ?1 WHERE id = ?2", data, len,
	            id);
	expect_one(f->v, id, "do not match its id");
	/* Still there after closing and opening again. */
	vault_close(f->v);
	f->v = fx_open(f->src);
	expect_one(f->v, id, "do not match its id");
	free(data);
}

static void test_verify_altered_signature(void **state)
{
	fixture *f = *state;
	uint8_t id[OBJ_ID_BYTES], sig[64], *data = NULL;
	size_t len = 0;

	pick_revision(f->v, 0, id, &data, &len, sig);
	sig[0] ^= 0x01;
	update_blob(f->v, "UPDATE objects SET sig = ?1 WHERE id = ?2", sig, 64, id);
	expect_one(f->v, id, "signature");
	/* A signature of the wrong length is no signature. */
	update_blob(f->v, "UPDATE objects SET sig = ?1 WHERE id = ?2", sig, 63, id);
	expect_one(f->v, id, "signature");
	free(data);
}

/* An object inserted behind the store's back, correctly signed by a key
 * that never was a member. */
static void test_verify_stranger(void **state)
{
	fixture *f = *state;
	uint8_t id[OBJ_ID_BYTES], newid[OBJ_ID_BYTES], sig[64], *data = NULL;
	uint8_t seed[32], pk[32], sk[64], *enc = NULL;
	size_t len = 0, enclen = 0;
	sqlite3_stmt *st = NULL;
	obj o;

	pick_revision(f->v, 1, id, &data, &len, sig);
	assert_int_equal(obj_decode(data, len, &o), 0);
	ac_random(seed, sizeof seed);
	ac_sign_seed_keypair(pk, sk, seed);
	memcpy(o.author, pk, 32);
	o.message.p = "Intruso";
	o.message.len = 7;
	assert_int_equal(obj_encode(&o, &enc, &enclen), 0);
	obj_id(enc, enclen, newid);
	obj_sign(enc, enclen, sk, sig);
	assert_true(obj_sig_ok(enc, enclen, pk, sig));
	assert_int_equal(sqlite3_prepare_v2(vault_db(f->v),
	                 "INSERT INTO objects(id, type, author, time, data, sig)"
	                 " VALUES (?1, 3, ?2, ?3, ?4, ?5)", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, newid, OBJ_ID_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, pk, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, o.time);
	sqlite3_bind_blob(st, 4, enc, (int)enclen, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 5, sig, 64, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	expect_one(f->v, newid, "not a member");
	free(enc);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_by_stranger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_bytes_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_by_stranger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fewer_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absurd_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_prerequisite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_altered_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_altered_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_stranger, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
