/* ui_last: remembers the path of the last vault opened in the TUI, so that
 * a bare `amparo` opens it again. Only the path is kept, never content:
 * $XDG_STATE_HOME/amparo/last (else ~/.local/state/amparo/last), a file
 * created 0600 in a folder created 0700. */
#ifndef AMPARO_UI_LAST_H
#define AMPARO_UI_LAST_H

/* The remembered path (malloc'd) if it names an existing file, else NULL. */
char *ui_last_get(void);
/* Remember path (made absolute). 0, or -1 when it could not be written;
 * failing to remember is never fatal. */
int ui_last_set(const char *path);

#endif
