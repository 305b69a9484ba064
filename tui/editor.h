/* editor: Amparo's full-screen text editor, on the terminal with ncursesw.
 *
 * Keys as in nano: arrows, Home/End, PgUp/PgDn, Ctrl-Left/Right (words),
 * Backspace/Delete, Enter, ^K cut line, ^U paste, ^Z undo, ^Y redo, ^W
 * find, ^S or ^O save (asks for a revision message), ^X exit (asks whether
 * to save changes), F1 or ^G help, ^C cursor position. No soft wrap: the
 * cursor line scrolls sideways. No colour, only reverse and bold, so
 * NO_COLOR holds by construction. The text lives in memory only (editbuf.h);
 * nothing is ever written to a file. */
#ifndef AMPARO_EDITOR_H
#define AMPARO_EDITOR_H

#include <stddef.h>

typedef enum {
	EDITOR_SAVED = 1,   /* the user saved: *out and *message are set */
	EDITOR_QUIT = 0,    /* the user left without saving */
	EDITOR_ENOMEM = -1, /* out of memory before the editor could start */
	EDITOR_ENOTTY = -2  /* no usable terminal, or it went away */
} editor_status;

/* Edit text[0..len) (any bytes, UTF-8 shown as such; text may be NULL when
 * len is 0) full screen on the controlling terminal (/dev/tty, else
 * stdin/stdout), under a title bar showing title (UTF-8).
 *
 * When the user saves, returns EDITOR_SAVED with OUT *out the new text
 * (malloc'd, NUL-terminated, *out_len bytes without the NUL) and OUT
 * *message the one-line revision message typed at save time (malloc'd,
 * possibly ""); the caller frees both. Otherwise returns EDITOR_QUIT or a
 * negative editor_status, with *out and *message NULL.
 *
 * If LC_CTYPE is still "C" or "POSIX" it calls setlocale(LC_ALL, ""), and
 * falls back to C.UTF-8 when that gives no UTF-8 codeset; the locale is put
 * back before returning. The terminal is restored (endwin) on every path.
 * A lost terminal loses the edits: there is no recovery file by design. */
int editor_run(const char *title, const char *text, size_t len, char **out,
               size_t *out_len, char **message);

#endif
