/* SPDX-License-Identifier: MIT */
/*
 * The prometheus_client multiprocess reader (promdb.h): the entries of one
 * file in one pass over used, each key through a strict JSON reader of
 * the one shape the library writes; the names of files; the collector's
 * aggregation over many files by one sort of all their entries.
 */
#include "promdb.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static const char *const kind_names[] = { "counter", "gauge", "histogram", "summary" };
static const char *const mode_names[PROMDB_MODES] = {
	"all",     "liveall", "min",     "livemin",    "max",
	"livemax", "sum",     "livesum", "mostrecent", "livemostrecent",
};

const char *promdb_kind_name(enum promdb_kind kind)
{
	return (unsigned)kind < 4 ? kind_names[kind] : "?";
}

const char *promdb_mode_name(enum promdb_mode mode)
{
	return (unsigned)mode < PROMDB_MODES ? mode_names[mode] : "?";
}

struct ctx {
	const unsigned char *b;
	size_t len;
	struct promdb_file *f;
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 2, 3))) static enum promdb_status fail(struct ctx *c, const char *fmt,
								     ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, c->whylen, fmt, ap);
	va_end(ap);
	return PROMDB_DAMAGED;
}

/* One load of a field the writer may store meanwhile: aligned, a single
 * load of its size (old or new, never half of each). */
static uint32_t ld32(const unsigned char *p)
{
	if (((uintptr_t)p & 3) == 0)
		return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static double ldd(const unsigned char *p)
{
	uint64_t u;
	if (((uintptr_t)p & 7) == 0)
		u = __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
	else
		memcpy(&u, p, sizeof u);
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

/* The strict JSON reader over one key. */
struct js {
	struct ctx *c;
	const unsigned char *p, *start, *end;
	size_t at; /* the entry's offset, for reasons */
	const char *err;
};

static void ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool expect(struct js *j, char ch)
{
	ws(j);
	if (j->p >= j->end || *j->p != (unsigned char)ch) {
		j->err = ch == '"' ? "a string expected" : "bad JSON punctuation";
		return false;
	}
	j->p++;
	return true;
}

static int hex4(const unsigned char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int d = p[i] >= '0' && p[i] <= '9'                 ? p[i] - '0'
			: (p[i] | 32) >= 'a' && (p[i] | 32) <= 'f' ? (p[i] | 32) - 'a' + 10
								   : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A JSON string, decoded into the text buffer (its decoded form is never
 * longer than its JSON form, and the quotes pay for the NUL). */
static const char *string(struct js *j)
{
	if (!expect(j, '"'))
		return NULL;
	struct promdb_file *f = j->c->f;
	char *o = f->text + f->n_text;
	size_t room = f->text_cap - f->n_text, n = 0;
	for (;;) {
		if (j->p >= j->end) {
			j->err = "a string without its closing quote";
			return NULL;
		}
		if (room - n < 5) {
			j->err = "more text than the buffer holds";
			return NULL;
		}
		unsigned char ch = *j->p;
		if (ch == '"') {
			j->p++;
			break;
		}
		if (ch < 0x20) {
			j->err = "a control byte in a string";
			return NULL;
		}
		if (ch >= 0x80) {
			uint32_t cp;
			size_t k = escape_utf8_char(j->p, (size_t)(j->end - j->p), &cp);
			if (!k) {
				j->err = "a string that is not UTF-8";
				return NULL;
			}
			memcpy(o + n, j->p, k);
			n += k;
			j->p += k;
			continue;
		}
		j->p++;
		if (ch != '\\') {
			o[n++] = (char)ch;
			continue;
		}
		if (j->p >= j->end) {
			j->err = "a string without its closing quote";
			return NULL;
		}
		ch = *j->p++;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *e = ch ? strchr(from, ch) : NULL;
		if (e) {
			o[n++] = to[e - from];
			continue;
		}
		if (ch != 'u' || j->end - j->p < 4 || hex4(j->p) < 0) {
			j->err = "a bad escape in a string";
			return NULL;
		}
		uint32_t cp = (uint32_t)hex4(j->p);
		j->p += 4;
		if (cp >= 0xd800 && cp < 0xdc00) {
			int lo = j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u'
				     ? hex4(j->p + 2)
				     : -1;
			if (lo < 0xdc00 || lo >= 0xe000) {
				j->err = "a lone surrogate in a string";
				return NULL;
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
			j->p += 6;
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			j->err = "a lone surrogate in a string";
			return NULL;
		} else if (cp == 0) {
			j->err = "a NUL in a string";
			return NULL;
		}
		n += put_utf8(o + n, cp);
	}
	o[n] = '\0';
	f->n_text += n + 1;
	return o;
}

static int label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct promdb_label *)a)->name,
		      ((const struct promdb_label *)b)->name);
}

static bool labels(struct js *j, struct promdb_entry *e)
{
	struct promdb_file *f = j->c->f;
	if (!expect(j, '{'))
		return false;
	e->labels = f->labels + f->n_labels;
	e->n_labels = 0;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		if (f->n_labels >= f->labels_cap) {
			j->err = "more labels than the buffer holds";
			return false;
		}
		struct promdb_label *l = &f->labels[f->n_labels];
		if (!(l->name = string(j)) || !expect(j, ':') || !(l->value = string(j)))
			return false;
		f->n_labels++;
		e->n_labels++;
		ws(j);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		if (!expect(j, ','))
			return false;
	}
	struct promdb_label *first = f->labels + (f->n_labels - e->n_labels);
	qsort(first, e->n_labels, sizeof *first, label_cmp);
	for (size_t i = 1; i < e->n_labels; i++)
		if (!strcmp(first[i - 1].name, first[i].name)) {
			j->err = "a label twice";
			return false;
		}
	return true;
}

/* [metric, name, {labels}, help] and nothing after it. */
static bool key(struct js *j, struct promdb_entry *e)
{
	if (!expect(j, '[') || !(e->metric = string(j)) || !expect(j, ',') ||
	    !(e->name = string(j)) || !expect(j, ',') || !labels(j, e) || !expect(j, ',') ||
	    !(e->help = string(j))) {
		if (j->err && !strcmp(j->err, "bad JSON punctuation") && j->p < j->end &&
		    *j->p == ']')
			j->err = "a key of fewer than 4 items";
		return false;
	}
	ws(j);
	if (j->p < j->end && *j->p == ',') {
		j->err = "a key of more than 4 items";
		return false;
	}
	if (!expect(j, ']'))
		return false;
	ws(j);
	if (j->p != j->end) {
		j->err = "bytes after the key's JSON";
		return false;
	}
	return true;
}

static enum promdb_status parse(struct ctx *c, uint32_t used, size_t stride)
{
	struct promdb_file *f = c->f;
	f->n_entries = f->n_labels = f->n_text = 0;
	f->timestamps = stride == 16;
	size_t pos = 8;
	while (pos < used) {
		if (used - pos < 4)
			return fail(c, "entry at %zu: its key length passes used (%u)", pos, used);
		int32_t klen = (int32_t)ld32(c->b + pos);
		if (klen <= 0)
			return fail(c, "entry at %zu: key length %d", pos, klen);
		if ((size_t)klen > used - pos - 4)
			return fail(c, "entry at %zu: key length %d passes used (%u)", pos, klen,
				    used);
		size_t pad = 8 - ((size_t)klen + 4) % 8;
		size_t voff = pos + 4 + (size_t)klen + pad;
		if (voff > used || used - voff < stride)
			return fail(c, "entry at %zu: its value passes used (%u)", pos, used);
		for (size_t i = pos + 4 + (size_t)klen; i < voff; i++)
			if (c->b[i] != ' ')
				return fail(c, "entry at %zu: its key's padding is not spaces",
					    pos);
		if (f->n_entries >= f->entries_cap) {
			snprintf(c->why, c->whylen, "more than %zu entries", f->entries_cap);
			return PROMDB_ERROR;
		}
		struct promdb_entry *e = &f->entries[f->n_entries];
		struct js j = { .c = c, .p = c->b + pos + 4, .start = c->b + pos + 4 };
		j.end = j.p + klen;
		if (!key(&j, e)) {
			if (!strncmp(j.err, "more ", 5)) {
				snprintf(c->why, c->whylen, "entry at %zu: %s", pos, j.err);
				return PROMDB_ERROR;
			}
			return fail(c,
				    "entry at %zu: key not of the library's JSON: %s at byte %td",
				    pos, j.err, j.p - j.start);
		}
		e->value = ldd(c->b + voff);
		e->timestamp = stride == 16 ? ldd(c->b + voff + 8) : 0;
		e->offset = voff;
		f->n_entries++;
		pos = voff + stride;
	}
	return PROMDB_OK;
}

bool promdb_head(const unsigned char *b, size_t n)
{
	if (n < 14)
		return false;
	uint32_t used = ld32(b), klen = ld32(b + 8);
	return used >= 16 && used % 8 == 0 && klen >= 2 && klen <= used - 12 && b[12] == '[' &&
	       b[13] == '"';
}

enum promdb_status promdb_parse(const unsigned char *b, size_t len, struct promdb_file *f,
				char *why, size_t whylen)
{
	struct ctx c = { .b = b, .len = len, .f = f, .why = why, .whylen = whylen };
	if (whylen)
		why[0] = '\0';
	f->n_entries = f->n_labels = f->n_text = 0;
	f->used = 0;
	f->timestamps = false;
	if (len == 0) {
		snprintf(why, whylen, "empty (0 bytes)");
		return PROMDB_EMPTY;
	}
	if (len < 8)
		return fail(&c, "%zu bytes: shorter than the 8-byte header", len);
	uint32_t used = ld32(b); /* once: the writer may grow it meanwhile */
	f->used = used;
	if (used == 0) {
		snprintf(why, whylen, "used 0: never written");
		return PROMDB_EMPTY;
	}
	if (used > len)
		return fail(&c, "used %u passes the file's %zu bytes", used, len);
	if (used < 8 || used % 8)
		return fail(&c, "used %u: not a multiple of 8 from 8", used);
	enum promdb_status s = parse(&c, used, 8);
	if (s != PROMDB_DAMAGED)
		return s;
	char first[200];
	snprintf(first, sizeof first, "%s", why);
	s = parse(&c, used, 16);
	if (s == PROMDB_DAMAGED) {
		snprintf(why, whylen, "%s", first);
		f->n_entries = f->n_labels = f->n_text = 0;
	}
	return s;
}

int promdb_alloc(struct promdb_file *f, size_t len)
{
	/* An entry takes at least 24 bytes (4, a key of 2, padding, a value),
	 * a label 6 ("":"",) of its key, and decoded text no more than its
	 * JSON. */
	f->entries_cap = len / 24 + 1;
	f->labels_cap = len / 6 + 1;
	f->text_cap = len + 8;
	f->entries = calloc(f->entries_cap, sizeof *f->entries);
	f->labels = calloc(f->labels_cap, sizeof *f->labels);
	f->text = malloc(f->text_cap);
	if (!f->entries || !f->labels || !f->text) {
		promdb_free(f);
		return -1;
	}
	return 0;
}

void promdb_free(struct promdb_file *f)
{
	free(f->entries);
	free(f->labels);
	free(f->text);
	f->entries = NULL;
	f->labels = NULL;
	f->text = NULL;
	f->entries_cap = f->labels_cap = f->text_cap = 0;
}

int promdb_name_parse(const char *name, struct promdb_name *out, char *why, size_t whylen)
{
	static const char *const prefix[] = { "counter_", "gauge_", "histogram_", "summary_" };
	memset(out, 0, sizeof *out);
	const char *p = NULL;
	for (int k = 0; k < 4 && !p; k++)
		if (!strncmp(name, prefix[k], strlen(prefix[k]))) {
			out->kind = (enum promdb_kind)k;
			p = name + strlen(prefix[k]);
		}
	if (!p) {
		snprintf(why, whylen, "not counter_, gauge_, histogram_ or summary_");
		return -1;
	}
	if (out->kind == PROMDB_GAUGE) {
		const char *u = strchr(p, '_');
		size_t n = u ? (size_t)(u - p) : 0;
		int m = 0;
		while (m < PROMDB_MODES &&
		       (strlen(mode_names[m]) != n || strncmp(p, mode_names[m], n)))
			m++;
		if (m == PROMDB_MODES) {
			snprintf(why, whylen, "a gauge of no mode the library has");
			return -1;
		}
		out->mode = (enum promdb_mode)m;
		p = u + 1;
	}
	int64_t pid = 0;
	size_t digits = 0;
	for (; p[digits] >= '0' && p[digits] <= '9' && digits < 10; digits++)
		pid = pid * 10 + (p[digits] - '0');
	if (digits == 0 || digits > 9 || p[0] == '0' || strcmp(p + digits, ".db")) {
		snprintf(why, whylen, "no pid of 1 to 9 digits then .db");
		return -1;
	}
	out->pid = (int32_t)pid;
	return 0;
}

/* One entry of one input, for the sort. */
struct ref {
	const struct promdb_entry *e;
	const struct promdb_input *in;
	size_t seq; /* input order: sums are taken in it, "last" is by it */
	enum promdb_kind kind;
	enum promdb_mode mode;
	const char *help;
	int cls;        /* 0 summed or gauge, 1 histogram bucket */
	int32_t pid;    /* gauge all/liveall: the pid label; else -1 */
	double bound;   /* bucket */
	const char *le; /* bucket */
};

static int cmp_name_seq(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int d = strcmp(x->e->metric, y->e->metric);
	return d ? d : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Labels compared leaving out one name (NULL: none). */
static int cmp_labels(const struct promdb_entry *x, const struct promdb_entry *y, const char *omit)
{
	size_t i = 0, k = 0;
	for (;;) {
		while (i < x->n_labels && omit && !strcmp(x->labels[i].name, omit))
			i++;
		while (k < y->n_labels && omit && !strcmp(y->labels[k].name, omit))
			k++;
		if (i == x->n_labels || k == y->n_labels)
			return (i < x->n_labels) - (k < y->n_labels);
		int d = strcmp(x->labels[i].name, y->labels[k].name);
		if (!d)
			d = strcmp(x->labels[i].value, y->labels[k].value);
		if (d)
			return d;
		i++;
		k++;
	}
}

/* The sample a ref adds to, less a bucket's bound. */
static int cmp_sample(const struct ref *x, const struct ref *y)
{
	int d = strcmp(x->e->metric, y->e->metric);
	if (!d)
		d = x->cls - y->cls;
	if (!d && !x->cls)
		d = strcmp(x->e->name, y->e->name);
	if (!d)
		d = cmp_labels(x->e, y->e, x->cls ? "le" : NULL);
	if (!d)
		d = (x->pid > y->pid) - (x->pid < y->pid);
	return d;
}

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int d = cmp_sample(x, y);
	if (!d && x->cls)
		d = (x->bound > y->bound) - (x->bound < y->bound);
	return d ? d : (x->seq > y->seq) - (x->seq < y->seq);
}

static const char *find_label(const struct promdb_entry *e, const char *name)
{
	for (size_t i = 0; i < e->n_labels; i++)
		if (!strcmp(e->labels[i].name, name))
			return e->labels[i].value;
	return NULL;
}

static bool is_live(enum promdb_mode m)
{
	return m == PROMDB_LIVEALL || m == PROMDB_LIVEMIN || m == PROMDB_LIVEMAX ||
	       m == PROMDB_LIVESUM || m == PROMDB_LIVEMOSTRECENT;
}

static struct promdb_sample *emit(struct promdb_aggregate *a, const struct ref *r, double v)
{
	struct promdb_sample *s = &a->samples[a->n_samples++];
	*s = (struct promdb_sample){ .metric = r->e->metric,
				     .help = r->help,
				     .kind = r->kind,
				     .mode = r->mode,
				     .name = r->e->name,
				     .suffix = "",
				     .labels = r->e->labels,
				     .n_labels = r->e->n_labels,
				     .value = v };
	if (r->pid >= 0) {
		snprintf(s->pid, sizeof s->pid, "%d", (int)r->pid);
		s->add_name = "pid";
		s->add_value = s->pid;
	}
	return s;
}

static void drop(struct promdb_aggregate *a, const struct ref *r, const char *why)
{
	if (!a->dropped++)
		snprintf(a->why, sizeof a->why, "%.60s %.40s: %s", r->e->metric, r->e->name, why);
}

/* A group of refs for one sample (all but buckets): its value. */
static double combine(const struct ref *r, size_t n)
{
	double v = r[0].e->value, ts = r[0].e->timestamp;
	enum promdb_mode m = r[0].mode;
	for (size_t i = 1; i < n; i++) {
		double x = r[i].e->value;
		if (r[0].kind != PROMDB_GAUGE || m == PROMDB_SUM || m == PROMDB_LIVESUM)
			v += x;
		else if (m == PROMDB_MIN || m == PROMDB_LIVEMIN)
			v = x < v ? x : v;
		else if (m == PROMDB_MAX || m == PROMDB_LIVEMAX)
			v = x > v ? x : v;
		else if (m == PROMDB_MOSTRECENT || m == PROMDB_LIVEMOSTRECENT) {
			if (r[i].e->timestamp > ts) {
				ts = r[i].e->timestamp;
				v = x;
			}
		} else
			v = x; /* all, liveall: the last */
	}
	return v;
}

int promdb_aggregate(const struct promdb_input *in, size_t n, bool drop_dead_live,
		     struct promdb_aggregate *out)
{
	memset(out, 0, sizeof *out);
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		out->dead_files += !in[i].alive;
		if (in[i].file)
			total += in[i].file->n_entries;
	}
	struct ref *refs = calloc(total ? total : 1, sizeof *refs);
	out->samples = calloc(2 * total + 1, sizeof *out->samples);
	if (!refs || !out->samples) {
		free(refs);
		promdb_aggregate_free(out);
		return -1;
	}
	size_t nr = 0;
	for (size_t i = 0; i < n; i++) {
		const struct promdb_input *p = &in[i];
		if (!p->file || (drop_dead_live && !p->alive && p->name.kind == PROMDB_GAUGE &&
				 is_live(p->name.mode)))
			continue;
		for (size_t k = 0; k < p->file->n_entries; k++, nr++)
			refs[nr] = (struct ref){ .e = &p->file->entries[k], .in = p, .seq = nr };
	}
	/* Each metric's kind and help from its first file, mode from its last. */
	qsort(refs, nr, sizeof *refs, cmp_name_seq);
	for (size_t i = 0, j; i < nr; i = j) {
		enum promdb_mode mode = PROMDB_ALL;
		for (j = i; j < nr && !strcmp(refs[j].e->metric, refs[i].e->metric); j++)
			if (refs[j].in->name.kind == PROMDB_GAUGE)
				mode = refs[j].in->name.mode;
		for (size_t k = i; k < j; k++) {
			struct ref *r = &refs[k];
			r->kind = refs[i].in->name.kind;
			r->help = refs[i].e->help;
			r->mode = mode;
			r->pid = -1;
			if (r->kind == PROMDB_GAUGE && r->in->name.kind == PROMDB_GAUGE &&
			    (mode == PROMDB_ALL || mode == PROMDB_LIVEALL))
				r->pid = r->in->name.pid;
			if (r->kind == PROMDB_HISTOGRAM && (r->le = find_label(r->e, "le"))) {
				char *end;
				r->bound = strtod(r->le, &end);
				r->cls = 1;
				if (!r->le[0] || *end || isnan(r->bound)) {
					drop(out, r, "a bucket bound that is not a number");
					r->cls = -1;
				}
			}
		}
	}
	qsort(refs, nr, sizeof *refs, cmp_ref);
	for (size_t i = 0, j; i < nr; i = j) {
		for (j = i + 1; j < nr && !cmp_sample(&refs[i], &refs[j]); j++)
			;
		if (refs[i].cls < 0)
			continue;
		if (!refs[i].cls) {
			emit(out, &refs[i], combine(refs + i, j - i));
			continue;
		}
		/* One histogram's label set: buckets by bound, accumulated. */
		double acc = 0;
		for (size_t k = i, l; k < j; k = l) {
			double v = 0;
			for (l = k; l < j && refs[l].bound == refs[k].bound; l++)
				v += refs[l].e->value;
			acc += v;
			struct promdb_sample *s = emit(out, &refs[k], acc);
			s->name = s->metric;
			s->suffix = "_bucket";
			s->omit = "le";
			s->add_name = "le";
			s->add_value = refs[k].le;
		}
		struct promdb_sample *s = emit(out, &refs[i], acc);
		s->name = s->metric;
		s->suffix = "_count";
		s->omit = "le";
	}
	free(refs);
	return 0;
}

void promdb_aggregate_free(struct promdb_aggregate *a)
{
	free(a->samples);
	a->samples = NULL;
	a->n_samples = 0;
}
