/* bench_common: what the benchmarks share: errors, clocks and medians,
 * a seeded random source, the text of a policy that changes a few lines at
 * a time, and the machine and load lines of their reports.
 *
 * White-box like the benchmarks themselves: bench_batch_step groups work
 * into large transactions with db_begin/db_commit (vault_int.h). */
#ifndef AMPARO_BENCH_COMMON_H
#define AMPARO_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "vault_int.h"

/* --- Errors -------------------------------------------------------------- */

typedef struct {
	char msg[512];
} bench_err;

/* Fill err with a printf-style message; returns -1. */
int bench_fail(bench_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* out = dir "/" name; -1 with err set when it does not fit. */
int bench_path_join(char *out, size_t n, const char *dir, const char *name,
                    bench_err *err);

/* --- Arguments -------------------------------------------------------- */

typedef struct {
	int quick;         /* a short run (the CTest smoke test) */
	int keep;          /* leave the files in dir */
	int reuse;         /* time what a --keep run left in dir */
	const char *dir;   /* NULL: a new temporary folder */
} bench_args;

/* --quick, --keep, --dir DIR, --help, and --reuse (which implies --keep)
 * when reuse_ok. 0: run; 1: --help, usage printed to stdout; 2: a usage
 * error, usage printed to stderr. */
int bench_parse_args(int argc, char **argv, int reuse_ok,
                     void (*usage)(FILE *to), bench_args *a);

/* --- Clocks and medians -------------------------------------------------- */

/* Seconds on clock id. */
double bench_clock(clockid_t id);
/* Wall clock seconds (CLOCK_MONOTONIC). */
double bench_now(void);
/* CPU seconds of the whole process, every thread, user and system. */
double bench_cpu(void);

/* The median of v[0..n) (v is sorted in place). */
double bench_median(double *v, int n);

/* --- A seeded random source ---------------------------------------------- */

uint64_t bench_splitmix64(uint64_t *state);
/* A number in [0, n). */
int bench_rnd_below(uint64_t *rng, int n);
/* One element of the array a, at random. */
#define BENCH_PICK(rng, a) \
	(a[bench_rnd_below(rng, (int)(sizeof a / sizeof a[0]))])

/* --- A policy text, changed a few lines at a time ------------------------ */

#define BENCH_LINE_CAP 160
#define BENCH_LINES_MIN 16
#define BENCH_LINES_MAX 44
/* What bench_doc_render writes at the most, its '\0' included. */
#define BENCH_TEXT_CAP (BENCH_LINES_MAX * BENCH_LINE_CAP + 1)

typedef struct {
	char line[BENCH_LINES_MAX][BENCH_LINE_CAP];
	int n;
	int revs;              /* revisions recorded so far */
	char id[VAULT_ID_HEX];
} bench_doc;

/* Writes one new line of text. */
typedef void (*bench_line_fn)(uint64_t *rng, char out[BENCH_LINE_CAP]);

/* Gives d a length of lines at random and fills lines [first, n). */
void bench_doc_fill(bench_doc *d, int first, uint64_t *rng,
                    bench_line_fn make_line);
/* Rewrites changes lines at random among [first, n), each to a line that
 * differs from the one it replaces. */
void bench_doc_rewrite(bench_doc *d, int first, int changes, uint64_t *rng,
                       bench_line_fn make_line);
/* The text, one line each, into buf (BENCH_TEXT_CAP); returns its length. */
size_t bench_doc_render(const bench_doc *d, char *buf);

/* --- The vault ----------------------------------------------------------- */

/* vault_open with pass (no key file). */
int bench_open_vault(const char *path, const char *pass, vault **v,
                     bench_err *err);
/* Count one operation in *ops; every every-th, commit the transaction
 * and begin the next. */
int bench_batch_step(vault *v, int *ops, int every, bench_err *err);

/* --- Report -------------------------------------------------------------- */

/* The "model name" of /proc/cpuinfo, or "unknown CPU". */
void bench_cpu_model(char *out, size_t n);
/* "NAME[ --quick]: N CPUs, MODEL; SQLite V, libsodium V". */
void bench_print_machine(const char *name, int quick);
/* Other work on the machine skews every figure: say how much there was. */
void bench_print_load(const char *when);

#endif
