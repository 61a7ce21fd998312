/* SPDX-License-Identifier: MIT */
/*
 * The inventory: one snapshot of every SysV segment on the host (from
 * /proc/sysvipc/shm), with owner names, the creator's command and, when
 * asked, the figures of shmwriter records.  segtable.h writes it out; the
 * list screen (listview.h) shows it.
 */
#ifndef SHMTOP_INVENTORY_H
#define SHMTOP_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shmtop/record.h"
#include "sysvipc.h"

struct inventory_row {
	struct sysvipc_shm shm;
	char owner[32];    /* user name of uid, or the uid */
	char command[64];  /* /proc/CPID/comm of the creator, "" if it is gone */
	bool command_read; /* command is looked up (INVENTORY_COMMAND, inventory_commands()) */
	bool is_record;    /* snap holds a validated shmwriter record */
	bool writer_alive; /* with is_record: proc_alive() of its writer */
	struct shmtop_snapshot snap;
};

struct inventory {
	struct inventory_row *rows; /* caller's array of max rows */
	size_t max;
	size_t n;                  /* rows filled */
	struct sysvipc_result res; /* res.totals cover the whole host even if truncated */
	struct sysvipc_limits limits;
	uint64_t page_size;
	int64_t wall_ns;        /* when it was taken (CLOCK_REALTIME) */
	enum sysvipc_sort sort; /* as inventory_sort() left it */
	bool reverse;
};

/* What inventory_collect() reads besides /proc/sysvipc/shm. */
enum {
	INVENTORY_NAMES = 1u << 0,   /* owner names (names.h) */
	INVENTORY_COMMAND = 1u << 1, /* the creator's command, when it is still that process */
	INVENTORY_RECORDS = 1u << 2, /* read shmwriter records: attaches (SHM_RDONLY, briefly)
				      * the segments of a record's size that this user may
				      * read, which moves their nattch, atime, dtime and lpid */
	INVENTORY_LIMITS = 1u << 3,  /* the host's limits (/proc/sys/kernel/shm*); without it
				      * s->limits is left as it was */
	INVENTORY_ALL = INVENTORY_NAMES | INVENTORY_COMMAND | INVENTORY_RECORDS | INVENTORY_LIMITS,
};

/* Fill s (rows and max set by the caller) from proc_path (NULL: the
 * kernel's) and the host's limits.  0, or -1 with errno if the file cannot
 * be read. */
int inventory_collect(struct inventory *s, const char *proc_path, unsigned flags);

/* Look up the creator's command of rows [from, to) not looked up yet: two
 * /proc reads a row, so a screen asks for the rows it shows, not all. */
void inventory_commands(struct inventory *s, size_t from, size_t to);

/* Sort the rows (sysvipc_sort()'s order, stable) and remember how. */
void inventory_sort(struct inventory *s, enum sysvipc_sort by, bool reverse);

#endif
