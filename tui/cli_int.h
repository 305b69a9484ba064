/* cli_int.h: private to the command-line handlers. */
#ifndef AMPARO_CLI_INT_H
#define AMPARO_CLI_INT_H

#include <stdio.h>

#include "cli.h"

#define MIN_PASSPHRASE 8

/* Read all of a stream into a malloc'd buffer. NULL on error. */
char *cli_read_all(FILE *in, size_t *len);
/* "YYYY-MM-DD" of a UTC time. */
void cli_date(int64_t t, char out[32]);
/* Parse YYYY-MM-DD (UTC midnight). 0 on success. */
int cli_parse_date(const char *s, int64_t *out);
/* Refuse passphrases too short to be one. */
int cli_check_new_passphrase(const pass_secret *p);
/* Read the text of a new revision: the built-in editor on a terminal,
 * else standard input. *message may be set by the editor. Returns
 * EXIT_OK, or 1 with nothing to save (the user quit), or an exit status. */
int cli_read_text(const char *title, const char *initial, size_t initial_len,
                  char **out, size_t *out_len, char **message);

int cmd_add(cli_ctx *c);
int cmd_edit(cli_ctx *c);
int cmd_ls(cli_ctx *c);
int cmd_show(cli_ctx *c);
int cmd_log(cli_ctx *c);
int cmd_diff(cli_ctx *c);
int cmd_restore(cli_ctx *c);
int cmd_submit(cli_ctx *c);
int cmd_approve(cli_ctx *c);
int cmd_archive(cli_ctx *c);
int cmd_search(cli_ctx *c);
int cmd_member(cli_ctx *c);
int cmd_verify(cli_ctx *c);
int cmd_rekey(cli_ctx *c);
int cmd_address(cli_ctx *c);
int cmd_export(cli_ctx *c);
int cmd_import(cli_ctx *c);
int cmd_sync(cli_ctx *c);
int cmd_merge(cli_ctx *c);
int cmd_copy(cli_ctx *c);
int cmd_templates(cli_ctx *c);
int cmd_walk(cli_ctx *c);
int cmd_status(cli_ctx *c);
int cmd_crisis(cli_ctx *c);
int cmd_export_doc(cli_ctx *c);
int cmd_import_doc(cli_ctx *c);
/* Add the template library in lang to v as drafts. */
int cli_add_templates(cli_ctx *c, vault *v, const char *lang);

#endif
