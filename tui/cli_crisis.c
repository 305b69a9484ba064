/* cli_crisis.c: crisis mode on the command line. Written to be read by
 * someone under stress: short lines, numbers to type, one thing at a
 * time, and every step logged with its time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"

#define MAX_ITEMS 200

typedef struct {
	char *text[MAX_ITEMS];
	char *heading[MAX_ITEMS]; /* the heading above item i, where it changes */
	int n;
} checklist;

/* The "- [ ]" items of a Markdown body, in order, each with the heading it
 * sits under, so a reader in a hurry can find "First hour". */
static void checklist_parse(const char *body, checklist *cl)
{
	const char *p = body, *head = NULL;
	size_t head_len = 0;

	cl->n = 0;
	while (p != NULL && *p && cl->n < MAX_ITEMS) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len > 3 && p[0] == '#' && p[1] == '#') {
			head = p;
			head_len = len;
		} else if (len > 6 && (strncmp(p, "- [ ] ", 6) == 0 ||
		                       strncmp(p, "- [x] ", 6) == 0)) {
			cl->heading[cl->n] = head != NULL ? strndup(head, head_len) : NULL;
			head = NULL;
			cl->text[cl->n++] = strndup(p + 6, len - 6);
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
}

static void checklist_free(checklist *cl)
{
	for (int i = 0; i < cl->n; i++) {
		free(cl->text[i]);
		free(cl->heading[i]);
	}
	cl->n = 0;
}

static void hhmm(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, 32, "?");
}

/* The state of one incident: which items are checked, and when. */
typedef struct {
	char want_doc[VAULT_ID_HEX];
	char incident[VAULT_REV_HEX];
	char rev[VAULT_REV_HEX];
	int open;
	int64_t checked[MAX_ITEMS + 1];
} incident_state;

static int latest_open(const vault_incident_entry *e, void *ctx)
{
	incident_state *s = ctx;

	if (strcmp(e->doc, s->want_doc) != 0)
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
		         e->item <= MAX_ITEMS)
			s->checked[e->item] = e->time;
	}
	return 0;
}

static void print_checklist(const checklist *cl, const incident_state *s)
{
	char when[32];

	for (int i = 0; i < cl->n; i++) {
		if (cl->heading[i] != NULL)
			printf("%s\n", cl->heading[i]);
		if (s->checked[i + 1]) {
			hhmm(s->checked[i + 1], when);
			printf(" [x] %2d. %s  (%s)\n", i + 1, cl->text[i], when);
		} else {
			printf(" [ ] %2d. %s\n", i + 1, cl->text[i]);
		}
	}
}

static int print_entry(const vault_incident_entry *e, void *ctx)
{
	char when[32];
	static const char *const what[] = {"", "opened", "checked", "note",
	                                   "closed"};

	(void)ctx;
	hhmm(e->time, when);
	if (e->act == VAULT_INCIDENT_OPEN)
		printf("\nIncident %.8s: %s\n", e->incident, e->protocol);
	printf("  %s  %-14s %s", when, e->author, what[e->act]);
	if (e->act == VAULT_INCIDENT_CHECK)
		printf(" item %u", e->item);
	if (e->note[0])
		printf(": %s", e->note);
	printf("\n");
	return 0;
}

/* Print the emergency contacts section of the crisis-management protocol. */
static int print_contacts(const vault_doc *d, void *ctx)
{
	vault *v = ctx;
	vault_doc *full = NULL;
	vault_err err = {0};
	const char *p, *end;

	if (strcmp(d->template_id, "incident-crisis") != 0 || d->reference)
		return 0;
	if (vault_doc_get(v, d->id, d->approved[0] ? d->approved : NULL, &full,
	                  &err) != VAULT_OK)
		return 0;
	p = strstr(full->body, "## Emergency contacts");
	if (p == NULL)
		p = strstr(full->body, "## Contactos de emergencia");
	if (p != NULL) {
		end = strstr(p + 3, "\n## ");
		printf("%.*s\n", end != NULL ? (int)(end - p) : (int)strlen(p), p);
	}
	vault_doc_free(full);
	return 1;
}

static int print_protocol(const vault_doc *d, void *ctx)
{
	if (strcmp(d->category, "crisis") != 0 || d->status == 4 || d->reference)
		return 0;
	printf("  %.8s  %s%s\n", d->id, d->title,
	       d->approved[0] ? "" : "  (not approved yet)");
	(*(int *)ctx)++;
	return 0;
}

static int crisis_overview(vault *v)
{
	vault_err err = {0};
	int n = 0;

	vault_doc_each(v, print_contacts, v, &err);
	printf("Crisis protocols (amparo crisis FILE ID to follow one):\n");
	if (vault_doc_each(v, print_protocol, &n, &err) != VAULT_OK)
		return cli_report(v, &err);
	if (n == 0)
		printf("  none yet: add documents with --category crisis, or "
		       "start from the template library (amparo init --template)\n");
	return EXIT_OK;
}

/* Ask, check off, note, close, until the person leaves. */
static int crisis_loop(vault *v, const checklist *cl, incident_state *s)
{
	char line[2100];
	vault_err err = {0};

	for (;;) {
		printf("\n");
		print_checklist(cl, s);
		printf("\nType an item's number when it is done; n to add a note; "
		       "c to close the incident; q to leave (the log is kept).\n> ");
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL || line[0] == 'q')
			return EXIT_OK;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == 'c') {
			if (vault_incident_add(v, s->incident, VAULT_INCIDENT_CLOSE, 0,
			                       NULL, &err) != VAULT_OK)
				return cli_report(v, &err);
			printf("Incident closed. Its log stays in the vault.\n");
			return EXIT_OK;
		}
		if (line[0] == 'n') {
			printf("Note: ");
			fflush(stdout);
			if (fgets(line, sizeof line, stdin) == NULL)
				return EXIT_OK;
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] && vault_incident_add(v, s->incident,
			                                  VAULT_INCIDENT_NOTE, 0, line,
			                                  &err) != VAULT_OK)
				return cli_report(v, &err);
			continue;
		}
		{
			int item = atoi(line);

			if (item < 1 || item > cl->n)
				continue;
			printf("Note for item %d (Enter for none): ", item);
			fflush(stdout);
			if (fgets(line, sizeof line, stdin) == NULL)
				line[0] = '\0';
			line[strcspn(line, "\r\n")] = '\0';
			if (vault_incident_add(v, s->incident, VAULT_INCIDENT_CHECK,
			                       (unsigned)item, line, &err) != VAULT_OK)
				return cli_report(v, &err);
			s->checked[item] = (int64_t)time(NULL);
		}
	}
}

int cmd_crisis(cli_ctx *c)
{
	const char *check = cli_get(c, "check"), *note = cli_get(c, "note");
	incident_state s;
	checklist cl = {{0}, {0}, 0};
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	int rc;

	memset(&s, 0, sizeof s);
	rc = cli_open(c, cli_get(c, "log") || c->argc == 1 ? VAULT_READONLY : 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (cli_get(c, "log") != NULL) {
		if (vault_incident_each(v, NULL, print_entry, NULL, &err) != VAULT_OK)
			rc = cli_report(v, &err);
		goto out;
	}
	if (c->argc == 1) {
		rc = crisis_overview(v);
		goto out;
	}
	if (vault_doc_get(v, c->argv[1], NULL, &d, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	snprintf(s.want_doc, sizeof s.want_doc, "%s", d->id);
	if (vault_incident_each(v, NULL, latest_open, &s, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	if (!s.open) {
		if (vault_incident_open(v, c->argv[1], NULL, s.incident, &err) !=
		    VAULT_OK) {
			rc = cli_report(v, &err);
			goto out;
		}
		snprintf(s.rev, sizeof s.rev, "%s", d->approved[0] ? d->approved : d->rev);
		memset(s.checked, 0, sizeof s.checked);
		printf("Opened incident %.8s. Every step you check is logged with "
		       "its time.\n", s.incident);
	}
	vault_doc_free(d);
	d = NULL;
	if (vault_doc_get(v, c->argv[1], s.rev, &d, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	checklist_parse(d->body, &cl);
	printf("%s\n", d->title);
	if (check != NULL) {
		int item = atoi(check);

		if (item < 1 || item > cl.n) {
			fprintf(stderr, "amparo: the checklist has items 1 to %d\n", cl.n);
			rc = EXIT_USAGE;
		} else if (vault_incident_add(v, s.incident, VAULT_INCIDENT_CHECK,
		                              (unsigned)item, note, &err) != VAULT_OK) {
			rc = cli_report(v, &err);
		} else {
			s.checked[item] = (int64_t)time(NULL);
			print_checklist(&cl, &s);
		}
	} else if (note != NULL) {
		if (vault_incident_add(v, s.incident, VAULT_INCIDENT_NOTE, 0, note,
		                       &err) != VAULT_OK)
			rc = cli_report(v, &err);
	} else if (cli_get(c, "close") != NULL) {
		if (vault_incident_add(v, s.incident, VAULT_INCIDENT_CLOSE, 0, NULL,
		                       &err) != VAULT_OK)
			rc = cli_report(v, &err);
		else
			printf("Incident %.8s closed.\n", s.incident);
	} else if (isatty(STDIN_FILENO)) {
		rc = crisis_loop(v, &cl, &s);
	} else {
		print_checklist(&cl, &s);
	}
out:
	checklist_free(&cl);
	vault_doc_free(d);
	return cli_close(v, rc);
}
