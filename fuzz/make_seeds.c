/* make_seeds: write the seed corpora of the fuzz targets.
 *
 *   make_seeds OUTDIR   (OUTDIR/header/, OUTDIR/bundle/ and OUTDIR/findings/)
 *
 * Built with the fuzzers, never run in CI: the corpora are committed under
 * fuzz/corpus/. Run it again (into an emptied fuzz/corpus) when a format
 * changes. Everything is made through the real code: vaults created with
 * the test KDF, documents, members, a passphrase change synced from a copy,
 * a merge, a member removal; bundles exported and opened again to get
 * their plaintext; synthetic histories signed with the fuzz keys for the
 * fix-up mode (fuzz_common.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"

#define SYNTH_TIME INT64_C(4102444800) /* 2100-01-01: after any real time */

static const char *out_dir;
static char scratch[256];
/* A real revision's encoding: synthetic revisions start from it, so that
 * every text field, whatever the format holds, is a valid string. */
static uint8_t *rev_template;
static size_t rev_template_len;

static void fail(const char *what, const vault_err *err)
{
	fprintf(stderr, "make_seeds: %s%s%s\n", what, err != NULL ? ": " : "",
	        err != NULL ? err->msg : "");
	exit(1);
}

static void must(vault_status rc, const char *what, const vault_err *err)
{
	if (rc != VAULT_OK)
		fail(what, err);
}

static void put_file(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = 0;

	if (fd < 0)
		fail(path, NULL);
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);

		if (w <= 0)
			fail(path, NULL);
		off += (size_t)w;
	}
	close(fd);
}

/* A seed: OUTDIR/kind/name holding prefix (if any) then p. */
static void seed(const char *kind, const char *name, int mode,
                 const uint8_t *p, size_t len)
{
	char path[1024];
	uint8_t *buf = malloc(len + 1);
	size_t off = 0;

	if (buf == NULL)
		fail("out of memory", NULL);
	if (mode >= 0)
		buf[off++] = (uint8_t)mode;
	memcpy(buf + off, p, len);
	snprintf(path, sizeof path, "%s/%s/%s", out_dir, kind, name);
	put_file(path, buf, off + len);
	printf("%-44s %8zu bytes\n", path, off + len);
	free(buf);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	vault_err err = {0};

	must(bundle_read_file(path, &buf, len, &err), path, &err);
	return buf;
}

static void spath(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", scratch, name);
}

/* The first HDR_AREA bytes of a vault file. */
static void header_area(const char *vault_path, uint8_t area[HDR_AREA])
{
	size_t len = 0;
	uint8_t *buf = slurp(vault_path, &len);

	if (len < HDR_AREA)
		fail("a vault shorter than its header", NULL);
	memcpy(area, buf, HDR_AREA);
	free(buf);
}

static void hex_in(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			fail("bad hex", NULL);
		out[i] = (uint8_t)b;
	}
}

/* Export from v and open the bundle again: its plaintext (malloc'd). */
static uint8_t *export_plain(vault *v, const char *name, const char *peer,
                             int all, const char *const *to, int nto,
                             size_t *len, uint8_t **file, size_t *flen)
{
	char path[512];
	vault_sync_summary sum;
	vault_err err = {0};
	bbuf plain = {0};

	spath(path, sizeof path, name);
	unlink(path);
	must(vault_export(v, path, peer, all, to, nto, NULL, NULL, &sum, &err),
	     "export", &err);
	*file = slurp(path, flen);
	must(bundle_open(v, *file, *flen, &plain, &err), "reopening a bundle",
	     &err);
	*len = plain.len;
	return plain.p;
}

/* Seal plaintext to the fuzz address (and, with extra, a second one);
 * with cut, also a copy cut short. */
static void seal_seed(const char *name, const uint8_t *plain, size_t len,
                      int extra, const char *cut)
{
	uint8_t to[2][32], sk[32];
	bbuf file = {0};
	vault_err err = {0};

	ac_random(to[0], 32);
	fuzz_address(to[extra ? 1 : 0], sk);
	must(bundle_seal(plain, len, (const uint8_t (*)[32])to, extra ? 2 : 1,
	                 &file, NULL, NULL, &err), "sealing", &err);
	seed("bundle", name, FUZZ_MODE_FILE, file.p, file.len);
	if (cut != NULL)
		seed("bundle", cut, FUZZ_MODE_FILE, file.p, file.len - 100);
	free(file.p);
}

/* One object of each type, and a merge, from a real vault. */
static void object_seeds(vault *v)
{
	sqlite3_stmt *st = NULL;
	vault_err err = {0};
	int have[OBJ_TYPE_MAX + 1] = {0}, merge = 0;
	char name[64];

	must(db_prepare(vault_db(v), "SELECT type, data FROM objects ORDER BY seq",
	                &st, &err), "reading objects", &err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int type = sqlite3_column_int(st, 0);
		const uint8_t *data = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		obj o;

		if (type < 1 || type > OBJ_TYPE_MAX || obj_decode(data, len, &o) != 0)
			continue;
		if (type == OBJ_REVISION && rev_template == NULL) {
			rev_template = malloc(len);
			if (rev_template == NULL)
				fail("out of memory", NULL);
			memcpy(rev_template, data, len);
			rev_template_len = len;
		}
		if (type == OBJ_REVISION && o.nparents == 2 && !merge) {
			seed("header", "obj-revision-merge", -1, data, len);
			merge = 1;
		}
		if (have[type]++ > 0)
			continue;
		snprintf(name, sizeof name, "obj-%s", obj_type_name(type));
		for (char *c = name; *c != '\0'; c++)
			if (*c == ' ')
				*c = '-';
		seed("header", name, -1, data, len);
	}
	sqlite3_finalize(st);
}

static void remove_scratch(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;
	char path[1024];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", scratch, e->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(scratch);
}

/* --- the real vaults --------------------------------------------------- */

static const char body1[] =
	"Purpose: hand hygiene before and after every patient contact.\n"
	"Scope: all clinical staff, volunteers included.\n"
	"1. Wash with soap and water for 40 seconds.\n"
	"2. Use alcohol rub when hands are not visibly soiled.\n"
	"3. Nails short; no rings or watches in clinical areas.\n"
	"Contact: the infection control lead (Dr. N\xc3\xba\xc3\xb1" "ez, ext. 214).\n";

static void add_docs(vault *v, char d1[VAULT_ID_HEX], char d3[VAULT_ID_HEX])
{
	vault_meta m;
	char d2[VAULT_ID_HEX], rev[VAULT_REV_HEX];
	vault_err err = {0};
	static const char body2[] =
		"Cold chain: fridge between 2 and 8 \xc2\xb0" "C.\n"
		"Log the temperature twice a day.\n";
	static const char body3[] = "- [ ] gloves\n- [ ] masks\n- [ ] sharps box\n";

	memset(&m, 0, sizeof m);
	m.title = "Hand hygiene";
	m.category = "infection control";
	m.kind = KIND_POLICY;
	m.review_by = 1893456000;
	m.message = "first version";
	must(vault_doc_add(v, &m, body1, sizeof body1 - 1, d1, &err), "add", &err);
	memset(&m, 0, sizeof m);
	m.title = "Vacunas: cadena de fr\xc3\xado";
	m.lang = "es";
	m.kind = KIND_PROTOCOL;
	must(vault_doc_add(v, &m, body2, sizeof body2 - 1, d2, &err), "add", &err);
	memset(&m, 0, sizeof m);
	m.title = "Daily supplies";
	m.kind = KIND_CHECKLIST;
	must(vault_doc_add(v, &m, body3, sizeof body3 - 1, d3, &err), "add", &err);
	memset(&m, 0, sizeof m);
	m.message = "ring rule";
	must(vault_doc_edit(v, d1, &m, body1, sizeof body1 - 3, rev, &err),
	     "edit", &err);
	must(vault_doc_set_status(v, d1, NULL, STATUS_REVIEW, "please review",
	                          &err), "submit", &err);
	must(vault_doc_set_status(v, d1, NULL, STATUS_APPROVED, "ok", &err),
	     "approve", &err);
	must(vault_doc_set_status(v, d3, NULL, STATUS_ARCHIVED, "retired", &err),
	     "archive", &err);
	/* Crisis mode: an incident that follows the protocol. */
	must(vault_incident_open(v, d2, "fridge alarm at 03:10", rev, &err),
	     "incident", &err);
	must(vault_incident_add(v, rev, VAULT_INCIDENT_CHECK, 1, "4 \xc2\xb0" "C",
	                        &err), "incident", &err);
	must(vault_incident_add(v, rev, VAULT_INCIDENT_NOTE, 0, "power back",
	                        &err), "incident", &err);
	must(vault_incident_add(v, rev, VAULT_INCIDENT_CLOSE, 0, NULL, &err),
	     "incident", &err);
}

/* An acknowledgement: no public call makes one yet, so store_put. */
static void add_ack(vault *v, const char *ref)
{
	vault_doc *d = NULL;
	vault_err err = {0};
	uint8_t id[OBJ_ID_BYTES];
	obj o;

	must(vault_doc_get(v, ref, NULL, &d, &err), "get", &err);
	memset(&o, 0, sizeof o);
	o.type = OBJ_ACK;
	hex_in(d->id, o.doc, OBJ_DOC_BYTES);
	hex_in(d->rev, o.rev, OBJ_ID_BYTES);
	o.score = 4;
	o.total = 5;
	vault_doc_free(d);
	must(db_begin(v, &err), "begin", &err);
	must(store_put(v, &o, id, &err), "ack", &err);
	must(db_commit(v, &err), "commit", &err);
}

static void edit_line(vault *v, const char *ref, const char *from,
                      const char *to)
{
	vault_doc *d = NULL;
	vault_err err = {0};
	char rev[VAULT_REV_HEX], *text = NULL, *at;
	vault_meta m;

	must(vault_doc_get(v, ref, NULL, &d, &err), "get", &err);
	text = malloc(d->body_len + strlen(to) + 1);
	at = strstr(d->body, from);
	if (text == NULL || at == NULL)
		fail("edit_line", NULL);
	memcpy(text, d->body, (size_t)(at - d->body));
	strcpy(text + (at - d->body), to);
	strcat(text, at + strlen(from));
	memset(&m, 0, sizeof m);
	m.message = "copy edit";
	must(vault_doc_edit(v, ref, &m, text, strlen(text), rev, &err), "edit",
	     &err);
	free(text);
	vault_doc_free(d);
}

static void copy_file(const char *from, const char *to)
{
	size_t len = 0;
	uint8_t *buf = slurp(from, &len);

	put_file(to, buf, len);
	free(buf);
}

static void real_seeds(void)
{
	char xpath[512], ypath[512], d1[VAULT_ID_HEX], d3[VAULT_ID_HEX];
	char ypeer[512], rev[VAULT_REV_HEX], addr[VAULT_ADDRESS_LEN];
	const char *to[1] = {addr};
	uint8_t area[HDR_AREA], before[HDR_AREA], torn[HDR_AREA];
	uint8_t *plain = NULL, *file = NULL, *merged_plain = NULL;
	size_t len = 0, flen = 0;
	char *merged = NULL;
	int conflicts = 0;
	vault *x = NULL, *y = NULL;
	vault_sync_summary sum;
	vault_err err = {0};
	ac_kdf_params kdf;

	ac_kdf_test_params(&kdf);
	spath(xpath, sizeof xpath, "x.amparo");
	spath(ypath, sizeof ypath, "y.amparo");
	must(vault_create(xpath, "alice", FUZZ_PASS, FUZZ_PASSLEN, &kdf, &err),
	     "create", &err);
	header_area(xpath, area);
	seed("header", "vault-new", -1, area, HDR_AREA);
	must(vault_open(xpath, FUZZ_PASS, FUZZ_PASSLEN, 0, &x, &err), "open", &err);
	must(vault_member_add(x, "bob", ROLE_EDITOR, "bob's passphrase", 17,
	                      &kdf, &err), "member add", &err);
	must(vault_member_add(x, "carol", ROLE_STAFF, "carol's passphrase",
	                      18, &kdf, &err), "member add", &err);
	header_area(xpath, area);
	seed("header", "vault-three-members", -1, area, HDR_AREA);
	add_docs(x, d1, d3);
	add_ack(x, d1);

	/* Everything, as a copy of the same vault receives it. */
	plain = export_plain(x, "full.bundle", "seed", 1, NULL, 0, &len, &file,
	                     &flen);
	seed("bundle", "file-sealed-to-another-vault", FUZZ_MODE_FILE, file, flen);
	seal_seed("file-full", plain, len, 0, "file-truncated");
	seed("bundle", "plain-full", FUZZ_MODE_PLAIN, plain, len);
	seed("bundle", "fixup-full", FUZZ_MODE_FIXUP, plain, len);
	plain[30] ^= 1; /* the manifest's signer: its signature fails */
	seed("bundle", "plain-forged-manifest", FUZZ_MODE_PLAIN, plain, len);
	free(plain);
	free(file);

	/* A second copy: a passphrase change and a concurrent edit, synced
	 * back, then merged. */
	vault_close(x);
	x = NULL;
	copy_file(xpath, ypath);
	must(vault_open(xpath, FUZZ_PASS, FUZZ_PASSLEN, 0, &x, &err), "open", &err);
	must(vault_open(ypath, FUZZ_PASS, FUZZ_PASSLEN, 0, &y, &err), "open", &err);
	edit_line(x, d1, "40 seconds", "at least 40 seconds");
	edit_line(y, d1, "no rings", "no rings, bracelets");
	must(vault_passwd(y, "fuzz passphrase 2", 17, &kdf, &err), "passwd", &err);
	spath(ypeer, sizeof ypeer, "y-to-x.bundle");
	must(vault_export(y, ypeer, "x", 1, NULL, 0, NULL, NULL, &sum, &err),
	     "export", &err);
	merged_plain = export_plain(y, "y-again.bundle", "again", 1, NULL, 0, &len,
	                            &file, &flen);
	seed("bundle", "plain-copy-with-slots", FUZZ_MODE_PLAIN, merged_plain, len);
	free(merged_plain);
	free(file);
	vault_close(y);
	y = NULL;
	header_area(xpath, before);
	must(vault_import(x, ypeer, NULL, NULL, &sum, &err), "import", &err);
	if (sum.slots == 0)
		fail("the passphrase change did not travel", NULL);
	header_area(xpath, area);
	seed("header", "vault-slot-synced", -1, area, HDR_AREA);
	memcpy(torn, area, HDR_SIZE);
	memcpy(torn + HDR_SIZE, before + HDR_SIZE, HDR_SIZE);
	seed("header", "vault-torn-write", -1, torn, HDR_AREA);
	must(vault_merge_prepare(x, d1, &merged, &len, &conflicts, &err), "merge",
	     &err);
	if (conflicts)
		fail("unexpected merge conflict", NULL);
	must(vault_merge_commit(x, d1, merged, len, "merge", rev, &err), "merge",
	     &err);
	free(merged);
	plain = export_plain(x, "incremental.bundle", "seed", 0, NULL, 0, &len,
	                     &file, &flen);
	seal_seed("file-incremental-merge", plain, len, 0, NULL);
	seed("bundle", "plain-incremental-merge", FUZZ_MODE_PLAIN, plain, len);
	free(plain);
	free(file);

	/* A removal rotates the keys and the address; then a bundle for a
	 * partner (the fuzz address), which holds no slots and no acks. */
	header_area(xpath, before);
	must(vault_member_remove(x, "carol", &err), "remove", &err);
	header_area(xpath, area);
	seed("header", "vault-after-remove", -1, area, HDR_AREA);
	fuzz_address_text(addr);
	plain = export_plain(x, "partner.bundle", "partner", 1, to, 1, &len, &file,
	                     &flen);
	seed("bundle", "file-partner", FUZZ_MODE_FILE, file, flen);
	seal_seed("file-two-recipients", plain, len, 1, NULL);
	seed("bundle", "plain-partner", FUZZ_MODE_PLAIN, plain, len);
	free(plain);
	free(file);
	object_seeds(x);
	vault_close(x);

	/* Damaged headers: one copy, then both, failing their checksum. */
	memcpy(torn, area, HDR_AREA);
	torn[HDR_SLOTS_OFF + 1] ^= 0x40;
	seed("header", "vault-copy0-damaged", -1, torn, HDR_AREA);
	torn[HDR_SIZE + HDR_SLOTS_OFF + 1] ^= 0x40;
	seed("header", "vault-both-damaged", -1, torn, HDR_AREA);
	memset(torn, 0, HDR_AREA);
	memcpy(torn, "SQLite format 3", 16);
	seed("header", "not-a-vault-sqlite", -1, torn, HDR_AREA);
	unlink(xpath);
	unlink(ypath);
}

/* --- synthetic histories, signed with the fuzz keys ------------------- */

typedef struct {
	bbuf objs;                  /* u32 len, data, sig per object */
	uint8_t ids[32][OBJ_ID_BYTES];
	uint32_t n;
} history;

static obj_str str(const char *s)
{
	obj_str o = {s, (uint32_t)strlen(s)};

	return o;
}

/* Append o (signature left zero: fuzz_fixup signs); its id in id. */
static void hist_add(history *h, const obj *o, uint8_t id[OBJ_ID_BYTES])
{
	uint8_t *data = NULL, sig[OBJ_SIG_BYTES] = {0};
	size_t len = 0;

	if (obj_encode(o, &data, &len) != 0 || h->n >= 32)
		fail("encoding a synthetic object", NULL);
	obj_id(data, len, h->ids[h->n]);
	if (id != NULL)
		memcpy(id, h->ids[h->n], OBJ_ID_BYTES);
	h->n++;
	bbuf_u32(&h->objs, (uint32_t)len);
	bbuf_put(&h->objs, data, len);
	bbuf_put(&h->objs, sig, sizeof sig);
	free(data);
}

/* Manifest + signature + objects, then fuzz_fixup to sign it all. */
static void hist_seed(const char *kind, const char *name, const history *h,
                      const uint8_t *vid, const uint8_t *signer, int flags,
                      const uint8_t *prereq, const uint8_t *slot_rec,
                      const fuzz_signers *keys, int also_plain)
{
	bbuf p = {0};
	uint8_t head[5] = {'A', 'M', 'P', 'M', MANIFEST_VERSION};
	uint8_t f = (uint8_t)flags, sig[OBJ_SIG_BYTES] = {0};

	bbuf_put(&p, head, 5);
	bbuf_put(&p, vid, VAULT_ID_BYTES);
	bbuf_put(&p, signer, OBJ_KEY_BYTES);
	bbuf_i64(&p, SYNTH_TIME + 100);
	bbuf_put(&p, &f, 1);
	bbuf_u32(&p, h->n);
	bbuf_put(&p, h->ids, (size_t)h->n * OBJ_ID_BYTES);
	bbuf_u32(&p, prereq != NULL);
	if (prereq != NULL)
		bbuf_put(&p, prereq, OBJ_ID_BYTES);
	bbuf_u32(&p, slot_rec != NULL);
	if (slot_rec != NULL)
		bbuf_put(&p, slot_rec, SLOT_RECORD_BYTES);
	bbuf_put(&p, sig, sizeof sig);
	bbuf_put(&p, h->objs.p, h->objs.len);
	if (p.failed)
		fail("out of memory", NULL);
	fuzz_fixup(p.p, p.len, keys, NULL);
	seed(kind, name, FUZZ_MODE_FIXUP, p.p, p.len);
	if (also_plain) {
		char plain_name[128];

		snprintf(plain_name, sizeof plain_name, "plain-%s", name + 6);
		seed(kind, plain_name, FUZZ_MODE_PLAIN, p.p, p.len);
	}
	free(p.p);
}

static void revision(obj *o, const uint8_t *vid, const uint8_t *author,
                     int64_t t, const uint8_t *doc, const char *title,
                     const char *body)
{
	if (rev_template == NULL ||
	    obj_decode(rev_template, rev_template_len, o) != 0)
		fail("no revision to start from", NULL);
	o->nparents = 0;
	memcpy(o->vault, vid, OBJ_VAULT_BYTES);
	memcpy(o->author, author, OBJ_KEY_BYTES);
	o->time = t;
	memcpy(o->doc, doc, OBJ_DOC_BYTES);
	o->kind = KIND_PROTOCOL;
	o->lang = str("en");
	o->category = str("synthetic");
	o->title = str(title);
	o->review_by = t + 86400;
	o->message = str("fuzz seed");
	o->body = str(body);
}

static void member(obj *o, const uint8_t *vid, const uint8_t *author,
                   int64_t t, int action, int role, const uint8_t *subject,
                   const char *name)
{
	memset(o, 0, sizeof *o);
	o->type = OBJ_MEMBER;
	memcpy(o->vault, vid, OBJ_VAULT_BYTES);
	memcpy(o->author, author, OBJ_KEY_BYTES);
	o->time = t;
	o->action = (uint8_t)action;
	o->role = (uint8_t)role;
	memcpy(o->subject, subject, OBJ_KEY_BYTES);
	memset(o->box, 0x42, OBJ_KEY_BYTES);
	o->name = str(name);
}

static void status(obj *o, const uint8_t *vid, const uint8_t *author,
                   int64_t t, const uint8_t *doc, const uint8_t *rev, int type,
                   int value)
{
	memset(o, 0, sizeof *o);
	o->type = (uint8_t)type;
	memcpy(o->vault, vid, OBJ_VAULT_BYTES);
	memcpy(o->author, author, OBJ_KEY_BYTES);
	o->time = t;
	memcpy(o->doc, doc, OBJ_DOC_BYTES);
	memcpy(o->rev, rev, OBJ_ID_BYTES);
	if (type == OBJ_STATUS) {
		o->status = (uint8_t)value;
		o->message = str("fuzz status");
	} else {
		o->score = (uint8_t)value;
		o->total = (uint8_t)value;
	}
}

static void synthetic_seeds(void)
{
	fuzz_signers k;
	history h = {0}, h2 = {0}, h3 = {0};
	uint8_t vid[OBJ_VAULT_BYTES], doc1[OBJ_DOC_BYTES], doc2[OBJ_DOC_BYTES];
	uint8_t doc3[OBJ_DOC_BYTES];
	uint8_t r1[OBJ_ID_BYTES], r2[OBJ_ID_BYTES], r3[OBJ_ID_BYTES], r4[OBJ_ID_BYTES];
	uint8_t rec[SLOT_RECORD_BYTES];
	const int64_t t = SYNTH_TIME;
	ac_kdf_params kdf;
	obj o;

	fuzz_signers_init(&k);
	memcpy(vid, "FUZZ:SYNTH-VAULT", OBJ_VAULT_BYTES);
	memcpy(doc1, "FUZZ:SYNTH-DOC-1", OBJ_DOC_BYTES);
	memcpy(doc2, "FUZZ:SYNTH-DOC-2", OBJ_DOC_BYTES);
	memcpy(doc3, "FUZZ:SYNTH-DOC-3", OBJ_DOC_BYTES);

	/* A partner vault's whole life: genesis, a second member, a fork
	 * and its merge, review, approval, an acknowledgement, a role
	 * change and a removal. */
	memset(&o, 0, sizeof o);
	o.type = OBJ_GENESIS;
	memcpy(o.vault, vid, OBJ_VAULT_BYTES);
	memcpy(o.author, k.pk[0], OBJ_KEY_BYTES);
	o.time = t;
	memset(o.box, 0x24, OBJ_KEY_BYTES);
	o.name = str("fuzz admin");
	hist_add(&h, &o, NULL);
	member(&o, vid, k.pk[0], t + 1, MEMBER_ADD, ROLE_EDITOR, k.pk[1],
	       "fuzz editor");
	hist_add(&h, &o, NULL);
	revision(&o, vid, k.pk[1], t + 2, doc1, "Synthetic", "one\ntwo\nthree\n");
	hist_add(&h, &o, r1);
	revision(&o, vid, k.pk[1], t + 3, doc1, "Synthetic", "one\n2\nthree\n");
	o.nparents = 1;
	memcpy(o.parents[0], r1, OBJ_ID_BYTES);
	hist_add(&h, &o, r2);
	revision(&o, vid, k.pk[0], t + 3, doc1, "Synthetic", "1\ntwo\nthree\n");
	o.nparents = 1;
	memcpy(o.parents[0], r1, OBJ_ID_BYTES);
	hist_add(&h, &o, r3);
	revision(&o, vid, k.pk[0], t + 4, doc1, "Synthetic", "1\n2\nthree\n");
	o.nparents = 2;
	memcpy(o.parents[0], memcmp(r2, r3, OBJ_ID_BYTES) < 0 ? r2 : r3, OBJ_ID_BYTES);
	memcpy(o.parents[1], memcmp(r2, r3, OBJ_ID_BYTES) < 0 ? r3 : r2, OBJ_ID_BYTES);
	hist_add(&h, &o, r4);
	status(&o, vid, k.pk[1], t + 5, doc1, r4, OBJ_STATUS, STATUS_REVIEW);
	hist_add(&h, &o, NULL);
	status(&o, vid, k.pk[0], t + 6, doc1, r4, OBJ_STATUS, STATUS_APPROVED);
	hist_add(&h, &o, NULL);
	status(&o, vid, k.pk[1], t + 7, doc1, r4, OBJ_ACK, 3);
	hist_add(&h, &o, NULL);
	member(&o, vid, k.pk[0], t + 8, MEMBER_ROLE, ROLE_STAFF, k.pk[1],
	       "fuzz editor");
	hist_add(&h, &o, NULL);
	member(&o, vid, k.pk[0], t + 9, MEMBER_REMOVE, ROLE_STAFF, k.pk[1],
	       "fuzz editor");
	hist_add(&h, &o, NULL);
	hist_seed("bundle", "fixup-synthetic-history", &h, vid, k.pk[0], 0, NULL, NULL, &k, 1);

	/* The next bundle from it: builds on r4. */
	revision(&o, vid, k.pk[0], t + 10, doc1, "Synthetic v2", "1\n2\n3\n");
	o.nparents = 1;
	memcpy(o.parents[0], r4, OBJ_ID_BYTES);
	hist_add(&h2, &o, NULL);
	hist_seed("bundle", "fixup-synthetic-next", &h2, vid, k.pk[0], 0, r4, NULL, &k, 1);

	/* For the fuzzing vault itself (placeholders): its member adds a
	 * fuzz key as editor and writes; the key then writes too; and a key
	 * slot record as another copy of the vault would send it. */
	member(&o, fuzz_self_vault, fuzz_self_key, t, MEMBER_ADD, ROLE_EDITOR,
	       k.pk[0], "fuzz editor");
	hist_add(&h3, &o, NULL);
	revision(&o, fuzz_self_vault, fuzz_self_key, t + 1, doc2, "Own", "own\n");
	hist_add(&h3, &o, NULL);
	revision(&o, fuzz_self_vault, k.pk[0], t + 2, doc3, "Own too", "x\n");
	hist_add(&h3, &o, NULL);
	memset(rec, 0, sizeof rec);
	ac_kdf_test_params(&kdf);
	rec[0] = SLOT_PASSPHRASE;
	fuzz_put64(rec + 8, kdf.opslimit);
	fuzz_put64(rec + 16, kdf.memlimit);
	ac_random(rec + 24, HDR_SLOT_SIZE - 24);
	memcpy(rec + HDR_SLOT_SIZE, fuzz_self_key, OBJ_KEY_BYTES);
	fuzz_put64(rec + HDR_SLOT_SIZE + OBJ_KEY_BYTES, (uint64_t)t);
	hist_seed("bundle", "fixup-self", &h3, fuzz_self_vault, fuzz_self_key, MANIFEST_SLOTS,
	          NULL, rec, &k, 0);
	free(h.objs.p);
	free(h2.objs.p);
	free(h3.objs.p);
}

/* A removal that arrives after a revision its author signed later than
 * the removal's time: the store accepted the revision (its author was a
 * member when it arrived), vault_verify rejects it (removed by then). As
 * copies exchange bundles in either order, the outcome depends on the
 * order: found by fuzz_bundle as two imports in a row. */
static void late_removal_seed(const fuzz_signers *k)
{
	history h = {0};
	uint8_t vid[OBJ_VAULT_BYTES], doc[OBJ_DOC_BYTES];
	const int64_t t = SYNTH_TIME;
	obj o;

	memcpy(vid, "FUZZ:LATE-VAULT1", OBJ_VAULT_BYTES);
	memcpy(doc, "FUZZ:LATE-DOC-01", OBJ_DOC_BYTES);
	memset(&o, 0, sizeof o);
	o.type = OBJ_GENESIS;
	memcpy(o.vault, vid, OBJ_VAULT_BYTES);
	memcpy(o.author, k->pk[0], OBJ_KEY_BYTES);
	o.time = t;
	o.name = str("admin");
	hist_add(&h, &o, NULL);
	member(&o, vid, k->pk[0], t + 1, MEMBER_ADD, ROLE_EDITOR, k->pk[1], "editor");
	hist_add(&h, &o, NULL);
	revision(&o, vid, k->pk[1], t + 3, doc, "Edited offline", "after the removal\n");
	hist_add(&h, &o, NULL);
	member(&o, vid, k->pk[0], t + 2, MEMBER_REMOVE, ROLE_EDITOR, k->pk[1], "editor");
	hist_add(&h, &o, NULL);
	hist_seed("findings", "fixup-removal-after-revision", &h, vid, k->pk[0], 0,
	          NULL, NULL, k, 0);
	free(h.objs.p);
}

/* Inputs for findings (fuzz/README.md): those fixed are regression seeds
 * in bundle/; those still open go to findings/, out of the CI corpus. */
static void finding_seeds(void)
{
	fuzz_signers k;
	history tie = {0}, own = {0}, clash = {0};
	uint8_t vid[OBJ_VAULT_BYTES], doc[OBJ_DOC_BYTES], rev[OBJ_ID_BYTES];
	const int64_t t = SYNTH_TIME;
	obj o;

	fuzz_signers_init(&k);
	/* A role change and a removal in the same second: the store let the
	 * removed member go on signing, vault_verify did not (fixed in
	 * f6bbb1b: the removal wins the tie). */
	memcpy(vid, "FUZZ:TIE-VAULT-1", OBJ_VAULT_BYTES);
	memcpy(doc, "FUZZ:TIE-DOC-001", OBJ_DOC_BYTES);
	memset(&o, 0, sizeof o);
	o.type = OBJ_GENESIS;
	memcpy(o.vault, vid, OBJ_VAULT_BYTES);
	memcpy(o.author, k.pk[0], OBJ_KEY_BYTES);
	o.time = t;
	o.name = str("admin");
	hist_add(&tie, &o, NULL);
	member(&o, vid, k.pk[0], t + 1, MEMBER_ADD, ROLE_EDITOR, k.pk[1], "editor");
	hist_add(&tie, &o, NULL);
	member(&o, vid, k.pk[0], t + 2, MEMBER_ROLE, ROLE_EDITOR, k.pk[1], "editor");
	hist_add(&tie, &o, NULL);
	member(&o, vid, k.pk[0], t + 2, MEMBER_REMOVE, ROLE_EDITOR, k.pk[1], "editor");
	hist_add(&tie, &o, NULL);
	revision(&o, vid, k.pk[1], t + 3, doc, "After removal", "still here\n");
	hist_add(&tie, &o, NULL);
	hist_seed("bundle", "fixup-tie-role-remove", &tie, vid, k.pk[0], 0, NULL,
	          NULL, &k, 0);

	/* A partner vault revises, and approves, a document of this vault
	 * (refused since f6bbb1b: documents belong to their vault). */
	memcpy(doc, "FUZZ:OWN-DOC-001", OBJ_DOC_BYTES);
	revision(&o, fuzz_self_vault, fuzz_self_key, t, doc, "Our policy", "ours\n");
	hist_add(&own, &o, NULL);
	memcpy(vid, "FUZZ:PARTNER-V-1", OBJ_VAULT_BYTES);
	memset(&o, 0, sizeof o);
	o.type = OBJ_GENESIS;
	memcpy(o.vault, vid, OBJ_VAULT_BYTES);
	memcpy(o.author, k.pk[0], OBJ_KEY_BYTES);
	o.time = t;
	o.name = str("partner admin");
	hist_add(&own, &o, NULL);
	revision(&o, vid, k.pk[0], t + 10, doc, "Our policy", "the partner's text\n");
	hist_add(&own, &o, rev);
	status(&o, vid, k.pk[0], t + 11, doc, rev, OBJ_STATUS, STATUS_APPROVED);
	hist_add(&own, &o, NULL);
	hist_seed("bundle", "fixup-partner-writes-own-document", &own,
	          fuzz_self_vault, fuzz_self_key, 0, NULL, NULL, &k, 0);

	/* Two members of one vault with one name (as two copies adding
	 * "dana" at once produce): the import fails as an I/O error. */
	memcpy(vid, "FUZZ:NAME-VAULT1", OBJ_VAULT_BYTES);
	memset(&o, 0, sizeof o);
	o.type = OBJ_GENESIS;
	memcpy(o.vault, vid, OBJ_VAULT_BYTES);
	memcpy(o.author, k.pk[0], OBJ_KEY_BYTES);
	o.time = t;
	o.name = str("dana");
	hist_add(&clash, &o, NULL);
	member(&o, vid, k.pk[0], t + 1, MEMBER_ADD, ROLE_EDITOR, k.pk[1], "dana");
	hist_add(&clash, &o, NULL);
	hist_seed("findings", "fixup-member-name-clash", &clash, vid, k.pk[0], 0,
	          NULL, NULL, &k, 0);
	free(tie.objs.p);
	free(own.objs.p);
	free(clash.objs.p);
	late_removal_seed(&k);
}

int main(int argc, char **argv)
{
	char path[1024];
	const char *tmp = getenv("TMPDIR");

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds OUTDIR\n");
		return 2;
	}
	out_dir = argv[1];
	if (ac_init() != AC_OK)
		fail("libsodium", NULL);
	snprintf(path, sizeof path, "%s/header", out_dir);
	mkdir(out_dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/bundle", out_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/findings", out_dir);
	mkdir(path, 0755);
	snprintf(scratch, sizeof scratch, "%s/amparo-seeds-XXXXXX",
	         tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL)
		fail("scratch folder", NULL);
	real_seeds();
	synthetic_seeds();
	finding_seeds();
	free(rev_template);
	seed("bundle", "file-empty", FUZZ_MODE_FILE, (const uint8_t *)"", 0);
	remove_scratch();
	return 0;
}
