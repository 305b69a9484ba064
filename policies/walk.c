/* walk.c: walkthroughs: parsing and checking them against their
 * document (docs/template-format.md). */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void policy_walk_free(policy_walk *w)
{
	if (w == NULL)
		return;
	for (int s = 0; s < w->nsteps; s++) {
		policy_step *st = &w->steps[s];

		free(st->title);
		free(st->section);
		free(st->text);
		for (int q = 0; q < st->nquestions; q++) {
			policy_question *qu = &st->questions[q];

			free(qu->question);
			free(qu->why);
			free(qu->ref);
			for (int c = 0; c < qu->nchoices; c++)
				free(qu->choices[c].text);
		}
	}
	free(w->steps);
	free(w);
}

static int starts(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncmp(p, prefix, k) == 0;
}

/* A question is complete: choices, one right, why, ref. */
static int question_ok(const policy_question *q, char *err, size_t errlen,
                       int line)
{
	int right = 0;

	for (int c = 0; c < q->nchoices; c++)
		right += q->choices[c].right;
	if (q->nchoices < 2 || right != 1 || q->why == NULL || q->ref == NULL) {
		snprintf(err, errlen, "line %d: a question needs 2 to 4 choices, "
		         "exactly one right (+), a why: and a ref:", line);
		return 0;
	}
	return 1;
}

static int step_ok(const policy_step *s, char *err, size_t errlen, int line)
{
	if (s->section == NULL || s->nquestions < 1) {
		snprintf(err, errlen, "line %d: step \"%s\" needs a section: and "
		         "1 to 3 questions", line, s->title);
		return 0;
	}
	return question_ok(&s->questions[s->nquestions - 1], err, errlen, line);
}

/* Store one "key: value" line into the walk being built. */
static int take_line(policy_walk *w, const char *p, size_t n, int line,
                     char *err, size_t errlen)
{
	policy_step *s = w->nsteps > 0 ? &w->steps[w->nsteps - 1] : NULL;
	policy_question *q = s != NULL && s->nquestions > 0
		? &s->questions[s->nquestions - 1] : NULL;
	char **dst = NULL;
	size_t skip = 0;

	if (starts(p, n, "step: ")) {
		policy_step *grown;

		if (s != NULL && !step_ok(s, err, errlen, line))
			return -1;
		grown = realloc(w->steps, (size_t)(w->nsteps + 1) * sizeof *grown);
		if (grown == NULL)
			return -1;
		w->steps = grown;
		s = &w->steps[w->nsteps++];
		memset(s, 0, sizeof *s);
		dst = &s->title;
		skip = 6;
	} else if (s == NULL) {
		snprintf(err, errlen, "line %d: expected step:", line);
		return -1;
	} else if (starts(p, n, "section: ")) {
		dst = &s->section;
		skip = 9;
	} else if (starts(p, n, "text: ")) {
		dst = &s->text;
		skip = 6;
	} else if (starts(p, n, "q: ")) {
		if (q != NULL && !question_ok(q, err, errlen, line))
			return -1;
		if (s->nquestions == POLICY_MAX_QUESTIONS) {
			snprintf(err, errlen, "line %d: more than %d questions in a "
			         "step", line, POLICY_MAX_QUESTIONS);
			return -1;
		}
		q = &s->questions[s->nquestions++];
		dst = &q->question;
		skip = 3;
	} else if (q != NULL && (starts(p, n, "- ") || starts(p, n, "+ "))) {
		if (q->nchoices == POLICY_MAX_CHOICES) {
			snprintf(err, errlen, "line %d: more than %d choices", line,
			         POLICY_MAX_CHOICES);
			return -1;
		}
		q->choices[q->nchoices].right = p[0] == '+';
		if (p[0] == '+')
			q->right = q->nchoices;
		dst = &q->choices[q->nchoices++].text;
		skip = 2;
	} else if (q != NULL && starts(p, n, "why: ")) {
		dst = &q->why;
		skip = 5;
	} else if (q != NULL && starts(p, n, "ref: ")) {
		dst = &q->ref;
		skip = 5;
	} else {
		snprintf(err, errlen, "line %d: unexpected \"%.*s\"", line,
		         (int)(n > 40 ? 40 : n), p);
		return -1;
	}
	if (*dst != NULL) {
		snprintf(err, errlen, "line %d: repeated field", line);
		return -1;
	}
	*dst = strndup(p + skip, n - skip);
	return *dst != NULL ? 0 : -1;
}

int policy_walk_parse(const char *text, size_t len, policy_walk **out,
                      char *err, size_t errlen)
{
	policy_walk *w = calloc(1, sizeof *w);
	const char *p = text, *end = text + len;
	int line = 0;

	*out = NULL;
	if (w == NULL)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (n > 0 && p[0] != '#' &&
		    take_line(w, p, n, line, err, errlen) != 0)
			goto fail;
		p += n + 1;
	}
	if (w->nsteps == 0) {
		snprintf(err, errlen, "no steps");
		goto fail;
	}
	if (!step_ok(&w->steps[w->nsteps - 1], err, errlen, line))
		goto fail;
	*out = w;
	return 0;
fail:
	policy_walk_free(w);
	return -1;
}

/* Lower-case ASCII and the Latin-1 capitals Spanish uses (UTF-8 C3 80..9E),
 * so "Llama" matches "llama" and "Á" matches "á". */
static char *fold(const char *s, size_t n)
{
	char *o = malloc(n + 1);

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (i > 0 && (unsigned char)s[i - 1] == 0xc3 && c >= 0x80 &&
		         c <= 0x9e && c != 0x97)
			c = (unsigned char)(c + 0x20);
		o[i] = (char)c;
	}
	o[n] = '\0';
	return o;
}

/* Offset of the heading "## text" or "### text" in body, or -1. */
static long heading_at(const char *body, const char *text)
{
	for (const char *p = body; p != NULL && *p; p = strchr(p, '\n')) {
		const char *h;

		if (*p == '\n')
			p++;
		h = p;
		if (strncmp(h, "### ", 4) == 0)
			h += 4;
		else if (strncmp(h, "## ", 3) == 0)
			h += 3;
		else
			continue;
		if (strncmp(h, text, strlen(text)) == 0 &&
		    (h[strlen(text)] == '\n' || h[strlen(text)] == '\0'))
			return p - body;
	}
	return -1;
}

int policy_walk_check(const policy_walk *w, const char *body, size_t len,
                      char *err, size_t errlen)
{
	char *b = strndup(body, len), *lb = fold(body, len);
	long last = -1;
	int rc = -1;

	if (b == NULL || lb == NULL)
		goto out;
	for (int s = 0; s < w->nsteps; s++) {
		const policy_step *st = &w->steps[s];
		long at = heading_at(b, st->section);

		if (at < 0 || at < last) {
			snprintf(err, errlen, "step \"%s\": section \"%s\" %s",
			         st->title, st->section, at < 0 ? "is not a heading "
			         "of the document" : "is out of document order");
			goto out;
		}
		last = at;
		for (int q = 0; q < st->nquestions; q++) {
			char *ref = fold(st->questions[q].ref,
			                 strlen(st->questions[q].ref));
			int found = ref != NULL && strstr(lb, ref) != NULL;

			free(ref);
			if (!found) {
				snprintf(err, errlen, "step \"%s\": ref \"%s\" is not in "
				         "the document", st->title, st->questions[q].ref);
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(b);
	free(lb);
	return rc;
}
