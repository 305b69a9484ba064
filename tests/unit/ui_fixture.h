/* ui_fixture: helpers shared by the tests of the TUI's model (test_ui.c,
 * test_ui_screens.c): a fresh ui_state for each test, keys and typed text
 * in, document rows, and what the key bar and the display lines show. No
 * terminal, no vault. Include after cmocka.h. */
#ifndef AMPARO_UI_FIXTURE_H
#define AMPARO_UI_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "tui/ui_model.h"

/* What uifx_setup leaves in *state: a 24x80 state, locked. */
typedef struct {
	ui_state s;
	char pass[UI_PASS_MAX + 1], pass2[UI_PASS_MAX + 1];
} ui_fixture;

/* cmocka setup and teardown of a ui_fixture. */
int uifx_setup(void **state);
int uifx_teardown(void **state);

/* One key; the action it asks for. */
ui_action uifx_key(ui_state *s, ui_key_kind kind, uint32_t ch);
/* Each character of utf8 as a key; the action the last one asks for. */
ui_action uifx_type(ui_state *s, const char *utf8);

/* A document row; title and category are copies for the state to free. */
ui_doc uifx_doc(const char *id, const char *title, const char *cat,
                int status, unsigned marks);
/* Unlock s as "Ana" with role, then give it a copy of the n rows of docs
 * (the rows' strings pass to s). */
void uifx_unlock(ui_state *s, int role, const ui_doc *docs, size_t n);

/* Whether the key bar of s shows key_name ("^L", "q", ...). */
int uifx_has_hint(const ui_state *s, const char *key_name);
/* The line of ls that starts with prefix, or -1. */
long uifx_line_with(const ui_lines *ls, const char *prefix);

#endif
