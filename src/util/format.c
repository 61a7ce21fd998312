/* SPDX-License-Identifier: MIT */
#include "format.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

char *format_key(key_t key, char *buf, size_t len)
{
	snprintf(buf, len, "0x%08x", (unsigned)key);
	return buf;
}

char *format_perms(unsigned mode, char *buf, size_t len)
{
	char s[10];
	static const char rwx[] = "rwx";
	for (unsigned i = 0; i < 9; i++)
		s[i] = (mode & (0400u >> i)) ? rwx[i % 3] : '-';
	s[9] = '\0';
	snprintf(buf, len, "%s", s);
	return buf;
}

char *format_octal(unsigned mode, char *buf, size_t len)
{
	snprintf(buf, len, "%04o", mode & 07777u);
	return buf;
}

/* v (already divided by base once, for the first prefix) divided by base
 * while it is at least limit, up to the sixth prefix (E); the prefix's
 * index in *u. */
static double scale_down(double v, double base, double limit, unsigned *u)
{
	for (*u = 0; v >= limit && *u < 5; ++*u)
		v /= base;
	return v;
}

char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64, bytes);
		return buf;
	}
	unsigned u;
	double v = scale_down((double)bytes / 1024, 1024, 1024, &u);
	v = floor(v * 10 + 0.5) / 10; /* half up, as lsipc: 16640 is 16.3K */
	snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

char *format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t == 0 || !localtime_r(&tt, &tm) ||
	    strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, len, "Not set");
	return buf;
}

char *format_age(int64_t ns, char *buf, size_t len)
{
	if (ns < 0)
		ns = 0;
	int64_t s = ns / NS_PER_SEC;
	/* Whole seconds: tenths would only show where the viewer's tick fell
	 * against the writer's, and cost a repaint on every tick. */
	if (s < 1)
		snprintf(buf, len, "<1s");
	else if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400, s % 86400 / 3600);
	return buf;
}

char *format_count(uint64_t n, char *buf, size_t len)
{
	static const char prefix[] = "kMGTPE";
	if (n < 1000) {
		snprintf(buf, len, "%" PRIu64, n);
		return buf;
	}
	unsigned u; /* from 999.95 it would print 1000.0 */
	double v = scale_down((double)n / 1e3, 1e3, 999.95, &u);
	snprintf(buf, len, "%.1f%c", v, prefix[u]);
	return buf;
}

char *format_rate(double r, char *buf, size_t len)
{
	static const char prefix[] = "kMGTPE";
	/* Each bound is where the shorter form would round up to the next
	 * (9.996 is "10.0/s", not "10.00/s"; 999.96 is "1.00k/s"). */
	double a = fabs(r);
	const char *sign = r < 0 ? "-" : "";
	if (!(a > 0.0)) { /* also NaN */
		snprintf(buf, len, "0/s");
		return buf;
	}
	if (a < 999.95) {
		snprintf(buf, len, "%s%.*f/s", sign, a < 9.995 ? 2 : 1, a);
		return buf;
	}
	unsigned u;
	a = scale_down(a / 1e3, 1e3, 999.995, &u);
	if (a < 999.995 && isfinite(a))
		snprintf(buf, len, "%s%.2f%c/s", sign, a, prefix[u]);
	else /* beyond 999.99E per second (or inf): an exponent */
		snprintf(buf, len, "%s%.2e/s", sign, fabs(r));
	return buf;
}

char *format_status(bool dest, bool locked, char *buf, size_t len)
{
	snprintf(buf, len, "%s",
		 dest && locked ? "dest locked"
		 : dest         ? "dest"
		 : locked       ? "locked"
				: "-");
	return buf;
}

size_t format_wrap(const char *text, size_t width, size_t max, size_t *start, size_t *len)
{
	size_t pos = 0, n = 0;
	if (max == 0)
		return 0;
	if (width == 0)
		width = 1;
	do {
		while (n > 0 && text[pos] == ' ')
			pos++;
		size_t end = pos, cells = 0, space = 0, colon = 0;
		while (text[end] && cells < width) {
			if (text[end] == ' ' && end > pos) {
				space = end;
				if (text[end - 1] == ':' && cells >= width / 4)
					colon = end;
			}
			do /* a whole UTF-8 character */
				end++;
			while (((unsigned char)text[end] & 0xc0) == 0x80);
			cells++;
		}
		if (text[end] == ' ')
			space = colon = end; /* the line ends exactly at a word's end */
		if (text[end] && n + 1 < max && (colon || space))
			end = colon ? colon : space;
		start[n] = pos;
		len[n] = end - pos;
		n++;
		pos = end;
	} while (text[pos] && n < max && (text[pos] != ' ' || text[pos + strspn(text + pos, " ")]));
	return n;
}

/* A time as lsipc's short format: today "HH:MM", this year "Mon DD"
 * ("Nov27"), else "YYYY-Mon"; "-" for not set. */
char *format_short_time(int64_t t, int64_t now_ns, char *buf, size_t len)
{
	time_t tt = (time_t)t, now = (time_t)(now_ns / NS_PER_SEC);
	struct tm tm, tn;
	if (t == 0 || !localtime_r(&tt, &tm) || !localtime_r(&now, &tn)) {
		snprintf(buf, len, "-");
		return buf;
	}
	size_t n;
	if (tm.tm_year != tn.tm_year)
		n = strftime(buf, len, "%Y-%b", &tm);
	else if (tm.tm_yday != tn.tm_yday)
		n = strftime(buf, len, "%b%d", &tm);
	else
		n = strftime(buf, len, "%H:%M", &tm);
	if (n == 0)
		snprintf(buf, len, "-");
	return buf;
}

void format_append(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	if (*at >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at = *at + (size_t)n < len ? *at + (size_t)n : len - 1;
}

void format_option_help(char *buf, size_t len, size_t *at, const char *group, int c,
			const char *name, const char *arg, const char *help)
{
	if (group)
		format_append(buf, len, at, "\n%s%s", group, group[0] ? ":\n" : "");
	bool letter = c > ' ' && c < 127;
	char head[48];
	snprintf(head, sizeof head, "%c%c%c --%s%s%s", letter ? '-' : ' ', letter ? c : ' ',
		 letter ? ',' : ' ', name, arg ? " " : "", arg ? arg : "");
	format_append(buf, len, at, "  %-23s%s", head, strlen(head) < 23 ? "" : "  ");
	for (;; help++) {
		size_t n = strcspn(help, "\n");
		format_append(buf, len, at, "%.*s\n", (int)n, help);
		if (!help[n])
			break;
		help += n;
		format_append(buf, len, at, "%25s", "");
	}
}
