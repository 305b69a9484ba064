/* editbuf.c: see editbuf.h.
 *
 * The text is an array of lines, each a byte buffer without its '\n'. Every
 * edit is one of two primitives, insert text at a position or delete the
 * text between two positions; each records itself as one undo step holding
 * the bytes it inserted or removed, so undo and redo replay the primitives
 * backwards or forwards and restore the exact bytes. Primitives allocate
 * everything they need before they change anything, which is what lets an
 * out-of-memory failure leave the buffer as it was. */
#include "editbuf_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Unit tests build this file with EDITBUF_ALLOC_HOOK and supply these two
 * functions, which fail on request, to walk the out-of-memory paths. */
#ifdef EDITBUF_ALLOC_HOOK
void *editbuf_test_malloc(size_t n);
void *editbuf_test_realloc(void *p, size_t n);
#define eb_malloc editbuf_test_malloc
#define eb_realloc editbuf_test_realloc
#else
#define eb_malloc malloc
#define eb_realloc realloc
#endif

/* ---- bytes ---- */

static void wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

static void wipe_free(void *p, size_t n)
{
	wipe(p, n);
	free(p);
}

/* memmove that accepts a NULL pointer with a zero length. */
static void move(void *dst, const void *src, size_t n)
{
	if (n > 0)
		memmove(dst, src, n);
}

/* Make *buf hold at least need bytes, keeping its first used. It moves
 * rather than reallocs so that no copy of the text is freed unwiped. */
static int bytes_reserve(char **buf, size_t *cap, size_t used, size_t need)
{
	char *p = NULL;
	size_t n = *cap < 8 ? 16 : *cap;

	if (need <= *cap && *buf != NULL)
		return EDITBUF_OK;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return EDITBUF_ENOMEM;
		n *= 2;
	}
	p = eb_malloc(n);
	if (p == NULL)
		return EDITBUF_ENOMEM;
	move(p, *buf, used);
	wipe_free(*buf, *cap);
	*buf = p;
	*cap = n;
	return EDITBUF_OK;
}

/* Grow an array of elements of size sz to hold need of them. */
static int array_reserve(void **arr, size_t *cap, size_t need, size_t sz)
{
	void *p = NULL;
	size_t n = *cap < 8 ? 8 : *cap;

	if (need <= *cap)
		return EDITBUF_OK;
	while (n < need) {
		if (n > SIZE_MAX / 2 / sz)
			return EDITBUF_ENOMEM;
		n *= 2;
	}
	p = eb_realloc(*arr, n * sz);
	if (p == NULL)
		return EDITBUF_ENOMEM;
	*arr = p;
	*cap = n;
	return EDITBUF_OK;
}

/* ---- lines and the two primitives ---- */

static void line_free(eb_line *l)
{
	wipe_free(l->s, l->cap);
	l->s = NULL;
	l->len = l->cap = 0;
}

static void lines_free(eb_line *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		line_free(&lines[i]);
	free(lines);
}

/* A new line holding a[0..na) then b[0..nb). */
static int line_make(eb_line *l, const char *a, size_t na, const char *b,
                     size_t nb)
{
	l->s = NULL;
	l->len = l->cap = 0;
	if (bytes_reserve(&l->s, &l->cap, 0, na + nb) != EDITBUF_OK)
		return EDITBUF_ENOMEM;
	move(l->s, a, na);
	move(l->s + na, b, nb);
	l->len = na + nb;
	return EDITBUF_OK;
}

/* Bytes of s[0..n) before the first '\n', or n. */
static size_t seg_len(const char *s, size_t n)
{
	const char *nl = n > 0 ? memchr(s, '\n', n) : NULL;

	return nl != NULL ? (size_t)(nl - s) : n;
}

static size_t count_nl(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* Insert s[0..n) at p. OUT *end: the position just after it. */
static int text_insert(editbuf *eb, eb_pos p, const char *s, size_t n,
                       eb_pos *end)
{
	eb_line *l = &eb->lines[p.line], *fresh = NULL;
	size_t nl = count_nl(s, n), made = 0, i, seg, tail, first, old;
	int rc = EDITBUF_ENOMEM;

	if (nl == 0) {
		if (bytes_reserve(&l->s, &l->cap, l->len, l->len + n) != 0)
			return EDITBUF_ENOMEM;
		move(l->s + p.off + n, l->s + p.off, l->len - p.off);
		move(l->s + p.off, s, n);
		l->len += n;
		*end = (eb_pos){p.line, p.off + n};
		return EDITBUF_OK;
	}
	/* The first segment joins the head of line p; each later one makes a
	 * line, the last of which takes the tail of line p. */
	first = seg_len(s, n);
	tail = l->len - p.off;
	if (array_reserve((void **)&eb->lines, &eb->cap_lines,
	                  eb->n_lines + nl, sizeof *eb->lines) != 0)
		goto out;
	l = &eb->lines[p.line];
	fresh = eb_malloc(nl * sizeof *fresh);
	if (fresh == NULL)
		goto out;
	for (i = first + 1; made < nl; i += seg + 1) {
		seg = seg_len(s + i, n - i);
		if (line_make(&fresh[made], s + i, seg,
		              made + 1 < nl ? NULL : l->s + p.off,
		              made + 1 < nl ? 0 : tail) != 0)
			goto out;
		made++;
	}
	if (bytes_reserve(&l->s, &l->cap, l->len, p.off + first) != 0)
		goto out;
	old = l->len;
	move(l->s + p.off, s, first);
	l->len = p.off + first;
	if (old > l->len)
		wipe(l->s + l->len, old - l->len);
	move(&eb->lines[p.line + 1 + nl], &eb->lines[p.line + 1],
	     (eb->n_lines - p.line - 1) * sizeof *eb->lines);
	memcpy(&eb->lines[p.line + 1], fresh, nl * sizeof *fresh);
	eb->n_lines += nl;
	*end = (eb_pos){p.line + nl, eb->lines[p.line + nl].len - tail};
	made = 0;
	rc = EDITBUF_OK;
out:
	if (fresh != NULL)
		lines_free(fresh, made);
	return rc;
}

/* Delete the text from a to b (a not after b). */
static int text_delete(editbuf *eb, eb_pos a, eb_pos b)
{
	eb_line *la = &eb->lines[a.line], *lb = &eb->lines[b.line];
	size_t tail = lb->len - b.off, old = la->len, i;

	if (a.line == b.line) {
		move(la->s + a.off, la->s + b.off, tail);
		la->len -= b.off - a.off;
		wipe(la->s + la->len, old - la->len);
		return EDITBUF_OK;
	}
	if (bytes_reserve(&la->s, &la->cap, la->len, a.off + tail) != 0)
		return EDITBUF_ENOMEM;
	move(la->s + a.off, lb->s + b.off, tail);
	la->len = a.off + tail;
	if (old > la->len)
		wipe(la->s + la->len, old - la->len);
	for (i = a.line + 1; i <= b.line; i++)
		line_free(&eb->lines[i]);
	move(&eb->lines[a.line + 1], &eb->lines[b.line + 1],
	     (eb->n_lines - b.line - 1) * sizeof *eb->lines);
	eb->n_lines -= b.line - a.line;
	return EDITBUF_OK;
}

/* OUT: a malloc'd copy of the text from a to b, '\n' between lines. */
static int text_extract(const editbuf *eb, eb_pos a, eb_pos b, char **out,
                        size_t *out_len)
{
	size_t n = 0, i, from, to;
	char *p = NULL;

	for (i = a.line; i <= b.line; i++)
		n += (i == b.line ? b.off : eb->lines[i].len) -
		     (i == a.line ? a.off : 0) + (i < b.line);
	p = eb_malloc(n > 0 ? n : 1);
	if (p == NULL)
		return EDITBUF_ENOMEM;
	*out = p;
	*out_len = n;
	for (i = a.line; i <= b.line; i++) {
		from = i == a.line ? a.off : 0;
		to = i == b.line ? b.off : eb->lines[i].len;
		move(p, eb->lines[i].s + from, to - from);
		p += to - from;
		if (i < b.line)
			*p++ = '\n';
	}
	return EDITBUF_OK;
}

/* ---- history ---- */

static void op_free(eb_op *op)
{
	wipe_free(op->text, op->cap);
	op->text = NULL;
}

/* Forget the steps that could be redone, and the saved state if it was
 * one of them. */
static void history_cut(editbuf *eb)
{
	while (eb->n_ops > eb->done)
		op_free(&eb->ops[--eb->n_ops]);
	if (eb->saved != SIZE_MAX && eb->saved > eb->done)
		eb->saved = SIZE_MAX;
}

static void history_push(editbuf *eb, const eb_op *op)
{
	history_cut(eb);
	eb->ops[eb->done++] = *op;
	eb->n_ops = eb->done;
}

/* See editbuf_int.h. */
void editbuf_settle(editbuf *eb)
{
	eb->cutting = eb->typing = eb->want_valid = false;
}

static eb_pos snapped(const editbuf *eb, eb_pos p)
{
	const eb_line *l = &eb->lines[p.line];

	return (eb_pos){p.line, editbuf_char_start(l->s, l->len, p.off)};
}

/* Insert s[0..n) at the cursor as a step of its own or, when join allows
 * it, as more of the typing step on top of the history. */
static int edit_insert(editbuf *eb, const char *s, size_t n, bool join)
{
	eb_op *top = eb->done > 0 ? &eb->ops[eb->done - 1] : NULL;
	eb_op op = {0};
	eb_pos end;
	int rc = EDITBUF_ENOMEM;

	if (join && top != NULL && top->kind == OP_INSERT &&
	    eb->n_ops == eb->done && eb->saved != eb->done &&
	    top->after.line == eb->cur.line && top->after.off == eb->cur.off &&
	    top->end.off == eb->cur.off) {
		if (bytes_reserve(&top->text, &top->cap, top->len,
		                  top->len + n) != 0 ||
		    text_insert(eb, eb->cur, s, n, &end) != 0)
			return EDITBUF_ENOMEM;
		move(top->text + top->len, s, n);
		top->len += n;
		top->end = end;
		eb->cur = top->after = snapped(eb, end);
		return EDITBUF_OK;
	}
	if (array_reserve((void **)&eb->ops, &eb->cap_ops, eb->done + 1,
	                  sizeof *eb->ops) != 0 ||
	    bytes_reserve(&op.text, &op.cap, 0, n) != 0)
		goto out;
	move(op.text, s, n);
	op.len = n;
	if (text_insert(eb, eb->cur, s, n, &end) != 0)
		goto out;
	op.kind = OP_INSERT;
	op.at = op.before = eb->cur;
	op.end = end;
	eb->cur = op.after = snapped(eb, end);
	history_push(eb, &op);
	op.text = NULL;
	rc = EDITBUF_OK;
out:
	wipe_free(op.text, op.cap);
	return rc;
}

/* Delete the text from a to b as one step; the cursor goes to a. */
static int edit_delete(editbuf *eb, eb_pos a, eb_pos b)
{
	eb_op op = {0};
	int rc = EDITBUF_ENOMEM;

	if (array_reserve((void **)&eb->ops, &eb->cap_ops, eb->done + 1,
	                  sizeof *eb->ops) != 0 ||
	    text_extract(eb, a, b, &op.text, &op.len) != 0)
		goto out;
	op.cap = op.len > 0 ? op.len : 1;
	if (text_delete(eb, a, b) != 0)
		goto out;
	op.kind = OP_DELETE;
	op.at = a;
	op.end = b;
	op.before = eb->cur;
	/* Removing bytes may join invalid ones around a into one character. */
	eb->cur = op.after = snapped(eb, a);
	history_push(eb, &op);
	op.text = NULL;
	rc = EDITBUF_OK;
out:
	wipe_free(op.text, op.cap);
	return rc;
}

/* Replay one step forwards (redo) or backwards (undo). */
static int replay(editbuf *eb, const eb_op *op, bool forwards)
{
	eb_pos end;
	int rc;

	if ((op->kind == OP_INSERT) == forwards) {
		rc = text_insert(eb, op->at, op->text, op->len, &end);
		assert(rc != 0 || (end.line == op->end.line &&
		                   end.off == op->end.off));
	} else {
		rc = text_delete(eb, op->at, op->end);
	}
	if (rc == EDITBUF_OK)
		eb->cur = forwards ? op->after : op->before;
	return rc;
}

int editbuf_undo(editbuf *eb)
{
	int rc;

	editbuf_settle(eb);
	if (eb->done == 0)
		return 0;
	rc = replay(eb, &eb->ops[eb->done - 1], false);
	if (rc != EDITBUF_OK)
		return rc;
	eb->done--;
	return 1;
}

int editbuf_redo(editbuf *eb)
{
	int rc;

	editbuf_settle(eb);
	if (eb->done == eb->n_ops)
		return 0;
	rc = replay(eb, &eb->ops[eb->done], true);
	if (rc != EDITBUF_OK)
		return rc;
	eb->done++;
	return 1;
}

bool editbuf_modified(const editbuf *eb)
{
	return eb->done != eb->saved;
}

void editbuf_mark_saved(editbuf *eb)
{
	eb->saved = eb->done;
	eb->typing = false; /* typing after this is a new step */
}

/* ---- life cycle ---- */

editbuf *editbuf_new(void)
{
	editbuf *eb = eb_malloc(sizeof *eb);

	if (eb == NULL)
		return NULL;
	memset(eb, 0, sizeof *eb);
	if (array_reserve((void **)&eb->lines, &eb->cap_lines, 1,
	                  sizeof *eb->lines) != 0 ||
	    line_make(&eb->lines[0], NULL, 0, NULL, 0) != 0) {
		free(eb->lines);
		free(eb);
		return NULL;
	}
	eb->n_lines = 1;
	return eb;
}

static void history_clear(editbuf *eb)
{
	eb->done = 0;
	history_cut(eb);
	eb->saved = 0;
}

void editbuf_free(editbuf *eb)
{
	if (eb == NULL)
		return;
	lines_free(eb->lines, eb->n_lines);
	history_clear(eb);
	free(eb->ops);
	wipe_free(eb->clip, eb->clip_cap);
	free(eb);
}

int editbuf_load(editbuf *eb, const char *text, size_t len)
{
	eb_line *lines = NULL;
	size_t n = count_nl(text, len) + 1, made = 0, i = 0, seg;
	int rc = EDITBUF_ENOMEM;

	if (text == NULL)
		text = ""; /* len is 0 */
	if (n > SIZE_MAX / sizeof *lines)
		goto out;
	lines = eb_malloc(n * sizeof *lines);
	if (lines == NULL)
		goto out;
	for (made = 0; made < n; made++) {
		seg = seg_len(text + i, len - i);
		if (line_make(&lines[made], text + i, seg, NULL, 0) != 0)
			goto out;
		i += seg + 1;
	}
	lines_free(eb->lines, eb->n_lines);
	eb->lines = lines;
	eb->n_lines = eb->cap_lines = n;
	lines = NULL;
	history_clear(eb);
	wipe(eb->clip, eb->clip_cap);
	eb->clip_len = 0;
	eb->cur = (eb_pos){0, 0};
	editbuf_settle(eb);
	rc = EDITBUF_OK;
out:
	if (lines != NULL)
		lines_free(lines, made);
	return rc;
}

int editbuf_export(const editbuf *eb, char **out, size_t *out_len)
{
	size_t n = eb->n_lines - 1, i;
	char *p = NULL;

	for (i = 0; i < eb->n_lines; i++)
		n += eb->lines[i].len;
	p = malloc(n + 1);
	if (p == NULL)
		return EDITBUF_ENOMEM;
	*out = p;
	*out_len = n;
	for (i = 0; i < eb->n_lines; i++) {
		move(p, eb->lines[i].s, eb->lines[i].len);
		p += eb->lines[i].len;
		if (i + 1 < eb->n_lines)
			*p++ = '\n';
	}
	*p = '\0';
	return EDITBUF_OK;
}

/* ---- reading ---- */

size_t editbuf_line_count(const editbuf *eb)
{
	return eb->n_lines;
}

const char *editbuf_line(const editbuf *eb, size_t i, size_t *len)
{
	if (i >= eb->n_lines)
		return NULL;
	*len = eb->lines[i].len;
	return eb->lines[i].s;
}

void editbuf_cursor(const editbuf *eb, size_t *line, size_t *off)
{
	if (line != NULL)
		*line = eb->cur.line;
	if (off != NULL)
		*off = eb->cur.off;
}

const char *editbuf_clipboard(const editbuf *eb, size_t *len)
{
	*len = eb->clip_len;
	return eb->clip != NULL ? eb->clip : "";
}

/* ---- editing ---- */

int editbuf_insert(editbuf *eb, const char *s, size_t len)
{
	bool join = eb->typing;
	int rc;

	if (!editbuf_utf8_valid(s, len))
		return EDITBUF_EINVAL;
	editbuf_settle(eb);
	if (len == 0)
		return EDITBUF_OK;
	if (memchr(s, '\n', len) != NULL)
		return edit_insert(eb, s, len, false);
	rc = edit_insert(eb, s, len, join);
	eb->typing = rc == EDITBUF_OK;
	return rc;
}

int editbuf_backspace(editbuf *eb)
{
	eb_pos b = eb->cur, a = b;

	editbuf_settle(eb);
	if (b.off > 0)
		a.off = editbuf_prev_off(eb->lines[b.line].s,
		                         eb->lines[b.line].len, b.off);
	else if (b.line > 0)
		a = (eb_pos){b.line - 1, eb->lines[b.line - 1].len};
	else
		return EDITBUF_OK;
	return edit_delete(eb, a, b);
}

int editbuf_delete(editbuf *eb)
{
	eb_pos a = eb->cur, b = a;
	const eb_line *l = &eb->lines[a.line];

	editbuf_settle(eb);
	if (a.off < l->len)
		b.off = editbuf_next_off(l->s, l->len, a.off);
	else if (a.line + 1 < eb->n_lines)
		b = (eb_pos){a.line + 1, 0};
	else
		return EDITBUF_OK;
	return edit_delete(eb, a, b);
}

int editbuf_cut_line(editbuf *eb)
{
	bool append = eb->cutting;
	size_t L = eb->cur.line, base = append ? eb->clip_len : 0, n, old;
	const eb_line *l = &eb->lines[L];
	const eb_op *op = NULL;
	eb_pos a = {L, 0}, b = {L + 1, 0};
	int rc;

	editbuf_settle(eb);
	if (L + 1 == eb->n_lines) {
		eb->cutting = append;
		if (l->len == 0)
			return EDITBUF_OK; /* nothing to take, as in nano */
		b = (eb_pos){L, l->len};
	}
	n = b.line > L ? l->len + 1 : l->len;
	rc = bytes_reserve(&eb->clip, &eb->clip_cap, eb->clip_len, base + n);
	if (rc == EDITBUF_OK)
		rc = edit_delete(eb, a, b);
	if (rc != EDITBUF_OK)
		return rc;
	op = &eb->ops[eb->done - 1];
	old = eb->clip_len;
	move(eb->clip + base, op->text, op->len);
	eb->clip_len = base + op->len;
	if (old > eb->clip_len)
		wipe(eb->clip + eb->clip_len, old - eb->clip_len);
	eb->cutting = true;
	return EDITBUF_OK;
}

int editbuf_paste(editbuf *eb)
{
	editbuf_settle(eb);
	if (eb->clip_len == 0)
		return EDITBUF_OK;
	return edit_insert(eb, eb->clip, eb->clip_len, false);
}

