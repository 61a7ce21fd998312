/* SPDX-License-Identifier: MIT */
/*
 * The writer engine behind shmwriter: owns one segment, publishes the count
 * at its interval and applies viewers' commands.  The program's main() only
 * parses options and reports; tests drive this engine directly too.
 */
#ifndef SHMTOP_WRITER_H
#define SHMTOP_WRITER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct writer_options {
	key_t key;
	int64_t interval_ns; /* 0: flat out */
	mode_t mode;         /* data segment, when created */
	mode_t control_mode; /* control segment */
	bool reset;          /* start the count at 0 on a taken-over segment */
	bool remove_on_exit; /* IPC_RMID the data segment in writer_close() */
};

/* Heartbeat period: a live writer publishes at least this often. */
#define WRITER_BEAT_NS (250 * INT64_C(1000000))

typedef struct writer writer;

/* Take the single-writer lock of o->key, then create the segment on it, or
 * take over one whose writer is gone.  Returns NULL with a one-line reason
 * in why if a writer is running, the segment or the lock's semaphore set is
 * not ours to trust (left untouched), or a system call fails.  Must be called from the thread that
 * will run and close it. */
writer *writer_open(const struct writer_options *o, char *why, size_t whylen);

/* One line describing what writer_open() did: key, shmid, size, mode, pid. */
void writer_describe(const writer *w, char *buf, size_t len);

/* Publish until *stop becomes non-zero (returns 0; a lock-free atomic, so a
 * signal handler or another thread may set it), or until the segment is
 * removed under it or the writer lock is lost for good, which is checked
 * every beat, or another writer has taken the record over, which is checked
 * at every update (returns -1; writer_error() says which).  Sleeps on
 * the control segment's futex between ticks, so commands apply at once. */
int writer_run(writer *w, const _Atomic int *stop);

/* Why writer_run() returned -1, in one line. */
const char *writer_error(const writer *w);

/* Mark the record stopped, release the lock, detach (and remove if asked),
 * then free w. */
void writer_close(writer *w);

/* The data segment's shmid. */
int writer_shmid(const writer *w);

#endif
