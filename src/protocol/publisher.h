/* SPDX-License-Identifier: MIT */
/*
 * What the publisher (publisher.c) tells its tests and benchmarks beyond
 * the public API of shmtop.h.
 */
#ifndef SHMTOP_PUBLISHER_H
#define SHMTOP_PUBLISHER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "shmtop/shmtop.h"

/* What resets have taken from counter slot, ever: the sum of the hot values
 * they subtracted (a gauge: replaced).  With the adds made to it and its
 * value now, this proves that no add racing a reset was lost. */
uint64_t publisher_reset_taken(shmtop_publisher *p, unsigned slot);

/* What shmwriter's loop needs beyond the public API. */

/* shmtop_step() as if the period were due now: every value published with
 * this time, a history sample, the next period from now (shmwriter -i 0
 * publishes each count, as its version 2 record did). */
int64_t publisher_step_now(shmtop_publisher *p);

/* CLOCK_MONOTONIC time of the next due step (the next history sample while
 * running), whatever shmtop_step() returned as the time to wait. */
int64_t publisher_next_due(shmtop_publisher *p);

/* Sleep up to ns, or until a viewer sends a command (the control segment's
 * futex), or a signal arrives. */
void publisher_wait(shmtop_publisher *p, int64_t ns);

/* How shmtop_open() came by the segment: 0 if it created it, else the pid
 * of the publisher whose record it took over, with *stopped telling whether
 * that one had marked it stopped (it exited) or not (it died). */
pid_t publisher_predecessor(const shmtop_publisher *p, bool *stopped);

#endif
