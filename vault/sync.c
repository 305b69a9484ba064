/* sync.c: what goes into a bundle, and applying one (docs/bundle-format.md
 * §4 and §5): export, import, and the sync-folder mode. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"

/* --- sets of ids (sorted arrays) -------------------------------------- */

typedef struct {
	uint8_t (*id)[OBJ_ID_BYTES];
	size_t n, cap;
	int sorted;
} idset;

static int id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, OBJ_ID_BYTES);
}

static int idset_add(idset *s, const uint8_t id[OBJ_ID_BYTES])
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		void *grown = realloc(s->id, cap * OBJ_ID_BYTES);

		if (grown == NULL)
			return -1;
		s->id = grown;
		s->cap = cap;
	}
	memcpy(s->id[s->n++], id, OBJ_ID_BYTES);
	s->sorted = 0;
	return 0;
}

static int idset_has(idset *s, const uint8_t id[OBJ_ID_BYTES])
{
	if (s->n == 0)
		return 0; /* s->id is NULL: not for qsort */
	if (!s->sorted) {
		qsort(s->id, s->n, OBJ_ID_BYTES, id_cmp);
		s->sorted = 1;
	}
	return bsearch(id, s->id, s->n, OBJ_ID_BYTES, id_cmp) != NULL;
}

static void idset_free(idset *s)
{
	free(s->id);
	memset(s, 0, sizeof *s);
}

/* --- export ----------------------------------------------------------- */

typedef struct {
	bbuf objects;   /* u32 len, data, sig for each object */
	idset ids;      /* in order of appearance: the manifest's list */
	idset order;    /* the same, appended in order (ids gets sorted) */
	idset prereq;
	int64_t last_seq;
} selection;

/* The object that admitted author to vault vid at or before t. */
static int admission(vault *v, const uint8_t vid[OBJ_VAULT_BYTES],
                     const uint8_t key[OBJ_KEY_BYTES], int64_t t,
                     uint8_t id[OBJ_ID_BYTES])
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (db_prepare(v->db, "SELECT obj FROM member_events WHERE vault = :v AND"
	               " key = :k AND action = 1 AND time <= :t"
	               " ORDER BY time DESC LIMIT 1", &st, NULL) != VAULT_OK)
		return 0;
	db_bind_blob(st, ":v", vid, OBJ_VAULT_BYTES);
	db_bind_blob(st, ":k", key, OBJ_KEY_BYTES);
	db_bind_int64(st, ":t", t);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memcpy(id, sqlite3_column_blob(st, 0), OBJ_ID_BYTES);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* §4.2: what the receiver must already hold for this selection to apply. */
static vault_status add_prereqs(vault *v, selection *sel, vault_err *err)
{
	idset want = {0};
	uint8_t id[OBJ_ID_BYTES];
	size_t off = 0;
	vault_status rc = VAULT_OK;

	while (off < sel->objects.len && rc == VAULT_OK) {
		uint32_t len = le32(sel->objects.p + off);
		obj o;

		if (obj_decode(sel->objects.p + off + 4, len, &o) != 0) {
			rc = vault_fail(err, VAULT_EDAMAGED, "a stored object is "
			                "malformed (run 'amparo verify')");
			break;
		}
		for (uint32_t i = 0; i < o.nparents; i++)
			idset_add(&want, o.parents[i]);
		if (o.type == OBJ_STATUS || o.type == OBJ_ACK ||
		    o.type == OBJ_INCIDENT)
			idset_add(&want, o.rev);
		if (o.type == OBJ_INCIDENT && o.act != INCIDENT_OPEN)
			idset_add(&want, o.incident);
		if (o.type != OBJ_GENESIS && admission(v, o.vault, o.author, o.time, id))
			idset_add(&want, id);
		off += 4 + len + OBJ_SIG_BYTES;
	}
	for (size_t i = 0; i < want.n && rc == VAULT_OK; i++)
		if (!idset_has(&sel->ids, want.id[i]) &&
		    !idset_has(&sel->prereq, want.id[i]))
			if (idset_add(&sel->prereq, want.id[i]) != 0)
				rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
	idset_free(&want);
	return rc;
}

/* Pick the objects: after seq since; for partners only this vault's own
 * objects and never acknowledgements (a map of the staff). skip: ids the
 * receiver is known to hold (sync folder). */
static vault_status select_objects(vault *v, int64_t since, int partners,
                                   idset *skip, selection *sel, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	vault_status rc;
	int src;

	rc = db_prepare(v->db, "SELECT seq, id, data, sig, type FROM objects"
	                " WHERE seq > :since ORDER BY seq", &st, err);
	if (rc != VAULT_OK)
		return rc;
	db_bind_int64(st, ":since", since);
	sel->last_seq = since;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const uint8_t *id = sqlite3_column_blob(st, 1);
		const uint8_t *data = sqlite3_column_blob(st, 2);
		uint32_t len = (uint32_t)sqlite3_column_bytes(st, 2);

		sel->last_seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) != OBJ_ID_BYTES ||
		    sqlite3_column_bytes(st, 3) != OBJ_SIG_BYTES || len < 22)
			continue;
		if (partners && (sqlite3_column_int(st, 4) == OBJ_ACK ||
		                 sqlite3_column_int(st, 4) == OBJ_INCIDENT ||
		                 memcmp(data + 6, v->header.vault_id, VAULT_ID_BYTES) != 0))
			continue;
		if (skip != NULL && idset_has(skip, id))
			continue;
		bbuf_u32(&sel->objects, len);
		bbuf_put(&sel->objects, data, len);
		bbuf_put(&sel->objects, sqlite3_column_blob(st, 3), OBJ_SIG_BYTES);
		if (idset_add(&sel->ids, id) != 0 || idset_add(&sel->order, id) != 0)
			sel->objects.failed = 1;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return db_fail(v->db, src, err, "reading objects");
	if (sel->objects.failed)
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	return add_prereqs(v, sel, err);
}

/* Slot records: every slot of this copy bound to an active member. */
static vault_status put_slots(vault *v, bbuf *m, vault_err *err)
{
	sqlite3_stmt *st = NULL;
	bbuf recs = {0};
	uint32_t n = 0;
	vault_status rc;

	rc = db_prepare(v->db, "SELECT m.key, coalesce(c.changed, 0) FROM members m"
	                " LEFT JOIN slot_changes c ON c.slot_id = m.slot_id"
	                " WHERE m.slot_id = :slot AND m.removed IS NULL", &st, err);
	if (rc != VAULT_OK)
		return rc;
	for (unsigned i = 0; i < HDR_SLOTS; i++) {
		uint8_t enc[HDR_SIZE];

		if (v->header.slots[i].state == SLOT_EMPTY)
			continue;
		sqlite3_reset(st);
		db_bind_blob(st, ":slot", v->header.slots[i].id, SLOT_ID_BYTES);
		if (sqlite3_step(st) != SQLITE_ROW)
			continue;
		hdr_encode(&v->header, NULL, enc);
		bbuf_put(&recs, enc + HDR_SLOTS_OFF + i * HDR_SLOT_SIZE, HDR_SLOT_SIZE);
		bbuf_put(&recs, sqlite3_column_blob(st, 0), OBJ_KEY_BYTES);
		bbuf_i64(&recs, sqlite3_column_int64(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	bbuf_u32(m, n);
	bbuf_put(m, recs.p, recs.len);
	free(recs.p);
	return VAULT_OK;
}

/* §4.1: manifest, signature, then the objects. */
static vault_status build_plain(vault *v, selection *sel, int with_slots,
                                bbuf *plain, vault_err *err)
{
	uint8_t sig[OBJ_SIG_BYTES];
	uint8_t head[5] = {'A', 'M', 'P', 'M', MANIFEST_VERSION};
	uint8_t flags = with_slots ? MANIFEST_SLOTS : 0;
	vault_status rc = VAULT_OK;

	bbuf_put(plain, head, 5);
	bbuf_put(plain, v->header.vault_id, VAULT_ID_BYTES);
	bbuf_put(plain, v->mk->sign_pk, OBJ_KEY_BYTES);
	bbuf_i64(plain, vault_now());
	bbuf_put(plain, &flags, 1);
	bbuf_u32(plain, (uint32_t)sel->order.n);
	bbuf_put(plain, sel->order.id, sel->order.n * OBJ_ID_BYTES);
	bbuf_u32(plain, (uint32_t)sel->prereq.n);
	bbuf_put(plain, sel->prereq.id, sel->prereq.n * OBJ_ID_BYTES);
	if (with_slots)
		rc = put_slots(v, plain, err);
	else
		bbuf_u32(plain, 0);
	if (rc != VAULT_OK || plain->failed)
		return rc != VAULT_OK ? rc : vault_fail(err, VAULT_ENOMEM, "out of memory");
	ac_sign(sig, plain->p, plain->len, v->mk->sign_sk);
	bbuf_put(plain, sig, sizeof sig);
	bbuf_put(plain, sel->objects.p, sel->objects.len);
	return plain->failed ? vault_fail(err, VAULT_ENOMEM, "out of memory")
	                     : VAULT_OK;
}

static int64_t peer_sent(vault *v, const char *peer)
{
	sqlite3_stmt *st = NULL;
	int64_t sent = 0;

	if (db_prepare(v->db, "SELECT sent FROM peers WHERE name = :n", &st,
	               NULL) == VAULT_OK) {
		db_bind_text(st, ":n", peer);
		if (sqlite3_step(st) == SQLITE_ROW)
			sent = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return sent;
}

/* The newest change time of any key slot of this copy. */
static int64_t latest_slot_change(vault *v)
{
	sqlite3_stmt *st = NULL;
	int64_t t = 0;

	if (db_prepare(v->db, "SELECT coalesce(max(changed), 0) FROM slot_changes",
	               &st, NULL) == VAULT_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			t = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return t;
}

/* The watermark row for the slots sent to a peer. */
static const char *slot_peer(const char *peer, char out[300])
{
	snprintf(out, 300, "slots:%s", peer);
	return out;
}

static void selection_free(selection *sel)
{
	if (sel->objects.p != NULL)
		ac_wipe(sel->objects.p, sel->objects.cap);
	free(sel->objects.p);
	idset_free(&sel->ids);
	idset_free(&sel->order);
	idset_free(&sel->prereq);
}

/* Write a bundle of sel for recipients; file and summary. */
static vault_status write_bundle(vault *v, const char *out, selection *sel,
                                 const uint8_t (*to)[32], int nto, int slots,
                                 vault_progress_fn progress, void *ctx,
                                 vault_sync_summary *sum, vault_err *err)
{
	bbuf plain = {0}, file = {0};
	vault_status rc;

	rc = build_plain(v, sel, slots, &plain, err);
	/* The container adds its header and 4 + 17 bytes a part (§3). */
	if (rc == VAULT_OK &&
	    plain.len + 12 + (size_t)nto * BUNDLE_STANZA_BYTES + AC_STREAM_HEADER_BYTES +
	            (plain.len / BUNDLE_CHUNK + 1) * (4 + AC_STREAM_ABYTES) >
	    BUNDLE_MAX_FILE)
		rc = vault_fail(err, VAULT_EINVAL, "the bundle would be larger than "
		                "a bundle may be (%u MiB); export in parts with "
		                "--peer", (unsigned)(BUNDLE_MAX_FILE >> 20));
	if (rc == VAULT_OK)
		rc = bundle_seal(plain.p, plain.len, to, nto, &file, progress, ctx, err);
	if (plain.p != NULL)
		ac_wipe(plain.p, plain.len);
	free(plain.p);
	if (rc == VAULT_OK)
		rc = bundle_write_file(out, file.p, file.len, err);
	free(file.p);
	if (rc == VAULT_OK) {
		sum->objects += sel->order.n;
		snprintf(sum->written, sizeof sum->written, "%s", out);
	}
	return rc;
}

vault_status vault_export(vault *v, const char *out, const char *peer, int all,
                          const char *const *to, int nto,
                          vault_progress_fn progress, void *ctx,
                          vault_sync_summary *sum, vault_err *err)
{
	uint8_t (*keys)[32] = NULL;
	char sp[300];
	selection sel;
	sqlite3_stmt *st = NULL;
	vault_status rc;

	char partner_peer[VAULT_ADDRESS_LEN + 8];

	memset(sum, 0, sizeof *sum);
	memset(&sel, 0, sizeof sel);
	/* Partners get a filtered selection: their watermark must not be the
	 * one our own copies use. */
	if (peer == NULL && nto > 0) {
		/* Lower case: one address, one watermark, however it is typed. */
		snprintf(partner_peer, sizeof partner_peer, "to:%s", to[0]);
		for (char *c = partner_peer; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		peer = partner_peer;
	}
	if (peer == NULL)
		peer = "default";
	if (nto + 1 > BUNDLE_MAX_RECIPIENTS)
		return vault_fail(err, VAULT_EINVAL, "at most %d partner addresses",
		                  BUNDLE_MAX_RECIPIENTS - 1);
	keys = calloc((size_t)nto + 1, 32);
	if (keys == NULL)
		return vault_fail(err, VAULT_ENOMEM, "out of memory");
	rc = meta_address_pk(v, keys[0], err);
	for (int i = 0; i < nto && rc == VAULT_OK; i++)
		if (bundle_address_parse(to[i], keys[i + 1]) != 0)
			rc = vault_fail(err, VAULT_EINVAL, "\"%s\" is not an Amparo "
			                "address (amparo1 followed by 72 hex digits; "
			                "see 'amparo address')", to[i]);
	if (rc == VAULT_OK)
		rc = select_objects(v, all ? 0 : peer_sent(v, peer), nto > 0, NULL,
		                    &sel, err);
	/* A passphrase changed here travels in the slot records even when no
	 * object is new. */
	if (rc == VAULT_OK && sel.order.n == 0 &&
	    (nto > 0 || latest_slot_change(v) <= peer_sent(v, slot_peer(peer, sp))))
		rc = vault_fail(err, VAULT_EUNCHANGED, "nothing new for \"%s\" "
		                "since the last export (use --all to send "
		                "everything)", peer);
	if (rc == VAULT_OK)
		rc = write_bundle(v, out, &sel, (const uint8_t (*)[32])keys, nto + 1,
		                  nto == 0, progress, ctx, sum, err);
	/* Only once the file is whole: the peer has now been sent this. */
	if (rc == VAULT_OK && !v->readonly &&
	    db_prepare(v->db, "INSERT INTO peers(name, sent) VALUES (:n, :s)"
	               " ON CONFLICT(name) DO UPDATE SET sent = max(sent, :s)",
	               &st, NULL) == VAULT_OK) {
		db_bind_text(st, ":n", peer);
		db_bind_int64(st, ":s", sel.last_seq);
		sqlite3_step(st);
		sqlite3_reset(st);
		if (nto == 0) {
			db_bind_text(st, ":n", slot_peer(peer, sp));
			db_bind_int64(st, ":s", latest_slot_change(v));
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
	}
	selection_free(&sel);
	free(keys);
	return rc;
}

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
static vault_status apply_slots(vault *v, const manifest *m, uint64_t *count,
                                vault_err *err)
{
	uint8_t enc[HDR_SIZE];
	hdr h = v->header;
	vault_status rc = VAULT_OK;
	sqlite3_stmt *st = NULL;
	int changed = 0;

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
static vault_status apply(vault *v, manifest *m, vault_sync_summary *sum,
                          vault_err *err)
{
	uint64_t docs = 0;
	vault_status rc;
	char hex[2 * OBJ_ID_BYTES + 1];

	vault_parallel(m->n, check_incoming, m->objs);
	for (uint32_t i = 0; i < m->n; i++) {
		if (!m->objs[i].ok) {
			obj_hex(m->objs[i].want, OBJ_ID_BYTES, hex);
			return vault_fail(err, VAULT_EDAMAGED, "the bundle holds a "
			                  "forged or altered object (%.12s): its id or "
			                  "signature does not verify", hex);
		}
	}
	rc = check_prereqs(v, m, err);
	if (rc == VAULT_OK)
		rc = store_batch_begin(v, err);
	for (uint32_t i = 0; i < m->n && rc == VAULT_OK; i++) {
		int added = 0;

		rc = store_insert_checked(v, m->objs[i].want, &m->objs[i].o,
		                          m->objs[i].data, m->objs[i].len,
		                          m->objs[i].sig, &added, err);
		if (rc != VAULT_OK) {
			vault_err inner = *err;

			obj_hex(m->objs[i].want, OBJ_ID_BYTES, hex);
			rc = vault_fail(err, rc == VAULT_EPERM ? VAULT_EDAMAGED : rc,
			                "refused %s %.12s: %s",
			                obj_type_name(m->objs[i].o.type), hex, inner.msg);
			break;
		}
		sum->added += (uint64_t)added;
		if (added && (m->objs[i].o.type == OBJ_GENESIS ||
		              m->objs[i].o.type == OBJ_MEMBER))
			sum->members++;
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
static vault_status import_file(vault *v, const char *path, idset *ids,
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
		rc = apply(v, &m, sum, err);
		if (rc == VAULT_OK)
			rc = db_commit(v, err);
		else
			db_rollback(v);
	}
	if (rc == VAULT_OK && progress != NULL)
		progress(m.n, m.n, ctx);
	for (uint32_t i = 0; rc == VAULT_OK && ids != NULL && i < m.n; i++)
		idset_add(ids, m.ids + (size_t)i * OBJ_ID_BYTES);
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
	idset there = {0};
	selection sel;
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
	rc = select_objects(v, 0, 0, &there, &sel, err);
	if (realpath(dir, real) == NULL)
		snprintf(real, sizeof real, "%s", dir);
	snprintf(sp, sizeof sp, "slots:folder:%s", real);
	slots_new = latest_slot_change(v) > peer_sent(v, sp);
	if (rc == VAULT_OK && (sel.order.n > 0 || slots_new)) {
		uint64_t objs = sum->objects;
		sqlite3_stmt *st = NULL;

		rc = meta_address_pk(v, self[0], err);
		ac_random(rnd, sizeof rnd);
		obj_hex(rnd, sizeof rnd, hex);
		snprintf(out, sizeof out, "%s/amparo-%s%s", dir, hex, SYNC_SUFFIX);
		if (rc == VAULT_OK)
			rc = write_bundle(v, out, &sel, (const uint8_t (*)[32])self, 1, 1,
			                  NULL, NULL, sum, err);
		sum->objects = objs; /* count what was read, not what was written */
		if (rc == VAULT_OK &&
		    db_prepare(v->db, "INSERT OR REPLACE INTO peers(name, sent)"
		               " VALUES (:n, :s)", &st, NULL) == VAULT_OK) {
			db_bind_text(st, ":n", sp);
			db_bind_int64(st, ":s", latest_slot_change(v));
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
	idset_free(&there);
	selection_free(&sel);
	return rc;
}
