/* crisis.c: see crisis.h. */
#include "crisis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t crisis_items_parse(const char *body, crisis_item *items, size_t max)
{
	const char *p = body, *head = NULL;
	size_t n = 0, head_len = 0;

	while (p != NULL && *p && n < max) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len > 3 && p[0] == '#' && p[1] == '#') {
			head = p;
			head_len = len;
		} else if (len > 6 && (strncmp(p, "- [ ] ", 6) == 0 ||
		                       strncmp(p, "- [x] ", 6) == 0)) {
			items[n].heading = NULL;
			/* The heading says where in the protocol an item is:
			 * a reader in a hurry looks for "First hour". */
			if (head != NULL) {
				while (head_len > 0 && *head == '#') {
					head++;
					head_len--;
				}
				while (head_len > 0 && *head == ' ') {
					head++;
					head_len--;
				}
				items[n].heading = strndup(head, head_len);
			}
			head = NULL;
			items[n++].text = strndup(p + 6, len - 6);
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return n;
}

void crisis_items_free(crisis_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].text);
		free(items[i].heading);
		items[i].text = items[i].heading = NULL;
	}
}

typedef struct {
	const char *doc;
	crisis_state *s;
} state_ctx;

static int latest_open(const vault_incident_entry *e, void *ctx)
{
	state_ctx *c = ctx;
	crisis_state *s = c->s;

	if (strcmp(e->doc, c->doc) != 0)
		return 0;
	if (e->act == VAULT_INCIDENT_OPEN) {
		snprintf(s->incident, sizeof s->incident, "%s", e->incident);
		snprintf(s->rev, sizeof s->rev, "%s", e->rev);
		memset(s->checked, 0, sizeof s->checked);
		s->open = 1;
	} else if (strcmp(e->incident, s->incident) == 0) {
		if (e->act == VAULT_INCIDENT_CLOSE)
			s->open = 0;
		else if (e->act == VAULT_INCIDENT_CHECK && e->item >= 1 &&
		         e->item <= CRISIS_MAX_ITEMS)
			s->checked[e->item] = e->time;
	}
	return 0;
}

vault_status crisis_state_load(vault *v, const char *doc_id, crisis_state *s,
                               vault_err *err)
{
	state_ctx c = {doc_id, s};

	memset(s, 0, sizeof *s);
	return vault_incident_each(v, NULL, latest_open, &c, err);
}
