/* ac: see ac.h. Every construction here is libsodium's high-level API used
 * as documented; nothing is composed by hand. */
#include "ac.h"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

ac_status ac_init(void)
{
	return sodium_init() < 0 ? AC_EINIT : AC_OK;
}

ac_status ac_harden_process(void)
{
	struct rlimit rl = {0, 0};

	/* A core file would hold the master key in plaintext on disk. */
	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return AC_OK;
}

void *ac_secret_new(size_t len)
{
	void *p = sodium_malloc(len);

	if (p != NULL)
		sodium_memzero(p, len);
	return p;
}

void ac_secret_free(void *p)
{
	sodium_free(p); /* wipes before freeing; accepts NULL */
}

void ac_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}

int ac_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

void ac_random(void *out, size_t len)
{
	randombytes_buf(out, len);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t physical_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0)
		return 0;
	return (uint64_t)pages * (uint64_t)size;
}

ac_status ac_kdf_calibrate(unsigned target_ms, ac_kdf_params *out)
{
	static const char probe[] = "calibration";
	uint8_t salt[AC_SALT_BYTES] = {0};
	uint8_t *key = NULL;
	uint64_t mem = AC_KDF_TARGET_MEM;
	uint64_t phys = physical_memory();
	uint64_t ops;
	double t0, per_pass;
	ac_status rc = AC_OK;

	if (phys != 0 && phys / 4 < mem)
		mem = phys / 4;
	if (mem < AC_KDF_FLOOR_MEM)
		mem = AC_KDF_FLOOR_MEM;

	key = ac_secret_new(AC_KEY_BYTES);
	if (key == NULL)
		return AC_ENOMEM;
	/* One pass at the chosen memory tells how many passes fit the target;
	 * Argon2's time is close to linear in the pass count. */
	t0 = now_ms();
	if (crypto_pwhash(key, AC_KEY_BYTES, probe, sizeof probe - 1, salt, 1,
	                  (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = AC_ENOMEM;
		goto out;
	}
	per_pass = now_ms() - t0;
	if (per_pass < 1.0)
		per_pass = 1.0;
	ops = (uint64_t)((double)target_ms / per_pass);
	if (ops < AC_KDF_FLOOR_OPS)
		ops = AC_KDF_FLOOR_OPS;
	if (ops > AC_KDF_MAX_OPS)
		ops = AC_KDF_MAX_OPS;
	out->opslimit = ops;
	out->memlimit = mem;
out:
	ac_secret_free(key);
	return rc;
}

void ac_kdf_test_params(ac_kdf_params *out)
{
	out->opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
	out->memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
}

int ac_kdf_params_ok(const ac_kdf_params *p)
{
	return p->opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
	       p->opslimit <= AC_KDF_MAX_OPS &&
	       p->memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
	       p->memlimit <= AC_KDF_MAX_MEM;
}

ac_status ac_kdf_derive(const char *pass, size_t passlen,
                        const uint8_t salt[AC_SALT_BYTES],
                        const ac_kdf_params *p, uint8_t out[AC_KEY_BYTES])
{
	if (!ac_kdf_params_ok(p))
		return AC_EPARAM;
	if (crypto_pwhash(out, AC_KEY_BYTES, pass, passlen, salt,
	                  (unsigned long long)p->opslimit, (size_t)p->memlimit,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return AC_ENOMEM;
	return AC_OK;
}

void ac_subkey(uint8_t out[AC_KEY_BYTES], const uint8_t master[AC_KEY_BYTES],
               uint64_t id, const char context[8])
{
	crypto_kdf_derive_from_key(out, AC_KEY_BYTES, id, context, master);
}

void ac_aead_seal(uint8_t *ct, uint8_t tag[AC_TAG_BYTES],
                  const uint8_t *pt, size_t len,
                  const uint8_t *ad, size_t adlen,
                  const uint8_t nonce[AC_NONCE_BYTES],
                  const uint8_t key[AC_KEY_BYTES])
{
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
		ct, tag, NULL, pt, len, ad, adlen, NULL, nonce, key);
}

ac_status ac_aead_open(uint8_t *pt, const uint8_t *ct, size_t len,
                       const uint8_t tag[AC_TAG_BYTES],
                       const uint8_t *ad, size_t adlen,
                       const uint8_t nonce[AC_NONCE_BYTES],
                       const uint8_t key[AC_KEY_BYTES])
{
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
		    pt, NULL, ct, len, tag, ad, adlen, nonce, key) != 0) {
		sodium_memzero(pt, len);
		return AC_EAUTH;
	}
	return AC_OK;
}

void ac_hash(uint8_t out[AC_HASH_BYTES], const void *in, size_t len,
             const uint8_t *key, size_t keylen)
{
	crypto_generichash(out, AC_HASH_BYTES, in, len, key, keylen);
}

void ac_sign_seed_keypair(uint8_t pk[AC_SIGN_PK_BYTES], uint8_t sk[AC_SIGN_SK_BYTES],
                          const uint8_t seed[32])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

void ac_box_seed_keypair(uint8_t pk[AC_BOX_PK_BYTES], uint8_t sk[AC_BOX_SK_BYTES],
                         const uint8_t seed[32])
{
	crypto_box_seed_keypair(pk, sk, seed);
}

void ac_box_keypair(uint8_t pk[AC_BOX_PK_BYTES], uint8_t sk[AC_BOX_SK_BYTES])
{
	crypto_box_keypair(pk, sk);
}

void ac_sign(uint8_t sig[AC_SIG_BYTES], const void *msg, size_t len,
             const uint8_t sk[AC_SIGN_SK_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

int ac_verify(const uint8_t sig[AC_SIG_BYTES], const void *msg, size_t len,
              const uint8_t pk[AC_SIGN_PK_BYTES])
{
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0;
}

void ac_seal(uint8_t *out, const uint8_t *msg, size_t len,
             const uint8_t pk[AC_BOX_PK_BYTES])
{
	crypto_box_seal(out, msg, len, pk);
}

ac_status ac_seal_open(uint8_t *out, const uint8_t *in, size_t len,
                       const uint8_t pk[AC_BOX_PK_BYTES],
                       const uint8_t sk[AC_BOX_SK_BYTES])
{
	if (len < AC_SEAL_BYTES ||
	    crypto_box_seal_open(out, in, len, pk, sk) != 0)
		return AC_EAUTH;
	return AC_OK;
}

struct ac_stream {
	crypto_secretstream_xchacha20poly1305_state st;
};

ac_stream *ac_stream_push_new(uint8_t header[AC_STREAM_HEADER_BYTES],
                              const uint8_t key[AC_KEY_BYTES])
{
	ac_stream *s = ac_secret_new(sizeof *s);

	if (s != NULL)
		crypto_secretstream_xchacha20poly1305_init_push(&s->st, header, key);
	return s;
}

ac_stream *ac_stream_pull_new(const uint8_t header[AC_STREAM_HEADER_BYTES],
                              const uint8_t key[AC_KEY_BYTES])
{
	ac_stream *s = ac_secret_new(sizeof *s);

	if (s != NULL &&
	    crypto_secretstream_xchacha20poly1305_init_pull(&s->st, header, key) != 0) {
		ac_secret_free(s);
		s = NULL;
	}
	return s;
}

void ac_stream_free(ac_stream *s)
{
	ac_secret_free(s);
}

void ac_stream_push(ac_stream *s, uint8_t *out, const uint8_t *in, size_t len,
                    const uint8_t *ad, size_t adlen, int final)
{
	crypto_secretstream_xchacha20poly1305_push(
		&s->st, out, NULL, in, len, ad, adlen,
		final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
		      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
}

ac_status ac_stream_pull(ac_stream *s, uint8_t *out, const uint8_t *in,
                         size_t len, const uint8_t *ad, size_t adlen,
                         int *final)
{
	unsigned char tag = 0;

	if (len < AC_STREAM_ABYTES ||
	    crypto_secretstream_xchacha20poly1305_pull(&s->st, out, NULL, &tag, in,
	                                               len, ad, adlen) != 0)
		return AC_EAUTH;
	*final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	return AC_OK;
}
