/* SPDX-License-Identifier: MIT */
/*
 * The version 2 record (decode.h), read up into the model as one counter,
 * "count": the seqlock copy of record.h, and when that stays busy a copy
 * taken field by field, as a writer taking over takes one.
 */
#include <stdio.h>
#include <string.h>

#include "decode.h"

/* Copy the history of the counter, and learn the sample number of its
 * first sample: the copy ends just before the ring's hist_next as
 * record_read_history() saw it, which is known exactly when hist_next
 * reads the same before and after (the graph puts each sample in a column
 * by its number). */
static void history(const void *seg, struct content *c)
{
	const struct shmtop_record *r = seg;
	for (int tries = 0;; tries++) {
		uint64_t h0 = atomic_load_explicit(&r->hist_next, memory_order_acquire);
		if (c->hist_floor > h0)
			c->hist_floor = 0; /* a new count on the segment */
		uint64_t want = h0 - c->hist_floor;
		c->nhist = record_read_history(
		    seg, c->hist, want < SHMTOP_HISTORY ? (size_t)want : SHMTOP_HISTORY);
		uint64_t h1 = atomic_load_explicit(&r->hist_next, memory_order_acquire);
		if (h1 == h0 || tries == 3) {
			/* a writer this fast redraws every column anyway */
			c->hist_first = h1 - c->nhist;
			return;
		}
	}
}

/* The snapshot s as the model: its writer, and the one counter. */
static int take(const void *seg, const struct shmtop_snapshot *s, struct content *c)
{
	if (content_reserve(c, 1))
		return -1;
	c->status = (struct content_status){
		.known = true,
		.pid = s->writer_pid,
		.start = s->writer_start,
		.state = s->state,
		.period_ns = s->interval_ns,
		.beat_ns = s->beat_ns,
		.resets = s->resets,
		.writers = s->writers,
		.accept = SHMTOP_CMD_ALL_BITS,
		.request_ack = s->request_ack,
		.control_id = s->control_id,
		.token = s->token,
		.hist_next = s->hist_next,
	};
	struct model_counter *k = &c->ctr[0];
	memset(k, 0, sizeof *k);
	memcpy(k->name, "count", sizeof "count");
	k->value = s->count;
	k->changed_wall_ns = s->wall_ns;
	k->changed_mono_ns = s->mono_ns;
	c->nctr = 1;
	c->named = false;
	c->format = decode_v2.name;
	history(seg, c);
	return 0;
}

static enum decode_status v2_decode(const void *seg, size_t size, const struct decode_want *w,
				    struct content *c, char *why, size_t whylen)
{
	struct shmtop_snapshot s;
	enum decode_status ok = DECODE_OK;
	switch (record_read(seg, size, &s, why, whylen)) {
	case SHMTOP_READ_OK: break;
	case SHMTOP_READ_EMPTY: return DECODE_EMPTY;
	case SHMTOP_READ_INVALID:
		if (record_read_header(seg, size, &s, why, whylen) != SHMTOP_READ_OK)
			return DECODE_NOT_THIS;
		record_read(seg, size, &s, why, whylen); /* what fails: the payload */
		return DECODE_DAMAGED;
	case SHMTOP_READ_BUSY:
		if (!w->torn_ok || record_read_fields(seg, size, &s, why, whylen))
			return DECODE_BUSY;
		ok = DECODE_TORN;
		break;
	}
	if (take(seg, &s, c)) {
		snprintf(why, whylen, "out of memory");
		return DECODE_ERROR;
	}
	return ok;
}

static bool v2_sniff(const unsigned char *head, size_t n)
{
	return record_head_version(head, n) == SHMTOP_RECORD_V2;
}

const struct decoder decode_v2 = { "version 2 record", "shmwriter", "writer", v2_decode, NULL, NULL,
				   "shmtop2",          v2_sniff };
