/* mdhtml: render the template Markdown subset as a self-contained,
 * printable HTML page. */
#ifndef AMPARO_MDHTML_H
#define AMPARO_MDHTML_H

#include <stddef.h>
#include <stdio.h>

/* Write the page to out. meta: one line shown under nothing but the body
 * (revision, status), may be NULL. 0, or -1 on a write error. */
int mdhtml_write(FILE *out, const char *title, const char *lang,
                 const char *meta, const char *md, size_t len);

#endif
