/* db.c: the one SQLite wrapper of Amparo: prepared statements, named binds
 * that fail loudly, nested transactions, the schema and its migrations. */
#include <stdio.h>
#include <string.h>

#include "vault_int.h"

vault_status vault_fail(vault_err *err, vault_status code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

vault_status db_fail(sqlite3 *db, int rc, vault_err *err, const char *what)
{
	int ext = db != NULL ? sqlite3_extended_errcode(db) : rc;

	if (ext == SQLITE_IOERR_DATA || (rc & 0xff) == SQLITE_CORRUPT ||
	    (rc & 0xff) == SQLITE_NOTADB)
		return vault_fail(err, VAULT_EDAMAGED,
		                  "%s: the vault is damaged or has been tampered "
		                  "with (a page failed authentication)", what);
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return vault_fail(err, VAULT_EFULL,
		                  "%s: the disk is full; nothing was changed", what);
	case SQLITE_READONLY:
		return vault_fail(err, VAULT_EREADONLY,
		                  "%s: the vault or its folder is read-only", what);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return vault_fail(err, VAULT_EBUSY,
		                  "%s: the vault is open in another Amparo", what);
	case SQLITE_NOMEM:
		return vault_fail(err, VAULT_ENOMEM, "%s: out of memory", what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return vault_fail(err, VAULT_EIO,
		                  "%s: input/output error (was the device "
		                  "removed?); nothing was changed", what);
	default:
		return vault_fail(err, VAULT_EIO, "%s: %s", what,
		                  db != NULL ? sqlite3_errmsg(db)
		                             : sqlite3_errstr(rc));
	}
}

vault_status db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
                        vault_err *err)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	if (rc != SQLITE_OK) {
		*st = NULL;
		return db_fail(db, rc, err, "reading the vault");
	}
	return VAULT_OK;
}

vault_status db_cached(vault *v, const char *sql, sqlite3_stmt **st,
                       vault_err *err)
{
	size_t n = sizeof v->cache / sizeof v->cache[0], i;
	int rc;

	for (i = 0; i < n && v->cache[i].sql != NULL; i++) {
		if (v->cache[i].sql == sql) {
			*st = v->cache[i].st;
			return VAULT_OK;
		}
	}
	if (i == n) /* full: an ordinary statement, finalized by db_done */
		return db_prepare(v->db, sql, st, err);
	rc = sqlite3_prepare_v3(v->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return db_fail(v->db, rc, err, "reading the vault");
	}
	v->cache[i].sql = sql;
	v->cache[i].st = *st;
	return VAULT_OK;
}

void db_done(vault *v, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < sizeof v->cache / sizeof v->cache[0] &&
	                   v->cache[i].sql != NULL; i++) {
		if (v->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	sqlite3_finalize(st);
}

void db_cache_clear(vault *v)
{
	for (size_t i = 0; i < sizeof v->cache / sizeof v->cache[0]; i++) {
		sqlite3_finalize(v->cache[i].st);
		v->cache[i].sql = NULL;
		v->cache[i].st = NULL;
	}
}

vault_status db_exec(sqlite3 *db, const char *sql, vault_err *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? VAULT_OK : db_fail(db, rc, err, "updating the vault");
}

static int bind_index(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);

	/* A misspelt name is a programming error, not a user error: make it
	 * fail the statement rather than bind nothing silently. */
	return i > 0 ? i : -1;
}

int db_bind_text(sqlite3_stmt *st, const char *name, const char *s)
{
	int i = bind_index(st, name);

	if (i < 0)
		return SQLITE_RANGE;
	return s == NULL ? sqlite3_bind_null(st, i)
	                 : sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n)
{
	int i = bind_index(st, name);

	if (i < 0)
		return SQLITE_RANGE;
	return sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT);
}

int db_bind_int64(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = bind_index(st, name);

	if (i < 0)
		return SQLITE_RANGE;
	return sqlite3_bind_int64(st, i, v);
}

vault_status db_begin(vault *v, vault_err *err)
{
	vault_status rc;

	if (v->readonly)
		return vault_fail(err, VAULT_EREADONLY,
		                  "the vault was opened read-only");
	if (v->txn_depth++ > 0)
		return VAULT_OK;
	v->txn_failed = 0;
	rc = db_exec(v->db, "BEGIN IMMEDIATE", err);
	if (rc != VAULT_OK)
		v->txn_depth = 0;
	return rc;
}

vault_status db_commit(vault *v, vault_err *err)
{
	vault_status rc;

	if (v->txn_depth <= 0)
		return vault_fail(err, VAULT_EINVAL, "commit without a transaction");
	if (--v->txn_depth > 0)
		return VAULT_OK;
	if (v->txn_failed) {
		v->role_now.valid = 0;
		memset(v->doc_owner, 0, sizeof v->doc_owner);
		db_exec(v->db, "ROLLBACK", NULL);
		return vault_fail(err, VAULT_EIO, "an inner step failed; "
		                  "nothing was changed");
	}
	rc = db_exec(v->db, "COMMIT", err);
	if (rc != VAULT_OK) {
		sqlite3_exec(v->db, "ROLLBACK", NULL, NULL, NULL);
		v->role_now.valid = 0;
		memset(v->doc_owner, 0, sizeof v->doc_owner);
	}
	return rc;
}

void db_rollback(vault *v)
{
	/* What was learnt inside the transaction goes with it. */
	v->role_now.valid = 0;
	memset(v->doc_owner, 0, sizeof v->doc_owner);
	if (v->txn_depth <= 0)
		return;
	if (--v->txn_depth > 0) {
		v->txn_failed = 1;
		return;
	}
	sqlite3_exec(v->db, "ROLLBACK", NULL, NULL, NULL);
}

/* §6: each migration takes the schema from version i to i+1 and runs in
 * the caller's transaction. Never edit a released step; add one. */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema. objects is the truth; every other table
	 * is an index that could be rebuilt from it. */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"CREATE TABLE objects ("
	"  seq INTEGER PRIMARY KEY,"
	"  id BLOB NOT NULL UNIQUE,"
	"  type INTEGER NOT NULL,"
	"  author BLOB NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  sig BLOB NOT NULL);"
	"CREATE TABLE members ("
	"  key BLOB PRIMARY KEY,"
	"  vault BLOB NOT NULL,"
	"  name TEXT NOT NULL,"
	"  role INTEGER NOT NULL,"
	"  box BLOB NOT NULL,"
	"  added INTEGER NOT NULL,"
	"  removed INTEGER,"
	"  slot_id BLOB UNIQUE);"
	"CREATE INDEX members_name ON members(vault, name);"
	"CREATE TABLE member_events ("
	"  obj BLOB PRIMARY KEY,"
	"  vault BLOB NOT NULL,"
	"  key BLOB NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  action INTEGER NOT NULL,"
	"  role INTEGER NOT NULL);"
	"CREATE INDEX member_events_key ON member_events(vault, key, time);"
	"CREATE INDEX objects_author ON objects(author, time);"
	"CREATE TABLE documents ("
	"  doc BLOB NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  category TEXT NOT NULL,"
	"  lang TEXT NOT NULL,"
	"  template TEXT NOT NULL,"
	"  review_by INTEGER NOT NULL,"
	"  head BLOB NOT NULL,"
	"  nheads INTEGER NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  approved BLOB,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  origin BLOB NOT NULL);"
	"CREATE INDEX documents_title ON documents(title);"
	"CREATE TABLE revisions ("
	"  id BLOB PRIMARY KEY,"
	"  doc BLOB NOT NULL,"
	"  vault BLOB NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  depth INTEGER NOT NULL,"
	"  author BLOB NOT NULL,"
	"  message TEXT NOT NULL,"
	"  nparents INTEGER NOT NULL);"
	"CREATE INDEX revisions_doc ON revisions(doc, time);"
	"CREATE TABLE parents ("
	"  rev BLOB NOT NULL, parent BLOB NOT NULL,"
	"  PRIMARY KEY (rev, parent)) WITHOUT ROWID;"
	"CREATE INDEX parents_parent ON parents(parent);"
	"CREATE TABLE heads ("
	"  doc BLOB NOT NULL, rev BLOB NOT NULL, time INTEGER NOT NULL,"
	"  PRIMARY KEY (doc, rev)) WITHOUT ROWID;"
	"CREATE TABLE statuses ("
	"  id BLOB PRIMARY KEY,"
	"  doc BLOB NOT NULL,"
	"  rev BLOB NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  author BLOB NOT NULL);"
	"CREATE INDEX statuses_doc ON statuses(doc, time);"
	"CREATE TABLE acks ("
	"  id BLOB PRIMARY KEY,"
	"  doc BLOB NOT NULL,"
	"  rev BLOB NOT NULL,"
	"  member BLOB NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  score INTEGER NOT NULL,"
	"  total INTEGER NOT NULL);"
	"CREATE INDEX acks_doc ON acks(doc, rev);"
	"CREATE TABLE incidents ("
	"  id BLOB PRIMARY KEY,"
	"  incident BLOB NOT NULL,"
	"  doc BLOB NOT NULL,"
	"  rev BLOB NOT NULL,"
	"  act INTEGER NOT NULL,"
	"  item INTEGER NOT NULL,"
	"  note TEXT NOT NULL,"
	"  author BLOB NOT NULL,"
	"  time INTEGER NOT NULL);"
	"CREATE INDEX incidents_incident ON incidents(incident, time);"
	"CREATE TABLE old_addresses (pk BLOB PRIMARY KEY, sk BLOB NOT NULL);"
	"CREATE TABLE peers (name TEXT PRIMARY KEY, sent INTEGER NOT NULL);"
	"CREATE TABLE slot_changes (slot_id BLOB PRIMARY KEY, changed INTEGER NOT NULL);"
	"CREATE VIRTUAL TABLE search USING fts5(title, body,"
	"  tokenize = 'unicode61 remove_diacritics 2');",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

vault_status db_migrate(sqlite3 *db, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	int version = 0;
	vault_status rc;

	rc = db_prepare(db, "PRAGMA user_version", &st, err);
	if (rc != VAULT_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION)
		return vault_fail(err, VAULT_EVERSION,
		                  "this vault was written by a newer Amparo "
		                  "(schema %d; this one knows %d)", version,
		                  SCHEMA_VERSION);
	for (; version < SCHEMA_VERSION; version++) {
		rc = db_exec(db, migrations[version], err);
		if (rc != VAULT_OK)
			return rc;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
		rc = db_exec(db, sql, err);
		if (rc != VAULT_OK)
			return rc;
	}
	return VAULT_OK;
}
