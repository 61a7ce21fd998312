/* SPDX-License-Identifier: MIT */
/*
 * Counters as this reader sees them, for formats that keep no history
 * (a JVM's hsperfdata, PCP's MMV): each read, the decoder lists what the
 * bytes hold now (names, metadata, values) and seen_take() merges it into
 * the model.  Names are the counters' identity: a counter keeps its
 * history while its name is listed, wherever it moves in the list, and
 * starts afresh when it first appears (or its type changes).  A counter's
 * history is its values as seen: a sample at the read's CLOCK_MONOTONIC
 * at its first sight and at each read where its value differs from the
 * last one seen; a text counter has none.  The selected counter's history
 * (content's hist) is its sparkline's samples, then each new one, up to
 * SHMTOP_HISTORY; samples are numbered per counter, and status.hist_next
 * is the selected one's next number.  The heartbeat is the last read that
 * saw any value change, the period the mean gap of the last
 * SEEN_PERIOD_OF such reads.
 */
#ifndef SHMTOP_SEEN_H
#define SHMTOP_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "decode.h"

#define SEEN_PERIOD_OF 16

/* One counter as a read found it. */
struct seen_item {
	char name[MODEL_NAME_MAX];
	char unit[MODEL_UNIT_MAX];
	char help[MODEL_HELP_MAX];
	char text[MODEL_TEXT_MAX]; /* VALUE_TEXT's value */
	enum model_kind kind;
	enum value_type type;
	uint64_t value;
	uint64_t per_second; /* model_counter's */
	bool novalue;        /* no value this time: the last one seen stays */
};

/* A read's list (item[0, n) of cap) and what the merge keeps between
 * reads. */
struct seen {
	struct seen_item *item;
	size_t n, cap;
	bool *fresh;                       /* of the merge: counter i is new */
	int64_t beats[SEEN_PERIOD_OF + 1]; /* reads that saw a change, oldest first */
	size_t nbeats;
	char hist_of[MODEL_NAME_MAX]; /* the counter c->hist holds */
};

/* Room for n counters in the list, the first n with empty strings, no
 * per_second and a value.  0, or -1: out of memory. */
int seen_reserve(struct seen *s, size_t n);

/* Merge s's list into c (its counters, selection, history, heartbeat and
 * period; the rest of c->status is the decoder's) at the times of w.  0,
 * or -1: out of memory (c as it was). */
int seen_take(struct seen *s, struct content *c, const struct decode_want *w);

void seen_free(struct seen *s);

/* src into dst (cap bytes), cut to fit.  Returns the bytes copied. */
size_t seen_copy(char *dst, size_t cap, const char *src);

#endif
