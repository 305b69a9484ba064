/* ui_model.c: see ui_model.h. Keys per screen; setters for results. */
#include "ui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_i18n.h"
#include "ui_model_int.h"

#define UI_WHEEL_STEP 3

void ui_wipe(void *p, size_t n)
{
	volatile unsigned char *q = p;

	while (n--)
		*q++ = 0;
}

static void str_free(char *s)
{
	if (s != NULL)
		ui_wipe(s, strlen(s));
	free(s);
}

void ui_doc_clear(ui_doc *d)
{
	str_free(d->title);
	str_free(d->category);
	memset(d, 0, sizeof *d);
}

void ui_docs_free(ui_doc *d, size_t n)
{
	for (size_t i = 0; d != NULL && i < n; i++)
		ui_doc_clear(&d[i]);
	free(d);
}

void ui_hits_free(ui_hit *h, size_t n)
{
	for (size_t i = 0; h != NULL && i < n; i++) {
		str_free(h[i].title);
		str_free(h[i].snippet);
	}
	free(h);
}

void ui_revs_free(ui_rev *r, size_t n)
{
	for (size_t i = 0; r != NULL && i < n; i++) {
		str_free(r[i].author);
		str_free(r[i].message);
	}
	free(r);
}

void ui_items_free(ui_item *it, size_t n)
{
	for (size_t i = 0; it != NULL && i < n; i++) {
		str_free(it[i].text);
		str_free(it[i].heading);
	}
	free(it);
}

void ui_set_msg(ui_state *s, const char *msg)
{
	snprintf(s->msg, sizeof s->msg, "%s", msg != NULL ? msg : "");
}

void ui_pass_wipe(ui_state *s)
{
	if (s->pass != NULL)
		ui_wipe(s->pass, UI_PASS_MAX + 1);
	if (s->pass2 != NULL)
		ui_wipe(s->pass2, UI_PASS_MAX + 1);
	s->pass_len = s->pass2_len = 0;
}

void ui_state_init(ui_state *s, int rows, int cols, char *pass, char *pass2,
                   bool create)
{
	memset(s, 0, sizeof *s);
	s->rows = rows;
	s->cols = cols;
	s->pass = pass;
	s->pass2 = pass2;
	ui_pass_wipe(s);
	s->screen = create ? UI_SCR_CREATE : UI_SCR_UNLOCK;
	ui_lines_init(&s->reader.lines);
	ui_lines_init(&s->diff.lines);
	ui_lines_init(&s->contacts.lines);
	ui_lines_init(&s->stat.lines);
}

/* Forget everything read from the vault. */
static void forget_vault(ui_state *s)
{
	ui_docs_free(s->docs, s->home.n);
	s->docs = NULL;
	free(s->row_of);
	s->row_of = NULL;
	s->nrows = 0;
	memset(&s->home, 0, sizeof s->home);
	ui_hits_free(s->hits, s->search.n);
	s->hits = NULL;
	memset(&s->search, 0, sizeof s->search);
	ui_wipe(s->query, sizeof s->query);
	s->query_len = 0;
	s->searching = false;
	ui_doc_clear(&s->doc);
	if (s->body != NULL)
		ui_wipe(s->body, s->body_len);
	free(s->body);
	s->body = NULL;
	s->body_len = 0;
	ui_lines_clear(&s->reader.lines);
	s->reader.top = 0;
	s->reader_width = 0;
	ui_revs_free(s->revs, s->hist.n);
	s->revs = NULL;
	memset(&s->hist, 0, sizeof s->hist);
	ui_lines_clear(&s->diff.lines);
	ui_lines_clear(&s->contacts.lines);
	ui_docs_free(s->protos, s->crisis.n);
	s->protos = NULL;
	memset(&s->crisis, 0, sizeof s->crisis);
	ui_items_free(s->items, s->items_list.n);
	s->items = NULL;
	memset(&s->items_list, 0, sizeof s->items_list);
	ui_docs_free(s->tmpls, s->tmpl.n);
	s->tmpls = NULL;
	memset(&s->tmpl, 0, sizeof s->tmpl);
	ui_walk_forget(s);
	ui_members_forget(s);
	ui_merge_forget(s);
	ui_status_forget(s);
	memset(&s->sync, 0, sizeof s->sync);
	s->sync_busy = s->sync_ran = false;
	memset(&s->sync_sum, 0, sizeof s->sync_sum);
	ui_wipe(s->sync_error, sizeof s->sync_error);
	ui_wipe(s->sync_merges, sizeof s->sync_merges);
	ui_wipe(s->input, sizeof s->input);
	s->input_len = 0;
	s->prompt = UI_PROMPT_NONE;
	s->confirm = UI_ACT_NONE;
	s->help = false;
}

void ui_set_locked(ui_state *s, const char *msg)
{
	forget_vault(s);
	ui_pass_wipe(s);
	s->role = 0;
	s->member[0] = '\0';
	s->screen = UI_SCR_UNLOCK;
	ui_set_msg(s, msg);
}

void ui_state_free(ui_state *s)
{
	forget_vault(s);
	ui_pass_wipe(s);
}

/* ---- layout ---- */

int ui_content_top(const ui_state *s)
{
	(void)s;
	return 1;
}

int ui_content_rows(const ui_state *s)
{
	/* Title bar, then content, then a status line and two key rows. */
	int n = s->rows - 4;

	return n > 1 ? n : 1;
}

/* ---- lists ---- */

void ui_list_scroll(ui_list *l, size_t rows)
{
	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	else if (rows > 0 && l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
}

/* Move a selection; returns 1 when the key was a move. */
int ui_list_key(ui_list *l, const ui_key *k, size_t page)
{
	switch (k->kind) {
	case UI_KEY_UP: case UI_KEY_WHEEL_UP:
		if (l->sel > 0)
			l->sel--;
		return 1;
	case UI_KEY_DOWN: case UI_KEY_WHEEL_DOWN:
		if (l->sel + 1 < l->n)
			l->sel++;
		return 1;
	case UI_KEY_PGUP:
		l->sel = l->sel > page ? l->sel - page : 0;
		return 1;
	case UI_KEY_PGDN:
		l->sel = l->sel + page < l->n ? l->sel + page : (l->n ? l->n - 1 : 0);
		return 1;
	case UI_KEY_HOME:
		l->sel = 0;
		return 1;
	case UI_KEY_END:
		l->sel = l->n ? l->n - 1 : 0;
		return 1;
	default:
		return 0;
	}
}

/* Scroll a text view; returns 1 when the key was a scroll. */
int ui_view_key(ui_view *v, const ui_key *k, size_t rows)
{
	size_t max = v->lines.n > rows ? v->lines.n - rows : 0;
	size_t page = rows > 2 ? rows - 1 : 1;

	switch (k->kind) {
	case UI_KEY_UP: v->top = v->top ? v->top - 1 : 0; break;
	case UI_KEY_DOWN: v->top++; break;
	case UI_KEY_WHEEL_UP:
		v->top = v->top > UI_WHEEL_STEP ? v->top - UI_WHEEL_STEP : 0;
		break;
	case UI_KEY_WHEEL_DOWN: v->top += UI_WHEEL_STEP; break;
	case UI_KEY_PGUP: v->top = v->top > page ? v->top - page : 0; break;
	case UI_KEY_PGDN: case UI_KEY_TAB: v->top += page; break;
	case UI_KEY_HOME: v->top = 0; break;
	case UI_KEY_END: v->top = max; break;
	case UI_KEY_CHAR:
		if (k->ch != ' ')
			return 0;
		v->top += page;
		break;
	default:
		return 0;
	}
	if (v->top > max)
		v->top = max;
	return 1;
}

/* ---- text input ---- */

/* Edit a NUL-terminated line: a character appended or the last one
 * removed. Returns 1 when the key changed the line. */
int ui_input_key(char *buf, size_t *len, size_t cap, const ui_key *k)
{
	char u[4];
	size_t n = 0;
	uint32_t c = k->ch;

	if (k->kind == UI_KEY_BACKSPACE) {
		if (*len == 0)
			return 0;
		do
			(*len)--;
		while (*len > 0 && ((unsigned char)buf[*len] & 0xc0) == 0x80);
		ui_wipe(buf + *len, cap - *len);
		return 1;
	}
	if (k->kind != UI_KEY_CHAR || c < 0x20 || c == 0x7f ||
	    (c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
		return 0;
	if (c < 0x80) {
		u[n++] = (char)c;
	} else if (c < 0x800) {
		u[n++] = (char)(0xc0 | (c >> 6));
		u[n++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		u[n++] = (char)(0xe0 | (c >> 12));
		u[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[n++] = (char)(0x80 | (c & 0x3f));
	} else {
		u[n++] = (char)(0xf0 | (c >> 18));
		u[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[n++] = (char)(0x80 | (c & 0x3f));
	}
	if (*len + n + 1 > cap)
		return 0;
	memcpy(buf + *len, u, n);
	*len += n;
	buf[*len] = '\0';
	return 1;
}

bool ui_is_quit(const ui_key *k)
{
	return k->kind == UI_KEY_CTRL && (k->ch == 'q' || k->ch == 'x');
}

bool ui_is_back(const ui_key *k)
{
	return k->kind == UI_KEY_ESC || k->kind == UI_KEY_LEFT ||
	       (k->kind == UI_KEY_CHAR && (k->ch == 'q' || k->ch == 'Q'));
}

ui_action ui_ask(ui_state *s, ui_action act, const char *question)
{
	s->confirm = act;
	snprintf(s->question, sizeof s->question, "%s %s", question,
	         _("(y/n)"));
	return UI_ACT_NONE;
}

/* ---- UNLOCK and CREATE ---- */

static ui_action unlock_key(ui_state *s, const ui_key *k)
{
	if (ui_is_quit(k) || k->kind == UI_KEY_ESC)
		return UI_ACT_QUIT;
	if (k->kind == UI_KEY_ENTER) {
		if (s->pass_len == 0) {
			ui_set_msg(s, _("Type your passphrase, then press Enter."));
			return UI_ACT_NONE;
		}
		ui_set_msg(s, _("Unlocking..."));
		return UI_ACT_UNLOCK;
	}
	if (ui_input_key(s->pass, &s->pass_len, UI_PASS_MAX + 1, k))
		s->msg[0] = '\0';
	return UI_ACT_NONE;
}

static ui_action create_enter(ui_state *s)
{
	switch (s->create_step) {
	case 0:
	case 1:
		if (s->input_len == 0) {
			ui_set_msg(s, s->create_step == 0
			           ? _("Type where to keep the vault file.")
			           : _("Type your name, as other members will see it."));
			return UI_ACT_NONE;
		}
		snprintf(s->create_step == 0 ? s->create_path : s->create_name,
		         UI_INPUT_MAX, "%s", s->input);
		s->input_len = 0;
		s->input[0] = '\0';
		s->create_step++;
		return UI_ACT_NONE;
	case 2:
		if (s->pass_len < 8) {
			ui_set_msg(s, _("A passphrase needs at least 8 characters; "
			                "several unrelated words are easiest to remember."));
			return UI_ACT_NONE;
		}
		s->create_step = 3;
		return UI_ACT_NONE;
	default:
		if (s->pass_len != s->pass2_len ||
		    memcmp(s->pass, s->pass2, s->pass_len) != 0) {
			ui_pass_wipe(s);
			s->create_step = 2;
			ui_set_msg(s, _("The two passphrases differ. Type it again."));
			return UI_ACT_NONE;
		}
		ui_set_msg(s, _("Creating the vault..."));
		return UI_ACT_CREATE;
	}
}

static ui_action create_key(ui_state *s, const ui_key *k)
{
	if (ui_is_quit(k))
		return UI_ACT_QUIT;
	if (k->kind == UI_KEY_ENTER) {
		s->msg[0] = '\0';
		return create_enter(s);
	}
	if (k->kind == UI_KEY_ESC) {
		if (s->create_step == 0)
			return UI_ACT_QUIT;
		if (s->create_step >= 2)
			ui_pass_wipe(s);
		s->create_step = s->create_step >= 2 ? 1 : s->create_step - 1;
		snprintf(s->input, sizeof s->input, "%s", s->create_step == 0
		         ? s->create_path : s->create_name);
		s->input_len = strlen(s->input);
		return UI_ACT_NONE;
	}
	if (s->create_step == 2)
		ui_input_key(s->pass, &s->pass_len, UI_PASS_MAX + 1, k);
	else if (s->create_step == 3)
		ui_input_key(s->pass2, &s->pass2_len, UI_PASS_MAX + 1, k);
	else
		ui_input_key(s->input, &s->input_len, sizeof s->input, k);
	return UI_ACT_NONE;
}

/* ---- HOME ---- */

/* Keep the selected document, and its category heading when it is the
 * first of its category, on screen. */
static void home_scroll(ui_state *s)
{
	size_t rows = (size_t)ui_content_rows(s), r;

	if (s->home.n == 0) {
		s->home.sel = s->home.top = 0;
		return;
	}
	if (s->home.sel >= s->home.n)
		s->home.sel = s->home.n - 1;
	r = s->row_of[s->home.sel];
	if (r > 0 && (s->home.sel == 0 || s->row_of[s->home.sel - 1] != r - 1))
		r--; /* the heading just above */
	if (r < s->home.top)
		s->home.top = r;
	if (s->row_of[s->home.sel] >= s->home.top + rows)
		s->home.top = s->row_of[s->home.sel] - rows + 1;
}

/* The document at display row y of the content, or -1. */
static long home_doc_at(const ui_state *s, int y)
{
	size_t r;

	if (y < 0)
		return -1;
	r = s->home.top + (size_t)y;
	for (size_t i = 0; i < s->home.n; i++)
		if (s->row_of[i] == r)
			return (long)i;
	return -1;
}

ui_action ui_list_click(ui_list *l, long i)
{
	if (i < 0 || (size_t)i >= l->n)
		return UI_ACT_NONE;
	if (l->sel == (size_t)i)
		return UI_ACT_OPEN; /* a second click on the same row opens it */
	l->sel = (size_t)i;
	return UI_ACT_NONE;
}

static ui_action search_key(ui_state *s, const ui_key *k)
{
	size_t rows = (size_t)ui_content_rows(s);

	if (k->kind == UI_KEY_ESC) {
		s->searching = false;
		ui_wipe(s->query, sizeof s->query);
		s->query_len = 0;
		ui_hits_free(s->hits, s->search.n);
		s->hits = NULL;
		memset(&s->search, 0, sizeof s->search);
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_ENTER)
		return s->search.n ? UI_ACT_OPEN : UI_ACT_NONE;
	if (k->kind == UI_KEY_CLICK) {
		/* Hits take two rows each, after the search line. */
		int y = k->row - ui_content_top(s) - 1;

		return y < 0 ? UI_ACT_NONE
		       : ui_list_click(&s->search, (long)(s->search.top + (size_t)y / 2));
	}
	if (ui_list_key(&s->search, k, rows / 2)) {
		ui_list_scroll(&s->search, rows > 2 ? (rows - 1) / 2 : 1);
		return UI_ACT_NONE;
	}
	if (ui_input_key(s->query, &s->query_len, sizeof s->query, k)) {
		if (s->query_len == 0)
			return search_key(s, &(ui_key){UI_KEY_ESC, 0, 0, 0});
		return UI_ACT_SEARCH;
	}
	return UI_ACT_NONE;
}

static ui_action home_key(ui_state *s, const ui_key *k)
{
	if (ui_is_quit(k))
		return UI_ACT_QUIT;
	if (k->kind == UI_KEY_CTRL && k->ch == 'e')
		return UI_ACT_CRISIS;
	if (k->kind == UI_KEY_CTRL && k->ch == 't')
		return UI_ACT_STATUS;
	if (k->kind == UI_KEY_CTRL && k->ch == 'w')
		return ui_selected_doc(s) != NULL ? UI_ACT_WALK : UI_ACT_NONE;
	if (k->kind == UI_KEY_CTRL && k->ch == 'u') {
		if (s->role != 1) {
			ui_set_msg(s, _("Only admins can manage members."));
			return UI_ACT_NONE;
		}
		return UI_ACT_MEMBERS;
	}
	if (k->kind == UI_KEY_CTRL && k->ch == 's') {
		s->screen = UI_SCR_SYNC;
		s->sync.n = UI_SYNC_OPS;
		/* A name to accept with Enter; "~/" is the home folder. */
		if (s->sync_paths[UI_SYNC_EXPORT][0] == '\0')
			snprintf(s->sync_paths[UI_SYNC_EXPORT], UI_INPUT_MAX, "%s",
			         _("~/amparo-export.amparo-bundle"));
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_CTRL && k->ch == 'n') {
		if (s->role != 1 && s->role != 2) {
			ui_set_msg(s, _("Only editors and admins can write documents."));
			return UI_ACT_NONE;
		}
		s->screen = UI_SCR_TEMPLATES;
		return UI_ACT_NONE;
	}
	if (s->searching || (k->kind == UI_KEY_CHAR && k->ch != ' ')) {
		s->searching = true;
		return search_key(s, k);
	}
	if (k->kind == UI_KEY_ENTER)
		return s->home.n ? UI_ACT_OPEN : UI_ACT_NONE;
	if (k->kind == UI_KEY_CLICK)
		return ui_list_click(&s->home,
		                  home_doc_at(s, k->row - ui_content_top(s)));
	if (ui_list_key(&s->home, k, (size_t)ui_content_rows(s) - 1))
		home_scroll(s);
	return UI_ACT_NONE;
}

/* ---- READER, HISTORY, DIFF ---- */

static bool can_write(const ui_state *s)
{
	return (s->role == 1 || s->role == 2) &&
	       !(s->doc.marks & UI_MARK_REFERENCE);
}

static ui_action reader_key(ui_state *s, const ui_key *k)
{
	uint32_t c = k->kind == UI_KEY_CHAR ? k->ch : 0;

	if (ui_is_back(k)) {
		s->screen = UI_SCR_HOME;
		return UI_ACT_RELOAD;
	}
	if (ui_view_key(&s->reader, k, (size_t)ui_content_rows(s)))
		return UI_ACT_NONE;
	if (c == 'h')
		return UI_ACT_HISTORY;
	if ((c == 'e' || c == 's') && !can_write(s)) {
		ui_set_msg(s, s->doc.marks & UI_MARK_REFERENCE
		           ? _("This is a partner's reference document: it cannot be changed here.")
		           : _("Your role does not allow changing documents."));
		return UI_ACT_NONE;
	}
	if (c == 'e')
		return UI_ACT_EDIT;
	if (c == 's')
		return ui_ask(s, UI_ACT_SUBMIT, _("Submit this document for review?"));
	if ((c == 'a' || c == 'x') && (s->role != 1 || (s->doc.marks & UI_MARK_REFERENCE))) {
		ui_set_msg(s, _("Only admins can approve or archive documents."));
		return UI_ACT_NONE;
	}
	if (c == 'a')
		return ui_ask(s, UI_ACT_APPROVE, _("Approve the current revision?"));
	if (c == 'x')
		return ui_ask(s, UI_ACT_ARCHIVE, _("Archive this document?"));
	if (c == 'm') {
		if (!(s->doc.marks & UI_MARK_MERGE))
			ui_set_msg(s, _("This document has one version: there is "
			                "nothing to merge."));
		else if (!can_write(s))
			ui_set_msg(s, _("Your role does not allow changing documents."));
		else
			return UI_ACT_MERGE;
		return UI_ACT_NONE;
	}
	/* k (acknowledge) kept for those used to it: acknowledging is
	 * done by walking through the document. */
	if (c == 'w' || c == 'k')
		return UI_ACT_WALK;
	return UI_ACT_NONE;
}

static ui_action history_key(ui_state *s, const ui_key *k)
{
	size_t rows = (size_t)ui_content_rows(s);

	if (ui_is_back(k)) {
		s->screen = UI_SCR_READER;
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_ENTER || (k->kind == UI_KEY_CHAR && k->ch == 'd'))
		return s->hist.n ? UI_ACT_DIFF : UI_ACT_NONE;
	if (k->kind == UI_KEY_CHAR && k->ch == 'r' && s->hist.n) {
		if (!can_write(s)) {
			ui_set_msg(s, _("Your role does not allow changing documents."));
			return UI_ACT_NONE;
		}
		return ui_ask(s, UI_ACT_RESTORE,
		           _("Restore this revision as a new revision?"));
	}
	if (k->kind == UI_KEY_CLICK) {
		long i = (long)s->hist.top + k->row - ui_content_top(s);

		return ui_list_click(&s->hist, i) == UI_ACT_OPEN ? UI_ACT_DIFF
		                                                : UI_ACT_NONE;
	}
	if (ui_list_key(&s->hist, k, rows - 1))
		ui_list_scroll(&s->hist, rows);
	return UI_ACT_NONE;
}

static ui_action diff_key(ui_state *s, const ui_key *k)
{
	if (ui_is_back(k)) {
		s->screen = UI_SCR_HISTORY;
		return UI_ACT_NONE;
	}
	ui_view_key(&s->diff, k, (size_t)ui_content_rows(s));
	return UI_ACT_NONE;
}

/* ---- overlays and dispatch ---- */

static ui_action overlay_key(ui_state *s, const ui_key *k, bool *done)
{
	ui_action act;

	*done = true;
	if (s->help) {
		s->help = false;
		return UI_ACT_NONE;
	}
	if (s->confirm != UI_ACT_NONE) {
		act = s->confirm;
		s->confirm = UI_ACT_NONE;
		if (k->kind == UI_KEY_CHAR && strchr("yYsS", (int)k->ch) != NULL &&
		    k->ch != 0) {
			/* Leaving a walkthrough changes only the model. */
			if (act == UI_ACT_WALK && s->screen == UI_SCR_WALK) {
				ui_walk_leave(s);
				return UI_ACT_NONE;
			}
			return act;
		}
		if (act == UI_ACT_MERGE) {
			ui_merge_forget(s);
			ui_set_msg(s, _("Nothing saved; the document still needs a "
			                "merge."));
			return UI_ACT_NONE;
		}
		ui_set_msg(s, _("Cancelled."));
		return UI_ACT_NONE;
	}
	if (s->prompt != UI_PROMPT_NONE) {
		if (k->kind == UI_KEY_ESC) {
			s->prompt = UI_PROMPT_NONE;
			ui_set_msg(s, _("Cancelled."));
		} else if (k->kind == UI_KEY_ENTER && s->input_len > 0) {
			int kind = s->prompt;

			s->prompt = UI_PROMPT_NONE;
			return kind == UI_PROMPT_PATH ? ui_sync_prompt_done(s)
			                              : UI_ACT_NEW;
		} else {
			ui_input_key(s->input, &s->input_len, sizeof s->input, k);
		}
		return UI_ACT_NONE;
	}
	*done = false;
	return UI_ACT_NONE;
}

static ui_action resize(ui_state *s, const ui_key *k)
{
	s->rows = k->row > 0 ? k->row : 1;
	s->cols = k->col > 0 ? k->col : 1;
	if (s->role == 0)
		return UI_ACT_NONE;
	ui_reader_layout(s);
	home_scroll(s);
	ui_list_scroll(&s->hist, (size_t)ui_content_rows(s));
	/* The diff and the contacts are wrapped by the loop: redo them. */
	if (s->screen == UI_SCR_DIFF)
		return UI_ACT_DIFF;
	if (s->screen == UI_SCR_CRISIS)
		return UI_ACT_CRISIS;
	if (s->screen == UI_SCR_STATUS)
		ui_status_layout(s);
	return UI_ACT_NONE;
}

ui_action ui_key_apply(ui_state *s, const ui_key *k)
{
	bool done;
	ui_action act;

	if (k->kind == UI_KEY_RESIZE)
		return resize(s, k);
	if (k->kind == UI_KEY_LOCK)
		return s->role != 0 ? UI_ACT_LOCK : UI_ACT_NONE;
	act = overlay_key(s, k, &done);
	if (done)
		return act;
	if (k->kind != UI_KEY_NONE)
		s->msg[0] = '\0';
	if (k->kind == UI_KEY_HELP ||
	    (k->kind == UI_KEY_CHAR && k->ch == '?' && s->screen != UI_SCR_UNLOCK &&
	     s->screen != UI_SCR_CREATE && !s->searching &&
	     !(s->screen == UI_SCR_MEMBERS && s->mem_mode == UI_MEM_ADD))) {
		s->help = true;
		return UI_ACT_NONE;
	}
	switch (s->screen) {
	case UI_SCR_UNLOCK: return unlock_key(s, k);
	case UI_SCR_CREATE: return create_key(s, k);
	case UI_SCR_HOME: return home_key(s, k);
	case UI_SCR_READER: return reader_key(s, k);
	case UI_SCR_HISTORY: return history_key(s, k);
	case UI_SCR_DIFF: return diff_key(s, k);
	case UI_SCR_CRISIS: return ui_crisis_key(s, k);
	case UI_SCR_CHECKLIST: return ui_checklist_key(s, k);
	case UI_SCR_TEMPLATES: return ui_templates_key(s, k);
	case UI_SCR_WALK: return ui_walk_key(s, k);
	case UI_SCR_SYNC: return ui_sync_key(s, k);
	case UI_SCR_MEMBERS: return ui_members_key(s, k);
	case UI_SCR_STATUS: return ui_status_key(s, k);
	}
	return UI_ACT_NONE;
}
