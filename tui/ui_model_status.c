/* ui_model_status.c: the status screen's model (see ui_model.h): what
 * `amparo status` prints, for the TUI. Per approved document, every
 * current member with "[x]" (read and understood the current approved
 * revision, with the score) or "[ ]" (must read it, or must read it again
 * because a newer revision was approved), always said in words; then the
 * documents past their review date and those that need a merge. A text
 * view scrolled with the usual keys; r loads it again. Pure: the loop
 * reads the vault and the clock (ui_act.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_i18n.h"
#include "ui_model_int.h"

void ui_status_free(ui_status_doc *d, size_t n)
{
	for (size_t i = 0; d != NULL && i < n; i++) {
		for (size_t j = 0; d[i].acks != NULL && j < d[i].nacks; j++)
			free(d[i].acks[j].member);
		free(d[i].acks);
		if (d[i].title != NULL)
			ui_wipe(d[i].title, strlen(d[i].title));
		free(d[i].title);
	}
	free(d);
}

void ui_status_forget(ui_state *s)
{
	ui_status_free(s->stat_docs, s->stat_n);
	s->stat_docs = NULL;
	s->stat_n = 0;
	ui_lines_clear(&s->stat.lines);
	s->stat.top = 0;
	s->stat_width = 0;
}

static int add(ui_lines *out, const char *text, unsigned attr, size_t width,
               size_t indent_first, size_t indent_rest)
{
	return ui_lines_wrap(out, text, NULL, strlen(text), attr, width,
	                     indent_first, indent_rest);
}

/* A member's line: "[x] read and understood: Ana (5/6)". */
static int ack_line(const ui_state *s, const ui_ack *a, size_t width,
                    ui_lines *out)
{
	char who[300], line[700];

	snprintf(who, sizeof who, "%s%s", a->member,
	         strcmp(a->member, s->member) == 0 ? _(" (you)") : "");
	switch (a->state) {
	case UI_ACK_READ:
		snprintf(line, sizeof line, "[x] ");
		snprintf(line + 4, sizeof line - 4, _("read and understood: %s "
		         "(%d/%d)"), who, a->score, a->total);
		break;
	case UI_ACK_AGAIN:
		snprintf(line, sizeof line, "[ ] ");
		snprintf(line + 4, sizeof line - 4, _("must read again (a newer "
		         "revision was approved): %s"), who);
		break;
	default:
		snprintf(line, sizeof line, "[ ] ");
		snprintf(line + 4, sizeof line - 4, _("must read: %s"), who);
	}
	return add(out, line, a->state == UI_ACK_READ ? 0 : UI_A_BOLD, width,
	           4, 8);
}

static int doc_lines(const ui_state *s, const ui_status_doc *d,
                     size_t width, ui_lines *out)
{
	char line[700];
	unsigned read = 0;
	int rc;

	snprintf(line, sizeof line, _("%s (approved revision %s)"), d->title,
	         d->rev);
	rc = add(out, line, UI_A_BOLD, width, 2, 4);
	for (size_t j = 0; j < d->nacks; j++)
		read += d->acks[j].state == UI_ACK_READ;
	snprintf(line, sizeof line, _("Read by %u of %u."), read,
	         (unsigned)d->nacks);
	rc |= add(out, line, UI_A_DIM, width, 4, 4);
	for (size_t j = 0; j < d->nacks; j++)
		rc |= ack_line(s, &d->acks[j], width, out);
	return rc;
}

static int flag_lines(const ui_state *s, size_t width, ui_lines *out)
{
	char line[700], date[32];
	int rc = 0, shown = 0;

	for (size_t i = 0; i < s->stat_n; i++) {
		const ui_status_doc *d = &s->stat_docs[i];
		time_t t = (time_t)d->review_by;
		struct tm tm;

		if (!d->review_due)
			continue;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
			snprintf(date, sizeof date, "?");
		snprintf(line, sizeof line, "[!] ");
		snprintf(line + 4, sizeof line - 4, _("review due: %s (review by "
		         "%s)"), d->title, date);
		rc |= add(out, line, UI_A_BOLD, width, 2, 6);
		shown++;
	}
	for (size_t i = 0; i < s->stat_n; i++) {
		if (!s->stat_docs[i].merge)
			continue;
		snprintf(line, sizeof line, "[!] ");
		snprintf(line + 4, sizeof line - 4, _("needs merge: %s"),
		         s->stat_docs[i].title);
		rc |= add(out, line, UI_A_BOLD, width, 2, 6);
		shown++;
	}
	if (shown == 0)
		rc |= add(out, _("Nothing is past its review date or needs a "
		                 "merge."), 0, width, 2, 2);
	return rc;
}

int ui_status_lines(const ui_state *s, size_t width, ui_lines *out)
{
	int rc, approved = 0;

	rc = add(out, _("Acknowledgements of approved documents"),
	         UI_A_BOLD | UI_A_UNDER | UI_A_HEAD, width, 0, 0);
	for (size_t i = 0; i < s->stat_n; i++) {
		if (s->stat_docs[i].rev[0] == '\0')
			continue;
		rc |= doc_lines(s, &s->stat_docs[i], width, out);
		approved++;
	}
	if (approved == 0)
		rc |= add(out, _("No document has been approved yet."), 0, width,
		          2, 2);
	rc |= add(out, "", 0, width, 0, 0);
	rc |= add(out, _("Reviews and merges"),
	          UI_A_BOLD | UI_A_UNDER | UI_A_HEAD, width, 0, 0);
	rc |= flag_lines(s, width, out);
	return rc ? -1 : 0;
}

int ui_status_layout(ui_state *s)
{
	size_t width = s->cols > 2 ? (size_t)s->cols - 2 : 1;
	size_t rows = (size_t)ui_content_rows(s);
	ui_lines lines;

	if (width == s->stat_width && s->stat.lines.n > 0)
		return 0;
	ui_lines_init(&lines);
	if (ui_status_lines(s, width, &lines) != 0) {
		ui_lines_clear(&lines);
		return -1;
	}
	ui_lines_clear(&s->stat.lines);
	s->stat.lines = lines;
	s->stat_width = width;
	if (s->stat.top + rows > lines.n)
		s->stat.top = lines.n > rows ? lines.n - rows : 0;
	return 0;
}

void ui_set_status(ui_state *s, ui_status_doc *docs, size_t n)
{
	size_t top = s->screen == UI_SCR_STATUS ? s->stat.top : 0;

	ui_status_forget(s);
	s->stat_docs = docs;
	s->stat_n = n;
	s->stat.top = top;
	s->screen = UI_SCR_STATUS;
	if (ui_status_layout(s) != 0)
		ui_set_msg(s, _("Out of memory."));
}

ui_action ui_status_key(ui_state *s, const ui_key *k)
{
	if (ui_is_back(k)) {
		s->screen = UI_SCR_HOME;
		return UI_ACT_RELOAD;
	}
	if (k->kind == UI_KEY_CHAR && (k->ch == 'r' || k->ch == 'R'))
		return UI_ACT_STATUS;
	ui_view_key(&s->stat, k, (size_t)ui_content_rows(s));
	return UI_ACT_NONE;
}
