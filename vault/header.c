/* header.c: the two header copies and their key slots
 * (docs/vault-format.md §2). */
#include <string.h>

#include "vault_int.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* §2.2: [0, 40) state, parameters and salt; [40, 64) nonce; [64, 96) the
 * wrapped seed; [96, 112) its tag; [112, 128) the slot id; [128, 208) the
 * master key sealed to the member. */
static void slot_encode(const hdr_slot *s, uint8_t *p)
{
	memset(p, 0, HDR_SLOT_SIZE);
	if (s->state == SLOT_EMPTY)
		return;
	p[0] = s->state;
	put64(p + 8, s->kdf.opslimit);
	put64(p + 16, s->kdf.memlimit);
	memcpy(p + 24, s->salt, AC_SALT_BYTES);
	memcpy(p + 40, s->nonce, AC_NONCE_BYTES);
	memcpy(p + 64, s->wrapped, SEED_BYTES);
	memcpy(p + 96, s->tag, AC_TAG_BYTES);
	memcpy(p + 112, s->id, SLOT_ID_BYTES);
	memcpy(p + 128, s->sealed, SEALED_KEY_BYTES);
}

static void slot_decode(const uint8_t *p, hdr_slot *s)
{
	memset(s, 0, sizeof *s);
	s->state = p[0];
	s->kdf.opslimit = get64(p + 8);
	s->kdf.memlimit = get64(p + 16);
	memcpy(s->salt, p + 24, AC_SALT_BYTES);
	memcpy(s->nonce, p + 40, AC_NONCE_BYTES);
	memcpy(s->wrapped, p + 64, SEED_BYTES);
	memcpy(s->tag, p + 96, AC_TAG_BYTES);
	memcpy(s->id, p + 112, SLOT_ID_BYTES);
	memcpy(s->sealed, p + 128, SEALED_KEY_BYTES);
}

void hdr_encode(const hdr *h, const uint8_t *mac_key, uint8_t out[HDR_SIZE])
{
	memset(out, 0, HDR_SIZE);
	memcpy(out, HDR_MAGIC, HDR_MAGIC_LEN);
	put32(out + 8, h->version);
	put32(out + 12, h->page_size);
	put32(out + 16, h->reserve);
	put32(out + 20, HDR_SIZE);
	put64(out + 24, h->generation);
	memcpy(out + 32, h->vault_id, VAULT_ID_BYTES);
	put32(out + 48, HDR_SLOTS);
	put32(out + 52, HDR_SLOT_SIZE);
	for (unsigned i = 0; i < HDR_SLOTS; i++)
		slot_encode(&h->slots[i], out + HDR_SLOTS_OFF + i * HDR_SLOT_SIZE);
	if (mac_key != NULL)
		ac_hash(out + HDR_MAC_OFF, out, HDR_MAC_OFF, mac_key, AC_KEY_BYTES);
	else
		memcpy(out + HDR_MAC_OFF, h->mac, AC_HASH_BYTES);
	ac_hash(out + HDR_SUM_OFF, out, HDR_SUM_OFF, NULL, 0);
}

int hdr_decode(const uint8_t in[HDR_SIZE], hdr *h)
{
	uint8_t sum[AC_HASH_BYTES];

	if (memcmp(in, HDR_MAGIC, HDR_MAGIC_LEN) != 0)
		return -1;
	ac_hash(sum, in, HDR_SUM_OFF, NULL, 0);
	/* Not secret: the checksum only tells a torn write from a whole one. */
	if (memcmp(sum, in + HDR_SUM_OFF, AC_HASH_BYTES) != 0)
		return -1;
	memset(h, 0, sizeof *h);
	h->version = get32(in + 8);
	h->page_size = get32(in + 12);
	h->reserve = get32(in + 16);
	if (get32(in + 20) != HDR_SIZE || get32(in + 48) != HDR_SLOTS ||
	    get32(in + 52) != HDR_SLOT_SIZE)
		return -1;
	h->generation = get64(in + 24);
	memcpy(h->vault_id, in + 32, VAULT_ID_BYTES);
	for (unsigned i = 0; i < HDR_SLOTS; i++)
		slot_decode(in + HDR_SLOTS_OFF + i * HDR_SLOT_SIZE, &h->slots[i]);
	memcpy(h->mac, in + HDR_MAC_OFF, AC_HASH_BYTES);
	return 0;
}

hdr_pick_result hdr_pick(const uint8_t area[HDR_AREA], hdr *h, int *which)
{
	hdr a, b;
	int ok_a = hdr_decode(area, &a) == 0;
	int ok_b = hdr_decode(area + HDR_SIZE, &b) == 0;

	if (ok_a && ok_b) {
		/* The newer generation wins: a passphrase change writes copy 0
		 * first, so a torn second write leaves copy 0 newer. */
		*which = b.generation > a.generation ? 1 : 0;
		*h = *which ? b : a;
		return memcmp(area, area + HDR_SIZE, HDR_SIZE) == 0
			       ? HDR_PICK_OK
			       : HDR_PICK_REPAIRED;
	}
	if (ok_a || ok_b) {
		*which = ok_a ? 0 : 1;
		*h = ok_a ? a : b;
		return HDR_PICK_REPAIRED;
	}
	if (memcmp(area, HDR_MAGIC, HDR_MAGIC_LEN) != 0 &&
	    memcmp(area + HDR_SIZE, HDR_MAGIC, HDR_MAGIC_LEN) != 0)
		return HDR_PICK_NOTVAULT;
	return HDR_PICK_DAMAGED;
}

int hdr_mac_ok(const uint8_t copy[HDR_SIZE], const uint8_t *mac_key)
{
	uint8_t mac[AC_HASH_BYTES];
	int ok;

	ac_hash(mac, copy, HDR_MAC_OFF, mac_key, AC_KEY_BYTES);
	ok = ac_equal(mac, copy + HDR_MAC_OFF, AC_HASH_BYTES);
	ac_wipe(mac, sizeof mac);
	return ok;
}

/* §2.3: the additional data binds a wrapped key to the vault, the format
 * and its own KDF parameters, so a slot moved between vaults or given
 * weaker parameters no longer opens. */
enum { SLOT_AD_LEN = 24 + VAULT_ID_BYTES + 40 + SLOT_ID_BYTES };

static void slot_ad(const hdr *h, const hdr_slot *s, uint8_t ad[SLOT_AD_LEN])
{
	uint8_t enc[HDR_SLOT_SIZE];

	memcpy(ad, HDR_MAGIC, HDR_MAGIC_LEN);
	put32(ad + 8, h->version);
	put32(ad + 12, h->page_size);
	put32(ad + 16, h->reserve);
	put32(ad + 20, HDR_SIZE);
	memcpy(ad + 24, h->vault_id, VAULT_ID_BYTES);
	slot_encode(s, enc);
	memcpy(ad + 24 + VAULT_ID_BYTES, enc, 40);
	memcpy(ad + 24 + VAULT_ID_BYTES + 40, s->id, SLOT_ID_BYTES);
}

void member_keys_derive(member_keys *k)
{
	uint8_t sub[AC_KEY_BYTES];

	/* §2.3: one seed, two independent key pairs. */
	ac_subkey(sub, k->seed, 1, "ampSIGN_");
	ac_sign_seed_keypair(k->sign_pk, k->sign_sk, sub);
	ac_subkey(sub, k->seed, 2, "ampBOX__");
	ac_box_seed_keypair(k->box_pk, k->box_sk, sub);
	ac_wipe(sub, sizeof sub);
}

/* Open one slot with a key-encryption key; master and mk filled on
 * success. */
static int slot_open(const hdr *h, const hdr_slot *s, const uint8_t *kek,
                     uint8_t master[AC_KEY_BYTES], member_keys *mk)
{
	uint8_t ad[SLOT_AD_LEN];

	slot_ad(h, s, ad);
	if (ac_aead_open(mk->seed, s->wrapped, SEED_BYTES, s->tag, ad, sizeof ad,
	                 s->nonce, kek) != AC_OK)
		return 0;
	member_keys_derive(mk);
	if (ac_seal_open(master, s->sealed, SEALED_KEY_BYTES, mk->box_pk,
	                 mk->box_sk) != AC_OK) {
		ac_wipe(mk, sizeof *mk);
		return 0;
	}
	return 1;
}

vault_status hdr_unlock(const hdr *h, const char *pass, size_t passlen,
                        uint8_t master[AC_KEY_BYTES], member_keys *mk,
                        unsigned *slot)
{
	uint8_t *kek = NULL;
	const hdr_slot *derived = NULL;
	vault_status rc = VAULT_EAUTH;
	unsigned derivations = 0;

	kek = ac_secret_new(AC_KEY_BYTES);
	if (kek == NULL)
		return VAULT_ENOMEM;
	/* Slots are anonymous (member names at rest would map the staff), so
	 * each one is tried in turn, as LUKS does; slots made with the same
	 * salt and parameters share one derivation, so unlocking costs one
	 * Argon2id run however many members the vault has. */
	for (unsigned i = 0; i < HDR_SLOTS && rc == VAULT_EAUTH; i++) {
		const hdr_slot *s = &h->slots[i];
		ac_status ar;

		if (s->state != SLOT_PASSPHRASE)
			continue;
		if (derived == NULL || memcmp(derived->salt, s->salt, AC_SALT_BYTES) != 0 ||
		    derived->kdf.opslimit != s->kdf.opslimit ||
		    derived->kdf.memlimit != s->kdf.memlimit) {
			/* A forged header could list 64 slots with distinct
			 * salts at the largest parameters: hours of work before
			 * anything is authenticated. Amparo makes every slot
			 * with the vault's one salt, so a few are plenty. */
			if (derivations++ == HDR_MAX_DERIVATIONS)
				break;
			ar = ac_kdf_derive(pass, passlen, s->salt, &s->kdf, kek);
			if (ar == AC_EPARAM)
				continue; /* a forged slot asking for absurd work */
			if (ar != AC_OK) {
				rc = VAULT_ENOMEM;
				break;
			}
			derived = s;
		}
		if (slot_open(h, s, kek, master, mk)) {
			*slot = i;
			rc = VAULT_OK;
		}
	}
	ac_secret_free(kek);
	return rc;
}

vault_status hdr_slot_reseal(hdr *h, unsigned i, const uint8_t master[AC_KEY_BYTES],
                             const uint8_t box_pk[32])
{
	if (i >= HDR_SLOTS || h->slots[i].state != SLOT_PASSPHRASE)
		return VAULT_EINVAL;
	ac_seal(h->slots[i].sealed, master, AC_KEY_BYTES, box_pk);
	return VAULT_OK;
}

int hdr_slot_free(const hdr *h)
{
	for (unsigned i = 0; i < HDR_SLOTS; i++)
		if (h->slots[i].state == SLOT_EMPTY)
			return (int)i;
	return -1;
}

vault_status hdr_slot_set(hdr *h, unsigned i, const uint8_t master[AC_KEY_BYTES],
                          const member_keys *mk, const char *pass,
                          size_t passlen, const ac_kdf_params *kdf,
                          const uint8_t *salt)
{
	hdr_slot *s = NULL;
	uint8_t ad[SLOT_AD_LEN];
	uint8_t id[SLOT_ID_BYTES], new_salt[AC_SALT_BYTES];
	uint8_t *kek = NULL;
	vault_status rc = VAULT_OK;

	if (i >= HDR_SLOTS)
		return VAULT_EINVAL;
	if (!ac_kdf_params_ok(kdf))
		return VAULT_EINVAL;
	/* salt may point into the slot being rewritten. */
	if (salt != NULL)
		memcpy(new_salt, salt, sizeof new_salt);
	else
		ac_random(new_salt, sizeof new_salt);
	s = &h->slots[i];
	kek = ac_secret_new(AC_KEY_BYTES);
	if (kek == NULL)
		return VAULT_ENOMEM;
	/* A member keeps their slot id across passphrase changes: the member
	 * record names the slot by it. */
	if (s->state == SLOT_EMPTY)
		ac_random(id, sizeof id);
	else
		memcpy(id, s->id, sizeof id);
	memset(s, 0, sizeof *s);
	s->state = SLOT_PASSPHRASE;
	s->kdf = *kdf;
	memcpy(s->id, id, sizeof id);
	memcpy(s->salt, new_salt, AC_SALT_BYTES);
	ac_random(s->nonce, sizeof s->nonce);
	if (ac_kdf_derive(pass, passlen, s->salt, kdf, kek) != AC_OK) {
		memset(s, 0, sizeof *s);
		rc = VAULT_ENOMEM;
		goto out;
	}
	slot_ad(h, s, ad);
	ac_aead_seal(s->wrapped, s->tag, mk->seed, SEED_BYTES, ad, sizeof ad,
	             s->nonce, kek);
	ac_seal(s->sealed, master, AC_KEY_BYTES, mk->box_pk);
out:
	ac_secret_free(kek);
	return rc;
}
