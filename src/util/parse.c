/* SPDX-License-Identifier: MIT */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "clock.h"
#include "format.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* Is s a non-empty string that does not start with white space? */
static int present(const char *s)
{
	return s && *s && !isspace((unsigned char)*s);
}

int parse_key(const char *s, key_t *out, char *why, size_t whylen)
{
	/* strtoull() would take a sign and white space: only digits here */
	if (!s || *s < '0' || *s > '9')
		FAIL("invalid key '%s': expected a number such as 9527 or 0x2537", s ? s : "");
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end || end == s)
		FAIL("invalid key '%s': expected a number such as 9527 or 0x2537", s);
	if (errno == ERANGE || v > UINT32_MAX)
		FAIL("invalid key '%s': out of range for a SysV key (at most 0xffffffff)", s);
	if (v == 0)
		FAIL("invalid key '%s': 0 is IPC_PRIVATE, not a key", s);
	*out = (key_t)(int32_t)(uint32_t)v;
	return 0;
}

int parse_number(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int parse_interval(const char *s, int64_t *ns, char *why, size_t whylen)
{
	/* Digits with an optional fraction, read exactly: strtod() would also
	 * take a sign, hex, an exponent, inf and nan. */
	const int64_t max = INT64_C(86400);
	int64_t sec = 0, frac = 0, scale = NS_PER_SEC;
	bool digits = false, nonzero = false, round_up = false;
	const char *p = s ? s : "";
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (*p - '0');
		digits = true;
		if (sec > max)
			FAIL("invalid interval '%s': must be from 0 to 86400 seconds", s);
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			FAIL("invalid interval '%s': expected seconds such as 1 or 0.25", s);
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			nonzero |= *p != '0';
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			} else if (scale == 1) {
				round_up = *p >= '5'; /* to the nearest ns */
				scale = 0;
			}
		}
	}
	if (*p || !digits)
		FAIL("invalid interval '%s': expected seconds such as 1 or 0.25", s ? s : "");
	int64_t v = sec * NS_PER_SEC + frac + round_up;
	if (v > max * NS_PER_SEC)
		FAIL("invalid interval '%s': must be from 0 to 86400 seconds", s);
	if (sec == 0 && nonzero && frac < 1000)
		FAIL("invalid interval '%s': must be 0 or at least 0.000001 seconds", s);
	*ns = v;
	return 0;
}

int parse_mode(const char *s, mode_t *out, char *why, size_t whylen)
{
	if (!present(s))
		FAIL("invalid mode '%s': expected octal permissions such as 0600", s ? s : "");
	unsigned long v = 0;
	const char *p = s;
	for (; *p; p++) {
		if (*p < '0' || *p > '7' || p - s >= 5)
			FAIL("invalid mode '%s': expected octal permissions such as 0600", s);
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (v > 0777)
		FAIL("invalid mode '%s': only permission bits (at most 0777) are allowed", s);
	if ((v & 0600) != 0600)
		FAIL("invalid mode '%s': the owner needs read and write (0600)", s);
	*out = (mode_t)v;
	return 0;
}

int parse_key_file(const char *path, key_t *out, char *why, size_t whylen)
{
	key_t k = ftok(path, SHMTOP_FTOK_PROJ);
	if (k == -1)
		FAIL("cannot make a key from '%s': %s", path, strerror(errno));
	if (k == 0)
		FAIL("'%s' gives key 0 (IPC_PRIVATE)", path);
	*out = k;
	return 0;
}

char *parse_short_options(const struct option *longopts, char *buf, size_t len)
{
	size_t at = 0;
	format_append(buf, len, &at, ":");
	for (const struct option *o = longopts; o->name; o++)
		if (!o->flag && o->val > 0 && o->val < 256)
			format_append(buf, len, &at, "%c%s", o->val,
				      o->has_arg == required_argument ? ":" : "");
	return buf;
}

const char *parse_bad_option(int c, char **argv, const struct option *longopts, char *buf,
			     size_t len)
{
	const char *typed = argv[optind - 1];
	size_t at = 0;
	if (optopt > 0 && optopt < 256 && strncmp(typed, "--", 2) != 0) {
		char opt[3] = { '-', (char)optopt, '\0' };
		if (c == ':')
			format_append(buf, len, &at, "option '%s' needs an argument", opt);
		else
			format_append(buf, len, &at, "unknown option '%s'", opt);
		return buf;
	}
	if (c == ':') {
		format_append(buf, len, &at, "option '%s' needs an argument", typed);
		return buf;
	}
	/* '?' for a long option: unknown, or a prefix of several */
	const char *name = strncmp(typed, "--", 2) == 0 ? typed + 2 : typed;
	size_t n = strcspn(name, "="), matches = 0;
	for (const struct option *o = longopts; n && o->name; o++)
		matches += strncmp(o->name, name, n) == 0;
	if (matches < 2) {
		format_append(buf, len, &at, "unknown option '%s'", typed);
		return buf;
	}
	char shown[64];
	snprintf(shown, sizeof shown, "--%.*s", (int)(n < 60 ? n : 60), name);
	format_append(buf, len, &at, "option '%s' is ambiguous; possibilities:", shown);
	for (const struct option *o = longopts; o->name; o++)
		if (strncmp(o->name, name, n) == 0)
			format_append(buf, len, &at, " '--%s'", o->name);
	return buf;
}
