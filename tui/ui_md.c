/* ui_md.c: display lines, wrapping, and the Markdown subset (see ui_md.h
 * and docs/template-format.md, "Body"). */
#include "ui_md.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editbuf.h"

void *ui_grow(void *v, size_t *cap, size_t elem)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *grown;

	if (n > SIZE_MAX / elem)
		return NULL;
	grown = realloc(v, n * elem);
	if (grown != NULL)
		*cap = n;
	return grown;
}

/* A growing run of bytes with one attribute byte each. */
typedef struct {
	char *t;
	unsigned char *a;
	size_t n, cap;
} sbuf;

static void wipe(void *p, size_t n)
{
	volatile unsigned char *q = p;

	while (n--)
		*q++ = 0;
}

static void sb_free(sbuf *b)
{
	if (b->t != NULL)
		wipe(b->t, b->cap);
	free(b->t);
	free(b->a);
	memset(b, 0, sizeof *b);
}

/* Append n bytes of s with attributes a[i] | base (a may be NULL). */
static int sb_put(sbuf *b, const char *s, const unsigned char *a,
                  unsigned base, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *t;
		unsigned char *na;

		while (cap < b->n + n + 1)
			cap *= 2;
		t = malloc(cap);
		na = realloc(b->a, cap);
		if (t == NULL || na == NULL) {
			free(t);
			if (na != NULL)
				b->a = na;
			return -1;
		}
		/* Copy rather than realloc the text, so that no stale copy
		 * of a document is left unwiped on the heap. */
		if (b->n)
			memcpy(t, b->t, b->n);
		if (b->t != NULL)
			wipe(b->t, b->cap);
		free(b->t);
		b->t = t;
		b->a = na;
		b->cap = cap;
	}
	memcpy(b->t + b->n, s, n);
	for (size_t i = 0; i < n; i++)
		b->a[b->n + i] = (unsigned char)((a ? a[i] : 0) | base);
	b->n += n;
	b->t[b->n] = '\0';
	return 0;
}

void ui_lines_init(ui_lines *ls)
{
	memset(ls, 0, sizeof *ls);
}

void ui_lines_clear(ui_lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		wipe(ls->v[i].text, ls->v[i].len);
		free(ls->v[i].text);
		free(ls->v[i].spans);
	}
	free(ls->v);
	memset(ls, 0, sizeof *ls);
}

/* Append a line of n bytes t with per-byte attributes a, as spans. */
static int lines_push(ui_lines *ls, const char *t, const unsigned char *a,
                      size_t n)
{
	ui_line L;
	size_t i, k = 0, runs = 0;

	if (ls->n == ls->cap) {
		void *grown = ui_grow(ls->v, &ls->cap, sizeof *ls->v);

		if (grown == NULL)
			return -1;
		ls->v = grown;
	}
	for (i = 0; i < n; i++)
		if (i == 0 || a[i] != a[i - 1])
			runs++;
	memset(&L, 0, sizeof L);
	L.text = malloc(n + 1);
	L.spans = calloc(runs ? runs : 1, sizeof *L.spans);
	if (L.text == NULL || L.spans == NULL) {
		free(L.text);
		free(L.spans);
		return -1;
	}
	memcpy(L.text, t, n);
	L.text[n] = '\0';
	L.len = n;
	for (i = 0; i < n; i++) {
		if (i == 0 || a[i] != a[i - 1]) {
			if (i > 0)
				k++;
			L.spans[k].off = i;
			L.spans[k].attr = a[i];
		}
		L.spans[k].len++;
	}
	L.nspans = runs;
	ls->v[ls->n++] = L;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Start a wrapped line: indent blanks. */
static int line_start(sbuf *line, size_t indent)
{
	line->n = 0;
	for (size_t i = 0; i < indent; i++)
		if (sb_put(line, " ", NULL, 0, 1) != 0)
			return -1;
	return 0;
}

/* Put as much of the word w[0..n) as fits in width - *col columns; OUT
 * *used: bytes taken (at least one character when the line is empty). */
static int put_cut(sbuf *line, const char *w, const unsigned char *a,
                   unsigned base, size_t n, size_t width, size_t *col,
                   size_t *used)
{
	size_t i = 0, k, cw;
	uint32_t cp;

	while (i < n) {
		k = editbuf_char_decode(w + i, n - i, &cp);
		cw = editbuf_char_cols(cp, *col);
		if (*col + cw > width && i > 0)
			break;
		if (sb_put(line, w + i, a ? a + i : NULL, base, k) != 0)
			return -1;
		*col += cw;
		i += k;
	}
	*used = i;
	return 0;
}

int ui_lines_wrap(ui_lines *ls, const char *text, const unsigned char *attrs,
                  size_t len, unsigned base, size_t width,
                  size_t indent_first, size_t indent_rest)
{
	sbuf line = {0};
	size_t i = 0, j, col, wc, used;
	int words = 0, glue, rc = -1;

	if (width < 1)
		width = 1;
	if (indent_first >= width)
		indent_first = 0;
	if (indent_rest >= width)
		indent_rest = 0;
	if (line_start(&line, indent_first) != 0)
		goto out;
	col = indent_first;
	/* Leading blanks are the text's own indent (a diff's "  " mark). */
	for (; i < len && text[i] == ' ' && col + 1 < width; i++, col++)
		if (sb_put(&line, " ", attrs ? attrs + i : NULL, base, 1) != 0)
			goto out;
	words = i > 0;
	glue = words; /* the first word follows the leading blanks directly */
	for (;;) {
		while (i < len && is_space(text[i]))
			i++;
		if (i >= len)
			break;
		for (j = i; j < len && !is_space(text[j]); j++)
			;
		wc = editbuf_text_cols(text + i, j - i);
		if (glue && col + wc <= width) {
			glue = 0;
		} else if (words && !glue && col + 1 + wc <= width) {
			if (sb_put(&line, " ", attrs ? attrs + i - 1 : NULL, base, 1))
				goto out;
			col++;
		} else if (words) {
			glue = 0;
			if (lines_push(ls, line.t, line.a, line.n) != 0 ||
			    line_start(&line, indent_rest) != 0)
				goto out;
			col = indent_rest;
			words = 0;
		}
		/* The word alone on its line, cut where it does not fit. */
		while (i < j) {
			if (put_cut(&line, text + i, attrs ? attrs + i : NULL, base,
			            j - i, width, &col, &used) != 0)
				goto out;
			i += used;
			words = 1;
			if (i < j) {
				if (lines_push(ls, line.t, line.a, line.n) != 0 ||
				    line_start(&line, indent_rest) != 0)
					goto out;
				col = indent_rest;
			}
		}
	}
	/* The last line; an indent alone (empty text) is not worth keeping. */
	if (!words)
		line.n = 0;
	if (lines_push(ls, line.t ? line.t : "", line.a, line.n) != 0)
		goto out;
	rc = 0;
out:
	sb_free(&line);
	return rc;
}

/* ---- Markdown ---- */

/* Whether s[i..n) holds marker m again before the end. */
static int closes_later(const char *s, size_t i, size_t n, const char *m)
{
	size_t ml = strlen(m);

	for (; i + ml <= n; i++)
		if (memcmp(s + i, m, ml) == 0)
			return 1;
	return 0;
}

/* Strip the inline markup of s[0..n) into out, with attributes. */
static int inline_parse(const char *s, size_t n, unsigned base, sbuf *out)
{
	unsigned strong = 0, em = 0;
	size_t i = 0;

	while (i < n) {
		if (s[i] == '[' && i + 1 < n && s[i + 1] == '[' &&
		    closes_later(s, i + 2, n, "]]")) {
			size_t j = i + 2;

			while (memcmp(s + j, "]]", 2) != 0)
				j++;
			if (sb_put(out, s + i, NULL, base | strong | em | UI_A_FIELD,
			           j + 2 - i) != 0)
				return -1;
			i = j + 2;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*' &&
		           (strong || closes_later(s, i + 2, n, "**"))) {
			strong ^= UI_A_BOLD;
			i += 2;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			/* An unpaired "**" is literal, not two emphasis marks. */
			if (sb_put(out, s + i, NULL, base | strong | em, 2) != 0)
				return -1;
			i += 2;
		} else if (s[i] == '*' && (em || (i + 1 < n && !is_space(s[i + 1]) &&
		                                  closes_later(s, i + 1, n, "*")))) {
			em ^= UI_A_UNDER;
			i++;
		} else {
			if (sb_put(out, s + i, NULL, base | strong | em, 1) != 0)
				return -1;
			i++;
		}
	}
	return 0;
}

typedef struct {
	ui_lines *out;
	size_t width;
	sbuf raw;          /* the block's source text, lines joined by spaces */
	int open;          /* a paragraph or item is being collected */
	char prefix[24];   /* "• ", "[ ] ", "3. " for an item, "" otherwise */
	size_t indent;     /* of the item marker */
} md_state;

static int md_flush(md_state *m)
{
	sbuf text = {0};
	size_t pc;
	int rc = -1;

	if (!m->open)
		return 0;
	m->open = 0;
	pc = editbuf_text_cols(m->prefix, strlen(m->prefix));
	if (sb_put(&text, m->prefix, NULL, strncmp(m->prefix, "[x]", 3) == 0
	           ? UI_A_BOLD : 0, strlen(m->prefix)) != 0 ||
	    inline_parse(m->raw.t ? m->raw.t : "", m->raw.n, 0, &text) != 0)
		goto out;
	rc = ui_lines_wrap(m->out, text.t ? text.t : "", text.a, text.n, 0,
	                   m->width, m->indent, m->indent + pc);
out:
	m->raw.n = 0;
	sb_free(&text);
	return rc;
}

/* One blank line, unless the last line is already blank. */
static int md_blank(md_state *m)
{
	if (m->out->n == 0 || m->out->v[m->out->n - 1].len == 0)
		return 0;
	return lines_push(m->out, "", NULL, 0);
}

/* Whether line s[0..n) (after its leading spaces) starts a list item:
 * sets m->prefix and returns the bytes of marker to skip, else 0. */
static size_t item_marker(md_state *m, const char *s, size_t n)
{
	size_t d = 0;

	if (n >= 6 && (memcmp(s, "- [ ] ", 6) == 0 || memcmp(s, "- [x] ", 6) == 0 ||
	               memcmp(s, "- [X] ", 6) == 0)) {
		snprintf(m->prefix, sizeof m->prefix, "%s",
		         s[3] == ' ' ? "[ ] " : "[x] ");
		return 6;
	}
	if (n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') {
		snprintf(m->prefix, sizeof m->prefix, "\xe2\x80\xa2 "); /* • */
		return 2;
	}
	while (d < n && d < 9 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d > 0 && d + 1 < n && s[d] == '.' && s[d + 1] == ' ') {
		snprintf(m->prefix, sizeof m->prefix, "%.*s. ", (int)d, s);
		return d + 2;
	}
	return 0;
}

static int md_heading(md_state *m, const char *s, size_t n, int level)
{
	sbuf text = {0};
	unsigned a = UI_A_BOLD | UI_A_HEAD | (level == 1 ? UI_A_UNDER : 0);
	int rc = -1;

	if (md_flush(m) != 0 || md_blank(m) != 0)
		return -1;
	if (inline_parse(s, n, a, &text) == 0)
		rc = ui_lines_wrap(m->out, text.t ? text.t : "", text.a, text.n, 0,
		                   m->width, 0, 0);
	sb_free(&text);
	return rc;
}

/* A line that is not a list item: blank, heading, or text that joins the
 * open paragraph or item. */
static int md_line(md_state *m, const char *s, size_t n)
{
	size_t lead = 0, level = 0;

	while (lead < n && s[lead] == ' ')
		lead++;
	if (lead == n)
		return md_flush(m) == 0 ? md_blank(m) : -1;
	while (level < n && level < 4 && s[level] == '#')
		level++;
	if (level >= 1 && level <= 3 && level < n && s[level] == ' ')
		return md_heading(m, s + level + 1, n - level - 1, (int)level);
	if (!m->open) {
		m->open = 1;
		m->prefix[0] = '\0';
		m->indent = 0;
	} else if (sb_put(&m->raw, " ", NULL, 0, 1) != 0) {
		return -1;
	}
	return sb_put(&m->raw, s + lead, NULL, 0, n - lead);
}

int ui_md_render(const char *md, size_t len, size_t width, ui_lines *out)
{
	md_state m;
	size_t i = 0;
	int rc = 0;

	memset(&m, 0, sizeof m);
	m.out = out;
	m.width = width < 8 ? 8 : width;
	while (i < len && rc == 0) {
		const char *s = md + i, *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i, lead = 0;
		char prefix[sizeof m.prefix];
		md_state probe;
		size_t k;

		i += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		while (lead < n && s[lead] == ' ')
			lead++;
		/* An item marker ends the block before: probe it first without
		 * disturbing the open item's prefix. */
		probe = m;
		k = lead < n ? item_marker(&probe, s + lead, n - lead) : 0;
		if (k > 0 && !(n > 0 && s[0] == '#')) {
			memcpy(prefix, probe.prefix, sizeof prefix);
			if (md_flush(&m) != 0) {
				rc = -1;
				break;
			}
			memcpy(m.prefix, prefix, sizeof prefix);
			m.open = 1;
			m.indent = lead;
			rc = sb_put(&m.raw, s + lead + k, NULL, 0, n - lead - k);
			continue;
		}
		rc = md_line(&m, s, n) == 0 ? 0 : -1;
	}
	if (rc == 0)
		rc = md_flush(&m);
	sb_free(&m.raw);
	/* A trailing blank line is only noise at the bottom of the reader. */
	while (out->n > 0 && out->v[out->n - 1].len == 0) {
		free(out->v[out->n - 1].text);
		free(out->v[out->n - 1].spans);
		out->n--;
	}
	return rc;
}
