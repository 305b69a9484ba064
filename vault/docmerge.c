/* docmerge.c: merging a document whose history forked in two copies, and
 * copying a partner's reference document into a draft of our own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "vault_int.h"

/* The two newest heads of a document and their best common ancestor: a
 * revision both descend from that no other such revision descends from
 * (the newest, if there are several). Times alone cannot tell: a
 * revision and its parent made in the same second share one. */
static vault_status merge_points(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                                 uint8_t ours[OBJ_ID_BYTES],
                                 uint8_t theirs[OBJ_ID_BYTES],
                                 uint8_t base[OBJ_ID_BYTES], int *has_base,
                                 vault_err *err)
{
	static const char sql[] =
		"WITH RECURSIVE"
		" a(id) AS (SELECT :a UNION SELECT p.parent FROM parents p JOIN a ON p.rev = a.id),"
		" b(id) AS (SELECT :b UNION SELECT p.parent FROM parents p JOIN b ON p.rev = b.id),"
		" c(id) AS (SELECT id FROM a INTERSECT SELECT id FROM b)"
		" SELECT r.id FROM revisions r WHERE r.id IN c"
		" AND NOT EXISTS (SELECT 1 FROM parents p WHERE p.parent = r.id"
		"                 AND p.rev IN c)"
		" ORDER BY r.time DESC, r.id DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int n = 0;

	rc = db_prepare(v->db, "SELECT rev FROM heads WHERE doc = :doc"
	                " ORDER BY time DESC, rev DESC LIMIT 2", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	while (sqlite3_step(st) == SQLITE_ROW)
		memcpy(n++ == 0 ? ours : theirs, sqlite3_column_blob(st, 0),
		       OBJ_ID_BYTES);
	sqlite3_finalize(st);
	if (n < 2)
		return vault_fail(err, VAULT_EUNCHANGED, "the document has one "
		                  "version: there is nothing to merge");
	rc = db_prepare(v->db, sql, &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":a", ours, OBJ_ID_BYTES);
	db_bind_blob(st, ":b", theirs, OBJ_ID_BYTES);
	*has_base = sqlite3_step(st) == SQLITE_ROW;
	if (*has_base)
		memcpy(base, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
	sqlite3_finalize(st);
	return VAULT_OK;
}

static vault_status load_body(vault *v, const uint8_t rev[OBJ_ID_BYTES],
                              uint8_t **data, obj *o, vault_err *err)
{
	size_t len = 0;
	vault_status rc = store_get(v, rev, data, &len, err);

	if (rc == VAULT_OK && (obj_decode(*data, len, o) != 0 ||
	                       o->type != OBJ_REVISION)) {
		free(*data);
		*data = NULL;
		rc = vault_fail(err, VAULT_EDAMAGED, "a stored revision is malformed");
	}
	return rc;
}

/* Resolve a document reference through vault_doc_get (which reports
 * unknown and ambiguous names), returning its raw id. */
static vault_status doc_id(vault *v, const char *ref, uint8_t doc[OBJ_DOC_BYTES],
                           vault_doc **d, vault_err *err)
{
	vault_status rc = vault_doc_get(v, ref, NULL, d, err);

	if (rc == VAULT_OK)
		obj_unhex((*d)->id, doc, OBJ_DOC_BYTES);
	return rc;
}

vault_status vault_merge_prepare(vault *v, const char *ref, char **merged,
                                 size_t *len, int *conflicts, vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES], ours[OBJ_ID_BYTES], theirs[OBJ_ID_BYTES],
		base[OBJ_ID_BYTES];
	uint8_t *d_ours = NULL, *d_theirs = NULL, *d_base = NULL;
	char lo[32], lt[32], hex[2 * OBJ_ID_BYTES + 1];
	merge_options mo;
	vault_doc *d = NULL;
	obj o, t, b;
	size_t nconf = 0;
	int has_base = 0;
	vault_status rc;

	*merged = NULL;
	rc = doc_id(v, ref, doc, &d, err);
	if (rc == VAULT_OK)
		rc = merge_points(v, doc, ours, theirs, base, &has_base, err);
	if (rc == VAULT_OK)
		rc = load_body(v, ours, &d_ours, &o, err);
	if (rc == VAULT_OK)
		rc = load_body(v, theirs, &d_theirs, &t, err);
	if (rc == VAULT_OK && has_base)
		rc = load_body(v, base, &d_base, &b, err);
	if (rc != VAULT_OK)
		goto out;
	obj_hex(ours, OBJ_ID_BYTES, hex);
	snprintf(lo, sizeof lo, "%.12s", hex);
	obj_hex(theirs, OBJ_ID_BYTES, hex);
	snprintf(lt, sizeof lt, "%.12s", hex);
	/* Without a common ancestor (never, in one vault) the empty text is
	 * the base: every line is then a change from both sides. */
	mo.label_ours = lo;
	mo.label_theirs = lt;
	if (merge_texts(has_base ? b.body.p : "", has_base ? b.body.len : 0,
	                o.body.p, o.body.len, t.body.p, t.body.len, &mo,
	                merged, len, &nconf) != MERGE_OK)
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory merging");
	*conflicts = (int)nconf;
out:
	free(d_ours);
	free(d_theirs);
	free(d_base);
	vault_doc_free(d);
	return rc;
}

vault_status vault_merge_commit(vault *v, const char *ref, const char *text,
                                size_t len, const char *message,
                                char rev_out[VAULT_REV_HEX], vault_err *err)
{
	uint8_t doc[OBJ_DOC_BYTES], ours[OBJ_ID_BYTES], theirs[OBJ_ID_BYTES],
		base[OBJ_ID_BYTES], rev[OBJ_ID_BYTES];
	uint8_t *data = NULL;
	vault_doc *d = NULL;
	int has_base = 0;
	vault_status rc;
	obj o;

	if (merge_has_conflicts(text, len))
		return vault_fail(err, VAULT_ECONFLICT, "the text still holds "
		                  "conflict markers (<<<<<<<, =======, >>>>>>>); "
		                  "resolve each conflict first");
	if (!obj_utf8_ok(text, len))
		return vault_fail(err, VAULT_EINVAL, "the text is not valid UTF-8");
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = doc_id(v, ref, doc, &d, err);
	if (rc == VAULT_OK && d->reference)
		rc = vault_fail(err, VAULT_EPERM, "this is a partner's document; "
		                "copy it into your own drafts with 'amparo copy'");
	if (rc == VAULT_OK)
		rc = merge_points(v, doc, ours, theirs, base, &has_base, err);
	if (rc == VAULT_OK)
		rc = load_body(v, ours, &data, &o, err);
	if (rc != VAULT_OK)
		goto fail;
	/* The newest head's title and metadata; both heads as parents. */
	o.nparents = 2;
	memcpy(o.parents[0], ours, OBJ_ID_BYTES);
	memcpy(o.parents[1], theirs, OBJ_ID_BYTES);
	if (memcmp(o.parents[0], o.parents[1], OBJ_ID_BYTES) > 0) {
		memcpy(o.parents[0], theirs, OBJ_ID_BYTES);
		memcpy(o.parents[1], ours, OBJ_ID_BYTES);
	}
	o.body.p = text;
	o.body.len = (uint32_t)len;
	o.message.p = message != NULL && *message ? message : "Merge";
	o.message.len = (uint32_t)strlen(o.message.p);
	rc = store_put(v, &o, rev, err);
	if (rc != VAULT_OK)
		goto fail;
	rc = db_commit(v, err);
	if (rc == VAULT_OK && rev_out != NULL)
		obj_hex(rev, OBJ_ID_BYTES, rev_out);
	free(data);
	vault_doc_free(d);
	return rc;
fail:
	db_rollback(v);
	free(data);
	vault_doc_free(d);
	return rc;
}

vault_status vault_doc_copy(vault *v, const char *ref, const char *title,
                            char id_out[VAULT_ID_HEX], vault_err *err)
{
	vault_doc *d = NULL;
	vault_meta m;
	char msg[128];
	vault_status rc;

	rc = vault_doc_get(v, ref, NULL, &d, err);
	if (rc != VAULT_OK)
		return rc;
	memset(&m, 0, sizeof m);
	m.title = title != NULL ? title : d->title;
	m.category = d->category;
	m.lang = d->lang;
	m.template_id = d->template_id;
	m.kind = d->kind;
	snprintf(msg, sizeof msg, "Copied from %.12s revision %.12s", d->id, d->rev);
	m.message = msg;
	rc = vault_doc_add(v, &m, d->body, d->body_len, id_out, err);
	vault_doc_free(d);
	return rc;
}
