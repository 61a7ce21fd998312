/* SPDX-License-Identifier: MIT */
/*
 * The object list in its three batch formats: a plain-text table
 * and JSON with lsipc's columns (libsmartcols, lsipc's own library), and
 * Prometheus text.  They only format an object list (objlist.h), so they
 * are tested on made-up ones.
 */
#include "objlist_table.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "clock.h"
#include "decode.h"
#include "escape.h"
#include "format.h"
#include "json.h"
#include "names.h"
#include "objlist_columns.h"
#include "objlist_wait.h"
#include "prom.h"

/* How libsmartcols lays each column of the object list (objlist_columns.h)
 * out. */
static const struct {
	double whint; /* libsmartcols' width hint */
	int flags;    /* SCOLS_FL_* */
	int json;     /* SCOLS_JSON_* */
} columns[OBJLIST_NCOLS] = {
	[OBJLIST_COL_KEY] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_ID] = { 1, 0, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_OWNER] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_STRING },
	[OBJLIST_COL_PERMS] = { 9, SCOLS_FL_RIGHT, SCOLS_JSON_STRING },
	[OBJLIST_COL_CUID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_CUSER] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_CGID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_CGROUP] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_UID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_USER] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_GID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_GROUP] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_CTIME] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_SIZE] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_NATTCH] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_STATUS] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_ATTACH] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_DETACH] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_COMMAND] = { 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING },
	[OBJLIST_COL_CPID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_LPID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_MODE] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_STRING },
	[OBJLIST_COL_KIND] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_NAME] = { 0, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_RSS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_SWAP] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_HOLDERS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_ORPHAN] = { 1, 0, SCOLS_JSON_BOOLEAN_OPTIONAL },
	[OBJLIST_COL_IPCNS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_NSID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_COUNT] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_STATE] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_RESETS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_WRITER_PID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_WRITER_ALIVE] = { 1, 0, SCOLS_JSON_BOOLEAN_OPTIONAL },
	[OBJLIST_COL_FORMAT] = { 1, 0, SCOLS_JSON_STRING },
	[OBJLIST_COL_NSEMS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_OTIME] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_USEDBYTES] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_MSGS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_SEND] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_RECV] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_LSPID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_LRPID] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_QSIZE] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[OBJLIST_COL_WAITERS] = { 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
};

/* lsipc's default columns for shared memory, in its order and places (a
 * script's `awk '{print $2}'` still reads the shmid), then the kind, the
 * resident bytes, the holders, the orphan flag and the name of the object
 * (last: a name is up to 255 bytes). */
static const int text_default[] = { OBJLIST_COL_KEY,    OBJLIST_COL_ID,      OBJLIST_COL_PERMS,
				    OBJLIST_COL_OWNER,  OBJLIST_COL_SIZE,    OBJLIST_COL_NATTCH,
				    OBJLIST_COL_STATUS, OBJLIST_COL_CTIME,   OBJLIST_COL_CPID,
				    OBJLIST_COL_LPID,   OBJLIST_COL_COMMAND, OBJLIST_COL_KIND,
				    OBJLIST_COL_RSS,    OBJLIST_COL_HOLDERS, OBJLIST_COL_ORPHAN,
				    OBJLIST_COL_NAME };

const char *objlist_table_column_name(size_t i)
{
	return i < OBJLIST_NCOLS ? objlist_columns[i].name : NULL;
}

/* The defaults: lsipc's for text, every column for JSON. */
static size_t default_columns(enum objlist_table_format fmt, int *cols, size_t max)
{
	size_t n = 0;
	if (fmt == OBJLIST_TABLE_JSON)
		for (int c = 0; c < OBJLIST_NCOLS && n < max; c++)
			cols[n++] = c;
	else
		for (size_t i = 0; i < sizeof text_default / sizeof text_default[0] && n < max; i++)
			cols[n++] = text_default[i];
	return n;
}

int objlist_table_columns(const char *list, enum objlist_table_format fmt, int *cols, size_t max,
			  char *why, size_t whylen)
{
	size_t n = 0;
	if (!list || *list == '+') {
		n = default_columns(fmt, cols, max);
		if (!list)
			return (int)n;
		list++;
	}
	const char *p = list;
	for (;;) {
		size_t len = strcspn(p, ",");
		if (len == 3 && strncasecmp(p, "ALL", 3) == 0) {
			for (int c = 0; c < OBJLIST_NCOLS; c++) {
				if (n >= max)
					goto too_many;
				cols[n++] = c;
			}
		} else {
			char name[32];
			snprintf(name, sizeof name, "%.*s", len < sizeof name ? (int)len : 0, p);
			int c = objlist_column_find(name);
			if (c < 0) {
				snprintf(why, whylen,
					 "unknown column '%.*s' (the columns: KEY, ID, "
					 "OWNER, PERMS, ..., as shmtop(1) lists them)",
					 (int)len, p);
				return -1;
			}
			if (n >= max)
				goto too_many;
			cols[n++] = c;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	return (int)n;
too_many:
	snprintf(why, whylen, "too many columns (at most %zu)", max);
	return -1;
}

/* lsipc's human size (util-linux's size_to_human_string() with a one-letter
 * suffix): "40B", "4K", "16.3K", "1.5M"; one decimal, rounded half up,
 * none when it is 0. */
static char *human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char letters[] = "BKMGTPE";
	int exp = 0;
	while (exp < 60 && bytes >= (UINT64_C(1) << (exp + 10)))
		exp += 10;
	uint64_t dec = bytes >> exp;
	uint64_t frac = exp ? bytes & ((UINT64_C(1) << exp) - 1) : 0;
	if (frac) {
		/* three digits after the point, then one, rounded */
		if (frac >= UINT64_MAX / 1000)
			frac = frac / 1024 * 1000 / (UINT64_C(1) << (exp - 10));
		else
			frac = frac * 1000 / (UINT64_C(1) << exp);
		frac = (frac + 50) / 100 * 10;
		if (frac == 100) {
			dec++;
			frac = 0;
		}
	}
	if (frac)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", dec, frac / 10, letters[exp / 10]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", dec, letters[exp / 10]);
	return buf;
}

/* Is the row's orphan flag known?  A SysV segment's always (collect
 * decides); a POSIX object's or semaphore's only after a scan; memfd and
 * deleted objects are never orphans (they live only while held); a set
 * always (its waiters are the kernel's counts), a queue after a scan (its
 * waiters are only the scan's), or as a writer's lock without its segment.
 * The flag is the host layer's call: an object whose holders a scan that
 * could not read every process left unknown (holders_unknown) has none. */
static bool orphan_known(const struct objlist *s, const struct objlist_row *r)
{
	if (r->kind == OBJLIST_SYSV_SEM)
		return true;
	if (r->kind == OBJLIST_SYSV_MSG)
		return s->scanned || r->orphan;
	return !r->holders_unknown &&
	       ((r->kind != OBJLIST_POSIX && r->kind != OBJLIST_SEM && r->kind != OBJLIST_FILE) ||
		s->scanned);
}

/* The cells a segment, a set and a queue share: the key, the id and the
 * creator's; NULL for any other column. */
static const char *sysv_cell(int col, key_t key, int id, uid_t cuid, gid_t cgid, char *buf,
			     size_t len)
{
	switch (col) {
	case OBJLIST_COL_KEY: return format_key(key, buf, len);
	case OBJLIST_COL_ID: snprintf(buf, len, "%d", id); return buf;
	case OBJLIST_COL_CUID: snprintf(buf, len, "%u", (unsigned)cuid); return buf;
	case OBJLIST_COL_CUSER: return names_user(cuid, buf, len);
	case OBJLIST_COL_CGID: snprintf(buf, len, "%u", (unsigned)cgid); return buf;
	case OBJLIST_COL_CGROUP: return names_group(cgid, buf, len);
	default: return NULL;
	}
}

/* A semaphore set's or a message queue's cell of a column of its own
 * (lsipc's values: a queue's USEDBYTES a size, MSGS, LSPID and LRPID
 * numbers, 0 included, a time null when it is 0), else the SysV ones
 * they share with segments (KEY, ID, CUID ...).  *t or *bytes and 1 for a
 * time or a size the caller formats; NULL for no value. */
static const char *ipc_cell(const struct objlist_row *r, int col, char *buf, size_t len, int64_t *t,
			    uint64_t *bytes, int *what)
{
	const struct sysvipc_ipc *q = &r->ipc;
	bool sem = r->kind == OBJLIST_SYSV_SEM;
	*what = 0;
	const char *v = sysv_cell(col, q->key, q->id, q->cuid, q->cgid, buf, len);
	if (v)
		return v;
	if (col == OBJLIST_COL_STATUS)
		return r->lock_orphan ? "lock without segment" : NULL;
	if (sem)
		switch (col) {
		case OBJLIST_COL_NSEMS: snprintf(buf, len, "%" PRIu64, q->nsems); return buf;
		case OBJLIST_COL_OTIME:
			*t = q->otime;
			*what = 1;
			return NULL;
		default: return NULL;
		}
	switch (col) {
	case OBJLIST_COL_USEDBYTES:
		*bytes = q->cbytes;
		*what = 2;
		return NULL;
	case OBJLIST_COL_MSGS: snprintf(buf, len, "%" PRIu64, q->qnum); return buf;
	case OBJLIST_COL_SEND:
		*t = q->stime;
		*what = 1;
		return NULL;
	case OBJLIST_COL_RECV:
		*t = q->rtime;
		*what = 1;
		return NULL;
	case OBJLIST_COL_LSPID: snprintf(buf, len, "%d", (int)q->lspid); return buf;
	case OBJLIST_COL_LRPID: snprintf(buf, len, "%d", (int)q->lrpid); return buf;
	default: return NULL;
	}
}

/* The text of one cell, in buf or a constant; NULL for no value (null in
 * JSON, blank in the table).  The SysV columns (key, shmid, nattch, the
 * creator, attach and detach times, status) are null for the other kinds
 * (a set or a queue has its key, id and creator: ipc_cell()); NAME is null
 * for SysV; SIZE is a queue's bytes (USEDBYTES), null for a set. */
static const char *cell(const struct objlist *s, const struct objlist_row *r, int col,
			const struct objlist_table_output *o, char *buf, size_t len)
{
	const struct ipcstat *st = &r->shm.st;
	bool json = o->format == OBJLIST_TABLE_JSON;
	bool sysv = r->kind == OBJLIST_SYSV;
	int64_t t;
	uint64_t bytes;
	if (sysv && r->ipcns) /* another IPC namespace's: what only its holders' maps show */
		switch (col) {
		case OBJLIST_COL_NAME: return objlist_foreign_name(r, buf, len);
		case OBJLIST_COL_STATUS: return "other ns";
		case OBJLIST_COL_KEY:
		case OBJLIST_COL_KIND:
		case OBJLIST_COL_SIZE:
		case OBJLIST_COL_NATTCH:
		case OBJLIST_COL_HOLDERS:
		case OBJLIST_COL_ORPHAN:
		case OBJLIST_COL_IPCNS: break;
		case OBJLIST_COL_NSID: snprintf(buf, len, "%d", r->shm.st.shmid); return buf;
		default: return NULL; /* its shmid is that namespace's: not an ID here */
		}
	switch (col) {
	case OBJLIST_COL_KIND: return objlist_kind_name(r->kind);
	case OBJLIST_COL_NAME: return sysv || objlist_kind_ipc(r->kind) ? NULL : r->name;
	case OBJLIST_COL_IPCNS:
		if (!r->ipcns)
			return NULL;
		snprintf(buf, len, "%" PRIu64, r->ipcns);
		return buf;
	case OBJLIST_COL_OWNER: return r->owner;
	case OBJLIST_COL_PERMS: return format_perms(sysv ? st->mode : r->mode, buf, len);
	case OBJLIST_COL_MODE: return format_octal(sysv ? st->mode : r->mode, buf, len);
	case OBJLIST_COL_UID: snprintf(buf, len, "%u", (unsigned)r->uid); return buf;
	case OBJLIST_COL_USER: return names_user(r->uid, buf, len);
	case OBJLIST_COL_GID: snprintf(buf, len, "%u", (unsigned)r->gid); return buf;
	case OBJLIST_COL_GROUP: return names_group(r->gid, buf, len);
	case OBJLIST_COL_CTIME: t = r->mtime; goto time;
	case OBJLIST_COL_SIZE:
	case OBJLIST_COL_QSIZE: /* a POSIX queue's QSIZE, when its file was read */
		if (r->kind == OBJLIST_SYSV_SEM || (r->kind == OBJLIST_MQUEUE && !r->have_qsize) ||
		    (col == OBJLIST_COL_QSIZE && r->kind != OBJLIST_MQUEUE))
			return NULL;
		bytes = r->size;
		goto size;
	case OBJLIST_COL_RSS:
		if (!r->have_resident)
			return NULL;
		bytes = r->resident;
		goto size;
	case OBJLIST_COL_SWAP:
		if (!sysv || !r->have_resident)
			return NULL;
		bytes = r->swap;
		goto size;
	case OBJLIST_COL_HOLDERS:
		if (objlist_kind_ipc(r->kind)) /* nothing maps one: its WAITERS are its users */
			return NULL;
		if (r->holders_unknown) /* not a count: unknown */
			return json ? NULL : "?";
		if (!s->scanned)
			return NULL;
		snprintf(buf, len, "%zu", r->nholders);
		return buf;
	case OBJLIST_COL_WAITERS: /* known from a scan; 0 if none could be read */
		if (!s->scanned)
			return NULL;
		snprintf(buf, len, "%zu", r->nwaits);
		return buf;
	case OBJLIST_COL_ORPHAN:
		if (r->holders_unknown)
			return json ? NULL : "?";
		if (!orphan_known(s, r))
			return NULL;
		return r->orphan ? "yes" : "no";
	case OBJLIST_COL_COMMAND: return r->command[0] ? r->command : NULL;
	case OBJLIST_COL_FORMAT: /* "?": its bytes could not be read; JSON's null */
		return json && r->format && strcmp(r->format, "?") == 0 ? NULL : r->format;
	default: break;
	}
	if (objlist_kind_ipc(r->kind)) {
		int what;
		const char *v = ipc_cell(r, col, buf, len, &t, &bytes, &what);
		if (what == 1)
			goto time;
		if (what == 2)
			goto size;
		return v;
	}
	if (!sysv)
		return NULL;
	const char *v = sysv_cell(col, st->key, st->shmid, st->cuid, st->cgid, buf, len);
	if (v)
		return v;
	switch (col) {
	case OBJLIST_COL_ATTACH: t = st->atime; goto time;
	case OBJLIST_COL_DETACH: t = st->dtime; goto time;
	case OBJLIST_COL_NATTCH: snprintf(buf, len, "%" PRIu64, st->nattch); return buf;
	case OBJLIST_COL_STATUS:
		return st->dest || st->locked ? format_status(st->dest, st->locked, buf, len)
					      : NULL;
	case OBJLIST_COL_CPID: snprintf(buf, len, "%d", (int)st->cpid); return buf;
	case OBJLIST_COL_LPID: snprintf(buf, len, "%d", (int)st->lpid); return buf;
	default: break;
	}
	if (!r->is_record)
		return NULL;
	switch (col) {
	case OBJLIST_COL_COUNT: snprintf(buf, len, "%" PRIu64, r->snap.count); return buf;
	case OBJLIST_COL_STATE: return record_state_name(r->snap.state);
	case OBJLIST_COL_RESETS: snprintf(buf, len, "%" PRIu64, r->snap.resets); return buf;
	case OBJLIST_COL_WRITER_PID: snprintf(buf, len, "%d", (int)r->snap.writer_pid); return buf;
	case OBJLIST_COL_WRITER_ALIVE: return r->writer_alive ? "yes" : "no";
	default: return NULL;
	}
time: /* seconds since the epoch in JSON, lsipc's short form in the table */
	if (!t)
		return NULL;
	if (json) {
		snprintf(buf, len, "%" PRId64, t);
		return buf;
	}
	return format_short_time(t, s->wall_ns, buf, len);
size: /* bytes in JSON and with --bytes, else as lsipc: 4K, 16.3K */
	if (json || o->bytes) {
		snprintf(buf, len, "%" PRIu64, bytes);
		return buf;
	}
	return human_size(bytes, buf, len);
}

/* The summary above the table: totals and limits, as top's.  Totals are the
 * host's, whatever the filter shows. */
static void summary(FILE *out, const struct objlist *s, const struct objlist_table_output *o,
		    size_t nshown)
{
	char a[48], b[48], c[32];
	time_t now = (time_t)(s->wall_ns / NS_PER_SEC);
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(a, sizeof a, "?");
	const struct sysvipc_totals *t = &s->res.totals;
	fprintf(out, "shmtop - all shared memory - %s\n", a);
	struct sysvipc_limit_row lim[SYSVIPC_NLIMITS];
	sysvipc_limit_rows(t, &s->limits, s->page_size, lim);
	for (int i = 0; i < SYSVIPC_NLIMITS; i++) {
		const struct sysvipc_limit_row *l = &lim[i];
		if (!l->have_limit)
			snprintf(b, sizeof b, "?");
		else
			snprintf(b, sizeof b, "%" PRIu64, l->limit);
		if (l->has_usage)
			fprintf(out, "%s%s %" PRIu64 " of %s (%s)", i ? "   " : "", l->resource,
				l->used, b, sysvipc_format_pct(l->use_pct, c, sizeof c));
		else
			fprintf(out, "%s%s %s", i ? "   " : "", l->resource, b);
	}
	fprintf(out,
		"\nTotal %s%s in %zu segments, %s%" PRIu64 " attaches, %zu dest, %zu locked; "
		"rss %s%s, swap %s%s\n",
		objlist_at_least(s, t->bytes), format_size(t->bytes, a, sizeof a), t->segments,
		objlist_at_least(s, t->nattch), t->nattch, t->dest, t->locked,
		objlist_at_least(s, t->rss), format_size(t->rss, b, sizeof b),
		objlist_at_least(s, t->swap), format_size(t->swap, c, sizeof c));
	/* Every kind: objects, size, resident (a set: objects; a queue: its bytes). */
	for (int k = 0; k < OBJLIST_NKINDS; k++) {
		const struct objlist_totals *kt = &s->kinds[k];
		fprintf(out, "%s%s %zu", k ? "   " : "", objlist_kind_name((enum objlist_kind)k),
			kt->objects);
		if (kt->objects && (k == OBJLIST_SYSV_MSG || k == OBJLIST_MQUEUE))
			/* a queue's bytes; nothing resident */
			fprintf(out, ": %s%s", objlist_at_least(s, kt->bytes),
				format_size(kt->bytes, a, sizeof a));
		else if (kt->objects && k != OBJLIST_SYSV_SEM)
			fprintf(out, ": %s%s, rss %s%s", objlist_at_least(s, kt->bytes),
				format_size(kt->bytes, a, sizeof a),
				objlist_at_least(s, kt->resident),
				format_size(kt->resident, b, sizeof b));
	}
	if (!s->have_mqueue && s->kinds[OBJLIST_MQUEUE].objects)
		fprintf(out, " (queues from fds only: no mqueue file system mounted: mount -t "
			     "mqueue none /dev/mqueue lists every queue)");
	fputc('\n', out);
	if (s->have_devshm) {
		double pct =
		    s->devshm_size ? 100.0 * (double)s->devshm_used / (double)s->devshm_size : 0;
		fprintf(out, "%s %s, %s used (%.2f%%)   ", OBJLIST_DEVSHM_DIR,
			format_size(s->devshm_size, a, sizeof a),
			format_size(s->devshm_used, b, sizeof b), pct);
	}
	fprintf(out, "orphans %zu, %s%s", s->orphans.objects, objlist_at_least(s, s->orphans.bytes),
		format_size(s->orphans.bytes, a, sizeof a));
	if (!s->scanned) {
		fprintf(out, " (SysV only: no scan of /proc)\n");
	} else {
		time_t st = (time_t)(s->scan_ns / NS_PER_SEC);
		if (!localtime_r(&st, &tm) || !strftime(a, sizeof a, "%H:%M:%S", &tm))
			snprintf(a, sizeof a, "?");
		fprintf(out, "   holders scanned at %s", a);
		if (s->scan_hidden)
			fprintf(out, " (%zu of %zu processes unreadable)", s->scan_hidden,
				s->scan_procs);
		if (s->scan_dropped)
			fprintf(out, " (truncated: %zu mappings and fds past %zu pairs left out)",
				s->scan_dropped, s->nseen);
		if (s->blocked)
			fprintf(out, "   %zu process%s blocked on IPC", s->blocked,
				s->blocked == 1 ? "" : "es");
		fputc('\n', out);
	}
	fprintf(out, "Sorted by %s%s", sysvipc_sort_name(s->sort), s->reverse ? ", reversed" : "");
	if (s->truncated)
		fprintf(out, "; showing %zu of %zu", s->n, s->total);
	if ((o->filter && *o->filter) || o->kinds) {
		char f[96];
		fprintf(out, "; %zu of %zu match", nshown, s->n);
		if (o->filter && *o->filter)
			fprintf(out, " \"%s\"", escape_str(o->filter, f, sizeof f));
		for (int k = 0, first = 1; k < OBJLIST_NKINDS; k++)
			if (o->kinds & (1u << k)) {
				fprintf(out, "%s%s", first ? " -t " : ",",
					objlist_kind_name((enum objlist_kind)k));
				first = 0;
			}
	}
	fprintf(out, "\n\n");
}

/* Is row i shown (the filter)? */
static bool shown(const struct objlist *s, size_t i, const struct objlist_table_output *o)
{
	const struct objlist_row *r = &s->rows[i];
	if (o->segment && (r->kind != OBJLIST_SYSV || r->ipcns ||
			   (o->shmid >= 0 ? r->shm.st.shmid != o->shmid : r->shm.st.key != o->key)))
		return false;
	if (o->path && !r->named)
		return false;
	return objlist_kind_in(r, o->kinds) && (!o->filter || objlist_match(r, o->filter));
}

/* A JSON string member's value, a number or a boolean as the column's type
 * says, or null. */
static void json_value(FILE *out, int col, const char *v)
{
	if (!v) {
		fputs("null", out);
		return;
	}
	switch (columns[col].json) {
	case SCOLS_JSON_NUMBER: fputs(v, out); return;
	case SCOLS_JSON_BOOLEAN_OPTIONAL:
		fputs(strcmp(v, "yes") == 0 ? "true" : "false", out);
		return;
	default: break;
	}
	size_t need = json_string(v, NULL, 0) + 1;
	char small[256], *buf = need <= sizeof small ? small : malloc(need);
	if (!buf) {
		fputs("null", out);
		return;
	}
	json_string(v, buf, need);
	fputs(buf, out);
	if (buf != small)
		free(buf);
}

/* The row's holders, as a JSON array of objects on one line; null before
 * a scan, when it left them unknown, and for a set or a queue (not looked
 * for yet). */
static void json_holders(FILE *out, const struct objlist *s, const struct objlist_row *r)
{
	if (!s->scanned || r->holders_unknown || objlist_kind_ipc(r->kind)) {
		fputs("null", out);
		return;
	}
	fputc('[', out);
	for (size_t i = 0; i < r->nholders && r->holder0 + i < s->nholders; i++) {
		const struct objlist_holder *h = &s->holders[r->holder0 + i];
		char user[64], u[6 * sizeof user + 3], comm[6 * sizeof h->comm + 3],
		    c[sizeof h->comm + 1];
		memcpy(c, h->comm, sizeof h->comm);
		c[sizeof h->comm] = '\0';
		json_string(names_user(h->uid, user, sizeof user), u, sizeof u);
		json_string(c, comm, sizeof comm);
		fprintf(out,
			"%s{\"pid\":%d,\"user\":%s,\"comm\":%s,\"rw\":%u,\"ro\":%u,\"fds\":%u}",
			i ? "," : "", (int)h->pid, u, comm, h->maps_rw, h->maps_ro, h->fds);
	}
	fputc(']', out);
}

/* The processes blocked on the row, as a JSON array of objects on one
 * line (objlist_wait.h); null before a scan.  semnum and semop are a
 * semop()'s, offset a futex()'s word, since the first scan that saw it
 * (seconds since the epoch); null where they do not apply or are unknown. */
static void json_waiters(FILE *out, const struct objlist *s, const struct objlist_row *r)
{
	if (!s->scanned) {
		fputs("null", out);
		return;
	}
	fputc('[', out);
	for (size_t i = 0; i < r->nwaits && r->wait0 + i < s->nwaits; i++) {
		const struct objlist_wait *w = &s->waits[r->wait0 + i];
		char comm[6 * sizeof w->comm + 3], c[sizeof w->comm + 1],
		    semnum[16] = "null", semop[16] = "null", offset[24] = "null";
		memcpy(c, w->comm, sizeof w->comm);
		c[sizeof w->comm] = '\0';
		json_string(c, comm, sizeof comm);
		if (w->op == OBJLIST_WAIT_SEM && w->semnum >= 0) {
			snprintf(semnum, sizeof semnum, "%d", w->semnum);
			snprintf(semop, sizeof semop, "%d", w->semop);
		}
		if (w->op == OBJLIST_WAIT_FUTEX)
			snprintf(offset, sizeof offset, "%" PRIu64, w->offset);
		fprintf(out,
			"%s{\"pid\":%d,\"comm\":%s,\"op\":\"%s\",\"semnum\":%s,\"semop\":%s,"
			"\"offset\":%s,\"since\":%" PRId64 "}",
			i ? "," : "", (int)w->pid, comm, objlist_wait_op_name(w->op), semnum, semop,
			offset, w->since_ns / NS_PER_SEC);
	}
	fputc(']', out);
}

/* The JSON document on one line (JSON Lines: one document a snapshot),
 * with lsipc's structure and key names, written here: a row's holders are
 * an array of objects, which libsmartcols cannot write. */
static int write_json(FILE *out, const struct objlist *s, const struct objlist_table_output *o,
		      const int *cols, int ncols)
{
	fputs("{\"sharedmemory\":[", out);
	bool first = true;
	for (size_t i = 0; i < s->n; i++) {
		if (!shown(s, i, o))
			continue;
		fputs(first ? "{" : ",{", out);
		first = false;
		const struct objlist_row *r = &s->rows[i];
		for (int j = 0; j < ncols; j++) {
			char buf[64], name[32];
			const int c = cols[j];
			size_t k = 0;
			for (; objlist_columns[c].name[k] && k + 1 < sizeof name; k++)
				name[k] = (char)tolower((unsigned char)objlist_columns[c].name[k]);
			name[k] = '\0';
			fprintf(out, "%s\"%s\":", j ? "," : "", name);
			if (c == OBJLIST_COL_HOLDERS)
				json_holders(out, s, r);
			else if (c == OBJLIST_COL_WAITERS)
				json_waiters(out, s, r);
			else
				json_value(out, c, cell(s, r, c, o, buf, sizeof buf));
		}
		fputc('}', out);
	}
	fputs("]}\n", out);
	return ferror(out) ? -1 : 0;
}

int objlist_table_write(FILE *out, const struct objlist *s, const struct objlist_table_output *o)
{
	int cols[OBJLIST_TABLE_MAX_COLUMNS];
	char why[160];
	int ncols = objlist_table_columns(o->columns, o->format, cols, OBJLIST_TABLE_MAX_COLUMNS,
					  why, sizeof why);
	if (ncols < 0) {
		errno = EINVAL;
		return -1;
	}
	if (o->format == OBJLIST_TABLE_JSON)
		return write_json(out, s, o, cols, ncols);
	struct libscols_table *tb = scols_new_table();
	if (!tb)
		return -1;
	int rc = 0;
	size_t nshown = 0;
	scols_table_set_stream(tb, out);
	scols_table_set_name(tb, "sharedmemory");
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_noencoding(tb, 1); /* each cell is escaped here */
	for (int i = 0; i < ncols && !rc; i++) {
		const int c = cols[i];
		struct libscols_column *cl = scols_table_new_column(
		    tb, objlist_columns[c].name, columns[c].whint, columns[c].flags);
		if (!cl)
			rc = -1;
	}
	for (size_t i = 0; i < s->n && !rc; i++) {
		if (!shown(s, i, o))
			continue;
		nshown++;
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		if (!ln) {
			rc = -1;
			break;
		}
		/* Each cell by escape_text()'s rule, as the screen shows it, so a
		 * name keeps its row on one line and the columns aligned; no
		 * value is "-" with --raw or --noheadings, so that no field of
		 * a row read by awk shifts. */
		for (int j = 0; j < ncols && !rc; j++) {
			char buf[64], esc[4 * OBJLIST_NAME_MAX + 1];
			const char *v = cell(s, &s->rows[i], cols[j], o, buf, sizeof buf);
			if (!v && (o->raw || o->noheadings))
				v = "-";
			if (v)
				escape_text(v, strlen(v), ESCAPE_LOCALE, INT_MAX, esc, sizeof esc);
			if (v && scols_line_set_data(ln, (size_t)j, esc))
				rc = -1;
		}
	}
	if (!rc) {
		if (!o->raw && !o->noheadings)
			summary(out, s, o, nshown);
		rc = scols_print_table(tb) ? -1 : 0;
		if (!rc && !o->raw && !o->noheadings)
			fputc('\n', out);
	}
	scols_unref_table(tb);
	if (rc && !errno)
		errno = ENOMEM;
	return rc;
}

/* "# HELP" and "# TYPE" of a family. */
static void prom_header(FILE *out, const char *name, const char *type, const char *help)
{
	char h[512];
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, prom_escape_help(help, h, sizeof h),
		name, type);
}

/* What a per-object family shows. */
enum object_value { OV_BYTES, OV_RESIDENT, OV_HOLDERS, OV_WAITERS, OV_ORPHAN };

static const struct {
	const char *name, *help;
	enum object_value v;
} object_families[] = {
	{ "shmtop_object_bytes", "Size of the shared memory object, of any kind.", OV_BYTES },
	{ "shmtop_object_resident_bytes", "Bytes of the object resident in memory.", OV_RESIDENT },
	{ "shmtop_object_holders", "Processes that map the object or hold a descriptor to it.",
	  OV_HOLDERS },
	{ "shmtop_object_waiters",
	  "Processes blocked on the object now (semop, msgrcv, msgsnd, mq_timedreceive, "
	  "mq_timedsend, or a futex in its mapping).",
	  OV_WAITERS },
	{ "shmtop_object_orphan", "1 if nothing holds the object (a leak), else 0.", OV_ORPHAN },
};

static bool object_value(const struct objlist *s, const struct objlist_row *r, enum object_value v,
			 uint64_t *u)
{
	switch (v) {
	case OV_BYTES: /* a set has no size; a queue's is its QSIZE, when read */
		*u = r->size;
		return r->kind != OBJLIST_SYSV_SEM && (r->kind != OBJLIST_MQUEUE || r->have_qsize);
	case OV_RESIDENT: *u = r->resident; return r->have_resident;
	case OV_HOLDERS:
		*u = r->nholders;
		return s->scanned && !r->holders_unknown && !objlist_kind_ipc(r->kind);
	case OV_WAITERS: *u = r->nwaits; return s->scanned;
	case OV_ORPHAN: *u = r->orphan; return orphan_known(s, r);
	}
	return false;
}

/* The id label of a row: the shmid of a SysV segment, else the inode. */
static uint64_t object_id(const struct objlist_row *r)
{
	return r->kind == OBJLIST_SYSV ? (uint64_t)r->shm.st.shmid : r->ino;
}

static const struct objlist_row *clash_rows;

static int clash_cmp(const void *a, const void *b)
{
	const struct objlist_row *x = &clash_rows[*(const size_t *)a],
				 *y = &clash_rows[*(const size_t *)b];
	uint64_t ix = object_id(x), iy = object_id(y);
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (ix != iy)
		return ix < iy ? -1 : 1;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->owner, y->owner);
}

/* Mark in clash[] the shown rows whose labels (kind, name, id, owner) another
 * shown row has too: objects of one name and inode on two devices, as a
 * process in a mount namespace of its own can make beside /dev/shm's.  NULL
 * if out of memory. */
static bool *label_clashes(const struct objlist *s, const struct objlist_table_output *o)
{
	bool *clash = calloc(s->n ? s->n : 1, sizeof *clash);
	size_t *ix = calloc(s->n ? s->n : 1, sizeof *ix), n = 0;
	if (!clash || !ix) {
		free(clash);
		free(ix);
		return NULL;
	}
	for (size_t i = 0; i < s->n; i++)
		if (shown(s, i, o))
			ix[n++] = i;
	clash_rows = s->rows;
	qsort(ix, n, sizeof *ix, clash_cmp);
	for (size_t i = 1; i < n; i++)
		if (clash_cmp(&ix[i - 1], &ix[i]) == 0)
			clash[ix[i - 1]] = clash[ix[i]] = true;
	free(ix);
	return clash;
}

/* The per-object families, for every kind: labelled kind, name (empty for
 * SysV), id (the shmid of a SysV segment, the inode of any other object,
 * which keeps two memfd objects of one name apart; "INODE@MAJ:MIN" with its
 * device where two objects would have the same labels, so that no sample
 * is there twice) and owner. */
static void prom_objects(FILE *out, const struct objlist *s, const struct objlist_table_output *o)
{
	bool *clash = label_clashes(s, o);
	for (size_t f = 0; f < sizeof object_families / sizeof object_families[0]; f++) {
		bool any = false;
		for (size_t i = 0; i < s->n; i++) {
			const struct objlist_row *r = &s->rows[i];
			uint64_t u;
			if (!shown(s, i, o) || !object_value(s, r, object_families[f].v, &u))
				continue;
			if (!any)
				prom_header(out, object_families[f].name, "gauge",
					    object_families[f].help);
			any = true;
			char name[3 * OBJLIST_NAME_MAX], owner[3 * sizeof r->owner], id[64];
			int at = snprintf(id, sizeof id, "%" PRIu64, object_id(r));
			if (!clash || clash[i])
				snprintf(id + at, sizeof id - (size_t)at, "@%u:%u",
					 major((dev_t)r->dev), minor((dev_t)r->dev));
			fprintf(out,
				"%s{kind=\"%s\",name=\"%s\",id=\"%s\",owner=\"%s\"} %" PRIu64 "\n",
				object_families[f].name, objlist_kind_name(r->kind),
				prom_escape_label(r->name, name, sizeof name), id,
				prom_escape_label(r->owner, owner, sizeof owner), u);
		}
	}
	free(clash);
}

/* A family of one sample per kind. */
static void prom_per_kind(FILE *out, const struct objlist *s, const char *name, const char *help,
			  int what)
{
	prom_header(out, name, "gauge", help);
	for (int k = 0; k < OBJLIST_NKINDS; k++) {
		const struct objlist_totals *t = &s->kinds[k];
		uint64_t v = what == 0 ? t->objects : what == 1 ? t->bytes : t->resident;
		fprintf(out, "%s{kind=\"%s\"} %" PRIu64 "\n", name,
			objlist_kind_name((enum objlist_kind)k), v);
	}
}

static void prom_gauge(FILE *out, const char *name, const char *help, const char *value)
{
	prom_header(out, name, "gauge", help);
	fprintf(out, "%s %s\n", name, value);
}

int objlist_table_prom(FILE *out, const struct objlist *s, const struct objlist_table_output *o)
{
	static const struct objlist_table_output all = { .format = OBJLIST_TABLE_PROM };
	if (!o)
		o = &all;
	struct prom_segment *ps = malloc((s->n ? s->n : 1) * sizeof *ps);
	if (!ps)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct objlist_row *r = &s->rows[i];
		if (r->kind != OBJLIST_SYSV || !shown(s, i, o))
			continue;
		ps[n++] = (struct prom_segment){ &r->shm, r->owner, r->is_record ? &r->snap : NULL,
						 r->writer_alive };
	}
	struct prom_input in = { ps, n, o->segment ? NULL : &s->res.totals, &s->limits,
				 s->page_size };
	int rc = prom_write(out, &in);
	free(ps);
	prom_objects(out, s, o);
	if (o->segment)
		return rc || ferror(out) ? -1 : 0;
	prom_per_kind(out, s, "shmtop_objects", "Shared memory objects on the host, by kind.", 0);
	prom_per_kind(out, s, "shmtop_objects_bytes", "Sum of the sizes of the objects, by kind.",
		      1);
	prom_per_kind(out, s, "shmtop_objects_resident_bytes",
		      "Bytes of the objects resident in memory, by kind.", 2);
	char v[32];
	snprintf(v, sizeof v, "%zu", s->orphans.objects);
	prom_gauge(out, "shmtop_orphans", "Objects that nothing holds (leaks).", v);
	snprintf(v, sizeof v, "%" PRIu64, s->orphans.bytes);
	prom_gauge(out, "shmtop_orphans_bytes", "Sum of the sizes of the orphans.", v);
	if (s->have_devshm) {
		snprintf(v, sizeof v, "%" PRIu64, s->devshm_size);
		prom_gauge(out, "shmtop_devshm_size_bytes", "Size of the /dev/shm file system.", v);
		snprintf(v, sizeof v, "%" PRIu64, s->devshm_used);
		prom_gauge(out, "shmtop_devshm_used_bytes", "Bytes in use in /dev/shm.", v);
	}
	if (s->scanned) {
		snprintf(v, sizeof v, "%" PRId64 ".%03" PRId64, s->scan_ns / NS_PER_SEC,
			 s->scan_ns % NS_PER_SEC / NS_PER_MS);
		prom_gauge(out, "shmtop_scan_timestamp_seconds",
			   "Unix time of the last scan of /proc for holders.", v);
		snprintf(v, sizeof v, "%zu", s->blocked);
		prom_gauge(out, "shmtop_blocked_processes",
			   "Processes blocked on an IPC object of the host, as the list's "
			   "heading counts them.",
			   v);
	}
	return rc || ferror(out) ? -1 : 0;
}

/* With --values: the named counters of the version 3 records among the
 * SysV rows shown (prom.h), after the exposition's other families. */
static int prom_values(FILE *out, struct objlist *s, const struct objlist_table_output *o)
{
	const struct sysvipc_shm **rows = calloc(s->n ? s->n : 1, sizeof *rows);
	if (!rows)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == OBJLIST_SYSV && shown(s, i, o))
			rows[n++] = &s->rows[i].shm;
	int rc = prom_read_counters(out, rows, n, &s->budget);
	free(rows);
	return rc;
}

int objlist_table_batch(FILE *out, const struct objlist_table_output *o, unsigned flags)
{
	struct objlist s;
	memset(&s, 0, sizeof s);
	if (o->last) { /* the scan carries each waiter's since from the last one */
		s.wseen = o->last->wseen;
		s.nwseen = o->last->nwseen;
		o->last->wseen = NULL;
		o->last->nwseen = 0;
	}
	/* The holders first (the slow part, once an iteration): collect joins
	 * them, and knows the POSIX orphans by them. */
	if (objlist_scan(&s)) {
		objlist_free(&s);
		return -1;
	}
	s.files_path = o->path;
	/* the first bytes of the objects only when a FORMAT is written */
	int cols[OBJLIST_TABLE_MAX_COLUMNS];
	char why[160];
	int ncols = o->format == OBJLIST_TABLE_PROM
			? 0
			: objlist_table_columns(o->columns, o->format, cols,
						OBJLIST_TABLE_MAX_COLUMNS, why, sizeof why);
	for (int i = 0; i < ncols; i++)
		if (cols[i] == OBJLIST_COL_FORMAT) {
			flags |= OBJLIST_FORMATS;
			s.format_of = decode_format_of;
		}
	/* One collect, its rows grown as it goes: a second would redo every
	 * row's work (the orphan rule's calls, the formats' reads). */
	s.grow = true;
	s.max = 256 + s.nseen;
	s.rows = calloc(s.max, sizeof *s.rows);
	if (s.rows && objlist_collect(&s, flags) == 0 && !s.truncated) {
		size_t nshown = 0;
		for (size_t i = 0; i < s.n; i++)
			nshown += shown(&s, i, o);
		objlist_sort(&s, o->sort, o->reverse);
		int rc = o->format == OBJLIST_TABLE_PROM ? objlist_table_prom(out, &s, o)
							 : objlist_table_write(out, &s, o);
		if (rc == 0 && o->format == OBJLIST_TABLE_PROM && (flags & OBJLIST_RECORDS))
			rc = prom_values(out, &s, o);
		int e = errno;
		free(s.rows);
		if (o->last) {
			o->last->wseen = s.wseen;
			o->last->nwseen = s.nwseen;
			s.wseen = NULL;
			s.nwseen = 0;
		}
		objlist_free(&s);
		errno = e;
		return rc < 0 ? rc : (int)(nshown < INT_MAX ? nshown : INT_MAX);
	}
	if (s.rows && s.truncated)
		errno = ENOMEM;
	int e = errno;
	free(s.rows);
	objlist_free(&s);
	errno = e;
	return -1;
}
