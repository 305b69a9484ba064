/* cli_sync.c: address, export, import, sync, merge, copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"

static void progress(uint64_t done, uint64_t total, void *ctx)
{
	const char *what = ctx;

	if (!isatty(STDERR_FILENO) || total == 0)
		return;
	fprintf(stderr, "\r%s %3u%%", what, (unsigned)(done * 100 / total));
	if (done >= total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

int cmd_address(cli_ctx *c)
{
	char addr[VAULT_ADDRESS_LEN];
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_address(v, addr, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else
		printf("%s\n", addr);
	return cli_close(v, rc);
}

int cmd_export(cli_ctx *c)
{
	const char *to[CLI_MAX_OPTS];
	vault_sync_summary sum;
	vault *v = NULL;
	vault_err err = {0};
	int rc, nto = 0;
	vault_status vs;

	for (int i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].name, "to") == 0)
			to[nto++] = c->opts[i].value;
	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	vs = vault_export(v, c->argv[1], cli_get(c, "peer"),
	                  cli_get(c, "all") != NULL, to, nto, progress,
	                  (void *)"Sealing", &sum, &err);
	if (vs == VAULT_EUNCHANGED) {
		printf("Nothing written: %s.\n", err.msg);
	} else if (vs != VAULT_OK) {
		rc = cli_report(v, &err);
	} else {
		printf("Wrote %s: %llu object%s, sealed to this vault's copies",
		       sum.written, (unsigned long long)sum.objects,
		       sum.objects == 1 ? "" : "s");
		if (nto > 0)
			printf(" and %d partner%s", nto, nto == 1 ? "" : "s");
		printf(".\n");
	}
	return cli_close(v, rc);
}

static void print_summary(const vault_sync_summary *s)
{
	printf("  %llu object%s read, %llu new; %llu document%s changed",
	       (unsigned long long)s->objects, s->objects == 1 ? "" : "s",
	       (unsigned long long)s->added, (unsigned long long)s->documents,
	       s->documents == 1 ? "" : "s");
	if (s->members > 0)
		printf("; %llu membership change%s", (unsigned long long)s->members,
		       s->members == 1 ? "" : "s");
	if (s->slots > 0)
		printf("; %llu key slot%s updated", (unsigned long long)s->slots,
		       s->slots == 1 ? "" : "s");
	printf(".\n");
}

int cmd_import(cli_ctx *c)
{
	vault_sync_summary sum;
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	if (access(c->argv[1], F_OK) != 0) {
		fprintf(stderr, "amparo: no bundle at %s\n", c->argv[1]);
		return EXIT_NOTFOUND;
	}
	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_import(v, c->argv[1], progress, (void *)"Importing", &sum,
	                 &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		fprintf(stderr, "Nothing was changed.\n");
	} else if (sum.added == 0 && sum.slots == 0) {
		printf("Nothing new: everything in %s is already in the vault.\n",
		       c->argv[1]);
	} else {
		printf("Imported %s:\n", c->argv[1]);
		print_summary(&sum);
	}
	return cli_close(v, rc);
}

static void sync_problem(const char *file, const vault_err *e, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "amparo: refused %s: %s\n", file, e->msg);
}

int cmd_sync(cli_ctx *c)
{
	vault_sync_summary sum;
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_sync(v, c->argv[1], progress, sync_problem, (void *)"Syncing",
	               &sum, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	printf("Synced with %s: %llu bundle%s imported", c->argv[1],
	       (unsigned long long)sum.bundles, sum.bundles == 1 ? "" : "s");
	if (sum.skipped > 0)
		printf(", %llu for other vaults left alone",
		       (unsigned long long)sum.skipped);
	printf(".\n");
	print_summary(&sum);
	if (sum.written[0])
		printf("  Wrote %s with what the folder did not have yet.\n",
		       sum.written);
	else
		printf("  The folder already holds everything this copy has.\n");
	if (sum.waiting > 0)
		printf("  %llu bundle%s build%s on others not in the folder yet; "
		       "sync again when they arrive.\n",
		       (unsigned long long)sum.waiting, sum.waiting == 1 ? "" : "s",
		       sum.waiting == 1 ? "s" : "");
	if (sum.failed > 0) {
		fprintf(stderr, "amparo: %llu bundle%s refused (see above); the "
		        "rest was synced\n", (unsigned long long)sum.failed,
		        sum.failed == 1 ? " was" : "s were");
		rc = EXIT_DAMAGED;
	}
out:
	return cli_close(v, rc);
}

int cmd_merge(cli_ctx *c)
{
	char rev[VAULT_REV_HEX];
	char *merged = NULL, *text = NULL, *message = NULL;
	size_t len = 0, tlen = 0;
	int conflicts = 0, rc;
	vault *v = NULL;
	vault_err err = {0};

	rc = cli_open(c, cli_get(c, "preview") ? VAULT_READONLY : 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_merge_prepare(v, c->argv[1], &merged, &len, &conflicts, &err) !=
	    VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	if (cli_get(c, "preview") != NULL) {
		fwrite(merged, 1, len, stdout);
		fprintf(stderr, "%d conflict%s to resolve.\n", conflicts,
		        conflicts == 1 ? "" : "s");
		goto out;
	}
	if (isatty(STDIN_FILENO)) {
		rc = cli_read_text("Merge", merged, len, &text, &tlen, &message);
		if (rc == 1) {
			fprintf(stderr, "Nothing saved; the document still needs a "
			        "merge.\n");
			rc = EXIT_OK;
			goto out;
		}
		if (rc != EXIT_OK)
			goto out;
	} else {
		text = cli_read_all(stdin, &tlen);
		if (text == NULL) {
			rc = EXIT_FAIL;
			goto out;
		}
		/* Nothing on standard input: the automatic merge, if clean. */
		if (tlen == 0) {
			free(text);
			text = merged;
			tlen = len;
			merged = NULL;
			if (conflicts > 0) {
				fprintf(stderr, "amparo: %d conflict%s a person: "
				        "see 'amparo merge FILE DOC --preview', resolve "
				        "them and give the text on standard input\n",
				        conflicts, conflicts == 1 ? " needs" : "s need");
				rc = EXIT_FAIL;
				goto out;
			}
		}
	}
	if (vault_merge_commit(v, c->argv[1], text, tlen,
	                       cli_get(c, "message") ? cli_get(c, "message") : message,
	                       rev, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else
		printf("Recorded merge revision %.12s.\n", rev);
out:
	free(merged);
	free(text);
	free(message);
	return cli_close(v, rc);
}

int cmd_copy(cli_ctx *c)
{
	char id[VAULT_ID_HEX];
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_copy(v, c->argv[1], cli_get(c, "title"), id, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else
		printf("Copied into a new draft %.12s.\n", id);
	return cli_close(v, rc);
}
