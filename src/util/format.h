/* SPDX-License-Identifier: MIT */
/*
 * Formatting of segment facts the way ipcs(1) and lsipc(1) print them, for
 * the screen and for batch output.  Each function writes a NUL-terminated
 * string of at most len - 1 bytes into buf (truncating) and returns buf.
 */
#ifndef SHMTOP_FORMAT_H
#define SHMTOP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A key as ipcs prints it: "0x%08x". */
char *format_key(key_t key, char *buf, size_t len);

/* Permission bits as ls does: "rw-r-----". */
char *format_perms(unsigned mode, char *buf, size_t len);

/* Permission bits in octal with a leading 0: "0640". */
char *format_octal(unsigned mode, char *buf, size_t len);

/* A size in lsipc's style, 1024-based with one decimal: "512", "16.3K",
 * "2.0M". */
char *format_size(uint64_t bytes, char *buf, size_t len);

/* An IPC time as ipcs -i prints it ("Fri Nov 27 14:00:19 2026", local
 * time), or "Not set" for 0. */
char *format_time(int64_t t, char *buf, size_t len);

/* A duration for humans, in whole units: "<1s", "12s", "3m05s", "2h03m",
 * "4d02h"; negative durations print as "<1s". */
char *format_age(int64_t ns, char *buf, size_t len);

/* A count in at most FORMAT_COUNT_W characters: exact below 1000, else
 * with one decimal and an SI prefix up to E: "999", "1.0k", "999.9k",
 * "1.0M", "18.4E" (UINT64_MAX). */
#define FORMAT_COUNT_W 6
char *format_count(uint64_t n, char *buf, size_t len);

/* A rate per second in at most FORMAT_RATE_W characters: "0/s", "2.50/s",
 * "42.0/s", "1.20k/s", "3.40M/s", ... up to "999.99E/s", then an exponent
 * ("1.84e+20/s"); negative rates (a count that went down) with a minus
 * sign; NaN as "0/s". */
#define FORMAT_RATE_W 12
char *format_rate(double per_sec, char *buf, size_t len);

/* The status column of ipcs: "dest", "locked", "dest locked", or "-". */
char *format_status(bool dest, bool locked, char *buf, size_t len);

/* Word-wrap text into at most max lines of at most width cells (a cell per
 * UTF-8 character): line i is the len[i] bytes at text + start[i].  Lines
 * break after the last ": " in reach (at least a quarter of width in),
 * else at the last space, else mid-word; the last line is cut if text does
 * not fit.  Pure; returns the number of lines, at least 1 for max >= 1. */
size_t format_wrap(const char *text, size_t width, size_t max, size_t *start, size_t *len);

/* A time t (seconds) as lsipc's short format, seen at now_ns
 * (CLOCK_REALTIME): today "HH:MM", this year "Mon DD" ("Nov27"), else
 * "YYYY-Mon"; "-" for not set (0).  Pure but for the local time zone. */
char *format_short_time(int64_t t, int64_t now_ns, char *buf, size_t len);

/* printf to the end of the text in buf (len bytes) at *at, which then
 * points past it; what does not fit is cut, and *at stays below len, so
 * buf is always terminated. */
void format_append(char *buf, size_t len, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* An option's lines in --help, appended as format_append() does: the
 * heading of the group it opens ("": a blank line; NULL: none), then
 * "  -k, --key KEY" (no letter: c is not a character) padded to column 25,
 * then help, whose lines after the first ("\n" between them) start at
 * column 25 too. */
void format_option_help(char *buf, size_t len, size_t *at, const char *group, int c,
			const char *name, const char *arg, const char *help);

#endif
