/* SPDX-License-Identifier: MIT */
/*
 * What an owner of a record does, whichever its version: libshmtop's
 * publisher (publisher.c, version 3) and the version 2 writer, a test
 * fixture (tests/fixture/v2writer.c), both hold the key's writer lock (writerlock.h), adopt only a
 * segment that is their own (trust.h), make their own control segment and carry a dead
 * predecessor's pending commands over (control.h), and stop when the
 * segment or the lock is taken from under them.
 */
#ifndef SHMTOP_OWNER_H
#define SHMTOP_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/shm.h>
#include <sys/types.h>

#include "control.h"
#include "writerlock.h"

/* How often a lost segment or lock is looked for, and commands sent to a
 * predecessor's control segment, while a viewer still has it attached. */
#define OWNER_CHECK_NS (250 * INT64_C(1000000))
#define OWNER_OLD_CONTROL_POLL_NS (50 * INT64_C(1000000))

/* A random token for a new record: a copy of the record carries it too, but
 * a segment that merely reuses the shmid does not. */
uint64_t owner_new_token(void);

/* "0x%08x" of key, in buf. */
const char *owner_key_hex(key_t key, char buf[16]);

/* A fresh control segment of mode for data segment data_shmid and token,
 * already marked for removal so it goes away with its last user, its
 * counters starting at start; mapped read-write in *ctl.  Its id, or -1
 * with why. */
int owner_control_create(int data_shmid, uint64_t token, mode_t mode,
			 const struct control_seen *start, struct shmtop_control **ctl, char *why,
			 size_t whylen);

/* The control segment id of the writer before us (pid prev), if it is
 * still there and passes the checks a viewer makes: its pending commands
 * are then applied, not lost.  NULL otherwise. */
struct shmtop_control *owner_previous_control(int data_shmid, uint64_t token, int id, pid_t prev);

/* May this euid adopt the existing segment id on key, of IPC_STAT ds: does
 * it own and create it, and may no one else write it?  0, or -1 with why. */
int owner_adoptable(key_t key, int id, const struct shmid_ds *ds, char *why, size_t whylen);

/* Has the segment been removed (ipcrm), or the lock lost for good?  1 with
 * the reason in why, else 0. */
int owner_lost(int shmid, struct writerlock *lock, char *why, size_t whylen);

/* A predecessor's control segment forwarded into ours while a viewer has
 * it attached. */
struct owner_old_control {
	struct shmtop_control *ctl; /* NULL: none */
	int id;
	struct control_seen seen; /* what has been forwarded from it */
};

/* Let it go once no viewer has it attached (only we do); a last forward
 * catches what was sent before they left. */
void owner_drop_old_control(struct shmtop_control *ours, struct owner_old_control *old);

/* CLOCK_REALTIME derived from CLOCK_MONOTONIC, so that an update costs one
 * clock read; the offset is measured again every OWNER_CHECK_NS, which
 * follows clock steps (NTP, date -s). */
struct owner_wall {
	int64_t offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC ... */
	int64_t at;     /* ... as measured at this CLOCK_MONOTONIC time */
};

void owner_wall_refresh(struct owner_wall *w, int64_t now);

#endif
