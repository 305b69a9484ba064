/* test_ui_screens.c: the TUI's sync, members and merge screens (keys in,
 * state, actions and display lines out), without a terminal or a vault.
 * The other screens are in test_ui.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/editbuf.h"
#include "tui/ui_md.h"
#include "tui/ui_model.h"
#include "ui_fixture.h"

/* Ana with role, and one document. */
static void unlock_as(ui_state *s, int role)
{
	ui_doc d = uifx_doc("aaaa", "Teléfonos", "general", 1, 0);

	uifx_unlock(s, role, &d, 1);
}

typedef int (*lines_fn)(const ui_state *s, size_t width, ui_lines *out,
                        size_t *cursor);

static void lines_of(lines_fn fn, const ui_state *s, ui_lines *ls,
                     size_t *cur)
{
	ui_lines_clear(ls);
	assert_int_equal(fn(s, 60, ls, cur), 0);
	for (size_t i = 0; i < ls->n; i++)
		assert_true(editbuf_text_cols(ls->v[i].text, ls->v[i].len) <= 60);
}

/* ---- sync ---- */

static void test_progress_text(void **state)
{
	char b[64];

	(void)state;
	ui_progress_text(0, 0, 20, b, sizeof b);
	assert_string_equal(b, "...");
	ui_progress_text(5, 10, 20, b, sizeof b);
	assert_string_equal(b, "[######.......] 50%");
	ui_progress_text(12, 10, 20, b, sizeof b);
	assert_string_equal(b, "[#############] 100%");
	ui_progress_text(1, 3, 60, b, 10); /* no room for the bar */
	assert_string_equal(b, "33%");
}

static void test_sync_screen(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_lines ls;
	size_t cur;
	ui_sync_sum sum;

	unlock_as(s, 3); /* anyone may sync */
	assert_true(uifx_has_hint(s, "^S"));
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 's'), UI_ACT_NONE);
	assert_int_equal(s->screen, UI_SCR_SYNC);
	ui_lines_init(&ls);
	lines_of(ui_sync_lines, s, &ls, &cur);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "> 1) Sync with a folder"));
	uifx_key(s, UI_KEY_DOWN, 0);
	lines_of(ui_sync_lines, s, &ls, &cur);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "> 2) Export to a file"));
	/* Export offers a file name to accept. */
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->prompt, UI_PROMPT_PATH);
	assert_string_equal(ui_prompt_label(s), "File to write: ");
	assert_string_equal(s->input, "~/amparo-export.amparo-bundle");
	uifx_key(s, UI_KEY_ESC, 0);
	assert_int_equal(s->prompt, UI_PROMPT_NONE);
	/* 1 asks for a folder; an empty one is not accepted. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '1'), UI_ACT_NONE);
	assert_string_equal(ui_prompt_label(s), "Folder to sync with: ");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	uifx_type(s, "/media/usb/carpeta común");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_SYNC_RUN);
	assert_int_equal(s->sync_op, UI_SYNC_FOLDER);
	assert_string_equal(s->sync_paths[UI_SYNC_FOLDER], "/media/usb/carpeta común");
	/* The loop reports progress, then the result. */
	ui_set_progress(s, 3, 4);
	lines_of(ui_sync_lines, s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Sync with a folder: working...") >= 0);
	assert_true(uifx_line_with(&ls, "[") >= 0);
	assert_non_null(strstr(ls.v[uifx_line_with(&ls, "[")].text, "] 75%"));
	memset(&sum, 0, sizeof sum);
	sum.bundles = 2;
	sum.objects = 7;
	sum.added = 3;
	sum.documents = 1;
	snprintf(sum.written, sizeof sum.written, "/media/usb/x.amparo-bundle");
	ui_set_sync_result(s, 0, &sum, "", "Teléfonos");
	assert_false(s->sync_busy);
	lines_of(ui_sync_lines, s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Sync with a folder: done") >= 0);
	assert_true(uifx_line_with(&ls, "Bundles read from the folder: 2") >= 0);
	assert_true(uifx_line_with(&ls, "New to this copy: 3") >= 0);
	assert_true(uifx_line_with(&ls, "Documents created or changed: 1") >= 0);
	assert_true(uifx_line_with(&ls, "Wrote /media/usb/x.amparo-bundle") >= 0);
	assert_true(uifx_line_with(&ls, "Membership changes") < 0); /* none */
	assert_true(uifx_line_with(&ls, "Edited in two copies, to merge now: "
	                      "Teléfonos.") >= 0);
	/* The path is remembered for next time. */
	uifx_key(s, UI_KEY_CHAR, '1');
	assert_string_equal(s->input, "/media/usb/carpeta común");
	uifx_key(s, UI_KEY_ESC, 0);
	/* A failure says why and that nothing changed. */
	ui_set_sync_result(s, -1, NULL, "There is no folder at /x.", "");
	lines_of(ui_sync_lines, s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Sync with a folder: failed") >= 0);
	assert_true(uifx_line_with(&ls, "There is no folder at /x.") >= 0);
	assert_true(uifx_line_with(&ls, "Nothing was changed.") >= 0);
	ui_lines_clear(&ls);
	/* Back home reloads the list; locking forgets the result. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'q'), UI_ACT_RELOAD);
	assert_int_equal(s->screen, UI_SCR_HOME);
	ui_set_locked(s, "Locked");
	assert_false(s->sync_ran);
	assert_string_equal(s->sync_error, "");
}

/* ---- members ---- */

static ui_member *three_members(void)
{
	ui_member *m = calloc(3, sizeof *m);

	m[0] = (ui_member){strdup("Ana"), 1, true, true, true};
	m[1] = (ui_member){strdup("Bea"), 3, true, false, true};
	m[2] = (ui_member){strdup("Carlos"), 2, false, false, false};
	return m;
}

static void test_members_hidden_but_for_admins(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;

	for (int role = 2; role <= 3; role++) {
		unlock_as(s, role);
		assert_false(uifx_has_hint(s, "^U"));
		assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'u'), UI_ACT_NONE);
		assert_true(s->msg[0] != '\0');
		assert_int_equal(s->screen, UI_SCR_HOME);
	}
	unlock_as(s, 1);
	assert_true(uifx_has_hint(s, "^U"));
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'u'), UI_ACT_MEMBERS);
}

static void test_members_list_remove_role(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_lines ls;
	size_t cur;

	unlock_as(s, 1);
	ui_set_members(s, three_members(), 3);
	assert_int_equal(s->screen, UI_SCR_MEMBERS);
	ui_lines_init(&ls);
	lines_of(ui_members_lines, s, &ls, &cur);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "> Ana: admin (you)"));
	assert_true(uifx_line_with(&ls, "  Bea: staff") >= 0);
	assert_true(uifx_line_with(&ls, "  Carlos: editor (removed)") >= 0);
	/* Not yourself; not someone removed already. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'r'), UI_ACT_NONE);
	assert_int_equal(s->confirm, UI_ACT_NONE);
	assert_true(s->msg[0] != '\0');
	uifx_key(s, UI_KEY_END, 0);
	assert_string_equal(ui_selected_member(s)->name, "Carlos");
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'r'), UI_ACT_NONE);
	assert_int_equal(s->confirm, UI_ACT_NONE);
	/* Removing warns that the keys will be rotated. */
	uifx_key(s, UI_KEY_UP, 0);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'r'), UI_ACT_NONE);
	assert_int_equal(s->confirm, UI_ACT_MEMBER_REMOVE);
	assert_non_null(strstr(s->question, "Bea"));
	assert_non_null(strstr(s->question, "rotated"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'y'), UI_ACT_MEMBER_REMOVE);
	/* Change role: the current one is marked; the same is no change. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'c'), UI_ACT_NONE);
	assert_int_equal(s->mem_mode, UI_MEM_ROLE);
	lines_of(ui_members_lines, s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "New role for Bea:") >= 0);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "> 3) staff"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '3'), UI_ACT_NONE);
	assert_int_equal(s->mem_mode, UI_MEM_LIST);
	uifx_key(s, UI_KEY_CHAR, 'c');
	uifx_key(s, UI_KEY_UP, 0);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_MEMBER_ROLE);
	assert_int_equal(s->new_role, 2);
	/* The list comes back from the vault; the selection stays on Bea. */
	ui_set_members(s, three_members(), 3);
	assert_string_equal(ui_selected_member(s)->name, "Bea");
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'q'), UI_ACT_RELOAD);
	assert_int_equal(s->screen, UI_SCR_HOME);
	ui_lines_clear(&ls);
}

static void test_members_add_form(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_lines ls;
	size_t cur;

	unlock_as(s, 1);
	ui_set_members(s, three_members(), 3);
	uifx_key(s, UI_KEY_CHAR, 'a');
	assert_int_equal(s->mem_mode, UI_MEM_ADD);
	assert_true(uifx_has_hint(s, "Enter"));
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE); /* no name */
	assert_int_equal(s->add_step, 0);
	uifx_type(s, "Lucía ?q"); /* '?' and 'q' are part of the name here */
	assert_false(s->help);
	assert_string_equal(s->add_name, "Lucía ?q");
	uifx_key(s, UI_KEY_BACKSPACE, 0);
	uifx_key(s, UI_KEY_BACKSPACE, 0);
	uifx_key(s, UI_KEY_BACKSPACE, 0);
	uifx_key(s, UI_KEY_ENTER, 0);
	assert_int_equal(s->add_step, 1);
	ui_lines_init(&ls);
	lines_of(ui_members_lines, s, &ls, &cur);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "> 3) staff"));
	uifx_key(s, UI_KEY_CHAR, '2');
	assert_int_equal(s->add_role, 2);
	assert_int_equal(s->add_step, 2);
	/* Short passphrase refused; then two that differ. */
	uifx_type(s, "corta");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->add_step, 2);
	uifx_type(s, " pero más larga");
	uifx_key(s, UI_KEY_ENTER, 0);
	assert_int_equal(s->add_step, 3);
	uifx_type(s, "otra cosa");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->add_step, 2);
	assert_int_equal(s->pass_len, 0); /* wiped */
	/* Nothing typed ever shows. */
	uifx_type(s, "corta pero más larga");
	uifx_key(s, UI_KEY_ENTER, 0);
	uifx_type(s, "corta pero más larga");
	lines_of(ui_members_lines, s, &ls, &cur);
	for (size_t i = 0; i < ls.n; i++)
		assert_null(strstr(ls.v[i].text, "corta"));
	assert_true(uifx_line_with(&ls, "Name: Lucía") >= 0);
	assert_true(uifx_line_with(&ls, "Role: editor") >= 0);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "The same again:"));
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_MEMBER_ADD);
	assert_string_equal(s->add_name, "Lucía");
	assert_string_equal(s->pass, "corta pero más larga");
	/* The loop reloads the list: the form and the passphrases are gone. */
	ui_set_members(s, three_members(), 3);
	assert_int_equal(s->mem_mode, UI_MEM_LIST);
	assert_int_equal(s->pass_len, 0);
	assert_int_equal(s->pass[0], 0);
	assert_int_equal(s->pass2[0], 0);
	assert_string_equal(s->add_name, "");
	/* Esc steps back; at the name it leaves the form. */
	uifx_key(s, UI_KEY_CHAR, 'a');
	uifx_type(s, "X");
	uifx_key(s, UI_KEY_ENTER, 0);
	uifx_key(s, UI_KEY_ENTER, 0);
	uifx_type(s, "secreto largo");
	uifx_key(s, UI_KEY_ESC, 0);
	assert_int_equal(s->add_step, 1);
	assert_int_equal(s->pass_len, 0);
	uifx_key(s, UI_KEY_ESC, 0);
	uifx_key(s, UI_KEY_ESC, 0);
	assert_int_equal(s->mem_mode, UI_MEM_LIST);
	/* Locking mid-form wipes it all. */
	uifx_key(s, UI_KEY_CHAR, 'a');
	uifx_type(s, "Y");
	assert_int_equal(uifx_key(s, UI_KEY_LOCK, 0), UI_ACT_LOCK);
	ui_set_locked(s, "Locked");
	assert_null(s->members);
	assert_string_equal(s->add_name, "");
	ui_lines_clear(&ls);
}

/* ---- merge ---- */

static void test_merge_markers_and_pending(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	const char *clean = "# Teléfonos\n\nLínea 2 ====== no es marca\n";
	const char *marked = "a\n<<<<<<< A\nuno\n=======\ndos\n>>>>>>> B\nb";
	ui_doc d;
	char *text;

	assert_int_equal(ui_merge_markers(clean, strlen(clean)), 0);
	assert_int_equal(ui_merge_markers(marked, strlen(marked)), 3);
	assert_int_equal(ui_merge_markers(marked, 5), 0); /* cut before them */
	assert_int_equal(ui_merge_markers("=======", 7), 1);
	unlock_as(s, 2);
	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "aaaa");
	d.title = strdup("Teléfonos");
	d.category = strdup("general");
	d.status = 1;
	d.marks = UI_MARK_MERGE;
	assert_int_equal(ui_set_reader(s, &d, "x\n", 2), 0);
	assert_true(uifx_has_hint(s, "m"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'm'), UI_ACT_MERGE);
	/* The loop prepared it and asks; no wipes the text. */
	text = strdup(marked);
	ui_set_merge_pending(s, text, strlen(text), "Open the editor?");
	assert_int_equal(s->confirm, UI_ACT_MERGE);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'n'), UI_ACT_NONE);
	assert_null(s->merge_text);
	assert_non_null(strstr(s->msg, "merge"));
	text = strdup(marked);
	ui_set_merge_pending(s, text, strlen(text), "Open the editor?");
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'y'), UI_ACT_MERGE);
	assert_non_null(s->merge_text); /* the loop edits it */
	ui_set_locked(s, "Locked");
	assert_null(s->merge_text);
	/* Staff cannot merge; a document with one head has nothing to. */
	unlock_as(s, 3);
	d.title = strdup("Teléfonos");
	d.category = strdup("general");
	d.marks = UI_MARK_MERGE;
	ui_set_reader(s, &d, "x\n", 2);
	assert_false(uifx_has_hint(s, "m"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'm'), UI_ACT_NONE);
	s->role = 2;
	s->doc.marks = 0;
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'm'), UI_ACT_NONE);
	assert_true(s->msg[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_text),
		cmocka_unit_test_setup_teardown(test_sync_screen, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_members_hidden_but_for_admins, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_members_list_remove_role, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_members_add_form, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_merge_markers_and_pending, uifx_setup, uifx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
