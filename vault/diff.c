/* diff: see diff.h.
 *
 * Lines (or, for word diffs, tokens) are first mapped to integer classes so
 * that the search compares integers. Items whose class never occurs on the
 * other side cannot belong to any common subsequence, so they are marked
 * changed up front and left out of the search: on a text that was mostly
 * rewritten the search then only sees the few lines that could still match.
 * The search is Myers' O(ND) algorithm in linear space (E. Myers, "An O(ND)
 * Difference Algorithm and Its Variations", Algorithmica 1(2), 1986, §4b):
 * find the middle snake of an optimal path, then solve both halves.
 * Unified diffs, written and applied, are in diff_unified.c. */
#include "diff.h"
#include "diff_int.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Below this the automatic cost limit never applies: texts of a few
 * thousand lines always get a minimal diff. */
#define COST_FLOOR 256

/* ---- splitting into items --------------------------------------------- */

static int bounds_alloc(diff_bounds *bd, size_t n)
{
	if (n >= SIZE_MAX / sizeof *bd->off - 1)
		return -1;
	bd->off = malloc((n + 1) * sizeof *bd->off);
	bd->n = n;
	return bd->off == NULL ? -1 : 0;
}

/* Lines keep their '\n', so a last line without one is a different line. */
int diff_split_lines(const char *t, size_t len, diff_bounds *bd)
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

static int split_tokens(const char *t, size_t len, diff_bounds *bd)
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
	diff_bounds item[2];
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
	if (diff_split_lines(a, a_len, &pr.item[0]) != 0 ||
	    diff_split_lines(b, b_len, &pr.item[1]) != 0)
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

/* ---- word diff --------------------------------------------------------- */

/* Changed tokens of side s as byte ranges, runs of tokens joined. */
static diff_status ranges_build(const pair *pr, int s, diff_range **out,
                                size_t *count)
{
	const diff_bounds *bd = &pr->item[s];
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
