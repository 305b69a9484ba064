/* object.c: canonical encoding, ids and signatures of history objects
 * (docs/object-format.md). The decoder is the first thing hostile bytes
 * from a bundle meet: every length is checked before it is used. */
#include "object.h"

#include "ac.h"
#include <stdlib.h>
#include <string.h>

#define OBJ_MAGIC "AMPO"
#define OBJ_VERSION 1
#define OBJ_HEAD_LEN (4 + 1 + 1 + OBJ_VAULT_BYTES + OBJ_KEY_BYTES + 8)
#define STR_MAX (16u << 20)

int obj_utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

void obj_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int obj_unhex(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + (size_t)k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v |= c - 'A' + 10;
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* --- writer ----------------------------------------------------------- */

typedef struct {
	uint8_t *p;
	size_t len, cap;
	int failed;
} wbuf;

static void w_bytes(wbuf *w, const void *p, size_t n)
{
	uint8_t *grown;

	if (w->failed)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;

		while (cap < w->len + n)
			cap *= 2;
		grown = realloc(w->p, cap);
		if (grown == NULL) {
			w->failed = 1;
			return;
		}
		w->p = grown;
		w->cap = cap;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void w_u8(wbuf *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void w_u32(wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	                (uint8_t)(v >> 24)};

	w_bytes(w, b, 4);
}

static void w_i64(wbuf *w, int64_t sv)
{
	uint64_t v = (uint64_t)sv;
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	w_bytes(w, b, 8);
}

static void w_str(wbuf *w, obj_str s)
{
	if (s.len > STR_MAX || !obj_utf8_ok(s.p, s.len)) {
		w->failed = 1;
		return;
	}
	w_u32(w, s.len);
	w_bytes(w, s.p, s.len);
}

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, OBJ_ID_BYTES);
}

/* §2.3: parents are sorted so one set of parents has one encoding. */
static void w_parents(wbuf *w, const obj *o)
{
	uint8_t sorted[OBJ_MAX_PARENTS][OBJ_ID_BYTES];

	if (o->nparents > OBJ_MAX_PARENTS) {
		w->failed = 1;
		return;
	}
	memcpy(sorted, o->parents, (size_t)o->nparents * OBJ_ID_BYTES);
	qsort(sorted, o->nparents, OBJ_ID_BYTES, cmp_id);
	for (uint32_t i = 1; i < o->nparents; i++)
		if (memcmp(sorted[i - 1], sorted[i], OBJ_ID_BYTES) == 0)
			w->failed = 1;
	w_u32(w, o->nparents);
	w_bytes(w, sorted, (size_t)o->nparents * OBJ_ID_BYTES);
}

static int enum_ok(const obj *o);

int obj_encode(const obj *o, uint8_t **out, size_t *len)
{
	wbuf w = {NULL, 0, 0, 0};

	*out = NULL;
	*len = 0;
	if (!enum_ok(o))
		return -1;
	w_bytes(&w, OBJ_MAGIC, 4);
	w_u8(&w, OBJ_VERSION);
	w_u8(&w, o->type);
	w_bytes(&w, o->vault, OBJ_VAULT_BYTES);
	w_bytes(&w, o->author, OBJ_KEY_BYTES);
	w_i64(&w, o->time);
	switch (o->type) {
	case OBJ_GENESIS:
		w_bytes(&w, o->box, OBJ_KEY_BYTES);
		w_str(&w, o->name);
		break;
	case OBJ_MEMBER:
		w_u8(&w, o->action);
		w_u8(&w, o->role);
		w_bytes(&w, o->subject, OBJ_KEY_BYTES);
		w_bytes(&w, o->box, OBJ_KEY_BYTES);
		w_str(&w, o->name);
		break;
	case OBJ_REVISION:
		w_bytes(&w, o->doc, OBJ_DOC_BYTES);
		w_parents(&w, o);
		w_u8(&w, o->kind);
		w_str(&w, o->lang);
		w_str(&w, o->tmpl);
		w_str(&w, o->category);
		w_str(&w, o->title);
		w_i64(&w, o->review_by);
		w_str(&w, o->message);
		w_str(&w, o->body);
		break;
	case OBJ_STATUS:
		w_bytes(&w, o->doc, OBJ_DOC_BYTES);
		w_bytes(&w, o->rev, OBJ_ID_BYTES);
		w_u8(&w, o->status);
		w_str(&w, o->message);
		break;
	case OBJ_ACK:
		w_bytes(&w, o->doc, OBJ_DOC_BYTES);
		w_bytes(&w, o->rev, OBJ_ID_BYTES);
		w_u8(&w, o->score);
		w_u8(&w, o->total);
		break;
	case OBJ_INCIDENT:
		w_bytes(&w, o->doc, OBJ_DOC_BYTES);
		w_bytes(&w, o->rev, OBJ_ID_BYTES);
		w_u8(&w, o->act);
		w_bytes(&w, o->incident, OBJ_ID_BYTES);
		w_u32(&w, o->item);
		w_str(&w, o->note);
		break;
	default:
		w.failed = 1;
	}
	if (w.failed || w.len > OBJ_MAX_BYTES) {
		free(w.p);
		return -1;
	}
	*out = w.p;
	*len = w.len;
	return 0;
}

/* --- reader ----------------------------------------------------------- */

typedef struct {
	const uint8_t *p;
	size_t left;
	int failed;
} rbuf;

static const uint8_t *r_take(rbuf *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->failed || r->left < n) {
		r->failed = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

static void r_copy(rbuf *r, void *dst, size_t n)
{
	const uint8_t *p = r_take(r, n);

	if (p != NULL)
		memcpy(dst, p, n);
}

static uint8_t r_u8(rbuf *r)
{
	const uint8_t *p = r_take(r, 1);

	return p != NULL ? p[0] : 0;
}

static uint32_t r_u32(rbuf *r)
{
	const uint8_t *p = r_take(r, 4);

	if (p == NULL)
		return 0;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int64_t r_i64(rbuf *r)
{
	const uint8_t *p = r_take(r, 8);
	uint64_t v = 0;

	if (p == NULL)
		return 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

static obj_str r_str(rbuf *r)
{
	obj_str s = {"", 0};
	uint32_t n = r_u32(r);
	const uint8_t *p;

	/* The length is checked against what is left before anything else:
	 * an absurd length fails here, it allocates nothing. */
	if (n > STR_MAX) {
		r->failed = 1;
		return s;
	}
	p = r_take(r, n);
	if (p == NULL)
		return s;
	if (!obj_utf8_ok((const char *)p, n)) {
		r->failed = 1;
		return s;
	}
	s.p = (const char *)p;
	s.len = n;
	return s;
}

static void r_parents(rbuf *r, obj *o)
{
	o->nparents = r_u32(r);
	if (o->nparents > OBJ_MAX_PARENTS) {
		r->failed = 1;
		o->nparents = 0;
		return;
	}
	r_copy(r, o->parents, (size_t)o->nparents * OBJ_ID_BYTES);
	/* Non-canonical (unsorted or repeated) parents would give one
	 * revision two ids. */
	for (uint32_t i = 1; i < o->nparents && !r->failed; i++)
		if (memcmp(o->parents[i - 1], o->parents[i], OBJ_ID_BYTES) >= 0)
			r->failed = 1;
}

static int enum_ok(const obj *o)
{
	switch (o->type) {
	case OBJ_GENESIS:
		return 1;
	case OBJ_MEMBER:
		return o->action >= MEMBER_ADD && o->action <= MEMBER_ROLE &&
		       o->role >= ROLE_ADMIN && o->role <= ROLE_STAFF;
	case OBJ_REVISION:
		return o->kind >= KIND_POLICY && o->kind <= KIND_CHECKLIST;
	case OBJ_STATUS:
		return o->status >= STATUS_DRAFT && o->status <= STATUS_ARCHIVED;
	case OBJ_ACK:
		/* total 0: acknowledged without a walkthrough (none exists). */
		return o->score <= o->total;
	case OBJ_INCIDENT:
		return o->act >= INCIDENT_OPEN && o->act <= INCIDENT_CLOSE;
	default:
		return 0;
	}
}

int obj_decode(const uint8_t *buf, size_t len, obj *o)
{
	rbuf r = {buf, len, 0};
	const uint8_t *magic;

	memset(o, 0, sizeof *o);
	if (len > OBJ_MAX_BYTES || len < OBJ_HEAD_LEN)
		return -1;
	magic = r_take(&r, 4);
	if (memcmp(magic, OBJ_MAGIC, 4) != 0 || r_u8(&r) != OBJ_VERSION)
		return -1;
	o->type = r_u8(&r);
	r_copy(&r, o->vault, OBJ_VAULT_BYTES);
	r_copy(&r, o->author, OBJ_KEY_BYTES);
	o->time = r_i64(&r);
	switch (o->type) {
	case OBJ_GENESIS:
		r_copy(&r, o->box, OBJ_KEY_BYTES);
		o->name = r_str(&r);
		o->role = ROLE_ADMIN;
		break;
	case OBJ_MEMBER:
		o->action = r_u8(&r);
		o->role = r_u8(&r);
		r_copy(&r, o->subject, OBJ_KEY_BYTES);
		r_copy(&r, o->box, OBJ_KEY_BYTES);
		o->name = r_str(&r);
		break;
	case OBJ_REVISION:
		r_copy(&r, o->doc, OBJ_DOC_BYTES);
		r_parents(&r, o);
		o->kind = r_u8(&r);
		o->lang = r_str(&r);
		o->tmpl = r_str(&r);
		o->category = r_str(&r);
		o->title = r_str(&r);
		o->review_by = r_i64(&r);
		o->message = r_str(&r);
		o->body = r_str(&r);
		break;
	case OBJ_STATUS:
		r_copy(&r, o->doc, OBJ_DOC_BYTES);
		r_copy(&r, o->rev, OBJ_ID_BYTES);
		o->status = r_u8(&r);
		o->message = r_str(&r);
		break;
	case OBJ_ACK:
		r_copy(&r, o->doc, OBJ_DOC_BYTES);
		r_copy(&r, o->rev, OBJ_ID_BYTES);
		o->score = r_u8(&r);
		o->total = r_u8(&r);
		break;
	case OBJ_INCIDENT:
		r_copy(&r, o->doc, OBJ_DOC_BYTES);
		r_copy(&r, o->rev, OBJ_ID_BYTES);
		o->act = r_u8(&r);
		r_copy(&r, o->incident, OBJ_ID_BYTES);
		o->item = r_u32(&r);
		o->note = r_str(&r);
		break;
	default:
		return -1;
	}
	if (r.failed || r.left != 0 || !enum_ok(o))
		return -1;
	return 0;
}

void obj_id(const uint8_t *buf, size_t len, uint8_t id[OBJ_ID_BYTES])
{
	ac_hash(id, buf, len, NULL, 0);
}

void obj_sign(const uint8_t *buf, size_t len, const uint8_t *sk,
              uint8_t sig[OBJ_SIG_BYTES])
{
	ac_sign(sig, buf, len, sk);
}

int obj_sig_ok(const uint8_t *buf, size_t len, const uint8_t author[OBJ_KEY_BYTES],
               const uint8_t sig[OBJ_SIG_BYTES])
{
	return ac_verify(sig, buf, len, author);
}

const char *obj_type_name(int type)
{
	static const char *const names[] = {"?", "genesis", "member",
	                                    "revision", "status", "acknowledgement",
	                                    "incident entry"};

	return type > 0 && type <= OBJ_TYPE_MAX ? names[type] : "unknown";
}

const char *obj_role_name(int role)
{
	static const char *const names[] = {"?", "admin", "editor", "staff"};

	return role >= ROLE_ADMIN && role <= ROLE_STAFF ? names[role] : "?";
}

const char *obj_kind_name(int kind)
{
	static const char *const names[] = {"?", "policy", "protocol", "checklist"};

	return kind >= KIND_POLICY && kind <= KIND_CHECKLIST ? names[kind] : "?";
}

const char *obj_status_name(int status)
{
	static const char *const names[] = {"?", "draft", "in review",
	                                    "approved", "archived"};

	return status >= STATUS_DRAFT && status <= STATUS_ARCHIVED ? names[status]
	                                                          : "?";
}

int obj_role_parse(const char *s)
{
	for (int i = ROLE_ADMIN; i <= ROLE_STAFF; i++)
		if (strcmp(s, obj_role_name(i)) == 0)
			return i;
	return 0;
}

int obj_kind_parse(const char *s)
{
	for (int i = KIND_POLICY; i <= KIND_CHECKLIST; i++)
		if (strcmp(s, obj_kind_name(i)) == 0)
			return i;
	return 0;
}
