/* members.c: members, their key slots, and master-key rotation
 * (docs/vault-format.md §2, docs/object-format.md §4). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vault_int.h"

const char *vault_role_name(int role)
{
	return obj_role_name(role);
}

int vault_role_parse(const char *s)
{
	return obj_role_parse(s);
}

vault_status vault_member_bind_slot(vault *v, const uint8_t key[OBJ_KEY_BYTES],
                                    const uint8_t slot_id[SLOT_ID_BYTES],
                                    vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "UPDATE members SET slot_id = :slot WHERE key = :key",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":slot", slot_id, SLOT_ID_BYTES);
	db_bind_blob(st, ":key", key, OBJ_KEY_BYTES);
	src = sqlite3_step(st);
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? VAULT_OK
	                          : db_fail(v->db, src, err, "recording a key slot");
}

vault_status vault_slot_touch(vault *v, const uint8_t slot_id[SLOT_ID_BYTES],
                              vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "INSERT OR REPLACE INTO slot_changes(slot_id, changed)"
	                " VALUES (:s, :t)", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":s", slot_id, SLOT_ID_BYTES);
	db_bind_int64(st, ":t", vault_now());
	src = sqlite3_step(st);
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? VAULT_OK
	                          : db_fail(v->db, src, err, "recording a key slot");
}

vault_status vault_address_new(vault *v, vault_err *err)
{
	uint8_t pk[AC_BOX_PK_BYTES];
	uint8_t *sk = ac_secret_new(AC_BOX_SK_BYTES);
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	if (sk == NULL)
		return vault_fail(err, VAULT_ENOMEM, "cannot lock memory for keys");
	ac_box_keypair(pk, sk);
	/* The old address still opens bundles that copies made before the
	 * rotation send back, so their edits are not lost; it is never used
	 * to seal anything again. */
	rc = db_exec(v->db,
	             "INSERT OR IGNORE INTO old_addresses(pk, sk)"
	             " SELECT p.value, s.value FROM meta p, meta s"
	             " WHERE p.key = 'address_pk' AND s.key = 'address_sk'", err);
	if (rc != VAULT_OK) {
		ac_secret_free(sk);
		return rc;
	}
	rc = db_prepare(v->db,
	                "INSERT OR REPLACE INTO meta(key, value) VALUES"
	                " ('address_pk', :pk), ('address_sk', :sk)", &st, err);
	if (rc == VAULT_OK) {
		db_bind_blob(st, ":pk", pk, sizeof pk);
		db_bind_blob(st, ":sk", sk, AC_BOX_SK_BYTES);
		src = sqlite3_step(st);
		sqlite3_finalize(st);
		if (src != SQLITE_DONE)
			rc = db_fail(v->db, src, err, "recording the vault address");
	}
	ac_secret_free(sk);
	return rc;
}

vault_status vault_member_each(vault *v, vault_member_fn fn, void *ctx,
                               vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db,
	                "SELECT name, key, role, removed IS NULL, added,"
	                " coalesce(removed, 0), slot_id IS NOT NULL FROM members"
	                " WHERE vault = :v ORDER BY removed IS NOT NULL, role, name",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":v", v->header.vault_id, VAULT_ID_BYTES);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		vault_member_info m;

		memset(&m, 0, sizeof m);
		m.name = (const char *)sqlite3_column_text(st, 0);
		obj_hex(sqlite3_column_blob(st, 1), OBJ_KEY_BYTES, m.key);
		m.role = sqlite3_column_int(st, 2);
		m.active = sqlite3_column_int(st, 3);
		m.added = sqlite3_column_int64(st, 4);
		m.removed = sqlite3_column_int64(st, 5);
		m.has_slot = sqlite3_column_int(st, 6);
		m.you = memcmp(sqlite3_column_blob(st, 1), v->mk->sign_pk,
		               OBJ_KEY_BYTES) == 0;
		if (fn(&m, ctx) != 0)
			break;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_fail(v->db, src, err, "listing members");
	sqlite3_finalize(st);
	return rc;
}

/* An active member as the member table has them. */
typedef struct {
	uint8_t key[OBJ_KEY_BYTES];
	uint8_t box[32];
	int role;
	char name[65];
} member_row;

/* An active member by name, or by the start of their key (8+ hex digits)
 * where two share a name. */
static vault_status find_member(vault *v, const char *name, member_row *m,
                                vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "SELECT key, box, role, name FROM members"
	                " WHERE vault = :v AND removed IS NULL AND (name = :name"
	                " OR (length(:name) >= 8 AND"
	                " substr(lower(hex(key)), 1, length(:name)) = lower(:name)))",
	                &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":v", v->header.vault_id, VAULT_ID_BYTES);
	db_bind_text(st, ":name", name);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		memcpy(m->key, sqlite3_column_blob(st, 0), OBJ_KEY_BYTES);
		memcpy(m->box, sqlite3_column_blob(st, 1), 32);
		m->role = sqlite3_column_int(st, 2);
		snprintf(m->name, sizeof m->name, "%s",
		         (const char *)sqlite3_column_text(st, 3));
		/* Two copies may each have added someone by the same name;
		 * the names then meet after a sync, and a name no longer says
		 * who. */
		if (sqlite3_step(st) == SQLITE_ROW)
			rc = vault_fail(err, VAULT_EAMBIGUOUS, "two members are "
			                "called \"%s\" (added in two copies before "
			                "they synced); name one by the start of its "
			                "key, as 'amparo member ls' shows it", name);
	} else if (src == SQLITE_DONE) {
		rc = vault_fail(err, VAULT_ENOTFOUND, "no member is called \"%s\" "
		                "(see 'amparo member ls')", name);
	} else {
		rc = db_fail(v->db, src, err, "reading the member list");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Record a member event about m, signed by the acting admin. */
static vault_status member_event(vault *v, int action, int role,
                                 const uint8_t key[OBJ_KEY_BYTES],
                                 const uint8_t box[32], const char *name,
                                 vault_err *err)
{
	obj o;

	memset(&o, 0, sizeof o);
	o.type = OBJ_MEMBER;
	o.action = (uint8_t)action;
	o.role = (uint8_t)role;
	memcpy(o.subject, key, OBJ_KEY_BYTES);
	memcpy(o.box, box, OBJ_KEY_BYTES);
	o.name.p = name;
	o.name.len = (uint32_t)strlen(name);
	return store_put(v, &o, NULL, err);
}

static vault_status require_admin(vault *v, const char *what, vault_err *err)
{
	if (v->role != ROLE_ADMIN)
		return vault_fail(err, VAULT_EPERM, "only an admin can %s; you "
		                  "are %s", what, obj_role_name(v->role));
	if (v->readonly)
		return vault_fail(err, VAULT_EREADONLY, "the vault was opened "
		                  "read-only");
	return VAULT_OK;
}

static int member_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !obj_utf8_ok(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int name_taken(vault *v, const char *name)
{
	sqlite3_stmt *st = NULL;
	int taken = 0;

	if (db_prepare(v->db, "SELECT 1 FROM members WHERE vault = :v AND"
	               " name = :n AND removed IS NULL", &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":v", v->header.vault_id, VAULT_ID_BYTES);
		db_bind_text(st, ":n", name);
		taken = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return taken;
}

int vault_pass_in_use(vault *v, const char *pass, size_t passlen)
{
	uint8_t *master = ac_secret_new(AC_KEY_BYTES);
	member_keys *mk = ac_secret_new(sizeof *mk);
	unsigned slot;
	int used = 0;

	if (master != NULL && mk != NULL)
		used = hdr_unlock(&v->header, pass, passlen, master, mk, &slot) ==
		       VAULT_OK;
	ac_secret_free(master);
	ac_secret_free(mk);
	return used;
}

vault_status vault_member_add(vault *v, const char *name, int role,
                              const char *pass, size_t passlen,
                              const ac_kdf_params *kdf, vault_err *err)
{
	hdr saved = v->header;
	const uint8_t *salt = NULL;
	ac_kdf_params same;
	member_keys *mk = NULL;
	vault_status rc;
	int slot;

	rc = require_admin(v, "add members", err);
	if (rc != VAULT_OK)
		return rc;
	if (!member_name_ok(name))
		return vault_fail(err, VAULT_EINVAL, "a member name is 1 to 64 "
		                  "characters, with no control characters");
	if (role < ROLE_ADMIN || role > ROLE_STAFF)
		return vault_fail(err, VAULT_EINVAL, "a role is admin, editor or "
		                  "staff");
	if (passlen == 0)
		return vault_fail(err, VAULT_EINVAL, "the passphrase is empty");
	if (name_taken(v, name))
		return vault_fail(err, VAULT_EEXIST, "a member is already called "
		                  "\"%s\"", name);
	slot = hdr_slot_free(&v->header);
	if (slot < 0)
		return vault_fail(err, VAULT_EFULLSLOTS, "this vault has no free "
		                  "key slot (%u members at most)", HDR_SLOTS);
	if (vault_pass_in_use(v, pass, passlen))
		return vault_fail(err, VAULT_EINVAL, "that passphrase already "
		                  "opens this vault for a member; choose another");
	mk = ac_secret_new(sizeof *mk);
	if (mk == NULL)
		return vault_fail(err, VAULT_ENOMEM, "cannot lock memory for keys");
	ac_random(mk->seed, SEED_BYTES);
	member_keys_derive(mk);
	vault_slot_defaults(v, &same, &salt);
	rc = hdr_slot_set(&v->header, (unsigned)slot, v->keys->master, mk, pass,
	                  passlen, kdf != NULL ? kdf : &same,
	                  kdf != NULL ? NULL : salt);
	if (rc != VAULT_OK) {
		rc = vault_fail(err, rc, "cannot derive the new member's key");
		goto out;
	}
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		goto out;
	rc = member_event(v, MEMBER_ADD, role, mk->sign_pk, mk->box_pk, name, err);
	if (rc == VAULT_OK)
		rc = vault_member_bind_slot(v, mk->sign_pk,
		                            v->header.slots[slot].id, err);
	if (rc == VAULT_OK)
		rc = vault_slot_touch(v, v->header.slots[slot].id, err);
	/* The header goes to disk inside the transaction: a crash before the
	 * commit leaves a slot no member names, which opens nothing. */
	if (rc == VAULT_OK)
		rc = vault_header_write(v, err);
	if (rc == VAULT_OK)
		rc = db_commit(v, err);
	else
		db_rollback(v);
out:
	if (rc != VAULT_OK)
		v->header = saved;
	ac_secret_free(mk);
	return rc;
}

vault_status vault_member_set_role(vault *v, const char *name, int role,
                                   vault_err *err)
{
	member_row m;
	vault_status rc;

	rc = require_admin(v, "change roles", err);
	if (rc != VAULT_OK)
		return rc;
	if (role < ROLE_ADMIN || role > ROLE_STAFF)
		return vault_fail(err, VAULT_EINVAL, "a role is admin, editor or "
		                  "staff");
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = find_member(v, name, &m, err);
	if (rc == VAULT_OK && m.role == role)
		rc = vault_fail(err, VAULT_EUNCHANGED, "%s is already %s", m.name,
		                obj_role_name(role));
	if (rc == VAULT_OK && memcmp(m.key, v->mk->sign_pk, OBJ_KEY_BYTES) == 0)
		rc = vault_fail(err, VAULT_EPERM, "you cannot change your own "
		                "role; ask another admin");
	if (rc == VAULT_OK)
		rc = member_event(v, MEMBER_ROLE, role, m.key, m.box, m.name, err);
	if (rc != VAULT_OK) {
		db_rollback(v);
		return rc;
	}
	return db_commit(v, err);
}

vault_status vault_member_remove(vault *v, const char *name, vault_err *err)
{
	member_row m;
	vault_status rc;

	rc = require_admin(v, "remove members", err);
	if (rc != VAULT_OK)
		return rc;
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = find_member(v, name, &m, err);
	if (rc == VAULT_OK && memcmp(m.key, v->mk->sign_pk, OBJ_KEY_BYTES) == 0)
		rc = vault_fail(err, VAULT_EPERM, "you cannot remove yourself; "
		                "ask another admin");
	if (rc == VAULT_OK)
		rc = member_event(v, MEMBER_REMOVE, m.role, m.key, m.box, m.name,
		                  err);
	if (rc != VAULT_OK) {
		db_rollback(v);
		return rc;
	}
	rc = db_commit(v, err);
	if (rc != VAULT_OK)
		return rc;
	/* The removal is recorded; now make sure the removed passphrase
	 * opens nothing made from this copy from now on. */
	return vault_rekey(v, err);
}
