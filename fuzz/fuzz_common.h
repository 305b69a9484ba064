/* fuzz_common: what the fuzz targets and the seed generator share: fixed
 * keys, the passphrase, the input modes of fuzz_bundle and the fix-up that
 * lets mutated bundle plaintext get past ids and signatures.
 *
 * Nothing here is secret: these keys exist so that committed seeds mean the
 * same thing in every fuzzing process. Never use them outside fuzz/. */
#ifndef AMPARO_FUZZ_COMMON_H
#define AMPARO_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "bundle_int.h"

/* The passphrase of every vault the fuzzers and make_seeds create. */
#define FUZZ_PASS "fuzz passphrase"
#define FUZZ_PASSLEN (sizeof FUZZ_PASS - 1)

/* fuzz_bundle: the first input byte, modulo FUZZ_MODES, picks the mode;
 * the rest of the input is, in mode
 *   FUZZ_MODE_FILE:  a whole bundle file, imported as it is;
 *   FUZZ_MODE_PLAIN: bundle plaintext (manifest, signature, objects),
 *                    sealed to the fuzzing vault, then imported;
 *   FUZZ_MODE_FIXUP: the same, after fuzz_fixup. */
enum { FUZZ_MODE_FILE = 0, FUZZ_MODE_PLAIN = 1, FUZZ_MODE_FIXUP = 2, FUZZ_MODES = 3 };

/* Signing keys the fix-up signs with (FUZZ_SIGNERS of them, so that a
 * history can hold an admin and a second member). */
#define FUZZ_SIGNERS 2
typedef struct {
	uint8_t pk[FUZZ_SIGNERS][AC_SIGN_PK_BYTES];
	uint8_t sk[FUZZ_SIGNERS][AC_SIGN_SK_BYTES];
} fuzz_signers;
/* Derive the fixed signing keys (ac_init first). */
void fuzz_signers_init(fuzz_signers *s);

/* An X25519 address every fuzzing vault also answers to (fuzz_bundle adds
 * it to the vault's old addresses), so that committed bundle files open in
 * a vault created at run time. */
void fuzz_address(uint8_t pk[AC_BOX_PK_BYTES], uint8_t sk[AC_BOX_SK_BYTES]);
/* The same as text ("amparo1..."), for vault_export; out: VAULT_ADDRESS_LEN. */
void fuzz_address_text(char out[VAULT_ADDRESS_LEN]);

/* Placeholders that fuzz_fixup replaces with the fuzzing vault's own id
 * and its member's signing key, so that seeds can speak for a vault whose
 * keys are only made at run time. */
extern const uint8_t fuzz_self_vault[OBJ_VAULT_BYTES];
extern const uint8_t fuzz_self_key[OBJ_KEY_BYTES];

/* Who the placeholders stand for; NULL in fuzz_fixup: leave them. */
typedef struct {
	uint8_t vault[OBJ_VAULT_BYTES];
	uint8_t pk[AC_SIGN_PK_BYTES];
	const uint8_t *sk; /* borrowed: AC_SIGN_SK_BYTES */
} fuzz_self;

/* Rewrite bundle plaintext p[0, len) in place, as far as its layout
 * (bundle-format.md §4.1) can be followed: placeholders replaced (self not
 * NULL); every listed object id recomputed from the object's bytes; the
 * objects whose author is a fuzz signer (or self) and the manifest when
 * its signer is, signed again. Bytes that cannot be followed are left as
 * they are, for the real parser to refuse. */
void fuzz_fixup(uint8_t *p, size_t len, const fuzz_signers *keys,
                const fuzz_self *self);

/* Little-endian helpers for building plaintext by hand. */
void fuzz_put32(uint8_t *p, uint32_t v);
void fuzz_put64(uint8_t *p, uint64_t v);

#endif
