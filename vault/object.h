/* object: the signed, immutable, content-addressed objects that make up a
 * vault's history (docs/object-format.md). An object's id is the BLAKE2b-256
 * of its canonical encoding; its author signs that encoding with Ed25519.
 * Private to vault/ and its tests. */
#ifndef AMPARO_OBJECT_H
#define AMPARO_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#define OBJ_ID_BYTES 32u
#define OBJ_DOC_BYTES 16u
#define OBJ_KEY_BYTES 32u
#define OBJ_SIG_BYTES 64u
#define OBJ_VAULT_BYTES 16u
#define OBJ_MAX_PARENTS 16u
#define OBJ_MAX_BYTES (17u << 20)

typedef enum {
	OBJ_GENESIS = 1,
	OBJ_MEMBER = 2,
	OBJ_REVISION = 3,
	OBJ_STATUS = 4,
	OBJ_ACK = 5,
	OBJ_INCIDENT = 6, /* crisis mode: an incident opened, an item checked, a note */
	OBJ_TYPE_MAX = 6
} obj_type;

typedef enum { MEMBER_ADD = 1, MEMBER_REMOVE = 2, MEMBER_ROLE = 3 } obj_member_action;
typedef enum { ROLE_ADMIN = 1, ROLE_EDITOR = 2, ROLE_STAFF = 3 } obj_role;
typedef enum { KIND_POLICY = 1, KIND_PROTOCOL = 2, KIND_CHECKLIST = 3 } obj_kind;
typedef enum { INCIDENT_OPEN = 1, INCIDENT_CHECK = 2, INCIDENT_NOTE = 3,
               INCIDENT_CLOSE = 4 } obj_incident_action;
typedef enum {
	STATUS_DRAFT = 1,
	STATUS_REVIEW = 2,
	STATUS_APPROVED = 3,
	STATUS_ARCHIVED = 4
} obj_status;

/* A decoded object. Strings point into the buffer it was decoded from (or
 * that the caller supplied) and are NOT NUL-terminated: use the _len. */
typedef struct {
	const char *p;
	uint32_t len;
} obj_str;

typedef struct {
	uint8_t type;
	uint8_t vault[OBJ_VAULT_BYTES];
	uint8_t author[OBJ_KEY_BYTES];
	int64_t time;

	/* GENESIS, MEMBER */
	uint8_t action, role;
	uint8_t subject[OBJ_KEY_BYTES]; /* MEMBER: the member's signing key */
	uint8_t box[OBJ_KEY_BYTES];     /* the member's X25519 key */
	obj_str name;

	/* REVISION, STATUS, ACK */
	uint8_t doc[OBJ_DOC_BYTES];
	uint32_t nparents;
	uint8_t parents[OBJ_MAX_PARENTS][OBJ_ID_BYTES];
	uint8_t kind;
	obj_str lang, tmpl, category, title, message, body; /* tmpl: the
	                                   template it started from, or "" */
	int64_t review_by;
	uint8_t rev[OBJ_ID_BYTES];      /* STATUS, ACK: the revision named */
	uint8_t status;
	uint8_t score, total;           /* ACK */
	uint8_t act;                    /* INCIDENT: obj_incident_action */
	uint8_t incident[OBJ_ID_BYTES]; /* INCIDENT: the opening object
	                                   (zero when opening) */
	uint32_t item;                  /* INCIDENT: checklist item, from 1 */
	obj_str note;                   /* INCIDENT: item text or note */
} obj;

/* Encode o canonically into a malloc'd buffer. Parents are sorted and must
 * be distinct. Returns 0, or -1 (invalid field or out of memory). */
int obj_encode(const obj *o, uint8_t **out, size_t *len);
/* Strictly decode: every length checked, no trailing bytes, enums and UTF-8
 * validated. o's strings point into buf. Returns 0 or -1. */
int obj_decode(const uint8_t *buf, size_t len, obj *o);
/* id = BLAKE2b-256(encoding). */
void obj_id(const uint8_t *buf, size_t len, uint8_t id[OBJ_ID_BYTES]);
/* Sign the encoding with an Ed25519 secret key (64 bytes). */
void obj_sign(const uint8_t *buf, size_t len, const uint8_t *sk,
              uint8_t sig[OBJ_SIG_BYTES]);
/* 1 if sig is the author's signature over buf. */
int obj_sig_ok(const uint8_t *buf, size_t len, const uint8_t author[OBJ_KEY_BYTES],
               const uint8_t sig[OBJ_SIG_BYTES]);

const char *obj_type_name(int type);
const char *obj_role_name(int role);
const char *obj_kind_name(int kind);
const char *obj_status_name(int status);
int obj_role_parse(const char *s);
int obj_kind_parse(const char *s);

/* Strict UTF-8 check shared by every text field. */
int obj_utf8_ok(const char *s, size_t n);
void obj_hex(const uint8_t *in, size_t n, char *out);
/* 2n hex digits into n bytes; -1 on a non-hex digit. */
int obj_unhex(const char *hex, uint8_t *out, size_t n);

#endif
