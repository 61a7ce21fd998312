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

/* later - earlier, saturated to INT64_MIN or INT64_MAX where it would
 * overflow: for times read from shared memory, which may be any value. */
static inline int64_t clock_diff_ns(int64_t later, int64_t earlier)
{
	int64_t d;
	if (__builtin_sub_overflow(later, earlier, &d))
		return later > earlier ? INT64_MAX : INT64_MIN;
	return d;
}

#endif
