/* amparo-bench-sync: the sync benchmark of issue 4 (item 6), recorded in
 * docs/performance.md, "Sync (issue 4)".
 *
 * Makes a vault, copies it while it holds nothing but its genesis (the
 * "fresh copy"), writes R revisions into the original, then times, each as
 * a median of three: vault_export of everything (--all) and vault_import
 * of that bundle into a new copy of the fresh copy, so that every object
 * is new to it. In the same run, when age is installed, it times
 * `age -e` and `age -d` on a file of the bundle's size (the wall clock of
 * the whole process, as a user would see it), and it accounts for every
 * byte of the bundle: object encodings, per-object framing, the fixed
 * header. It asserts nothing about timing: the exit status is non-zero
 * only when an operation fails.
 *
 * White-box (vault_int.h) only to group the revisions into large
 * transactions while building (db_begin/db_commit) and to read the object
 * sizes through vault_db. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench_common.h"
#include "vault_int.h"

extern char **environ;

#define PASS "amparo-bench-sync passphrase"
#define TRIALS 3
#define BATCH_OPS 2000
#define TARGET_S 1.0
#define TARGET_OVERHEAD 5.0
#define SEED 0x73796e63ull

/* docs/bundle-format.md: the bytes a bundle adds around its objects. */
#define FILE_HEAD (8 + 4)                    /* magic, version, count, 0 */
#define STANZA (AC_KEY_BYTES + AC_SEAL_BYTES) /* per recipient */
#define MANIFEST_HEAD (5 + VAULT_ID_BYTES + OBJ_KEY_BYTES + 8 + 1 + 4 + 4 + 4)
#define SLOT_RECORD (HDR_SLOT_SIZE + OBJ_KEY_BYTES + 8)
#define PER_OBJECT (OBJ_ID_BYTES + 4 + OBJ_SIG_BYTES) /* id, length, sig */
#define CHUNK 65536u
#define PER_CHUNK (4 + AC_STREAM_ABYTES)

typedef struct {
	int docs, revs; /* revisions per document */
	int quick, keep;
	const char *dir;
	char vault[PATH_MAX], fresh[PATH_MAX], copy[PATH_MAX], bundle[PATH_MAX];
} config;

/* --- Text: a policy whose lines change a few at a time ----------------- */

static const char *const subjects[] = {
	"Staff", "Volunteers", "The coordinator", "Case workers", "Managers",
	"The data protection lead", "Reception staff", "Outreach teams",
};
static const char *const verbs[] = {
	"must record", "should review", "will store", "must not share",
	"shall report", "must lock away", "should encrypt", "must shred",
};
static const char *const things[] = {
	"client records", "intake forms", "incident reports", "case notes",
	"medical information", "contact details", "consent forms",
	"shelter addresses",
};
static const char *const quals[] = {
	"within 24 hours.", "at the end of each shift.",
	"only with written consent.", "before leaving the office.",
	"in the locked cabinet.", "on the encrypted laptop.",
	"after the case is closed.", "unless a court orders otherwise.",
};

static void make_line(uint64_t *rng, char out[BENCH_LINE_CAP])
{
	snprintf(out, BENCH_LINE_CAP, "%s %s %s %s", BENCH_PICK(rng, subjects),
	         BENCH_PICK(rng, verbs), BENCH_PICK(rng, things),
	         BENCH_PICK(rng, quals));
}

static void doc_init(bench_doc *d, int idx, uint64_t *rng)
{
	memset(d, 0, sizeof *d);
	snprintf(d->line[0], BENCH_LINE_CAP, "# Policy %04d", idx);
	bench_doc_fill(d, 2, rng, make_line);
}

/* One to three lines rewritten; the text always changes. */
static void doc_mutate(bench_doc *d, uint64_t *rng)
{
	bench_doc_rewrite(d, 2, 1 + bench_rnd_below(rng, 3), rng, make_line);
}

/* --- Files -------------------------------------------------------------- */

/* Copy src to dst (replaced), user-only as every vault file. */
static int copy_file(const char *src, const char *dst, bench_err *err)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	ssize_t n;

	unlink(dst);
	if (in >= 0)
		out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		           0600);
	if (in < 0 || out < 0) {
		bench_fail(err, "copy %s to %s: %s", src, dst, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			bench_fail(err, "write %s: %s", dst, strerror(errno));
			goto out;
		}
	rc = n == 0 ? 0 : bench_fail(err, "read %s: %s", src, strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* --- The vault ----------------------------------------------------------- */

typedef struct {
	double seconds;
	uint64_t revisions;
	uint64_t objects, enc_bytes; /* what the vault holds */
} build_stats;

/* Every document's first revision, then the others round-robin. */
static int write_history(vault *v, const config *cfg, build_stats *bs,
                         bench_err *err)
{
	bench_doc *docs = calloc((size_t)cfg->docs, sizeof *docs);
	char *buf = malloc(BENCH_TEXT_CAP);
	uint64_t rng = SEED;
	vault_err verr = {0};
	int ops = 0;

	if (docs == NULL || buf == NULL || db_begin(v, &verr) != VAULT_OK) {
		free(docs);
		free(buf);
		return bench_fail(err, "begin: %s", docs && buf ? verr.msg
		                                                 : "out of memory");
	}
	for (int r = 0; r < cfg->revs; r++) {
		for (int i = 0; i < cfg->docs; i++) {
			bench_doc *d = &docs[i];
			vault_meta m = {.message = "Revise"};
			vault_status rc;
			char title[32];
			size_t len;

			if (r == 0) {
				doc_init(d, i, &rng);
				snprintf(title, sizeof title, "Policy %04d", i);
				m.title = title;
				len = bench_doc_render(d, buf);
				rc = vault_doc_add(v, &m, buf, len, d->id, &verr);
			} else {
				doc_mutate(d, &rng);
				len = bench_doc_render(d, buf);
				rc = vault_doc_edit(v, d->id, &m, buf, len, NULL, &verr);
			}
			if (rc != VAULT_OK ||
			    bench_batch_step(v, &ops, BATCH_OPS, err) != 0) {
				db_rollback(v);
				free(docs);
				free(buf);
				return rc != VAULT_OK ? bench_fail(err, "revision: %s",
				                                   verr.msg) : -1;
			}
			bs->revisions++;
		}
	}
	free(docs);
	free(buf);
	if (db_commit(v, &verr) != VAULT_OK)
		return bench_fail(err, "commit: %s", verr.msg);
	return 0;
}

static int count_objects(vault *v, build_stats *bs, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(vault_db(v), "SELECT count(*), sum(length(data))"
	                       " FROM objects", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		bs->objects = (uint64_t)sqlite3_column_int64(st, 0);
		bs->enc_bytes = (uint64_t)sqlite3_column_int64(st, 1);
		rc = 0;
	} else {
		bench_fail(err, "count objects: %s", sqlite3_errmsg(vault_db(v)));
	}
	sqlite3_finalize(st);
	return rc;
}

/* The vault, its fresh copy (genesis only), then the revisions. */
static int build(const config *cfg, build_stats *bs, bench_err *err)
{
	ac_kdf_params kdf;
	vault_err verr = {0};
	vault *v = NULL;
	double t;
	int rc = -1;

	ac_kdf_test_params(&kdf);
	unlink(cfg->vault);
	if (vault_create(cfg->vault, "bench", PASS, sizeof PASS - 1, &kdf,
	                 &verr) != VAULT_OK)
		return bench_fail(err, "create: %s", verr.msg);
	if (copy_file(cfg->vault, cfg->fresh, err) != 0 ||
	    bench_open_vault(cfg->vault, PASS, &v, err) != 0)
		return -1;
	t = bench_now();
	if (write_history(v, cfg, bs, err) != 0)
		goto out;
	bs->seconds = bench_now() - t;
	rc = count_objects(v, bs, err);
out:
	vault_close(v);
	return rc;
}

/* --- Export and import ------------------------------------------------- */

typedef struct {
	double export_s, import_s;
	double export_cpu, import_cpu; /* CPU seconds, all threads */
	uint64_t exported, added;
	long long bundle;
} sync_times;

static int time_export(const config *cfg, sync_times *out, bench_err *err)
{
	double t[TRIALS], c[TRIALS];
	vault *v = NULL;
	int rc = -1;

	if (bench_open_vault(cfg->vault, PASS, &v, err) != 0)
		return -1;
	for (int i = 0; i < TRIALS; i++) {
		vault_sync_summary sum;
		vault_err verr = {0};
		double t0, c0;

		unlink(cfg->bundle);
		c0 = bench_cpu();
		t0 = bench_now();
		if (vault_export(v, cfg->bundle, NULL, 1, NULL, 0, NULL, NULL, &sum,
		                 &verr) != VAULT_OK) {
			bench_fail(err, "export: %s", verr.msg);
			goto out;
		}
		t[i] = bench_now() - t0;
		c[i] = bench_cpu() - c0;
		out->exported = sum.objects;
	}
	out->export_s = bench_median(t, TRIALS);
	out->export_cpu = bench_median(c, TRIALS);
	out->bundle = file_size(cfg->bundle);
	rc = 0;
out:
	vault_close(v);
	return rc;
}

/* Each run imports into a new copy of the fresh copy: everything is new. */
static int time_import(const config *cfg, const build_stats *bs,
                       sync_times *out, bench_err *err)
{
	double t[TRIALS], c[TRIALS];

	for (int i = 0; i < TRIALS; i++) {
		vault_sync_summary sum;
		vault_err verr = {0};
		vault *v = NULL;
		double t0, c0;
		vault_status rc;

		if (copy_file(cfg->fresh, cfg->copy, err) != 0 ||
		    bench_open_vault(cfg->copy, PASS, &v, err) != 0)
			return -1;
		c0 = bench_cpu();
		t0 = bench_now();
		rc = vault_import(v, cfg->bundle, NULL, NULL, &sum, &verr);
		t[i] = bench_now() - t0;
		c[i] = bench_cpu() - c0;
		vault_close(v);
		if (rc != VAULT_OK)
			return bench_fail(err, "import: %s", verr.msg);
		/* The fresh copy holds the genesis already. */
		if (sum.objects != bs->objects || sum.added != bs->objects - 1)
			return bench_fail(err, "import: %llu objects, %llu new; "
			                  "expected %llu and %llu",
			                  (unsigned long long)sum.objects,
			                  (unsigned long long)sum.added,
			                  (unsigned long long)bs->objects,
			                  (unsigned long long)bs->objects - 1);
		out->added = sum.added;
	}
	out->import_s = bench_median(t, TRIALS);
	out->import_cpu = bench_median(c, TRIALS);
	return 0;
}

/* --- age, for comparison ------------------------------------------------ */

/* Whether prog is an executable in PATH. */
static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX];

	while (path != NULL && *path) {
		size_t n = strcspn(path, ":");

		if (n > 0 && n < sizeof dir - 1 - strlen(prog)) {
			snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, prog);
			if (access(dir, X_OK) == 0)
				return 1;
		}
		path += n + (path[n] == ':');
	}
	return 0;
}

/* Run argv (no shell), stdin and stdout on /dev/null, stderr too when
 * quiet; its exit status or -1. The wall clock of the whole process goes
 * to *secs. */
static int spawn(char *const argv[], int quiet, double *secs)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, rc;
	double t0 = bench_now();

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (secs != NULL)
		*secs = bench_now() - t0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct {
	int present;
	double enc_s, dec_s;
} age_times;

/* The recipient on the "# public key: " line age-keygen writes. */
static int age_recipient(const char *key, char *out, size_t n, bench_err *err)
{
	FILE *f = fopen(key, "r");
	char line[256];
	int found = 0;

	while (f != NULL && !found && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "# public key: ", 14) == 0) {
			snprintf(out, n, "%s", line + 14);
			out[strcspn(out, "\n")] = '\0';
			found = 1;
		}
	if (f != NULL)
		fclose(f);
	return found ? 0 : bench_fail(err, "no public key in %s", key);
}

/* A file of bytes random bytes at path. */
static int random_file(const char *path, long long bytes, bench_err *err)
{
	uint8_t buf[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return bench_fail(err, "create %s: %s", path, strerror(errno));
	for (long long left = bytes; left > 0;) {
		size_t n = left < (long long)sizeof buf ? (size_t)left : sizeof buf;

		randombytes_buf(buf, n);
		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return bench_fail(err, "write %s: %s", path, strerror(errno));
		}
		left -= (long long)n;
	}
	return close(fd) == 0 ? 0 : bench_fail(err, "close %s", path);
}

static int time_age(const config *cfg, long long bytes, age_times *out,
                    bench_err *err)
{
	char key[PATH_MAX], in[PATH_MAX], enc[PATH_MAX], dec[PATH_MAX], rcpt[256];
	double te[TRIALS], td[TRIALS];

	memset(out, 0, sizeof *out);
	if (!in_path("age") || !in_path("age-keygen"))
		return 0;
	out->present = 1;
	snprintf(key, sizeof key, "%s/age.key", cfg->dir);
	snprintf(in, sizeof in, "%s/age.in", cfg->dir);
	snprintf(enc, sizeof enc, "%s/age.in.age", cfg->dir);
	snprintf(dec, sizeof dec, "%s/age.out", cfg->dir);
	unlink(key);
	{
		char *kg[] = {"age-keygen", "-o", key, NULL};

		if (spawn(kg, 1, NULL) != 0 || age_recipient(key, rcpt, sizeof rcpt,
		                                          err) != 0)
			return bench_fail(err, "age-keygen failed");
	}
	if (random_file(in, bytes, err) != 0)
		return -1;
	for (int i = 0; i < TRIALS; i++) {
		char *e[] = {"age", "-e", "-r", rcpt, "-o", enc, in, NULL};
		char *d[] = {"age", "-d", "-i", key, "-o", dec, enc, NULL};

		unlink(enc);
		unlink(dec);
		if (spawn(e, 0, &te[i]) != 0 || spawn(d, 0, &td[i]) != 0)
			return bench_fail(err, "age failed");
		if (file_size(dec) != bytes)
			return bench_fail(err, "age -d gave %lld bytes, not %lld",
			                  file_size(dec), bytes);
	}
	out->enc_s = bench_median(te, TRIALS);
	out->dec_s = bench_median(td, TRIALS);
	unlink(key);
	unlink(in);
	unlink(enc);
	unlink(dec);
	return 0;
}

/* --- Report ------------------------------------------------------------- */

/* Every byte of the bundle, by where it comes from; returns the number of
 * targets missed (0 or 1). */
static int print_overhead(const build_stats *bs, const sync_times *s)
{
	/* One recipient (our own address), one key slot bound to a member. */
	long long fixed = FILE_HEAD + STANZA + AC_STREAM_HEADER_BYTES +
	                  MANIFEST_HEAD + SLOT_RECORD + OBJ_SIG_BYTES;
	long long framing = (long long)bs->objects * PER_OBJECT;
	long long plain = fixed - FILE_HEAD - STANZA - AC_STREAM_HEADER_BYTES +
	                  framing + (long long)bs->enc_bytes;
	long long chunks = (plain + CHUNK - 1) / CHUNK;
	long long expect = fixed + framing + chunks * PER_CHUNK +
	                   (long long)bs->enc_bytes;
	double over = 100.0 * (double)(s->bundle - fixed - (long long)bs->enc_bytes) /
	              (double)bs->enc_bytes;
	double over_sig = 100.0 * (double)(s->bundle - fixed - (long long)bs->enc_bytes -
	                                   (long long)bs->objects * OBJ_SIG_BYTES) /
	                  (double)(bs->enc_bytes + bs->objects * OBJ_SIG_BYTES);
	int pass = over <= TARGET_OVERHEAD;

	printf("%-30s %10.2f %%  %23s <= 5 %%       %s\n",
	       "bundle overhead", over, "", pass ? "PASS" : "MISS");
	printf("  bundle %lld bytes = object encodings %llu + fixed header %lld"
	       "\n  + per object %d (id in the manifest %u, length 4, signature "
	       "%u) x %llu = %lld\n  + per 64 KiB part %d x %lld = %lld;"
	       " accounted for: %lld (%s)\n",
	       s->bundle, (unsigned long long)bs->enc_bytes, fixed, PER_OBJECT,
	       OBJ_ID_BYTES, OBJ_SIG_BYTES, (unsigned long long)bs->objects,
	       framing, PER_CHUNK, chunks, chunks * PER_CHUNK, expect,
	       expect == s->bundle ? "exact" : "MISMATCH");
	printf("  counting each signature as part of its object: %.2f %%\n",
	       over_sig);
	return !pass;
}

static void print_report(const build_stats *bs, const sync_times *s,
                         const age_times *a, int *missed)
{
	double mb = (double)s->bundle / 1e6;
	int pe = s->export_s <= TARGET_S, pi = s->import_s <= TARGET_S;

	printf("\n%-30s %12s %12s %8s   %-12s %s\n", "operation", "amparo",
	       a->present ? "age" : "(no age)", "ratio", "target", "result");
	printf("%-30s %9.0f ms %9.0f ms %7.1fx   <= 1 s       %s\n",
	       "export --all", s->export_s * 1e3, a->enc_s * 1e3,
	       a->present ? s->export_s / a->enc_s : 0.0, pe ? "PASS" : "MISS");
	printf("%-30s %9.0f ms %9.0f ms %7.1fx   <= 1 s       %s\n",
	       "import into a fresh copy", s->import_s * 1e3, a->dec_s * 1e3,
	       a->present ? s->import_s / a->dec_s : 0.0, pi ? "PASS" : "MISS");
	printf("  (%.1f MB: export %.0f MB/s, import %.0f MB/s; CPU seconds, "
	       "all threads: export %.2f, import %.2f;\n   age -e/-d on %lld "
	       "random bytes, wall clock of the whole process)\n", mb,
	       mb / s->export_s, mb / s->import_s, s->export_cpu,
	       s->import_cpu, s->bundle);
	*missed = !pe + !pi + print_overhead(bs, s);
}

/* --- Main --------------------------------------------------------------- */

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: amparo-bench-sync [--quick] [--dir DIR] [--keep]\n"
	        "  --quick   10 documents, 500 revisions (CTest smoke run)\n"
	        "  --dir     work in DIR (default: a new folder in /tmp)\n"
	        "  --keep    leave the vaults and the bundle there\n");
}

/* 0: run; 1: --help printed; 2: usage error. */
static int parse_args(int argc, char **argv, config *cfg)
{
	bench_args a;
	int rc = bench_parse_args(argc, argv, 0, usage, &a);

	memset(cfg, 0, sizeof *cfg);
	cfg->docs = a.quick ? 10 : 100;
	cfg->revs = a.quick ? 50 : 100;
	cfg->quick = a.quick;
	cfg->keep = a.keep;
	cfg->dir = a.dir;
	return rc;
}

static int run(config *cfg, bench_err *err)
{
	build_stats bs = {0};
	sync_times s = {0};
	age_times a;
	int missed = 0;

	if (build(cfg, &bs, err) != 0)
		return -1;
	printf("workload: %d documents x %d revisions = %llu revisions; %llu "
	       "objects, %.1f MB of object encodings (mean %.0f bytes)\n",
	       cfg->docs, cfg->revs, (unsigned long long)bs.revisions,
	       (unsigned long long)bs.objects, (double)bs.enc_bytes / 1e6,
	       (double)bs.enc_bytes / (double)bs.objects);
	printf("build: public API (vault_doc_add, vault_doc_edit) in "
	       "transactions of %d (white-box db_begin/db_commit): %.1f s; "
	       "vault %.1f MB\n", BATCH_OPS, bs.seconds,
	       (double)file_size(cfg->vault) / 1e6);
	if (time_export(cfg, &s, err) != 0 || time_import(cfg, &bs, &s, err) != 0)
		return -1;
	if (s.exported != bs.objects)
		return bench_fail(err, "export carried %llu objects, not %llu",
		                  (unsigned long long)s.exported,
		                  (unsigned long long)bs.objects);
	if (time_age(cfg, s.bundle, &a, err) != 0)
		return -1;
	print_report(&bs, &s, &a, &missed);
	printf("\nmedians of %d runs; import: a new copy of the fresh copy each "
	       "run, %llu objects new to it\n%d of 3 targets missed%s\n", TRIALS,
	       (unsigned long long)s.added, missed,
	       cfg->quick ? " (--quick: the targets are for the full run)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/amparo-bench-sync-XXXXXX";
	bench_err err = {{0}};
	config cfg;
	int rc;

	rc = parse_args(argc, argv, &cfg);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (ac_init() != AC_OK) {
		fprintf(stderr, "amparo-bench-sync: libsodium did not start\n");
		return 1;
	}
	if (cfg.dir == NULL && (cfg.dir = mkdtemp(tmp)) == NULL) {
		fprintf(stderr, "amparo-bench-sync: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(cfg.vault, sizeof cfg.vault, "%s/sync.vault", cfg.dir);
	snprintf(cfg.fresh, sizeof cfg.fresh, "%s/fresh.vault", cfg.dir);
	snprintf(cfg.copy, sizeof cfg.copy, "%s/import.vault", cfg.dir);
	snprintf(cfg.bundle, sizeof cfg.bundle, "%s/all.amparo-bundle", cfg.dir);
	bench_print_machine("amparo-bench-sync", cfg.quick);
	bench_print_load("before");
	rc = run(&cfg, &err);
	bench_print_load("after");
	if (!cfg.keep) {
		unlink(cfg.vault);
		unlink(cfg.fresh);
		unlink(cfg.copy);
		unlink(cfg.bundle);
		if (cfg.dir == tmp)
			rmdir(tmp);
	}
	if (rc != 0) {
		fprintf(stderr, "amparo-bench-sync: %s\n", err.msg);
		return 1;
	}
	return 0;
}
