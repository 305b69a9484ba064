/* policy.c: finding templates and parsing their front matter. */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {
	"id", "title", "kind", "category", "classification", "owner",
	"approver", "review_months", "review_triggers", "threats",
	"acknowledge", "related",
};
#define NKEYS (sizeof keys / sizeof keys[0])

static char **field(policy_front *f, size_t k)
{
	char **slots[NKEYS] = {
		&f->id, &f->title, &f->kind, &f->category, &f->classification,
		&f->owner, &f->approver, NULL, &f->review_triggers, &f->threats,
		&f->acknowledge, &f->related,
	};

	return slots[k];
}

void policy_front_free(policy_front *f)
{
	for (size_t k = 0; k < NKEYS; k++)
		if (field(f, k) != NULL) {
			free(*field(f, k));
			*field(f, k) = NULL;
		}
}

static int one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return 1;
	return 0;
}

static int values_ok(const policy_front *f, char *err, size_t errlen)
{
	static const char *const kinds[] = {"policy", "protocol", "checklist", NULL};
	static const char *const classes[] = {"public", "internal", "confidential",
	                                      "restricted", NULL};

	if (!one_of(f->kind, kinds)) {
		snprintf(err, errlen, "kind \"%s\" is not policy, protocol or "
		         "checklist", f->kind);
		return 0;
	}
	if (!one_of(f->classification, classes)) {
		snprintf(err, errlen, "classification \"%s\" is unknown",
		         f->classification);
		return 0;
	}
	if (f->review_months < 1 || f->review_months > 24) {
		snprintf(err, errlen, "review_months must be 1 to 24");
		return 0;
	}
	return 1;
}

int policy_front_parse(const char *text, size_t len, policy_front *out,
                       char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *nl;
	int seen[NKEYS] = {0};

	memset(out, 0, sizeof *out);
	if (len < 4 || strncmp(text, "---\n", 4) != 0) {
		snprintf(err, errlen, "no front matter (the first line must be ---)");
		return -1;
	}
	for (p = text + 4; p < end; p = nl + 1) {
		const char *colon;
		size_t k;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if (nl - p == 3 && strncmp(p, "---", 3) == 0) {
			out->body = nl + 1;
			out->body_len = (size_t)(end - out->body);
			break;
		}
		colon = memchr(p, ':', (size_t)(nl - p));
		for (k = 0; colon != NULL && k < NKEYS; k++)
			if ((size_t)(colon - p) == strlen(keys[k]) &&
			    strncmp(p, keys[k], strlen(keys[k])) == 0)
				break;
		if (colon == NULL || k == NKEYS || seen[k]++) {
			snprintf(err, errlen, "front matter line \"%.*s\" is unknown "
			         "or repeated", (int)(nl - p), p);
			goto fail;
		}
		colon++;
		while (colon < nl && *colon == ' ')
			colon++;
		if (field(out, k) != NULL) {
			*field(out, k) = strndup(colon, (size_t)(nl - colon));
			if (*field(out, k) == NULL)
				goto oom;
		} else {
			out->review_months = atoi(colon);
		}
	}
	for (size_t k = 0; k < NKEYS; k++)
		if (!seen[k]) {
			snprintf(err, errlen, "front matter lacks \"%s\"", keys[k]);
			goto fail;
		}
	if (out->body == NULL) {
		snprintf(err, errlen, "front matter is not closed by ---");
		goto fail;
	}
	if (!values_ok(out, err, errlen))
		goto fail;
	if (out->body_len < 2 || strncmp(out->body, "# ", 2) != 0 ||
	    strncmp(out->body + 2, out->title, strlen(out->title)) != 0 ||
	    out->body[2 + strlen(out->title)] != '\n') {
		snprintf(err, errlen, "the body must open with \"# %s\"", out->title);
		goto fail;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	policy_front_free(out);
	return -1;
}

const policy_template *policy_template_find(const char *lang, const char *id)
{
	for (size_t i = 0; i < policy_template_total; i++) {
		const policy_template *t = &policy_templates[i];
		const char *dash = strchr(t->name, '-');

		/* File names are NN-<id>. */
		if (strcmp(t->lang, lang) == 0 && dash != NULL &&
		    strcmp(dash + 1, id) == 0)
			return t;
	}
	return NULL;
}
