/* ui_act_sync.c: the vault side of the sync screen (see ui_int.h): sync
 * with a folder (vault_sync), export to a file (vault_export, everything
 * the "default" peer has not been sent, as `amparo export` does) and
 * import a bundle (vault_import), redrawing the progress bar as the
 * vault reports progress, then the summary, with the documents that now
 * need a merge. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_i18n.h"
#include "ui_int.h"

typedef struct {
	ui_app *a;
	unsigned last_pct;     /* the percentage drawn last, +1; 0: none */
	vault_err problem;     /* the first bundle refused */
	int nproblems;
} run_ctx;

/* Redraw only when the percentage changes: a redraw per object would
 * cost more than the sync. */
static void progress(uint64_t done, uint64_t total, void *ctx)
{
	run_ctx *r = ctx;
	unsigned pct = total ? (unsigned)(done * 100 / total) + 1 : 1;

	if (pct == r->last_pct)
		return;
	r->last_pct = pct;
	ui_set_progress(&r->a->s, done, total);
	ui_draw(r->a);
}

static void problem(const char *file, const vault_err *e, void *ctx)
{
	run_ctx *r = ctx;

	if (r->nproblems++ == 0) {
		r->problem = *e;
		snprintf(r->problem.msg, sizeof r->problem.msg, "%.150s: %.160s", file,
		         e->msg);
	}
}

/* "~/x" is x in the home folder, as people type it. */
static void expand(const char *in, char *out, size_t cap)
{
	const char *home = getenv("HOME");

	if (in[0] == '~' && in[1] == '/' && home != NULL)
		snprintf(out, cap, "%s%s", home, in + 1);
	else
		snprintf(out, cap, "%s", in);
}

typedef struct {
	char buf[640];
	size_t len;
} merges;

static int collect_merge(const vault_doc *d, void *ctx)
{
	merges *m = ctx;
	int n;

	if (d->heads < 2 || m->len + 8 >= sizeof m->buf)
		return 0;
	n = snprintf(m->buf + m->len, sizeof m->buf - m->len, "%s%s",
	             m->len ? "; " : "", d->title);
	if (n > 0)
		m->len += (size_t)n;
	if (m->len >= sizeof m->buf)
		m->len = sizeof m->buf - 1;
	return 0;
}

static void copy_sum(ui_sync_sum *o, const vault_sync_summary *v)
{
	o->objects = v->objects;
	o->added = v->added;
	o->documents = v->documents;
	o->members = v->members;
	o->slots = v->slots;
	o->bundles = v->bundles;
	o->skipped = v->skipped;
	o->failed = v->failed;
	o->waiting = v->waiting;
	snprintf(o->written, sizeof o->written, "%s", v->written);
}

static vault_status run(ui_app *a, run_ctx *r, const char *path,
                        vault_sync_summary *sum, vault_err *err)
{
	switch (a->s.sync_op) {
	case UI_SYNC_FOLDER:
		return vault_sync(a->v, path, progress, problem, r, sum, err);
	case UI_SYNC_EXPORT:
		return vault_export(a->v, path, NULL, 0, NULL, 0, progress, r, sum,
		                    err);
	default:
		return vault_import(a->v, path, progress, r, sum, err);
	}
}

/* The vault's own sentences are English: the common failures get one in
 * the interface's language, with the path. */
static void explain(const ui_app *a, vault_status st, const char *path,
                    vault_err *err)
{
	char *m = err->msg;
	size_t n = sizeof err->msg;

	switch (st) {
	case VAULT_EUNCHANGED:
		snprintf(m, n, "%s", _("Nothing new to export: every change here "
		                       "was exported already."));
		break;
	case VAULT_ENOENT:
		if (a->s.sync_op == UI_SYNC_FOLDER)
			snprintf(m, n, _("There is no folder at %.250s."), path);
		else
			snprintf(m, n, _("There is no file at %.250s."), path);
		break;
	case VAULT_ENOTOURS:
		snprintf(m, n, _("%.200s was sealed for another vault: it cannot "
		                 "be read here."), path);
		break;
	case VAULT_EREADONLY:
		snprintf(m, n, _("%.250s cannot be written: choose another "
		                 "place."), path);
		break;
	case VAULT_EFULL:
		snprintf(m, n, _("The disk is full: nothing was written to "
		                 "%.200s."), path);
		break;
	default:
		break;
	}
}

void ui_act_sync(ui_app *a)
{
	run_ctx r;
	vault_sync_summary sum;
	vault_err err = {0};
	ui_sync_sum us;
	merges m = {"", 0};
	char path[4096];
	vault_status st;
	int outcome = 0;

	memset(&r, 0, sizeof r);
	memset(&sum, 0, sizeof sum);
	r.a = a;
	expand(a->s.sync_paths[a->s.sync_op], path, sizeof path);
	ui_set_progress(&a->s, 0, 0);
	ui_draw(a);
	st = run(a, &r, path, &sum, &err);
	if (st == VAULT_EUNCHANGED)
		outcome = 1;
	else if (st != VAULT_OK)
		outcome = -1;
	explain(a, st, path, &err);
	if (outcome < 0 && vault_damaged(a->v)) {
		ui_act_fail(a, &err);
		snprintf(err.msg, sizeof err.msg, "%s", a->s.msg);
	}
	copy_sum(&us, &sum);
	/* Whatever came in may have split a document in two. */
	vault_doc_each(a->v, collect_merge, &m, &(vault_err){0});
	ui_set_sync_result(&a->s, outcome, outcome < 0 ? NULL : &us,
	                   outcome != 0 ? err.msg
	                   : r.nproblems ? r.problem.msg : "", m.buf);
	ui_act_load_docs(a);
}
