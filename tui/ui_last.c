/* ui_last.c: see ui_last.h. */
#include "ui_last.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The state file's path into out; with mkdirs, create its folders.
 * AMPARO_NO_LAST=1 turns the memory off: the file names where a vault is
 * (docs/threat-model.md), which on a seized laptop says that one exists. */
static int state_file(char *out, size_t cap, int mkdirs)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	const char *off = getenv("AMPARO_NO_LAST");
	char dir[PATH_MAX];
	int n;

	if (off != NULL && *off != '\0' && strcmp(off, "0") != 0)
		return -1;
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, sizeof dir, "%s", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/.local/state", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= sizeof dir - 8)
		return -1;
	if (mkdirs) {
		/* Create each missing folder of .../state/amparo, user-only. */
		for (char *p = dir + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
	}
	strcat(dir, "/amparo");
	if (mkdirs && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	n = snprintf(out, cap, "%s/last", dir);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

char *ui_last_get(void)
{
	char file[PATH_MAX], buf[PATH_MAX];
	FILE *f;
	size_t n;

	if (state_file(file, sizeof file, 0) != 0)
		return NULL;
	f = fopen(file, "r");
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0' || access(buf, F_OK) != 0)
		return NULL;
	return strdup(buf);
}

int ui_last_set(const char *path)
{
	char file[PATH_MAX], abs[PATH_MAX];
	int fd, rc = -1;
	size_t len;

	if (realpath(path, abs) == NULL || state_file(file, sizeof file, 1) != 0)
		return -1;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	          0600);
	if (fd < 0)
		return -1;
	len = strlen(abs);
	abs[len] = '\n';
	if (write(fd, abs, len + 1) == (ssize_t)(len + 1))
		rc = 0;
	if (close(fd) != 0)
		rc = -1;
	return rc;
}
