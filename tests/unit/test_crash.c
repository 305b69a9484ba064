/* Crash safety: a child process adds documents in a loop and is killed
 * (SIGKILL) at a random moment, 200 times over one vault. After each kill
 * the vault must open (rolling back a hot journal), pass SQLite's integrity
 * check, and hold every document the child reported as added, whole.
 *
 * The kill moments come from a seeded PRNG; the seed is printed, and
 * AMPARO_CRASH_SEED=<seed> replays a run. The random delay only spreads the
 * kills over the child's work; nothing here depends on timing. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "vault_fixture.h"

#define ITERATIONS 200
#define BODY_MIN 100u
#define BODY_MAX 40960u
#define MAX_DELAY_US 3000u
#define TITLE_LEN 32

static const uint8_t journal_magic[8] = {
	0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7
};

typedef struct {
	char (*titles)[TITLE_LEN];
	size_t n, cap;
} title_list;

static void titles_add(title_list *l, const char *t)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->titles = realloc(l->titles, l->cap * sizeof *l->titles);
		assert_non_null(l->titles);
	}
	snprintf(l->titles[l->n++], TITLE_LEN, "%s", t);
}

/* The body is a function of the title, so any copy can be checked. */
static char *body_for(const char *title, size_t *len)
{
	uint64_t seed = 0xcbf29ce484222325ull;
	char *b = NULL;

	for (const char *p = title; *p; p++)
		seed = (seed ^ (uint8_t)*p) * 0x100000001b3ull;
	/* Log-uniform between the bounds: many small bodies, some that span
	 * ten overflow pages. */
	*len = (size_t)((double)BODY_MIN *
	                pow((double)BODY_MAX / BODY_MIN,
	                    (double)(fx_rand(&seed) >> 11) / 9007199254740992.0));
	if (*len < BODY_MIN || *len > BODY_MAX)
		*len = BODY_MIN;
	b = malloc(*len + 1);
	assert_non_null(b);
	fx_text(seed, b, *len);
	return b;
}

static void say(int fd, const char *line)
{
	size_t n = strlen(line);

	/* Short lines on a pipe are written whole (PIPE_BUF). */
	if (write(fd, line, n) != (ssize_t)n)
		_exit(5);
}

/* The child: open, say "R", then add documents until killed, reporting
 * each title once vault_doc_add has returned VAULT_OK. */
static void child_run(const char *path, int fd, int iter)
{
	char title[TITLE_LEN], line[TITLE_LEN + 400], id[VAULT_ID_HEX];
	vault_err err = {0};
	vault *v = NULL;

	if (vault_open(path, FX_PASS, FX_PASSLEN, 0, &v, &err) != VAULT_OK) {
		snprintf(line, sizeof line, "E open: %s\n", err.msg);
		say(fd, line);
		_exit(3);
	}
	say(fd, "R\n");
	for (int n = 0;; n++) {
		size_t len = 0;
		char *body = NULL;
		vault_status rc;

		snprintf(title, sizeof title, "crash-%03d-%05d", iter, n);
		body = body_for(title, &len);
		rc = fx_add_status(v, title, NULL, body, len, id, &err);
		free(body);
		if (rc != VAULT_OK) {
			snprintf(line, sizeof line, "E add %s: %s\n", title,
			         err.msg);
			say(fd, line);
			_exit(4);
		}
		snprintf(line, sizeof line, "%s\n", title);
		say(fd, line);
	}
}

/* Append what the pipe holds to buf; 0 at EOF. Waits at most 20 s, so a
 * hung child fails the test instead of hanging it. */
static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

static int pipe_read(int fd, char **buf, size_t *len, size_t *cap)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	if (*cap - *len < 4096) {
		*cap = *cap * 2 + 4096;
		*buf = realloc(*buf, *cap);
		assert_non_null(*buf);
	}
	if (poll(&p, 1, 20000) != 1)
		fail_msg("the child neither wrote nor exited in 20 s");
	do
		n = read(fd, *buf + *len, *cap - *len - 1);
	while (n < 0 && errno == EINTR);
	assert_true(n >= 0);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return n > 0;
}

static void pause_us(unsigned us)
{
	struct timespec ts = {0, (long)us * 1000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One kill; the titles the child reported are appended to got. */
static void crash_once(const char *path, int iter, uint64_t *rng,
                       title_list *got)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, cap = 0;
	int fds[2], status = 0;
	/* Lines to wait for: "R" and then some titles; none one time in
	 * eight, to kill the child anywhere from its open on (which may be
	 * rolling back a hot journal). */
	size_t lines = fx_rand(rng) % 8 == 0 ? 0 : 1 + fx_rand(rng) % 4;
	unsigned delay = (unsigned)(fx_rand(rng) % (MAX_DELAY_US + 1));
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child_run(path, fds[1], iter);
		_exit(6);
	}
	close(fds[1]);
	/* Progress, not time, decides roughly where the kill lands; the
	 * random pause spreads it over the next add or two. */
	while (count_lines(buf, len) < lines)
		if (!pipe_read(fds[0], &buf, &len, &cap))
			break;
	pause_us(delay);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	while (pipe_read(fds[0], &buf, &len, &cap))
		;
	close(fds[0]);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("iteration %d: the child stopped by itself (status %d): %s",
		         iter, status, buf != NULL ? buf : "");
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "R") == 0)
			continue;
		if (line[0] == 'E')
			fail_msg("iteration %d: child: %s", iter, line);
		titles_add(got, line);
	}
	free(buf);
}

static void expect_whole(vault *v, const char *title)
{
	vault_err err = {0};
	vault_doc *d = NULL;
	size_t len = 0;
	char *body = body_for(title, &len);
	vault_status rc = fx_get(v, title, &d, &err);

	if (rc != VAULT_OK)
		fail_msg("\"%s\" was reported added but: %s", title, err.msg);
	assert_int_equal(d->body_len, len);
	assert_memory_equal(d->body, body, len);
	vault_doc_free(d);
	free(body);
}

static int collect(const vault_doc *d, void *ctx)
{
	titles_add(ctx, d->title);
	return 0;
}

static void test_crash_loop(void **state)
{
	char *dir = fx_dir_new();
	char *path = fx_path(dir, "crash.vault");
	char *journal = fx_path(dir, "crash.vault-journal");
	const char *env = getenv("AMPARO_CRASH_SEED");
	uint64_t seed, rng;
	title_list all = {0}, present = {0};
	vault_err err = {0};
	vault *v = NULL;
	int hot = 0;

	(void)state;
	seed = env != NULL ? strtoull(env, NULL, 0)
	                   : (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
	printf("crash test seed: %llu (AMPARO_CRASH_SEED to replay)\n",
	       (unsigned long long)seed);
	fflush(stdout);
	rng = seed;
	fx_create(path);
	for (int iter = 0; iter < ITERATIONS; iter++) {
		size_t first = all.n;
		uint8_t magic[8] = {0};

		crash_once(path, iter, &rng, &all);
		if (fx_exists(journal) && fx_size(journal) >= 8) {
			fx_read_at(journal, 0, magic, sizeof magic);
			hot += memcmp(magic, journal_magic, sizeof magic) == 0;
		}
		v = fx_open(path);
		if (vault_check(v, &err) != VAULT_OK)
			fail_msg("iteration %d (seed %llu): %s", iter,
			         (unsigned long long)seed, err.msg);
		for (size_t i = first; i < all.n; i++)
			expect_whole(v, all.titles[i]);
		vault_close(v);
	}

	/* Every document in the vault, reported or not, is whole, and every
	 * reported one is there. */
	v = fx_open(path);
	assert_int_equal(vault_doc_each(v, collect, &present, &err), VAULT_OK);
	assert_true(present.n >= all.n);
	for (size_t i = 0; i < present.n; i++)
		expect_whole(v, present.titles[i]);
	for (size_t i = 0; i < all.n; i++)
		expect_whole(v, all.titles[i]);
	vault_close(v);
	printf("%d kills, %zu documents reported, %zu present, %d hot journals "
	       "rolled back\n", ITERATIONS, all.n, present.n, hot);
	free(all.titles);
	free(present.titles);
	free(journal);
	free(path);
	fx_dir_free(dir);
}

static int setup(void **state)
{
	(void)state;
	return ac_init() == AC_OK ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_loop),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
