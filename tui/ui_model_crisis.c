/* ui_model_crisis.c: keys of the crisis screen, of a protocol followed
 * as a checklist, and of the template choice (see ui_model.h). Pure. */
#include "ui_i18n.h"
#include "ui_model_int.h"

/* ---- CRISIS, CHECKLIST, TEMPLATES ---- */

/* Rows the crisis screen gives its contacts: at most half the content. */
static size_t crisis_contact_rows(const ui_state *s)
{
	size_t half = (size_t)ui_content_rows(s) / 2;

	return s->contacts.lines.n < half ? s->contacts.lines.n : half;
}

ui_action ui_crisis_key(ui_state *s, const ui_key *k)
{
	size_t c = crisis_contact_rows(s), rows = (size_t)ui_content_rows(s);
	size_t lrows = rows > c + 2 ? rows - c - 2 : 1;

	if (ui_is_back(k)) {
		s->screen = UI_SCR_HOME;
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_ENTER)
		return s->crisis.n ? UI_ACT_PROTOCOL : UI_ACT_NONE;
	if (k->kind == UI_KEY_CLICK) {
		long i = (long)s->crisis.top + k->row - ui_content_top(s) -
		         (long)c - 2;

		return ui_list_click(&s->crisis, i) == UI_ACT_OPEN
		       ? UI_ACT_PROTOCOL : UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_CHAR && (k->ch == '+' || k->ch == '-')) {
		ui_key m = {k->ch == '+' ? UI_KEY_DOWN : UI_KEY_UP, 0, 0, 0};

		ui_view_key(&s->contacts, &m, c);
		return UI_ACT_NONE;
	}
	if (ui_list_key(&s->crisis, k, lrows))
		ui_list_scroll(&s->crisis, lrows);
	return UI_ACT_NONE;
}

ui_action ui_checklist_key(ui_state *s, const ui_key *k)
{
	size_t rows = (size_t)ui_content_rows(s);

	if (ui_is_back(k)) {
		s->screen = UI_SCR_CRISIS;
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_CLICK) {
		long i = (long)s->items_list.top + k->row - ui_content_top(s) - 1;

		if (ui_list_click(&s->items_list, i) != UI_ACT_OPEN)
			return UI_ACT_NONE;
	} else if (!(k->kind == UI_KEY_ENTER ||
	             (k->kind == UI_KEY_CHAR && k->ch == ' '))) {
		if (ui_list_key(&s->items_list, k, rows - 2))
			ui_list_scroll(&s->items_list, rows - 1);
		return UI_ACT_NONE;
	}
	if (s->items_list.n == 0)
		return UI_ACT_NONE;
	if (s->items[s->items_list.sel].checked) {
		ui_set_msg(s, _("This step is already checked."));
		return UI_ACT_NONE;
	}
	return UI_ACT_CHECK;
}

ui_action ui_templates_key(ui_state *s, const ui_key *k)
{
	size_t rows = (size_t)ui_content_rows(s);

	if (ui_is_back(k)) {
		s->screen = UI_SCR_HOME;
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_CLICK) {
		long i = (long)s->tmpl.top + k->row - ui_content_top(s) - 1;

		if (ui_list_click(&s->tmpl, i) != UI_ACT_OPEN)
			return UI_ACT_NONE;
	} else if (k->kind != UI_KEY_ENTER) {
		if (ui_list_key(&s->tmpl, k, rows - 2))
			ui_list_scroll(&s->tmpl, rows - 1);
		return UI_ACT_NONE;
	}
	if (s->tmpl.sel == 0) {
		s->prompt = UI_PROMPT_TITLE;
		s->input_len = 0;
		s->input[0] = '\0';
		return UI_ACT_NONE;
	}
	return UI_ACT_NEW;
}
