/* SPDX-License-Identifier: MIT */
/*
 * What the publisher (publisher.c) tells its tests and benchmarks beyond
 * the public API of shmtop.h.
 */
#ifndef SHMTOP_PUBLISHER_H
#define SHMTOP_PUBLISHER_H

#include <stdint.h>

#include "shmtop/shmtop.h"

/* What resets have taken from counter slot, ever: the sum of the hot values
 * they subtracted (a gauge: replaced).  With the adds made to it and its
 * value now, this proves that no add racing a reset was lost. */
uint64_t publisher_reset_taken(shmtop_publisher *p, unsigned slot);

#endif
