/* ui.c: the TUI's loop (see ui.h): read a key, let the model apply it,
 * perform the action it returns, redraw. The only place that reads the
 * terminal and the clock. */
#define NCURSES_WIDECHAR 1

#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ac.h"
#include "cli.h"
#include "ui_i18n.h"
#include "ui_int.h"
#include "ui_last.h"

#define UI_DEFAULT_LOCK_SECONDS 300

/* Set by a signal that asks us to leave: the loop then closes the vault
 * and restores the terminal itself. */
static volatile sig_atomic_t ui_stop;

static void on_signal(int sig)
{
	ui_stop = sig;
}

int ui_wanted(int argc, char **argv)
{
	if (argc < 2)
		return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (argv[1][0] == '-')
		return 0;
	for (const cli_command *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return 0;
	return access(argv[1], F_OK) == 0;
}

/* ---- the terminal ---- */

int ui_term_begin(ui_app *a)
{
	SCREEN *scr = NULL;
	FILE **tty = &a->tty;
	bool *color = &a->color;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *nc = getenv("NO_COLOR");

	*tty = fd >= 0 ? fdopen(fd, "r+") : NULL;
	if (*tty == NULL && fd >= 0)
		close(fd);
	if (*tty != NULL)
		scr = newterm(NULL, *tty, *tty);
	else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		if (*tty != NULL)
			fclose(*tty);
		*tty = NULL;
		return -1;
	}
	set_term(scr);
	a->scr = scr;
	raw(); /* ^Q, ^S and ^C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	/* https://no-color.org: any non-empty NO_COLOR turns colour off. */
	*color = (nc == NULL || nc[0] == '\0') && has_colors();
	if (*color && start_color() == OK) {
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_RED, -1);
		init_pair(3, COLOR_CYAN, -1);
	} else {
		*color = false;
	}
	return 0;
}

void ui_term_end(ui_app *a)
{
	if (a->scr != NULL) {
		erase();
		refresh();
		endwin();
		delscreen(a->scr);
	}
	a->scr = NULL;
	if (a->tty != NULL)
		fclose(a->tty);
	a->tty = NULL;
}

/* Translate what get_wch read into a model key. */
static ui_key translate(int rc, wint_t c)
{
	ui_key k = {UI_KEY_NONE, 0, 0, 0};
	MEVENT ev;

	if (rc == OK) {
		if (c == L'\r' || c == L'\n') k.kind = UI_KEY_ENTER;
		else if (c == 27) k.kind = UI_KEY_ESC;
		else if (c == 127 || c == 8) k.kind = UI_KEY_BACKSPACE;
		else if (c == L'\t') k.kind = UI_KEY_TAB;
		else if (c == 12) k.kind = UI_KEY_LOCK; /* ^L */
		else if (c < 32) {
			k.kind = UI_KEY_CTRL;
			k.ch = (uint32_t)c + 'a' - 1;
		} else {
			k.kind = UI_KEY_CHAR;
			k.ch = (uint32_t)c;
		}
		return k;
	}
	switch (c) {
	case KEY_UP: k.kind = UI_KEY_UP; break;
	case KEY_DOWN: k.kind = UI_KEY_DOWN; break;
	case KEY_LEFT: k.kind = UI_KEY_LEFT; break;
	case KEY_RIGHT: k.kind = UI_KEY_RIGHT; break;
	case KEY_PPAGE: k.kind = UI_KEY_PGUP; break;
	case KEY_NPAGE: k.kind = UI_KEY_PGDN; break;
	case KEY_HOME: k.kind = UI_KEY_HOME; break;
	case KEY_END: k.kind = UI_KEY_END; break;
	case KEY_ENTER: k.kind = UI_KEY_ENTER; break;
	case KEY_BACKSPACE: k.kind = UI_KEY_BACKSPACE; break;
	case KEY_F(1): k.kind = UI_KEY_HELP; break;
	case KEY_F(12): k.kind = UI_KEY_LOCK; break;
	case KEY_RESIZE:
		k.kind = UI_KEY_RESIZE;
		k.row = LINES;
		k.col = COLS;
		break;
	case KEY_MOUSE:
		if (getmouse(&ev) != OK)
			break;
		k.row = ev.y;
		k.col = ev.x;
		if (ev.bstate & BUTTON4_PRESSED) k.kind = UI_KEY_WHEEL_UP;
		else if (ev.bstate & BUTTON5_PRESSED) k.kind = UI_KEY_WHEEL_DOWN;
		else if (ev.bstate & BUTTON1_PRESSED) k.kind = UI_KEY_CLICK;
		break;
	}
	return k;
}

/* Read keys until the user leaves or a signal asks us to; lock the vault
 * after lock_seconds without a key. */
static void loop(ui_app *a)
{
	time_t last = time(NULL);
	wint_t c;
	int rc;
	ui_key k;
	ui_action act;

	while (!ui_stop) {
		if (a->redraw_all) {
			clearok(curscr, TRUE);
			a->redraw_all = false;
		}
		ui_draw(a);
		timeout(1000); /* wake up to check the idle time */
		rc = get_wch(&c);
		if (rc == ERR) {
			if (a->v != NULL && time(NULL) - last >= (time_t)a->lock_seconds) {
				ui_act_lock(a, _("Locked after a while without use. "
				                 "Type your passphrase to unlock."));
				a->redraw_all = true;
			}
			continue;
		}
		last = time(NULL);
		k = translate(rc, c);
		if (k.kind == UI_KEY_NONE)
			continue;
		act = ui_key_apply(&a->s, &k);
		if (act == UI_ACT_QUIT)
			break;
		if (act != UI_ACT_NONE)
			ui_act(a, act);
		if (a->lost)
			break;
	}
}

static unsigned lock_seconds(int argc, char **argv)
{
	const char *env = getenv("AMPARO_LOCK_SECONDS");
	long v = 0;

	for (int i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], "--lock-minutes") == 0)
			v = strtol(argv[i + 1], NULL, 10) * 60;
	if (v <= 0 && env != NULL)
		v = strtol(env, NULL, 10);
	return v > 0 && v < 86400 * 7 ? (unsigned)v : UI_DEFAULT_LOCK_SECONDS;
}

/* The vault to open: argv[1], the last one used, or none (create). */
static char *vault_path_of(int argc, char **argv)
{
	if (argc >= 2)
		return strdup(argv[1]);
	return ui_last_get();
}

static void signals(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask); /* no SA_RESTART: get_wch must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static char *default_new_path(void)
{
	const char *home = getenv("HOME");
	char buf[4096];

	snprintf(buf, sizeof buf, "%s/%s", home != NULL ? home : ".",
	         _("Amparo.vault"));
	return strdup(buf);
}

int ui_main(int argc, char **argv)
{
	ui_app a;
	char *pass = NULL, *pass2 = NULL;
	int rc = EXIT_FAIL;

	memset(&a, 0, sizeof a);
	ui_state_init(&a.s, 24, 80, NULL, NULL, false);
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	ui_i18n_init();
	if (ac_init() != AC_OK) {
		fprintf(stderr, "amparo: %s\n", _("cannot initialise libsodium"));
		return EXIT_FAIL;
	}
	/* Before any passphrase is typed (docs/vault-format.md §5). */
	ac_harden_process();
	pass = ac_secret_new(UI_PASS_MAX + 1);
	pass2 = ac_secret_new(UI_PASS_MAX + 1);
	a.path = vault_path_of(argc, argv);
	a.lock_seconds = lock_seconds(argc, argv);
	if (pass == NULL || pass2 == NULL)
		goto out;
	signals(on_signal);
	if (ui_term_begin(&a) != 0) {
		fprintf(stderr, "amparo: %s\n",
		        _("the full-screen interface needs a terminal; see amparo --help"));
		rc = EXIT_USAGE;
		goto out;
	}
	ui_state_init(&a.s, LINES, COLS, pass, pass2, a.path == NULL);
	if (a.path == NULL) {
		char *def = default_new_path();

		if (def != NULL) {
			snprintf(a.s.input, sizeof a.s.input, "%s", def);
			a.s.input_len = strlen(a.s.input);
		}
		free(def);
	}
	loop(&a);
	rc = EXIT_OK;
out:
	/* Every way out: close the vault first (its keys are wiped), then
	 * give the terminal back. */
	vault_close(a.v);
	a.v = NULL;
	ui_state_free(&a.s);
	ui_term_end(&a);
	signals(SIG_DFL);
	ac_secret_free(pass);
	ac_secret_free(pass2);
	free(a.path);
	return rc;
}
