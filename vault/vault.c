/* vault.c: creating, opening and closing a vault file; its keys and its
 * header (docs/vault-format.md §1, §2, §5). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vault_int.h"

vault_keys *vault_keys_new(const uint8_t master[AC_KEY_BYTES],
                           const uint8_t vault_id[VAULT_ID_BYTES])
{
	vault_keys *k = ac_secret_new(sizeof *k);

	if (k == NULL)
		return NULL;
	memcpy(k->master, master, AC_KEY_BYTES);
	memcpy(k->vault_id, vault_id, VAULT_ID_BYTES);
	/* §5: one subkey per purpose, so no key serves two constructions. */
	ac_subkey(k->page, master, 1, "ampPAGE_");
	ac_subkey(k->hdr_mac, master, 2, "ampHEADR");
	ac_subkey(k->journal_mac, master, 3, "ampJRNL_");
	return k;
}

void vault_keys_free(vault_keys *k)
{
	ac_secret_free(k);
}

int64_t vault_now(void)
{
	return (int64_t)time(NULL);
}

sqlite3 *vault_db(vault *v)
{
	return v->db;
}

const char *vault_path(const vault *v)
{
	return v->path;
}

const char *vault_member(const vault *v)
{
	return v->member;
}

const char *vault_status_name(vault_status s)
{
	static const char *const names[] = {
		"ok", "out of memory", "input/output error", "no such file",
		"file exists", "not a vault", "damaged", "newer format",
		"wrong passphrase", "read-only", "disk full", "busy",
		"not found", "ambiguous", "invalid argument", "no free key slot", "not allowed", "needs merge", "unchanged",
		"not addressed to this vault",
	};

	if ((unsigned)s < sizeof names / sizeof names[0])
		return names[s];
	return "unknown";
}

static vault_status errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return VAULT_ENOENT;
	case EEXIST:
		return VAULT_EEXIST;
	case EACCES:
	case EPERM:
	case EROFS:
		return VAULT_EREADONLY;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return VAULT_EFULL;
	case ENOMEM:
		return VAULT_ENOMEM;
	default:
		return VAULT_EIO;
	}
}

static vault_status sys_fail(vault_err *err, int e, const char *what,
                             const char *path)
{
	return vault_fail(err, errno_status(e), "%s %s: %s", what, path,
	                  strerror(e));
}

/* Read both header copies; classify the file before any key work. */
static vault_status read_header_area(const char *path, uint8_t area[HDR_AREA],
                                     off_t *size, vault_err *err)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	vault_status rc = VAULT_OK;

	if (fd < 0) {
		if (errno == ENOENT)
			return vault_fail(err, VAULT_ENOENT,
			                  "no vault at %s: the file does not exist",
			                  path);
		if (errno == ELOOP)
			return vault_fail(err, VAULT_ENOTVAULT,
			                  "%s is a symbolic link; open the vault "
			                  "file itself", path);
		return sys_fail(err, errno, "cannot open", path);
	}
	if (fstat(fd, &st) != 0) {
		rc = sys_fail(err, errno, "cannot read", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = vault_fail(err, VAULT_ENOTVAULT,
		                "%s is not a regular file", path);
		goto out;
	}
	*size = st.st_size;
	memset(area, 0, HDR_AREA);
	n = pread(fd, area, HDR_AREA, 0);
	if (n < 0) {
		rc = sys_fail(err, errno, "cannot read", path);
		goto out;
	}
	if (n < (ssize_t)HDR_AREA) {
		if (n >= (ssize_t)HDR_MAGIC_LEN &&
		    memcmp(area, HDR_MAGIC, HDR_MAGIC_LEN) == 0)
			rc = vault_fail(err, VAULT_EDAMAGED,
			                "%s is truncated: only %lld bytes of the "
			                "vault are left", path, (long long)n);
		else if (n >= 16 && memcmp(area, "SQLite format 3", 16) == 0)
			/* Shorter than our header area: classify_pick never
			 * sees it. */
			rc = vault_fail(err, VAULT_ENOTVAULT,
			                "%s is a plain SQLite database, not an "
			                "Amparo vault", path);
		else
			rc = vault_fail(err, VAULT_ENOTVAULT,
			                "%s is not an Amparo vault", path);
	}
out:
	close(fd);
	return rc;
}

static vault_status classify_pick(hdr_pick_result r, const uint8_t *area,
                                  const char *path, vault_err *err)
{
	if (r == HDR_PICK_NOTVAULT) {
		if (memcmp(area, "SQLite format 3", 16) == 0)
			return vault_fail(err, VAULT_ENOTVAULT,
			                  "%s is a plain SQLite database, not an "
			                  "Amparo vault", path);
		return vault_fail(err, VAULT_ENOTVAULT,
		                  "%s is not an Amparo vault", path);
	}
	if (r == HDR_PICK_DAMAGED)
		return vault_fail(err, VAULT_EDAMAGED,
		                  "%s is damaged: both copies of the vault "
		                  "header fail their checksum", path);
	return VAULT_OK;
}

vault_status vault_header_write(vault *v, vault_err *err)
{
	uint8_t area[HDR_AREA];
	int own = v->txn_depth == 0;
	int rc;

	v->header.generation++;
	hdr_encode(&v->header, v->keys->hdr_mac, area);
	memcpy(area + HDR_SIZE, area, HDR_SIZE);
	/* The header is written under SQLite's exclusive lock, inside the
	 * caller's transaction when there is one. */
	if (own) {
		rc = sqlite3_exec(v->db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return db_fail(v->db, rc, err, "writing the vault header");
	}
	rc = sqlite3_file_control(v->db, "main", VFS_FCNTL_HEADER_WRITE, area);
	if (own)
		sqlite3_exec(v->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(v->db, rc, err, "writing the vault header");
	return VAULT_OK;
}

/* ATTACH, and VACUUM INTO (which attaches its target), could name another
 * VFS in a URI ("file:x?vfs=unix": the system library accepts URIs) and
 * write the vault out in plaintext. Only the '' that a plain VACUUM
 * attaches (a temporary database, kept in memory) is allowed. */
static int authorize(void *ctx, int action, const char *a, const char *b,
                     const char *db, const char *trigger)
{
	(void)ctx;
	(void)b;
	(void)db;
	(void)trigger;
	if (action == SQLITE_ATTACH)
		return a != NULL && a[0] == '\0' ? SQLITE_OK : SQLITE_DENY;
	return SQLITE_OK;
}

static vault_status configure(vault *v, vault_err *err)
{
	static const char pragmas[] =
		"PRAGMA locking_mode = EXCLUSIVE;"
		"PRAGMA journal_mode = DELETE;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA temp_store = MEMORY;"
		"PRAGMA secure_delete = ON;"
		"PRAGMA cell_size_check = ON;"
		"PRAGMA trusted_schema = OFF;"
		"PRAGMA foreign_keys = ON;"
		/* Up to 128 MiB of decrypted pages, allocated only as used:
		 * a page is then authenticated and decrypted once a session,
		 * not at every cache miss (docs/performance.md). */
		"PRAGMA cache_size = -131072;";

	sqlite3_extended_result_codes(v->db, 1);
	sqlite3_busy_timeout(v->db, 2000);
	sqlite3_db_config(v->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(v->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(v->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(v->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_set_authorizer(v->db, authorize, NULL);
	return db_exec(v->db, pragmas, err);
}

/* The file must end on a page boundary and hold every page SQLite counts;
 * checked after a hot journal has been rolled back. */
static vault_status check_size(vault *v, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int64_t pages = 0;
	vault_status rc;

	if (stat(v->path, &sb) != 0)
		return sys_fail(err, errno, "cannot read", v->path);
	rc = db_prepare(v->db, "PRAGMA page_count", &st, err);
	if (rc != VAULT_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		pages = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((sb.st_size - HDR_AREA) % PAGE_SIZE != 0 ||
	    sb.st_size < (off_t)HDR_AREA + pages * (off_t)PAGE_SIZE)
		return vault_fail(err, VAULT_EDAMAGED,
		                  "%s is truncated or damaged: its size (%lld "
		                  "bytes) does not hold the %lld pages it should",
		                  v->path, (long long)sb.st_size,
		                  (long long)pages);
	return VAULT_OK;
}

static vault_status load_member(vault *v, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "SELECT name, role, removed FROM members"
	                " WHERE key = :key", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_blob(st, ":key", v->mk->sign_pk, OBJ_KEY_BYTES);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		rc = db_fail(v->db, src, err, "reading the member list");
	} else if (src == SQLITE_DONE) {
		rc = vault_fail(err, VAULT_EDAMAGED,
		                "%s is damaged: the key slot that opened it "
		                "belongs to no member", v->path);
	} else if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
		rc = vault_fail(err, VAULT_EAUTH,
		                "this passphrase belonged to a member who was "
		                "removed from %s", v->path);
	} else {
		v->member = strdup((const char *)sqlite3_column_text(st, 0));
		v->role = sqlite3_column_int(st, 1);
		rc = v->member != NULL ? VAULT_OK
		                       : vault_fail(err, VAULT_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	return rc;
}

void vault_slot_defaults(const vault *v, ac_kdf_params *kdf,
                         const uint8_t **salt)
{
	const hdr_slot *s = &v->header.slots[v->slot];

	*kdf = s->kdf;
	*salt = s->salt;
}

int vault_damaged(const vault *v)
{
	return v != NULL && vfs_shim_damaged(v->shim);
}

vault_status vault_guard(vault *v, vault_status rc, vault_err *err)
{
	if (!vfs_shim_damaged(v->shim))
		return rc;
	return vault_fail(err, VAULT_EDAMAGED,
	                  "%s is damaged or has been tampered with: a page "
	                  "failed authentication; nothing wrong was returned",
	                  v->path);
}

int vault_role(const vault *v)
{
	return v->role;
}

/* Bring up SQLite over the shim for a header already unlocked. creating:
 * the file holds only the header, and the schema is made. */
vault_status vault_attach(vault *v, const uint8_t area[HDR_AREA], int creating,
                          vault_err *err)
{
	uint8_t again[HDR_AREA];
	sqlite3_stmt *st = NULL;
	int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE;
	int rc, tables = 0;
	vault_status vs;

	vs = vfs_shim_new(v->keys, &v->shim);
	if (vs != VAULT_OK)
		return vault_fail(err, vs, "cannot set up the encrypted storage");
	flags |= v->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	pc_vault_opening(1);
	rc = sqlite3_open_v2(v->path, &v->db, flags, vfs_shim_name(v->shim));
	pc_vault_opening(0);
	if (rc != SQLITE_OK)
		return db_fail(v->db, rc, err, "opening the vault");
	if (!v->readonly && sqlite3_db_readonly(v->db, "main") == 1)
		return vault_fail(err, VAULT_EREADONLY,
		                  "%s is read-only; nothing was changed", v->path);
	vs = configure(v, err);
	if (vs != VAULT_OK)
		return vs;
	if (creating) {
		int reserve = PAGE_RESERVE;

		vs = db_exec(v->db, "PRAGMA page_size = 4096", err);
		if (vs != VAULT_OK)
			return vs;
		rc = sqlite3_file_control(v->db, "main",
		                          SQLITE_FCNTL_RESERVE_BYTES, &reserve);
		if (rc != SQLITE_OK)
			return db_fail(v->db, rc, err, "creating the vault");
	}
	/* The first read takes the lock, rolls back a hot journal and
	 * authenticates page 1. */
	vs = db_prepare(v->db, "SELECT count(*) FROM sqlite_schema", &st, err);
	if (vs != VAULT_OK)
		return vs;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(v->db, rc, err, "opening the vault");
	if (!creating && tables == 0)
		return vault_fail(err, VAULT_EDAMAGED,
		                  "%s is damaged: the header is intact but the "
		                  "data is missing (truncated?)", v->path);
	/* Now that we hold the lock, make sure the header we unlocked is
	 * still the one in the file. */
	rc = sqlite3_file_control(v->db, "main", VFS_FCNTL_HEADER_READ, again);
	if (rc != SQLITE_OK)
		return db_fail(v->db, rc, err, "reading the vault header");
	if (memcmp(again, area, HDR_AREA) != 0)
		return vault_fail(err, VAULT_EBUSY,
		                  "%s changed while it was being opened; try "
		                  "again", v->path);
	vs = check_size(v, err);
	if (vs != VAULT_OK)
		return vs;
	if (!v->readonly) {
		vs = db_begin(v, err);
		if (vs == VAULT_OK)
			vs = db_migrate(v->db, err);
		if (vs == VAULT_OK)
			vs = db_commit(v, err);
		else
			db_rollback(v);
		if (vs != VAULT_OK)
			return vs;
	}
	return VAULT_OK;
}

static vault *vault_alloc(const char *path, unsigned flags)
{
	vault *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	v->path = strdup(path);
	if (v->path == NULL) {
		free(v);
		return NULL;
	}
	v->readonly = (flags & VAULT_READONLY) != 0;
	return v;
}

void vault_close(vault *v)
{
	if (v == NULL)
		return;
	db_cache_clear(v);
	if (v->db != NULL)
		sqlite3_close_v2(v->db);
	vfs_shim_free(v->shim);
	vault_keys_free(v->keys);
	ac_secret_free(v->mk);
	ac_wipe(&v->header, sizeof v->header);
	free(v->member);
	free(v->path);
	free(v);
}

static vault_status unlock(vault *v, const uint8_t area[HDR_AREA],
                           hdr_pick_result pick, int which, const char *pass,
                           size_t passlen, vault_err *err)
{
	uint8_t *master = NULL;
	vault_status rc;
	hdr other;

	master = ac_secret_new(AC_KEY_BYTES);
	v->mk = ac_secret_new(sizeof *v->mk);
	if (master == NULL || v->mk == NULL) {
		ac_secret_free(master);
		return vault_fail(err, VAULT_ENOMEM,
		                  "cannot lock memory for the keys");
	}
	rc = hdr_unlock(&v->header, pass, passlen, master, v->mk, &v->slot);
	/* A copy that passes its checksum but opens with no slot may have
	 * been altered: the other copy gets its chance. */
	if (rc == VAULT_EAUTH && pick == HDR_PICK_REPAIRED &&
	    hdr_decode(area + (1 - which) * HDR_SIZE, &other) == 0) {
		rc = hdr_unlock(&other, pass, passlen, master, v->mk, &v->slot);
		if (rc == VAULT_OK) {
			v->header = other;
			which = 1 - which;
		}
	}
	if (rc == VAULT_EAUTH) {
		rc = vault_fail(err, VAULT_EAUTH,
		                "wrong passphrase: it opens no key slot of %s",
		                v->path);
		goto out;
	}
	if (rc != VAULT_OK) {
		rc = vault_fail(err, rc, "cannot derive the key: out of memory");
		goto out;
	}
	v->keys = vault_keys_new(master, v->header.vault_id);
	if (v->keys == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "cannot lock memory for the keys");
		goto out;
	}
	if (!hdr_mac_ok(area + which * HDR_SIZE, v->keys->hdr_mac))
		rc = vault_fail(err, VAULT_EDAMAGED,
		                "%s has been tampered with: the header fails "
		                "authentication", v->path);
out:
	ac_secret_free(master);
	return rc;
}

vault_status vault_open(const char *path, const char *pass, size_t passlen,
                        unsigned flags, vault **out, vault_err *err)
{
	uint8_t area[HDR_AREA];
	hdr_pick_result pick;
	off_t size = 0;
	int which = 0;
	vault *v = NULL;
	vault_status rc;

	*out = NULL;
	ac_harden_process();
	rc = read_header_area(path, area, &size, err);
	if (rc != VAULT_OK)
		return rc;
	v = vault_alloc(path, flags);
	if (v == NULL)
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	pick = hdr_pick(area, &v->header, &which);
	rc = classify_pick(pick, area, path, err);
	if (rc != VAULT_OK)
		goto fail;
	if (v->header.version < 1) {
		rc = vault_fail(err, VAULT_EDAMAGED, "%s is damaged: format "
		                "version 0 does not exist", path);
		goto fail;
	}
	if (v->header.version > HDR_FORMAT_VERSION) {
		rc = vault_fail(err, VAULT_EVERSION,
		                "%s was written by a newer Amparo (format %u)",
		                path, (unsigned)v->header.version);
		goto fail;
	}
	if (v->header.page_size != PAGE_SIZE || v->header.reserve != PAGE_RESERVE) {
		rc = vault_fail(err, VAULT_EDAMAGED,
		                "%s is damaged: unsupported page layout", path);
		goto fail;
	}
	rc = unlock(v, area, pick, which, pass, passlen, err);
	if (rc != VAULT_OK)
		goto fail;
	rc = vault_attach(v, area, 0, err);
	if (rc != VAULT_OK)
		goto fail;
	rc = load_member(v, err);
	if (rc != VAULT_OK)
		goto fail;
	/* One copy was torn or altered: rewrite both from the good one. */
	if (pick == HDR_PICK_REPAIRED && !v->readonly) {
		rc = vault_header_write(v, err);
		if (rc != VAULT_OK)
			goto fail;
	}
	*out = v;
	return VAULT_OK;
fail:
	vault_close(v);
	return rc;
}

vault_status vault_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (copy == NULL)
		return VAULT_ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return VAULT_EIO;
	/* A new file is not durable until its directory entry is. */
	(void)fsync(fd);
	close(fd);
	return VAULT_OK;
}

static vault_status create_schema(vault *v, const char *member, vault_err *err)
{
	vault_status rc;
	obj o;

	rc = db_begin(v, err);
	if (rc != VAULT_OK)
		return rc;
	rc = db_migrate(v->db, err);
	if (rc != VAULT_OK)
		goto fail;
	/* The genesis object makes the creator the first admin: the root of
	 * trust every later object is checked against. */
	memset(&o, 0, sizeof o);
	o.type = OBJ_GENESIS;
	o.role = ROLE_ADMIN;
	memcpy(o.box, v->mk->box_pk, OBJ_KEY_BYTES);
	o.name.p = member;
	o.name.len = (uint32_t)strlen(member);
	rc = store_put(v, &o, NULL, err);
	if (rc == VAULT_OK)
		rc = db_exec(v->db, "UPDATE members SET slot_id = NULL", err);
	if (rc == VAULT_OK)
		rc = vault_member_bind_slot(v, v->mk->sign_pk, v->header.slots[0].id, err);
	if (rc == VAULT_OK)
		rc = vault_address_new(v, err);
	if (rc != VAULT_OK)
		goto fail;
	return db_commit(v, err);
fail:
	db_rollback(v);
	return rc;
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

vault_status vault_create(const char *path, const char *member,
                          const char *pass, size_t passlen,
                          const ac_kdf_params *kdf, vault_err *err)
{
	uint8_t area[HDR_AREA];
	uint8_t *master = NULL;
	vault *v = NULL;
	int fd = -1, created = 0;
	vault_status rc;

	ac_harden_process();
	if (!name_ok(member))
		return vault_fail(err, VAULT_EINVAL,
		                  "a member name is 1 to 64 characters, "
		                  "with no control characters");
	if (passlen == 0)
		return vault_fail(err, VAULT_EINVAL, "the passphrase is empty");
	v = vault_alloc(path, 0);
	master = ac_secret_new(AC_KEY_BYTES);
	if (v != NULL)
		v->mk = ac_secret_new(sizeof *v->mk);
	if (v == NULL || master == NULL || v->mk == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST
			     ? vault_fail(err, VAULT_EEXIST,
			                  "%s already exists; refusing to "
			                  "overwrite it", path)
			     : sys_fail(err, errno, "cannot create", path);
		goto out;
	}
	created = 1;
	ac_random(master, AC_KEY_BYTES);
	v->header.version = HDR_FORMAT_VERSION;
	v->header.page_size = PAGE_SIZE;
	v->header.reserve = PAGE_RESERVE;
	v->header.generation = 1;
	ac_random(v->header.vault_id, VAULT_ID_BYTES);
	ac_random(v->mk->seed, SEED_BYTES);
	member_keys_derive(v->mk);
	v->role = ROLE_ADMIN;
	rc = hdr_slot_set(&v->header, 0, master, v->mk, pass, passlen, kdf, NULL);
	if (rc != VAULT_OK) {
		rc = vault_fail(err, rc, "cannot derive the key");
		goto out;
	}
	v->keys = vault_keys_new(master, v->header.vault_id);
	if (v->keys == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "cannot lock memory for the keys");
		goto out;
	}
	hdr_encode(&v->header, v->keys->hdr_mac, area);
	memcpy(area + HDR_SIZE, area, HDR_SIZE);
	if (write(fd, area, HDR_AREA) != (ssize_t)HDR_AREA || fsync(fd) != 0) {
		rc = sys_fail(err, errno, "cannot write", path);
		goto out;
	}
	close(fd);
	fd = -1;
	rc = vault_attach(v, area, 1, err);
	if (rc == VAULT_OK)
		rc = create_schema(v, member, err);
	if (rc == VAULT_OK)
		vault_sync_dir(path);
out:
	if (fd >= 0)
		close(fd);
	vault_close(v);
	ac_secret_free(master);
	if (rc != VAULT_OK && created) {
		char journal[4096];

		unlink(path);
		snprintf(journal, sizeof journal, "%s-journal", path);
		unlink(journal);
	}
	return rc;
}

vault_status vault_passwd(vault *v, const char *newpass, size_t newlen,
                          const ac_kdf_params *kdf, vault_err *err)
{
	hdr saved = v->header;
	const uint8_t *salt = NULL;
	ac_kdf_params same;
	vault_status rc;

	if (v->readonly)
		return vault_fail(err, VAULT_EREADONLY,
		                  "the vault was opened read-only");
	if (newlen == 0)
		return vault_fail(err, VAULT_EINVAL, "the passphrase is empty");
	/* Two slots opened by one passphrase: whichever came first would
	 * win, and one member could sign as the other. */
	if (vault_pass_in_use(v, newpass, newlen))
		return vault_fail(err, VAULT_EINVAL, "that passphrase already "
		                  "opens this vault (yours or another member's); "
		                  "choose another");
	vault_slot_defaults(v, &same, &salt);
	if (kdf == NULL)
		kdf = &same;
	else
		salt = NULL;
	rc = hdr_slot_set(&v->header, v->slot, v->keys->master, v->mk, newpass,
	                  newlen, kdf, salt);
	if (rc != VAULT_OK) {
		v->header = saved;
		return vault_fail(err, rc, "cannot derive the new key");
	}
	/* The change time lets other copies tell the newer slot (§4.3 of
	 * bundle-format.md); both go in one transaction with the header. */
	rc = db_begin(v, err);
	if (rc == VAULT_OK)
		rc = vault_slot_touch(v, v->header.slots[v->slot].id, err);
	if (rc == VAULT_OK)
		rc = vault_header_write(v, err);
	if (rc == VAULT_OK)
		rc = db_commit(v, err);
	else if (v->txn_depth > 0)
		db_rollback(v);
	if (rc != VAULT_OK)
		v->header = saved;
	ac_wipe(&saved, sizeof saved);
	return rc;
}

vault_status vault_check(vault *v, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "PRAGMA integrity_check", &st, err);
	if (rc != VAULT_OK)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const char *res = (const char *)sqlite3_column_text(st, 0);

		if (res == NULL || strcmp(res, "ok") != 0)
			rc = vault_fail(err, VAULT_EDAMAGED,
			                "integrity check failed: %s",
			                res != NULL ? res : "(no result)");
	} else {
		rc = db_fail(v->db, src, err, "checking the vault");
	}
	sqlite3_finalize(st);
	return rc;
}
