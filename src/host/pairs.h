/* SPDX-License-Identifier: MIT */
/*
 * The (object, process) pairs of one scan of /proc, as objlist_scan()
 * builds them: an array of struct objlist_seen in which each process's
 * pairs are together, and an open-addressing hash over the current
 * process's pairs, keyed by (kind, device, inode), so that each of its
 * mappings and fds finds its pair in constant time, however many it has.
 * The hash's slots carry the generation of the process they were filled
 * for: starting the next process is one increment, whatever the table's
 * size.  Memory grows with the pairs (distinct objects in each process),
 * never with the mappings: 60,000 mappings of one memfd in one process are
 * one pair.
 *
 * Names are kept apart from the pairs, each at its own length, in chunks
 * that never move (struct pairs_names), so a pair points at its name.
 *
 * At most max pairs a scan: past it, a new pair is refused and each
 * mapping or fd it would have counted is counted in dropped instead.
 */
#ifndef SHMTOP_PAIRS_H
#define SHMTOP_PAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "objlist.h"

/* The cap of one scan: 262,144 pairs, about 30 MB with their names. */
#define PAIRS_MAX ((size_t)1 << 18)

struct pairs_slot {
	uint32_t gen; /* the process it was filled for; 0 never */
	uint32_t at;  /* the pair's index in v */
};

struct pairs {
	struct objlist_seen *v; /* the pairs, a process's together */
	size_t n, room;
	size_t first;   /* the current process's first pair */
	size_t max;     /* the cap */
	size_t dropped; /* mappings and fds left out because the cap was reached */
	bool failed;    /* out of memory */
	struct pairs_slot *slots;
	size_t nslots; /* a power of two, or 0 */
	uint32_t gen;
	struct pairs_names *names;
};

/* An empty set of pairs of at most max (0: PAIRS_MAX). */
void pairs_init(struct pairs *p, size_t max);

/* Start the pairs of the next process: the ones added so far are no longer
 * looked up. */
void pairs_process(struct pairs *p);

/* The current process's pair of object (kind, dev, ino), made if new with
 * pid, name (copied) and deleted, its counts zero.  NULL if it is new and
 * there is no room: at the cap (p->dropped counts it) or out of memory
 * (p->failed set). */
struct objlist_seen *pairs_get(struct pairs *p, pid_t pid, enum objlist_kind kind, uint64_t dev,
			       uint64_t ino, const char *name, bool deleted);

/* Free what p holds (the pairs and their names, unless taken). */
void pairs_free(struct pairs *p);

/* Free names as pairs left them to an object list (objlist_free()). */
void pairs_names_free(struct pairs_names *names);

#endif
