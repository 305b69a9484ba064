/* Plaintext never reaches the disk: canary strings written inside an open
 * transaction (pages spilled to the database and the journal) appear in
 * neither file, before or after the commit; and the SQL routes that could
 * write outside the encrypting VFS (WAL, another page size, ATTACH, VACUUM
 * INTO) are refused or harmless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "vault_fixture.h"

/* Long single tokens, so the full-text index holds them whole (in lower
 * case) too. */
#define CANARY_NEW "CANARY7f3a9b1c2d3e4f"
#define CANARY_OLD "OLDCANARYc41e8a9b8c7d"
#define CANARY_NEW_LC "canary7f3a9b1c2d3e4f"
#define CANARY_OLD_LC "oldcanaryc41e8a9b8c7d"
#define NEW_LEN 400000u
#define OLD_LEN 60000u

static const uint8_t journal_magic[8] = {
	0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7
};

typedef struct {
	char *dir;
	char *path;
	char *journal;
	char *new_text;
	char *old_text;
	fx_windows *windows;
} fixture;

/* Text from seed with the canary written over it every 997 bytes. */
static char *canary_text(uint64_t seed, size_t len, const char *canary)
{
	char *t = malloc(len + 1);
	size_t cl = strlen(canary);

	assert_non_null(t);
	fx_text(seed, t, len);
	for (size_t i = 0; i + cl < len; i += 997)
		memcpy(t + i, canary, cl);
	return t;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL || ac_init() != AC_OK)
		return -1;
	f->dir = fx_dir_new();
	f->path = fx_path(f->dir, "canary.vault");
	f->journal = fx_path(f->dir, "canary.vault-journal");
	f->new_text = canary_text(3, NEW_LEN, CANARY_NEW);
	f->old_text = canary_text(2, OLD_LEN, CANARY_OLD);
	f->windows = fx_windows_new();
	fx_windows_add(f->windows, f->new_text, NEW_LEN);
	fx_windows_add(f->windows, f->old_text, OLD_LEN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	fx_windows_free(f->windows);
	free(f->new_text);
	free(f->old_text);
	free(f->journal);
	free(f->path);
	fx_dir_free(f->dir);
	free(f);
	return 0;
}

/* Assert no canary and no 16-byte run of either text is in the file. */
static void expect_clean(const fixture *f, const char *path, const char *when)
{
	size_t len = 0;
	uint8_t *buf = fx_slurp(path, &len);
	long at;

	if (buf == NULL)
		return;
	if (fx_contains(buf, len, CANARY_NEW, strlen(CANARY_NEW)) ||
	    fx_contains(buf, len, CANARY_OLD, strlen(CANARY_OLD)) ||
	    fx_contains(buf, len, CANARY_NEW_LC, strlen(CANARY_NEW_LC)) ||
	    fx_contains(buf, len, CANARY_OLD_LC, strlen(CANARY_OLD_LC)))
		fail_msg("%s: a canary is in plaintext in %s", when, path);
	at = fx_windows_find(f->windows, buf, len);
	if (at >= 0)
		fail_msg("%s: document text at offset %ld of %s", when, at, path);
	free(buf);
}

/* Pearson's chi-square of the byte histogram: about 255 for random bytes,
 * in the millions for text. */
static double chi_square(const uint8_t *p, size_t n)
{
	double count[256] = {0}, e = (double)n / 256.0, chi = 0;

	for (size_t i = 0; i < n; i++)
		count[p[i]]++;
	for (int i = 0; i < 256; i++)
		chi += (count[i] - e) * (count[i] - e) / e;
	return chi;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void add_doc(vault *v, const char *title, const char *body,
                    size_t len, char id[VAULT_ID_HEX])
{
	fx_add(v, title, body, len, id);
}

static void expect_body(vault *v, const char *ref, const char *body,
                        size_t len)
{
	vault_err err = {0};
	vault_doc *d = NULL;

	assert_int_equal(fx_get(v, ref, &d, &err), VAULT_OK);
	assert_int_equal(d->body_len, len);
	assert_memory_equal(d->body, body, len);
	vault_doc_free(d);
}

/* The scanner itself finds the text when it is there: the same rows in a
 * plain SQLite file. */
static void test_scanner_finds_plaintext(void **state)
{
	fixture *f = *state;
	char *plain = fx_path(f->dir, "plain.db");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;

	assert_int_equal(sqlite3_open(plain, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?)", -1,
	                                    &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, f->old_text, OLD_LEN, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	buf = fx_slurp(plain, &len);
	assert_true(fx_contains(buf, len, CANARY_OLD, strlen(CANARY_OLD)));
	assert_true(fx_windows_find(f->windows, buf, len) >= 0);
	assert_true(chi_square(buf, len) > 10000.0);
	free(buf);
	free(plain);
}

static void test_canary_in_open_transaction(void **state)
{
	fixture *f = *state;
	const char *new_title = CANARY_NEW " " CANARY_NEW " " CANARY_NEW;
	const char *old_title = "Old " CANARY_OLD " " CANARY_OLD;
	uint8_t jh[28], rec[4];
	char id_new[VAULT_ID_HEX], id_old[VAULT_ID_HEX];
	vault_meta meta;
	vault_err err = {0};
	vault *v = NULL;
	off_t before, jsize;
	uint8_t *buf = NULL;
	size_t len = 0;

	fx_windows_add(f->windows, new_title, strlen(new_title));
	fx_windows_add(f->windows, old_title, strlen(old_title));
	fx_create(f->path);
	v = fx_open(f->path);
	/* The old canary is committed: its pages are what the next
	 * transaction overwrites, so their images go to the journal. */
	add_doc(v, old_title, f->old_text, OLD_LEN, id_old);
	expect_clean(f, f->path, "after the first commit");
	before = fx_size(f->path);

	assert_int_equal(sqlite3_exec(vault_db(v), "PRAGMA cache_size = 1",
	                              NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(v, &err), VAULT_OK);
	/* Both nested in our transaction: their commits do not reach SQLite.
	 * The edit replaces the old text in the search index (pages freed
	 * and, with secure_delete, overwritten); the add spills. */
	memset(&meta, 0, sizeof meta);
	meta.title = "Old, replaced";
	assert_int_equal(vault_doc_edit(v, id_old, &meta, "replaced", 8, NULL,
	                                &err), VAULT_OK);
	add_doc(v, new_title, f->new_text, NEW_LEN, id_new);
	assert_false(sqlite3_get_autocommit(vault_db(v)));

	/* Still inside the transaction: the pager has spilled. */
	assert_true(fx_size(f->path) > before);
	assert_true(fx_exists(f->journal));
	jsize = fx_size(f->journal);
	assert_true(jsize >= 512 + 2 * (PAGE_SIZE + 8));
	fx_read_at(f->journal, 0, jh, sizeof jh);
	/* A live journal header (written when the journal was synced before
	 * the spill): magic, record count, page and sector size. */
	assert_memory_equal(jh, journal_magic, sizeof journal_magic);
	assert_true(be32(jh + 8) >= 1);
	assert_int_equal(be32(jh + 20), 512);
	assert_int_equal(be32(jh + 24), PAGE_SIZE);
	/* Its first record is a page of the original database. */
	fx_read_at(f->journal, 512, rec, sizeof rec);
	assert_true(be32(rec) >= 1 && be32(rec) <= be32(jh + 16));
	expect_clean(f, f->path, "inside the transaction");
	expect_clean(f, f->journal, "inside the transaction");

	assert_int_equal(db_commit(v, &err), VAULT_OK);
	assert_true(sqlite3_get_autocommit(vault_db(v)));
	expect_clean(f, f->path, "after the commit");
	expect_clean(f, f->journal, "after the commit");
	vault_close(v);
	expect_clean(f, f->path, "after closing");
	expect_clean(f, f->journal, "after closing");

	/* The text really went through: it reads back whole. */
	v = fx_open(f->path);
	expect_body(v, id_new, f->new_text, NEW_LEN);
	expect_body(v, new_title, f->new_text, NEW_LEN);
	expect_body(v, id_old, "replaced", 8);
	assert_int_equal(vault_check(v, &err), VAULT_OK);
	vault_close(v);

	/* Every byte after the header area looks random. */
	buf = fx_slurp(f->path, &len);
	assert_true(len > HDR_AREA + 100 * PAGE_SIZE);
	assert_true(chi_square(buf + HDR_AREA, len - HDR_AREA) < 400.0);
	free(buf);
}

/* --- SQL that would write outside the shim ----------------------------- */

/* The first column of the first row as text (malloc'd), or NULL when the
 * statement fails or returns nothing. */
static char *query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void expect_text(sqlite3 *db, const char *sql, const char *want)
{
	char *got = query_text(db, sql);

	assert_non_null(got);
	assert_true(strcasecmp(got, want) == 0);
	free(got);
}

static vault *open_with_canary(fixture *f, char id[VAULT_ID_HEX])
{
	vault *v = NULL;

	fx_create(f->path);
	v = fx_open(f->path);
	add_doc(v, "Canary " CANARY_OLD, f->old_text, OLD_LEN, id);
	return v;
}

static void test_journal_mode_fixed(void **state)
{
	static const char *const modes[] = {
		"WAL", "wal", "'wal'", "MEMORY", "OFF", "PERSIST", "TRUNCATE",
	};
	fixture *f = *state;
	char *wal = fx_path(f->dir, "canary.vault-wal");
	char sql[64], id[VAULT_ID_HEX];
	vault *v = open_with_canary(f, id);
	sqlite3 *db = vault_db(v);

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		char *got = NULL;

		snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", modes[i]);
		got = query_text(db, sql);
		/* Refused, or answered with the unchanged mode. */
		if (got != NULL)
			assert_true(strcasecmp(got, "delete") == 0);
		free(got);
		snprintf(sql, sizeof sql, "PRAGMA main.journal_mode = %s", modes[i]);
		got = query_text(db, sql);
		if (got != NULL)
			assert_true(strcasecmp(got, "delete") == 0);
		free(got);
		expect_text(db, "PRAGMA journal_mode", "delete");
	}
	add_doc(v, "After", "written after the attempts", 26, id);
	vault_close(v);
	assert_false(fx_exists(wal));
	expect_clean(f, f->path, "after journal_mode");
	v = fx_open(f->path);
	expect_body(v, id, "written after the attempts", 26);
	vault_close(v);
	free(wal);
}

static void test_page_size_fixed(void **state)
{
	fixture *f = *state;
	char id[VAULT_ID_HEX];
	vault_err err = {0};
	vault *v = open_with_canary(f, id);
	sqlite3 *db = vault_db(v);

	(void)sqlite3_exec(db, "PRAGMA page_size = 8192", NULL, NULL, NULL);
	expect_text(db, "PRAGMA page_size", "4096");
	/* VACUUM itself works through the shim (its copy is in memory). */
	assert_int_equal(sqlite3_exec(db, "VACUUM", NULL, NULL, NULL), SQLITE_OK);
	expect_text(db, "PRAGMA page_size", "4096");
	(void)sqlite3_exec(db, "PRAGMA page_size = 1024; VACUUM", NULL, NULL, NULL);
	expect_text(db, "PRAGMA page_size", "4096");
	assert_int_equal(vault_check(v, &err), VAULT_OK);
	vault_close(v);

	assert_int_equal((fx_size(f->path) - HDR_AREA) % PAGE_SIZE, 0);
	expect_clean(f, f->path, "after VACUUM");
	v = fx_open(f->path);
	expect_text(vault_db(v), "PRAGMA page_size", "4096");
	expect_body(v, id, f->old_text, OLD_LEN);
	assert_int_equal(vault_check(v, &err), VAULT_OK);
	vault_close(v);
}

/* A plain SQLite file with one table, written without the shim. */
static void make_plain_db(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x TEXT);"
	                              "INSERT INTO t VALUES ('plain row')",
	                              NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* CREATE TABLE p.copy_N AS SELECT * FROM each table of main: whatever
 * the schema, the document text is in one of them. Failures are fine. */
static void copy_tables_out(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	char *names[64];
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM main.sqlite_schema"
	                                    " WHERE type = 'table'", -1, &st,
	                                    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n < 64)
		names[n++] = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		char *sql = sqlite3_mprintf("CREATE TABLE p.copy_%d AS SELECT *"
		                            " FROM main.\"%w\"", i, names[i]);

		(void)sqlite3_exec(db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		sqlite3_free(names[i]);
	}
}

static void test_attach_refused(void **state)
{
	fixture *f = *state;
	char *plain = fx_path(f->dir, "plain.db");
	char *fresh = fx_path(f->dir, "fresh.db");
	char *forms[4];
	char id[VAULT_ID_HEX];
	vault_err err = {0};
	vault *v = NULL;
	sqlite3 *db = NULL;

	make_plain_db(plain);
	v = open_with_canary(f, id);
	db = vault_db(v);
	forms[0] = sqlite3_mprintf("ATTACH %Q AS p", plain);
	forms[1] = sqlite3_mprintf("ATTACH 'file:%q?vfs=unix' AS p", plain);
	forms[2] = sqlite3_mprintf("ATTACH 'file:%q?vfs=unix-none' AS p", plain);
	forms[3] = sqlite3_mprintf("ATTACH 'file:%q?vfs=unix&mode=rwc' AS p",
	                           fresh);
	for (int i = 0; i < 4; i++) {
		assert_non_null(forms[i]);
		if (sqlite3_exec(db, forms[i], NULL, NULL, NULL) == SQLITE_OK) {
			/* Attached: try to copy every table out. */
			copy_tables_out(db);
			assert_int_equal(sqlite3_exec(db, "DETACH p", NULL, NULL,
			                              NULL), SQLITE_OK);
		}
		expect_clean(f, plain, forms[i]);
		expect_clean(f, fresh, forms[i]);
		sqlite3_free(forms[i]);
	}
	assert_int_equal(vault_check(v, &err), VAULT_OK);
	vault_close(v);
	free(plain);
	free(fresh);
}

static void test_vacuum_into_refused(void **state)
{
	fixture *f = *state;
	char *out[3], *sql[3];
	char id[VAULT_ID_HEX];
	vault_err err = {0};
	vault *v = open_with_canary(f, id);
	sqlite3 *db = vault_db(v);

	out[0] = fx_path(f->dir, "into.db");
	out[1] = fx_path(f->dir, "into-unix.db");
	out[2] = fx_path(f->dir, "into-dotfile.db");
	sql[0] = sqlite3_mprintf("VACUUM INTO %Q", out[0]);
	sql[1] = sqlite3_mprintf("VACUUM INTO 'file:%q?vfs=unix'", out[1]);
	sql[2] = sqlite3_mprintf("VACUUM INTO 'file:%q?vfs=unix-dotfile'", out[2]);
	for (int i = 0; i < 3; i++) {
		size_t len = 0;
		uint8_t *buf = NULL;

		assert_non_null(sql[i]);
		(void)sqlite3_exec(db, sql[i], NULL, NULL, NULL);
		buf = fx_slurp(out[i], &len);
		if (buf != NULL) {
			if (len >= 16 && memcmp(buf, "SQLite format 3", 16) == 0)
				fail_msg("%s wrote a plain SQLite file", sql[i]);
			free(buf);
		}
		expect_clean(f, out[i], sql[i]);
		sqlite3_free(sql[i]);
		free(out[i]);
	}
	assert_int_equal(vault_check(v, &err), VAULT_OK);
	vault_close(v);
}

/* Every test gets a fresh folder and its own vault. */
#define CANARY_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CANARY_TEST(test_scanner_finds_plaintext),
		CANARY_TEST(test_canary_in_open_transaction),
		CANARY_TEST(test_journal_mode_fixed),
		CANARY_TEST(test_page_size_fixed),
		CANARY_TEST(test_attach_refused),
		CANARY_TEST(test_vacuum_into_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
