/* SPDX-License-Identifier: MIT */
/*
 * A bounded, read-only look at the first bytes of a named POSIX shared
 * memory object, for the detail view's preview (preview.h lays them out).
 * The name and the bytes belong to whoever made the object, so:
 *
 *   - the name is one path component (no '/', not "." or ".."), opened
 *     with openat() on a descriptor of the directory, O_RDONLY, O_NOFOLLOW
 *     (no symlink), O_NONBLOCK (a FIFO planted there does not hang the
 *     viewer), O_NOCTTY, O_CLOEXEC, and O_NOATIME when this user may (the
 *     look leaves the atime an admin reads);
 *   - fstat() of the open file must show a regular file with the device and
 *     inode the object list listed: a name replaced since is not read;
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

/* Is name a single path component this module will open?  Pure. */
bool objpeek_name_ok(const char *name);

/* Copy up to len bytes (at most a page) from offset in dir/name into buf,
 * if it is still the object dev/ino and this user may read it: none when
 * offset is at or past its end.  *got is the bytes copied, *size the
 * object's size as fstat() gave it.  0, or -1 with a one-line reason in
 * why. */
int objpeek_read(const char *dir, const char *name, uint64_t dev, uint64_t ino, uint64_t offset,
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
