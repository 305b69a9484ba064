/* ui_act_merge.c: the merge screen (see ui_int.h). A document edited in
 * two copies has two heads; vault_merge_prepare merges their texts
 * against their common ancestor and marks what conflicts. A question
 * first says how many conflicts there are and what the markers mean;
 * then the built-in editor holds the merged text. A text saved with
 * markers left is not recorded: the question comes back, and yes returns
 * to the editor with the text as it was left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "editor.h"
#include "ui_i18n.h"
#include "ui_int.h"

static void prepare(ui_app *a)
{
	vault_err err = {0};
	char *merged = NULL, q[320];
	size_t len = 0;
	int conflicts = 0;

	if (vault_merge_prepare(a->v, a->s.doc.id, &merged, &len, &conflicts,
	                        &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	if (conflicts > 0)
		snprintf(q, sizeof q, _("Edited in two copies; conflicts to "
		         "resolve: %d, each between <<<<<<< and >>>>>>>. Keep the "
		         "right words, delete the three marker lines. Open the "
		         "editor?"), conflicts);
	else
		snprintf(q, sizeof q, "%s", _("Edited in two copies; the changes "
		         "do not overlap. Check the merged text in the editor and "
		         "save it?"));
	ui_set_merge_pending(&a->s, merged, len, q);
}

static void commit(ui_app *a, char *text, size_t len, const char *message)
{
	vault_err err = {0};
	char rev[VAULT_REV_HEX], id[VAULT_ID_HEX];

	snprintf(id, sizeof id, "%s", a->s.doc.id);
	if (vault_merge_commit(a->v, id, text, len,
	                       message[0] ? message : _("Merge"), rev,
	                       &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	ui_act_load_docs(a);
	ui_act_open(a, id);
	ui_set_msg(&a->s, _("Merged: the two versions are one revision again. "
	                    "Sync so that the other copies get it."));
}

void ui_act_merge(ui_app *a)
{
	char *out = NULL, *msg = NULL, title[320], q[320];
	size_t out_len = 0, n;
	int rc;

	if (a->s.merge_text == NULL) {
		prepare(a);
		return;
	}
	snprintf(title, sizeof title, _("Merge: %.250s"),
	         a->s.doc.title ? a->s.doc.title : "");
	rc = ui_act_edit_text(a, title, a->s.merge_text, a->s.merge_len, &out,
	                      &out_len, &msg);
	ui_merge_forget(&a->s);
	if (a->v == NULL) /* the terminal went away and the vault was locked */
		goto out;
	if (rc != EDITOR_SAVED) {
		ui_set_msg(&a->s, rc < 0 ? _("The editor could not start.")
		           : _("Nothing saved; the document still needs a merge."));
		goto out;
	}
	n = ui_merge_markers(out, out_len);
	if (n > 0) {
		/* Never recorded with markers: back to the editor, if wanted,
		 * with the text as it was left. */
		snprintf(q, sizeof q, _("Not saved: conflict marker lines "
		         "(<<<<<<<, =======, >>>>>>>) still in the text: %zu. Back "
		         "to the editor to resolve them?"), n);
		ui_set_merge_pending(&a->s, out, out_len, q);
		out = NULL;
		goto out;
	}
	commit(a, out, out_len, msg);
out:
	if (out != NULL)
		ac_wipe(out, out_len);
	free(out);
	free(msg);
}
