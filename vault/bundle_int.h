/* bundle_int.h: the bundle container (bundle.c) and the sync logic that
 * builds and applies manifests (sync.c). docs/bundle-format.md. */
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

#endif
