/* ui_crisis.c: crisis mode in the TUI, one key (^E) from home: the
 * emergency contacts, the crisis protocols, and a protocol followed as a
 * checklist whose every check is a signed incident entry with its time
 * (the same records as `amparo crisis`, through vault_incident_*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crisis.h"
#include "ui_i18n.h"
#include "ui_int.h"


/* ---- contacts and protocols ---- */

typedef struct {
	vault *v;
	ui_lines *out;
	size_t width;
	int found;
} contacts_ctx;

/* The "Emergency contacts" section of the crisis-management protocol (made
 * from the incident-crisis template), rendered. */
static int find_contacts(const vault_doc *d, void *ctx)
{
	contacts_ctx *c = ctx;
	vault_doc *full = NULL;
	vault_err err = {0};
	const char *p, *end;

	if (strcmp(d->template_id, "incident-crisis") != 0 || d->reference)
		return 0;
	if (vault_doc_get(c->v, d->id, d->approved[0] ? d->approved : NULL, &full,
	                  &err) != VAULT_OK)
		return 0;
	p = strstr(full->body, "## Emergency contacts");
	if (p == NULL)
		p = strstr(full->body, "## Contactos de emergencia");
	if (p != NULL) {
		end = strstr(p + 3, "\n## ");
		c->found = ui_md_render(p, end ? (size_t)(end - p) : strlen(p),
		                        c->width, c->out) == 0;
	}
	vault_doc_free(full);
	return c->found;
}

typedef struct {
	ui_doc *v;
	size_t n, cap;
} proto_list;

static int collect_protocol(const vault_doc *d, void *ctx)
{
	proto_list *l = ctx;
	ui_doc *e;

	if (strcmp(d->category, "crisis") != 0 || d->status == 4 || d->reference)
		return 0;
	if (l->n == l->cap) {
		void *grown = ui_grow(l->v, &l->cap, sizeof *l->v);

		if (grown == NULL)
			return 1;
		l->v = grown;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", d->id);
	e->title = strdup(d->title);
	e->category = strdup(d->category);
	e->status = d->status;
	if (e->title == NULL || e->category == NULL) {
		ui_doc_clear(e);
		l->n--;
		return 1;
	}
	return 0;
}

void ui_act_crisis(ui_app *a)
{
	contacts_ctx c;
	proto_list l = {NULL, 0, 0};
	vault_err err = {0};
	ui_lines lines;
	const char *none = _("No emergency contacts yet: fill in the "
	                     "\"Emergency contacts\" section of the incident "
	                     "and crisis protocol.");

	ui_lines_init(&lines);
	c.v = a->v;
	c.out = &lines;
	c.width = a->s.cols > 2 ? (size_t)a->s.cols - 2 : 1;
	c.found = 0;
	vault_doc_each(a->v, find_contacts, &c, &err);
	if (!c.found)
		ui_lines_wrap(&lines, none, NULL, strlen(none), UI_A_BOLD, c.width,
		              0, 0);
	if (vault_doc_each(a->v, collect_protocol, &l, &err) != VAULT_OK) {
		ui_docs_free(l.v, l.n);
		ui_lines_clear(&lines);
		ui_act_fail(a, &err);
		return;
	}
	ui_set_crisis(&a->s, &lines, l.v, l.n);
}

/* ---- following a protocol ---- */

/* The protocol the checklist shows: the crisis screen's selection. */
static const ui_doc *protocol(const ui_app *a)
{
	return a->s.crisis.n ? &a->s.protos[a->s.crisis.sel] : NULL;
}

static int load_state(ui_app *a, crisis_state *st)
{
	vault_err err = {0};

	memset(st, 0, sizeof *st);
	if (crisis_state_load(a->v, protocol(a)->id, st, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return -1;
	}
	return 0;
}

void ui_act_protocol(ui_app *a)
{
	crisis_state st;
	vault_doc *d = NULL;
	vault_err err = {0};
	ui_item *items;
	crisis_item *parsed;
	size_t n;
	const char *rev;

	if (protocol(a) == NULL || load_state(a, &st) != 0)
		return;
	/* An open incident follows the revision it started on; a new one
	 * will follow the approved revision, else the current one. */
	if (vault_doc_get(a->v, protocol(a)->id, NULL, &d, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	rev = st.open ? st.rev : d->approved[0] ? d->approved : NULL;
	if (rev != NULL && strcmp(rev, d->rev) != 0) {
		vault_doc_free(d);
		d = NULL;
		if (vault_doc_get(a->v, protocol(a)->id, rev, &d, &err) != VAULT_OK) {
			ui_act_fail(a, &err);
			return;
		}
	}
	items = calloc(CRISIS_MAX_ITEMS, sizeof *items);
	parsed = calloc(CRISIS_MAX_ITEMS, sizeof *parsed);
	if (items != NULL && parsed != NULL) {
		n = crisis_items_parse(d->body, parsed, CRISIS_MAX_ITEMS);
		/* The model takes the strings over. */
		for (size_t i = 0; i < n; i++) {
			items[i].text = parsed[i].text;
			items[i].heading = parsed[i].heading;
			items[i].checked = st.open ? st.checked[i + 1] : 0;
		}
		ui_set_checklist(&a->s, d->title, items, n);
		if (n == 0)
			ui_set_msg(&a->s, _("This protocol has no checklist items "
			                    "(lines starting \"- [ ]\")."));
	} else {
		free(items);
	}
	free(parsed);
	vault_doc_free(d);
}

void ui_act_check(ui_app *a)
{
	crisis_state st;
	vault_err err = {0};
	unsigned item = (unsigned)a->s.items_list.sel + 1;
	char msg[200], when[16];
	time_t now = time(NULL);
	struct tm tm;

	if (protocol(a) == NULL || load_state(a, &st) != 0)
		return;
	if (!st.open && vault_incident_open(a->v, protocol(a)->id, NULL,
	                                    st.incident, &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	if (vault_incident_add(a->v, st.incident, VAULT_INCIDENT_CHECK, item, "",
	                       &err) != VAULT_OK) {
		ui_act_fail(a, &err);
		return;
	}
	ui_act_protocol(a);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof when, "%H:%M", &tm) == 0)
		snprintf(when, sizeof when, "?");
	snprintf(msg, sizeof msg, _("Step %u done at %s; it is logged and signed."),
	         item, when);
	ui_set_msg(&a->s, msg);
}
