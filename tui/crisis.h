/* crisis: what the command line and the full-screen interface share in
 * crisis mode: a protocol's checklist, and the state of its newest
 * incident. Calls vault/ only through its public API. */
#ifndef AMPARO_CRISIS_H
#define AMPARO_CRISIS_H

#include <stddef.h>
#include <stdint.h>

#include "vault.h"

#define CRISIS_MAX_ITEMS 200

/* One "- [ ]" item of a protocol, numbered from 1 in document order. */
typedef struct {
	char *text;
	char *heading; /* the heading above it (without its #), where it
	                  changes, or NULL */
} crisis_item;

/* Parse a body's checklist items into items[0..max); returns how many.
 * Free each with crisis_items_free. */
size_t crisis_items_parse(const char *body, crisis_item *items, size_t max);
void crisis_items_free(crisis_item *items, size_t n);

/* The newest incident following one protocol. */
typedef struct {
	char incident[VAULT_REV_HEX];
	char rev[VAULT_REV_HEX];   /* the protocol revision it follows */
	int open;                  /* opened and not closed */
	int64_t checked[CRISIS_MAX_ITEMS + 1]; /* item -> when, 0 if not */
} crisis_state;

/* Load the state of the newest incident on document doc_id (hex). */
vault_status crisis_state_load(vault *v, const char *doc_id, crisis_state *s,
                               vault_err *err);

#endif
