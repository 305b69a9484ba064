/* diff: line diffs, unified diffs and word diffs of UTF-8 (or any) text.
 *
 * Texts are byte buffers with a length and may hold any byte; '\n' ends a
 * line. A final line without '\n' is a line of its own: "x" and "x\n" differ,
 * and unified output marks it with "\ No newline at end of file". Nothing
 * here prints, exits or keeps global state, so the TUI, the vault and the
 * tests can all call it. Every buffer returned is the caller's. */
#ifndef AMPARO_DIFF_H
#define AMPARO_DIFF_H

#include <stddef.h>

typedef enum {
	DIFF_OK = 0,
	DIFF_ENOMEM = -1,   /* out of memory (or a text too large to index) */
	DIFF_EPATCH = -2,   /* the patch is not a unified diff we can read */
	DIFF_EMISMATCH = -3 /* the patch is well formed but the old text differs
	                       from its context or removed lines */
} diff_status;

#define DIFF_CONTEXT_DEFAULT 3u
/* max_cost value that forbids the shortcut: always a minimal diff, however
 * long it takes. */
#define DIFF_COST_UNLIMITED ((size_t)-1)

typedef struct {
	unsigned context;    /* unchanged lines shown around each change */
	size_t max_cost;     /* search effort (in edit steps per split) before
	                        settling for a correct but possibly longer diff;
	                        0 picks a limit from the input size */
	const char *label_a; /* written after "--- "; NULL means "a" */
	const char *label_b; /* written after "+++ "; NULL means "b" */
} diff_options;

typedef enum { DIFF_EQUAL, DIFF_DELETE, DIFF_INSERT } diff_op_kind;

/* One run of lines. Lines are numbered from 0. A run of kind DIFF_DELETE
 * has b_count 0 and an empty byte range at the place in B where the lines
 * would have been; DIFF_INSERT likewise on the A side. */
typedef struct {
	diff_op_kind kind;
	size_t a_line, a_count; /* lines [a_line, a_line + a_count) of A */
	size_t b_line, b_count; /* lines [b_line, b_line + b_count) of B */
	size_t a_off, a_end;    /* the same lines as bytes [a_off, a_end) of A */
	size_t b_off, b_end;    /* and as bytes [b_off, b_end) of B */
} diff_op;

/* An edit script: runs in text order that together cover both texts. A
 * change is DIFF_DELETE then DIFF_INSERT; no two adjacent runs have the same
 * kind. */
typedef struct {
	diff_op *ops;
	size_t n_ops;
	size_t a_lines, b_lines;  /* line counts of A and B */
	size_t deleted, inserted; /* lines removed from A, lines added in B */
} diff_script;

/* Byte range [off, off + len). */
typedef struct {
	size_t off, len;
} diff_range;

/* What changed between two lines, word by word: the ranges of each side
 * that are not part of the common subsequence of tokens, in order, with
 * adjacent changed tokens joined into one range. */
typedef struct {
	diff_range *a;
	size_t a_count;
	diff_range *b;
	size_t b_count;
} diff_words;

/* Fill *o with the defaults: DIFF_CONTEXT_DEFAULT lines of context,
 * automatic cost limit, labels "a" and "b". Every function taking options
 * also accepts NULL for these defaults. */
void diff_options_init(diff_options *o);

/* Compute an edit script turning a (a_len bytes) into b (b_len bytes), with
 * Myers' algorithm. The script is minimal unless the search exceeds
 * opts->max_cost, in which case it is still correct but may be longer.
 * OUT *script: the caller frees it with diff_script_free; NULL on failure.
 * Returns DIFF_OK or DIFF_ENOMEM. */
diff_status diff_script_new(const char *a, size_t a_len,
                            const char *b, size_t b_len,
                            const diff_options *opts, diff_script **script);

/* Free a script from diff_script_new. NULL is accepted. */
void diff_script_free(diff_script *script);

/* Render a script as a unified diff: "--- label_a", "+++ label_b", then
 * "@@ -a,b +c,d @@" hunks with opts->context lines of context; hunks whose
 * context would touch or overlap are joined. a and b must be the texts the
 * script was computed from. Identical texts give an empty diff (no header).
 * A newline in a label is written as a space, so the output stays parseable.
 * OUT *out: NUL-terminated text of *out_len bytes (the NUL not counted),
 * freed by the caller with free(); NULL on failure.
 * Returns DIFF_OK or DIFF_ENOMEM. */
diff_status diff_unified_render(const diff_script *script,
                                const char *a, size_t a_len,
                                const char *b, size_t b_len,
                                const diff_options *opts,
                                char **out, size_t *out_len);

/* diff_script_new followed by diff_unified_render, for callers that only
 * want the text. Same OUT parameters and statuses as diff_unified_render. */
diff_status diff_unified_new(const char *a, size_t a_len,
                             const char *b, size_t b_len,
                             const diff_options *opts,
                             char **out, size_t *out_len);

/* Apply a unified diff (as written by diff_unified_render) to old and
 * rebuild the new text. Strict: every context and removed line must match
 * old byte for byte, including whether it ends in '\n', and hunks must be
 * in order with counts that add up; no fuzz, no offsets. An empty patch
 * yields a copy of old.
 * OUT *out: NUL-terminated text of *out_len bytes, freed by the caller
 * with free(); NULL on failure.
 * Returns DIFF_OK, DIFF_ENOMEM, DIFF_EPATCH (unreadable patch) or
 * DIFF_EMISMATCH (old is not the text the patch was made against). */
diff_status diff_patch_apply(const char *old, size_t old_len,
                             const char *patch, size_t patch_len,
                             char **out, size_t *out_len);

/* Word diff of two single lines, for highlighting. Tokens are runs of
 * letters and digits (any byte >= 0x80 counts as a letter, so UTF-8 words
 * such as "detención" stay whole), runs of whitespace, and single
 * punctuation bytes; the token sequences are diffed as lines are (minimal
 * within the automatic cost limit).
 * OUT *words: freed by the caller with diff_words_free; NULL on failure.
 * Returns DIFF_OK or DIFF_ENOMEM. */
diff_status diff_words_new(const char *a, size_t a_len,
                           const char *b, size_t b_len, diff_words **words);

/* Free a result of diff_words_new. NULL is accepted. */
void diff_words_free(diff_words *words);

#endif
