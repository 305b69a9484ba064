/* ui_md: display lines for the terminal UI, with no terminal in sight.
 *
 * The reader, the diff view and the crisis screen all show text as a list
 * of display lines, each a run of UTF-8 bytes with attribute spans. This
 * module builds such lines: it wraps text to a width in display columns
 * (editbuf's width rules, so wide characters and combining accents count
 * as they are drawn), renders the Markdown subset of
 * docs/template-format.md, and renders a line diff with word-level
 * highlights. ui_draw.c maps the attributes to curses; nothing here calls
 * curses, prints or touches the locale, so all of it is unit-tested. */
#ifndef AMPARO_UI_MD_H
#define AMPARO_UI_MD_H

#include <stddef.h>

/* Attributes of a span. Meaning never rests on colour alone: UI_A_ADD and
 * UI_A_DEL are colour hints that always come with a "+"/"-" mark and bold,
 * reverse or underline. */
enum {
	UI_A_BOLD = 1u,
	UI_A_UNDER = 2u,
	UI_A_REVERSE = 4u,
	UI_A_ADD = 8u,   /* an inserted line (green where colour is allowed) */
	UI_A_DEL = 16u,  /* a deleted line (red where colour is allowed) */
	UI_A_HEAD = 32u, /* a heading (colour hint; always with bold) */
	UI_A_DIM = 64u,  /* secondary text: separators, dates */
	UI_A_FIELD = 128u /* a [[fill in]] field (shown reversed) */
};

/* A span of bytes [off, off + len) of a line with one set of attributes. */
typedef struct {
	size_t off, len;
	unsigned attr;
} ui_span;

/* One display line: text (NUL-terminated, len bytes) and spans covering
 * every byte in order; at most the width asked for, in display columns. */
typedef struct {
	char *text;
	size_t len;
	ui_span *spans;
	size_t nspans;
} ui_line;

typedef struct {
	ui_line *v;
	size_t n, cap;
} ui_lines;

/* An empty list. */
void ui_lines_init(ui_lines *ls);
/* Wipe (documents are secret) and free every line; the list is empty
 * afterwards and may be reused. */
void ui_lines_clear(ui_lines *ls);

/* Append text[0..len) word-wrapped to width columns. attrs[i] holds the
 * attributes of byte i (NULL: every byte has base; otherwise base is
 * or'ed in). The first line starts after indent_first blanks, the others
 * after indent_rest. Leading spaces are kept; other runs of spaces
 * collapse into one; a word wider than the room is cut between characters. Empty text appends one empty line.
 * Returns 0, or -1 when out of memory (lines appended so far stay). */
int ui_lines_wrap(ui_lines *ls, const char *text, const unsigned char *attrs,
                  size_t len, unsigned base, size_t width,
                  size_t indent_first, size_t indent_rest);

/* Render Markdown md[0..len) to width columns (at least 8 are used):
 * headings bold (the title also underlined), paragraphs wrapped, bullet
 * items as "• ", numbered items with their number, checklist items as
 * "[ ] " and "[x] ", all with hanging indents; *emphasis* underlined,
 * **strong** bold, [[fill in]] fields kept as text and reversed. Returns
 * 0 or -1 when out of memory. */
int ui_md_render(const char *md, size_t len, size_t width, ui_lines *out);

/* Render what changed from a to b as display lines to width columns:
 * removed lines start "- " (UI_A_DEL, bold mark), added lines "+ "
 * (UI_A_ADD, bold mark), three lines of context start "  ", and a dim
 * "@@ line N @@" line opens each group of changes. Where a removed line is
 * paired with an added one, the words that differ are UI_A_REVERSE (and
 * underlined on the added side). Identical texts give one line saying so
 * (same_msg). Returns 0 or -1 when out of memory. */
int ui_diff_render(const char *a, size_t a_len, const char *b, size_t b_len,
                   size_t width, const char *same_msg, ui_lines *out);

/* Grow an array (cap elements of elem bytes at v) to twice its size, or
 * to 16 elements when empty; *cap is updated. Returns the new array, or
 * NULL (v untouched) when out of memory. Shared by every list the
 * interface builds. */
void *ui_grow(void *v, size_t *cap, size_t elem);

#endif
