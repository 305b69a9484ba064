/* ui_act_walk.c: the vault side of walkthroughs in the TUI (see
 * ui_int.h). The questions come from the template the document started
 * from, in the document's language (policy_template_find), as `amparo
 * walk` does; finishing records a signed acknowledgement of the latest
 * approved revision with the first-try score (vault_ack). */
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "ui_i18n.h"
#include "ui_int.h"

void ui_act_walk(ui_app *a)
{
	vault_doc *d = NULL;
	vault_err err = {0};
	const policy_template *t = NULL;
	policy_walk *w = NULL;
	char e[256];

	if (a->s.screen == UI_SCR_HOME) {
		const char *ref = ui_selected_doc(&a->s);

		if (ref == NULL)
			return;
		ui_act_open(a, ref);
		if (a->s.screen != UI_SCR_READER)
			return; /* it could not be opened: the message says why */
	}
	if (vault_doc_get(a->v, a->s.doc.id, NULL, &d, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	if (d->template_id[0] != '\0')
		t = policy_template_find(d->lang, d->template_id);
	if (t == NULL || t->walk == NULL ||
	    policy_walk_parse(t->walk, t->walk_len, &w, e, sizeof e) != 0 ||
	    w->nsteps == 0) {
		policy_walk_free(w);
		/* Documents written here have no questions: reading them is
		 * acknowledged in so many words instead. */
		if (d->approved[0] != '\0')
			ui_set_ask(&a->s, UI_ACT_ACK, _("This document has no "
			           "walkthrough. Confirm that you have read and "
			           "understood the approved revision?"));
		else
			ui_set_msg(&a->s, _("This document has no walkthrough (only "
			           "documents from the template library have one)."));
		vault_doc_free(d);
		return;
	}
	ui_set_walk(&a->s, w, d->approved[0] != '\0');
	vault_doc_free(d);
}

/* Reload the list and the reader (its markers change), keeping the
 * walkthrough's final screen up. */
static void refresh(ui_app *a, const char *result)
{
	char id[VAULT_ID_HEX];

	snprintf(id, sizeof id, "%s", a->s.doc.id);
	ui_act_load_docs(a);
	ui_act_open(a, id);
	ui_set_walk_result(&a->s, result);
}

void ui_act_walk_done(ui_app *a)
{
	vault_err err = {0};

	if (!a->s.walk_approved) {
		ui_set_walk_result(&a->s, _("This was practice: the document has "
		                   "no approved revision yet, so nothing was "
		                   "recorded."));
		return;
	}
	if (vault_ack(a->v, a->s.doc.id, a->s.walk_score, a->s.walk_total,
	              &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		ui_set_walk_result(&a->s, _("Your acknowledgement could not be "
		                   "recorded: see the message below."));
		return;
	}
	refresh(a, _("Recorded: you have read and understood the approved "
	             "revision. Your acknowledgement is signed and travels "
	             "with the next sync."));
}

void ui_act_ack(ui_app *a)
{
	vault_err err = {0};

	if (vault_ack(a->v, a->s.doc.id, 0, 0, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	ui_act_load_docs(a);
	ui_act_open(a, a->s.doc.id);
	ui_set_msg(&a->s, _("Recorded: you have read this document."));
}
