/* SPDX-License-Identifier: MIT */
/*
 * The pairs of a scan and the hash that finds them (pairs.h).  Linear
 * probing over a power-of-two table kept at most half full; a slot is in
 * use for the current process when its generation is the current one.
 */
#include "pairs.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_CHUNK 65536 /* bytes of names a chunk holds */

struct pairs_names {
	struct pairs_names *next;
	size_t used;
	char text[NAMES_CHUNK];
};

void pairs_init(struct pairs *p, size_t max)
{
	memset(p, 0, sizeof *p);
	p->max = max ? max : PAIRS_MAX;
	if (p->max > UINT32_MAX)
		p->max = UINT32_MAX;
	p->gen = 1;
}

void pairs_process(struct pairs *p)
{
	p->first = p->n;
	if (++p->gen == 0) { /* wrapped: no slot may look current */
		if (p->slots)
			memset(p->slots, 0, p->nslots * sizeof *p->slots);
		p->gen = 1;
	}
}

static size_t hash(enum objlist_kind kind, uint64_t dev, uint64_t ino)
{
	uint64_t h = ino ^ (dev * UINT64_C(0x9e3779b97f4a7c15)) ^ ((uint64_t)kind << 59);
	h ^= h >> 33; /* murmur3's finaliser */
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (size_t)h;
}

/* The slot of (kind, dev, ino) in the current process: its pair's, or the
 * free one where it goes. */
static struct pairs_slot *slot(const struct pairs *p, enum objlist_kind kind, uint64_t dev,
			       uint64_t ino)
{
	size_t mask = p->nslots - 1;
	for (size_t i = hash(kind, dev, ino) & mask;; i = (i + 1) & mask) {
		struct pairs_slot *s = &p->slots[i];
		if (s->gen != p->gen)
			return s;
		const struct objlist_seen *e = &p->v[s->at];
		if (e->kind == kind && e->dev == dev && e->ino == ino)
			return s;
	}
}

/* Room in the table for one more pair of the current process. */
static bool grow_slots(struct pairs *p)
{
	size_t have = p->n - p->first;
	if (p->nslots && 2 * (have + 1) <= p->nslots)
		return true;
	size_t nslots = p->nslots ? 2 * p->nslots : 1024;
	struct pairs_slot *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return false;
	free(p->slots);
	p->slots = slots;
	p->nslots = nslots;
	p->gen = 1;
	for (size_t i = p->first; i < p->n; i++) {
		struct pairs_slot *s = slot(p, p->v[i].kind, p->v[i].dev, p->v[i].ino);
		s->gen = p->gen;
		s->at = (uint32_t)i;
	}
	return true;
}

/* A copy of name that lives as long as p's names, or NULL. */
static const char *keep_name(struct pairs *p, const char *name)
{
	size_t len = strnlen(name, OBJLIST_NAME_MAX - 1);
	if (!p->names || NAMES_CHUNK - p->names->used < len + 1) {
		struct pairs_names *c = malloc(sizeof *c);
		if (!c)
			return NULL;
		c->next = p->names;
		c->used = 0;
		p->names = c;
	}
	char *at = p->names->text + p->names->used;
	memcpy(at, name, len);
	at[len] = '\0';
	p->names->used += len + 1;
	return at;
}

struct objlist_seen *pairs_get(struct pairs *p, pid_t pid, enum objlist_kind kind, uint64_t dev,
			       uint64_t ino, const char *name, bool deleted)
{
	if (p->nslots) {
		struct pairs_slot *s = slot(p, kind, dev, ino);
		if (s->gen == p->gen)
			return &p->v[s->at];
	}
	if (p->n >= p->max) {
		p->dropped++;
		return NULL;
	}
	if (!grow_slots(p)) {
		p->failed = true;
		return NULL;
	}
	if (p->n == p->room) {
		size_t room = p->room ? 2 * p->room : 256;
		struct objlist_seen *v = realloc(p->v, room * sizeof *v);
		if (!v) {
			p->failed = true;
			return NULL;
		}
		p->v = v;
		p->room = room;
	}
	const char *kept = keep_name(p, name);
	if (!kept) {
		p->failed = true;
		return NULL;
	}
	struct objlist_seen *e = &p->v[p->n];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->dev = dev;
	e->ino = ino;
	e->name = kept;
	e->deleted = deleted;
	e->h.pid = pid;
	struct pairs_slot *s = slot(p, kind, dev, ino);
	s->gen = p->gen;
	s->at = (uint32_t)p->n++;
	return e;
}

void pairs_names_free(struct pairs_names *names)
{
	while (names) {
		struct pairs_names *next = names->next;
		free(names);
		names = next;
	}
}

void pairs_free(struct pairs *p)
{
	free(p->v);
	free(p->slots);
	pairs_names_free(p->names);
	memset(p, 0, sizeof *p);
}
