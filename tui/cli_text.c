/* cli_text.c: where the text of a new revision comes from: the built-in
 * editor on a terminal (the text stays in memory: no temporary file, no
 * swap file), standard input otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_int.h"
#include "editor.h"

int cli_read_text(const char *title, const char *initial, size_t initial_len,
                  char **out, size_t *out_len, char **message)
{
	int rc;

	*message = NULL;
	*out = NULL;
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		rc = editor_run(title, initial, initial_len, out, out_len, message);
		if (rc == EDITOR_SAVED)
			return EXIT_OK;
		if (rc == EDITOR_QUIT)
			return 1;
		fprintf(stderr, "amparo: %s\n", rc == EDITOR_ENOMEM
		        ? "out of memory starting the editor"
		        : "the terminal cannot run the editor; give the text on "
		          "standard input instead");
		return EXIT_FAIL;
	}
	*out = cli_read_all(stdin, out_len);
	if (*out == NULL) {
		fprintf(stderr, "amparo: cannot read the text from standard input\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
