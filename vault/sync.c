/* sync.c: applying a bundle (docs/bundle-format.md §4 and §5): import,
 * with its checks of ids, signatures and prerequisites and the key slots
 * another copy sends, and the sync-folder mode, which imports what the
 * folder holds and then writes what it lacks. What goes into a bundle is
 * chosen in export.c. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"

/* --- import ----------------------------------------------------------- */

typedef struct {
	const uint8_t *data;
	uint32_t len;
	const uint8_t *sig;
	const uint8_t *want;   /* the id the manifest lists */
	int ok;                /* id matches, decodes, signature holds */
	obj o;
} incoming;

static void check_incoming(void *ctx, size_t i)
{
	incoming *in = &((incoming *)ctx)[i];
	uint8_t id[OBJ_ID_BYTES];

	obj_id(in->data, in->len, id);
	in->ok = memcmp(id, in->want, OBJ_ID_BYTES) == 0 &&
	         obj_decode(in->data, in->len, &in->o) == 0 &&
	         obj_sig_ok(in->data, in->len, in->o.author, in->sig);
}

typedef struct {
	const uint8_t *vault_id, *signer, *ids, *prereqs, *slots;
	int64_t time;
	uint8_t flags;
	uint32_t n, np, ns;
	incoming *objs;
} manifest;

/* §4.1, strictly: every count is checked against the bytes left before
 * it is used, so no length field can make us read or allocate wildly. */
static vault_status parse_plain(const uint8_t *p, size_t len, manifest *m,
                                vault_err *err)
{
	size_t off = 0, left, signed_len;

#define NEED(k) do { if (len - off < (size_t)(k)) goto bad; } while (0)
	memset(m, 0, sizeof *m);
	NEED(5 + VAULT_ID_BYTES + OBJ_KEY_BYTES + 8 + 1 + 4);
	if (memcmp(p, MANIFEST_MAGIC, 4) != 0 || p[4] != MANIFEST_VERSION)
		goto bad;
	off = 5;
	m->vault_id = p + off;
	off += VAULT_ID_BYTES;
	m->signer = p + off;
	off += OBJ_KEY_BYTES;
	m->time = le64(p + off);
	off += 8;
	m->flags = p[off++];
	m->n = le32(p + off);
	off += 4;
	left = len - off;
	if (m->n > left / OBJ_ID_BYTES)
		goto bad;
	m->ids = p + off;
	off += (size_t)m->n * OBJ_ID_BYTES;
	NEED(4);
	m->np = le32(p + off);
	off += 4;
	if (m->np > (len - off) / OBJ_ID_BYTES)
		goto bad;
	m->prereqs = p + off;
	off += (size_t)m->np * OBJ_ID_BYTES;
	NEED(4);
	m->ns = le32(p + off);
	off += 4;
	if (m->ns > (len - off) / SLOT_RECORD_BYTES || m->ns > HDR_SLOTS)
		goto bad;
	m->slots = p + off;
	off += (size_t)m->ns * SLOT_RECORD_BYTES;
	signed_len = off;
	NEED(OBJ_SIG_BYTES);
	if (!ac_verify(p + off, p, signed_len, m->signer))
		return vault_fail(err, VAULT_EDAMAGED, "the bundle's manifest is "
		                  "forged: its signature does not verify");
	off += OBJ_SIG_BYTES;
	m->objs = calloc(m->n ? m->n : 1, sizeof *m->objs);
	if (m->objs == NULL)
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->n; i++) {
		incoming *in = &m->objs[i];

		NEED(4);
		in->len = le32(p + off);
		off += 4;
		if (in->len > OBJ_MAX_BYTES)
			goto bad;
		NEED((size_t)in->len + OBJ_SIG_BYTES);
		in->data = p + off;
		in->sig = p + off + in->len;
		in->want = m->ids + (size_t)i * OBJ_ID_BYTES;
		off += (size_t)in->len + OBJ_SIG_BYTES;
	}
	if (off != len)
		goto bad;
	return VAULT_OK;
#undef NEED
bad:
	free(m->objs);
	m->objs = NULL;
	return vault_fail(err, VAULT_EDAMAGED, "the bundle's contents are "
	                  "malformed (a length or count is impossible)");
}

static int held(vault *v, sqlite3_stmt *st, const uint8_t id[OBJ_ID_BYTES])
{
	(void)v;
	sqlite3_reset(st);
	db_bind_blob(st, ":id", id, OBJ_ID_BYTES);
	return sqlite3_step(st) == SQLITE_ROW;
}

static vault_status check_prereqs(vault *v, const manifest *m, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	char hex[2 * OBJ_ID_BYTES + 1], list[200] = "";
	uint32_t missing = 0;
	vault_status rc;

	rc = db_prepare(v->db, "SELECT 1 FROM objects WHERE id = :id", &st, err);
	if (rc != VAULT_OK)
		return rc;
	for (uint32_t i = 0; i < m->np; i++) {
		if (held(v, st, m->prereqs + (size_t)i * OBJ_ID_BYTES))
			continue;
		if (missing++ < 4) {
			obj_hex(m->prereqs + (size_t)i * OBJ_ID_BYTES, OBJ_ID_BYTES, hex);
			snprintf(list + strlen(list), sizeof list - strlen(list),
			         "%s%.12s", missing > 1 ? ", " : "", hex);
		}
	}
	sqlite3_finalize(st);
	if (missing > 0)
		return vault_fail(err, VAULT_ENOTFOUND,
		                  "missing prerequisites: this bundle builds on %u "
		                  "object%s this vault does not hold (%s%s); import "
		                  "the earlier bundles first, or ask for one made "
		                  "with 'amparo export --all'", missing,
		                  missing == 1 ? "" : "s", list,
		                  missing > 4 ? ", ..." : "");
	return VAULT_OK;
}

static int64_t slot_changed(vault *v, const uint8_t id[SLOT_ID_BYTES])
{
	sqlite3_stmt *st = NULL;
	int64_t t = -1;

	if (db_prepare(v->db, "SELECT changed FROM slot_changes WHERE slot_id = :s",
	               &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":s", id, SLOT_ID_BYTES);
		t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
	}
	return t;
}

/* §4.3: key slots from another copy of this vault: new members' slots are
 * installed, newer passphrases replace older ones. */
/* 1 if slot id sid is bound in this copy to a member other than key. */
static int slot_bound_elsewhere(vault *v, const uint8_t *sid,
                                const uint8_t key[OBJ_KEY_BYTES])
{
	sqlite3_stmt *st = NULL;
	int other = 0;

	if (db_prepare(v->db, "SELECT 1 FROM members WHERE slot_id = :s AND"
	               " key != :k", &st, NULL) == VAULT_OK) {
		db_bind_blob(st, ":s", sid, SLOT_ID_BYTES);
		db_bind_blob(st, ":k", key, OBJ_KEY_BYTES);
		other = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return other;
}

static vault_status apply_slots(vault *v, const manifest *m, uint64_t *count,
                                vault_err *err)
{
	uint8_t enc[HDR_SIZE];
	hdr h = v->header;
	vault_status rc = VAULT_OK;
	sqlite3_stmt *st = NULL;
	int changed = 0;

	int signer_admin = store_member_role(v, m->vault_id, m->signer) ==
	                   ROLE_ADMIN;

	hdr_encode(&h, NULL, enc);
	for (uint32_t r = 0; r < m->ns && rc == VAULT_OK; r++) {
		const uint8_t *rec = m->slots + (size_t)r * SLOT_RECORD_BYTES;
		const uint8_t *key = rec + HDR_SLOT_SIZE;
		int64_t when = le64(rec + HDR_SLOT_SIZE + OBJ_KEY_BYTES);
		const uint8_t *sid = rec + 112;
		int at = -1;

		if (rec[0] != SLOT_PASSPHRASE ||
		    !store_member_active(v, v->header.vault_id, key, INT64_MAX))
			continue;
		/* A member may bring their own slot (a passphrase changed in
		 * another copy); only an admin, who adds members, brings
		 * others'. And a slot id already bound to one member never
		 * passes to another: a record cannot take over someone's slot
		 * (security review, proposal B). */
		if (!signer_admin && memcmp(key, m->signer, OBJ_KEY_BYTES) != 0)
			continue;
		if (slot_bound_elsewhere(v, sid, key))
			continue;
		for (unsigned i = 0; i < HDR_SLOTS; i++)
			if (h.slots[i].state != SLOT_EMPTY &&
			    memcmp(h.slots[i].id, sid, SLOT_ID_BYTES) == 0)
				at = (int)i;
		if (at >= 0 && slot_changed(v, sid) >= when)
			continue;
		if (at < 0)
			at = hdr_slot_free(&h);
		if (at < 0) {
			rc = vault_fail(err, VAULT_EFULLSLOTS, "no free key slot for "
			                "a member from the other copy");
			break;
		}
		memcpy(enc + HDR_SLOTS_OFF + (size_t)at * HDR_SLOT_SIZE, rec,
		       HDR_SLOT_SIZE);
		changed = 1;
		rc = vault_member_bind_slot(v, key, sid, err);
		if (rc == VAULT_OK)
			rc = db_prepare(v->db, "INSERT OR REPLACE INTO slot_changes"
			                "(slot_id, changed) VALUES (:s, :t)", &st, err);
		if (rc == VAULT_OK) {
			db_bind_blob(st, ":s", sid, SLOT_ID_BYTES);
			db_bind_int64(st, ":t", when);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
		/* Reparse so later records see this slot as used. */
		{
			hdr tmp;

			ac_hash(enc + HDR_SUM_OFF, enc, HDR_SUM_OFF, NULL, 0);
			if (hdr_decode(enc, &tmp) == 0)
				h = tmp;
		}
		(*count)++;
	}
	if (rc == VAULT_OK && changed) {
		hdr saved = v->header;

		h.generation = v->header.generation;
		v->header = h;
		rc = vault_header_write(v, err);
		if (rc != VAULT_OK)
			v->header = saved;
	}
	return rc;
}

/* Apply a parsed manifest in the caller's transaction. */
#define IMPORT_CHUNK 512
/* One checking thread beside the inserting one keeps both cores busy
 * without the inserts competing for a core (two checkers made three
 * runnable threads on two cores). */
#define IMPORT_WORKERS 2

/* Insert one checked object, or say why it is refused. */
static vault_status apply_one(vault *v, incoming *in, vault_sync_summary *sum,
                              vault_err *err)
{
	char hex[2 * OBJ_ID_BYTES + 1];
	int added = 0;
	vault_status rc;

	obj_hex(in->want, OBJ_ID_BYTES, hex);
	if (!in->ok)
		return vault_fail(err, VAULT_EDAMAGED, "the bundle holds a forged "
		                  "or altered object (%.12s): its id or signature "
		                  "does not verify", hex);
	rc = store_insert_checked(v, in->want, &in->o, in->data, in->len, in->sig,
	                          &added, err);
	if (rc != VAULT_OK) {
		vault_err inner = *err;

		return vault_fail(err, rc == VAULT_EPERM ? VAULT_EDAMAGED : rc,
		                  "refused %s %.12s: %s", obj_type_name(in->o.type),
		                  hex, inner.msg);
	}
	sum->added += (uint64_t)added;
	if (added && (in->o.type == OBJ_GENESIS || in->o.type == OBJ_MEMBER))
		sum->members++;
	return VAULT_OK;
}

static vault_status apply(vault *v, manifest *m, vault_sync_summary *sum,
                          vault_err *err)
{
	uint64_t docs = 0;
	vault_status rc;
	vault_job job;

	/* Ids and signatures are checked on the worker threads one chunk
	 * ahead of the inserts, so checking and inserting overlap; nothing
	 * is inserted before its own check, and a forged object anywhere
	 * rolls the whole bundle back. */
	rc = check_prereqs(v, m, err);
	if (rc == VAULT_OK)
		rc = store_batch_begin(v, err);
	if (rc == VAULT_OK && m->n > 0)
		vault_job_start(&job, 0, m->n < IMPORT_CHUNK ? m->n : IMPORT_CHUNK,
		                IMPORT_WORKERS, check_incoming, m->objs);
	for (size_t from = 0; rc == VAULT_OK && from < m->n;) {
		size_t to = m->n - from > IMPORT_CHUNK ? from + IMPORT_CHUNK : m->n;

		vault_job_join(&job);
		if (to < m->n)
			vault_job_start(&job, to, m->n - to > IMPORT_CHUNK
			                                  ? to + IMPORT_CHUNK : m->n,
			                IMPORT_WORKERS, check_incoming, m->objs);
		for (size_t i = from; i < to && rc == VAULT_OK; i++)
			rc = apply_one(v, &m->objs[i], sum, err);
		if (rc != VAULT_OK && to < m->n)
			vault_job_join(&job); /* the workers still read m->objs */
		from = to;
	}
	if (rc == VAULT_OK)
		rc = store_batch_end(v, &docs, err);
	else
		v->batch = 0;
	sum->documents += docs;
	if (rc == VAULT_OK &&
	    !store_member_active(v, m->vault_id, m->signer, m->time))
		rc = vault_fail(err, VAULT_EDAMAGED, "the bundle was signed by "
		                "someone who is not a member of the vault it "
		                "comes from");
	/* Key slots replace what opens this copy, and the manifest's time
	 * (which its signer chooses) is no proof of anything: only a member
	 * who is one now may bring them. A removed member, who keeps the old
	 * address secret, could otherwise overwrite every remaining member's
	 * slot with a backdated bundle and lock everyone out. */
	if (rc == VAULT_OK && (m->flags & MANIFEST_SLOTS) &&
	    memcmp(m->vault_id, v->header.vault_id, VAULT_ID_BYTES) == 0 &&
	    store_member_active(v, m->vault_id, m->signer, INT64_MAX))
		rc = apply_slots(v, m, &sum->slots, err);
	sum->objects += m->n;
	return rc;
}

/* Open, parse and apply one bundle file in its own transaction. ids, when
 * given, receives the manifest's object ids once applied. */
static vault_status import_file(vault *v, const char *path, sync_idset *ids,
                                vault_progress_fn progress, void *ctx,
                                vault_sync_summary *sum, vault_err *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	bbuf plain = {0};
	manifest m = {0};
	vault_status rc;

	rc = bundle_read_file(path, &buf, &len, err);
	if (rc == VAULT_OK)
		rc = bundle_open(v, buf, len, &plain, err);
	if (rc == VAULT_OK)
		rc = parse_plain(plain.p, plain.len, &m, err);
	if (rc == VAULT_OK && progress != NULL)
		progress(0, m.n, ctx);
	if (rc == VAULT_OK)
		rc = db_begin(v, err);
	if (rc == VAULT_OK) {
		hdr saved = v->header;

		rc = apply(v, &m, sum, err);
		if (rc == VAULT_OK)
			rc = db_commit(v, err);
		else
			db_rollback(v);
		/* Slots are written to the header inside the transaction;
		 * when it does not commit, nothing may stay changed. */
		if (rc != VAULT_OK &&
		    memcmp(saved.slots, v->header.slots, sizeof saved.slots) != 0) {
			vault_err again = {0};

			saved.generation = v->header.generation;
			v->header = saved;
			(void)vault_header_write(v, &again);
		}
		ac_wipe(&saved, sizeof saved);
	}
	if (rc == VAULT_OK && progress != NULL)
		progress(m.n, m.n, ctx);
	for (uint32_t i = 0; rc == VAULT_OK && ids != NULL && i < m.n; i++)
		sync_idset_add(ids, m.ids + (size_t)i * OBJ_ID_BYTES);
	if (rc == VAULT_OK)
		sum->bundles++;
	free(m.objs);
	if (plain.p != NULL)
		ac_wipe(plain.p, plain.len);
	free(plain.p);
	free(buf);
	return rc;
}

vault_status vault_import(vault *v, const char *path, vault_progress_fn progress,
                          void *ctx, vault_sync_summary *sum, vault_err *err)
{
	memset(sum, 0, sizeof *sum);
	if (v->readonly)
		return vault_fail(err, VAULT_EREADONLY, "the vault was opened "
		                  "read-only");
	return import_file(v, path, NULL, progress, ctx, sum, err);
}

/* --- the sync folder -------------------------------------------------- */

#define SYNC_SUFFIX ".amparo-bundle"

static int is_bundle_name(const char *name)
{
	size_t n = strlen(name), s = strlen(SYNC_SUFFIX);

	return name[0] != '.' && n > s && strcmp(name + n - s, SYNC_SUFFIX) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static vault_status list_bundles(const char *dir, char ***names, size_t *n,
                                 vault_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return vault_fail(err, VAULT_ENOENT, "cannot open the folder %s",
		                  dir);
	while ((e = readdir(d)) != NULL) {
		if (!is_bundle_name(e->d_name))
			continue;
		if (*n == cap) {
			char **grown = realloc(*names, (cap ? cap * 2 : 16) * sizeof *grown);

			if (grown == NULL)
				break;
			*names = grown;
			cap = cap ? cap * 2 : 16;
		}
		(*names)[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof **names, name_cmp);
	return VAULT_OK;
}

vault_status vault_sync(vault *v, const char *dir, vault_progress_fn progress,
                        vault_sync_problem_fn problems, void *ctx,
                        vault_sync_summary *sum, vault_err *err)
{
	char **names = NULL, path[4096], out[4096], hex[17], real[4096], sp[4200];
	uint8_t rnd[8], (*self)[32] = NULL;
	int *done = NULL, progressed = 1, slots_new = 0;
	sync_idset there = {0};
	sync_selection sel;
	size_t n = 0;
	vault_status rc;

	memset(sum, 0, sizeof *sum);
	memset(&sel, 0, sizeof sel);
	if (v->readonly)
		return vault_fail(err, VAULT_EREADONLY, "the vault was opened "
		                  "read-only");
	rc = list_bundles(dir, &names, &n, err);
	if (rc != VAULT_OK)
		return rc;
	done = calloc(n ? n : 1, sizeof *done);
	self = calloc(1, 32);
	if (done == NULL || self == NULL) {
		rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
		goto out;
	}
	/* A bundle may build on another not yet read: retry those that lack
	 * prerequisites while any other makes progress. */
	while (progressed) {
		progressed = 0;
		for (size_t i = 0; i < n; i++) {
			vault_err e = {0};
			vault_status r;

			if (done[i])
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			r = import_file(v, path, &there, NULL, NULL, sum, &e);
			if (r == VAULT_OK) {
				done[i] = progressed = 1;
			} else if (r == VAULT_ENOTOURS) {
				done[i] = 1; /* for another vault: not ours to read */
				sum->skipped++;
			} else if (r != VAULT_ENOTFOUND) {
				done[i] = 1;
				sum->failed++;
				if (problems != NULL)
					problems(names[i], &e, ctx);
			}
			if (progress != NULL)
				progress(i + 1, n, ctx);
		}
	}
	/* What still lacks prerequisites waits for bundles not yet in the
	 * folder (a Syncthing folder fills in any order): not an error. */
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			sum->waiting++;
	/* Then write what the folder does not hold yet: objects, or a key
	 * slot changed here since this copy last wrote to this folder. */
	rc = sync_select_objects(v, 0, 0, &there, &sel, err);
	if (realpath(dir, real) == NULL)
		snprintf(real, sizeof real, "%s", dir);
	snprintf(sp, sizeof sp, "slots:folder:%s", real);
	slots_new = sync_latest_slot_change(v) > sync_peer_sent(v, sp);
	if (rc == VAULT_OK && (sel.order.n > 0 || slots_new)) {
		uint64_t objs = sum->objects;
		sqlite3_stmt *st = NULL;

		rc = meta_address_pk(v, self[0], err);
		ac_random(rnd, sizeof rnd);
		obj_hex(rnd, sizeof rnd, hex);
		snprintf(out, sizeof out, "%s/amparo-%s%s", dir, hex, SYNC_SUFFIX);
		if (rc == VAULT_OK)
			rc = sync_write_bundle(v, out, &sel,
			                       (const uint8_t (*)[32])self, 1, 1,
			                       NULL, NULL, sum, err);
		sum->objects = objs; /* count what was read, not what was written */
		if (rc == VAULT_OK &&
		    db_prepare(v->db, "INSERT OR REPLACE INTO peers(name, sent)"
		               " VALUES (:n, :s)", &st, NULL) == VAULT_OK) {
			db_bind_text(st, ":n", sp);
			db_bind_int64(st, ":s", sync_latest_slot_change(v));
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(done);
	free(self);
	sync_idset_free(&there);
	sync_selection_free(&sel);
	return rc;
}
