/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text output: a table of metric families, each written as one
 * block over all segments.  Values are integers printed exactly, or seconds
 * with millisecond decimals.
 */
#include "prom.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>

#include "clock.h"
#include "escape.h"
#include "format.h"
#include "json.h"
#include "reader.h"

/* s by escape_text()'s rule (the text the screen shows, UTF-8 whatever
 * the locale), then '\\' and, in a label, '"' escaped as the format wants:
 * one piece (a character or its escape) at a time, each kept whole. */
static char *escape(const char *s, char *buf, size_t len, bool quote)
{
	size_t o = 0;
	if (!len)
		return buf;
	const char *p = s ? s : "";
	size_t n = strlen(p);
	while (n) {
		uint32_t cp;
		size_t k = escape_utf8_char((const unsigned char *)p, n, &cp);
		char shown[16], piece[32];
		size_t need = 0;
		k = k ? k : 1;
		escape_text(p, k, ESCAPE_UTF8, INT_MAX, shown, sizeof shown);
		for (const char *c = shown; *c; c++) {
			if (*c == '\\' || (*c == '"' && quote))
				piece[need++] = '\\';
			piece[need++] = *c;
		}
		if (o + need >= len)
			break;
		memcpy(buf + o, piece, need);
		o += need;
		p += k;
		n -= k;
	}
	buf[o] = '\0';
	return buf;
}

char *prom_escape_label(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, true);
}

char *prom_escape_help(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, false);
}

/* What a per-segment family shows. */
enum seg_value {
	V_BYTES,
	V_ATTACHED,
	V_RSS,
	V_SWAP,
	V_CTIME,
	V_LOCKED,
	V_DEST,
	/* shmwriter segments only */
	V_COUNT,
	V_UP,
	V_PAUSED,
	V_LAST_UPDATE,
	V_RESETS,
};

struct family {
	const char *name, *type, *help;
	enum seg_value v;
};

static const struct family seg_families[] = {
	{ "shmtop_segment_bytes", "gauge", "Size of the SysV shared memory segment (shm_segsz).",
	  V_BYTES },
	{ "shmtop_segment_attached", "gauge", "Processes attached to the segment (nattch).",
	  V_ATTACHED },
	{ "shmtop_segment_rss_bytes", "gauge", "Bytes of the segment resident in memory.", V_RSS },
	{ "shmtop_segment_swap_bytes", "gauge", "Bytes of the segment swapped out.", V_SWAP },
	{ "shmtop_segment_ctime_seconds", "gauge",
	  "Unix time of the segment's last change (shm_ctime).", V_CTIME },
	{ "shmtop_segment_locked", "gauge", "1 if the segment is locked in memory (SHM_LOCK).",
	  V_LOCKED },
	{ "shmtop_segment_dest", "gauge",
	  "1 if the segment is removed (IPC_RMID) and lives on until the last detach.", V_DEST },
	{ "shmtop_count", "gauge", "The counter shmwriter publishes in the segment.", V_COUNT },
	{ "shmtop_writer_up", "gauge",
	  "1 if the segment's shmwriter is alive and running or paused.", V_UP },
	{ "shmtop_writer_paused", "gauge", "1 if the segment's shmwriter is paused.", V_PAUSED },
	{ "shmtop_last_update_seconds", "gauge", "Unix time of the counter's last change.",
	  V_LAST_UPDATE },
	{ "shmtop_resets_total", "counter", "Resets of the counter, ever.", V_RESETS },
};

static bool writer_up(const struct prom_segment *s)
{
	return s->writer_alive &&
	       (s->snap->state == SHMTOP_STATE_RUNNING || s->snap->state == SHMTOP_STATE_PAUSED);
}

/* The sample's value as text, or false if the segment has none. */
static bool seg_value(const struct prom_segment *s, enum seg_value v, char *buf, size_t len)
{
	const struct ipcstat *st = &s->row->st;
	uint64_t u;
	switch (v) {
	case V_BYTES: u = st->size; break;
	case V_ATTACHED: u = st->nattch; break;
	case V_RSS: u = s->row->rss; break;
	case V_SWAP: u = s->row->swap; break;
	case V_CTIME: snprintf(buf, len, "%" PRId64, st->ctime); return true;
	case V_LOCKED: u = st->locked; break;
	case V_DEST: u = st->dest; break;
	default:
		if (!s->snap)
			return false;
		switch (v) {
		case V_COUNT: u = s->snap->count; break;
		case V_UP: u = writer_up(s); break;
		case V_PAUSED: u = s->snap->state == SHMTOP_STATE_PAUSED; break;
		case V_RESETS: u = s->snap->resets; break;
		case V_LAST_UPDATE: {
			int64_t ns = s->snap->wall_ns;
			/* its magnitude unsigned: -INT64_MIN is no int64_t */
			uint64_t m = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
			snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, ns < 0 ? "-" : "",
				 m / NS_PER_SEC, m % NS_PER_SEC / NS_PER_MS);
			return true;
		}
		default: return false;
		}
	}
	snprintf(buf, len, "%" PRIu64, u);
	return true;
}

static void header(FILE *out, const char *name, const char *type, const char *help)
{
	char h[512];
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, prom_escape_help(help, h, sizeof h),
		name, type);
}

static void host_gauge(FILE *out, const char *name, const char *help, uint64_t v)
{
	header(out, name, "gauge", help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

int prom_write(FILE *out, const struct prom_input *in)
{
	for (size_t f = 0; f < sizeof seg_families / sizeof seg_families[0]; f++) {
		const struct family *fam = &seg_families[f];
		bool any = false;
		for (size_t i = 0; i < in->nsegs; i++) {
			const struct prom_segment *s = &in->segs[i];
			char val[48], key[16], owner[256];
			if (!seg_value(s, fam->v, val, sizeof val))
				continue;
			if (!any)
				header(out, fam->name, fam->type, fam->help);
			any = true;
			fprintf(out, "%s{key=\"%s\",shmid=\"%d\",owner=\"%s\"} %s\n", fam->name,
				format_key(s->row->st.key, key, sizeof key), s->row->st.shmid,
				prom_escape_label(s->owner, owner, sizeof owner), val);
		}
	}
	const struct sysvipc_totals *t = in->totals;
	if (!t)
		return ferror(out) ? -1 : 0;
	host_gauge(out, "shmtop_segments", "SysV shared memory segments on the host.", t->segments);
	host_gauge(out, "shmtop_bytes", "Sum of the sizes of all segments.", t->bytes);
	host_gauge(
	    out, "shmtop_pages",
	    "Pages of shared memory in use, total bytes / page size, as lsipc -g counts them.",
	    in->page_size ? t->bytes / in->page_size : 0);
	host_gauge(out, "shmtop_rss_bytes", "Bytes of all segments resident in memory.", t->rss);
	host_gauge(out, "shmtop_swap_bytes", "Bytes of all segments swapped out.", t->swap);
	const struct sysvipc_limits *l = in->limits;
	if (l && l->have_shmmni)
		host_gauge(out, "shmtop_segments_limit",
			   "SHMMNI: the most segments the host allows.", l->shmmni);
	if (l && l->have_shmall)
		host_gauge(out, "shmtop_pages_limit", "SHMALL: the most pages of shared memory.",
			   l->shmall);
	if (l && l->have_shmmax)
		host_gauge(out, "shmtop_segment_bytes_limit",
			   "SHMMAX: the largest segment allowed.", l->shmmax);
	return ferror(out) ? -1 : 0;
}

char *prom_metric_name(const char *prefix, const char *name, size_t n, bool counter, char *buf,
		       size_t len)
{
	static const char suffix[] = "_total";
	size_t at = 0;
	if (len == 0)
		return buf;
	for (const char *p = prefix; *p && at + 1 < len; p++)
		buf[at++] = *p;
	const unsigned char *p = (const unsigned char *)name;
	if (at == 0 && n && *p >= '0' && *p <= '9' && at + 1 < len)
		buf[at++] = '_'; /* a name starts with a letter, '_' or ':' */
	for (size_t i = 0; i < n && p[i] && at + 1 < len; i++) {
		bool ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			  (p[i] >= '0' && p[i] <= '9') || p[i] == '_';
		buf[at++] = ok ? (char)p[i] : '_';
	}
	size_t k = strlen(suffix);
	buf[at] = '\0';
	if (counter && (at < k || strcmp(buf + at - k, suffix) != 0) && at + k < len) {
		memcpy(buf + at, suffix, k);
		at += k;
	}
	buf[at] = '\0';
	return buf;
}

char *prom_counter_name(const char *name, bool counter, char *buf, size_t len)
{
	return prom_metric_name("shmtop_counter_", name, strlen(name), counter, buf, len);
}

enum ctype { C_COUNTER, C_GAUGE, C_UNTYPED };
static const char *const ctype_names[] = { "counter", "gauge", "untyped" };

/* One sample of a counter family: its metric, type and help (NULL: the
 * type's default), in the order the family lists them (order, then item:
 * item indexes the counter in its source). */
struct csample {
	char metric[192];
	enum ctype type;
	const char *help;
	long order;
	size_t item;
	const void *src;
};

static int csample_cmp(const void *a, const void *b)
{
	const struct csample *x = a, *y = b;
	int c = strcmp(x->metric, y->metric);
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/* How samples are written: each type's default HELP, a sample's labels
 * and value (the line after its metric name), and what is said of a
 * sample left out (NULL: nothing). */
struct cwriter {
	const char *help[3];
	void (*sample)(FILE *out, const struct csample *s, const void *arg);
	void (*left_out)(FILE *out, const struct csample *s, const char *type, const void *arg);
	const void *arg;
};

/* Sort c[0, n) and write a family per metric name, its samples together;
 * a sample whose name is a family of another type is left out. */
static int write_families(FILE *out, struct csample *c, size_t n, const struct cwriter *w)
{
	qsort(c, n, sizeof *c, csample_cmp);
	for (size_t i = 0, fam = 0; i < n; i++) {
		bool first = i == 0 || strcmp(c[i].metric, c[fam].metric) != 0;
		if (first) {
			fam = i;
			header(out, c[i].metric, ctype_names[c[i].type],
			       c[i].help && c[i].help[0] ? c[i].help : w->help[c[i].type]);
		} else if (c[i].type != c[fam].type) {
			if (w->left_out)
				w->left_out(out, &c[i], ctype_names[c[fam].type], w->arg);
			continue;
		}
		fputs(c[i].metric, out);
		w->sample(out, &c[i], w->arg);
	}
	return ferror(out) ? -1 : 0;
}

static void v3_sample(FILE *out, const struct csample *s, const void *arg)
{
	(void)arg;
	const struct prom_counters *seg = s->src;
	const struct shmtop_value *v = &seg->v[s->item];
	char key[16], name[SHMTOP_NAME_MAX * 2];
	fprintf(out, "{key=\"%s\",shmid=\"%d\",counter=\"%s\"} %" PRIu64 "\n",
		format_key(seg->key, key, sizeof key), seg->shmid,
		prom_escape_label(v->name, name, sizeof name), v->value);
}

int prom_write_counters(FILE *out, const struct prom_counters *segs, size_t nsegs)
{
	size_t total = 0;
	for (size_t i = 0; i < nsegs; i++)
		total += segs[i].n;
	if (!total)
		return ferror(out) ? -1 : 0;
	struct csample *c = calloc(total, sizeof *c);
	if (!c)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < nsegs; i++)
		for (size_t j = 0; j < segs[i].n; j++, k++) {
			const struct shmtop_value *v = &segs[i].v[j];
			bool counter = v->kind == SHMTOP_COUNTER;
			c[k].type = counter ? C_COUNTER : C_GAUGE;
			prom_counter_name(v->name, counter, c[k].metric, sizeof c[k].metric);
			c[k].order = segs[i].shmid;
			c[k].item = j;
			c[k].src = &segs[i];
		}
	static const struct cwriter w = {
		{ "A libshmtop counter (its name in the counter label).",
		  "A libshmtop gauge (its name in the counter label).", NULL },
		v3_sample,
		NULL,
		NULL,
	};
	int rc = write_families(out, c, total, &w);
	free(c);
	return rc;
}

char *prom_format_prefix(const char *format, char *buf, size_t len)
{
	static const char shmtop[] = "shmtop_";
	size_t at = 0, n = strcspn(format ? format : "", " ");
	if (len == 0)
		return buf;
	for (const char *p = shmtop; *p && at + 1 < len; p++)
		buf[at++] = *p;
	for (size_t i = 0; i < n && at + 2 < len; i++) {
		unsigned char ch = (unsigned char)format[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
		buf[at++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ok ? (char)ch : '_';
	}
	if (n && at + 1 < len)
		buf[at++] = '_';
	buf[at] = '\0';
	return buf;
}

/* A value as the format writes it: NaN, +Inf and -Inf so named. */
static const char *prom_number(enum value_type t, uint64_t bits, char *buf, size_t len)
{
	double d = value_number(t, bits);
	if (t == VALUE_REAL && isnan(d))
		return "NaN";
	if (t == VALUE_REAL && isinf(d))
		return d > 0 ? "+Inf" : "-Inf";
	return value_format(t, bits, buf, len);
}

/* An object's samples: its counters, and its path escaped as a label. */
struct object_arg {
	const struct content *content;
	char path[4096];
};

static void object_sample(FILE *out, const struct csample *s, const void *arg)
{
	const struct object_arg *o = arg;
	const struct model_counter *k = &o->content->ctr[s->item];
	char v[VALUE_CHARS], name[MODEL_NAME_MAX * 8], text[MODEL_TEXT_MAX * 8];
	fprintf(out, "{path=\"%s\",counter=\"%s\"", o->path,
		prom_escape_label(k->name, name, sizeof name));
	if (k->type == VALUE_TEXT)
		fprintf(out, ",value=\"%s\"} 1\n", prom_escape_label(k->text, text, sizeof text));
	else
		fprintf(out, "} %s\n", prom_number(k->type, k->value, v, sizeof v));
}

static void object_left_out(FILE *out, const struct csample *s, const char *type, const void *arg)
{
	const struct object_arg *o = arg;
	char name[MODEL_NAME_MAX * 8];
	fprintf(out, "# shmtop: counter \"%s\" left out: %s is a %s family\n",
		prom_escape_label(o->content->ctr[s->item].name, name, sizeof name), s->metric,
		type);
}

int prom_write_object(FILE *out, const struct prom_object *o)
{
	const struct content *ct = o->content;
	if (!ct || !ct->nctr)
		return ferror(out) ? -1 : 0;
	struct csample *c = calloc(ct->nctr, sizeof *c);
	if (!c)
		return -1;
	char prefix[48];
	prom_format_prefix(ct->format, prefix, sizeof prefix);
	for (size_t i = 0; i < ct->nctr; i++) {
		const struct model_counter *k = &ct->ctr[i];
		/* name[instance] or name{labels}: the family of name */
		size_t n = strlen(k->name), at = strcspn(k->name, "[{");
		if (at > 0 && at < n && k->name[n - 1] == (k->name[at] == '[' ? ']' : '}'))
			n = at;
		bool counter = k->kind == MODEL_COUNTER && k->type != VALUE_TEXT;
		char *m = c[i].metric;
		prom_metric_name(prefix, k->name, n, counter, m, sizeof c[i].metric - 5);
		if (k->type == VALUE_TEXT)
			strcat(m, "_info");
		c[i].type = k->type == VALUE_TEXT      ? C_GAUGE
			    : k->kind == MODEL_COUNTER ? C_COUNTER
			    : k->kind == MODEL_GAUGE   ? C_GAUGE
						       : C_UNTYPED;
		c[i].help = k->help[0] ? k->help
			    : k->type == VALUE_TEXT
				? "A text (in the value label; its source name in "
				  "the counter label)."
				: NULL;
		c[i].item = i;
	}
	struct object_arg arg;
	arg.content = ct;
	prom_escape_label(o->path, arg.path, sizeof arg.path);
	const struct cwriter w = {
		{ "A counter (its source name in the counter label).",
		  "A gauge (its source name in the counter label).",
		  "A constant (its source name in the counter label)." },
		object_sample,
		object_left_out,
		&arg,
	};
	int rc = write_families(out, c, ct->nctr, &w);
	free(c);
	return rc;
}

/* Does the segment hold a version 3 record?  A look at its header. */
static bool is_v3(const struct sysvipc_shm *row)
{
	if (row->st.size < sizeof(struct shmtop_record3))
		return false;
	const struct shmtop_record3 *r = shmat(row->st.shmid, NULL, SHM_RDONLY);
	if (r == (void *)-1)
		return false;
	bool yes = atomic_load_explicit(&r->magic, memory_order_acquire) == SHMTOP_MAGIC &&
		   atomic_load_explicit(&r->version, memory_order_relaxed) == SHMTOP_RECORD_V3;
	shmdt(r);
	return yes;
}

int prom_read_counters(FILE *out, const struct sysvipc_shm *const *rows, size_t n,
		       struct record_budget *budget)
{
	struct prom_counters *segs = calloc(n ? n : 1, sizeof *segs);
	struct shmtop_value **owned = calloc(n ? n : 1, sizeof *owned);
	if (!segs || !owned) {
		free(segs);
		free(owned);
		return -1;
	}
	size_t ns = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!is_v3(rows[i]))
			continue;
		char why[256];
		shmtop_reader *r = shmtop_reader_open(0, rows[i]->st.shmid, why, sizeof why);
		if (!r)
			continue;
		reader_set_budget(r, budget);
		struct shmtop_status st;
		long got = shmtop_read(r, &st, NULL, 0, why, sizeof why);
		size_t max = got > 0 ? (size_t)got : 0;
		struct shmtop_value *v = max ? calloc(max, sizeof *v) : NULL;
		if (v)
			got = shmtop_read(r, &st, v, max, why, sizeof why);
		shmtop_reader_close(r);
		if (!v || got <= 0) {
			free(v);
			continue;
		}
		owned[ns] = v;
		segs[ns++] = (struct prom_counters){ rows[i]->st.key, rows[i]->st.shmid, v,
						     (size_t)got < max ? (size_t)got : max };
	}
	rc = prom_write_counters(out, segs, ns);
	for (size_t i = 0; i < ns; i++)
		free(owned[i]);
	free(owned);
	free(segs);
	return rc;
}
