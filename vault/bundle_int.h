/* bundle_int.h: the bundle container (bundle.c) and the sync logic that
 * builds manifests (export.c) and applies them (sync.c).
 * docs/bundle-format.md. */
#ifndef AMPARO_BUNDLE_INT_H
#define AMPARO_BUNDLE_INT_H

#include "vault_int.h"

#define BUNDLE_MAGIC "AMPARO\x1a" "B"
#define BUNDLE_VERSION 1
#define BUNDLE_STANZA_BYTES (AC_KEY_BYTES + AC_SEAL_BYTES) /* 80 */
#define BUNDLE_MAX_RECIPIENTS 32
#define BUNDLE_CHUNK 65536u
#define BUNDLE_MAX_FILE (1024ull << 20)
#define MANIFEST_MAGIC "AMPM"
#define MANIFEST_VERSION 1
#define MANIFEST_SLOTS 0x01 /* carries key slots: a copy of the same vault */
#define SLOT_RECORD_BYTES (HDR_SLOT_SIZE + OBJ_KEY_BYTES + 8)

typedef struct {
	uint8_t *p;
	size_t len, cap;
	int failed;
} bbuf;

int bbuf_put(bbuf *b, const void *p, size_t n);
void bbuf_u32(bbuf *b, uint32_t v);
void bbuf_i64(bbuf *b, int64_t v);
uint32_t le32(const uint8_t *p);
int64_t le64(const uint8_t *p);

/* This vault's current address (X25519 public key). */
vault_status meta_address_pk(vault *v, uint8_t pk[32], vault_err *err);
/* Parse "amparo1..." into an X25519 public key; -1 if malformed. */
int bundle_address_parse(const char *s, uint8_t pk[32]);
/* Seal plaintext into a bundle for recipients to[0..nto), appended to out. */
vault_status bundle_seal(const uint8_t *plain, size_t len,
                         const uint8_t (*to)[32], int nto, bbuf *out,
                         vault_progress_fn progress, void *ctx, vault_err *err);
/* Open a bundle addressed to this vault; its plaintext appended to plain. */
vault_status bundle_open(vault *v, const uint8_t *buf, size_t len, bbuf *plain,
                         vault_err *err);
vault_status bundle_read_file(const char *path, uint8_t **buf, size_t *len,
                              vault_err *err);
vault_status bundle_write_file(const char *path, const uint8_t *buf, size_t len,
                               vault_err *err);

/* --- export.c, shared with sync.c: what goes into a bundle (§4) -------- */

/* A set of object ids: appended in any order, sorted on first lookup. */
typedef struct {
	uint8_t (*id)[OBJ_ID_BYTES];
	size_t n, cap;
	int sorted;
} sync_idset;

/* Add id to s; 0, or -1 when out of memory. */
int sync_idset_add(sync_idset *s, const uint8_t id[OBJ_ID_BYTES]);
/* 1 if s holds id (sorting s first if need be), else 0. */
int sync_idset_has(sync_idset *s, const uint8_t id[OBJ_ID_BYTES]);
/* Free the ids and empty s. */
void sync_idset_free(sync_idset *s);

/* The objects chosen for one bundle. Start it zeroed. */
typedef struct {
	bbuf objects;        /* u32 len, data, sig for each object */
	sync_idset ids;      /* in order of appearance: the manifest's list */
	sync_idset order;    /* the same, appended in order (ids gets sorted) */
	sync_idset prereq;
	int64_t last_seq;
} sync_selection;

/* Fill sel with the objects stored after seq since, and their
 * prerequisites (§4.2). partners: only this vault's own objects, no
 * acknowledgements or incidents. skip (may be NULL): ids to leave out. */
vault_status sync_select_objects(vault *v, int64_t since, int partners,
                                 sync_idset *skip, sync_selection *sel,
                                 vault_err *err);
/* Wipe and free what sel holds. */
void sync_selection_free(sync_selection *sel);
/* The watermark recorded for peer (a seq or a time); 0 if none. */
int64_t sync_peer_sent(vault *v, const char *peer);
/* The newest change time of any key slot of this copy; 0 if none. */
int64_t sync_latest_slot_change(vault *v);
/* Seal sel (with this copy's key slots when slots is set) for
 * to[0..nto) and write it to the file out; adds to sum's object count and
 * names the file in sum->written. */
vault_status sync_write_bundle(vault *v, const char *out, sync_selection *sel,
                               const uint8_t (*to)[32], int nto, int slots,
                               vault_progress_fn progress, void *ctx,
                               vault_sync_summary *sum, vault_err *err);

#endif
