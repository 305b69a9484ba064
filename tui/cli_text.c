/* cli_text.c: where the text of a new revision comes from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"

int cli_read_text(const char *title, const char *initial, size_t initial_len,
                  char **out, size_t *out_len, char **message)
{
	(void)title;
	(void)initial;
	(void)initial_len;
	*message = NULL;
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "Type the new text, then Ctrl-D on a line of "
		        "its own:\n");
	*out = cli_read_all(stdin, out_len);
	if (*out == NULL) {
		fprintf(stderr, "amparo: cannot read the text from standard input\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
