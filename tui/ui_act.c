/* ui_act.c: the vault actions the TUI's model asks for (see ui_int.h).
 * Each reads its arguments from the model, calls the public vault API and
 * hands the results back with the ui_set_* calls; every failure becomes a
 * sentence on the status line. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ac.h"
#include "editor.h"
#include "policy.h"
#include "ui_i18n.h"
#include "ui_int.h"
#include "ui_last.h"

void ui_act_fail(ui_app *a, const vault_err *err)
{
	char m[sizeof a->s.msg];

	if (a->v != NULL && vault_damaged(a->v))
		snprintf(m, sizeof m, "%s", _("This vault is damaged or has been "
		         "tampered with: a page failed authentication. Keep a copy "
		         "and ask for help."));
	else if (err->code == VAULT_EPERM)
		snprintf(m, sizeof m, "%s", _("Your role does not allow this."));
	else if (err->code == VAULT_EUNCHANGED)
		snprintf(m, sizeof m, "%s", _("Nothing changed: nothing to save."));
	else if (err->code == VAULT_ECONFLICT)
		snprintf(m, sizeof m, "%s", _("This document was edited in two "
		         "copies: merge it first (press m in the reader)."));
	else
		snprintf(m, sizeof m, "%s", err->msg);
	ui_set_msg(&a->s, m);
}

void ui_act_lock(ui_app *a, const char *msg)
{
	vault_close(a->v); /* wipes every key */
	a->v = NULL;
	ui_set_locked(&a->s, msg);
	a->redraw_all = true;
}

/* ---- documents ---- */

typedef struct {
	ui_doc *v;
	size_t n, cap;
	int64_t now;
} doc_list;


static unsigned marks_of(const vault_doc *d, int64_t now)
{
	unsigned m = 0;

	if (d->review_by != 0 && d->review_by < now && d->status != 4)
		m |= UI_MARK_REVIEW_DUE;
	if (d->heads > 1)
		m |= UI_MARK_MERGE;
	if (d->reference)
		m |= UI_MARK_REFERENCE;
	if (d->awaiting_ack && !d->reference)
		m |= UI_MARK_ACK;
	return m;
}

static int collect_doc(const vault_doc *d, void *ctx)
{
	doc_list *l = ctx;
	ui_doc *e;

	if (l->n == l->cap) {
		void *grown = ui_grow(l->v, &l->cap, sizeof *l->v);

		if (grown == NULL)
			return 1;
		l->v = grown;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", d->id);
	e->title = strdup(d->title);
	e->category = strdup(d->category);
	if (e->title == NULL || e->category == NULL) {
		ui_doc_clear(e);
		return 1;
	}
	e->status = d->status;
	e->approved = d->approved[0] != '\0';
	e->marks = marks_of(d, l->now);
	l->n++;
	return 0;
}

void ui_act_load_docs(ui_app *a)
{
	doc_list l = {NULL, 0, 0, (int64_t)time(NULL)};
	vault_err err = {0};

	if (vault_doc_each(a->v, collect_doc, &l, &err) != VAULT_OK) {
		ui_docs_free(l.v, l.n);
		ui_act_fail(a, &err);
		return;
	}
	ui_set_docs(&a->s, l.v, l.n);
}

void ui_act_open(ui_app *a, const char *ref)
{
	vault_doc *d = NULL;
	vault_err err = {0};
	ui_doc row;

	if (vault_doc_get(a->v, ref, NULL, &d, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	memset(&row, 0, sizeof row);
	snprintf(row.id, sizeof row.id, "%s", d->id);
	row.title = strdup(d->title);
	row.category = strdup(d->category);
	row.status = d->status;
	row.marks = marks_of(d, (int64_t)time(NULL));
	row.approved = d->approved[0] != '\0';
	if (row.title == NULL || row.category == NULL ||
	    ui_set_reader(&a->s, &row, d->body, d->body_len) != 0) {
		ui_doc_clear(&row);
		ui_set_msg(&a->s, _("Out of memory."));
	}
	vault_doc_free(d);
}

/* ---- status ---- */

typedef struct {
	ui_app *a;
	ui_status_doc *v;
	size_t n, cap;
	int64_t now;
	vault_err err;
	bool failed;  /* err holds why */
	bool oom;
} status_list;

typedef struct {
	ui_status_doc *d;
	bool oom;
} ack_list;

static int collect_ack(const vault_ack_info *i, void *ctx)
{
	ack_list *l = ctx;
	ui_status_doc *d = l->d;
	ui_ack *v = realloc(d->acks, (d->nacks + 1) * sizeof *v), *e;

	l->oom = true;
	if (v == NULL)
		return 1;
	d->acks = v;
	e = &v[d->nacks];
	memset(e, 0, sizeof *e);
	e->member = strdup(i->member);
	if (e->member == NULL)
		return 1;
	e->state = i->acked ? UI_ACK_READ
	           : i->acked_older ? UI_ACK_AGAIN : UI_ACK_MUST;
	e->score = i->score;
	e->total = i->total;
	d->nacks++;
	l->oom = false;
	return 0;
}

/* As `amparo status`: partners' reference documents are not for this
 * vault's members to acknowledge, nor to review. */
static int collect_status(const vault_doc *d, void *ctx)
{
	status_list *l = ctx;
	ui_status_doc *e;
	ack_list al;
	bool acks = d->approved[0] != '\0' && !d->reference;
	bool due = d->review_by != 0 && d->review_by < l->now &&
	           d->status != 4 && !d->reference;

	if (!acks && !due && d->heads <= 1)
		return 0;
	l->oom = true;
	if (l->n == l->cap) {
		void *grown = ui_grow(l->v, &l->cap, sizeof *l->v);

		if (grown == NULL)
			return 1;
		l->v = grown;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->title = strdup(d->title);
	if (e->title == NULL)
		return 1;
	if (acks)
		snprintf(e->rev, sizeof e->rev, "%.12s", d->approved);
	e->review_due = due;
	e->review_by = d->review_by;
	e->merge = d->heads > 1;
	al.d = e;
	al.oom = false;
	if (acks && vault_ack_each(l->a->v, d->id, collect_ack, &al, &l->err) !=
	    VAULT_OK) {
		l->failed = true;
		l->oom = false;
		return 1;
	}
	l->oom = al.oom;
	return al.oom ? 1 : 0;
}

static void status(ui_app *a)
{
	status_list l = {a, NULL, 0, 0, (int64_t)time(NULL), {0}, false, false};
	vault_err err = {0};

	if (vault_doc_each(a->v, collect_status, &l, &err) != VAULT_OK ||
	    l.failed || l.oom) {
		ui_status_free(l.v, l.n);
		if (l.failed)
			ui_act_fail(a, &l.err);
		else if (err.code != VAULT_OK)
			ui_act_fail(a, &err);
		else
			ui_set_msg(&a->s, _("Out of memory."));
		return;
	}
	ui_set_status(&a->s, l.v, l.n);
}

/* ---- search ---- */

typedef struct {
	ui_hit *v;
	size_t n, cap;
} hit_list;

static int collect_hit(const vault_hit *h, void *ctx)
{
	hit_list *l = ctx;

	if (l->n == l->cap) {
		void *grown = ui_grow(l->v, &l->cap, sizeof *l->v);

		if (grown == NULL)
			return 1;
		l->v = grown;
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	snprintf(l->v[l->n].id, sizeof l->v[l->n].id, "%s", h->id);
	l->v[l->n].title = strdup(h->title);
	l->v[l->n].snippet = strdup(h->snippet ? h->snippet : "");
	/* A snippet spans lines: on one row, line ends are spaces. */
	for (char *p = l->v[l->n].snippet; p != NULL && *p; p++)
		if (*p == '\n' || *p == '\t' || *p == '\r')
			*p = ' ';
	l->n++;
	return 0;
}

static void search(ui_app *a)
{
	hit_list l = {NULL, 0, 0};
	vault_err err = {0};

	/* A query of punctuation alone has no words: simply no hits. */
	vault_search(a->v, a->s.query, collect_hit, &l, &err);
	ui_set_hits(&a->s, l.v, l.n);
}

/* ---- editing ---- */

/* Run the built-in editor over the TUI, which gives the terminal back
 * while it runs. OUT: the new text and message, when saved. */
int ui_act_edit_text(ui_app *a, const char *title, const char *text,
                     size_t len, char **out, size_t *out_len, char **msg)
{
	int rc;

	ui_term_end(a);
	rc = editor_run(title, text, len, out, out_len, msg);
	if (ui_term_begin(a) != 0) {
		/* The terminal went away: nothing more can be shown. */
		ui_act_lock(a, "");
		a->lost = true;
	}
	a->redraw_all = true;
	return rc;
}

static void edit(ui_app *a)
{
	vault_doc *d = NULL;
	vault_err err = {0};
	vault_meta m;
	char *text = NULL, *msg = NULL, rev[VAULT_REV_HEX];
	size_t len = 0;
	int rc;

	if (vault_doc_get(a->v, a->s.doc.id, NULL, &d, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	rc = ui_act_edit_text(a, d->title, d->body, d->body_len, &text, &len, &msg);
	if (rc == EDITOR_SAVED) {
		memset(&m, 0, sizeof m);
		m.message = msg;
		if (vault_doc_edit(a->v, d->id, &m, text, len, rev, &err) != VAULT_OK)
			ui_act_fail(a, &err);
		else
			ui_set_msg(&a->s, _("Saved as a new revision."));
	} else if (rc < 0) {
		ui_set_msg(&a->s, _("The editor could not start."));
	}
	if (text != NULL)
		ac_wipe(text, len);
	free(text);
	free(msg);
	ui_act_open(a, d->id);
	vault_doc_free(d);
}

/* The language of the templates offered: that of the messages shown. */
static const char *ui_lang(void)
{
	/* TRANSLATORS: the language code of this translation, "es" for
	 * Spanish: it picks the template library offered. */
	const char *l = _("en");

	return policy_template_find(l, "detention") != NULL ? l : "en";
}

static int64_t months_ahead(int months)
{
	return (int64_t)time(NULL) + (int64_t)months * 30 * 86400;
}

/* A new document: from template s->tmpl.sel (its library index in the
 * row's id), or blank with the title typed in the prompt. */
static void new_doc(ui_app *a)
{
	const ui_doc *row = &a->s.tmpls[a->s.tmpl.sel];
	char id[VAULT_ID_HEX], err_t[256], *body = NULL;
	vault_err err = {0};
	vault_meta m;
	policy_front f;
	const policy_template *t;

	memset(&m, 0, sizeof m);
	m.lang = ui_lang();
	m.message = _("New document");
	if (a->s.tmpl.sel == 0) {
		size_t n = strlen(a->s.input) + 8;

		body = malloc(n);
		if (body == NULL)
			return;
		snprintf(body, n, "# %s\n\n", a->s.input);
		m.title = a->s.input;
		if (vault_doc_add(a->v, &m, body, strlen(body), id, &err) != VAULT_OK)
			ui_act_fail(a, &err);
		free(body);
	} else {
		t = &policy_templates[strtoul(row->id, NULL, 10)];
		if (policy_front_parse(t->md, t->md_len, &f, err_t, sizeof err_t) != 0) {
			ui_set_msg(&a->s, err_t);
			return;
		}
		m.title = f.title;
		m.category = f.category;
		m.template_id = f.id;
		m.kind = vault_kind_parse(f.kind);
		m.review_by = months_ahead(f.review_months);
		m.message = _("From the template library");
		if (vault_doc_add(a->v, &m, f.body, f.body_len, id, &err) != VAULT_OK)
			ui_act_fail(a, &err);
		policy_front_free(&f);
	}
	if (err.code != VAULT_OK)
		return;
	ui_act_load_docs(a);
	ui_act_open(a, id);
	ui_set_msg(&a->s, _("Added as a draft. Press e to write in it."));
}

static void load_templates(ui_app *a)
{
	const char *lang = ui_lang();
	ui_doc *v = calloc(policy_template_total + 1, sizeof *v);
	size_t n = 0;

	if (v == NULL)
		return;
	v[n].title = strdup(_("Blank document"));
	v[n++].category = strdup("");
	for (size_t i = 0; i < policy_template_total; i++) {
		policy_front f;
		char e[128];
		const policy_template *t = &policy_templates[i];

		if (strcmp(t->lang, lang) != 0 ||
		    policy_front_parse(t->md, t->md_len, &f, e, sizeof e) != 0)
			continue;
		snprintf(v[n].id, sizeof v[n].id, "%zu", i);
		v[n].title = strdup(f.title);
		v[n++].category = strdup(f.category);
		policy_front_free(&f);
	}
	ui_set_templates(&a->s, v, n);
}

/* ---- history ---- */

typedef struct {
	ui_rev *v;
	size_t n, cap;
} rev_list;

static int collect_rev(const vault_rev *r, void *ctx)
{
	rev_list *l = ctx;
	ui_rev *e;

	if (l->n == l->cap) {
		void *grown = ui_grow(l->v, &l->cap, sizeof *l->v);

		if (grown == NULL)
			return 1;
		l->v = grown;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", r->id);
	snprintf(e->parent, sizeof e->parent, "%s", r->nparents ? r->parents[0] : "");
	e->author = strdup(r->author);
	e->message = strdup(r->message);
	e->time = r->time;
	e->approved = r->approved;
	e->in_review = r->in_review;
	e->head = r->head;
	if (e->author == NULL || e->message == NULL) {
		l->n--;
		free(e->author);
		free(e->message);
		return 1;
	}
	return 0;
}

static void history(ui_app *a)
{
	rev_list l = {NULL, 0, 0};
	vault_err err = {0};

	if (vault_log(a->v, a->s.doc.id, collect_rev, &l, &err) != VAULT_OK) {
		ui_revs_free(l.v, l.n);
		ui_act_fail(a, &err);
		return;
	}
	ui_set_history(&a->s, l.v, l.n);
}

static void diff(ui_app *a)
{
	const ui_rev *r = ui_selected_rev(&a->s);
	vault_doc *new = NULL, *old = NULL;
	vault_err err = {0};
	ui_lines lines;

	if (r == NULL)
		return;
	ui_lines_init(&lines);
	if (vault_doc_get(a->v, a->s.doc.id, r->id, &new, &err) != VAULT_OK ||
	    (r->parent[0] && vault_doc_get(a->v, a->s.doc.id, r->parent, &old,
	                                   &err) != VAULT_OK)) {
		ui_act_fail(a, &err);
		goto out;
	}
	if (ui_diff_render(old ? old->body : "", old ? old->body_len : 0,
	                   new->body, new->body_len,
	                   a->s.cols > 1 ? (size_t)a->s.cols - 1 : 1,
	                   _("No change to the text (only its details)."),
	                   &lines) != 0) {
		ui_set_msg(&a->s, _("Out of memory."));
		goto out;
	}
	ui_set_diff(&a->s, &lines);
out:
	ui_lines_clear(&lines);
	vault_doc_free(new);
	vault_doc_free(old);
}

static void set_status(ui_app *a, int status, const char *done)
{
	vault_err err = {0};

	if (vault_doc_set_status(a->v, a->s.doc.id, NULL, status, NULL, &err) !=
	    VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	ui_act_load_docs(a);
	ui_act_open(a, a->s.doc.id);
	ui_set_msg(&a->s, done);
}

static void restore(ui_app *a)
{
	const ui_rev *r = ui_selected_rev(&a->s);
	char rev[VAULT_REV_HEX];
	vault_err err = {0};

	if (r == NULL)
		return;
	if (vault_doc_restore(a->v, a->s.doc.id, r->id, rev, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	ui_act_open(a, a->s.doc.id);
	history(a);
	ui_set_msg(&a->s, _("Restored as a new revision."));
}

/* ---- unlock and create ---- */

static void unlocked(ui_app *a)
{
	ui_last_set(a->path);
	ui_set_unlocked(&a->s, vault_member(a->v), vault_role(a->v));
	ui_act_load_docs(a);
	load_templates(a);
}

static void unlock(ui_app *a)
{
	vault_err err = {0};
	vault_status st;

	st = vault_open(a->path, a->s.pass, a->s.pass_len, 0, &a->v, &err);
	ui_pass_wipe(&a->s);
	switch (st) {
	case VAULT_OK:
		unlocked(a);
		return;
	case VAULT_EAUTH:
		ui_set_failed(&a->s, _("Wrong passphrase. Try again."));
		return;
	case VAULT_EDAMAGED:
	case VAULT_ENOTVAULT:
		ui_set_failed(&a->s, _("This file is damaged or is not an Amparo "
		                       "vault. Keep a copy and ask for help."));
		return;
	case VAULT_EBUSY:
		ui_set_failed(&a->s, _("The vault is open in another Amparo window: "
		                       "close that one first."));
		return;
	default:
		ui_set_failed(&a->s, err.msg);
	}
}

static void create(ui_app *a)
{
	ac_kdf_params kdf;
	vault_err err = {0};
	const char *mode = getenv("AMPARO_KDF");

	ui_draw(a); /* "Creating the vault...": calibration takes a second */
	if (mode != NULL && strcmp(mode, "test") == 0)
		ac_kdf_test_params(&kdf);
	else if (ac_kdf_calibrate(1000, &kdf) != AC_OK) {
		ui_set_failed(&a->s, _("Not enough memory for key derivation."));
		return;
	}
	if (vault_create(a->s.create_path, a->s.create_name, a->s.pass,
	                 a->s.pass_len, &kdf, &err) != VAULT_OK ||
	    vault_open(a->s.create_path, a->s.pass, a->s.pass_len, 0, &a->v,
	               &err) != VAULT_OK) {
		ui_set_failed(&a->s, err.msg);
		return;
	}
	ui_pass_wipe(&a->s);
	free(a->path);
	a->path = strdup(a->s.create_path);
	unlocked(a);
}

void ui_act(ui_app *a, ui_action act)
{
	if (a->v == NULL && act != UI_ACT_UNLOCK && act != UI_ACT_CREATE)
		return;
	switch (act) {
	case UI_ACT_UNLOCK: unlock(a); break;
	case UI_ACT_CREATE: create(a); break;
	case UI_ACT_LOCK:
		ui_act_lock(a, _("Locked. Type your passphrase to unlock."));
		break;
	case UI_ACT_SEARCH: search(a); break;
	case UI_ACT_OPEN: ui_act_open(a, ui_selected_doc(&a->s)); break;
	case UI_ACT_EDIT: edit(a); break;
	case UI_ACT_NEW: new_doc(a); break;
	case UI_ACT_HISTORY: history(a); break;
	case UI_ACT_DIFF: diff(a); break;
	case UI_ACT_RESTORE: restore(a); break;
	case UI_ACT_SUBMIT: set_status(a, 2, _("Submitted for review.")); break;
	case UI_ACT_APPROVE: set_status(a, 3, _("Approved.")); break;
	case UI_ACT_ARCHIVE: set_status(a, 4, _("Archived.")); break;
	case UI_ACT_ACK: ui_act_ack(a); break;
	case UI_ACT_WALK: ui_act_walk(a); break;
	case UI_ACT_WALK_DONE: ui_act_walk_done(a); break;
	case UI_ACT_SYNC_RUN: ui_act_sync(a); break;
	case UI_ACT_MEMBERS: case UI_ACT_MEMBER_ADD: case UI_ACT_MEMBER_REMOVE:
	case UI_ACT_MEMBER_ROLE: ui_act_members(a, act); break;
	case UI_ACT_MERGE: ui_act_merge(a); break;
	case UI_ACT_CRISIS: ui_act_crisis(a); break;
	case UI_ACT_PROTOCOL: ui_act_protocol(a); break;
	case UI_ACT_CHECK: ui_act_check(a); break;
	case UI_ACT_RELOAD: ui_act_load_docs(a); break;
	case UI_ACT_STATUS: status(a); break;
	default: break;
	}
}
