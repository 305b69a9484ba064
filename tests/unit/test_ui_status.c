/* test_ui_status.c: the TUI's status screen (issue 6, item 3): one key
 * from home, who has read each approved document and who must (again),
 * reviews due and merges needed, as plain text lines; scrolling, resizing
 * and locking. No terminal, no vault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/editbuf.h"
#include "tui/ui_md.h"
#include "tui/ui_model.h"

typedef struct {
	ui_state s;
	char pass[UI_PASS_MAX + 1], pass2[UI_PASS_MAX + 1];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	ui_state_init(&f->s, 24, 80, f->pass, f->pass2, false);
	ui_set_unlocked(&f->s, "Ana", 3);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	ui_state_free(&f->s);
	free(f);
	return 0;
}

static ui_action key(ui_state *s, ui_key_kind kind, uint32_t ch)
{
	ui_key k = {kind, ch, 0, 0};

	return ui_key_apply(s, &k);
}

static const char *hint(const ui_state *s, const char *key_name)
{
	ui_hint h[16];
	size_t n = ui_keybar(s, h, 16);

	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].key, key_name) == 0)
			return h[i].label;
	return NULL;
}

/* The line of ls that is exactly text, or -1. */
static long line_is(const ui_lines *ls, const char *text)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->v[i].text, text) == 0)
			return (long)i;
	return -1;
}

static void ack(ui_status_doc *d, const char *who, int state, int score,
                int total)
{
	ui_ack *a;

	d->acks = realloc(d->acks, (d->nacks + 1) * sizeof *d->acks);
	assert_non_null(d->acks);
	a = &d->acks[d->nacks++];
	a->member = strdup(who);
	a->state = state;
	a->score = score;
	a->total = total;
}

/* Two approved documents (one also past its review date), a draft that
 * needs a merge. */
static void sample(ui_state *s)
{
	ui_status_doc *d = calloc(3, sizeof *d);

	assert_non_null(d);
	d[0].title = strdup("Detention");
	snprintf(d[0].rev, sizeof d[0].rev, "0123456789ab");
	ack(&d[0], "Ana", UI_ACK_READ, 5, 6);
	ack(&d[0], "Bea", UI_ACK_MUST, 0, 0);
	ack(&d[0], "Carl", UI_ACK_AGAIN, 0, 0);
	d[1].title = strdup("Travel");
	snprintf(d[1].rev, sizeof d[1].rev, "fedcba987654");
	ack(&d[1], "Ana", UI_ACK_MUST, 0, 0);
	d[1].review_due = true;
	d[1].review_by = 1700000000; /* 2023-11-14 UTC */
	d[2].title = strdup("Wellbeing");
	d[2].merge = true;
	ui_set_status(s, d, 3);
}

static void test_one_key_from_home(void **state)
{
	fixture *f = *state;

	assert_int_equal(f->s.screen, UI_SCR_HOME);
	assert_string_equal(hint(&f->s, "^T"), "Status");
	assert_int_equal(key(&f->s, UI_KEY_CTRL, 't'), UI_ACT_STATUS);
	/* The help overlay lists the key bar's keys, ^T among them. */
	assert_int_equal(key(&f->s, UI_KEY_HELP, 0), UI_ACT_NONE);
	assert_true(f->s.help);
	assert_int_equal(key(&f->s, UI_KEY_CHAR, 'x'), UI_ACT_NONE);
	assert_false(f->s.help);
	/* Typing still searches: only the control key opens the status. */
	assert_int_equal(key(&f->s, UI_KEY_CHAR, 't'), UI_ACT_SEARCH);
	assert_true(f->s.searching);
	assert_int_equal(key(&f->s, UI_KEY_CTRL, 't'), UI_ACT_STATUS);
}

static void test_lines(void **state)
{
	fixture *f = *state;
	const ui_lines *ls = &f->s.stat.lines;
	long h, a, b, c, r, m;

	sample(&f->s);
	assert_int_equal(f->s.screen, UI_SCR_STATUS);
	assert_string_equal(hint(&f->s, "q"), "Back");
	assert_string_equal(hint(&f->s, "r"), "Refresh");
	assert_true(line_is(ls, "Acknowledgements of approved documents") == 0);
	h = line_is(ls, "  Detention (approved revision 0123456789ab)");
	assert_true(h > 0);
	assert_true(line_is(ls, "    Read by 1 of 3.") == h + 1);
	a = line_is(ls, "    [x] read and understood: Ana (you) (5/6)");
	b = line_is(ls, "    [ ] must read: Bea");
	c = line_is(ls, "    [ ] must read again (a newer revision was "
	            "approved): Carl");
	assert_true(a == h + 2 && b == h + 3 && c == h + 4);
	/* The marks are text; bold only adds to them. */
	assert_int_equal(ls->v[b].spans[ls->v[b].nspans - 1].attr & UI_A_BOLD,
	                 UI_A_BOLD);
	assert_int_equal(ls->v[a].spans[ls->v[a].nspans - 1].attr & UI_A_BOLD,
	                 0);
	assert_true(line_is(ls, "  Travel (approved revision fedcba987654)") > c);
	assert_true(line_is(ls, "    [ ] must read: Ana (you)") > c);
	/* The draft has no acknowledgements to show, only its merge. */
	assert_true(line_is(ls, "  Wellbeing (approved revision )") < 0);
	r = line_is(ls, "  [!] review due: Travel (review by 2023-11-14)");
	m = line_is(ls, "  [!] needs merge: Wellbeing");
	assert_true(line_is(ls, "Reviews and merges") > c);
	assert_true(r > line_is(ls, "Reviews and merges") && m == r + 1);
	assert_true(line_is(ls, "  Nothing is past its review date or needs "
	                    "a merge.") < 0);
}

static void test_nothing(void **state)
{
	fixture *f = *state;
	ui_status_doc *d = calloc(1, sizeof *d);

	/* Nothing approved, nothing due: both said in words. */
	ui_set_status(&f->s, NULL, 0);
	assert_true(line_is(&f->s.stat.lines,
	                    "  No document has been approved yet.") > 0);
	assert_true(line_is(&f->s.stat.lines, "  Nothing is past its review "
	                    "date or needs a merge.") > 0);
	/* A due document that is not approved: no acknowledgement list. */
	d[0].title = strdup("Travel");
	d[0].review_due = true;
	d[0].review_by = 86400;
	ui_set_status(&f->s, d, 1);
	assert_true(line_is(&f->s.stat.lines,
	                    "  No document has been approved yet.") > 0);
	assert_true(line_is(&f->s.stat.lines,
	                    "  [!] review due: Travel (review by 1970-01-02)") > 0);
}

static void test_scroll_refresh_back(void **state)
{
	fixture *f = *state;
	ui_key rs = {UI_KEY_RESIZE, 0, 10, 30};
	size_t n;

	sample(&f->s);
	n = f->s.stat.lines.n;
	/* All of it fits in 24 rows: nothing to scroll. */
	assert_int_equal(key(&f->s, UI_KEY_DOWN, 0), UI_ACT_NONE);
	assert_int_equal(f->s.stat.top, 0);
	/* A narrow terminal: every line wrapped to it, now scrollable. */
	assert_int_equal(ui_key_apply(&f->s, &rs), UI_ACT_NONE);
	assert_true(f->s.stat.lines.n > n);
	for (size_t i = 0; i < f->s.stat.lines.n; i++)
		assert_true(editbuf_text_cols(f->s.stat.lines.v[i].text,
		                              f->s.stat.lines.v[i].len) <= 28);
	assert_int_equal(key(&f->s, UI_KEY_DOWN, 0), UI_ACT_NONE);
	assert_int_equal(f->s.stat.top, 1);
	assert_int_equal(key(&f->s, UI_KEY_END, 0), UI_ACT_NONE);
	assert_int_equal(f->s.stat.top,
	                 f->s.stat.lines.n - (size_t)ui_content_rows(&f->s));
	assert_int_equal(key(&f->s, UI_KEY_CHAR, ' '), UI_ACT_NONE);
	assert_int_equal(key(&f->s, UI_KEY_PGUP, 0), UI_ACT_NONE);
	assert_true(f->s.stat.top < f->s.stat.lines.n -
	            (size_t)ui_content_rows(&f->s));
	/* Refreshed: the place kept where it still fits. */
	n = f->s.stat.top;
	assert_int_equal(key(&f->s, UI_KEY_CHAR, 'r'), UI_ACT_STATUS);
	sample(&f->s);
	assert_int_equal(f->s.stat.top, n);
	assert_int_equal(key(&f->s, UI_KEY_CHAR, 'q'), UI_ACT_RELOAD);
	assert_int_equal(f->s.screen, UI_SCR_HOME);
	/* Opened again from home: from the top. */
	sample(&f->s);
	assert_int_equal(f->s.stat.top, 0);
	assert_int_equal(key(&f->s, UI_KEY_ESC, 0), UI_ACT_RELOAD);
}

static void test_lock_forgets(void **state)
{
	fixture *f = *state;

	sample(&f->s);
	ui_set_locked(&f->s, "");
	assert_int_equal(f->s.screen, UI_SCR_UNLOCK);
	assert_null(f->s.stat_docs);
	assert_int_equal(f->s.stat_n, 0);
	assert_int_equal(f->s.stat.lines.n, 0);
	/* No control key reaches the status while locked. */
	assert_int_equal(key(&f->s, UI_KEY_CTRL, 't'), UI_ACT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_key_from_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scroll_refresh_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_forgets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
