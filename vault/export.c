/* export.c: what goes into a bundle (docs/bundle-format.md §4): the
 * objects a peer or partner has not been sent yet, the prerequisites they
 * build on, this copy's key slots, and the signed manifest over them all,
 * sealed and written by vault_export. The sync folder (sync.c) writes its
 * bundles through the same selection and sync_write_bundle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"

/* --- sets of ids (sorted arrays) -------------------------------------- */

static int id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, OBJ_ID_BYTES);
}

int sync_idset_add(sync_idset *s, const uint8_t id[OBJ_ID_BYTES])
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

int sync_idset_has(sync_idset *s, const uint8_t id[OBJ_ID_BYTES])
{
	if (s->n == 0)
		return 0; /* s->id is NULL: not for qsort */
	if (!s->sorted) {
		qsort(s->id, s->n, OBJ_ID_BYTES, id_cmp);
		s->sorted = 1;
	}
	return bsearch(id, s->id, s->n, OBJ_ID_BYTES, id_cmp) != NULL;
}

void sync_idset_free(sync_idset *s)
{
	free(s->id);
	memset(s, 0, sizeof *s);
}

/* --- export ----------------------------------------------------------- */

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
static vault_status add_prereqs(vault *v, sync_selection *sel, vault_err *err)
{
	sync_idset want = {0};
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
			sync_idset_add(&want, o.parents[i]);
		if (o.type == OBJ_STATUS || o.type == OBJ_ACK ||
		    o.type == OBJ_INCIDENT)
			sync_idset_add(&want, o.rev);
		if (o.type == OBJ_INCIDENT && o.act != INCIDENT_OPEN)
			sync_idset_add(&want, o.incident);
		if (o.type != OBJ_GENESIS && admission(v, o.vault, o.author, o.time, id))
			sync_idset_add(&want, id);
		off += 4 + len + OBJ_SIG_BYTES;
	}
	for (size_t i = 0; i < want.n && rc == VAULT_OK; i++)
		if (!sync_idset_has(&sel->ids, want.id[i]) &&
		    !sync_idset_has(&sel->prereq, want.id[i]))
			if (sync_idset_add(&sel->prereq, want.id[i]) != 0)
				rc = vault_fail(err, VAULT_ENOMEM, "out of memory");
	sync_idset_free(&want);
	return rc;
}

/* Pick the objects: after seq since; for partners only this vault's own
 * objects and never acknowledgements (a map of the staff). skip: ids the
 * receiver is known to hold (sync folder). */
vault_status sync_select_objects(vault *v, int64_t since, int partners,
                                 sync_idset *skip, sync_selection *sel,
                                 vault_err *err)
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
		if (skip != NULL && sync_idset_has(skip, id))
			continue;
		bbuf_u32(&sel->objects, len);
		bbuf_put(&sel->objects, data, len);
		bbuf_put(&sel->objects, sqlite3_column_blob(st, 3), OBJ_SIG_BYTES);
		if (sync_idset_add(&sel->ids, id) != 0 ||
		    sync_idset_add(&sel->order, id) != 0)
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
static vault_status build_plain(vault *v, sync_selection *sel, int with_slots,
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

int64_t sync_peer_sent(vault *v, const char *peer)
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
int64_t sync_latest_slot_change(vault *v)
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

void sync_selection_free(sync_selection *sel)
{
	if (sel->objects.p != NULL)
		ac_wipe(sel->objects.p, sel->objects.cap);
	free(sel->objects.p);
	sync_idset_free(&sel->ids);
	sync_idset_free(&sel->order);
	sync_idset_free(&sel->prereq);
}

/* Write a bundle of sel for recipients; file and summary. */
vault_status sync_write_bundle(vault *v, const char *out, sync_selection *sel,
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
	sync_selection sel;
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
		rc = sync_select_objects(v, all ? 0 : sync_peer_sent(v, peer),
		                         nto > 0, NULL, &sel, err);
	/* A passphrase changed here travels in the slot records even when no
	 * object is new. */
	if (rc == VAULT_OK && sel.order.n == 0 &&
	    (nto > 0 || sync_latest_slot_change(v) <=
	                sync_peer_sent(v, slot_peer(peer, sp))))
		rc = vault_fail(err, VAULT_EUNCHANGED, "nothing new for \"%s\" "
		                "since the last export (use --all to send "
		                "everything)", peer);
	if (rc == VAULT_OK)
		rc = sync_write_bundle(v, out, &sel, (const uint8_t (*)[32])keys,
		                       nto + 1, nto == 0, progress, ctx, sum, err);
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
			db_bind_int64(st, ":s", sync_latest_slot_change(v));
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
	}
	sync_selection_free(&sel);
	free(keys);
	return rc;
}
