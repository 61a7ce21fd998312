/* SPDX-License-Identifier: MIT */
/*
 * shmwriter's work, on libshmtop's publisher (shmtop.h): one counter,
 * "count", that grows by one at each interval; or, with --stdin, two,
 * "lines" and "bytes", of what arrives on standard input, published once
 * an interval.  The record is version 3 (record.h); the lock, the control
 * segment, the takeover of a dead writer's segment and the refusal of
 * anyone else's are the publisher's.  main() only parses and reports.
 */
#ifndef SHMWRITER_COUNTING_H
#define SHMWRITER_COUNTING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct counting_options {
	key_t key;
	int64_t interval_ns; /* count mode: between counts, 0 flat out; --stdin: between
			      * publications (> 0) */
	mode_t mode;         /* data segment, when created */
	mode_t control_mode; /* control segment */
	bool reset;          /* start from 0 on a taken-over segment */
	bool remove_on_exit; /* IPC_RMID the data segment in counting_close() */
	bool from_stdin;     /* count the lines and bytes of standard input */
};

typedef struct counting counting;

/* Open the publisher on o->key (creating the segment, or taking over the
 * one a dead writer of the same mode left) and declare the counters.  NULL
 * with a one-line reason in why. */
counting *counting_open(const struct counting_options *o, char *why, size_t whylen);

/* One line saying what counting_open() did: key, shmid, size, mode, pid,
 * and whether it created the segment or took it over (from whom, at what
 * count). */
void counting_describe(const counting *c, char *buf, size_t len);

/* Count (or read in_fd, with --stdin) until *stop turns non-zero or, with
 * --stdin, in_fd ends (0); or until the segment is removed, the lock lost
 * or the record taken over, or in_fd fails (-1, counting_error() says
 * why).  Viewers' commands apply at once: the wait is on the control
 * segment's futex, or in a helper thread with --stdin. */
int counting_run(counting *c, int in_fd, const _Atomic int *stop);

const char *counting_error(const counting *c);

/* Publish a last time, mark the record stopped, release the lock, remove
 * the segment if asked, free c. */
void counting_close(counting *c);

#endif
