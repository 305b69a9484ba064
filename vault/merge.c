/* merge: see merge.h.
 *
 * Both sides are diffed against the base. Their changes ("hunks") are then
 * walked in base order: hunks from either side whose base lines overlap or
 * touch are gathered into one region, which is copied from the side that
 * changed it, copied once when both changed it alike, and otherwise written
 * as a conflict. Text between regions is unchanged on both sides and is
 * copied from the base. */
#include "diff_int.h"
#include "merge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* Base lines [b0, b1), bytes [bo0, bo1) of the base, became bytes
 * [so0, so1) of the side. */
typedef struct {
	size_t b0, b1;
	size_t bo0, bo1;
	size_t so0, so1;
} hunk;

/* One side of the merge, as its changes against the base. */
typedef struct {
	const char *text;
	hunk *h;
	size_t nh;
	size_t next; /* first hunk not yet merged */
} side;

/* A marker line; a newline in the label would split it in two. */
static void put_marker(diff_buf *b, const char *marker, const char *label)
{
	diff_buf_add(b, marker, strlen(marker));
	if (label != NULL) {
		diff_buf_add(b, " ", 1);
		for (; *label != '\0'; label++)
			diff_buf_add(b, *label == '\n' || *label == '\r' ? " " : label, 1);
	}
	diff_buf_add(b, "\n", 1);
}

/* One side's lines inside a conflict block, ending in '\n' so that the
 * marker after them stays a line of its own. */
static void put_block(diff_buf *b, const char *p, size_t n)
{
	diff_buf_add(b, p, n);
	if (n > 0 && p[n - 1] != '\n')
		diff_buf_add(b, "\n", 1);
}

/* Collect the changes of text against base: each maximal run of deleted
 * and inserted lines is one hunk. */
static merge_status side_init(side *sd, const char *base, size_t base_len,
                              const char *text, size_t len)
{
	diff_script *s = NULL;
	merge_status st = MERGE_ENOMEM;

	sd->text = text;
	if (diff_script_new(base, base_len, text, len, NULL, &s) != DIFF_OK)
		goto out;
	sd->h = malloc((s->n_ops + 1) * sizeof *sd->h);
	if (sd->h == NULL)
		goto out;
	for (size_t i = 0; i < s->n_ops; i++) {
		const diff_op *op = &s->ops[i];
		hunk *h = NULL;

		if (op->kind == DIFF_EQUAL)
			continue;
		if (i == 0 || s->ops[i - 1].kind == DIFF_EQUAL) {
			h = &sd->h[sd->nh++];
			h->b0 = op->a_line;
			h->bo0 = op->a_off;
			h->so0 = op->b_off;
		}
		h = &sd->h[sd->nh - 1];
		h->b1 = op->a_line + op->a_count;
		h->bo1 = op->a_end;
		h->so1 = op->b_end;
	}
	st = MERGE_OK;
out:
	diff_script_free(s);
	return st;
}

/* The side's byte offset for base byte p, which lies in text unchanged
 * since the last hunk merged. */
static size_t side_at(const side *sd, size_t p)
{
	const hunk *h = NULL;

	if (sd->next == 0)
		return p;
	h = &sd->h[sd->next - 1];
	return p - h->bo1 + h->so1;
}

/* Take into the region every hunk of sd that overlaps or touches it.
 * Returns whether any was taken. */
static int region_grow(side *sd, size_t *hi, size_t *hi_byte)
{
	int grew = 0;

	for (; sd->next < sd->nh && sd->h[sd->next].b0 <= *hi; sd->next++) {
		const hunk *h = &sd->h[sd->next];

		if (h->b1 > *hi) {
			*hi = h->b1;
			*hi_byte = h->bo1;
		}
		grew = 1;
	}
	return grew;
}

/* Merge the next region: the earliest unmerged hunk and everything that
 * overlaps it, transitively. *pos is the base byte copied up to. */
static void merge_region(diff_buf *o, const char *base, side *ours, side *theirs,
                         const merge_options *opts, size_t *pos,
                         size_t *conflicts)
{
	side *first = ours;
	size_t lo_byte = 0, hi = 0, hi_byte = 0;
	size_t o_lo = 0, o_hi = 0, t_lo = 0, t_hi = 0;
	int o_in = 0, t_in = 0, grew = 1;

	if (ours->next == ours->nh ||
	    (theirs->next < theirs->nh &&
	     theirs->h[theirs->next].b0 < ours->h[ours->next].b0))
		first = theirs;
	hi = first->h[first->next].b0;
	lo_byte = hi_byte = first->h[first->next].bo0;
	o_lo = side_at(ours, lo_byte);
	t_lo = side_at(theirs, lo_byte);
	while (grew) {
		int o_grew = region_grow(ours, &hi, &hi_byte);
		int t_grew = region_grow(theirs, &hi, &hi_byte);

		o_in |= o_grew;
		t_in |= t_grew;
		grew = o_grew || t_grew;
	}
	o_hi = side_at(ours, hi_byte);
	t_hi = side_at(theirs, hi_byte);
	diff_buf_add(o, base + *pos, lo_byte - *pos);
	*pos = hi_byte;
	if (!t_in || (o_in && o_hi - o_lo == t_hi - t_lo &&
	              memcmp(ours->text + o_lo, theirs->text + t_lo,
	                     o_hi - o_lo) == 0)) {
		diff_buf_add(o, ours->text + o_lo, o_hi - o_lo);
	} else if (!o_in) {
		diff_buf_add(o, theirs->text + t_lo, t_hi - t_lo);
	} else {
		put_marker(o, "<<<<<<<", opts->label_ours ? opts->label_ours
		                                            : "ours");
		put_block(o, ours->text + o_lo, o_hi - o_lo);
		put_marker(o, "=======", NULL);
		put_block(o, theirs->text + t_lo, t_hi - t_lo);
		put_marker(o, ">>>>>>>", opts->label_theirs ? opts->label_theirs
		                                              : "theirs");
		(*conflicts)++;
	}
}

merge_status merge_texts(const char *base, size_t base_len,
                         const char *ours, size_t ours_len,
                         const char *theirs, size_t theirs_len,
                         const merge_options *opts,
                         char **out, size_t *out_len, size_t *conflicts)
{
	static const merge_options defaults = {NULL, NULL};
	side s_ours = {NULL, NULL, 0, 0}, s_theirs = {NULL, NULL, 0, 0};
	diff_buf o = {NULL, 0, 0, 0};
	size_t pos = 0, n_conflicts = 0;
	merge_status st = MERGE_ENOMEM;

	*out = NULL;
	*out_len = 0;
	if (conflicts != NULL)
		*conflicts = 0;
	if (opts == NULL)
		opts = &defaults;
	if (side_init(&s_ours, base, base_len, ours, ours_len) != MERGE_OK ||
	    side_init(&s_theirs, base, base_len, theirs, theirs_len) != MERGE_OK)
		goto out;
	while (s_ours.next < s_ours.nh || s_theirs.next < s_theirs.nh)
		merge_region(&o, base, &s_ours, &s_theirs, opts, &pos, &n_conflicts);
	diff_buf_add(&o, base + pos, base_len - pos);
	diff_buf_add(&o, "", 0); /* allocate even an empty result */
	if (o.oom)
		goto out;
	*out = o.p;
	*out_len = o.len;
	o.p = NULL;
	if (conflicts != NULL)
		*conflicts = n_conflicts;
	st = MERGE_OK;
out:
	free(o.p);
	free(s_ours.h);
	free(s_theirs.h);
	return st;
}

/* A marker is seven c's then a space or the end of the line. */
static int is_marker(const char *l, size_t n, char c)
{
	if (n < 7)
		return 0;
	for (size_t i = 0; i < 7; i++)
		if (l[i] != c)
			return 0;
	return n == 7 || l[7] == ' ' || l[7] == '\r';
}

int merge_has_conflicts(const char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - l) : len - pos;

		if (is_marker(l, n, '<') || is_marker(l, n, '>'))
			return 1;
		pos += n + 1;
	}
	return 0;
}
