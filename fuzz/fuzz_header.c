/* fuzz_header: libFuzzer target for the two parsers that read bytes before
 * any key has checked them: the vault header (docs/vault-format.md §2) and
 * the object decoder (docs/object-format.md).
 *
 * The input, cut or zero-padded to HDR_AREA bytes, goes to hdr_pick, and
 * every copy that decodes is unlocked with FUZZ_PASS and its MAC checked.
 * The same is done once more with both copies' checksums recomputed, so
 * that mutations of the fields behind the checksum are parsed too. The raw
 * input also goes to obj_decode; what decodes must encode back to exactly
 * the input (one object, one encoding, one id).
 *
 * Cost is bounded: only slots with the test KDF parameters are tried (a
 * fuzzer must not run Argon2id with 4 GiB). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz_header: %s:%d: %s\n", __FILE__, \
			        __LINE__, #cond);                            \
			__builtin_trap();                                   \
		}                                                           \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ac_init() != AC_OK)
		abort();
	return 0;
}

/* The canonical encoding: decode, and what decodes encodes back to the
 * very same bytes. */
static void check_object(const uint8_t *data, size_t size)
{
	uint8_t *enc = NULL;
	size_t len = 0;
	obj o;

	if (obj_decode(data, size, &o) != 0)
		return;
	CHECK(obj_encode(&o, &enc, &len) == 0);
	CHECK(len == size && memcmp(enc, data, size) == 0);
	CHECK(obj_type_name(o.type)[0] != '\0');
	free(enc);
}

/* Only the slots a fuzzer can afford to try: the others emptied. */
static void keep_cheap_slots(hdr *h)
{
	ac_kdf_params test;

	ac_kdf_test_params(&test);
	for (unsigned i = 0; i < HDR_SLOTS; i++)
		if (h->slots[i].kdf.opslimit != test.opslimit ||
		    h->slots[i].kdf.memlimit != test.memlimit)
			h->slots[i].state = SLOT_EMPTY;
}

/* One copy that decoded into h. */
static void check_copy(const uint8_t *copy, const hdr *h)
{
	uint8_t *enc1 = NULL, *enc2 = NULL, *master = NULL;
	member_keys *mk = NULL;
	vault_keys *keys = NULL;
	hdr cheap, again;
	unsigned slot = HDR_SLOTS;
	vault_status rc;

	/* Re-encoding is stable: decode(encode(h)) encodes to the same bytes,
	 * and the stored MAC travels unchanged. */
	enc1 = malloc(HDR_SIZE);
	enc2 = malloc(HDR_SIZE);
	CHECK(enc1 != NULL && enc2 != NULL);
	hdr_encode(h, NULL, enc1);
	CHECK(hdr_decode(enc1, &again) == 0);
	hdr_encode(&again, NULL, enc2);
	CHECK(memcmp(enc1, enc2, HDR_SIZE) == 0);
	CHECK(memcmp(enc1 + HDR_MAC_OFF, copy + HDR_MAC_OFF, AC_HASH_BYTES) == 0);

	cheap = *h;
	keep_cheap_slots(&cheap);
	master = ac_secret_new(AC_KEY_BYTES);
	mk = ac_secret_new(sizeof *mk);
	CHECK(master != NULL && mk != NULL);
	rc = hdr_unlock(&cheap, FUZZ_PASS, FUZZ_PASSLEN, master, mk, &slot);
	CHECK(rc == VAULT_OK || rc == VAULT_EAUTH);
	if (rc == VAULT_OK) {
		CHECK(slot < HDR_SLOTS && h->slots[slot].state == SLOT_PASSPHRASE);
		keys = vault_keys_new(master, h->vault_id);
		CHECK(keys != NULL);
		/* Only hdr_encode writes a MAC that holds, so an authentic
		 * copy decodes and encodes back to itself. */
		if (hdr_mac_ok(copy, keys->hdr_mac))
			CHECK(memcmp(enc1, copy, HDR_SIZE) == 0);
		vault_keys_free(keys);
	}
	ac_secret_free(mk);
	ac_secret_free(master);
	free(enc2);
	free(enc1);
}

static void check_area(const uint8_t *area)
{
	hdr h, c;
	int which = -1;
	hdr_pick_result r = hdr_pick(area, &h, &which);
	int ok[2];

	for (int i = 0; i < 2; i++) {
		ok[i] = hdr_decode(area + (size_t)i * HDR_SIZE, &c) == 0;
		if (ok[i])
			check_copy(area + (size_t)i * HDR_SIZE, &c);
	}
	switch (r) {
	case HDR_PICK_OK:
		CHECK(ok[0] && ok[1] && which == 0 &&
		      memcmp(area, area + HDR_SIZE, HDR_SIZE) == 0);
		break;
	case HDR_PICK_REPAIRED:
		CHECK((which == 0 || which == 1) && ok[which]);
		CHECK(!ok[1 - which] ||
		      hdr_decode(area + (size_t)(1 - which) * HDR_SIZE, &c) != 0 ||
		      c.generation <= h.generation);
		break;
	case HDR_PICK_NOTVAULT:
		CHECK(!ok[0] && !ok[1]);
		break;
	case HDR_PICK_DAMAGED:
		CHECK(!ok[0] && !ok[1]);
		break;
	}
}

/* Recompute each copy's checksum (only where the magic is there: the
 * checksum is all that stands between a mutation and the fields). */
static int fix_checksums(uint8_t *area)
{
	int changed = 0;

	for (int i = 0; i < 2; i++) {
		uint8_t *copy = area + (size_t)i * HDR_SIZE;
		uint8_t sum[AC_HASH_BYTES];

		if (memcmp(copy, HDR_MAGIC, HDR_MAGIC_LEN) != 0)
			continue;
		ac_hash(sum, copy, HDR_SUM_OFF, NULL, 0);
		if (memcmp(sum, copy + HDR_SUM_OFF, AC_HASH_BYTES) != 0) {
			memcpy(copy + HDR_SUM_OFF, sum, AC_HASH_BYTES);
			changed = 1;
		}
	}
	return changed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly HDR_AREA bytes on the heap, so an overread shows. */
	uint8_t *area = calloc(1, HDR_AREA);

	if (area == NULL)
		return 0;
	check_object(data, size);
	memcpy(area, data, size < HDR_AREA ? size : HDR_AREA);
	check_area(area);
	if (fix_checksums(area))
		check_area(area);
	free(area);
	return 0;
}
