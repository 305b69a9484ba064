/* ui_act_members.c: the vault side of the members screen (see
 * ui_int.h), through vault_member_*; the vault checks the role again, so
 * the model hiding the screen from editors and staff is for clarity, not
 * for safety. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "ui_i18n.h"
#include "ui_int.h"

typedef struct {
	ui_member *v;
	size_t n, cap;
} member_list;

static int collect(const vault_member_info *m, void *ctx)
{
	member_list *l = ctx;
	ui_member *e;

	if (l->n == l->cap) {
		void *grown = ui_grow(l->v, &l->cap, sizeof *l->v);

		if (grown == NULL)
			return 1;
		l->v = grown;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof *e);
	e->name = strdup(m->name);
	if (e->name == NULL)
		return 1;
	e->role = m->role;
	e->active = m->active != 0;
	e->you = m->you != 0;
	e->has_slot = m->has_slot != 0;
	l->n++;
	return 0;
}

static void load(ui_app *a)
{
	member_list l = {NULL, 0, 0};
	vault_err err = {0};

	if (vault_member_each(a->v, collect, &l, &err) != VAULT_OK) {
		ui_members_free(l.v, l.n);
		ui_act_fail(a, &err);
		return;
	}
	ui_set_members(&a->s, l.v, l.n);
}

static void add(ui_app *a)
{
	ac_kdf_params kdf, *k = NULL;
	vault_err err = {0};
	const char *mode = getenv("AMPARO_KDF");
	char msg[320];

	/* The same key derivation as `amparo member add`: that of the
	 * vault's own slot, unless tests ask for the fast one. */
	if (mode != NULL && strcmp(mode, "test") == 0) {
		ac_kdf_test_params(&kdf);
		k = &kdf;
	}
	if (vault_member_add(a->v, a->s.add_name, a->s.add_role, a->s.pass,
	                     a->s.pass_len, k, &err) != VAULT_OK) {
		ui_pass_wipe(&a->s);
		ui_act_fail(a, &err);
		snprintf(msg, sizeof msg, "%s", a->s.msg);
		load(a);
		ui_set_msg(&a->s, msg);
		return;
	}
	ui_pass_wipe(&a->s);
	snprintf(msg, sizeof msg, _("Added %.100s. Give them their passphrase "
	         "in person, never in writing."), a->s.add_name);
	load(a);
	ui_set_msg(&a->s, msg);
}

static void change(ui_app *a, ui_action act)
{
	const ui_member *m = ui_selected_member(&a->s);
	vault_err err = {0};
	char name[128], msg[320];
	vault_status st;

	if (m == NULL)
		return;
	snprintf(name, sizeof name, "%s", m->name);
	if (act == UI_ACT_MEMBER_REMOVE) {
		ui_set_msg(&a->s, _("Removing the member and rotating the keys..."));
		ui_draw(a); /* the file is rewritten: this takes a moment */
		st = vault_member_remove(a->v, name, &err);
		snprintf(msg, sizeof msg, _("Removed %.100s. The vault's keys were "
		         "rotated; sync so that the other copies learn it."), name);
	} else {
		st = vault_member_set_role(a->v, name, a->s.new_role, &err);
		snprintf(msg, sizeof msg, _("%.100s is now %s."), name,
		         a->s.new_role == 1 ? _("admin") : a->s.new_role == 2
		         ? _("editor") : _("staff"));
	}
	if (st != VAULT_OK) {
		ui_act_fail(a, &err);
		snprintf(msg, sizeof msg, "%s", a->s.msg);
	}
	load(a);
	ui_set_msg(&a->s, msg);
}

void ui_act_members(ui_app *a, ui_action act)
{
	if (vault_role(a->v) != 1) {
		ui_set_msg(&a->s, _("Only admins can manage members."));
		return;
	}
	switch (act) {
	case UI_ACT_MEMBER_ADD: add(a); break;
	case UI_ACT_MEMBER_REMOVE: case UI_ACT_MEMBER_ROLE: change(a, act); break;
	default: load(a);
	}
}
