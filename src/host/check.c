/* SPDX-License-Identifier: MIT */
/*
 * --check: /proc/sysvipc/shm against IPC_STAT, field by field, each
 * difference confirmed by a second read of both before it is reported.
 */
#include "check.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>

#include "format.h"

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15 /* Linux 4.17 */
#endif

static const char *const field_names[CHECK_NFIELDS] = {
	"key",  "mode", "dest", "locked", "size",  "uid",   "gid",   "cuid",
	"cgid", "cpid", "lpid", "nattch", "atime", "dtime", "ctime",
};

const char *check_field_name(enum check_field f)
{
	return (unsigned)f < CHECK_NFIELDS ? field_names[f] : "?";
}

/* The value of field f of st as text; true if it is a number (for the
 * comparison), with the number in *v. */
static void field_value(const struct ipcstat *st, enum check_field f, char *buf, size_t len,
			int64_t *v)
{
	switch (f) {
	case CHECK_KEY:
		*v = (uint32_t)st->key;
		format_key(st->key, buf, len);
		return;
	case CHECK_MODE:
		*v = st->mode;
		snprintf(buf, len, "%o", st->mode);
		return;
	case CHECK_DEST:
		*v = st->dest;
		snprintf(buf, len, "%s", st->dest ? "yes" : "no");
		return;
	case CHECK_LOCKED:
		*v = st->locked;
		snprintf(buf, len, "%s", st->locked ? "yes" : "no");
		return;
	case CHECK_SIZE: *v = (int64_t)st->size; break;
	case CHECK_UID: *v = st->uid; break;
	case CHECK_GID: *v = st->gid; break;
	case CHECK_CUID: *v = st->cuid; break;
	case CHECK_CGID: *v = st->cgid; break;
	case CHECK_CPID: *v = st->cpid; break;
	case CHECK_LPID: *v = st->lpid; break;
	case CHECK_NATTCH: *v = (int64_t)st->nattch; break;
	case CHECK_ATIME: *v = st->atime; break;
	case CHECK_DTIME: *v = st->dtime; break;
	case CHECK_CTIME: *v = st->ctime; break;
	case CHECK_NFIELDS: *v = 0; break;
	}
	if (f == CHECK_SIZE || f == CHECK_NATTCH)
		snprintf(buf, len, "%" PRIu64, (uint64_t)*v);
	else
		snprintf(buf, len, "%" PRId64, *v);
}

size_t check_compare(const struct sysvipc_shm *row, const struct ipcstat *st,
		     struct check_diff *diffs, size_t max)
{
	size_t n = 0;
	for (int f = 0; f < CHECK_NFIELDS; f++) {
		char a[32], b[32];
		int64_t va, vb;
		field_value(&row->st, (enum check_field)f, a, sizeof a, &va);
		field_value(st, (enum check_field)f, b, sizeof b, &vb);
		if (va == vb)
			continue;
		if (n < max) {
			struct check_diff *d = &diffs[n];
			d->shmid = row->st.shmid;
			d->key = row->st.key;
			d->field = (enum check_field)f;
			memcpy(d->proc, a, sizeof d->proc);
			memcpy(d->stat, b, sizeof d->stat);
		}
		n++;
	}
	return n;
}

char *check_format(const struct check_diff *d, char *buf, size_t len)
{
	char k[16];
	snprintf(buf, len, "shmid %d key %s: %s differs: /proc/sysvipc/shm %s, IPC_STAT %s",
		 d->shmid, format_key(d->key, k, sizeof k), check_field_name(d->field), d->proc,
		 d->stat);
	return buf;
}

/* SHM_STAT_ANY of the segment with this id: its index is the low bits of
 * the id (15 of them, or 24 with ipcmni_extend).  0, or -1 with errno. */
static int stat_any(int shmid, struct ipcstat *st)
{
	static const int masks[] = { 0x7fff, 0xffffff };
	struct shmid_ds ds;
	for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		int id = shmctl(shmid & masks[i], SHM_STAT_ANY, &ds);
		if (id == shmid) {
			ipcstat_from_ds(&ds, shmid, st);
			return 0;
		}
	}
	errno = EACCES;
	return -1;
}

enum view {
	VIEW_STAT, /* IPC_STAT */
	VIEW_ANY,  /* SHM_STAT_ANY */
	VIEW_NONE, /* neither would tell */
	VIEW_GONE, /* EINVAL or EIDRM: no such segment */
};

static enum view view_of(int shmid, struct ipcstat *st, int *err)
{
	if (ipcstat_get(shmid, st) == 0)
		return VIEW_STAT;
	*err = errno;
	if (errno == EINVAL || errno == EIDRM)
		return VIEW_GONE;
	if (errno == EACCES && stat_any(shmid, st) == 0)
		return VIEW_ANY;
	return VIEW_NONE;
}

/* Every row of the file, in an array that grows as needed. */
static struct sysvipc_shm *read_all(const char *path, struct sysvipc_result *res)
{
	size_t max = 256;
	for (;;) {
		struct sysvipc_shm *rows = malloc(max * sizeof *rows);
		if (!rows)
			return NULL;
		if (sysvipc_read(path, rows, max, res)) {
			int e = errno;
			free(rows);
			errno = e;
			return NULL;
		}
		if (!res->truncated)
			return rows;
		free(rows);
		max = res->total + res->total / 4 + 16;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void note_uncompared(FILE *out, const struct sysvipc_shm *row, int err,
			    struct check_summary *sum)
{
	char k[16];
	fprintf(out,
		"note: shmid %d key %s: IPC_STAT and SHM_STAT_ANY: %s; only its presence "
		"was checked\n",
		row->st.shmid, format_key(row->st.key, k, sizeof k), strerror(err));
	sum->uncompared++;
}

static void count_view(enum view v, struct check_summary *sum)
{
	if (v == VIEW_STAT || v == VIEW_ANY)
		sum->compared++;
	if (v == VIEW_ANY)
		sum->stat_any++;
}

/* The second look at a segment that differed (or was gone from IPC_STAT):
 * report what still differs, and return how many. */
static size_t confirm(FILE *out, const char *path, int shmid, struct check_summary *sum)
{
	struct sysvipc_shm row;
	struct ipcstat st;
	int err = 0;
	int found = sysvipc_find(path, shmid, &row);
	enum view v = view_of(shmid, &st, &err);
	if (found <= 0 && v == VIEW_GONE) {
		sum->vanished++;
		return 0;
	}
	if (found <= 0) {
		fprintf(out, "shmid %d: in IPC_STAT but no longer in /proc/sysvipc/shm\n", shmid);
		return 1;
	}
	if (v == VIEW_GONE) {
		fprintf(out, "shmid %d: in /proc/sysvipc/shm but IPC_STAT says: %s\n", shmid,
			strerror(err));
		return 1;
	}
	if (v == VIEW_NONE) {
		note_uncompared(out, &row, err, sum);
		return 0;
	}
	count_view(v, sum);
	struct check_diff d[CHECK_NFIELDS];
	size_t n = check_compare(&row, &st, d, CHECK_NFIELDS);
	char line[256];
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\n", check_format(&d[i], line, sizeof line));
	return n;
}

/* Segments SHM_STAT_ANY can see that the file did not list. */
static size_t check_missing(FILE *out, const char *path, const struct sysvipc_shm *rows, size_t n,
			    struct check_summary *sum)
{
	struct shm_info info;
	int maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
	if (maxidx < 0)
		return 0;
	int *ids = malloc((n ? n : 1) * sizeof *ids);
	if (!ids)
		return 0;
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].st.shmid;
	qsort(ids, n, sizeof *ids, cmp_int);
	size_t diffs = 0;
	for (int idx = 0; idx <= maxidx; idx++) {
		struct shmid_ds ds;
		int id = shmctl(idx, SHM_STAT_ANY, &ds);
		if (id < 0 || bsearch(&id, ids, n, sizeof *ids, cmp_int))
			continue;
		struct sysvipc_shm row;
		struct ipcstat st;
		int err;
		if (sysvipc_find(path, id, &row) == 1 || view_of(id, &st, &err) == VIEW_GONE)
			continue; /* made meanwhile, or gone again */
		char k[16];
		fprintf(out,
			"shmid %d key %s: seen by SHM_STAT_ANY, missing from /proc/sysvipc/shm\n",
			id, format_key(ds.shm_perm.__key, k, sizeof k));
		sum->missing++;
		diffs++;
	}
	free(ids);
	return diffs;
}

long check_run(FILE *out, const char *proc_path, struct check_summary *sum)
{
	memset(sum, 0, sizeof *sum);
	struct sysvipc_result res;
	struct sysvipc_shm *rows = read_all(proc_path, &res);
	if (!rows)
		return -1;
	sum->segments = res.n;
	size_t diffs = 0;
	for (size_t i = 0; i < res.n; i++) {
		const struct sysvipc_shm *row = &rows[i];
		struct ipcstat st;
		int err = 0;
		enum view v = view_of(row->st.shmid, &st, &err);
		if (v == VIEW_NONE) {
			note_uncompared(out, row, err, sum);
		} else if (v == VIEW_GONE || check_compare(row, &st, NULL, 0) > 0) {
			diffs += confirm(out, proc_path, row->st.shmid, sum);
		} else {
			count_view(v, sum);
		}
	}
	/* Only where the file is the kernel's own is SHM_STAT_ANY comparable. */
	if (!proc_path)
		diffs += check_missing(out, proc_path, rows, res.n, sum);
	free(rows);
	sum->differences = diffs;
	fprintf(out,
		"check: %zu segments, %zu compared (%zu by SHM_STAT_ANY), %zu not comparable, "
		"%zu vanished meanwhile: %zu difference%s\n",
		sum->segments, sum->compared, sum->stat_any, sum->uncompared, sum->vanished, diffs,
		diffs == 1 ? "" : "s");
	return (long)diffs;
}
