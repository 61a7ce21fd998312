/* SPDX-License-Identifier: MIT */
/*
 * A bounded, read-only look at the first bytes of a named POSIX shared
 * memory object, for the detail view's preview (preview.h lays them out).
 * The name and the bytes belong to whoever made the object, so:
 *
 *   - the name is one path component (no '/', not "." or ".."), looked
 *     up relative to a descriptor of its folder with O_PATH | O_NOFOLLOW
 *     (a symlink, a FIFO or a device node planted there is never opened),
 *     and opened for reading only once fstat() shows a regular file with
 *     the device and inode the object list listed (a name replaced since
 *     is not read): O_NONBLOCK, O_NOCTTY, O_CLOEXEC, and O_NOATIME when
 *     this user may (the look leaves the atime an admin reads);
 *   - a file's folder, of a path other users own, is opened one component
 *     at a time, none followed if it is a symlink;
 *   - the map is PROT_READ of at most one page from the offset wanted (from
 *     the start of its page) and never past st_size (an empty object is
 *     not mapped), and the copy out of it is guarded: if the
 *     owner truncates the object between the fstat() and the copy, the
 *     SIGBUS that follows ends the copy, not the viewer.
 *
 * Nothing is kept open: each look opens, maps, copies and closes.
 */
#ifndef SHMTOP_OBJPEEK_H
#define SHMTOP_OBJPEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Is name a single path component this module will open?  Pure. */
bool objpeek_name_ok(const char *name);

/* Open name in the folder open on dfd (-1: its open failed, errno why)
 * for reading, if it is still the regular file dev/ino and this user may
 * read it (objlist_files_open_at(): nothing else is ever opened).  A
 * descriptor and its fstat in st, or -1 with a one-line reason in why.
 * A folder whose path other users own is opened with
 * objlist_files_open_dir() (each component O_NOFOLLOW). */
int objpeek_open(int dfd, const char *name, uint64_t dev, uint64_t ino, struct stat *st, char *why,
		 size_t whylen);

/* Copy up to len bytes (at most a page) from offset in name of the folder
 * open on dfd into buf, opened by objpeek_open(): none when offset is at
 * or past its end.  *got is the bytes copied, *size the object's size as
 * fstat() gave it.  0, or -1 with a one-line reason in why. */
int objpeek_read(int dfd, const char *name, uint64_t dev, uint64_t ino, uint64_t offset,
		 unsigned char *buf, size_t len, size_t *got, uint64_t *size, char *why,
		 size_t whylen);

/* Run fn(arg) with a SIGBUS from its loads (a mapped file truncated under
 * it) ending it, not the process.  0, or -1 when SIGBUS ended it (what fn
 * wrote so far is then incomplete).  Its handler is put in place by each
 * call (one system call) and left there; SIGBUS must not be blocked. */
int objpeek_guarded(void (*fn)(void *arg), void *arg);

/* Copy n bytes of a mapping that its owner may truncate under us, with
 * 8-byte loads where dst and src are 8-byte aligned: 0, or -1 if the
 * object shrank (SIGBUS). */
int objpeek_guarded_copy(unsigned char *dst, const volatile unsigned char *src, size_t n);

#endif
