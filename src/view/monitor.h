/* SPDX-License-Identifier: MIT */
/*
 * Watching one key over its whole life: no segment yet, a live writer, a
 * dead or stalled one, the segment removed (IPC_RMID turns its key to 0 and
 * sets dest) and a new one made on the same key, or a segment that is not
 * ours.  Each monitor_poll() takes one IPC_STAT and reads the segment's
 * bytes through the formats' decoders (decode.h) into what it holds
 * (content.h: every counter's value and newest samples, the selected one's
 * whole history); between polls the monitor holds the last good copy, so
 * a dead writer's last value stays on screen.  Used by the full-screen
 * viewer and batch mode.
 */
#ifndef SHMTOP_MONITOR_H
#define SHMTOP_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "control.h"
#include "model.h"

typedef struct monitor monitor;

/* A monitor for key, not yet attached.  NULL if out of memory. */
monitor *monitor_new(key_t key);

/* A monitor for the one segment shmid, whatever its key (0 for a private
 * or removed segment): it stays on it through IPC_RMID (dest) and shows it
 * removed once it is gone, never another segment.  NULL if out of memory. */
monitor *monitor_new_shmid(int shmid);

/* Attach, re-attach or detach as the segment's life requires, and take a
 * fresh snapshot. */
void monitor_poll(monitor *m);

/* Fill the segment half of a model input (key, state, content, stat,
 * writer, controls); the view settings are left alone.  The
 * pointers stored in in stay valid until the next call on m. */
void monitor_input(const monitor *m, struct model_input *in);

/* Send cmd to the writer.  Returns 0 and the ticket to wait for, or -1 if
 * this viewer may not control it (the reason is in monitor_input()). */
int monitor_send(monitor *m, enum shmtop_command cmd, uint32_t *ticket);

/* Has the writer acknowledged ticket, as of the last poll? */
bool monitor_acked(const monitor *m, uint32_t ticket);

/* Named counters (a version 3 record): move the selected counter step
 * rows (clamped) and read its history; the selection is kept by name from
 * then on.  Nothing for an object of one unnamed counter. */
void monitor_select(monitor *m, int step);

/* Did the publisher refuse cmd, sent with ticket, as of the last poll?
 * (Once acknowledged: a version 3 publisher may refuse the commands it does
 * not serve.) */
bool monitor_refused(const monitor *m, uint32_t ticket, enum shmtop_command cmd);

/* Forget the history shown so far; newer samples still appear. */
void monitor_clear_history(monitor *m);

#define MONITOR_WAITS_NS INT64_C(5000000000) /* a scan for waiters at most this often */

/* Find the processes blocked on a futex in the segment too (model_input's
 * waits): a scan of /proc as the object list's (objlist_scan()) at the
 * next poll, on a rescan, and then every MONITOR_WAITS_NS, not every poll.
 * Batch output, which does not call it, never scans for them. */
void monitor_waiters(monitor *m);

/* Scan /proc for the attached processes at the next poll.  (Polls scan
 * by themselves only when nattch, atime, dtime or lpid change.) */
void monitor_rescan(monitor *m);

/* The attached segment's bytes (a SHM_RDONLY mapping, which another
 * process may be changing) and their number, or NULL when not attached.
 * Valid until the next call on m. */
const void *monitor_bytes(const monitor *m, size_t *size);

/* Detach everything and free m.  NULL is allowed. */
void monitor_free(monitor *m);

#endif
