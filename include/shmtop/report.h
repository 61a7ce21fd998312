/* SPDX-License-Identifier: MIT */
/*
 * Batch output: one snapshot of the view model as plain text (as top -b
 * prints a screen) or as one line of JSON with lsipc's key names.  Both
 * write into a caller's buffer and never allocate.
 */
#ifndef SHMTOP_REPORT_H
#define SHMTOP_REPORT_H

#include <stddef.h>

#include "shmtop/model.h"

/* The model as text lines, each ending in '\n', into buf.  Returns the
 * length it needed (as snprintf: may exceed len - 1 if truncated). */
size_t report_text(const struct view_model *m, char *buf, size_t len);

/* One JSON object and '\n' into buf: key, shmid, size, perms, mode, owner,
 * nattch, status, cpid, lpid, atime, dtime, ctime (lsipc's names; the
 * segment keys are null when no segment is attached), then state, message,
 * count, resets, writer_pid, writer_command, writer_alive, age (seconds
 * since the count changed) and rate.  in must be what m was built from.
 * Returns the length it needed, as report_text(). */
size_t report_json(const struct view_model *m, const struct model_input *in, char *buf,
		   size_t len);

#endif
