/* acks.c: acknowledgements of approved revisions (walkthroughs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

vault_status vault_ack(vault *v, const char *ref, int score, int total,
                       vault_err *err)
{
	vault_doc *d = NULL;
	vault_status rc;
	obj o;

	if (total < 0 || total > 255 || score < 0 || score > total)
		return vault_fail(err, VAULT_EINVAL, "a score is 0 to %d", total);
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = vault_doc_get(v, ref, NULL, &d, err);
	if (rc == VAULT_OK && d->approved[0] == '\0')
		rc = vault_fail(err, VAULT_ENOTFOUND, "\"%s\" has no approved "
		                "revision yet: there is nothing to acknowledge",
		                d->title);
	if (rc != VAULT_OK)
		goto fail;
	memset(&o, 0, sizeof o);
	o.type = OBJ_ACK;
	obj_unhex(d->id, o.doc, OBJ_DOC_BYTES);
	obj_unhex(d->approved, o.rev, OBJ_ID_BYTES);
	o.score = (uint8_t)score;
	o.total = (uint8_t)total;
	rc = store_put(v, &o, NULL, err);
	if (rc != VAULT_OK)
		goto fail;
	vault_doc_free(d);
	return db_commit(v, err);
fail:
	vault_doc_free(d);
	db_rollback(v);
	return vault_guard(v, rc, err);
}

vault_status vault_ack_each(vault *v, const char *ref, vault_ack_fn fn,
                            void *ctx, vault_err *err)
{
	static const char sql[] =
		"SELECT m.name,"
		" (SELECT a.score FROM acks a WHERE a.member = m.key AND a.rev = :rev"
		"   ORDER BY a.time DESC LIMIT 1),"
		" (SELECT a.total FROM acks a WHERE a.member = m.key AND a.rev = :rev"
		"   ORDER BY a.time DESC LIMIT 1),"
		" (SELECT max(a.time) FROM acks a WHERE a.member = m.key AND a.rev = :rev),"
		" EXISTS (SELECT 1 FROM acks a WHERE a.member = m.key AND a.doc = :doc"
		"   AND a.rev != :rev)"
		" FROM members m WHERE m.vault = :vault AND m.removed IS NULL"
		" ORDER BY m.name";
	uint8_t doc[OBJ_DOC_BYTES], rev[OBJ_ID_BYTES];
	sqlite3_stmt *st = NULL;
	vault_doc *d = NULL;
	vault_status rc;
	int src;

	rc = vault_doc_get(v, ref, NULL, &d, err);
	if (rc != VAULT_OK)
		return rc;
	if (d->approved[0] == '\0') {
		vault_doc_free(d);
		return vault_fail(err, VAULT_ENOTFOUND, "no approved revision yet");
	}
	obj_unhex(d->id, doc, OBJ_DOC_BYTES);
	obj_unhex(d->approved, rev, OBJ_ID_BYTES);
	vault_doc_free(d);
	rc = db_prepare(v->db, sql, &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":rev", rev, OBJ_ID_BYTES);
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	db_bind_blob(st, ":vault", v->header.vault_id, VAULT_ID_BYTES);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_ack_info a;

		memset(&a, 0, sizeof a);
		a.member = (const char *)sqlite3_column_text(st, 0);
		a.acked = sqlite3_column_type(st, 1) != SQLITE_NULL;
		a.score = sqlite3_column_int(st, 1);
		a.total = sqlite3_column_int(st, 2);
		a.time = sqlite3_column_int64(st, 3);
		a.acked_older = !a.acked && sqlite3_column_int(st, 4);
		if (fn(&a, ctx) != 0)
			break;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_fail(v->db, src, err, "reading acknowledgements");
	sqlite3_finalize(st);
	return vault_guard(v, rc, err);
}
