/* diff: see diff.h.
 *
 * Lines (or, for word diffs, tokens) are first mapped to integer classes so
 * that the search compares integers. Items whose class never occurs on the
 * other side cannot belong to any common subsequence, so they are marked
 * changed up front and left out of the search: on a text that was mostly
 * rewritten the search then only sees the few lines that could still match.
 * The search is Myers' O(ND) algorithm in linear space (E. Myers, "An O(ND)
 * Difference Algorithm and Its Variations", Algorithmica 1(2), 1986, §4b):
 * find the middle snake of an optimal path, then solve both halves. */
#include "diff.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this the automatic cost limit never applies: texts of a few
 * thousand lines always get a minimal diff. */
#define COST_FLOOR 256

static const char NO_NEWLINE[] = "\\ No newline at end of file\n";

/* ---- output buffer ---------------------------------------------------- */

/* An append-only buffer whose allocation failure is sticky, so renderers
 * append freely and check once, at the end. */
typedef struct {
	char *p;
	size_t len, cap;
	int oom;
} dbuf;

static void dbuf_add(dbuf *b, const void *src, size_t n)
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

static void dbuf_str(dbuf *b, const char *s)
{
	dbuf_add(b, s, strlen(s));
}

/* Hand the buffer over (always allocated, even when empty) or free it. */
static diff_status dbuf_finish(dbuf *b, char **out, size_t *out_len)
{
	diff_status st = DIFF_OK;

	dbuf_add(b, "", 0);
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

/* ---- splitting into items --------------------------------------------- */

/* Item i of a text is bytes [off[i], off[i + 1]); off[n] is the length. */
typedef struct {
	size_t *off;
	size_t n;
} bounds;

static int bounds_alloc(bounds *bd, size_t n)
{
	if (n >= SIZE_MAX / sizeof *bd->off - 1)
		return -1;
	bd->off = malloc((n + 1) * sizeof *bd->off);
	bd->n = n;
	return bd->off == NULL ? -1 : 0;
}

/* Lines keep their '\n', so a last line without one is a different line. */
static int split_lines(const char *t, size_t len, bounds *bd)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < len; i++)
		n += t[i] == '\n';
	if (len > 0 && t[len - 1] != '\n')
		n++;
	if (bounds_alloc(bd, n) != 0)
		return -1;
	bd->off[0] = 0;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n')
			bd->off[++k] = i + 1;
	if (k < n)
		bd->off[++k] = len;
	return 0;
}

/* 1: letter or digit (bytes >= 0x80 too, so UTF-8 words stay whole),
 * 2: whitespace, 0: punctuation, a token of its own. */
static int token_class(unsigned char c)
{
	if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f')
		return 2;
	return 0;
}

static size_t token_end(const char *t, size_t len, size_t i)
{
	int cls = token_class((unsigned char)t[i++]);

	if (cls != 0)
		while (i < len && token_class((unsigned char)t[i]) == cls)
			i++;
	return i;
}

static int split_tokens(const char *t, size_t len, bounds *bd)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < len; i = token_end(t, len, i))
		n++;
	if (bounds_alloc(bd, n) != 0)
		return -1;
	bd->off[0] = 0;
	for (size_t i = 0; i < len;) {
		i = token_end(t, len, i);
		bd->off[++k] = i;
	}
	return 0;
}

/* ---- classes ----------------------------------------------------------- */

/* The two sequences being compared and what the comparison found. */
typedef struct {
	const char *text[2];
	bounds item[2];
	size_t *cls[2];         /* equivalence class of each item */
	unsigned char *where;   /* per class: bit s set when it occurs in side s */
	unsigned char *chg[2];  /* per item: deleted from A / inserted in B */
} pair;

typedef struct {
	const char *p;
	size_t len;
	uint64_t hash;
} klass;

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
	return h;
}

static void pair_free(pair *pr)
{
	for (int s = 0; s < 2; s++) {
		free(pr->item[s].off);
		free(pr->cls[s]);
		free(pr->chg[s]);
	}
	free(pr->where);
	memset(pr, 0, sizeof *pr);
}

/* Give every item a class number, equal numbers for equal bytes, through
 * an open-addressing table of (class + 1), 0 marking a free slot. */
static diff_status pair_classify(pair *pr)
{
	size_t total = pr->item[0].n + pr->item[1].n, cap = 16, nk = 0;
	size_t *slot = NULL;
	klass *k = NULL;
	diff_status st = DIFF_ENOMEM;

	if (total > SIZE_MAX / 4 / sizeof *slot)
		goto out;
	while (cap < 2 * total)
		cap *= 2;
	slot = calloc(cap, sizeof *slot);
	k = malloc((total + 1) * sizeof *k);
	pr->where = calloc(total + 1, 1);
	if (slot == NULL || k == NULL || pr->where == NULL)
		goto out;
	for (int s = 0; s < 2; s++) {
		pr->cls[s] = malloc((pr->item[s].n + 1) * sizeof *pr->cls[s]);
		pr->chg[s] = calloc(pr->item[s].n + 1, 1);
		if (pr->cls[s] == NULL || pr->chg[s] == NULL)
			goto out;
		for (size_t i = 0; i < pr->item[s].n; i++) {
			const char *p = pr->text[s] + pr->item[s].off[i];
			size_t len = pr->item[s].off[i + 1] - pr->item[s].off[i];
			uint64_t h = hash_bytes(p, len);
			size_t j = (size_t)h & (cap - 1);

			for (; slot[j] != 0; j = (j + 1) & (cap - 1)) {
				const klass *c = &k[slot[j] - 1];

				if (c->hash == h && c->len == len &&
				    memcmp(c->p, p, len) == 0)
					break;
			}
			if (slot[j] == 0) {
				k[nk].p = p;
				k[nk].len = len;
				k[nk].hash = h;
				slot[j] = ++nk;
			}
			pr->cls[s][i] = slot[j] - 1;
			pr->where[slot[j] - 1] |= (unsigned char)(1u << s);
		}
	}
	st = DIFF_OK;
out:
	free(slot);
	free(k);
	return st;
}

/* ---- Myers ------------------------------------------------------------- */

typedef struct {
	const size_t *a, *b;    /* classes of the items in the search */
	unsigned char *ca, *cb; /* OUT: change flags */
	ptrdiff_t *fv, *bv;     /* furthest x per diagonal k = x - y, forward
	                           and backward, indexable over [-|b|-1, |a|+1] */
	ptrdiff_t max_cost;
} myers;

typedef struct {
	ptrdiff_t x, y;
	int min_lo, min_hi; /* whether each half must be solved minimally */
} split;

/* Sentinels beyond every reachable x, so that a diagonal just outside the
 * explored band never wins the "furthest" comparison. */
#define FAR_BEHIND ((ptrdiff_t)-1)
#define FAR_AHEAD PTRDIFF_MAX

/* The search went over budget: split at the point, forward or backward,
 * that has got furthest from its corner. Any point of the box is a correct
 * split; this one only costs minimality. The half that the chosen path
 * covers was reached within the budget, so it is cheap to solve exactly. */
static void myers_give_up(const myers *m, ptrdiff_t x0, ptrdiff_t x1,
                          ptrdiff_t y0, ptrdiff_t y1, const ptrdiff_t *band,
                          split *sp)
{
	ptrdiff_t fbest = -1, fx = x0, bbest = PTRDIFF_MAX, bx = x1;

	for (ptrdiff_t k = band[1]; k >= band[0]; k -= 2) {
		ptrdiff_t x = m->fv[k] < x1 ? m->fv[k] : x1, y = x - k;

		if (y > y1) {
			x = y1 + k;
			y = y1;
		}
		if (x + y > fbest) {
			fbest = x + y;
			fx = x;
		}
	}
	for (ptrdiff_t k = band[3]; k >= band[2]; k -= 2) {
		ptrdiff_t x = m->bv[k] > x0 ? m->bv[k] : x0, y = x - k;

		if (y < y0) {
			x = y0 + k;
			y = y0;
		}
		if (x + y < bbest) {
			bbest = x + y;
			bx = x;
		}
	}
	if ((x1 + y1) - bbest < fbest - (x0 + y0)) {
		sp->x = fx;
		sp->y = fbest - fx;
		sp->min_lo = 1;
		sp->min_hi = 0;
	} else {
		sp->x = bx;
		sp->y = bbest - bx;
		sp->min_lo = 0;
		sp->min_hi = 1;
	}
	/* A corner would make no progress; halving always does. */
	if ((sp->x == x0 && sp->y == y0) || (sp->x == x1 && sp->y == y1)) {
		sp->x = x0 + (x1 - x0) / 2;
		sp->y = y0 + (y1 - y0 + 1) / 2;
		sp->min_lo = sp->min_hi = 0;
	}
}

/* Find the middle snake of the box [x0, x1) x [y0, y1), whose first and
 * last items differ on both sides. Forward paths grow from (x0, y0) and
 * backward paths from (x1, y1), one edit per round each, until they
 * overlap on a diagonal. */
static void myers_split(const myers *m, ptrdiff_t x0, ptrdiff_t x1,
                        ptrdiff_t y0, ptrdiff_t y1, int need_min, split *sp)
{
	const ptrdiff_t kmin = x0 - y1, kmax = x1 - y0;
	const ptrdiff_t fmid = x0 - y0, bmid = x1 - y1;
	const int odd = ((fmid - bmid) & 1) != 0;
	ptrdiff_t *fv = m->fv, *bv = m->bv;
	ptrdiff_t band[4] = {fmid, fmid, bmid, bmid}; /* flo, fhi, blo, bhi */

	fv[fmid] = x0;
	bv[bmid] = x1;
	for (ptrdiff_t d = 1;; d++) {
		/* Widen each band by one diagonal a side, or narrow it by one
		 * where it meets the box, keeping the parity of the round. */
		if (band[0] > kmin)
			fv[--band[0] - 1] = FAR_BEHIND;
		else
			band[0]++;
		if (band[1] < kmax)
			fv[++band[1] + 1] = FAR_BEHIND;
		else
			band[1]--;
		for (ptrdiff_t k = band[1]; k >= band[0]; k -= 2) {
			ptrdiff_t x = fv[k - 1] >= fv[k + 1] ? fv[k - 1] + 1 : fv[k + 1];
			ptrdiff_t y = x - k;

			while (x < x1 && y < y1 && m->a[x] == m->b[y]) {
				x++;
				y++;
			}
			fv[k] = x;
			if (odd && band[2] <= k && k <= band[3] && bv[k] <= x) {
				sp->x = x;
				sp->y = y;
				sp->min_lo = sp->min_hi = 1;
				return;
			}
		}
		if (band[2] > kmin)
			bv[--band[2] - 1] = FAR_AHEAD;
		else
			band[2]++;
		if (band[3] < kmax)
			bv[++band[3] + 1] = FAR_AHEAD;
		else
			band[3]--;
		for (ptrdiff_t k = band[3]; k >= band[2]; k -= 2) {
			ptrdiff_t x = bv[k - 1] < bv[k + 1] ? bv[k - 1] : bv[k + 1] - 1;
			ptrdiff_t y = x - k;

			while (x > x0 && y > y0 && m->a[x - 1] == m->b[y - 1]) {
				x--;
				y--;
			}
			bv[k] = x;
			if (!odd && band[0] <= k && k <= band[1] && x <= fv[k]) {
				sp->x = x;
				sp->y = y;
				sp->min_lo = sp->min_hi = 1;
				return;
			}
		}
		if (!need_min && d >= m->max_cost) {
			myers_give_up(m, x0, x1, y0, y1, band, sp);
			return;
		}
	}
}

/* Mark the changes between a[x0, x1) and b[y0, y1). The half known to be
 * cheap is solved by recursion and the other by looping, so the stack
 * depth stays logarithmic even when the cost limit splits unevenly. */
static void myers_compare(const myers *m, ptrdiff_t x0, ptrdiff_t x1,
                          ptrdiff_t y0, ptrdiff_t y1, int need_min)
{
	split sp;

	for (;;) {
		while (x0 < x1 && y0 < y1 && m->a[x0] == m->b[y0]) {
			x0++;
			y0++;
		}
		while (x0 < x1 && y0 < y1 && m->a[x1 - 1] == m->b[y1 - 1]) {
			x1--;
			y1--;
		}
		if (x0 == x1) {
			while (y0 < y1)
				m->cb[y0++] = 1;
			return;
		}
		if (y0 == y1) {
			while (x0 < x1)
				m->ca[x0++] = 1;
			return;
		}
		myers_split(m, x0, x1, y0, y1, need_min, &sp);
		assert(x0 <= sp.x && sp.x <= x1 && y0 <= sp.y && sp.y <= y1);
		assert(sp.x + sp.y > x0 + y0 && sp.x + sp.y < x1 + y1);
		if (sp.min_hi && !sp.min_lo) {
			myers_compare(m, sp.x, x1, sp.y, y1, 1);
			x1 = sp.x;
			y1 = sp.y;
			need_min = 0;
		} else {
			myers_compare(m, x0, sp.x, y0, sp.y, sp.min_lo);
			x0 = sp.x;
			y0 = sp.y;
			need_min = sp.min_hi;
		}
	}
}

/* The automatic cost limit grows as the square root of the input, as in
 * git's xdiff: it keeps the worst case near N * sqrt(N) while the limit
 * stays far above the edit distance of any ordinary revision. */
static ptrdiff_t isqrt(size_t n)
{
	size_t r = 1;

	while (r * r < n)
		r++;
	return (ptrdiff_t)r;
}

/* Classify, set aside the items without a partner, search the rest and
 * record the changes in pr->chg. */
static diff_status pair_search(pair *pr, size_t max_cost)
{
	const size_t na = pr->item[0].n, nb = pr->item[1].n, total = na + nb;
	size_t *ids = NULL, *map = NULL, n[2] = {0, 0};
	unsigned char *flags = NULL;
	ptrdiff_t *kv = NULL;
	myers m;
	diff_status st = DIFF_ENOMEM;

	if (total > (size_t)(PTRDIFF_MAX / 4) / sizeof *kv)
		goto out;
	st = pair_classify(pr);
	if (st != DIFF_OK)
		goto out;
	st = DIFF_ENOMEM;
	ids = malloc((total + 1) * sizeof *ids);
	map = malloc((total + 1) * sizeof *map);
	flags = calloc(total + 1, 1);
	kv = malloc(2 * (total + 3) * sizeof *kv);
	if (ids == NULL || map == NULL || flags == NULL || kv == NULL)
		goto out;
	for (int s = 0; s < 2; s++) {
		size_t base = s ? na : 0;

		for (size_t i = 0; i < pr->item[s].n; i++) {
			if (pr->where[pr->cls[s][i]] == 3) {
				ids[base + n[s]] = pr->cls[s][i];
				map[base + n[s]++] = i;
			} else {
				pr->chg[s][i] = 1;
			}
		}
	}
	m.a = ids;
	m.b = ids + na;
	m.ca = flags;
	m.cb = flags + na;
	m.fv = kv + n[1] + 1;
	m.bv = kv + (total + 3) + n[1] + 1;
	if (max_cost == 0)
		m.max_cost = isqrt(n[0] + n[1] + 3);
	else
		m.max_cost = max_cost > PTRDIFF_MAX ? PTRDIFF_MAX : (ptrdiff_t)max_cost;
	if (max_cost == 0 && m.max_cost < COST_FLOOR)
		m.max_cost = COST_FLOOR;
	myers_compare(&m, 0, (ptrdiff_t)n[0], 0, (ptrdiff_t)n[1],
	              max_cost == DIFF_COST_UNLIMITED);
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < n[s]; i++)
			pr->chg[s][map[(s ? na : 0) + i]] = flags[(s ? na : 0) + i];
	st = DIFF_OK;
out:
	free(ids);
	free(map);
	free(flags);
	free(kv);
	return st;
}

/* ---- edit scripts ------------------------------------------------------ */

void diff_options_init(diff_options *o)
{
	o->context = DIFF_CONTEXT_DEFAULT;
	o->max_cost = 0;
	o->label_a = NULL;
	o->label_b = NULL;
}

static void op_set(diff_script *s, diff_op_kind kind, const pair *pr,
                   size_t i0, size_t i1, size_t j0, size_t j1)
{
	diff_op *op = &s->ops[s->n_ops++];

	op->kind = kind;
	op->a_line = i0;
	op->a_count = i1 - i0;
	op->b_line = j0;
	op->b_count = j1 - j0;
	op->a_off = pr->item[0].off[i0];
	op->a_end = pr->item[0].off[i1];
	op->b_off = pr->item[1].off[j0];
	op->b_end = pr->item[1].off[j1];
}

/* Walk both change maps together: unchanged lines pair up in order. */
static void script_fill(diff_script *s, const pair *pr)
{
	const unsigned char *ca = pr->chg[0], *cb = pr->chg[1];
	const size_t na = pr->item[0].n, nb = pr->item[1].n;
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		size_t i0 = i, j0 = j;

		if (i < na && j < nb && !ca[i] && !cb[j]) {
			while (i < na && j < nb && !ca[i] && !cb[j]) {
				i++;
				j++;
			}
			op_set(s, DIFF_EQUAL, pr, i0, i, j0, j);
		} else if (i < na && (ca[i] || j == nb)) {
			assert(ca[i]);
			while (i < na && (ca[i] || j == nb))
				i++;
			op_set(s, DIFF_DELETE, pr, i0, i, j, j);
			s->deleted += i - i0;
		} else {
			assert(cb[j]);
			while (j < nb && (cb[j] || i == na))
				j++;
			op_set(s, DIFF_INSERT, pr, i, i, j0, j);
			s->inserted += j - j0;
		}
	}
}

diff_status diff_script_new(const char *a, size_t a_len,
                            const char *b, size_t b_len,
                            const diff_options *opts, diff_script **script)
{
	pair pr;
	diff_script *s = NULL;
	diff_status st = DIFF_ENOMEM;

	*script = NULL;
	memset(&pr, 0, sizeof pr);
	pr.text[0] = a;
	pr.text[1] = b;
	if (split_lines(a, a_len, &pr.item[0]) != 0 ||
	    split_lines(b, b_len, &pr.item[1]) != 0)
		goto out;
	st = pair_search(&pr, opts != NULL ? opts->max_cost : 0);
	if (st != DIFF_OK)
		goto out;
	st = DIFF_ENOMEM;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		goto out;
	s->ops = malloc((pr.item[0].n + pr.item[1].n + 1) * sizeof *s->ops);
	if (s->ops == NULL)
		goto out;
	s->a_lines = pr.item[0].n;
	s->b_lines = pr.item[1].n;
	script_fill(s, &pr);
	*script = s;
	s = NULL;
	st = DIFF_OK;
out:
	diff_script_free(s);
	pair_free(&pr);
	return st;
}

void diff_script_free(diff_script *script)
{
	if (script == NULL)
		return;
	free(script->ops);
	free(script);
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

static void put_lines(dbuf *o, char tag, const char *t, size_t from, size_t to)
{
	while (from < to) {
		size_t next = lines_fwd(t, from, to, 1);

		dbuf_add(o, &tag, 1);
		dbuf_add(o, t + from, next - from);
		if (t[next - 1] != '\n') { /* only the last line of a text */
			dbuf_add(o, "\n", 1);
			dbuf_str(o, NO_NEWLINE);
		}
		from = next;
	}
}

/* GNU's range notation: "l" for one line, "l,n" otherwise, and for an
 * empty range the number of the line before it. */
static void put_range(dbuf *o, size_t first, size_t count)
{
	char num[48];

	if (count == 1)
		snprintf(num, sizeof num, "%zu", first + 1);
	else
		snprintf(num, sizeof num, "%zu,%zu", count ? first + 1 : first,
		         count);
	dbuf_str(o, num);
}

static void put_label(dbuf *o, const char *prefix, const char *label)
{
	dbuf_str(o, prefix);
	for (; *label != '\0'; label++)
		dbuf_add(o, *label == '\n' || *label == '\r' ? " " : label, 1);
	dbuf_add(o, "\n", 1);
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

static void put_hunk(dbuf *o, const diff_script *s, size_t first, size_t last,
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
	dbuf o = {NULL, 0, 0, 0};
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
	bounds ol;     /* lines of old */
	size_t pos;    /* old lines consumed */
	dbuf out;
	size_t lines;  /* lines written */
	int closed;    /* the output ends in a line without '\n' */
} applier;

static diff_status put_out(applier *ap, const char *p, size_t n, int nl)
{
	if (ap->closed)
		return DIFF_EPATCH; /* text after a last line */
	dbuf_add(&ap->out, p, n);
	if (nl)
		dbuf_add(&ap->out, "\n", 1);
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
	if (split_lines(old, old_len, &ap.ol) != 0)
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

/* ---- word diff --------------------------------------------------------- */

/* Changed tokens of side s as byte ranges, runs of tokens joined. */
static diff_status ranges_build(const pair *pr, int s, diff_range **out,
                                size_t *count)
{
	const bounds *bd = &pr->item[s];
	size_t n = 0;

	for (size_t i = 0; i < bd->n; i++)
		n += pr->chg[s][i] && (i == 0 || !pr->chg[s][i - 1]);
	*out = malloc((n + 1) * sizeof **out);
	if (*out == NULL)
		return DIFF_ENOMEM;
	*count = 0;
	for (size_t i = 0; i < bd->n; i++) {
		if (!pr->chg[s][i])
			continue;
		if (i == 0 || !pr->chg[s][i - 1])
			(*out)[(*count)++].off = bd->off[i];
		(*out)[*count - 1].len = bd->off[i + 1] - (*out)[*count - 1].off;
	}
	return DIFF_OK;
}

diff_status diff_words_new(const char *a, size_t a_len,
                           const char *b, size_t b_len, diff_words **words)
{
	pair pr;
	diff_words *w = NULL;
	diff_status st = DIFF_ENOMEM;

	*words = NULL;
	memset(&pr, 0, sizeof pr);
	pr.text[0] = a;
	pr.text[1] = b;
	if (split_tokens(a, a_len, &pr.item[0]) != 0 ||
	    split_tokens(b, b_len, &pr.item[1]) != 0)
		goto out;
	st = pair_search(&pr, 0);
	if (st != DIFF_OK)
		goto out;
	st = DIFF_ENOMEM;
	w = calloc(1, sizeof *w);
	if (w == NULL || ranges_build(&pr, 0, &w->a, &w->a_count) != DIFF_OK ||
	    ranges_build(&pr, 1, &w->b, &w->b_count) != DIFF_OK)
		goto out;
	*words = w;
	w = NULL;
	st = DIFF_OK;
out:
	diff_words_free(w);
	pair_free(&pr);
	return st;
}

void diff_words_free(diff_words *words)
{
	if (words == NULL)
		return;
	free(words->a);
	free(words->b);
	free(words);
}
