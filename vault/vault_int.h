/* vault_int.h: private to vault/ and its white-box tests.
 * The byte layouts here are specified in docs/vault-format.md; section
 * numbers in comments refer to that document. */
#ifndef AMPARO_VAULT_INT_H
#define AMPARO_VAULT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdarg.h>

#include "object.h"
#include "vault.h"

/* --- The header (vault-format.md §2) --------------------------------- */

#define HDR_MAGIC "AMPARO\x1a\x01"
#define HDR_MAGIC_LEN 8
#define HDR_FORMAT_VERSION 1u
#define HDR_SIZE 16384u       /* one copy */
#define HDR_AREA (2u * HDR_SIZE) /* both copies; pages start here */
#define HDR_SLOTS 64u
#define HDR_SLOT_SIZE 208u
#define HDR_SLOTS_OFF 64u
#define HDR_MAC_OFF (HDR_SIZE - 64u) /* keyed BLAKE2b-256 over [0, MAC) */
#define HDR_SUM_OFF (HDR_SIZE - 32u) /* plain BLAKE2b-256 over [0, SUM) */
#define VAULT_ID_BYTES 16u
#define SLOT_ID_BYTES 16u
#define SEED_BYTES 32u
#define HDR_MAX_DERIVATIONS 4u /* distinct salt/parameter sets tried */
#define SEALED_KEY_BYTES (AC_KEY_BYTES + 48u) /* crypto_box_SEALBYTES */

#define PAGE_SIZE 4096u
#define PAGE_RESERVE 40u       /* nonce (24) + tag (16) at the end of a page */

enum { SLOT_EMPTY = 0, SLOT_PASSPHRASE = 1 };

/* §2.2: a member's slot. The passphrase unlocks the member's seed (from
 * which their signing and X25519 keys derive); the vault's master key is
 * sealed to that X25519 key, so an admin can rotate the master key for
 * every remaining member without knowing their passphrases. */
typedef struct {
	uint8_t state;
	ac_kdf_params kdf;
	uint8_t salt[AC_SALT_BYTES];
	uint8_t nonce[AC_NONCE_BYTES];
	uint8_t wrapped[SEED_BYTES];
	uint8_t tag[AC_TAG_BYTES];
	uint8_t id[SLOT_ID_BYTES];
	uint8_t sealed[SEALED_KEY_BYTES];
} hdr_slot;

typedef struct {
	uint32_t version;
	uint32_t page_size;
	uint32_t reserve;
	uint64_t generation;
	uint8_t vault_id[VAULT_ID_BYTES];
	hdr_slot slots[HDR_SLOTS];
	uint8_t mac[AC_HASH_BYTES];
} hdr;

/* A member's keys, derived from their seed (guarded memory). */
typedef struct {
	uint8_t seed[SEED_BYTES];
	uint8_t sign_pk[32];
	uint8_t sign_sk[64];
	uint8_t box_pk[32];
	uint8_t box_sk[32];
} member_keys;

/* Derive a member's keys from a seed. */
void member_keys_derive(member_keys *k);

/* What hdr_pick found in the first HDR_AREA bytes of a file. */
typedef enum {
	HDR_PICK_OK,        /* both copies valid and identical */
	HDR_PICK_REPAIRED,  /* one copy unreadable or stale; the other used */
	HDR_PICK_NOTVAULT,  /* no copy has the magic */
	HDR_PICK_DAMAGED    /* magic present, no copy passes its checksum */
} hdr_pick_result;

/* Serialise h into one HDR_SIZE copy, computing the MAC with mac_key (NULL
 * leaves the MAC as stored in h) and the checksum. */
void hdr_encode(const hdr *h, const uint8_t *mac_key, uint8_t out[HDR_SIZE]);
/* Parse one copy; -1 when the magic or checksum is wrong. */
int hdr_decode(const uint8_t in[HDR_SIZE], hdr *h);
/* Choose the copy to use from the two copies in area. *which is 0 or 1. */
hdr_pick_result hdr_pick(const uint8_t area[HDR_AREA], hdr *h, int *which);
/* Verify the header MAC against mac_key: 1 if it holds. */
int hdr_mac_ok(const uint8_t copy[HDR_SIZE], const uint8_t *mac_key);
/* Try every slot with the passphrase; on success the master key is in
 * master and the member's keys in mk (both guarded memory), *slot the slot
 * index. Slots sharing a salt and parameters cost one derivation. */
vault_status hdr_unlock(const hdr *h, const char *pass, size_t passlen,
                        uint8_t master[AC_KEY_BYTES], member_keys *mk,
                        unsigned *slot);
/* Fill slot i for the member whose keys are mk: their seed wrapped under
 * pass (with salt and kdf; salt NULL: a fresh one) and master sealed to
 * their X25519 key. A slot that was in use keeps its id. */
vault_status hdr_slot_set(hdr *h, unsigned i, const uint8_t master[AC_KEY_BYTES],
                          const member_keys *mk, const char *pass,
                          size_t passlen, const ac_kdf_params *kdf,
                          const uint8_t *salt);
/* Reseal master to the X25519 key box_pk in slot i (key rotation). */
vault_status hdr_slot_reseal(hdr *h, unsigned i, const uint8_t master[AC_KEY_BYTES],
                             const uint8_t box_pk[32]);
/* A free slot index, or -1. */
int hdr_slot_free(const hdr *h);

/* --- Keys ------------------------------------------------------------- */

typedef struct {
	uint8_t master[AC_KEY_BYTES];
	uint8_t page[AC_KEY_BYTES];
	uint8_t hdr_mac[AC_KEY_BYTES];
	uint8_t journal_mac[AC_KEY_BYTES];
	uint8_t vault_id[VAULT_ID_BYTES];
} vault_keys; /* always in ac_secret_new memory */

vault_keys *vault_keys_new(const uint8_t master[AC_KEY_BYTES],
                           const uint8_t vault_id[VAULT_ID_BYTES]);
void vault_keys_free(vault_keys *k);

/* --- The encrypting VFS (vault-format.md §3, §4) ---------------------- */

typedef struct vfs_shim vfs_shim;

/* Register a VFS instance bound to keys (borrowed: they must outlive the
 * shim). Its name is in vfs_shim_name. */
vault_status vfs_shim_new(vault_keys *keys, vfs_shim **out);
const char *vfs_shim_name(const vfs_shim *s);
/* Whether any page has failed authentication on this vault. */
int vfs_shim_damaged(const vfs_shim *s);
/* Whether a worker thread seals s's database pages (§3.3), for tests. */
int vfs_shim_sealer(const vfs_shim *s);
void vfs_shim_free(vfs_shim *s);

/* pcache.c: the page cache of vault connections (vault-format.md §5).
 * Connections opened between pc_vault_opening(1) and pc_vault_opening(0),
 * on this thread, get it; every other connection keeps SQLite's.
 * pc_installed says whether it could be installed (before SQLite
 * initialized); pc_pages_live counts the pages all vault caches hold. */
void pc_vault_opening(int on);
int pc_installed(void);
long pc_pages_live(void);
/* The methods themselves, for tests that drive a cache directly. */
const sqlite3_pcache_methods2 *pc_methods(void);

/* File controls our VFS answers on the main database, to reach the header
 * area through the same file handle as SQLite (closing a second descriptor
 * would drop SQLite's POSIX locks). Argument: uint8_t[HDR_AREA]. */
#define VFS_FCNTL_HEADER_READ 0x414d5001
#define VFS_FCNTL_HEADER_WRITE 0x414d5002

/* --- The SQLite wrapper (db.c) --------------------------------------- */

/* Fill err from a status and a printf-style message; returns code. */
vault_status vault_fail(vault_err *err, vault_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Map the database handle's last error to a status and message. */
vault_status db_fail(sqlite3 *db, int rc, vault_err *err, const char *what);

/* Prepare one statement; VAULT_OK or a failure set in err. */
vault_status db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
                        vault_err *err);
/* The same, but the statement is prepared once per connection and kept:
 * sql must be a string literal (its address is the key). Hand it back
 * with db_done, never sqlite3_finalize. Used on the import and insert
 * paths, where preparing dominated (docs/performance.md). */
vault_status db_cached(vault *v, const char *sql, sqlite3_stmt **st,
                       vault_err *err);
/* Done with a statement from db_prepare or db_cached: a cached one is
 * reset for its next use, any other finalized. NULL is accepted. */
void db_done(vault *v, sqlite3_stmt *st);
/* Finalize every cached statement (before the connection closes). */
void db_cache_clear(vault *v);
/* Run SQL with no results (may hold several statements). */
vault_status db_exec(sqlite3 *db, const char *sql, vault_err *err);
/* Named binds that fail loudly when the name is not in the statement. */
int db_bind_text(sqlite3_stmt *st, const char *name, const char *s);
int db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n);
int db_bind_int64(sqlite3_stmt *st, const char *name, int64_t v);
/* Transactions nest by counter; only the outermost one reaches SQLite. */
vault_status db_begin(vault *v, vault_err *err);
vault_status db_commit(vault *v, vault_err *err);
void db_rollback(vault *v);
/* Apply pending schema migrations (vault-format.md §6). */
vault_status db_migrate(sqlite3 *db, vault_err *err);

/* --- The object store (store.c; docs/object-format.md) -------------- */

/* Sign o as the acting member (filling vault, author and time), insert it
 * and update the indexes, in the caller's transaction. */
vault_status store_put(vault *v, obj *o, uint8_t id_out[OBJ_ID_BYTES],
                       vault_err *err);
/* Whether the author of o may create it at o->time: VAULT_OK or
 * VAULT_EPERM with the reason. */
vault_status store_authorize(vault *v, const obj *o, vault_err *err);
/* Load an object's encoding (malloc'd). */
vault_status store_get(vault *v, const uint8_t id[OBJ_ID_BYTES], uint8_t **data,
                       size_t *len, vault_err *err);
/* Insert an object whose id and signature the caller has checked; the
 * author's role is checked here. *added is 0 when it was already held. */
vault_status store_insert_checked(vault *v, const uint8_t id[OBJ_ID_BYTES],
                                  const obj *o, const uint8_t *data, size_t len,
                                  const uint8_t sig[OBJ_SIG_BYTES], int *added,
                                  vault_err *err);
/* The current role of key in vault vid, 0 if not (or no longer) a member. */
int store_member_role(vault *v, const uint8_t vid[OBJ_VAULT_BYTES],
                      const uint8_t key[OBJ_KEY_BYTES]);
/* 1 if key is a member of vault vid (not removed) at time t. */
int store_member_active(vault *v, const uint8_t vid[OBJ_VAULT_BYTES],
                        const uint8_t key[OBJ_KEY_BYTES], int64_t t);
/* Read a member's display name (malloc'd), "(unknown)" if none. */
char *store_member_name(vault *v, const uint8_t key[OBJ_KEY_BYTES]);

/* Run fn(ctx, i) for every i in [0, n) on both cores (verify.c). */
void vault_parallel(size_t n, void (*fn)(void *ctx, size_t i), void *ctx);
/* The same in the background: fn(ctx, i) for i in [from, to) on one or
 * two worker threads while the caller does something else. The threads
 * take the indices a few at a time from one counter, so none sits idle
 * while another has a long queue; vault_job_join has the caller take its
 * share of what is left, then waits for the threads. */
typedef struct {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	atomic_size_t next;
	size_t to;
	pthread_t th[2];
	int started[2];
} vault_job;
/* pthread_create with every signal blocked in the new thread: signals stay
 * with the thread that reads the terminal. 0 or -1. */
int vault_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);
void vault_job_start(vault_job *j, size_t from, size_t to, int workers,
                     void (*fn)(void *ctx, size_t i), void *ctx);
void vault_job_join(vault_job *j);
/* While importing: defer document rows until store_batch_end, which
 * refreshes each touched document once and counts them. */
vault_status store_batch_begin(vault *v, vault_err *err);
vault_status store_batch_end(vault *v, uint64_t *docs, vault_err *err);
/* Recompute a document's derived row (store.c). */
vault_status store_doc_refresh(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                               vault_err *err);

/* --- Documents (docs.c, docs_read.c) -------------------------------- */

/* Find the one document whose title is ref, or whose id starts with ref
 * (4 to 32 hex digits). OUT doc. VAULT_ENOTFOUND or VAULT_EAMBIGUOUS
 * with a message naming ref otherwise. */
vault_status docs_resolve_doc(vault *v, const char *ref,
                              uint8_t doc[OBJ_DOC_BYTES], vault_err *err);
/* Find the one revision of doc whose id starts with ref (4 to 64 hex
 * digits). OUT rev. VAULT_ENOTFOUND or VAULT_EAMBIGUOUS otherwise. */
vault_status docs_resolve_rev(vault *v, const uint8_t doc[OBJ_DOC_BYTES],
                              const char *ref, uint8_t rev[OBJ_ID_BYTES],
                              vault_err *err);
/* Load and decode revision rev. OUT *o points into OUT *data, which the
 * caller frees (NULL on failure). VAULT_EDAMAGED if it is no revision. */
vault_status docs_load_rev(vault *v, const uint8_t rev[OBJ_ID_BYTES], obj *o,
                           uint8_t **data, vault_err *err);

/* Once a page has failed authentication, every answer of a public
 * function becomes "damaged": a lookup that met a bad page must not read
 * as "not found" or "not allowed". */
vault_status vault_guard(vault *v, vault_status rc, vault_err *err);

/* The open vault. */
struct vault {
	char *path;
	sqlite3 *db;
	vfs_shim *shim;
	vault_keys *keys;
	hdr header;
	unsigned slot;       /* the slot that opened it */
	int readonly;
	int txn_depth;
	int txn_failed;
	char *member;
	int role;
	member_keys *mk;     /* the acting member's keys, guarded memory */
	int batch;           /* importing: document rows refreshed at the end */
	struct {
		int valid;
		uint8_t vault[OBJ_VAULT_BYTES], key[OBJ_KEY_BYTES];
		int role, action;
	} role_now;          /* the last current-role answer (role_at, now);
	                        forgotten whenever a member event is stored */
	struct {
		int valid;
		uint8_t doc[OBJ_DOC_BYTES], vault[OBJ_VAULT_BYTES];
	} doc_owner[64];     /* document -> owning vault, as found (store.c);
	                        a document's owner never changes, but a
	                        rollback can take a first revision away */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[48];         /* db_cached */
};

/* The slot parameters new slots reuse, so that unlocking stays one key
 * derivation (§2.3). */
void vault_slot_defaults(const vault *v, ac_kdf_params *kdf,
                         const uint8_t **salt);
/* Bring up SQLite over the shim for a header already unlocked (v->keys
 * set); area is the header as on disk. creating: a file holding only the
 * header. */
vault_status vault_attach(vault *v, const uint8_t area[HDR_AREA], int creating,
                          vault_err *err);
/* fsync the folder holding path. */
vault_status vault_sync_dir(const char *path);
/* Record which key slot a member's passphrase opens in this copy. */
vault_status vault_member_bind_slot(vault *v, const uint8_t key[OBJ_KEY_BYTES],
                                    const uint8_t slot_id[SLOT_ID_BYTES],
                                    vault_err *err);
/* 1 when pass already opens a slot of this vault (one key derivation). */
int vault_pass_in_use(vault *v, const char *pass, size_t passlen);
/* Record that a key slot changed now (for slot sync between copies). */
vault_status vault_slot_touch(vault *v, const uint8_t slot_id[SLOT_ID_BYTES],
                              vault_err *err);
/* Write the vault's address keypair into meta (bundles, §7). */
vault_status vault_address_new(vault *v, vault_err *err);

sqlite3 *vault_db(vault *v);
vault_status vault_header_write(vault *v, vault_err *err);
int64_t vault_now(void);

#endif
