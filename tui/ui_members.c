/* ui_members.c: the members screen's model (see ui_model.h), for admins
 * only: the list; a to add a member (name, role, passphrase typed twice
 * without echo, as on CREATE); c to change a role; r to remove one, after
 * a question that warns that the vault's keys will be rotated. Pure: the
 * loop calls vault_member_* (ui_act_members.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_i18n.h"
#include "ui_model_int.h"

#define UI_MIN_PASS 8

static const char *role_name(int role)
{
	return role == 1 ? _("admin") : role == 2 ? _("editor") : _("staff");
}

void ui_members_free(ui_member *m, size_t n)
{
	for (size_t i = 0; m != NULL && i < n; i++)
		free(m[i].name);
	free(m);
}

static void form_clear(ui_state *s)
{
	ui_wipe(s->add_name, sizeof s->add_name);
	s->add_name_len = 0;
	s->add_step = 0;
	s->add_role = 3;
	ui_pass_wipe(s);
}

void ui_members_forget(ui_state *s)
{
	ui_members_free(s->members, s->mem.n);
	s->members = NULL;
	memset(&s->mem, 0, sizeof s->mem);
	s->mem_mode = UI_MEM_LIST;
	form_clear(s);
}

void ui_set_members(ui_state *s, ui_member *m, size_t n)
{
	char keep[128] = "";

	if (s->mem.n > 0 && s->mem.sel < s->mem.n)
		snprintf(keep, sizeof keep, "%s", s->members[s->mem.sel].name);
	ui_members_free(s->members, s->mem.n);
	s->members = m;
	memset(&s->mem, 0, sizeof s->mem);
	s->mem.n = n;
	for (size_t i = 0; i < n; i++)
		if (keep[0] && strcmp(m[i].name, keep) == 0)
			s->mem.sel = i;
	s->mem_mode = UI_MEM_LIST;
	form_clear(s);
	s->screen = UI_SCR_MEMBERS;
}

const ui_member *ui_selected_member(const ui_state *s)
{
	return s->mem.n > 0 && s->mem.sel < s->mem.n ? &s->members[s->mem.sel]
	                                              : NULL;
}

/* ---- keys ---- */

static ui_action add_enter(ui_state *s)
{
	switch (s->add_step) {
	case 0:
		if (s->add_name_len == 0) {
			ui_set_msg(s, _("Type the new member's name, as others will "
			                "see it."));
			return UI_ACT_NONE;
		}
		s->add_step = 1;
		return UI_ACT_NONE;
	case 1:
		s->add_step = 2;
		return UI_ACT_NONE;
	case 2:
		if (s->pass_len < UI_MIN_PASS) {
			ui_set_msg(s, _("A passphrase needs at least 8 characters; "
			                "several unrelated words are easiest to remember."));
			return UI_ACT_NONE;
		}
		s->add_step = 3;
		return UI_ACT_NONE;
	default:
		if (s->pass_len != s->pass2_len ||
		    memcmp(s->pass, s->pass2, s->pass_len) != 0) {
			ui_pass_wipe(s);
			s->add_step = 2;
			ui_set_msg(s, _("The two passphrases differ. Type it again."));
			return UI_ACT_NONE;
		}
		ui_set_msg(s, _("Adding the member..."));
		return UI_ACT_MEMBER_ADD;
	}
}

static ui_action add_key(ui_state *s, const ui_key *k)
{
	if (k->kind == UI_KEY_ESC) {
		if (s->add_step == 0) {
			form_clear(s);
			s->mem_mode = UI_MEM_LIST;
		} else {
			ui_pass_wipe(s);
			s->add_step = s->add_step >= 2 ? 1 : 0;
		}
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_ENTER)
		return add_enter(s);
	switch (s->add_step) {
	case 0:
		ui_input_key(s->add_name, &s->add_name_len, sizeof s->add_name, k);
		break;
	case 1:
		if (k->kind == UI_KEY_CHAR && k->ch >= '1' && k->ch <= '3') {
			s->add_role = (int)(k->ch - '0');
			s->add_step = 2;
		} else if (k->kind == UI_KEY_UP && s->add_role > 1) {
			s->add_role--;
		} else if (k->kind == UI_KEY_DOWN && s->add_role < 3) {
			s->add_role++;
		}
		break;
	case 2:
		ui_input_key(s->pass, &s->pass_len, UI_PASS_MAX + 1, k);
		break;
	default:
		ui_input_key(s->pass2, &s->pass2_len, UI_PASS_MAX + 1, k);
	}
	return UI_ACT_NONE;
}

static ui_action role_key(ui_state *s, const ui_key *k)
{
	const ui_member *m = ui_selected_member(s);
	int r = s->new_role;

	if (k->kind == UI_KEY_ESC || m == NULL) {
		s->mem_mode = UI_MEM_LIST;
		ui_set_msg(s, _("Cancelled."));
		return UI_ACT_NONE;
	}
	if (k->kind == UI_KEY_UP && r > 1)
		s->new_role--;
	else if (k->kind == UI_KEY_DOWN && r < 3)
		s->new_role++;
	if (k->kind == UI_KEY_CHAR && k->ch >= '1' && k->ch <= '3')
		r = (int)(k->ch - '0');
	else if (k->kind != UI_KEY_ENTER)
		return UI_ACT_NONE;
	s->new_role = r;
	s->mem_mode = UI_MEM_LIST;
	if (r == m->role) {
		ui_set_msg(s, _("That is already their role."));
		return UI_ACT_NONE;
	}
	return UI_ACT_MEMBER_ROLE;
}

/* r: remove the selected member, after a warning. */
static ui_action remove_key(ui_state *s, const ui_member *m)
{
	char q[320];

	if (m->you) {
		ui_set_msg(s, _("You cannot remove yourself; another admin can."));
		return UI_ACT_NONE;
	}
	snprintf(q, sizeof q, _("Remove %.60s? Their passphrase will stop "
	         "opening the vault, and its keys will be rotated: the file is "
	         "rewritten and older copies stay as they are."), m->name);
	return ui_ask(s, UI_ACT_MEMBER_REMOVE, q);
}

static ui_action list_cmd(ui_state *s, uint32_t c)
{
	const ui_member *m = ui_selected_member(s);

	if (c == 'a') {
		form_clear(s);
		s->mem_mode = UI_MEM_ADD;
		return UI_ACT_NONE;
	}
	if (m == NULL || (c != 'r' && c != 'c'))
		return UI_ACT_NONE;
	if (!m->active) {
		ui_set_msg(s, _("This member was removed already."));
		return UI_ACT_NONE;
	}
	if (c == 'r')
		return remove_key(s, m);
	s->mem_mode = UI_MEM_ROLE;
	s->new_role = m->role;
	return UI_ACT_NONE;
}

ui_action ui_members_key(ui_state *s, const ui_key *k)
{
	size_t rows = (size_t)ui_content_rows(s);

	if (s->mem_mode == UI_MEM_ADD)
		return add_key(s, k);
	if (s->mem_mode == UI_MEM_ROLE)
		return role_key(s, k);
	if (ui_is_back(k)) {
		s->screen = UI_SCR_HOME;
		return UI_ACT_RELOAD;
	}
	if (k->kind == UI_KEY_CHAR)
		return list_cmd(s, k->ch);
	if (ui_list_key(&s->mem, k, rows > 4 ? rows - 4 : 1))
		ui_list_scroll(&s->mem, rows > 3 ? rows - 3 : 1);
	return UI_ACT_NONE;
}

/* ---- display lines ---- */

static int add(ui_lines *out, const char *text, unsigned attr, size_t width)
{
	return ui_lines_wrap(out, text, NULL, strlen(text), attr, width, 0, 4);
}

static int roles(const ui_state *s, int focus, size_t width, ui_lines *out,
                 size_t *cursor)
{
	char line[200];
	int rc = 0;

	for (int r = 1; r <= 3; r++) {
		snprintf(line, sizeof line, "%s %d) %s", r == focus ? ">" : " ", r,
		         role_name(r));
		if (r == focus)
			*cursor = out->n;
		rc |= add(out, line, r == focus ? UI_A_REVERSE | UI_A_BOLD : 0,
		          width);
	}
	(void)s;
	return rc;
}

static int form(const ui_state *s, size_t width, ui_lines *out,
                size_t *cursor)
{
	char line[400];
	int rc;

	rc = add(out, _("Add a member"), UI_A_BOLD | UI_A_UNDER | UI_A_HEAD,
	         width);
	rc |= add(out, "", 0, width);
	snprintf(line, sizeof line, "%s%s", _("Name: "), s->add_name);
	if (s->add_step == 0)
		*cursor = out->n;
	rc |= add(out, line, s->add_step == 0 ? UI_A_BOLD : 0, width);
	if (s->add_step == 1) {
		rc |= add(out, _("Role (editors write and submit documents; staff "
		                 "read them; admins also approve and manage members):"),
		          UI_A_BOLD, width);
		rc |= roles(s, s->add_role, width, out, cursor);
	} else if (s->add_step > 1) {
		snprintf(line, sizeof line, "%s%s", _("Role: "),
		         role_name(s->add_role));
		rc |= add(out, line, 0, width);
	}
	if (s->add_step >= 2) {
		/* What is typed never shows, not even as stars. */
		if (s->add_step == 2)
			*cursor = out->n;
		rc |= add(out, _("Their passphrase: "), s->add_step == 2 ? UI_A_BOLD
		          : 0, width);
	}
	if (s->add_step == 3) {
		*cursor = out->n;
		rc |= add(out, _("The same again: "), UI_A_BOLD, width);
	}
	rc |= add(out, "", 0, width);
	rc |= add(out, s->add_step >= 2
	          ? _("Nothing shows on the screen while you type. Give them "
	              "the passphrase in person, never in writing.")
	          : _("Esc goes back a step."), UI_A_DIM, width);
	return rc;
}

int ui_members_lines(const ui_state *s, size_t width, ui_lines *out,
                     size_t *cursor)
{
	char line[400];
	int rc;

	*cursor = 0;
	if (s->mem_mode == UI_MEM_ADD)
		return form(s, width, out, cursor) ? -1 : 0;
	rc = add(out, _("Members of this vault:"),
	         UI_A_BOLD | UI_A_UNDER | UI_A_HEAD, width);
	rc |= add(out, "", 0, width);
	for (size_t i = 0; i < s->mem.n; i++) {
		const ui_member *m = &s->members[i];
		bool sel = i == s->mem.sel;

		snprintf(line, sizeof line, "%s %s: %s%s%s%s", sel ? ">" : " ",
		         m->name, role_name(m->role),
		         m->you ? _(" (you)") : "",
		         m->active ? "" : _(" (removed)"),
		         m->active && !m->has_slot ? _(" (no key slot in this copy)")
		                                   : "");
		if (sel)
			*cursor = out->n;
		rc |= add(out, line, !m->active ? UI_A_DIM
		          : sel ? UI_A_REVERSE | UI_A_BOLD : 0, width);
	}
	if (s->mem_mode == UI_MEM_ROLE && ui_selected_member(s) != NULL) {
		rc |= add(out, "", 0, width);
		snprintf(line, sizeof line, _("New role for %s:"),
		         ui_selected_member(s)->name);
		rc |= add(out, line, UI_A_BOLD, width);
		rc |= roles(s, s->new_role, width, out, cursor);
	}
	return rc ? -1 : 0;
}
