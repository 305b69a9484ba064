/* docs.c: documents: add, list, find. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

#define TITLE_MAX 200
#define CATEGORY_MAX 64
#define BODY_MAX (16u << 20)

/* Strict UTF-8 (no overlongs, no surrogates): everything we store is text
 * that every front end can display. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int label_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !utf8_valid((const unsigned char *)s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static void to_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void vault_doc_free(vault_doc *d)
{
	if (d == NULL)
		return;
	free(d->title);
	free(d->category);
	free(d->author);
	if (d->body != NULL)
		ac_wipe(d->body, d->body_len);
	free(d->body);
	free(d);
}

vault_status vault_doc_add(vault *v, const char *title, const char *category,
                           const char *body, size_t body_len,
                           char id_out[VAULT_ID_HEX], vault_err *err)
{
	uint8_t raw[16];
	char id[VAULT_ID_HEX];
	sqlite3_stmt *st = NULL;
	int64_t now = vault_now();
	vault_status rc;
	int src;

	if (category == NULL || *category == '\0')
		category = "general";
	if (!label_ok(title, TITLE_MAX))
		return vault_fail(err, VAULT_EINVAL,
		                  "a title is 1 to %d bytes of UTF-8 text on one line",
		                  TITLE_MAX);
	if (!label_ok(category, CATEGORY_MAX))
		return vault_fail(err, VAULT_EINVAL,
		                  "a category is 1 to %d bytes of UTF-8 text on one line",
		                  CATEGORY_MAX);
	if (body_len > BODY_MAX)
		return vault_fail(err, VAULT_EINVAL,
		                  "the text is larger than %u MiB", BODY_MAX >> 20);
	if (memchr(body, '\0', body_len) != NULL ||
	    !utf8_valid((const unsigned char *)body, body_len))
		return vault_fail(err, VAULT_EINVAL,
		                  "the text is not valid UTF-8; save it as UTF-8 "
		                  "and try again");
	ac_random(raw, sizeof raw);
	to_hex(raw, sizeof raw, id);
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = db_prepare(v->db,
	                "INSERT INTO documents(id, title, category, body, author,"
	                " created, updated) VALUES (:id, :title, :cat, :body,"
	                " :author, :now, :now)", &st, err);
	if (rc != VAULT_OK)
		goto fail;
	db_bind_text(st, ":id", id);
	db_bind_text(st, ":title", title);
	db_bind_text(st, ":cat", category);
	sqlite3_bind_text64(st, sqlite3_bind_parameter_index(st, ":body"), body,
	                    body_len, SQLITE_TRANSIENT, SQLITE_UTF8);
	db_bind_int64(st, ":author", v->member_id);
	db_bind_int64(st, ":now", now);
	src = sqlite3_step(st);
	sqlite3_finalize(st);
	if (src != SQLITE_DONE) {
		rc = db_fail(v->db, src, err, "adding the document");
		goto fail;
	}
	rc = db_commit(v, err);
	if (rc == VAULT_OK)
		memcpy(id_out, id, VAULT_ID_HEX);
	return rc;
fail:
	db_rollback(v);
	return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

static vault_doc *doc_from_row(sqlite3_stmt *st, int with_body)
{
	vault_doc *d = calloc(1, sizeof *d);

	if (d == NULL)
		return NULL;
	snprintf(d->id, sizeof d->id, "%s", (const char *)sqlite3_column_text(st, 0));
	d->title = col_dup(st, 1);
	d->category = col_dup(st, 2);
	d->author = col_dup(st, 3);
	d->created = sqlite3_column_int64(st, 4);
	d->updated = sqlite3_column_int64(st, 5);
	if (with_body) {
		d->body_len = (size_t)sqlite3_column_bytes(st, 6);
		d->body = malloc(d->body_len + 1);
		if (d->body != NULL) {
			memcpy(d->body, sqlite3_column_text(st, 6), d->body_len);
			d->body[d->body_len] = '\0';
		}
	}
	if (d->title == NULL || d->category == NULL || d->author == NULL ||
	    (with_body && d->body == NULL)) {
		vault_doc_free(d);
		return NULL;
	}
	return d;
}

#define DOC_COLUMNS \
	"d.id, d.title, d.category, m.name, d.created, d.updated, d.body " \
	"FROM documents d JOIN members m ON m.id = d.author "

vault_status vault_doc_each(vault *v, vault_doc_fn fn, void *ctx,
                            vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "SELECT " DOC_COLUMNS
	                "ORDER BY d.category, d.title, d.id", &st, err);
	if (rc != VAULT_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_doc *d = doc_from_row(st, 0);

		if (d == NULL) {
			rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
			break;
		}
		src = fn(d, ctx);
		vault_doc_free(d);
		if (src != 0)
			break;
	}
	if (rc == VAULT_OK && src != SQLITE_DONE && src != SQLITE_ROW && src != 0)
		rc = db_fail(v->db, src, err, "listing documents");
	sqlite3_finalize(st);
	return rc;
}

static int is_hex_prefix(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Collect up to two ids matching ref; *count is the total. */
static vault_status resolve(vault *v, const char *ref, char found[2][VAULT_ID_HEX],
                            int *count, vault_err *err)
{
	char prefix[VAULT_ID_HEX + 1];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src, hex = is_hex_prefix(ref);

	*count = 0;
	if (hex) {
		size_t i;

		for (i = 0; ref[i]; i++)
			prefix[i] = (char)tolower((unsigned char)ref[i]);
		prefix[i] = '\0';
	} else {
		prefix[0] = '\0';
	}
	/* The id prefix range is a plain comparison, so no LIKE escaping. */
	rc = db_prepare(v->db,
	                "SELECT id FROM documents WHERE title = :ref"
	                " OR (:hex AND id >= :lo AND id < :lo || 'g')"
	                " ORDER BY id", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_text(st, ":ref", ref);
	db_bind_int64(st, ":hex", hex);
	db_bind_text(st, ":lo", prefix);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (*count < 2)
			snprintf(found[*count], VAULT_ID_HEX, "%s",
			         (const char *)sqlite3_column_text(st, 0));
		(*count)++;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(v->db, src, err, "finding the document");
	sqlite3_finalize(st);
	return rc;
}

vault_status vault_doc_get(vault *v, const char *ref, vault_doc **out,
                           vault_err *err)
{
	char found[2][VAULT_ID_HEX];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int count = 0, src;

	*out = NULL;
	rc = resolve(v, ref, found, &count, err);
	if (rc != VAULT_OK)
		return rc;
	if (count == 0)
		return vault_fail(err, VAULT_ENOTFOUND,
		                  "no document has the id, id prefix or title "
		                  "\"%s\" (see 'amparo ls')", ref);
	if (count > 1)
		return vault_fail(err, VAULT_EAMBIGUOUS,
		                  "\"%s\" names %d documents (%.12s, %.12s%s); "
		                  "give more of the id", ref, count, found[0],
		                  found[1], count > 2 ? ", ..." : "");
	rc = db_prepare(v->db, "SELECT " DOC_COLUMNS "WHERE d.id = :id", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_text(st, ":id", found[0]);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*out = doc_from_row(st, 1);
		if (*out == NULL)
			rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
	} else {
		rc = db_fail(v->db, src, err, "reading the document");
	}
	sqlite3_finalize(st);
	return rc;
}
