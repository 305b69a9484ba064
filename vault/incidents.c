/* incidents.c: crisis mode. An incident is a chain of signed entries: it
 * is opened against one revision of a protocol, its checklist items are
 * checked off with the time and an optional note, and it is closed. The
 * log syncs like any other object. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

static int note_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > 2000 || !obj_utf8_ok(s != NULL ? s : "", n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return 0;
	return 1;
}

vault_status vault_incident_open(vault *v, const char *ref, const char *note,
                                 char id_out[VAULT_REV_HEX], vault_err *err)
{
	uint8_t id[OBJ_ID_BYTES];
	vault_doc *d = NULL;
	vault_status rc;
	obj o;

	if (!note_ok(note))
		return vault_fail(err, VAULT_EINVAL, "a note is one line of at "
		                  "most 2000 bytes of UTF-8 text");
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = vault_doc_get(v, ref, NULL, &d, err);
	if (rc != VAULT_OK)
		goto fail;
	memset(&o, 0, sizeof o);
	o.type = OBJ_INCIDENT;
	o.act = INCIDENT_OPEN;
	obj_unhex(d->id, o.doc, OBJ_DOC_BYTES);
	/* The approved text is the one the organisation stands behind. */
	obj_unhex(d->approved[0] ? d->approved : d->rev, o.rev, OBJ_ID_BYTES);
	o.note.p = note != NULL ? note : "";
	o.note.len = (uint32_t)strlen(o.note.p);
	rc = store_put(v, &o, id, err);
	if (rc != VAULT_OK)
		goto fail;
	vault_doc_free(d);
	rc = db_commit(v, err);
	if (rc == VAULT_OK)
		obj_hex(id, OBJ_ID_BYTES, id_out);
	return rc;
fail:
	vault_doc_free(d);
	db_rollback(v);
	return vault_guard(v, rc, err);
}

/* The incident's opening entry by id prefix, still open. */
static vault_status find_incident(vault *v, const char *ref, obj *open_o,
                                  uint8_t id[OBJ_ID_BYTES], vault_err *err)
{
	char p[VAULT_REV_HEX];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int n = 0, closed = 0;
	size_t i;

	for (i = 0; i < sizeof p - 1 && ref[i]; i++) {
		if (!isxdigit((unsigned char)ref[i]))
			return vault_fail(err, VAULT_ENOTFOUND, "\"%s\" is not an "
			                  "incident id", ref);
		p[i] = (char)tolower((unsigned char)ref[i]);
	}
	p[i] = '\0';
	if (i < 4)
		return vault_fail(err, VAULT_ENOTFOUND, "give at least 4 digits "
		                  "of the incident id");
	rc = db_prepare(v->db,
	                "SELECT i.id, i.doc, i.rev, EXISTS (SELECT 1 FROM incidents c"
	                " WHERE c.incident = i.id AND c.act = 4) FROM incidents i"
	                " WHERE i.act = 1 AND substr(lower(hex(i.id)), 1, length(:p)) = :p",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_text(st, ":p", p);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ == 0) {
			memcpy(id, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
			memcpy(open_o->doc, sqlite3_column_blob(st, 1), OBJ_DOC_BYTES);
			memcpy(open_o->rev, sqlite3_column_blob(st, 2), OBJ_ID_BYTES);
			closed = sqlite3_column_int(st, 3);
		}
	}
	sqlite3_finalize(st);
	if (n == 0)
		return vault_fail(err, VAULT_ENOTFOUND, "no incident %s", ref);
	if (n > 1)
		return vault_fail(err, VAULT_EAMBIGUOUS, "%s names %d incidents; "
		                  "give more of the id", ref, n);
	if (closed)
		return vault_fail(err, VAULT_EUNCHANGED, "incident %s is closed",
		                  ref);
	return VAULT_OK;
}

vault_status vault_incident_add(vault *v, const char *incident, int act,
                                unsigned item, const char *note,
                                vault_err *err)
{
	uint8_t id[OBJ_ID_BYTES];
	vault_status rc;
	obj o;

	if (act < INCIDENT_CHECK || act > INCIDENT_CLOSE)
		return vault_fail(err, VAULT_EINVAL, "unknown incident entry");
	if (!note_ok(note))
		return vault_fail(err, VAULT_EINVAL, "a note is one line of at "
		                  "most 2000 bytes of UTF-8 text");
	if (act == INCIDENT_NOTE && (note == NULL || *note == '\0'))
		return vault_fail(err, VAULT_EINVAL, "the note is empty");
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	memset(&o, 0, sizeof o);
	rc = find_incident(v, incident, &o, id, err);
	if (rc != VAULT_OK)
		goto fail;
	o.type = OBJ_INCIDENT;
	o.act = (uint8_t)act;
	memcpy(o.incident, id, OBJ_ID_BYTES);
	o.item = act == INCIDENT_CHECK ? item : 0;
	o.note.p = note != NULL ? note : "";
	o.note.len = (uint32_t)strlen(o.note.p);
	rc = store_put(v, &o, NULL, err);
	if (rc != VAULT_OK)
		goto fail;
	return db_commit(v, err);
fail:
	db_rollback(v);
	return vault_guard(v, rc, err);
}

vault_status vault_incident_each(vault *v, const char *incident,
                                 vault_incident_fn fn, void *ctx,
                                 vault_err *err)
{
	uint8_t only[OBJ_ID_BYTES];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	obj dummy;
	int src;

	if (incident != NULL) {
		memset(&dummy, 0, sizeof dummy);
		rc = find_incident(v, incident, &dummy, only, err);
		if (rc != VAULT_OK && rc != VAULT_EUNCHANGED)
			return rc;
	}
	rc = db_prepare(v->db,
	                "SELECT i.incident, coalesce(d.title, '?'), i.doc, i.rev,"
	                " i.act, i.item, i.note, coalesce(m.name, '(unknown)'), i.time"
	                " FROM incidents i JOIN incidents o ON o.id = i.incident"
	                " JOIN objects ob ON ob.id = i.id"
	                " LEFT JOIN documents d ON d.doc = i.doc"
	                " LEFT JOIN members m ON m.key = i.author"
	                " WHERE :all OR i.incident = :only"
	                " ORDER BY o.time, o.id, i.time, i.act = 4, ob.seq", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_int64(st, ":all", incident == NULL);
	db_bind_blob(st, ":only", incident != NULL ? only : (const uint8_t *)"",
	             incident != NULL ? OBJ_ID_BYTES : 0);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_incident_entry e;

		memset(&e, 0, sizeof e);
		obj_hex(sqlite3_column_blob(st, 0), OBJ_ID_BYTES, e.incident);
		e.protocol = (const char *)sqlite3_column_text(st, 1);
		obj_hex(sqlite3_column_blob(st, 2), OBJ_DOC_BYTES, e.doc);
		obj_hex(sqlite3_column_blob(st, 3), OBJ_ID_BYTES, e.rev);
		e.act = sqlite3_column_int(st, 4);
		e.item = (unsigned)sqlite3_column_int(st, 5);
		e.note = (const char *)sqlite3_column_text(st, 6);
		e.author = (const char *)sqlite3_column_text(st, 7);
		e.time = sqlite3_column_int64(st, 8);
		if (fn(&e, ctx) != 0)
			break;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_fail(v->db, src, err, "reading the incident log");
	sqlite3_finalize(st);
	return vault_guard(v, rc, err);
}
