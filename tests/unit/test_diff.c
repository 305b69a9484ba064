/* Unit tests for vault/diff.h: edit scripts, unified output and its
 * application, the cost limit, word diffs; and a seeded property test that
 * checks every random diff both round-trips and is minimal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vault/diff.h"

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
	return n == 0 ? 0 : (size_t)(rng_next() % n);
}

static size_t count_lines(const char *t, size_t from, size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++)
		n += t[i] == '\n';
	if (to > from && t[to - 1] != '\n')
		n++;
	return n;
}

/* The script covers both texts in order, its runs agree with the line
 * numbers, equal runs are byte-identical and the totals add up. */
static void check_script(const diff_script *s, const char *a, size_t a_len,
                         const char *b, size_t b_len)
{
	size_t al = 0, bl = 0, ao = 0, bo = 0, del = 0, ins = 0;

	for (size_t i = 0; i < s->n_ops; i++) {
		const diff_op *op = &s->ops[i];

		assert_int_equal(op->a_line, al);
		assert_int_equal(op->b_line, bl);
		assert_int_equal(op->a_off, ao);
		assert_int_equal(op->b_off, bo);
		assert_int_equal(count_lines(a, op->a_off, op->a_end), op->a_count);
		assert_int_equal(count_lines(b, op->b_off, op->b_end), op->b_count);
		assert_true(op->a_count + op->b_count > 0);
		if (i > 0)
			assert_int_not_equal(op->kind, s->ops[i - 1].kind);
		if (op->kind == DIFF_EQUAL) {
			assert_int_equal(op->a_end - op->a_off, op->b_end - op->b_off);
			assert_memory_equal(a + op->a_off, b + op->b_off,
			                    op->a_end - op->a_off);
		} else if (op->kind == DIFF_DELETE) {
			assert_int_equal(op->b_count, 0);
			del += op->a_count;
		} else {
			assert_int_equal(op->a_count, 0);
			assert_int_not_equal(s->ops[i + 1 < s->n_ops ? i + 1 : i].kind,
			                     DIFF_DELETE);
			ins += op->b_count;
		}
		al += op->a_count;
		bl += op->b_count;
		ao = op->a_end;
		bo = op->b_end;
	}
	assert_int_equal(ao, a_len);
	assert_int_equal(bo, b_len);
	assert_int_equal(al, s->a_lines);
	assert_int_equal(bl, s->b_lines);
	assert_int_equal(del, s->deleted);
	assert_int_equal(ins, s->inserted);
}

/* Render script, apply it to a and require b back, byte for byte. */
static void check_roundtrip(const diff_script *s, const char *a, size_t a_len,
                            const char *b, size_t b_len,
                            const diff_options *opts)
{
	char *patch = NULL, *out = NULL;
	size_t patch_len = 0, out_len = 0;

	assert_int_equal(diff_unified_render(s, a, a_len, b, b_len, opts, &patch,
	                                     &patch_len), DIFF_OK);
	assert_non_null(patch);
	assert_int_equal(patch_len == 0, s->deleted + s->inserted == 0);
	assert_int_equal(diff_patch_apply(a, a_len, patch, patch_len, &out,
	                                  &out_len), DIFF_OK);
	assert_non_null(out);
	assert_int_equal(out_len, b_len);
	if (b_len > 0)
		assert_memory_equal(out, b, b_len);
	assert_int_equal(out[out_len], '\0');
	free(patch);
	free(out);
}

static void expect_unified(const char *a, const char *b,
                           const diff_options *opts, const char *want)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(diff_unified_new(a, strlen(a), b, strlen(b), opts, &out,
	                                  &len), DIFF_OK);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	free(out);
}

static diff_status apply_str(const char *old, const char *patch, char **out)
{
	size_t len = 0;

	return diff_patch_apply(old, strlen(old), patch, strlen(patch), out, &len);
}

/* ---- fixed cases -------------------------------------------------------- */

static void test_identical(void **state)
{
	static const char t[] = "uno\ndos\ntres";
	diff_script *s = NULL;
	char *out = NULL;

	(void)state;
	assert_int_equal(diff_script_new(t, strlen(t), t, strlen(t), NULL, &s),
	                 DIFF_OK);
	assert_int_equal(s->n_ops, 1);
	assert_int_equal(s->ops[0].kind, DIFF_EQUAL);
	assert_int_equal(s->ops[0].a_count, 3);
	check_roundtrip(s, t, strlen(t), t, strlen(t), NULL);
	diff_script_free(s);
	expect_unified(t, t, NULL, "");
	assert_int_equal(apply_str(t, "", &out), DIFF_OK);
	assert_string_equal(out, t);
	free(out);
}

static void test_empty_texts(void **state)
{
	diff_script *s = NULL;

	(void)state;
	assert_int_equal(diff_script_new(NULL, 0, NULL, 0, NULL, &s), DIFF_OK);
	assert_int_equal(s->n_ops, 0);
	assert_int_equal(s->a_lines + s->b_lines, 0);
	check_roundtrip(s, "", 0, "", 0, NULL);
	diff_script_free(s);
	expect_unified("", "a\nb\n", NULL, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	expect_unified("a\n", "", NULL, "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n");
	expect_unified("", "x", NULL,
	               "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n"
	               "\\ No newline at end of file\n");
}

static void test_unified_basic(void **state)
{
	diff_options o;

	(void)state;
	diff_options_init(&o);
	o.label_a = "detention v1";
	o.label_b = "detention\nv2"; /* the newline must not break the header */
	expect_unified("one\ntwo\nthree\n", "one\n2\nthree\nfour\n", &o,
	               "--- detention v1\n+++ detention v2\n"
	               "@@ -1,3 +1,4 @@\n one\n-two\n+2\n three\n+four\n");
}

static void test_unified_no_newline(void **state)
{
	(void)state;
	/* Adding the final newline changes the last line. */
	expect_unified("x\ny", "x\ny\n", NULL,
	               "--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n"
	               "\\ No newline at end of file\n+y\n");
	/* Dropping it, with an unchanged unterminated line as context. */
	expect_unified("a\nb\n", "a\nc\nb", NULL,
	               "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n-b\n+c\n+b\n"
	               "\\ No newline at end of file\n");
	expect_unified("p\nq\nend", "P\nq\nend", NULL,
	               "--- a\n+++ b\n@@ -1,3 +1,3 @@\n-p\n+P\n q\n end\n"
	               "\\ No newline at end of file\n");
}

static char *numbered(size_t n, size_t changed1, size_t changed2)
{
	char *t = calloc(n, 16);
	size_t len = 0;

	assert_non_null(t);
	for (size_t i = 1; i <= n; i++)
		len += (size_t)sprintf(t + len, "%s%zu\n",
		                       i == changed1 || i == changed2 ? "X" : "l", i);
	return t;
}

static size_t count_hunks(const char *patch)
{
	size_t n = 0;

	for (const char *p = patch; (p = strstr(p, "\n@@ ")) != NULL; p++)
		n++;
	return n;
}

static void test_context(void **state)
{
	char *a = numbered(20, 0, 0), *b = numbered(20, 4, 11), *out = NULL;
	size_t len = 0;
	diff_options o;

	(void)state;
	diff_options_init(&o);
	/* Six unchanged lines between the changes: joined at context 3. */
	assert_int_equal(diff_unified_new(a, strlen(a), b, strlen(b), &o, &out,
	                                  &len), DIFF_OK);
	assert_int_equal(count_hunks(out), 1);
	assert_non_null(strstr(out, "@@ -1,14 +1,14 @@\n l1\n"));
	free(out);
	o.context = 2;
	assert_int_equal(diff_unified_new(a, strlen(a), b, strlen(b), &o, &out,
	                                  &len), DIFF_OK);
	assert_int_equal(count_hunks(out), 2);
	assert_non_null(strstr(out, "@@ -2,5 +2,5 @@\n l2\n l3\n-l4\n+X4\n l5\n"));
	assert_non_null(strstr(out, "@@ -9,5 +9,5 @@\n"));
	free(out);
	o.context = 0;
	assert_int_equal(diff_unified_new(a, strlen(a), b, strlen(b), &o, &out,
	                                  &len), DIFF_OK);
	assert_string_equal(out, "--- a\n+++ b\n@@ -4 +4 @@\n-l4\n+X4\n"
	                         "@@ -11 +11 @@\n-l11\n+X11\n");
	free(out);
	/* Context 0 insertion: the range names the line before. */
	expect_unified("a\nb\n", "a\nnew\nb\n", &o,
	               "--- a\n+++ b\n@@ -1,0 +2 @@\n+new\n");
	free(a);
	free(b);
}

static void test_apply_rejects(void **state)
{
	static const char old[] = "uno\ndos\ntres\n";
	static const char patch[] = "--- a\n+++ b\n@@ -1,3 +1,3 @@\n uno\n-dos\n"
	                            "+DOS\n tres\n";
	char *out = NULL;

	(void)state;
	assert_int_equal(apply_str(old, patch, &out), DIFF_OK);
	assert_string_equal(out, "uno\nDOS\ntres\n");
	free(out);
	out = NULL;
	/* Context or removed line differs. */
	assert_int_equal(apply_str("uno\ndos\nTRES\n", patch, &out),
	                 DIFF_EMISMATCH);
	assert_null(out);
	assert_int_equal(apply_str("uno\ndós\ntres\n", patch, &out),
	                 DIFF_EMISMATCH);
	/* Old text lacks the final newline the patch expects. */
	assert_int_equal(apply_str("uno\ndos\ntres", patch, &out), DIFF_EMISMATCH);
	assert_int_equal(apply_str("uno\ndos\ntresX", patch, &out),
	                 DIFF_EMISMATCH); /* same length, no newline */
	/* Old text too short for the hunk. */
	assert_int_equal(apply_str("uno\ndos\n", patch, &out), DIFF_EMISMATCH);
	assert_int_equal(apply_str("uno\n",
	                           "--- a\n+++ b\n@@ -5,0 +6 @@\n+x\n", &out),
	                 DIFF_EMISMATCH);
	/* Malformed patches. */
	assert_int_equal(apply_str(old, "garbage\n", &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1,3 +1,3 @@\n uno\n",
	                           &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n uno\n"
	                           "*dos\n", &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1 +1,2 @@\n uno\n"
	                           "+x\n+y\n", &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1 +1 @@\n-uno\n"
	                           "+UNO\nextra\n", &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1 +7 @@\n-uno\n"
	                           "+UNO\n", &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -2 +2 @@\n-dos\n+2\n"
	                           "@@ -1 +1 @@\n-uno\n+1\n", &out), DIFF_EPATCH);
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1,99999999999999999999"
	                           "999 +1 @@\n", &out), DIFF_EPATCH);
	/* A line without newline may only end the new text. */
	assert_int_equal(apply_str(old, "--- a\n+++ b\n@@ -1 +1,2 @@\n-uno\n+x\n"
	                           "\\ No newline at end of file\n+y\n", &out),
	                 DIFF_EPATCH);
	assert_null(out);
}

static void test_binary_bytes(void **state)
{
	static const char a[] = "nul\0here\ncr\r\n\xff\xfe\n\\ tricky\n--- x\n";
	static const char b[] = "nul\0there\ncr\r\n\xff\n+++ y\n\\ tricky\n";
	diff_script *s = NULL;

	(void)state;
	assert_int_equal(diff_script_new(a, sizeof a - 1, b, sizeof b - 1, NULL,
	                                 &s), DIFF_OK);
	check_script(s, a, sizeof a - 1, b, sizeof b - 1);
	check_roundtrip(s, a, sizeof a - 1, b, sizeof b - 1, NULL);
	diff_script_free(s);
}

/* Two long texts over a two-line alphabet: nearly every line matches
 * somewhere, the worst case for the search. The cost limit must keep it
 * quick and the result must still be a correct diff. */
static void test_cost_limit_pathological(void **state)
{
	enum { N = 4000 };
	char *a = malloc(2 * N), *b = malloc(2 * N);
	diff_script *s = NULL, *exact = NULL;
	diff_options o;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	rng_state = 7;
	for (size_t i = 0; i < N; i++) {
		a[2 * i] = rng_below(2) ? 'a' : 'b';
		b[2 * i] = rng_below(2) ? 'a' : 'b';
		a[2 * i + 1] = b[2 * i + 1] = '\n';
	}
	diff_options_init(&o);
	assert_int_equal(diff_script_new(a, 2 * N, b, 2 * N, &o, &s), DIFF_OK);
	check_script(s, a, 2 * N, b, 2 * N);
	check_roundtrip(s, a, 2 * N, b, 2 * N, &o);
	o.max_cost = DIFF_COST_UNLIMITED;
	assert_int_equal(diff_script_new(a, 2 * N, b, 2 * N, &o, &exact), DIFF_OK);
	check_script(exact, a, 2 * N, b, 2 * N);
	assert_true(exact->deleted + exact->inserted <= s->deleted + s->inserted);
	assert_int_equal(exact->deleted - exact->inserted, 0);
	diff_script_free(exact);
	diff_script_free(s);
	free(a);
	free(b);
}

/* ---- property test ------------------------------------------------------ */

#define MAXL 64

typedef struct {
	char s[32];
	size_t n;
} tline;

/* A text as lines; final_nl says whether the last one ends in '\n'. */
typedef struct {
	tline l[MAXL];
	size_t n;
	int final_nl;
} ttext;

static const char *const vocab[] = {
	"", "a", "b", "política", "  ", "{", "--- a", "+++ b", "@@ -1 +1 @@",
	"\\ No newline at end of file", "-", "+", " x",
};

static void random_line(tline *l)
{
	static const char bytes[] = "aZ9 \t\r\\-+@\xc3\xb3\x80\xff";

	if (rng_below(4) != 0) {
		const char *v = vocab[rng_below(sizeof vocab / sizeof *vocab)];

		l->n = strlen(v);
		memcpy(l->s, v, l->n);
		return;
	}
	l->n = rng_below(sizeof l->s);
	for (size_t i = 0; i < l->n; i++)
		l->s[i] = rng_below(9) == 0 ? '\0' : bytes[rng_below(sizeof bytes - 1)];
}

static size_t serialize(const ttext *t, char *buf)
{
	size_t len = 0;

	for (size_t i = 0; i < t->n; i++) {
		memcpy(buf + len, t->l[i].s, t->l[i].n);
		len += t->l[i].n;
		if (i + 1 < t->n || t->final_nl)
			buf[len++] = '\n';
	}
	return len;
}

/* An empty unterminated last line is no line at all: fold it away so the
 * model always matches its serialisation (the bytes do not change). */
static void normalize(ttext *t)
{
	if (t->n == 0)
		t->final_nl = 1;
	else if (!t->final_nl && t->l[t->n - 1].n == 0) {
		t->n--;
		t->final_nl = 1;
	}
}

/* Apply one random edit; return how many line deletions and insertions it
 * can cost at most. Touching the end of a text without a final newline
 * also changes whichever line ends up last (one more deletion and one
 * more insertion). */
static size_t random_edit(ttext *t)
{
	size_t op = rng_below(5), p = rng_below(t->n + 1), k = 0, j = 0, cost;

	if (op == 4) {
		if (t->n == 0)
			return 0;
		t->final_nl = !t->final_nl;
		normalize(t);
		return 2;
	}
	if (op != 0) /* delete or replace k lines at p */
		k = rng_below(t->n - p < 4 ? t->n - p + 1 : 4);
	if (op != 1) /* insert or replace with j lines */
		j = 1 + rng_below(3);
	if (t->n - k + j > MAXL)
		j = 0;
	cost = k + j + (!t->final_nl && p + k == t->n ? 2 : 0);
	memmove(&t->l[p + j], &t->l[p + k], (t->n - p - k) * sizeof *t->l);
	t->n = t->n - k + j;
	for (size_t i = 0; i < j; i++)
		random_line(&t->l[p + i]);
	normalize(t);
	return cost;
}

/* Minimal number of deleted plus inserted lines, by dynamic programming. */
static size_t lcs_distance(const char *a, size_t a_len, const char *b,
                           size_t b_len)
{
	size_t ao[MAXL * 2 + 2], bo[MAXL * 2 + 2], na = 0, nb = 0;
	size_t *row = NULL, *prev = NULL, d;

	ao[0] = bo[0] = 0;
	for (size_t i = 0; i < a_len; i++)
		if (a[i] == '\n' || i + 1 == a_len)
			ao[++na] = i + 1;
	for (size_t i = 0; i < b_len; i++)
		if (b[i] == '\n' || i + 1 == b_len)
			bo[++nb] = i + 1;
	row = calloc(nb + 1, sizeof *row);
	prev = calloc(nb + 1, sizeof *prev);
	assert_non_null(row);
	assert_non_null(prev);
	for (size_t i = 1; i <= na; i++) {
		size_t *tmp = prev;

		prev = row;
		row = tmp;
		for (size_t j = 1; j <= nb; j++) {
			size_t la = ao[i] - ao[i - 1], lb = bo[j] - bo[j - 1];

			if (la == lb && memcmp(a + ao[i - 1], b + bo[j - 1], la) == 0)
				row[j] = prev[j - 1] + 1;
			else
				row[j] = prev[j] > row[j - 1] ? prev[j] : row[j - 1];
		}
	}
	d = na + nb - 2 * row[nb];
	free(row);
	free(prev);
	return d;
}

static void test_property_roundtrip(void **state)
{
	static ttext ta, tb;
	static char a[MAXL * 33], b[MAXL * 33];
	diff_options o;

	(void)state;
	rng_state = 20240601;
	for (int iter = 0; iter < 4000; iter++) {
		diff_script *s = NULL;
		size_t bound = 0, edits = rng_below(6), a_len, b_len;

		ta.n = rng_below(iter % 10 == 0 ? 2 : 40);
		ta.final_nl = rng_below(4) != 0;
		for (size_t i = 0; i < ta.n; i++)
			random_line(&ta.l[i]);
		normalize(&ta);
		tb = ta;
		for (size_t e = 0; e < edits; e++)
			bound += random_edit(&tb);
		a_len = serialize(&ta, a);
		b_len = serialize(&tb, b);

		diff_options_init(&o);
		o.context = (unsigned)rng_below(5);
		assert_int_equal(diff_script_new(a, a_len, b, b_len, &o, &s),
		                 DIFF_OK);
		check_script(s, a, a_len, b, b_len);
		assert_true(s->deleted + s->inserted <= bound);
		assert_int_equal(s->deleted + s->inserted,
		                 lcs_distance(a, a_len, b, b_len));
		check_roundtrip(s, a, a_len, b, b_len, &o);
		diff_script_free(s);

		/* A tiny cost limit forces the give-up path: correct, not minimal. */
		o.max_cost = 1 + rng_below(3);
		assert_int_equal(diff_script_new(a, a_len, b, b_len, &o, &s),
		                 DIFF_OK);
		check_script(s, a, a_len, b, b_len);
		check_roundtrip(s, a, a_len, b, b_len, &o);
		diff_script_free(s);
	}
}

/* Corrupted patches and altered old texts must be refused with a status
 * (or, where the damage misses every hunk, still apply): never a crash,
 * never a read out of bounds (the sanitizers watch). */
static void test_apply_corrupted(void **state)
{
	static ttext ta, tb;
	static char a[MAXL * 33], b[MAXL * 33];
	static const char junk[] = "@-+ \\\n,0123456789";

	(void)state;
	rng_state = 31337;
	for (int iter = 0; iter < 1500; iter++) {
		char *patch = NULL, *out = NULL;
		size_t patch_len = 0, out_len = 0, a_len, b_len, at;
		diff_status st;
		diff_options o;

		ta.n = rng_below(20);
		ta.final_nl = 1;
		for (size_t i = 0; i < ta.n; i++)
			random_line(&ta.l[i]);
		normalize(&ta);
		tb = ta;
		random_edit(&tb);
		random_edit(&tb);
		a_len = serialize(&ta, a);
		b_len = serialize(&tb, b);
		diff_options_init(&o);
		o.context = (unsigned)rng_below(3);
		assert_int_equal(diff_unified_new(a, a_len, b, b_len, &o, &patch,
		                                  &patch_len), DIFF_OK);
		if (patch_len == 0) {
			free(patch);
			continue;
		}
		at = rng_below(patch_len);
		if (iter % 2 == 0) {
			patch[at] = junk[rng_below(sizeof junk - 1)];
			st = diff_patch_apply(a, a_len, patch, rng_below(8) ? patch_len
			                      : at, &out, &out_len);
		} else if (a_len > 0) {
			a[rng_below(a_len)] ^= (char)(1 + rng_below(255));
			st = diff_patch_apply(a, a_len, patch, patch_len, &out,
			                      &out_len);
		} else {
			st = diff_patch_apply(a, a_len, patch, at, &out, &out_len);
		}
		assert_true(st == DIFF_OK || st == DIFF_EPATCH ||
		            st == DIFF_EMISMATCH);
		assert_int_equal(out != NULL, st == DIFF_OK);
		free(out);
		free(patch);
	}
}

/* ---- word diff ---------------------------------------------------------- */

static diff_words *words(const char *a, const char *b)
{
	diff_words *w = NULL;

	assert_int_equal(diff_words_new(a, strlen(a), b, strlen(b), &w), DIFF_OK);
	assert_non_null(w);
	return w;
}

static void expect_range(const diff_range *r, const char *text,
                         const char *want)
{
	assert_int_equal(r->len, strlen(want));
	assert_memory_equal(text + r->off, want, r->len);
}

static void test_words_accents(void **state)
{
	static const char a[] = "La detención fue legal.";
	static const char b[] = "La detenciones fue legal.";
	diff_words *w = NULL;

	(void)state;
	w = words("detención", "detenciones");
	assert_int_equal(w->a_count, 1);
	assert_int_equal(w->b_count, 1);
	expect_range(&w->a[0], "detención", "detención");
	expect_range(&w->b[0], "detenciones", "detenciones");
	diff_words_free(w);

	w = words(a, b);
	assert_int_equal(w->a_count, 1);
	assert_int_equal(w->b_count, 1);
	assert_int_equal(w->a[0].off, 3);
	expect_range(&w->a[0], a, "detención");
	expect_range(&w->b[0], b, "detenciones");
	diff_words_free(w);

	/* Only an accent differs: still the whole word, never half a character. */
	w = words("la acción urgente", "la accion urgente");
	assert_int_equal(w->a_count, 1);
	expect_range(&w->a[0], "la acción urgente", "acción");
	expect_range(&w->b[0], "la accion urgente", "accion");
	diff_words_free(w);
}

static void test_words_tokens(void **state)
{
	static const char a[] = "Informe de detención arbitraria";
	static const char b[] = "Informe sobre la detención arbitraria";
	diff_words *w = NULL;
	char changed[64] = "";

	(void)state;
	w = words(a, b);
	assert_int_equal(w->a_count, 1);
	expect_range(&w->a[0], a, "de");
	for (size_t i = 0; i < w->b_count; i++) {
		assert_true(w->b[i].off >= 8 && w->b[i].off + w->b[i].len <= 17);
		strncat(changed, b + w->b[i].off, w->b[i].len);
	}
	assert_non_null(strstr(changed, "sobre"));
	assert_non_null(strstr(changed, "la"));
	diff_words_free(w);

	w = words("fin.", "fin!"); /* punctuation is a token of its own */
	assert_int_equal(w->a_count, 1);
	expect_range(&w->a[0], "fin.", ".");
	expect_range(&w->b[0], "fin!", "!");
	diff_words_free(w);

	w = words("a  b", "a b"); /* whitespace runs are tokens too */
	assert_int_equal(w->a_count, 1);
	expect_range(&w->a[0], "a  b", "  ");
	expect_range(&w->b[0], "a b", " ");
	diff_words_free(w);

	w = words("igual, sí", "igual, sí");
	assert_int_equal(w->a_count + w->b_count, 0);
	diff_words_free(w);

	w = words("", "hola mundo");
	assert_int_equal(w->a_count, 0);
	assert_int_equal(w->b_count, 1);
	expect_range(&w->b[0], "hola mundo", "hola mundo");
	diff_words_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_empty_texts),
		cmocka_unit_test(test_unified_basic),
		cmocka_unit_test(test_unified_no_newline),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_apply_rejects),
		cmocka_unit_test(test_binary_bytes),
		cmocka_unit_test(test_cost_limit_pathological),
		cmocka_unit_test(test_property_roundtrip),
		cmocka_unit_test(test_apply_corrupted),
		cmocka_unit_test(test_words_accents),
		cmocka_unit_test(test_words_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
