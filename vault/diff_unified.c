/* diff_unified: see diff.h.
 *
 * The text side of line diffs: rendering an edit script from diff.c as a
 * unified diff in GNU's layout, and applying such a diff back to the old
 * text. Both share the append-only output buffer below; the line splitting
 * that patch application needs comes from diff.c (diff_int.h). */
#include "diff.h"
#include "diff_int.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char NO_NEWLINE[] = "\\ No newline at end of file\n";

/* ---- output buffer ---------------------------------------------------- */

void diff_buf_add(diff_buf *b, const void *src, size_t n)
{
	if (b->oom)
		return;
	if (b->cap - b->len <= n) { /* room for n bytes and the NUL */
		size_t cap = b->cap ? b->cap : 256;
		char *np = NULL;

		while (cap - b->len <= n) {
			if (cap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			cap *= 2;
		}
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, src, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void dbuf_str(diff_buf *b, const char *s)
{
	diff_buf_add(b, s, strlen(s));
}

/* Hand the buffer over (always allocated, even when empty) or free it. */
static diff_status dbuf_finish(diff_buf *b, char **out, size_t *out_len)
{
	diff_status st = DIFF_OK;

	diff_buf_add(b, "", 0);
	if (b->oom) {
		free(b->p);
		st = DIFF_ENOMEM;
	} else {
		*out = b->p;
		*out_len = b->len;
	}
	b->p = NULL;
	return st;
}

/* ---- unified output ---------------------------------------------------- */

/* Start of the last n lines of bytes [start, end) of t. */
static size_t lines_back(const char *t, size_t start, size_t end, size_t n)
{
	size_t pos = end;

	while (n-- > 0 && pos > start) {
		pos--; /* the line's '\n', or the last byte of an open last line */
		while (pos > start && t[pos - 1] != '\n')
			pos--;
	}
	return pos;
}

/* End of the first n lines of bytes [start, end) of t. */
static size_t lines_fwd(const char *t, size_t start, size_t end, size_t n)
{
	size_t pos = start;

	while (n-- > 0 && pos < end) {
		const char *nl = memchr(t + pos, '\n', end - pos);

		pos = nl != NULL ? (size_t)(nl - t) + 1 : end;
	}
	return pos;
}

static void put_lines(diff_buf *o, char tag, const char *t, size_t from, size_t to)
{
	while (from < to) {
		size_t next = lines_fwd(t, from, to, 1);

		diff_buf_add(o, &tag, 1);
		diff_buf_add(o, t + from, next - from);
		if (t[next - 1] != '\n') { /* only the last line of a text */
			diff_buf_add(o, "\n", 1);
			dbuf_str(o, NO_NEWLINE);
		}
		from = next;
	}
}

/* GNU's range notation: "l" for one line, "l,n" otherwise, and for an
 * empty range the number of the line before it. */
static void put_range(diff_buf *o, size_t first, size_t count)
{
	char num[48];

	if (count == 1)
		snprintf(num, sizeof num, "%zu", first + 1);
	else
		snprintf(num, sizeof num, "%zu,%zu", count ? first + 1 : first,
		         count);
	dbuf_str(o, num);
}

static void put_label(diff_buf *o, const char *prefix, const char *label)
{
	dbuf_str(o, prefix);
	for (; *label != '\0'; label++)
		diff_buf_add(o, *label == '\n' || *label == '\r' ? " " : label, 1);
	diff_buf_add(o, "\n", 1);
}

/* The last change run of the hunk starting at change run i: later changes
 * join while the unchanged run between them is at most 2 * ctx lines. */
static size_t hunk_last(const diff_script *s, size_t i, unsigned ctx)
{
	size_t last = i;

	for (size_t j = i + 1; j < s->n_ops; j++) {
		size_t gap = s->ops[j].a_count;

		if (s->ops[j].kind != DIFF_EQUAL)
			last = j;
		else if (j + 1 == s->n_ops || (gap > ctx && gap - ctx > ctx))
			break;
	}
	return last;
}

static void put_hunk(diff_buf *o, const diff_script *s, size_t first, size_t last,
                     unsigned ctx, const char *a, const char *b)
{
	const diff_op *f = &s->ops[first], *l = &s->ops[last];
	const diff_op *before = first > 0 ? f - 1 : NULL;
	const diff_op *after = last + 1 < s->n_ops ? l + 1 : NULL;
	size_t lead = 0, trail = 0, from = f->a_off, to = l->a_end;

	if (before != NULL) {
		lead = before->a_count < ctx ? before->a_count : ctx;
		from = lines_back(a, before->a_off, before->a_end, lead);
	}
	if (after != NULL) {
		trail = after->a_count < ctx ? after->a_count : ctx;
		to = lines_fwd(a, after->a_off, after->a_end, trail);
	}
	dbuf_str(o, "@@ -");
	put_range(o, f->a_line - lead, l->a_line + l->a_count + trail -
	          (f->a_line - lead));
	dbuf_str(o, " +");
	put_range(o, f->b_line - lead, l->b_line + l->b_count + trail -
	          (f->b_line - lead));
	dbuf_str(o, " @@\n");
	put_lines(o, ' ', a, from, f->a_off);
	for (const diff_op *op = f; op <= l; op++) {
		if (op->kind == DIFF_INSERT)
			put_lines(o, '+', b, op->b_off, op->b_end);
		else
			put_lines(o, op->kind == DIFF_EQUAL ? ' ' : '-', a,
			          op->a_off, op->a_end);
	}
	if (after != NULL)
		put_lines(o, ' ', a, after->a_off, to);
}

diff_status diff_unified_render(const diff_script *script,
                                const char *a, size_t a_len,
                                const char *b, size_t b_len,
                                const diff_options *opts,
                                char **out, size_t *out_len)
{
	diff_options def;
	diff_buf o = {NULL, 0, 0, 0};
	size_t i = 0;

	*out = NULL;
	*out_len = 0;
	assert(script->n_ops == 0 ||
	       (script->ops[script->n_ops - 1].a_end == a_len &&
	        script->ops[script->n_ops - 1].b_end == b_len));
	(void)a_len;
	(void)b_len;
	if (opts == NULL) {
		diff_options_init(&def);
		opts = &def;
	}
	while (i < script->n_ops) {
		size_t last;

		if (script->ops[i].kind == DIFF_EQUAL) {
			i++;
			continue;
		}
		if (o.len == 0) {
			put_label(&o, "--- ", opts->label_a ? opts->label_a : "a");
			put_label(&o, "+++ ", opts->label_b ? opts->label_b : "b");
		}
		last = hunk_last(script, i, opts->context);
		put_hunk(&o, script, i, last, opts->context, a, b);
		i = last + 1;
	}
	return dbuf_finish(&o, out, out_len);
}

diff_status diff_unified_new(const char *a, size_t a_len,
                             const char *b, size_t b_len,
                             const diff_options *opts,
                             char **out, size_t *out_len)
{
	diff_script *s = NULL;
	diff_status st;

	*out = NULL;
	*out_len = 0;
	st = diff_script_new(a, a_len, b, b_len, opts, &s);
	if (st == DIFF_OK)
		st = diff_unified_render(s, a, a_len, b, b_len, opts, out, out_len);
	diff_script_free(s);
	return st;
}

/* ---- applying a unified diff ------------------------------------------- */

typedef struct {
	const char *p;
	size_t len, pos;
} reader;

/* The next patch line, without its '\n'; 0 at the end of the patch. */
static int reader_line(reader *r, const char **line, size_t *n)
{
	const char *nl = NULL;

	if (r->pos >= r->len)
		return 0;
	*line = r->p + r->pos;
	nl = memchr(*line, '\n', r->len - r->pos);
	*n = nl != NULL ? (size_t)(nl - *line) : r->len - r->pos;
	r->pos += *n + (nl != NULL);
	return 1;
}

/* Consume a "\ No newline" line if one comes next. */
static int reader_no_newline(reader *r)
{
	const char *l = NULL;
	size_t n = 0, save = r->pos;

	if (reader_line(r, &l, &n) && n > 0 && l[0] == '\\')
		return 1;
	r->pos = save;
	return 0;
}

static int parse_num(const char **p, const char *end, size_t *v)
{
	const char *s = *p;

	*v = 0;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		if (*v > (SIZE_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (size_t)(**p - '0');
	}
	return *p == s ? -1 : 0;
}

static int parse_lit(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* "l" or "l,n", turned into the 0-based index the range starts at. */
static int parse_range(const char **p, const char *end, size_t *at,
                       size_t *count)
{
	size_t first = 0;

	*count = 1;
	if (parse_num(p, end, &first) != 0)
		return -1;
	if (*p < end && **p == ',' && (++*p, parse_num(p, end, count) != 0))
		return -1;
	if (*count > 0 && first == 0)
		return -1;
	*at = *count > 0 ? first - 1 : first;
	return 0;
}

typedef struct {
	const char *old;
	diff_bounds ol; /* lines of old */
	size_t pos;     /* old lines consumed */
	diff_buf out;
	size_t lines;   /* lines written */
	int closed;     /* the output ends in a line without '\n' */
} applier;

static diff_status put_out(applier *ap, const char *p, size_t n, int nl)
{
	if (ap->closed)
		return DIFF_EPATCH; /* text after a last line */
	diff_buf_add(&ap->out, p, n);
	if (nl)
		diff_buf_add(&ap->out, "\n", 1);
	ap->closed = !nl;
	ap->lines++;
	return DIFF_OK;
}

static diff_status copy_old(applier *ap, size_t upto)
{
	diff_status st = DIFF_OK;

	for (; ap->pos < upto && st == DIFF_OK; ap->pos++) {
		size_t off = ap->ol.off[ap->pos], end = ap->ol.off[ap->pos + 1];
		int nl = ap->old[end - 1] == '\n';

		st = put_out(ap, ap->old + off, end - off - (size_t)nl, nl);
	}
	return st;
}

static int old_matches(const applier *ap, const char *p, size_t n, int nl)
{
	size_t off = 0, end = 0;

	if (ap->pos >= ap->ol.n)
		return 0;
	off = ap->ol.off[ap->pos];
	end = ap->ol.off[ap->pos + 1];
	return end - off == n + (size_t)nl && memcmp(ap->old + off, p, n) == 0 &&
	       (ap->old[end - 1] == '\n') == nl;
}

/* One hunk: its header line is hdr; the body follows in r. */
static diff_status apply_hunk(applier *ap, reader *r, const char *hdr,
                              size_t hn)
{
	const char *p = hdr, *end = hdr + hn, *l = NULL;
	size_t oat = 0, oc = 0, nat = 0, nc = 0, n = 0;
	diff_status st = DIFF_OK;

	if (parse_lit(&p, end, "@@ -") != 0 || parse_range(&p, end, &oat, &oc) ||
	    parse_lit(&p, end, " +") != 0 || parse_range(&p, end, &nat, &nc) ||
	    parse_lit(&p, end, " @@") != 0 || oat < ap->pos)
		return DIFF_EPATCH;
	if (oat > ap->ol.n)
		return DIFF_EMISMATCH;
	st = copy_old(ap, oat);
	if (st == DIFF_OK && nat != ap->lines)
		st = DIFF_EPATCH;
	while (st == DIFF_OK && (oc > 0 || nc > 0)) {
		char tag = ' ';
		int nl = 0;

		if (!reader_line(r, &l, &n))
			return DIFF_EPATCH;
		if (n > 0) { /* an empty line is a context line whose blank was lost */
			tag = l[0];
			l++;
			n--;
		}
		nl = !reader_no_newline(r);
		if ((tag != ' ' && tag != '-' && tag != '+') ||
		    (tag != '+' && oc == 0) || (tag != '-' && nc == 0))
			return DIFF_EPATCH;
		if (tag != '+') {
			if (!old_matches(ap, l, n, nl))
				return DIFF_EMISMATCH;
			ap->pos++;
			oc--;
		}
		if (tag != '-') {
			st = put_out(ap, l, n, nl);
			nc--;
		}
	}
	return st;
}

diff_status diff_patch_apply(const char *old, size_t old_len,
                             const char *patch, size_t patch_len,
                             char **out, size_t *out_len)
{
	applier ap;
	reader r = {patch, patch_len, 0};
	const char *l = NULL;
	size_t n = 0;
	diff_status st = DIFF_ENOMEM;

	*out = NULL;
	*out_len = 0;
	memset(&ap, 0, sizeof ap);
	ap.old = old;
	if (diff_split_lines(old, old_len, &ap.ol) != 0)
		goto out;
	st = DIFF_OK;
	if (patch_len > 0) {
		if (!reader_line(&r, &l, &n) || n < 4 || memcmp(l, "--- ", 4) != 0 ||
		    !reader_line(&r, &l, &n) || n < 4 || memcmp(l, "+++ ", 4) != 0)
			st = DIFF_EPATCH;
		while (st == DIFF_OK && reader_line(&r, &l, &n))
			st = apply_hunk(&ap, &r, l, n);
	}
	if (st == DIFF_OK)
		st = copy_old(&ap, ap.ol.n);
	if (st == DIFF_OK)
		st = dbuf_finish(&ap.out, out, out_len);
out:
	free(ap.out.p);
	free(ap.ol.off);
	return st;
}
