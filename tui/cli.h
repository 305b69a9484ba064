/* cli: the scriptable command line of amparo. One descriptor per command,
 * collected in one table that also produces --help; one argument parser. */
#ifndef AMPARO_CLI_H
#define AMPARO_CLI_H

#include "passphrase.h"
#include "vault.h"

/* Exit statuses (documented in --help, docs/amparo.1 and the user guide). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,      /* anything not listed below */
	EXIT_USAGE = 2,     /* unknown command or option, missing argument */
	EXIT_AUTH = 3,      /* wrong passphrase */
	EXIT_DAMAGED = 4,   /* not a vault, damaged, tampered, truncated */
	EXIT_NOTFOUND = 5,  /* no such vault file, document unknown/ambiguous */
	EXIT_CANTWRITE = 6, /* read-only, disk full, vault busy */
	EXIT_DENIED = 7     /* the acting member's role does not allow it */
};

#define CLI_MAX_OPTS 16
#define CLI_MAX_ARGS 16

typedef struct {
	const char *name;
	const char *value; /* NULL for a flag */
} cli_opt;

typedef struct cli_command cli_command;

typedef struct {
	const cli_command *cmd;
	int argc;
	const char *argv[CLI_MAX_ARGS];
	int nopts;
	cli_opt opts[CLI_MAX_OPTS];
	pass_source pass;
} cli_ctx;

struct cli_command {
	const char *name;
	const char *usage;   /* arguments after the command name */
	const char *summary; /* one line for --help */
	const char *const *options; /* "name=" takes a value; NULL-terminated */
	int min_args, max_args;
	int (*run)(cli_ctx *c);
};

extern const cli_command cli_commands[];

/* Entry point of the program. */
int cli_main(int argc, char **argv);

/* The value of an option, or NULL; for a flag, "" when present. */
const char *cli_get(const cli_ctx *c, const char *name);
/* Print "amparo: msg" to stderr and return the exit status for code; if
 * a page of v failed authentication, say that instead (v may be NULL). */
int cli_report(const vault *v, const vault_err *err);
/* Close v; a command that succeeded on a vault where a page failed
 * authentication fails as damaged after all. */
int cli_close(vault *v, int rc);
int cli_exit_status(vault_status s);
/* Open the vault named by the first argument, asking for the passphrase.
 * Returns EXIT_OK or an exit status after reporting. */
int cli_open(cli_ctx *c, unsigned flags, vault **out);
/* KDF parameters for a new key slot: calibrated, or the test setting. */
int cli_kdf(ac_kdf_params *out);
void cli_usage_of(const cli_command *cmd);

#endif
