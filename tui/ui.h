/* ui: Amparo's full-screen terminal interface (ncursesw), for people who
 * should not need a manual: `amparo FILE` opens it on a vault, bare
 * `amparo` on the last vault used (tui/ui_last.h) or offers to create one.
 *
 * Split as tmux and calcurse do: ui_model.c holds the state and what each
 * key does (pure, unit-tested), ui_draw.c draws a state, ui_act.c performs
 * the vault actions the model asks for, and ui.c (this) runs the loop on
 * the terminal. */
#ifndef AMPARO_UI_H
#define AMPARO_UI_H

/* Whether this command line asks for the TUI rather than a command: no
 * argument on a terminal, or a first argument that is not a command name
 * and names an existing file. */
int ui_wanted(int argc, char **argv);

/* Run the TUI: argv[1], when present, is the vault; options
 * --lock-minutes N (idle time before the vault locks itself; default 5,
 * or AMPARO_LOCK_SECONDS in the environment, for tests). Returns an exit
 * status (cli.h). The terminal is restored and the vault closed, wiping
 * its keys, on every path, signals (SIGTERM, SIGHUP, SIGINT) included. */
int ui_main(int argc, char **argv);

#endif
