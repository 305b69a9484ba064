/* ui_walk.c: the walkthrough screen's model (see ui_model.h): a
 * document's questions, one at a time; keys 1..4 answer, or the arrows
 * and Enter. A wrong answer shows the explanation and the question stays
 * until answered right; only answers right at the first try score. When
 * the last question is answered the loop is asked to acknowledge
 * (UI_ACT_WALK_DONE). Pure: no curses, no vault. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_i18n.h"
#include "ui_model_int.h"

static const policy_question *question(const ui_state *s)
{
	const policy_step *st;

	if (s->walk == NULL || s->walk_step >= s->walk->nsteps)
		return NULL;
	st = &s->walk->steps[s->walk_step];
	return s->walk_q < st->nquestions ? &st->questions[s->walk_q] : NULL;
}

void ui_walk_forget(ui_state *s)
{
	policy_walk_free(s->walk);
	s->walk = NULL;
	s->walk_step = s->walk_q = s->walk_focus = 0;
	s->walk_tried = 0;
	s->walk_answered = s->walk_finished = s->walk_approved = false;
	s->walk_score = s->walk_total = 0;
	s->walk_result[0] = '\0';
}

void ui_set_walk(ui_state *s, policy_walk *walk, bool approved)
{
	ui_walk_forget(s);
	s->walk = walk;
	s->walk_approved = approved;
	s->screen = UI_SCR_WALK;
	/* Steps without questions are only read: skip to the first asked. */
	while (s->walk_step < walk->nsteps && question(s) == NULL)
		s->walk_step++;
	if (question(s) == NULL)
		s->walk_finished = true;
}

void ui_set_walk_result(ui_state *s, const char *result)
{
	snprintf(s->walk_result, sizeof s->walk_result, "%s", result);
	if (s->walk != NULL)
		s->screen = UI_SCR_WALK;
}

/* The next question, or the end. */
static ui_action advance(ui_state *s)
{
	s->walk_answered = false;
	s->walk_tried = 0;
	s->walk_focus = 0;
	s->walk_q++;
	while (s->walk_step < s->walk->nsteps && question(s) == NULL) {
		s->walk_step++;
		s->walk_q = 0;
	}
	if (question(s) != NULL)
		return UI_ACT_NONE;
	s->walk_finished = true;
	return UI_ACT_WALK_DONE;
}

static ui_action answer(ui_state *s, int choice)
{
	const policy_question *q = question(s);

	if (q == NULL || choice < 0 || choice >= q->nchoices)
		return UI_ACT_NONE;
	s->walk_focus = choice;
	if (s->walk_tried & (1u << choice)) {
		ui_set_msg(s, _("You already tried that one: choose another."));
		return UI_ACT_NONE;
	}
	if (choice != q->right) {
		s->walk_tried |= 1u << choice;
		return UI_ACT_NONE;
	}
	/* Counted once, when the question is done: right at the first try
	 * scores, a right answer after a wrong one does not. */
	s->walk_total++;
	if (s->walk_tried == 0)
		s->walk_score++;
	s->walk_answered = true;
	return UI_ACT_NONE;
}

static void leave(ui_state *s)
{
	ui_walk_forget(s);
	s->screen = UI_SCR_READER;
}

ui_action ui_walk_key(ui_state *s, const ui_key *k)
{
	const policy_question *q = question(s);
	bool stop = k->kind == UI_KEY_ESC ||
	            (k->kind == UI_KEY_CHAR && (k->ch == 'q' || k->ch == 'Q'));
	bool go = k->kind == UI_KEY_ENTER ||
	          (k->kind == UI_KEY_CHAR && k->ch == ' ');

	if (s->walk_finished) {
		if (stop || go)
			leave(s);
		return UI_ACT_NONE;
	}
	if (stop) {
		/* Nothing answered yet: nothing to lose by leaving. */
		if (s->walk_total == 0 && s->walk_tried == 0 && !s->walk_answered) {
			leave(s);
			return UI_ACT_NONE;
		}
		return ui_ask(s, UI_ACT_WALK, _("Leave the walkthrough? Nothing "
		              "will be recorded."));
	}
	if (s->walk_answered)
		return go || k->kind == UI_KEY_RIGHT ? advance(s) : UI_ACT_NONE;
	if (q == NULL)
		return UI_ACT_NONE;
	if (k->kind == UI_KEY_CHAR && k->ch >= '1' && k->ch <= '9')
		return answer(s, (int)(k->ch - '1'));
	if (k->kind == UI_KEY_UP && s->walk_focus > 0)
		s->walk_focus--;
	else if (k->kind == UI_KEY_DOWN && s->walk_focus + 1 < q->nchoices)
		s->walk_focus++;
	else if (go)
		return answer(s, s->walk_focus);
	return UI_ACT_NONE;
}

/* The "leave?" question answered yes comes back as UI_ACT_WALK while on
 * WALK: the model handles it (see ui_key_apply). */
void ui_walk_leave(ui_state *s)
{
	leave(s);
	ui_set_msg(s, _("You left the walkthrough. Nothing was recorded."));
}

/* ---- display lines ---- */

static int add(ui_lines *out, const char *text, unsigned attr, size_t width,
               size_t first, size_t rest)
{
	return ui_lines_wrap(out, text, NULL, strlen(text), attr, width, first,
	                     rest);
}

static int blank(ui_lines *out, size_t width)
{
	return add(out, "", 0, width, 0, 0);
}

static int choices(const ui_state *s, const policy_question *q, size_t width,
                   ui_lines *out, size_t *cursor)
{
	char line[1200];
	int rc = 0;

	for (int i = 0; i < q->nchoices && rc == 0; i++) {
		bool focus = i == s->walk_focus && !s->walk_answered;
		const char *note = "";

		if (s->walk_tried & (1u << i))
			note = _("(not this one)");
		else if (s->walk_answered && i == q->right)
			note = _("(right)");
		/* ">" marks the cursor in plain text; the reverse attribute
		 * only repeats it. */
		snprintf(line, sizeof line, "%s %d) %s%s%s", focus ? ">" : " ",
		         i + 1, q->choices[i].text, note[0] ? " " : "", note);
		if (focus || (s->walk_answered && i == q->right))
			*cursor = out->n;
		rc = add(out, line, focus ? UI_A_REVERSE | UI_A_BOLD : 0, width,
		         0, 5);
	}
	return rc;
}

static int feedback(const ui_state *s, const policy_question *q,
                    size_t width, ui_lines *out, size_t *cursor)
{
	char line[1200];
	int rc = blank(out, width);

	if (s->walk_answered) {
		snprintf(line, sizeof line, "%s %s", _("Right."), q->why);
		rc |= add(out, line, UI_A_BOLD, width, 0, 0);
		*cursor = out->n;
		rc |= add(out, _("Press Enter to go on."), UI_A_DIM, width, 0, 0);
	} else if (s->walk_tried != 0) {
		snprintf(line, sizeof line, "%s %s", _("Not quite."), q->why);
		rc |= add(out, line, UI_A_BOLD, width, 0, 0);
		rc |= add(out, _("Try again: choose another answer."), 0, width,
		          0, 0);
	} else {
		rc |= add(out, _("Press the number of your answer, or choose it "
		                 "with the arrows and press Enter."), UI_A_DIM,
		          width, 0, 0);
	}
	return rc;
}

static int finished(const ui_state *s, size_t width, ui_lines *out,
                    size_t *cursor)
{
	char line[400];
	int rc;

	snprintf(line, sizeof line, _("Done. Right at the first try: %d of %d."),
	         s->walk_score, s->walk_total);
	rc = add(out, line, UI_A_BOLD, width, 0, 0);
	if (s->walk_result[0])
		rc |= add(out, s->walk_result, 0, width, 0, 0);
	rc |= blank(out, width);
	*cursor = out->n;
	rc |= add(out, _("Press Enter to go back to the document."), UI_A_DIM,
	          width, 0, 0);
	return rc;
}

int ui_walk_lines(const ui_state *s, size_t width, ui_lines *out,
                  size_t *cursor)
{
	const policy_question *q = question(s);
	const policy_step *st;
	char line[1200];
	int rc;

	*cursor = 0;
	if (s->walk == NULL)
		return 0;
	snprintf(line, sizeof line, _("Walkthrough: %s"),
	         s->doc.title ? s->doc.title : "");
	rc = add(out, line, UI_A_BOLD | UI_A_UNDER | UI_A_HEAD, width, 0, 0);
	if (!s->walk_approved)
		rc |= add(out, _("Practice: this document has no approved revision "
		                 "yet, so nothing will be recorded."), UI_A_DIM,
		          width, 0, 0);
	rc |= blank(out, width);
	if (s->walk_finished || q == NULL)
		return rc | finished(s, width, out, cursor) ? -1 : 0;
	st = &s->walk->steps[s->walk_step];
	snprintf(line, sizeof line, _("Step %d of %d: %s"), s->walk_step + 1,
	         s->walk->nsteps, st->title);
	rc |= add(out, line, UI_A_BOLD, width, 0, 0);
	snprintf(line, sizeof line, _("Section: %s"), st->section);
	rc |= add(out, line, UI_A_DIM, width, 0, 0);
	if (st->text != NULL && s->walk_q == 0)
		rc |= add(out, st->text, 0, width, 0, 0);
	rc |= blank(out, width);
	snprintf(line, sizeof line, _("Question %d of %d: %s"), s->walk_q + 1,
	         st->nquestions, q->question);
	rc |= add(out, line, UI_A_BOLD, width, 0, 0);
	rc |= blank(out, width);
	rc |= choices(s, q, width, out, cursor);
	rc |= feedback(s, q, width, out, cursor);
	return rc ? -1 : 0;
}
