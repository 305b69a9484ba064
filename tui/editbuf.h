/* editbuf: the editing model behind Amparo's text editor.
 *
 * A buffer of lines of UTF-8 text with one cursor, a line clipboard and an
 * undo history. It knows nothing of terminals: the editor (editor.h) and the
 * tests drive it through these calls and render what they read back. Nothing
 * here prints, exits, touches the locale or writes to disk; every byte of
 * text it frees is wiped first, since the text is a vault document.
 *
 * Text is any byte string; '\n' separates lines, so a text of n newlines has
 * n + 1 lines and a text that ends with '\n' has an empty last line (as in
 * nano). editbuf_export gives back exactly the bytes editbuf_load took,
 * including whether they ended with a newline. Bytes that are not valid UTF-8
 * are kept as they are and count as one character each.
 *
 * A position is a line number and a byte offset into that line, both from
 * 0; the cursor is always on a character boundary. Display columns follow
 * wcwidth: combining marks take 0 columns, wide (CJK, emoji) characters 2,
 * other characters 1, a tab runs to the next multiple of EDITBUF_TAB_WIDTH
 * and other control characters take 2 (shown as ^X). The widths come from
 * a table of our own (Unicode 14), so they do not depend on the locale. */
#ifndef AMPARO_EDITBUF_H
#define AMPARO_EDITBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	EDITBUF_OK = 0,
	EDITBUF_ENOMEM = -1, /* out of memory: the buffer is left unchanged */
	EDITBUF_EINVAL = -2  /* a position out of range or inside a character,
	                        or text that is not valid UTF-8 */
} editbuf_status;

#define EDITBUF_TAB_WIDTH 8

typedef struct editbuf editbuf;

/* A new buffer holding one empty line, unmodified, with empty history and
 * clipboard. Returns NULL when out of memory. Free it with editbuf_free. */
editbuf *editbuf_new(void);
/* Wipe and free everything eb holds. eb may be NULL. */
void editbuf_free(editbuf *eb);

/* Replace the whole text with text[0..len) (len 0 allows text NULL). The
 * cursor goes to the start; history and clipboard are emptied and the
 * buffer counts as saved. On failure the buffer is unchanged. */
int editbuf_load(editbuf *eb, const char *text, size_t len);
/* OUT *out: the whole text, malloc'd and NUL-terminated (the NUL is not
 * counted in *out_len); the caller frees it. */
int editbuf_export(const editbuf *eb, char **out, size_t *out_len);

/* Number of lines, at least 1. */
size_t editbuf_line_count(const editbuf *eb);
/* The bytes of line i (no '\n', not NUL-terminated) and OUT *len; NULL when
 * i is out of range. Valid until the next call that changes the text. */
const char *editbuf_line(const editbuf *eb, size_t i, size_t *len);
/* OUT: the cursor line and byte offset. Either pointer may be NULL. */
void editbuf_cursor(const editbuf *eb, size_t *line, size_t *off);
/* Display column of the cursor. */
size_t editbuf_cursor_col(const editbuf *eb);
/* Move the cursor to (line, off). EDITBUF_EINVAL, cursor unchanged, when
 * the line does not exist or off is past its end or inside a character. */
int editbuf_set_cursor(editbuf *eb, size_t line, size_t off);

/* Insert s[0..len) at the cursor and leave the cursor after it. s must be
 * valid UTF-8 (else EDITBUF_EINVAL) and may contain '\n'. Insertions
 * without '\n' that follow one another at the cursor form one undo step. */
int editbuf_insert(editbuf *eb, const char *s, size_t len);
/* Delete the character before the cursor; at the start of a line, join it
 * to the previous one. Nothing to delete is not an error. */
int editbuf_backspace(editbuf *eb);
/* Delete the character under the cursor; at the end of a line, join the
 * next one to it. */
int editbuf_delete(editbuf *eb);

/* Cursor moves. They cannot fail and stop at the ends of the text. Left and
 * right cross line ends and step over zero-width characters along with the
 * one before them, so the cursor never rests between a letter and its
 * combining accent; up, down and the page moves keep the display
 * column the cursor had when the vertical moves began, landing before a
 * wide character that would straddle it. Words are runs of letters and
 * digits, where every byte >= 0x80 counts as a letter: word_right goes to
 * the start of the next word, word_left to the start of this or the
 * previous one, crossing lines. */
void editbuf_left(editbuf *eb);
void editbuf_right(editbuf *eb);
void editbuf_up(editbuf *eb);
void editbuf_down(editbuf *eb);
void editbuf_home(editbuf *eb);
void editbuf_end(editbuf *eb);
void editbuf_page_up(editbuf *eb, size_t n);
void editbuf_page_down(editbuf *eb, size_t n);
void editbuf_word_left(editbuf *eb);
void editbuf_word_right(editbuf *eb);

/* Cut the cursor line with its '\n' into the clipboard, like nano's ^K:
 * cuts made one right after another collect in the clipboard; any edit or
 * move in between makes the next cut start a new collection. The last line has no '\n' to
 * take: cutting it empties it, and an empty last line is not cut. */
int editbuf_cut_line(editbuf *eb);
/* Insert the clipboard at the cursor (one undo step); empty is a no-op. */
int editbuf_paste(editbuf *eb);
/* The clipboard bytes and OUT *len; valid until the next cut. */
const char *editbuf_clipboard(const editbuf *eb, size_t *len);

/* Undo the last step, or redo the last undone one, and put the cursor back
 * where that step left it. Returns 1 when a step was undone or redone, 0
 * when there was none, EDITBUF_ENOMEM (nothing changed) when memory ran
 * out. Any edit after an undo forgets the steps that could be redone. */
int editbuf_undo(editbuf *eb);
int editbuf_redo(editbuf *eb);

/* Look for needle[0..len) (valid UTF-8, non-empty, no '\n'; else
 * EDITBUF_EINVAL) after the cursor, wrapping past the end to the start of
 * the text and on to the cursor itself; case and accents count. Returns 1
 * and puts the cursor on the start of the match, or 0 when there is none.
 * OUT *wrapped (may be NULL): whether the match lies before the cursor. */
int editbuf_find(editbuf *eb, const char *needle, size_t len,
                 bool *wrapped);

/* Whether the text differs from the last saved state: the state at load,
 * at editbuf_mark_saved, or an undo or redo back to either. */
bool editbuf_modified(const editbuf *eb);
void editbuf_mark_saved(editbuf *eb);

/* UTF-8 helpers the editor draws with, sharing the model's rules. */

/* Decode the character at s[0..n), n > 0: returns its length in bytes and
 * OUT *cp its code point; a byte that starts no valid sequence is a
 * character of length 1 with *cp = 0xFFFD. */
size_t editbuf_char_decode(const char *s, size_t n, uint32_t *cp);
/* Encode code point c as UTF-8 into out: returns the length, 1 to 4, or 0
 * for a surrogate or a value past U+10FFFF. */
size_t editbuf_char_encode(uint32_t c, char out[4]);
/* Columns that code point cp takes when it starts at display column col:
 * 0, 1 or 2, or up to EDITBUF_TAB_WIDTH for a tab. */
size_t editbuf_char_cols(uint32_t cp, size_t col);
/* The display column reached after s[0..n) starting from column 0. */
size_t editbuf_text_cols(const char *s, size_t n);

#endif
