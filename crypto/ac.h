/* ac: Amparo's thin layer over libsodium.
 *
 * Everything cryptographic the rest of Amparo does goes through here, so that
 * the constructions in use can be audited in one file. Nothing in this module
 * prints, exits or touches files. */
#ifndef AMPARO_AC_H
#define AMPARO_AC_H

#include <stddef.h>
#include <stdint.h>

#define AC_KEY_BYTES 32u   /* master keys, page keys, wrapping keys */
#define AC_SALT_BYTES 16u  /* crypto_pwhash_SALTBYTES */
#define AC_NONCE_BYTES 24u /* XChaCha20-Poly1305 */
#define AC_TAG_BYTES 16u   /* Poly1305 */
#define AC_HASH_BYTES 32u  /* BLAKE2b-256 */

typedef enum {
	AC_OK = 0,
	AC_ENOMEM,   /* secure allocation failed (mlock limit, or out of memory) */
	AC_EAUTH,    /* authentication failed: wrong key or altered data */
	AC_EPARAM,   /* parameters out of the range we accept */
	AC_EINIT     /* libsodium could not initialise */
} ac_status;

/* Initialise libsodium. Call once before any other ac_ function. */
ac_status ac_init(void);

/* Make the process unfit to leak secrets: no core dumps, not ptrace-attachable
 * by same-uid processes, not dumpable. Call before any secret is in memory.
 * Returns AC_OK even where one of the measures is unsupported. */
ac_status ac_harden_process(void);

/* Guarded secret buffers (sodium_malloc: guard pages, mlock, canary).
 * ac_secret_new returns NULL on failure. ac_secret_free wipes and frees; NULL
 * is accepted. */
void *ac_secret_new(size_t len);
void ac_secret_free(void *p);
/* Wipe len bytes at p (sodium_memzero). */
void ac_wipe(void *p, size_t len);
/* Constant-time comparison: 1 if equal. */
int ac_equal(const void *a, const void *b, size_t len);
/* Fill with random bytes. */
void ac_random(void *out, size_t len);

/* Argon2id parameters, stored with each key slot. */
typedef struct {
	uint64_t opslimit;
	uint64_t memlimit; /* bytes */
} ac_kdf_params;

/* The floor we accept when opening and creating: old laptops with 2 GiB of
 * RAM must still unlock a vault, so 64 MiB, 3 passes. A calibrated default
 * never goes below it. */
#define AC_KDF_FLOOR_OPS 3u
#define AC_KDF_FLOOR_MEM (64ull << 20)
/* What calibration aims for. */
#define AC_KDF_TARGET_MEM (256ull << 20)
#define AC_KDF_MAX_OPS 64u
#define AC_KDF_MAX_MEM (4ull << 30)

/* Measure this machine and choose parameters that take about target_ms with
 * AC_KDF_TARGET_MEM (or a quarter of physical memory where that is less, but
 * never below the floor). */
ac_status ac_kdf_calibrate(unsigned target_ms, ac_kdf_params *out);
/* Parameters for the test suite only: fast and weak. */
void ac_kdf_test_params(ac_kdf_params *out);
/* Whether stored parameters are within what we are willing to run: a forged
 * header must not make us allocate a terabyte or loop for a day. (Lowered
 * parameters are caught later: they are authenticated with the key slot.) */
int ac_kdf_params_ok(const ac_kdf_params *p);
/* Derive a 32-byte key from a passphrase with Argon2id. out must be guarded
 * memory. */
ac_status ac_kdf_derive(const char *pass, size_t passlen,
                        const uint8_t salt[AC_SALT_BYTES],
                        const ac_kdf_params *p, uint8_t out[AC_KEY_BYTES]);

/* Derive a subkey for one purpose (crypto_kdf, BLAKE2b). context is exactly 8
 * characters. */
void ac_subkey(uint8_t out[AC_KEY_BYTES], const uint8_t master[AC_KEY_BYTES],
               uint64_t id, const char context[8]);

/* XChaCha20-Poly1305 (IETF) with a detached tag. ct may equal pt. */
void ac_aead_seal(uint8_t *ct, uint8_t tag[AC_TAG_BYTES],
                  const uint8_t *pt, size_t len,
                  const uint8_t *ad, size_t adlen,
                  const uint8_t nonce[AC_NONCE_BYTES],
                  const uint8_t key[AC_KEY_BYTES]);
/* Returns AC_EAUTH, leaving pt zeroed, when the tag does not verify. */
ac_status ac_aead_open(uint8_t *pt, const uint8_t *ct, size_t len,
                       const uint8_t tag[AC_TAG_BYTES],
                       const uint8_t *ad, size_t adlen,
                       const uint8_t nonce[AC_NONCE_BYTES],
                       const uint8_t key[AC_KEY_BYTES]);

/* BLAKE2b-256, optionally keyed (key NULL for none). */
void ac_hash(uint8_t out[AC_HASH_BYTES], const void *in, size_t len,
             const uint8_t *key, size_t keylen);

/* Ed25519 (crypto_sign) and X25519 sealed boxes (crypto_box_seal). */
#define AC_SIGN_PK_BYTES 32u
#define AC_SIGN_SK_BYTES 64u
#define AC_SIG_BYTES 64u
#define AC_BOX_PK_BYTES 32u
#define AC_BOX_SK_BYTES 32u
#define AC_SEAL_BYTES 48u /* overhead of a sealed box */

void ac_sign_seed_keypair(uint8_t pk[AC_SIGN_PK_BYTES], uint8_t sk[AC_SIGN_SK_BYTES],
                          const uint8_t seed[32]);
void ac_box_seed_keypair(uint8_t pk[AC_BOX_PK_BYTES], uint8_t sk[AC_BOX_SK_BYTES],
                         const uint8_t seed[32]);
void ac_box_keypair(uint8_t pk[AC_BOX_PK_BYTES], uint8_t sk[AC_BOX_SK_BYTES]);
void ac_sign(uint8_t sig[AC_SIG_BYTES], const void *msg, size_t len,
             const uint8_t sk[AC_SIGN_SK_BYTES]);
/* 1 if sig is pk's signature over msg. */
int ac_verify(const uint8_t sig[AC_SIG_BYTES], const void *msg, size_t len,
              const uint8_t pk[AC_SIGN_PK_BYTES]);
/* out: len + AC_SEAL_BYTES bytes. */
void ac_seal(uint8_t *out, const uint8_t *msg, size_t len,
             const uint8_t pk[AC_BOX_PK_BYTES]);
/* in: len bytes (>= AC_SEAL_BYTES); out: len - AC_SEAL_BYTES bytes. */
ac_status ac_seal_open(uint8_t *out, const uint8_t *in, size_t len,
                       const uint8_t pk[AC_BOX_PK_BYTES],
                       const uint8_t sk[AC_BOX_SK_BYTES]);

/* crypto_secretstream_xchacha20poly1305: a sequence of messages under one
 * key; the last is tagged final, so truncation and reordering show. */
#define AC_STREAM_HEADER_BYTES 24u
#define AC_STREAM_ABYTES 17u
typedef struct ac_stream ac_stream; /* guarded memory */

ac_stream *ac_stream_push_new(uint8_t header[AC_STREAM_HEADER_BYTES],
                              const uint8_t key[AC_KEY_BYTES]);
ac_stream *ac_stream_pull_new(const uint8_t header[AC_STREAM_HEADER_BYTES],
                              const uint8_t key[AC_KEY_BYTES]);
void ac_stream_free(ac_stream *s);
/* out: len + AC_STREAM_ABYTES bytes. */
void ac_stream_push(ac_stream *s, uint8_t *out, const uint8_t *in, size_t len,
                    const uint8_t *ad, size_t adlen, int final);
/* out: len - AC_STREAM_ABYTES bytes; *final set when the message was the
 * last. AC_EAUTH when it does not authenticate. */
ac_status ac_stream_pull(ac_stream *s, uint8_t *out, const uint8_t *in,
                         size_t len, const uint8_t *ad, size_t adlen,
                         int *final);

#endif
