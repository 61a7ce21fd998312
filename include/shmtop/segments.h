/* SPDX-License-Identifier: MIT */
/*
 * The all-segments view for batch use: one snapshot of every SysV segment on
 * the host (from /proc/sysvipc/shm), with owner names, the creator's command
 * and, for shmwriter segments, the record's figures; written as a plain-text
 * table and JSON with lsipc's columns (libsmartcols, lsipc's own library),
 * or Prometheus text.
 *
 * segments_collect() does the reading; segments_table() and
 * segments_prom() only format a snapshot, so they are tested on made-up
 * ones.  segments_batch() is the whole of `shmtop -a -b` for one iteration.
 */
#ifndef SHMTOP_SEGMENTS_H
#define SHMTOP_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shmtop/record.h"
#include "shmtop/sysvipc.h"

struct segments_row {
	struct sysvipc_shm shm;
	char owner[32];    /* user name of uid, or the uid */
	char command[64];  /* /proc/CPID/comm of the creator, "" if it is gone */
	bool command_read; /* command is looked up (SEGMENTS_COMMAND, segments_commands()) */
	bool is_record;    /* snap holds a validated shmwriter record */
	bool writer_alive; /* with is_record: proc_alive() of its writer */
	struct shmtop_snapshot snap;
};

/* Owner names looked up, kept from one collect to the next. */
struct segments_names {
	uid_t uid[16];
	char name[16][32];
	unsigned n;
};

struct segments_snapshot {
	struct segments_row *rows; /* caller's array of max rows */
	size_t max;
	size_t n;                  /* rows filled */
	struct sysvipc_result res; /* res.totals cover the whole host even if truncated */
	struct sysvipc_limits limits;
	uint64_t page_size;
	int64_t wall_ns;        /* when it was taken (CLOCK_REALTIME) */
	enum sysvipc_sort sort; /* as segments_sort() left it */
	bool reverse;
	struct segments_names names; /* zero it with the rest before the first collect */
};

/* What segments_collect() reads besides /proc/sysvipc/shm. */
enum {
	SEGMENTS_NAMES = 1u << 0,   /* owner names (getpwuid) */
	SEGMENTS_COMMAND = 1u << 1, /* the creator's command, when it is still that process */
	SEGMENTS_RECORDS = 1u << 2, /* read shmwriter records: attaches (SHM_RDONLY, briefly)
	                             * the segments of a record's size that this user may
	                             * read, which moves their nattch, atime, dtime and lpid */
	SEGMENTS_LIMITS = 1u << 3,  /* the host's limits (/proc/sys/kernel/shm*); without it
	                             * s->limits is left as it was */
	SEGMENTS_ALL = SEGMENTS_NAMES | SEGMENTS_COMMAND | SEGMENTS_RECORDS | SEGMENTS_LIMITS,
};

/* Fill s (rows and max set by the caller) from proc_path (NULL: the
 * kernel's) and the host's limits.  0, or -1 with errno if the file cannot
 * be read. */
int segments_collect(struct segments_snapshot *s, const char *proc_path, unsigned flags);

/* Look up the creator's command of rows [from, to) not looked up yet: two
 * /proc reads a row, so a screen asks for the rows it shows, not all. */
void segments_commands(struct segments_snapshot *s, size_t from, size_t to);

/* Sort the rows (sysvipc_sort()'s order, stable) and remember how. */
void segments_sort(struct segments_snapshot *s, enum sysvipc_sort by, bool reverse);

/* A time t (seconds) as lsipc's short format, seen at now_ns
 * (CLOCK_REALTIME): today "HH:MM", this year "Mon DD" ("Nov27"), else
 * "YYYY-Mon"; "-" for not set (0).  Pure but for the local time zone. */
char *segments_short_time(int64_t t, int64_t now_ns, char *buf, size_t len);

/* The Prometheus exposition (prom.h) of the snapshot.  0, or -1. */
int segments_prom(FILE *out, const struct segments_snapshot *s);

enum segments_format {
	SEGMENTS_TEXT,
	SEGMENTS_JSON,
	SEGMENTS_PROM,
};

/* How `shmtop -a -b` writes the list: lsipc's options. */
struct segments_output {
	enum segments_format format;
	enum sysvipc_sort sort;
	bool reverse;
	const char *columns; /* -o: "KEY,ID", "+COUNT" (added to the default), "ALL";
	                      * NULL: lsipc's default columns in text, all in JSON */
	bool raw;            /* --raw: unaligned, no summary */
	bool noheadings;     /* --noheadings: no summary, no column names */
	bool bytes;          /* --bytes: sizes in bytes in the table (always in JSON) */
};

#define SEGMENTS_MAX_COLUMNS 64

/* Column i's name ("KEY", "ID", ..., "WRITER_ALIVE"), or NULL past the
 * last: lsipc's shared-memory columns, then shmtop's (MODE, RSS, SWAP,
 * COUNT, STATE, RESETS, WRITER_PID, WRITER_ALIVE). */
const char *segments_column_name(size_t i);

/* Parse an -o list (names in any case, comma-separated; a leading '+' adds
 * them to fmt's default; ALL is every column) into cols.  Returns how many,
 * or -1 with a one-line reason in why. */
int segments_columns(const char *list, enum segments_format fmt, int *cols, size_t max,
		     char *why, size_t whylen);

/* The list through libsmartcols, as lsipc prints it.  SEGMENTS_TEXT: a
 * summary of totals and limits (not with raw or noheadings), then the table
 * (times in lsipc's short form, sizes as 4K or in bytes), then a blank
 * line.  SEGMENTS_JSON: one document {"sharedmemory":[{...},...]}, keys the
 * column names in lower case (those of report_json()), numbers as numbers
 * (sizes in bytes, times in seconds since the epoch), null for no value,
 * strings valid UTF-8 (json.h).  0, or -1 (bad columns, out of memory, or a
 * write failed: see ferror(out)). */
int segments_table(FILE *out, const struct segments_snapshot *s, const struct segments_output *o);

/* One iteration of `shmtop -a -b`: collect (flags as segments_collect();
 * SEGMENTS_ALL for the full view, without SEGMENTS_RECORDS to touch no
 * segment at all), rows allocated to fit, sort, write in o's format to out
 * (not flushed).  0, or -1 with errno; a failed write shows in
 * ferror(out). */
int segments_batch(FILE *out, const struct segments_output *o, unsigned flags);

#endif
