/* vault_fixture: helpers shared by the white-box vault tests: a scratch
 * folder, raw file access, deterministic text. Include after cmocka.h. */
#ifndef AMPARO_VAULT_FIXTURE_H
#define AMPARO_VAULT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vault_int.h"

#define FX_PASS "correct horse battery staple"
#define FX_PASSLEN (sizeof FX_PASS - 1)

/* A fresh folder under $TMPDIR (or /tmp); remove it with fx_dir_free. */
char *fx_dir_new(void);
/* Delete every file in dir, then dir, then free the string. */
void fx_dir_free(char *dir);
/* dir "/" name, malloc'd. */
char *fx_path(const char *dir, const char *name);

/* Create a vault at path for member "alice" with FX_PASS and the test KDF,
 * asserting success. */
void fx_create(const char *path);
/* Open with FX_PASS, asserting success. */
vault *fx_open(const char *path);

/* Documents through the public API, which these wrappers keep in one
 * place. fx_add asserts success; fx_add_status reports it. */
void fx_add(vault *v, const char *title, const char *body, size_t len,
            char id[VAULT_ID_HEX]);
vault_status fx_add_status(vault *v, const char *title, const char *category,
                           const char *body, size_t len,
                           char id[VAULT_ID_HEX], vault_err *err);
/* The head revision of the document ref names. */
vault_status fx_get(vault *v, const char *ref, vault_doc **out,
                    vault_err *err);

/* The whole file, malloc'd, or NULL (and *len 0) when it does not exist. */
uint8_t *fx_slurp(const char *path, size_t *len);
/* Raw I/O at an offset, asserting every byte moved. */
void fx_read_at(const char *path, off_t off, void *buf, size_t n);
void fx_write_at(const char *path, off_t off, const void *buf, size_t n);
/* 1 if path exists. */
int fx_exists(const char *path);
off_t fx_size(const char *path);

/* Deterministic printable text of len bytes from seed, NUL-terminated
 * (len + 1 bytes are written). Every 16-byte run is, with overwhelming
 * likelihood, unique to the seed. */
void fx_text(uint64_t seed, char *out, size_t len);
/* A small PRNG (splitmix64) for the tests' own randomness. */
uint64_t fx_rand(uint64_t *state);

/* 1 if needle occurs in hay. */
int fx_contains(const uint8_t *hay, size_t hlen, const void *needle,
                size_t nlen);

/* A set of every 16-byte window of some texts, to ask whether a file holds
 * any 16 consecutive bytes of them. */
typedef struct fx_windows fx_windows;
fx_windows *fx_windows_new(void);
void fx_windows_add(fx_windows *w, const char *text, size_t len);
/* Offset in buf of the first 16 bytes found in the set, or -1. */
long fx_windows_find(const fx_windows *w, const uint8_t *buf, size_t len);
void fx_windows_free(fx_windows *w);

#endif
