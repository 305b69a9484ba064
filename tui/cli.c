/* cli.c: argument parsing, dispatch, help and error reporting. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char exit_help[] =
	"Exit status:\n"
	"  0  success\n"
	"  1  failure not listed below (input/output error, invalid text...)\n"
	"  2  usage error: unknown command or option, missing argument\n"
	"  3  wrong passphrase\n"
	"  4  not an Amparo vault, or damaged, tampered with or truncated\n"
	"  5  no such vault file; unknown or ambiguous document\n"
	"  6  cannot write: read-only file or folder, disk full, vault in use\n"
	"  7  your role does not allow this\n";

static void print_help(FILE *out)
{
	fprintf(out,
	        "Usage: amparo [FILE] [--lock-minutes N]\n"
	        "       amparo COMMAND FILE [ARGS...] [OPTIONS]\n"
	        "Amparo keeps an organisation's security policies in one "
	        "encrypted file.\n\n"
	        "  amparo FILE   open the full-screen interface on a vault\n"
	        "  amparo        the same, on the last vault used (or create one)\n"
	        "  --lock-minutes N  lock after N idle minutes (default 5)\n"
	        "\nCommands:\n");
	for (const cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(out, "  %-8s %s\n           %s\n", c->name, c->usage,
		        c->summary);
	fprintf(out,
	        "\nOptions for every command that opens a vault:\n"
	        "  --passphrase-fd N  read passphrases from descriptor N, one "
	        "per line,\n"
	        "                     instead of asking on the terminal\n"
	        "  --help             show the command's usage\n\n"
	        "amparo --version shows the version.\n\n%s"
	        "\nPassphrases are never read from the command line or the "
	        "environment.\nSee amparo(1) and docs/user-guide.md.\n",
	        exit_help);
}

void cli_usage_of(const cli_command *cmd)
{
	fprintf(stderr, "usage: amparo %s %s\n", cmd->name, cmd->usage);
}

const char *cli_get(const cli_ctx *c, const char *name)
{
	for (int i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].name, name) == 0)
			return c->opts[i].value != NULL ? c->opts[i].value : "";
	return NULL;
}

/* Look up --name among the command's options (and the global ones). *takes
 * is set when it needs a value. */
static int option_known(const cli_command *cmd, const char *name, size_t len,
                        int *takes)
{
	static const char *const global[] = {"passphrase-fd=", "help", NULL};
	const char *const *lists[2] = {global, cmd->options};

	for (int l = 0; l < 2; l++) {
		if (lists[l] == NULL)
			continue;
		for (const char *const *o = lists[l]; *o != NULL; o++) {
			size_t ol = strcspn(*o, "=");

			if (ol == len && strncmp(*o, name, len) == 0) {
				*takes = (*o)[ol] == '=';
				return 1;
			}
		}
	}
	return 0;
}

static int parse_args(cli_ctx *c, int argc, char **argv)
{
	int only_args = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
		} else if (!only_args && a[0] == '-' && a[1] == '-' && a[2]) {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int takes = 0;

			if (!option_known(c->cmd, name, len, &takes)) {
				fprintf(stderr, "amparo %s: unknown option --%.*s\n",
				        c->cmd->name, (int)len, name);
				return EXIT_USAGE;
			}
			if (c->nopts == CLI_MAX_OPTS) {
				fprintf(stderr, "amparo: too many options\n");
				return EXIT_USAGE;
			}
			c->opts[c->nopts].name = strndup(name, len);
			if (c->opts[c->nopts].name == NULL)
				return EXIT_FAIL;
			if (takes) {
				if (eq == NULL && i + 1 >= argc) {
					fprintf(stderr, "amparo %s: --%s needs a value\n",
					        c->cmd->name, c->opts[c->nopts].name);
					free((char *)c->opts[c->nopts].name);
					return EXIT_USAGE;
				}
				c->opts[c->nopts].value = eq ? eq + 1 : argv[++i];
			} else if (eq != NULL) {
				fprintf(stderr, "amparo %s: --%.*s takes no value\n",
				        c->cmd->name, (int)len, name);
				free((char *)c->opts[c->nopts].name);
				return EXIT_USAGE;
			}
			c->nopts++;
		} else {
			if (c->argc == CLI_MAX_ARGS) {
				fprintf(stderr, "amparo: too many arguments\n");
				return EXIT_USAGE;
			}
			c->argv[c->argc++] = a;
		}
	}
	return EXIT_OK;
}

static int parse_fd(const char *s, int *fd)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
		return -1;
	*fd = (int)v;
	return 0;
}

static void free_opts(cli_ctx *c)
{
	for (int i = 0; i < c->nopts; i++)
		free((char *)c->opts[i].name);
}

int cli_main(int argc, char **argv)
{
	const cli_command *cmd = NULL;
	cli_ctx c;
	const char *fd;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		print_help(stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("amparo %s\n", AMPARO_VERSION);
		return EXIT_OK;
	}
	for (const cli_command *k = cli_commands; k->name != NULL; k++)
		if (strcmp(k->name, argv[1]) == 0)
			cmd = k;
	if (cmd == NULL) {
		/* Most likely a vault path mistyped, or a vault not made yet. */
		if (strchr(argv[1], '/') != NULL || strchr(argv[1], '.') != NULL) {
			fprintf(stderr, "amparo: no vault at %s: the file does not "
			        "exist (create one with 'amparo init %s')\n",
			        argv[1], argv[1]);
			return EXIT_NOTFOUND;
		}
		fprintf(stderr, "amparo: unknown command '%s' (see amparo --help)\n",
		        argv[1]);
		return EXIT_USAGE;
	}
	memset(&c, 0, sizeof c);
	c.cmd = cmd;
	c.pass.fd = -1;
	rc = parse_args(&c, argc - 2, argv + 2);
	if (rc != EXIT_OK)
		goto out;
	if (cli_get(&c, "help") != NULL) {
		cli_usage_of(cmd);
		printf("%s\n", cmd->summary);
		goto out;
	}
	fd = cli_get(&c, "passphrase-fd");
	if (fd != NULL && parse_fd(fd, &c.pass.fd) != 0) {
		fprintf(stderr, "amparo: --passphrase-fd needs a descriptor number\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (c.argc < cmd->min_args || c.argc > cmd->max_args) {
		cli_usage_of(cmd);
		rc = EXIT_USAGE;
		goto out;
	}
	if (ac_init() != AC_OK) {
		fprintf(stderr, "amparo: cannot initialise libsodium\n");
		rc = EXIT_FAIL;
		goto out;
	}
	/* No core file and no same-user debugger from before a passphrase
	 * is read (docs/vault-format.md §5), not only once a vault opens. */
	ac_harden_process();
	rc = cmd->run(&c);
out:
	free_opts(&c);
	return rc;
}

int cli_exit_status(vault_status s)
{
	switch (s) {
	case VAULT_OK:
		return EXIT_OK;
	case VAULT_EAUTH:
		return EXIT_AUTH;
	case VAULT_ENOTVAULT:
	case VAULT_ENOTOURS:
	case VAULT_EDAMAGED:
	case VAULT_EVERSION:
		return EXIT_DAMAGED;
	case VAULT_ENOENT:
	case VAULT_ENOTFOUND:
	case VAULT_EAMBIGUOUS:
		return EXIT_NOTFOUND;
	case VAULT_EPERM:
		return EXIT_DENIED;
	case VAULT_EREADONLY:
	case VAULT_EFULL:
	case VAULT_EBUSY:
	case VAULT_EEXIST:
		return EXIT_CANTWRITE;
	default:
		return EXIT_FAIL;
	}
}

int cli_report(const vault *v, const vault_err *err)
{
	if (vault_damaged(v)) {
		fprintf(stderr, "amparo: %s is damaged or has been tampered with: "
		        "a page failed authentication\n", vault_path(v));
		return EXIT_DAMAGED;
	}
	fprintf(stderr, "amparo: %s\n", err->msg);
	return cli_exit_status(err->code);
}

int cli_close(vault *v, int rc)
{
	if (rc == EXIT_OK && vault_damaged(v)) {
		fprintf(stderr, "amparo: %s is damaged or has been tampered with: "
		        "a page failed authentication\n", vault_path(v));
		rc = EXIT_DAMAGED;
	}
	vault_close(v);
	return rc;
}

int cli_open(cli_ctx *c, unsigned flags, vault **out)
{
	pass_secret pass;
	vault_err err = {0};
	pass_status ps;
	vault_status rc;
	char prompt[512];

	*out = NULL;
	/* Say "no such file" before asking for a passphrase in vain. */
	if (access(c->argv[0], F_OK) != 0) {
		fprintf(stderr, "amparo: no vault at %s: the file does not exist\n",
		        c->argv[0]);
		return EXIT_NOTFOUND;
	}
	snprintf(prompt, sizeof prompt, "Passphrase for %s: ", c->argv[0]);
	ps = pass_read(&c->pass, prompt, &pass);
	if (ps != PASS_OK) {
		fprintf(stderr, "amparo: %s\n", pass_status_msg(ps));
		return ps == PASS_ENOTTY ? EXIT_USAGE : EXIT_FAIL;
	}
	rc = vault_open(c->argv[0], pass.buf, pass.len, flags, out, &err);
	pass_free(&pass);
	return rc == VAULT_OK ? EXIT_OK : cli_report(NULL, &err);
}

int cli_kdf(ac_kdf_params *out)
{
	const char *mode = getenv("AMPARO_KDF");

	/* The test suite creates hundreds of vaults; this is the only setting
	 * the environment may change, and it is loud about it. */
	if (mode != NULL && strcmp(mode, "test") == 0) {
		fprintf(stderr, "amparo: warning: AMPARO_KDF=test: weak key "
		        "derivation, for tests only\n");
		ac_kdf_test_params(out);
		return EXIT_OK;
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "Measuring this computer to protect the "
		        "passphrase (about a second)...\n");
	if (ac_kdf_calibrate(1000, out) != AC_OK) {
		fprintf(stderr, "amparo: not enough memory for key derivation\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
