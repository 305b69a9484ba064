/* Unit tests for vault/merge.h: fixed three-way cases, conflict markers,
 * and seeded property tests (identity merges, disjoint edits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vault/merge.h"

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

/* Merge NUL-terminated texts; returns the result, *conflicts set. */
static char *merge3(const char *base, const char *ours, const char *theirs,
                    const merge_options *opts, size_t *conflicts)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(merge_texts(base, strlen(base), ours, strlen(ours),
	                             theirs, strlen(theirs), opts, &out, &len,
	                             conflicts), MERGE_OK);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static void expect_merge(const char *base, const char *ours,
                         const char *theirs, const char *want,
                         size_t want_conflicts)
{
	size_t conflicts = 99;
	char *out = merge3(base, ours, theirs, NULL, &conflicts);

	assert_string_equal(out, want);
	assert_int_equal(conflicts, want_conflicts);
	assert_int_equal(merge_has_conflicts(out, strlen(out)),
	                 want_conflicts > 0);
	free(out);
}

static const char base5[] = "uno\ndos\ntres\ncuatro\ncinco\n";

static void test_disjoint_edits_combine(void **state)
{
	(void)state;
	expect_merge(base5, "UNO\ndos\ntres\ncuatro\ncinco\n",
	             "uno\ndos\ntres\ncuatro\nCINCO\n",
	             "UNO\ndos\ntres\ncuatro\nCINCO\n", 0);
	/* An insertion on one side, a deletion on the other. */
	expect_merge(base5, "uno\nuno y medio\ndos\ntres\ncuatro\ncinco\n",
	             "uno\ndos\ntres\ncinco\n",
	             "uno\nuno y medio\ndos\ntres\ncinco\n", 0);
	/* Changes on one side only. */
	expect_merge(base5, base5, "cero\nuno\ndos\ntres\ncuatro\ncinco",
	             "cero\nuno\ndos\ntres\ncuatro\ncinco", 0);
}

static void test_same_edit_taken_once(void **state)
{
	static const char both[] = "uno\nDOS\ntres\ncuatro\ncinco\nseis\n";

	(void)state;
	expect_merge(base5, both, both, both, 0);
	/* The same deletion on both sides, plus a change on one. */
	expect_merge(base5, "uno\ndos\ncuatro\ncinco\n",
	             "UNO\ndos\ncuatro\ncinco\n", "UNO\ndos\ncuatro\ncinco\n", 0);
}

static void test_overlap_conflicts(void **state)
{
	static const merge_options labels = {"mine (rev 4)", "partner (rev 5)"};
	size_t conflicts = 0;
	char *out = NULL;

	(void)state;
	out = merge3(base5, "uno\ndos\nTRES\ncuatro\ncinco\n",
	             "uno\ndos\nthree\ncuatro\ncinco\n", &labels, &conflicts);
	assert_int_equal(conflicts, 1);
	assert_string_equal(out, "uno\ndos\n"
	                         "<<<<<<< mine (rev 4)\nTRES\n"
	                         "=======\nthree\n"
	                         ">>>>>>> partner (rev 5)\n"
	                         "cuatro\ncinco\n");
	assert_true(merge_has_conflicts(out, strlen(out)));
	free(out);

	/* Changes to adjacent lines conflict, as in git. */
	expect_merge(base5, "uno\nDOS\ntres\ncuatro\ncinco\n",
	             "uno\ndos\nTRES\ncuatro\ncinco\n",
	             "uno\n<<<<<<< ours\nDOS\ntres\n=======\ndos\nTRES\n"
	             ">>>>>>> theirs\ncuatro\ncinco\n", 1);
	/* A deletion against a change. */
	expect_merge(base5, "uno\ntres\ncuatro\ncinco\n",
	             "uno\nDOS\ntres\ncuatro\ncinco\n",
	             "uno\n<<<<<<< ours\n=======\nDOS\n>>>>>>> theirs\n"
	             "tres\ncuatro\ncinco\n", 1);
	/* Two separate conflicts, and a clean change between them. */
	expect_merge(base5, "UNO\ndos\ntres\ncuatro\nCINCO\n",
	             "1\ndos\nTRES\ncuatro\n5\n",
	             "<<<<<<< ours\nUNO\n=======\n1\n>>>>>>> theirs\n"
	             "dos\nTRES\ncuatro\n"
	             "<<<<<<< ours\nCINCO\n=======\n5\n>>>>>>> theirs\n", 2);
}

static void test_conflict_without_final_newline(void **state)
{
	(void)state;
	/* The markers stay on lines of their own. */
	expect_merge("a\nb", "a\nours", "a\ntheirs",
	             "a\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\n",
	             1);
	/* Dropping the final newline is a change like any other. */
	expect_merge("a\nb\nc\n", "A\nb\nc\n", "a\nb\nc", "A\nb\nc", 0);
}

static void test_labels_and_empty(void **state)
{
	static const merge_options bad = {"evil\n=======", NULL};
	size_t conflicts = 0;
	char *out = NULL;

	(void)state;
	out = merge3("x\n", "y\n", "z\n", &bad, &conflicts);
	assert_string_equal(out, "<<<<<<< evil =======\ny\n=======\nz\n"
	                         ">>>>>>> theirs\n");
	free(out);
	expect_merge("", "", "", "", 0);
	expect_merge("", "a\n", "", "a\n", 0);
	expect_merge("", "a\n", "b\n",
	             "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n", 1);
	expect_merge("a\n", "", "", "", 0);
	out = NULL;
	assert_int_equal(merge_texts(NULL, 0, NULL, 0, NULL, 0, NULL, &out,
	                             &conflicts, NULL), MERGE_OK);
	assert_string_equal(out, "");
	free(out);
}

static void test_has_conflicts(void **state)
{
	static const char heading[] = "Title\n=======\n\n> quote\n>>> nested\n";

	(void)state;
	assert_false(merge_has_conflicts(heading, strlen(heading)));
	assert_false(merge_has_conflicts("", 0));
	assert_false(merge_has_conflicts("x <<<<<<< y\n", 12));
	assert_false(merge_has_conflicts("<<<<<<<x\n", 9));
	assert_true(merge_has_conflicts("a\n<<<<<<< ours\n", 15));
	assert_true(merge_has_conflicts("a\n>>>>>>> theirs", 16));
	assert_true(merge_has_conflicts("<<<<<<<", 7));
	assert_true(merge_has_conflicts("b\n>>>>>>>\r\n", 11));
}

/* ---- property tests ----------------------------------------------------- */

#define MAXL 80
#define LINE 32

typedef struct {
	char l[MAXL][LINE];
	size_t n;
	int final_nl;
} ttext;

static size_t serialize(const ttext *t, char *buf)
{
	size_t len = 0;

	for (size_t i = 0; i < t->n; i++) {
		size_t n = strlen(t->l[i]);

		memcpy(buf + len, t->l[i], n);
		len += n;
		if (i + 1 < t->n || t->final_nl)
			buf[len++] = '\n';
	}
	buf[len] = '\0';
	return len;
}

/* Lines from a small vocabulary, so that repeats are common. */
static void random_text(ttext *t, size_t max_lines)
{
	static const char *const vocab[] = {"", "a", "b", "c", "- item", "{"};

	t->n = rng_below(max_lines + 1);
	t->final_nl = rng_below(5) != 0;
	for (size_t i = 0; i < t->n; i++)
		strcpy(t->l[i], vocab[rng_below(sizeof vocab / sizeof *vocab)]);
	if (t->n > 0 && !t->final_nl && t->l[t->n - 1][0] == '\0')
		t->final_nl = 1;
}

static void test_property_identity(void **state)
{
	static ttext tb, tx;
	static char base[MAXL * LINE], x[MAXL * LINE];

	(void)state;
	rng_state = 99;
	for (int iter = 0; iter < 2000; iter++) {
		size_t conflicts = 9, xl;
		char *out = NULL;

		random_text(&tb, 30);
		random_text(&tx, 30);
		serialize(&tb, base);
		xl = serialize(&tx, x);
		out = merge3(base, x, base, NULL, &conflicts);
		assert_int_equal(conflicts, 0);
		assert_int_equal(strlen(out), xl);
		assert_memory_equal(out, x, xl);
		free(out);
		out = merge3(base, base, x, NULL, &conflicts);
		assert_int_equal(conflicts, 0);
		assert_string_equal(out, x);
		free(out);
		out = merge3(base, x, x, NULL, &conflicts);
		assert_int_equal(conflicts, 0);
		assert_string_equal(out, x);
		free(out);
	}
}

static void push(ttext *t, const char *line)
{
	assert_true(t->n < MAXL);
	snprintf(t->l[t->n++], LINE, "%s", line);
}

/* Rewrite lines [lo, hi) of base onto the end of dst: random deletions,
 * replacements, and insertions at positions lo..hi, of lines unique to
 * this side ("tag counter"). */
static void edit_region(ttext *dst, const ttext *base, size_t lo, size_t hi,
                        const char *tag, size_t *counter)
{
	char fresh[LINE];

	for (size_t i = lo; i <= hi; i++) {
		size_t ins = rng_below(4) == 0 ? 1 + rng_below(2) : 0;

		for (size_t k = 0; k < ins; k++) {
			snprintf(fresh, sizeof fresh, "%s %zu", tag, (*counter)++);
			push(dst, fresh);
		}
		if (i == hi)
			break;
		switch (rng_below(4)) {
		case 0: /* delete */
			break;
		case 1: /* replace */
			snprintf(fresh, sizeof fresh, "%s %zu", tag, (*counter)++);
			push(dst, fresh);
			break;
		default: /* keep */
			push(dst, base->l[i]);
		}
	}
}

/* Base lines are unique so that each side's diff is unambiguous. Ours
 * edits lines [0, g), theirs lines [g + 1, n), insertions included; line g
 * stays as it is, so no change touches the other side's. The merge must be
 * exactly ours' region, line g, theirs' region, without conflicts. */
static void test_property_disjoint(void **state)
{
	static ttext tb, to, tt, tw;
	static char base[MAXL * LINE], ours[MAXL * LINE], theirs[MAXL * LINE];
	static char want[MAXL * LINE];

	(void)state;
	rng_state = 4242;
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = 1 + rng_below(20), g = rng_below(n), counter = 0, t0;
		size_t conflicts = 9;
		char *out = NULL;

		tb.n = to.n = tt.n = tw.n = 0;
		for (size_t i = 0; i < n; i++) {
			char line[LINE];

			snprintf(line, sizeof line, "base line %zu", i);
			push(&tb, line);
		}
		edit_region(&to, &tb, 0, g, "ours", &counter);
		tw = to;
		for (size_t i = g; i < n; i++)
			push(&to, tb.l[i]);
		for (size_t i = 0; i <= g; i++)
			push(&tt, tb.l[i]);
		push(&tw, tb.l[g]);
		t0 = tt.n;
		edit_region(&tt, &tb, g + 1, n, "theirs", &counter);
		for (size_t i = t0; i < tt.n; i++)
			push(&tw, tt.l[i]);
		/* Without a final newline, line g ends in '\n' exactly when it is
		 * not last; theirs must not change that, or it touches line g. */
		tb.final_nl = rng_below(3) != 0 || (tt.n == t0) != (g + 1 == n);
		to.final_nl = tt.final_nl = tw.final_nl = tb.final_nl;
		/* Theirs may also toggle the final newline of a line it owns. */
		if (tt.n > t0 && rng_below(4) == 0)
			tt.final_nl = tw.final_nl = !tb.final_nl;

		serialize(&tb, base);
		serialize(&to, ours);
		serialize(&tt, theirs);
		serialize(&tw, want);
		out = merge3(base, ours, theirs, NULL, &conflicts);
		assert_int_equal(conflicts, 0);
		assert_string_equal(out, want);
		assert_false(merge_has_conflicts(out, strlen(out)));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disjoint_edits_combine),
		cmocka_unit_test(test_same_edit_taken_once),
		cmocka_unit_test(test_overlap_conflicts),
		cmocka_unit_test(test_conflict_without_final_newline),
		cmocka_unit_test(test_labels_and_empty),
		cmocka_unit_test(test_has_conflicts),
		cmocka_unit_test(test_property_identity),
		cmocka_unit_test(test_property_disjoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
