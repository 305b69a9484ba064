/* pcache.c: the page cache of vault connections (docs/vault-format.md §3.5).
 *
 * SQLite keeps the pages it has read, decrypted, in its page cache; a vault
 * asks for up to 128 MiB of them, so a page is authenticated and decrypted
 * once a session. SQLite's own cache (pcache1) is built for small caches:
 * it takes each page from malloc, one 4 KiB fault at a time, never wipes
 * one, and at the end of every write transaction in which a B-tree balance
 * used the lock-byte page as a scratch number it scans its whole hash table
 * (measured: a third of the CPU the vault added to a bulk insert). This one
 * keeps a vault's pages in its own arena of 2 MiB-aligned chunks (huge
 * pages where the kernel gives them, never in a core dump), wipes them when
 * the connection closes, and truncates by key range. Every other connection
 * in the process (temporary databases, a plain SQLite file) keeps SQLite's
 * cache: pc_vault_opening marks the connections that get this one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vault_int.h"

#define PC_HUGE ((size_t)2 << 20)
#define PC_CHUNK ((size_t)4 << 20)
#define PC_TAG_OURS 0x41504331u   /* "APC1" */
#define PC_TAG_THEIRS 0x53514c31u /* "SQL1" */

typedef struct pc_page pc_page;
struct pc_page {
	sqlite3_pcache_page base; /* first: SQLite's handle is its address */
	unsigned key;
	int pinned;
	pc_page *hnext;           /* hash chain */
	pc_page *prev, *next;     /* unpinned pages, oldest first; free list */
};

typedef struct pc_chunk {
	struct pc_chunk *next;
	uint8_t *map;             /* what mmap returned, for munmap */
	size_t map_len;
	uint8_t *mem;             /* 2 MiB-aligned start of the pages */
	size_t len, used;
} pc_chunk;

typedef struct {
	unsigned tag;
	sqlite3_pcache *inner;
} pc_theirs;

typedef struct {
	unsigned tag;
	size_t sz_page, sz_extra, sz_elem;
	int purgeable;
	unsigned nmax;            /* pages to keep, when purgeable */
	unsigned npage, nlru;     /* pages in the cache; unpinned ones */
	unsigned nhash;           /* a power of two */
	pc_page **hash;
	pc_page lru;              /* list head: lru.next is the oldest */
	pc_page *free;            /* pages to reuse */
	pc_chunk *chunks;         /* newest first */
	unsigned hi;              /* no page but a scratch one has a key > hi */
	unsigned scratch;         /* the lock-byte page's number */
	unsigned nscratch;        /* pages keyed at scratch (0 or 1) */
} pc_cache;

static sqlite3_pcache_methods2 theirs;
static int installed;
static _Thread_local int vault_opening;
static long pages_live; /* for tests: pages held by every vault cache */

void pc_vault_opening(int on)
{
	vault_opening = on;
}

int pc_installed(void)
{
	return installed;
}

long pc_pages_live(void)
{
	return __atomic_load_n(&pages_live, __ATOMIC_RELAXED);
}

/* --- Arena ------------------------------------------------------------ */

static pc_chunk *chunk_new(size_t len)
{
	pc_chunk *c = calloc(1, sizeof *c);
	uint8_t *map;
	uintptr_t at;

	if (c == NULL)
		return NULL;
	/* One huge page more than needed, to start on a 2 MiB boundary. */
	map = mmap(NULL, len + PC_HUGE, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		free(c);
		return NULL;
	}
	at = ((uintptr_t)map + PC_HUGE - 1) & ~(uintptr_t)(PC_HUGE - 1);
	c->map = map;
	c->map_len = len + PC_HUGE;
	c->mem = (uint8_t *)at;
	c->len = len;
#ifdef MADV_HUGEPAGE
	(void)madvise(c->mem, len, MADV_HUGEPAGE);
#endif
#ifdef MADV_DONTDUMP
	(void)madvise(c->map, c->map_len, MADV_DONTDUMP);
#endif
	return c;
}

static void chunk_free(pc_chunk *c)
{
	ac_wipe(c->mem, c->used);
	munmap(c->map, c->map_len);
	free(c);
}

static pc_page *page_alloc(pc_cache *c)
{
	pc_page *p = c->free;
	pc_chunk *k = c->chunks;

	if (p != NULL) {
		c->free = p->next;
		return p;
	}
	if (k == NULL || k->len - k->used < c->sz_elem) {
		k = chunk_new(PC_CHUNK);
		if (k == NULL)
			return NULL;
		k->next = c->chunks;
		c->chunks = k;
	}
	p = (pc_page *)(k->mem + k->used);
	k->used += c->sz_elem;
	p->base.pBuf = (uint8_t *)p + ((sizeof *p + 15u) & ~(size_t)15u);
	p->base.pExtra = (uint8_t *)p->base.pBuf + c->sz_page;
	return p;
}

/* --- Hash and list ---------------------------------------------------- */

static pc_page *find(const pc_cache *c, unsigned key)
{
	pc_page *p = c->hash[key & (c->nhash - 1)];

	while (p != NULL && p->key != key)
		p = p->hnext;
	return p;
}

static void hash_insert(pc_cache *c, pc_page *p)
{
	pc_page **h = &c->hash[p->key & (c->nhash - 1)];

	p->hnext = *h;
	*h = p;
}

static void hash_remove(pc_cache *c, pc_page *p)
{
	pc_page **h = &c->hash[p->key & (c->nhash - 1)];

	while (*h != p)
		h = &(*h)->hnext;
	*h = p->hnext;
}

/* Double the table when chains grow past one page on average; without the
 * memory the old table still works, with longer chains. */
static void hash_grow(pc_cache *c)
{
	unsigned n = c->nhash * 2u;
	pc_page **t;

	if (c->npage <= c->nhash || n == 0)
		return;
	t = calloc(n, sizeof *t);
	if (t == NULL)
		return;
	for (unsigned i = 0; i < c->nhash; i++) {
		pc_page *p = c->hash[i], *next;

		for (; p != NULL; p = next) {
			next = p->hnext;
			p->hnext = t[p->key & (n - 1)];
			t[p->key & (n - 1)] = p;
		}
	}
	free(c->hash);
	c->hash = t;
	c->nhash = n;
}

static void lru_unlink(pc_cache *c, pc_page *p)
{
	p->prev->next = p->next;
	p->next->prev = p->prev;
	c->nlru--;
}

static void lru_push(pc_cache *c, pc_page *p)
{
	p->prev = c->lru.prev;
	p->next = &c->lru;
	c->lru.prev->next = p;
	c->lru.prev = p;
	c->nlru++;
}

/* Take p out of the cache; its memory goes to the free list. */
static void page_drop(pc_cache *c, pc_page *p)
{
	hash_remove(c, p);
	if (!p->pinned)
		lru_unlink(c, p);
	if (p->key == c->scratch)
		c->nscratch--;
	c->npage--;
	__atomic_sub_fetch(&pages_live, 1, __ATOMIC_RELAXED);
	p->next = c->free;
	c->free = p;
}

static void evict_to(pc_cache *c, unsigned n)
{
	while (c->npage > n && c->nlru > 0)
		page_drop(c, c->lru.next);
}

/* --- The methods ------------------------------------------------------ */

static int m_init(void *arg)
{
	(void)arg;
	return theirs.xInit != NULL ? theirs.xInit(theirs.pArg) : SQLITE_OK;
}

static void m_shutdown(void *arg)
{
	(void)arg;
	if (theirs.xShutdown != NULL)
		theirs.xShutdown(theirs.pArg);
}

static sqlite3_pcache *m_create(int sz_page, int sz_extra, int purgeable)
{
	pc_cache *c;

	if (!vault_opening || sz_page <= 0 || sz_extra < 0) {
		pc_theirs *t = malloc(sizeof *t);

		if (t == NULL)
			return NULL;
		t->tag = PC_TAG_THEIRS;
		t->inner = theirs.xCreate(sz_page, sz_extra, purgeable);
		if (t->inner == NULL) {
			free(t);
			return NULL;
		}
		return (sqlite3_pcache *)t;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->tag = PC_TAG_OURS;
	c->sz_page = (size_t)sz_page;
	c->sz_extra = (size_t)sz_extra;
	c->sz_elem = (((sizeof(pc_page) + 15u) & ~(size_t)15u) + c->sz_page +
	              c->sz_extra + 15u) & ~(size_t)15u;
	c->purgeable = purgeable;
	c->nmax = 100;
	c->nhash = 64;
	c->hash = calloc(c->nhash, sizeof *c->hash);
	c->lru.next = c->lru.prev = &c->lru;
	/* btree.c's balance_nonroot parks a page at the lock-byte page's
	 * number (PENDING_BYTE / page size + 1) while it swaps two. */
	c->scratch = 0x40000000u / (unsigned)sz_page + 1u;
	if (c->hash == NULL) {
		free(c);
		return NULL;
	}
	return (sqlite3_pcache *)c;
}

#define THEIRS(pc) (((pc_theirs *)(pc))->inner)
#define IS_THEIRS(pc) (((pc_theirs *)(pc))->tag == PC_TAG_THEIRS)

static void m_cachesize(sqlite3_pcache *pc, int n)
{
	pc_cache *c = (pc_cache *)pc;

	if (IS_THEIRS(pc)) {
		theirs.xCachesize(THEIRS(pc), n);
		return;
	}
	c->nmax = n > 0 ? (unsigned)n : 0u;
	if (c->purgeable)
		evict_to(c, c->nmax);
}

static int m_pagecount(sqlite3_pcache *pc)
{
	if (IS_THEIRS(pc))
		return theirs.xPagecount(THEIRS(pc));
	return (int)((pc_cache *)pc)->npage;
}

static sqlite3_pcache_page *m_fetch(sqlite3_pcache *pc, unsigned key,
                                    int create)
{
	pc_cache *c = (pc_cache *)pc;
	pc_page *p;

	if (IS_THEIRS(pc))
		return theirs.xFetch(THEIRS(pc), key, create);
	p = find(c, key);
	if (p != NULL) {
		if (!p->pinned) {
			lru_unlink(c, p);
			p->pinned = 1;
		}
		return &p->base;
	}
	if (create == 0)
		return NULL;
	/* As pcache1: "only if easy" fails when nine tenths of the cache is
	 * pinned, so that SQLite writes dirty pages out before it grows. */
	if (create == 1 && c->purgeable &&
	    c->npage - c->nlru >= c->nmax - c->nmax / 10u)
		return NULL;
	/* Reuse the oldest unpinned page once the cache is full, or when no
	 * memory is left; a dropped page is the first on the free list. */
	if (c->purgeable && c->nlru > 0 && c->npage >= c->nmax)
		page_drop(c, c->lru.next);
	p = page_alloc(c);
	if (p == NULL && c->nlru > 0) {
		page_drop(c, c->lru.next);
		p = page_alloc(c);
	}
	if (p == NULL)
		return NULL;
	p->key = key;
	p->pinned = 1;
	/* SQLite tells a new page by the null pointer at the start of its
	 * extra bytes; all of them start at zero here. */
	memset(p->base.pExtra, 0, c->sz_extra);
	hash_insert(c, p);
	c->npage++;
	__atomic_add_fetch(&pages_live, 1, __ATOMIC_RELAXED);
	if (key == c->scratch)
		c->nscratch++;
	else if (key > c->hi)
		c->hi = key;
	hash_grow(c);
	return &p->base;
}

static void m_unpin(sqlite3_pcache *pc, sqlite3_pcache_page *pg, int discard)
{
	pc_cache *c = (pc_cache *)pc;
	pc_page *p = (pc_page *)pg;

	if (IS_THEIRS(pc)) {
		theirs.xUnpin(THEIRS(pc), pg, discard);
		return;
	}
	if (discard) {
		page_drop(c, p);
		return;
	}
	p->pinned = 0;
	lru_push(c, p);
	if (c->purgeable)
		evict_to(c, c->nmax);
}

static void m_rekey(sqlite3_pcache *pc, sqlite3_pcache_page *pg,
                    unsigned old, unsigned new)
{
	pc_cache *c = (pc_cache *)pc;
	pc_page *p = (pc_page *)pg, *q;

	if (IS_THEIRS(pc)) {
		theirs.xRekey(THEIRS(pc), pg, old, new);
		return;
	}
	/* SQLite guarantees a page already at new is unpinned: drop it. */
	q = find(c, new);
	if (q != NULL && q != p)
		page_drop(c, q);
	hash_remove(c, p);
	if (p->key == c->scratch)
		c->nscratch--;
	p->key = new;
	hash_insert(c, p);
	if (new == c->scratch)
		c->nscratch++;
	else if (new > c->hi)
		c->hi = new;
}

/* Drop every page whose key is limit or more, pinned or not. */
static void m_truncate(sqlite3_pcache *pc, unsigned limit)
{
	pc_cache *c = (pc_cache *)pc;

	if (IS_THEIRS(pc)) {
		theirs.xTruncate(THEIRS(pc), limit);
		return;
	}
	if (c->nscratch > 0 && c->scratch >= limit) {
		pc_page *p = find(c, c->scratch);

		if (p != NULL)
			page_drop(c, p);
	}
	if (c->hi < limit)
		return;
	if (c->hi - limit < c->nhash) {
		for (unsigned k = limit;; k++) {
			pc_page *p = find(c, k);

			if (p != NULL)
				page_drop(c, p);
			if (k == c->hi)
				break;
		}
	} else {
		for (unsigned i = 0; i < c->nhash; i++) {
			pc_page *p = c->hash[i], *next;

			for (; p != NULL; p = next) {
				next = p->hnext;
				if (p->key >= limit)
					page_drop(c, p);
			}
		}
	}
	c->hi = limit > 0 ? limit - 1u : 0u;
}

static void m_destroy(sqlite3_pcache *pc)
{
	pc_cache *c = (pc_cache *)pc;

	if (IS_THEIRS(pc)) {
		theirs.xDestroy(THEIRS(pc));
		free(pc);
		return;
	}
	__atomic_sub_fetch(&pages_live, (long)c->npage, __ATOMIC_RELAXED);
	while (c->chunks != NULL) {
		pc_chunk *k = c->chunks;

		c->chunks = k->next;
		chunk_free(k);
	}
	free(c->hash);
	free(c);
}

static void m_shrink(sqlite3_pcache *pc)
{
	if (IS_THEIRS(pc)) {
		theirs.xShrink(THEIRS(pc));
		return;
	}
	/* The arena's memory goes back when the connection closes; here the
	 * unpinned pages are only made free for reuse. */
	evict_to((pc_cache *)pc, 0);
}

static sqlite3_pcache_methods2 ours = {
	.iVersion = 1,
	.xInit = m_init,
	.xShutdown = m_shutdown,
	.xCreate = m_create,
	.xCachesize = m_cachesize,
	.xPagecount = m_pagecount,
	.xFetch = m_fetch,
	.xUnpin = m_unpin,
	.xRekey = m_rekey,
	.xTruncate = m_truncate,
	.xDestroy = m_destroy,
	.xShrink = m_shrink,
};

const sqlite3_pcache_methods2 *pc_methods(void)
{
	return &ours;
}

/* Installed before SQLite initializes, which it does on the first call a
 * program makes into it; afterwards sqlite3_config refuses, and vaults
 * simply keep SQLite's own cache. */
__attribute__((constructor)) static void pc_install(void)
{
	if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &theirs) != SQLITE_OK ||
	    theirs.xCreate == NULL)
		return;
	installed = sqlite3_config(SQLITE_CONFIG_PCACHE2, &ours) == SQLITE_OK;
}
