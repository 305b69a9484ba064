/* editor_driver: runs the full-screen editor for tests/tui/editor.sh.
 *
 *   editor_driver RESULT [INPUT]
 *
 * Edits the bytes of INPUT (or an empty text) and, when the editor returns,
 * writes RESULT (created, never overwritten, mode 0600):
 *
 *   result N          editor_run's return value
 *   message TEXT      only when N is 1: the revision message
 *   ----              only when N is 1: then the saved text, byte for byte
 *
 * This program exists only for the tests; Amparo itself never writes the
 * edited text to a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "editor.h"

/* OUT *text: the whole file, malloc'd. Returns 0 or -1. */
static int read_all(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p = NULL;
	size_t cap = 0, n = 0, r;
	int rc = -1;

	if (f == NULL)
		goto out;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (p == NULL)
				goto out;
			buf = p;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		goto out;
	*text = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int write_result(const char *path, int result, const char *text,
                        size_t len, const char *message)
{
	FILE *f = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	int rc = -1;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		return -1;
	}
	fprintf(f, "result %d\n", result);
	if (result == EDITOR_SAVED) {
		fprintf(f, "message %s\n----\n", message);
		fwrite(text, 1, len, f);
	}
	if (fflush(f) == 0 && !ferror(f))
		rc = 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	char *input = NULL, *out = NULL, *message = NULL;
	size_t in_len = 0, out_len = 0;
	int result, status = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: editor_driver RESULT [INPUT]\n");
		return 2;
	}
	if (argc == 3 && read_all(argv[2], &input, &in_len) != 0) {
		fprintf(stderr, "editor_driver: %s: %s\n", argv[2],
		        strerror(errno));
		goto out;
	}
	result = editor_run("Política de viajes", input, in_len, &out,
	                    &out_len, &message);
	if (write_result(argv[1], result, out, out_len, message) != 0) {
		fprintf(stderr, "editor_driver: %s: %s\n", argv[1],
		        strerror(errno));
		goto out;
	}
	status = result < 0 ? 1 : 0;
out:
	free(input);
	free(out);
	free(message);
	return status;
}
