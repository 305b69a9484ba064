/* vfs.c: the encrypting VFS shim over the system SQLite library
 * (docs/vault-format.md §3 and §4).
 *
 * SQLite sees an ordinary database of 4096-byte pages with 40 reserved bytes
 * at the end of each; on disk every page is XChaCha20-Poly1305 ciphertext
 * with its nonce and tag in those reserved bytes, after two header copies.
 * The rollback journal's page images are copies of those stored pages. The
 * shim only admits the I/O patterns it can protect: whole-page writes to
 * the database, page images in the journal, no WAL, no mmap, no temporary
 * files. */
/* sched_getaffinity and CPU_COUNT (glibc) */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vault_int.h"

enum { FILE_MAIN = 0, FILE_JOURNAL = 1 };
#define PAGE_DATA (PAGE_SIZE - PAGE_RESERVE)
#define PAGE_AD_LEN (VAULT_ID_BYTES + 4 + 1)

/* Write-behind sealing of database pages (docs/vault-format.md §3.3).
 * SQLite writes a transaction's pages one call at a time at commit, and
 * sealing a page costs more than writing it. So a page's plaintext is
 * copied into a slot of a small ring and sealed by a worker thread, or by
 * the writing thread itself when the ring is full or must be emptied,
 * while SQLite goes on to the next page. Only the writing thread touches
 * the files, always in the order SQLite wrote; everything queued is in the
 * file before any sync, read, size, truncation, lock change, delete or
 * close returns, so neither SQLite nor the disk (which orders nothing
 * between two syncs) can tell. Journal page images are sealed at once:
 * SQLite writes small records around each one and must see a failure at
 * the call that failed. */
#define RING 32u

enum { SLOT_FREE, SLOT_FILLED, SLOT_SEALING, SLOT_SEALED };

typedef struct vfs_file vfs_file;

/* A slot's fields are the writing thread's while it is free or sealed;
 * whoever moves it from filled to sealing (by compare-and-swap) may read
 * them and write its ciphertext until it stores sealed. */
typedef struct {
	vfs_file *f;           /* the database file the page goes to */
	sqlite3_int64 off;     /* its offset in the real file */
	uint32_t pgno;
	atomic_int state;
	uint8_t nonce[AC_NONCE_BYTES];
	uint8_t *pt;           /* PAGE_SIZE of plaintext, in guarded memory */
	uint8_t *ct;           /* PAGE_SIZE of ciphertext, same */
} seal_slot;

typedef struct {
	pthread_mutex_t mu;    /* only for the worker's sleep and wake-up */
	pthread_cond_t work;
	pthread_t thread;
	atomic_int idle;       /* the worker is about to sleep, or sleeps */
	atomic_int stop;
	int running;
	int broken;            /* no guarded memory or no thread: write at once */
	pid_t pid;             /* a forked child has no worker */
	/* The writing thread's alone: */
	unsigned head, count;  /* the slots in use, oldest first */
	int err;               /* first failed write not yet reported */
	uint8_t *mem;          /* 2 * RING pages from ac_secret_new */
	seal_slot slot[RING];
} sealer;

struct vfs_shim {
	sqlite3_vfs vfs;
	sqlite3_vfs *root;
	vault_keys *keys;
	int damaged; /* a page failed authentication since the last reset */
	char name[64];
	vfs_file *main; /* the open database file, for journal copies */
	sealer q;
};

#define NONCE_POOL (64u * AC_NONCE_BYTES)

struct vfs_file {
	sqlite3_file base;
	vfs_shim *shim;
	int kind;
	/* Random nonces drawn 64 at a time: one getrandom call per 64 pages
	 * instead of one per page. Still random, never counters (§3.2). */
	uint8_t nonces[NONCE_POOL];
	unsigned nonce_used;
	pid_t nonce_pid; /* a forked child must not reuse the parent's pool */
	uint8_t *page; /* scratch for one page of ciphertext */
	uint8_t *plain;/* scratch for one page of plaintext (sub-page reads) */
	sqlite3_file *real;
};

#define REAL_OFFSET ((sizeof(vfs_file) + 7u) & ~7u)

static void page_ad(const vfs_shim *s, int kind, uint32_t pgno,
                    uint8_t ad[PAGE_AD_LEN])
{
	memcpy(ad, s->keys->vault_id, VAULT_ID_BYTES);
	for (int i = 0; i < 4; i++)
		ad[VAULT_ID_BYTES + i] = (uint8_t)(pgno >> (8 * i));
	ad[VAULT_ID_BYTES + 4] = (uint8_t)kind;
}

/* Take the next random nonce from the file's pool. */
static void nonce_take(vfs_file *f, uint8_t nonce[AC_NONCE_BYTES])
{
	if (f->nonce_used >= NONCE_POOL || f->nonce_pid != getpid()) {
		ac_random(f->nonces, NONCE_POOL);
		f->nonce_used = 0;
		f->nonce_pid = getpid();
	}
	memcpy(nonce, f->nonces + f->nonce_used, AC_NONCE_BYTES);
	/* A nonce is used once: wipe it from the pool as it is taken. */
	ac_wipe(f->nonces + f->nonce_used, AC_NONCE_BYTES);
	f->nonce_used += AC_NONCE_BYTES;
}

/* §3.2: ciphertext of bytes [0, 4056), then the nonce, then the tag.
 * Reads only the keys, so any thread may call it. */
static void seal_with(const vfs_shim *s, int kind, uint32_t pgno,
                      const uint8_t nonce[AC_NONCE_BYTES], const uint8_t *pt,
                      uint8_t *out)
{
	uint8_t ad[PAGE_AD_LEN];

	page_ad(s, kind, pgno, ad);
	memcpy(out + PAGE_DATA, nonce, AC_NONCE_BYTES);
	ac_aead_seal(out, out + PAGE_DATA + AC_NONCE_BYTES, pt, PAGE_DATA, ad,
	             sizeof ad, nonce, s->keys->page);
}

static void page_seal(vfs_file *f, uint32_t pgno, const uint8_t *pt,
                      uint8_t *out)
{
	uint8_t nonce[AC_NONCE_BYTES];

	nonce_take(f, nonce);
	seal_with(f->shim, f->kind, pgno, nonce, pt, out);
}

/* Authenticate and decrypt a stored page sealed with the AD of kind. */
static int open_as(const vfs_shim *s, int kind, uint32_t pgno,
                   const uint8_t *ct, uint8_t *out)
{
	uint8_t ad[PAGE_AD_LEN];
	const uint8_t *nonce = ct + PAGE_DATA;

	page_ad(s, kind, pgno, ad);
	if (ac_aead_open(out, ct, PAGE_DATA, nonce + AC_NONCE_BYTES, ad,
	                 sizeof ad, nonce, s->keys->page) != AC_OK)
		return SQLITE_IOERR_DATA;
	/* The reserved bytes are ours; SQLite sees zeros there. */
	memset(out + PAGE_DATA, 0, PAGE_RESERVE);
	return SQLITE_OK;
}

/* A page of f. A journal image is the database page's stored bytes
 * (kind 0) or, when it could not be copied, sealed as a journal page
 * (kind 1) (§4). */
static int page_open(const vfs_file *f, uint32_t pgno, const uint8_t *ct,
                     uint8_t *out)
{
	if (open_as(f->shim, FILE_MAIN, pgno, ct, out) == SQLITE_OK)
		return SQLITE_OK;
	if (f->kind == FILE_JOURNAL &&
	    open_as(f->shim, FILE_JOURNAL, pgno, ct, out) == SQLITE_OK)
		return SQLITE_OK;
	f->shim->damaged = 1;
	return SQLITE_IOERR_DATA;
}

/* §4.1: a journal header's 28 meaningful bytes carry a keyed BLAKE2b MAC
 * in the padding after them, bound to the vault and the header's offset.
 * A header without a valid MAC (planted, or left by another vault of the
 * same name) is shown to SQLite as no header at all, so it is never
 * played back: SQLite would truncate the vault to the page count a forged
 * header names before any page failed authentication. */
#define JHDR_FIELDS 28
#define JHDR_SECTOR 512 /* x_sector_size */
#define JHDR_MAC_LEN AC_HASH_BYTES
static const uint8_t journal_magic[8] = {0xd9, 0xd5, 0x05, 0xf9,
                                         0x20, 0xa1, 0x63, 0xd7};

static void jhdr_mac(const vfs_file *f, const uint8_t *fields,
                     sqlite3_int64 off, uint8_t mac[JHDR_MAC_LEN])
{
	uint8_t msg[JHDR_FIELDS + 8 + VAULT_ID_BYTES];

	memcpy(msg, fields, JHDR_FIELDS);
	for (int i = 0; i < 8; i++)
		msg[JHDR_FIELDS + i] = (uint8_t)((uint64_t)off >> (8 * i));
	memcpy(msg + JHDR_FIELDS + 8, f->shim->keys->vault_id, VAULT_ID_BYTES);
	ac_hash(mac, msg, sizeof msg, f->shim->keys->journal_mac, AC_KEY_BYTES);
}

/* Write the MAC of the header at off, from the fields now in the file. */
static int jhdr_seal(vfs_file *f, sqlite3_int64 off)
{
	uint8_t fields[JHDR_FIELDS], mac[JHDR_MAC_LEN];
	int rc = f->real->pMethods->xRead(f->real, fields, JHDR_FIELDS, off);

	if (rc != SQLITE_OK)
		return rc;
	jhdr_mac(f, fields, off, mac);
	return f->real->pMethods->xWrite(f->real, mac, JHDR_MAC_LEN,
	                                 off + JHDR_FIELDS);
}

static int jhdr_valid(vfs_file *f, sqlite3_int64 off)
{
	uint8_t h[JHDR_FIELDS + JHDR_MAC_LEN], mac[JHDR_MAC_LEN];

	if (f->real->pMethods->xRead(f->real, h, sizeof h, off) != SQLITE_OK)
		return 0;
	jhdr_mac(f, h, off, mac);
	return ac_equal(mac, h + JHDR_FIELDS, JHDR_MAC_LEN);
}

/* Claim a filled slot and seal it; 0 when sl was not (or no longer)
 * filled. */
static int slot_seal(const vfs_shim *s, seal_slot *sl)
{
	int filled = SLOT_FILLED;

	if (!atomic_compare_exchange_strong(&sl->state, &filled,
	                                    SLOT_SEALING))
		return 0;
	seal_with(s, FILE_MAIN, sl->pgno, sl->nonce, sl->pt, sl->ct);
	atomic_store_explicit(&sl->state, SLOT_SEALED, memory_order_release);
	return 1;
}

/* Seal any filled slot, starting at *at; 1 when one was sealed. */
static int seal_any(vfs_shim *s, unsigned *at)
{
	for (unsigned i = 0; i < RING; i++) {
		unsigned j = (*at + i) % RING;

		if (slot_seal(s, &s->q.slot[j])) {
			*at = (j + 1) % RING;
			return 1;
		}
	}
	return 0;
}

/* How long the worker looks for work before it sleeps: long enough to
 * bridge the gaps inside a commit's burst of pages and the journal sync
 * before it (x_sync wakes the worker then), short enough that an idle
 * vault costs nothing. On a busy processor sched_yield lets others run. */
#define SPIN_US 1000

static int64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* The worker: seal filled slots in the order they were filled, and sleep
 * when there are none. The writing thread fills slots in ring order, so
 * the worker looks after the last one it sealed first. */
static void *sealer_run(void *arg)
{
	vfs_shim *s = arg;
	sealer *q = &s->q;
	unsigned at = 0;

	for (;;) {
		int64_t until;
		int found = 0;

		while (seal_any(s, &at))
			;
		/* A commit writes its pages in a burst, a few microseconds
		 * apart: look again for a moment before sleeping. */
		until = now_us() + SPIN_US;
		while (!found && !atomic_load(&q->stop) && now_us() < until) {
			sched_yield();
			found = seal_any(s, &at);
		}
		if (found)
			continue;
		pthread_mutex_lock(&q->mu);
		/* idle, then a last look: the writer fills a slot, then
		 * looks at idle (both sequentially consistent), so either it
		 * sees idle and wakes us, or we see its slot. */
		atomic_store(&q->idle, 1);
		if (seal_any(s, &at)) {
			atomic_store(&q->idle, 0);
			pthread_mutex_unlock(&q->mu);
			continue;
		}
		if (atomic_load(&q->stop)) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		pthread_cond_wait(&q->work, &q->mu);
		atomic_store(&q->idle, 0);
		pthread_mutex_unlock(&q->mu);
	}
	return NULL;
}

static int cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

/* Whether pages may be queued: a worker runs (started on first use) in
 * this process. Without one, pages are sealed and written at once. */
static int sealer_ready(vfs_shim *s)
{
	sealer *q = &s->q;

	if (q->running)
		return q->pid == getpid();
	/* On one processor (or when allowed only one) a second thread
	 * only takes turns with this one: seal each page at once. */
	if (q->broken || cpus_allowed() < 2) {
		q->broken = 1;
		return 0;
	}
	if (q->mem == NULL) {
		q->mem = ac_secret_new(2u * RING * PAGE_SIZE);
		if (q->mem == NULL) {
			q->broken = 1;
			return 0;
		}
		for (unsigned i = 0; i < RING; i++) {
			q->slot[i].pt = q->mem + 2u * i * PAGE_SIZE;
			q->slot[i].ct = q->slot[i].pt + PAGE_SIZE;
			atomic_init(&q->slot[i].state, SLOT_FREE);
		}
	}
	atomic_store(&q->stop, 0);
	atomic_store(&q->idle, 0);
	q->running = vault_thread_start(&q->thread, sealer_run, s) == 0;
	q->broken = !q->running;
	q->pid = getpid();
	return q->running;
}

/* Write the sealed slots at the head of the ring, in order, and free
 * them. After a failed write, the pages queued behind it are dropped, not
 * written: SQLite learns of the failure at its next call, as if that write
 * had failed at once, and rolls back the transaction they belong to, so
 * its later writes must not land either. */
static void sealer_retire(sealer *q)
{
	while (q->count > 0) {
		seal_slot *sl = &q->slot[q->head];
		sqlite3_file *real = sl->f->real;

		if (atomic_load_explicit(&sl->state, memory_order_acquire) !=
		    SLOT_SEALED)
			break;
		if (q->err == SQLITE_OK)
			q->err = real->pMethods->xWrite(real, sl->ct,
			                                (int)PAGE_SIZE, sl->off);
		atomic_store_explicit(&sl->state, SLOT_FREE,
		                      memory_order_relaxed);
		q->head = (q->head + 1) % RING;
		q->count--;
	}
}

/* Make progress on the oldest unfinished slot: seal a filled one here, or
 * give the worker, which is sealing, a moment. */
static void sealer_help(vfs_shim *s)
{
	sealer *q = &s->q;
	unsigned at = q->head;

	if (!seal_any(s, &at))
		sched_yield();
}

/* Write (or, after a failure, drop) everything queued, then report the
 * failure, once. */
static int sealer_flush(vfs_shim *s)
{
	sealer *q = &s->q;
	int rc;

	for (;;) {
		sealer_retire(q);
		if (q->count == 0)
			break;
		sealer_help(s);
	}
	rc = q->err;
	q->err = SQLITE_OK;
	return rc;
}

/* Every file operation but a page write starts here: what SQLite wrote
 * before it is in the file, or the first failure is reported. */
static int sealer_drain(vfs_shim *s)
{
	sealer *q = &s->q;

	if (!q->running || q->pid != getpid())
		return SQLITE_OK;
	return sealer_flush(s);
}

/* Queue one page of the database file f, for off in the real file, or
 * seal and write it at once when no worker can run. An error is a write
 * queued earlier that failed; this page is then refused with it. */
static int sealer_write(vfs_file *f, uint32_t pgno, const uint8_t *pt,
                        sqlite3_int64 off)
{
	vfs_shim *s = f->shim;
	sealer *q = &s->q;
	seal_slot *sl;

	if (!sealer_ready(s)) {
		page_seal(f, pgno, pt, f->page);
		return f->real->pMethods->xWrite(f->real, f->page,
		                                 (int)PAGE_SIZE, off);
	}
	sealer_retire(q);
	while (q->count == RING && q->err == SQLITE_OK) {
		sealer_help(s);
		sealer_retire(q);
	}
	if (q->err != SQLITE_OK)
		return sealer_flush(s);
	sl = &q->slot[(q->head + q->count) % RING];
	sl->f = f;
	sl->off = off;
	sl->pgno = pgno;
	nonce_take(f, sl->nonce);
	memcpy(sl->pt, pt, PAGE_SIZE);
	q->count++;
	atomic_store(&sl->state, SLOT_FILLED);
	if (atomic_load(&q->idle)) {
		pthread_mutex_lock(&q->mu);
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
	}
	return SQLITE_OK;
}

static void sealer_stop(vfs_shim *s)
{
	sealer *q = &s->q;

	if (q->running && q->pid == getpid()) {
		(void)sealer_drain(s);
		pthread_mutex_lock(&q->mu);
		atomic_store(&q->stop, 1);
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	q->running = 0;
	ac_secret_free(q->mem);
	q->mem = NULL;
}

static int real_size(vfs_file *f, sqlite3_int64 *sz)
{
	return f->real->pMethods->xFileSize(f->real, sz);
}

/* Read one whole page of the database into out, decrypted. */
static int main_read_page(vfs_file *f, uint32_t pgno, uint8_t *out)
{
	sqlite3_int64 off = HDR_AREA + (sqlite3_int64)(pgno - 1) * PAGE_SIZE;
	sqlite3_int64 sz = 0;
	int rc;

	rc = f->real->pMethods->xRead(f->real, f->page, PAGE_SIZE, off);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		if (real_size(f, &sz) != SQLITE_OK)
			return SQLITE_IOERR_READ;
		/* A page wholly past the end is a page SQLite has not written
		 * yet: SQLite expects zeros. Part of a page is a truncation. */
		if (sz <= off) {
			memset(out, 0, PAGE_SIZE);
			return SQLITE_IOERR_SHORT_READ;
		}
		f->shim->damaged = 1;
		return SQLITE_IOERR_DATA;
	}
	if (rc != SQLITE_OK)
		return rc;
	rc = page_open(f, pgno, f->page, out);
	if (rc == SQLITE_OK && pgno == 1 && out[20] != PAGE_RESERVE) {
		f->shim->damaged = 1;
		rc = SQLITE_IOERR_DATA;
	}
	return rc;
}

static int x_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
	vfs_file *f = (vfs_file *)pf;
	uint32_t pgno, in;
	uint8_t pn[4];
	int rc = sealer_drain(f->shim);

	if (rc != SQLITE_OK)
		return rc;
	if (f->kind == FILE_JOURNAL) {
		/* SQLite reads a header's 8-byte magic before trusting the
		 * header: an unauthenticated one reads as no header. */
		if (amt == (int)sizeof journal_magic) {
			rc = f->real->pMethods->xRead(f->real, buf, amt, off);
			if (rc == SQLITE_OK &&
			    memcmp(buf, journal_magic, sizeof journal_magic) == 0 &&
			    !jhdr_valid(f, off))
				memset(buf, 0, (size_t)amt);
			return rc;
		}
		if (amt != (int)PAGE_SIZE || off < 4)
			return f->real->pMethods->xRead(f->real, buf, amt, off);
		/* A page image: its page number is the 4 bytes before it. */
		rc = f->real->pMethods->xRead(f->real, pn, 4, off - 4);
		if (rc != SQLITE_OK)
			return rc;
		rc = f->real->pMethods->xRead(f->real, f->page, amt, off);
		if (rc != SQLITE_OK)
			return rc;
		pgno = (uint32_t)pn[0] << 24 | (uint32_t)pn[1] << 16 |
		       (uint32_t)pn[2] << 8 | pn[3];
		return page_open(f, pgno, f->page, buf);
	}
	if (amt <= 0 || off < 0)
		return SQLITE_IOERR_READ;
	pgno = (uint32_t)(off / PAGE_SIZE) + 1;
	in = (uint32_t)(off % PAGE_SIZE);
	if (in + (uint32_t)amt > PAGE_SIZE)
		return SQLITE_IOERR_READ;
	if (in == 0 && amt == (int)PAGE_SIZE)
		return main_read_page(f, pgno, buf);
	/* SQLite reads 100 bytes at 0 and 16 at 24 to peek at the header:
	 * decrypt the whole page and copy out, so it is still authenticated. */
	rc = main_read_page(f, pgno, f->plain);
	if (rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ)
		memcpy(buf, f->plain + in, (size_t)amt);
	return rc;
}

/* §4: SQLite journals a page before it first changes it in a transaction,
 * so the page's stored bytes in the database file are, at that moment,
 * exactly this plaintext sealed: copy them into f->page instead of
 * sealing the page again. SQLITE_IOERR_SHORT_READ when the page is not in
 * the file (the caller seals it then). */
static int journal_copy(vfs_file *f, uint32_t pgno, const uint8_t *pt)
{
	vfs_file *m = f->shim->main;
	sqlite3_int64 off = HDR_AREA + (sqlite3_int64)(pgno - 1) * PAGE_SIZE;
	int rc;

	if (m == NULL || pgno == 0)
		return SQLITE_IOERR_SHORT_READ;
	rc = sealer_drain(f->shim);
	if (rc == SQLITE_OK)
		rc = m->real->pMethods->xRead(m->real, f->page, (int)PAGE_SIZE,
		                              off);
#ifdef AMPARO_CHECK_JOURNAL_COPY
	/* Test builds prove the claim above on every copy. */
	if (rc == SQLITE_OK) {
		if (open_as(f->shim, FILE_MAIN, pgno, f->page, f->plain) !=
		            SQLITE_OK ||
		    memcmp(f->plain, pt, PAGE_DATA) != 0) {
			fprintf(stderr, "vfs: journal copy of page %u differs "
			        "from the page SQLite journals\n", pgno);
			abort();
		}
	}
#else
	(void)pt;
#endif
	return rc;
}

static int x_write(sqlite3_file *pf, const void *buf, int amt,
                   sqlite3_int64 off)
{
	vfs_file *f = (vfs_file *)pf;
	const uint8_t *p = buf;
	uint8_t pn[4];
	uint32_t pgno;
	int rc;

	if (f->kind == FILE_JOURNAL) {
		if (amt != (int)PAGE_SIZE) {
			/* SQLite writes a header with a zero magic first, and
			 * the magic with the record count (12 bytes at the
			 * header) once the records are synced; the count may
			 * also be rewritten alone at header + 8. Headers sit on
			 * sector boundaries and no record overlaps one; a page
			 * number never equals the magic's first bytes. Whenever
			 * a header holds the magic, its MAC follows. */
			sqlite3_int64 h = off % JHDR_SECTOR == 0 ? off
			        : off >= 8 && (off - 8) % JHDR_SECTOR == 0 ? off - 8
			        : -1;
			uint8_t m[sizeof journal_magic];

			rc = f->real->pMethods->xWrite(f->real, buf, amt, off);
			if (rc == SQLITE_OK && h >= 0 &&
			    f->real->pMethods->xRead(f->real, m, sizeof m, h) ==
			            SQLITE_OK &&
			    memcmp(m, journal_magic, sizeof m) == 0)
				rc = jhdr_seal(f, h);
			return rc;
		}
		if (off < 4)
			return f->real->pMethods->xWrite(f->real, buf, amt, off);
		/* SQLite writes the page number just before the image; read
		 * it back rather than trust the order of calls. */
		rc = f->real->pMethods->xRead(f->real, pn, 4, off - 4);
		if (rc != SQLITE_OK)
			return SQLITE_IOERR_WRITE;
		pgno = (uint32_t)pn[0] << 24 | (uint32_t)pn[1] << 16 |
		       (uint32_t)pn[2] << 8 | pn[3];
		rc = journal_copy(f, pgno, p);
		if (rc == SQLITE_OK)
			return f->real->pMethods->xWrite(f->real, f->page, amt,
			                                 off);
		if (rc != SQLITE_IOERR_SHORT_READ)
			return rc;
		/* Not in the file: sealed here, not queued (see the
		 * write-behind above). */
		page_seal(f, pgno, p, f->page);
		return f->real->pMethods->xWrite(f->real, f->page, amt, off);
	}
	/* SQLite writes only whole pages to the database; anything else is
	 * a pattern we cannot protect. */
	if (amt != (int)PAGE_SIZE || off < 0 || off % PAGE_SIZE != 0)
		return SQLITE_IOERR_WRITE;
	pgno = (uint32_t)(off / PAGE_SIZE) + 1;
	if (pgno == 1 && p[20] != PAGE_RESERVE)
		return SQLITE_IOERR_WRITE;
	return sealer_write(f, pgno, p, off + HDR_AREA);
}

static int x_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	vfs_file *f = (vfs_file *)pf;
	int rc = sealer_drain(f->shim);

	if (rc != SQLITE_OK)
		return rc;
	if (f->kind == FILE_MAIN)
		size += HDR_AREA;
	return f->real->pMethods->xTruncate(f->real, size);
}

static int x_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	vfs_file *f = (vfs_file *)pf;
	int rc = sealer_drain(f->shim);

	if (rc == SQLITE_OK)
		rc = real_size(f, size);
	if (rc == SQLITE_OK && f->kind == FILE_MAIN)
		*size = *size > (sqlite3_int64)HDR_AREA ? *size - HDR_AREA : 0;
	return rc;
}

static int x_close(sqlite3_file *pf)
{
	vfs_file *f = (vfs_file *)pf;
	int rc = sealer_drain(f->shim);

	if (f->shim->main == f)
		f->shim->main = NULL;
	if (f->real->pMethods != NULL) {
		int crc = f->real->pMethods->xClose(f->real);

		if (rc == SQLITE_OK)
			rc = crc;
	}
	if (f->plain != NULL)
		ac_wipe(f->plain, PAGE_SIZE);
	free(f->page);
	free(f->plain);
	f->page = NULL;
	f->plain = NULL;
	return rc;
}

/* Wake the worker if it sleeps; it then looks for work for SPIN_US. */
static void sealer_prewake(vfs_shim *s)
{
	sealer *q = &s->q;

	if (!q->running || q->pid != getpid() || !atomic_load(&q->idle))
		return;
	pthread_mutex_lock(&q->mu);
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
}

static int x_sync(sqlite3_file *pf, int flags)
{
	vfs_file *f = (vfs_file *)pf;
	int rc = sealer_drain(f->shim);

	/* Syncing the journal comes just before a commit's burst of
	 * database pages: have the worker awake for it. */
	if (f->kind == FILE_JOURNAL)
		sealer_prewake(f->shim);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xSync(f->real, flags);
}

static int x_lock(sqlite3_file *pf, int level)
{
	vfs_file *f = (vfs_file *)pf;
	int rc = sealer_drain(f->shim);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xLock(f->real, level);
}

static int x_unlock(sqlite3_file *pf, int level)
{
	vfs_file *f = (vfs_file *)pf;
	int rc = sealer_drain(f->shim);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xUnlock(f->real, level);
}

static int x_check_reserved(sqlite3_file *pf, int *out)
{
	vfs_file *f = (vfs_file *)pf;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

/* Pragmas that would move data outside what the shim protects. */
static int pragma_refused(char **arg)
{
	const char *name = arg[1], *val = arg[2];

	if (val == NULL)
		return 0;
	if (sqlite3_stricmp(name, "journal_mode") == 0)
		return sqlite3_stricmp(val, "delete") != 0;
	if (sqlite3_stricmp(name, "page_size") == 0)
		return atoi(val) != (int)PAGE_SIZE;
	if (sqlite3_stricmp(name, "mmap_size") == 0)
		return atoi(val) != 0;
	return 0;
}

static int x_file_control(sqlite3_file *pf, int op, void *arg)
{
	vfs_file *f = (vfs_file *)pf;
	int rc;

	switch (op) {
	case VFS_FCNTL_HEADER_READ:
		rc = sealer_drain(f->shim);
		if (rc != SQLITE_OK)
			return rc;
		if (f->kind != FILE_MAIN)
			return SQLITE_NOTFOUND;
		return f->real->pMethods->xRead(f->real, arg, HDR_AREA, 0);
	case VFS_FCNTL_HEADER_WRITE: {
		/* §2.4: copy 0, sync, copy 1, sync: one copy is whole at
		 * every moment. */
		const uint8_t *a = arg;

		if (f->kind != FILE_MAIN)
			return SQLITE_NOTFOUND;
		rc = sealer_drain(f->shim);
		if (rc == SQLITE_OK)
			rc = f->real->pMethods->xWrite(f->real, a, HDR_SIZE, 0);
		if (rc == SQLITE_OK)
			rc = f->real->pMethods->xSync(f->real, SQLITE_SYNC_FULL);
		if (rc == SQLITE_OK)
			rc = f->real->pMethods->xWrite(f->real, a + HDR_SIZE,
			                               HDR_SIZE, HDR_SIZE);
		if (rc == SQLITE_OK)
			rc = f->real->pMethods->xSync(f->real, SQLITE_SYNC_FULL);
		return rc;
	}
	case SQLITE_FCNTL_PRAGMA:
		if (pragma_refused(arg)) {
			((char **)arg)[0] = sqlite3_mprintf(
				"amparo: that pragma is not allowed on a vault");
			return SQLITE_ERROR;
		}
		break;
	case SQLITE_FCNTL_MMAP_SIZE:
		/* Memory-mapped reads would bypass decryption. */
		*(sqlite3_int64 *)arg = 0;
		return SQLITE_OK;
	default:
		break;
	}
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int x_sector_size(sqlite3_file *pf)
{
	(void)pf;
	/* Keeps journal headers (one sector) smaller than a page, so a
	 * page-sized journal write is always a page image. */
	return 512;
}

static int x_device_characteristics(sqlite3_file *pf)
{
	vfs_file *f = (vfs_file *)pf;

	return f->real->pMethods->xDeviceCharacteristics(f->real) &
	       SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

/* Version 1: no shared memory (no WAL) and no xFetch (no mmap). */
static const sqlite3_io_methods io_methods = {
	1,
	x_close,
	x_read,
	x_write,
	x_truncate,
	x_sync,
	x_file_size,
	x_lock,
	x_unlock,
	x_check_reserved,
	x_file_control,
	x_sector_size,
	x_device_characteristics,
	NULL, NULL, NULL, NULL, NULL, NULL
};

/* SQLite says SQLITE_READONLY_DIRECTORY only when creating the journal
 * fails with EACCES; an immutable folder (EPERM) or a read-only file
 * system (EROFS) comes back as SQLITE_CANTOPEN, which reads as an I/O
 * error. 1 when the journal's folder cannot be written. */
static int journal_dir_readonly(const char *journal)
{
	char *copy = strdup(journal);
	int ro;

	if (copy == NULL)
		return 0;
	ro = access(dirname(copy), W_OK) != 0 &&
	     (errno == EACCES || errno == EPERM || errno == EROFS);
	free(copy);
	return ro;
}

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf,
                  int flags, int *out_flags)
{
	vfs_shim *s = vfs->pAppData;
	vfs_file *f = (vfs_file *)pf;
	int rc;

	memset(f, 0, sizeof *f);
	/* Only the vault and its rollback journal ever reach the disk:
	 * temporary databases, statement journals, WAL and super-journals
	 * would hold plaintext. */
	if (flags & SQLITE_OPEN_MAIN_DB)
		f->kind = FILE_MAIN;
	else if (flags & SQLITE_OPEN_MAIN_JOURNAL)
		f->kind = FILE_JOURNAL;
	else
		return SQLITE_CANTOPEN;
	if (name == NULL)
		return SQLITE_CANTOPEN;
	f->shim = s;
	f->nonce_used = NONCE_POOL;
	f->real = (sqlite3_file *)((char *)pf + REAL_OFFSET);
	f->page = malloc(PAGE_SIZE);
	f->plain = malloc(PAGE_SIZE);
	if (f->page == NULL || f->plain == NULL) {
		free(f->page);
		free(f->plain);
		return SQLITE_NOMEM;
	}
	rc = s->root->xOpen(s->root, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		free(f->page);
		free(f->plain);
		f->page = f->plain = NULL;
		if (f->kind == FILE_JOURNAL && (rc & 0xff) == SQLITE_CANTOPEN &&
		    journal_dir_readonly(name))
			rc = SQLITE_READONLY_DIRECTORY;
		return rc;
	}
	pf->pMethods = &io_methods;
	if (f->kind == FILE_MAIN && s->main == NULL)
		s->main = f;
	return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	vfs_shim *s = vfs->pAppData;
	int rc = sealer_drain(s);

	if (rc != SQLITE_OK)
		return rc;
	return s->root->xDelete(s->root, name, sync_dir);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	vfs_shim *s = vfs->pAppData;

	return s->root->xAccess(s->root, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n,
                           char *out)
{
	vfs_shim *s = vfs->pAppData;

	return s->root->xFullPathname(s->root, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	(void)name;
	return NULL; /* no extensions are loaded into a vault */
}

static void v_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	snprintf(msg, (size_t)n, "extensions are disabled");
}

static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	(void)h;
	(void)sym;
	return NULL;
}

static void v_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	(void)h;
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	ac_random(out, (size_t)n);
	return n;
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
	vfs_shim *s = vfs->pAppData;

	return s->root->xSleep(s->root, us);
}

static int v_current_time(sqlite3_vfs *vfs, double *out)
{
	vfs_shim *s = vfs->pAppData;

	return s->root->xCurrentTime(s->root, out);
}

static int v_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	vfs_shim *s = vfs->pAppData;

	return s->root->xGetLastError(s->root, n, out);
}

static int v_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	vfs_shim *s = vfs->pAppData;

	return s->root->xCurrentTimeInt64(s->root, out);
}

static void vfs_shim_destroy(vfs_shim *s)
{
	sealer_stop(s);
	pthread_cond_destroy(&s->q.work);
	pthread_mutex_destroy(&s->q.mu);
	free(s);
}

vault_status vfs_shim_new(vault_keys *keys, vfs_shim **out)
{
	vfs_shim *s = NULL;
	sqlite3_vfs *root = sqlite3_vfs_find("unix");

	*out = NULL;
	if (root == NULL || root->iVersion < 2)
		return VAULT_EIO;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return VAULT_ENOMEM;
	s->root = root;
	s->keys = keys;
	if (pthread_mutex_init(&s->q.mu, NULL) != 0) {
		free(s);
		return VAULT_ENOMEM;
	}
	if (pthread_cond_init(&s->q.work, NULL) != 0) {
		pthread_mutex_destroy(&s->q.mu);
		free(s);
		return VAULT_ENOMEM;
	}

	/* One registered VFS per open vault carries that vault's keys, so no
	 * process-wide key table is needed. */
	snprintf(s->name, sizeof s->name, "amparo-%p", (void *)s);
	s->vfs.iVersion = 2;
	s->vfs.szOsFile = (int)(REAL_OFFSET + (size_t)root->szOsFile);
	s->vfs.mxPathname = root->mxPathname;
	s->vfs.zName = s->name;
	s->vfs.pAppData = s;
	s->vfs.xOpen = v_open;
	s->vfs.xDelete = v_delete;
	s->vfs.xAccess = v_access;
	s->vfs.xFullPathname = v_full_pathname;
	s->vfs.xDlOpen = v_dlopen;
	s->vfs.xDlError = v_dlerror;
	s->vfs.xDlSym = v_dlsym;
	s->vfs.xDlClose = v_dlclose;
	s->vfs.xRandomness = v_randomness;
	s->vfs.xSleep = v_sleep;
	s->vfs.xCurrentTime = v_current_time;
	s->vfs.xGetLastError = v_last_error;
	s->vfs.xCurrentTimeInt64 = v_current_time64;
	if (sqlite3_vfs_register(&s->vfs, 0) != SQLITE_OK) {
		vfs_shim_destroy(s);
		return VAULT_EIO;
	}
	*out = s;
	return VAULT_OK;
}

int vfs_shim_sealer(const vfs_shim *s)
{
	return s != NULL && s->q.running;
}

int vfs_shim_damaged(const vfs_shim *s)
{
	return s != NULL && s->damaged;
}

const char *vfs_shim_name(const vfs_shim *s)
{
	return s->name;
}

void vfs_shim_free(vfs_shim *s)
{
	if (s == NULL)
		return;
	sqlite3_vfs_unregister(&s->vfs);
	vfs_shim_destroy(s);
}
