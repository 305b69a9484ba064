/* editor.c: see editor.h.
 *
 * The screen, top to bottom: a title bar, the text, a status line that
 * also holds prompts and questions, and two rows of key names, as in nano.
 * The whole screen is drawn again from the model before every key (ncurses
 * sends the terminal only what changed), so a resize at any moment, inside
 * a prompt or the help screen too, is simply one more redraw. Widths and
 * characters follow editbuf's rules so that the cursor lands where the
 * model says; each cell is placed at its own column, so a terminal that
 * disagrees about one character's width cannot shift the rest. */
#define NCURSES_WIDECHAR 1

#include "editor.h"
#include "ui_i18n.h"

#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "editbuf.h"

#ifndef AMPARO_VERSION
#define AMPARO_VERSION ""
#endif

#define ED_CTRL(c) ((c) & 0x1f)
#define ED_ESC 27
#define ED_MAX_ALIASES 4
#define ED_MAX_ANSWER 1024 /* bytes in a prompt answer */

typedef enum {
	ACT_STAY,    /* go on editing */
	ACT_SAVE,    /* ^S or ^O */
	ACT_EXIT,    /* ^X: leave, asking first if there are changes */
	ACT_DISCARD  /* leave without saving */
} ed_act;

typedef struct {
	bool fn;   /* c is a KEY_* code rather than a character */
	wint_t c;  /* 0 for an escape sequence nobody knows: ignore it */
} ed_key;

typedef struct {
	int rows, cols;
	int text_top, text_rows;
	int status_row;
	int keys_row; /* first of two rows of key names; -1 when none fit */
} ed_layout;

typedef struct {
	editbuf *eb;
	const char *title;
	size_t top;              /* the first text line on screen */
	char status[160];        /* a message for the status line, or "" */
	char *search;            /* the last search string, malloc'd */
	const char *question;    /* a question awaiting one key... */
	const char *prompt;      /* ...or a prompt awaiting a line... */
	editbuf *answer;         /* ...typed here */
	bool help;               /* the help screen is up */
	int words[2][ED_MAX_ALIASES]; /* key codes of Ctrl-Left, Ctrl-Right */
	int n_words[2];
	int fatal;               /* EDITOR_ENOTTY once the terminal is gone */
} ed;

/* ---- drawing ---- */

static ed_layout layout(void)
{
	ed_layout L;

	getmaxyx(stdscr, L.rows, L.cols);
	L.text_top = 1;
	L.keys_row = L.rows >= 6 ? L.rows - 2 : -1;
	L.status_row = L.rows >= 6 ? L.rows - 3 : L.rows - 1;
	L.text_rows = L.status_row - L.text_top;
	return L;
}

/* Draw one character of width w (> 0) at (y, x): base is the code point,
 * marks[0..n_marks) the zero-width ones that combine with it. */
static void draw_cell(int y, int x, uint32_t base, const uint32_t *marks,
                      int n_marks, size_t w, attr_t attr)
{
	wchar_t wc[CCHARW_MAX + 1];
	cchar_t cc;
	int i, n = 0;

	if (base == '\t') {
		mvhline(y, x, ' ' | attr, (int)w);
		return;
	}
	if (base < 0x20 || base == 0x7f) {
		mvaddch(y, x, '^' | attr | A_REVERSE);
		addch((chtype)(base ^ 0x40) | attr | A_REVERSE);
		return;
	}
	wc[n++] = (base >= 0x80 && base < 0xa0) || !iswprint((wint_t)base)
	          ? (wchar_t)0xFFFD : (wchar_t)base;
	for (i = 0; i < n_marks && n < CCHARW_MAX; i++)
		if (iswprint((wint_t)marks[i]))
			wc[n++] = (wchar_t)marks[i];
	wc[n] = L'\0';
	if (setcchar(&cc, wc, attr, 0, NULL) == ERR) {
		wc[0] = (wchar_t)0xFFFD;
		wc[1] = L'\0';
		setcchar(&cc, wc, attr, 0, NULL);
	}
	mvadd_wch(y, x, &cc);
	if (w == 2 && wcwidth(wc[0]) == 1)
		mvaddch(y, x + 1, ' ' | attr);
}

/* Draw display columns [from, from + width) of s[0..n) on row y from
 * screen column x. A wide character cut by the left edge shows as blanks.
 * Returns true when the text goes on past the right edge. */
static bool draw_span(int y, int x, const char *s, size_t n, size_t from,
                      size_t width, attr_t attr)
{
	uint32_t base, marks[CCHARW_MAX], cp;
	size_t i = 0, col = 0, w, k;
	int n_marks;

	while (i < n) {
		i += editbuf_char_decode(s + i, n - i, &base);
		w = editbuf_char_cols(base, col);
		for (n_marks = 0; i < n; i += k) {
			k = editbuf_char_decode(s + i, n - i, &cp);
			if (editbuf_char_cols(cp, col + w) != 0)
				break;
			if (n_marks < CCHARW_MAX)
				marks[n_marks++] = cp;
		}
		if (col + w > from + width)
			return true;
		if (w > 0 && col >= from)
			draw_cell(y, x + (int)(col - from), base, marks,
			          n_marks, w, attr);
		else if (col + w > from)
			mvhline(y, x, ' ' | attr, (int)(col + w - from));
		col += w;
	}
	return false;
}

static void draw_str(int y, int x, const char *s, int width, attr_t attr)
{
	if (width > 0)
		draw_span(y, x, s, strlen(s), 0, (size_t)width, attr);
}

/* The first display column shown of a line whose cursor is at column col
 * in a window width wide: 0 while the cursor fits, else steps of
 * width - 8, which leave the cursor well inside. */
static size_t hscroll(size_t col, size_t width)
{
	size_t step = width > 16 ? width - 8 : (width + 1) / 2;

	if (width < 2 || col < width - 1)
		return 0;
	return ((col - (width - 1)) / step + 1) * step;
}

static void draw_title(const ed *e, const ed_layout *L)
{
	const char *left = " Amparo " AMPARO_VERSION;
	/* TRANSLATORS: the editor's title bar, right end; keep the space. */
	const char *right = editbuf_modified(e->eb) ? _("Modified ") : "";
	int lw = (int)strlen(left), tw, x;
	int rw = (int)editbuf_text_cols(right, strlen(right));

	mvhline(0, 0, ' ' | A_REVERSE, L->cols);
	draw_str(0, 0, left, L->cols, A_REVERSE);
	tw = (int)editbuf_text_cols(e->title, strlen(e->title));
	x = (L->cols - tw) / 2;
	if (x < lw + 2)
		x = lw + 2;
	draw_str(0, x, e->title, L->cols - x - rw - 1, A_REVERSE | A_BOLD);
	if (L->cols - rw > x)
		draw_str(0, L->cols - rw, right, rw, A_REVERSE);
}

/* Draw the visible lines; OUT *cy, *cx: where the cursor goes. */
static void draw_text(ed *e, const ed_layout *L, int *cy, int *cx)
{
	size_t line = 0, len = 0, i, hs, col, w = (size_t)L->cols;
	size_t rows = (size_t)L->text_rows;
	int y;
	const char *s = NULL;
	bool more;

	editbuf_cursor(e->eb, &line, NULL);
	if (line < e->top)
		e->top = line;
	else if (line >= e->top + rows)
		e->top = line - rows + 1;
	col = editbuf_cursor_col(e->eb);
	for (i = 0; i < rows; i++) {
		s = editbuf_line(e->eb, e->top + i, &len);
		if (s == NULL)
			break;
		hs = e->top + i == line ? hscroll(col, w) : 0;
		y = L->text_top + (int)i;
		more = draw_span(y, 0, s, len, hs, w, A_NORMAL);
		if (hs > 0)
			mvaddch(y, 0, '<' | A_REVERSE);
		if (more)
			mvaddch(y, L->cols - 1, '>' | A_REVERSE);
	}
	*cy = L->text_top + (int)(line - e->top);
	*cx = (int)(col - hscroll(col, w));
}

static const struct {
	const char *key, *label;
} ed_keys[2][6] = {
	{{"^S", N_("Save")}, {"^W", N_("Find")}, {"^K", N_("Cut line")},
	 {"^U", N_("Paste")}, {"^Z", N_("Undo")}, {"F1", N_("Help")}},
	{{"^X", N_("Exit")}, {"^O", N_("Save")}, {"^C", N_("Position")},
	 {"^A", N_("Home")}, {"^E", N_("End")}, {"^Y", N_("Redo")}},
};

static void draw_keys(const ed_layout *L)
{
	int r, i, cw = L->cols / 6, x;

	if (L->keys_row < 0 || cw < 3)
		return;
	for (r = 0; r < 2; r++) {
		for (i = 0; i < 6; i++) {
			x = i * cw;
			draw_str(L->keys_row + r, x, ed_keys[r][i].key, 2,
			         A_REVERSE);
			draw_str(L->keys_row + r, x + 3, _(ed_keys[r][i].label),
			         cw - 4, A_NORMAL);
		}
	}
}

/* The status line: a prompt with its answer, a question, or a message.
 * OUT *cx: the cursor column when it belongs on this line, else -1. */
static void draw_status(const ed *e, const ed_layout *L, int *cx)
{
	const char *ans = NULL, *ask = e->prompt != NULL ? e->prompt
	                                                 : e->question;
	size_t len = 0, col, hs, lw;
	int y = L->status_row, w, x;

	*cx = -1;
	if (ask != NULL) {
		mvhline(y, 0, ' ' | A_REVERSE, L->cols);
		lw = editbuf_text_cols(ask, strlen(ask));
		draw_str(y, 0, ask, L->cols, A_REVERSE);
		*cx = lw < (size_t)L->cols ? (int)lw : L->cols - 1;
		if (e->prompt == NULL || (size_t)L->cols <= lw + 1)
			return;
		w = L->cols - (int)lw;
		ans = editbuf_line(e->answer, 0, &len);
		col = editbuf_cursor_col(e->answer);
		hs = hscroll(col, (size_t)w);
		draw_span(y, (int)lw, ans, len, hs, (size_t)w, A_REVERSE);
		*cx = (int)(lw + col - hs);
	} else if (e->status[0] != '\0') {
		w = (int)editbuf_text_cols(e->status, strlen(e->status));
		if (w > L->cols - 4)
			w = L->cols - 4;
		x = (L->cols - w - 4) / 2;
		draw_str(y, x, "[ ", 2, A_REVERSE);
		draw_str(y, x + 2, e->status, w, A_REVERSE);
		draw_str(y, x + 2 + w, " ]", 2, A_REVERSE);
	}
}

static const char *const ed_help[] = {
	N_("Amparo editor: keys"),
	"",
	N_("  Arrows, Home, End      move (^A and ^E: start and end of line)"),
	N_("  PgUp, PgDn             move by a screen"),
	N_("  Ctrl-Left, Ctrl-Right  move by a word"),
	N_("  Backspace, Delete      delete a character (^D: delete too)"),
	N_("  ^K                     cut the line; cut again to add lines"),
	N_("  ^U                     paste the cut lines"),
	N_("  ^Z, ^Y                 undo, redo"),
	N_("  ^W                     find (Enter alone: find the last again)"),
	N_("  ^C                     show the cursor position"),
	N_("  ^S or ^O               save: asks for a revision message"),
	N_("  ^X                     exit; asks whether to save changes"),
	N_("  F1 or ^G               this help"),
	"",
	N_("In a prompt: Enter accepts, Esc or ^C cancels."),
	N_("The text stays in memory and is never written to a file."),
};

static void draw_help(const ed_layout *L)
{
	size_t i, n = sizeof ed_help / sizeof ed_help[0];

	for (i = 0; i < n && (int)i < L->rows - 1; i++)
		draw_str((int)i, 0, ed_help[i][0] != '\0' ? _(ed_help[i]) : "",
		         L->cols, i == 0 ? A_BOLD : 0);
	mvhline(L->rows - 1, 0, ' ' | A_REVERSE, L->cols);
	draw_str(L->rows - 1, 0, _(" Press any key to return to the text"),
	         L->cols, A_REVERSE);
}

static void draw(ed *e)
{
	ed_layout L = layout();
	int cy = 0, cx = 0, px = -1;

	erase();
	if (L.rows < 3 || L.cols < 10) {
		draw_str(0, 0, _("Terminal too small"), L.cols, A_BOLD);
	} else if (e->help) {
		draw_help(&L);
		cy = L.rows - 1;
	} else {
		draw_title(e, &L);
		draw_text(e, &L, &cy, &cx);
		draw_keys(&L);
		draw_status(e, &L, &px);
		if (px >= 0) {
			cy = L.status_row;
			cx = px;
		}
	}
	move(cy, cx);
	refresh();
}

/* ---- keys ---- */

/* Read one key, drawing first. Returns false when the terminal is gone.
 * Escape sequences ncurses does not know (and Alt+key) come back as
 * c == 0 rather than as stray characters typed into the text. */
static bool read_key(ed *e, ed_key *k)
{
	wint_t c = 0, c2 = 0;
	int rc, errors = 0;

	for (;;) {
		draw(e);
		rc = get_wch(&c);
		if (rc != ERR)
			break;
		/* ERR without a timeout means the input is gone; a signal
		 * may cause one, so allow a few. */
		if (++errors > 20) {
			e->fatal = EDITOR_ENOTTY;
			return false;
		}
	}
	k->fn = rc == KEY_CODE_YES;
	k->c = c;
	if (k->fn || c != ED_ESC)
		return true;
	timeout(0);
	if (get_wch(&c2) != ERR) {
		k->c = 0;
		if (c2 == L'[') {
			while (get_wch(&c2) != ERR && (c2 < 0x40 || c2 > 0x7e))
				;
		} else if (c2 == L'O') {
			get_wch(&c2);
		}
	}
	timeout(-1);
	return true;
}

/* 0 when c is Ctrl-Left, 1 when Ctrl-Right, else -1. */
static int word_key(const ed *e, wint_t c)
{
	int d, i;

	for (d = 0; d < 2; d++)
		for (i = 0; i < e->n_words[d]; i++)
			if ((wint_t)e->words[d][i] == c)
				return d;
	return -1;
}

/* A key code bound to no sequence, from start up. */
static int free_key_code(int start)
{
	char *s = NULL;
	int c;

	for (c = start; c < KEY_MAX + 1024; c++) {
		s = keybound(c, 0);
		if (s == NULL)
			return c;
		free(s);
	}
	return -1;
}

/* Ctrl-Left and Ctrl-Right are not in every terminfo entry: take the codes
 * ncurses has for the usual sequences, and define our own for the rest. */
static void define_word_keys(ed *e)
{
	static const char *const seq[2][ED_MAX_ALIASES - 1] = {
		{"\033[1;5D", "\033[5D", "\033Od"},
		{"\033[1;5C", "\033[5C", "\033Oc"}};
	int d, i, c, mine = KEY_MAX;

	for (d = 0; d < 2; d++) {
		mine = free_key_code(mine + 1);
		if (mine > 0)
			e->words[d][e->n_words[d]++] = mine;
		for (i = 0; i < ED_MAX_ALIASES - 1; i++) {
			c = key_defined(seq[d][i]);
			if (c > 0)
				e->words[d][e->n_words[d]++] = c;
			else if (c == 0 && mine > 0)
				define_key(seq[d][i], mine);
		}
	}
}

/* Type character c into b when it is text (a tab or a printable). */
static int type_char(editbuf *b, wint_t c)
{
	char u[4];
	size_t n;

	if (c != L'\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)))
		return EDITBUF_OK;
	n = editbuf_char_encode((uint32_t)c, u);
	return n > 0 ? editbuf_insert(b, u, n) : EDITBUF_OK;
}

/* Keys that edit a single line the same way in the text and in prompts.
 * Returns true when k was one of them. */
static bool line_key(ed *e, editbuf *b, const ed_key *k, int *rc)
{
	*rc = EDITBUF_OK;
	if (k->fn) {
		switch (k->c) {
		case KEY_LEFT: editbuf_left(b); return true;
		case KEY_RIGHT: editbuf_right(b); return true;
		case KEY_HOME: editbuf_home(b); return true;
		case KEY_END: editbuf_end(b); return true;
		case KEY_BACKSPACE: *rc = editbuf_backspace(b); return true;
		case KEY_DC: *rc = editbuf_delete(b); return true;
		}
		switch (word_key(e, k->c)) {
		case 0: editbuf_word_left(b); return true;
		case 1: editbuf_word_right(b); return true;
		}
		return false;
	}
	switch (k->c) {
	case 0x7f: case ED_CTRL('h'): *rc = editbuf_backspace(b); return true;
	case ED_CTRL('d'): *rc = editbuf_delete(b); return true;
	case ED_CTRL('a'): editbuf_home(b); return true;
	case ED_CTRL('e'): editbuf_end(b); return true;
	}
	if (k->c < 0x20 && k->c != L'\t')
		return false;
	*rc = type_char(b, k->c);
	return true;
}

/* ---- prompts, questions, help ---- */

/* Free a string that may hold words of the text, wiping it first. */
static void str_free(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

static void set_status(ed *e, const char *msg)
{
	snprintf(e->status, sizeof e->status, "%s", msg);
}

/* Ask for one line on the status line. Returns 1 with OUT *out (malloc'd,
 * NUL-terminated) when Enter is pressed, 0 when cancelled (Esc, ^C) or the
 * terminal is gone, EDITOR_ENOMEM when out of memory. */
static int prompt(ed *e, const char *label, char **out)
{
	ed_key k;
	size_t len = 0;
	int rc = EDITOR_ENOMEM, erc;

	e->answer = editbuf_new();
	if (e->answer == NULL)
		goto out;
	e->prompt = label;
	for (;;) {
		rc = 0;
		if (!read_key(e, &k))
			goto out;
		if ((k.fn && k.c == KEY_ENTER) ||
		    (!k.fn && (k.c == L'\r' || k.c == L'\n')))
			break;
		if (!k.fn && (k.c == ED_ESC || k.c == ED_CTRL('c')))
			goto out;
		(void)editbuf_line(e->answer, 0, &len);
		if (!k.fn && k.c >= 0x20 && len + 4 > ED_MAX_ANSWER)
			continue; /* full */
		(void)line_key(e, e->answer, &k, &erc);
	}
	rc = editbuf_export(e->answer, out, &len) == EDITBUF_OK;
	if (rc == 0)
		rc = EDITOR_ENOMEM;
out:
	e->prompt = NULL;
	editbuf_free(e->answer);
	e->answer = NULL;
	return rc;
}

/* Ask question and wait for one of the letters in keys (lower case), Esc
 * or ^C. Returns the letter, or 0 for Esc, ^C or a lost terminal. */
/* Ask question on the status line until one of keys (lower-case ASCII
 * letters) is typed, in either case. Returns its index in keys, or -1 for
 * Esc or ^C. */
static int ask(ed *e, const char *question, const char *keys)
{
	ed_key k;
	int answer = -1;

	e->question = question;
	while (read_key(e, &k)) {
		const char *hit;
		wint_t c;

		if (k.fn || k.c == 0)
			continue;
		if (k.c == ED_ESC || k.c == ED_CTRL('c'))
			break;
		c = towlower(k.c);
		hit = c != 0 && c < 0x80 ? strchr(keys, (int)c) : NULL;
		if (hit != NULL) {
			answer = (int)(hit - keys);
			break;
		}
	}
	e->question = NULL;
	return answer;
}

static void show_help(ed *e)
{
	ed_key k;

	e->help = true;
	while (read_key(e, &k) && k.fn && k.c == KEY_RESIZE)
		;
	e->help = false;
}

static void find(ed *e)
{
	char label[96], *s = NULL;
	bool wrapped = false;
	int rc;

	if (e->search != NULL && strlen(e->search) < 40)
		snprintf(label, sizeof label, _("Search [%s]: "), e->search);
	else
		snprintf(label, sizeof label, "%s", _("Search: "));
	rc = prompt(e, label, &s);
	if (rc <= 0) {
		set_status(e, rc == 0 ? _("Cancelled") : _("Out of memory"));
		return;
	}
	if (s[0] == '\0' && e->search == NULL) {
		free(s);
		set_status(e, _("Cancelled"));
		return;
	}
	if (s[0] == '\0') {
		free(s); /* Enter alone: the last search again */
	} else {
		str_free(e->search);
		e->search = s;
	}
	rc = editbuf_find(e->eb, e->search, strlen(e->search), &wrapped);
	if (rc == 1 && wrapped)
		set_status(e, _("Search wrapped"));
	else if (rc == 0)
		snprintf(e->status, sizeof e->status, _("\"%.60s\" not found"),
		         e->search);
}

/* ---- the editing loop ---- */

static size_t page_size(void)
{
	ed_layout L = layout();

	return L.text_rows > 3 ? (size_t)L.text_rows - 2 : 1;
}

/* The first line to show after a page move: keep the text filling the
 * window where it can. */
static size_t clamp_top(const ed *e, size_t top)
{
	ed_layout L = layout();
	size_t n = editbuf_line_count(e->eb), rows, max;

	rows = L.text_rows > 0 ? (size_t)L.text_rows : 1;
	max = n > rows ? n - rows : 0;
	return top < max ? top : max;
}

/* Keys of the text that are not line_key's. */
static ed_act text_key(ed *e, const ed_key *k, int *rc)
{
	size_t n = page_size(), line = 0;

	if (k->fn) {
		switch (k->c) {
		case KEY_UP: editbuf_up(e->eb); break;
		case KEY_DOWN: editbuf_down(e->eb); break;
		case KEY_PPAGE:
			editbuf_page_up(e->eb, n);
			e->top = e->top > n ? e->top - n : 0;
			break;
		case KEY_NPAGE:
			editbuf_page_down(e->eb, n);
			e->top = clamp_top(e, e->top + n);
			break;
		case KEY_ENTER: *rc = editbuf_insert(e->eb, "\n", 1); break;
		case KEY_F(1): show_help(e); break;
		}
		return ACT_STAY;
	}
	switch (k->c) {
	case L'\r': case L'\n': *rc = editbuf_insert(e->eb, "\n", 1); break;
	case ED_CTRL('k'): *rc = editbuf_cut_line(e->eb); break;
	case ED_CTRL('u'): *rc = editbuf_paste(e->eb); break;
	case ED_CTRL('z'):
		if ((*rc = editbuf_undo(e->eb)) == 0)
			set_status(e, _("Nothing to undo"));
		break;
	case ED_CTRL('y'):
		if ((*rc = editbuf_redo(e->eb)) == 0)
			set_status(e, _("Nothing to redo"));
		break;
	case ED_CTRL('w'): find(e); break;
	case ED_CTRL('c'):
		editbuf_cursor(e->eb, &line, NULL);
		snprintf(e->status, sizeof e->status, _("line %zu/%zu, column %zu"),
		         line + 1, editbuf_line_count(e->eb),
		         editbuf_cursor_col(e->eb) + 1);
		break;
	case ED_CTRL('g'): show_help(e); break;
	case ED_CTRL('s'): case ED_CTRL('o'): return ACT_SAVE;
	case ED_CTRL('x'): return ACT_EXIT;
	}
	return ACT_STAY;
}

/* Ask for the revision message and hand the text over. Returns
 * EDITOR_SAVED, or 0 to go on editing. */
static int save(ed *e, char **out, size_t *out_len, char **message)
{
	char *msg = NULL;
	int rc = prompt(e, _("Revision message: "), &msg);

	if (rc <= 0) {
		set_status(e, rc == 0 ? _("Cancelled") : _("Out of memory"));
		return 0;
	}
	if (editbuf_export(e->eb, out, out_len) != EDITBUF_OK) {
		free(msg);
		set_status(e, _("Out of memory: not saved"));
		return 0;
	}
	*message = msg;
	return EDITOR_SAVED;
}

static int edit_loop(ed *e, char **out, size_t *out_len, char **message)
{
	ed_key k;
	ed_act act;
	int rc;

	while (read_key(e, &k)) {
		if (!(k.fn && k.c == KEY_RESIZE))
			e->status[0] = '\0';
		if (k.c == 0)
			continue;
		rc = EDITBUF_OK;
		act = ACT_STAY;
		if (!line_key(e, e->eb, &k, &rc))
			act = text_key(e, &k, &rc);
		if (rc == EDITBUF_ENOMEM)
			set_status(e, _("Out of memory: not done"));
		if (act == ACT_EXIT && editbuf_modified(e->eb)) {
			/* TRANSLATORS: the keys that answer "Save changes?":
			 * yes, no, cancel, in that order, lower case, as the
			 * question shows them. */
			switch (ask(e, _("Save changes? (y)es / (n)o / (c)ancel"),
			            _("ync"))) {
			case 0: act = ACT_SAVE; break;
			case 1: act = ACT_DISCARD; break;
			default: act = ACT_STAY; set_status(e, _("Cancelled"));
			}
		}
		if (act == ACT_EXIT || act == ACT_DISCARD)
			return EDITOR_QUIT;
		if (act == ACT_SAVE && save(e, out, out_len, message) > 0)
			return EDITOR_SAVED;
	}
	return e->fatal != 0 ? e->fatal : EDITOR_ENOTTY;
}

/* ---- terminal and locale ---- */

/* ncursesw needs a UTF-8 LC_CTYPE to read and show UTF-8. OUT *saved: the
 * locale to put back, or NULL when it was left alone. */
static int locale_begin(char **saved)
{
	const char *cur = setlocale(LC_CTYPE, NULL);
	bool unset = cur == NULL || strcmp(cur, "C") == 0 ||
	             strcmp(cur, "POSIX") == 0;

	*saved = NULL;
	if (!unset && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	cur = setlocale(LC_ALL, NULL);
	*saved = strdup(cur != NULL ? cur : "C");
	if (*saved == NULL)
		return EDITOR_ENOMEM;
	if (unset) /* the caller never called setlocale */
		setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	return 0;
}

static void locale_end(char *saved)
{
	if (saved != NULL)
		setlocale(LC_ALL, saved);
	free(saved);
}

/* Start curses on the controlling terminal. */
static SCREEN *term_begin(FILE **tty)
{
	SCREEN *scr = NULL;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	*tty = fd >= 0 ? fdopen(fd, "r+") : NULL;
	if (*tty == NULL && fd >= 0)
		close(fd);
	if (*tty != NULL)
		scr = newterm(NULL, *tty, *tty);
	else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		scr = newterm(NULL, stdout, stdin);
	if (scr == NULL)
		return NULL;
	set_term(scr);
	raw(); /* ^Z, ^S, ^O, ^Y and ^C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	curs_set(1);
	return scr;
}

int editor_run(const char *title, const char *text, size_t len, char **out,
               size_t *out_len, char **message)
{
	ed e;
	char *saved_locale = NULL;
	FILE *tty = NULL;
	SCREEN *scr = NULL;
	int rc = EDITOR_ENOMEM;

	memset(&e, 0, sizeof e);
	*out = NULL;
	*out_len = 0;
	*message = NULL;
	e.title = title != NULL ? title : "";
	e.eb = editbuf_new();
	if (e.eb == NULL || editbuf_load(e.eb, text, len) != EDITBUF_OK)
		goto out;
	if (locale_begin(&saved_locale) != 0)
		goto out;
	rc = EDITOR_ENOTTY;
	scr = term_begin(&tty);
	if (scr == NULL)
		goto out;
	define_word_keys(&e);
	rc = edit_loop(&e, out, out_len, message);
out:
	if (scr != NULL) {
		endwin();
		delscreen(scr);
	}
	if (tty != NULL)
		fclose(tty);
	locale_end(saved_locale);
	str_free(e.search);
	editbuf_free(e.eb);
	return rc;
}
