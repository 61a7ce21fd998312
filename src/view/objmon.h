/* SPDX-License-Identifier: MIT */
/*
 * Watching one object that is not a SysV segment (a POSIX object, a memfd,
 * a deleted object still held), opened from a row of the object list: the
 * detail view's counterpart of monitor.h.  It follows the object by its
 * device and inode, not its name: a name unlinked while held turns the
 * object into a deleted one, and a new object under the same name is
 * another object.
 *
 * Each objmon_poll() is cheap: for an object with a name, one fstatat() in
 * /dev/shm (size, resident bytes, owner, mode, mtime) and the preview's
 * look at its first bytes (objpeek.h).  Holders come from a scan of /proc
 * (objlist_scan()), the slow part: at the first poll, then every
 * OBJMON_SCAN_NS, when the name goes away, or when asked (objmon_rescan());
 * memfd and deleted objects, which have no name to stat, are updated only
 * then.  Each poll's observation feeds the object's event log.
 *
 * A POSIX object or a file with its name is also decoded as a segment is
 * (decode.h): a read-only mapping of it (opened O_RDONLY, O_NOFOLLOW,
 * O_NONBLOCK, checked to be a regular file with the inode listed, at most
 * OBJMON_MAP_MAX bytes) is kept between polls and made again when its size
 * changes, and each poll decodes it under the SIGBUS guard (objpeek.h): an
 * object truncated during the decode is a poll skipped, not a crash.  The
 * preview is copied from the same mapping while it is at the object's
 * size.  A memfd, a semaphore or a deleted object is not decoded.
 *
 * A SysV semaphore set or message queue (sysv-sem, sysv-msg) is followed
 * by its id instead: each poll reads its line of /proc/sysvipc and, with
 * read permission, its values (ipcobj.h: semctl() and msgctl() reads
 * only, nothing that moves otime, stime or rtime), which ipcview.h turns
 * into counters with the history this viewer keeps; a scan (as above)
 * gives the processes blocked on it.  Once the id is gone or names
 * another object (ipcobj_other()), it is removed: the last look stays.
 * A POSIX message queue (mqueue) is followed the same way by its name and
 * inode (ipcobj_read_mq(): its file and mq_getattr(), nothing received,
 * sent or asked to notify), its holders (fds) and waiters from the scan.
 */
#ifndef SHMTOP_OBJMON_H
#define SHMTOP_OBJMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "model.h"
#include "objlist.h"
#include "preview.h"

#define OBJMON_SCAN_NS INT64_C(5000000000)
#define OBJMON_HOLDERS 256                  /* holders kept, pid ascending */
#define OBJMON_MAP_MAX (UINT64_C(64) << 20) /* bytes decoded at most */

typedef struct objmon objmon;

/* A watcher of the object row of object list s (its holders are s's), not a
 * SysV segment.  Where /dev/shm and /proc are read follows s (devshm_dir,
 * proc_dir).  NULL if out of memory, or r is a SysV row (errno EINVAL). */
objmon *objmon_new(const struct objlist *s, const struct objlist_row *r);

/* Look at the object again, scanning /proc when it is due. */
void objmon_poll(objmon *o);

/* Scan /proc for its holders at the next poll. */
void objmon_rescan(objmon *o);

/* The model input of the object as last seen (the UI's fields left zero;
 * held: the decode's state, why, content and now_mono):
 * valid until the next call on o. */
void objmon_input(const objmon *o, struct model_object *in);

/* What it holds as last decoded (NULL: no good copy), the state of that
 * decode (MODEL_LIVE with a copy; MODEL_FOREIGN: no format takes its
 * bytes; ...) and why (a refusal, a poll skipped; "" when live): valid
 * until the next call on o.  objmon_input() gives the same in held. */
const struct content *objmon_content(const objmon *o, enum model_state *state, const char **why);

/* Named counters: move the selected counter step rows (clamped) and read
 * its history, as monitor_select(). */
void objmon_select(objmon *o, int step);

/* Forget the history shown so far, as monitor_clear_history(). */
void objmon_clear_history(objmon *o);

/* The preview of its bytes in the window (the first PREVIEW_MAX at first),
 * laid out width cells wide, or a line saying why there is none (a memfd
 * or a deleted object has no path to open; no permission; ...). */
void objmon_preview(const objmon *o, size_t width, struct preview *out);

/* Move the preview's window pages windows on (negative: back), within the
 * object, and read it now. */
void objmon_scroll(objmon *o, int pages);

/* Its event log: size, resident bytes and holders over time. */
const struct events_ring *objmon_events(const objmon *o);

/* Is it a SysV semaphore set or message queue, or a POSIX message queue
 * (no bytes to preview)? */
bool objmon_ipc(const objmon *o);

/* Free o.  NULL is allowed. */
void objmon_free(objmon *o);

#endif
