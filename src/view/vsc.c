/* SPDX-License-Identifier: MIT */
/*
 * The VSM index and VSC segment reader (vsc.h).  The index is read line by
 * line into the caller's array, a "-" line removing the entry its "+"
 * added.  A StatDoc's JSON is read by a reader of exactly vsctool.py's
 * compact shape: an object of known keys, one of them ("elem") an object
 * of elements, each an object of known keys with string or integer
 * values; no other value, no whitespace, so the nesting is at most three
 * deep by construction.  Its strings are unescaped into the doc's text
 * buffer: each source string has two quotes that the copy replaces by one
 * NUL, so the buffer never needs more than the JSON's length.
 */
#include "vsc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objlist_files.h"
#include "objpeek.h"

static enum vsc_status say(char *why, size_t whylen, enum vsc_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum vsc_status say(char *why, size_t whylen, enum vsc_status st, const char *fmt, ...)
{
	if (why && whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return st;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* The first byte of s[0..n) that is not printable ASCII (n if none). */
static size_t first_bad(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] >= 0x21 && (unsigned char)s[i] <= 0x7e)
		i++;
	return i;
}

/* How much of s a reason quotes: its printable prefix, at most 40 bytes
 * (a refusal never carries the producer's control bytes). */
static int shown(const char *s)
{
	return (int)first_bad(s, strnlen(s, 40));
}

/* ---- the index ---- */

bool vsc_file_name_ok(const char *name)
{
	size_t n = strnlen(name, VSC_FILE_MAX);
	if (n < 3 || n >= VSC_FILE_MAX || name[0] != '_' || name[1] != '.' ||
	    strcmp(name, "_.index") == 0 || strstr(name, ".."))
		return false;
	for (size_t i = 2; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A decimal of 1 to 20 digits, no leading zero, at most UINT64_MAX. */
static bool decimal(const char *s, size_t n, uint64_t *v)
{
	if (n < 1 || n > 20 || (n > 1 && s[0] == '0'))
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool header_line(const char *s, size_t n, struct vsc_index *ix)
{
	/* "# PID BIRTH" */
	if (n < 5 || s[0] != '#' || s[1] != ' ')
		return false;
	const char *sp = memchr(s + 2, ' ', n - 2);
	if (!sp)
		return false;
	uint64_t pid, birth;
	if (!decimal(s + 2, (size_t)(sp - s - 2), &pid) ||
	    !decimal(sp + 1, (size_t)(s + n - sp - 1), &birth) || pid == 0 || pid > INT32_MAX ||
	    birth > INT64_MAX)
		return false;
	ix->pid = (int64_t)pid;
	ix->birth = (int64_t)birth;
	return true;
}

bool vsc_index_head(const char *text, size_t n)
{
	struct vsc_index ix;
	const char *nl = memchr(text, '\n', n);
	return nl && header_line(text, (size_t)(nl - text), &ix);
}

static bool same_seg(const struct vsc_seg *a, const struct vsc_seg *b)
{
	return a->off == b->off && a->len == b->len && strcmp(a->file, b->file) == 0 &&
	       strcmp(a->cls, b->cls) == 0 && strcmp(a->ident, b->ident) == 0;
}

/* One "+" or "-" line of n bytes (no newline) into g: "why" set on a
 * refusal. */
static bool seg_line(const char *s, size_t n, struct vsc_seg *g, char *why, size_t whylen)
{
	const char *f[6];
	size_t fl[6];
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= n && k < 6; i++) {
		if (i == n || s[i] == ' ') {
			f[k] = s + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	}
	if (k != 6 || start != n + 1) {
		say(why, whylen, VSC_DAMAGED,
		    "not the 6 fields act, file, offset, length, class, ident");
		return false;
	}
	memset(g, 0, sizeof *g);
	if (fl[1] >= VSC_FILE_MAX) {
		say(why, whylen, VSC_DAMAGED, "a file name of %zu bytes (at most %d)", fl[1],
		    VSC_FILE_MAX - 1);
		return false;
	}
	memcpy(g->file, f[1], fl[1]);
	if (!vsc_file_name_ok(g->file)) {
		say(why, whylen, VSC_DAMAGED,
		    "file name \"%.*s\" is not one component \"_.NAME\" of [A-Za-z0-9._-]",
		    (int)first_bad(f[1], fl[1]), f[1]);
		return false;
	}
	if (!decimal(f[2], fl[2], &g->off) || !decimal(f[3], fl[3], &g->len)) {
		say(why, whylen, VSC_DAMAGED, "%s: offset or length not a decimal", g->file);
		return false;
	}
	if (g->len == 0 || g->off % 8 != 0 || g->off > UINT64_MAX - g->len) {
		say(why, whylen, VSC_DAMAGED,
		    "%s: segment at %llu of %llu bytes (offset a multiple "
		    "of 8, length not 0)",
		    g->file, (unsigned long long)g->off, (unsigned long long)g->len);
		return false;
	}
	if (fl[4] >= VSC_CLASS_MAX || first_bad(f[4], fl[4]) != fl[4] || fl[5] >= VSC_IDENT_MAX ||
	    first_bad(f[5], fl[5]) != fl[5]) {
		size_t b4 = first_bad(f[4], fl[4]), b5 = first_bad(f[5], fl[5]);
		say(why, whylen, VSC_DAMAGED, "%s: class or ident too long or with byte 0x%02x",
		    g->file,
		    b4 < fl[4]   ? (unsigned char)f[4][b4]
		    : b5 < fl[5] ? (unsigned char)f[5][b5]
				 : 0);
		return false;
	}
	memcpy(g->cls, f[4], fl[4]);
	memcpy(g->ident, f[5], fl[5]);
	if (!g->cls[0] && (g->ident[0] || g->off != 0)) {
		say(why, whylen, VSC_DAMAGED, "%s: a cluster with an ident or an offset", g->file);
		return false;
	}
	return true;
}

enum vsc_status vsc_index_parse(const char *text, size_t len, struct vsc_index *ix, char *why,
				size_t whylen)
{
	if (why && whylen)
		why[0] = '\0';
	ix->n = 0;
	ix->pid = ix->birth = 0;
	if (memchr(text, '\0', len))
		return say(why, whylen, VSC_DAMAGED, "a NUL byte in the index");
	size_t pos = 0, line = 0;
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		if (!nl)
			break; /* a line being written */
		size_t n = (size_t)(nl - s);
		line++;
		if (n + 1 > VSC_LINE_MAX)
			return say(why, whylen, VSC_DAMAGED, "line %zu: longer than %d bytes", line,
				   VSC_LINE_MAX);
		pos += n + 1;
		if (line == 1) {
			if (!header_line(s, n, ix))
				return say(why, whylen, VSC_DAMAGED, "line 1: not \"# PID BIRTH\"");
			continue;
		}
		if (n < 2 || (s[0] != '+' && s[0] != '-') || s[1] != ' ')
			return say(why, whylen, VSC_DAMAGED,
				   "line %zu: not a \"+\" or \"-\" line (first byte 0x%02x)", line,
				   n ? (unsigned char)s[0] : 0);
		struct vsc_seg g;
		char sub[200];
		if (!seg_line(s, n, &g, sub, sizeof sub))
			return say(why, whylen, VSC_DAMAGED, "line %zu: %s", line, sub);
		if (s[0] == '-') {
			size_t k = 0;
			while (k < ix->n && !same_seg(&ix->segs[k], &g))
				k++;
			if (k == ix->n)
				return say(why, whylen, VSC_DAMAGED,
					   "line %zu: removes %s at %llu, not listed", line, g.file,
					   (unsigned long long)g.off);
			memmove(&ix->segs[k], &ix->segs[k + 1],
				(ix->n - k - 1) * sizeof ix->segs[0]);
			ix->n--;
			continue;
		}
		/* a segment inside a cluster lies in it; none overlaps another */
		bool in_cluster = g.off == 0;
		for (size_t k = 0; k < ix->n; k++) {
			const struct vsc_seg *o = &ix->segs[k];
			if (strcmp(o->file, g.file) != 0)
				continue;
			if (!o->cls[0] && g.off == 0)
				return say(why, whylen, VSC_DAMAGED, "line %zu: %s listed twice",
					   line, g.file);
			if (!o->cls[0]) {
				if (g.off >= 16 && g.len <= o->len && g.off <= o->len - g.len)
					in_cluster = true;
				continue;
			}
			if (g.off < o->off + o->len && o->off < g.off + g.len)
				return say(why, whylen, VSC_DAMAGED,
					   "line %zu: %s at %llu overlaps %s at %llu", line, g.file,
					   (unsigned long long)g.off, o->ident,
					   (unsigned long long)o->off);
		}
		if (!in_cluster)
			return say(why, whylen, VSC_DAMAGED,
				   "line %zu: %s at %llu (%llu bytes) is not inside a cluster "
				   "listed before it",
				   line, g.file, (unsigned long long)g.off,
				   (unsigned long long)g.len);
		if (ix->n >= ix->cap)
			return say(why, whylen, VSC_ERROR, "more than %zu segments", ix->cap);
		ix->segs[ix->n++] = g;
	}
	if (line == 0)
		return say(why, whylen, VSC_NOT_READY, "no header line yet");
	return VSC_OK;
}

/* ---- segment headers ---- */

static uint64_t ld64(const unsigned char *p)
{
	if (((uintptr_t)p & 7) == 0)
		return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

bool vsc_head(const unsigned char *seg, size_t len, uint64_t *doc_id, int32_t *ready)
{
	if (len < VSC_HEAD_SIZE)
		return false;
	int32_t r;
	if (((uintptr_t)seg & 3) == 0)
		r = __atomic_load_n((const int32_t *)(const void *)seg, __ATOMIC_RELAXED);
	else
		memcpy(&r, seg, sizeof r);
	*ready = r;
	*doc_id = ld64(seg + 16);
	return true;
}

/* The header's checks: the body's offset in *body. */
static enum vsc_status head_check(const unsigned char *seg, size_t len, const char *what,
				  uint64_t *doc_id, size_t *body, char *why, size_t whylen)
{
	int32_t ready;
	if (!vsc_head(seg, len, doc_id, &ready))
		return say(why, whylen, VSC_DAMAGED, "%s: %zu bytes, shorter than its header (%d)",
			   what, len, VSC_HEAD_SIZE);
	if (ready == 0)
		return say(why, whylen, VSC_NOT_READY, "%s: not ready yet", what);
	if (ready == 2)
		return say(why, whylen, VSC_HIDDEN, "%s: hidden (being removed)", what);
	if (ready != 1)
		return say(why, whylen, VSC_DAMAGED, "%s: ready is %d (0, 1 or 2)", what, ready);
	/* the body was written before ready was set */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint64_t off = ld64(seg + 8);
	if (off < VSC_HEAD_SIZE || off % 8 != 0 || off > len)
		return say(why, whylen, VSC_DAMAGED,
			   "%s: body offset %llu (a multiple of 8, from %d to %zu)", what,
			   (unsigned long long)off, VSC_HEAD_SIZE, len);
	*body = (size_t)off;
	return VSC_OK;
}

/* ---- the StatDoc's JSON ---- */

struct jr {
	const char *start, *p, *end;
	char *out, *outend; /* the doc's text */
	char *why;
	size_t whylen;
	bool failed;
};

static bool jfail(struct jr *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool jfail(struct jr *j, const char *fmt, ...)
{
	if (!j->failed && j->why && j->whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(j->why, j->whylen, fmt, ap);
		va_end(ap);
	}
	j->failed = true;
	return false;
}

static bool jchar(struct jr *j, char c)
{
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	if (j->p >= j->end)
		return jfail(j, "JSON ends where '%c' was due", c);
	return jfail(j, "JSON byte 0x%02x at %td where '%c' was due", (unsigned char)*j->p,
		     j->p - j->start, c);
}

static bool jpeek(const struct jr *j, char c)
{
	return j->p < j->end && *j->p == c;
}

static bool jput(struct jr *j, unsigned char c)
{
	if (j->out >= j->outend)
		return jfail(j, "JSON strings longer than the document");
	*j->out++ = (char)c;
	return true;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* A \uXXXX escape (after the backslash and 'u'), a surrogate pair whole,
 * as UTF-8. */
static bool junicode(struct jr *j)
{
	if (j->end - j->p < 4 || hex4(j->p) < 0)
		return jfail(j, "JSON \\u without four hex digits");
	uint32_t cp = (uint32_t)hex4(j->p);
	j->p += 4;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return jfail(j, "JSON \\u%04x: a lone low surrogate", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
		    hex4(j->p + 2) < 0xdc00 || hex4(j->p + 2) > 0xdfff)
			return jfail(j, "JSON \\u%04x: a high surrogate without its low one", cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)hex4(j->p + 2) - 0xdc00);
		j->p += 6;
	}
	if (cp == 0)
		return jfail(j, "JSON \\u0000 in a string");
	if (cp < 0x80)
		return jput(j, (unsigned char)cp);
	if (cp < 0x800)
		return jput(j, (unsigned char)(0xc0 | cp >> 6)) &&
		       jput(j, (unsigned char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return jput(j, (unsigned char)(0xe0 | cp >> 12)) &&
		       jput(j, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
		       jput(j, (unsigned char)(0x80 | (cp & 0x3f)));
	return jput(j, (unsigned char)(0xf0 | cp >> 18)) &&
	       jput(j, (unsigned char)(0x80 | ((cp >> 12) & 0x3f))) &&
	       jput(j, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
	       jput(j, (unsigned char)(0x80 | (cp & 0x3f)));
}

/* A string, unescaped into the text: *s points at it, NUL-terminated. */
static bool jstring(struct jr *j, const char **s)
{
	if (!jchar(j, '"'))
		return false;
	*s = j->out;
	for (;;) {
		if (j->p >= j->end)
			return jfail(j, "JSON string without its closing quote");
		unsigned char c = (unsigned char)*j->p++;
		if (c == '"')
			return jput(j, '\0');
		if (c < 0x20 || c > 0x7e)
			return jfail(j, "JSON string with byte 0x%02x (vsctool writes ASCII)", c);
		if (c != '\\') {
			if (!jput(j, c))
				return false;
			continue;
		}
		if (j->p >= j->end)
			return jfail(j, "JSON string ends in a backslash");
		char e = *j->p++;
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (k) {
			if (!jput(j, (unsigned char)to[k - from]))
				return false;
		} else if (e == 'u') {
			if (!junicode(j))
				return false;
		} else {
			return jfail(j, "JSON escape \\%c", e);
		}
	}
}

/* A non-negative integer of at most 10 digits and at most max. */
static bool juint(struct jr *j, uint32_t max, uint32_t *v, const char *what)
{
	const char *s = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	size_t n = (size_t)(j->p - s);
	uint64_t x;
	if (n > 10 || !decimal(s, n, &x))
		return jfail(j, "JSON %s: not a number (a decimal of 1 to 10 digits)", what);
	if (x > max)
		return jfail(j, "JSON %s: %llu (at most %u)", what, (unsigned long long)x, max);
	*v = (uint32_t)x;
	return true;
}

/* The key of the next member: its index in keys[] (n of them), each at
 * most once (seen). */
static int jkey(struct jr *j, const char *const *keys, int n, unsigned *seen, const char *in)
{
	const char *k;
	if (!jstring(j, &k) || !jchar(j, ':'))
		return -1;
	j->out = (char *)(uintptr_t)k; /* the key's copy is not kept */
	for (int i = 0; i < n; i++) {
		if (strcmp(k, keys[i]) != 0)
			continue;
		if (*seen & (1u << i)) {
			jfail(j, "JSON %s: key \"%s\" twice", in, keys[i]);
			return -1;
		}
		*seen |= 1u << i;
		return i;
	}
	jfail(j, "JSON %s: unknown key \"%.*s\"", in, shown(k), k);
	return -1;
}

/* One of the words of list (n of them): its index. */
static bool jword(struct jr *j, const char *const *list, int n, int *v, const char *what)
{
	const char *s;
	if (!jstring(j, &s))
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0) {
			*v = i;
			return true;
		}
	return jfail(j, "JSON %s \"%.*s\" is not one vsctool writes", what, shown(s), s);
}

/* The members done, the object closes, or another member follows. */
static bool jnext(struct jr *j, bool *more)
{
	if (jpeek(j, ',')) {
		j->p++;
		*more = true;
		return true;
	}
	*more = false;
	return jchar(j, '}');
}

enum { K_TYPE, K_CTYPE, K_LEVEL, K_ONELINER, K_GROUP, K_FORMAT, K_INDEX, K_NAME, K_DOCS, K_N };

static bool jelem(struct jr *j, struct vsc_elem *e, const char *key)
{
	static const char *const keys[K_N] = { "type",   "ctype", "level", "oneliner", "group",
					       "format", "index", "name",  "docs" };
	static const char *const types[] = { "counter", "gauge", "bitmap" };
	static const char *const levels[] = { "info", "diag", "debug" };
	static const char *const formats[] = { "integer", "bytes", "bitmap", "duration" };
	static const enum vsc_type tv[] = { VSC_COUNTER, VSC_GAUGE, VSC_BITMAP };
	static const enum vsc_format fv[] = { VSC_F_INTEGER, VSC_F_BYTES, VSC_F_BITMAP,
					      VSC_F_DURATION };
	unsigned seen = 0;
	bool more = true;
	const char *s;
	int w = 0;
	char in[VSC_ELEM_NAME_MAX + 16];
	snprintf(in, sizeof in, "element %s", key);
	if (!jchar(j, '{'))
		return false;
	while (more) {
		switch (jkey(j, keys, K_N, &seen, in)) {
		case K_TYPE:
			if (!jword(j, types, 3, &w, "type"))
				return false;
			e->type = tv[w];
			break;
		case K_CTYPE:
			if (!jstring(j, &s))
				return false;
			if (strcmp(s, "uint64_t") != 0)
				return jfail(j, "JSON %s: ctype \"%.*s\" (uint64_t)", in, shown(s),
					     s);
			j->out = (char *)(uintptr_t)s;
			break;
		case K_LEVEL:
			if (!jword(j, levels, 3, &w, "level"))
				return false;
			e->level = (enum vsc_level)w;
			break;
		case K_ONELINER:
			if (!jstring(j, &e->oneliner))
				return false;
			break;
		case K_GROUP:
			if (!jstring(j, &s))
				return false;
			j->out = (char *)(uintptr_t)s;
			break;
		case K_FORMAT:
			if (!jword(j, formats, 4, &w, "format"))
				return false;
			e->format = fv[w];
			break;
		case K_INDEX:
			if (!juint(j, VSC_DOC_MAX * 8u, &e->index, "index"))
				return false;
			if (e->index % 8 != 0)
				return jfail(j, "JSON %s: index %u not a multiple of 8", in,
					     e->index);
			break;
		case K_NAME:
			if (!jstring(j, &e->name))
				return false;
			if (strcmp(e->name, key) != 0)
				return jfail(j, "JSON %s: named \"%.*s\"", in, shown(e->name),
					     e->name);
			break;
		case K_DOCS:
			if (!jstring(j, &e->docs))
				return false;
			break;
		default: return false;
		}
		if (!jnext(j, &more))
			return false;
	}
	unsigned need = (1u << K_N) - 1 - (1u << K_GROUP);
	if ((seen & need) != need)
		for (int i = 0; i < K_N; i++)
			if ((need & (1u << i)) && !(seen & (1u << i)))
				return jfail(j, "JSON %s: no \"%s\"", in, keys[i]);
	return true;
}

static bool jelems(struct jr *j, struct vsc_doc *d)
{
	bool more = true;
	if (!jchar(j, '{'))
		return false;
	if (jpeek(j, '}')) {
		j->p++;
		return true;
	}
	while (more) {
		const char *key;
		if (!jstring(j, &key) || !jchar(j, ':'))
			return false;
		size_t kl = strlen(key);
		size_t bad = first_bad(key, kl);
		if (kl == 0 || kl >= VSC_ELEM_NAME_MAX || bad < kl)
			return jfail(
			    j, "JSON element name of %zu bytes (1 to %d of printable ASCII)%s", kl,
			    VSC_ELEM_NAME_MAX - 1,
			    bad < kl ? ", with a control or non-ASCII byte" : "");
		for (size_t i = 0; i < d->n; i++)
			if (strcmp(d->elem[i].name, key) == 0)
				return jfail(j, "JSON element %s twice", key);
		if (d->n >= d->cap)
			return jfail(j, "JSON: more elements than %zu", d->cap);
		struct vsc_elem *e = &d->elem[d->n];
		memset(e, 0, sizeof *e);
		if (!jelem(j, e, key))
			return false;
		d->n++;
		if (!jnext(j, &more))
			return false;
	}
	return true;
}

enum { D_VERSION, D_NAME, D_ONELINER, D_ORDER, D_DOCS, D_ELEMENTS, D_ELEM, D_N };

static bool jdoc(struct jr *j, struct vsc_doc *d)
{
	static const char *const keys[D_N] = { "version", "name",     "oneliner", "order",
					       "docs",    "elements", "elem" };
	unsigned seen = 0;
	uint32_t elements = 0;
	bool more = true;
	const char *s;
	if (!jchar(j, '{'))
		return false;
	while (more) {
		switch (jkey(j, keys, D_N, &seen, "document")) {
		case D_VERSION:
			if (!jstring(j, &s))
				return false;
			if (strcmp(s, "1") != 0)
				return jfail(j, "JSON version \"%.*s\" (this reader knows \"1\")",
					     shown(s), s);
			break;
		case D_NAME:
			if (!jstring(j, &d->name))
				return false;
			break;
		case D_ONELINER:
			if (!jstring(j, &d->oneliner))
				return false;
			break;
		case D_ORDER:
			if (!juint(j, UINT32_MAX, &d->order, "order"))
				return false;
			break;
		case D_DOCS:
			if (!jstring(j, &d->docs))
				return false;
			break;
		case D_ELEMENTS:
			if (!juint(j, VSC_ELEMS_MAX, &elements, "elements"))
				return false;
			break;
		case D_ELEM:
			if (!jelems(j, d))
				return false;
			break;
		default: return false;
		}
		if (!jnext(j, &more))
			return false;
	}
	for (int i = 0; i < D_N; i++)
		if (!(seen & (1u << i)))
			return jfail(j, "JSON document: no \"%s\"", keys[i]);
	if (elements != d->n)
		return jfail(j, "JSON document: \"elements\" %u, but %zu elements", elements, d->n);
	if (j->p != j->end)
		return jfail(j, "JSON: %td bytes after the document", j->end - j->p);
	return true;
}

int vsc_doc_alloc(struct vsc_doc *d, size_t len)
{
	memset(d, 0, sizeof *d);
	size_t body = len > VSC_DOC_MAX ? VSC_DOC_MAX : len;
	/* an element takes more than 100 bytes of JSON */
	d->cap = body / 100 + 1;
	if (d->cap > VSC_ELEMS_MAX)
		d->cap = VSC_ELEMS_MAX;
	d->textlen = body + 1;
	d->elem = calloc(d->cap, sizeof *d->elem);
	d->text = malloc(d->textlen);
	if (!d->elem || !d->text) {
		vsc_doc_free(d);
		return -1;
	}
	return 0;
}

void vsc_doc_free(struct vsc_doc *d)
{
	free(d->elem);
	free(d->text);
	memset(d, 0, sizeof *d);
}

enum vsc_status vsc_doc_parse(const unsigned char *seg, size_t len, struct vsc_doc *d, char *why,
			      size_t whylen)
{
	if (why && whylen)
		why[0] = '\0';
	d->n = 0;
	d->name = d->oneliner = d->docs = NULL;
	d->order = 0;
	size_t body;
	enum vsc_status st = head_check(seg, len, "StatDoc", &d->id, &body, why, whylen);
	if (st != VSC_OK)
		return st;
	const char *js = (const char *)seg + body;
	size_t max = len - body;
	if (max > VSC_DOC_MAX)
		max = VSC_DOC_MAX;
	const char *nul = memchr(js, '\0', max);
	if (!nul)
		return say(why, whylen, VSC_DAMAGED, "StatDoc: no NUL ends its JSON in %zu bytes",
			   max);
	size_t jl = (size_t)(nul - js);
	if (jl + 1 > d->textlen)
		return say(why, whylen, VSC_ERROR, "StatDoc: %zu bytes of JSON, room for %zu", jl,
			   d->textlen - 1);
	struct jr j = { .start = js,
			.p = js,
			.end = nul,
			.out = d->text,
			.outend = d->text + d->textlen,
			.why = why,
			.whylen = whylen };
	if (!jdoc(&j, d)) {
		d->n = 0;
		return VSC_DAMAGED;
	}
	return VSC_OK;
}

/* ---- a Stat's counters ---- */

enum vsc_status vsc_stat_parse(const unsigned char *seg, size_t len, const char *ident,
			       const struct vsc_doc *d, struct vsc_counter *out, size_t cap,
			       size_t *n, char *why, size_t whylen)
{
	if (why && whylen)
		why[0] = '\0';
	*n = 0;
	size_t il = strnlen(ident, VSC_IDENT_MAX);
	if (il == 0 || il >= VSC_IDENT_MAX || !printable(ident, il))
		return say(why, whylen, VSC_DAMAGED,
			   "Stat: ident empty, too long or not printable");
	uint64_t doc_id;
	size_t body;
	enum vsc_status st = head_check(seg, len, ident, &doc_id, &body, why, whylen);
	if (st != VSC_OK)
		return st;
	if (doc_id != d->id)
		return say(why, whylen, VSC_DAMAGED, "%s: doc id %llx, not its StatDoc's %llx",
			   ident, (unsigned long long)doc_id, (unsigned long long)d->id);
	if (((uintptr_t)(seg + body) & 7) != 0)
		return say(why, whylen, VSC_DAMAGED, "%s: body not 8-byte aligned in memory",
			   ident);
	size_t blen = len - body;
	if (d->n > cap)
		return say(why, whylen, VSC_ERROR, "%s: %zu counters, room for %zu", ident, d->n,
			   cap);
	for (size_t i = 0; i < d->n; i++) {
		const struct vsc_elem *e = &d->elem[i];
		if (e->index > blen || blen - e->index < 8)
			return say(why, whylen, VSC_DAMAGED,
				   "%s.%s: counter at %u past the body (%zu bytes)", ident, e->name,
				   e->index, blen);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct vsc_elem *e = &d->elem[i];
		struct vsc_counter *c = &out[i];
		snprintf(c->name, sizeof c->name, "%s.%s", ident, e->name);
		c->e = e;
		c->raw = __atomic_load_n((const uint64_t *)(const void *)(seg + body + e->index),
					 __ATOMIC_RELAXED);
		c->value = e->type == VSC_GAUGE && c->raw > INT64_MAX ? 0 : c->raw;
	}
	*n = d->n;
	return VSC_OK;
}

const char *vsc_type_name(enum vsc_type t)
{
	switch (t) {
	case VSC_COUNTER: return "counter";
	case VSC_GAUGE: return "gauge";
	case VSC_BITMAP: return "bitmap";
	}
	return "?";
}

const char *vsc_level_name(enum vsc_level l)
{
	switch (l) {
	case VSC_INFO: return "info";
	case VSC_DIAG: return "diag";
	case VSC_DEBUG: return "debug";
	}
	return "?";
}

const char *vsc_format_name(enum vsc_format f)
{
	switch (f) {
	case VSC_F_INTEGER: return "integer";
	case VSC_F_BYTES: return "bytes";
	case VSC_F_BITMAP: return "bitmap";
	case VSC_F_DURATION: return "duration";
	}
	return "?";
}

/* ---- one set's folder ---- */

static void unmap(struct vsc_map *m)
{
	if (m->p)
		munmap((void *)(uintptr_t)m->p, m->size);
	m->p = NULL;
}

void vsc_set_free(struct vsc_set *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		unmap(&s->maps[i]);
	for (size_t i = 0; i < s->ndocs; i++)
		vsc_doc_free(&s->docs[i].d);
	free(s->maps);
	free(s->docs);
	free(s->ix.segs);
	free(s->text);
	free(s->ctr);
	memset(s, 0, sizeof *s);
}

static const char *not_regular(mode_t m)
{
	return S_ISLNK(m)    ? "a symbolic link, not a regular file"
	       : S_ISFIFO(m) ? "a FIFO, not a regular file"
	       : S_ISDIR(m)  ? "a folder, not a regular file"
			     : "not a regular file";
}

/* The index into s->text: its length, or -1 (why said). */
static ssize_t read_index(struct vsc_set *s, int dfd, enum vsc_status *st, char *why, size_t whylen)
{
	struct stat sb;
	int fd = objlist_files_open_regular(dfd, "_.index", &sb);
	if (fd < 0 && errno != EINVAL) {
		*st = errno == ENOENT ? VSC_NOT_READY : VSC_DAMAGED;
		say(why, whylen, *st, "_.index: %s", strerror(errno));
		return -1;
	}
	if (fd < 0 || (uint64_t)sb.st_size > VSC_INDEX_MAX) {
		*st = say(why, whylen, VSC_DAMAGED, "_.index: %s",
			  fd >= 0 ? "longer than 1 MiB" : not_regular(sb.st_mode));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!s->text) {
		s->text = malloc(VSC_INDEX_MAX + 1);
		if (!s->text) {
			close(fd);
			*st = say(why, whylen, VSC_ERROR, "_.index: out of memory");
			return -1;
		}
		s->textcap = VSC_INDEX_MAX + 1;
	}
	size_t got = 0;
	ssize_t r = 0;
	while (got < s->textcap && (r = read(fd, s->text + got, s->textcap - got)) > 0)
		got += (size_t)r;
	int err = errno;
	close(fd);
	if (r < 0) {
		*st = say(why, whylen, VSC_DAMAGED, "_.index: %s", strerror(err));
		return -1;
	}
	if (got > VSC_INDEX_MAX) {
		*st = say(why, whylen, VSC_DAMAGED, "_.index: longer than 1 MiB");
		return -1;
	}
	return (ssize_t)got;
}

/* The mapping of file, kept or made: NULL with *st set (VSC_OK: the file
 * is gone). */
static const struct vsc_map *map_of(struct vsc_set *s, int dfd, const char *file,
				    enum vsc_status *st, char *why, size_t whylen)
{
	*st = VSC_OK;
	struct vsc_map *m = NULL;
	for (size_t i = 0; i < s->nmaps && !m; i++)
		if (strcmp(s->maps[i].file, file) == 0)
			m = &s->maps[i];
	if (m && m->used)
		return m;
	struct stat sb;
	if (fstatat(dfd, file, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			*st = say(why, whylen, VSC_DAMAGED, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size < 1 || (uint64_t)sb.st_size > VSC_SEGFILE_MAX) {
		*st =
		    say(why, whylen, VSC_DAMAGED, "%s: %s", file,
			S_ISREG(sb.st_mode) ? "not of 1 byte to 64 MiB" : not_regular(sb.st_mode));
		return NULL;
	}
	if (m && m->p && m->dev == (uint64_t)sb.st_dev && m->ino == (uint64_t)sb.st_ino &&
	    m->size == (size_t)sb.st_size) {
		m->used = true;
		return m;
	}
	if (!m) {
		if (s->nmaps == s->mapcap) {
			size_t cap = s->mapcap ? s->mapcap * 2 : 16;
			struct vsc_map *n = realloc(s->maps, cap * sizeof *n);
			if (!n) {
				*st = say(why, whylen, VSC_ERROR, "%s: out of memory", file);
				return NULL;
			}
			s->maps = n;
			s->mapcap = cap;
		}
		m = &s->maps[s->nmaps++];
		memset(m, 0, sizeof *m);
		snprintf(m->file, sizeof m->file, "%s", file);
	}
	unmap(m);
	int fd = objlist_files_open_regular(dfd, file, &sb);
	if (fd < 0 && errno != EINVAL) {
		if (errno != ENOENT)
			*st = say(why, whylen, VSC_DAMAGED, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (fd < 0 || sb.st_size < 1 || (uint64_t)sb.st_size > VSC_SEGFILE_MAX) {
		if (fd >= 0)
			close(fd);
		*st = say(why, whylen, VSC_DAMAGED, "%s: changed while opened", file);
		return NULL;
	}
	void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		*st = say(why, whylen, VSC_DAMAGED, "%s: %s", file, strerror(err));
		return NULL;
	}
	m->p = p;
	m->size = (size_t)sb.st_size;
	m->dev = (uint64_t)sb.st_dev;
	m->ino = (uint64_t)sb.st_ino;
	m->used = true;
	return m;
}

/* Segment g's bytes: NULL with *st (VSC_OK: its file is gone). */
static const unsigned char *seg_bytes(struct vsc_set *s, int dfd, const struct vsc_seg *g,
				      const struct vsc_map **mp, enum vsc_status *st, char *why,
				      size_t whylen)
{
	const struct vsc_map *m = map_of(s, dfd, g->file, st, why, whylen);
	*mp = m;
	if (!m)
		return NULL;
	if (g->off > m->size || g->len > m->size - g->off) {
		*st = say(why, whylen, VSC_DAMAGED,
			  "%s: segment %s at %" PRIu64 " (%" PRIu64
			  " bytes) past the end of its file (%zu bytes)",
			  g->file, g->ident, g->off, g->len, m->size);
		return NULL;
	}
	return m->p + g->off;
}

/* the work done under the guard */
struct job {
	const unsigned char *seg;
	size_t len;
	const char *ident;
	struct vsc_doc *doc;
	struct vsc_counter *out;
	size_t cap, n;
	uint64_t id;
	int32_t ready;
	enum vsc_status st;
	char why[256];
};

static void do_doc(void *arg)
{
	struct job *j = arg;
	j->st = vsc_doc_parse(j->seg, j->len, j->doc, j->why, sizeof j->why);
}

static void do_stat(void *arg)
{
	struct job *j = arg;
	j->st = VSC_OK;
	if (!vsc_head(j->seg, j->len, &j->id, &j->ready))
		j->st = say(j->why, sizeof j->why, VSC_DAMAGED, "shorter than a Stat header");
	else if (j->ready == 0 || j->ready == 2)
		j->st = VSC_NOT_READY; /* being made, or being removed */
	else if (j->doc)
		j->st = vsc_stat_parse(j->seg, j->len, j->ident, j->doc, j->out, j->cap, &j->n,
				       j->why, sizeof j->why);
}

static enum vsc_status guarded(void (*fn)(void *), struct job *j, const char *file, char *why,
			       size_t whylen)
{
	if (objpeek_guarded(fn, j) < 0)
		return say(why, whylen, VSC_BUSY, "%s: the file shrank while it was read (SIGBUS)",
			   file);
	return VSC_OK;
}

static void do_head(void *arg)
{
	struct job *j = arg;
	j->st = vsc_head(j->seg, j->len, &j->id, &j->ready) ? VSC_OK : VSC_DAMAGED;
}

/* The kept doc of segment g in file m, or NULL. */
static struct vsc_kept_doc *kept(struct vsc_set *s, const struct vsc_seg *g,
				 const struct vsc_map *m)
{
	for (size_t i = 0; i < s->ndocs; i++) {
		struct vsc_kept_doc *k = &s->docs[i];
		if (!k->used && same_seg(&k->g, g) && k->dev == m->dev && k->ino == m->ino)
			return k;
	}
	return NULL;
}

static enum vsc_status read_docs(struct vsc_set *s, int dfd, char *why, size_t whylen)
{
	enum vsc_status st;
	for (size_t i = 0; i < s->ndocs; i++)
		s->docs[i].used = false;
	for (size_t i = 0; i < s->ix.n; i++) {
		const struct vsc_seg *g = &s->ix.segs[i];
		if (strcmp(g->cls, "StatDoc") != 0)
			continue;
		const struct vsc_map *m;
		struct job j = { .len = (size_t)g->len };
		if (!(j.seg = seg_bytes(s, dfd, g, &m, &st, why, whylen))) {
			if (st != VSC_OK)
				return st;
			s->gone++;
			continue;
		}
		struct vsc_kept_doc *k = kept(s, g, m);
		if (k) { /* parsed before: still shown? */
			if ((st = guarded(do_head, &j, g->file, why, whylen)) != VSC_OK)
				return st;
			k->used = j.st == VSC_OK && j.ready == 1 && j.id == k->d.id;
			if (k->used)
				continue;
			vsc_doc_free(&k->d); /* hidden or changed: parsed again */
		} else {
			if (s->ndocs == s->doccap) {
				size_t cap = s->doccap ? s->doccap * 2 : 8;
				struct vsc_kept_doc *n = realloc(s->docs, cap * sizeof *n);
				if (!n)
					return say(why, whylen, VSC_ERROR, "%s: out of memory",
						   g->file);
				s->docs = n;
				s->doccap = cap;
			}
			k = &s->docs[s->ndocs++];
			memset(k, 0, sizeof *k);
		}
		k->g = *g;
		k->dev = m->dev;
		k->ino = m->ino;
		j.doc = &k->d;
		if (vsc_doc_alloc(j.doc, j.len) < 0)
			return say(why, whylen, VSC_ERROR, "%s: out of memory", g->file);
		if ((st = guarded(do_doc, &j, g->file, why, whylen)) != VSC_OK)
			return st;
		if (j.st == VSC_OK) {
			char id[24];
			snprintf(id, sizeof id, "%" PRIx64, j.doc->id);
			if (strcmp(id, g->ident) != 0)
				return say(why, whylen, VSC_DAMAGED,
					   "%s: StatDoc: its ident is not its id", g->file);
			k->used = true;
		} else if (j.st != VSC_NOT_READY && j.st != VSC_HIDDEN) {
			return say(why, whylen, j.st, "%s: %s", g->file, j.why);
		}
	}
	return VSC_OK;
}

static enum vsc_status read_stats(struct vsc_set *s, int dfd, char *why, size_t whylen)
{
	enum vsc_status st;
	for (size_t i = 0; i < s->ix.n; i++) {
		const struct vsc_seg *g = &s->ix.segs[i];
		if (strcmp(g->cls, "Stat") != 0)
			continue;
		const struct vsc_map *m;
		struct job j = { .len = (size_t)g->len, .ident = g->ident };
		if (!(j.seg = seg_bytes(s, dfd, g, &m, &st, why, whylen))) {
			if (st != VSC_OK)
				return st;
			s->gone++;
			continue;
		}
		/* its header first, for its doc */
		if ((st = guarded(do_stat, &j, g->file, why, whylen)) != VSC_OK)
			return st;
		if (j.st == VSC_NOT_READY)
			continue;
		if (j.st != VSC_OK)
			return say(why, whylen, j.st, "%s: %s", g->file, j.why);
		for (size_t k = 0; k < s->ndocs && !j.doc; k++)
			if (s->docs[k].used && s->docs[k].d.id == j.id && j.id != 0)
				j.doc = &s->docs[k].d;
		if (!j.doc)
			return say(why, whylen, VSC_DAMAGED,
				   "%s: a Stat whose StatDoc is not listed", g->file);
		if (s->ctrcap - s->nctr < j.doc->n) {
			size_t cap = s->nctr + j.doc->n + 64;
			struct vsc_counter *n = realloc(s->ctr, cap * sizeof *n);
			if (!n)
				return say(why, whylen, VSC_ERROR, "%s: out of memory", g->file);
			s->ctr = n;
			s->ctrcap = cap;
		}
		j.out = s->ctr + s->nctr;
		j.cap = j.doc->n;
		if ((st = guarded(do_stat, &j, g->file, why, whylen)) != VSC_OK)
			return st;
		if (j.st == VSC_OK)
			s->nctr += j.n;
		else if (j.st != VSC_NOT_READY && j.st != VSC_HIDDEN)
			return say(why, whylen, j.st, "%s: %s", g->file, j.why);
	}
	return VSC_OK;
}

enum vsc_status vsc_set_read(struct vsc_set *s, int dfd, char *why, size_t whylen)
{
	if (why && whylen)
		why[0] = '\0';
	enum vsc_status st = VSC_OK;
	s->nctr = s->gone = s->files = 0;
	s->bytes = 0;
	s->ix.n = 0;
	for (size_t i = 0; i < s->nmaps; i++)
		s->maps[i].used = false;
	ssize_t len = read_index(s, dfd, &st, why, whylen);
	if (len < 0)
		return st;
	s->files = 1;
	s->bytes = (uint64_t)len;
	/* room for a segment a line */
	size_t lines = 1;
	for (const char *p = s->text; (p = memchr(p, '\n', (size_t)(s->text + len - p))); p++)
		lines++;
	if (lines > s->ix.cap) {
		struct vsc_seg *g = realloc(s->ix.segs, lines * sizeof *g);
		if (!g)
			return say(why, whylen, VSC_ERROR, "_.index: out of memory");
		s->ix.segs = g;
		s->ix.cap = lines;
	}
	char sub[256];
	st = vsc_index_parse(s->text, (size_t)len, &s->ix, sub, sizeof sub);
	if (st != VSC_OK)
		return say(why, whylen, st, "_.index: %s", sub);
	st = read_docs(s, dfd, why, whylen);
	if (st == VSC_OK)
		st = read_stats(s, dfd, why, whylen);
	/* the docs this read did not use are let go (the counters point into
	 * the heap of those kept, which stays where it is) */
	size_t kd = 0;
	for (size_t i = 0; i < s->ndocs; i++) {
		if (st == VSC_OK && s->docs[i].used)
			s->docs[kd++] = s->docs[i];
		else
			vsc_doc_free(&s->docs[i].d);
	}
	s->ndocs = kd;
	if (st != VSC_OK)
		s->nctr = 0;
	/* the files this read did not use are let go */
	size_t k = 0;
	for (size_t i = 0; i < s->nmaps; i++) {
		if (!s->maps[i].used) {
			unmap(&s->maps[i]);
			continue;
		}
		s->files++;
		s->bytes += s->maps[i].size;
		s->maps[k++] = s->maps[i];
	}
	s->nmaps = k;
	if (st == VSC_BUSY) /* the file that shrank is mapped again next time */
		for (size_t i = 0; i < s->nmaps; i++)
			unmap(&s->maps[i]);
	return st;
}
