/* SPDX-License-Identifier: MIT */
/*
 * The list of every segment in its three batch formats: a plain-text table
 * and JSON with lsipc's columns (libsmartcols, lsipc's own library), and
 * Prometheus text.  They only format an inventory (inventory.h), so they
 * are tested on made-up ones.
 */
#include "segtable.h"

#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "format.h"
#include "json.h"
#include "names.h"
#include "prom.h"

/* The list's columns: lsipc's shared-memory columns with its names, in its
 * order, then shmtop's own. */
enum column {
	C_KEY,
	C_ID,
	C_OWNER,
	C_PERMS,
	C_CUID,
	C_CUSER,
	C_CGID,
	C_CGROUP,
	C_UID,
	C_USER,
	C_GID,
	C_GROUP,
	C_CTIME,
	C_SIZE,
	C_NATTCH,
	C_STATUS,
	C_ATTACH,
	C_DETACH,
	C_COMMAND,
	C_CPID,
	C_LPID,
	C_MODE,
	C_RSS,
	C_SWAP,
	C_COUNT,
	C_STATE,
	C_RESETS,
	C_WRITER_PID,
	C_WRITER_ALIVE,
	C_COUNT_OF_COLUMNS
};

static const struct {
	const char *name;
	double whint; /* libsmartcols' width hint */
	int flags;    /* SCOLS_FL_* */
	int json;     /* SCOLS_JSON_* */
} columns[C_COUNT_OF_COLUMNS] = {
	[C_KEY] = { "KEY", 1, 0, SCOLS_JSON_STRING },
	[C_ID] = { "ID", 1, 0, SCOLS_JSON_NUMBER },
	[C_OWNER] = { "OWNER", 1, SCOLS_FL_RIGHT, SCOLS_JSON_STRING },
	[C_PERMS] = { "PERMS", 9, SCOLS_FL_RIGHT, SCOLS_JSON_STRING },
	[C_CUID] = { "CUID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_CUSER] = { "CUSER", 1, 0, SCOLS_JSON_STRING },
	[C_CGID] = { "CGID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_CGROUP] = { "CGROUP", 1, 0, SCOLS_JSON_STRING },
	[C_UID] = { "UID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_USER] = { "USER", 1, 0, SCOLS_JSON_STRING },
	[C_GID] = { "GID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_GROUP] = { "GROUP", 1, 0, SCOLS_JSON_STRING },
	[C_CTIME] = { "CTIME", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_SIZE] = { "SIZE", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_NATTCH] = { "NATTCH", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_STATUS] = { "STATUS", 1, 0, SCOLS_JSON_STRING },
	[C_ATTACH] = { "ATTACH", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_DETACH] = { "DETACH", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_COMMAND] = { "COMMAND", 0, SCOLS_FL_TRUNC, SCOLS_JSON_STRING },
	[C_CPID] = { "CPID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_LPID] = { "LPID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_MODE] = { "MODE", 1, SCOLS_FL_RIGHT, SCOLS_JSON_STRING },
	[C_RSS] = { "RSS", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_SWAP] = { "SWAP", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_COUNT] = { "COUNT", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_STATE] = { "STATE", 1, 0, SCOLS_JSON_STRING },
	[C_RESETS] = { "RESETS", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_WRITER_PID] = { "WRITER_PID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[C_WRITER_ALIVE] = { "WRITER_ALIVE", 1, 0, SCOLS_JSON_BOOLEAN_OPTIONAL },
};

/* lsipc's default columns for shared memory, in its order. */
static const int text_default[] = { C_KEY,    C_ID,    C_PERMS, C_OWNER, C_SIZE,   C_NATTCH,
				    C_STATUS, C_CTIME, C_CPID,  C_LPID,  C_COMMAND };

const char *segtable_column_name(size_t i)
{
	return i < C_COUNT_OF_COLUMNS ? columns[i].name : NULL;
}

/* The defaults: lsipc's for text, every column for JSON. */
static size_t default_columns(enum segtable_format fmt, int *cols, size_t max)
{
	size_t n = 0;
	if (fmt == SEGTABLE_JSON)
		for (int c = 0; c < C_COUNT_OF_COLUMNS && n < max; c++)
			cols[n++] = c;
	else
		for (size_t i = 0; i < sizeof text_default / sizeof text_default[0] && n < max; i++)
			cols[n++] = text_default[i];
	return n;
}

int segtable_columns(const char *list, enum segtable_format fmt, int *cols, size_t max, char *why,
		     size_t whylen)
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
			for (int c = 0; c < C_COUNT_OF_COLUMNS; c++) {
				if (n >= max)
					goto too_many;
				cols[n++] = c;
			}
		} else {
			int c = 0;
			while (c < C_COUNT_OF_COLUMNS &&
			       !(strlen(columns[c].name) == len &&
				 strncasecmp(p, columns[c].name, len) == 0))
				c++;
			if (c == C_COUNT_OF_COLUMNS) {
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

/* The text of one cell, in buf or a constant; NULL for no value (null in
 * JSON, blank in the table). */
static const char *cell(const struct inventory *s, const struct inventory_row *r, int col,
			const struct segtable_output *o, char *buf, size_t len)
{
	const struct ipcstat *st = &r->shm.st;
	bool json = o->format == SEGTABLE_JSON;
	int64_t t;
	uint64_t bytes;
	switch (col) {
	case C_KEY: return format_key(st->key, buf, len);
	case C_ID: snprintf(buf, len, "%d", st->shmid); return buf;
	case C_OWNER: return r->owner;
	case C_PERMS: return format_perms(st->mode, buf, len);
	case C_CUID: snprintf(buf, len, "%u", (unsigned)st->cuid); return buf;
	case C_CUSER: return names_user(st->cuid, buf, len);
	case C_CGID: snprintf(buf, len, "%u", (unsigned)st->cgid); return buf;
	case C_CGROUP: return names_group(st->cgid, buf, len);
	case C_UID: snprintf(buf, len, "%u", (unsigned)st->uid); return buf;
	case C_USER: return names_user(st->uid, buf, len);
	case C_GID: snprintf(buf, len, "%u", (unsigned)st->gid); return buf;
	case C_GROUP: return names_group(st->gid, buf, len);
	case C_CTIME: t = st->ctime; goto time;
	case C_ATTACH: t = st->atime; goto time;
	case C_DETACH: t = st->dtime; goto time;
	case C_SIZE: bytes = st->size; goto size;
	case C_RSS:
		if (!r->shm.have_mem)
			return NULL;
		bytes = r->shm.rss;
		goto size;
	case C_SWAP:
		if (!r->shm.have_mem)
			return NULL;
		bytes = r->shm.swap;
		goto size;
	case C_NATTCH: snprintf(buf, len, "%" PRIu64, st->nattch); return buf;
	case C_STATUS:
		return st->dest || st->locked ? format_status(st->dest, st->locked, buf, len)
					      : NULL;
	case C_COMMAND: return r->command[0] ? r->command : NULL;
	case C_CPID: snprintf(buf, len, "%d", (int)st->cpid); return buf;
	case C_LPID: snprintf(buf, len, "%d", (int)st->lpid); return buf;
	case C_MODE: return format_octal(st->mode, buf, len);
	default: break;
	}
	if (!r->is_record)
		return NULL;
	switch (col) {
	case C_COUNT: snprintf(buf, len, "%" PRIu64, r->snap.count); return buf;
	case C_STATE: return record_state_name(r->snap.state);
	case C_RESETS: snprintf(buf, len, "%" PRIu64, r->snap.resets); return buf;
	case C_WRITER_PID: snprintf(buf, len, "%d", (int)r->snap.writer_pid); return buf;
	case C_WRITER_ALIVE: return r->writer_alive ? "yes" : "no";
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

/* The summary above the table: totals and limits, as top's. */
static void summary(FILE *out, const struct inventory *s)
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
	fprintf(out, "\n\n");
}

int segtable_write(FILE *out, const struct inventory *s, const struct segtable_output *o)
{
	int cols[SEGTABLE_MAX_COLUMNS];
	char why[160];
	int ncols =
	    segtable_columns(o->columns, o->format, cols, SEGTABLE_MAX_COLUMNS, why, sizeof why);
	if (ncols < 0) {
		errno = EINVAL;
		return -1;
	}
	bool json = o->format == SEGTABLE_JSON;
	struct libscols_table *tb = scols_new_table();
	if (!tb)
		return -1;
	int rc = 0;
	scols_table_set_stream(tb, out);
	scols_table_enable_json(tb, json);
	scols_table_set_name(tb, "sharedmemory");
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	for (int i = 0; i < ncols && !rc; i++) {
		const int c = cols[i];
		struct libscols_column *cl =
		    scols_table_new_column(tb, columns[c].name, columns[c].whint, columns[c].flags);
		if (!cl || scols_column_set_json_type(cl, columns[c].json))
			rc = -1;
	}
	for (size_t i = 0; i < s->n && !rc; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		if (!ln) {
			rc = -1;
			break;
		}
		for (int j = 0; j < ncols && !rc; j++) {
			char buf[64], clean[3 * sizeof s->rows[i].command];
			const char *v = cell(s, &s->rows[i], cols[j], o, buf, sizeof buf);
			if (v && json) /* libsmartcols copies other bytes through */
				v = json_clean(v, clean, sizeof clean);
			if (v && scols_line_set_data(ln, (size_t)j, v))
				rc = -1;
		}
	}
	if (!rc) {
		if (!json && !o->raw && !o->noheadings)
			summary(out, s);
		rc = scols_print_table(tb) ? -1 : 0;
		if (!rc && !json && !o->raw && !o->noheadings)
			fputc('\n', out);
	}
	scols_unref_table(tb);
	if (rc && !errno)
		errno = ENOMEM;
	return rc;
}

int segtable_prom(FILE *out, const struct inventory *s)
{
	struct prom_segment *ps = malloc((s->n ? s->n : 1) * sizeof *ps);
	if (!ps)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct inventory_row *r = &s->rows[i];
		ps[i] = (struct prom_segment){ &r->shm, r->owner, r->is_record ? &r->snap : NULL,
					       r->writer_alive };
	}
	struct prom_input in = { ps, s->n, &s->res.totals, &s->limits, s->page_size };
	int rc = prom_write(out, &in);
	free(ps);
	return rc;
}

int segtable_batch(FILE *out, const struct segtable_output *o, unsigned flags)
{
	struct inventory s;
	memset(&s, 0, sizeof s);
	s.max = 256;
	for (;;) {
		s.rows = calloc(s.max, sizeof *s.rows);
		if (!s.rows)
			return -1;
		if (inventory_collect(&s, flags)) {
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
	inventory_sort(&s, o->sort, o->reverse);
	int rc = o->format == SEGTABLE_PROM ? segtable_prom(out, &s) : segtable_write(out, &s, o);
	free(s.rows);
	return rc;
}
