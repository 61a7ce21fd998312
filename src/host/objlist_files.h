/* SPDX-License-Identifier: MIT */
/*
 * The file kind of the object list: regular files mapped shared, which is
 * how other programs publish their counters (DESIGN.md §9).
 *
 * A file is a row when some process maps it writable and shared (rw-s in
 * its maps), or when it lies in a known place.  A file only ever mapped
 * read-only and shared is a cache (glibc's gconv-modules.cache,
 * fontconfig's, mime.cache) and is left out.  /dev paths (a device, or
 * /dev/zero for shared anonymous memory) and the kernel's one-component
 * names (/[aio], /anon_hugepage, /i915, ...) are not files.
 *
 * The known places are read even when nothing maps their files, so the
 * files of dead producers show as orphans:
 *
 *   /tmp/hsperfdata_USER/PID     a JVM's (every user's folder; names of digits)
 *   PCP_TMP_DIR/mmv/NAME         PCP MMV (PCP_TMP_DIR from /etc/pcp.conf, else
 *                                /var/lib/pcp/tmp)
 *   /var/lib/varnish/NAME/_.vsm_*  Varnish's VSM files, and the files of a
 *                                _.vsm_* folder
 *
 * Their folders belong to other users, so each component is opened with
 * O_NOFOLLOW | O_DIRECTORY | O_NONBLOCK (a symlink planted there is not
 * followed), a file is taken only if lstat says it is a regular file, and
 * at most OBJLIST_FILES_ENTRIES entries of a folder are read.
 */
#ifndef SHMTOP_OBJLIST_FILES_H
#define SHMTOP_OBJLIST_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define OBJLIST_FILES_ENTRIES 4096 /* entries read of one folder */

/* Is path (as a maps line names it) one a shared mapping of which may be
 * a file row: absolute, not under /dev/, and of more than one component?
 * Pure. */
bool objlist_files_path_ok(const char *path);

/* PCP's MMV folder under root ("" for the host): PCP_TMP_DIR of
 * root/etc/pcp.conf, else /var/lib/pcp/tmp, then "/mmv", root prefixed. */
void objlist_files_mmv_dir(const char *root, char *buf, size_t len);

/* Is path in a known place of root (mmv: objlist_files_mmv_dir()'s, "" for
 * none)?  Pure. */
bool objlist_files_known(const char *root, const char *mmv, const char *path);

/* Call each(path, st, arg) for every regular file of the known places of
 * root (its lstat in st), at most OBJLIST_FILES_ENTRIES a folder. */
void objlist_files_each(const char *root,
			void (*each)(const char *path, const struct stat *st, void *arg),
			void *arg);

/* Call each(path, st, arg) for path if it is a regular file, or for the
 * regular files of it (at most OBJLIST_FILES_ENTRIES) if it is a folder;
 * opened O_RDONLY | O_NOFOLLOW | O_NONBLOCK, so a symlink or a FIFO named
 * is neither followed nor waited on. */
void objlist_files_named(const char *path,
			 void (*each)(const char *path, const struct stat *st, void *arg),
			 void *arg);

/* Can path be opened as shmtop PATH opens it (objlist_files_named()): a
 * regular file or a folder this user may read, not a symlink?  0 and its
 * fstat in st, or -1 with a one-line reason in why ("PATH: is a FIFO, not
 * a file").  Never blocks (O_NONBLOCK, and nothing is read). */
int objlist_files_check(const char *path, struct stat *st, char *why, size_t whylen);

/* Open folder path O_RDONLY | O_DIRECTORY, each component below / (or the
 * working folder, for a relative path) with O_NOFOLLOW (and O_NONBLOCK):
 * a descriptor, or -1 with errno (ELOOP or ENOTDIR for a symlink on the
 * way). */
int objlist_files_open_dir(const char *path);

/* objlist_files_open_dir() of the folder path is in ("." for a name
 * alone), and in *name path's last component (a pointer into path). */
int objlist_files_open_parent(const char *path, const char **name);

/* Open name in the folder open on dfd for reading, if it is a regular
 * file: looked up with O_PATH | O_NOFOLLOW (so nothing is opened that is
 * not a regular file: a FIFO, a device node, a symlink planted in its
 * place; the open of a device may act, as a watchdog's or a tape's does),
 * checked by fstat, and only then opened for reading (through
 * /proc/self/fd, O_NONBLOCK, O_NOCTTY, and O_NOATIME when this user may:
 * the atime left as an admin reads it).  A descriptor and its fstat in st,
 * or -1 with errno (ELOOP: a symlink; EINVAL: not a regular file, st says
 * what it is; ENOENT: none).  Files of folders other users own are opened
 * so. */
int objlist_files_open_regular(int dfd, const char *name, struct stat *st);

/* objlist_files_open_regular(), if it is still the file dev/ino (ESTALE:
 * another file now). */
int objlist_files_open_at(int dfd, const char *name, uint64_t dev, uint64_t ino, struct stat *st);

#endif
