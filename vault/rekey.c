/* rekey.c: rotating the master key (docs/vault-format.md §2.6).
 *
 * The whole database is copied, page by page through SQLite's backup API,
 * into a new file encrypted under a new master key, which then replaces the
 * old one with rename(2). Until the rename the old file is untouched; after
 * it, the new one is complete and synced. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vault_int.h"

/* New header: the same slots, each remaining member's resealed to the new
 * master key; slots no active member holds are emptied. */
static vault_status reseal_slots(vault *v, hdr *h, const uint8_t *master,
                                 vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;

	rc = db_prepare(v->db, "SELECT box FROM members WHERE slot_id = :slot"
	                " AND removed IS NULL", &st, err);
	if (rc != VAULT_OK)
		return rc;
	for (unsigned i = 0; i < HDR_SLOTS && rc == VAULT_OK; i++) {
		if (h->slots[i].state == SLOT_EMPTY)
			continue;
		sqlite3_reset(st);
		db_bind_blob(st, ":slot", h->slots[i].id, SLOT_ID_BYTES);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) == AC_BOX_PK_BYTES)
			rc = hdr_slot_reseal(h, i, master, sqlite3_column_blob(st, 0));
		else
			memset(&h->slots[i], 0, sizeof h->slots[i]);
	}
	sqlite3_finalize(st);
	if (rc == VAULT_OK && h->slots[v->slot].state == SLOT_EMPTY)
		rc = vault_fail(err, VAULT_EDAMAGED, "your own key slot is not "
		                "bound to your member record");
	return rc;
}

static vault_status write_header_file(const char *path, const uint8_t *area,
                                      vault_err *err)
{
	int fd;

	/* A leftover of an interrupted rekey holds only ciphertext. */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vault_fail(err, errno == ENOSPC ? VAULT_EFULL : VAULT_EIO,
		                  "cannot create %s: %s", path, strerror(errno));
	if (write(fd, area, HDR_AREA) != (ssize_t)HDR_AREA || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return vault_fail(err, e == ENOSPC ? VAULT_EFULL : VAULT_EIO,
		                  "cannot write %s: %s", path, strerror(e));
	}
	close(fd);
	return VAULT_OK;
}

/* Copy every page of v into the vault file at path, encrypted with keys. */
static vault_status copy_into(vault *v, const char *path, vault_keys *keys,
                              const uint8_t *area, vault_err *err)
{
	vault *dst = calloc(1, sizeof *dst);
	sqlite3_backup *b = NULL;
	vault_status rc;
	int src;

	if (dst == NULL || (dst->path = strdup(path)) == NULL) {
		free(dst);
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	}
	dst->keys = keys;
	rc = vault_attach(dst, area, 1, err);
	if (rc == VAULT_OK) {
		b = sqlite3_backup_init(dst->db, "main", v->db, "main");
		if (b == NULL) {
			rc = db_fail(dst->db, sqlite3_errcode(dst->db), err,
			             "copying the vault");
		} else {
			src = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			if (src != SQLITE_DONE)
				rc = db_fail(dst->db, src, err, "copying the vault");
		}
	}
	dst->keys = NULL; /* the caller's */
	vault_close(dst);
	return rc;
}

vault_status vault_rekey(vault *v, vault_err *err)
{
	uint8_t area[HDR_AREA];
	char tmp[4096];
	uint8_t *master = NULL;
	vault_keys *keys = NULL;
	hdr h = v->header;
	vault_status rc;

	if (v->role != ROLE_ADMIN)
		return vault_fail(err, VAULT_EPERM, "only an admin can rotate "
		                  "the vault's keys");
	if (v->readonly)
		return vault_fail(err, VAULT_EREADONLY, "the vault was opened "
		                  "read-only");
	if (snprintf(tmp, sizeof tmp, "%s.rekey", v->path) >= (int)sizeof tmp)
		return vault_fail(err, VAULT_EINVAL, "the path is too long");
	master = ac_secret_new(AC_KEY_BYTES);
	if (master == NULL)
		return vault_fail(err, VAULT_ENOMEM, "cannot lock memory for keys");
	ac_random(master, AC_KEY_BYTES);
	keys = vault_keys_new(master, h.vault_id);
	if (keys == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "cannot lock memory for keys");
		goto out;
	}
	/* A new address too: bundles sealed to the old one stop opening. */
	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		goto out;
	rc = vault_address_new(v, err);
	if (rc == VAULT_OK)
		rc = db_commit(v, err);
	else
		db_rollback(v);
	if (rc != VAULT_OK)
		goto out;
	rc = reseal_slots(v, &h, master, err);
	if (rc != VAULT_OK)
		goto out;
	h.generation++;
	hdr_encode(&h, keys->hdr_mac, area);
	memcpy(area + HDR_SIZE, area, HDR_SIZE);
	rc = write_header_file(tmp, area, err);
	if (rc == VAULT_OK)
		rc = copy_into(v, tmp, keys, area, err);
	if (rc != VAULT_OK) {
		unlink(tmp);
		goto out;
	}
	/* Close our connection first: its exclusive lock is on the old
	 * inode, and nothing may write through it after the rename. */
	db_cache_clear(v);
	sqlite3_close_v2(v->db);
	v->db = NULL;
	vfs_shim_free(v->shim);
	v->shim = NULL;
	if (rename(tmp, v->path) != 0) {
		vault_err again = {0};

		rc = vault_fail(err, VAULT_EIO, "cannot replace %s: %s; the old "
		                "file is unchanged", v->path, strerror(errno));
		unlink(tmp);
		/* Reopen the untouched old file with the old keys. */
		hdr_encode(&v->header, v->keys->hdr_mac, area);
		memcpy(area + HDR_SIZE, area, HDR_SIZE);
		(void)vault_attach(v, area, 0, &again);
		goto out;
	}
	vault_sync_dir(v->path);
	vault_keys_free(v->keys);
	v->keys = keys;
	keys = NULL;
	v->header = h;
	rc = vault_attach(v, area, 0, err);
out:
	vault_keys_free(keys);
	ac_secret_free(master);
	ac_wipe(&h, sizeof h);
	return rc;
}
