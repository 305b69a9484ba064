/* Unit tests for crypto/ac. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ac.h"

static int setup(void **state)
{
	(void)state;
	return ac_init() == AC_OK ? 0 : -1;
}

static void test_aead_round_trip_and_tamper(void **state)
{
	uint8_t key[AC_KEY_BYTES], nonce[AC_NONCE_BYTES], tag[AC_TAG_BYTES];
	uint8_t pt[100], ct[100], out[100];
	const uint8_t ad[] = "page 7";

	(void)state;
	ac_random(key, sizeof key);
	ac_random(nonce, sizeof nonce);
	memset(pt, 'x', sizeof pt);
	ac_aead_seal(ct, tag, pt, sizeof pt, ad, sizeof ad, nonce, key);
	assert_memory_not_equal(ct, pt, sizeof pt);
	assert_int_equal(ac_aead_open(out, ct, sizeof ct, tag, ad, sizeof ad,
	                              nonce, key), AC_OK);
	assert_memory_equal(out, pt, sizeof pt);
	/* Every single-bit change in ciphertext, tag or AD is refused. */
	for (size_t i = 0; i < sizeof ct * 8; i += 7) {
		ct[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(ac_aead_open(out, ct, sizeof ct, tag, ad,
		                              sizeof ad, nonce, key), AC_EAUTH);
		ct[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	tag[3] ^= 1;
	assert_int_equal(ac_aead_open(out, ct, sizeof ct, tag, ad, sizeof ad,
	                              nonce, key), AC_EAUTH);
	tag[3] ^= 1;
	assert_int_equal(ac_aead_open(out, ct, sizeof ct, tag,
	                              (const uint8_t *)"page 8", sizeof ad,
	                              nonce, key), AC_EAUTH);
	/* A refused message leaves no plaintext behind. */
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], 0);
}

static void test_kdf_deterministic_and_salted(void **state)
{
	ac_kdf_params p;
	uint8_t salt[AC_SALT_BYTES] = {1}, salt2[AC_SALT_BYTES] = {2};
	uint8_t *a = ac_secret_new(AC_KEY_BYTES), *b = ac_secret_new(AC_KEY_BYTES);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	ac_kdf_test_params(&p);
	assert_int_equal(ac_kdf_derive("correct horse", 13, salt, &p, a), AC_OK);
	assert_int_equal(ac_kdf_derive("correct horse", 13, salt, &p, b), AC_OK);
	assert_true(ac_equal(a, b, AC_KEY_BYTES));
	assert_int_equal(ac_kdf_derive("correct horse", 13, salt2, &p, b), AC_OK);
	assert_false(ac_equal(a, b, AC_KEY_BYTES));
	assert_int_equal(ac_kdf_derive("correct horsf", 13, salt, &p, b), AC_OK);
	assert_false(ac_equal(a, b, AC_KEY_BYTES));
	ac_secret_free(a);
	ac_secret_free(b);
}

static void test_kdf_params_bounds(void **state)
{
	ac_kdf_params p = {3, 64ull << 20};

	(void)state;
	assert_true(ac_kdf_params_ok(&p));
	p.memlimit = 1ull << 40; /* a forged header asking for a terabyte */
	assert_false(ac_kdf_params_ok(&p));
	p.memlimit = 64ull << 20;
	p.opslimit = 0;
	assert_false(ac_kdf_params_ok(&p));
	p.opslimit = 1000000;
	assert_false(ac_kdf_params_ok(&p));
}

static void test_kdf_calibration_floor(void **state)
{
	ac_kdf_params p;

	(void)state;
	assert_int_equal(ac_kdf_calibrate(50, &p), AC_OK);
	assert_true(p.opslimit >= AC_KDF_FLOOR_OPS);
	assert_true(p.memlimit >= AC_KDF_FLOOR_MEM);
	assert_true(p.memlimit <= AC_KDF_TARGET_MEM);
	assert_true(ac_kdf_params_ok(&p));
}

static void test_subkeys_differ(void **state)
{
	uint8_t master[AC_KEY_BYTES] = {9}, a[AC_KEY_BYTES], b[AC_KEY_BYTES];

	(void)state;
	ac_subkey(a, master, 1, "ampPAGE_");
	ac_subkey(b, master, 2, "ampHEADR");
	assert_memory_not_equal(a, b, AC_KEY_BYTES);
	ac_subkey(b, master, 1, "ampPAGE_");
	assert_memory_equal(a, b, AC_KEY_BYTES);
}

static void test_hash_keyed(void **state)
{
	uint8_t a[AC_HASH_BYTES], b[AC_HASH_BYTES];
	uint8_t key[AC_KEY_BYTES] = {1};
	/* BLAKE2b-256 of "abc" (RFC 7693 test vector family, 32-byte output). */
	static const uint8_t abc[32] = {
		0xbd, 0xdd, 0x81, 0x3c, 0x63, 0x42, 0x39, 0x72, 0x31, 0x71, 0xef,
		0x3f, 0xee, 0x98, 0x57, 0x9b, 0x94, 0x96, 0x4e, 0x3b, 0xb1, 0xcb,
		0x3e, 0x42, 0x72, 0x62, 0xc8, 0xc0, 0x68, 0xd5, 0x23, 0x19};

	(void)state;
	ac_hash(a, "abc", 3, NULL, 0);
	assert_memory_equal(a, abc, 32);
	ac_hash(b, "abc", 3, key, sizeof key);
	assert_memory_not_equal(a, b, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aead_round_trip_and_tamper),
		cmocka_unit_test(test_kdf_deterministic_and_salted),
		cmocka_unit_test(test_kdf_params_bounds),
		cmocka_unit_test(test_kdf_calibration_floor),
		cmocka_unit_test(test_subkeys_differ),
		cmocka_unit_test(test_hash_keyed),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
