/* cli_members.c: member management, verify and rekey. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"

static int print_member(const vault_member_info *m, void *ctx)
{
	char added[32], removed[32];

	(void)ctx;
	cli_date(m->added, added);
	if (m->active) {
		printf("%-24s %-7s since %s  %.16s%s%s\n", m->name,
		       vault_role_name(m->role), added, m->key,
		       m->you ? "  (you)" : "",
		       m->has_slot ? "" : "  (no key slot in this copy)");
	} else {
		cli_date(m->removed, removed);
		printf("%-24s removed %s (was %s since %s)  %.16s\n", m->name,
		       removed, vault_role_name(m->role), added, m->key);
	}
	return 0;
}

static int member_add(cli_ctx *c, vault *v)
{
	const char *role_s = cli_get(c, "role");
	pass_secret pass = {NULL, 0};
	vault_err err = {0};
	pass_status ps;
	char prompt[256];
	int role, rc;

	if (c->argc != 3 || role_s == NULL) {
		fprintf(stderr, "usage: amparo member FILE add NAME --role "
		        "admin|editor|staff\n");
		return EXIT_USAGE;
	}
	role = vault_role_parse(role_s);
	if (role == 0) {
		fprintf(stderr, "amparo: --role is admin, editor or staff\n");
		return EXIT_USAGE;
	}
	if (vault_role(v) != 1) {
		fprintf(stderr, "amparo: only an admin can add members; you are "
		        "%s\n", vault_role_name(vault_role(v)));
		return EXIT_DENIED;
	}
	snprintf(prompt, sizeof prompt, "Passphrase for %s: ", c->argv[2]);
	ps = pass_read_new(&c->pass, prompt, "The same passphrase again: ", &pass);
	if (ps != PASS_OK) {
		fprintf(stderr, "amparo: %s\n", pass_status_msg(ps));
		return EXIT_FAIL;
	}
	rc = cli_check_new_passphrase(&pass);
	if (rc == EXIT_OK &&
	    vault_member_add(v, c->argv[2], role, pass.buf, pass.len, NULL,
	                     &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else if (rc == EXIT_OK)
		printf("Added %s as %s. Give them their passphrase in person, "
		       "never in writing.\n", c->argv[2], role_s);
	pass_free(&pass);
	return rc;
}

int cmd_member(cli_ctx *c)
{
	const char *action = c->argv[1];
	vault *v = NULL;
	vault_err err = {0};
	int rc, ro = strcmp(action, "ls") == 0;

	if (strcmp(action, "add") != 0 && strcmp(action, "ls") != 0 &&
	    strcmp(action, "remove") != 0 && strcmp(action, "role") != 0) {
		cli_usage_of(c->cmd);
		return EXIT_USAGE;
	}
	if ((ro && c->argc != 2) || (!ro && c->argc != 3)) {
		cli_usage_of(c->cmd);
		return EXIT_USAGE;
	}
	rc = cli_open(c, ro ? VAULT_READONLY : 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (strcmp(action, "ls") == 0) {
		if (vault_member_each(v, print_member, NULL, &err) != VAULT_OK)
			rc = cli_report(v, &err);
	} else if (strcmp(action, "add") == 0) {
		rc = member_add(c, v);
	} else if (strcmp(action, "remove") == 0) {
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "Removing %s and rotating the vault's "
			        "keys...\n", c->argv[2]);
		if (vault_member_remove(v, c->argv[2], &err) != VAULT_OK)
			rc = cli_report(v, &err);
		else
			printf("Removed %s. The vault's keys were rotated: copies "
			       "made from now on do not open with their "
			       "passphrase. Replace the other copies with fresh "
			       "ones.\n", c->argv[2]);
	} else {
		const char *role_s = cli_get(c, "role");
		int role = role_s != NULL ? vault_role_parse(role_s) : 0;

		if (role == 0) {
			fprintf(stderr, "amparo: --role is admin, editor or staff\n");
			rc = EXIT_USAGE;
		} else if (vault_member_set_role(v, c->argv[2], role, &err) !=
		           VAULT_OK) {
			rc = cli_report(v, &err);
		} else {
			printf("%s is now %s.\n", c->argv[2], role_s);
		}
	}
	return cli_close(v, rc);
}

static void print_problem(const vault_problem *p, void *ctx)
{
	(void)ctx;
	printf("BAD  %s %.16s: %s\n", p->type, p->id, p->problem);
}

int cmd_verify(cli_ctx *c)
{
	vault *v = NULL;
	vault_err err = {0};
	uint64_t checked = 0;
	int rc;

	rc = cli_open(c, VAULT_READONLY, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_check(v, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	if (vault_verify(v, print_problem, NULL, &checked, &err) != VAULT_OK) {
		rc = cli_report(v, &err);
		goto out;
	}
	printf("All %llu objects verified: ids, signatures, authors' roles and "
	       "references hold.\n", (unsigned long long)checked);
out:
	return cli_close(v, rc);
}

int cmd_rekey(cli_ctx *c)
{
	vault *v = NULL;
	vault_err err = {0};
	int rc;

	rc = cli_open(c, 0, &v);
	if (rc != EXIT_OK)
		return rc;
	if (vault_rekey(v, &err) != VAULT_OK)
		rc = cli_report(v, &err);
	else
		printf("Rotated the master key and the vault's address.\n");
	return cli_close(v, rc);
}
