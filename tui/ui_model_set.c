/* ui_model_set.c: the results the loop hands to the model, and the key
 * bar of each screen (see ui_model.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_i18n.h"
#include "ui_model_int.h"

void ui_set_unlocked(ui_state *s, const char *member, int role)
{
	ui_pass_wipe(s);
	snprintf(s->member, sizeof s->member, "%s", member);
	s->role = role;
	s->screen = UI_SCR_HOME;
	s->msg[0] = '\0';
}

void ui_set_failed(ui_state *s, const char *msg)
{
	ui_pass_wipe(s);
	if (s->screen == UI_SCR_CREATE)
		s->create_step = 0;
	if (s->screen == UI_SCR_CREATE) {
		snprintf(s->input, sizeof s->input, "%s", s->create_path);
		s->input_len = strlen(s->input);
	}
	ui_set_msg(s, msg);
}

void ui_set_docs(ui_state *s, ui_doc *docs, size_t n)
{
	char keep[33] = "";
	size_t *row_of = calloc(n ? n : 1, sizeof *row_of), r = 0;

	if (s->home.n > 0 && s->home.sel < s->home.n)
		snprintf(keep, sizeof keep, "%s", s->docs[s->home.sel].id);
	ui_docs_free(s->docs, s->home.n);
	free(s->row_of);
	s->docs = docs;
	s->row_of = row_of;
	s->home.n = row_of != NULL ? n : 0;
	s->home.sel = 0;
	for (size_t i = 0; i < s->home.n; i++) {
		/* A heading row before each new category. */
		if (i == 0 || strcmp(docs[i].category, docs[i - 1].category) != 0)
			r++;
		row_of[i] = r++;
		if (keep[0] && strcmp(docs[i].id, keep) == 0)
			s->home.sel = i;
	}
	if (row_of == NULL)
		ui_docs_free(docs, n);
	s->docs = row_of != NULL ? docs : NULL;
	s->nrows = r;
	if (s->home.top >= r)
		s->home.top = 0;
	/* Keep the selection on screen, with its heading. */
	if (s->home.n > 0) {
		size_t rows = (size_t)ui_content_rows(s), y = row_of[s->home.sel];

		if (y >= s->home.top + rows)
			s->home.top = y - rows + 1;
		if (y < s->home.top + 1)
			s->home.top = y > 0 ? y - 1 : 0;
	}
}

void ui_set_hits(ui_state *s, ui_hit *hits, size_t n)
{
	ui_hits_free(s->hits, s->search.n);
	s->hits = hits;
	memset(&s->search, 0, sizeof s->search);
	s->search.n = n;
}

int ui_reader_layout(ui_state *s)
{
	size_t width = s->cols > 2 ? (size_t)s->cols - 2 : 1;
	ui_lines lines;

	/* Lines longer than 100 columns are hard to read. */
	if (width > 100)
		width = 100;
	if (s->body == NULL || width == s->reader_width)
		return 0;
	ui_lines_init(&lines);
	if (ui_md_render(s->body, s->body_len, width, &lines) != 0) {
		ui_lines_clear(&lines);
		return -1;
	}
	/* Keep the reader near the same place in the text. */
	if (s->reader.lines.n > 0)
		s->reader.top = s->reader.top * lines.n / s->reader.lines.n;
	ui_lines_clear(&s->reader.lines);
	s->reader.lines = lines;
	s->reader_width = width;
	return 0;
}

int ui_set_reader(ui_state *s, ui_doc *doc, const char *body, size_t len)
{
	char *copy = malloc(len + 1);
	bool same = strcmp(doc->id, s->doc.id) == 0;

	if (copy == NULL) {
		ui_doc_clear(doc);
		return -1;
	}
	memcpy(copy, body, len);
	copy[len] = '\0';
	ui_doc_clear(&s->doc);
	s->doc = *doc;
	memset(doc, 0, sizeof *doc);
	if (s->body != NULL)
		memset(s->body, 0, s->body_len);
	free(s->body);
	s->body = copy;
	s->body_len = len;
	s->reader_width = 0;
	if (!same) {
		ui_lines_clear(&s->reader.lines);
		s->reader.top = 0;
	}
	s->screen = UI_SCR_READER;
	return ui_reader_layout(s);
}

void ui_set_history(ui_state *s, ui_rev *revs, size_t n)
{
	ui_revs_free(s->revs, s->hist.n);
	s->revs = revs;
	memset(&s->hist, 0, sizeof s->hist);
	s->hist.n = n;
	s->screen = UI_SCR_HISTORY;
}

void ui_set_diff(ui_state *s, ui_lines *lines)
{
	bool again = s->screen == UI_SCR_DIFF;

	ui_lines_clear(&s->diff.lines);
	s->diff.lines = *lines;
	ui_lines_init(lines);
	if (!again)
		s->diff.top = 0;
	else if (s->diff.top >= s->diff.lines.n)
		s->diff.top = s->diff.lines.n ? s->diff.lines.n - 1 : 0;
	s->screen = UI_SCR_DIFF;
}

void ui_set_crisis(ui_state *s, ui_lines *contacts, ui_doc *protos, size_t n)
{
	size_t sel = s->crisis.n == n ? s->crisis.sel : 0;

	ui_lines_clear(&s->contacts.lines);
	s->contacts.lines = *contacts;
	s->contacts.top = 0;
	ui_lines_init(contacts);
	ui_docs_free(s->protos, s->crisis.n);
	s->protos = protos;
	memset(&s->crisis, 0, sizeof s->crisis);
	s->crisis.n = n;
	s->crisis.sel = sel;
	s->screen = UI_SCR_CRISIS;
}

void ui_set_checklist(ui_state *s, const char *title, ui_item *items,
                      size_t n)
{
	size_t sel = s->screen == UI_SCR_CHECKLIST && s->items_list.n == n
	             ? s->items_list.sel : 0, top = s->items_list.top;
	bool again = s->screen == UI_SCR_CHECKLIST;

	ui_items_free(s->items, s->items_list.n);
	s->items = items;
	memset(&s->items_list, 0, sizeof s->items_list);
	s->items_list.n = n;
	s->items_list.sel = sel;
	s->items_list.top = again ? top : 0;
	/* After checking an item, the next one is the one to do. */
	if (again && sel + 1 < n && items[sel].checked)
		s->items_list.sel = sel + 1;
	snprintf(s->protocol_title, sizeof s->protocol_title, "%s", title);
	s->screen = UI_SCR_CHECKLIST;
}

void ui_set_templates(ui_state *s, ui_doc *tmpls, size_t n)
{
	ui_docs_free(s->tmpls, s->tmpl.n);
	s->tmpls = tmpls;
	memset(&s->tmpl, 0, sizeof s->tmpl);
	s->tmpl.n = n;
}

void ui_set_ask(ui_state *s, ui_action act, const char *question)
{
	ui_ask(s, act, question);
}

const char *ui_selected_doc(const ui_state *s)
{
	if (s->searching)
		return s->search.n > 0 ? s->hits[s->search.sel].id : NULL;
	return s->home.n > 0 ? s->docs[s->home.sel].id : NULL;
}

const ui_rev *ui_selected_rev(const ui_state *s)
{
	return s->hist.n > 0 ? &s->revs[s->hist.sel] : NULL;
}

/* ---- merge ---- */

size_t ui_merge_markers(const char *text, size_t len)
{
	static const char *const marks[] = {"<<<<<<<", "=======", ">>>>>>>"};
	size_t n = 0, i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		for (size_t m = 0; m < 3; m++)
			if (end - i >= 7 && memcmp(text + i, marks[m], 7) == 0)
				n++;
		i = end + 1;
	}
	return n;
}

void ui_merge_forget(ui_state *s)
{
	if (s->merge_text != NULL)
		ui_wipe(s->merge_text, s->merge_len);
	free(s->merge_text);
	s->merge_text = NULL;
	s->merge_len = 0;
}

void ui_set_merge_pending(ui_state *s, char *text, size_t len,
                          const char *question)
{
	ui_merge_forget(s);
	s->merge_text = text;
	s->merge_len = len;
	ui_ask(s, UI_ACT_MERGE, question);
}

const char *ui_prompt_label(const ui_state *s)
{
	if (s->prompt != UI_PROMPT_PATH)
		return _("Title of the new document: ");
	switch (s->sync_op) {
	case UI_SYNC_FOLDER: return _("Folder to sync with: ");
	case UI_SYNC_EXPORT: return _("File to write: ");
	default: return _("Bundle to import: ");
	}
}

/* ---- the key bar ---- */

static size_t push(ui_hint *out, size_t n, size_t max, const char *key,
                   const char *label)
{
	if (n < max) {
		out[n].key = key;
		out[n].label = label;
		n++;
	}
	return n;
}

/* "1-2" to "1-4": the digits that answer the question shown. */
static const char *walk_keys(const ui_state *s)
{
	static const char *const keys[] = {"1-2", "1-3", "1-4"};
	int n = 4;

	if (s->walk != NULL && s->walk_step < s->walk->nsteps) {
		const policy_step *st = &s->walk->steps[s->walk_step];

		if (s->walk_q < st->nquestions)
			n = st->questions[s->walk_q].nchoices;
	}
	return keys[n < 2 ? 0 : n > 4 ? 2 : n - 2];
}

static size_t reader_hints(const ui_state *s, ui_hint *out, size_t max)
{
	bool ref = (s->doc.marks & UI_MARK_REFERENCE) != 0;
	bool writer = (s->role == 1 || s->role == 2) && !ref;
	size_t n = 0;

	n = push(out, n, max, "q", _("Back"));
	if (writer)
		n = push(out, n, max, "e", _("Edit"));
	n = push(out, n, max, "h", _("History"));
	if (writer && s->doc.status == 1)
		n = push(out, n, max, "s", _("Submit"));
	if (s->role == 1 && !ref && (s->doc.status == 1 || s->doc.status == 2))
		n = push(out, n, max, "a", _("Approve"));
	if (s->role == 1 && !ref && s->doc.status != 4)
		n = push(out, n, max, "x", _("Archive"));
	if (writer && (s->doc.marks & UI_MARK_MERGE))
		n = push(out, n, max, "m", _("Merge"));
	n = push(out, n, max, "w", s->doc.marks & UI_MARK_ACK
	         ? _("Walk through and acknowledge") : _("Walkthrough"));
	return n;
}

/* The sync, members and walkthrough screens. */
static size_t tool_hints(const ui_state *s, ui_hint *out, size_t max)
{
	size_t n = 0;

	switch (s->screen) {
	case UI_SCR_SYNC:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "1-3", _("Choose"));
		n = push(out, n, max, "Enter", _("Start"));
		break;
	case UI_SCR_MEMBERS:
		if (s->mem_mode == UI_MEM_ADD) {
			n = push(out, n, max, "Esc", _("Back"));
			n = push(out, n, max, "Enter", _("Next"));
			break;
		}
		if (s->mem_mode == UI_MEM_ROLE) {
			n = push(out, n, max, "Esc", _("Cancel"));
			n = push(out, n, max, "1-3", _("Choose"));
			break;
		}
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "a", _("Add"));
		n = push(out, n, max, "c", _("Change role"));
		n = push(out, n, max, "r", _("Remove"));
		break;
	case UI_SCR_WALK:
		n = push(out, n, max, "q", _("Leave"));
		if (s->walk_finished || s->walk_answered) {
			n = push(out, n, max, "Enter", _("Go on"));
			break;
		}
		n = push(out, n, max, walk_keys(s), _("Answer"));
		n = push(out, n, max, "\u2191\u2193", _("Choose"));
		n = push(out, n, max, "Enter", _("Answer"));
		break;
	default:
		break;
	}
	return n;
}

size_t ui_keybar(const ui_state *s, ui_hint *out, size_t max)
{
	size_t n = 0;
	bool writer = s->role == 1 || s->role == 2;

	switch (s->screen) {
	case UI_SCR_UNLOCK:
		n = push(out, n, max, "Enter", _("Unlock"));
		n = push(out, n, max, "^Q", _("Quit"));
		return push(out, n, max, "F1", _("Help"));
	case UI_SCR_CREATE:
		n = push(out, n, max, "Enter", _("Next"));
		n = push(out, n, max, "Esc", _("Back"));
		n = push(out, n, max, "^Q", _("Quit"));
		return push(out, n, max, "F1", _("Help"));
	case UI_SCR_HOME:
		n = push(out, n, max, "Enter", _("Open"));
		if (s->searching)
			n = push(out, n, max, "Esc", _("Clear search"));
		else
			n = push(out, n, max, _("Type"), _("Search"));
		n = push(out, n, max, "^E", _("Crisis"));
		n = push(out, n, max, "^W", _("Walkthrough"));
		n = push(out, n, max, "^T", _("Status"));
		n = push(out, n, max, "^S", _("Sync"));
		if (s->role == 1)
			n = push(out, n, max, "^U", _("Members"));
		if (writer)
			n = push(out, n, max, "^N", _("New"));
		n = push(out, n, max, "^Q", _("Quit"));
		break;
	case UI_SCR_READER:
		n = reader_hints(s, out, max);
		break;
	case UI_SCR_HISTORY:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "Enter", _("Changes"));
		if (writer && !(s->doc.marks & UI_MARK_REFERENCE))
			n = push(out, n, max, "r", _("Restore"));
		break;
	case UI_SCR_DIFF:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "PgDn", _("Scroll"));
		break;
	case UI_SCR_STATUS:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "PgDn", _("Scroll"));
		n = push(out, n, max, "r", _("Refresh"));
		break;
	case UI_SCR_CRISIS:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "Enter", _("Follow"));
		n = push(out, n, max, "+/-", _("Contacts"));
		break;
	case UI_SCR_CHECKLIST:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "Enter", _("Done"));
		break;
	case UI_SCR_TEMPLATES:
		n = push(out, n, max, "q", _("Back"));
		n = push(out, n, max, "Enter", _("Choose"));
		break;
	case UI_SCR_SYNC: case UI_SCR_MEMBERS: case UI_SCR_WALK:
		n = tool_hints(s, out, max);
		break;
	}
	n = push(out, n, max, "^L", _("Lock"));
	return push(out, n, max, "F1", _("Help"));
}
