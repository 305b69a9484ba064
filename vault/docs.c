/* docs.c: documents and their revisions as front ends see them. Every
 * change goes through store_put as a signed object. Reading (the list, a
 * document, its history, search) is in docs_read.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

#define TITLE_MAX 200
#define LABEL_MAX 64
#define BODY_MAX (16u << 20)

const char *vault_kind_name(int kind)
{
	return obj_kind_name(kind);
}

int vault_kind_parse(const char *s)
{
	return obj_kind_parse(s);
}

const char *vault_status_label(int status)
{
	return obj_status_name(status);
}

void vault_doc_free(vault_doc *d)
{
	if (d == NULL)
		return;
	free(d->title);
	free(d->category);
	free(d->lang);
	free(d->template_id);
	free(d->author);
	free(d->message);
	if (d->body != NULL)
		ac_wipe(d->body, d->body_len);
	free(d->body);
	free(d);
}

static int label_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !obj_utf8_ok(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static vault_status check_meta(const vault_meta *m, const char *body,
                               size_t len, vault_err *err)
{
	if (m->title != NULL && !label_ok(m->title, TITLE_MAX))
		return vault_fail(err, VAULT_EINVAL, "a title is 1 to %d bytes "
		                  "of UTF-8 text on one line", TITLE_MAX);
	if (m->category != NULL && !label_ok(m->category, LABEL_MAX))
		return vault_fail(err, VAULT_EINVAL, "a category is 1 to %d "
		                  "bytes of UTF-8 text on one line", LABEL_MAX);
	if (m->lang != NULL && !label_ok(m->lang, 16))
		return vault_fail(err, VAULT_EINVAL, "a language is a short "
		                  "code such as en or es");
	if (m->message != NULL && strlen(m->message) > 0 &&
	    !label_ok(m->message, 1000))
		return vault_fail(err, VAULT_EINVAL, "a revision message is at "
		                  "most 1000 bytes of UTF-8 text on one line");
	if (m->kind != 0 && (m->kind < KIND_POLICY || m->kind > KIND_CHECKLIST))
		return vault_fail(err, VAULT_EINVAL, "a kind is policy, "
		                  "protocol or checklist");
	if (len > BODY_MAX)
		return vault_fail(err, VAULT_EINVAL, "the text is larger than "
		                  "%u MiB", BODY_MAX >> 20);
	if (body != NULL && !obj_utf8_ok(body, len))
		return vault_fail(err, VAULT_EINVAL, "the text is not valid "
		                  "UTF-8; save it as UTF-8 and try again");
	return VAULT_OK;
}

static obj_str cstr(const char *s)
{
	obj_str r = {s != NULL ? s : "", s != NULL ? (uint32_t)strlen(s) : 0};

	return r;
}

/* --- finding documents and revisions ---------------------------------- */

static int is_hex(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void lower_copy(char *dst, const char *src, size_t cap)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < cap; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

vault_status docs_resolve_doc(vault *v, const char *ref,
                              uint8_t doc[OBJ_DOC_BYTES], vault_err *err)
{
	char prefix[VAULT_ID_HEX], first[VAULT_ID_HEX] = "", second[VAULT_ID_HEX] = "";
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src, count = 0, hex = is_hex(ref, 4, 32);

	lower_copy(prefix, hex ? ref : "", sizeof prefix);
	rc = db_prepare(v->db,
	                "SELECT doc, lower(hex(doc)) FROM documents WHERE title = :ref"
	                " OR (:hex AND substr(lower(hex(doc)), 1, length(:p)) = :p)"
	                " ORDER BY doc", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_text(st, ":ref", ref);
	db_bind_int64(st, ":hex", hex);
	db_bind_text(st, ":p", prefix);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == 0)
			memcpy(doc, sqlite3_column_blob(st, 0), OBJ_DOC_BYTES);
		snprintf(count == 0 ? first : second, VAULT_ID_HEX, "%s",
		         (const char *)sqlite3_column_text(st, 1));
		count++;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return db_fail(v->db, src, err, "finding the document");
	if (count == 0)
		return vault_fail(err, VAULT_ENOTFOUND,
		                  "no document has the id, id prefix or title "
		                  "\"%s\" (see 'amparo ls')", ref);
	if (count > 1)
		return vault_fail(err, VAULT_EAMBIGUOUS,
		                  "\"%s\" names %d documents (%.12s, %.12s%s); "
		                  "give more of the id", ref, count, first, second,
		                  count > 2 ? ", ..." : "");
	return VAULT_OK;
}

vault_status docs_resolve_rev(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                              const char *ref, uint8_t rev[OBJ_ID_BYTES],
                              vault_err *err)
{
	char prefix[VAULT_REV_HEX];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src, count = 0;

	if (!is_hex(ref, 4, 64))
		return vault_fail(err, VAULT_ENOTFOUND,
		                  "\"%s\" is not a revision id (4 to 64 hex "
		                  "digits; see 'amparo log')", ref);
	lower_copy(prefix, ref, sizeof prefix);
	rc = db_prepare(v->db,
	                "SELECT id FROM revisions WHERE doc = :doc AND"
	                " substr(lower(hex(id)), 1, length(:p)) = :p", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	db_bind_text(st, ":p", prefix);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (count++ == 0)
			memcpy(rev, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return db_fail(v->db, src, err, "finding the revision");
	if (count == 0)
		return vault_fail(err, VAULT_ENOTFOUND,
		                  "the document has no revision %s (see 'amparo log')",
		                  ref);
	if (count > 1)
		return vault_fail(err, VAULT_EAMBIGUOUS,
		                  "%s names %d revisions; give more of the id",
		                  ref, count);
	return VAULT_OK;
}

/* The document's newest head and how many heads it has. */
static vault_status doc_head(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                             uint8_t head[OBJ_ID_BYTES], int *nheads,
                             vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "SELECT head, nheads FROM documents WHERE doc = :doc",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		memcpy(head, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
		*nheads = sqlite3_column_int(st, 1);
	} else if (src == SQLITE_DONE) {
		rc = vault_fail(err, VAULT_ENOTFOUND, "no such document");
	} else {
		/* A page that fails authentication is damage, not absence. */
		rc = db_fail(v->db, src, err, "reading the document");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Every head of a document (at most OBJ_MAX_PARENTS), newest first. */
static vault_status doc_heads(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                              uint8_t ids[OBJ_MAX_PARENTS][OBJ_ID_BYTES],
                              uint32_t *n, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;

	*n = 0;
	rc = db_prepare(v->db, "SELECT rev FROM heads WHERE doc = :doc"
	                " ORDER BY time DESC, rev DESC", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	while (*n < OBJ_MAX_PARENTS && sqlite3_step(st) == SQLITE_ROW)
		memcpy(ids[(*n)++], sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
	sqlite3_finalize(st);
	return VAULT_OK;
}

static int doc_is_reference(vault *v, const uint8_t doc[OBJ_DOC_BYTES])
{
	sqlite3_stmt *st = NULL;
	int ref = 0;

	if (db_prepare(v->db, "SELECT origin != :v FROM documents WHERE doc = :d",
	               &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":v", v->header.vault_id, VAULT_ID_BYTES);
		db_bind_blob(st, ":d", doc, OBJ_DOC_BYTES);
		ref = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return ref;
}

/* Load and decode a revision; *data owns the bytes o points into. */
vault_status docs_load_rev(vault *v, const uint8_t rev[OBJ_ID_BYTES], obj *o,
                           uint8_t **data, vault_err *err)
{
	size_t len = 0;
	vault_status rc = store_get(v, rev, data, &len, err);

	if (rc != VAULT_OK)
		return rc;
	if (obj_decode(*data, len, o) != 0 || o->type != OBJ_REVISION) {
		free(*data);
		*data = NULL;
		return vault_fail(err, VAULT_EDAMAGED, "a stored revision is "
		                  "malformed (run 'amparo verify')");
	}
	return VAULT_OK;
}

/* --- changes ---------------------------------------------------------- */

vault_status vault_doc_add(vault *v, const vault_meta *m, const char *body,
                           size_t body_len, char id_out[VAULT_ID_HEX],
                           vault_err *err)
{
	obj o;
	vault_status rc;

	if (m->title == NULL)
		return vault_fail(err, VAULT_EINVAL, "a new document needs a title");
	rc = check_meta(m, body, body_len, err);
	if (rc != VAULT_OK)
		return rc;
	memset(&o, 0, sizeof o);
	o.type = OBJ_REVISION;
	ac_random(o.doc, OBJ_DOC_BYTES);
	o.kind = (uint8_t)(m->kind ? m->kind : KIND_POLICY);
	o.lang = cstr(m->lang ? m->lang : "en");
	o.tmpl = cstr(m->template_id);
	o.category = cstr(m->category ? m->category : "general");
	o.title = cstr(m->title);
	o.review_by = m->review_by;
	o.message = cstr(m->message ? m->message : "Create");
	o.body.p = body != NULL ? body : "";
	o.body.len = (uint32_t)body_len;
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = store_put(v, &o, NULL, err);
	if (rc != VAULT_OK) {
		db_rollback(v);
		return rc;
	}
	rc = db_commit(v, err);
	if (rc == VAULT_OK)
		obj_hex(o.doc, OBJ_DOC_BYTES, id_out);
	return rc;
}

static int str_eq(obj_str a, obj_str b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* A new revision on top of the head, from the head's fields overridden by
 * m and body (NULL: keep the text). */
static vault_status edit_on_head(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                                 const vault_meta *m, const char *body,
                                 size_t body_len, uint8_t rev[OBJ_ID_BYTES],
                                 vault_err *err)
{
	uint8_t head[OBJ_ID_BYTES];
	uint8_t *data = NULL;
	obj cur, o;
	int nheads = 0;
	vault_status rc;

	if (doc_is_reference(v, doc))
		return vault_fail(err, VAULT_EPERM,
		                  "this is a partner's document, kept for "
		                  "reference; copy it into your own drafts with "
		                  "'amparo copy'");
	rc = doc_head(v, doc, head, &nheads, err);
	if (rc != VAULT_OK)
		return rc;
	if (nheads > 1)
		return vault_fail(err, VAULT_ECONFLICT,
		                  "the document was edited in two copies and has "
		                  "%d versions; merge them first ('amparo merge')",
		                  nheads);
	rc = docs_load_rev(v, head, &cur, &data, err);
	if (rc != VAULT_OK)
		return rc;
	o = cur;
	/* Heads with the same text have converged: the new revision joins
	 * them all. */
	rc = doc_heads(v, doc, o.parents, &o.nparents, err);
	if (rc != VAULT_OK) {
		free(data);
		return rc;
	}
	if (m->title != NULL)
		o.title = cstr(m->title);
	if (m->category != NULL)
		o.category = cstr(m->category);
	if (m->lang != NULL)
		o.lang = cstr(m->lang);
	if (m->kind != 0)
		o.kind = (uint8_t)m->kind;
	if (m->review_by != 0)
		o.review_by = m->review_by;
	if (body != NULL) {
		o.body.p = body;
		o.body.len = (uint32_t)body_len;
	}
	o.message = cstr(m->message ? m->message : "");
	if (str_eq(o.title, cur.title) && str_eq(o.category, cur.category) &&
	    str_eq(o.lang, cur.lang) && o.kind == cur.kind &&
	    o.review_by == cur.review_by && str_eq(o.body, cur.body)) {
		free(data);
		return vault_fail(err, VAULT_EUNCHANGED,
		                  "nothing changed; no new revision was recorded");
	}
	rc = store_put(v, &o, rev, err);
	free(data);
	return rc;
}

vault_status vault_doc_edit(vault *v, const char *ref, const vault_meta *m,
                            const char *body, size_t body_len,
                            char rev_out[VAULT_REV_HEX], vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES], rev[OBJ_ID_BYTES];
	vault_status rc;

	if (v->role == ROLE_STAFF)
		return vault_fail(err, VAULT_EPERM, "staff members read and "
		                  "acknowledge documents; ask an editor or admin "
		                  "to change them");
	rc = check_meta(m, body, body_len, err);
	if (rc != VAULT_OK)
		return rc;
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = docs_resolve_doc(v, ref, doc, err);
	if (rc == VAULT_OK)
		rc = edit_on_head(v, doc, m, body, body_len, rev, err);
	if (rc != VAULT_OK) {
		db_rollback(v);
		return rc;
	}
	rc = db_commit(v, err);
	if (rc == VAULT_OK && rev_out != NULL)
		obj_hex(rev, OBJ_ID_BYTES, rev_out);
	return rc;
}

vault_status vault_doc_restore(vault *v, const char *ref, const char *revref,
                               char rev_out[VAULT_REV_HEX], vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES], old[OBJ_ID_BYTES], rev[OBJ_ID_BYTES];
	char hex[VAULT_REV_HEX], msg[64], *title = NULL, *cat = NULL, *lang = NULL;
	uint8_t *data = NULL;
	vault_meta m;
	vault_status rc;
	obj o;

	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = docs_resolve_doc(v, ref, doc, err);
	if (rc == VAULT_OK)
		rc = docs_resolve_rev(v, doc, revref, old, err);
	if (rc == VAULT_OK)
		rc = docs_load_rev(v, old, &o, &data, err);
	if (rc != VAULT_OK)
		goto fail;
	obj_hex(old, OBJ_ID_BYTES, hex);
	snprintf(msg, sizeof msg, "Restore revision %.12s", hex);
	title = strndup(o.title.p, o.title.len);
	cat = strndup(o.category.p, o.category.len);
	lang = strndup(o.lang.p, o.lang.len);
	if (title == NULL || cat == NULL || lang == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		goto fail;
	}
	m.title = title;
	m.category = cat;
	m.lang = lang;
	m.kind = o.kind;
	m.review_by = o.review_by;
	m.message = msg;
	rc = edit_on_head(v, doc, &m, o.body.p, o.body.len, rev, err);
	if (rc != VAULT_OK)
		goto fail;
	rc = db_commit(v, err);
	if (rc == VAULT_OK && rev_out != NULL)
		obj_hex(rev, OBJ_ID_BYTES, rev_out);
	goto out;
fail:
	db_rollback(v);
out:
	free(title);
	free(cat);
	free(lang);
	free(data);
	return rc;
}

static int has_status(vault *v, const uint8_t rev[OBJ_ID_BYTES], int status)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (db_prepare(v->db, "SELECT 1 FROM statuses WHERE rev = :rev AND"
	               " status = :s", &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":rev", rev, OBJ_ID_BYTES);
		db_bind_int64(st, ":s", status);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return found;
}

vault_status vault_doc_set_status(vault *v, const char *ref, const char *revref,
                                  int status, const char *message,
                                  vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES], rev[OBJ_ID_BYTES];
	int nheads = 1;
	vault_status rc;
	obj o;

	if (status < STATUS_DRAFT || status > STATUS_ARCHIVED)
		return vault_fail(err, VAULT_EINVAL, "unknown status");
	/* The role first: "not allowed" is the answer that matters. */
	if ((status == STATUS_APPROVED || status == STATUS_ARCHIVED) &&
	    v->role != ROLE_ADMIN)
		return vault_fail(err, VAULT_EPERM, "only an admin can %s a "
		                  "document", status == STATUS_APPROVED ? "approve"
		                                                        : "archive");
	if (v->role == ROLE_STAFF)
		return vault_fail(err, VAULT_EPERM, "staff members cannot change "
		                  "a document's status");
	if (message != NULL && *message && !label_ok(message, 1000))
		return vault_fail(err, VAULT_EINVAL, "a message is at most 1000 "
		                  "bytes of UTF-8 text on one line");
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = docs_resolve_doc(v, ref, doc, err);
	if (rc == VAULT_OK && revref != NULL)
		rc = docs_resolve_rev(v, doc, revref, rev, err);
	else if (rc == VAULT_OK)
		rc = doc_head(v, doc, rev, &nheads, err);
	if (rc == VAULT_OK && nheads > 1)
		rc = vault_fail(err, VAULT_ECONFLICT, "the document has %d "
		                "versions from different copies; merge them "
		                "first ('amparo merge')", nheads);
	if (rc == VAULT_OK && has_status(v, rev, status))
		rc = vault_fail(err, VAULT_EUNCHANGED, "that revision is already "
		                "%s", obj_status_name(status));
	if (rc != VAULT_OK)
		goto fail;
	memset(&o, 0, sizeof o);
	o.type = OBJ_STATUS;
	memcpy(o.doc, doc, OBJ_DOC_BYTES);
	memcpy(o.rev, rev, OBJ_ID_BYTES);
	o.status = (uint8_t)status;
	o.message = cstr(message);
	rc = store_put(v, &o, NULL, err);
	if (rc != VAULT_OK)
		goto fail;
	return db_commit(v, err);
fail:
	db_rollback(v);
	return rc;
}
