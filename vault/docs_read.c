/* docs_read.c: documents and their revisions as front ends read them:
 * the list, one document at a revision, its history, and full-text search.
 * Nothing here writes; every change is in docs.c, which also resolves the
 * ids, prefixes and titles both sides accept (vault_int.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

/* --- reading ---------------------------------------------------------- */

#define DOC_COLUMNS \
	"d.doc, d.title, d.category, d.lang, d.kind, d.status, d.nheads," \
	" d.review_by, d.created, d.updated, d.head, d.approved," \
	" (SELECT m.name FROM revisions r JOIN members m ON m.key = r.author" \
	"  WHERE r.id = d.head), d.origin, d.template," \
	" d.approved IS NOT NULL AND d.status != 4 AND NOT EXISTS (SELECT 1" \
	"  FROM acks a WHERE a.rev = d.approved AND a.member = :me)" \
	" FROM documents d "

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

static vault_doc *doc_from_row(vault *v, sqlite3_stmt *st)
{
	vault_doc *d = calloc(1, sizeof *d);

	if (d == NULL)
		return NULL;
	obj_hex(sqlite3_column_blob(st, 0), OBJ_DOC_BYTES, d->id);
	d->title = col_dup(st, 1);
	d->category = col_dup(st, 2);
	d->lang = col_dup(st, 3);
	d->kind = sqlite3_column_int(st, 4);
	d->status = sqlite3_column_int(st, 5);
	d->heads = sqlite3_column_int(st, 6);
	d->review_by = sqlite3_column_int64(st, 7);
	d->created = sqlite3_column_int64(st, 8);
	d->updated = sqlite3_column_int64(st, 9);
	obj_hex(sqlite3_column_blob(st, 10), OBJ_ID_BYTES, d->rev);
	if (sqlite3_column_bytes(st, 11) == OBJ_ID_BYTES)
		obj_hex(sqlite3_column_blob(st, 11), OBJ_ID_BYTES, d->approved);
	d->author = col_dup(st, 12);
	d->template_id = col_dup(st, 14);
	d->awaiting_ack = sqlite3_column_int(st, 15);
	d->reference = sqlite3_column_bytes(st, 13) == VAULT_ID_BYTES &&
	               memcmp(sqlite3_column_blob(st, 13), v->header.vault_id,
	                      VAULT_ID_BYTES) != 0;
	d->message = strdup("");
	if (d->title == NULL || d->category == NULL || d->lang == NULL ||
	    d->author == NULL || d->message == NULL || d->template_id == NULL) {
		vault_doc_free(d);
		return NULL;
	}
	return d;
}

vault_status vault_doc_each(vault *v, vault_doc_fn fn, void *ctx,
                            vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "SELECT " DOC_COLUMNS
	                "ORDER BY d.category, d.title, d.doc", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":me", v->mk->sign_pk, OBJ_KEY_BYTES);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_doc *d = doc_from_row(v, st);

		if (d == NULL) {
			rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
			break;
		}
		src = fn(d, ctx);
		vault_doc_free(d);
		if (src != 0) {
			src = SQLITE_DONE; /* stopped by fn: not an error */
			break;
		}
	}
	if (rc == VAULT_OK && src != SQLITE_DONE && src != 0)
		rc = db_fail(v->db, src, err, "listing documents");
	sqlite3_finalize(st);
	return rc;
}

/* Replace d's per-revision fields with those of revision rev. */
static vault_status doc_at(vault *v, vault_doc *d, const uint8_t rev[OBJ_ID_BYTES],
                           vault_err *err)
{
	uint8_t *data = NULL;
	vault_status rc;
	obj o;

	rc = docs_load_rev(v, rev, &o, &data, err);
	if (rc != VAULT_OK)
		return rc;
	obj_hex(rev, OBJ_ID_BYTES, d->rev);
	free(d->title);
	free(d->category);
	free(d->lang);
	free(d->template_id);
	free(d->author);
	free(d->message);
	d->title = strndup(o.title.p, o.title.len);
	d->template_id = strndup(o.tmpl.p, o.tmpl.len);
	d->category = strndup(o.category.p, o.category.len);
	d->lang = strndup(o.lang.p, o.lang.len);
	d->message = strndup(o.message.p, o.message.len);
	d->author = store_member_name(v, o.author);
	d->kind = o.kind;
	d->review_by = o.review_by;
	d->updated = o.time;
	d->body_len = o.body.len;
	d->body = malloc(o.body.len + 1);
	if (d->body != NULL) {
		memcpy(d->body, o.body.p, o.body.len);
		d->body[o.body.len] = '\0';
	}
	free(data);
	if (d->title == NULL || d->category == NULL || d->lang == NULL ||
	    d->message == NULL || d->author == NULL || d->body == NULL ||
	    d->template_id == NULL)
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	return VAULT_OK;
}

vault_status vault_doc_get(vault *v, const char *ref, const char *revref,
                           vault_doc **out, vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES], rev[OBJ_ID_BYTES];
	sqlite3_stmt *st = NULL;
	vault_doc *d = NULL;
	vault_status rc;
	int src;

	*out = NULL;
	rc = docs_resolve_doc(v, ref, doc, err);
	if (rc != VAULT_OK)
		return rc;
	rc = db_prepare(v->db, "SELECT " DOC_COLUMNS "WHERE d.doc = :doc", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":me", v->mk->sign_pk, OBJ_KEY_BYTES);
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		d = doc_from_row(v, st);
		if (d == NULL)
			rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		else
			memcpy(rev, sqlite3_column_blob(st, 10), OBJ_ID_BYTES);
	} else if (src == SQLITE_DONE) {
		rc = vault_fail(err, VAULT_ENOTFOUND, "no such document");
	} else {
		rc = db_fail(v->db, src, err, "reading the document");
	}
	sqlite3_finalize(st);
	if (rc == VAULT_OK && revref != NULL)
		rc = docs_resolve_rev(v, doc, revref, rev, err);
	if (rc == VAULT_OK)
		rc = doc_at(v, d, rev, err);
	if (rc != VAULT_OK) {
		vault_doc_free(d);
		return rc;
	}
	*out = d;
	return VAULT_OK;
}

vault_status vault_log(vault *v, const char *ref, vault_rev_fn fn, void *ctx,
                       vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = docs_resolve_doc(v, ref, doc, err);
	if (rc != VAULT_OK)
		return rc;
	/* Revisions made in the same second share a time: their depth in
	 * the history (the longest path from the first revision, stored with
	 * each revision) puts a revision before its ancestors, as times never
	 * run backwards along history (store.c, floor_time). A status names
	 * a revision of its own document (store.c, index_status), so
	 * s.doc = r.doc holds for every match and lets the statuses_doc
	 * index find them: without it each revision scanned every status
	 * in the vault. */
	rc = db_prepare(v->db,
	                "SELECT r.id, r.time, coalesce(m.name, '(unknown)'),"
	                " r.message, r.nparents,"
	                " (SELECT parent FROM parents WHERE rev = r.id ORDER BY parent LIMIT 1),"
	                " (SELECT parent FROM parents WHERE rev = r.id ORDER BY parent LIMIT 1 OFFSET 1),"
	                " EXISTS (SELECT 1 FROM statuses s WHERE s.doc = r.doc"
	                "  AND s.rev = r.id AND s.status = 3),"
	                " EXISTS (SELECT 1 FROM statuses s WHERE s.doc = r.doc"
	                "  AND s.rev = r.id AND s.status = 2),"
	                " EXISTS (SELECT 1 FROM heads h WHERE h.doc = r.doc AND h.rev = r.id)"
	                " FROM revisions r LEFT JOIN members m ON m.key = r.author"
	                " WHERE r.doc = :doc ORDER BY r.time DESC, r.depth DESC,"
	                " r.id DESC",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_rev r;

		memset(&r, 0, sizeof r);
		obj_hex(sqlite3_column_blob(st, 0), OBJ_ID_BYTES, r.id);
		r.time = sqlite3_column_int64(st, 1);
		r.author = (char *)sqlite3_column_text(st, 2);
		r.message = (char *)sqlite3_column_text(st, 3);
		r.nparents = sqlite3_column_int(st, 4);
		for (int i = 0; i < 2; i++)
			if (sqlite3_column_bytes(st, 5 + i) == OBJ_ID_BYTES)
				obj_hex(sqlite3_column_blob(st, 5 + i), OBJ_ID_BYTES,
				        r.parents[i]);
		r.approved = sqlite3_column_int(st, 7);
		r.in_review = sqlite3_column_int(st, 8);
		r.head = sqlite3_column_int(st, 9);
		if (fn(&r, ctx) != 0)
			break;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_fail(v->db, src, err, "reading the history");
	sqlite3_finalize(st);
	return rc;
}

/* FTS5 query syntax is not for users: each word becomes a quoted prefix
 * term, all required. */
static char *fts_query(const char *q)
{
	size_t n = strlen(q);
	char *out = malloc(n * 2 + 8), *w = out;
	int in_word = 0;

	if (out == NULL)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)q; *p; p++) {
		int word = isalnum(*p) || *p >= 0x80;

		if (word && !in_word) {
			if (w != out)
				*w++ = ' ';
			*w++ = '"';
		} else if (!word && in_word) {
			*w++ = '"';
			*w++ = '*';
		}
		if (word)
			*w++ = (char)*p;
		in_word = word;
	}
	if (in_word) {
		*w++ = '"';
		*w++ = '*';
	}
	*w = '\0';
	return out;
}

vault_status vault_search(vault *v, const char *query, vault_hit_fn fn,
                          void *ctx, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	char *q = fts_query(query);
	vault_status rc;
	int src;

	if (q == NULL)
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	if (*q == '\0') {
		free(q);
		return vault_fail(err, VAULT_EINVAL, "the search has no words");
	}
	rc = db_prepare(v->db,
	                "SELECT d.doc, d.title, snippet(search, 1, '[', ']', '...', 12)"
	                " FROM search JOIN documents d ON d.rowid = search.rowid"
	                " WHERE search MATCH :q ORDER BY rank LIMIT :max", &st, err);
	if (rc != VAULT_OK) {
		free(q);
		return rc;
	}
	db_bind_text(st, ":q", q);
	/* Building a snippet is the costly part: only for the best ones. */
	db_bind_int64(st, ":max", VAULT_SEARCH_MAX);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_hit h;

		obj_hex(sqlite3_column_blob(st, 0), OBJ_DOC_BYTES, h.id);
		h.title = (const char *)sqlite3_column_text(st, 1);
		h.snippet = (const char *)sqlite3_column_text(st, 2);
		if (fn(&h, ctx) != 0)
			break;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_fail(v->db, src, err, "searching");
	sqlite3_finalize(st);
	free(q);
	return rc;
}
