/* ui_diff.c: a line diff as display lines, with word-level highlights
 * (ui_diff_render in ui_md.h). The "-"/"+" marks and reverse video carry
 * the meaning; UI_A_DEL and UI_A_ADD only add colour where it is allowed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "ui_md.h"

#define UI_DIFF_CONTEXT 3

/* Line starts of a text, diff.h's way: a final line without '\n' counts. */
typedef struct {
	const char *t;
	size_t *start; /* n + 1 entries: start[n] is the end */
	size_t n;
} text_lines;

static int index_lines(const char *t, size_t len, text_lines *tl)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < len; i++)
		n += t[i] == '\n';
	if (len > 0 && t[len - 1] != '\n')
		n++;
	tl->t = t;
	tl->n = n;
	tl->start = malloc((n + 1) * sizeof *tl->start);
	if (tl->start == NULL)
		return -1;
	tl->start[k++] = 0;
	for (size_t i = 0; i < len && k <= n; i++)
		if (t[i] == '\n')
			tl->start[k++] = i + 1;
	tl->start[n] = len;
	return 0;
}

/* Line i without its '\n'. */
static const char *line_of(const text_lines *tl, size_t i, size_t *len)
{
	size_t s = tl->start[i], e = tl->start[i + 1];

	if (e > s && tl->t[e - 1] == '\n')
		e--;
	*len = e - s;
	return tl->t + s;
}

/* Emit one diff line: a two-column mark, then the text with the ranges
 * r[0..nr) highlighted. */
static int emit(ui_lines *out, size_t width, const char *mark, unsigned base,
                const char *s, size_t n, const diff_range *r, size_t nr,
                unsigned hl)
{
	size_t tot = 2 + n;
	char *t = malloc(tot + 1);
	unsigned char *a = malloc(tot + 1);
	int rc = -1;

	if (t == NULL || a == NULL)
		goto out;
	memcpy(t, mark, 2);
	memcpy(t + 2, s, n);
	t[tot] = '\0';
	a[0] = a[1] = (unsigned char)(base | (mark[0] != ' ' ? UI_A_BOLD : 0));
	memset(a + 2, (int)base, n);
	for (size_t k = 0; k < nr; k++)
		for (size_t i = r[k].off; i < r[k].off + r[k].len && i < n; i++)
			a[2 + i] = (unsigned char)(base | hl);
	rc = ui_lines_wrap(out, t, a, tot, 0, width, 0, 2);
out:
	if (t != NULL)
		memset(t, 0, tot);
	free(t);
	free(a);
	return rc;
}

static int header(ui_lines *out, size_t width, size_t line)
{
	char buf[64];

	snprintf(buf, sizeof buf, "@@ %zu @@", line + 1);
	return ui_lines_wrap(out, buf, NULL, strlen(buf), UI_A_DIM, width, 0, 0);
}

static int context(ui_lines *out, size_t width, const text_lines *b,
                   size_t from, size_t to)
{
	size_t n;
	const char *s;

	for (size_t i = from; i < to; i++) {
		s = line_of(b, i, &n);
		if (emit(out, width, "  ", 0, s, n, NULL, 0, 0) != 0)
			return -1;
	}
	return 0;
}

/* A removed run followed (when ins is not NULL) by the added run that
 * replaces it: lines paired in order get word highlights. */
static int change(ui_lines *out, size_t width, const text_lines *a,
                  const text_lines *b, const diff_op *del, const diff_op *ins)
{
	size_t pairs = 0, i, an, bn;
	diff_words **w = NULL;
	const char *as, *bs;
	int rc = -1;

	if (del != NULL && ins != NULL)
		pairs = del->a_count < ins->b_count ? del->a_count : ins->b_count;
	w = calloc(pairs ? pairs : 1, sizeof *w);
	if (w == NULL)
		return -1;
	for (i = 0; i < pairs; i++) {
		as = line_of(a, del->a_line + i, &an);
		bs = line_of(b, ins->b_line + i, &bn);
		if (diff_words_new(as, an, bs, bn, &w[i]) != DIFF_OK)
			goto out;
	}
	for (i = 0; del != NULL && i < del->a_count; i++) {
		as = line_of(a, del->a_line + i, &an);
		if (emit(out, width, "- ", UI_A_DEL, as, an, i < pairs ? w[i]->a : NULL,
		         i < pairs ? w[i]->a_count : 0, UI_A_REVERSE) != 0)
			goto out;
	}
	for (i = 0; ins != NULL && i < ins->b_count; i++) {
		bs = line_of(b, ins->b_line + i, &bn);
		if (emit(out, width, "+ ", UI_A_ADD, bs, bn, i < pairs ? w[i]->b : NULL,
		         i < pairs ? w[i]->b_count : 0,
		         UI_A_REVERSE | UI_A_UNDER) != 0)
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < pairs; i++)
		diff_words_free(w[i]);
	free(w);
	return rc;
}

/* An unchanged run between changes: its first and last lines as context,
 * with a header where lines are left out. */
static int equal_run(ui_lines *out, size_t width, const text_lines *b,
                     const diff_op *op, int first, int last)
{
	size_t cnt = op->b_count, head, tail;

	head = first ? 0 : (cnt < UI_DIFF_CONTEXT ? cnt : UI_DIFF_CONTEXT);
	tail = last ? 0 : (cnt < UI_DIFF_CONTEXT ? cnt : UI_DIFF_CONTEXT);
	if (!first && !last && head + tail >= cnt)
		return context(out, width, b, op->b_line, op->b_line + cnt);
	if (context(out, width, b, op->b_line, op->b_line + head) != 0)
		return -1;
	if (last)
		return 0;
	if (header(out, width, op->b_line + cnt - tail) != 0)
		return -1;
	return context(out, width, b, op->b_line + cnt - tail, op->b_line + cnt);
}

int ui_diff_render(const char *a, size_t a_len, const char *b, size_t b_len,
                   size_t width, const char *same_msg, ui_lines *out)
{
	diff_script *sc = NULL;
	text_lines ta = {0}, tb = {0};
	int rc = -1;

	if (width < 8)
		width = 8;
	if (diff_script_new(a, a_len, b, b_len, NULL, &sc) != DIFF_OK ||
	    index_lines(a, a_len, &ta) != 0 || index_lines(b, b_len, &tb) != 0)
		goto out;
	if (sc->deleted == 0 && sc->inserted == 0) {
		rc = ui_lines_wrap(out, same_msg, NULL, strlen(same_msg), UI_A_DIM,
		                   width, 0, 0);
		goto out;
	}
	for (size_t k = 0; k < sc->n_ops; k++) {
		const diff_op *op = &sc->ops[k];

		if (k == 0 && op->kind != DIFF_EQUAL && header(out, width, 0) != 0)
			goto out;
		if (op->kind == DIFF_EQUAL) {
			if (equal_run(out, width, &tb, op, k == 0,
			              k + 1 == sc->n_ops) != 0)
				goto out;
		} else if (op->kind == DIFF_DELETE && k + 1 < sc->n_ops &&
		           sc->ops[k + 1].kind == DIFF_INSERT) {
			if (change(out, width, &ta, &tb, op, &sc->ops[k + 1]) != 0)
				goto out;
			k++;
		} else if (change(out, width, &ta, &tb,
		                  op->kind == DIFF_DELETE ? op : NULL,
		                  op->kind == DIFF_INSERT ? op : NULL) != 0) {
			goto out;
		}
	}
	rc = 0;
out:
	free(ta.start);
	free(tb.start);
	diff_script_free(sc);
	return rc;
}
