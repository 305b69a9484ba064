/* merge: three-way line merge of text documents (diff3 semantics).
 *
 * Used when sync leaves a document with two heads: the merge is pre-filled
 * where the two sides' changes do not overlap, conflicts are marked for a
 * person to resolve, and an unresolved merge can be recognised and refused.
 * Texts are byte buffers with a length, split into lines at '\n' as in
 * diff.h. Nothing here prints, exits or keeps global state. */
#ifndef AMPARO_MERGE_H
#define AMPARO_MERGE_H

#include <stddef.h>

typedef enum {
	MERGE_OK = 0,
	MERGE_ENOMEM = -1 /* out of memory (or a text too large to index) */
} merge_status;

typedef struct {
	const char *label_ours;   /* written after "<<<<<<< "; NULL: "ours" */
	const char *label_theirs; /* written after ">>>>>>> "; NULL: "theirs" */
} merge_options;

/* Merge the changes from base to ours and from base to theirs. A change made
 * on one side only is taken; the same change made on both sides is taken
 * once; changes to overlapping or adjacent base lines that differ give a
 * conflict block:
 *     <<<<<<< label_ours
 *     ours' lines
 *     =======
 *     theirs' lines
 *     >>>>>>> label_theirs
 * (adjacent changes conflict, as in git, because an edit to one line can
 * depend on its neighbour). Marker lines always end in '\n': a side's last
 * line without one gets one inside the block. A newline in a label is
 * written as a space. merge(base, x, base) and merge(base, base, x) are x.
 * opts may be NULL for the default labels.
 * OUT *out: NUL-terminated text of *out_len bytes (the NUL not counted),
 * freed by the caller with free(); NULL on failure.
 * OUT *conflicts: the number of conflict blocks written (may be NULL).
 * Returns MERGE_OK or MERGE_ENOMEM. */
merge_status merge_texts(const char *base, size_t base_len,
                         const char *ours, size_t ours_len,
                         const char *theirs, size_t theirs_len,
                         const merge_options *opts,
                         char **out, size_t *out_len, size_t *conflicts);

/* Whether text still holds a conflict marker: a line that starts with
 * "<<<<<<<" or ">>>>>>>" followed by a space or the end of the line. A
 * line of "=======" alone does not count, since Markdown uses it to
 * underline headings. Returns 1 or 0. */
int merge_has_conflicts(const char *text, size_t len);

#endif
