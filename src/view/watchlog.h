/* SPDX-License-Identifier: MIT */
/*
 * The detail view's lifecycle event log: successive observations of the
 * watched segment, taken from the monitor after each poll, diffed by
 * events_diff() into a ring.  The first observation only sets the baseline
 * (what was already there is not news).  Pure: the caller gives the time.
 */
#ifndef SHMTOP_WATCHLOG_H
#define SHMTOP_WATCHLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "model.h"

struct watchlog {
	struct events_ring ring;
	struct events_obs prev;
	bool have_prev;
};

/* Start empty, with no baseline. */
void watchlog_init(struct watchlog *w);

/* The observation a model input (as monitor_input() fills it) amounts to. */
void watchlog_obs(const struct model_input *in, struct events_obs *out);

/* Observe in at wall_ns; returns the events appended (0 the first time). */
size_t watchlog_update(struct watchlog *w, const struct model_input *in, int64_t wall_ns);

#endif
