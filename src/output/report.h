/* SPDX-License-Identifier: MIT */
/*
 * Batch output: one snapshot of the view model as plain text (as top -b
 * prints a screen) or as one line of JSON with lsipc's key names.  Both
 * write into a caller's buffer and never allocate.  And the exit status
 * that tells a script what batch mode found.
 */
#ifndef SHMTOP_REPORT_H
#define SHMTOP_REPORT_H

#include <stddef.h>

#include "model.h"

/* Exit statuses, as documented in --help, the man page and the README.
 * Batch mode of one segment tells the last state it saw. */
enum shmtop_exit {
	SHMTOP_EXIT_OK = 0,      /* the record or the list was read */
	SHMTOP_EXIT_ERROR = 1,   /* a runtime error: a file, /proc, a write failed */
	SHMTOP_EXIT_USAGE = 2,   /* a bad or conflicting option */
	SHMTOP_EXIT_ABSENT = 3,  /* no such segment (or its record is not made yet) */
	SHMTOP_EXIT_DENIED = 4,  /* permission denied */
	SHMTOP_EXIT_FOREIGN = 5, /* not a shmwriter segment */
	SHMTOP_EXIT_DAMAGED = 6, /* a shmwriter record that fails validation */
	SHMTOP_EXIT_DIFFERS = 7, /* --check found differences */
};

/* The model as text lines, each ending in '\n', into buf (with a version 3
 * record's counters table, at most MODEL_TABLE_ROWS rows).  Returns the
 * length it needed (as snprintf: may exceed len - 1 if truncated). */
size_t report_text(const struct view_model *m, char *buf, size_t len);

/* One JSON object and '\n' into buf: the segment's fields with lsipc's
 * names, as the list's JSON has them (key, id, owner, perms, mode, cuid,
 * cuser, cgid, cgroup, uid, user, gid, group, ctime, size, nattch, status,
 * attach, detach, cpid, lpid; times in seconds since the epoch, null when
 * not set; every one null when no segment is attached), then state,
 * message, count, resets, writer_pid, writer_command, writer_alive, age
 * (seconds since the count changed) and rate; then viewer_pid and
 * viewer_attached (this process, and whether it is one of nattch), and the
 * attached processes as the screen lists them: attached_total (found),
 * attached_unreadable (processes whose maps could not be read) and attached,
 * an array of {pid, uid, user, map ("rw" or "ro"), maps, command, viewer},
 * viewer true on this process's own line; the three null when not scanned
 * (not attached, or no segment); then, for a version 3 record (named
 * counters), counters: an array of {name, kind ("counter" or "gauge"),
 * unit, value, changed (seconds since the epoch, milliseconds; null if
 * never), rate (per second over the newest samples; null for a gauge)},
 * every counter of the record (count is then the selected one's, the
 * first).  Strings follow json.h: valid
 * UTF-8 always.  in must be what m was built from.  Looks up user and group
 * names.  Returns the length it needed, as report_text(). */
size_t report_json(const struct view_model *m, const struct model_input *in, char *buf, size_t len);

/* One JSON object and '\n' into buf for an object that is not a SysV
 * segment (shmtop PATH --json of a file a decoder takes), m built from in
 * by model_build_object(): path, kind ("file"), format (the decoder's
 * name, null when nothing is decoded), size, holders (null: not
 * scanned), state (as report_json()'s, or "removed" when the object is
 * gone), message, writer_pid and writer_alive (null when its bytes name
 * none), for a folder's format files {files, bytes, dead, dead_bytes,
 * truncated}, and counters as report_json() lists them (name: the source
 * name; kind: counter, gauge or constant; unit; value: a number, a text
 * counter's string, null for NaN; help where the format has it).
 * Returns the length it needed, as report_text(). */
size_t report_json_object(const struct view_model *m, const struct model_object *in, char *buf,
			  size_t len);

/* The exit status of batch mode whose last snapshot is m: an
 * SHMTOP_EXIT_* value (0 when the record was read). */
int report_status(const struct view_model *m);

/* The exit status of a state: as report_status() says. */
int report_state_status(enum model_state state);

/* The exit status of an object's batch output whose last snapshot is m,
 * built from in: as a segment's, by what its bytes held (damaged 6, still
 * being made 3, gone 3, no format 5). */
int report_object_status(const struct view_model *m, const struct model_object *in);

#endif
