/* ui_int.h: private to the terminal UI's loop (ui.c), its vault actions
 * (ui_act.c) and its drawing (ui_draw.c). */
#ifndef AMPARO_UI_INT_H
#define AMPARO_UI_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "ui_model.h"
#include "vault.h"

/* What the loop holds besides the model: the open vault (NULL while
 * locked), its path, and the terminal's abilities. */
typedef struct {
	ui_state s;
	vault *v;
	char *path;            /* malloc'd */
	bool color;            /* colours allowed: a colour terminal, no NO_COLOR */
	unsigned lock_seconds; /* idle time before the vault locks itself */
	bool redraw_all;       /* repaint every cell (after the editor, a lock) */
	struct screen *scr;    /* our curses SCREEN, NULL while the editor runs */
	FILE *tty;             /* the terminal it runs on, or NULL for stdio */
	bool lost;             /* the terminal is gone: leave */
} ui_app;

/* Start curses on the controlling terminal (a->scr, a->tty, a->color);
 * -1 when there is none. End it (endwin), giving the terminal back. The
 * built-in editor runs in between, on a SCREEN of its own: ncurses does
 * not return cleanly to a SCREEN after another one was deleted. */
int ui_term_begin(ui_app *a);
void ui_term_end(ui_app *a);

/* Draw the whole screen from the model (ui_draw.c). Changes nothing but
 * what curses shows. */
void ui_draw(const ui_app *a);

/* Perform an action the model asked for (ui_act.c); results go back into
 * a->s. Never exits; every failure becomes a message on the status line. */
void ui_act(ui_app *a, ui_action act);
/* Load the document list of the open vault into the model, with every
 * marker ("awaiting your acknowledgement" comes with each document from
 * vault_doc_each, in the same query). */
void ui_act_load_docs(ui_app *a);
/* Load document ref (id) into the reader (screen READER). */
void ui_act_open(ui_app *a, const char *ref);
/* Close the vault (wiping its keys) and forget everything shown. */
void ui_act_lock(ui_app *a, const char *msg);

/* Crisis mode (ui_crisis.c): load the emergency contacts and the crisis
 * protocols; follow the selected protocol as a checklist (the incident
 * still open for it, else a new one on the first check); check item
 * s->items_list.sel off, signed and logged with its time. */
void ui_act_crisis(ui_app *a);
void ui_act_protocol(ui_app *a);
void ui_act_check(ui_app *a);
/* Walkthroughs (ui_act_walk.c): start the walkthrough of the reader's
 * document (on HOME, of the selected one, opened first), from its
 * template in the document's language; one without a walkthrough is
 * acknowledged after a yes/no question instead (UI_ACT_ACK, ui_act_ack).
 * Finishing acknowledges the latest approved revision with the score. */
void ui_act_walk(ui_app *a);
void ui_act_walk_done(ui_app *a);
void ui_act_ack(ui_app *a);
/* The sync screen (ui_act_sync.c): run s->sync_op on its path with a
 * progress bar, then hand the summary to the model. */
void ui_act_sync(ui_app *a);
/* Run the built-in editor over text[0..len) (the TUI gives the terminal
 * back meanwhile); editor_run's result, *out and *msg as it sets them. */
int ui_act_edit_text(ui_app *a, const char *title, const char *text,
                     size_t len, char **out, size_t *out_len, char **msg);
/* Members (ui_act_members.c, admins): load them; add s->add_name with
 * s->add_role and the passphrase typed twice (wiped after); remove or
 * change the role of ui_selected_member. */
void ui_act_members(ui_app *a, ui_action act);
/* Merge the reader's document (ui_act_merge.c): prepare the three-way
 * merge and ask; then the editor over it, again while conflict markers
 * remain (never recorded with them); then vault_merge_commit. */
void ui_act_merge(ui_app *a);
/* A vault error as a sentence on the status line. */
void ui_act_fail(ui_app *a, const vault_err *err);

#endif
