/* SPDX-License-Identifier: MIT */
/*
 * The event log of the watched segment: the monitor's view turned into an
 * events_obs, and the last one kept to diff the next against.
 */
#include "watchlog.h"

#include <string.h>

void watchlog_init(struct watchlog *w)
{
	memset(w, 0, sizeof *w);
	events_init(&w->ring);
}

void watchlog_obs(const struct model_input *in, struct events_obs *out)
{
	memset(out, 0, sizeof *out);
	/* MODEL_REMOVED keeps the last IPC_STAT of the segment let go: with
	 * dest it is removed but still there, without it gone. */
	out->present = in->stat != NULL && in->state != MODEL_WAITING &&
		       in->state != MODEL_DENIED && (in->state != MODEL_REMOVED || in->stat->dest);
	if (out->present)
		out->st = *in->stat;
	if (in->snap && in->state == MODEL_LIVE) {
		out->have_writer = true;
		out->writer_pid = in->snap->writer_pid;
		out->writer_start = in->snap->writer_start;
		out->state = in->snap->state;
		out->resets = in->snap->resets;
		out->writers = in->snap->writers;
		out->writer_alive = in->writer_alive;
	}
}

size_t watchlog_update(struct watchlog *w, const struct model_input *in, int64_t wall_ns)
{
	struct events_obs cur;
	watchlog_obs(in, &cur);
	size_t n = w->have_prev ? events_diff(&w->prev, &cur, wall_ns, &w->ring) : 0;
	w->prev = cur;
	w->have_prev = true;
	return n;
}
