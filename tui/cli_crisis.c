/* cli_crisis.c: crisis mode on the command line. Written to be read by
 * someone under stress: short lines, numbers to type, one thing at a
 * time, and every step logged with its time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "crisis.h"

typedef struct {
	crisis_item item[CRISIS_MAX_ITEMS];
	size_t n;
} checklist;

static void hhmm(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, 32, "?");
}

static void print_checklist(const checklist *cl, const crisis_state *s)
{
	char when[32];

	for (size_t i = 0; i < cl->n; i++) {
		if (cl->item[i].heading != NULL)
			printf("== %s\n", cl->item[i].heading);
		if (s->checked[i + 1]) {
			hhmm(s->checked[i + 1], when);
			printf(" [x] %2zu. %s  (%s)\n", i + 1, cl->item[i].text, when);
		} else {
			printf(" [ ] %2zu. %s\n", i + 1, cl->item[i].text);
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
static int crisis_loop(vault *v, const checklist *cl, crisis_state *s)
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

			if (item < 1 || (size_t)item > cl->n)
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
	crisis_state s;
	checklist cl;
	vault *v = NULL;
	vault_doc *d = NULL;
	vault_err err = {0};
	int rc;

	memset(&s, 0, sizeof s);
	memset(&cl, 0, sizeof cl);
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
	if (crisis_state_load(v, d->id, &s, &err) != VAULT_OK) {
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
	cl.n = crisis_items_parse(d->body, cl.item, CRISIS_MAX_ITEMS);
	printf("%s\n", d->title);
	if (check != NULL) {
		int item = atoi(check);

		if (item < 1 || (size_t)item > cl.n) {
			fprintf(stderr, "amparo: the checklist has items 1 to %zu\n", cl.n);
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
	crisis_items_free(cl.item, cl.n);
	vault_doc_free(d);
	return cli_close(v, rc);
}
