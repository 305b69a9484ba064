/* bundle.c: sealed, signed bundles (docs/bundle-format.md).
 *
 * A bundle is the only way objects leave a vault. Its file key is sealed
 * to each recipient's address; the payload is one secretstream whose first
 * message authenticates the plaintext header, whose last is tagged final.
 * Inside: a manifest signed by the exporting member, then the objects. The
 * reader trusts nothing before it has checked it, and applies a bundle in
 * one transaction or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_int.h"

/* --- addresses -------------------------------------------------------- */

static void address_format(const uint8_t pk[32], char out[VAULT_ADDRESS_LEN])
{
	uint8_t sum[AC_HASH_BYTES];

	/* §1: the checksum catches a mistyped or truncated address. */
	ac_hash(sum, pk, 32, NULL, 0);
	memcpy(out, "amparo1", 7);
	obj_hex(pk, 32, out + 7);
	obj_hex(sum, 4, out + 7 + 64);
}

int bundle_address_parse(const char *s, uint8_t pk[32])
{
	char check[VAULT_ADDRESS_LEN];

	if (strlen(s) != 7 + 72 || strncasecmp(s, "amparo1", 7) != 0)
		return -1;
	if (obj_unhex(s + 7, pk, 32) != 0)
		return -1;
	address_format(pk, check);
	return strcasecmp(check, s) == 0 ? 0 : -1;
}

static vault_status meta_blob(vault *v, const char *key, uint8_t *out,
                              size_t len, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;

	rc = db_prepare(v->db, "SELECT value FROM meta WHERE key = :k", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_text(st, ":k", key);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(st, 0) == len)
		memcpy(out, sqlite3_column_blob(st, 0), len);
	else
		rc = vault_fail(err, VAULT_EDAMAGED, "the vault has no address");
	sqlite3_finalize(st);
	return rc;
}

vault_status meta_address_pk(vault *v, uint8_t pk[32], vault_err *err)
{
	return meta_blob(v, "address_pk", pk, 32, err);
}

vault_status vault_address(vault *v, char out[VAULT_ADDRESS_LEN], vault_err *err)
{
	uint8_t pk[32];
	vault_status rc = meta_blob(v, "address_pk", pk, sizeof pk, err);

	if (rc == VAULT_OK)
		address_format(pk, out);
	return rc;
}

/* --- files ------------------------------------------------------------ */

vault_status bundle_read_file(const char *path, uint8_t **buf, size_t *len,
                              vault_err *err)
{
	struct stat st;
	/* O_NONBLOCK: anyone who can write to a sync folder could leave a
	 * FIFO named like a bundle there, and a blocking open would wait for
	 * a writer for ever. fstat below refuses what is not a regular file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	uint8_t *p = NULL;
	size_t got = 0;

	*buf = NULL;
	if (fd < 0)
		return vault_fail(err, errno == ENOENT ? VAULT_ENOENT : VAULT_EIO,
		                  "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vault_fail(err, VAULT_ENOTVAULT, "%s is not a bundle file",
		                  path);
	}
	if ((uint64_t)st.st_size > BUNDLE_MAX_FILE) {
		close(fd);
		return vault_fail(err, VAULT_EINVAL, "%s is larger than a bundle "
		                  "can be (%u MiB)", path,
		                  (unsigned)(BUNDLE_MAX_FILE >> 20));
	}
	p = malloc((size_t)st.st_size + 1);
	if (p == NULL) {
		close(fd);
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*buf = p;
	*len = got;
	return VAULT_OK;
}

vault_status bundle_write_file(const char *path, const uint8_t *buf, size_t len,
                               vault_err *err)
{
	char tmp[4096];
	size_t off = 0;
	int fd, e;

	/* Written beside its final name and renamed only when whole and
	 * synced: a stick pulled mid-write leaves no half bundle under the
	 * real name. */
	if (snprintf(tmp, sizeof tmp, "%s.part", path) >= (int)sizeof tmp)
		return vault_fail(err, VAULT_EINVAL, "the path is too long");
	if (access(path, F_OK) == 0)
		return vault_fail(err, VAULT_EEXIST, "%s already exists; refusing "
		                  "to overwrite it", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vault_fail(err, errno == ENOSPC ? VAULT_EFULL
		                  : errno == EACCES || errno == EROFS ? VAULT_EREADONLY
		                  : VAULT_EIO, "cannot create %s: %s", tmp,
		                  strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < len || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return vault_fail(err, e == ENOSPC || e == EFBIG ? VAULT_EFULL
		                  : VAULT_EIO, "cannot write %s: %s; nothing was "
		                  "written", path, strerror(e));
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return vault_fail(err, VAULT_EIO, "cannot write %s: %s", path,
		                  strerror(e));
	}
	vault_sync_dir(path);
	return VAULT_OK;
}

/* --- growing buffer --------------------------------------------------- */

int bbuf_put(bbuf *b, const void *p, size_t n)
{
	if (b->failed)
		return -1;
	/* An empty set's array is NULL: memcpy must not see it. */
	if (n == 0)
		return 0;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		uint8_t *grown;

		while (cap < b->len + n)
			cap *= 2;
		/* Not realloc: the old block may hold plaintext, and is wiped
		 * before it goes back to the allocator. */
		grown = malloc(cap);
		if (grown == NULL) {
			b->failed = 1;
			return -1;
		}
		if (b->p != NULL) {
			memcpy(grown, b->p, b->len);
			ac_wipe(b->p, b->cap);
			free(b->p);
		}
		b->p = grown;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

void bbuf_u32(bbuf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	                (uint8_t)(v >> 24)};

	bbuf_put(b, x, 4);
}

void bbuf_i64(bbuf *b, int64_t sv)
{
	uint64_t v = (uint64_t)sv;
	uint8_t x[8];

	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	bbuf_put(b, x, 8);
}

uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

/* --- sealing ---------------------------------------------------------- */

vault_status bundle_seal(const uint8_t *plain, size_t len,
                         const uint8_t (*to)[32], int nto, bbuf *out,
                         vault_progress_fn progress, void *ctx, vault_err *err)
{
	uint8_t *key = ac_secret_new(AC_KEY_BYTES);
	uint8_t stanza[BUNDLE_STANZA_BYTES], shead[AC_STREAM_HEADER_BYTES];
	uint8_t *chunk = NULL;
	ac_stream *s = NULL;
	size_t off = 0;
	vault_status rc = VAULT_OK;
	uint8_t fixed[4] = {BUNDLE_VERSION, (uint8_t)nto, 0, 0};

	chunk = malloc(BUNDLE_CHUNK + AC_STREAM_ABYTES);
	if (key == NULL || chunk == NULL || nto < 1 || nto > BUNDLE_MAX_RECIPIENTS) {
		rc = vault_fail(err, nto < 1 || nto > BUNDLE_MAX_RECIPIENTS
		                ? VAULT_EINVAL : VAULT_ENOMEM,
		                nto > BUNDLE_MAX_RECIPIENTS ? "too many recipients"
		                : "out of memory");
		goto out;
	}
	ac_random(key, AC_KEY_BYTES);
	bbuf_put(out, BUNDLE_MAGIC, 8);
	bbuf_put(out, fixed, 4);
	for (int i = 0; i < nto; i++) {
		ac_seal(stanza, key, AC_KEY_BYTES, to[i]);
		bbuf_put(out, stanza, sizeof stanza);
	}
	s = ac_stream_push_new(shead, key);
	if (s == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		goto out;
	}
	bbuf_put(out, shead, sizeof shead);
	/* §3: the first message authenticates every header byte before it. */
	do {
		size_t n = len - off > BUNDLE_CHUNK ? BUNDLE_CHUNK : len - off;
		int final = off + n == len;
		const uint8_t *ad = off == 0 ? out->p : NULL;
		size_t adlen = off == 0 ? out->len : 0;

		ac_stream_push(s, chunk, plain + off, n, ad, adlen, final);
		bbuf_u32(out, (uint32_t)(n + AC_STREAM_ABYTES));
		bbuf_put(out, chunk, n + AC_STREAM_ABYTES);
		off += n;
		if (progress != NULL)
			progress(off, len, ctx);
	} while (off < len);
	if (out->failed)
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
out:
	ac_stream_free(s);
	ac_secret_free(key);
	if (chunk != NULL)
		ac_wipe(chunk, BUNDLE_CHUNK);
	free(chunk);
	return rc;
}

/* Find the file key: try every stanza with every address secret this vault
 * has had. */
static vault_status open_stanzas(vault *v, const uint8_t *buf, int n,
                                 uint8_t *key, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int found = 0;

	rc = db_prepare(v->db,
	                "SELECT p.value, s.value FROM meta p, meta s"
	                " WHERE p.key = 'address_pk' AND s.key = 'address_sk'"
	                " UNION ALL SELECT pk, sk FROM old_addresses", &st, err);
	if (rc != VAULT_OK)
		return rc;
	while (!found && sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *pk = sqlite3_column_blob(st, 0);
		const uint8_t *sk = sqlite3_column_blob(st, 1);

		if (sqlite3_column_bytes(st, 0) != 32 || sqlite3_column_bytes(st, 1) != 32)
			continue;
		for (int i = 0; i < n && !found; i++)
			found = ac_seal_open(key, buf + 12 + (size_t)i * BUNDLE_STANZA_BYTES,
			                     BUNDLE_STANZA_BYTES, pk, sk) == AC_OK;
	}
	sqlite3_finalize(st);
	if (!found)
		return vault_fail(err, VAULT_ENOTOURS, "this bundle is not addressed "
		                  "to this vault (it was sealed for another vault)");
	return VAULT_OK;
}

vault_status bundle_open(vault *v, const uint8_t *buf, size_t len, bbuf *plain,
                         vault_err *err)
{
	uint8_t *key = NULL, *chunk = NULL;
	ac_stream *s = NULL;
	size_t off, head;
	int n, final = 0;
	vault_status rc;

	if (len < 8 || memcmp(buf, BUNDLE_MAGIC, 8) != 0)
		return vault_fail(err, VAULT_ENOTVAULT, "not an Amparo bundle");
	if (len < 12)
		return vault_fail(err, VAULT_EDAMAGED, "the bundle is truncated");
	if (buf[8] != BUNDLE_VERSION)
		return vault_fail(err, VAULT_EVERSION, "the bundle was written by "
		                  "a newer Amparo (format %u)", buf[8]);
	n = buf[9];
	if (n < 1 || n > BUNDLE_MAX_RECIPIENTS || buf[10] != 0 || buf[11] != 0)
		return vault_fail(err, VAULT_EDAMAGED, "the bundle's header is "
		                  "malformed");
	head = 12 + (size_t)n * BUNDLE_STANZA_BYTES + AC_STREAM_HEADER_BYTES;
	if (len < head)
		return vault_fail(err, VAULT_EDAMAGED, "the bundle is truncated");
	key = ac_secret_new(AC_KEY_BYTES);
	chunk = malloc(BUNDLE_CHUNK);
	if (key == NULL || chunk == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		goto out;
	}
	rc = open_stanzas(v, buf, n, key, err);
	if (rc != VAULT_OK)
		goto out;
	s = ac_stream_pull_new(buf + head - AC_STREAM_HEADER_BYTES, key);
	if (s == NULL) {
		rc = vault_fail(err, VAULT_EDAMAGED, "the bundle's stream header "
		                "is damaged");
		goto out;
	}
	for (off = head; !final;) {
		uint32_t clen;

		if (len - off < 4) {
			rc = vault_fail(err, VAULT_EDAMAGED, "the bundle is truncated "
			                "(it ends before its final part)");
			goto out;
		}
		clen = le32(buf + off);
		if (clen < AC_STREAM_ABYTES || clen > BUNDLE_CHUNK + AC_STREAM_ABYTES) {
			rc = vault_fail(err, VAULT_EDAMAGED, "the bundle is damaged: "
			                "a part claims an impossible length (%u)", clen);
			goto out;
		}
		if (len - off - 4 < clen) {
			rc = vault_fail(err, VAULT_EDAMAGED, "the bundle is truncated");
			goto out;
		}
		if (ac_stream_pull(s, chunk, buf + off + 4, clen,
		                   off == head ? buf : NULL, off == head ? head : 0,
		                   &final) != AC_OK) {
			rc = vault_fail(err, VAULT_EDAMAGED, "the bundle is damaged "
			                "or has been tampered with (a part fails "
			                "authentication)");
			goto out;
		}
		bbuf_put(plain, chunk, clen - AC_STREAM_ABYTES);
		off += 4 + (size_t)clen;
	}
	if (off != len)
		rc = vault_fail(err, VAULT_EDAMAGED, "the bundle has data after "
		                "its final part");
	else if (plain->failed)
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
out:
	ac_stream_free(s);
	ac_secret_free(key);
	if (chunk != NULL)
		ac_wipe(chunk, BUNDLE_CHUNK);
	free(chunk);
	return rc;
}
