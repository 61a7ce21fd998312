/* SPDX-License-Identifier: MIT */
/*
 * User and group names by id.  A view redrawn every tick asks for the same
 * few owners again and again, and each getpwuid_r() may read /etc/passwd
 * (or ask a directory over the network), so the answers are kept in one
 * small table: an id is looked up once a run while it stays in the table.
 * The table belongs to the process and is not locked: call these from one
 * thread only (shmtop and shmwriter have one).
 */
#ifndef SHMTOP_NAMES_H
#define SHMTOP_NAMES_H

#include <stddef.h>
#include <sys/types.h>

/* The user name for uid, or the number if it has none, into buf (at most
 * len - 1 bytes); returns buf. */
char *names_user(uid_t uid, char *buf, size_t len);

/* The group name for gid, or the number if it has none, likewise. */
char *names_group(gid_t gid, char *buf, size_t len);

enum names_db { NAMES_PASSWD, NAMES_GROUP };

/* The look-up behind both, without the table: the name of id in db, or the
 * number, into buf.  The first buffer given to getpwuid_r() or getgrgid_r()
 * holds first bytes and is doubled on ERANGE up to 1 MiB (names_user()
 * starts from what sysconf() suggests; tests start small).  0 when the
 * answer is sure (a name, or none), -1 with errno when it may change if
 * asked again (out of memory, an I/O error...), buf then holding the
 * number. */
int names_lookup(enum names_db db, unsigned id, size_t first, char *buf, size_t len);

#endif
