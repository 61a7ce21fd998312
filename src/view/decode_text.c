/* SPDX-License-Identifier: MIT */
/*
 * The text counter (decode.h): the classic example's `counter` does
 * sprintf(shm, "%d", n++) into its segment every second.  The number is
 * copied twice, a few bytes each, and taken only when both copies agree:
 * a copy taken while the writer is mid-sprintf ("9" becoming "10" reads
 * "1" for a moment) differs from the next one unless the writer stopped
 * between two byte stores for the whole of both copies.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "decode.h"

#define TEXT_DIGITS 20    /* UINT64_MAX */
#define TEXT_PERIOD_OF 16 /* changes its period is the mean gap of */

/* The number at the start of b (n bytes): 0, or -1 with why. */
static int parse(const unsigned char *b, size_t n, uint64_t *out, char *why, size_t whylen)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; i < n && b[i] >= '0' && b[i] <= '9'; i++) {
		if (i == TEXT_DIGITS || v > (UINT64_MAX - (b[i] - '0')) / 10) {
			snprintf(why, whylen, "not a text counter: the number overflows");
			return -1;
		}
		v = v * 10 + (b[i] - '0');
	}
	if (i == 0) {
		why[0] = '\0'; /* not text at all: another format says why */
		return -1;
	}
	if (i == n || b[i] != '\0') {
		snprintf(why, whylen, "not a text counter: no NUL after the digits");
		return -1;
	}
	if (b[0] == '0' && i > 1) {
		snprintf(why, whylen, "not a text counter: a leading zero");
		return -1;
	}
	*out = v;
	return 0;
}

/* A sample of c's history, the oldest dropped when full. */
static void push(struct content *c, uint64_t value, int64_t mono)
{
	struct content_status *s = &c->status;
	if (c->nhist == SHMTOP_HISTORY) {
		memmove(c->hist, c->hist + 1, (SHMTOP_HISTORY - 1) * sizeof *c->hist);
		c->nhist--;
		c->hist_first++;
	}
	if (c->nhist == 0)
		c->hist_first = s->hist_next;
	c->hist[c->nhist++] = (struct shmtop_sample){ value, mono };
	s->hist_next++;
}

static enum decode_status text_decode(const void *seg, size_t size, const struct decode_want *w,
				      struct content *c, char *why, size_t whylen)
{
	unsigned char a[TEXT_DIGITS + 2], b[sizeof a];
	size_t n = size < sizeof a ? size : sizeof a;
	memcpy(a, seg, n);
	memcpy(b, seg, n);
	uint64_t v;
	if (parse(a, n, &v, why, whylen))
		return DECODE_NOT_THIS;
	if (memcmp(a, b, n) != 0) {
		snprintf(why, whylen, "the text counter changed while read");
		return DECODE_BUSY;
	}
	if (content_reserve(c, 1)) {
		snprintf(why, whylen, "out of memory");
		return DECODE_ERROR;
	}
	struct content_status *s = &c->status;
	struct model_counter *ctr = &c->ctr[0];
	bool first = c->nctr == 0;
	if (first) {
		memset(ctr, 0, sizeof *ctr);
		snprintf(ctr->name, sizeof ctr->name, "value");
		*s = (struct content_status){ .state = SHMTOP_STATE_RUNNING, .control_id = -1 };
		c->format = decode_text.name;
		c->nctr = 1;
		c->named = false;
	}
	if (first || v != ctr->value) {
		ctr->value = v;
		ctr->changed_mono_ns = w->now_mono;
		ctr->changed_wall_ns = w->now_wall;
		s->beat_ns = w->now_mono; /* a change seen is its heartbeat */
		push(c, v, w->now_mono);
		size_t k = c->nhist < MODEL_COUNTER_SPARK ? c->nhist : MODEL_COUNTER_SPARK;
		memcpy(ctr->spark, c->hist + c->nhist - k, k * sizeof *ctr->spark);
		ctr->nspark = k;
		ctr->spark_first = c->hist_first + (c->nhist - k);
		/* its period: the mean gap of the last TEXT_PERIOD_OF changes,
		 * which a poll as slow as the writer (a change seen a poll
		 * late, then two in one) leaves steady */
		size_t m = c->nhist < TEXT_PERIOD_OF + 1 ? c->nhist : TEXT_PERIOD_OF + 1;
		if (m >= 2)
			s->period_ns = clock_diff_ns(c->hist[c->nhist - 1].mono_ns,
						     c->hist[c->nhist - m].mono_ns) /
				       (int64_t)(m - 1);
	}
	s->beat_gap_ns = s->period_ns;
	return DECODE_OK;
}

static bool text_sniff(const unsigned char *head, size_t n)
{
	uint64_t v;
	char why[80];
	return parse(head, n, &v, why, sizeof why) == 0;
}

const struct decoder decode_text = { "text counter", NULL, "writer", text_decode,
				     NULL,           NULL, "text",   text_sniff };
