/* SPDX-License-Identifier: MIT */
/*
 * PCP's MMV files (decode.h, mmv.h), versions 1 to 3: each value a
 * counter named as mmvdump and pminfo name it, `metric` or, for a metric
 * with an instance domain, `metric[instance]` (the instance's external
 * name).  Semantics give the kind: counter (and 0, as pmdammv takes it) a
 * counter, instant and discrete gauges (discrete values may change, if
 * rarely: not constants).  Types: 32 and 64 VALUE_INT, u32 and u64
 * VALUE_UINT, float and double VALUE_REAL, string VALUE_TEXT; elapsed
 * VALUE_INT microseconds, an open timed section's time so far added as
 * pmdammv adds it.  The unit is pmUnitsStr()'s, the help the metric's
 * short help (its long help when it has none).  A value with the
 * SENTINEL flag's "no value" keeps the value last seen.  With the PROCESS
 * flag the header's pid is the writer's (the file holds no start time:
 * status.start 0); without it the writer is unknown.  Heartbeat and
 * period are as seen (seen.h).  A file in flux (generations 0 or unequal,
 * or changed while read) is DECODE_BUSY and never taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mmv.h"
#include "seen.h"

/* What the decoder keeps of one file between reads. */
struct mv {
	struct mmv_file f;
	size_t flen; /* the file length f's arrays hold */
	struct seen seen;
};

static void mv_release(struct content *c)
{
	struct mv *p = c->priv;
	if (!p)
		return;
	mmv_free(&p->f);
	seen_free(&p->seen);
	free(p);
	c->priv = NULL;
}

/* The string s of the bytes b (len) into dst (cap), cut to fit: s is
 * checked, but another process may have changed it since. */
static size_t put(char *dst, size_t cap, const char *s, const unsigned char *b, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (cap == 0)
		return 0;
	size_t n = 0;
	if (s && u >= b && u < b + len) {
		size_t max = (size_t)(b + len - u);
		n = strnlen(s, max < cap - 1 ? max : cap - 1);
		memcpy(dst, s, n);
	}
	dst[n] = '\0';
	return n;
}

static uint64_t gen_at(const unsigned char *b, size_t off)
{
	uint64_t g;
	memcpy(&g, b + off, sizeof g);
	return g;
}

/* Value v of f as counter k, at w's wall clock. */
static void list(struct seen_item *k, const struct mmv_file *f, const struct mmv_value *v,
		 const unsigned char *b, size_t len, const struct decode_want *w)
{
	const struct mmv_metric *m = &f->metrics[v->metric];
	size_t at = put(k->name, sizeof k->name, m->name, b, len);
	if (v->instance >= 0 && at + 2 < sizeof k->name) {
		k->name[at++] = '[';
		at += put(k->name + at, sizeof k->name - at, f->instances[v->instance].external, b,
			  len);
		if (at + 1 < sizeof k->name)
			memcpy(k->name + at, "]", 2);
	}
	char units[64];
	mmv_units_str(m->units, units, sizeof units);
	put(k->unit, sizeof k->unit, units, (const unsigned char *)units, sizeof units);
	put(k->help, sizeof k->help, m->oneline ? m->oneline : m->help, b, len);
	k->kind = m->sem == MMV_INSTANT || m->sem == MMV_DISCRETE ? MODEL_GAUGE : MODEL_COUNTER;
	switch (m->type) {
	case MMV_U32:
	case MMV_U64:
		k->type = VALUE_UINT;
		k->value = v->v.u;
		break;
	case MMV_FLOAT:
	case MMV_DOUBLE:
		k->type = VALUE_REAL;
		k->value = value_of_real(v->v.d);
		break;
	case MMV_STRING:
		k->type = VALUE_TEXT;
		put(k->text, sizeof k->text, v->string, b, len);
		break;
	default: { /* 32, 64, elapsed */
		int64_t x = v->v.i, open;
		if (m->type == MMV_ELAPSED && v->extra < 0 &&
		    !__builtin_add_overflow(w->now_wall / 1000, v->extra, &open))
			(void)__builtin_add_overflow(x, open, &x);
		k->type = VALUE_INT;
		k->value = value_of_int(x);
	}
	}
	if (v->novalue)
		k->novalue = true;
}

static bool mv_sniff(const unsigned char *head, size_t n)
{
	return n >= 4 && memcmp(head, "MMV", 4) == 0;
}

static enum decode_status mv_decode(const void *seg, size_t size, const struct decode_want *w,
				    struct content *c, char *why, size_t whylen)
{
	const unsigned char *b = seg;
	if (!mv_sniff(b, size)) {
		why[0] = '\0';
		return DECODE_NOT_THIS;
	}
	if (!c->priv) {
		c->priv = calloc(1, sizeof(struct mv));
		c->format = decode_mmv.name;
		c->named = true;
		c->status =
		    (struct content_status){ .state = SHMTOP_STATE_RUNNING, .control_id = -1 };
	}
	struct mv *p = c->priv;
	if (p && p->flen < size) {
		mmv_free(&p->f);
		p->flen = mmv_alloc(&p->f, size) ? 0 : size;
	}
	if (!p || p->flen < size) {
		snprintf(why, whylen, "out of memory for a file of %zu bytes", size);
		return DECODE_ERROR;
	}
	struct mmv_file *f = &p->f;
	switch (mmv_parse(b, size, f, why, whylen)) {
	case MMV_OK: break;
	case MMV_NOT_THIS: return DECODE_NOT_THIS;
	case MMV_EMPTY: return DECODE_EMPTY;
	case MMV_BUSY: return DECODE_BUSY;
	case MMV_DAMAGED: return DECODE_DAMAGED;
	default: return DECODE_ERROR;
	}
	if (seen_reserve(&p->seen, f->n_values)) {
		snprintf(why, whylen, "out of memory for %zu counters", f->n_values);
		return DECODE_ERROR;
	}
	for (size_t i = 0; i < f->n_values; i++)
		list(&p->seen.item[i], f, &f->values[i], b, size, w);
	p->seen.n = f->n_values;
	if (gen_at(b, 8) != f->gen || gen_at(b, 16) != f->gen) {
		snprintf(why, whylen, "the file changed while read");
		return DECODE_BUSY;
	}
	if (seen_take(&p->seen, c, w)) {
		snprintf(why, whylen, "out of memory for %zu counters", f->n_values);
		return DECODE_ERROR;
	}
	bool pid = (f->flags & MMV_PROCESS) && f->process > 0;
	c->status.known = pid;
	c->status.pid = pid ? f->process : 0;
	return DECODE_OK;
}

const struct decoder decode_mmv = { "MMV file", "PCP MMV", "producer", mv_decode,
				    mv_release, NULL,      "mmv",      mv_sniff };
