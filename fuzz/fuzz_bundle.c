/* fuzz_bundle: libFuzzer target for the bundle reader (bundle.c, sync.c;
 * docs/bundle-format.md), through vault_import on a real vault.
 *
 * Once per process, a vault is created with the test KDF in a scratch
 * folder and kept open; it also answers to the fixed fuzz address, so that
 * committed bundle files open in it. The first input byte picks the mode
 * (fuzz_common.h): a whole bundle file; bundle plaintext sealed here to the
 * vault's own address, which takes the fuzzer past the encryption to the
 * manifest and object parsers and the apply logic; or that plaintext after
 * fuzz_fixup, which also takes it past ids and signatures.
 *
 * Besides the sanitizers, every import must keep the API's contract (a
 * failure leaves its code and a sentence in err), must not damage the
 * vault, and what an import accepts must pass vault_verify (import and
 * verify must agree on who may sign what) and must not mix vaults in one
 * document.
 *
 * Imports that succeed may grow the vault: it is made again every
 * FUZZ_RECREATE successful imports. Environment: TMPDIR for the scratch
 * folder (else /dev/shm, else /tmp); FUZZ_NO_VERIFY=1 skips the vault_verify check (faster);
 * FUZZ_VERBOSE=1 prints what each import answered; FUZZ_STRICT=1 adds a
 * check that an open finding still fails (fuzz/README.md): an import never
 * fails with VAULT_EIO on this healthy scratch disk. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_RECREATE 1000u

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz_bundle: %s:%d: %s\n", __FILE__, \
			        __LINE__, #cond);                            \
			__builtin_trap();                                   \
		}                                                           \
	} while (0)

/* The harness's state: libFuzzer calls in with nothing but the input. */
typedef struct {
	char dir[256];
	char vault_path[300];
	char journal_path[320];
	char in_path[300];
	vault *v;
	fuzz_signers keys;
	fuzz_self self;
	uint8_t address[AC_BOX_PK_BYTES];
	unsigned long imported; /* successful imports into this vault */
	int verify, verbose, strict;
} harness;

static harness H;

static void die(const char *what, const vault_err *err)
{
	fprintf(stderr, "fuzz_bundle: %s: %s\n", what,
	        err != NULL ? err->msg : "");
	abort();
}

/* Let the vault open bundles sealed to the fuzz address, as it opens those
 * sealed to an address it had before a rotation. */
static void add_fuzz_address(vault *v)
{
	uint8_t pk[AC_BOX_PK_BYTES], sk[AC_BOX_SK_BYTES];
	sqlite3_stmt *st = NULL;
	vault_err err = {0};

	fuzz_address(pk, sk);
	if (db_prepare(vault_db(v), "INSERT OR IGNORE INTO old_addresses(pk, sk)"
	               " VALUES (:pk, :sk)", &st, &err) != VAULT_OK)
		die("adding the fuzz address", &err);
	db_bind_blob(st, ":pk", pk, sizeof pk);
	db_bind_blob(st, ":sk", sk, sizeof sk);
	if (sqlite3_step(st) != SQLITE_DONE)
		die("adding the fuzz address", NULL);
	sqlite3_finalize(st);
}

static void vault_up(void)
{
	ac_kdf_params kdf;
	vault_err err = {0};

	ac_kdf_test_params(&kdf);
	unlink(H.vault_path);
	unlink(H.journal_path);
	if (vault_create(H.vault_path, "fuzz", FUZZ_PASS, FUZZ_PASSLEN, &kdf,
	                 &err) != VAULT_OK)
		die("creating the vault", &err);
	if (vault_open(H.vault_path, FUZZ_PASS, FUZZ_PASSLEN, 0, &H.v, &err) !=
	    VAULT_OK)
		die("opening the vault", &err);
	if (meta_address_pk(H.v, H.address, &err) != VAULT_OK)
		die("reading the vault's address", &err);
	add_fuzz_address(H.v);
	memcpy(H.self.vault, H.v->header.vault_id, OBJ_VAULT_BYTES);
	memcpy(H.self.pk, H.v->mk->sign_pk, AC_SIGN_PK_BYTES);
	H.self.sk = H.v->mk->sign_sk;
	H.imported = 0;
}

static void harness_down(void)
{
	vault_close(H.v);
	H.v = NULL;
	unlink(H.vault_path);
	unlink(H.journal_path);
	unlink(H.in_path);
	rmdir(H.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	const char *nv = getenv("FUZZ_NO_VERIFY");
	const char *verbose = getenv("FUZZ_VERBOSE");
	const char *strict = getenv("FUZZ_STRICT");

	(void)argc;
	(void)argv;
	if (ac_init() != AC_OK)
		die("initialising libsodium", NULL);
	/* A commit costs an fsync: in memory it costs nothing. */
	if (tmp == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(H.dir, sizeof H.dir, "%s/amparo-fuzz-XXXXXX", tmp);
	if (mkdtemp(H.dir) == NULL)
		die("making a scratch folder", NULL);
	snprintf(H.vault_path, sizeof H.vault_path, "%s/v.amparo", H.dir);
	snprintf(H.journal_path, sizeof H.journal_path, "%s/v.amparo-journal",
	         H.dir);
	snprintf(H.in_path, sizeof H.in_path, "%s/in.bundle", H.dir);
	H.verify = nv == NULL || strcmp(nv, "1") != 0;
	H.verbose = verbose != NULL && strcmp(verbose, "1") == 0;
	H.strict = strict != NULL && strcmp(strict, "1") == 0;
	fuzz_signers_init(&H.keys);
	vault_up();
	atexit(harness_down);
	return 0;
}

static void write_input(const uint8_t *p, size_t len)
{
	int fd = open(H.in_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		die("writing the input", NULL);
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);

		if (w <= 0)
			die("writing the input", NULL);
		off += (size_t)w;
	}
	close(fd);
}

static void print_problem(const vault_problem *p, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "fuzz_bundle: verify: %s %.12s: %s\n", p->type, p->id,
	        p->problem);
}

/* Documents whose revisions come from more than one vault, plus statuses
 * from another vault than the revision they name (an object's vault id is
 * bytes [6, 22) of its encoding: docs/object-format.md). */
static int64_t docs_mixing_vaults(vault *v)
{
	static const char sql[] =
		"SELECT (SELECT count(*) FROM (SELECT r.doc FROM revisions r"
		" JOIN objects o ON o.id = r.id GROUP BY r.doc"
		" HAVING count(DISTINCT substr(o.data, 7, 16)) > 1))"
		" + (SELECT count(*) FROM statuses s JOIN objects so ON so.id = s.id"
		" JOIN objects ro ON ro.id = s.rev"
		" WHERE substr(so.data, 7, 16) != substr(ro.data, 7, 16))";
	sqlite3_stmt *st = NULL;
	vault_err err = {0};
	int64_t n = -1;

	if (db_prepare(vault_db(v), sql, &st, &err) != VAULT_OK)
		die("counting documents", &err);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* What must hold after any import. */
static void after_import(vault_status rc, const vault_err *err,
                         const vault_sync_summary *sum)
{
	vault_err verr = {0};
	uint64_t checked = 0;

	if (H.verbose)
		fprintf(stderr, "fuzz_bundle: %s: %s (added %llu of %llu, %llu "
		        "slots)\n", vault_status_name(rc),
		        rc == VAULT_OK ? "" : err->msg,
		        (unsigned long long)sum->added,
		        (unsigned long long)sum->objects,
		        (unsigned long long)sum->slots);
	CHECK(!vault_damaged(H.v));
	if (rc != VAULT_OK) {
		CHECK(err->code == rc && err->msg[0] != '\0');
		CHECK(memchr(err->msg, '\0', sizeof err->msg) != NULL);
		if (H.strict && rc == VAULT_EIO)
			fprintf(stderr, "fuzz_bundle: %s\n", err->msg);
		CHECK(!H.strict || rc != VAULT_EIO);
		return;
	}
	CHECK(sum->bundles == 1 && sum->added <= sum->objects);
	if (H.verify && sum->added > 0) {
		vault_status vr = vault_verify(H.v, print_problem, NULL, &checked,
		                               &verr);

		if (vr != VAULT_OK)
			fprintf(stderr, "fuzz_bundle: the import was accepted but "
			        "verify refuses the vault: %s\n", verr.msg);
		CHECK(vr == VAULT_OK);
	}
	if (sum->added > 0)
		CHECK(docs_mixing_vaults(H.v) == 0);
	if (++H.imported >= FUZZ_RECREATE) {
		vault_close(H.v);
		H.v = NULL;
		vault_up();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vault_sync_summary sum;
	vault_err err;
	bbuf file = {0};
	uint8_t *plain = NULL;
	vault_status rc;
	int mode;

	if (size < 1)
		return 0;
	mode = data[0] % FUZZ_MODES;
	data++;
	size--;
	if (mode == FUZZ_MODE_FILE) {
		write_input(data, size);
	} else {
		plain = malloc(size ? size : 1);
		if (plain == NULL)
			return 0;
		memcpy(plain, data, size);
		if (mode == FUZZ_MODE_FIXUP)
			fuzz_fixup(plain, size, &H.keys, &H.self);
		memset(&err, 0, sizeof err);
		rc = bundle_seal(plain, size, (const uint8_t (*)[32])H.address, 1,
		                 &file, NULL, NULL, &err);
		free(plain);
		if (rc != VAULT_OK)
			die("sealing", &err);
		write_input(file.p, file.len);
		free(file.p);
	}
	memset(&err, 0, sizeof err);
	memset(&sum, 0, sizeof sum);
	rc = vault_import(H.v, H.in_path, NULL, NULL, &sum, &err);
	after_import(rc, &err, &sum);
	return 0;
}
