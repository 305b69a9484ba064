/* ui_model: the state of Amparo's terminal UI and what each key does to it.
 *
 * Pure functions: a key goes in, the state changes and an action comes out
 * for the loop (ui.c) to perform against the vault, after which the loop
 * hands the results back with the ui_set_* calls. Nothing here calls
 * curses, the vault or libsodium, prints, or reads the clock, so every
 * screen's behaviour is unit-tested (tests/unit/test_ui.c). ui_draw.c
 * draws a state and changes nothing but the scroll positions it must
 * clamp to the screen.
 *
 * Screens: UNLOCK (passphrase), CREATE (a new vault: path, name,
 * passphrase twice), HOME (documents by category; search as you type),
 * READER (a document), HISTORY (its revisions), DIFF (one revision
 * against its parent), CRISIS (emergency contacts and protocols),
 * CHECKLIST (a protocol followed as an incident), TEMPLATES (start a new
 * document), WALK (a document's walkthrough: questions answered until
 * right, the first-try score counted, then acknowledged), SYNC (sync
 * with a folder, export to a file, import a bundle: a path, a progress
 * bar, a summary of what changed), MEMBERS (admins: add, remove, change
 * role), STATUS (per approved document, who has read the current
 * revision and who must, reviews due, merges needed: `amparo status`).
 * Overlays on any screen: help, a yes/no question, a one-line prompt. */
#ifndef AMPARO_UI_MODEL_H
#define AMPARO_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "ui_md.h"

/* Keys, as ui.c translates them from curses. */
typedef enum {
	UI_KEY_NONE = 0,
	UI_KEY_CHAR,      /* ch: a printable character (code point) */
	UI_KEY_UP, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT,
	UI_KEY_PGUP, UI_KEY_PGDN, UI_KEY_HOME, UI_KEY_END,
	UI_KEY_ENTER, UI_KEY_ESC, UI_KEY_BACKSPACE, UI_KEY_TAB,
	UI_KEY_HELP,      /* F1 */
	UI_KEY_LOCK,      /* ^L or F12 */
	UI_KEY_CTRL,      /* ch: the letter of another control key, 'a'..'z' */
	UI_KEY_RESIZE,    /* row, col: the new size in lines and columns */
	UI_KEY_CLICK,     /* row, col: where the mouse button was pressed */
	UI_KEY_WHEEL_UP, UI_KEY_WHEEL_DOWN
} ui_key_kind;

typedef struct {
	ui_key_kind kind;
	uint32_t ch;
	int row, col;
} ui_key;

/* What the loop must do after a key. The arguments are in the state:
 * ui_selected_doc, ui_selected_rev, s->item, s->input, s->pass... */
typedef enum {
	UI_ACT_NONE = 0,
	UI_ACT_QUIT,
	UI_ACT_UNLOCK,    /* open the vault with s->pass */
	UI_ACT_CREATE,    /* create a vault: s->create_path, s->create_name, s->pass */
	UI_ACT_LOCK,      /* close the vault, wipe, back to UNLOCK */
	UI_ACT_SEARCH,    /* s->query changed: ui_set_hits (or clear) */
	UI_ACT_OPEN,      /* load ui_selected_doc into the reader */
	UI_ACT_EDIT,      /* edit the document in the reader */
	UI_ACT_NEW,       /* a new document from template s->tmpl.sel (0: blank) */
	UI_ACT_HISTORY,   /* load the history of the document in the reader */
	UI_ACT_DIFF,      /* show ui_selected_rev against its parent */
	UI_ACT_RESTORE,   /* restore ui_selected_rev (confirmed) */
	UI_ACT_SUBMIT,    /* submit the document for review (confirmed) */
	UI_ACT_APPROVE,   /* approve its current revision (confirmed) */
	UI_ACT_ARCHIVE,   /* archive it (confirmed) */
	UI_ACT_ACK,       /* acknowledge with no walkthrough (confirmed; only
	                     for documents that have none) */
	UI_ACT_WALK,      /* start the walkthrough of the reader's document
	                     (on HOME: of ui_selected_doc, opened first) */
	UI_ACT_WALK_DONE, /* walkthrough finished: acknowledge with
	                     s->walk_score / s->walk_total if approved, then
	                     ui_set_walk_result */
	UI_ACT_CRISIS,    /* load contacts and protocols */
	UI_ACT_PROTOCOL,  /* follow the selected protocol: load its checklist */
	UI_ACT_CHECK,     /* check item s->items.sel off (confirmed) */
	UI_ACT_RELOAD,    /* reload the document list (back on HOME) */
	UI_ACT_SYNC_RUN,  /* run s->sync_op with s->sync_paths[s->sync_op],
	                     reporting ui_set_progress, then ui_set_sync_result */
	UI_ACT_MEMBERS,   /* load the members: ui_set_members */
	UI_ACT_MEMBER_ADD,    /* add s->add_name as s->add_role, passphrase
	                         s->pass (typed twice); then wipe it */
	UI_ACT_MEMBER_REMOVE, /* remove ui_selected_member (confirmed) */
	UI_ACT_MEMBER_ROLE,   /* give ui_selected_member s->new_role */
	UI_ACT_MERGE,     /* merge the reader's document (two heads): with
	                     s->merge_text pending, edit it; else prepare it
	                     (ui_set_merge_pending) and ask */
	UI_ACT_STATUS     /* load the status of every document: ui_set_status */
} ui_action;

typedef enum {
	UI_SCR_UNLOCK, UI_SCR_CREATE, UI_SCR_HOME, UI_SCR_READER,
	UI_SCR_HISTORY, UI_SCR_DIFF, UI_SCR_CRISIS, UI_SCR_CHECKLIST,
	UI_SCR_TEMPLATES, UI_SCR_WALK, UI_SCR_SYNC, UI_SCR_MEMBERS,
	UI_SCR_STATUS
} ui_screen;

/* Markers on a document row. */
enum {
	UI_MARK_REVIEW_DUE = 1u,  /* its review-by date has passed */
	UI_MARK_MERGE = 2u,       /* two heads: needs a merge */
	UI_MARK_ACK = 4u,         /* approved, and you have not acknowledged it */
	UI_MARK_REFERENCE = 8u    /* a partner's reference document (read-only) */
};

/* A document row (also a protocol on CRISIS, a template on TEMPLATES). */
typedef struct {
	char id[33];
	char *title;
	char *category;
	int status;       /* 1 draft .. 4 archived; 0 for templates */
	unsigned marks;
	bool approved;    /* a revision of it has been approved */
} ui_doc;

/* A search hit. */
typedef struct {
	char id[33];
	char *title;
	char *snippet;    /* matches between [ and ] */
} ui_hit;

/* A revision row. */
typedef struct {
	char id[65];
	char parent[65];  /* first parent, or "" */
	char *author;
	char *message;
	int64_t time;
	int approved, in_review, head;
} ui_rev;

/* A checklist item. */
typedef struct {
	char *text;
	char *heading;    /* the heading above it, where it changes, or NULL */
	int64_t checked;  /* when it was checked, 0 if not */
} ui_item;

/* A list with a selection and the first row shown. */
typedef struct {
	size_t n, sel, top;
} ui_list;

/* A text view: lines and the first one shown. */
typedef struct {
	ui_lines lines;
	size_t top;
} ui_view;

/* One hint of the key bar: the key as shown and what it does. */
typedef struct {
	const char *key;
	const char *label;
} ui_hint;

/* A member row. */
typedef struct {
	char *name;
	int role;         /* 1 admin, 2 editor, 3 staff */
	bool active;      /* false once removed */
	bool you;         /* the member who unlocked the vault */
	bool has_slot;    /* this copy holds a key slot for them */
} ui_member;

/* Where a member stands on a document's latest approved revision. */
enum { UI_ACK_READ = 0, UI_ACK_MUST = 1, UI_ACK_AGAIN = 2 };

typedef struct {
	char *member;
	int state;        /* UI_ACK_*: AGAIN when only an older approved
	                     revision was acknowledged */
	int score, total; /* of the acknowledgement, when READ */
} ui_ack;

/* A document on the status screen, in the vault's order: approved (rev
 * set) with every current member's standing, and/or flagged. */
typedef struct {
	char *title;
	char rev[13];      /* its latest approved revision, short; "" if none */
	ui_ack *acks;
	size_t nacks;
	bool review_due;   /* past its review date (the loop has the clock) */
	int64_t review_by; /* that date, seconds since the epoch (UTC) */
	bool merge;        /* two heads: needs a merge */
} ui_status_doc;

/* What the members screen is doing. */
enum { UI_MEM_LIST = 0, UI_MEM_ADD = 1, UI_MEM_ROLE = 2 };

/* The sync screen's operations. */
enum { UI_SYNC_FOLDER = 0, UI_SYNC_EXPORT = 1, UI_SYNC_IMPORT = 2,
       UI_SYNC_OPS = 3 };

/* What a sync, export or import did (the loop copies it from the
 * vault's summary, so that the model needs no vault header). */
typedef struct {
	uint64_t objects, added, documents, members, slots;
	uint64_t bundles, skipped, failed, waiting;
	char written[1024];   /* the bundle written, or "" */
} ui_sync_sum;

#define UI_INPUT_MAX 512
#define UI_PASS_MAX 1024

typedef struct {
	ui_screen screen;
	int rows, cols;
	char msg[320];           /* the status line, or "" */
	bool help;               /* the help overlay is up */
	ui_action confirm;       /* a question awaiting y/n, or UI_ACT_NONE */
	char question[320];
	int prompt;              /* a one-line prompt is up (UI_PROMPT_*) */
	char input[UI_INPUT_MAX];/* the prompt's or a CREATE field's text */
	size_t input_len;

	/* UNLOCK and CREATE. The passphrase buffers are the caller's guarded
	 * memory (ui_state_init); the model only writes and wipes them. */
	char *pass, *pass2;
	size_t pass_len, pass2_len;
	int create_step;          /* 0 path, 1 name, 2 passphrase, 3 again */
	char create_path[UI_INPUT_MAX];
	char create_name[UI_INPUT_MAX];
	char vault_name[UI_INPUT_MAX]; /* shown in the title bar */
	char member[128];         /* who unlocked it */
	int role;                 /* 1 admin, 2 editor, 3 staff; 0 locked */

	/* HOME */
	ui_doc *docs;
	ui_list home;
	size_t *row_of;           /* display row of each document */
	size_t nrows;             /* rows: documents plus category headings */
	char query[UI_INPUT_MAX]; /* search as you type */
	size_t query_len;
	bool searching;
	ui_hit *hits;
	ui_list search;

	/* READER, HISTORY, DIFF */
	ui_doc doc;               /* the document in the reader */
	char *body;               /* its text */
	size_t body_len;
	ui_view reader;
	size_t reader_width;      /* the width reader.lines were made for */
	ui_rev *revs;
	ui_list hist;
	ui_view diff;

	/* CRISIS, CHECKLIST, TEMPLATES */
	ui_view contacts;
	ui_doc *protos;
	ui_list crisis;
	ui_item *items;
	ui_list items_list;
	char protocol_title[256];
	ui_doc *tmpls;
	ui_list tmpl;

	/* WALK: the walkthrough of the reader's document (s->doc) */
	policy_walk *walk;        /* owned; NULL when none is under way */
	int walk_step, walk_q;    /* the question shown */
	int walk_focus;           /* the choice with the cursor, from 0 */
	unsigned walk_tried;      /* bit i: choice i was tried and is wrong */
	bool walk_answered;       /* answered right: Enter goes on */
	bool walk_finished;       /* every question answered */
	bool walk_approved;       /* an approved revision to acknowledge */
	int walk_score, walk_total; /* right at the first try, and asked */
	char walk_result[320];    /* what finishing recorded, or "" */

	/* SYNC */
	ui_list sync;             /* the operations (UI_SYNC_*) */
	int sync_op;              /* the one under way or last run */
	char sync_paths[UI_SYNC_OPS][UI_INPUT_MAX]; /* last path of each */
	bool sync_busy;           /* running: the progress bar shows */
	uint64_t sync_done, sync_total;
	bool sync_ran;            /* a result is shown */
	int sync_outcome;         /* 0 done, 1 nothing to do, -1 failed */
	ui_sync_sum sync_sum;
	char sync_error[320];     /* why it failed, or the first refusal */
	char sync_merges[640];    /* titles needing a merge now, or "" */

	/* MEMBERS (admins only) */
	ui_member *members;
	ui_list mem;
	int mem_mode;             /* UI_MEM_* */
	int add_step;             /* adding: 0 name, 1 role, 2 passphrase,
	                             3 again (in s->pass and s->pass2) */
	char add_name[128];
	size_t add_name_len;
	int add_role;
	int new_role;             /* UI_MEM_ROLE: the role chosen */

	/* Merge: the text being resolved between two editor runs (secret:
	 * wiped when done, declined or locked). */
	char *merge_text;
	size_t merge_len;

	/* STATUS: the documents (owned) and their lines for stat_width */
	ui_status_doc *stat_docs;
	size_t stat_n;
	ui_view stat;
	size_t stat_width;
} ui_state;

enum { UI_PROMPT_NONE = 0, UI_PROMPT_TITLE = 1, UI_PROMPT_PATH = 2 };

/* Set up a state on the UNLOCK screen (CREATE when create is true) for a
 * rows x cols terminal. pass and pass2 are UI_PASS_MAX + 1 bytes each of
 * the caller's (guarded) memory, which the model keeps NUL-terminated and
 * wipes whenever it is done with a passphrase. */
void ui_state_init(ui_state *s, int rows, int cols, char *pass, char *pass2,
                   bool create);
/* Free everything the state holds (not the passphrase buffers, which it
 * wipes) . */
void ui_state_free(ui_state *s);

/* Apply one key. Returns the action for the loop to perform. */
ui_action ui_key_apply(ui_state *s, const ui_key *k);

/* Wipe both passphrase buffers (after an unlock attempt, on lock). */
void ui_pass_wipe(ui_state *s);

/* Results from the loop. Each copies what it is given (ownership of the
 * arrays passes to the state where it says "takes"). */
/* Unlocked as member with role: to HOME. */
void ui_set_unlocked(ui_state *s, const char *member, int role);
/* An unlock or create failed: stay, show msg, the passphrase wiped. */
void ui_set_failed(ui_state *s, const char *msg);
/* Locked: every document, hit, revision and line forgotten and wiped;
 * back to UNLOCK with msg. */
void ui_set_locked(ui_state *s, const char *msg);
/* The document list (takes docs[0..n), sorted by category then title),
 * keeping the selection on the same id where it can. */
void ui_set_docs(ui_state *s, ui_doc *docs, size_t n);
/* Search results for the current query (takes hits[0..n)). */
void ui_set_hits(ui_state *s, ui_hit *hits, size_t n);
/* The reader shows doc (takes its strings) with body[0..len) (copied). */
int ui_set_reader(ui_state *s, ui_doc *doc, const char *body, size_t len);
/* History of the reader's document, newest first (takes revs). */
void ui_set_history(ui_state *s, ui_rev *revs, size_t n);
/* The diff view: lines already rendered (takes them). */
void ui_set_diff(ui_state *s, ui_lines *lines);
/* Crisis screen: contacts rendered (takes), protocols (takes). */
void ui_set_crisis(ui_state *s, ui_lines *contacts, ui_doc *protos, size_t n);
/* Checklist of a protocol being followed (takes items). */
void ui_set_checklist(ui_state *s, const char *title, ui_item *items,
                      size_t n);
/* Template choices (takes; entry 0 is "blank document"). */
void ui_set_templates(ui_state *s, ui_doc *tmpls, size_t n);
/* Start a walkthrough of the reader's document (takes walk, which has at
 * least one step): to WALK, first question. approved: the document has
 * an approved revision, so finishing acknowledges it (else it is
 * practice). */
void ui_set_walk(ui_state *s, policy_walk *walk, bool approved);
/* What finishing the walkthrough recorded (a sentence), shown on the
 * final screen; the screen goes back to WALK if the loop left it. */
void ui_set_walk_result(ui_state *s, const char *result);
/* Put a yes/no question up for act, as the model does for its keys (the
 * loop uses it when an action needs one more confirmation). */
void ui_set_ask(ui_state *s, ui_action act, const char *question);
/* The walkthrough screen as display lines for width columns: plain text
 * a screen reader can follow, the choice with the cursor marked by ">"
 * (not only by an attribute), wrong tries marked in words. *cursor: the
 * line to keep on screen and put the terminal cursor on. 0 or -1 (out of
 * memory). */
int ui_walk_lines(const ui_state *s, size_t width, ui_lines *out,
                  size_t *cursor);

/* Progress of the operation under way (done of total; total 0: not
 * known). */
void ui_set_progress(ui_state *s, uint64_t done, uint64_t total);
/* The result of s->sync_op: outcome 0 done, 1 nothing to do (error says
 * why), -1 failed (error says why); sum may be NULL when failed; merges:
 * titles of the documents that now need a merge, "; " between them. */
void ui_set_sync_result(ui_state *s, int outcome, const ui_sync_sum *sum,
                        const char *error, const char *merges);
/* "[#####.....] 50%" in at most cap bytes and width columns (width at
 * least 8); "..." when total is 0. Text, so no colour is needed. */
void ui_progress_text(uint64_t done, uint64_t total, size_t width, char *out,
                      size_t cap);
/* The sync screen's content as display lines for width columns: the
 * operations (">" marks the selected one), then the progress or the
 * summary of the last one. *cursor: the selected operation's line. */
int ui_sync_lines(const ui_state *s, size_t width, ui_lines *out,
                  size_t *cursor);

/* The members (takes; vault order), keeping the selection on the same
 * name where it can; back to the list. */
void ui_set_members(ui_state *s, ui_member *m, size_t n);
/* The member selected on MEMBERS, or NULL. */
const ui_member *ui_selected_member(const ui_state *s);
/* The members screen as display lines: the list (">" marks the
 * selection, roles and "you" in words) or the add form, whose passphrase
 * fields never show what is typed. *cursor: the line with the cursor. */
int ui_members_lines(const ui_state *s, size_t width, ui_lines *out,
                     size_t *cursor);
void ui_members_free(ui_member *m, size_t n);

/* Conflict markers left in a merged text: the lines that start with
 * "<<<<<<<", "=======" or ">>>>>>>" (vault_merge_commit refuses them). */
size_t ui_merge_markers(const char *text, size_t len);
/* Keep text[0..len) (takes; malloc'd) as the merge being resolved, and
 * ask question: yes comes back as UI_ACT_MERGE (edit it), no wipes it. */
void ui_set_merge_pending(ui_state *s, char *text, size_t len,
                          const char *question);
/* Wipe and free the pending merge text. */
void ui_merge_forget(ui_state *s);

/* The status screen (takes docs[0..n)): to STATUS, lines laid out for
 * the width, the scroll position kept when it was already up. */
void ui_set_status(ui_state *s, ui_status_doc *docs, size_t n);
/* The status as display lines for width columns, as `amparo status`
 * prints it: per approved document, each member marked "[x]" (read and
 * understood, with the score) or "[ ]" (must read, or must read again),
 * in words; then reviews due and merges needed. 0 or -1 (out of memory). */
int ui_status_lines(const ui_state *s, size_t width, ui_lines *out);
/* Lay the status lines out again when the width changed. 0 or -1. */
int ui_status_layout(ui_state *s);
void ui_status_free(ui_status_doc *d, size_t n);

/* The label of the one-line prompt that is up (translated). */
const char *ui_prompt_label(const ui_state *s);

/* Show a message on the status line (printf-free: copied as is). */
void ui_set_msg(ui_state *s, const char *msg);

/* The document selected on HOME (or among the hits), or NULL. */
const char *ui_selected_doc(const ui_state *s);
/* The revision selected on HISTORY, or NULL. */
const ui_rev *ui_selected_rev(const ui_state *s);

/* Layout shared with ui_draw.c: the first and the number of content rows
 * (between the title bar and the status line and key bar). */
int ui_content_top(const ui_state *s);
int ui_content_rows(const ui_state *s);

/* The key bar of the current screen for this role: up to max hints.
 * Returns how many. Strings are static (translated). */
size_t ui_keybar(const ui_state *s, ui_hint *out, size_t max);

/* Re-render the reader's lines when the width changed. 0 or -1 (out of
 * memory, the old lines kept). */
int ui_reader_layout(ui_state *s);

/* Free a doc row's strings (not the row). */
void ui_doc_clear(ui_doc *d);
/* Wipe and free arrays of rows with their strings. NULL is accepted. */
void ui_docs_free(ui_doc *d, size_t n);
void ui_hits_free(ui_hit *h, size_t n);
void ui_revs_free(ui_rev *r, size_t n);
void ui_items_free(ui_item *it, size_t n);

#endif
