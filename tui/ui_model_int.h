/* ui_model_int.h: helpers shared by the model's files (ui_model.c and
 * the screens split out of it: ui_walk.c...). Pure, like the model: no
 * curses, no vault. */
#ifndef AMPARO_UI_MODEL_INT_H
#define AMPARO_UI_MODEL_INT_H

#include "ui_model.h"

/* Overwrite n bytes in a way the compiler keeps (documents are secret). */
void ui_wipe(void *p, size_t n);
/* Keep a list's selection in range and on screen (rows rows shown). */
void ui_list_scroll(ui_list *l, size_t rows);
/* Move a selection by a key; 1 when the key was a move. */
int ui_list_key(ui_list *l, const ui_key *k, size_t page);
/* Scroll a text view of rows rows by a key; 1 when the key scrolled. */
int ui_view_key(ui_view *v, const ui_key *k, size_t rows);
/* Edit a NUL-terminated line of cap bytes: a character appended or the
 * last one removed; 1 when it changed. */
int ui_input_key(char *buf, size_t *len, size_t cap, const ui_key *k);
/* ^Q or ^X. */
bool ui_is_quit(const ui_key *k);
/* Esc, Left or q: back to the screen before. */
bool ui_is_back(const ui_key *k);
/* A click on row i of a list: selects it, or opens it (UI_ACT_OPEN) when
 * it was selected already. */
ui_action ui_list_click(ui_list *l, long i);
/* Put a yes/no question up; a yes returns act from the next key. */
ui_action ui_ask(ui_state *s, ui_action act, const char *question);

/* Keys of the screens kept in their own files. */
ui_action ui_crisis_key(ui_state *s, const ui_key *k);
ui_action ui_checklist_key(ui_state *s, const ui_key *k);
ui_action ui_templates_key(ui_state *s, const ui_key *k);
ui_action ui_walk_key(ui_state *s, const ui_key *k);
/* Forget a walkthrough in progress (on lock, or when leaving it). */
void ui_walk_forget(ui_state *s);
/* The "leave the walkthrough?" question was answered yes: back to the
 * reader, nothing recorded. */
void ui_walk_leave(ui_state *s);
/* SYNC: its keys; Enter in its path prompt (the action to return). */
ui_action ui_sync_key(ui_state *s, const ui_key *k);
ui_action ui_sync_prompt_done(ui_state *s);
/* MEMBERS: its keys; forget it (on lock). */
ui_action ui_members_key(ui_state *s, const ui_key *k);
void ui_members_forget(ui_state *s);
/* STATUS: its keys; forget it (on lock). */
ui_action ui_status_key(ui_state *s, const ui_key *k);
void ui_status_forget(ui_state *s);

#endif
