/* SPDX-License-Identifier: MIT */
/*
 * The MMV reader (mmv.h).  One pass: the header, the table of contents
 * into one range per section, then each section in the order its
 * references need (indoms, instances, metrics, values, labels), each entry
 * checked against the sections it points into.  The limits are pmdammv's:
 * at most 1023 metrics, 255 labels; indoms bounded the same as metrics so
 * the lookup of a metric's indom by serial stays small.
 */
#include "mmv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SEC_INDOMS = 1, SEC_INSTANCES, SEC_METRICS, SEC_VALUES, SEC_STRINGS, SEC_LABELS, SEC_N };

enum { MAX_METRICS = 1023, MAX_INDOMS = 1023, MAX_LABELS = 255 };

static const char *const sec_name[SEC_N] = {
	"?", "indoms", "instances", "metrics", "values", "strings", "labels",
};

struct sec {
	bool present;
	uint64_t off;
	uint32_t count;
	uint32_t size; /* of one entry */
};

struct ctx {
	const unsigned char *b;
	size_t len;
	struct sec s[SEC_N];
	char *why;
	size_t whylen;
};

/* Loads of the producer's fields: an 8-byte field aligned in memory is read
 * with one 8-byte load (a value the producer stores while we read is old
 * or new, never half of each). */
static uint32_t ld32(const struct ctx *c, uint64_t off)
{
	const unsigned char *p = c->b + off;
	if (((uintptr_t)p & 3) == 0)
		return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint64_t ld64(const struct ctx *c, uint64_t off)
{
	const unsigned char *p = c->b + off;
	if (((uintptr_t)p & 7) == 0)
		return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static enum mmv_status say(struct ctx *c, enum mmv_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum mmv_status say(struct ctx *c, enum mmv_status st, const char *fmt, ...)
{
	if (c->why && c->whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Is off exactly entry k of section t?  k set when it is. */
static bool entry_of(const struct ctx *c, int t, uint64_t off, uint32_t *k)
{
	const struct sec *s = &c->s[t];
	if (!s->present || off < s->off || (off - s->off) % s->size != 0)
		return false;
	uint64_t i = (off - s->off) / s->size;
	if (i >= s->count)
		return false;
	*k = (uint32_t)i;
	return true;
}

/* The NUL-terminated text of size bytes at off, or NULL if none ends
 * there (off + size is inside the file: the caller checked). */
static const char *text_at(const struct ctx *c, uint64_t off, size_t size)
{
	const char *p = (const char *)c->b + off;
	return memchr(p, '\0', size) ? p : NULL;
}

/* The string at off in the strings section.  0 with optional: none (NULL
 * in *out).  false with why set otherwise. */
static bool string_at(struct ctx *c, uint64_t off, bool optional, const char *what,
		      const char **out)
{
	uint32_t k;
	*out = NULL;
	if (off == 0 && optional)
		return true;
	if (!entry_of(c, SEC_STRINGS, off, &k)) {
		say(c, MMV_DAMAGED, "%s: string offset %llu is not a string of the file", what,
		    (unsigned long long)off);
		return false;
	}
	*out = text_at(c, off, MMV_STRING_SIZE);
	if (!*out) {
		say(c, MMV_DAMAGED, "%s: string at %llu has no NUL in %d bytes", what,
		    (unsigned long long)off, MMV_STRING_SIZE);
		return false;
	}
	return true;
}

static enum mmv_status read_toc(struct ctx *c, int32_t tocs)
{
	uint64_t lo[SEC_N + 1], hi[SEC_N + 1];
	int nr = 0;
	lo[nr] = 0;
	hi[nr++] = MMV_HEADER_SIZE + (uint64_t)tocs * MMV_TOC_SIZE;
	for (int32_t i = 0; i < tocs; i++) {
		uint64_t e = MMV_HEADER_SIZE + (uint64_t)i * MMV_TOC_SIZE;
		uint32_t type = ld32(c, e);
		int32_t count = (int32_t)ld32(c, e + 4);
		uint64_t off = ld64(c, e + 8);
		if (type < SEC_INDOMS || type > SEC_LABELS)
			return say(c, MMV_DAMAGED, "TOC entry %d: unknown type %u", i, type);
		struct sec *s = &c->s[type];
		if (s->present)
			return say(c, MMV_DAMAGED, "TOC entry %d: a second %s section", i,
				   sec_name[type]);
		if (count < 0)
			return say(c, MMV_DAMAGED, "TOC entry %d: %s count %d", i, sec_name[type],
				   count);
		/* count < 2^31 and size <= 256: no overflow before the test */
		uint64_t bytes = (uint64_t)count * s->size;
		if (off > c->len || bytes > c->len - off)
			return say(c, MMV_DAMAGED,
				   "TOC entry %d: %s section (%d at %llu) past the end of the "
				   "file (%zu bytes)",
				   i, sec_name[type], count, (unsigned long long)off, c->len);
		s->present = true;
		s->off = off;
		s->count = (uint32_t)count;
		if (bytes) {
			lo[nr] = off;
			hi[nr++] = off + bytes;
		}
	}
	/* No two sections overlap (nor the header): an entry is of one kind. */
	for (int i = 0; i < nr; i++)
		for (int j = i + 1; j < nr; j++)
			if (lo[i] < hi[j] && lo[j] < hi[i])
				return say(c, MMV_DAMAGED,
					   "sections overlap (%llu-%llu and %llu-%llu)",
					   (unsigned long long)lo[i], (unsigned long long)hi[i],
					   (unsigned long long)lo[j], (unsigned long long)hi[j]);
	if (!c->s[SEC_METRICS].present || !c->s[SEC_VALUES].present)
		return say(c, MMV_DAMAGED, "no %s section",
			   c->s[SEC_METRICS].present ? "values" : "metrics");
	if (c->s[SEC_INDOMS].present != c->s[SEC_INSTANCES].present)
		return say(c, MMV_DAMAGED,
			   "an indoms section without instances, or instances "
			   "without indoms");
	return MMV_OK;
}

static enum mmv_status read_indoms(struct ctx *c, struct mmv_file *f)
{
	const struct sec *s = &c->s[SEC_INDOMS];
	if (s->count > MAX_INDOMS)
		return say(c, MMV_DAMAGED, "%u instance domains (at most %d)", s->count,
			   MAX_INDOMS);
	if (s->count > f->indoms_cap)
		return say(c, MMV_ERROR, "%u instance domains, room for %zu", s->count,
			   f->indoms_cap);
	for (uint32_t i = 0; i < s->count; i++) {
		uint64_t e = s->off + (uint64_t)i * MMV_INDOM_SIZE;
		struct mmv_indom *d = &f->indoms[i];
		char what[48];
		snprintf(what, sizeof what, "instance domain %u", i);
		d->serial = ld32(c, e);
		d->count = ld32(c, e + 4);
		uint64_t first = ld64(c, e + 8);
		d->first = 0;
		if (d->serial == 0 || d->serial == UINT32_MAX)
			return say(c, MMV_DAMAGED, "%s: serial %u", what, d->serial);
		for (uint32_t j = 0; j < i; j++)
			if (f->indoms[j].serial == d->serial)
				return say(c, MMV_DAMAGED, "%s: serial %u repeated", what,
					   d->serial);
		if (d->count) {
			if (!entry_of(c, SEC_INSTANCES, first, &d->first) ||
			    d->count > c->s[SEC_INSTANCES].count - d->first)
				return say(c, MMV_DAMAGED,
					   "%s: %u instances at %llu are not in the instances "
					   "section",
					   what, d->count, (unsigned long long)first);
		}
		if (!string_at(c, ld64(c, e + 16), true, what, &d->oneline) ||
		    !string_at(c, ld64(c, e + 24), true, what, &d->help))
			return MMV_DAMAGED;
	}
	f->n_indoms = s->count;
	return MMV_OK;
}

static enum mmv_status read_instances(struct ctx *c, struct mmv_file *f)
{
	const struct sec *s = &c->s[SEC_INSTANCES];
	if (s->count > f->instances_cap)
		return say(c, MMV_ERROR, "%u instances, room for %zu", s->count, f->instances_cap);
	for (uint32_t i = 0; i < s->count; i++) {
		uint64_t e = s->off + (uint64_t)i * s->size;
		struct mmv_instance *in = &f->instances[i];
		char what[40];
		snprintf(what, sizeof what, "instance %u", i);
		uint64_t d = ld64(c, e);
		if (!entry_of(c, SEC_INDOMS, d, &in->indom))
			return say(c, MMV_DAMAGED,
				   "%s: indom offset %llu is not an instance domain", what,
				   (unsigned long long)d);
		const struct mmv_indom *dom = &f->indoms[in->indom];
		if (i < dom->first || i - dom->first >= dom->count)
			return say(c, MMV_DAMAGED,
				   "%s: not among its instance domain's (serial %u)", what,
				   dom->serial);
		in->internal = (int32_t)ld32(c, e + 12);
		if (f->version == 1) {
			in->external = text_at(c, e + 16, MMV_NAME_SIZE);
			if (!in->external)
				return say(c, MMV_DAMAGED, "%s: name has no NUL in %d bytes", what,
					   MMV_NAME_SIZE);
		} else if (!string_at(c, ld64(c, e + 16), false, what, &in->external)) {
			return MMV_DAMAGED;
		}
	}
	/* every indom's instances point back at it */
	for (uint32_t d = 0; d < f->n_indoms; d++)
		for (uint32_t k = 0; k < f->indoms[d].count; k++)
			if (f->instances[f->indoms[d].first + k].indom != d)
				return say(c, MMV_DAMAGED,
					   "instance domain %u: instance %u belongs to another", d,
					   f->indoms[d].first + k);
	f->n_instances = s->count;
	return MMV_OK;
}

static bool type_ok(uint32_t t)
{
	return t <= MMV_STRING || t == MMV_ELAPSED;
}

static enum mmv_status read_metrics(struct ctx *c, struct mmv_file *f)
{
	const struct sec *s = &c->s[SEC_METRICS];
	if (s->count > MAX_METRICS)
		return say(c, MMV_DAMAGED, "%u metrics (at most %d)", s->count, MAX_METRICS);
	if (s->count > f->metrics_cap)
		return say(c, MMV_ERROR, "%u metrics, room for %zu", s->count, f->metrics_cap);
	/* version 1: the name inline; 2 and 3: an offset, the rest 56 bytes on */
	uint64_t at = f->version == 1 ? MMV_NAME_SIZE : 8;
	for (uint32_t i = 0; i < s->count; i++) {
		uint64_t e = s->off + (uint64_t)i * s->size;
		struct mmv_metric *m = &f->metrics[i];
		char what[40];
		snprintf(what, sizeof what, "metric %u", i);
		if (f->version == 1) {
			m->name = text_at(c, e, MMV_NAME_SIZE);
			if (!m->name)
				return say(c, MMV_DAMAGED, "%s: name has no NUL in %d bytes", what,
					   MMV_NAME_SIZE);
		} else if (!string_at(c, ld64(c, e), false, what, &m->name)) {
			return MMV_DAMAGED;
		}
		if (!m->name[0])
			return say(c, MMV_DAMAGED, "%s: empty name", what);
		m->item = ld32(c, e + at);
		m->type = ld32(c, e + at + 4);
		m->sem = ld32(c, e + at + 8);
		m->units = ld32(c, e + at + 12);
		m->indom_serial = ld32(c, e + at + 16);
		if (!type_ok(m->type))
			return say(c, MMV_DAMAGED, "%s (%.64s): unknown type %u", what, m->name,
				   m->type);
		if (m->sem == 0)
			m->sem = MMV_COUNTER;
		if (m->sem != MMV_COUNTER && m->sem != MMV_INSTANT && m->sem != MMV_DISCRETE)
			return say(c, MMV_DAMAGED, "%s (%.64s): unknown semantics %u", what,
				   m->name, m->sem);
		m->indom = -1;
		if (m->indom_serial != 0 && m->indom_serial != UINT32_MAX) {
			for (uint32_t d = 0; d < f->n_indoms; d++)
				if (f->indoms[d].serial == m->indom_serial)
					m->indom = (int32_t)d;
			if (m->indom < 0)
				return say(c, MMV_DAMAGED, "%s (%.64s): no instance domain %u",
					   what, m->name, m->indom_serial);
		}
		if (!string_at(c, ld64(c, e + at + 24), true, what, &m->oneline) ||
		    !string_at(c, ld64(c, e + at + 32), true, what, &m->help))
			return MMV_DAMAGED;
	}
	f->n_metrics = s->count;
	return MMV_OK;
}

static enum mmv_status read_values(struct ctx *c, struct mmv_file *f)
{
	const struct sec *s = &c->s[SEC_VALUES];
	if (s->count > f->values_cap)
		return say(c, MMV_ERROR, "%u values, room for %zu", s->count, f->values_cap);
	bool sentinel = f->flags & MMV_SENTINEL;
	for (uint32_t i = 0; i < s->count; i++) {
		uint64_t e = s->off + (uint64_t)i * MMV_VALUE_SIZE;
		struct mmv_value *v = &f->values[i];
		uint64_t moff = ld64(c, e + 16), ioff = ld64(c, e + 24);
		if (!entry_of(c, SEC_METRICS, moff, &v->metric))
			return say(c, MMV_DAMAGED, "value %u: metric offset %llu is not a metric",
				   i, (unsigned long long)moff);
		const struct mmv_metric *m = &f->metrics[v->metric];
		v->instance = -1;
		if (m->indom >= 0) {
			uint32_t k;
			if (!entry_of(c, SEC_INSTANCES, ioff, &k))
				return say(c, MMV_DAMAGED,
					   "value %u (%.64s): instance offset %llu is not an "
					   "instance",
					   i, m->name, (unsigned long long)ioff);
			if (f->instances[k].indom != (uint32_t)m->indom)
				return say(c, MMV_DAMAGED,
					   "value %u (%.64s): instance %u is not of its instance "
					   "domain",
					   i, m->name, k);
			v->instance = (int32_t)k;
		}
		uint64_t raw = ld64(c, e);
		uint32_t lo = ld32(c, e); /* the union's first 4 bytes, either order */
		v->extra = (int64_t)ld64(c, e + 8);
		v->string = NULL;
		v->v.u = 0;
		float fl;
		switch (m->type) {
		case MMV_I32: v->v.i = (int32_t)lo; break;
		case MMV_U32: v->v.u = lo; break;
		case MMV_I64:
		case MMV_ELAPSED: v->v.i = (int64_t)raw; break;
		case MMV_U64: v->v.u = raw; break;
		case MMV_FLOAT:
			memcpy(&fl, &lo, sizeof fl);
			v->v.d = (double)fl;
			break;
		case MMV_DOUBLE: memcpy(&v->v.d, &raw, sizeof v->v.d); break;
		case MMV_STRING: {
			char what[40];
			snprintf(what, sizeof what, "value %u", i);
			if (!string_at(c, (uint64_t)v->extra, false, what, &v->string))
				return MMV_DAMAGED;
			break;
		}
		}
		if (m->type == MMV_FLOAT || m->type == MMV_DOUBLE)
			v->novalue = sentinel && isnan(v->v.d);
		else if (m->type == MMV_STRING)
			v->novalue = sentinel && !v->string[0];
		else
			v->novalue = sentinel && raw == UINT64_MAX;
	}
	f->n_values = s->count;
	return MMV_OK;
}

static enum mmv_status read_labels(struct ctx *c, struct mmv_file *f)
{
	const struct sec *s = &c->s[SEC_LABELS];
	f->n_labels = 0;
	if (!s->present)
		return MMV_OK;
	if (s->count > MAX_LABELS)
		return say(c, MMV_DAMAGED, "%u labels (at most %d)", s->count, MAX_LABELS);
	if (s->count > f->labels_cap)
		return say(c, MMV_ERROR, "%u labels, room for %zu", s->count, f->labels_cap);
	for (uint32_t i = 0; i < s->count; i++) {
		uint64_t e = s->off + (uint64_t)i * MMV_LABEL_SIZE;
		struct mmv_label *l = &f->labels[i];
		l->flags = ld32(c, e);
		l->identity = ld32(c, e + 4);
		l->internal = (int32_t)ld32(c, e + 8);
		l->payload = text_at(c, e + 12, MMV_LABEL_PAYLOAD);
		if (!l->payload)
			return say(c, MMV_DAMAGED, "label %u: no NUL in %d bytes", i,
				   MMV_LABEL_PAYLOAD);
	}
	f->n_labels = s->count;
	return MMV_OK;
}

enum mmv_status mmv_parse(const unsigned char *b, size_t len, struct mmv_file *f, char *why,
			  size_t whylen)
{
	struct ctx c = { .b = b, .len = len, .why = why, .whylen = whylen };
	if (why && whylen)
		why[0] = '\0';
	f->n_indoms = f->n_instances = f->n_metrics = f->n_values = f->n_labels = 0;
	if (len < 4 || memcmp(b, "MMV", 4) != 0)
		return say(&c, MMV_NOT_THIS, "no MMV magic");
	if (len < MMV_HEADER_SIZE)
		return say(&c, MMV_DAMAGED, "%zu bytes, shorter than the header (%d)", len,
			   MMV_HEADER_SIZE);
	f->version = (int32_t)ld32(&c, 4);
	if (f->version < 1 || f->version > 3)
		return say(&c, MMV_ERROR, "MMV version %d (this reader knows 1 to 3)", f->version);
	uint64_t g1 = ld64(&c, 8), g2 = ld64(&c, 16);
	if (g1 == 0)
		return say(&c, MMV_EMPTY, "generation 0: not made yet");
	if (g1 != g2)
		return say(&c, MMV_BUSY, "in flux (generations %llu and %llu)",
			   (unsigned long long)g1, (unsigned long long)g2);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	f->gen = g1;
	int32_t tocs = (int32_t)ld32(&c, 24);
	f->flags = ld32(&c, 28);
	f->process = (int32_t)ld32(&c, 32);
	f->cluster = (int32_t)ld32(&c, 36);
	if (tocs < 2 || tocs > MMV_TOCS_MAX)
		return say(&c, MMV_DAMAGED, "%d TOC entries (2 to %d)", tocs, MMV_TOCS_MAX);
	if (len < MMV_HEADER_SIZE + (size_t)tocs * MMV_TOC_SIZE)
		return say(&c, MMV_DAMAGED, "%zu bytes, too short for %d TOC entries", len, tocs);
	c.s[SEC_INDOMS].size = MMV_INDOM_SIZE;
	c.s[SEC_INSTANCES].size = f->version == 1 ? MMV_INSTANCE1_SIZE : MMV_INSTANCE2_SIZE;
	c.s[SEC_METRICS].size = f->version == 1 ? MMV_METRIC1_SIZE : MMV_METRIC2_SIZE;
	c.s[SEC_VALUES].size = MMV_VALUE_SIZE;
	c.s[SEC_STRINGS].size = MMV_STRING_SIZE;
	c.s[SEC_LABELS].size = MMV_LABEL_SIZE;
	enum mmv_status st;
	if ((st = read_toc(&c, tocs)) != MMV_OK || (st = read_indoms(&c, f)) != MMV_OK ||
	    (st = read_instances(&c, f)) != MMV_OK || (st = read_metrics(&c, f)) != MMV_OK ||
	    (st = read_values(&c, f)) != MMV_OK || (st = read_labels(&c, f)) != MMV_OK)
		return st;
	/* the layout read is the one the generations vouch for */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (ld64(&c, 8) != g1 || ld64(&c, 16) != g1)
		return say(&c, MMV_BUSY, "in flux (the file was remade during the read)");
	return MMV_OK;
}

int mmv_alloc(struct mmv_file *f, size_t len)
{
	memset(f, 0, sizeof *f);
	f->indoms_cap = len / MMV_INDOM_SIZE;
	f->instances_cap = len / MMV_INSTANCE2_SIZE;
	f->metrics_cap = len / MMV_METRIC2_SIZE;
	f->values_cap = len / MMV_VALUE_SIZE;
	f->labels_cap = len / MMV_LABEL_SIZE;
	f->indoms = calloc(f->indoms_cap + 1, sizeof *f->indoms);
	f->instances = calloc(f->instances_cap + 1, sizeof *f->instances);
	f->metrics = calloc(f->metrics_cap + 1, sizeof *f->metrics);
	f->values = calloc(f->values_cap + 1, sizeof *f->values);
	f->labels = calloc(f->labels_cap + 1, sizeof *f->labels);
	if (!f->indoms || !f->instances || !f->metrics || !f->values || !f->labels) {
		mmv_free(f);
		return -1;
	}
	return 0;
}

void mmv_free(struct mmv_file *f)
{
	free(f->indoms);
	free(f->instances);
	free(f->metrics);
	free(f->values);
	free(f->labels);
	memset(f, 0, sizeof *f);
}

/* pmUnits in its 32-bit word: dimSpace in the top 4 bits, then dimTime,
 * dimCount, scaleSpace, scaleTime, scaleCount; the low 8 bits are
 * padding (PCP 6) or an extra unit (PCP 7), not shown. */
static int sfield(uint32_t u, int shift)
{
	int v = (int)((u >> shift) & 0xf);
	return v >= 8 ? v - 16 : v;
}

static void cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);
	if (n < len)
		snprintf(buf + n, len - n, "%s", s);
}

static void cat_dim(char *buf, size_t len, const char *name, int power)
{
	char p[16];
	cat(buf, len, " ");
	cat(buf, len, name);
	if (power != 1) {
		snprintf(p, sizeof p, "^%d", power);
		cat(buf, len, p);
	}
}

void mmv_units_str(uint32_t units, char *buf, size_t len)
{
	static const char *const space[] = { "byte",  "Kbyte", "Mbyte", "Gbyte", "Tbyte",
					     "Pbyte", "Ebyte", "Zbyte", "Ybyte" };
	static const char *const time[] = {
		"nanosec", "microsec", "millisec", "sec", "min", "hour"
	};
	int dim[3] = { sfield(units, 28), sfield(units, 24), sfield(units, 20) };
	unsigned ss = (units >> 16) & 0xf, ts = (units >> 12) & 0xf;
	int sc = sfield(units, 8);
	char names[3][24];
	if (ss < sizeof space / sizeof space[0])
		snprintf(names[0], sizeof names[0], "%s", space[ss]);
	else
		snprintf(names[0], sizeof names[0], "space-%u", ss);
	if (ts < sizeof time / sizeof time[0])
		snprintf(names[1], sizeof names[1], "%s", time[ts]);
	else
		snprintf(names[1], sizeof names[1], "time-%u", ts);
	if (sc == 0)
		snprintf(names[2], sizeof names[2], "count");
	else if (sc == 1)
		snprintf(names[2], sizeof names[2], "count x 10");
	else
		snprintf(names[2], sizeof names[2], "count x 10^%d", sc);
	char tmp[96] = "";
	for (int i = 0; i < 3; i++)
		if (dim[i] > 0)
			cat_dim(tmp, sizeof tmp, names[i], dim[i]);
	if (dim[0] < 0 || dim[1] < 0 || dim[2] < 0) {
		cat(tmp, sizeof tmp, " /");
		for (int i = 0; i < 3; i++)
			if (dim[i] < 0)
				cat_dim(tmp, sizeof tmp, names[i], -dim[i]);
	}
	if (!tmp[0] && sc != 0)
		cat_dim(tmp, sizeof tmp, names[2], 1);
	snprintf(buf, len, "%s", tmp[0] == ' ' ? tmp + 1 : tmp);
}

const char *mmv_sem_name(uint32_t sem)
{
	switch (sem) {
	case MMV_COUNTER: return "counter";
	case MMV_INSTANT: return "instant";
	case MMV_DISCRETE: return "discrete";
	}
	return "?";
}

const char *mmv_type_name(uint32_t type)
{
	static const char *const names[] = {
		"32", "u32", "64", "u64", "float", "double", "string"
	};
	if (type <= MMV_STRING)
		return names[type];
	return type == MMV_ELAPSED ? "elapsed" : "?";
}

char *mmv_value_name(const struct mmv_file *f, const struct mmv_value *v, char *buf, size_t len)
{
	const char *m = f->metrics[v->metric].name;
	if (v->instance >= 0)
		snprintf(buf, len, "%s[%s]", m, f->instances[v->instance].external);
	else
		snprintf(buf, len, "%s", m);
	return buf;
}
