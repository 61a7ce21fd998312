/* SPDX-License-Identifier: MIT */
/*
 * The table of names looked up: NAMES_SLOTS entries, users and groups
 * together, filled round robin, so a host with more owners than slots still
 * costs at most one look-up for each name shown.  Only sure answers are
 * kept (a name, or "no such id"), never a failure that asking again may
 * cure.
 */
#include "names.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAMES_SLOTS 64
#define NAMES_BUF_MAX ((size_t)1 << 20)

static struct {
	enum names_db db;
	unsigned id;
	char name[64]; /* "" while the slot is free */
} table[NAMES_SLOTS];
static unsigned table_next; /* the slot to fill next */

/* One getpwuid_r() or getgrgid_r() with the buffer mem of size bytes: its
 * error number, and in *name the name (in mem) or NULL if id has none. */
static int lookup_in(enum names_db db, unsigned id, char *mem, size_t size, const char **name)
{
	int e;
	*name = NULL;
	if (db == NAMES_PASSWD) {
		struct passwd pw, *res = NULL;
		e = getpwuid_r((uid_t)id, &pw, mem, size, &res);
		if (!e && res)
			*name = pw.pw_name;
	} else {
		struct group gr, *res = NULL;
		e = getgrgid_r((gid_t)id, &gr, mem, size, &res);
		if (!e && res)
			*name = gr.gr_name;
	}
	return e;
}

int names_lookup(enum names_db db, unsigned id, size_t first, char *buf, size_t len)
{
	snprintf(buf, len, "%u", id);
	int e;
	/* glibc's advice: a bigger buffer on ERANGE (a group with many
	 * members outgrows the size sysconf() suggests) */
	for (size_t size = first ? first : 1;; size *= 2) {
		char *mem = malloc(size);
		if (!mem)
			return -1;
		const char *name;
		e = lookup_in(db, id, mem, size, &name);
		if (!e && name)
			snprintf(buf, len, "%s", name);
		free(mem);
		if (e != ERANGE || size >= NAMES_BUF_MAX)
			break;
	}
	/* 0 is an answer; so are the errors getpwuid_r(3) lists for "not
	 * found" */
	if (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM)
		return 0;
	errno = e;
	return -1;
}

/* names_user() and names_group(): from the table, else looked up and kept. */
static char *from_table(enum names_db db, unsigned id, char *buf, size_t len)
{
	for (unsigned i = 0; i < NAMES_SLOTS; i++)
		if (table[i].name[0] && table[i].db == db && table[i].id == id) {
			snprintf(buf, len, "%s", table[i].name);
			return buf;
		}
	long hint = sysconf(db == NAMES_PASSWD ? _SC_GETPW_R_SIZE_MAX : _SC_GETGR_R_SIZE_MAX);
	char name[256];
	if (names_lookup(db, id, hint > 0 ? (size_t)hint : 1024, name, sizeof name) == 0 &&
	    strlen(name) < sizeof table->name) {
		unsigned slot = table_next++ % NAMES_SLOTS;
		table[slot].db = db;
		table[slot].id = id;
		memcpy(table[slot].name, name, strlen(name) + 1);
	}
	snprintf(buf, len, "%s", name);
	return buf;
}

char *names_user(uid_t uid, char *buf, size_t len)
{
	return from_table(NAMES_PASSWD, uid, buf, len);
}

char *names_group(gid_t gid, char *buf, size_t len)
{
	return from_table(NAMES_GROUP, gid, buf, len);
}
