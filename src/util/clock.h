/* SPDX-License-Identifier: MIT */
/* Clocks in nanoseconds. */
#ifndef SHMTOP_CLOCK_H
#define SHMTOP_CLOCK_H

#include <stdint.h>

#define NS_PER_SEC INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)

/* CLOCK_MONOTONIC, for ages and deadlines. */
int64_t clock_mono_ns(void);

/* CLOCK_REALTIME, for display. */
int64_t clock_wall_ns(void);

#endif
