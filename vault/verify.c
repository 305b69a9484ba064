/* verify.c: re-check every object of a vault from its stored bytes alone:
 * id, signature, author's membership and role at the time, references.
 * The index tables are not trusted here. Hashing and Ed25519 verification
 * run on two threads; everything else is sequential. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "vault_int.h"

#define BATCH 4096

typedef struct {
	int64_t seq;
	uint8_t id[OBJ_ID_BYTES];
	uint8_t *data;
	size_t len;
	uint8_t sig[OBJ_SIG_BYTES];
	int sig_ok_len; /* the stored signature had the right length */
	/* results of the parallel part */
	int id_ok, decoded, sig_ok;
	obj o;
} item;

typedef struct {
	uint8_t vault[OBJ_VAULT_BYTES];
	uint8_t key[OBJ_KEY_BYTES];
	int64_t time;
	int64_t seq;
	int action, role;
} event;

typedef struct {
	event *ev;
	size_t n, cap;
} timeline;

static int event_cmp(const void *a, const void *b)
{
	const event *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* In one second a removal comes last, as in the store. */
	if ((x->action == MEMBER_REMOVE) != (y->action == MEMBER_REMOVE))
		return x->action == MEMBER_REMOVE ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void vault_parallel(size_t n, void (*fn)(void *ctx, size_t i), void *ctx)
{
	vault_job job;

	/* One worker and this thread, which joins in at once. */
	vault_job_start(&job, 0, n, 1, fn, ctx);
	vault_job_join(&job);
}

static void check_one(void *ctx, size_t i)
{
	item *it = &((item *)ctx)[i];
	uint8_t id[OBJ_ID_BYTES];

	obj_id(it->data, it->len, id);
	it->id_ok = memcmp(id, it->id, OBJ_ID_BYTES) == 0;
	it->decoded = obj_decode(it->data, it->len, &it->o) == 0;
	it->sig_ok = it->decoded && it->sig_ok_len &&
	             obj_sig_ok(it->data, it->len, it->o.author, it->sig);
}

static void check_parallel(item *items, size_t n)
{
	vault_parallel(n, check_one, items);
}

static int role_at(const timeline *tl, const uint8_t vid[OBJ_VAULT_BYTES],
                   const uint8_t key[OBJ_KEY_BYTES], int64_t t, int *action)
{
	int role = 0;

	*action = 0;
	/* Events are in time order; the last one at or before t wins. */
	for (size_t i = 0; i < tl->n && tl->ev[i].time <= t; i++) {
		if (memcmp(tl->ev[i].key, key, OBJ_KEY_BYTES) == 0 &&
		    memcmp(tl->ev[i].vault, vid, OBJ_VAULT_BYTES) == 0) {
			*action = tl->ev[i].action;
			role = tl->ev[i].role;
		}
	}
	return role;
}

static const char *authority_problem(const timeline *tl, const obj *o)
{
	int action = 0, role;

	if (o->type == OBJ_GENESIS) {
		/* The first genesis of each vault (in time) is its root. */
		for (size_t i = 0; i < tl->n; i++)
			if (memcmp(tl->ev[i].vault, o->vault, OBJ_VAULT_BYTES) == 0)
				return memcmp(tl->ev[i].key, o->author,
				              OBJ_KEY_BYTES) == 0 &&
				       tl->ev[i].time == o->time
					       ? NULL
					       : "a second genesis object for its vault";
		return "a genesis object the timeline lost";
	}
	role = role_at(tl, o->vault, o->author, o->time, &action);
	if (role == 0 || action == MEMBER_REMOVE)
		return "its author was not a member at the time";
	if (o->type == OBJ_MEMBER && role != ROLE_ADMIN)
		return "a member change by someone who was not an admin";
	if (o->type == OBJ_REVISION && role == ROLE_STAFF)
		return "a revision by a staff member";
	if (o->type == OBJ_STATUS &&
	    (o->status == STATUS_APPROVED || o->status == STATUS_ARCHIVED) &&
	    role != ROLE_ADMIN)
		return "an approval or archive by someone who was not an admin";
	if (o->type == OBJ_STATUS && role == ROLE_STAFF)
		return "a status change by a staff member";
	return NULL;
}

/* Every held revision's id, document and vault, sorted by id: references
 * are checked against memory, not with a query each (docs/performance.md). */
typedef struct {
	uint8_t id[OBJ_ID_BYTES];
	uint8_t doc[OBJ_DOC_BYTES];
	uint8_t vault[OBJ_VAULT_BYTES];
} rev_entry;

typedef struct {
	rev_entry *e;
	size_t n;
} rev_index;

static int rev_cmp(const void *a, const void *b)
{
	return memcmp(a, b, OBJ_ID_BYTES);
}

static vault_status rev_index_load(vault *v, rev_index *ri, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	vault_status rc;
	int src;

	memset(ri, 0, sizeof *ri);
	rc = db_prepare(v->db, "SELECT id, doc, vault FROM revisions", &st, err);
	if (rc != VAULT_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != OBJ_ID_BYTES ||
		    sqlite3_column_bytes(st, 1) != OBJ_DOC_BYTES ||
		    sqlite3_column_bytes(st, 2) != OBJ_VAULT_BYTES)
			continue;
		if (ri->n == cap) {
			rev_entry *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(ri->e, cap * sizeof *grown);
			if (grown == NULL) {
				sqlite3_finalize(st);
				return vault_fail(err, VAULT_ENOMEM, "out of memory");
			}
			ri->e = grown;
		}
		memcpy(ri->e[ri->n].id, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
		memcpy(ri->e[ri->n].doc, sqlite3_column_blob(st, 1), OBJ_DOC_BYTES);
		memcpy(ri->e[ri->n].vault, sqlite3_column_blob(st, 2), OBJ_VAULT_BYTES);
		ri->n++;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return db_fail(v->db, src, err, "reading revisions");
	if (ri->n > 1)
		qsort(ri->e, ri->n, sizeof *ri->e, rev_cmp);
	return VAULT_OK;
}

/* 1 if id is a held revision of document doc written by vault vid; 0 if
 * it is missing; -1 if it belongs elsewhere. The index is built from the
 * revisions table, whose rows exist only for objects of type revision
 * that were inserted; those objects are verified in the same pass. */
static int has_revision(const rev_index *ri, const uint8_t id[OBJ_ID_BYTES],
                        const obj *o)
{
	const rev_entry *e = ri->n > 0
		? bsearch(id, ri->e, ri->n, sizeof *ri->e, rev_cmp) : NULL;

	if (e == NULL)
		return 0;
	if (memcmp(e->doc, o->doc, OBJ_DOC_BYTES) != 0 ||
	    memcmp(e->vault, o->vault, OBJ_VAULT_BYTES) != 0)
		return -1;
	return 1;
}

static const char *reference_problem(const rev_index *st, const obj *o)
{
	int r;

	if (o->type == OBJ_REVISION) {
		for (uint32_t i = 0; i < o->nparents; i++) {
			r = has_revision(st, o->parents[i], o);
			if (r <= 0)
				return r == 0 ? "a parent revision is missing"
				              : "a parent revision belongs to another "
				                "document or vault";
		}
	} else if (o->type == OBJ_STATUS || o->type == OBJ_ACK ||
	           o->type == OBJ_INCIDENT) {
		r = has_revision(st, o->rev, o);
		if (r <= 0)
			return r == 0 ? "the revision it names is missing"
			              : "the revision it names belongs to another "
			                "document or vault";
	}
	return NULL;
}

/* Read up to BATCH objects after *seq. */
static vault_status read_batch(vault *v, sqlite3_stmt *st, int64_t *seq,
                               item *items, size_t *n, vault_err *err)
{
	int src;

	*n = 0;
	sqlite3_reset(st);
	db_bind_int64(st, ":seq", *seq);
	while (*n < BATCH && (src = sqlite3_step(st)) == SQLITE_ROW) {
		item *it = &items[*n];

		memset(it, 0, sizeof *it);
		*seq = sqlite3_column_int64(st, 0);
		it->seq = *seq;
		if (sqlite3_column_bytes(st, 1) == OBJ_ID_BYTES)
			memcpy(it->id, sqlite3_column_blob(st, 1), OBJ_ID_BYTES);
		it->len = (size_t)sqlite3_column_bytes(st, 2);
		it->data = malloc(it->len ? it->len : 1);
		if (it->data == NULL)
			return vault_fail(err, VAULT_ENOMEM, "out of memory");
		memcpy(it->data, sqlite3_column_blob(st, 2), it->len);
		it->sig_ok_len = sqlite3_column_bytes(st, 3) == OBJ_SIG_BYTES;
		if (it->sig_ok_len)
			memcpy(it->sig, sqlite3_column_blob(st, 3), OBJ_SIG_BYTES);
		(*n)++;
	}
	if (*n < BATCH && src != SQLITE_DONE)
		return db_fail(v->db, src, err, "reading objects");
	return VAULT_OK;
}

static void free_batch(item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].data);
}

static void report(vault_problem_fn fn, void *ctx, const item *it,
                   const char *problem, uint64_t *bad)
{
	vault_problem p;

	obj_hex(it->id, OBJ_ID_BYTES, p.id);
	p.type = it->decoded ? obj_type_name(it->o.type) : "object";
	p.problem = problem;
	(*bad)++;
	if (fn != NULL)
		fn(&p, ctx);
}

static const char *item_problem(const item *it)
{
	if (!it->id_ok)
		return "its stored bytes do not match its id (altered)";
	if (!it->decoded)
		return "its bytes are not a well-formed object";
	if (!it->sig_ok)
		return "its signature does not verify (forged or altered)";
	return NULL;
}

/* Pass 1: the membership timeline, from member objects whose own bytes
 * and signatures hold. */
static vault_status load_timeline(vault *v, timeline *tl, item *items,
                                  vault_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t seq = -1;
	size_t n = 0;
	vault_status rc;

	rc = db_prepare(v->db,
	                "SELECT seq, id, data, sig FROM objects WHERE id IN"
	                " (SELECT obj FROM member_events) AND seq > :seq"
	                " ORDER BY seq", &st, err);
	if (rc != VAULT_OK)
		return rc;
	do {
		rc = read_batch(v, st, &seq, items, &n, err);
		if (rc != VAULT_OK)
			break;
		check_parallel(items, n);
		for (size_t i = 0; i < n; i++) {
			const obj *o = &items[i].o;
			event *grown;

			/* The index only points at candidates: each one must
			 * itself be a whole, signed member object. */
			if (item_problem(&items[i]) != NULL ||
			    (o->type != OBJ_GENESIS && o->type != OBJ_MEMBER))
				continue;
			if (tl->n == tl->cap) {
				tl->cap = tl->cap ? tl->cap * 2 : 64;
				grown = realloc(tl->ev, tl->cap * sizeof *grown);
				if (grown == NULL) {
					rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
					break;
				}
				tl->ev = grown;
			}
			memcpy(tl->ev[tl->n].key,
			       o->type == OBJ_GENESIS ? o->author : o->subject,
			       OBJ_KEY_BYTES);
			tl->ev[tl->n].time = o->time;
			tl->ev[tl->n].seq = items[i].seq;
			memcpy(tl->ev[tl->n].vault, o->vault, OBJ_VAULT_BYTES);
			tl->ev[tl->n].action = o->type == OBJ_GENESIS ? MEMBER_ADD : o->action;
			tl->ev[tl->n].role = o->role;
			tl->n++;
		}
		free_batch(items, n);
	} while (rc == VAULT_OK && n == BATCH);
	sqlite3_finalize(st);
	if (tl->n > 1)
		qsort(tl->ev, tl->n, sizeof *tl->ev, event_cmp);
	if (rc == VAULT_OK && tl->n == 0)
		rc = vault_fail(err, VAULT_EDAMAGED, "the vault has no valid "
		                "genesis object: nothing can be verified");
	return rc;
}

/* Indices are taken JOB_STEP at a time: small enough that the threads
 * finish together, large enough that the counter is rarely contended. */
#define JOB_STEP 16

static void *run_job(void *arg)
{
	vault_job *j = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&j->next, JOB_STEP), end;

		if (i >= j->to)
			break;
		end = j->to - i > JOB_STEP ? i + JOB_STEP : j->to;
		for (; i < end; i++)
			j->fn(j->ctx, i);
	}
	return NULL;
}

int vault_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	/* Signals go to the thread that reads the terminal: SIGWINCH must
	 * interrupt its read, and handlers run where the front end expects. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

void vault_job_start(vault_job *j, size_t from, size_t to, int workers,
                     void (*fn)(void *ctx, size_t i), void *ctx)
{
	if (workers < 1 || workers > 2)
		workers = 2;
	j->fn = fn;
	j->ctx = ctx;
	j->to = to;
	atomic_init(&j->next, from);
	for (int t = 0; t < 2; t++)
		j->started[t] = t < workers &&
		                vault_thread_start(&j->th[t], run_job, j) == 0;
}

void vault_job_join(vault_job *j)
{
	/* What is left is shared with the threads; without them (none
	 * could start) this does it all. */
	run_job(j);
	for (int t = 0; t < 2; t++)
		if (j->started[t])
			pthread_join(j->th[t], NULL);
}

vault_status vault_verify(vault *v, vault_problem_fn fn, void *ctx,
                          uint64_t *checked, vault_err *err)
{
	sqlite3_stmt *all = NULL;
	rev_index revs = {NULL, 0};
	timeline tl = {0};
	item *cur = calloc(BATCH, sizeof *cur), *next = calloc(BATCH, sizeof *next);
	int64_t seq = -1;
	uint64_t bad = 0;
	size_t n = 0, n_next = 0;
	vault_status rc;
	vault_job job;

	*checked = 0;
	if (cur == NULL || next == NULL) {
		free(cur);
		free(next);
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	}
	rc = load_timeline(v, &tl, cur, err);
	if (rc == VAULT_OK)
		rc = db_prepare(v->db, "SELECT seq, id, data, sig FROM objects"
		                " WHERE seq > :seq ORDER BY seq", &all, err);
	if (rc == VAULT_OK)
		rc = rev_index_load(v, &revs, err);
	if (rc == VAULT_OK)
		rc = read_batch(v, all, &seq, cur, &n, err);
	/* Both cores check signatures of one batch while this thread reads
	 * the next from the database: reading is no longer a pause in which
	 * a core sits idle (docs/performance.md). */
	while (rc == VAULT_OK && n > 0) {
		item *swap;

		vault_job_start(&job, 0, n, 2, check_one, cur);
		n_next = 0;
		if (n == BATCH)
			rc = read_batch(v, all, &seq, next, &n_next, err);
		vault_job_join(&job);
		for (size_t i = 0; i < n; i++) {
			const char *p = item_problem(&cur[i]);

			if (p == NULL)
				p = authority_problem(&tl, &cur[i].o);
			if (p == NULL)
				p = reference_problem(&revs, &cur[i].o);
			if (p != NULL)
				report(fn, ctx, &cur[i], p, &bad);
		}
		*checked += n;
		free_batch(cur, n);
		swap = cur;
		cur = next;
		next = swap;
		n = n_next;
	}
	free_batch(cur, n);
	sqlite3_finalize(all);
	free(revs.e);
	free(cur);
	free(next);
	free(tl.ev);
	if (rc == VAULT_OK && bad > 0)
		rc = vault_fail(err, VAULT_EDAMAGED, "%llu of %llu objects failed "
		                "verification", (unsigned long long)bad,
		                (unsigned long long)*checked);
	return rc;
}
