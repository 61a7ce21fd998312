/* SPDX-License-Identifier: MIT */
/*
 * A JVM's hsperfdata (decode.h, hsperf.h): every entry a counter named
 * as `jcmd PID PerfCounter.print` names it, and jvmstat's six
 * sun.perfdata.* pseudo counters from the prologue, as jcmd lists them
 * too.  Variability gives the kind (constant, monotonic: a counter,
 * variable: a gauge); a long is VALUE_INT, a string VALUE_TEXT.  Values
 * are the file's raw numbers, as jcmd prints them: ticks stay ticks (unit
 * "ticks"), and a counter of ticks has sun.os.hrt.frequency (unit "hertz",
 * how many a second) as its per_second, so the screen shows it as time.
 * The file names no writer (the JVM's pid is its file's name, which the
 * bytes do not hold): the status is unknown, its heartbeat and period as
 * seen (seen.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "hsperf.h"
#include "seen.h"

/* What the decoder keeps of one file between reads. */
struct hs {
	struct hsperf_entry *e; /* ecap */
	size_t ecap;
	char *text; /* tlen */
	size_t tlen;
	struct seen seen;
};

static void hs_release(struct content *c)
{
	struct hs *p = c->priv;
	if (!p)
		return;
	free(p->e);
	free(p->text);
	seen_free(&p->seen);
	free(p);
	c->priv = NULL;
}

/* Room in p for a file of size bytes: 0, or -1. */
static int room(struct hs *p, size_t size)
{
	size_t ne = HSPERF_MAX_ENTRIES(size);
	if (ne > p->ecap) {
		struct hsperf_entry *e = realloc(p->e, ne * sizeof *e);
		if (!e)
			return -1;
		p->e = e;
		p->ecap = ne;
	}
	if (size + 1 > p->tlen) {
		char *t = realloc(p->text, size + 1);
		if (!t)
			return -1;
		p->text = t;
		p->tlen = size + 1;
	}
	return 0;
}

static enum model_kind kind_of(enum hsperf_kind k)
{
	return k == HSPERF_CONSTANT  ? MODEL_CONSTANT
	       : k == HSPERF_COUNTER ? MODEL_COUNTER
				     : MODEL_GAUGE;
}

static void unit_of(char *unit, size_t len, enum hsperf_unit u)
{
	seen_copy(unit, len, u == HSPERF_U_NONE || u == HSPERF_U_STRING ? "" : hsperf_unit_name(u));
}

/* A long counter of the list; a count of ticks is a time at freq a
 * second (0: not known). */
static void number(struct seen_item *k, const char *name, enum hsperf_kind kind,
		   enum hsperf_unit unit, int64_t v, int64_t freq)
{
	k->per_second = unit == HSPERF_U_TICKS && freq > 0 ? (uint64_t)freq : 0;
	seen_copy(k->name, sizeof k->name, name);
	unit_of(k->unit, sizeof k->unit, unit);
	k->kind = kind_of(kind);
	k->type = VALUE_INT;
	k->value = value_of_int(v);
}

/* The magic: the bytes ca fe c0 c0, in either byte order's file. */
static bool hs_sniff(const unsigned char *head, size_t n)
{
	return n >= 4 && head[0] == 0xca && head[1] == 0xfe && head[2] == 0xc0 && head[3] == 0xc0;
}

static enum decode_status hs_decode(const void *seg, size_t size, const struct decode_want *w,
				    struct content *c, char *why, size_t whylen)
{
	if (!hs_sniff(seg, size)) {
		why[0] = '\0';
		return DECODE_NOT_THIS;
	}
	if (!c->priv) {
		c->priv = calloc(1, sizeof(struct hs));
		c->format = decode_hsperf.name;
		c->named = true;
		c->status =
		    (struct content_status){ .state = SHMTOP_STATE_RUNNING, .control_id = -1 };
	}
	struct hs *p = c->priv;
	if (!p || room(p, size)) {
		snprintf(why, whylen, "out of memory for a file of %zu bytes", size);
		return DECODE_ERROR;
	}
	size_t n = 0;
	struct hsperf_info info;
	switch (hsperf_parse(seg, size, p->e, p->ecap, &n, p->text, p->tlen, &info, why, whylen)) {
	case HSPERF_OK: break;
	case HSPERF_BEING_MADE: return DECODE_EMPTY;
	default: return DECODE_DAMAGED; /* its magic is checked above */
	}
	if (seen_reserve(&p->seen, n + 6)) {
		snprintf(why, whylen, "out of memory for %zu counters", n + 6);
		return DECODE_ERROR;
	}
	struct seen_item *k = p->seen.item;
	int64_t freq = hsperf_frequency(p->e, n);
	for (size_t i = 0; i < n; i++, k++) {
		const struct hsperf_entry *e = &p->e[i];
		if (!e->is_string) {
			number(k, e->name, e->kind, e->unit, e->value, freq);
			continue;
		}
		seen_copy(k->name, sizeof k->name, e->name);
		k->per_second = 0;
		k->kind = kind_of(e->kind);
		k->type = VALUE_TEXT;
		seen_copy(k->text, sizeof k->text, e->str ? e->str : "");
	}
	/* jvmstat's, from the prologue (PerfDataBuffer's pseudo monitors) */
	number(k++, "sun.perfdata.majorVersion", HSPERF_CONSTANT, HSPERF_U_NONE, 2, freq);
	number(k++, "sun.perfdata.minorVersion", HSPERF_CONSTANT, HSPERF_U_NONE, info.minor, freq);
	number(k++, "sun.perfdata.overflow", HSPERF_GAUGE, HSPERF_U_NONE, info.overflow, freq);
	number(k++, "sun.perfdata.size", HSPERF_CONSTANT, HSPERF_U_BYTES, (int64_t)info.size, freq);
	number(k++, "sun.perfdata.timestamp", HSPERF_COUNTER, HSPERF_U_TICKS, info.mod_time_stamp,
	       freq);
	number(k++, "sun.perfdata.used", HSPERF_GAUGE, HSPERF_U_BYTES, info.used, freq);
	p->seen.n = n + 6;
	if (seen_take(&p->seen, c, w)) {
		snprintf(why, whylen, "out of memory for %zu counters", n + 6);
		return DECODE_ERROR;
	}
	return DECODE_OK;
}

const struct decoder decode_hsperf = { "hsperfdata", "JVM", "JVM",        hs_decode,
				       hs_release,   NULL,  "hsperfdata", hs_sniff };
