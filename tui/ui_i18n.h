/* ui_i18n: gettext for the terminal UI (textdomain "amparo"; catalogs in
 * po/). Every string a person reads in the TUI goes through _(); N_()
 * marks strings translated later, where they are used. */
#ifndef AMPARO_UI_I18N_H
#define AMPARO_UI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Bind the "amparo" text domain: to $AMPARO_LOCALEDIR when set, to the
 * build tree's locale folder when this binary runs from the build tree,
 * else to the installed locale folder; messages in UTF-8. Call after
 * setlocale(LC_ALL, ""). */
void ui_i18n_init(void);

#endif
