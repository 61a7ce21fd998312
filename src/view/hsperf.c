/* SPDX-License-Identifier: MIT */
/*
 * The hsperfdata reader (hsperf.h).  Every field is read once, through a
 * volatile byte view of the bytes (another process writes them while they
 * are read), into a local that is checked before it is used; the walk visits
 * at most num_entries entries, each strictly after the last, so it ends.
 */
#include "hsperf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The prologue's fields. */
enum {
	P_MAGIC = 0,
	P_BYTE_ORDER = 4,
	P_MAJOR = 5,
	P_MINOR = 6,
	P_ACCESSIBLE = 7,
	P_USED = 8,
	P_OVERFLOW = 12,
	P_MOD_TIME = 16,
	P_ENTRY_OFFSET = 24,
	P_NUM_ENTRIES = 28,
};

/* An entry's header fields. */
enum {
	E_LENGTH = 0,
	E_NAME_OFFSET = 4,
	E_VECTOR_LENGTH = 8,
	E_TYPE = 12,
	E_FLAGS = 13,
	E_UNITS = 14,
	E_VARIABILITY = 15,
	E_DATA_OFFSET = 16,
};

struct src {
	const volatile unsigned char *b;
	bool big;  /* the file is big endian */
	bool swap; /* the file's byte order is not this machine's */
};

static uint32_t rd32(const struct src *s, size_t o)
{
	uint32_t v = (uint32_t)s->b[o] | (uint32_t)s->b[o + 1] << 8 | (uint32_t)s->b[o + 2] << 16 |
		     (uint32_t)s->b[o + 3] << 24;
	return s->big ? __builtin_bswap32(v) : v;
}

/* One 8-byte load where the address is aligned (the JVM's stores of a long
 * are single aligned stores, so this never sees one torn); else a copy of
 * the 8 bytes, which may. */
static int64_t rd64(const struct src *s, size_t o)
{
	const volatile unsigned char *a = s->b + o;
	uint64_t v;
	if (((uintptr_t)a & 7u) == 0) {
		v = __atomic_load_n((const volatile uint64_t *)(const volatile void *)a,
				    __ATOMIC_RELAXED);
	} else {
		unsigned char t[8];
		for (int i = 0; i < 8; i++)
			t[i] = a[i];
		memcpy(&v, t, 8);
	}
	if (s->swap)
		v = __builtin_bswap64(v);
	return (int64_t)v;
}

static enum hsperf_status refuse(enum hsperf_status st, char *why, size_t whylen, const char *fmt,
				 ...) __attribute__((format(printf, 4, 5)));
static enum hsperf_status refuse(enum hsperf_status st, char *why, size_t whylen, const char *fmt,
				 ...)
{
	if (why && whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return st;
}

#define DAMAGED(...) refuse(HSPERF_DAMAGED, why, whylen, "damaged hsperfdata: " __VA_ARGS__)

/* Copy the bytes at s->b[from..to) up to the first NUL into text at *used,
 * NUL-terminated.  The length copied, or -1 when there is no NUL there and
 * need_nul, or -2 when text is full. */
static long copy_text(const struct src *s, size_t from, size_t to, bool need_nul, char *text,
		      size_t textlen, size_t *used)
{
	size_t at = *used, k = 0;
	for (size_t i = from; i < to; i++) {
		unsigned char c = s->b[i];
		if (c == 0) {
			need_nul = false;
			break;
		}
		if (at + k + 1 >= textlen)
			return -2;
		text[at + k++] = (char)c;
	}
	if (need_nul)
		return -1;
	if (at + k >= textlen)
		return -2;
	text[at + k] = '\0';
	*used = at + k + 1;
	return (long)k;
}

/* Entry i at off (off + HSPERF_ENTRY_HEADER <= used checked), of length el
 * (checked within used), into *e.  HSPERF_OK, or a refusal. */
static enum hsperf_status read_entry(const struct src *s, size_t i, size_t off, uint32_t el,
				     struct hsperf_entry *e, char *text, size_t textlen,
				     size_t *textused, char *why, size_t whylen)
{
	int32_t nameoff = (int32_t)rd32(s, off + E_NAME_OFFSET);
	int32_t vlen = (int32_t)rd32(s, off + E_VECTOR_LENGTH);
	unsigned type = s->b[off + E_TYPE], flags = s->b[off + E_FLAGS];
	unsigned units = s->b[off + E_UNITS], var = s->b[off + E_VARIABILITY];
	int32_t dataoff = (int32_t)rd32(s, off + E_DATA_OFFSET);

	if (nameoff < (int32_t)HSPERF_ENTRY_HEADER || (uint32_t)nameoff >= el)
		return DAMAGED("entry %zu's name offset %d is outside the entry (%u bytes)", i,
			       nameoff, el);
	if (dataoff <= nameoff || (uint32_t)dataoff > el)
		return DAMAGED("entry %zu's data offset %d is outside the entry (%u bytes) or "
			       "before its name",
			       i, dataoff, el);
	if (units < HSPERF_U_NONE || units > HSPERF_U_HERTZ)
		return DAMAGED("entry %zu's unit %u is none of perfData.hpp's (1-6)", i, units);
	if (var < HSPERF_CONSTANT || var > HSPERF_GAUGE)
		return DAMAGED("entry %zu's variability %u is none of perfData.hpp's (1-3)", i,
			       var);
	if (vlen < 0)
		return DAMAGED("entry %zu's vector length %d is negative", i, vlen);

	e->kind = (enum hsperf_kind)var;
	e->unit = (enum hsperf_unit)units;
	e->supported = (flags & 1u) != 0;
	e->is_string = false;
	e->value = 0;
	e->str = NULL;
	e->str_len = 0;

	size_t data = off + (size_t)dataoff, end = off + el;
	if (type == 'J') {
		if (vlen != 0)
			return DAMAGED("entry %zu is a vector of longs, which jvmstat does not "
				       "read either",
				       i);
		if (end - data < 8)
			return DAMAGED("entry %zu's long runs past the entry", i);
	} else if (type == 'B') {
		if (vlen == 0 || units != HSPERF_U_STRING)
			return DAMAGED("entry %zu is bytes but not a string (vector length %d, "
				       "unit %u)",
				       i, vlen, units);
		if (var == HSPERF_COUNTER)
			return DAMAGED("entry %zu is a monotonic string", i);
		if ((size_t)vlen > end - data)
			return DAMAGED("entry %zu's string of %d bytes runs past the entry", i,
				       vlen);
	} else {
		return DAMAGED("entry %zu's type 0x%02x is neither a long (J) nor bytes (B)", i,
			       type);
	}

	size_t name_at = *textused;
	long got = copy_text(s, off + (size_t)nameoff, data, true, text, textlen, textused);
	if (got == -1)
		return DAMAGED("entry %zu's name runs past the entry (no NUL before its data)", i);
	if (got == -2)
		return refuse(HSPERF_DAMAGED, why, whylen,
			      "hsperfdata: the %zu-byte text buffer is full at entry %zu", textlen,
			      i);
	if (got == 0)
		return DAMAGED("entry %zu's name is empty", i);
	e->name = text + name_at;

	if (type == 'J') {
		e->value = rd64(s, data);
		return HSPERF_OK;
	}
	size_t str_at = *textused;
	got = copy_text(s, data, data + (size_t)vlen, false, text, textlen, textused);
	if (got < 0)
		return refuse(HSPERF_DAMAGED, why, whylen,
			      "hsperfdata: the %zu-byte text buffer is full at entry %zu", textlen,
			      i);
	e->is_string = true;
	e->str = text + str_at;
	e->str_len = (size_t)got;
	return HSPERF_OK;
}

enum hsperf_status hsperf_parse(const void *p, size_t size, struct hsperf_entry *e, size_t cap,
				size_t *n, char *text, size_t textlen, struct hsperf_info *info,
				char *why, size_t whylen)
{
	*n = 0;
	memset(info, 0, sizeof *info);
	info->size = size;
	struct src s = { .b = p };
	if (size < 4)
		return refuse(HSPERF_NOT_HSPERF, why, whylen,
			      "not hsperfdata: %zu bytes, too short for its magic", size);
	if (s.b[0] != 0xca || s.b[1] != 0xfe || s.b[2] != 0xc0 || s.b[3] != 0xc0)
		return refuse(HSPERF_NOT_HSPERF, why, whylen,
			      "not hsperfdata: no magic 0xcafec0c0 at its start");
	if (size < HSPERF_PROLOGUE_SIZE)
		return DAMAGED("cut short at %zu bytes, inside its %u-byte prologue", size,
			       HSPERF_PROLOGUE_SIZE);

	unsigned order = s.b[P_BYTE_ORDER];
	if (order > 1)
		return DAMAGED("byte order %u is neither 0 (big) nor 1 (little endian)", order);
	info->big_endian = s.big = order == 0;
	s.swap = info->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	unsigned major = s.b[P_MAJOR];
	info->minor = s.b[P_MINOR];
	if (major != 2)
		return DAMAGED("version %u.%u, this reader knows version 2", major, info->minor);
	if (s.b[P_ACCESSIBLE] == 0)
		return refuse(HSPERF_BEING_MADE, why, whylen,
			      "hsperfdata being made: the JVM has not marked it accessible yet");

	/* The JVM counts an entry after it grows used: num_entries first. */
	uint32_t num = rd32(&s, P_NUM_ENTRIES);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint32_t used = rd32(&s, P_USED);
	uint32_t eo = rd32(&s, P_ENTRY_OFFSET);
	info->used = used;
	info->overflow = rd32(&s, P_OVERFLOW);
	info->num_entries = num;
	info->mod_time_stamp = rd64(&s, P_MOD_TIME);

	if (used < HSPERF_PROLOGUE_SIZE || used > size)
		return DAMAGED("used is %u bytes, outside its %u-byte prologue and %zu-byte size",
			       used, HSPERF_PROLOGUE_SIZE, size);
	if (eo < HSPERF_PROLOGUE_SIZE || eo > used || eo % 4 != 0)
		return DAMAGED("entry offset %u is not 4-byte aligned within %u..%u", eo,
			       HSPERF_PROLOGUE_SIZE, used);
	if (num > (used - eo) / HSPERF_ENTRY_HEADER)
		return DAMAGED("%u entries cannot fit in its %u used bytes", num, used);
	if (num > cap)
		return refuse(HSPERF_DAMAGED, why, whylen,
			      "hsperfdata: %u entries, more than the %zu this reader keeps", num,
			      cap);

	size_t off = eo, textused = 0;
	enum hsperf_status st = HSPERF_OK;
	for (size_t i = 0; i < num && st == HSPERF_OK; i++) {
		int32_t el;
		if (off % 4 != 0)
			st = DAMAGED("entry %zu starts at byte %zu, not 4-byte aligned", i, off);
		else if (used - off < HSPERF_ENTRY_HEADER)
			st = DAMAGED("entry %zu's header at byte %zu runs past used (%u bytes)", i,
				     off, used);
		else if ((el = (int32_t)rd32(&s, off + E_LENGTH)) == 0)
			break; /* being made: its length is written last */
		else if (el < (int32_t)HSPERF_ENTRY_HEADER || (uint32_t)el > used - off)
			st = DAMAGED("entry %zu's length %d runs past used (%u bytes) or into its "
				     "header",
				     i, el, used);
		else if (i + 1 == num && rd32(&s, off + E_NAME_OFFSET) == 0 &&
			 rd32(&s, off + E_DATA_OFFSET) == 0)
			break; /* the last one, being made */
		else if ((st = read_entry(&s, i, off, (uint32_t)el, &e[*n], text, textlen,
					  &textused, why, whylen)) == HSPERF_OK) {
			++*n;
			off += (uint32_t)el;
		}
	}
	if (st != HSPERF_OK)
		*n = 0;
	return st;
}

const char *hsperf_unit_name(enum hsperf_unit u)
{
	static const char *const names[] = { "?",      "none",   "bytes", "ticks",
					     "events", "string", "hertz" };
	return (unsigned)u < sizeof names / sizeof names[0] ? names[u] : "?";
}

const char *hsperf_kind_name(enum hsperf_kind k)
{
	switch (k) {
	case HSPERF_CONSTANT: return "constant";
	case HSPERF_COUNTER: return "counter";
	case HSPERF_GAUGE: return "gauge";
	}
	return "?";
}

int64_t hsperf_frequency(const struct hsperf_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!e[i].is_string && strcmp(e[i].name, "sun.os.hrt.frequency") == 0)
			return e[i].value > 0 ? e[i].value : 0;
	return 0;
}

double hsperf_ticks_seconds(int64_t ticks, int64_t freq)
{
	return freq > 0 ? (double)ticks / (double)freq : 0.0;
}

bool hsperf_pid_from_name(const char *name, int32_t *pid)
{
	if (!name || name[0] < '1' || name[0] > '9')
		return false;
	int64_t v = 0;
	for (size_t i = 0; name[i]; i++) {
		if (i >= 10 || name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (name[i] - '0');
	}
	if (v > INT32_MAX)
		return false;
	*pid = (int32_t)v;
	return true;
}

bool hsperf_pid_from_path(const char *path, int32_t *pid, char *user, size_t len)
{
	static const char dir[] = "hsperfdata_";
	const char *base = path ? strrchr(path, '/') : NULL;
	if (!base || base == path || !hsperf_pid_from_name(base + 1, pid))
		return false;
	const char *from = base; /* the folder's name: (from, base) */
	while (from > path && from[-1] != '/')
		from--;
	size_t n = (size_t)(base - from);
	if (n <= sizeof dir - 1 || n > sizeof dir - 1 + 32 ||
	    memcmp(from, dir, sizeof dir - 1) != 0)
		return false;
	if (len)
		snprintf(user, len, "%.*s", (int)(n - (sizeof dir - 1)), from + sizeof dir - 1);
	return true;
}
