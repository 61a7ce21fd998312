/* SPDX-License-Identifier: MIT */
/*
 * The version 3 record (decode.h): its named counters map onto the model
 * directly.  The header is checked once, at the first read; then each read
 * copies the status and values under the seqlock, checks the metadata of
 * counters not seen before (names stay unique), and copies the history of
 * each counter: the newest MODEL_COUNTER_SPARK samples for the table's
 * sparkline and rate, the selected one's whole ring for the graph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "reader.h"

/* What the decoder keeps of one record between reads. */
struct v3 {
	struct shmtop_status3 st;    /* header as checked, status as last copied */
	struct shmtop_layout3 lay;   /* the layout the header implies */
	struct shmtop_pubval3 *vals; /* capacity entries */
	struct reader_names names;   /* of c->ctr[0, known) */
	uint32_t known;              /* counters whose metadata is checked */
};

static void v3_release(struct content *c)
{
	struct v3 *p = c->priv;
	if (!p)
		return;
	free(p->vals);
	reader_names_free(&p->names);
	free(p);
	c->priv = NULL;
}

/* The version a shmtop record says it has, or 0 for no shmtop record. */
static uint32_t version_of(const void *seg, size_t size)
{
	const struct shmtop_record3 *r = seg;
	if (size < 16 || atomic_load_explicit(&r->magic, memory_order_acquire) != SHMTOP_MAGIC)
		return 0;
	return atomic_load_explicit(&r->version, memory_order_relaxed);
}

/* Check the header and make room for its counters.  OK, or why not. */
static enum decode_status start(const void *seg, size_t size, struct content *c, char *why,
				size_t whylen)
{
	struct shmtop_status3 h;
	struct shmtop_layout3 lay;
	switch (reader_header(seg, size, &h, &lay, why, whylen)) {
	case SHMTOP_READ_OK: break;
	case SHMTOP_READ_EMPTY: return DECODE_EMPTY;
	default: return DECODE_DAMAGED;
	}
	struct v3 *p = calloc(1, sizeof *p);
	if (p)
		c->priv = p;
	if (!p || !(p->vals = calloc(h.capacity, sizeof *p->vals)) ||
	    reader_names_init(&p->names, h.capacity) || content_reserve(c, h.capacity)) {
		v3_release(c);
		snprintf(why, whylen, "out of memory for %u counters", h.capacity);
		return DECODE_ERROR;
	}
	p->st = h;
	p->lay = lay;
	c->format = decode_v3.name;
	c->named = true;
	c->hist_floor = 0;
	return DECODE_OK;
}

/* Check and keep the metadata of counters [known, n).  0, or -1 with why. */
static int learn(const void *seg, struct v3 *p, struct content *c, uint32_t n, char *why,
		 size_t whylen)
{
	for (uint32_t i = p->known; i < n; i++) {
		struct model_counter *k = &c->ctr[i];
		uint32_t kind;
		if (reader_meta(seg, &p->lay, i, k->name, k->unit, &kind, why, whylen) ||
		    reader_names_add(&p->names, k->name, i, why, whylen))
			return -1;
		k->kind = kind == SHMTOP_KIND3_GAUGE ? MODEL_GAUGE : MODEL_COUNTER;
		k->type = VALUE_UINT;
		p->known = i + 1;
	}
	return 0;
}

/* The newest samples (at most max) of counter i, from floor on. */
static size_t history(const void *seg, const struct v3 *p, size_t i, struct shmtop_sample *out,
		      size_t max, uint64_t floor, uint64_t *first)
{
	return reader_history(seg, &p->lay, p->st.hist_cap, i, floor, out, max, first);
}

static enum decode_status v3_decode(const void *seg, size_t size, const struct decode_want *w,
				    struct content *c, char *why, size_t whylen)
{
	uint32_t version = version_of(seg, size);
	if (version != SHMTOP_RECORD_V3) {
		if (c->priv) { /* this record, rewritten under the reader */
			snprintf(why, whylen, "its version changed to %u", version);
			return DECODE_DAMAGED;
		}
		why[0] = '\0'; /* the version 2 decoder speaks for other records */
		if (version != 0 && version != SHMTOP_RECORD_V2)
			snprintf(why, whylen,
				 "a version %u shmtop record: this shmtop reads versions %u and %u",
				 version, SHMTOP_RECORD_V2, SHMTOP_RECORD_V3);
		return DECODE_NOT_THIS;
	}
	if (!c->priv) {
		enum decode_status ds = start(seg, size, c, why, whylen);
		if (ds != DECODE_OK)
			return ds;
	}
	struct v3 *p = c->priv;
	struct shmtop_status3 st = p->st;
	switch (reader_copy(seg, &p->lay, &st, p->vals, !w->torn_ok, why, whylen)) {
	case SHMTOP_READ_OK: break;
	case SHMTOP_READ_EMPTY: return DECODE_EMPTY;
	case SHMTOP_READ_BUSY: return DECODE_BUSY;
	case SHMTOP_READ_INVALID: return DECODE_DAMAGED;
	}
	if (learn(seg, p, c, st.ncounters, why, whylen))
		return DECODE_DAMAGED;
	p->st = st;
	c->status = (struct content_status){
		.known = true,
		.pid = st.writer_pid,
		.start = st.writer_start,
		.state = st.state,
		.period_ns = st.period_ns,
		.beat_ns = st.beat_ns,
		.beat_gap_ns = st.period_ns, /* it beats at each service step */
		.resets = st.resets,
		.writers = st.writers,
		.accept = st.accept,
		.request_ack = st.request_ack,
		.refused_req = st.refused_req,
		.refused_cmds = st.refused_cmds,
		.control_id = st.control_id,
		.token = st.token,
		.hist_next = st.hist_next,
	};
	c->nctr = st.ncounters;
	for (size_t i = 0; i < c->nctr; i++) {
		struct model_counter *k = &c->ctr[i];
		k->value = p->vals[i].value;
		k->changed_wall_ns = p->vals[i].changed_wall_ns;
		k->changed_mono_ns = p->vals[i].changed_mono_ns;
		k->nspark = history(seg, p, i, k->spark, MODEL_COUNTER_SPARK, 0, &k->spark_first);
	}
	content_reselect(c);
	if (c->hist_floor > st.hist_next)
		c->hist_floor = 0;
	c->nhist = c->nctr ? history(seg, p, c->selected, c->hist, SHMTOP_HISTORY, c->hist_floor,
				     &c->hist_first)
			   : 0;
	return w->torn_ok ? DECODE_TORN : DECODE_OK;
}

static bool v3_sniff(const unsigned char *head, size_t n)
{
	return record_head_version(head, n) == SHMTOP_RECORD_V3;
}

const struct decoder decode_v3 = { "version 3 record", "libshmtop", "publisher", v3_decode,
				   v3_release,         NULL,        "shmtop",    v3_sniff };
