/* mdhtml.c: the Markdown subset of docs/template-format.md as one
 * self-contained, printable HTML page (no scripts, no external files). */
#include "mdhtml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (p[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(p[i], out);
		}
	}
}

/* Inline text: **strong** and *emphasis*; everything else escaped. */
static void inline_text(FILE *out, const char *p, size_t n)
{
	int strong = 0, em = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '*' && i + 1 < n && p[i + 1] == '*') {
			fputs(strong ? "</strong>" : "<strong>", out);
			strong = !strong;
			i++;
		} else if (p[i] == '*') {
			fputs(em ? "</em>" : "<em>", out);
			em = !em;
		} else {
			esc(out, p + i, 1);
		}
	}
	if (em)
		fputs("</em>", out);
	if (strong)
		fputs("</strong>", out);
}

enum { NONE, PARA, UL, OL };

/* A list item stays open so that a continuation line can join it. */
static void close_li(FILE *out, int *in_li)
{
	if (*in_li)
		fputs("</li>\n", out);
	*in_li = 0;
}

static void close_block(FILE *out, int *block, int *in_li)
{
	static const char *const end[] = {"", "</p>\n", "</ul>\n", "</ol>\n"};

	close_li(out, in_li);
	fputs(end[*block], out);
	*block = NONE;
}

static const char style[] =
	"body{font-family:sans-serif;max-width:42em;margin:2em auto;"
	"line-height:1.45;padding:0 1em}h1{font-size:1.6em}h2{font-size:1.3em;"
	"margin-top:1.6em;border-bottom:1px solid #999}h3{font-size:1.1em}"
	"ul.checklist{list-style:none;padding-left:0.4em}"
	"ul.checklist li::before{content:none}"
	".meta{font-size:0.9em;color:#333}"
	"@media print{body{margin:0;max-width:none}h2{break-after:avoid}"
	"li{break-inside:avoid}}";

int mdhtml_write(FILE *out, const char *title, const char *lang,
                 const char *meta, const char *md, size_t len)
{
	const char *p = md, *end = md + len;
	int block = NONE, in_li = 0;
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	        "<meta charset=\"utf-8\">\n<title>", lang);
	esc(out, title, strlen(title));
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	if (meta != NULL && *meta) {
		fputs("<p class=\"meta\">", out);
		esc(out, meta, strlen(meta));
		fputs("</p>\n", out);
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		int level = 0;

		while ((size_t)level < n && p[level] == '#')
			level++;
		if (n == 0) {
			close_block(out, &block, &in_li);
		} else if (level >= 1 && level <= 3 && (size_t)level < n &&
		           p[level] == ' ') {
			close_block(out, &block, &in_li);
			fprintf(out, "<h%d>", level);
			inline_text(out, p + level + 1, n - (size_t)level - 1);
			fprintf(out, "</h%d>\n", level);
		} else if (n >= 6 && (strncmp(p, "- [ ] ", 6) == 0 ||
		                      strncmp(p, "- [x] ", 6) == 0)) {
			if (block != UL) {
				close_block(out, &block, &in_li);
				fputs("<ul class=\"checklist\">\n", out);
				block = UL;
			}
			close_li(out, &in_li);
			fprintf(out, "<li><input type=\"checkbox\" disabled%s> ",
			        p[3] == 'x' ? " checked" : "");
			inline_text(out, p + 6, n - 6);
			in_li = 1;
		} else if (n >= 2 && strncmp(p, "- ", 2) == 0) {
			if (block != UL) {
				close_block(out, &block, &in_li);
				fputs("<ul>\n", out);
				block = UL;
			}
			close_li(out, &in_li);
			fputs("<li>", out);
			inline_text(out, p + 2, n - 2);
			in_li = 1;
		} else if (n >= 3 && p[0] >= '0' && p[0] <= '9' &&
		           strspn(p, "0123456789") < n &&
		           strncmp(p + strspn(p, "0123456789"), ". ", 2) == 0) {
			size_t k = strspn(p, "0123456789") + 2;

			if (block != OL) {
				close_block(out, &block, &in_li);
				fputs("<ol>\n", out);
				block = OL;
			}
			close_li(out, &in_li);
			fputs("<li>", out);
			inline_text(out, p + k, n - k);
			in_li = 1;
		} else if (n >= 2 && p[0] == ' ' && p[1] == ' ' && in_li) {
			/* A list item continued on the next line. */
			fputc(' ', out);
			inline_text(out, p + 2, n - 2);
		} else {
			if (block != PARA) {
				close_block(out, &block, &in_li);
				fputs("<p>", out);
				block = PARA;
			} else {
				fputc('\n', out);
			}
			inline_text(out, p, n);
		}
		p += n + 1;
	}
	close_block(out, &block, &in_li);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
