/* vault_fixture: see vault_fixture.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vault_fixture.h"

#define WIN 16u

char *fx_dir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = NULL;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	dir = malloc(strlen(base) + 32);
	assert_non_null(dir);
	sprintf(dir, "%s/amparo-test-XXXXXX", base);
	assert_non_null(mkdtemp(dir));
	return dir;
}

void fx_dir_free(char *dir)
{
	DIR *d = NULL;
	struct dirent *e;

	if (dir == NULL)
		return;
	d = opendir(dir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *p;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			p = fx_path(dir, e->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

char *fx_path(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	assert_non_null(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

void fx_create(const char *path)
{
	ac_kdf_params kdf;
	vault_err err = {0};
	vault_status rc;

	ac_kdf_test_params(&kdf);
	rc = vault_create(path, "alice", FX_PASS, FX_PASSLEN, &kdf, &err);
	if (rc != VAULT_OK)
		print_error("vault_create: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
}

vault *fx_open(const char *path)
{
	vault_err err = {0};
	vault *v = NULL;
	vault_status rc = vault_open(path, FX_PASS, FX_PASSLEN, 0, &v, &err);

	if (rc != VAULT_OK)
		print_error("vault_open: %s\n", err.msg);
	assert_int_equal(rc, VAULT_OK);
	assert_non_null(v);
	return v;
}

vault_status fx_add_status(vault *v, const char *title, const char *category,
                           const char *body, size_t len,
                           char id[VAULT_ID_HEX], vault_err *err)
{
	vault_meta m;

	memset(&m, 0, sizeof m);
	m.title = title;
	m.category = category;
	return vault_doc_add(v, &m, body, len, id, err);
}

void fx_add(vault *v, const char *title, const char *body, size_t len,
            char id[VAULT_ID_HEX])
{
	vault_err err = {0};
	vault_status rc = fx_add_status(v, title, NULL, body, len, id, &err);

	if (rc != VAULT_OK)
		print_error("vault_doc_add(%s): %s\n", title, err.msg);
	assert_int_equal(rc, VAULT_OK);
}

vault_status fx_get(vault *v, const char *ref, vault_doc **out,
                    vault_err *err)
{
	return vault_doc_get(v, ref, NULL, out, err);
}

uint8_t *fx_slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY);

	*len = 0;
	if (fd < 0) {
		assert_int_equal(errno, ENOENT);
		return NULL;
	}
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

void fx_read_at(const char *path, off_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

void fx_write_at(const char *path, off_t off, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, n, off), (ssize_t)n);
	close(fd);
}

int fx_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

off_t fx_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

uint64_t fx_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fx_text(uint64_t seed, char *out, size_t len)
{
	static const char alphabet[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,";
	uint64_t st = seed, r = 0;

	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0)
			r = fx_rand(&st);
		/* 64 symbols: 6 bits each, 8 per draw from 64 bits. */
		out[i] = alphabet[r & 63];
		r >>= 8;
		if (i % 61 == 60)
			out[i] = '\n';
	}
	out[len] = '\0';
}

int fx_contains(const uint8_t *hay, size_t hlen, const void *needle,
                size_t nlen)
{
	const uint8_t *n = needle, *p = hay, *end = NULL;

	if (hay == NULL || nlen == 0 || hlen < nlen)
		return 0;
	end = hay + (hlen - nlen) + 1;
	while ((p = memchr(p, n[0], (size_t)(end - p))) != NULL) {
		if (memcmp(p, n, nlen) == 0)
			return 1;
		p++;
	}
	return 0;
}

struct fx_windows {
	const char **slot;  /* pointer to a 16-byte window, or NULL */
	size_t cap;         /* a power of two */
	size_t count;
	char **texts;       /* our copies */
	size_t ntexts;
};

static uint64_t win_hash(const uint8_t *p)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < WIN; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

fx_windows *fx_windows_new(void)
{
	fx_windows *w = calloc(1, sizeof *w);

	assert_non_null(w);
	w->cap = 1024;
	w->slot = calloc(w->cap, sizeof *w->slot);
	assert_non_null(w->slot);
	return w;
}

static void win_insert(fx_windows *w, const char *p)
{
	size_t i = (size_t)win_hash((const uint8_t *)p) & (w->cap - 1);

	while (w->slot[i] != NULL) {
		if (memcmp(w->slot[i], p, WIN) == 0)
			return;
		i = (i + 1) & (w->cap - 1);
	}
	w->slot[i] = p;
	w->count++;
}

static void win_grow(fx_windows *w, size_t need)
{
	const char **old = w->slot;
	size_t oldcap = w->cap;

	if ((w->count + need) * 2 < w->cap)
		return;
	while ((w->count + need) * 2 >= w->cap)
		w->cap *= 2;
	w->slot = calloc(w->cap, sizeof *w->slot);
	assert_non_null(w->slot);
	w->count = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			win_insert(w, old[i]);
	free(old);
}

void fx_windows_add(fx_windows *w, const char *text, size_t len)
{
	char *copy = NULL;

	if (len < WIN)
		return;
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, text, len);
	w->texts = realloc(w->texts, (w->ntexts + 1) * sizeof *w->texts);
	assert_non_null(w->texts);
	w->texts[w->ntexts++] = copy;
	win_grow(w, len - WIN + 1);
	for (size_t i = 0; i + WIN <= len; i++)
		win_insert(w, copy + i);
}

long fx_windows_find(const fx_windows *w, const uint8_t *buf, size_t len)
{
	if (buf == NULL)
		return -1;
	for (size_t off = 0; off + WIN <= len; off++) {
		size_t i = (size_t)win_hash(buf + off) & (w->cap - 1);

		while (w->slot[i] != NULL) {
			if (memcmp(w->slot[i], buf + off, WIN) == 0)
				return (long)off;
			i = (i + 1) & (w->cap - 1);
		}
	}
	return -1;
}

void fx_windows_free(fx_windows *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->ntexts; i++)
		free(w->texts[i]);
	free(w->texts);
	free(w->slot);
	free(w);
}
