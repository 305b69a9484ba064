/* vault: the public API of an Amparo vault file.
 *
 * A vault is one encrypted file (docs/vault-format.md). Front ends open it
 * with a passphrase, call these functions and render what they get; they
 * never see SQL or keys. Every function returns a vault_status and, where it
 * takes a vault_err, leaves a sentence for the user there. Nothing here
 * prints or exits. */
#ifndef AMPARO_VAULT_H
#define AMPARO_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "ac.h"

typedef enum {
	VAULT_OK = 0,
	VAULT_ENOMEM,     /* out of memory, or the secure-memory limit */
	VAULT_EIO,        /* an I/O error (device gone, permission denied...) */
	VAULT_ENOENT,     /* the vault file does not exist */
	VAULT_EEXIST,     /* refusing to create over an existing file */
	VAULT_ENOTVAULT,  /* the file is not an Amparo vault at all */
	VAULT_EDAMAGED,   /* the file is an Amparo vault but damaged or tampered */
	VAULT_EVERSION,   /* written by a newer Amparo */
	VAULT_EAUTH,      /* the passphrase opens no key slot */
	VAULT_EREADONLY,  /* the file or its folder cannot be written */
	VAULT_EFULL,      /* the disk is full */
	VAULT_EBUSY,      /* another Amparo process has the vault open */
	VAULT_ENOTFOUND,  /* no such document */
	VAULT_EAMBIGUOUS, /* a prefix or title names more than one document */
	VAULT_EINVAL,     /* a bad argument (empty title, too long...) */
	VAULT_EFULLSLOTS  /* no free key slot */
} vault_status;

typedef struct {
	vault_status code;
	char msg[320];
} vault_err;

typedef struct vault vault;

/* Open flags. */
#define VAULT_READONLY 0x1u

/* Bytes of a document id in text form: 32 hex digits and a NUL. */
#define VAULT_ID_HEX 33

/* Create a new vault at path (which must not exist) with its first member,
 * an admin named member, whose passphrase opens the only key slot. kdf:
 * Argon2id parameters for that slot (see ac_kdf_calibrate). On failure
 * nothing is left at path. */
vault_status vault_create(const char *path, const char *member,
                          const char *pass, size_t passlen,
                          const ac_kdf_params *kdf, vault_err *err);

/* Open the vault at path with a passphrase. On success *out is the open
 * vault; close it with vault_close. Reports VAULT_EAUTH for a passphrase that
 * opens no slot, and never hands back unauthenticated data. */
vault_status vault_open(const char *path, const char *pass, size_t passlen,
                        unsigned flags, vault **out, vault_err *err);

/* Close and wipe every key. NULL is accepted. */
void vault_close(vault *v);

/* The member whose passphrase opened the vault. Valid until vault_close. */
const char *vault_member(const vault *v);

/* Replace the acting member's passphrase: rewrites that member's key slot
 * only (both header copies); the data is not touched. */
vault_status vault_passwd(vault *v, const char *newpass, size_t newlen,
                          const ac_kdf_params *kdf, vault_err *err);

/* A document as front ends see it. Strings are NUL-terminated and owned by
 * the struct; free with vault_doc_free. */
typedef struct {
	char id[VAULT_ID_HEX];
	char *title;
	char *category;
	char *author;
	char *body;
	size_t body_len;
	int64_t created; /* seconds since the epoch, UTC */
	int64_t updated;
} vault_doc;

void vault_doc_free(vault_doc *d);

/* Add a document. category may be NULL ("general"). id_out receives the new
 * document's id. */
vault_status vault_doc_add(vault *v, const char *title, const char *category,
                           const char *body, size_t body_len,
                           char id_out[VAULT_ID_HEX], vault_err *err);

/* Call fn for every document (body left NULL), ordered by category then
 * title. A non-zero return from fn stops the walk. */
typedef int (*vault_doc_fn)(const vault_doc *d, void *ctx);
vault_status vault_doc_each(vault *v, vault_doc_fn fn, void *ctx,
                            vault_err *err);

/* Find one document by id, unique id prefix (at least 4 hex digits), or
 * exact title, and load it whole. */
vault_status vault_doc_get(vault *v, const char *ref, vault_doc **out,
                           vault_err *err);

/* Run SQLite's integrity check over the whole file (every page is read and
 * so authenticated). VAULT_EDAMAGED with the first problem in err. */
vault_status vault_check(vault *v, vault_err *err);

/* A short English name for a status, for logs and tests. */
const char *vault_status_name(vault_status s);

#endif
