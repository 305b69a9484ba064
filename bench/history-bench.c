/* amparo-bench-history: the history benchmark of issue 3 (item 6), recorded
 * in docs/performance.md, "History (issue 3)".
 *
 * Builds a vault of D documents with R revisions each (a few lines of each
 * text change per revision; a submission and an approval every
 * STATUS_EVERY revisions), then times, each as a median: opening the vault
 * without key derivation, `log` of one document, `search` for a common and
 * a rare word, and `verify` of every object. In the same run it times the
 * same log and search SQL on a plain SQLite copy of the index tables, and
 * Ed25519 verification alone on one core, and prints one table with the
 * targets. It asserts nothing about timing: the exit status is non-zero
 * only when an operation fails.
 *
 * White-box (vault_int.h) in three places: the revisions are made through
 * the public API but grouped into large transactions with db_begin and
 * db_commit (they nest; one transaction per edit would cost an fsync
 * each); key derivation is timed alone with hdr_unlock; and the plain copy
 * reads the index tables through vault_db. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench_common.h"
#include "vault_int.h"

#define PASS "amparo-bench-history passphrase"
#define BATCH_OPS 2000     /* operations per build transaction */
#define FIXED_LINES 3      /* title, blank, scope: never edited */
#define COMMON_WORD "records"
#define RARE_WORD "zirconium"
#define RARE_DOCS 3
#define MAX_TRIALS 31
#define TARGET_MS 20.0
#define TARGET_VERIFY 20000.0
#define SEED 0x686973746f7279ull

typedef struct {
	int docs;          /* documents */
	int revs;          /* revisions per document */
	int status_every;  /* a submission and an approval every N revisions */
	int trials;        /* runs of each short operation (odd: a median) */
	int verify_trials;
	int sigs;          /* verifications in the Ed25519 baseline */
	int quick;
	int keep;
	int reuse;         /* time the vault a --keep run left in dir */
	const char *dir;   /* NULL: a new temporary folder */
} config;

/* --- Text that reads like a policy ----------------------------------- */

static const char *const subjects[] = {
	"Staff", "Volunteers", "The coordinator", "Case workers",
	"The data protection lead", "Every shift lead", "Managers",
	"Reception staff", "Outreach teams", "The safeguarding officer",
	"Interpreters", "The night team",
};
static const char *const verbs[] = {
	"must record", "should review", "will store", "must not share",
	"shall report", "must lock away", "should encrypt", "will check",
	"must shred", "may disclose", "must update", "should archive",
};
static const char *const things[] = {
	"client records", "intake forms", "incident reports", "case notes",
	"medical information", "contact details", "consent forms",
	"visitor logs", "shelter addresses", "financial records",
	"photographs of clients", "referral letters",
};
static const char *const quals[] = {
	"within 24 hours.", "at the end of each shift.",
	"only with written consent.", "before leaving the office.",
	"in the locked cabinet.", "on the encrypted laptop.", "every quarter.",
	"when a client asks.", "after the case is closed.",
	"unless a court orders otherwise.", "as the annex describes.",
	"and tell the coordinator the same day.",
};
static const char *const topics[] = {
	"Data protection", "Safeguarding", "Record keeping", "Visitor access",
	"Device security", "Incident response", "Confidentiality",
	"Volunteer induction", "Case file retention", "Emergency contacts",
};

static void make_line(uint64_t *rng, char out[BENCH_LINE_CAP])
{
	snprintf(out, BENCH_LINE_CAP, "%s%s %s %s %s",
	         bench_rnd_below(rng, 4) ? "" : "- ", BENCH_PICK(rng, subjects),
	         BENCH_PICK(rng, verbs), BENCH_PICK(rng, things),
	         BENCH_PICK(rng, quals));
}

/* Document idx's first text; rare documents name RARE_WORD in their scope. */
static void doc_init(bench_doc *d, int idx, int rare, uint64_t *rng)
{
	memset(d, 0, sizeof *d);
	snprintf(d->line[0], BENCH_LINE_CAP, "# Policy %04d: %s", idx,
	         BENCH_PICK(rng, topics));
	snprintf(d->line[2], BENCH_LINE_CAP, "Scope: %s.",
	         rare ? "the " RARE_WORD " sample store only"
	              : "every site and every member of staff");
	bench_doc_fill(d, FIXED_LINES, rng, make_line);
}

/* A revision: one to three lines rewritten, sometimes one added or
 * removed. The text always differs from the previous one. */
static void doc_mutate(bench_doc *d, uint64_t *rng)
{
	int changes = 1 + bench_rnd_below(rng, 3), r = bench_rnd_below(rng, 5);
	int at;

	if (r == 0 && d->n < BENCH_LINES_MAX) {
		at = FIXED_LINES + bench_rnd_below(rng, d->n - FIXED_LINES + 1);
		memmove(d->line[at + 1], d->line[at],
		        (size_t)(d->n - at) * BENCH_LINE_CAP);
		make_line(rng, d->line[at]);
		d->n++;
	} else if (r == 1 && d->n > BENCH_LINES_MIN) {
		at = FIXED_LINES + bench_rnd_below(rng, d->n - FIXED_LINES);
		memmove(d->line[at], d->line[at + 1],
		        (size_t)(d->n - at - 1) * BENCH_LINE_CAP);
		d->n--;
	}
	bench_doc_rewrite(d, FIXED_LINES, changes, rng, make_line);
}

/* --- Building the vault ----------------------------------------------- */

typedef struct {
	double seconds;
	uint64_t revisions, statuses, text_bytes;
	size_t min_text, max_text;
} build_stats;

static void note_text(build_stats *bs, size_t len)
{
	bs->text_bytes += len;
	if (bs->min_text == 0 || len < bs->min_text)
		bs->min_text = len;
	if (len > bs->max_text)
		bs->max_text = len;
}

/* The next revision of d (its first: vault_doc_add), and every
 * status_every revisions a submission and an approval of it. */
static int doc_step(vault *v, const config *cfg, bench_doc *d, int idx,
                    char *buf, uint64_t *rng, int *ops, build_stats *bs,
                    bench_err *err)
{
	char title[64], msg[64];
	vault_meta m = {0};
	vault_err verr = {0};
	vault_status rc;
	size_t len;

	if (d->revs > 0)
		doc_mutate(d, rng);
	len = bench_doc_render(d, buf);
	snprintf(msg, sizeof msg, "Revise section %d",
	         1 + bench_rnd_below(rng, 9));
	m.message = msg;
	if (d->revs == 0) {
		snprintf(title, sizeof title, "%s", d->line[0] + 2);
		m.title = title;
		m.category = topics[idx % (int)(sizeof topics / sizeof topics[0])];
		m.message = "Create";
		rc = vault_doc_add(v, &m, buf, len, d->id, &verr);
	} else {
		rc = vault_doc_edit(v, d->id, &m, buf, len, NULL, &verr);
	}
	if (rc != VAULT_OK)
		return bench_fail(err, "revision %d of document %d: %s",
		                  d->revs + 1, idx, verr.msg);
	d->revs++;
	bs->revisions++;
	note_text(bs, len);
	if (bench_batch_step(v, ops, BATCH_OPS, err) != 0)
		return -1;
	if (cfg->status_every == 0 || d->revs % cfg->status_every != 0)
		return 0;
	if (vault_doc_set_status(v, d->id, NULL, STATUS_REVIEW, "Ready",
	                         &verr) != VAULT_OK ||
	    vault_doc_set_status(v, d->id, NULL, STATUS_APPROVED, "Approved",
	                         &verr) != VAULT_OK)
		return bench_fail(err, "status of document %d: %s", idx, verr.msg);
	bs->statuses += 2;
	if (bench_batch_step(v, ops, BATCH_OPS, err) != 0)
		return -1;
	return bench_batch_step(v, ops, BATCH_OPS, err);
}

/* Every document's first revision, then the others in a shuffled order,
 * as edits arrive in a real office. */
static int build_history(vault *v, const config *cfg, bench_doc *docs,
                         build_stats *bs, bench_err *err)
{
	size_t nedits = (size_t)cfg->docs * (size_t)(cfg->revs - 1);
	int *order = malloc((nedits ? nedits : 1) * sizeof *order);
	char *buf = malloc(BENCH_TEXT_CAP);
	uint64_t rng = SEED;
	vault_err verr = {0};
	int ops = 0, rc = -1;

	if (order == NULL || buf == NULL) {
		bench_fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nedits; i++)
		order[i] = (int)(i % (size_t)cfg->docs);
	for (size_t i = nedits; i > 1; i--) {
		size_t j = bench_splitmix64(&rng) % i;
		int t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	if (db_begin(v, &verr) != VAULT_OK) {
		bench_fail(err, "begin: %s", verr.msg);
		goto out;
	}
	for (int i = 0; i < cfg->docs; i++) {
		int rare = i == 1 || i == cfg->docs / 2 || i == cfg->docs - 2;

		doc_init(&docs[i], i, rare, &rng);
		if (doc_step(v, cfg, &docs[i], i, buf, &rng, &ops, bs, err) != 0)
			goto fail;
	}
	for (size_t i = 0; i < nedits; i++)
		if (doc_step(v, cfg, &docs[order[i]], order[i], buf, &rng, &ops,
		             bs, err) != 0)
			goto fail;
	if (db_commit(v, &verr) != VAULT_OK) {
		bench_fail(err, "commit: %s", verr.msg);
		goto out;
	}
	rc = 0;
	goto out;
fail:
	db_rollback(v);
out:
	free(order);
	free(buf);
	return rc;
}

/* --- The plain SQLite copy -------------------------------------------- */

/* The index tables that log and search read, with their schema. */
static const char copy_schema_sql[] =
	"SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND"
	" tbl_name IN ('members', 'documents', 'revisions', 'parents',"
	" 'heads', 'statuses', 'search') AND name NOT LIKE 'search_%'"
	" ORDER BY type = 'index', rowid";

static const struct {
	const char *name;
	int rowid; /* keep rowids: search's rowid is the document's */
} copied[] = {
	{"members", 1}, {"documents", 1}, {"revisions", 1}, {"parents", 0},
	{"heads", 0}, {"statuses", 1}, {"search", 1},
};

static int plain_exec(sqlite3 *db, const char *sql, bench_err *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return bench_fail(err, "%.60s: %s", sql, sqlite3_errmsg(db));
	return 0;
}

/* Copy every row of one table from src to dst, column for column. */
static int copy_table(sqlite3 *src, sqlite3 *dst, const char *name, int rowid,
                      bench_err *err)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	char sql[1024];
	int n, len, rc = -1, src_rc;

	snprintf(sql, sizeof sql, "SELECT %s* FROM %s", rowid ? "rowid, " : "",
	         name);
	if (sqlite3_prepare_v2(src, sql, -1, &sel, NULL) != SQLITE_OK) {
		bench_fail(err, "%s: %s", sql, sqlite3_errmsg(src));
		goto out;
	}
	n = sqlite3_column_count(sel);
	len = snprintf(sql, sizeof sql, "INSERT INTO %s(", name);
	for (int i = 0; i < n; i++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, "%s\"%s\"",
		                i ? ", " : "", sqlite3_column_name(sel, i));
	len += snprintf(sql + len, sizeof sql - (size_t)len, ") VALUES (");
	for (int i = 0; i < n; i++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, "%s?%d",
		                i ? ", " : "", i + 1);
	snprintf(sql + len, sizeof sql - (size_t)len, ")");
	if (sqlite3_prepare_v2(dst, sql, -1, &ins, NULL) != SQLITE_OK) {
		bench_fail(err, "%s: %s", sql, sqlite3_errmsg(dst));
		goto out;
	}
	while ((src_rc = sqlite3_step(sel)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			bench_fail(err, "copy %s: %s", name, sqlite3_errmsg(dst));
			goto out;
		}
		sqlite3_reset(ins);
	}
	if (src_rc != SQLITE_DONE) {
		bench_fail(err, "read %s: %s", name, sqlite3_errmsg(src));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

/* Make path a plain SQLite database holding the same rows as the vault's
 * index tables, with the same schema and page size. */
static int plain_copy(vault *v, const char *path, bench_err *err)
{
	sqlite3 *src = vault_db(v), *dst = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                    NULL) != SQLITE_OK) {
		bench_fail(err, "open %s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	if (plain_exec(dst, "PRAGMA page_size = 4096; BEGIN", err) != 0)
		goto out;
	if (sqlite3_prepare_v2(src, copy_schema_sql, -1, &st, NULL) != SQLITE_OK) {
		bench_fail(err, "schema: %s", sqlite3_errmsg(src));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		if (plain_exec(dst, (const char *)sqlite3_column_text(st, 0), err) != 0)
			goto out;
	for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
		if (copy_table(src, dst, copied[i].name, copied[i].rowid, err) != 0)
			goto out;
	rc = plain_exec(dst, "COMMIT", err);
out:
	sqlite3_finalize(st);
	sqlite3_close_v2(dst);
	return rc;
}

/* The SQL that vault_log and vault_search run (docs.c: resolve_doc,
 * vault_log, vault_search, as of commit 4518953), for the plain copy. */
static const char resolve_sql[] =
	"SELECT doc, lower(hex(doc)) FROM documents WHERE title = ?1"
	" OR (?2 AND substr(lower(hex(doc)), 1, length(?3)) = ?3) ORDER BY doc";
static const char log_sql[] =
	"SELECT r.id, r.time, coalesce(m.name, '(unknown)'), r.message, r.nparents,"
	" (SELECT parent FROM parents WHERE rev = r.id ORDER BY parent LIMIT 1),"
	" (SELECT parent FROM parents WHERE rev = r.id ORDER BY parent LIMIT 1 OFFSET 1),"
	" EXISTS (SELECT 1 FROM statuses s WHERE s.doc = r.doc"
	"  AND s.rev = r.id AND s.status = 3),"
	" EXISTS (SELECT 1 FROM statuses s WHERE s.doc = r.doc"
	"  AND s.rev = r.id AND s.status = 2),"
	" EXISTS (SELECT 1 FROM heads h WHERE h.doc = r.doc AND h.rev = r.id)"
	" FROM revisions r LEFT JOIN members m ON m.key = r.author"
	" WHERE r.doc = ?1 ORDER BY r.time DESC, r.depth DESC, r.id DESC";
static const char search_sql[] =
	"SELECT d.doc, d.title, snippet(search, 1, '[', ']', '...', 12)"
	" FROM search JOIN documents d ON d.rowid = search.rowid"
	" WHERE search MATCH ?1 ORDER BY rank LIMIT 50"; /* VAULT_SEARCH_MAX */

static int plain_open(const char *path, sqlite3 **db, bench_err *err)
{
	*db = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return bench_fail(err, "open %s: %s", path, sqlite3_errmsg(*db));
	/* Parse the schema now, as the vault's open does. */
	return plain_exec(*db, "SELECT count(*) FROM sqlite_schema", err);
}

/* Rows of a query with one parameter: blob when given, else the text p1. */
static int plain_rows(sqlite3 *db, const char *sql, const char *p1,
                      const void *blob, int bloblen, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	char hex[VAULT_REV_HEX];
	int rows = 0, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return bench_fail(err, "prepare: %s", sqlite3_errmsg(db));
	if (blob != NULL)
		sqlite3_bind_blob(st, 1, blob, bloblen, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* What vault_log and vault_search do with each row. */
		if (sqlite3_column_bytes(st, 0) <= (int)OBJ_ID_BYTES)
			obj_hex(sqlite3_column_blob(st, 0),
			        (size_t)sqlite3_column_bytes(st, 0), hex);
		(void)sqlite3_column_text(st, 2);
		rows++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bench_fail(err, "query: %s", sqlite3_errmsg(db));
	return rows;
}

/* `amparo log` on the plain copy: find the document, read its history. */
static int plain_log(sqlite3 *db, const char *id, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	uint8_t doc[OBJ_DOC_BYTES];
	int found;

	if (sqlite3_prepare_v2(db, resolve_sql, -1, &st, NULL) != SQLITE_OK)
		return bench_fail(err, "prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, 1);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW &&
	        sqlite3_column_bytes(st, 0) == (int)OBJ_DOC_BYTES;
	if (found)
		memcpy(doc, sqlite3_column_blob(st, 0), OBJ_DOC_BYTES);
	sqlite3_finalize(st);
	if (!found)
		return bench_fail(err, "plain copy: no document %s", id);
	return plain_rows(db, log_sql, NULL, doc, OBJ_DOC_BYTES, err);
}

/* --- The timed operations --------------------------------------------- */

typedef enum { Q_LOG, Q_COMMON, Q_RARE } query_kind;

static const char *const query_names[] = {
	"log of one document", "search \"" COMMON_WORD "\"",
	"search \"" RARE_WORD "\"",
};

typedef struct {
	const config *cfg;
	char vault_path[PATH_MAX];
	char plain_path[PATH_MAX];
	char log_doc[VAULT_ID_HEX]; /* a document with cfg->revs revisions */
	int want[3];                /* rows each query must give; -1: unknown */
} bench_ctx;

typedef struct {
	double vcold, vwarm, pcold, pwarm; /* ms */
	double vcold_cpu;                  /* ms of this thread's CPU */
	int rows;
} query_times;

/* What a front end does with each line of the log. */
static int on_rev(const vault_rev *r, void *ctx)
{
	char line[256];

	snprintf(line, sizeof line, "%.12s %s %s", r->id, r->author, r->message);
	(*(int *)ctx)++;
	return 0;
}

static int on_hit(const vault_hit *h, void *ctx)
{
	char line[256];

	snprintf(line, sizeof line, "%s %s", h->title, h->snippet);
	(*(int *)ctx)++;
	return 0;
}

/* Run one query on the vault; returns its rows, or -1. */
static int vault_query(vault *v, query_kind q, const char *doc, bench_err *err)
{
	vault_err verr = {0};
	vault_status rc;
	int n = 0;

	if (q == Q_LOG)
		rc = vault_log(v, doc, on_rev, &n, &verr);
	else
		rc = vault_search(v, q == Q_COMMON ? COMMON_WORD : RARE_WORD,
		                  on_hit, &n, &verr);
	if (rc != VAULT_OK)
		return bench_fail(err, "%s: %s", query_names[q], verr.msg);
	return n;
}

/* The same on the plain copy (vault_search makes each word a prefix term). */
static int plain_query(sqlite3 *db, query_kind q, const char *doc,
                       bench_err *err)
{
	if (q == Q_LOG)
		return plain_log(db, doc, err);
	return plain_rows(db, search_sql,
	                  q == Q_COMMON ? "\"" COMMON_WORD "\"*"
	                                : "\"" RARE_WORD "\"*", NULL, 0, err);
}

/* Cold: the first query after opening (SQLite's cache empty, the OS cache
 * warm), as one `amparo log` or `amparo search` command runs it. Warm: the
 * same query again on a handle that stays open. */
static int time_query(const bench_ctx *b, query_kind q, query_times *out,
                      bench_err *err)
{
	double vc[MAX_TRIALS], vw[MAX_TRIALS], pc[MAX_TRIALS], pw[MAX_TRIALS];
	double cpu[MAX_TRIALS];
	int n = b->cfg->trials, rows = -1, prow = -1, rc = -1;
	vault *v = NULL;
	sqlite3 *db = NULL;

	for (int i = 0; i < n; i++) {
		double t, c;

		if (bench_open_vault(b->vault_path, PASS, &v, err) != 0)
			goto out;
		c = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		t = bench_now();
		rows = vault_query(v, q, b->log_doc, err);
		vc[i] = (bench_now() - t) * 1e3;
		cpu[i] = (bench_clock(CLOCK_THREAD_CPUTIME_ID) - c) * 1e3;
		vault_close(v);
		v = NULL;
		if (rows < 0 || plain_open(b->plain_path, &db, err) != 0)
			goto out;
		t = bench_now();
		prow = plain_query(db, q, b->log_doc, err);
		pc[i] = (bench_now() - t) * 1e3;
		sqlite3_close_v2(db);
		db = NULL;
		if (prow < 0)
			goto out;
		if (prow != rows) {
			bench_fail(err, "%s: %d rows from the vault, %d from the "
			           "plain copy", query_names[q], rows, prow);
			goto out;
		}
	}
	if (bench_open_vault(b->vault_path, PASS, &v, err) != 0 ||
	    plain_open(b->plain_path, &db, err) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		double t = bench_now();

		if (vault_query(v, q, b->log_doc, err) < 0)
			goto out;
		vw[i] = (bench_now() - t) * 1e3;
		t = bench_now();
		if (plain_query(db, q, b->log_doc, err) < 0)
			goto out;
		pw[i] = (bench_now() - t) * 1e3;
	}
	out->vcold = bench_median(vc, n);
	out->vcold_cpu = bench_median(cpu, n);
	out->vwarm = bench_median(vw, n);
	out->pcold = bench_median(pc, n);
	out->pwarm = bench_median(pw, n);
	out->rows = rows;
	rc = 0;
out:
	vault_close(v);
	sqlite3_close_v2(db);
	return rc;
}

typedef struct {
	double open_ms;   /* vault_open, key derivation included */
	double unlock_ms; /* hdr_unlock alone: the key derivation */
	double plain_ms;  /* sqlite3_open_v2 and the schema, plain copy */
} open_times;

/* hdr_unlock on the file's header, as vault_open calls it. */
static int time_unlock(const char *path, int n, double *ms, bench_err *err)
{
	uint8_t area[HDR_AREA];
	uint8_t *master = ac_secret_new(AC_KEY_BYTES);
	member_keys *mk = ac_secret_new(sizeof *mk);
	double t[MAX_TRIALS];
	unsigned slot = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), which = 0, rc = -1;
	hdr h;

	if (fd < 0 || master == NULL || mk == NULL ||
	    pread(fd, area, HDR_AREA, 0) != (ssize_t)HDR_AREA) {
		bench_fail(err, "read the header of %s", path);
		goto out;
	}
	if (hdr_pick(area, &h, &which) != HDR_PICK_OK) {
		bench_fail(err, "%s: the header does not parse", path);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		double t0 = bench_now();

		if (hdr_unlock(&h, PASS, sizeof PASS - 1, master, mk, &slot) !=
		    VAULT_OK) {
			bench_fail(err, "hdr_unlock failed");
			goto out;
		}
		t[i] = (bench_now() - t0) * 1e3;
	}
	*ms = bench_median(t, n);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	ac_wipe(&h, sizeof h);
	ac_secret_free(master);
	ac_secret_free(mk);
	return rc;
}

static int time_open(const bench_ctx *b, open_times *out, bench_err *err)
{
	double vt[MAX_TRIALS], pt[MAX_TRIALS];
	int n = b->cfg->trials;

	for (int i = 0; i < n; i++) {
		vault *v = NULL;
		sqlite3 *db = NULL;
		double t = bench_now();

		if (bench_open_vault(b->vault_path, PASS, &v, err) != 0)
			return -1;
		vt[i] = (bench_now() - t) * 1e3;
		vault_close(v);
		t = bench_now();
		if (plain_open(b->plain_path, &db, err) != 0) {
			sqlite3_close_v2(db);
			return -1;
		}
		pt[i] = (bench_now() - t) * 1e3;
		sqlite3_close_v2(db);
	}
	out->open_ms = bench_median(vt, n);
	out->plain_ms = bench_median(pt, n);
	return time_unlock(b->vault_path, n, &out->unlock_ms, err);
}

typedef struct {
	double rate;      /* objects per second, median */
	double cpu;       /* CPU seconds per wall second in that run */
	double ms;
	uint64_t objects;
	double mean_len;  /* mean bytes of an object's encoding */
	double sig_rate;  /* Ed25519 alone, one core */
} verify_times;

static void on_problem(const vault_problem *p, void *ctx)
{
	(void)p;
	(*(int *)ctx)++;
}

static int time_verify(const bench_ctx *b, verify_times *out, bench_err *err)
{
	double rate[MAX_TRIALS], cpu[MAX_TRIALS], wall[MAX_TRIALS];
	vault *v = NULL;
	sqlite3_stmt *st = NULL;
	int n = b->cfg->verify_trials, rc = -1;

	if (bench_open_vault(b->vault_path, PASS, &v, err) != 0)
		return -1;
	if (sqlite3_prepare_v2(vault_db(v), "SELECT count(*), avg(length(data))"
	                       " FROM objects", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		bench_fail(err, "count objects: %s", sqlite3_errmsg(vault_db(v)));
		goto out;
	}
	out->mean_len = sqlite3_column_double(st, 1);
	for (int i = 0; i < n; i++) {
		double t = bench_now(), c = bench_cpu();
		vault_err verr = {0};
		int problems = 0;

		if (vault_verify(v, on_problem, &problems, &out->objects, &verr) !=
		    VAULT_OK) {
			bench_fail(err, "verify: %s (%d problems)", verr.msg, problems);
			goto out;
		}
		wall[i] = bench_now() - t;
		cpu[i] = (bench_cpu() - c) / wall[i];
		rate[i] = (double)out->objects / wall[i];
	}
	out->ms = bench_median(wall, n) * 1e3;
	out->rate = bench_median(rate, n);
	out->cpu = bench_median(cpu, n);
	rc = 0;
out:
	sqlite3_finalize(st);
	vault_close(v);
	return rc;
}

/* crypto_sign_verify_detached alone, on this thread, over messages of the
 * vault's mean object size. */
static int time_signatures(int count, size_t len, double *rate, bench_err *err)
{
	enum { MSGS = 16 };
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	uint8_t sig[MSGS][crypto_sign_BYTES];
	uint8_t *msg = malloc(MSGS * len);
	double t;

	if (msg == NULL)
		return bench_fail(err, "out of memory");
	crypto_sign_keypair(pk, sk);
	randombytes_buf(msg, MSGS * len);
	for (int i = 0; i < MSGS; i++)
		crypto_sign_detached(sig[i], NULL, msg + (size_t)i * len, len, sk);
	t = bench_now();
	for (int i = 0; i < count; i++)
		if (crypto_sign_verify_detached(sig[i % MSGS],
		                                msg + (size_t)(i % MSGS) * len,
		                                len, pk) != 0) {
			free(msg);
			return bench_fail(err, "a good signature failed");
		}
	*rate = count / (bench_now() - t);
	sodium_memzero(sk, sizeof sk);
	free(msg);
	return 0;
}

/* --- Report ------------------------------------------------------------ */

static int verdict(int pass, int *missed)
{
	if (!pass)
		(*missed)++;
	return pass;
}

static void print_query(const char *what, const query_times *q, int *missed)
{
	int pass = verdict(q->vcold < TARGET_MS, missed);

	printf("%-34s %9.2f ms %9.2f ms %7.1fx   < 20 ms      %s\n", what,
	       q->vcold, q->pcold, q->vcold / q->pcold, pass ? "PASS" : "MISS");
	printf("  %-32s %9.2f ms\n", "(its CPU time)", q->vcold_cpu);
	printf("  %-32s %9.2f ms %9.2f ms %7.1fx\n", "(same, warm handle)",
	       q->vwarm, q->pwarm, q->vwarm / q->pwarm);
}

static void print_report(const bench_ctx *b, const open_times *o,
                         const query_times *q, const verify_times *vt,
                         int *missed)
{
	double open_ms = o->open_ms - o->unlock_ms;
	char what[64];
	int pass;

	printf("\n%-34s %12s %12s %8s   %-12s %s\n", "operation", "amparo",
	       "plain", "ratio", "target", "result");
	pass = verdict(open_ms < TARGET_MS, missed);
	printf("%-34s %9.2f ms %9.2f ms %7.1fx   < 20 ms      %s\n",
	       "open, key derivation excluded", open_ms, o->plain_ms,
	       open_ms / o->plain_ms, pass ? "PASS" : "MISS");
	printf("  %-32s %9.2f ms\n", "(vault_open with it)", o->open_ms);
	printf("  %-32s %9.3f ms\n", "(hdr_unlock alone)", o->unlock_ms);
	snprintf(what, sizeof what, "log, %d revisions", q[Q_LOG].rows);
	print_query(what, &q[Q_LOG], missed);
	snprintf(what, sizeof what, "search \"%s\", %d hits", COMMON_WORD,
	         q[Q_COMMON].rows);
	print_query(what, &q[Q_COMMON], missed);
	snprintf(what, sizeof what, "search \"%s\", %d hits", RARE_WORD,
	         q[Q_RARE].rows);
	print_query(what, &q[Q_RARE], missed);
	pass = verdict(vt->rate >= TARGET_VERIFY, missed);
	printf("%-34s %9.0f /s %9.0f /s %7.2fx   >= 20000/s   %s\n",
	       "verify, objects per second", vt->rate, vt->sig_rate,
	       vt->rate / vt->sig_rate, pass ? "PASS" : "MISS");
	printf("  (%llu objects in %.0f ms, %.2f CPUs busy; 'plain' here is "
	       "Ed25519 verification alone on one core, %.0f-byte messages)\n",
	       (unsigned long long)vt->objects, vt->ms, vt->cpu, vt->mean_len);
	printf("\ncold: the first query after vault_open (SQLite's cache "
	       "empty, the OS cache warm), as one command runs it;\nwarm: "
	       "repeated on a handle left open. Medians of %d runs (verify: "
	       "%d). Targets judge the cold figures.\n", b->cfg->trials,
	       b->cfg->verify_trials);
}

/* --- Main --------------------------------------------------------------- */

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: amparo-bench-history [--quick] [--dir DIR] [--keep] "
	        "[--reuse]\n"
	        "  --quick   10 documents, 1,000 revisions (CTest smoke run)\n"
	        "  --dir     work in DIR (default: a new folder in /tmp)\n"
	        "  --keep    leave the vault and the plain copy there\n"
	        "  --reuse   time the vault and copy a --keep run left in DIR\n");
}

/* 0: run; 1: --help printed; 2: usage error. */
static int parse_args(int argc, char **argv, config *cfg)
{
	bench_args a;
	int rc = bench_parse_args(argc, argv, 1, usage, &a);

	*cfg = (config){.docs = a.quick ? 10 : 1000, .revs = 100,
	                .status_every = 20, .trials = a.quick ? 5 : 11,
	                .verify_trials = 3, .sigs = a.quick ? 2000 : 20000,
	                .quick = a.quick, .keep = a.keep, .reuse = a.reuse,
	                .dir = a.dir};
	return rc;
}

/* How many documents' final text holds word: what search must find. */
static int docs_with(const bench_doc *docs, int n, const char *word)
{
	int count = 0;

	for (int i = 0; i < n; i++)
		for (int l = 0; l < docs[i].n; l++)
			if (strstr(docs[i].line[l], word) != NULL) {
				count++;
				break;
			}
	return count;
}

/* --reuse: the first document of the vault a --keep run left. */
static int reuse(bench_ctx *b, bench_err *err)
{
	sqlite3_stmt *st = NULL;
	vault *v = NULL;
	int rc = -1;

	if (access(b->plain_path, R_OK) != 0)
		return bench_fail(err, "--reuse: no %s", b->plain_path);
	if (bench_open_vault(b->vault_path, PASS, &v, err) != 0)
		return -1;
	if (sqlite3_prepare_v2(vault_db(v), "SELECT lower(hex(doc)) FROM"
	                       " documents ORDER BY rowid LIMIT 1", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		snprintf(b->log_doc, sizeof b->log_doc, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	} else {
		bench_fail(err, "--reuse: the vault has no documents");
	}
	sqlite3_finalize(st);
	vault_close(v);
	b->want[Q_LOG] = b->cfg->revs;
	b->want[Q_COMMON] = b->want[Q_RARE] = -1;
	printf("workload: reused from %s (not rebuilt)\n", b->vault_path);
	return rc;
}

/* Create the vault, write its history, make the plain copy. */
static int prepare(bench_ctx *b, bench_doc *docs, bench_err *err)
{
	const config *cfg = b->cfg;
	build_stats bs = {0};
	ac_kdf_params kdf;
	vault_err verr = {0};
	vault *v = NULL;
	struct stat sv, sp;
	double t;
	int rc = -1;

	if (cfg->reuse)
		return reuse(b, err);
	ac_kdf_test_params(&kdf);
	unlink(b->vault_path);
	unlink(b->plain_path);
	if (vault_create(b->vault_path, "bench", PASS, sizeof PASS - 1, &kdf,
	                 &verr) != VAULT_OK)
		return bench_fail(err, "create: %s", verr.msg);
	if (bench_open_vault(b->vault_path, PASS, &v, err) != 0)
		return -1;
	t = bench_now();
	if (build_history(v, cfg, docs, &bs, err) != 0)
		goto out;
	bs.seconds = bench_now() - t;
	if (plain_copy(v, b->plain_path, err) != 0)
		goto out;
	snprintf(b->log_doc, sizeof b->log_doc, "%s", docs[0].id);
	b->want[Q_LOG] = cfg->revs;
	/* A search returns the 50 best matches at most (VAULT_SEARCH_MAX). */
	b->want[Q_COMMON] = docs_with(docs, cfg->docs, COMMON_WORD);
	b->want[Q_RARE] = docs_with(docs, cfg->docs, RARE_WORD);
	for (int k = Q_COMMON; k <= Q_RARE; k++)
		if (b->want[k] > VAULT_SEARCH_MAX)
			b->want[k] = VAULT_SEARCH_MAX;
	vault_close(v);
	v = NULL;
	if (stat(b->vault_path, &sv) != 0 || stat(b->plain_path, &sp) != 0) {
		bench_fail(err, "stat: %s", strerror(errno));
		goto out;
	}
	printf("workload: %d documents, %llu revisions (%d each), %llu status "
	       "objects, texts %zu-%zu bytes (mean %.0f)\n", cfg->docs,
	       (unsigned long long)bs.revisions, cfg->revs,
	       (unsigned long long)bs.statuses, bs.min_text, bs.max_text,
	       (double)bs.text_bytes / (double)bs.revisions);
	printf("build: public API (vault_doc_add, vault_doc_edit, "
	       "vault_doc_set_status) in transactions of %d operations\n"
	       "       (white-box db_begin/db_commit): %.1f s, %.0f "
	       "revisions/s\n", BATCH_OPS, bs.seconds,
	       (double)bs.revisions / bs.seconds);
	printf("files: vault %.1f MB, plain copy of the index tables %.1f MB\n",
	       (double)sv.st_size / 1e6, (double)sp.st_size / 1e6);
	rc = 0;
out:
	vault_close(v);
	return rc;
}

static int run(bench_ctx *b, bench_err *err)
{
	bench_doc *docs = calloc((size_t)b->cfg->docs, sizeof *docs);
	query_times q[3];
	open_times o;
	verify_times vt = {0};
	int missed = 0, rc = -1;

	if (docs == NULL)
		return bench_fail(err, "out of memory");
	if (prepare(b, docs, err) != 0 || time_open(b, &o, err) != 0)
		goto out;
	for (int k = Q_LOG; k <= Q_RARE; k++) {
		if (time_query(b, (query_kind)k, &q[k], err) != 0)
			goto out;
		if (b->want[k] >= 0 && q[k].rows != b->want[k]) {
			bench_fail(err, "%s: %d rows, expected %d", query_names[k],
			           q[k].rows, b->want[k]);
			goto out;
		}
	}
	if (time_verify(b, &vt, err) != 0 ||
	    time_signatures(b->cfg->sigs, (size_t)vt.mean_len, &vt.sig_rate,
	                    err) != 0)
		goto out;
	print_report(b, &o, q, &vt, &missed);
	printf("\n%d of 5 targets missed%s\n", missed,
	       b->cfg->quick ? " (--quick: the targets are for the full run)"
	                     : "");
	rc = 0;
out:
	free(docs);
	return rc;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/amparo-bench-history-XXXXXX";
	bench_ctx b;
	bench_err err = {{0}};
	config cfg;
	int rc;

	rc = parse_args(argc, argv, &cfg);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (ac_init() != AC_OK) {
		fprintf(stderr, "amparo-bench-history: libsodium did not start\n");
		return 1;
	}
	if (cfg.reuse && cfg.dir == NULL) {
		usage(stderr);
		return 2;
	}
	if (cfg.dir == NULL && (cfg.dir = mkdtemp(tmp)) == NULL) {
		fprintf(stderr, "amparo-bench-history: mkdtemp: %s\n",
		        strerror(errno));
		return 1;
	}
	memset(&b, 0, sizeof b);
	b.cfg = &cfg;
	snprintf(b.vault_path, sizeof b.vault_path, "%s/history.vault", cfg.dir);
	snprintf(b.plain_path, sizeof b.plain_path, "%s/history-plain.sqlite",
	         cfg.dir);
	bench_print_machine("amparo-bench-history", cfg.quick);
	bench_print_load("before");
	printf("open is timed as vault_open minus one hdr_unlock (the Argon2id "
	       "derivation, ac_kdf_test_params, that vault_open runs first)\n");
	rc = run(&b, &err);
	bench_print_load("after");
	if (!cfg.keep) {
		unlink(b.vault_path);
		unlink(b.plain_path);
		if (cfg.dir == tmp)
			rmdir(tmp);
	}
	if (rc != 0) {
		fprintf(stderr, "amparo-bench-history: %s\n", err.msg);
		return 1;
	}
	return 0;
}
