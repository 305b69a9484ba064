/* ui_draw.c: draws a ui_state with ncursesw, and does nothing else.
 *
 * Top to bottom: a title bar, the screen's content, a status line (message,
 * question or prompt) and two rows of key hints as in nano. Everything is
 * drawn again from the model before each key (curses sends only what
 * changed), so a resize at any moment is one more redraw. Attributes never
 * rest on colour: marks, bold, reverse and underline carry the meaning and
 * colour, where allowed, only adds to them. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "editbuf.h"
#include "ui_i18n.h"
#include "ui_int.h"

enum { PAIR_ADD = 1, PAIR_DEL = 2, PAIR_HEAD = 3 };

static attr_t attr_of(const ui_app *a, unsigned u)
{
	attr_t r = A_NORMAL;

	if (u & UI_A_BOLD) r |= A_BOLD;
	if (u & UI_A_UNDER) r |= A_UNDERLINE;
	if (u & (UI_A_REVERSE | UI_A_FIELD)) r |= A_REVERSE;
	if (u & UI_A_DIM) r |= A_DIM;
	if (a->color) {
		if (u & UI_A_ADD) r |= COLOR_PAIR(PAIR_ADD);
		else if (u & UI_A_DEL) r |= COLOR_PAIR(PAIR_DEL);
		else if (u & UI_A_HEAD) r |= COLOR_PAIR(PAIR_HEAD);
	}
	return r;
}

/* Put s[0..n) at (y, x) in at most width columns. Returns the columns
 * used. Each character is placed at its own column, with editbuf's
 * widths, so a terminal that disagrees cannot shift the rest. */
static int put(int y, int x, const char *s, size_t n, int width, attr_t at)
{
	size_t i = 0, k, w, col = 0;
	uint32_t cp, mk;
	wchar_t wc[CCHARW_MAX + 1];
	cchar_t cc;
	int m;

	while (i < n && width > 0) {
		i += editbuf_char_decode(s + i, n - i, &cp);
		w = editbuf_char_cols(cp, col);
		if (col + w > (size_t)width)
			break;
		m = 0;
		wc[m++] = cp < 0x20 || cp == 0x7f || !iswprint((wint_t)cp)
		          ? (wchar_t)(cp == '\t' ? ' ' : 0xFFFD) : (wchar_t)cp;
		for (; i < n; i += k) {
			k = editbuf_char_decode(s + i, n - i, &mk);
			if (editbuf_char_cols(mk, col + w) != 0)
				break;
			if (m < CCHARW_MAX - 1 && iswprint((wint_t)mk))
				wc[m++] = (wchar_t)mk;
		}
		wc[m] = L'\0';
		if (w > 0 && setcchar(&cc, wc, at, 0, NULL) != ERR)
			mvadd_wch(y, x + (int)col, &cc);
		if (w > 1 && cp == '\t')
			mvhline(y, x + (int)col + 1, ' ' | at, (int)w - 1);
		col += w;
	}
	return (int)col;
}

static int puts_(int y, int x, const char *s, int width, attr_t at)
{
	return put(y, x, s, strlen(s), width, at);
}

static void draw_line(const ui_app *a, int y, int x, const ui_line *l,
                      int width, attr_t extra)
{
	int col = 0;

	for (size_t i = 0; i < l->nspans && col < width; i++)
		col += put(y, x + col, l->text + l->spans[i].off, l->spans[i].len,
		           width - col, attr_of(a, l->spans[i].attr) | extra);
}

static void draw_view(const ui_app *a, const ui_view *v, int y0, int rows,
                      int x)
{
	for (int r = 0; r < rows && v->top + (size_t)r < v->lines.n; r++)
		draw_line(a, y0 + r, x, &v->lines.v[v->top + (size_t)r],
		          COLS - x, 0);
}

static const char *status_label(int st)
{
	switch (st) {
	case 1: return _("Draft");
	case 2: return _("In review");
	case 3: return _("Approved");
	case 4: return _("Archived");
	default: return "";
	}
}

/* The name shown for a category (docs/template-format.md); other
 * categories show as they are. */
static const char *category_label(const char *slug)
{
	static const char *const names[][2] = {
		{"governance", N_("Governance")},
		{"risk", N_("Context and risk")},
		{"information", N_("Information management")},
		{"data-protection", N_("Data protection")},
		{"digital", N_("Digital security")},
		{"communications", N_("Communications")},
		{"investigation", N_("Investigative work")},
		{"travel", N_("Travel")},
		{"crisis", N_("Crisis")},
		{"physical", N_("Physical security")},
		{"psychosocial", N_("Psychosocial wellbeing")},
		{"people", N_("People")},
		{"general", N_("General")},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(slug, names[i][0]) == 0)
			return _(names[i][1]);
	return slug;
}

/* "(review due) (needs merge)..." for a document's markers. */
static void marks_text(unsigned m, char *out, size_t cap)
{
	out[0] = '\0';
	if (m & UI_MARK_ACK)
		snprintf(out + strlen(out), cap - strlen(out), " (%s)",
		         _("please read and acknowledge"));
	if (m & UI_MARK_REVIEW_DUE)
		snprintf(out + strlen(out), cap - strlen(out), " (%s)", _("review due"));
	if (m & UI_MARK_MERGE)
		snprintf(out + strlen(out), cap - strlen(out), " (%s)", _("needs merge"));
	if (m & UI_MARK_REFERENCE)
		snprintf(out + strlen(out), cap - strlen(out), " (%s)", _("partner"));
}

static void draw_title(const ui_app *a)
{
	const ui_state *s = &a->s;
	char right[200];
	int rw, x;

	mvhline(0, 0, ' ' | A_REVERSE, COLS);
	x = puts_(0, 0, " Amparo ", COLS, A_REVERSE | A_BOLD);
	if (a->path != NULL)
		puts_(0, x, a->path, COLS - x - 1, A_REVERSE);
	if (s->role != 0)
		snprintf(right, sizeof right, " %s (%s) ", s->member,
		         s->role == 1 ? _("admin") : s->role == 2 ? _("editor")
		                                  : _("staff"));
	else
		snprintf(right, sizeof right, " %s ", _("Locked"));
	rw = (int)editbuf_text_cols(right, strlen(right));
	if (rw < COLS / 2)
		puts_(0, COLS - rw, right, rw, A_REVERSE);
}

/* ---- screens ---- */

static void draw_unlock(const ui_app *a, int *cy, int *cx)
{
	int y = ui_content_top(&a->s) + 1;

	puts_(y++, 2, _("This vault is locked."), COLS - 4, A_BOLD);
	y++;
	puts_(y++, 2, _("Type your passphrase and press Enter. Nothing shows "
	                "on the screen while you type."), COLS - 4, 0);
	y++;
	*cx = 2 + puts_(y, 2, _("Passphrase: "), COLS - 4, A_BOLD);
	*cy = y;
}

static void draw_create(const ui_app *a, int *cy, int *cx)
{
	const ui_state *s = &a->s;
	const char *labels[4] = {_("Vault file: "), _("Your name: "),
	                         _("New passphrase: "), _("The same again: ")};
	int y = ui_content_top(s) + 1, x;

	puts_(y++, 2, _("No vault yet: let us create one. You will be its first "
	                "admin."), COLS - 4, A_BOLD);
	puts_(y++, 2, _("Choose a passphrase of several unrelated words; nobody "
	                "can recover it for you."), COLS - 4, 0);
	y++;
	for (int i = 0; i < 4; i++, y++) {
		x = 2 + puts_(y, 2, labels[i], COLS - 4,
		              i == s->create_step ? A_BOLD : A_DIM);
		if (i < s->create_step && i < 2)
			puts_(y, x, i == 0 ? s->create_path : s->create_name,
			      COLS - x, 0);
		else if (i == s->create_step && i < 2)
			x += puts_(y, x, s->input, COLS - x - 1, A_UNDERLINE);
		if (i == s->create_step) {
			*cy = y;
			*cx = x;
		}
	}
}

static void draw_search(const ui_app *a, int y0, int rows, int *cy, int *cx)
{
	const ui_state *s = &a->s;
	size_t top = s->search.top;
	int x;

	x = puts_(y0, 1, _("Search: "), COLS - 2, A_BOLD);
	*cx = 1 + x + puts_(y0, 1 + x, s->query, COLS - x - 2, A_UNDERLINE);
	*cy = y0;
	if (s->search.n == 0 && s->query_len > 0)
		puts_(y0 + 2, 3, _("Nothing found."), COLS - 4, A_DIM);
	for (size_t i = top; i < s->search.n && (int)(i - top) * 2 + 2 < rows; i++) {
		int y = y0 + 1 + (int)(i - top) * 2;
		attr_t sel = i == s->search.sel ? A_REVERSE : 0;

		mvhline(y, 0, ' ' | sel, COLS);
		puts_(y, 1, s->hits[i].title, COLS - 2, A_BOLD | sel);
		puts_(y + 1, 4, s->hits[i].snippet, COLS - 5, A_DIM);
	}
}

static void draw_home(const ui_app *a, int *cy, int *cx)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s), rows = ui_content_rows(s);
	int tw = COLS > 60 ? COLS * 11 / 20 : COLS / 2;
	char marks[200];

	if (s->searching) {
		draw_search(a, y0, rows, cy, cx);
		return;
	}
	if (s->home.n == 0)
		puts_(y0 + 1, 2, _("No documents yet. Editors and admins press ^N "
		                   "to start one from the template library."),
		      COLS - 3, 0);
	for (size_t i = 0; i < s->home.n; i++) {
		size_t r = s->row_of[i];
		attr_t sel = i == s->home.sel ? A_REVERSE : 0;
		int x, y;

		if (i == 0 || strcmp(s->docs[i].category, s->docs[i - 1].category))
			if (r - 1 >= s->home.top && r - 1 < s->home.top + (size_t)rows)
				puts_(y0 + (int)(r - 1 - s->home.top), 1,
				      category_label(s->docs[i].category), COLS - 2,
				      attr_of(a, UI_A_BOLD | UI_A_UNDER | UI_A_HEAD));
		if (r < s->home.top || r >= s->home.top + (size_t)rows)
			continue;
		y = y0 + (int)(r - s->home.top);
		mvhline(y, 0, ' ' | sel, COLS);
		/* Titles in one column, status and markers in the next. */
		puts_(y, 3, s->docs[i].title, tw - 1, sel | A_BOLD);
		x = 3 + tw + puts_(y, 3 + tw, status_label(s->docs[i].status),
		                   COLS - 4 - tw, sel);
		marks_text(s->docs[i].marks, marks, sizeof marks);
		puts_(y, x, marks, COLS - x - 1, sel);
	}
}

static void draw_reader(const ui_app *a)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s);
	char meta[400], marks[200];

	marks_text(s->doc.marks, marks, sizeof marks);
	snprintf(meta, sizeof meta, "%s \xc2\xb7 %s%s", status_label(s->doc.status),
	         category_label(s->doc.category ? s->doc.category : ""), marks);
	puts_(y0, 1, meta, COLS - 2, A_DIM);
	draw_view(a, &s->reader, y0 + 1, ui_content_rows(s) - 1, 1);
}

static void draw_history(const ui_app *a)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s), rows = ui_content_rows(s);
	char when[32], line[600];

	for (size_t i = s->hist.top; i < s->hist.n && (int)(i - s->hist.top) < rows; i++) {
		const ui_rev *r = &s->revs[i];
		time_t t = (time_t)r->time;
		struct tm tm;
		attr_t sel = i == s->hist.sel ? A_REVERSE : 0;
		int y = y0 + (int)(i - s->hist.top);

		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
			snprintf(when, sizeof when, "?");
		snprintf(line, sizeof line, "%s  %.8s  %s: %s%s%s%s", when, r->id,
		         r->author, r->message[0] ? r->message : "-",
		         r->approved ? "  [" : "", r->approved ? _("approved") : "",
		         r->approved ? "]" : "");
		if (r->in_review && strlen(line) + 40 < sizeof line)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			         "  [%s]", _("in review"));
		mvhline(y, 0, ' ' | sel, COLS);
		puts_(y, 1, line, COLS - 2, sel);
	}
}

static void draw_crisis(const ui_app *a)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s), rows = ui_content_rows(s);
	int c = (int)(s->contacts.lines.n < (size_t)rows / 2 ? s->contacts.lines.n
	                                                      : (size_t)rows / 2);

	draw_view(a, &s->contacts, y0, c, 1);
	puts_(y0 + c + 1, 1, _("Crisis protocols: choose one and press Enter "
	                       "to follow it as a checklist"), COLS - 2, A_BOLD);
	if (s->crisis.n == 0)
		puts_(y0 + c + 2, 3, _("None yet: add documents in the crisis "
		                       "category."), COLS - 4, A_DIM);
	for (size_t i = s->crisis.top; i < s->crisis.n &&
	     (int)(i - s->crisis.top) + c + 2 < rows; i++) {
		int y = y0 + c + 2 + (int)(i - s->crisis.top);
		attr_t sel = i == s->crisis.sel ? A_REVERSE : 0;

		mvhline(y, 0, ' ' | sel, COLS);
		puts_(y, 3, s->protos[i].title, COLS - 4, sel | A_BOLD);
	}
}

static void draw_checklist(const ui_app *a)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s), rows = ui_content_rows(s);
	const char *head = NULL;
	char line[1200], when[32];

	/* The heading the selected item sits under, for a reader in a hurry. */
	for (size_t i = 0; i <= s->items_list.sel && i < s->items_list.n; i++)
		if (s->items[i].heading != NULL)
			head = s->items[i].heading;
	snprintf(line, sizeof line, "%s%s%s", s->protocol_title,
	         head ? " \xc2\xb7 " : "", head ? head : "");
	puts_(y0, 1, line, COLS - 2, A_BOLD);
	for (size_t i = s->items_list.top; i < s->items_list.n &&
	     (int)(i - s->items_list.top) + 1 < rows; i++) {
		const ui_item *it = &s->items[i];
		attr_t sel = i == s->items_list.sel ? A_REVERSE : 0;
		int y = y0 + 1 + (int)(i - s->items_list.top);
		time_t t = (time_t)it->checked;
		struct tm tm;

		when[0] = '\0';
		if (it->checked && localtime_r(&t, &tm) != NULL)
			strftime(when, sizeof when, "  (%H:%M)", &tm);
		snprintf(line, sizeof line, "%s %2zu. %s%s",
		         it->checked ? "[x]" : "[ ]", i + 1, it->text, when);
		mvhline(y, 0, ' ' | sel, COLS);
		puts_(y, 1, line, COLS - 2, sel | (it->checked ? A_DIM : A_BOLD));
	}
}

static void draw_templates(const ui_app *a)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s), rows = ui_content_rows(s);

	puts_(y0, 1, _("Start a new document: choose a template, or a blank page."),
	      COLS - 2, A_BOLD);
	for (size_t i = s->tmpl.top; i < s->tmpl.n &&
	     (int)(i - s->tmpl.top) + 1 < rows; i++) {
		attr_t sel = i == s->tmpl.sel ? A_REVERSE : 0;
		int y = y0 + 1 + (int)(i - s->tmpl.top), x;

		mvhline(y, 0, ' ' | sel, COLS);
		x = 3 + puts_(y, 3, s->tmpls[i].title, COLS - 4, sel | A_BOLD);
		if (s->tmpls[i].category[0])
			puts_(y, x + 1, s->tmpls[i].category, COLS - x - 2, sel | A_DIM);
	}
}

typedef int (*lines_fn)(const ui_state *s, size_t width, ui_lines *out,
                        size_t *cursor);

/* Screens whose content the model makes as lines (walkthrough, sync):
 * plain text with the cursor marked by ">"; scrolled so that the line
 * with the cursor shows, and the terminal cursor put on it, where screen
 * readers look. */
static void draw_lines(const ui_app *a, lines_fn fn, int *cy, int *cx)
{
	const ui_state *s = &a->s;
	int y0 = ui_content_top(s), rows = ui_content_rows(s);
	ui_lines ls;
	size_t cur = 0, top = 0;
	ui_view v;

	ui_lines_init(&ls);
	if (fn(s, COLS > 2 ? (size_t)COLS - 2 : 1, &ls, &cur) != 0) {
		ui_lines_clear(&ls);
		puts_(y0, 1, _("Out of memory."), COLS - 2, A_BOLD);
		return;
	}
	if (cur >= (size_t)rows)
		top = cur - (size_t)rows + 1;
	v.lines = ls;
	v.top = top;
	draw_view(a, &v, y0, rows, 1);
	if (cur >= top && cur < ls.n) {
		*cy = y0 + (int)(cur - top);
		*cx = 1;
	}
	ui_lines_clear(&ls);
}

/* ---- overlays and bars ---- */

static void draw_help(const ui_app *a)
{
	ui_hint h[16];
	size_t n = ui_keybar(&a->s, h, 16);
	int y = ui_content_top(&a->s), rows = ui_content_rows(&a->s);
	char line[300];

	for (int r = 0; r < rows; r++)
		mvhline(y + r, 0, ' ', COLS);
	puts_(y++, 1, _("Help: the keys of this screen"), COLS - 2, A_BOLD | A_UNDERLINE);
	for (size_t i = 0; i < n && y < rows; i++) {
		puts_(y, 3, h[i].key, 10, A_BOLD);
		puts_(y++, 14, h[i].label, COLS - 15, 0);
	}
	y++;
	snprintf(line, sizeof line, _("The vault locks itself after %u minutes "
	                              "without a key; ^L or F12 locks it at once."),
	         (a->lock_seconds + 59) / 60);
	puts_(y++, 1, line, COLS - 2, 0);
	puts_(y++, 1, _("Mouse: click to choose, click again to open; the wheel "
	                "scrolls."), COLS - 2, 0);
	puts_(y++, 1, _("Press any key to go back."), COLS - 2, A_DIM);
}

static void draw_keys(const ui_app *a)
{
	ui_hint h[16];
	size_t n = ui_keybar(&a->s, h, 16), per = (n + 1) / 2;
	int cw, x, y, kw;

	if (LINES < 6 || per == 0)
		return;
	cw = COLS / (int)per;
	for (size_t i = 0; i < n; i++) {
		y = LINES - 2 + (int)(i / per);
		x = (int)(i % per) * cw;
		kw = puts_(y, x, h[i].key, cw - 1, A_REVERSE);
		puts_(y, x + kw + 1, h[i].label, cw - kw - 2, 0);
	}
}

static void draw_status(const ui_app *a, int *cy, int *cx)
{
	const ui_state *s = &a->s;
	int y = LINES - 3, x;

	if (LINES < 6)
		y = LINES - 1;
	if (s->confirm != UI_ACT_NONE) {
		mvhline(y, 0, ' ' | A_REVERSE, COLS);
		*cx = puts_(y, 0, s->question, COLS - 1, A_REVERSE | A_BOLD);
		*cy = y;
	} else if (s->prompt != UI_PROMPT_NONE) {
		mvhline(y, 0, ' ' | A_REVERSE, COLS);
		x = puts_(y, 0, ui_prompt_label(s), COLS - 1, A_REVERSE);
		*cx = x + puts_(y, x, s->input, COLS - x - 1, A_REVERSE);
		*cy = y;
	} else if (s->msg[0]) {
		puts_(y, 1, s->msg, COLS - 2, A_BOLD);
	}
}

void ui_draw(const ui_app *a)
{
	const ui_state *s = &a->s;
	int cy = -1, cx = -1;

	erase();
	if (LINES < 5 || COLS < 20) {
		puts_(0, 0, _("Terminal too small"), COLS, A_BOLD);
		refresh();
		return;
	}
	draw_title(a);
	switch (s->screen) {
	case UI_SCR_UNLOCK: draw_unlock(a, &cy, &cx); break;
	case UI_SCR_CREATE: draw_create(a, &cy, &cx); break;
	case UI_SCR_HOME: draw_home(a, &cy, &cx); break;
	case UI_SCR_READER: draw_reader(a); break;
	case UI_SCR_HISTORY: draw_history(a); break;
	case UI_SCR_DIFF: draw_view(a, &s->diff, ui_content_top(s),
	                            ui_content_rows(s), 0); break;
	case UI_SCR_CRISIS: draw_crisis(a); break;
	case UI_SCR_CHECKLIST: draw_checklist(a); break;
	case UI_SCR_TEMPLATES: draw_templates(a); break;
	case UI_SCR_WALK: draw_lines(a, ui_walk_lines, &cy, &cx); break;
	case UI_SCR_SYNC: draw_lines(a, ui_sync_lines, &cy, &cx); break;
	case UI_SCR_MEMBERS: draw_lines(a, ui_members_lines, &cy, &cx); break;
	case UI_SCR_STATUS: draw_view(a, &s->stat, ui_content_top(s),
	                              ui_content_rows(s), 1); break;
	}
	if (s->help) {
		draw_help(a);
		cy = -1;
	}
	draw_status(a, &cy, &cx);
	draw_keys(a);
	curs_set(cy >= 0 ? 1 : 0);
	if (cy >= 0)
		move(cy, cx < COLS ? cx : COLS - 1);
	refresh();
}
