/* cli_commands.c: the command descriptors and their handlers. Handlers
 * parse nothing themselves and never touch SQL or keys: they call vault/
 * and print what they get. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MIN_PASSPHRASE 8

static int check_new_passphrase(const pass_secret *p)
{
	if (p->len < MIN_PASSPHRASE) {
		fprintf(stderr, "amparo: a passphrase needs at least %d "
		        "characters; several unrelated words are easiest to "
		        "remember\n", MIN_PASSPHRASE);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_init(cli_ctx *c)
{
	const char *name = cli_get(c, "name");
	char *asked = NULL;
	pass_secret pass = {NULL, 0};
	ac_kdf_params kdf;
	vault_err err = {0};
	pass_status ps;
	int rc;

	if (access(c->argv[0], F_OK) == 0) {
		fprintf(stderr, "amparo: %s already exists; refusing to "
		        "overwrite it\n", c->argv[0]);
		return EXIT_CANTWRITE;
	}
	if (name == NULL) {
		asked = tty_read_line("Your name, as other members will see it: ");
		if (asked == NULL) {
			fprintf(stderr, "amparo: no terminal to ask your name; "
			        "give --name NAME\n");
			return EXIT_USAGE;
		}
		name = asked;
	}
	ps = pass_read_new(&c->pass, "New passphrase: ",
	                   "The same passphrase again: ", &pass);
	if (ps != PASS_OK) {
		fprintf(stderr, "amparo: %s\n", pass_status_msg(ps));
		rc = ps == PASS_ENOTTY ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	rc = check_new_passphrase(&pass);
	if (rc == EXIT_OK)
		rc = cli_kdf(&kdf);
	if (rc != EXIT_OK)
		goto out;
	if (vault_create(c->argv[0], name, pass.buf, pass.len, &kdf, &err) !=
	    VAULT_OK) {
		rc = cli_report(&err);
		goto out;
	}
	printf("Created %s with %s as its first admin.\n", c->argv[0], name);
out:
	pass_free(&pass);
	free(asked);
	return rc;
}

/* Read all of stdin. */
static char *read_all(FILE *in, size_t *len)
{
	size_t cap = 8192, n = 0, r;
	char *buf = malloc(cap), *grown;

	if (buf == NULL)
		return NULL;
	while ((r = fread(buf + n, 1, cap - n, in)) > 0) {
		n += r;
		if (n == cap) {
			grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				free(buf);
				return NULL;
			}
			buf = grown;
			cap *= 2;
		}
	}
	if (ferror(in)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int cmd_add(cli_ctx *c)
{
	const char *title = cli_get(c, "title");
	char id[VAULT_ID_HEX];
	vault *v = NULL;
	vault_err err = {0};
	char *body = NULL;
	size_t len = 0;
	int rc;

	if (title == NULL || *title == '\0') {
		fprintf(stderr, "amparo add: --title TITLE is required\n");
		cli_usage_of(c->cmd);
		return EXIT_USAGE;
	}
	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "Type the text, then Ctrl-D on a line of its own:\n");
	body = read_all(stdin, &len);
	if (body == NULL) {
		fprintf(stderr, "amparo: cannot read the text from standard input\n");
		rc = EXIT_FAIL;
		goto out;
	}
	if (vault_doc_add(v, title, cli_get(c, "category"), body, len, id,
	                  &err) != VAULT_OK) {
		rc = cli_report(&err);
		goto out;
	}
	printf("Added \"%s\" as %.12s.\n", title, id);
out:
	free(body);
	vault_close(v);
	return rc;
}

static void fmt_date(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 32, "?");
}

static int print_row(const vault_doc *d, void *ctx)
{
	char date[32];

	(*(int *)ctx)++;
	fmt_date(d->updated, date);
	printf("%.12s  %-16s %s  %s\n", d->id, d->category, date, d->title);
	return 0;
}

static int cmd_ls(cli_ctx *c)
{
	vault *v = NULL;
	vault_err err = {0};
	int rc, count = 0;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_each(v, print_row, &count, &err) != VAULT_OK)
		rc = cli_report(&err);
	else if (count == 0)
		fprintf(stderr, "The vault holds no documents yet "
		        "(add one with 'amparo add').\n");
	vault_close(v);
	return rc;
}

static int cmd_show(cli_ctx *c)
{
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	char date[32];
	int rc;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_get(v, c->argv[1], &d, &err) != VAULT_OK) {
		rc = cli_report(&err);
		goto out;
	}
	if (cli_get(c, "raw") == NULL) {
		fmt_date(d->updated, date);
		printf("Title:    %s\nCategory: %s\nId:       %s\n"
		       "Author:   %s\nUpdated:  %s\n\n",
		       d->title, d->category, d->id, d->author, date);
	}
	fwrite(d->body, 1, d->body_len, stdout);
	if (cli_get(c, "raw") == NULL && d->body_len > 0 &&
	    d->body[d->body_len - 1] != '\n')
		putchar('\n');
out:
	vault_doc_free(d);
	vault_close(v);
	return rc;
}

static int cmd_passwd(cli_ctx *c)
{
	pass_secret pass = {NULL, 0};
	ac_kdf_params kdf;
	vault *v = NULL;
	vault_err err = {0};
	pass_status ps;
	int rc;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	ps = pass_read_new(&c->pass, "New passphrase: ",
	                   "The same new passphrase again: ", &pass);
	if (ps != PASS_OK) {
		fprintf(stderr, "amparo: %s\n", pass_status_msg(ps));
		rc = EXIT_FAIL;
		goto out;
	}
	rc = check_new_passphrase(&pass);
	if (rc == EXIT_OK)
		rc = cli_kdf(&kdf);
	if (rc != EXIT_OK)
		goto out;
	if (vault_passwd(v, pass.buf, pass.len, &kdf, &err) != VAULT_OK) {
		rc = cli_report(&err);
		goto out;
	}
	printf("Passphrase changed for %s.\n", vault_member(v));
out:
	pass_free(&pass);
	vault_close(v);
	return rc;
}

static const char *const init_opts[] = {"name=", NULL};
static const char *const add_opts[] = {"title=", "category=", NULL};
static const char *const show_opts[] = {"raw", NULL};

const cli_command cli_commands[] = {
	{"init", "FILE [--name NAME]",
	 "create a new vault; you become its first admin", init_opts, 1, 1,
	 cmd_init},
	{"add", "FILE --title TITLE [--category CAT]",
	 "add a document, its text read from standard input", add_opts, 1, 1,
	 cmd_add},
	{"ls", "FILE", "list the documents", NULL, 1, 1, cmd_ls},
	{"show", "FILE DOC [--raw]",
	 "print a document (DOC: id, unique id prefix, or exact title)",
	 show_opts, 2, 2, cmd_show},
	{"passwd", "FILE", "change your passphrase", NULL, 1, 1, cmd_passwd},
	{NULL, NULL, NULL, NULL, 0, 0, NULL},
};
