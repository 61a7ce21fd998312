/* SPDX-License-Identifier: MIT */
/*
 * The object list (objlist.h) written as `shmtop -a -b` writes it: a
 * plain-text table and JSON with lsipc's columns (libsmartcols, lsipc's own
 * library), or Prometheus text.  objlist_table_write() and objlist_table_prom() only
 * format an object list, so they are tested on made-up ones;
 * objlist_table_batch() is the whole of `shmtop -a -b` for one iteration.
 */
#ifndef SHMTOP_SEGTABLE_H
#define SHMTOP_SEGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "objlist.h"

enum objlist_table_format {
	OBJLIST_TABLE_TEXT,
	OBJLIST_TABLE_JSON,
	OBJLIST_TABLE_PROM,
};

/* How `shmtop -a -b` writes the list: lsipc's options. */
struct objlist_table_output {
	enum objlist_table_format format;
	enum sysvipc_sort sort;
	bool reverse;
	const char *columns; /* -o: "KEY,ID", "+COUNT" (added to the default), "ALL";
			      * NULL: lsipc's default columns in text, all in JSON */
	bool raw;            /* --raw: unaligned, no summary */
	bool noheadings;     /* --noheadings: no summary, no column names */
	bool bytes;          /* --bytes: sizes in bytes in the table (always in JSON) */
	const char *filter;  /* -F: only the rows objlist_match() keeps; NULL: all.  The
			      * summary's totals stay the host's */
	unsigned kinds;      /* -t: only the rows of these kinds (objlist_kind_in()); 0 all */
	bool segment;        /* -k, -f, -i: only the SysV segments of this namespace with
			      * shmid, or (shmid < 0) with key; in Prometheus without the
			      * host's families, each segment's alone */
	key_t key;
	int shmid;
	const char *path;     /* shmtop PATH: the list's files_path, and only its rows (named) */
	struct objlist *last; /* the previous iteration's waiters (wseen), kept by the caller
			       * across objlist_table_batch() calls for their since_ns
			       * (objlist_free() at the end); NULL: none kept */
};

#define OBJLIST_TABLE_MAX_COLUMNS 64

/* Column i's name ("KEY", "ID", ..., "WRITER_ALIVE"), or NULL past the
 * last: lsipc's shared-memory columns, then shmtop's (MODE, KIND, NAME,
 * RSS, SWAP, HOLDERS, ORPHAN, IPCNS and NSID (a SysV segment of another IPC
 * namespace: that namespace, and its shmid there), COUNT, STATE, RESETS, WRITER_PID, WRITER_ALIVE).
 */
const char *objlist_table_column_name(size_t i);

/* Parse an -o list (names in any case, comma-separated; a leading '+' adds
 * them to fmt's default; ALL is every column) into cols.  Returns how many,
 * or -1 with a one-line reason in why. */
int objlist_table_columns(const char *list, enum objlist_table_format fmt, int *cols, size_t max,
			  char *why, size_t whylen);

/* The list, as lsipc prints it, every kind of object in one list.
 * OBJLIST_TABLE_TEXT (libsmartcols): a summary (the SysV totals and limits, the
 * totals of every kind, /dev/shm's size and use, the orphans, when the
 * holders were scanned; not with raw or noheadings), then the table (times
 * in lsipc's short form, sizes as 4K or in bytes, every cell by the rule
 * of escape_text(), as the screen shows it), then a blank line.  OBJLIST_TABLE_JSON: one
 * document {"sharedmemory":[{...},...]} on one line (JSON Lines), lsipc's
 * structure; keys the column names in lower case (those of report_json()),
 * numbers as numbers (sizes in bytes, times in seconds since the epoch),
 * ORPHAN and WRITER_ALIVE as booleans, HOLDERS as an array of
 * {pid, user, comm, rw, ro, fds}, null for no value (the SysV columns of
 * other kinds, NAME of SysV, HOLDERS before a scan), strings valid UTF-8
 * (json.h).  Only the rows that o->filter matches; the summary's totals
 * are the host's.  0, or -1 (bad columns, out of memory, or a write
 * failed: see ferror(out)). */
int objlist_table_write(FILE *out, const struct objlist *s, const struct objlist_table_output *o);

/* The Prometheus exposition (prom.h) of the object list: prom_write()'s
 * SysV families for the SysV rows, then every object of every kind
 * (shmtop_object_bytes, _resident_bytes, _holders, _orphan, labelled kind,
 * name, id and owner: id is a SysV segment's shmid, another object's
 * inode), then the host's totals by kind, the orphans, /dev/shm and when
 * the holders were scanned (not with o->segment).  Per-object samples only of the rows o->filter
 * matches (o NULL: all); totals are the host's.  0, or -1 if a write
 * failed. */
int objlist_table_prom(FILE *out, const struct objlist *s, const struct objlist_table_output *o);

/* One iteration of `shmtop -a -b`: one objlist_scan() (the holders: a
 * read of every /proc/PID/maps and /proc/PID/fd), then collect (flags as
 * objlist_collect(); OBJLIST_ALL for the full view, without
 * OBJLIST_RECORDS to touch no segment at all), rows allocated to fit,
 * sort, write in o's format to out (not flushed).  The number of rows
 * written (those o shows), or -1 with errno; a failed write shows in
 * ferror(out). */
int objlist_table_batch(FILE *out, const struct objlist_table_output *o, unsigned flags);

#endif
