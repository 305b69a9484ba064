/* Unit tests for tui/editbuf: the editor's text model. White-box: they
 * include editbuf_int.h to check that the cursor rests on a character
 * boundary, and supply the allocator hook that editbuf.c is built with
 * here (EDITBUF_ALLOC_HOOK) to walk the out-of-memory paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tui/editbuf.h"
#include "tui/editbuf_int.h"

void *editbuf_test_malloc(size_t n);
void *editbuf_test_realloc(void *p, size_t n);

/* Allocations left before the hook fails one; < 0: never fail. */
static long allocs_until_failure = -1;

static bool hook_fails(void)
{
	if (allocs_until_failure < 0)
		return false;
	return allocs_until_failure-- == 0;
}

void *editbuf_test_malloc(size_t n)
{
	return hook_fails() ? NULL : malloc(n);
}

void *editbuf_test_realloc(void *p, size_t n)
{
	return hook_fails() ? NULL : realloc(p, n);
}

/* ---- helpers ---- */

static editbuf *loaded(const char *text)
{
	editbuf *eb = editbuf_new();

	assert_non_null(eb);
	assert_int_equal(editbuf_load(eb, text, strlen(text)), EDITBUF_OK);
	return eb;
}

/* The whole text; the caller frees it. */
static char *text_of(const editbuf *eb)
{
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(editbuf_export(eb, &out, &len), EDITBUF_OK);
	assert_int_equal(strlen(out), len);
	return out;
}

static void assert_text(const editbuf *eb, const char *want)
{
	char *got = text_of(eb);

	assert_string_equal(got, want);
	free(got);
}

static void assert_cursor(const editbuf *eb, size_t line, size_t off)
{
	size_t l = 0, o = 0;

	editbuf_cursor(eb, &l, &o);
	assert_int_equal(l, line);
	assert_int_equal(o, off);
}

static void assert_on_boundary(const editbuf *eb)
{
	size_t l = 0, o = 0, len = 0;
	const char *s = NULL;

	editbuf_cursor(eb, &l, &o);
	s = editbuf_line(eb, l, &len);
	assert_non_null(s);
	assert_true(o <= len);
	assert_int_equal(editbuf_char_start(s, len, o), o);
}

/* Type s one character at a time, as the terminal delivers it. */
static void type(editbuf *eb, const char *s)
{
	size_t i = 0, n = strlen(s), k;
	uint32_t cp;

	while (i < n) {
		k = editbuf_char_decode(s + i, n - i, &cp);
		assert_int_equal(editbuf_insert(eb, s + i, k), EDITBUF_OK);
		i += k;
	}
}

static int undo_all(editbuf *eb)
{
	int n = 0, rc;

	while ((rc = editbuf_undo(eb)) == 1)
		n++;
	assert_int_equal(rc, 0);
	return n;
}

static int redo_all(editbuf *eb)
{
	int n = 0, rc;

	while ((rc = editbuf_redo(eb)) == 1)
		n++;
	assert_int_equal(rc, 0);
	return n;
}

/* ---- tests ---- */

static void test_load_export_round_trip(void **state)
{
	static const char *const texts[] = {
		"", "\n", "a", "a\n", "a\n\nb", "\n\n", "x\r\ny\r\n",
		"bad \xff bytes \xc3( and \xe2\x82", "\xa9\xa9\xa9"};
	const size_t lines[] = {1, 2, 1, 2, 3, 3, 3, 1, 1};
	editbuf *eb = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		eb = loaded(texts[i]);
		assert_int_equal(editbuf_line_count(eb), lines[i]);
		assert_text(eb, texts[i]);
		assert_false(editbuf_modified(eb));
		assert_cursor(eb, 0, 0);
		editbuf_free(eb);
	}
	eb = editbuf_new();
	assert_int_equal(editbuf_load(eb, NULL, 0), EDITBUF_OK);
	assert_text(eb, "");
	editbuf_free(eb);
	editbuf_free(NULL);
}

static void test_spanish_typing_and_boundaries(void **state)
{
	const char *text = "¿Señor Muñoz, cuánto pagó el pingüino?";
	size_t chars = 38, len = strlen(text), steps = 0, prev = 0, o = 0;
	editbuf *eb = editbuf_new();

	(void)state;
	type(eb, text);
	assert_text(eb, text);
	assert_cursor(eb, 0, len);
	assert_int_equal(editbuf_cursor_col(eb), chars);
	/* Left one character at a time: always a boundary, one column less,
	 * and exactly as many steps as characters. */
	while (editbuf_cursor(eb, NULL, &o), o > 0) {
		prev = editbuf_cursor_col(eb);
		editbuf_left(eb);
		assert_on_boundary(eb);
		assert_int_equal(editbuf_cursor_col(eb), prev - 1);
		steps++;
	}
	assert_int_equal(steps, chars);
	for (steps = 0; steps < chars; steps++) {
		editbuf_right(eb);
		assert_on_boundary(eb);
		assert_int_equal(editbuf_cursor_col(eb), steps + 1);
	}
	assert_cursor(eb, 0, len);
	/* Right at the end of the last line stays; left at the start too. */
	editbuf_right(eb);
	assert_cursor(eb, 0, len);
	editbuf_home(eb);
	editbuf_left(eb);
	assert_cursor(eb, 0, 0);
	editbuf_free(eb);
}

static void test_backspace_and_delete_whole_characters(void **state)
{
	editbuf *eb = loaded("año\nuno");

	(void)state;
	/* After ñ. */
	assert_int_equal(editbuf_set_cursor(eb, 0, 3), EDITBUF_OK);
	assert_int_equal(editbuf_backspace(eb), EDITBUF_OK);
	assert_text(eb, "ao\nuno");
	assert_cursor(eb, 0, 1);
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "año\nuno");
	assert_cursor(eb, 0, 3);
	/* Delete takes the 2 bytes of ñ forwards. */
	assert_int_equal(editbuf_set_cursor(eb, 0, 1), EDITBUF_OK);
	assert_int_equal(editbuf_delete(eb), EDITBUF_OK);
	assert_text(eb, "ao\nuno");
	/* At the edges they join lines, and do nothing at the ends. */
	editbuf_end(eb);
	assert_int_equal(editbuf_delete(eb), EDITBUF_OK);
	assert_text(eb, "aouno");
	assert_cursor(eb, 0, 2);
	assert_int_equal(editbuf_insert(eb, "\n", 1), EDITBUF_OK);
	assert_int_equal(editbuf_backspace(eb), EDITBUF_OK);
	assert_text(eb, "aouno");
	editbuf_home(eb);
	assert_int_equal(editbuf_backspace(eb), EDITBUF_OK);
	editbuf_end(eb);
	assert_int_equal(editbuf_delete(eb), EDITBUF_OK);
	assert_text(eb, "aouno");
	/* A 4-byte character goes in one step as well. */
	assert_int_equal(editbuf_insert(eb, "\xf0\x9f\x98\x80", 4), EDITBUF_OK);
	assert_int_equal(editbuf_backspace(eb), EDITBUF_OK);
	assert_text(eb, "aouno");
	editbuf_free(eb);
}

static void test_wide_characters_keep_the_column(void **state)
{
	editbuf *eb = loaded("日本語のテキスト\nabcdefghij\nañb日c\nxy\n"
	                     "e\xcc\x81\xcc\x81z");

	(void)state;
	assert_int_equal(editbuf_set_cursor(eb, 0, 6), EDITBUF_OK); /* 日本| */
	assert_int_equal(editbuf_cursor_col(eb), 4);
	editbuf_down(eb);
	assert_cursor(eb, 1, 4); /* abcd| */
	editbuf_down(eb);
	/* 日 covers columns 3-4: the cursor stops before it, at column 3. */
	assert_cursor(eb, 2, 4);
	assert_int_equal(editbuf_cursor_col(eb), 3);
	editbuf_down(eb);
	assert_cursor(eb, 3, 2); /* a short line: its end */
	editbuf_down(eb);
	/* e + two combining acutes + z: columns 0, 1(z). The end is col 2. */
	assert_cursor(eb, 4, 6);
	assert_int_equal(editbuf_cursor_col(eb), 2);
	editbuf_down(eb); /* last line: stays */
	assert_cursor(eb, 4, 6);
	/* Going back up remembers column 4 through all of that. */
	editbuf_up(eb);
	editbuf_up(eb);
	editbuf_up(eb);
	assert_cursor(eb, 1, 4);
	editbuf_up(eb);
	assert_cursor(eb, 0, 6);
	/* A horizontal move forgets the column. */
	editbuf_right(eb);
	assert_int_equal(editbuf_cursor_col(eb), 6);
	editbuf_page_down(eb, 2);
	assert_cursor(eb, 2, 8); /* añb日c| is column 6 */
	editbuf_page_down(eb, 100);
	assert_cursor(eb, 4, 6);
	editbuf_page_up(eb, 100);
	assert_cursor(eb, 0, 9);
	/* Left and right step over combining marks as one character. */
	assert_int_equal(editbuf_set_cursor(eb, 4, 0), EDITBUF_OK);
	editbuf_right(eb);
	assert_cursor(eb, 4, 5);
	editbuf_left(eb);
	assert_cursor(eb, 4, 0);
	/* Tabs run to the next multiple of 8; control characters are ^X. */
	assert_int_equal(editbuf_text_cols("\tb", 2), 9);
	assert_int_equal(editbuf_text_cols("ab\tc", 4), 9);
	assert_int_equal(editbuf_text_cols("a\x01", 2), 3);
	assert_int_equal(editbuf_char_cols(0x1F600, 0), 2);
	assert_int_equal(editbuf_char_cols(0x0301, 0), 0);
	assert_int_equal(editbuf_char_cols(0xFFFD, 0), 1);
	assert_int_equal(editbuf_char_cols(0xAC00, 0), 2); /* Hangul */
	assert_int_equal(editbuf_char_cols(0x00AD, 0), 1); /* soft hyphen */
	editbuf_free(eb);
}

static void test_word_moves(void **state)
{
	editbuf *eb = loaded("  hola, señor  mundo2\n\n...  año-nuevo");

	(void)state;
	editbuf_word_right(eb);
	assert_cursor(eb, 0, 2); /* hola */
	editbuf_word_right(eb);
	assert_cursor(eb, 0, 8); /* señor */
	editbuf_word_right(eb);
	assert_cursor(eb, 0, 16); /* mundo2 */
	editbuf_word_right(eb);
	assert_cursor(eb, 2, 5); /* año, across the empty line */
	editbuf_word_right(eb);
	assert_cursor(eb, 2, 10); /* nuevo */
	editbuf_word_right(eb);
	assert_cursor(eb, 2, 15); /* the end */
	editbuf_word_right(eb);
	assert_cursor(eb, 2, 15);
	editbuf_word_left(eb);
	assert_cursor(eb, 2, 10);
	editbuf_word_left(eb);
	assert_cursor(eb, 2, 5);
	editbuf_word_left(eb);
	assert_cursor(eb, 0, 16);
	/* From inside a word, back to its start. */
	assert_int_equal(editbuf_set_cursor(eb, 0, 12), EDITBUF_OK); /* señ|or */
	editbuf_word_left(eb);
	assert_cursor(eb, 0, 8);
	editbuf_word_left(eb);
	assert_cursor(eb, 0, 2);
	editbuf_word_left(eb);
	assert_cursor(eb, 0, 0);
	editbuf_word_left(eb);
	assert_cursor(eb, 0, 0);
	editbuf_free(eb);
}

static void test_cut_and_paste_lines(void **state)
{
	editbuf *eb = loaded("uno\ndos\ntrés\ncuatro\ncinco");
	const char *clip = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(editbuf_set_cursor(eb, 1, 2), EDITBUF_OK);
	assert_int_equal(editbuf_cut_line(eb), EDITBUF_OK);
	assert_int_equal(editbuf_cut_line(eb), EDITBUF_OK);
	assert_int_equal(editbuf_cut_line(eb), EDITBUF_OK);
	assert_text(eb, "uno\ncinco");
	assert_cursor(eb, 1, 0);
	clip = editbuf_clipboard(eb, &n);
	assert_int_equal(n, strlen("dos\ntrés\ncuatro\n"));
	assert_memory_equal(clip, "dos\ntrés\ncuatro\n", n);
	editbuf_down(eb); /* nowhere to go, but it breaks the run of cuts */
	assert_int_equal(editbuf_paste(eb), EDITBUF_OK);
	assert_text(eb, "uno\ndos\ntrés\ncuatro\ncinco");
	assert_cursor(eb, 4, 0);
	assert_int_equal(editbuf_paste(eb), EDITBUF_OK);
	assert_text(eb, "uno\ndos\ntrés\ncuatro\ndos\ntrés\ncuatro\ncinco");
	/* The last line has no newline to take: cutting it empties it, and an
	 * empty last line is left alone. A cut after a move starts afresh. */
	editbuf_page_down(eb, 100);
	assert_int_equal(editbuf_cut_line(eb), EDITBUF_OK);
	assert_text(eb, "uno\ndos\ntrés\ncuatro\ndos\ntrés\ncuatro\n");
	assert_int_equal(editbuf_cut_line(eb), EDITBUF_OK);
	assert_text(eb, "uno\ndos\ntrés\ncuatro\ndos\ntrés\ncuatro\n");
	clip = editbuf_clipboard(eb, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(clip, "cinco", 5);
	/* Each cut and paste is one undo step. */
	assert_int_equal(undo_all(eb), 6);
	assert_text(eb, "uno\ndos\ntrés\ncuatro\ncinco");
	assert_int_equal(redo_all(eb), 6);
	assert_text(eb, "uno\ndos\ntrés\ncuatro\ndos\ntrés\ncuatro\n");
	editbuf_free(eb);
}

static void test_undo_groups_typing(void **state)
{
	editbuf *eb = loaded("x");

	(void)state;
	editbuf_end(eb);
	type(eb, " mañana");
	assert_int_equal(editbuf_insert(eb, "\n", 1), EDITBUF_OK);
	type(eb, "otra");
	editbuf_left(eb); /* a move ends the group */
	type(eb, "Z");
	assert_text(eb, "x mañana\notrZa");
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "x mañana\notra");
	assert_cursor(eb, 1, 3);
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "x mañana\n");
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "x mañana");
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "x");
	assert_cursor(eb, 0, 1);
	assert_int_equal(editbuf_undo(eb), 0);
	assert_int_equal(editbuf_redo(eb), 1);
	assert_int_equal(editbuf_redo(eb), 1);
	assert_text(eb, "x mañana\n");
	assert_cursor(eb, 1, 0);
	/* A new edit forgets what could be redone. */
	type(eb, "fin");
	assert_int_equal(editbuf_redo(eb), 0);
	assert_text(eb, "x mañana\nfin");
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "x mañana\n");
	editbuf_free(eb);
}

/* The flat model the random test checks against: the text and a byte
 * offset for the cursor. */
typedef struct {
	char buf[1 << 16];
	size_t len, cur;
} flat;

static void flat_sync(flat *f, const editbuf *eb)
{
	char *t = text_of(eb);
	size_t line = 0, off = 0, i;

	assert_true(strlen(t) < sizeof f->buf);
	f->len = strlen(t);
	memcpy(f->buf, t, f->len);
	free(t);
	editbuf_cursor(eb, &line, &off);
	for (i = 0, f->cur = 0; i < line; f->cur++)
		i += f->buf[f->cur] == '\n';
	f->cur += off;
}

static void flat_check(const flat *f, const editbuf *eb)
{
	flat g;

	flat_sync(&g, eb);
	assert_int_equal(g.len, f->len);
	assert_memory_equal(g.buf, f->buf, f->len);
	assert_int_equal(g.cur, f->cur);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* One random operation on eb, mirrored in f for the edits f can model.
 * Returns true when f now holds what eb should. */
static bool random_step(editbuf *eb, flat *f, uint32_t *seed)
{
	static const char *const pool[] = {
		"a", "ñ", "é", "日本", "\xf0\x9f\x98\x80", "e\xcc\x81", "\n",
		"\t", "hola ", "línea\nnueva", "\n\n", "ü", "x"};
	const char *s = NULL;
	size_t at, len;

	switch (rnd(seed) % 16) {
	case 0: case 1: case 2: case 3:
		s = pool[rnd(seed) % (sizeof pool / sizeof pool[0])];
		len = strlen(s);
		if (f->len + len >= sizeof f->buf)
			return true;
		assert_int_equal(editbuf_insert(eb, s, len), EDITBUF_OK);
		memmove(f->buf + f->cur + len, f->buf + f->cur,
		        f->len - f->cur);
		memcpy(f->buf + f->cur, s, len);
		f->len += len;
		f->cur += len;
		return true;
	case 4: case 5:
		assert_int_equal(editbuf_backspace(eb), EDITBUF_OK);
		if (f->cur == 0)
			return true;
		at = f->cur - 1;
		while (at > 0 && ((unsigned char)f->buf[at] & 0xC0) == 0x80)
			at--;
		memmove(f->buf + at, f->buf + f->cur, f->len - f->cur);
		f->len -= f->cur - at;
		f->cur = at;
		return true;
	case 6:
		assert_int_equal(editbuf_delete(eb), EDITBUF_OK);
		if (f->cur == f->len)
			return true;
		at = f->cur + 1;
		while (at < f->len &&
		       ((unsigned char)f->buf[at] & 0xC0) == 0x80)
			at++;
		memmove(f->buf + f->cur, f->buf + at, f->len - at);
		f->len -= at - f->cur;
		return true;
	case 7: editbuf_left(eb); break;
	case 8: editbuf_right(eb); break;
	case 9: editbuf_up(eb); break;
	case 10: editbuf_down(eb); break;
	case 11:
		if (rnd(seed) % 2)
			editbuf_word_left(eb);
		else
			editbuf_word_right(eb);
		break;
	case 12: assert_int_equal(editbuf_cut_line(eb), EDITBUF_OK); break;
	case 13:
		if (f->len < sizeof f->buf / 2)
			assert_int_equal(editbuf_paste(eb), EDITBUF_OK);
		break;
	case 14: assert_true(editbuf_undo(eb) >= 0); break;
	default: assert_true(editbuf_redo(eb) >= 0); break;
	}
	return false;
}

/* 2000 random operations, each checked against the flat model where it
 * can be; then undo all gives back the original text and redo all the
 * final one. */
static void test_random_edits_undo_and_redo(void **state)
{
	const char *original =
		"Política de seguridad\n\nÍtem 1: ñandú\n日本語\n";
	char *final = NULL, *t = NULL;
	editbuf *eb = loaded(original);
	flat *f = malloc(sizeof *f);
	uint32_t seed = 20240601;
	int i;

	(void)state;
	assert_non_null(f);
	flat_sync(f, eb);
	for (i = 0; i < 2000; i++) {
		if (random_step(eb, f, &seed))
			flat_check(f, eb);
		else
			flat_sync(f, eb);
		assert_on_boundary(eb);
	}
	/* One more edit so that nothing is left to redo: this is the final
	 * text. */
	assert_int_equal(editbuf_insert(eb, "FIN", 3), EDITBUF_OK);
	final = text_of(eb);
	assert_true(editbuf_modified(eb));
	i = undo_all(eb);
	assert_true(i > 100);
	assert_text(eb, original);
	assert_false(editbuf_modified(eb));
	assert_int_equal(redo_all(eb), i);
	t = text_of(eb);
	assert_string_equal(t, final);
	assert_true(editbuf_modified(eb));
	free(t);
	free(final);
	free(f);
	editbuf_free(eb);
}

static void test_find_wraps(void **state)
{
	editbuf *eb = loaded("uno dos\ntres uno\ncuatro\nAÑO año");
	bool wrapped = true;

	(void)state;
	assert_int_equal(editbuf_find(eb, "uno", 3, &wrapped), 1);
	assert_cursor(eb, 1, 5); /* the match under the cursor comes last */
	assert_false(wrapped);
	assert_int_equal(editbuf_find(eb, "uno", 3, &wrapped), 1);
	assert_cursor(eb, 0, 0);
	assert_true(wrapped);
	assert_int_equal(editbuf_find(eb, "año", 4, &wrapped), 1);
	assert_cursor(eb, 3, 5); /* case counts: not AÑO */
	assert_false(wrapped);
	/* The only match, under the cursor, is found after a full turn. */
	assert_int_equal(editbuf_find(eb, "año", 4, &wrapped), 1);
	assert_cursor(eb, 3, 5);
	assert_true(wrapped);
	assert_int_equal(editbuf_find(eb, "cinco", 5, NULL), 0);
	assert_cursor(eb, 3, 5);
	assert_int_equal(editbuf_find(eb, "", 0, NULL), EDITBUF_EINVAL);
	assert_int_equal(editbuf_find(eb, "a\nb", 3, NULL), EDITBUF_EINVAL);
	assert_int_equal(editbuf_find(eb, "\xc3", 1, NULL), EDITBUF_EINVAL);
	editbuf_free(eb);
}

static void test_modified_flag(void **state)
{
	editbuf *eb = loaded("texto");

	(void)state;
	assert_false(editbuf_modified(eb));
	type(eb, "ab");
	assert_true(editbuf_modified(eb));
	assert_int_equal(editbuf_undo(eb), 1);
	assert_false(editbuf_modified(eb));
	assert_int_equal(editbuf_redo(eb), 1);
	assert_true(editbuf_modified(eb));
	editbuf_mark_saved(eb);
	assert_false(editbuf_modified(eb));
	/* Typing right after a save is a step of its own... */
	type(eb, "c");
	assert_true(editbuf_modified(eb));
	assert_int_equal(editbuf_undo(eb), 1);
	assert_false(editbuf_modified(eb));
	assert_text(eb, "abtexto");
	assert_int_equal(editbuf_undo(eb), 1);
	assert_true(editbuf_modified(eb));
	/* ...and once the saved state cannot be redone, nothing is saved. */
	type(eb, "z");
	assert_true(editbuf_modified(eb));
	assert_int_equal(editbuf_undo(eb), 1);
	assert_true(editbuf_modified(eb));
	/* Moves do not modify; load starts saved. */
	assert_int_equal(editbuf_load(eb, "nuevo", 5), EDITBUF_OK);
	editbuf_end(eb);
	editbuf_word_left(eb);
	assert_false(editbuf_modified(eb));
	assert_int_equal(editbuf_undo(eb), 0);
	editbuf_free(eb);
}

static void test_positions_and_text_validated(void **state)
{
	editbuf *eb = loaded("añ\nb");
	size_t len = 0;

	(void)state;
	assert_int_equal(editbuf_set_cursor(eb, 2, 0), EDITBUF_EINVAL);
	assert_int_equal(editbuf_set_cursor(eb, 1, 2), EDITBUF_EINVAL);
	assert_int_equal(editbuf_set_cursor(eb, 0, 2), EDITBUF_EINVAL);
	assert_int_equal(editbuf_set_cursor(eb, 0, 3), EDITBUF_OK);
	assert_int_equal(editbuf_insert(eb, "\xc3", 1), EDITBUF_EINVAL);
	assert_int_equal(editbuf_insert(eb, "\xed\xa0\x80", 3), EDITBUF_EINVAL);
	assert_int_equal(editbuf_insert(eb, "\xc0\xaf", 2), EDITBUF_EINVAL);
	assert_int_equal(editbuf_insert(eb, "", 0), EDITBUF_OK);
	assert_text(eb, "añ\nb");
	assert_false(editbuf_modified(eb));
	assert_null(editbuf_line(eb, 2, &len));
	editbuf_free(eb);
}

/* Encoding and decoding agree on every code point; surrogates and values
 * past U+10FFFF do not encode. */
static void test_utf8_encode_decode(void **state)
{
	char u[4];
	uint32_t c, back;
	size_t n;

	(void)state;
	for (c = 0; c <= 0x10FFFF; c++) {
		n = editbuf_char_encode(c, u);
		if (c >= 0xD800 && c <= 0xDFFF) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(n, c < 0x80 ? 1 : c < 0x800 ? 2
		                    : c < 0x10000 ? 3 : 4);
		assert_int_equal(editbuf_char_decode(u, n, &back), n);
		assert_int_equal(back, c);
	}
	assert_int_equal(editbuf_char_encode(0x110000, u), 0);
	/* A truncated sequence is one bad byte. */
	assert_int_equal(editbuf_char_decode("\xe2\x82", 2, &back), 1);
	assert_int_equal(back, 0xFFFD);
}

/* Invalid bytes load as one character each; deleting what separates them
 * may make a valid character, and the cursor moves to its start. */
static void test_invalid_bytes(void **state)
{
	editbuf *eb = loaded("\xc3x\xa9\xff");

	(void)state;
	editbuf_right(eb);
	assert_cursor(eb, 0, 1);
	editbuf_right(eb);
	editbuf_right(eb);
	assert_cursor(eb, 0, 3);
	assert_int_equal(editbuf_cursor_col(eb), 3);
	assert_int_equal(editbuf_set_cursor(eb, 0, 2), EDITBUF_OK);
	assert_int_equal(editbuf_backspace(eb), EDITBUF_OK);
	assert_text(eb, "\xc3\xa9\xff"); /* é */
	assert_cursor(eb, 0, 0);
	assert_on_boundary(eb);
	assert_int_equal(editbuf_undo(eb), 1);
	assert_text(eb, "\xc3x\xa9\xff");
	assert_cursor(eb, 0, 2);
	editbuf_free(eb);
}

/* Step number step of the out-of-memory walk; EDITBUF_ENOMEM or >= 0. */
static int oom_step(editbuf *eb, int step)
{
	switch (step) {
	case 0: return editbuf_insert(eb, "añadido\nmás\n", 14);
	case 1: return editbuf_insert(eb, "x", 1);
	case 2: return editbuf_insert(eb, "y", 1);
	case 3: return editbuf_backspace(eb);
	case 4: return editbuf_cut_line(eb);
	case 5: return editbuf_cut_line(eb);
	case 6: return editbuf_paste(eb);
	case 7: return editbuf_undo(eb);
	case 8: return editbuf_undo(eb);
	case 9: return editbuf_redo(eb);
	case 10: editbuf_home(eb); return editbuf_backspace(eb);
	default: return editbuf_load(eb, "otro\ntexto", 10);
	}
}

/* Every allocation in turn fails once: the operation reports
 * EDITBUF_ENOMEM and the text stays as it was. */
static void test_out_of_memory_leaves_buffer_unchanged(void **state)
{
	editbuf *eb = NULL;
	char *before = NULL, *after = NULL;
	long k;
	int rc, step, failures;

	(void)state;
	for (k = 0;; k++) {
		eb = loaded("línea uno\nlínea dos\n");
		failures = 0;
		allocs_until_failure = k;
		for (step = 0; step < 12; step++) {
			before = text_of(eb);
			rc = oom_step(eb, step);
			after = text_of(eb);
			if (rc == EDITBUF_ENOMEM) {
				failures++;
				assert_string_equal(after, before);
			} else {
				assert_true(rc >= 0);
			}
			assert_on_boundary(eb);
			free(before);
			free(after);
		}
		allocs_until_failure = -1;
		editbuf_free(eb);
		if (failures == 0)
			break;
	}
	assert_true(k > 10);
	/* editbuf_new itself. */
	allocs_until_failure = 0;
	assert_null(editbuf_new());
	allocs_until_failure = 1;
	assert_null(editbuf_new());
	allocs_until_failure = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_export_round_trip),
		cmocka_unit_test(test_spanish_typing_and_boundaries),
		cmocka_unit_test(test_backspace_and_delete_whole_characters),
		cmocka_unit_test(test_wide_characters_keep_the_column),
		cmocka_unit_test(test_word_moves),
		cmocka_unit_test(test_cut_and_paste_lines),
		cmocka_unit_test(test_undo_groups_typing),
		cmocka_unit_test(test_random_edits_undo_and_redo),
		cmocka_unit_test(test_find_wraps),
		cmocka_unit_test(test_modified_flag),
		cmocka_unit_test(test_positions_and_text_validated),
		cmocka_unit_test(test_utf8_encode_decode),
		cmocka_unit_test(test_invalid_bytes),
		cmocka_unit_test(test_out_of_memory_leaves_buffer_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
