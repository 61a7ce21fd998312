/* SPDX-License-Identifier: MIT */
#include "shmtop/parse.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "shmtop/clock.h"

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return -1; } while (0)

/* Is s a non-empty string that does not start with white space? */
static int present(const char *s)
{
	return s && *s && !isspace((unsigned char)*s);
}

int parse_key(const char *s, key_t *out, char *why, size_t whylen)
{
	if (!present(s))
		FAIL("invalid key '%s': expected a number such as 9527 or 0x2537", s ? s : "");
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (*end || end == s)
		FAIL("invalid key '%s': expected a number such as 9527 or 0x2537", s);
	if (errno == ERANGE || v < INT32_MIN || v > (long long)UINT32_MAX)
		FAIL("invalid key '%s': out of range for a SysV key (32 bits)", s);
	if (v == 0)
		FAIL("invalid key '%s': 0 is IPC_PRIVATE, not a key", s);
	*out = (key_t)(int32_t)(uint32_t)(v & 0xffffffffLL);
	return 0;
}

int parse_interval(const char *s, int64_t *ns, char *why, size_t whylen)
{
	if (!present(s))
		FAIL("invalid interval '%s': expected seconds such as 1 or 0.25", s ? s : "");
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || end == s || !isfinite(v))
		FAIL("invalid interval '%s': expected seconds such as 1 or 0.25", s);
	if (v < 0 || v > 86400)
		FAIL("invalid interval '%s': must be from 0 to 86400 seconds", s);
	if (v > 0 && v < 1e-6)
		FAIL("invalid interval '%s': must be 0 or at least 0.000001 seconds", s);
	*ns = (int64_t)(v * (double)NS_PER_SEC + 0.5); /* v >= 0: to the nearest ns */
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

const char *parse_bad_option(char **argv, char buf[3])
{
	const char *typed = argv[optind - 1];
	if (optopt > 0 && optopt < 256 && strncmp(typed, "--", 2) != 0) {
		snprintf(buf, 3, "-%c", optopt);
		return buf;
	}
	return typed;
}
