/* SPDX-License-Identifier: MIT */
/*
 * The inventory (inventory.h) written as `shmtop -a -b` writes it: a
 * plain-text table and JSON with lsipc's columns (libsmartcols, lsipc's own
 * library), or Prometheus text.  segtable_write() and segtable_prom() only
 * format an inventory, so they are tested on made-up ones;
 * segtable_batch() is the whole of `shmtop -a -b` for one iteration.
 */
#ifndef SHMTOP_SEGTABLE_H
#define SHMTOP_SEGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "inventory.h"

/* The Prometheus exposition (prom.h) of the snapshot.  0, or -1. */
int segtable_prom(FILE *out, const struct inventory *s);

enum segtable_format {
	SEGTABLE_TEXT,
	SEGTABLE_JSON,
	SEGTABLE_PROM,
};

/* How `shmtop -a -b` writes the list: lsipc's options. */
struct segtable_output {
	enum segtable_format format;
	enum sysvipc_sort sort;
	bool reverse;
	const char *columns; /* -o: "KEY,ID", "+COUNT" (added to the default), "ALL";
			      * NULL: lsipc's default columns in text, all in JSON */
	bool raw;            /* --raw: unaligned, no summary */
	bool noheadings;     /* --noheadings: no summary, no column names */
	bool bytes;          /* --bytes: sizes in bytes in the table (always in JSON) */
};

#define SEGTABLE_MAX_COLUMNS 64

/* Column i's name ("KEY", "ID", ..., "WRITER_ALIVE"), or NULL past the
 * last: lsipc's shared-memory columns, then shmtop's (MODE, RSS, SWAP,
 * COUNT, STATE, RESETS, WRITER_PID, WRITER_ALIVE). */
const char *segtable_column_name(size_t i);

/* Parse an -o list (names in any case, comma-separated; a leading '+' adds
 * them to fmt's default; ALL is every column) into cols.  Returns how many,
 * or -1 with a one-line reason in why. */
int segtable_columns(const char *list, enum segtable_format fmt, int *cols, size_t max, char *why,
		     size_t whylen);

/* The list through libsmartcols, as lsipc prints it.  SEGTABLE_TEXT: a
 * summary of totals and limits (not with raw or noheadings), then the table
 * (times in lsipc's short form, sizes as 4K or in bytes), then a blank
 * line.  SEGTABLE_JSON: one document {"sharedmemory":[{...},...]}, keys the
 * column names in lower case (those of report_json()), numbers as numbers
 * (sizes in bytes, times in seconds since the epoch), null for no value,
 * strings valid UTF-8 (json.h).  0, or -1 (bad columns, out of memory, or a
 * write failed: see ferror(out)). */
int segtable_write(FILE *out, const struct inventory *s, const struct segtable_output *o);

/* One iteration of `shmtop -a -b`: collect (flags as inventory_collect();
 * INVENTORY_ALL for the full view, without INVENTORY_RECORDS to touch no
 * segment at all), rows allocated to fit, sort, write in o's format to out
 * (not flushed).  0, or -1 with errno; a failed write shows in
 * ferror(out). */
int segtable_batch(FILE *out, const struct segtable_output *o, unsigned flags);

#endif
