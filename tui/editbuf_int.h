/* editbuf_int.h: what the files of the editbuf module share, and nobody
 * else. editbuf.c keeps the text and its history, editbuf_move.c moves the
 * cursor and finds, editbuf_utf8.c knows characters and columns. */
#ifndef AMPARO_EDITBUF_INT_H
#define AMPARO_EDITBUF_INT_H

#include "editbuf.h"

typedef struct {
	char *s; /* never NULL once the line exists */
	size_t len, cap;
} eb_line;

typedef struct {
	size_t line, off;
} eb_pos;

typedef enum { OP_INSERT, OP_DELETE } eb_op_kind;

/* One undo step: text[0..len) was inserted at, or deleted from, [at, end);
 * end is where the text ends while it is in the buffer. */
typedef struct {
	eb_op_kind kind;
	eb_pos at, end;
	eb_pos before, after; /* the cursor before and after the step */
	char *text;
	size_t len, cap;
} eb_op;

struct editbuf {
	eb_line *lines;
	size_t n_lines, cap_lines;
	eb_pos cur;
	size_t want_col;  /* the column vertical moves keep... */
	bool want_valid;  /* ...while they follow one another */
	char *clip;
	size_t clip_len, clip_cap;
	bool cutting;     /* the last call was a cut: the next cut appends */
	bool typing;      /* the last step was typing that more may join */
	eb_op *ops;
	size_t n_ops, cap_ops;
	size_t done;      /* ops[0..done) are applied, the rest can be redone */
	size_t saved;     /* done at the saved state; SIZE_MAX once lost */
};

/* Every call that edits or moves ends what the calls before it were
 * building: a run of typing, of cuts, of vertical moves. */
void editbuf_settle(editbuf *eb);

/* Characters within one line s[0..n). A character is a valid UTF-8
 * sequence or else a single byte; boundaries are where they meet. */

/* Whether s[0..n) is all valid UTF-8. */
bool editbuf_utf8_valid(const char *s, size_t n);
/* The boundary after the character at boundary off (off < n). */
size_t editbuf_next_off(const char *s, size_t n, size_t off);
/* The boundary before boundary off (off > 0). */
size_t editbuf_prev_off(const char *s, size_t n, size_t off);
/* The start of the character holding byte off; off itself on a boundary
 * or at n. */
size_t editbuf_char_start(const char *s, size_t n, size_t off);
/* Columns of the character at boundary off (off < n) starting at col. */
size_t editbuf_cols_at(const char *s, size_t n, size_t off, size_t col);
/* The last boundary whose display column is at most col. */
size_t editbuf_off_at_col(const char *s, size_t n, size_t col);

#endif
