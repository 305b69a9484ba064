/* ui_i18n.c: see ui_i18n.h. */
#include "ui_i18n.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef AMPARO_LOCALEDIR
#define AMPARO_LOCALEDIR "/usr/local/share/locale"
#endif

/* Whether the running binary lies under the build tree: then its catalogs
 * are the ones msgfmt just compiled there, not an older installed copy. */
static int from_build_tree(void)
{
#ifdef AMPARO_BUILD_DIR
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t bl = strlen(AMPARO_BUILD_DIR);

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	return strncmp(exe, AMPARO_BUILD_DIR, bl) == 0 && exe[bl] == '/';
#else
	return 0;
#endif
}

void ui_i18n_init(void)
{
	const char *dir = getenv("AMPARO_LOCALEDIR");

	if (dir == NULL || dir[0] == '\0') {
#ifdef AMPARO_BUILD_DIR
		dir = from_build_tree() ? AMPARO_BUILD_DIR "/locale" : AMPARO_LOCALEDIR;
#else
		dir = AMPARO_LOCALEDIR;
#endif
	}
	bindtextdomain("amparo", dir);
	bind_textdomain_codeset("amparo", "UTF-8");
	textdomain("amparo");
}
