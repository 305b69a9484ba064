/* diff_int.h: private to diff.c and diff_unified.c (and white-box tests).
 * The line splitting that both the diff search and patch application use;
 * diff.h stays the only public interface. */
#ifndef AMPARO_DIFF_INT_H
#define AMPARO_DIFF_INT_H

#include <stddef.h>

/* Item i of a text is bytes [off[i], off[i + 1]); off[n] is the length. */
typedef struct {
	size_t *off;
	size_t n;
} diff_bounds;

/* Split t (len bytes) into lines. Lines keep their '\n', so a last line
 * without one is a different line.
 * OUT bd: bd->off is malloc'd and freed by the caller; bd->n the count.
 * Returns 0, or -1 when out of memory (bd->off may then be NULL). */
int diff_split_lines(const char *t, size_t len, diff_bounds *bd);

/* An append-only text buffer whose allocation failure is sticky, so
 * writers (unified diffs, merges) append freely and check once, at the
 * end. Always NUL-terminated once anything was added. */
typedef struct {
	char *p;
	size_t len, cap;
	int oom;
} diff_buf;

void diff_buf_add(diff_buf *b, const void *src, size_t n);

#endif
