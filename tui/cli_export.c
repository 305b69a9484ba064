/* cli_export.c: export-doc and import-doc, the one way plaintext leaves
 * the vault on purpose, and the way Markdown files come in. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "mdhtml.h"

/* A YAML string: double-quoted, with quotes and backslashes escaped. */
static void yaml_str(FILE *out, const char *key, const char *v)
{
	fprintf(out, "%s: \"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputs("\"\n", out);
}

/* Open the export target: stdout, or a new file the user named (mode 0600:
 * it holds plaintext the user asked for). */
static FILE *open_out(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "amparo: cannot create %s: %s%s\n", path,
		        strerror(errno), errno == EEXIST ? " (refusing to "
		        "overwrite it)" : "");
		return NULL;
	}
	return fdopen(fd, "w");
}

int cmd_export_doc(cli_ctx *c)
{
	const char *format = cli_get(c, "format"), *path = cli_get(c, "out");
	char date[32], meta[256];
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	FILE *out = NULL;
	int rc;

	if (format == NULL)
		format = "md";
	if (strcmp(format, "md") != 0 && strcmp(format, "html") != 0) {
		fprintf(stderr, "amparo: --format is md or html\n");
		return EXIT_USAGE;
	}
	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_get(v, c->argv[1], cli_get(c, "rev"), &d, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	out = open_out(path);
	if (out == NULL) {
		rc = EXIT_CANTWRITE;
		goto out;
	}
	cli_date(d->updated, date);
	if (strcmp(format, "md") == 0) {
		/* YAML metadata pandoc reads, then the body unchanged. */
		fputs("---\n", out);
		yaml_str(out, "title", d->title);
		yaml_str(out, "kind", vault_kind_name(d->kind));
		yaml_str(out, "category", d->category);
		yaml_str(out, "lang", d->lang);
		yaml_str(out, "status", vault_status_label(d->status));
		yaml_str(out, "revision", d->rev);
		yaml_str(out, "date", date);
		fputs("---\n\n", out);
		fwrite(d->body, 1, d->body_len, out);
		if (d->body_len > 0 && d->body[d->body_len - 1] != '\n')
			fputc('\n', out);
	} else {
		snprintf(meta, sizeof meta, "%s · %s · revision %.12s · %s",
		         vault_kind_name(d->kind), vault_status_label(d->status),
		         d->rev, date);
		mdhtml_write(out, d->title, d->lang, meta, d->body, d->body_len);
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "amparo: writing the export failed: %s\n",
		        strerror(errno));
		rc = EXIT_CANTWRITE;
	}
	if (out != stdout && fclose(out) != 0 && rc == EXIT_OK)
		rc = EXIT_CANTWRITE;
	if (rc == EXIT_OK && path != NULL && strcmp(path, "-") != 0)
		fprintf(stderr, "Wrote %s. It is plaintext: keep it as safe as the "
		        "vault, and delete it when done.\n", path);
out:
	vault_doc_free(d);
	return cli_close(v, rc);
}

/* Split "---\n...\n---\n" front matter off a Markdown file; fill the
 * fields we know (title:, category:, kind:, lang:). */
static const char *front_matter(const char *text, size_t len, vault_meta *m,
                                char store[4][256], size_t *body_len)
{
	const char *p, *end = text + len, *close;
	const char *names[4] = {"title", "category", "kind", "lang"};

	if (len < 4 || strncmp(text, "---\n", 4) != 0) {
		*body_len = len;
		return text;
	}
	close = strstr(text + 4, "\n---\n");
	if (close == NULL) {
		*body_len = len;
		return text;
	}
	for (p = text + 4; p < close; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n');

		for (int k = 0; k < 4; k++) {
			size_t kl = strlen(names[k]);
			const char *v = p + kl + 2;
			size_t vl;

			if (strncmp(p, names[k], kl) != 0 || p[kl] != ':' || v > nl)
				continue;
			vl = (size_t)(nl - v);
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			snprintf(store[k], 256, "%.*s", (int)vl, v);
		}
	}
	if (store[0][0])
		m->title = store[0];
	if (store[1][0])
		m->category = store[1];
	if (store[2][0])
		m->kind = vault_kind_parse(store[2]);
	if (store[3][0])
		m->lang = store[3];
	p = close + 5;
	while (p < end && *p == '\n')
		p++;
	*body_len = (size_t)(end - p);
	return p;
}

/* The "# Title" line opening a body, when there is no front matter. */
static void title_from_heading(const char *body, size_t len, char out[256])
{
	const char *nl;

	out[0] = '\0';
	if (len > 2 && strncmp(body, "# ", 2) == 0) {
		nl = memchr(body, '\n', len);
		snprintf(out, 256, "%.*s", (int)((nl ? (size_t)(nl - body) : len) - 2),
		         body + 2);
	}
}

int cmd_import_doc(cli_ctx *c)
{
	char store[4][256] = {"", "", "", ""}, heading[256], id[VAULT_REV_HEX];
	const char *body, *target = cli_get(c, "doc");
	vault_meta m;
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	FILE *in = NULL;
	char *text = NULL;
	size_t len = 0, body_len = 0;
	int rc;

	in = fopen(c->argv[1], "r");
	if (in == NULL) {
		fprintf(stderr, "amparo: cannot open %s: %s\n", c->argv[1],
		        strerror(errno));
		return errno == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL;
	}
	text = cli_read_all(in, &len);
	fclose(in);
	if (text == NULL) {
		fprintf(stderr, "amparo: cannot read %s\n", c->argv[1]);
		return EXIT_FAIL;
	}
	memset(&m, 0, sizeof m);
	body = front_matter(text, len, &m, store, &body_len);
	title_from_heading(body, body_len, heading);
	if (m.title == NULL && heading[0])
		m.title = heading;
	if (cli_get(c, "title") != NULL)
		m.title = cli_get(c, "title");
	m.message = cli_get(c, "message");
	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		goto out;
	/* A document named by --doc, or one with the same title, gets a new
	 * revision; anything else becomes a new document. */
	if (target == NULL && m.title != NULL &&
	    vault_doc_get(v, m.title, NULL, &d, &err) == VAULT_OK)
		target = m.title;
	if (target != NULL) {
		if (m.message == NULL)
			m.message = "Imported from a Markdown file";
		if (vault_doc_edit(v, target, &m, body, body_len, id, &err) != VAULT_OK)
			rc = cli_report(v, &err);
		else
			printf("Recorded revision %.12s of \"%s\" from %s.\n", id,
			       target, c->argv[1]);
	} else if (m.title == NULL) {
		fprintf(stderr, "amparo: %s has no title (no front matter title: "
		        "and no \"# \" heading); give --title\n", c->argv[1]);
		rc = EXIT_USAGE;
	} else if (vault_doc_add(v, &m, body, body_len, id, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
	} else {
		printf("Added \"%s\" as %.12s.\n", m.title, id);
	}
out:
	vault_doc_free(d);
	free(text);
	return cli_close(v, rc);
}
