/* ui_fixture: see ui_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/editbuf.h"
#include "ui_fixture.h"

int uifx_setup(void **state)
{
	ui_fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	ui_state_init(&f->s, 24, 80, f->pass, f->pass2, false);
	*state = f;
	return 0;
}

int uifx_teardown(void **state)
{
	ui_fixture *f = *state;

	ui_state_free(&f->s);
	free(f);
	return 0;
}

ui_action uifx_key(ui_state *s, ui_key_kind kind, uint32_t ch)
{
	ui_key k = {kind, ch, 0, 0};

	return ui_key_apply(s, &k);
}

ui_action uifx_type(ui_state *s, const char *utf8)
{
	ui_action a = UI_ACT_NONE;
	size_t i = 0, n = strlen(utf8);
	uint32_t cp;

	while (i < n) {
		i += editbuf_char_decode(utf8 + i, n - i, &cp);
		a = uifx_key(s, UI_KEY_CHAR, cp);
	}
	return a;
}

ui_doc uifx_doc(const char *id, const char *title, const char *cat,
                int status, unsigned marks)
{
	ui_doc d;

	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "%s", id);
	d.title = strdup(title);
	d.category = strdup(cat);
	d.status = status;
	d.marks = marks;
	return d;
}

void uifx_unlock(ui_state *s, int role, const ui_doc *docs, size_t n)
{
	ui_doc *d = calloc(n, sizeof *d);

	assert_non_null(d);
	memcpy(d, docs, n * sizeof *d);
	ui_set_unlocked(s, "Ana", role);
	ui_set_docs(s, d, n);
}

int uifx_has_hint(const ui_state *s, const char *key_name)
{
	ui_hint h[16];
	size_t n = ui_keybar(s, h, 16);

	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].key, key_name) == 0)
			return 1;
	return 0;
}

long uifx_line_with(const ui_lines *ls, const char *prefix)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strncmp(ls->v[i].text, prefix, strlen(prefix)) == 0)
			return (long)i;
	return -1;
}
