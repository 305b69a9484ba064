/* store.c: the object store. Objects are immutable and content-addressed;
 * this file inserts them and keeps the index tables (members, documents,
 * revisions, heads, statuses, acks, search) in step, in the caller's
 * transaction. The index tables hold nothing that the objects do not. */
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

static vault_status step_done(vault *v, sqlite3_stmt *st, vault_err *err,
                              const char *what)
{
	int rc = sqlite3_step(st);

	db_done(v, st);
	return rc == SQLITE_DONE ? VAULT_OK : db_fail(v->db, rc, err, what);
}

char *store_member_name(vault *v, const uint8_t key[OBJ_KEY_BYTES])
{
	sqlite3_stmt *st = NULL;
	char *name = NULL;

	if (db_cached(v, "SELECT name FROM members WHERE key = :k", &st,
	               NULL) == VAULT_OK) {
		db_bind_blob(st, ":k", key, OBJ_KEY_BYTES);
		if (sqlite3_step(st) == SQLITE_ROW)
			name = strdup((const char *)sqlite3_column_text(st, 0));
		db_done(v, st);
	}
	return name != NULL ? name : strdup("(unknown)");
}

/* The author's membership event in force at time t: its action and role,
 * or 0 when the key was never a member by then. */
static int role_at(vault *v, const uint8_t vid[OBJ_VAULT_BYTES],
                   const uint8_t key[OBJ_KEY_BYTES], int64_t t, int *action)
{
	sqlite3_stmt *st = NULL;
	int role = 0;

	*action = 0;
	/* Importing asks "is this author still a member now?" once per
	 * object, nearly always for the same few authors. */
	if (t == INT64_MAX && v->role_now.valid &&
	    memcmp(v->role_now.vault, vid, OBJ_VAULT_BYTES) == 0 &&
	    memcmp(v->role_now.key, key, OBJ_KEY_BYTES) == 0) {
		*action = v->role_now.action;
		return v->role_now.role;
	}
	if (db_cached(v,
	               "SELECT action, role FROM member_events WHERE vault = :v"
	               " AND key = :k AND time <= :t"
	               " ORDER BY time DESC, action = 2 DESC, action DESC LIMIT 1",
	               &st, NULL) != VAULT_OK)
		return 0;
	db_bind_blob(st, ":v", vid, OBJ_VAULT_BYTES);
	db_bind_blob(st, ":k", key, OBJ_KEY_BYTES);
	db_bind_int64(st, ":t", t);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*action = sqlite3_column_int(st, 0);
		role = sqlite3_column_int(st, 1);
	}
	db_done(v, st);
	if (t == INT64_MAX) {
		memcpy(v->role_now.vault, vid, OBJ_VAULT_BYTES);
		memcpy(v->role_now.key, key, OBJ_KEY_BYTES);
		v->role_now.role = role;
		v->role_now.action = *action;
		v->role_now.valid = 1;
	}
	return role;
}

static int genesis_exists(vault *v, const uint8_t vid[OBJ_VAULT_BYTES])
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	/* The genesis object is a member event of its vault: one per vault. */
	if (db_cached(v, "SELECT 1 FROM member_events WHERE vault = :v",
	               &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":v", vid, OBJ_VAULT_BYTES);
		found = sqlite3_step(st) == SQLITE_ROW;
		db_done(v, st);
	}
	return found;
}

/* The vault a document belongs to: that of its revisions (all share it,
 * by the rule below). 0 when the document has no revision yet. */
static int doc_vault(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                     uint8_t vid[OBJ_VAULT_BYTES])
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	unsigned slot = doc[0] % (sizeof v->doc_owner / sizeof v->doc_owner[0]);

	if (v->doc_owner[slot].valid &&
	    memcmp(v->doc_owner[slot].doc, doc, OBJ_DOC_BYTES) == 0) {
		memcpy(vid, v->doc_owner[slot].vault, OBJ_VAULT_BYTES);
		return 1;
	}
	if (db_cached(v, "SELECT vault FROM revisions WHERE doc = :d LIMIT 1",
	               &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":d", doc, OBJ_DOC_BYTES);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) == OBJ_VAULT_BYTES) {
			memcpy(vid, sqlite3_column_blob(st, 0), OBJ_VAULT_BYTES);
			found = 1;
		}
		db_done(v, st);
	}
	if (found) {
		v->doc_owner[slot].valid = 1;
		memcpy(v->doc_owner[slot].doc, doc, OBJ_DOC_BYTES);
		memcpy(v->doc_owner[slot].vault, vid, OBJ_VAULT_BYTES);
	}
	return found;
}

/* A document is written by the vault that created it, only: a partner's
 * bundle must not add revisions or approvals to our documents (nor we to
 * theirs), and a document has one first revision. */
static vault_status check_document_owner(vault *v, const obj *o, vault_err *err)
{
	uint8_t vid[OBJ_VAULT_BYTES];
	int exists;

	if (o->type != OBJ_REVISION && o->type != OBJ_STATUS &&
	    o->type != OBJ_ACK && o->type != OBJ_INCIDENT)
		return VAULT_OK;
	exists = doc_vault(v, o->doc, vid);
	if (o->type == OBJ_REVISION && o->nparents == 0 && exists)
		return vault_fail(err, VAULT_EPERM, "a second first revision for "
		                  "an existing document");
	if (exists && memcmp(vid, o->vault, OBJ_VAULT_BYTES) != 0)
		return vault_fail(err, VAULT_EPERM, "a %s by another vault for a "
		                  "document it does not own",
		                  obj_type_name(o->type));
	return VAULT_OK;
}

vault_status store_authorize(vault *v, const obj *o, vault_err *err)
{
	int action = 0, role;
	vault_status rc;

	if (o->type == OBJ_GENESIS) {
		if (genesis_exists(v, o->vault))
			return vault_fail(err, VAULT_EPERM,
			                  "a vault has exactly one genesis object");
		return VAULT_OK;
	}
	role = role_at(v, o->vault, o->author, o->time, &action);
	if (action == MEMBER_REMOVE)
		return vault_fail(err, VAULT_EPERM,
		                  "the author of this %s had been removed from "
		                  "the vault when it was made",
		                  obj_type_name(o->type));
	if (role == 0)
		return vault_fail(err, VAULT_EPERM,
		                  "the author of this %s was not a member of the "
		                  "vault at the time", obj_type_name(o->type));
	rc = check_document_owner(v, o, err);
	if (rc != VAULT_OK)
		return rc;
	switch (o->type) {
	case OBJ_MEMBER:
		if (role != ROLE_ADMIN)
			return vault_fail(err, VAULT_EPERM,
			                  "only an admin can manage members");
		/* A role change or removal names a current member: otherwise
		 * a role change would admit a key nobody added. */
		if (o->action != MEMBER_ADD &&
		    !store_member_active(v, o->vault, o->subject, o->time))
			return vault_fail(err, VAULT_EPERM, "a member change for "
			                  "someone who is not a member");
		break;
	case OBJ_REVISION:
		if (role == ROLE_STAFF)
			return vault_fail(err, VAULT_EPERM,
			                  "staff members read and acknowledge "
			                  "documents; ask an editor or admin to "
			                  "change them");
		break;
	case OBJ_STATUS:
		if ((o->status == STATUS_APPROVED || o->status == STATUS_ARCHIVED) &&
		    role != ROLE_ADMIN)
			return vault_fail(err, VAULT_EPERM,
			                  "only an admin can %s a document",
			                  o->status == STATUS_APPROVED ? "approve"
			                                               : "archive");
		if (role == ROLE_STAFF)
			return vault_fail(err, VAULT_EPERM,
			                  "staff members cannot change a "
			                  "document's status");
		break;
	default:
		break;
	}
	return VAULT_OK;
}

static vault_status index_member(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                 const obj *o, vault_err *err)
{
	v->role_now.valid = 0;
	const uint8_t *key = o->type == OBJ_GENESIS ? o->author : o->subject;
	int action = o->type == OBJ_GENESIS ? MEMBER_ADD : o->action;
	sqlite3_stmt *st = NULL;
	vault_status rc;

	rc = db_cached(v,
	                "INSERT INTO member_events(obj, vault, key, time, action, role)"
	                " VALUES (:obj, :vault, :key, :time, :action, :role)", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":obj", id, OBJ_ID_BYTES);
	db_bind_blob(st, ":vault", o->vault, OBJ_VAULT_BYTES);
	db_bind_blob(st, ":key", key, OBJ_KEY_BYTES);
	db_bind_int64(st, ":time", o->time);
	db_bind_int64(st, ":action", action);
	db_bind_int64(st, ":role", o->role);
	rc = step_done(v, st, err, "recording a member");
	if (rc != VAULT_OK)
		return rc;
	/* One row per key, and it belongs to one vault: an event of another
	 * vault leaves it alone. A partner knows our members' keys (member
	 * objects go to partners) and could otherwise remove our members,
	 * change their roles or put its own X25519 key in the row, which a
	 * rotation then seals our master key to. Our own vault's add takes
	 * over a row a partner's event made first. */
	if (action == MEMBER_ADD)
		rc = db_cached(v,
		                "INSERT INTO members(key, vault, name, role, box, added)"
		                " VALUES (:key, :vault, :name, :role, :box, :time)"
		                " ON CONFLICT(key) DO UPDATE SET vault = :vault,"
		                " name = :name, role = :role, box = :box,"
		                " added = CASE WHEN members.vault = :vault"
		                " THEN members.added ELSE :time END, removed = NULL"
		                " WHERE members.vault = :vault OR :vault = :own",
		                &st, err);
	else if (action == MEMBER_REMOVE)
		rc = db_cached(v,
		                "UPDATE members SET removed = :time WHERE key = :key"
		                " AND vault = :vault", &st, err);
	else
		rc = db_cached(v,
		                "UPDATE members SET role = :role WHERE key = :key"
		                " AND vault = :vault", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":key", key, OBJ_KEY_BYTES);
	db_bind_blob(st, ":vault", o->vault, OBJ_VAULT_BYTES);
	if (action == MEMBER_ADD) {
		db_bind_blob(st, ":own", v->header.vault_id, VAULT_ID_BYTES);
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":name"),
		                  o->name.p, (int)o->name.len, SQLITE_TRANSIENT);
		db_bind_blob(st, ":box", o->box, OBJ_KEY_BYTES);
	}
	if (action != MEMBER_REMOVE)
		db_bind_int64(st, ":role", o->role);
	if (action != MEMBER_ROLE)
		db_bind_int64(st, ":time", o->time);
	return step_done(v, st, err, "recording a member");
}

/* A document's row is recomputed at once, or, while a bundle is being
 * imported, once per document at the end. */
static vault_status doc_refresh(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                                vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;

	if (!v->batch)
		return store_doc_refresh(v, doc, err);
	rc = db_cached(v, "INSERT OR IGNORE INTO temp.pending(doc) VALUES (:d)",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":d", doc, OBJ_DOC_BYTES);
	return step_done(v, st, err, "recording a document");
}

vault_status store_batch_begin(vault *v, vault_err *err)
{
	vault_status rc = db_exec(v->db,
	                          "CREATE TEMP TABLE IF NOT EXISTS pending"
	                          " (doc BLOB PRIMARY KEY); DELETE FROM temp.pending;",
	                          err);

	if (rc == VAULT_OK)
		v->batch = 1;
	return rc;
}

vault_status store_batch_end(vault *v, uint64_t *docs, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	v->batch = 0;
	*docs = 0;
	rc = db_cached(v, "SELECT doc FROM temp.pending", &st, err);
	if (rc != VAULT_OK)
		return rc;
	while (rc == VAULT_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t doc[OBJ_DOC_BYTES];

		memcpy(doc, sqlite3_column_blob(st, 0), OBJ_DOC_BYTES);
		rc = store_doc_refresh(v, doc, err);
		(*docs)++;
	}
	db_done(v, st);
	if (rc == VAULT_OK)
		rc = db_exec(v->db, "DELETE FROM temp.pending", err);
	return rc;
}

static vault_status index_revision(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                   const obj *o, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;

	for (uint32_t i = 0; i < o->nparents; i++) {
		rc = db_cached(v,
		                "SELECT 1 FROM revisions WHERE id = :p AND doc = :doc",
		                &st, err);
		if (rc != VAULT_OK)
			return rc;
		db_bind_blob(st, ":p", o->parents[i], OBJ_ID_BYTES);
		db_bind_blob(st, ":doc", o->doc, OBJ_DOC_BYTES);
		if (sqlite3_step(st) != SQLITE_ROW) {
			char hex[2 * OBJ_ID_BYTES + 1];

			db_done(v, st);
			obj_hex(o->parents[i], OBJ_ID_BYTES, hex);
			return vault_fail(err, VAULT_ENOTFOUND,
			                  "missing prerequisite: parent revision "
			                  "%.12s is not in this vault", hex);
		}
		db_done(v, st);
		rc = db_cached(v,
		                "INSERT INTO parents(rev, parent) VALUES (:r, :p);",
		                &st, err);
		if (rc != VAULT_OK)
			return rc;
		db_bind_blob(st, ":r", id, OBJ_ID_BYTES);
		db_bind_blob(st, ":p", o->parents[i], OBJ_ID_BYTES);
		rc = step_done(v, st, err, "recording a revision");
		if (rc != VAULT_OK)
			return rc;
		rc = db_cached(v,
		                "DELETE FROM heads WHERE doc = :doc AND rev = :p",
		                &st, err);
		if (rc != VAULT_OK)
			return rc;
		db_bind_blob(st, ":doc", o->doc, OBJ_DOC_BYTES);
		db_bind_blob(st, ":p", o->parents[i], OBJ_ID_BYTES);
		rc = step_done(v, st, err, "recording a revision");
		if (rc != VAULT_OK)
			return rc;
	}
	rc = db_cached(v,
	                "INSERT INTO revisions(id, doc, vault, time, depth, author,"
	                " message, nparents) VALUES (:id, :doc, :vault, :time,"
	                " (SELECT coalesce(max(r.depth), 0) + 1 FROM parents p"
	                "  JOIN revisions r ON r.id = p.parent WHERE p.rev = :id),"
	                " :author, :msg, :n)",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	db_bind_blob(st, ":doc", o->doc, OBJ_DOC_BYTES);
	db_bind_blob(st, ":vault", o->vault, OBJ_VAULT_BYTES);
	db_bind_int64(st, ":time", o->time);
	db_bind_blob(st, ":author", o->author, OBJ_KEY_BYTES);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":msg"),
	                  o->message.p, (int)o->message.len, SQLITE_TRANSIENT);
	db_bind_int64(st, ":n", o->nparents);
	rc = step_done(v, st, err, "recording a revision");
	if (rc != VAULT_OK)
		return rc;
	/* A revision that some held revision already names as a parent is
	 * not a head (it can arrive after its child only through import). */
	rc = db_cached(v,
	                "INSERT INTO heads(doc, rev, time) SELECT :doc, :id, :time"
	                " WHERE NOT EXISTS (SELECT 1 FROM parents WHERE parent = :id)",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", o->doc, OBJ_DOC_BYTES);
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	db_bind_int64(st, ":time", o->time);
	rc = step_done(v, st, err, "recording a revision");
	if (rc != VAULT_OK)
		return rc;
	return doc_refresh(v, o->doc, err);
}

static vault_status index_status(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                 const obj *o, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	const char *sql = o->type == OBJ_STATUS
		? "INSERT INTO statuses(id, doc, rev, status, time, author)"
		  " SELECT :id, :doc, :rev, :status, :time, :author"
		  " WHERE EXISTS (SELECT 1 FROM revisions WHERE id = :rev AND doc = :doc)"
		: "INSERT INTO acks(id, doc, rev, member, time, score, total)"
		  " SELECT :id, :doc, :rev, :author, :time, :status, :total"
		  " WHERE EXISTS (SELECT 1 FROM revisions WHERE id = :rev AND doc = :doc)";

	rc = db_cached(v, sql, &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	db_bind_blob(st, ":doc", o->doc, OBJ_DOC_BYTES);
	db_bind_blob(st, ":rev", o->rev, OBJ_ID_BYTES);
	db_bind_int64(st, ":status", o->type == OBJ_STATUS ? o->status : o->score);
	db_bind_int64(st, ":time", o->time);
	db_bind_blob(st, ":author", o->author, OBJ_KEY_BYTES);
	if (o->type == OBJ_ACK)
		db_bind_int64(st, ":total", o->total);
	rc = step_done(v, st, err, "recording a status");
	if (rc != VAULT_OK)
		return rc;
	if (sqlite3_changes(v->db) == 0)
		return vault_fail(err, VAULT_ENOTFOUND,
		                  "missing prerequisite: the revision a %s names "
		                  "is not in this vault", obj_type_name(o->type));
	return o->type == OBJ_STATUS ? doc_refresh(v, o->doc, err) : VAULT_OK;
}

/* An incident entry names the revision of the protocol followed and,
 * unless it opens one, the incident it belongs to. */
static vault_status index_incident(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                   const obj *o, vault_err *err)
{
	static const uint8_t zero[OBJ_ID_BYTES];
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int opening = o->act == INCIDENT_OPEN;

	if (opening != (memcmp(o->incident, zero, OBJ_ID_BYTES) == 0))
		return vault_fail(err, VAULT_EDAMAGED, "a malformed incident entry");
	rc = db_cached(v,
	                "INSERT INTO incidents(id, incident, doc, rev, act, item,"
	                " note, author, time) SELECT :id, :inc, :doc, :rev, :act,"
	                " :item, :note, :author, :time"
	                " WHERE EXISTS (SELECT 1 FROM revisions WHERE id = :rev AND doc = :doc)"
	                " AND (:opening OR EXISTS (SELECT 1 FROM incidents WHERE"
	                " id = :inc AND act = 1))", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	db_bind_blob(st, ":inc", opening ? id : o->incident, OBJ_ID_BYTES);
	db_bind_blob(st, ":doc", o->doc, OBJ_DOC_BYTES);
	db_bind_blob(st, ":rev", o->rev, OBJ_ID_BYTES);
	db_bind_int64(st, ":act", o->act);
	db_bind_int64(st, ":item", o->item);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":note"), o->note.p,
	                  (int)o->note.len, SQLITE_TRANSIENT);
	db_bind_blob(st, ":author", o->author, OBJ_KEY_BYTES);
	db_bind_int64(st, ":time", o->time);
	db_bind_int64(st, ":opening", opening);
	rc = step_done(v, st, err, "recording an incident entry");
	if (rc == VAULT_OK && sqlite3_changes(v->db) == 0)
		rc = vault_fail(err, VAULT_ENOTFOUND, "missing prerequisite: the "
		                "protocol revision or incident an entry names is not "
		                "in this vault");
	return rc;
}

static vault_status index_object(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                 const obj *o, vault_err *err)
{
	switch (o->type) {
	case OBJ_GENESIS:
	case OBJ_MEMBER:
		return index_member(v, id, o, err);
	case OBJ_REVISION:
		return index_revision(v, id, o, err);
	case OBJ_STATUS:
	case OBJ_ACK:
		return index_status(v, id, o, err);
	case OBJ_INCIDENT:
		return index_incident(v, id, o, err);
	default:
		return vault_fail(err, VAULT_EDAMAGED, "unknown object type %d",
		                  o->type);
	}
}

static vault_status insert_object(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                  const obj *o, const uint8_t *data, size_t len,
                                  const uint8_t sig[OBJ_SIG_BYTES], vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;

	rc = db_cached(v,
	                "INSERT INTO objects(id, type, author, time, data, sig)"
	                " VALUES (:id, :type, :author, :time, :data, :sig)",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	db_bind_int64(st, ":type", o->type);
	db_bind_blob(st, ":author", o->author, OBJ_KEY_BYTES);
	db_bind_int64(st, ":time", o->time);
	db_bind_blob(st, ":data", data, len);
	db_bind_blob(st, ":sig", sig, OBJ_SIG_BYTES);
	rc = step_done(v, st, err, "storing an object");
	if (rc != VAULT_OK)
		return rc;
	return index_object(v, id, o, err);
}

static int object_held(vault *v, const uint8_t id[OBJ_ID_BYTES])
{
	sqlite3_stmt *st = NULL;
	int held = 0;

	if (db_cached(v, "SELECT 1 FROM objects WHERE id = :id", &st,
	               NULL) == VAULT_OK) {
		db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
		held = sqlite3_step(st) == SQLITE_ROW;
		db_done(v, st);
	}
	return held;
}

/* Object times never run backwards along history: a copy whose clock is
 * behind must not make a member's first object older than their
 * admission, nor a revision older than its parent. A change to a member's
 * standing comes strictly after everything they signed, so that no object
 * shares a second with the event that ended its author's rights. */
static int64_t floor_time(vault *v, const obj *o)
{
	sqlite3_stmt *st = NULL;
	int64_t t = vault_now();

	if (db_cached(v,
	               "SELECT max(t) FROM (SELECT max(time) AS t FROM member_events"
	               " WHERE vault = :v AND key = :a UNION ALL SELECT max(time) FROM revisions"
	               " WHERE doc = :d UNION ALL SELECT max(time) FROM statuses"
	               " WHERE doc = :d UNION ALL SELECT max(time) + 1 FROM objects"
	               " WHERE :member AND author = :s UNION ALL SELECT max(time) + 1"
	               " FROM member_events WHERE :member AND vault = :v AND key = :s)",
	               &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":v", v->header.vault_id, OBJ_VAULT_BYTES);
		db_bind_blob(st, ":a", o->author, OBJ_KEY_BYTES);
		db_bind_blob(st, ":d", o->doc, OBJ_DOC_BYTES);
		db_bind_int64(st, ":member", o->type == OBJ_MEMBER);
		db_bind_blob(st, ":s", o->subject, OBJ_KEY_BYTES);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL &&
		    sqlite3_column_int64(st, 0) > t)
			t = sqlite3_column_int64(st, 0);
		db_done(v, st);
	}
	return t;
}

vault_status store_put(vault *v, obj *o, uint8_t id_out[OBJ_ID_BYTES],
                       vault_err *err)
{
	uint8_t id[OBJ_ID_BYTES], sig[OBJ_SIG_BYTES];
	uint8_t *data = NULL;
	size_t len = 0;
	vault_status rc;

	memcpy(o->vault, v->header.vault_id, OBJ_VAULT_BYTES);
	memcpy(o->author, v->mk->sign_pk, OBJ_KEY_BYTES);
	o->time = floor_time(v, o);
	rc = store_authorize(v, o, err);
	if (rc != VAULT_OK)
		return rc;
	if (obj_encode(o, &data, &len) != 0)
		return vault_fail(err, VAULT_EINVAL,
		                  "the text is not valid UTF-8 or is too large");
	obj_id(data, len, id);
	obj_sign(data, len, v->mk->sign_sk, sig);
	/* The same object twice in one second (a walkthrough repeated, say)
	 * is one object: already held is done. */
	if (object_held(v, id))
		rc = VAULT_OK;
	else
		rc = insert_object(v, id, o, data, len, sig, err);
	free(data);
	if (rc == VAULT_OK && id_out != NULL)
		memcpy(id_out, id, OBJ_ID_BYTES);
	return rc;
}

int store_member_role(vault *v, const uint8_t vid[OBJ_VAULT_BYTES],
                      const uint8_t key[OBJ_KEY_BYTES])
{
	int action = 0, role = role_at(v, vid, key, INT64_MAX, &action);

	return action == MEMBER_REMOVE ? 0 : role;
}

int store_member_active(vault *v, const uint8_t vid[OBJ_VAULT_BYTES],
                        const uint8_t key[OBJ_KEY_BYTES], int64_t t)
{
	int action = 0;

	return role_at(v, vid, key, t, &action) != 0 && action != MEMBER_REMOVE;
}

vault_status store_insert_checked(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                  const obj *o, const uint8_t *data, size_t len,
                                  const uint8_t sig[OBJ_SIG_BYTES], int *added,
                                  vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int held;

	*added = 0;
	rc = db_cached(v, "SELECT 1 FROM objects WHERE id = :id", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	held = sqlite3_step(st) == SQLITE_ROW;
	db_done(v, st);
	if (held)
		return VAULT_OK;
	rc = store_authorize(v, o, err);
	if (rc != VAULT_OK)
		return rc;
	/* An object we have not seen, by someone removed since, is refused
	 * whatever time it claims: a removed member could otherwise sign
	 * objects dated before their removal (docs/threat-model.md). */
	if (o->type != OBJ_GENESIS &&
	    !store_member_active(v, o->vault, o->author, INT64_MAX))
		return vault_fail(err, VAULT_EPERM, "a %s by a member who has "
		                  "been removed", obj_type_name(o->type));
	/* Nor by someone whose role no longer allows it: an admin made an
	 * editor keeps their key and could otherwise approve, or add an admin
	 * they control, dated back to when they were one. */
	if (o->type != OBJ_GENESIS) {
		obj now = *o;
		vault_err why = {0};

		now.time = INT64_MAX;
		if (store_authorize(v, &now, &why) != VAULT_OK)
			return vault_fail(err, VAULT_EPERM, "a %s its author's role "
			                  "no longer allows: %s",
			                  obj_type_name(o->type), why.msg);
	}
	rc = insert_object(v, id, o, data, len, sig, err);
	if (rc == VAULT_OK)
		*added = 1;
	return rc;
}

vault_status store_get(vault *v, const uint8_t id[OBJ_ID_BYTES], uint8_t **data,
                       size_t *len, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	*data = NULL;
	*len = 0;
	rc = db_cached(v, "SELECT data FROM objects WHERE id = :id", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*data = malloc(*len ? *len : 1);
		if (*data == NULL)
			rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		else
			memcpy(*data, sqlite3_column_blob(st, 0), *len);
	} else if (src == SQLITE_DONE) {
		rc = vault_fail(err, VAULT_ENOTFOUND, "no such object");
	} else {
		rc = db_fail(v->db, src, err, "reading an object");
	}
	db_done(v, st);
	return rc;
}

/* §5.2: the newest head gives the title and metadata; the status is that
 * of the newest status object naming the newest head (in one second, the
 * later stage wins: every copy must reach the same answer), else draft. */
/* Heads whose title, metadata and text equal the newest head's count as
 * one: two copies that made the same edit have converged. */
static int heads_distinct(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                          const obj *newest)
{
	sqlite3_stmt *st = NULL;
	int distinct = 1;

	if (db_cached(v, "SELECT o.data FROM heads h JOIN objects o ON"
	               " o.id = h.rev WHERE h.doc = :doc", &st, NULL) != VAULT_OK)
		return 2;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	while (sqlite3_step(st) == SQLITE_ROW) {
		obj o;

		if (obj_decode(sqlite3_column_blob(st, 0),
		               (size_t)sqlite3_column_bytes(st, 0), &o) != 0)
			continue;
		if (o.title.len != newest->title.len || o.body.len != newest->body.len ||
		    o.kind != newest->kind || o.review_by != newest->review_by ||
		    memcmp(o.title.p, newest->title.p, o.title.len) != 0 ||
		    memcmp(o.body.p, newest->body.p, o.body.len) != 0)
			distinct++;
	}
	db_done(v, st);
	return distinct;
}

vault_status store_doc_refresh(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                               vault_err *err)
{
	static const char sql[] =
		"WITH h AS (SELECT rev, time FROM heads WHERE doc = :doc"
		"           ORDER BY time DESC, rev DESC LIMIT 1)"
		"SELECT (SELECT rev FROM h), (SELECT count(*) FROM heads WHERE doc = :doc),"
		" (SELECT status FROM statuses WHERE doc = :doc AND rev = (SELECT rev FROM h)"
		"   ORDER BY time DESC, status DESC, id DESC LIMIT 1),"
		" (SELECT s.rev FROM statuses s JOIN revisions r ON r.id = s.rev"
		"   WHERE s.doc = :doc AND s.status = 3"
		"   ORDER BY r.depth DESC, r.time DESC, s.time DESC, s.id DESC LIMIT 1),"
		" (SELECT min(time) FROM revisions WHERE doc = :doc),"
		" (SELECT max(time) FROM (SELECT time FROM revisions WHERE doc = :doc"
		"   UNION ALL SELECT time FROM statuses WHERE doc = :doc))";
	uint8_t head[OBJ_ID_BYTES];
	uint8_t *data = NULL;
	sqlite3_stmt *st = NULL;
	int64_t nheads, status, created, updated;
	int has_approved;
	uint8_t approved[OBJ_ID_BYTES];
	size_t len = 0;
	vault_status rc;
	obj o;

	rc = db_cached(v, sql, &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) != OBJ_ID_BYTES) {
		db_done(v, st);
		return vault_fail(err, VAULT_EDAMAGED, "a document without revisions");
	}
	memcpy(head, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
	nheads = sqlite3_column_int64(st, 1);
	status = sqlite3_column_type(st, 2) == SQLITE_NULL ? STATUS_DRAFT
	                                                   : sqlite3_column_int64(st, 2);
	has_approved = sqlite3_column_bytes(st, 3) == OBJ_ID_BYTES;
	if (has_approved)
		memcpy(approved, sqlite3_column_blob(st, 3), OBJ_ID_BYTES);
	created = sqlite3_column_int64(st, 4);
	updated = sqlite3_column_int64(st, 5);
	db_done(v, st);

	rc = store_get(v, head, &data, &len, err);
	if (rc != VAULT_OK)
		return rc;
	if (obj_decode(data, len, &o) != 0 || o.type != OBJ_REVISION) {
		free(data);
		return vault_fail(err, VAULT_EDAMAGED, "a malformed revision");
	}
	if (nheads > 1)
		nheads = heads_distinct(v, doc, &o);
	rc = db_cached(v,
	                "INSERT INTO documents(doc, title, kind, category, lang,"
	                " template, review_by, head, nheads, status, approved,"
	                " created, updated, origin) VALUES (:doc, :title, :kind,"
	                " :cat, :lang, :tmpl, :review, :head, :n, :status, :appr,"
	                " :created, :updated, :origin) ON CONFLICT(doc) DO UPDATE"
	                " SET title = :title, kind = :kind, category = :cat,"
	                " lang = :lang, template = :tmpl, review_by = :review,"
	                " head = :head,"
	                " nheads = :n, status = :status, approved = :appr,"
	                " updated = :updated", &st, err);
	if (rc != VAULT_OK)
		goto out;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":title"),
	                  o.title.p, (int)o.title.len, SQLITE_TRANSIENT);
	db_bind_int64(st, ":kind", o.kind);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":cat"),
	                  o.category.p, (int)o.category.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":lang"),
	                  o.lang.p, (int)o.lang.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":tmpl"),
	                  o.tmpl.p, (int)o.tmpl.len, SQLITE_TRANSIENT);
	db_bind_int64(st, ":review", o.review_by);
	db_bind_blob(st, ":head", head, OBJ_ID_BYTES);
	db_bind_int64(st, ":n", nheads);
	db_bind_int64(st, ":status", status);
	if (has_approved)
		db_bind_blob(st, ":appr", approved, OBJ_ID_BYTES);
	db_bind_int64(st, ":created", created);
	db_bind_int64(st, ":updated", updated);
	db_bind_blob(st, ":origin", o.vault, OBJ_VAULT_BYTES);
	rc = step_done(v, st, err, "recording a document");
	if (rc != VAULT_OK)
		goto out;
	/* The search index holds the newest head's text. */
	rc = db_cached(v,
	                "INSERT OR REPLACE INTO search(rowid, title, body) VALUES"
	                " ((SELECT rowid FROM documents WHERE doc = :doc), :title,"
	                " :body)", &st, err);
	if (rc != VAULT_OK)
		goto out;
	db_bind_blob(st, ":doc", doc, OBJ_DOC_BYTES);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":title"),
	                  o.title.p, (int)o.title.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":body"),
	                  o.body.p, (int)o.body.len, SQLITE_TRANSIENT);
	rc = step_done(v, st, err, "indexing a document");
out:
	free(data);
	return rc;
}
