/* passphrase: reading secrets from the terminal (no echo) or from a file
 * descriptor given with --passphrase-fd. Never from argv or the
 * environment. Secrets are returned in guarded memory. */
#ifndef AMPARO_PASSPHRASE_H
#define AMPARO_PASSPHRASE_H

#include <stddef.h>

#define PASS_MAX 1024

typedef struct {
	char *buf; /* ac_secret_new memory, NUL-terminated */
	size_t len;
} pass_secret;

/* Where passphrases come from: fd >= 0 reads one line per request from it;
 * fd < 0 asks on /dev/tty. */
typedef struct {
	int fd;
} pass_source;

typedef enum {
	PASS_OK = 0,
	PASS_ENOTTY,   /* no terminal and no --passphrase-fd */
	PASS_EOF,      /* the descriptor ended before a line */
	PASS_ETOOLONG,
	PASS_ENOMEM,
	PASS_EMISMATCH /* the two entries differ */
} pass_status;

/* Read one passphrase, prompting on the terminal. */
pass_status pass_read(const pass_source *src, const char *prompt,
                      pass_secret *out);
/* Read a new passphrase: twice on a terminal, once from a descriptor. */
pass_status pass_read_new(const pass_source *src, const char *prompt,
                          const char *again, pass_secret *out);
void pass_free(pass_secret *s);
const char *pass_status_msg(pass_status s);

/* Read one visible line from the terminal (a member name). Returns a
 * malloc'd string or NULL when there is no terminal or input ended. */
char *tty_read_line(const char *prompt);

#endif
