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
	VAULT_EFULLSLOTS, /* no free key slot */
	VAULT_EPERM,      /* the acting member's role does not allow it */
	VAULT_ECONFLICT,  /* the document has two heads: merge first */
	VAULT_EUNCHANGED, /* nothing to record (an empty or unchanged edit) */
	VAULT_ENOTOURS    /* a bundle sealed for another vault */
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

/* Whether a page of the vault has failed authentication since it was
 * opened: every answer given since is then suspect and must be reported
 * as damage. */
int vault_damaged(const vault *v);

/* Close and wipe every key. NULL is accepted. */
void vault_close(vault *v);

/* The path the vault was opened from. */
const char *vault_path(const vault *v);

/* The member whose passphrase opened the vault. Valid until vault_close. */
const char *vault_member(const vault *v);

/* Replace the acting member's passphrase: rewrites that member's key slot
 * only (both header copies); the data is not touched. */
vault_status vault_passwd(vault *v, const char *newpass, size_t newlen,
                          const ac_kdf_params *kdf, vault_err *err);

/* Ids in text form: documents 32 hex digits, revisions 64. */
#define VAULT_REV_HEX 65

/* A document as front ends see it. Strings are NUL-terminated and owned by
 * the struct; free with vault_doc_free. */
typedef struct {
	char id[VAULT_ID_HEX];
	char rev[VAULT_REV_HEX];      /* the revision shown (the head by default) */
	char approved[VAULT_REV_HEX]; /* latest approved revision, or "" */
	char *title;
	char *category;
	char *lang;
	char *template_id;            /* the template it started from, or "" */
	char *author;                 /* of the revision shown */
	char *message;
	char *body;
	size_t body_len;
	int kind;                     /* KIND_* in object.h: 1 policy, 2 protocol, 3 checklist */
	int status;                   /* 1 draft, 2 in review, 3 approved, 4 archived */
	int heads;                    /* more than 1: needs a merge */
	int64_t review_by;            /* 0: none */
	int reference;                /* received from a partner: read-only */
	int awaiting_ack;             /* approved, and the acting member has not
	                                 acknowledged the latest approval */
	int64_t created;              /* seconds since the epoch, UTC */
	int64_t updated;
} vault_doc;

void vault_doc_free(vault_doc *d);
const char *vault_kind_name(int kind);
int vault_kind_parse(const char *s);
const char *vault_status_label(int status);

/* What a new document or an edit sets. NULL strings and zero numbers keep
 * the current value (for a new document: "general", "en", policy, none). */
typedef struct {
	const char *title;
	const char *category;
	const char *lang;
	const char *template_id;
	int kind;
	int64_t review_by;
	const char *message;
} vault_meta;

/* Add a document: its first revision, signed by the acting member (admins
 * and editors only). id_out receives the new document's id. */
vault_status vault_doc_add(vault *v, const vault_meta *m, const char *body,
                           size_t body_len, char id_out[VAULT_ID_HEX],
                           vault_err *err);

/* Record a new revision of a document on top of its head. VAULT_EUNCHANGED
 * when neither text nor metadata change; VAULT_ECONFLICT when the document
 * has two heads (merge first). */
vault_status vault_doc_edit(vault *v, const char *ref, const vault_meta *m,
                            const char *body, size_t body_len,
                            char rev_out[VAULT_REV_HEX], vault_err *err);

/* Call fn for every document (body left NULL), ordered by category then
 * title. A non-zero return from fn stops the walk. */
typedef int (*vault_doc_fn)(const vault_doc *d, void *ctx);
vault_status vault_doc_each(vault *v, vault_doc_fn fn, void *ctx,
                            vault_err *err);

/* Find one document by id, unique id prefix (at least 4 hex digits), or
 * exact title, and load it whole at revision rev (an id or unique prefix of
 * one of its revisions; NULL for the head). */
vault_status vault_doc_get(vault *v, const char *ref, const char *rev,
                           vault_doc **out, vault_err *err);

/* One revision in a document's history. */
typedef struct {
	char id[VAULT_REV_HEX];
	char parents[2][VAULT_REV_HEX]; /* "" where absent */
	int nparents;
	char *author;
	char *message;
	int64_t time;
	int approved;  /* an approval names this revision */
	int in_review; /* a submission names this revision */
	int head;
} vault_rev;

/* The history of a document, newest first. */
typedef int (*vault_rev_fn)(const vault_rev *r, void *ctx);
vault_status vault_log(vault *v, const char *ref, vault_rev_fn fn, void *ctx,
                       vault_err *err);

/* A new revision holding the content of revision rev. */
vault_status vault_doc_restore(vault *v, const char *ref, const char *rev,
                               char rev_out[VAULT_REV_HEX], vault_err *err);

/* Record a status for a revision (NULL: the head): STATUS_REVIEW (submit:
 * editors and admins), STATUS_APPROVED (approve: admins), STATUS_ARCHIVED
 * (archive: admins). */
vault_status vault_doc_set_status(vault *v, const char *ref, const char *rev,
                                  int status, const char *message,
                                  vault_err *err);

/* Full-text search over the current text of every document, ignoring case
 * and accents: the VAULT_SEARCH_MAX best matches, best first. snippet
 * marks matches with [ and ]. */
#define VAULT_SEARCH_MAX 50
typedef struct {
	char id[VAULT_ID_HEX];
	const char *title;
	const char *snippet;
} vault_hit;
typedef int (*vault_hit_fn)(const vault_hit *h, void *ctx);
vault_status vault_search(vault *v, const char *query, vault_hit_fn fn,
                          void *ctx, vault_err *err);

/* Run SQLite's integrity check over the whole file (every page is read and
 * so authenticated). VAULT_EDAMAGED with the first problem in err. */
vault_status vault_check(vault *v, vault_err *err);

/* Members. Roles: 1 admin, 2 editor, 3 staff. */
typedef struct {
	const char *name;
	char key[VAULT_REV_HEX]; /* the signing key, hex */
	int role;
	int active;              /* 0 once removed */
	int you;                 /* the acting member */
	int has_slot;            /* this copy holds a key slot for them */
	int64_t added, removed;
} vault_member_info;
typedef int (*vault_member_fn)(const vault_member_info *m, void *ctx);
vault_status vault_member_each(vault *v, vault_member_fn fn, void *ctx,
                               vault_err *err);
const char *vault_role_name(int role);
int vault_role_parse(const char *s);
/* The acting member's role. */
int vault_role(const vault *v);

/* Add a member (admins only) with a key slot of their own opened by pass,
 * and a signing key that only that passphrase unlocks. */
vault_status vault_member_add(vault *v, const char *name, int role,
                              const char *pass, size_t passlen,
                              const ac_kdf_params *kdf, vault_err *err);
/* Change a member's role (admins only). */
vault_status vault_member_set_role(vault *v, const char *name, int role,
                                   vault_err *err);
/* Remove a member (admins only): their slot goes and the master key and the
 * vault's bundle keypair are rotated, so that copies made from now on do
 * not open with the removed passphrase. The file is rewritten. */
vault_status vault_member_remove(vault *v, const char *name, vault_err *err);

/* Rotate the master key and the vault's address (admins only): the file is
 * rewritten under a new key, every remaining member's slot is resealed to
 * them, and slots of removed members are dropped. */
vault_status vault_rekey(vault *v, vault_err *err);

/* Re-check every object: its id, its signature, its author's membership
 * and role at the time, and what it refers to. fn is called once per
 * problem; *checked counts the objects. VAULT_EDAMAGED if any failed. */
typedef struct {
	char id[VAULT_REV_HEX];
	const char *type;
	const char *problem;
} vault_problem;
typedef void (*vault_problem_fn)(const vault_problem *p, void *ctx);
vault_status vault_verify(vault *v, vault_problem_fn fn, void *ctx,
                          uint64_t *checked, vault_err *err);

/* --- Acknowledgements --------------------------------------------------- */

/* Record that the acting member read and understood the latest approved
 * revision of a document, with a walkthrough score (0 of 0 when the
 * document has no walkthrough). VAULT_ENOTFOUND when no revision is
 * approved yet. */
vault_status vault_ack(vault *v, const char *ref, int score, int total,
                       vault_err *err);

typedef struct {
	const char *member;
	int acked;        /* acknowledged the latest approved revision */
	int acked_older;  /* acknowledged only an older approved revision */
	int score, total; /* of the acknowledgement, when acked */
	int64_t time;
} vault_ack_info;
typedef int (*vault_ack_fn)(const vault_ack_info *a, void *ctx);
/* For every current member of this vault: where they stand on the
 * document's latest approved revision. */
vault_status vault_ack_each(vault *v, const char *ref, vault_ack_fn fn,
                            void *ctx, vault_err *err);

/* --- Crisis mode: incident logs ---------------------------------------- */

enum { VAULT_INCIDENT_OPEN = 1, VAULT_INCIDENT_CHECK = 2,
       VAULT_INCIDENT_NOTE = 3, VAULT_INCIDENT_CLOSE = 4 };

/* Start an incident that follows protocol ref (its latest approved
 * revision, else its current one). id_out: the incident's id. */
vault_status vault_incident_open(vault *v, const char *ref, const char *note,
                                 char id_out[VAULT_REV_HEX], vault_err *err);
/* Add an entry to an open incident (id or unique prefix): check item
 * (from 1) off with an optional note, add a note, or close it. */
vault_status vault_incident_add(vault *v, const char *incident, int act,
                                unsigned item, const char *note,
                                vault_err *err);

typedef struct {
	char incident[VAULT_REV_HEX];
	const char *protocol; /* the protocol's title */
	char doc[VAULT_ID_HEX];
	char rev[VAULT_REV_HEX];
	int act;
	unsigned item;
	const char *note;
	const char *author;
	int64_t time;
} vault_incident_entry;
typedef int (*vault_incident_fn)(const vault_incident_entry *e, void *ctx);
/* Every entry of every incident (or of one, when incident is not NULL),
 * oldest incident first, each in time order. */
vault_status vault_incident_each(vault *v, const char *incident,
                                 vault_incident_fn fn, void *ctx,
                                 vault_err *err);

/* --- Sync: sealed, signed bundles (docs/bundle-format.md) ----------- */

#define VAULT_ADDRESS_LEN 80 /* "amparo1" + 72 hex digits + NUL */

/* The vault's public address, to give to partners: bundles sealed to it
 * open only in copies of this vault. */
vault_status vault_address(vault *v, char out[VAULT_ADDRESS_LEN], vault_err *err);

/* Progress of a long operation: done out of total (bytes or objects). */
typedef void (*vault_progress_fn)(uint64_t done, uint64_t total, void *ctx);

typedef struct {
	uint64_t objects;      /* objects carried by the bundles read or written */
	uint64_t added;        /* of those, new to this vault */
	uint64_t documents;    /* documents created or changed by the import */
	uint64_t members;      /* membership changes imported */
	uint64_t slots;        /* key slots installed or updated */
	uint64_t bundles;      /* bundles imported */
	uint64_t skipped;      /* bundles not addressed to this vault */
	uint64_t failed;       /* bundles refused (sync: named in the log) */
	uint64_t waiting;      /* sync: bundles that build on others not yet here */
	char written[1024];    /* the bundle written, or "" */
} vault_sync_summary;

/* Write a bundle to out holding what peer (NULL: "default") has not yet
 * been sent, or everything with all. It is sealed to this vault's own
 * address and to each partner address in to[0..nto). Key slots travel
 * only when no partner is named; acknowledgements never go to partners. */
vault_status vault_export(vault *v, const char *out, const char *peer, int all,
                          const char *const *to, int nto,
                          vault_progress_fn progress, void *ctx,
                          vault_sync_summary *sum, vault_err *err);

/* Verify and apply one bundle, all or nothing. */
vault_status vault_import(vault *v, const char *path, vault_progress_fn progress,
                          void *ctx, vault_sync_summary *sum, vault_err *err);

/* Use folder dir as the transport: import every copy's bundles found there
 * and write one bundle with what the folder does not hold yet. problems,
 * when set, is called for each bundle refused. */
typedef void (*vault_sync_problem_fn)(const char *file, const vault_err *e, void *ctx);
vault_status vault_sync(vault *v, const char *dir, vault_progress_fn progress,
                        vault_sync_problem_fn problems, void *ctx,
                        vault_sync_summary *sum, vault_err *err);

/* Three-way merge of a document whose history has two heads: the text of
 * the two newest heads merged against their common ancestor, conflicts
 * marked. *merged is malloc'd. */
vault_status vault_merge_prepare(vault *v, const char *ref, char **merged,
                                 size_t *len, int *conflicts, vault_err *err);
/* Record the merge revision (both heads as parents) with the resolved
 * text; refused while conflict markers remain. */
vault_status vault_merge_commit(vault *v, const char *ref, const char *text,
                                size_t len, const char *message,
                                char rev_out[VAULT_REV_HEX], vault_err *err);

/* Copy a reference document received from a partner into a new draft of
 * this vault. */
vault_status vault_doc_copy(vault *v, const char *ref, const char *title,
                            char id_out[VAULT_ID_HEX], vault_err *err);

/* A short English name for a status, for logs and tests. */
const char *vault_status_name(vault_status s);

#endif
