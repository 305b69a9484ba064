/* policy: the template library compiled into the binary, and the parsers
 * for templates and walkthroughs (docs/template-format.md). Nothing here
 * prints or touches files. */
#ifndef AMPARO_POLICY_H
#define AMPARO_POLICY_H

#include <stddef.h>

typedef struct {
	const char *lang;  /* "en", "es" */
	const char *name;  /* file name without extension, "09-detention" */
	const char *md;    /* the template, md_len bytes (NUL after them) */
	size_t md_len;
	const char *walk;  /* its walkthrough, or NULL */
	size_t walk_len;
} policy_template;

/* The embedded library (policy_data.c, generated). */
extern const policy_template policy_templates[];
extern const size_t policy_template_total;

/* The template with this id (front matter "id") in this language. */
const policy_template *policy_template_find(const char *lang, const char *id);

/* A template's front matter; strings malloc'd, body points into the
 * template text. */
typedef struct {
	char *id, *title, *kind, *category, *classification, *owner, *approver,
		*review_triggers, *threats, *acknowledge, *related;
	int review_months;
	const char *body;
	size_t body_len;
} policy_front;

/* Parse a template: every front-matter key exactly once, valid values, one
 * "# " title equal to title. 0, or -1 with a reason in err. */
int policy_front_parse(const char *text, size_t len, policy_front *out,
                       char *err, size_t errlen);
void policy_front_free(policy_front *f);

#define POLICY_MAX_CHOICES 4
#define POLICY_MAX_QUESTIONS 3

typedef struct {
	char *text;
	int right;
} policy_choice;

typedef struct {
	char *question;
	policy_choice choices[POLICY_MAX_CHOICES];
	int nchoices;
	int right;    /* index of the one right choice */
	char *why;
	char *ref;
} policy_question;

typedef struct {
	char *title;
	char *section; /* a heading of the template */
	char *text;    /* may be NULL */
	policy_question questions[POLICY_MAX_QUESTIONS];
	int nquestions;
} policy_step;

typedef struct {
	policy_step *steps;
	int nsteps;
} policy_walk;

/* Parse a walkthrough: 1..3 questions a step, 2..4 choices a question,
 * exactly one right, each with why: and ref:. 0, or -1 with the line and
 * reason in err. */
int policy_walk_parse(const char *text, size_t len, policy_walk **out,
                      char *err, size_t errlen);
/* Check a walkthrough against the body of its document: every section
 * names a heading, in document order, and every ref appears in the body
 * (ignoring case). 0, or -1 with the first problem in err. */
int policy_walk_check(const policy_walk *w, const char *body, size_t len,
                      char *err, size_t errlen);
void policy_walk_free(policy_walk *w);

#endif
