/* bench_common: see bench_common.h. */
#include "bench_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

int bench_fail(bench_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int bench_path_join(char *out, size_t n, const char *dir, const char *name,
                    bench_err *err)
{
	int len = snprintf(out, n, "%s/%s", dir, name);

	if (len < 0 || (size_t)len >= n)
		return bench_fail(err, "path too long: %s/%s", dir, name);
	return 0;
}

/* --- Arguments -------------------------------------------------------- */

int bench_parse_args(int argc, char **argv, int reuse_ok,
                     void (*usage)(FILE *to), bench_args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			a->quick = 1;
		} else if (strcmp(argv[i], "--keep") == 0) {
			a->keep = 1;
		} else if (reuse_ok && strcmp(argv[i], "--reuse") == 0) {
			a->reuse = a->keep = 1;
		} else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			a->dir = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 1;
		} else {
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

/* --- Clocks and medians -------------------------------------------------- */

double bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_now(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

double bench_cpu(void)
{
	return bench_clock(CLOCK_PROCESS_CPUTIME_ID);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* --- A seeded random source ---------------------------------------------- */

uint64_t bench_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int bench_rnd_below(uint64_t *rng, int n)
{
	return (int)(bench_splitmix64(rng) % (uint64_t)n);
}

/* --- A policy text, changed a few lines at a time ------------------------ */

void bench_doc_fill(bench_doc *d, int first, uint64_t *rng,
                    bench_line_fn make_line)
{
	d->n = BENCH_LINES_MIN + 4 +
	       bench_rnd_below(rng, BENCH_LINES_MAX - BENCH_LINES_MIN - 8);
	for (int i = first; i < d->n; i++)
		make_line(rng, d->line[i]);
}

void bench_doc_rewrite(bench_doc *d, int first, int changes, uint64_t *rng,
                       bench_line_fn make_line)
{
	char fresh[BENCH_LINE_CAP];

	for (int k = 0; k < changes; k++) {
		int at = first + bench_rnd_below(rng, d->n - first);

		do
			make_line(rng, fresh);
		while (strcmp(fresh, d->line[at]) == 0);
		memcpy(d->line[at], fresh, BENCH_LINE_CAP);
	}
}

size_t bench_doc_render(const bench_doc *d, char *buf)
{
	size_t len = 0;

	for (int i = 0; i < d->n; i++) {
		size_t n = strlen(d->line[i]);

		memcpy(buf + len, d->line[i], n);
		len += n;
		buf[len++] = '\n';
	}
	buf[len] = '\0';
	return len;
}

/* --- The vault ----------------------------------------------------------- */

int bench_open_vault(const char *path, const char *pass, vault **v,
                     bench_err *err)
{
	vault_err verr = {0};

	if (vault_open(path, pass, strlen(pass), 0, v, &verr) != VAULT_OK)
		return bench_fail(err, "open %s: %s", path, verr.msg);
	return 0;
}

int bench_batch_step(vault *v, int *ops, int every, bench_err *err)
{
	vault_err verr = {0};

	if (++*ops % every != 0)
		return 0;
	if (db_commit(v, &verr) != VAULT_OK || db_begin(v, &verr) != VAULT_OK)
		return bench_fail(err, "commit: %s", verr.msg);
	return 0;
}

/* --- Report -------------------------------------------------------------- */

void bench_cpu_model(char *out, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, n, "unknown CPU");
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(out, n, "%s", colon + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	if (f != NULL)
		fclose(f);
}

void bench_print_machine(const char *name, int quick)
{
	char cpu[128];

	bench_cpu_model(cpu, sizeof cpu);
	printf("%s%s: %ld CPUs, %s; SQLite %s, libsodium %s\n", name,
	       quick ? " --quick" : "", sysconf(_SC_NPROCESSORS_ONLN), cpu,
	       sqlite3_libversion(), sodium_version_string());
}

void bench_print_load(const char *when)
{
	double load[1];

	if (getloadavg(load, 1) == 1)
		printf("load average %s the run: %.2f\n", when, load[0]);
}
