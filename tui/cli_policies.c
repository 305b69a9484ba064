/* cli_policies.c: the template library, walkthroughs and the status
 * report: templates, walk, status, and init --template. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "policy.h"

int cmd_templates(cli_ctx *c)
{
	const char *lang = cli_get(c, "lang");
	char err[256];

	for (size_t i = 0; i < policy_template_total; i++) {
		const policy_template *t = &policy_templates[i];
		policy_front f;

		if (lang != NULL && strcmp(lang, t->lang) != 0)
			continue;
		if (policy_front_parse(t->md, t->md_len, &f, err, sizeof err) != 0) {
			fprintf(stderr, "amparo: built-in template %s/%s: %s\n",
			        t->lang, t->name, err);
			return EXIT_FAIL;
		}
		printf("%s  %-22s %-9s %-15s %s\n", t->lang, f.id, f.kind,
		       f.category, f.title);
		policy_front_free(&f);
	}
	return EXIT_OK;
}

static int64_t months_from_now(int months)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	tm.tm_mon += months;
	return (int64_t)timegm(&tm);
}

/* Add every template of lang to the vault as a draft. */
int cli_add_templates(cli_ctx *c, vault *v, const char *lang)
{
	char err[256], id[VAULT_ID_HEX];
	vault_err verr = {0};
	int added = 0;

	for (size_t i = 0; i < policy_template_total; i++) {
		const policy_template *t = &policy_templates[i];
		policy_front f;
		vault_meta m;

		if (strcmp(t->lang, lang) != 0)
			continue;
		if (policy_front_parse(t->md, t->md_len, &f, err, sizeof err) != 0) {
			fprintf(stderr, "amparo: built-in template %s: %s\n", t->name,
			        err);
			return EXIT_FAIL;
		}
		memset(&m, 0, sizeof m);
		m.title = f.title;
		m.category = f.category;
		m.lang = lang;
		m.template_id = f.id;
		m.kind = vault_kind_parse(f.kind);
		m.review_by = months_from_now(f.review_months);
		m.message = lang[0] == 'e' && lang[1] == 's'
			            ? "Desde la biblioteca de plantillas"
			            : "From the template library";
		if (vault_doc_add(v, &m, f.body, f.body_len, id, &verr) != VAULT_OK) {
			policy_front_free(&f);
			return cli_report(v, &verr);
		}
		policy_front_free(&f);
		added++;
	}
	(void)c;
	printf("Added %d draft%s from the template library (%s).\n", added,
	       added == 1 ? "" : "s", lang);
	return EXIT_OK;
}

/* The few words of the walkthrough, in the document's language. */
typedef struct {
	const char *steps, *step, *question, *answer, *right, *wrong, *again,
		*stop, *done, *recorded, *practice;
} walk_words;

static const walk_words words_en = {
	"steps. Answer with the number of your choice; q stops.", "Step",
	"Question:", "Your answer: ", "Right.", "Not quite.", "Try again.",
	"Stopped. Nothing was recorded.",
	"Done. Right at the first try:",
	"Recorded your acknowledgement of the approved revision",
	"This document has no approved revision yet: this was practice, and "
	"nothing was recorded.",
};

static const walk_words words_es = {
	"pasos. Responde con el número de tu opción; q para salir.", "Paso",
	"Pregunta:", "Tu respuesta: ", "Correcto.", "No exactamente.",
	"Intenta de nuevo.", "Saliste. No se registró nada.",
	"Listo. Correctas al primer intento:",
	"Quedó registrado tu acuse de la revisión aprobada",
	"Este documento todavía no tiene una revisión aprobada: fue una "
	"práctica y no se registró nada.",
};

/* Ask one question until answered right; 1 if right at the first try,
 * 0 if later, -1 if the person stopped. */
static int ask(const walk_words *w, const policy_question *q)
{
	char line[64];
	int first = 1;

	printf("%s %s\n", w->question, q->question);
	for (int i = 0; i < q->nchoices; i++)
		printf("  %d) %s\n", i + 1, q->choices[i].text);
	for (;;) {
		long n;
		char *end;

		fputs(w->answer, stdout);
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL || line[0] == 'q')
			return -1;
		n = strtol(line, &end, 10);
		if (end == line || n < 1 || n > q->nchoices)
			continue;
		if (n - 1 == q->right) {
			printf("%s\n", w->right);
			return first;
		}
		printf("%s %s\n%s\n", w->wrong, q->why, w->again);
		first = 0;
	}
}

int cmd_walk(cli_ctx *c)
{
	const policy_template *t = NULL;
	policy_walk *w = NULL;
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	const walk_words *ww = &words_en;
	char msg[256];
	int rc, score = 0, total = 0;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_doc_get(v, c->argv[1], NULL, &d, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	if (d->template_id[0] != '\0')
		t = policy_template_find(d->lang, d->template_id);
	if (t == NULL || t->walk == NULL ||
	    policy_walk_parse(t->walk, t->walk_len, &w, msg, sizeof msg) != 0) {
		fprintf(stderr, "amparo: \"%s\" has no walkthrough (only documents "
		        "made from the template library have one)\n", d->title);
		rc = EXIT_NOTFOUND;
		goto out;
	}
	if (strcmp(d->lang, "es") == 0)
		ww = &words_es;
	printf("%s\n", d->title);
	printf("%d %s\n", w->nsteps, ww->steps);
	for (int s = 0; s < w->nsteps; s++) {
		const policy_step *st = &w->steps[s];

		printf("\n");
		printf("%s %d/%d: %s\n", ww->step, s + 1, w->nsteps, st->title);
		if (st->text != NULL)
			printf("%s\n", st->text);
		for (int q = 0; q < st->nquestions; q++) {
			int r = ask(ww, &st->questions[q]);

			if (r < 0) {
				printf("%s\n", ww->stop);
				rc = EXIT_FAIL;
				goto out;
			}
			score += r;
			total++;
		}
	}
	printf("\n");
	printf("%s %d/%d\n", ww->done, score, total);
	if (d->approved[0] == '\0') {
		printf("%s\n", ww->practice);
	} else if (vault_ack(v, c->argv[1], score, total, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
	} else {
		printf("%s %.12s.\n", ww->recorded, d->approved);
	}
out:
	policy_walk_free(w);
	vault_doc_free(d);
	return cli_close(v, rc);
}

typedef struct {
	vault *v;
	int rc;
	int due, merges;
} status_ctx;

static int print_ack(const vault_ack_info *a, void *ctx)
{
	int *pending = ctx;

	if (a->acked) {
		printf("      read and understood: %s (%d/%d)\n", a->member,
		       a->score, a->total);
	} else {
		printf("      must read%s: %s\n",
		       a->acked_older ? " again (a newer revision was approved)" : "",
		       a->member);
		(*pending)++;
	}
	return 0;
}

static int status_doc(const vault_doc *d, void *ctx)
{
	status_ctx *s = ctx;
	vault_err err = {0};
	int pending = 0;

	if (d->approved[0] == '\0' || d->reference)
		return 0;
	printf("  %s (approved revision %.12s)\n", d->title, d->approved);
	if (vault_ack_each(s->v, d->id, print_ack, &pending, &err) != VAULT_OK) {
		s->rc = cli_report(s->v, &err);
		return 1;
	}
	return 0;
}

static int status_flags(const vault_doc *d, void *ctx)
{
	status_ctx *s = ctx;
	char date[32];

	if (d->review_by != 0 && d->review_by < (int64_t)time(NULL) &&
	    d->status != 4 && !d->reference) {
		cli_date(d->review_by, date);
		printf("  review due: %s (review by %s)\n", d->title, date);
		s->due++;
	}
	if (d->heads > 1) {
		printf("  needs merge: %s\n", d->title);
		s->merges++;
	}
	return 0;
}

int cmd_status(cli_ctx *c)
{
	status_ctx s = {NULL, EXIT_OK, 0, 0};
	vault_err err = {0};
	int rc;

	rc = cli_open(c, VAULT_READONLY, &s.v);
	if (rc != EXIT_OK)
		return rc;
	printf("Acknowledgements of approved documents:\n");
	if (vault_doc_each(s.v, status_doc, &s, &err) != VAULT_OK && s.rc == EXIT_OK)
		s.rc = cli_report(s.v, &err);
	printf("Reviews and merges:\n");
	if (s.rc == EXIT_OK &&
	    vault_doc_each(s.v, status_flags, &s, &err) != VAULT_OK)
		s.rc = cli_report(s.v, &err);
	if (s.rc == EXIT_OK && s.due == 0 && s.merges == 0)
		printf("  nothing is past its review date or needs a merge.\n");
	return cli_close(s.v, s.rc);
}
