/* passphrase.c: see passphrase.h. */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ac.h"

/* The terminal state to restore if a signal arrives while echo is off;
 * the only process-wide state here, and only a front end's. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_fd_saved = -1;

static void restore_and_reraise(int sig)
{
	if (tty_fd_saved >= 0)
		tcsetattr(tty_fd_saved, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read bytes up to a newline, one at a time so that nothing past the line
 * is consumed from a shared descriptor. */
static pass_status read_line(int fd, pass_secret *out)
{
	size_t n = 0;
	char c;
	ssize_t r;

	out->buf = ac_secret_new(PASS_MAX + 1);
	out->len = 0;
	if (out->buf == NULL)
		return PASS_ENOMEM;
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (n == 0) {
				pass_free(out);
				return PASS_EOF;
			}
			break;
		}
		if (c == '\n')
			break;
		if (n == PASS_MAX) {
			pass_free(out);
			return PASS_ETOOLONG;
		}
		out->buf[n++] = c;
	}
	if (n > 0 && out->buf[n - 1] == '\r')
		n--;
	out->buf[n] = '\0';
	out->len = n;
	return PASS_OK;
}

static pass_status tty_read_secret(const char *prompt, pass_secret *out)
{
	struct termios quiet;
	struct sigaction sa, old_int, old_term;
	pass_status rc;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return PASS_ENOTTY;
	if (tcgetattr(fd, &saved_tty) != 0) {
		close(fd);
		return PASS_ENOTTY;
	}
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	tty_fd_saved = fd;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	(void)!write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = read_line(fd, out);
	tcsetattr(fd, TCSAFLUSH, &saved_tty);
	(void)!write(fd, "\n", 1);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	tty_fd_saved = -1;
	close(fd);
	return rc;
}

pass_status pass_read(const pass_source *src, const char *prompt,
                      pass_secret *out)
{
	out->buf = NULL;
	out->len = 0;
	if (src->fd >= 0)
		return read_line(src->fd, out);
	return tty_read_secret(prompt, out);
}

pass_status pass_read_new(const pass_source *src, const char *prompt,
                          const char *again, pass_secret *out)
{
	pass_secret second = {NULL, 0};
	pass_status rc;

	rc = pass_read(src, prompt, out);
	if (rc != PASS_OK || src->fd >= 0)
		return rc;
	rc = pass_read(src, again, &second);
	if (rc == PASS_OK && (second.len != out->len ||
	                      !ac_equal(second.buf, out->buf, out->len)))
		rc = PASS_EMISMATCH;
	pass_free(&second);
	if (rc != PASS_OK)
		pass_free(out);
	return rc;
}

void pass_free(pass_secret *s)
{
	ac_secret_free(s->buf);
	s->buf = NULL;
	s->len = 0;
}

const char *pass_status_msg(pass_status s)
{
	switch (s) {
	case PASS_OK:
		return "ok";
	case PASS_ENOTTY:
		return "no terminal to ask for the passphrase (use --passphrase-fd N)";
	case PASS_EOF:
		return "no passphrase was given (input ended)";
	case PASS_ETOOLONG:
		return "the passphrase is longer than 1024 bytes";
	case PASS_ENOMEM:
		return "cannot lock memory for the passphrase";
	case PASS_EMISMATCH:
		return "the two passphrases differ; nothing was changed";
	}
	return "passphrase error";
}

char *tty_read_line(const char *prompt)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty == NULL)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	n = getline(&line, &cap, tty);
	fclose(tty);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}
