/* cli_docs.c: the document commands: add, edit, ls, show, log, diff,
 * restore, submit, approve, archive, search. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "diff.h"

/* Fill m from the common options; EXIT_OK or EXIT_USAGE. */
static int meta_from_opts(const cli_ctx *c, vault_meta *m)
{
	const char *kind = cli_get(c, "kind"), *review = cli_get(c, "review-by");

	memset(m, 0, sizeof *m);
	m->title = cli_get(c, "title");
	m->category = cli_get(c, "category");
	m->lang = cli_get(c, "lang");
	m->message = cli_get(c, "message");
	if (kind != NULL && (m->kind = vault_kind_parse(kind)) == 0) {
		fprintf(stderr, "amparo: --kind is policy, protocol or checklist\n");
		return EXIT_USAGE;
	}
	if (review != NULL && cli_parse_date(review, &m->review_by) != 0) {
		fprintf(stderr, "amparo: --review-by takes a date as YYYY-MM-DD\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_add(cli_ctx *c)
{
	char id[VAULT_ID_HEX];
	vault *v = NULL;
	vault_err err = {0};
	vault_meta m;
	char *body = NULL;
	size_t len = 0;
	int rc;

	rc = meta_from_opts(c, &m);
	if (rc != EXIT_OK)
		return rc;
	if (m.title == NULL || *m.title == '\0') {
		fprintf(stderr, "amparo add: --title TITLE is required\n");
		cli_usage_of(c->cmd);
		return EXIT_USAGE;
	}
	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "Type the text, then Ctrl-D on a line of its own:\n");
	body = cli_read_all(stdin, &len);
	if (body == NULL) {
		fprintf(stderr, "amparo: cannot read the text from standard input\n");
		rc = EXIT_FAIL;
		goto out;
	}
	if (vault_doc_add(v, &m, body, len, id, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	printf("Added \"%s\" as %.12s.\n", m.title, id);
out:
	free(body);
	return cli_close(v, rc);
}

int cmd_edit(cli_ctx *c)
{
	char rev[VAULT_REV_HEX];
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	vault_meta m;
	char *body = NULL, *message = NULL;
	size_t len = 0;
	int rc;

	rc = meta_from_opts(c, &m);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_get(v, c->argv[1], NULL, &d, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	rc = cli_read_text(d->title, d->body, d->body_len, &body, &len, &message);
	if (rc != EXIT_OK) {
		if (rc == 1) {
			fprintf(stderr, "Nothing saved; no new revision.\n");
			rc = EXIT_OK;
		}
		goto out;
	}
	if (len == 0) {
		fprintf(stderr, "amparo: the new text is empty; nothing was "
		        "recorded (to retire a document, archive it)\n");
		rc = EXIT_FAIL;
		goto out;
	}
	if (m.message == NULL)
		m.message = message;
	if (vault_doc_edit(v, c->argv[1], &m, body, len, rev, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	printf("Recorded revision %.12s of \"%s\".\n", rev, d->title);
out:
	free(body);
	free(message);
	vault_doc_free(d);
	return cli_close(v, rc);
}

static int print_row(const vault_doc *d, void *ctx)
{
	char date[32];
	char marks[64] = "";

	(*(int *)ctx)++;
	cli_date(d->updated, date);
	if (d->heads > 1)
		strcat(marks, " [needs merge]");
	if (d->reference)
		strcat(marks, " [partner]");
	if (d->review_by != 0 && d->review_by < (int64_t)time(NULL))
		strcat(marks, " [review due]");
	printf("%.12s  %-10s %-14s %-16s %s  %s%s\n", d->id,
	       vault_kind_name(d->kind), vault_status_label(d->status),
	       d->category, date, d->title, marks);
	return 0;
}

int cmd_ls(cli_ctx *c)
{
	vault *v = NULL;
	vault_err err = {0};
	int rc, count = 0;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_each(v, print_row, &count, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else if (count == 0)
		fprintf(stderr, "The vault holds no documents yet "
		        "(add one with 'amparo add').\n");
	return cli_close(v, rc);
}

int cmd_show(cli_ctx *c)
{
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	char date[32], review[32];
	int rc;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_get(v, c->argv[1], cli_get(c, "rev"), &d, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	if (cli_get(c, "raw") == NULL) {
		cli_date(d->updated, date);
		if (d->review_by != 0)
			cli_date(d->review_by, review);
		else
			snprintf(review, sizeof review, "not set");
		printf("Title:     %s\nId:        %s\nRevision:  %.12s\n"
		       "Kind:      %s\nCategory:  %s\nLanguage:  %s\n"
		       "Status:    %s%s\nReview by: %s\nAuthor:    %s\n"
		       "Date:      %s\n\n",
		       d->title, d->id, d->rev, vault_kind_name(d->kind),
		       d->category, d->lang, vault_status_label(d->status),
		       d->heads > 1 ? " (needs merge)" : "", review, d->author,
		       date);
	}
	fwrite(d->body, 1, d->body_len, stdout);
	if (cli_get(c, "raw") == NULL && d->body_len > 0 &&
	    d->body[d->body_len - 1] != '\n')
		putchar('\n');
out:
	vault_doc_free(d);
	return cli_close(v, rc);
}

static int print_rev(const vault_rev *r, void *ctx)
{
	char date[32];

	(void)ctx;
	cli_date(r->time, date);
	printf("%.12s  %s  %-16s %s%s%s%s%s\n", r->id, date, r->author,
	       r->message[0] ? r->message : "(no message)",
	       r->nparents > 1 ? "  [merge]" : "",
	       r->head ? "  [head]" : "",
	       r->in_review ? "  [submitted]" : "",
	       r->approved ? "  [approved]" : "");
	return 0;
}

int cmd_log(cli_ctx *c)
{
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_log(v, c->argv[1], print_rev, NULL, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	return cli_close(v, rc);
}

/* The first parent of a revision, from the history ("" for none). */
typedef struct {
	const char *want;
	char parent[VAULT_REV_HEX];
	int found;
} parent_ctx;

static int find_parent(const vault_rev *r, void *ctx)
{
	parent_ctx *p = ctx;

	if (strcmp(r->id, p->want) != 0)
		return 0;
	snprintf(p->parent, sizeof p->parent, "%s", r->parents[0]);
	p->found = 1;
	return 1;
}

int cmd_diff(cli_ctx *c)
{
	vault *v = NULL;
	vault_doc *a = NULL, *b = NULL;
	vault_err err = {0};
	parent_ctx pc;
	diff_options opts;
	char la[64], lb[64];
	char *out = NULL;
	size_t out_len = 0;
	int rc;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	/* b: the newer side (REV2, or the head); a: REV1, or b's parent. */
	if (vault_doc_get(v, c->argv[1], c->argc > 3 ? c->argv[3] : NULL, &b,
	                  &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	if (c->argc > 2) {
		if (vault_doc_get(v, c->argv[1], c->argv[2], &a, &err) != VAULT_OK) {
			rc = cli_report(v, &err);
			goto out;
		}
	} else {
		memset(&pc, 0, sizeof pc);
		pc.want = b->rev;
		if (vault_log(v, c->argv[1], find_parent, &pc, &err) != VAULT_OK) {
			rc = cli_report(v, &err);
			goto out;
		}
		if (pc.parent[0] == '\0') {
			printf("Revision %.12s is the first one: there is nothing "
			       "to compare it with.\n", b->rev);
			goto out;
		}
		if (vault_doc_get(v, c->argv[1], pc.parent, &a, &err) != VAULT_OK) {
			rc = cli_report(v, &err);
			goto out;
		}
	}
	diff_options_init(&opts);
	snprintf(la, sizeof la, "%.12s", a->rev);
	snprintf(lb, sizeof lb, "%.12s", b->rev);
	opts.label_a = la;
	opts.label_b = lb;
	if (diff_unified_new(a->body, a->body_len, b->body, b->body_len, &opts,
	                     &out, &out_len) != DIFF_OK) {
		fprintf(stderr, "amparo: out of memory computing the diff\n");
		rc = EXIT_FAIL;
		goto out;
	}
	if (out_len == 0 && strcmp(a->title, b->title) == 0)
		printf("No differences in the text.\n");
	else if (strcmp(a->title, b->title) != 0)
		printf("Title: \"%s\" -> \"%s\"\n", a->title, b->title);
	fwrite(out, 1, out_len, stdout);
out:
	free(out);
	vault_doc_free(a);
	vault_doc_free(b);
	return cli_close(v, rc);
}

int cmd_restore(cli_ctx *c)
{
	char rev[VAULT_REV_HEX];
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_restore(v, c->argv[1], c->argv[2], rev, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else
		printf("Recorded revision %.12s with the text of %s.\n", rev,
		       c->argv[2]);
	return cli_close(v, rc);
}

static int set_status(cli_ctx *c, int status, const char *rev, const char *done)
{
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_set_status(v, c->argv[1], rev, status, cli_get(c, "message"),
	                         &err) != VAULT_OK) {
		rc = cli_report(v, &err);
	} else {
		vault_doc *d = NULL;

		if (vault_doc_get(v, c->argv[1], NULL, &d, &err) == VAULT_OK)
			printf("%s \"%s\".\n", done, d->title);
		vault_doc_free(d);
	}
	return cli_close(v, rc);
}

int cmd_submit(cli_ctx *c)
{
	return set_status(c, 2, NULL, "Submitted for review:");
}

int cmd_approve(cli_ctx *c)
{
	return set_status(c, 3, c->argc > 2 ? c->argv[2] : NULL, "Approved");
}

int cmd_archive(cli_ctx *c)
{
	return set_status(c, 4, NULL, "Archived");
}

static int print_hit(const vault_hit *h, void *ctx)
{
	(*(int *)ctx)++;
	printf("%.12s  %s\n    ", h->id, h->title);
	/* One line per hit: the snippet's line breaks become spaces. */
	for (const char *p = h->snippet; *p; p++)
		putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
	putchar('\n');
	return 0;
}

int cmd_search(cli_ctx *c)
{
	char query[1024] = "";
	vault *v = NULL;
	vault_err err = {0};
	int rc, hits = 0;

	for (int i = 1; i < c->argc; i++) {
		if (strlen(query) + strlen(c->argv[i]) + 2 > sizeof query) {
			fprintf(stderr, "amparo: the search is too long\n");
			return EXIT_USAGE;
		}
		if (i > 1)
			strcat(query, " ");
		strcat(query, c->argv[i]);
	}
	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_search(v, query, print_hit, &hits, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else if (hits == 0)
		fprintf(stderr, "No document matches \"%s\".\n", query);
	else if (hits == VAULT_SEARCH_MAX)
		fprintf(stderr, "The %d best matches are shown; add a word to "
		        "narrow the search.\n", VAULT_SEARCH_MAX);
	return cli_close(v, rc);
}
