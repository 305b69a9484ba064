/* ui_sync.c: the sync screen's model (see ui_model.h): three operations
 * (sync with a folder, export to a file, import a bundle), a path asked
 * in the one-line prompt, a progress bar while one runs and a summary of
 * what it changed afterwards. Pure: the loop runs the operation
 * (ui_act_sync.c) and hands back the progress and the result. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui_i18n.h"
#include "ui_model_int.h"

static const char *op_name(int op)
{
	switch (op) {
	case UI_SYNC_FOLDER: return _("Sync with a folder");
	case UI_SYNC_EXPORT: return _("Export to a file");
	default: return _("Import a bundle");
	}
}

static const char *op_help(int op)
{
	switch (op) {
	case UI_SYNC_FOLDER:
		return _("A folder every copy of this vault can reach (a USB "
		         "stick, a shared folder): what it holds comes in, and "
		         "what it lacks goes out.");
	case UI_SYNC_EXPORT:
		return _("Writes a sealed file with what is new here, to carry "
		         "to another copy of this vault.");
	default:
		return _("Reads a sealed file written by another copy and adds "
		         "what it brings, all or nothing.");
	}
}

/* Open the path prompt for op, with the path used last. */
static ui_action ask_path(ui_state *s, int op)
{
	s->sync_op = op;
	s->sync.sel = (size_t)op;
	s->prompt = UI_PROMPT_PATH;
	snprintf(s->input, sizeof s->input, "%s", s->sync_paths[op]);
	s->input_len = strlen(s->input);
	return UI_ACT_NONE;
}

ui_action ui_sync_key(ui_state *s, const ui_key *k)
{
	s->sync.n = UI_SYNC_OPS;
	if (k->kind == UI_KEY_ESC || k->kind == UI_KEY_LEFT ||
	    (k->kind == UI_KEY_CHAR && (k->ch == 'q' || k->ch == 'Q'))) {
		s->screen = UI_SCR_HOME;
		return UI_ACT_RELOAD; /* what came in shows on the list */
	}
	if (k->kind == UI_KEY_CHAR && k->ch >= '1' && k->ch < '1' + UI_SYNC_OPS)
		return ask_path(s, (int)(k->ch - '1'));
	if (k->kind == UI_KEY_ENTER)
		return ask_path(s, (int)s->sync.sel);
	if (k->kind == UI_KEY_CLICK) {
		/* The operations are the first rows, after a heading. */
		long i = (long)k->row - ui_content_top(s) - 2;

		if (i >= 0 && i < UI_SYNC_OPS) {
			if ((size_t)i == s->sync.sel)
				return ask_path(s, (int)i);
			s->sync.sel = (size_t)i;
		}
		return UI_ACT_NONE;
	}
	ui_list_key(&s->sync, k, UI_SYNC_OPS);
	return UI_ACT_NONE;
}

ui_action ui_sync_prompt_done(ui_state *s)
{
	snprintf(s->sync_paths[s->sync_op], UI_INPUT_MAX, "%s", s->input);
	s->sync_busy = true;
	s->sync_ran = false;
	s->sync_done = s->sync_total = 0;
	return UI_ACT_SYNC_RUN;
}

void ui_set_progress(ui_state *s, uint64_t done, uint64_t total)
{
	s->sync_busy = true;
	s->sync_done = done;
	s->sync_total = total;
}

void ui_set_sync_result(ui_state *s, int outcome, const ui_sync_sum *sum,
                        const char *error, const char *merges)
{
	s->sync_busy = false;
	s->sync_ran = true;
	s->sync_outcome = outcome;
	if (sum != NULL)
		s->sync_sum = *sum;
	else
		memset(&s->sync_sum, 0, sizeof s->sync_sum);
	snprintf(s->sync_error, sizeof s->sync_error, "%s", error ? error : "");
	snprintf(s->sync_merges, sizeof s->sync_merges, "%s",
	         merges ? merges : "");
}

void ui_progress_text(uint64_t done, uint64_t total, size_t width, char *out,
                      size_t cap)
{
	size_t bar, fill, n = 0;
	unsigned pct;

	if (cap == 0)
		return;
	if (total == 0 || width < 8) {
		snprintf(out, cap, "...");
		return;
	}
	if (done > total)
		done = total;
	pct = (unsigned)(done * 100 / total);
	bar = width - 7; /* "[", "]", " 100%" */
	fill = (size_t)(done * bar / total);
	if (bar + 8 > cap) {
		snprintf(out, cap, "%u%%", pct);
		return;
	}
	out[n++] = '[';
	for (size_t i = 0; i < bar; i++)
		out[n++] = i < fill ? '#' : '.';
	snprintf(out + n, cap - n, "] %u%%", pct);
}

/* ---- display lines ---- */

static int add(ui_lines *out, const char *text, unsigned attr, size_t width)
{
	return ui_lines_wrap(out, text, NULL, strlen(text), attr, width, 0, 0);
}

static int count(ui_lines *out, const char *label, uint64_t n, size_t width)
{
	char line[200];

	snprintf(line, sizeof line, "%s %" PRIu64, label, n);
	return add(out, line, 0, width);
}

/* The summary of a sync, export or import that did something. */
static int summary(const ui_state *s, size_t width, ui_lines *out)
{
	const ui_sync_sum *m = &s->sync_sum;
	char line[1400];
	int rc = 0;

	if (s->sync_op == UI_SYNC_FOLDER) {
		rc |= count(out, _("Bundles read from the folder:"), m->bundles, width);
		if (m->skipped)
			rc |= count(out, _("Bundles of other vaults, left alone:"),
			            m->skipped, width);
	}
	if (s->sync_op != UI_SYNC_EXPORT) {
		rc |= count(out, _("Objects read:"), m->objects, width);
		rc |= count(out, _("New to this copy:"), m->added, width);
		rc |= count(out, _("Documents created or changed:"), m->documents,
		            width);
		if (m->members)
			rc |= count(out, _("Membership changes:"), m->members, width);
		if (m->slots)
			rc |= count(out, _("Key slots updated:"), m->slots, width);
	} else {
		rc |= count(out, _("Objects written:"), m->objects, width);
	}
	if (m->written[0]) {
		snprintf(line, sizeof line, _("Wrote %s, sealed so that only copies "
		         "of this vault can open it."), m->written);
		rc |= add(out, line, 0, width);
	} else if (s->sync_op == UI_SYNC_FOLDER) {
		rc |= add(out, _("The folder already holds everything this copy "
		                 "has."), 0, width);
	}
	if (m->waiting)
		rc |= count(out, _("Bundles waiting for others not in the folder "
		                   "yet (sync again when they arrive):"),
		            m->waiting, width);
	if (m->failed) {
		rc |= count(out, _("Bundles refused (damaged, or not signed by "
		                   "members):"), m->failed, width);
		if (s->sync_error[0])
			rc |= add(out, s->sync_error, 0, width);
	}
	return rc;
}

static int result(const ui_state *s, size_t width, ui_lines *out)
{
	char line[1400];
	int rc;

	snprintf(line, sizeof line, "%s: %s", op_name(s->sync_op),
	         s->sync_outcome < 0 ? _("failed")
	         : s->sync_outcome > 0 ? _("nothing to do") : _("done"));
	rc = add(out, line, UI_A_BOLD, width);
	if (s->sync_outcome != 0) {
		rc |= add(out, s->sync_error, 0, width);
		if (s->sync_outcome < 0)
			rc |= add(out, _("Nothing was changed."), 0, width);
	} else {
		rc |= summary(s, width, out);
	}
	if (s->sync_merges[0]) {
		snprintf(line, sizeof line, _("Edited in two copies, to merge "
		         "now: %s. Open each and press m."), s->sync_merges);
		rc |= add(out, "", 0, width);
		rc |= add(out, line, UI_A_BOLD, width);
	}
	return rc;
}

int ui_sync_lines(const ui_state *s, size_t width, ui_lines *out,
                  size_t *cursor)
{
	char line[600], bar[200];
	int rc;

	rc = add(out, _("Share changes with the other copies of this vault:"),
	         UI_A_BOLD | UI_A_UNDER | UI_A_HEAD, width);
	rc |= add(out, "", 0, width);
	*cursor = out->n + s->sync.sel;
	for (int i = 0; i < UI_SYNC_OPS; i++) {
		bool sel = (size_t)i == s->sync.sel;

		snprintf(line, sizeof line, "%s %d) %s", sel ? ">" : " ", i + 1,
		         op_name(i));
		rc |= add(out, line, sel ? UI_A_REVERSE | UI_A_BOLD : 0, width);
	}
	rc |= add(out, "", 0, width);
	rc |= add(out, op_help((int)s->sync.sel), UI_A_DIM, width);
	rc |= add(out, "", 0, width);
	if (s->sync_busy) {
		snprintf(line, sizeof line, "%s: %s", op_name(s->sync_op),
		         _("working..."));
		rc |= add(out, line, UI_A_BOLD, width);
		ui_progress_text(s->sync_done, s->sync_total,
		                 width < 60 ? width : 60, bar, sizeof bar);
		rc |= add(out, bar, 0, width);
	} else if (s->sync_ran) {
		rc |= result(s, width, out);
	}
	return rc ? -1 : 0;
}
