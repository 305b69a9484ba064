/* test_ui.c: the TUI's model (keys in, state and actions out) and its
 * display lines (Markdown, wrapping, diffs), without a terminal. */
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

/* ---- helpers ---- */

static size_t cols_of(const ui_line *l)
{
	return editbuf_text_cols(l->text, l->len);
}

/* The attributes of the first occurrence of needle in line l. */
static unsigned attr_at(const ui_line *l, const char *needle)
{
	const char *p = strstr(l->text, needle);
	size_t off;

	assert_non_null(p);
	off = (size_t)(p - l->text);
	for (size_t i = 0; i < l->nspans; i++)
		if (off >= l->spans[i].off && off < l->spans[i].off + l->spans[i].len)
			return l->spans[i].attr;
	fail_msg("no span at %zu", off);
	return 0;
}

static void spans_cover(const ui_line *l)
{
	size_t off = 0;

	for (size_t i = 0; i < l->nspans; i++) {
		assert_int_equal(l->spans[i].off, off);
		off += l->spans[i].len;
	}
	assert_int_equal(off, l->len);
}

/* ---- wrapping and Markdown ---- */

static void test_wrap_utf8_and_wide(void **state)
{
	ui_lines ls;
	const char *t = "Política de viajes: ñandú 日本語の文書 detención";

	(void)state;
	ui_lines_init(&ls);
	assert_int_equal(ui_lines_wrap(&ls, t, NULL, strlen(t), 0, 12, 0, 2), 0);
	assert_true(ls.n >= 4);
	for (size_t i = 0; i < ls.n; i++) {
		assert_true(cols_of(&ls.v[i]) <= 12);
		spans_cover(&ls.v[i]);
	}
	assert_string_equal(ls.v[0].text, "Política de");
	assert_int_equal(cols_of(&ls.v[0]), 11); /* í is one column */
	/* 日本語の文書 is 12 columns: too wide after the indent, so it is cut
	 * between characters, never inside one. */
	assert_string_equal(ls.v[2].text, "  ñandú");
	assert_string_equal(ls.v[3].text, "  日本語の文");
	assert_string_equal(ls.v[4].text, "  書");
	ui_lines_clear(&ls);
	assert_int_equal(ls.n, 0);
}

static void test_md_blocks(void **state)
{
	const char *md =
		"# Viajes seguros\n\n"
		"Antes de **salir**, revise *todo* el equipo con calma.\n"
		"Segunda línea del párrafo.\n\n"
		"## Lista\n\n"
		"- uno\n"
		"- dos que es un elemento largo\n"
		"  que sigue aquí\n"
		"- [ ] llamar a [[fill in: abogada]]\n"
		"- [x] hecho\n"
		"3. tercero\n";
	ui_lines ls;

	(void)state;
	ui_lines_init(&ls);
	assert_int_equal(ui_md_render(md, strlen(md), 30, &ls), 0);
	for (size_t i = 0; i < ls.n; i++) {
		assert_true(cols_of(&ls.v[i]) <= 30);
		spans_cover(&ls.v[i]);
	}
	assert_string_equal(ls.v[0].text, "Viajes seguros");
	assert_int_equal(attr_at(&ls.v[0], "Viajes"),
	                 UI_A_BOLD | UI_A_UNDER | UI_A_HEAD);
	assert_int_equal(ls.v[1].len, 0);
	assert_string_equal(ls.v[2].text, "Antes de salir, revise todo el");
	assert_int_equal(attr_at(&ls.v[2], "salir"), UI_A_BOLD);
	assert_int_equal(attr_at(&ls.v[2], "todo"), UI_A_UNDER);
	assert_int_equal(attr_at(&ls.v[2], "Antes"), 0);
	assert_string_equal(ls.v[3].text, "equipo con calma. Segunda");
	assert_string_equal(ls.v[4].text, "línea del párrafo.");
	assert_string_equal(ls.v[6].text, "Lista");
	assert_int_equal(attr_at(&ls.v[6], "Lista"), UI_A_BOLD | UI_A_HEAD);
	assert_string_equal(ls.v[8].text, "• uno");
	assert_string_equal(ls.v[9].text, "• dos que es un elemento largo");
	assert_string_equal(ls.v[10].text, "  que sigue aquí");
	assert_string_equal(ls.v[11].text, "[ ] llamar a [[fill in:");
	assert_int_equal(attr_at(&ls.v[11], "[[fill"), UI_A_FIELD);
	assert_string_equal(ls.v[12].text, "    abogada]]");
	assert_string_equal(ls.v[13].text, "[x] hecho");
	assert_string_equal(ls.v[14].text, "3. tercero");
	assert_int_equal(ls.n, 15);
	ui_lines_clear(&ls);
}

static void test_md_unpaired_marks(void **state)
{
	const char *md = "5 * 3 = 15 and a lone ** here [[ too\n";
	ui_lines ls;

	(void)state;
	ui_lines_init(&ls);
	assert_int_equal(ui_md_render(md, strlen(md), 80, &ls), 0);
	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.v[0].text, "5 * 3 = 15 and a lone ** here [[ too");
	assert_int_equal(ls.v[0].nspans, 1);
	ui_lines_clear(&ls);
}

static void test_diff_words(void **state)
{
	const char *a = "Título\nLlamar a la abogada.\nFin\n";
	const char *b = "Título\nLlamar a la defensora pronto.\nFin\nNuevo\n";
	ui_lines ls;

	(void)state;
	ui_lines_init(&ls);
	assert_int_equal(ui_diff_render(a, strlen(a), b, strlen(b), 60, "same",
	                                &ls), 0);
	assert_string_equal(ls.v[0].text, "@@ 1 @@");
	assert_int_equal(ls.v[0].spans[0].attr, UI_A_DIM);
	assert_string_equal(ls.v[1].text, "  Título");
	assert_string_equal(ls.v[2].text, "- Llamar a la abogada.");
	assert_int_equal(attr_at(&ls.v[2], "- "), UI_A_DEL | UI_A_BOLD);
	assert_int_equal(attr_at(&ls.v[2], "Llamar"), UI_A_DEL);
	assert_int_equal(attr_at(&ls.v[2], "abogada"), UI_A_DEL | UI_A_REVERSE);
	assert_string_equal(ls.v[3].text, "+ Llamar a la defensora pronto.");
	assert_int_equal(attr_at(&ls.v[3], "defensora"),
	                 UI_A_ADD | UI_A_REVERSE | UI_A_UNDER);
	assert_string_equal(ls.v[4].text, "  Fin");
	assert_string_equal(ls.v[5].text, "+ Nuevo");
	assert_int_equal(attr_at(&ls.v[5], "Nuevo"), UI_A_ADD);
	ui_lines_clear(&ls);

	assert_int_equal(ui_diff_render(a, strlen(a), a, strlen(a), 60,
	                                "No changes", &ls), 0);
	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.v[0].text, "No changes");
	ui_lines_clear(&ls);
}

/* ---- the model ---- */

/* Ana with role, and three documents. */
static void unlock_as(ui_state *s, int role)
{
	ui_doc d[] = {
		uifx_doc("aaaa", "Copias de seguridad", "digital", 1, 0),
		uifx_doc("bbbb", "Contraseñas", "digital", 3, UI_MARK_ACK),
		uifx_doc("cccc", "Detención", "crisis", 2, UI_MARK_REVIEW_DUE),
	};

	uifx_unlock(s, role, d, 3);
}

static void test_unlock(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;

	assert_int_equal(s->screen, UI_SCR_UNLOCK);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_true(s->msg[0] != '\0');
	uifx_type(s, "contraseña ñ");
	assert_string_equal(s->pass, "contraseña ñ");
	uifx_key(s, UI_KEY_BACKSPACE, 0);
	assert_string_equal(s->pass, "contraseña ");
	/* The lock key means nothing while locked. */
	assert_int_equal(uifx_key(s, UI_KEY_LOCK, 0), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_UNLOCK);
	ui_set_failed(s, "Wrong passphrase");
	assert_int_equal(s->pass_len, 0);
	assert_int_equal(s->pass[0], 0);
	assert_string_equal(s->msg, "Wrong passphrase");
	assert_int_equal(s->screen, UI_SCR_UNLOCK);
	uifx_type(s, "otra vez");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_UNLOCK);
	unlock_as(s, 3);
	assert_int_equal(s->screen, UI_SCR_HOME);
	assert_int_equal(s->pass_len, 0);
	assert_string_equal(s->member, "Ana");
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'q'), UI_ACT_QUIT);
}

static void test_create_flow(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;

	ui_state_free(s);
	ui_state_init(s, 24, 80, f->pass, f->pass2, true);
	assert_int_equal(s->screen, UI_SCR_CREATE);
	uifx_type(s, "/tmp/bóveda.vault");
	uifx_key(s, UI_KEY_ENTER, 0);
	assert_string_equal(s->create_path, "/tmp/bóveda.vault");
	assert_int_equal(s->create_step, 1);
	uifx_type(s, "Lucía");
	uifx_key(s, UI_KEY_ENTER, 0);
	assert_string_equal(s->create_name, "Lucía");
	uifx_type(s, "corta");
	uifx_key(s, UI_KEY_ENTER, 0);
	assert_int_equal(s->create_step, 2); /* too short */
	uifx_type(s, " y larga");
	uifx_key(s, UI_KEY_ENTER, 0);
	assert_int_equal(s->create_step, 3);
	uifx_type(s, "otra cosa");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->create_step, 2); /* they differ: again */
	assert_int_equal(s->pass_len, 0);
	uifx_type(s, "corta y larga");
	uifx_key(s, UI_KEY_ENTER, 0);
	uifx_type(s, "corta y larga");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_CREATE);
}

static void test_home_rows_and_moves(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_key click = {UI_KEY_CLICK, 0, 0, 0};

	unlock_as(s, 3);
	/* digital: heading, two documents; crisis: heading, one. */
	assert_int_equal(s->nrows, 5);
	assert_int_equal(s->row_of[0], 1);
	assert_int_equal(s->row_of[1], 2);
	assert_int_equal(s->row_of[2], 4);
	assert_string_equal(ui_selected_doc(s), "aaaa");
	uifx_key(s, UI_KEY_DOWN, 0);
	uifx_key(s, UI_KEY_DOWN, 0);
	uifx_key(s, UI_KEY_DOWN, 0);
	assert_string_equal(ui_selected_doc(s), "cccc");
	uifx_key(s, UI_KEY_HOME, 0);
	assert_string_equal(ui_selected_doc(s), "aaaa");
	/* A click selects (row 3 of the screen is row 2 of the list), a
	 * second click opens. */
	click.row = ui_content_top(s) + 2;
	assert_int_equal(ui_key_apply(s, &click), UI_ACT_NONE);
	assert_string_equal(ui_selected_doc(s), "bbbb");
	assert_int_equal(ui_key_apply(s, &click), UI_ACT_OPEN);
	/* Clicking a heading does nothing. */
	click.row = ui_content_top(s) + 3;
	assert_int_equal(ui_key_apply(s, &click), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_OPEN);
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'e'), UI_ACT_CRISIS);
	/* Staff cannot start documents. */
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'n'), UI_ACT_NONE);
	assert_int_equal(s->screen, UI_SCR_HOME);
	assert_true(s->msg[0] != '\0');
	/* Keeping the selection across a reload. */
	uifx_key(s, UI_KEY_END, 0);
	{
		ui_doc *d = calloc(2, sizeof *d);

		d[0] = uifx_doc("cccc", "Detención", "crisis", 2, 0);
		d[1] = uifx_doc("dddd", "Viajes", "travel", 1, 0);
		ui_set_docs(s, d, 2);
	}
	assert_string_equal(ui_selected_doc(s), "cccc");
}

static void test_search_as_you_type(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_hit *h = calloc(1, sizeof *h);

	unlock_as(s, 3);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'd'), UI_ACT_SEARCH);
	assert_true(s->searching);
	assert_int_equal(uifx_type(s, "eté"), UI_ACT_SEARCH);
	assert_string_equal(s->query, "deté");
	snprintf(h[0].id, sizeof h[0].id, "cccc");
	h[0].title = strdup("Detención");
	h[0].snippet = strdup("[Detención] arbitraria");
	ui_set_hits(s, h, 1);
	assert_string_equal(ui_selected_doc(s), "cccc");
	/* '?' and letters are text while searching. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '?'), UI_ACT_SEARCH);
	assert_false(s->help);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_OPEN);
	for (int i = 0; i < 5; i++)
		uifx_key(s, UI_KEY_BACKSPACE, 0);
	assert_false(s->searching); /* empty query: back to the list */
	assert_int_equal(s->query_len, 0);
	uifx_type(s, "x");
	uifx_key(s, UI_KEY_ESC, 0);
	assert_false(s->searching);
	assert_string_equal(ui_selected_doc(s), "aaaa");
}

static void open_reader(ui_state *s, int status, unsigned marks)
{
	ui_doc d = uifx_doc("bbbb", "Contraseñas", "digital", status, marks);
	const char *body = "# Contraseñas\n\nUse un **gestor**.\n";

	assert_int_equal(ui_set_reader(s, &d, body, strlen(body)), 0);
	assert_int_equal(s->screen, UI_SCR_READER);
}

static void test_reader_roles(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;

	unlock_as(s, 3); /* staff */
	open_reader(s, 3, UI_MARK_ACK);
	assert_string_equal(s->reader.lines.v[0].text, "Contraseñas");
	assert_false(uifx_has_hint(s, "e"));
	assert_false(uifx_has_hint(s, "a"));
	assert_true(uifx_has_hint(s, "w"));
	assert_true(uifx_has_hint(s, "^L"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'e'), UI_ACT_NONE);
	assert_true(s->msg[0] != '\0');
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'a'), UI_ACT_NONE);
	assert_int_equal(s->confirm, UI_ACT_NONE);
	/* Acknowledging is done by walking through the document. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'w'), UI_ACT_WALK);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'k'), UI_ACT_WALK);
	/* A document with no walkthrough: the loop asks instead. */
	ui_set_ask(s, UI_ACT_ACK, "Confirm?");
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 's'), UI_ACT_ACK); /* "sí" */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'h'), UI_ACT_HISTORY);

	s->role = 2; /* editor, a draft */
	open_reader(s, 1, 0);
	assert_true(uifx_has_hint(s, "e"));
	assert_true(uifx_has_hint(s, "s"));
	assert_false(uifx_has_hint(s, "a"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'e'), UI_ACT_EDIT);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 's'), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'n'), UI_ACT_NONE); /* declined */
	assert_int_equal(s->confirm, UI_ACT_NONE);

	s->role = 1; /* admin */
	assert_true(uifx_has_hint(s, "a"));
	assert_true(uifx_has_hint(s, "x"));
	uifx_key(s, UI_KEY_CHAR, 'a');
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'y'), UI_ACT_APPROVE);
	/* A partner's reference document is read-only for everyone. */
	open_reader(s, 3, UI_MARK_REFERENCE);
	assert_false(uifx_has_hint(s, "e"));
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'e'), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_ESC, 0), UI_ACT_RELOAD);
	assert_int_equal(s->screen, UI_SCR_HOME);
}

static void test_history_and_diff(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_rev *r = calloc(2, sizeof *r);
	ui_lines ls;

	unlock_as(s, 2);
	open_reader(s, 1, 0);
	snprintf(r[0].id, sizeof r[0].id, "%064d", 2);
	snprintf(r[1].id, sizeof r[1].id, "%064d", 1);
	r[0].author = strdup("Ana");
	r[0].message = strdup("Añadir gestor");
	r[1].author = strdup("Ana");
	r[1].message = strdup("Primera");
	ui_set_history(s, r, 2);
	assert_int_equal(s->screen, UI_SCR_HISTORY);
	uifx_key(s, UI_KEY_DOWN, 0);
	assert_string_equal(ui_selected_rev(s)->message, "Primera");
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'r'), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'y'), UI_ACT_RESTORE);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_DIFF);
	ui_lines_init(&ls);
	assert_int_equal(ui_diff_render("a\n", 2, "b\n", 2, 40, "-", &ls), 0);
	ui_set_diff(s, &ls);
	assert_int_equal(ls.n, 0); /* taken */
	assert_int_equal(s->screen, UI_SCR_DIFF);
	/* A resize re-renders the diff at the new width. */
	{
		ui_key rs = {UI_KEY_RESIZE, 0, 30, 50};

		assert_int_equal(ui_key_apply(s, &rs), UI_ACT_DIFF);
		assert_int_equal(s->cols, 50);
	}
	uifx_key(s, UI_KEY_CHAR, 'q');
	assert_int_equal(s->screen, UI_SCR_HISTORY);
	uifx_key(s, UI_KEY_ESC, 0);
	assert_int_equal(s->screen, UI_SCR_READER);
}

static void test_help_lock_and_wipe(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;

	unlock_as(s, 1);
	open_reader(s, 1, 0);
	assert_int_equal(uifx_key(s, UI_KEY_HELP, 0), UI_ACT_NONE);
	assert_true(s->help);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'e'), UI_ACT_NONE); /* closes help */
	assert_false(s->help);
	uifx_key(s, UI_KEY_CHAR, '?');
	assert_true(s->help);
	/* The lock key works from anywhere, overlays included. */
	assert_int_equal(uifx_key(s, UI_KEY_LOCK, 0), UI_ACT_LOCK);
	ui_set_locked(s, "Locked");
	assert_int_equal(s->screen, UI_SCR_UNLOCK);
	assert_int_equal(s->role, 0);
	assert_null(s->docs);
	assert_null(s->body);
	assert_int_equal(s->reader.lines.n, 0);
	assert_false(s->help);
	assert_string_equal(s->member, "");
	assert_string_equal(s->msg, "Locked");
}

static void test_crisis_checklist(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_doc *p = calloc(1, sizeof *p);
	ui_item *it = calloc(2, sizeof *it);
	ui_lines contacts;

	unlock_as(s, 3);
	ui_lines_init(&contacts);
	ui_lines_wrap(&contacts, "Abogada: 555", NULL, 12, 0, 40, 0, 0);
	p[0] = uifx_doc("cccc", "Detención", "crisis", 3, 0);
	ui_set_crisis(s, &contacts, p, 1);
	assert_int_equal(s->screen, UI_SCR_CRISIS);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_PROTOCOL);
	it[0].text = strdup("Avisar al equipo");
	it[1].text = strdup("Llamar a la abogada");
	ui_set_checklist(s, "Detención", it, 2);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_CHECK);
	/* The loop records it and hands the list back: on to the next. */
	it = calloc(2, sizeof *it);
	it[0].text = strdup("Avisar al equipo");
	it[0].checked = 1700000000;
	it[1].text = strdup("Llamar a la abogada");
	ui_set_checklist(s, "Detención", it, 2);
	assert_int_equal(s->items_list.sel, 1);
	uifx_key(s, UI_KEY_UP, 0);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, ' '), UI_ACT_NONE);
	assert_true(s->msg[0] != '\0');
	uifx_key(s, UI_KEY_CHAR, 'q');
	assert_int_equal(s->screen, UI_SCR_CRISIS);
	uifx_key(s, UI_KEY_CHAR, 'q');
	assert_int_equal(s->screen, UI_SCR_HOME);
}

static void test_new_blank_prompt(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_doc *t = calloc(2, sizeof *t);

	unlock_as(s, 2);
	t[0] = uifx_doc("", "Blank document", "", 0, 0);
	t[1] = uifx_doc("", "Viajes", "travel", 0, 0);
	ui_set_templates(s, t, 2);
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'n'), UI_ACT_NONE);
	assert_int_equal(s->screen, UI_SCR_TEMPLATES);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->prompt, UI_PROMPT_TITLE);
	uifx_type(s, "Título nuevo");
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NEW);
	assert_string_equal(s->input, "Título nuevo");
	uifx_key(s, UI_KEY_DOWN, 0);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NEW);
}

/* ---- walkthroughs ---- */

static const char walk_text[] =
	"# Recorrido: Detención\n\n"
	"step: Prepararse\n"
	"section: 3. Prevención\n"
	"text: Imagina que es real.\n"
	"q: ¿Qué traes a la marcha?\n"
	"- Una lista con teléfonos de compañeras.\n"
	"+ La tarjeta de derechos.\n"
	"- Tu celular con todos tus chats.\n"
	"why: La tarjeta nunca lleva nombres.\n"
	"ref: tarjeta de derechos\n"
	"q: ¿A quién llamas primero?\n"
	"+ A la coordinación.\n"
	"- A la prensa.\n"
	"why: La primera llamada es a la coordinación.\n"
	"ref: coordinación\n\n"
	"step: Contención\n"
	"section: 10. Contención digital\n"
	"q: ¿Borras sus redes?\n"
	"- Sí.\n"
	"+ No: cierras sesiones.\n"
	"why: Borrarlas puede parecer que se esconden pruebas.\n"
	"ref: No borren\n";

static policy_walk *walk_parsed(void)
{
	policy_walk *w = NULL;
	char err[256];

	assert_int_equal(policy_walk_parse(walk_text, strlen(walk_text), &w, err,
	                                   sizeof err), 0);
	return w;
}

static void walk_lines(const ui_state *s, ui_lines *ls, size_t *cur)
{
	ui_lines_clear(ls);
	assert_int_equal(ui_walk_lines(s, 60, ls, cur), 0);
	for (size_t i = 0; i < ls->n; i++) {
		assert_true(cols_of(&ls->v[i]) <= 60);
		spans_cover(&ls->v[i]);
	}
}

static void test_walkthrough_scores_first_tries(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_lines ls;
	size_t cur;

	unlock_as(s, 3);
	open_reader(s, 3, UI_MARK_ACK);
	ui_set_walk(s, walk_parsed(), true);
	assert_int_equal(s->screen, UI_SCR_WALK);
	ui_lines_init(&ls);
	walk_lines(s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Walkthrough: Contraseñas") >= 0);
	assert_true(uifx_line_with(&ls, "Step 1 of 2: Prepararse") >= 0);
	assert_true(uifx_line_with(&ls, "Imagina que es real.") >= 0);
	assert_true(uifx_line_with(&ls, "Question 1 of 2: ¿Qué traes") >= 0);
	/* The cursor is a character, not only an attribute. */
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "> 1) Una lista"));
	assert_true(uifx_line_with(&ls, "  2) La tarjeta") >= 0);
	assert_true(uifx_line_with(&ls, "Practice") < 0);
	/* Arrows move the cursor; Enter answers: wrong, explained. */
	uifx_key(s, UI_KEY_DOWN, 0);
	uifx_key(s, UI_KEY_DOWN, 0);
	uifx_key(s, UI_KEY_DOWN, 0); /* stays on the last */
	assert_int_equal(s->walk_focus, 2);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	walk_lines(s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "> 3) Tu celular con todos tus chats. (not "
	                      "this one)") >= 0);
	assert_true(uifx_line_with(&ls, "Not quite. La tarjeta nunca") >= 0);
	assert_true(uifx_line_with(&ls, "Try again") >= 0);
	/* The same wrong answer again is refused; then right. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '3'), UI_ACT_NONE);
	assert_true(s->msg[0] != '\0');
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '2'), UI_ACT_NONE);
	assert_true(s->walk_answered);
	walk_lines(s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Right. La tarjeta nunca") >= 0);
	assert_true(uifx_line_with(&ls, "  2) La tarjeta de derechos. (right)") >= 0);
	assert_int_equal(cur, (size_t)uifx_line_with(&ls, "Press Enter"));
	/* Numbers mean nothing until Enter goes on. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '1'), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->walk_q, 1);
	assert_int_equal(s->walk_focus, 0);
	assert_int_equal(s->walk_tried, 0u);
	walk_lines(s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Imagina") < 0); /* only before question 1 */
	assert_true(uifx_has_hint(s, "1-2")); /* two choices here */
	/* Two right at the first try. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '1'), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, ' '), UI_ACT_NONE);
	assert_int_equal(s->walk_step, 1);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '9'), UI_ACT_NONE); /* no such */
	assert_false(s->walk_answered);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, '2'), UI_ACT_NONE);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_WALK_DONE);
	assert_true(s->walk_finished);
	assert_int_equal(s->walk_score, 2);
	assert_int_equal(s->walk_total, 3);
	ui_set_walk_result(s, "Recorded.");
	walk_lines(s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Done. Right at the first try: 2 of 3.") >= 0);
	assert_true(uifx_line_with(&ls, "Recorded.") >= 0);
	assert_int_equal(uifx_key(s, UI_KEY_ENTER, 0), UI_ACT_NONE);
	assert_int_equal(s->screen, UI_SCR_READER);
	assert_null(s->walk);
	ui_lines_clear(&ls);
}

static void test_walkthrough_leave_and_lock(void **state)
{
	ui_fixture *f = *state;
	ui_state *s = &f->s;
	ui_lines ls;
	size_t cur;

	unlock_as(s, 3);
	open_reader(s, 1, 0);
	/* No approved revision: practice, said on screen. */
	ui_set_walk(s, walk_parsed(), false);
	ui_lines_init(&ls);
	walk_lines(s, &ls, &cur);
	assert_true(uifx_line_with(&ls, "Practice") >= 0);
	ui_lines_clear(&ls);
	/* Three choices: 1 to 3 answer. */
	assert_true(uifx_has_hint(s, "1-3"));
	assert_false(uifx_has_hint(s, "1-4"));
	/* Nothing answered: q leaves at once. */
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'q'), UI_ACT_NONE);
	assert_int_equal(s->screen, UI_SCR_READER);
	assert_null(s->walk);
	/* Something answered: a question first; no keeps going. */
	ui_set_walk(s, walk_parsed(), false);
	uifx_key(s, UI_KEY_CHAR, '1');
	assert_int_equal(uifx_key(s, UI_KEY_ESC, 0), UI_ACT_NONE);
	assert_int_equal(s->confirm, UI_ACT_WALK);
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 'n'), UI_ACT_NONE);
	assert_int_equal(s->screen, UI_SCR_WALK);
	assert_int_equal(s->walk_tried, 1u);
	uifx_key(s, UI_KEY_CHAR, 'q');
	assert_int_equal(uifx_key(s, UI_KEY_CHAR, 's'), UI_ACT_NONE); /* "sí" */
	assert_int_equal(s->screen, UI_SCR_READER);
	assert_null(s->walk);
	/* On home, ^W walks through the selected document. */
	uifx_key(s, UI_KEY_ESC, 0);
	assert_int_equal(uifx_key(s, UI_KEY_CTRL, 'w'), UI_ACT_WALK);
	/* Locking forgets a walkthrough under way. */
	open_reader(s, 3, 0);
	ui_set_walk(s, walk_parsed(), true);
	uifx_key(s, UI_KEY_CHAR, '2');
	assert_int_equal(uifx_key(s, UI_KEY_LOCK, 0), UI_ACT_LOCK);
	ui_set_locked(s, "Locked");
	assert_null(s->walk);
	assert_int_equal(s->walk_score, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_utf8_and_wide),
		cmocka_unit_test(test_md_blocks),
		cmocka_unit_test(test_md_unpaired_marks),
		cmocka_unit_test(test_diff_words),
		cmocka_unit_test_setup_teardown(test_unlock, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_create_flow, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_home_rows_and_moves, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_search_as_you_type, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_reader_roles, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_history_and_diff, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_help_lock_and_wipe, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_crisis_checklist, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_new_blank_prompt, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_walkthrough_scores_first_tries, uifx_setup, uifx_teardown),
		cmocka_unit_test_setup_teardown(test_walkthrough_leave_and_lock, uifx_setup, uifx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
