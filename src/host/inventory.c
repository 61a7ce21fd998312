/* SPDX-License-Identifier: MIT */
/*
 * The inventory of every segment.  Collecting reads /proc/sysvipc/shm, then
 * per segment the owner's name (looked up once: names.h keeps it), the
 * creator's command (only if CPID still names the process that created the
 * segment: one started after the segment's ctime is a reused pid) and, for
 * segments of a shmwriter record's size, the record itself.
 */
#include "inventory.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "names.h"
#include "proc.h"

/* Boot time (btime of /proc/stat), seconds since the epoch, or -1. */
static int64_t boot_time(void)
{
	FILE *f = fopen("/proc/stat", "re");
	if (!f)
		return -1;
	char line[256];
	long long bt = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

/* The creator's command, if cpid is still the process that made it. */
static void creator_command(const struct ipcstat *st, int64_t btime, char *buf, size_t len)
{
	char state;
	uint64_t start;
	buf[0] = '\0';
	if (st->cpid <= 0 || proc_stat(st->cpid, &state, &start))
		return;
	long hz = sysconf(_SC_CLK_TCK);
	if (btime >= 0 && hz > 0 && btime + (int64_t)(start / (uint64_t)hz) > st->ctime)
		return; /* started after the segment last changed: not its creator */
	if (proc_comm(st->cpid, buf, len))
		buf[0] = '\0';
}

/* Read the shmwriter record of a segment of the right size, if any. */
static void read_record(struct inventory_row *r)
{
	const struct ipcstat *st = &r->shm.st;
	r->is_record = false;
	if (st->size != sizeof(struct shmtop_record))
		return;
	void *p = shmat(st->shmid, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return;
	char why[160];
	if (record_read(p, (size_t)st->size, &r->snap, why, sizeof why) == SHMTOP_READ_OK) {
		r->is_record = true;
		r->writer_alive = proc_alive(r->snap.writer_pid, r->snap.writer_start) != 0;
	}
	shmdt(p);
}

int inventory_collect(struct inventory *s, const char *proc_path, unsigned flags)
{
	s->n = 0;
	s->wall_ns = clock_wall_ns();
	s->sort = SYSVIPC_SORT_SHMID;
	s->reverse = false;
	long ps = sysconf(_SC_PAGESIZE);
	s->page_size = ps > 0 ? (uint64_t)ps : 4096;
	if (flags & INVENTORY_LIMITS)
		sysvipc_read_limits(NULL, &s->limits);
	struct sysvipc_shm *tmp = malloc((s->max ? s->max : 1) * sizeof *tmp);
	if (!tmp)
		return -1;
	if (sysvipc_read(proc_path, tmp, s->max, &s->res)) {
		int e = errno;
		free(tmp);
		errno = e;
		return -1;
	}
	for (size_t i = 0; i < s->res.n; i++) {
		struct inventory_row *r = &s->rows[i];
		memset(r, 0, sizeof *r);
		r->shm = tmp[i];
		if (flags & INVENTORY_NAMES)
			names_user(r->shm.st.uid, r->owner, sizeof r->owner);
		else
			snprintf(r->owner, sizeof r->owner, "%u", (unsigned)r->shm.st.uid);
		if (flags & INVENTORY_RECORDS)
			read_record(r);
	}
	s->n = s->res.n;
	free(tmp);
	if (flags & INVENTORY_COMMAND)
		inventory_commands(s, 0, s->n);
	return 0;
}

void inventory_commands(struct inventory *s, size_t from, size_t to)
{
	int64_t btime = INT64_MIN; /* read once, and only if a row needs it */
	for (size_t i = from; i < to && i < s->n; i++) {
		struct inventory_row *r = &s->rows[i];
		if (r->command_read)
			continue;
		if (btime == INT64_MIN)
			btime = boot_time();
		creator_command(&r->shm.st, btime, r->command, sizeof r->command);
		r->command_read = true;
	}
}

static int compare_rows(const void *pa, const void *pb, void *arg)
{
	const struct inventory_row *a = pa, *b = pb;
	const struct inventory *s = arg;
	int c = sysvipc_compare(&a->shm, &b->shm, s->sort, s->reverse);
	return c ? c : (a->shm.order > b->shm.order) - (a->shm.order < b->shm.order);
}

void inventory_sort(struct inventory *s, enum sysvipc_sort by, bool reverse)
{
	s->sort = by;
	s->reverse = reverse;
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].shm.order = (unsigned)i;
	if (s->n > 1)
		qsort_r(s->rows, s->n, sizeof *s->rows, compare_rows, s);
}
