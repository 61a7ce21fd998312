/* SPDX-License-Identifier: MIT */
/*
 * A reader of a HotSpot JVM's performance data (hsperfdata), the file every
 * JVM maps shared at /tmp/hsperfdata_<user>/<pid> (OpenJDK's perfMemory.hpp
 * and perfData.hpp define it; sun.jvmstat's v2_0 PerfDataBuffer reads it, and
 * so `jcmd PID PerfCounter.print` and jstat).
 *
 * Layout, version 2, in the byte order the prologue names:
 *   prologue, 32 bytes: magic (the bytes ca fe c0 c0 in either order),
 *     byte_order (0 big, 1 little endian), major (2), minor, accessible,
 *     used (bytes in use), overflow, mod_time_stamp (8), entry_offset,
 *     num_entries;
 *   entries from entry_offset, each 4-byte aligned and entry_length long:
 *     a 20-byte header (entry_length, name_offset, vector_length, type,
 *     flags, units, variability, data_offset), then the NUL-terminated name,
 *     padding, and the data: one long (type 'J', vector_length 0) or a byte
 *     vector (type 'B', units string: a NUL-terminated string in
 *     vector_length bytes).
 *
 * The JVM writes the file while it is read: an entry is counted in
 * num_entries and used before its bytes are written, and the JVM adds
 * entries long after it set accessible.  So an entry_length of 0 ends the
 * entries (one being made), as it does for jvmstat, and so does a last
 * counted entry with no name or data offset yet.  Every other field is
 * untrusted: each is read once into a local, checked, and used from there;
 * entries must lie within used, used within the size, and nothing is read
 * outside the bytes given.  A long is read with one aligned 8-byte load where
 * its offset is 8-byte aligned (as the JVM places it), else with a copy of
 * its 8 bytes, which may then see a value being written half-old.  A
 * variable string has no such guarantee from the JVM (it rewrites it in
 * place): one read while it changes may mix the old and the new text.
 *
 * Nothing is allocated: the entries go into the caller's array and their
 * names and strings into the caller's text buffer (the file's size in bytes
 * always suffices).  The caller guards the call against SIGBUS when the
 * bytes are a mapping its owner may truncate.  Text is the JVM's raw bytes:
 * the viewer escapes it (escape.h).
 */
#ifndef SHMTOP_HSPERF_H
#define SHMTOP_HSPERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HSPERF_PROLOGUE_SIZE 32u
#define HSPERF_ENTRY_HEADER 20u
/* The most entries a file of size bytes can hold: an array this long never
 * runs out. */
#define HSPERF_MAX_ENTRIES(size) ((size) / HSPERF_ENTRY_HEADER + 1u)

enum hsperf_status {
	HSPERF_OK = 0,
	HSPERF_BEING_MADE = 1,  /* accessible is 0: the JVM is still making it */
	HSPERF_DAMAGED = -1,    /* hsperfdata, but a field is out of bounds */
	HSPERF_NOT_HSPERF = -2, /* no hsperfdata magic */
};

/* The entry's variability: constant, monotonic (a counter), variable. */
enum hsperf_kind { HSPERF_CONSTANT = 1, HSPERF_COUNTER = 2, HSPERF_GAUGE = 3 };

/* perfData.hpp's units, with its numbers. */
enum hsperf_unit {
	HSPERF_U_NONE = 1,
	HSPERF_U_BYTES = 2,
	HSPERF_U_TICKS = 3,
	HSPERF_U_EVENTS = 4,
	HSPERF_U_STRING = 5,
	HSPERF_U_HERTZ = 6,
};

struct hsperf_entry {
	const char *name; /* NUL-terminated, in the caller's text buffer */
	enum hsperf_kind kind;
	enum hsperf_unit unit;
	bool supported; /* flags' F_Supported: java.* and com.sun.* names */
	bool is_string;
	int64_t value;   /* a long's value */
	const char *str; /* a string's bytes up to its NUL, in the text buffer
			  * (NUL-terminated there too), or NULL */
	size_t str_len;
};

/* The prologue, for the JVM's pseudo counters (sun.perfdata.*). */
struct hsperf_info {
	bool big_endian;
	unsigned minor;
	uint32_t used, overflow, num_entries;
	int64_t mod_time_stamp; /* ticks */
	size_t size;            /* the bytes given */
};

/* Read the size bytes at p into at most cap entries (*n of them, names and
 * strings copied into text of textlen bytes) and the prologue into *info
 * (either may be read when the answer is not HSPERF_OK: *n is 0 then).
 * HSPERF_OK, or another status with a one-line reason in why. */
enum hsperf_status hsperf_parse(const void *p, size_t size, struct hsperf_entry *e, size_t cap,
				size_t *n, char *text, size_t textlen, struct hsperf_info *info,
				char *why, size_t whylen);

/* "none", "bytes", "ticks", "events", "string", "hertz". */
const char *hsperf_unit_name(enum hsperf_unit u);
/* "constant", "counter", "gauge". */
const char *hsperf_kind_name(enum hsperf_kind k);

/* sun.os.hrt.frequency among the n entries (ticks per second), or 0 when
 * it is missing, not a long or not positive. */
int64_t hsperf_frequency(const struct hsperf_entry *e, size_t n);
/* ticks as seconds at freq ticks per second (0 when freq is not positive). */
double hsperf_ticks_seconds(int64_t ticks, int64_t freq);

/* The JVM's pid from its file's name: 1 to 10 digits, no leading 0, at
 * most INT32_MAX.  true and *pid, or false. */
bool hsperf_pid_from_name(const char *name, int32_t *pid);

/* The JVM's pid and user from its file's path, .../hsperfdata_USER/PID
 * (hsperf_pid_from_name() of the last part, USER 1 to 32 bytes without a
 * '/'): true with *pid and user (NUL-terminated, cut to len), or false. */
bool hsperf_pid_from_path(const char *path, int32_t *pid, char *user, size_t len);

#endif
