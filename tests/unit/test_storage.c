/* The storage paths behind SQLite: the vault's own page cache (pcache.c)
 * and the write-behind sealing of database pages (vfs.c). A bulk workload
 * of the benchmark's shape runs with the vault's cache and with a cache of
 * 20 pages (so pages are evicted and reused, and dirty pages spill to the
 * file in the middle of a transaction), with transactions rolled back after
 * they grew the file; every row is then read back and checked, before and
 * after reopening, and SQLite's integrity check passes. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <sched.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vault_fixture.h"

#define ROWS 3000
#define BATCH 100
#define BODY 2048

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
	f->path = fx_path(f->dir, "storage.vault");
	fx_create(f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	fx_dir_free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg != NULL ? msg : "?");
}

/* Row k's body: bytes that depend on k everywhere, so a page from the
 * wrong place or an old version cannot pass for it. */
static void body_of(int k, uint8_t *b)
{
	uint64_t x = 0x9e3779b97f4a7c15u * (uint64_t)(k + 1);

	for (int i = 0; i < BODY; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
}

/* Rows [from, to) into bench, 100 a transaction; every third transaction
 * from the second on is rolled back instead, after it grew the file. */
static void insert_rows(sqlite3 *db, int from, int to, int *kept)
{
	sqlite3_stmt *st = NULL;
	uint8_t b[BODY];

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO bench VALUES "
	                                    "(?1, ?2, ?3)", -1, &st, NULL),
	                 SQLITE_OK);
	for (int t = from; t < to; t += BATCH) {
		int undo = (t / BATCH) % 3 == 1;

		exec(db, "BEGIN IMMEDIATE");
		for (int k = t; k < t + BATCH && k < to; k++) {
			body_of(k, b);
			sqlite3_bind_int(st, 1, k % 37);
			sqlite3_bind_int(st, 2, k);
			sqlite3_bind_blob(st, 3, b, BODY, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
		exec(db, undo ? "ROLLBACK" : "COMMIT");
		for (int k = t; k < t + BATCH && k < to; k++)
			kept[k] = !undo;
	}
	sqlite3_finalize(st);
}

/* Every kept row is there with its body, and no other. */
static void check_rows(sqlite3 *db, const int *kept, int n)
{
	sqlite3_stmt *st = NULL;
	uint8_t b[BODY];
	int seen = 0, want = 0;

	for (int k = 0; k < n; k++)
		want += kept[k];
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, body FROM bench "
	                                    "ORDER BY doc, seq", -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);

		assert_true(k >= 0 && k < n);
		assert_true(kept[k]);
		assert_int_equal(sqlite3_column_bytes(st, 1), BODY);
		body_of(k, b);
		assert_memory_equal(sqlite3_column_blob(st, 1), b, BODY);
		seen++;
	}
	sqlite3_finalize(st);
	assert_int_equal(seen, want);
}

static int cpus(void)
{
	cpu_set_t set;

	assert_int_equal(sched_getaffinity(0, sizeof set, &set), 0);
	return CPU_COUNT(&set);
}

/* Every thread but this one blocks SIGINT, SIGTERM and SIGWINCH, so the
 * thread that reads the terminal gets them. Returns how many others there
 * are. */
static int other_threads_block_signals(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int others = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], line[256];
		unsigned long long blk = 0;
		FILE *f;

		if (e->d_name[0] == '.' || atoi(e->d_name) == (int)getpid())
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status",
		         e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue; /* it ended meanwhile */
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "SigBlk: %llx", &blk) == 1)
				break;
		fclose(f);
		assert_true(blk & (1ull << (SIGINT - 1)));
		assert_true(blk & (1ull << (SIGTERM - 1)));
		assert_true(blk & (1ull << (SIGWINCH - 1)));
		others++;
	}
	closedir(d);
	return others;
}

static void check_integrity(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	                                    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

static void bulk(const char *path, const char *cache_pragma)
{
	int *kept = calloc(ROWS, sizeof *kept);
	vault *v = fx_open(path);
	sqlite3 *db = vault_db(v);

	assert_non_null(kept);
	if (cache_pragma != NULL)
		exec(db, cache_pragma);
	exec(db, "CREATE TABLE bench (doc INTEGER, seq INTEGER, body BLOB, "
	         "PRIMARY KEY (doc, seq))");
	insert_rows(db, 0, ROWS / 2, kept);
	/* Deleting frees pages; the next inserts reuse them. */
	exec(db, "DELETE FROM bench WHERE seq % 5 = 0");
	for (int k = 0; k < ROWS / 2; k += 5)
		kept[k] = 0;
	insert_rows(db, ROWS / 2, ROWS, kept);
	/* Pages went to a worker thread when there are two processors to
	 * run it on, and were sealed in place otherwise (ctest runs this
	 * test again under taskset -c 0). */
	assert_int_equal(vfs_shim_sealer(v->shim), cpus() > 1);
	/* (A sanitizer's runtime may have threads of its own.) */
	assert_true(other_threads_block_signals() >= (cpus() > 1));
	check_rows(db, kept, ROWS);
	check_integrity(db);
	vault_close(v);

	v = fx_open(path);
	check_rows(vault_db(v), kept, ROWS);
	check_integrity(vault_db(v));
	vault_close(v);
	free(kept);
}

/* The vault's connections get the vault's cache, and give all of its
 * pages back at close; other connections keep SQLite's. */
static void test_vault_cache_is_ours(void **state)
{
	fixture *f = *state;
	long before = pc_pages_live();
	char *plain_path = fx_path(f->dir, "plain.db");
	sqlite3 *plain = NULL;
	vault *v;

	assert_true(pc_installed());
	v = fx_open(f->path);
	check_integrity(vault_db(v));
	assert_true(pc_pages_live() > before);
	vault_close(v);
	assert_int_equal(pc_pages_live(), before);

	assert_int_equal(sqlite3_open(plain_path, &plain), SQLITE_OK);
	exec(plain, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	check_integrity(plain);
	assert_int_equal(pc_pages_live(), before);
	sqlite3_close(plain);
	free(plain_path);
}

static void test_bulk_vault_cache(void **state)
{
	fixture *f = *state;

	bulk(f->path, NULL);
	assert_int_equal(pc_pages_live(), 0);
}

static void test_bulk_small_cache(void **state)
{
	fixture *f = *state;

	bulk(f->path, "PRAGMA cache_size = 20");
	assert_int_equal(pc_pages_live(), 0);
}

/* The cache's own rules, driven directly as SQLite's pager would. */
static sqlite3_pcache_page *fetch(const sqlite3_pcache_methods2 *m,
                                  sqlite3_pcache *c, unsigned key, int create)
{
	sqlite3_pcache_page *p = m->xFetch(c, key, create);

	if (p != NULL && create != 0 && ((void **)p->pExtra)[0] == NULL)
		memset(p->pBuf, (int)(key & 0xff), 4096);
	return p;
}

static void expect_page(const sqlite3_pcache_methods2 *m, sqlite3_pcache *c,
                        unsigned key, int there)
{
	sqlite3_pcache_page *p = m->xFetch(c, key, 0);

	if (!there) {
		assert_null(p);
		return;
	}
	assert_non_null(p);
	assert_int_equal(((uint8_t *)p->pBuf)[4095], key & 0xff);
	m->xUnpin(c, p, 0);
}

static void test_cache_rules(void **state)
{
	const sqlite3_pcache_methods2 *m = pc_methods();
	const unsigned scratch = 0x40000000u / 4096u + 1u;
	sqlite3_pcache_page *p[64], *q;
	sqlite3_pcache *c;
	long before = pc_pages_live();

	(void)state;
	pc_vault_opening(1);
	c = m->xCreate(4096, 120, 1);
	pc_vault_opening(0);
	assert_non_null(c);
	m->xCachesize(c, 50);

	/* New pages start with their extra bytes zeroed, and keep their
	 * content while cached. */
	for (unsigned k = 1; k <= 40; k++) {
		p[k] = fetch(m, c, k, 2);
		assert_non_null(p[k]);
		assert_null(((void **)p[k]->pExtra)[0]);
		((void **)p[k]->pExtra)[0] = p[k]; /* as SQLite marks it */
	}
	assert_int_equal(m->xPagecount(c), 40);
	assert_int_equal(pc_pages_live(), before + 40);
	assert_ptr_equal(m->xFetch(c, 7, 0), p[7]);

	/* Nine tenths pinned: "create if easy" says no, "create" says yes. */
	for (unsigned k = 41; k <= 45; k++)
		assert_non_null(p[k] = fetch(m, c, k, 1));
	assert_null(m->xFetch(c, 46, 1));
	assert_non_null(p[46] = fetch(m, c, 46, 2));

	/* Unpinned pages are reused oldest first once the cache is full. */
	for (unsigned k = 1; k <= 10; k++)
		m->xUnpin(c, p[k], 0);
	for (unsigned k = 47; k <= 52; k++)
		assert_non_null(p[k] = fetch(m, c, k, 2));
	assert_int_equal(m->xPagecount(c), 50);
	expect_page(m, c, 1, 0);
	expect_page(m, c, 2, 0);
	expect_page(m, c, 10, 1);

	/* A discarded page is gone at once. */
	m->xUnpin(c, p[20], 1);
	expect_page(m, c, 20, 0);

	/* A balance parks a page at the scratch number and moves it back;
	 * truncation still finds every page at or above its limit, pinned
	 * or not, and only those. */
	m->xRekey(c, p[30], 30, scratch);
	m->xRekey(c, p[31], 31, 30);
	m->xRekey(c, p[30], scratch, 31);
	q = m->xFetch(c, 30, 0);
	assert_ptr_equal(q, p[31]);
	m->xTruncate(c, 45);
	for (unsigned k = 45; k <= 52; k++)
		expect_page(m, c, k, 0);
	expect_page(m, c, 44, 1);
	/* A page left at the scratch number goes with any truncation below
	 * it. */
	m->xRekey(c, p[40], 40, scratch);
	m->xTruncate(c, 41);
	assert_null(m->xFetch(c, scratch, 0));
	expect_page(m, c, 39, 1);
	/* Rekeying onto a cached (unpinned) page replaces it. */
	m->xUnpin(c, p[38], 0);
	m->xRekey(c, p[37], 37, 38);
	assert_ptr_equal(m->xFetch(c, 38, 0), p[37]);
	assert_null(m->xFetch(c, 37, 0));
	m->xTruncate(c, 1);
	assert_int_equal(m->xPagecount(c), 0);
	assert_int_equal(pc_pages_live(), before);

	/* Shrinking to fewer pages evicts unpinned ones only. */
	for (unsigned k = 1; k <= 30; k++)
		p[k] = fetch(m, c, k, 2);
	for (unsigned k = 1; k <= 20; k++)
		m->xUnpin(c, p[k], 0);
	m->xCachesize(c, 5);
	assert_int_equal(m->xPagecount(c), 10);
	/* Shrinking frees every unpinned page. */
	for (unsigned k = 21; k <= 30; k++)
		m->xUnpin(c, p[k], 0);
	m->xShrink(c);
	assert_int_equal(m->xPagecount(c), 0);
	/* A page fetched at the scratch number itself, and a page moved
	 * above every other key, both go with a truncation below them. */
	m->xCachesize(c, 50);
	p[1] = fetch(m, c, scratch, 2);
	p[2] = fetch(m, c, 2, 2);
	m->xRekey(c, p[2], 2, 100000);
	m->xTruncate(c, 3);
	assert_null(m->xFetch(c, scratch, 0));
	assert_null(m->xFetch(c, 100000, 0));
	assert_int_equal(m->xPagecount(c), 0);
	m->xDestroy(c);
	assert_int_equal(pc_pages_live(), before);
}

/* Copy path to copy, byte for byte. */
static void copy_file(const char *path, const char *copy)
{
	size_t len = 0;
	uint8_t *b = fx_slurp(path, &len);
	FILE *o = fopen(copy, "wb");

	assert_non_null(b);
	assert_non_null(o);
	assert_int_equal(fwrite(b, 1, len, o), len);
	assert_int_equal(fclose(o), 0);
	free(b);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Reseal every synced page image of journal j with kind 1 (the images
 * journals held before images were copied from the database), after
 * checking that it opens as the database page it was copied from (kind
 * 0). Returns how many images there were. */
static int reseal_journal(const char *j, const vault_keys *k)
{
	size_t len = 0, h = 0;
	uint8_t *b = fx_slurp(j, &len);
	int images = 0;

	assert_non_null(b);
	while (h + 512 <= len && be32(b + h) == 0xd9d505f9u) {
		uint32_t n = be32(b + h + 8);
		size_t off = h + 512;

		for (uint32_t r = 0; r < n; r++, off += 4096 + 8) {
			uint8_t *img = b + off + 4, pt[4056], ad[VAULT_ID_BYTES + 5];
			uint32_t pgno = be32(b + off);

			assert_true(off + 4096 + 8 <= len);
			memcpy(ad, k->vault_id, VAULT_ID_BYTES);
			for (int i = 0; i < 4; i++)
				ad[VAULT_ID_BYTES + i] = (uint8_t)(pgno >> (8 * i));
			ad[VAULT_ID_BYTES + 4] = 0;
			assert_int_equal(ac_aead_open(pt, img, 4056, img + 4080,
			                              ad, sizeof ad, img + 4056,
			                              k->page), AC_OK);
			ad[VAULT_ID_BYTES + 4] = 1;
			ac_random(img + 4056, AC_NONCE_BYTES);
			ac_aead_seal(img, img + 4080, pt, 4056, ad, sizeof ad,
			             img + 4056, k->page);
			images++;
		}
		h = (off + 511) / 512 * 512;
	}
	fx_write_at(j, 0, b, len);
	free(b);
	return images;
}

/* A crash in the middle of a transaction that spilled pages: the journal
 * (images copied from the database, §4) rolls the vault back; so does a
 * journal whose images were sealed for the journal instead. */
static void test_hot_journal_rollback(void **state)
{
	fixture *f = *state;
	char *snap = fx_path(f->dir, "snap.vault");
	char *snap_j = fx_path(f->dir, "snap.vault-journal");
	char *old = fx_path(f->dir, "old.vault");
	char *old_j = fx_path(f->dir, "old.vault-journal");
	char *journal = fx_path(f->dir, "storage.vault-journal");
	int *kept = calloc(ROWS, sizeof *kept);
	vault *v = fx_open(f->path);
	sqlite3 *db = vault_db(v);
	int images;

	exec(db, "CREATE TABLE bench (doc INTEGER, seq INTEGER, body BLOB, "
	         "PRIMARY KEY (doc, seq))");
	insert_rows(db, 0, 600, kept);
	exec(db, "PRAGMA cache_size = 20");
	exec(db, "BEGIN IMMEDIATE");
	exec(db, "UPDATE bench SET body = zeroblob(2048)");
	exec(db, "DELETE FROM bench WHERE seq % 3 = 0");
	/* Still inside: the pager has spilled, so the database holds
	 * changed pages and the journal a synced header. Copy both as a
	 * crash would leave them. */
	copy_file(f->path, snap);
	copy_file(journal, snap_j);
	copy_file(f->path, old);
	copy_file(journal, old_j);
	images = reseal_journal(old_j, v->keys);
	assert_true(images > 20);
	exec(db, "ROLLBACK");
	vault_close(v);

	v = fx_open(snap);
	check_rows(vault_db(v), kept, 600);
	check_integrity(vault_db(v));
	vault_close(v);
	v = fx_open(old);
	check_rows(vault_db(v), kept, 600);
	check_integrity(vault_db(v));
	vault_close(v);
	free(kept);
	free(snap);
	free(snap_j);
	free(old);
	free(old_j);
	free(journal);
}

#define STORAGE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_rules),
		STORAGE_TEST(test_vault_cache_is_ours),
		STORAGE_TEST(test_bulk_vault_cache),
		STORAGE_TEST(test_bulk_small_cache),
		STORAGE_TEST(test_hot_journal_rollback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
