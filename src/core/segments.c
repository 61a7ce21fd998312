/* SPDX-License-Identifier: MIT */
/*
 * The all-segments snapshot and its three batch formats.  Collecting reads
 * /proc/sysvipc/shm, then per segment the owner's name (cached), the
 * creator's command (only if CPID still names the process that created the
 * segment: one started after the segment's ctime is a reused pid) and, for
 * segments of a shmwriter record's size, the record itself.
 */
#include "shmtop/segments.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "shmtop/clock.h"
#include "shmtop/format.h"
#include "shmtop/proc.h"
#include "shmtop/prom.h"

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
static void read_record(struct segments_row *r)
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

static void owner_name(struct segments_names *c, uid_t uid, char *buf, size_t len)
{
	for (unsigned i = 0; i < c->n && i < 16; i++)
		if (c->uid[i] == uid) {
			snprintf(buf, len, "%s", c->name[i]);
			return;
		}
	format_user(uid, buf, len);
	unsigned slot = c->n++ % 16;
	c->uid[slot] = uid;
	snprintf(c->name[slot], sizeof c->name[slot], "%s", buf);
}

int segments_collect(struct segments_snapshot *s, const char *proc_path, unsigned flags)
{
	s->n = 0;
	s->wall_ns = clock_wall_ns();
	s->sort = SYSVIPC_SORT_SHMID;
	s->reverse = false;
	long ps = sysconf(_SC_PAGESIZE);
	s->page_size = ps > 0 ? (uint64_t)ps : 4096;
	if (flags & SEGMENTS_LIMITS)
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
		struct segments_row *r = &s->rows[i];
		memset(r, 0, sizeof *r);
		r->shm = tmp[i];
		if (flags & SEGMENTS_NAMES)
			owner_name(&s->names, r->shm.st.uid, r->owner, sizeof r->owner);
		else
			snprintf(r->owner, sizeof r->owner, "%u", (unsigned)r->shm.st.uid);
		if (flags & SEGMENTS_RECORDS)
			read_record(r);
	}
	s->n = s->res.n;
	free(tmp);
	if (flags & SEGMENTS_COMMAND)
		segments_commands(s, 0, s->n);
	return 0;
}

void segments_commands(struct segments_snapshot *s, size_t from, size_t to)
{
	int64_t btime = INT64_MIN; /* read once, and only if a row needs it */
	for (size_t i = from; i < to && i < s->n; i++) {
		struct segments_row *r = &s->rows[i];
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
	const struct segments_row *a = pa, *b = pb;
	const struct segments_snapshot *s = arg;
	int c = sysvipc_compare(&a->shm, &b->shm, s->sort, s->reverse);
	return c ? c : (a->shm.order > b->shm.order) - (a->shm.order < b->shm.order);
}

void segments_sort(struct segments_snapshot *s, enum sysvipc_sort by, bool reverse)
{
	s->sort = by;
	s->reverse = reverse;
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].shm.order = (unsigned)i;
	if (s->n > 1)
		qsort_r(s->rows, s->n, sizeof *s->rows, compare_rows, s);
}

/* A time as lsipc's short format: today "HH:MM", this year "Mon DD"
 * ("Nov27"), else "YYYY-Mon"; "-" for not set. */
char *segments_short_time(int64_t t, int64_t now_ns, char *buf, size_t len)
{
	time_t tt = (time_t)t, now = (time_t)(now_ns / NS_PER_SEC);
	struct tm tm, tn;
	if (t == 0 || !localtime_r(&tt, &tm) || !localtime_r(&now, &tn)) {
		snprintf(buf, len, "-");
		return buf;
	}
	size_t n;
	if (tm.tm_year != tn.tm_year)
		n = strftime(buf, len, "%Y-%b", &tm);
	else if (tm.tm_yday != tn.tm_yday)
		n = strftime(buf, len, "%b%d", &tm);
	else
		n = strftime(buf, len, "%H:%M", &tm);
	if (n == 0)
		snprintf(buf, len, "-");
	return buf;
}

void segments_text(FILE *out, const struct segments_snapshot *s)
{
	char a[48], b[48], c[32];
	time_t now = (time_t)(s->wall_ns / NS_PER_SEC);
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(a, sizeof a, "?");
	const struct sysvipc_totals *t = &s->res.totals;
	fprintf(out, "shmtop - all segments - %s\n", a);
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
	        "\nTotal %s in %zu segments, %" PRIu64 " attaches, %zu dest, %zu locked; "
	        "rss %s, swap %s\n",
	        format_size(t->bytes, a, sizeof a), t->segments, t->nattch, t->dest, t->locked,
	        format_size(t->rss, b, sizeof b), format_size(t->swap, c, sizeof c));
	fprintf(out, "Sorted by %s%s", sysvipc_sort_name(s->sort), s->reverse ? ", reversed" : "");
	if (s->res.truncated)
		fprintf(out, "; showing %zu of %zu", s->n, s->res.total);
	fprintf(out, "\n\n%-10s %-10s %-10s %-9s %7s %6s %-11s %7s %7s %-8s %s\n", "KEY", "SHMID",
	        "OWNER", "PERMS", "SIZE", "NATTCH", "STATUS", "CPID", "LPID", "CTIME", "COMMAND");
	for (size_t i = 0; i < s->n; i++) {
		const struct segments_row *r = &s->rows[i];
		const struct ipcstat *st = &r->shm.st;
		char key[16], perms[16], size[16], status[16], ct[16];
		fprintf(out, "%-10s %-10d %-10s %-9s %7s %6" PRIu64 " %-11s %7d %7d %-8s %s\n",
		        format_key(st->key, key, sizeof key), st->shmid, r->owner,
		        format_perms(st->mode, perms, sizeof perms),
		        format_size(st->size, size, sizeof size), st->nattch,
		        format_status(st->dest, st->locked, status, sizeof status), (int)st->cpid,
		        (int)st->lpid, segments_short_time(st->ctime, s->wall_ns, ct, sizeof ct),
		        r->command);
	}
	fprintf(out, "\n");
}

/* A JSON string, or null for NULL or "". */
static void json_str(FILE *out, const char *s)
{
	if (!s || !*s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			putc(*p, out);
	}
	putc('"', out);
}

void segments_json(FILE *out, const struct segments_snapshot *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct segments_row *r = &s->rows[i];
		const struct ipcstat *st = &r->shm.st;
		char a[48];
		fprintf(out, "{\"time\":%" PRId64 ",\"key\":\"%s\",\"shmid\":%d,\"size\":%" PRIu64,
		        s->wall_ns / NS_PER_SEC, format_key(st->key, a, sizeof a), st->shmid,
		        st->size);
		fprintf(out, ",\"perms\":\"%s\"", format_perms(st->mode, a, sizeof a));
		fprintf(out, ",\"mode\":\"%s\",\"owner\":", format_octal(st->mode, a, sizeof a));
		json_str(out, r->owner);
		fprintf(out,
		        ",\"uid\":%u,\"gid\":%u,\"cuid\":%u,\"cgid\":%u,\"nattch\":%" PRIu64
		        ",\"status\":",
		        (unsigned)st->uid, (unsigned)st->gid, (unsigned)st->cuid,
		        (unsigned)st->cgid, st->nattch);
		json_str(out, st->dest || st->locked
		                  ? format_status(st->dest, st->locked, a, sizeof a)
		                  : NULL);
		fprintf(out,
		        ",\"cpid\":%d,\"lpid\":%d,\"atime\":%" PRId64 ",\"dtime\":%" PRId64
		        ",\"ctime\":%" PRId64,
		        (int)st->cpid, (int)st->lpid, st->atime, st->dtime, st->ctime);
		if (r->shm.have_mem)
			fprintf(out, ",\"rss\":%" PRIu64 ",\"swap\":%" PRIu64, r->shm.rss,
			        r->shm.swap);
		else
			fputs(",\"rss\":null,\"swap\":null", out);
		fputs(",\"command\":", out);
		json_str(out, r->command);
		if (r->is_record)
			fprintf(out,
			        ",\"count\":%" PRIu64 ",\"state\":\"%s\",\"resets\":%" PRIu64
			        ",\"writer_pid\":%d,\"writer_alive\":%s}\n",
			        r->snap.count, record_state_name(r->snap.state), r->snap.resets,
			        (int)r->snap.writer_pid, r->writer_alive ? "true" : "false");
		else
			fputs(",\"count\":null,\"state\":null,\"resets\":null,\"writer_pid\":null,"
			      "\"writer_alive\":null}\n",
			      out);
	}
}

int segments_prom(FILE *out, const struct segments_snapshot *s)
{
	struct prom_segment *ps = malloc((s->n ? s->n : 1) * sizeof *ps);
	if (!ps)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct segments_row *r = &s->rows[i];
		ps[i] = (struct prom_segment){&r->shm, r->owner, r->is_record ? &r->snap : NULL,
		                              r->writer_alive};
	}
	struct prom_input in = {ps, s->n, &s->res.totals, &s->limits, s->page_size};
	int rc = prom_write(out, &in);
	free(ps);
	return rc;
}

int segments_batch(FILE *out, enum segments_format fmt, enum sysvipc_sort by, bool reverse,
                   unsigned flags)
{
	struct segments_snapshot s;
	memset(&s, 0, sizeof s);
	s.max = 256;
	for (;;) {
		s.rows = calloc(s.max, sizeof *s.rows);
		if (!s.rows)
			return -1;
		if (segments_collect(&s, NULL, flags)) {
			int e = errno;
			free(s.rows);
			errno = e;
			return -1;
		}
		if (!s.res.truncated)
			break;
		size_t want = s.res.total + s.res.total / 4 + 16;
		free(s.rows);
		s.max = want;
	}
	segments_sort(&s, by, reverse);
	int rc = 0;
	switch (fmt) {
	case SEGMENTS_TEXT: segments_text(out, &s); break;
	case SEGMENTS_JSON: segments_json(out, &s); break;
	case SEGMENTS_PROM: rc = segments_prom(out, &s); break;
	}
	free(s.rows);
	if (fflush(out) || ferror(out))
		rc = -1;
	return rc;
}
