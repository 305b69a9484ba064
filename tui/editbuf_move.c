/* editbuf_move.c: cursor moves and find, for editbuf.h. Moves never fail
 * and never change the text; each settles the runs of typing and cutting
 * before it (editbuf_settle). */
#include "editbuf_int.h"

#include <string.h>

size_t editbuf_cursor_col(const editbuf *eb)
{
	return editbuf_text_cols(eb->lines[eb->cur.line].s, eb->cur.off);
}

int editbuf_set_cursor(editbuf *eb, size_t line, size_t off)
{
	if (line >= eb->n_lines || off > eb->lines[line].len ||
	    editbuf_char_start(eb->lines[line].s, eb->lines[line].len, off) !=
	        off)
		return EDITBUF_EINVAL;
	editbuf_settle(eb);
	eb->cur = (eb_pos){line, off};
	return EDITBUF_OK;
}

static bool zero_width_at(const eb_line *l, size_t off)
{
	return off < l->len && editbuf_cols_at(l->s, l->len, off, 0) == 0;
}

/* Left and right step over zero-width characters too, so that the cursor
 * never rests between a letter and the accent that combines with it. */
void editbuf_left(editbuf *eb)
{
	const eb_line *l = &eb->lines[eb->cur.line];

	editbuf_settle(eb);
	if (eb->cur.off == 0) {
		if (eb->cur.line > 0) {
			eb->cur.line--;
			eb->cur.off = eb->lines[eb->cur.line].len;
		}
		return;
	}
	do
		eb->cur.off = editbuf_prev_off(l->s, l->len, eb->cur.off);
	while (eb->cur.off > 0 && zero_width_at(l, eb->cur.off));
}

void editbuf_right(editbuf *eb)
{
	const eb_line *l = &eb->lines[eb->cur.line];

	editbuf_settle(eb);
	if (eb->cur.off == l->len) {
		if (eb->cur.line + 1 < eb->n_lines)
			eb->cur = (eb_pos){eb->cur.line + 1, 0};
		return;
	}
	do
		eb->cur.off = editbuf_next_off(l->s, l->len, eb->cur.off);
	while (zero_width_at(l, eb->cur.off));
}

static void move_vertical(editbuf *eb, size_t n, bool down)
{
	size_t col = eb->want_valid ? eb->want_col : editbuf_cursor_col(eb);
	size_t L = eb->cur.line, last = eb->n_lines - 1;

	editbuf_settle(eb);
	if (down)
		L = n < last - L ? L + n : last;
	else
		L = n < L ? L - n : 0;
	eb->cur = (eb_pos){L, editbuf_off_at_col(eb->lines[L].s,
	                                          eb->lines[L].len, col)};
	eb->want_col = col;
	eb->want_valid = true;
}

void editbuf_up(editbuf *eb)
{
	move_vertical(eb, 1, false);
}

void editbuf_down(editbuf *eb)
{
	move_vertical(eb, 1, true);
}

void editbuf_page_up(editbuf *eb, size_t n)
{
	move_vertical(eb, n, false);
}

void editbuf_page_down(editbuf *eb, size_t n)
{
	move_vertical(eb, n, true);
}

void editbuf_home(editbuf *eb)
{
	editbuf_settle(eb);
	eb->cur.off = 0;
}

void editbuf_end(editbuf *eb)
{
	editbuf_settle(eb);
	eb->cur.off = eb->lines[eb->cur.line].len;
}

/* Every byte of a multibyte character is >= 0x80, so runs of word bytes
 * begin and end on character boundaries and the word moves can step by
 * bytes. */
static bool is_word(char ch)
{
	unsigned char c = (unsigned char)ch;

	return c >= 0x80 || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

void editbuf_word_right(editbuf *eb)
{
	eb_pos p = eb->cur;
	const eb_line *l = &eb->lines[p.line];

	editbuf_settle(eb);
	while (p.off < l->len && is_word(l->s[p.off]))
		p.off++;
	for (;;) {
		while (p.off < l->len && !is_word(l->s[p.off]))
			p.off++;
		if (p.off < l->len || p.line + 1 == eb->n_lines)
			break;
		p = (eb_pos){p.line + 1, 0};
		l = &eb->lines[p.line];
	}
	eb->cur = p;
}

void editbuf_word_left(editbuf *eb)
{
	eb_pos p = eb->cur;
	const eb_line *l = &eb->lines[p.line];

	editbuf_settle(eb);
	for (;;) {
		while (p.off > 0 && !is_word(l->s[p.off - 1]))
			p.off--;
		if (p.off > 0 || p.line == 0)
			break;
		p.line--;
		l = &eb->lines[p.line];
		p.off = l->len;
	}
	while (p.off > 0 && is_word(l->s[p.off - 1]))
		p.off--;
	eb->cur = p;
}

/* ---- finding ---- */

/* The first match of nd[0..n) in l that starts in [from, last]. */
static bool line_find(const eb_line *l, size_t from, size_t last,
                      const char *nd, size_t n, size_t *at)
{
	size_t i;

	if (l->len < n)
		return false;
	if (last > l->len - n)
		last = l->len - n;
	for (i = from; i <= last; i++) {
		if (l->s[i] == nd[0] && memcmp(l->s + i, nd, n) == 0) {
			*at = i;
			return true;
		}
	}
	return false;
}

int editbuf_find(editbuf *eb, const char *needle, size_t len, bool *wrapped)
{
	size_t L = eb->cur.line, n = eb->n_lines, k, i, at;

	if (len == 0 || memchr(needle, '\n', len) != NULL ||
	    !editbuf_utf8_valid(needle, len))
		return EDITBUF_EINVAL;
	editbuf_settle(eb);
	/* A valid needle starts with a non-continuation byte, so every match
	 * starts on a character boundary. */
	for (k = 0; k <= n; k++) {
		i = (L + k) % n;
		if (line_find(&eb->lines[i], k == 0 ? eb->cur.off + 1 : 0,
		              k == n ? eb->cur.off : SIZE_MAX, needle, len,
		              &at)) {
			eb->cur = (eb_pos){i, at};
			if (wrapped != NULL)
				*wrapped = L + k >= n;
			return 1;
		}
	}
	return 0;
}
