/* fuzz_common: see fuzz_common.h. The layouts followed here are those of
 * docs/bundle-format.md §4.1 (manifest) and docs/object-format.md (the
 * fixed head of every object). */
#include <string.h>

#include "fuzz_common.h"

/* Manifest: "AMPM", version, vault id, signer, time, flags, count. */
#define M_VAULT 5u
#define M_SIGNER (M_VAULT + VAULT_ID_BYTES)
#define M_COUNT (M_SIGNER + OBJ_KEY_BYTES + 8u + 1u)
#define M_IDS (M_COUNT + 4u)
/* Object: "AMPO", version, type, vault id, author, time; a member change
 * then has action, role and its subject. */
#define O_VAULT 6u
#define O_AUTHOR (O_VAULT + OBJ_VAULT_BYTES)
#define O_HEAD (O_AUTHOR + OBJ_KEY_BYTES + 8u)
#define O_SUBJECT (O_HEAD + 2u)

const uint8_t fuzz_self_vault[OBJ_VAULT_BYTES] = "FUZZ:SELF-VAULT";
const uint8_t fuzz_self_key[OBJ_KEY_BYTES] = "FUZZ:SELF-MEMBER-KEY-PLACEHOLDE";

static void seed_from(const char *label, uint8_t seed[32])
{
	ac_hash(seed, label, strlen(label), NULL, 0);
}

void fuzz_signers_init(fuzz_signers *s)
{
	static const char *const labels[FUZZ_SIGNERS] = {
		"amparo fuzz signer 0 (public, never a real key)",
		"amparo fuzz signer 1 (public, never a real key)",
	};
	uint8_t seed[32];

	for (int i = 0; i < FUZZ_SIGNERS; i++) {
		seed_from(labels[i], seed);
		ac_sign_seed_keypair(s->pk[i], s->sk[i], seed);
	}
}

void fuzz_address(uint8_t pk[AC_BOX_PK_BYTES], uint8_t sk[AC_BOX_SK_BYTES])
{
	uint8_t seed[32];

	seed_from("amparo fuzz address (public, never a real key)", seed);
	ac_box_seed_keypair(pk, sk, seed);
}

void fuzz_address_text(char out[VAULT_ADDRESS_LEN])
{
	uint8_t pk[AC_BOX_PK_BYTES], sk[AC_BOX_SK_BYTES], sum[AC_HASH_BYTES];

	/* bundle-format.md §1: "amparo1", the key, 4 bytes of its hash. */
	fuzz_address(pk, sk);
	ac_hash(sum, pk, sizeof pk, NULL, 0);
	memcpy(out, "amparo1", 7);
	obj_hex(pk, sizeof pk, out + 7);
	obj_hex(sum, 4, out + 7 + 2 * sizeof pk);
}

void fuzz_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void fuzz_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void swap_placeholder(uint8_t *field, const uint8_t *placeholder,
                             const uint8_t *real, size_t n)
{
	if (memcmp(field, placeholder, n) == 0)
		memcpy(field, real, n);
}

/* The secret key for pk when it is one we hold, else NULL. */
static const uint8_t *key_for(const uint8_t *pk, const fuzz_signers *keys,
                              const fuzz_self *self)
{
	for (int i = 0; i < FUZZ_SIGNERS; i++)
		if (memcmp(pk, keys->pk[i], AC_SIGN_PK_BYTES) == 0)
			return keys->sk[i];
	if (self != NULL && memcmp(pk, self->pk, AC_SIGN_PK_BYTES) == 0)
		return self->sk;
	return NULL;
}

/* Placeholders in one object's fixed head (and a member change's
 * subject). */
static void fix_object(uint8_t *o, size_t len, const fuzz_self *self)
{
	if (self == NULL || len < O_HEAD)
		return;
	swap_placeholder(o + O_VAULT, fuzz_self_vault, self->vault, OBJ_VAULT_BYTES);
	swap_placeholder(o + O_AUTHOR, fuzz_self_key, self->pk, OBJ_KEY_BYTES);
	if (o[5] == OBJ_MEMBER && len >= O_SUBJECT + OBJ_KEY_BYTES)
		swap_placeholder(o + O_SUBJECT, fuzz_self_key, self->pk, OBJ_KEY_BYTES);
}

void fuzz_fixup(uint8_t *p, size_t len, const fuzz_signers *keys,
                const fuzz_self *self)
{
	size_t off, signed_len;
	uint32_t n, np, ns;
	const uint8_t *sk;

	if (len < M_IDS)
		return;
	if (self != NULL) {
		swap_placeholder(p + M_VAULT, fuzz_self_vault, self->vault, VAULT_ID_BYTES);
		swap_placeholder(p + M_SIGNER, fuzz_self_key, self->pk, OBJ_KEY_BYTES);
	}
	n = le32(p + M_COUNT);
	off = M_IDS;
	if (n > (len - off) / OBJ_ID_BYTES)
		return;
	off += (size_t)n * OBJ_ID_BYTES;
	if (len - off < 4)
		return;
	np = le32(p + off);
	off += 4;
	if (np > (len - off) / OBJ_ID_BYTES)
		return;
	off += (size_t)np * OBJ_ID_BYTES;
	if (len - off < 4)
		return;
	ns = le32(p + off);
	off += 4;
	if (ns > (len - off) / SLOT_RECORD_BYTES)
		return;
	for (uint32_t i = 0; i < ns && self != NULL; i++)
		swap_placeholder(p + off + (size_t)i * SLOT_RECORD_BYTES + HDR_SLOT_SIZE,
		                 fuzz_self_key, self->pk, OBJ_KEY_BYTES);
	off += (size_t)ns * SLOT_RECORD_BYTES;
	signed_len = off;
	if (len - off < OBJ_SIG_BYTES)
		return;
	off += OBJ_SIG_BYTES;
	/* The objects first: their ids are part of what the manifest signs. */
	for (uint32_t i = 0; i < n && len - off >= 4; i++) {
		uint32_t olen = le32(p + off);
		uint8_t *o = p + off + 4;

		if (olen > len - off - 4 || len - off - 4 - olen < OBJ_SIG_BYTES)
			break;
		fix_object(o, olen, self);
		obj_id(o, olen, p + M_IDS + (size_t)i * OBJ_ID_BYTES);
		if (olen >= O_HEAD && (sk = key_for(o + O_AUTHOR, keys, self)) != NULL)
			obj_sign(o, olen, sk, o + olen);
		off += 4 + (size_t)olen + OBJ_SIG_BYTES;
	}
	sk = key_for(p + M_SIGNER, keys, self);
	if (sk != NULL)
		ac_sign(p + signed_len, p, signed_len, sk);
}
