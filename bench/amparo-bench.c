/* amparo-bench: the storage benchmark of docs/performance.md.
 *
 * Runs one workload, in one process, on plain SQLite (the system library),
 * on an Amparo vault through its encrypting VFS, and on SQLCipher when
 * Debian's libsqlcipher is installed, and prints one table of medians with
 * the targets of the "foundation" issue. It measures; it asserts nothing
 * about timing: the exit status is non-zero only when something fails.
 *
 * SQLCipher exports the same sqlite3_* names as SQLite, so it is loaded with
 * dlopen(RTLD_LOCAL | RTLD_DEEPBIND) and called through a table of entry
 * points; plain SQLite and the vault use the same kind of table filled with
 * the system library, so the workload code is one and the same. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "vault_int.h"

#define TRIALS 5 /* odd, for a median; this VM stalls for a second at times */
#define BODY_BYTES 2048
#define DOCS 200
#define BATCH 100
#define SEED_BODIES 0x616d7061726f0001ull
#define SEED_READS 0x616d7061726f0002ull

/* --- The SQLite entry points the workload calls ----------------------- */

typedef struct {
	int (*open_v2)(const char *, sqlite3 **, int, const char *);
	int (*close_v2)(sqlite3 *);
	int (*exec)(sqlite3 *, const char *, int (*)(void *, int, char **, char **),
	            void *, char **);
	int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **,
	                  const char **);
	int (*step)(sqlite3_stmt *);
	int (*reset)(sqlite3_stmt *);
	int (*finalize)(sqlite3_stmt *);
	int (*bind_int64)(sqlite3_stmt *, int, sqlite3_int64);
	int (*bind_blob)(sqlite3_stmt *, int, const void *, int, void (*)(void *));
	const void *(*column_blob)(sqlite3_stmt *, int);
	int (*column_bytes)(sqlite3_stmt *, int);
	const unsigned char *(*column_text)(sqlite3_stmt *, int);
	const char *(*errmsg)(sqlite3 *);
	const char *(*libversion)(void);
} sql_api;

static const sql_api system_api = {
	sqlite3_open_v2, sqlite3_close_v2, sqlite3_exec, sqlite3_prepare_v2,
	sqlite3_step, sqlite3_reset, sqlite3_finalize, sqlite3_bind_int64,
	sqlite3_bind_blob, sqlite3_column_blob, sqlite3_column_bytes,
	sqlite3_column_text, sqlite3_errmsg, sqlite3_libversion,
};

/* --- The workload ----------------------------------------------------- */

typedef struct {
	int rows;       /* rows written, BODY_BYTES each */
	int reads;      /* random reads by primary key */
	uint8_t *bodies;/* rows * BODY_BYTES bytes: row k's body at k * BODY_BYTES */
} workload;

/* Row k belongs to document k % DOCS with sequence number k / DOCS, so every
 * transaction of BATCH rows touches BATCH different documents. */
static int row_doc(int k)
{
	return k % DOCS;
}

static int row_seq(int k)
{
	return k / DOCS;
}

/* A span of time: wall clock (CLOCK_MONOTONIC) and the CPU time of the
 * process, user and system (CLOCK_PROCESS_CPUTIME_ID). */
typedef struct {
	double wall;
	double cpu;
} timing;

static void timing_start(timing *t)
{
	t->wall = bench_now();
	t->cpu = bench_cpu();
}

/* t: as timing_start left it; on return, the time since. */
static void timing_stop(timing *t)
{
	t->wall = bench_now() - t->wall;
	t->cpu = bench_cpu() - t->cpu;
}

static int sql_exec(const sql_api *api, sqlite3 *db, const char *sql,
                    bench_err *err)
{
	if (api->exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return bench_fail(err, "%s: %s", sql, api->errmsg(db));
	return 0;
}

/* Insert one batch of rows [first, first + n) in one transaction. */
static int write_batch(const sql_api *api, sqlite3 *db, sqlite3_stmt *st,
                       const workload *w, int first, int n, bench_err *err)
{
	if (sql_exec(api, db, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	for (int k = first; k < first + n; k++) {
		api->bind_int64(st, 1, row_doc(k));
		api->bind_int64(st, 2, row_seq(k));
		api->bind_blob(st, 3, w->bodies + (size_t)k * BODY_BYTES,
		               BODY_BYTES, SQLITE_STATIC);
		if (api->step(st) != SQLITE_DONE) {
			bench_fail(err, "insert row %d: %s", k, api->errmsg(db));
			api->reset(st);
			api->exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		api->reset(st);
	}
	return sql_exec(api, db, "COMMIT", err);
}

/* Create the table (not timed), then time the batched inserts. OUT: *t. */
static int workload_write(const sql_api *api, sqlite3 *db, const workload *w,
                          timing *t, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sql_exec(api, db,
	             "CREATE TABLE bench (doc INTEGER, seq INTEGER, body BLOB, "
	             "PRIMARY KEY (doc, seq))", err) != 0)
		goto out;
	if (api->prepare_v2(db, "INSERT INTO bench (doc, seq, body) "
	                    "VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK) {
		bench_fail(err, "prepare insert: %s", api->errmsg(db));
		goto out;
	}
	timing_start(t);
	for (int k = 0; k < w->rows; k += BATCH) {
		int n = w->rows - k < BATCH ? w->rows - k : BATCH;

		if (write_batch(api, db, st, w, k, n, err) != 0)
			goto out;
	}
	timing_stop(t);
	rc = 0;
out:
	if (st != NULL)
		api->finalize(st);
	return rc;
}

/* Time w->reads lookups by primary key, each in its own (autocommit)
 * statement, checking every body against what was written. OUT: *t. */
static int workload_read(const sql_api *api, sqlite3 *db, const workload *w,
                         timing *t, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	uint64_t rng = SEED_READS;
	int rc = -1;

	if (api->prepare_v2(db, "SELECT body FROM bench WHERE doc = ?1 AND "
	                    "seq = ?2", -1, &st, NULL) != SQLITE_OK) {
		bench_fail(err, "prepare select: %s", api->errmsg(db));
		goto out;
	}
	timing_start(t);
	for (int i = 0; i < w->reads; i++) {
		int k = (int)(bench_splitmix64(&rng) % (uint64_t)w->rows);
		const void *body;

		api->bind_int64(st, 1, row_doc(k));
		api->bind_int64(st, 2, row_seq(k));
		if (api->step(st) != SQLITE_ROW) {
			bench_fail(err, "read row %d: %s", k, api->errmsg(db));
			goto out;
		}
		body = api->column_blob(st, 0);
		if (api->column_bytes(st, 0) != BODY_BYTES || body == NULL ||
		    memcmp(body, w->bodies + (size_t)k * BODY_BYTES,
		           BODY_BYTES) != 0) {
			bench_fail(err, "read row %d: wrong body", k);
			goto out;
		}
		api->reset(st);
	}
	timing_stop(t);
	rc = 0;
out:
	if (st != NULL)
		api->finalize(st);
	return rc;
}

/* --- Engines ---------------------------------------------------------- */

/* The pragmas the vault sets on itself (vault.c, configure) that bear on
 * speed, and its page size, for the two engines that are not the vault. */
#define SHARED_PRAGMAS                        \
	"PRAGMA page_size = 4096;"            \
	"PRAGMA locking_mode = EXCLUSIVE;"    \
	"PRAGMA journal_mode = DELETE;"       \
	"PRAGMA synchronous = FULL;"          \
	"PRAGMA temp_store = MEMORY;"

typedef struct engine engine;

/* One engine: how to make a fresh database at a path and how to close it.
 * open leaves the handle in e->db; close accepts a half-open engine. */
struct engine {
	const char *name;
	const char *file;   /* file name stem in the temporary directory */
	int (*open)(engine *e, const char *path, bench_err *err);
	void (*close)(engine *e);
	const sql_api *api;
	sqlite3 *db;
	vault *v;           /* the Amparo engine's open vault */
	void *dl;           /* the SQLCipher engine's library */
	sql_api dl_api;
	const char *skipped;/* why the engine is not run, or NULL */
	char version[96];
	timing write[TRIALS];
	timing read[TRIALS];
};

/* --same-cache: the two other engines get the vault's page cache too
 * (vault.c, configure), so that they also keep every page they write. */
static int same_cache;
#define VAULT_CACHE_PRAGMA "PRAGMA cache_size = -131072;"

static int other_pragmas(engine *e, bench_err *err)
{
	if (sql_exec(e->api, e->db, SHARED_PRAGMAS, err) != 0)
		return -1;
	return same_cache ? sql_exec(e->api, e->db, VAULT_CACHE_PRAGMA, err)
	                  : 0;
}

static int plain_open(engine *e, const char *path, bench_err *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (e->api->open_v2(path, &e->db, flags, NULL) != SQLITE_OK)
		return bench_fail(err, "open %s: %s", path,
		                  e->db != NULL ? e->api->errmsg(e->db)
		                                : "out of memory");
	return other_pragmas(e, err);
}

static void plain_close(engine *e)
{
	if (e->db != NULL)
		e->api->close_v2(e->db);
	e->db = NULL;
}

static const char bench_pass[] = "amparo-bench passphrase";

/* Key derivation (test parameters) happens here, outside the timed part. */
static int amparo_open(engine *e, const char *path, bench_err *err)
{
	ac_kdf_params kdf;
	vault_err verr = {0};

	ac_kdf_test_params(&kdf);
	if (vault_create(path, "bench", bench_pass, sizeof bench_pass - 1, &kdf,
	                 &verr) != VAULT_OK ||
	    vault_open(path, bench_pass, sizeof bench_pass - 1, 0, &e->v,
	               &verr) != VAULT_OK)
		return bench_fail(err, "%s", verr.msg);
	e->db = vault_db(e->v);
	return 0;
}

static void amparo_close(engine *e)
{
	vault_close(e->v);
	e->v = NULL;
	e->db = NULL;
}

/* A raw 256-bit key, so SQLCipher runs no PBKDF2 over a passphrase. */
static int sqlcipher_open(engine *e, const char *path, bench_err *err)
{
	static const char hex[] = "0123456789abcdef";
	char sql[128];
	uint8_t key[32];
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;

	if (e->api->open_v2(path, &e->db, flags, NULL) != SQLITE_OK)
		return bench_fail(err, "open %s: %s", path,
		                  e->db != NULL ? e->api->errmsg(e->db)
		                                : "out of memory");
	ac_random(key, sizeof key);
	memcpy(sql, "PRAGMA key = \"x'", 16);
	for (size_t i = 0; i < sizeof key; i++) {
		sql[16 + 2 * i] = hex[key[i] >> 4];
		sql[17 + 2 * i] = hex[key[i] & 15];
	}
	memcpy(sql + 16 + 2 * sizeof key, "'\"", 3);
	rc = sql_exec(e->api, e->db, sql, err);
	ac_wipe(sql, sizeof sql);
	ac_wipe(key, sizeof key);
	if (rc != 0)
		return bench_fail(err, "PRAGMA key: %s", e->api->errmsg(e->db));
	if (sql_exec(e->api, e->db, "PRAGMA cipher_page_size = 4096", err) != 0)
		return -1;
	return other_pragmas(e, err);
}

/* Resolve every entry point of api from the library dl. */
static int sqlcipher_bind(void *dl, sql_api *api, bench_err *err)
{
	static const char *const names[] = {
		"sqlite3_open_v2", "sqlite3_close_v2", "sqlite3_exec",
		"sqlite3_prepare_v2", "sqlite3_step", "sqlite3_reset",
		"sqlite3_finalize", "sqlite3_bind_int64", "sqlite3_bind_blob",
		"sqlite3_column_blob", "sqlite3_column_bytes",
		"sqlite3_column_text", "sqlite3_errmsg", "sqlite3_libversion",
	};
	void (*fns[sizeof names / sizeof names[0]])(void);

	_Static_assert(sizeof fns == sizeof *api, "one name per entry point");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		void *sym = dlsym(dl, names[i]);

		if (sym == NULL)
			return bench_fail(err, "libsqlcipher has no %s", names[i]);
		/* POSIX: dlsym's result converts to a function pointer. */
		memcpy(&fns[i], &sym, sizeof sym);
	}
	memcpy(api, fns, sizeof *api);
	return 0;
}

/* Ask a freshly keyed SQLCipher database for its cipher version, which also
 * proves the library is SQLCipher and not a plain SQLite of that name. */
static int sqlcipher_version(engine *e, const char *dir, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	char path[PATH_MAX];
	const unsigned char *cv = NULL;
	int rc = -1;

	if (bench_path_join(path, sizeof path, dir, "probe.sqlcipher", err) != 0)
		return -1;
	if (sqlcipher_open(e, path, err) != 0)
		goto out;
	if (e->api->prepare_v2(e->db, "PRAGMA cipher_version", -1, &st,
	                       NULL) == SQLITE_OK &&
	    e->api->step(st) == SQLITE_ROW)
		cv = e->api->column_text(st, 0);
	if (cv == NULL) {
		bench_fail(err, "libsqlcipher answers no PRAGMA cipher_version");
		goto out;
	}
	snprintf(e->version, sizeof e->version, "SQLCipher %s (SQLite %s)",
	         (const char *)cv, e->api->libversion());
	rc = 0;
out:
	if (st != NULL)
		e->api->finalize(st);
	plain_close(e);
	unlink(path);
	return rc;
}

/* Load SQLCipher if it is installed. Absent: e->skipped says so and 0 is
 * returned; present but unusable: -1. */
static int sqlcipher_load(engine *e, const char *dir, bench_err *err)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)dir;
	(void)err;
	e->skipped = "SQLCipher skipped (RTLD_DEEPBIND under AddressSanitizer)";
	return 0;
#else
	e->dl = dlopen("libsqlcipher.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (e->dl == NULL) {
		e->skipped = "SQLCipher not installed, skipped";
		return 0;
	}
	if (sqlcipher_bind(e->dl, &e->dl_api, err) != 0)
		return -1;
	e->api = &e->dl_api;
	return sqlcipher_version(e, dir, err);
#endif
}

static engine engines[] = {
	{ .name = "sqlite", .file = "plain.sqlite", .open = plain_open,
	  .close = plain_close, .api = &system_api },
	{ .name = "amparo", .file = "vault.amparo", .open = amparo_open,
	  .close = amparo_close, .api = &system_api },
	{ .name = "sqlcipher", .file = "cipher.sqlcipher", .open = sqlcipher_open,
	  .close = plain_close, .api = NULL },
};
#define N_ENGINES (sizeof engines / sizeof engines[0])
enum { E_PLAIN = 0, E_AMPARO = 1, E_CIPHER = 2 };

static void remove_db(const char *path)
{
	char journal[PATH_MAX + 16];
	int n = snprintf(journal, sizeof journal, "%s-journal", path);

	unlink(path);
	if (n > 0 && (size_t)n < sizeof journal)
		unlink(journal);
}

/* Every engine must run on 4096-byte pages, or the comparison is void. */
static int check_page_size(const sql_api *api, sqlite3 *db, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v = NULL;
	int rc = -1;

	if (api->prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
	    api->step(st) == SQLITE_ROW)
		v = api->column_text(st, 0);
	if (v == NULL)
		bench_fail(err, "PRAGMA page_size: %s", api->errmsg(db));
	else if (strcmp((const char *)v, "4096") != 0)
		bench_fail(err, "page size is %s, not 4096", (const char *)v);
	else
		rc = 0;
	if (st != NULL)
		api->finalize(st);
	return rc;
}

/* One trial of one engine on a fresh file, removed afterwards. */
static int engine_trial(engine *e, const char *dir, int trial,
                        const workload *w, bench_err *err)
{
	char path[PATH_MAX];
	int rc = -1;

	if (bench_path_join(path, sizeof path, dir, e->file, err) != 0)
		return -1;
	remove_db(path);
	if (e->open(e, path, err) != 0)
		goto out;
	if (workload_write(e->api, e->db, w, &e->write[trial], err) != 0 ||
	    check_page_size(e->api, e->db, err) != 0 ||
	    workload_read(e->api, e->db, w, &e->read[trial], err) != 0)
		goto out;
	rc = 0;
out:
	e->close(e);
	remove_db(path);
	if (rc != 0) {
		char msg[sizeof err->msg];

		memcpy(msg, err->msg, sizeof msg);
		bench_fail(err, "%s: %.400s", e->name, msg);
	}
	return rc;
}

/* --- Reporting -------------------------------------------------------- */

/* The median of the trials' wall (cpu == 0) or CPU (cpu == 1) times. */
static double median_of(const timing x[TRIALS], int cpu)
{
	double v[TRIALS];

	for (int i = 0; i < TRIALS; i++)
		v[i] = cpu ? x[i].cpu : x[i].wall;
	return bench_median(v, TRIALS);
}

static void cpu_model(char *out, size_t n)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, n, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, n, "%s", colon);
		break;
	}
	fclose(f);
}

/* The filesystem type of the mount that holds dir (longest mount point
 * that is a prefix of its real path). */
static void fs_type(const char *dir, char *out, size_t n)
{
	char real[PATH_MAX], line[1024], mnt[512], type[64];
	size_t best = 0;
	FILE *f = NULL;

	snprintf(out, n, "unknown filesystem");
	if (realpath(dir, real) == NULL || (f = fopen("/proc/self/mounts", "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len;

		if (sscanf(line, "%*s %511s %63s", mnt, type) != 2)
			continue;
		len = strlen(mnt);
		if (strncmp(real, mnt, len) != 0 ||
		    (real[len] != '/' && real[len] != '\0' && len > 1))
			continue;
		if (len >= best) {
			best = len;
			snprintf(out, n, "%s on %s", type, mnt);
		}
	}
	fclose(f);
}

static void report_header(const workload *w, const char *dir, int quick)
{
	char cpu[256], fs[600];

	cpu_model(cpu, sizeof cpu);
	fs_type(dir, fs, sizeof fs);
	printf("amparo-bench%s: %d rows of %d random bytes in %d documents, "
	       "%d rows per transaction; then %d random reads by primary key\n",
	       quick ? " --quick" : "", w->rows, BODY_BYTES, DOCS, BATCH,
	       w->reads);
	printf("machine: %ld CPUs, %s; files in %s (%s)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), cpu, dir, fs);
	for (size_t i = 0; i < N_ENGINES; i++)
		printf("%-9s  %s\n", engines[i].name,
		       engines[i].skipped != NULL ? engines[i].skipped
		                                  : engines[i].version);
	printf("page cache: amparo 128 MiB (the vault's own setting); sqlite "
	       "and sqlcipher %s\n", same_cache ? "128 MiB too (--same-cache)"
	                                         : "SQLite's default, 2 MiB");
	printf("%d runs per engine, interleaved; medians in seconds "
	       "(CLOCK_MONOTONIC)\n\n", TRIALS);
}

/* One target line: PASS when ratio <= limit; SKIP when skipped. */
static void report_target(const char *what, double ratio, double limit,
                          int skipped)
{
	if (skipped) {
		printf("  %-44s %7s   SKIP\n", what, "-");
		return;
	}
	printf("  %-44s %6.2fx   %s\n", what, ratio,
	       ratio <= limit ? "PASS" : "MISS");
}

static void report_table(void)
{
	double pw = median_of(engines[E_PLAIN].write, 0);
	double pr = median_of(engines[E_PLAIN].read, 0);
	double aw = median_of(engines[E_AMPARO].write, 0);
	double ar = median_of(engines[E_AMPARO].read, 0);
	const engine *c = &engines[E_CIPHER];

	printf("%-10s %10s %10s %10s %10s\n", "engine", "write s", "read s",
	       "write x", "read x");
	for (size_t i = 0; i < N_ENGINES; i++) {
		const engine *e = &engines[i];
		double ew, er;

		if (e->skipped != NULL) {
			printf("%-10s %s\n", e->name, e->skipped);
			continue;
		}
		ew = median_of(e->write, 0);
		er = median_of(e->read, 0);
		printf("%-10s %10.3f %10.3f %9.2fx %9.2fx\n", e->name, ew, er,
		       ew / pw, er / pr);
	}
	printf("\ntargets (the time of amparo over the other engine's)\n");
	report_target("amparo writes at most 1.3x plain SQLite", aw / pw, 1.3,
	              0);
	report_target("amparo reads at most 1.1x plain SQLite", ar / pr, 1.1,
	              0);
	report_target("amparo writes ahead of SQLCipher (< 1x)",
	              c->skipped ? 0 : aw / median_of(c->write, 0), 0.999999,
	              c->skipped != NULL);
	report_target("amparo reads ahead of SQLCipher (< 1x)",
	              c->skipped ? 0 : ar / median_of(c->read, 0), 0.999999,
	              c->skipped != NULL);
}

/* With -v or --engine: the CPU time (user + system) beside the wall time;
 * the rest of the machine disturbs it less than the wall clock. */
static void report_cpu(void)
{
	printf("\nwall and cpu (user + system) seconds, medians\n");
	printf("%-10s %10s %10s %10s %10s\n", "engine", "write s", "write cpu",
	       "read s", "read cpu");
	for (size_t i = 0; i < N_ENGINES; i++) {
		const engine *e = &engines[i];

		if (e->skipped == NULL)
			printf("%-10s %10.3f %10.3f %10.3f %10.3f\n", e->name,
			       median_of(e->write, 0), median_of(e->write, 1),
			       median_of(e->read, 0), median_of(e->read, 1));
	}
}

/* --- Main ------------------------------------------------------------- */

typedef struct {
	int quick;
	int verbose;
	const char *dir;    /* parent of the temporary directory */
	const char *only;   /* run only this engine (for profiling), or NULL */
} bench_opts;

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: amparo-bench [--quick] [--dir DIR] [--engine NAME] "
	        "[--same-cache] [-v]\n"
	        "  --quick        2,000 rows and 1,000 reads instead of 20,000 and 10,000\n"
	        "  --dir DIR      put the temporary directory under DIR (default /tmp)\n"
	        "  --engine NAME  run only sqlite, amparo or sqlcipher (for profiling)\n"
	        "  --same-cache   give sqlite and sqlcipher the vault's 128 MiB page cache\n"
	        "  -v, --verbose  print every run as it ends\n");
}

/* 0: run; 1: --help was printed; 2: a usage error was printed. */
static int parse_args(int argc, char **argv, bench_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--quick") == 0) {
			o->quick = 1;
		} else if (strcmp(a, "--same-cache") == 0) {
			same_cache = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
		} else if (strcmp(a, "--dir") == 0 && i + 1 < argc) {
			o->dir = argv[++i];
		} else if (strcmp(a, "--engine") == 0 && i + 1 < argc) {
			o->only = argv[++i];
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else {
			fprintf(stderr, "amparo-bench: unknown or incomplete "
			        "argument: %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (o->only != NULL) {
		for (size_t i = 0; i < N_ENGINES; i++)
			if (strcmp(o->only, engines[i].name) == 0)
				return 0;
		fprintf(stderr, "amparo-bench: no engine named %s\n", o->only);
		return 2;
	}
	return 0;
}

static int workload_init(workload *w, int quick, bench_err *err)
{
	uint64_t rng = SEED_BODIES;
	size_t words;

	w->rows = quick ? 2000 : 20000;
	w->reads = quick ? 1000 : 10000;
	words = (size_t)w->rows * BODY_BYTES / sizeof(uint64_t);
	w->bodies = malloc(words * sizeof(uint64_t));
	if (w->bodies == NULL)
		return bench_fail(err, "out of memory for %d row bodies", w->rows);
	for (size_t i = 0; i < words; i++) {
		uint64_t x = bench_splitmix64(&rng);

		memcpy(w->bodies + i * sizeof x, &x, sizeof x);
	}
	return 0;
}

/* TRIALS rounds; in each, every engine that runs does one trial. */
static int run_all(const bench_opts *o, const workload *w, const char *dir,
                   bench_err *err)
{
	for (int t = 0; t < TRIALS; t++) {
		for (size_t i = 0; i < N_ENGINES; i++) {
			engine *e = &engines[i];

			if (e->skipped != NULL)
				continue;
			if (engine_trial(e, dir, t, w, err) != 0)
				return -1;
			if (o->verbose)
				fprintf(stderr, "run %d %-9s write %.3f s (cpu "
				        "%.3f), read %.3f s (cpu %.3f)\n", t + 1,
				        e->name, e->write[t].wall, e->write[t].cpu,
				        e->read[t].wall, e->read[t].cpu);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	bench_opts o = { .dir = "/tmp" };
	bench_err err = { "" };
	workload w = { 0 };
	char dir[PATH_MAX];
	int rc = 1, made = 0;

	switch (parse_args(argc, argv, &o)) {
	case 1:
		return 0;
	case 2:
		return 2;
	default:
		break;
	}
	if (ac_init() != AC_OK) {
		bench_fail(&err, "cannot initialise libsodium");
		goto out;
	}
	snprintf(engines[E_PLAIN].version, sizeof engines[E_PLAIN].version,
	         "SQLite %s (system library)", sqlite3_libversion());
	snprintf(engines[E_AMPARO].version, sizeof engines[E_AMPARO].version,
	         "Amparo %s vault over SQLite %s", AMPARO_VERSION,
	         sqlite3_libversion());
	if (bench_path_join(dir, sizeof dir, o.dir, "amparo-bench.XXXXXX", &err) != 0)
		goto out;
	if (mkdtemp(dir) == NULL) {
		bench_fail(&err, "cannot make a directory in %s: %s", o.dir,
		           strerror(errno));
		goto out;
	}
	made = 1;
	if (workload_init(&w, o.quick, &err) != 0 ||
	    sqlcipher_load(&engines[E_CIPHER], dir, &err) != 0)
		goto out;
	for (size_t i = 0; o.only != NULL && i < N_ENGINES; i++)
		if (strcmp(o.only, engines[i].name) != 0 && engines[i].skipped == NULL)
			engines[i].skipped = "not selected (--engine)";
	report_header(&w, dir, o.quick);
	fflush(stdout);
	if (run_all(&o, &w, dir, &err) != 0)
		goto out;
	if (o.only == NULL)
		report_table();
	if (o.only != NULL || o.verbose)
		report_cpu();
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "amparo-bench: %s\n", err.msg);
	if (made)
		rmdir(dir);
	free(w.bodies);
	if (engines[E_CIPHER].dl != NULL)
		dlclose(engines[E_CIPHER].dl);
	return rc;
}
