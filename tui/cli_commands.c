/* cli_commands.c: the command table, and the commands about the vault file
 * itself (init, passwd). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"

int cli_check_new_passphrase(const pass_secret *p)
{
	if (p->len < MIN_PASSPHRASE) {
		fprintf(stderr, "amparo: a passphrase needs at least %d "
		        "characters; several unrelated words are easiest to "
		        "remember\n", MIN_PASSPHRASE);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

char *cli_read_all(FILE *in, size_t *len)
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
	buf[n] = '\0';
	*len = n;
	return buf;
}

void cli_date(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 32, "?");
}

int cli_parse_date(const char *s, int64_t *out)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm tm;
	int y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' ||
	    strlen(s) != 10 || y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1 ||
	    d > days[m - 1])
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = (int64_t)timegm(&tm);
	return 0;
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

	const char *tmpl = cli_get(c, "template"), *lang = cli_get(c, "lang");

	if (tmpl != NULL && strcmp(tmpl, "comprehensive") != 0) {
		fprintf(stderr, "amparo: the only template set is "
		        "\"comprehensive\" (see 'amparo templates')\n");
		return EXIT_USAGE;
	}
	if (lang == NULL)
		lang = "en";
	if (strcmp(lang, "en") != 0 && strcmp(lang, "es") != 0) {
		fprintf(stderr, "amparo: --lang is en or es\n");
		return EXIT_USAGE;
	}
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
	rc = cli_check_new_passphrase(&pass);
	if (rc == EXIT_OK)
		rc = cli_kdf(&kdf);
	if (rc != EXIT_OK)
		goto out;
	if (vault_create(c->argv[0], name, pass.buf, pass.len, &kdf, &err) !=
	    VAULT_OK) {
		rc = cli_report(NULL, &err);
		goto out;
	}
	printf("Created %s with %s as its first admin.\n", c->argv[0], name);
	if (tmpl != NULL) {
		vault *v = NULL;

		if (vault_open(c->argv[0], pass.buf, pass.len, 0, &v, &err) != VAULT_OK)
			rc = cli_report(NULL, &err);
		else
			rc = cli_close(v, cli_add_templates(c, v, lang));
	}
out:
	pass_free(&pass);
	free(asked);
	return rc;
}

static int cmd_passwd(cli_ctx *c)
{
	pass_secret pass = {NULL, 0};
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
	rc = cli_check_new_passphrase(&pass);
	if (rc != EXIT_OK)
		goto out;
	/* The vault's own Argon2id parameters and salt are reused, so that
	 * unlocking stays one derivation however many members there are. */
	if (vault_passwd(v, pass.buf, pass.len, NULL, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	printf("Passphrase changed for %s.\n", vault_member(v));
out:
	pass_free(&pass);
	return cli_close(v, rc);
}

static const char *const init_opts[] = {"name=", "template=", "lang=", NULL};
static const char *const templates_opts[] = {"lang=", NULL};
static const char *const exportdoc_opts[] = {"format=", "out=", "rev=", NULL};
static const char *const importdoc_opts[] = {"doc=", "title=", "message=", NULL};
static const char *const crisis_opts[] = {"check=", "note=", "close", "log", NULL};
static const char *const add_opts[] = {"title=", "category=", "kind=", "lang=",
                                       "review-by=", "message=", NULL};
static const char *const edit_opts[] = {"title=", "category=", "kind=", "lang=",
                                        "review-by=", "message=", NULL};
static const char *const show_opts[] = {"raw", "rev=", NULL};
static const char *const msg_opts[] = {"message=", NULL};
static const char *const member_opts[] = {"role=", NULL};
static const char *const export_opts[] = {"all", "peer=", "to=", NULL};
static const char *const merge_opts[] = {"preview", "message=", NULL};
static const char *const copy_opts[] = {"title=", NULL};

const cli_command cli_commands[] = {
	{"init", "FILE [--name NAME] [--template comprehensive --lang en|es]",
	 "create a new vault; you become its first admin (with the template "
	 "library as drafts)", init_opts, 1, 1, cmd_init},
	{"templates", "[--lang en|es]", "list the built-in template library",
	 templates_opts, 0, 0, cmd_templates},
	{"walk", "FILE DOC",
	 "a document's walkthrough, step by step; finishing acknowledges the "
	 "approved revision", NULL, 2, 2, cmd_walk},
	{"crisis", "FILE [DOC] [--check N [--note TEXT] | --note TEXT | --close] | --log",
	 "emergency contacts and crisis protocols; follow one as a checklist, "
	 "every step logged and signed", crisis_opts, 1, 2, cmd_crisis},
	{"status", "FILE",
	 "who has read each approved document, reviews due, merges needed",
	 NULL, 1, 1, cmd_status},
	{"add", "FILE --title TITLE [--category CAT] [--kind policy|protocol|checklist]\n"
	        "                [--lang LANG] [--review-by YYYY-MM-DD] [--message MSG]",
	 "add a document, its text read from standard input", add_opts, 1, 1,
	 cmd_add},
	{"edit", "FILE DOC [--message MSG] [--title T] [--category C] [--kind K]\n"
	         "                [--lang L] [--review-by YYYY-MM-DD]",
	 "record a new revision (text from standard input, or the built-in "
	 "editor on a terminal)", edit_opts, 2, 2, cmd_edit},
	{"ls", "FILE", "list the documents with their status", NULL, 1, 1, cmd_ls},
	{"show", "FILE DOC [--rev REV] [--raw]",
	 "print a document (DOC: id, unique id prefix, or exact title)",
	 show_opts, 2, 2, cmd_show},
	{"log", "FILE DOC", "the revisions of a document, newest first", NULL,
	 2, 2, cmd_log},
	{"diff", "FILE DOC [REV [REV]]",
	 "what changed: the head against its parent, REV against the head, "
	 "or REV against REV", NULL, 2, 4, cmd_diff},
	{"restore", "FILE DOC REV",
	 "record a new revision holding the text of an earlier one", NULL, 3, 3,
	 cmd_restore},
	{"submit", "FILE DOC [--message MSG]",
	 "submit the current revision for review", msg_opts, 2, 2, cmd_submit},
	{"approve", "FILE DOC [REV] [--message MSG]",
	 "approve a revision (admins): a signed approval naming it exactly",
	 msg_opts, 2, 3, cmd_approve},
	{"archive", "FILE DOC [--message MSG]",
	 "archive a document (admins)", msg_opts, 2, 2, cmd_archive},
	{"search", "FILE QUERY...",
	 "search the current text of every document (case and accents "
	 "ignored)", NULL, 2, CLI_MAX_ARGS, cmd_search},
	{"member", "FILE add NAME --role admin|editor|staff | ls | remove NAME |\n"
	           "                role NAME --role ROLE",
	 "manage members (admins); everyone may list", member_opts, 2, 3,
	 cmd_member},
	{"merge", "FILE DOC [--preview] [--message MSG]",
	 "merge a document edited in two copies (built-in editor on a "
	 "terminal, else the resolved text from standard input)", merge_opts,
	 2, 2, cmd_merge},
	{"copy", "FILE DOC [--title TITLE]",
	 "copy a partner's reference document into a new draft", copy_opts, 2,
	 2, cmd_copy},
	{"export-doc", "FILE DOC [--format md|html] [--out PATH] [--rev REV]",
	 "write a document as Markdown or printable HTML (plaintext: keep it "
	 "safe)", exportdoc_opts, 2, 2, cmd_export_doc},
	{"import-doc", "FILE PATH.md [--doc DOC] [--title T] [--message MSG]",
	 "add a Markdown file as a new document, or as a new revision of DOC "
	 "(or of the document with its title)", importdoc_opts, 2, 2,
	 cmd_import_doc},
	{"address", "FILE", "print this vault's address, for partners", NULL,
	 1, 1, cmd_address},
	{"export", "FILE OUT [--all] [--peer NAME] [--to ADDRESS]...",
	 "write a sealed bundle of what NAME has not been sent yet", export_opts,
	 2, 2, cmd_export},
	{"import", "FILE BUNDLE", "verify and apply a bundle, all or nothing",
	 NULL, 2, 2, cmd_import},
	{"sync", "FILE DIR",
	 "sync through a shared folder: import the other copies' bundles, "
	 "write ours", NULL, 2, 2, cmd_sync},
	{"verify", "FILE",
	 "re-check every object's id, signature and author; names what is wrong",
	 NULL, 1, 1, cmd_verify},
	{"rekey", "FILE",
	 "rotate the vault's master key and address (admins)", NULL, 1, 1,
	 cmd_rekey},
	{"passwd", "FILE", "change your passphrase", NULL, 1, 1, cmd_passwd},
	{NULL, NULL, NULL, NULL, 0, 0, NULL},
};
