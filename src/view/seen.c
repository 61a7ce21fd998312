/* SPDX-License-Identifier: MIT */
/* Counters as this reader sees them (seen.h). */
#include "seen.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"

size_t seen_copy(char *dst, size_t cap, const char *src)
{
	if (cap == 0)
		return 0;
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

int seen_reserve(struct seen *s, size_t n)
{
	if (n > s->cap) {
		size_t cap = n < 16 ? 16 : n;
		struct seen_item *p = realloc(s->item, cap * sizeof *p);
		if (p)
			s->item = p;
		bool *f = p ? realloc(s->fresh, cap * sizeof *f) : NULL;
		if (f)
			s->fresh = f;
		if (!p || !f)
			return -1;
		s->cap = cap;
	}
	for (size_t i = 0; i < n; i++) {
		struct seen_item *t = &s->item[i];
		t->name[0] = t->unit[0] = t->help[0] = t->text[0] = '\0';
		t->novalue = false;
		t->per_second = 0;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct model_counter *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* bsearch()'s: a name against a counter's. */
static int name_of(const void *key, const void *b)
{
	const struct model_counter *const *y = b;
	return strcmp(key, (*y)->name);
}

/* c's counters as s lists them: those whose name c had keep what c knew
 * of them (of one of that name, if c had several: the bytes' duplicates
 * are theirs to tell apart).  0, or -1. */
static int relist(struct seen *s, struct content *c)
{
	struct model_counter *nc = calloc(s->n ? s->n : 1, sizeof *nc);
	const struct model_counter **idx = calloc(c->nctr ? c->nctr : 1, sizeof *idx);
	if (!nc || !idx) {
		free(nc);
		free(idx);
		return -1;
	}
	for (size_t i = 0; i < c->nctr; i++)
		idx[i] = &c->ctr[i];
	qsort(idx, c->nctr, sizeof *idx, by_name);
	for (size_t i = 0; i < s->n; i++) {
		const char *key = s->item[i].name;
		const struct model_counter **old =
		    c->nctr ? bsearch(key, idx, c->nctr, sizeof *idx, name_of) : NULL;
		s->fresh[i] = !old || (*old)->type != s->item[i].type;
		if (!s->fresh[i])
			nc[i] = **old;
	}
	free(idx);
	free(c->ctr);
	c->ctr = nc;
	c->cap = s->n ? s->n : 1;
	c->nctr = s->n;
	return 0;
}

static bool same_names(const struct seen *s, const struct content *c)
{
	if (s->n != c->nctr)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->item[i].name, c->ctr[i].name) != 0 ||
		    s->item[i].type != c->ctr[i].type)
			return false;
	return true;
}

/* Counter k's new value f, at w's times: true if it is a change. */
static bool take(struct model_counter *k, const struct seen_item *f, bool fresh,
		 const struct decode_want *w)
{
	seen_copy(k->name, sizeof k->name, f->name);
	seen_copy(k->unit, sizeof k->unit, f->unit);
	seen_copy(k->help, sizeof k->help, f->help);
	k->kind = f->kind;
	k->type = f->type;
	k->per_second = f->per_second;
	if (fresh) {
		k->value = 0;
		k->text[0] = '\0';
		k->nspark = 0;
		k->spark_first = 0;
		if (f->novalue)
			return false;
	} else if (f->novalue ||
		   (f->type == VALUE_TEXT ? strcmp(k->text, f->text) == 0 : k->value == f->value)) {
		return false;
	}
	k->changed_mono_ns = w->now_mono;
	k->changed_wall_ns = w->now_wall;
	if (f->type == VALUE_TEXT) {
		seen_copy(k->text, sizeof k->text, f->text);
		return true;
	}
	k->value = f->value;
	if (k->nspark == MODEL_COUNTER_SPARK) {
		memmove(k->spark, k->spark + 1, (MODEL_COUNTER_SPARK - 1) * sizeof *k->spark);
		k->nspark--;
		k->spark_first++;
	}
	k->spark[k->nspark++] = (struct shmtop_sample){ k->value, w->now_mono };
	return true;
}

/* The selected counter's history: its samples c->hist lacks, from the
 * floor on. */
static void follow(struct seen *s, struct content *c)
{
	const struct model_counter *k = content_selected(c);
	if (!k) {
		c->nhist = 0;
		c->status.hist_next = 0;
		return;
	}
	if (strcmp(s->hist_of, k->name) != 0) {
		memcpy(s->hist_of, k->name, sizeof s->hist_of);
		c->nhist = 0;
		c->hist_floor = 0;
	}
	uint64_t next = k->spark_first + k->nspark;
	if (c->hist_floor > next)
		c->hist_floor = 0;
	if (c->nhist &&
	    (c->hist_first + c->nhist < k->spark_first || c->hist_first + c->nhist > next))
		c->nhist = 0; /* not this counter's samples any more */
	uint64_t from = c->nhist ? c->hist_first + c->nhist : c->hist_floor;
	if (from < k->spark_first)
		from = k->spark_first;
	for (; from < next; from++) {
		if (c->nhist == SHMTOP_HISTORY) {
			memmove(c->hist, c->hist + 1, (SHMTOP_HISTORY - 1) * sizeof *c->hist);
			c->nhist--;
			c->hist_first++;
		}
		if (c->nhist == 0)
			c->hist_first = from;
		c->hist[c->nhist++] = k->spark[from - k->spark_first];
	}
	c->status.hist_next = next;
}

int seen_take(struct seen *s, struct content *c, const struct decode_want *w)
{
	if (same_names(s, c))
		memset(s->fresh, 0, s->n * sizeof *s->fresh);
	else if (relist(s, c))
		return -1;
	bool changed = false;
	for (size_t i = 0; i < s->n; i++)
		changed |= take(&c->ctr[i], &s->item[i], s->fresh[i], w);
	struct content_status *st = &c->status;
	if (changed) {
		if (s->nbeats == SEEN_PERIOD_OF + 1) {
			memmove(s->beats, s->beats + 1, SEEN_PERIOD_OF * sizeof *s->beats);
			s->nbeats--;
		}
		s->beats[s->nbeats++] = w->now_mono;
		st->beat_ns = w->now_mono;
		if (s->nbeats >= 2)
			st->period_ns = clock_diff_ns(s->beats[s->nbeats - 1], s->beats[0]) /
					(int64_t)(s->nbeats - 1);
	}
	st->beat_gap_ns = st->period_ns;
	st->state = SHMTOP_STATE_RUNNING;
	c->named = true;
	content_reselect(c);
	follow(s, c);
	return 0;
}

void seen_free(struct seen *s)
{
	free(s->item);
	free(s->fresh);
	memset(s, 0, sizeof *s);
}
