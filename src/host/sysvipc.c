/* SPDX-License-Identifier: MIT */
/*
 * /proc/sysvipc/shm as fixed-size rows.  A line is split into at most
 * MAX_TOKENS whitespace-separated tokens; the layout (from the heading, or
 * the kernel's order) says which token holds which column.  Every number is
 * parsed strictly: all digits, in range, or the line is skipped.
 */
#include "sysvipc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TOKENS 64
#define CORE_COLS (SYSVIPC_COL_CTIME + 1)

static const char *const col_names[SYSVIPC_NCOLS] = {
	"key", "shmid", "perms", "size",  "cpid",  "lpid",  "nattch", "uid",
	"gid", "cuid",  "cgid",  "atime", "dtime", "ctime", "rss",    "swap",
};

struct token {
	const char *s;
	size_t len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Split line into tokens; returns how many (at most max). */
static unsigned tokenize(const char *line, struct token *tok, unsigned max)
{
	unsigned n = 0;
	const char *p = line;
	while (*p) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && !is_space(*p))
			p++;
		if (n == max)
			return max + 1; /* too many: still say so */
		tok[n].s = start;
		tok[n].len = (size_t)(p - start);
		n++;
	}
	return n;
}

/* need counts the columns every line must have; rss and swap may be missing. */
static void layout_finish(struct sysvipc_layout *l)
{
	int max = -1;
	for (int c = 0; c < CORE_COLS; c++)
		if (l->at[c] > max)
			max = l->at[c];
	l->need = (unsigned)(max + 1);
}

void sysvipc_layout_default(struct sysvipc_layout *l)
{
	for (int c = 0; c < SYSVIPC_NCOLS; c++)
		l->at[c] = c;
	layout_finish(l);
}

int sysvipc_parse_heading(const char *line, struct sysvipc_layout *l)
{
	struct token tok[MAX_TOKENS];
	unsigned n = tokenize(line, tok, MAX_TOKENS);
	if (n == 0 || n > MAX_TOKENS)
		return -1;
	struct sysvipc_layout h;
	for (int c = 0; c < SYSVIPC_NCOLS; c++)
		h.at[c] = -1;
	for (unsigned i = 0; i < n; i++)
		for (int c = 0; c < SYSVIPC_NCOLS; c++)
			if (strlen(col_names[c]) == tok[i].len &&
			    memcmp(col_names[c], tok[i].s, tok[i].len) == 0 && h.at[c] < 0)
				h.at[c] = (int)i;
	for (int c = 0; c < CORE_COLS; c++)
		if (h.at[c] < 0)
			return -1;
	layout_finish(&h);
	*l = h;
	return 0;
}

/* Strict unsigned decimal (or octal) of a whole token, at most max. */
static int parse_u(const struct token *t, unsigned base, uint64_t max, uint64_t *out)
{
	if (t->len == 0 || t->len > 24)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < t->len; i++) {
		unsigned d = (unsigned)(t->s[i] - '0');
		if (d >= base)
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* The key: signed decimal as the kernel prints it; an unsigned form up to
 * 0xffffffff is taken too. */
static int parse_key(const struct token *t, key_t *out)
{
	uint64_t v;
	if (t->len > 1 && t->s[0] == '-') {
		struct token rest = { t->s + 1, t->len - 1 };
		if (parse_u(&rest, 10, UINT64_C(0x80000000), &v))
			return -1;
		*out = (key_t)(int32_t)(uint32_t)(UINT64_C(0x100000000) - v);
		return 0;
	}
	if (parse_u(t, 10, UINT32_MAX, &v))
		return -1;
	*out = (key_t)(int32_t)(uint32_t)v;
	return 0;
}

int sysvipc_parse_line(const char *line, const struct sysvipc_layout *l, struct sysvipc_shm *out)
{
	struct token tok[MAX_TOKENS];
	unsigned n = tokenize(line, tok, MAX_TOKENS);
	if (n > MAX_TOKENS)
		n = MAX_TOKENS; /* a long line: the columns we know are still in place */
	if (n < l->need)
		return -1;
	for (int c = 0; c < CORE_COLS; c++)
		if (l->at[c] < 0)
			return -1;
	uint64_t v[SYSVIPC_NCOLS] = { 0 };
	static const struct {
		unsigned base;
		uint64_t max;
	} spec[SYSVIPC_NCOLS] = {
		[SYSVIPC_COL_KEY] = { 10, 0 }, /* by parse_key */
		[SYSVIPC_COL_SHMID] = { 10, INT32_MAX }, [SYSVIPC_COL_PERMS] = { 8, 0177777 },
		[SYSVIPC_COL_SIZE] = { 10, UINT64_MAX }, [SYSVIPC_COL_CPID] = { 10, INT32_MAX },
		[SYSVIPC_COL_LPID] = { 10, INT32_MAX },  [SYSVIPC_COL_NATTCH] = { 10, UINT64_MAX },
		[SYSVIPC_COL_UID] = { 10, UINT32_MAX },  [SYSVIPC_COL_GID] = { 10, UINT32_MAX },
		[SYSVIPC_COL_CUID] = { 10, UINT32_MAX }, [SYSVIPC_COL_CGID] = { 10, UINT32_MAX },
		[SYSVIPC_COL_ATIME] = { 10, INT64_MAX }, [SYSVIPC_COL_DTIME] = { 10, INT64_MAX },
		[SYSVIPC_COL_CTIME] = { 10, INT64_MAX }, [SYSVIPC_COL_RSS] = { 10, UINT64_MAX },
		[SYSVIPC_COL_SWAP] = { 10, UINT64_MAX },
	};
	key_t key;
	if (parse_key(&tok[l->at[SYSVIPC_COL_KEY]], &key))
		return -1;
	bool mem = true;
	for (int c = SYSVIPC_COL_SHMID; c < SYSVIPC_NCOLS; c++) {
		if (l->at[c] < 0 || (unsigned)l->at[c] >= n) {
			mem = false; /* only rss and swap can be missing: need covers the rest */
			continue;
		}
		if (parse_u(&tok[l->at[c]], spec[c].base, spec[c].max, &v[c]))
			return -1;
	}
	memset(out, 0, sizeof *out);
	struct ipcstat *st = &out->st;
	st->key = key;
	st->shmid = (int)v[SYSVIPC_COL_SHMID];
	out->perms = (unsigned)v[SYSVIPC_COL_PERMS];
	st->mode = out->perms & 0777u;
	st->dest = (out->perms & SHM_DEST) != 0;
	st->locked = (out->perms & SHM_LOCKED) != 0;
	st->size = v[SYSVIPC_COL_SIZE];
	st->cpid = (pid_t)v[SYSVIPC_COL_CPID];
	st->lpid = (pid_t)v[SYSVIPC_COL_LPID];
	st->nattch = v[SYSVIPC_COL_NATTCH];
	st->uid = (uid_t)v[SYSVIPC_COL_UID];
	st->gid = (gid_t)v[SYSVIPC_COL_GID];
	st->cuid = (uid_t)v[SYSVIPC_COL_CUID];
	st->cgid = (gid_t)v[SYSVIPC_COL_CGID];
	st->atime = (int64_t)v[SYSVIPC_COL_ATIME];
	st->dtime = (int64_t)v[SYSVIPC_COL_DTIME];
	st->ctime = (int64_t)v[SYSVIPC_COL_CTIME];
	out->rss = v[SYSVIPC_COL_RSS];
	out->swap = v[SYSVIPC_COL_SWAP];
	out->have_mem = mem;
	return 0;
}

static void totals_add(struct sysvipc_totals *t, const struct sysvipc_shm *r)
{
	t->segments++;
	sysvipc_sum(&t->bytes, r->st.size, &t->saturated);
	sysvipc_sum(&t->rss, r->rss, &t->saturated);
	sysvipc_sum(&t->swap, r->swap, &t->saturated);
	sysvipc_sum(&t->nattch, r->st.nattch, &t->saturated);
	t->attached += r->st.nattch > 0;
	t->dest += r->st.dest;
	t->locked += r->st.locked;
	if (r->st.size > t->largest)
		t->largest = r->st.size;
}

void sysvipc_totals(const struct sysvipc_shm *rows, size_t n, struct sysvipc_totals *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < n; i++)
		totals_add(t, &rows[i]);
}

/* The parse of one file, line by line. */
struct parser {
	struct sysvipc_layout layout;
	bool first; /* no non-blank line seen yet */
	struct sysvipc_shm *rows;
	size_t max;
	struct sysvipc_result *res;
};

static void parser_init(struct parser *p, struct sysvipc_shm *rows, size_t max,
			struct sysvipc_result *res)
{
	sysvipc_layout_default(&p->layout);
	p->first = true;
	p->rows = rows;
	p->max = max;
	p->res = res;
	memset(res, 0, sizeof *res);
}

/* One complete line (without its newline, or too long: bad). */
static void parser_line(struct parser *p, const char *line, bool bad)
{
	const char *s = line;
	while (is_space(*s))
		s++;
	if (!bad && !*s)
		return; /* blank lines are nothing */
	if (p->first && !bad) {
		p->first = false;
		if (sysvipc_parse_heading(line, &p->layout) == 0) {
			p->res->heading = true;
			return;
		}
	}
	p->first = false;
	struct sysvipc_shm row;
	if (bad || sysvipc_parse_line(line, &p->layout, &row)) {
		p->res->skipped++;
		return;
	}
	struct sysvipc_result *r = p->res;
	totals_add(&r->totals, &row);
	if (r->n < p->max) {
		row.order = (unsigned)r->n;
		p->rows[r->n++] = row;
	} else {
		r->truncated = true;
	}
	r->total++;
	r->have_mem = r->have_mem || row.have_mem;
}

size_t sysvipc_parse(const char *text, size_t len, struct sysvipc_shm *rows, size_t max,
		     struct sysvipc_result *res)
{
	struct parser p;
	parser_init(&p, rows, max, res);
	char line[SYSVIPC_LINE_MAX];
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - i;
		bool bad = n >= sizeof line || memchr(text + i, '\0', n) != NULL;
		if (!bad) {
			memcpy(line, text + i, n);
			line[n] = '\0';
		} else {
			line[0] = '\0';
		}
		parser_line(&p, line, bad);
		i = end + 1;
	}
	return res->n;
}

int sysvipc_read(const char *path, struct sysvipc_shm *rows, size_t max, struct sysvipc_result *res)
{
	FILE *f = fopen(path ? path : SYSVIPC_SHM_PATH, "re");
	struct parser p;
	parser_init(&p, rows, max, res);
	if (!f)
		return -1;
	char line[SYSVIPC_LINE_MAX];
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		bool bad = false;
		if (n && line[n - 1] == '\n') {
			line[n - 1] = '\0';
		} else if (!feof(f)) {
			/* too long: drop the rest of it */
			bad = true;
			int c;
			while ((c = getc(f)) != EOF && c != '\n')
				;
		}
		parser_line(&p, line, bad);
	}
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int sysvipc_find(const char *path, int shmid, struct sysvipc_shm *out)
{
	FILE *f = fopen(path ? path : SYSVIPC_SHM_PATH, "re");
	if (!f)
		return -1;
	struct sysvipc_layout l;
	sysvipc_layout_default(&l);
	char line[SYSVIPC_LINE_MAX];
	bool first = true;
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		if (first && sysvipc_parse_heading(line, &l) == 0) {
			first = false;
			continue;
		}
		first = false;
		if (sysvipc_parse_line(line, &l, out) == 0 && out->st.shmid == shmid)
			found = 1;
	}
	fclose(f);
	return found;
}

/* Sorting: a comparison on the key, then the rows' order before the sort,
 * so qsort() is stable. */
struct sort_how {
	enum sysvipc_sort by;
	bool reverse;
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

int sysvipc_compare(const struct sysvipc_shm *a, const struct sysvipc_shm *b, enum sysvipc_sort by,
		    bool reverse)
{
	int c = 0;
	switch (by) {
	case SYSVIPC_SORT_SIZE: c = cmp_u64(a->st.size, b->st.size); break;
	case SYSVIPC_SORT_NATTCH: c = cmp_u64(a->st.nattch, b->st.nattch); break;
	case SYSVIPC_SORT_AGE: c = cmp_i64(b->st.ctime, a->st.ctime); break;
	case SYSVIPC_SORT_OWNER: c = cmp_u64(a->st.uid, b->st.uid); break;
	case SYSVIPC_SORT_KEY: c = cmp_u64((uint32_t)a->st.key, (uint32_t)b->st.key); break;
	case SYSVIPC_SORT_SHMID: c = cmp_i64(a->st.shmid, b->st.shmid); break;
	case SYSVIPC_SORT_RSS: c = cmp_u64(a->rss, b->rss); break;
	case SYSVIPC_SORT_PERMS: c = cmp_u64(a->st.mode, b->st.mode); break;
	case SYSVIPC_SORT_CUID: c = cmp_u64(a->st.cuid, b->st.cuid); break;
	case SYSVIPC_SORT_CGID: c = cmp_u64(a->st.cgid, b->st.cgid); break;
	case SYSVIPC_SORT_GID: c = cmp_u64(a->st.gid, b->st.gid); break;
	case SYSVIPC_SORT_STATUS:
		c = cmp_u64(a->st.dest * 2u + a->st.locked, b->st.dest * 2u + b->st.locked);
		break;
	case SYSVIPC_SORT_ATTACH: c = cmp_i64(a->st.atime, b->st.atime); break;
	case SYSVIPC_SORT_DETACH: c = cmp_i64(a->st.dtime, b->st.dtime); break;
	case SYSVIPC_SORT_CPID: c = cmp_i64(a->st.cpid, b->st.cpid); break;
	case SYSVIPC_SORT_LPID: c = cmp_i64(a->st.lpid, b->st.lpid); break;
	case SYSVIPC_SORT_SWAP: c = cmp_u64(a->swap, b->swap); break;
	default: break; /* the object list's own keys */
	}
	return reverse ? -c : c;
}

static int compare_rows(const void *pa, const void *pb, void *arg)
{
	const struct sysvipc_shm *a = pa, *b = pb;
	const struct sort_how *how = arg;
	int c = sysvipc_compare(a, b, how->by, how->reverse);
	return c ? c : cmp_u64(a->order, b->order);
}

void sysvipc_sort(struct sysvipc_shm *rows, size_t n, enum sysvipc_sort by, bool reverse)
{
	for (size_t i = 0; i < n; i++)
		rows[i].order = (unsigned)i;
	struct sort_how how = { by, reverse };
	if (n > 1)
		qsort_r(rows, n, sizeof *rows, compare_rows, &how);
}

static const char *const sort_names[SYSVIPC_NSORTS] = {
	"size",  "nattch",  "age",        "owner",        "key",     "shmid",  "rss",   "perms",
	"cuid",  "cgid",    "gid",        "status",       "attach",  "detach", "cpid",  "lpid",
	"swap",  "command", "kind",       "name",         "holders", "orphan", "ipcns", "count",
	"state", "resets",  "writer_pid", "writer_alive", "format",
};

const char *sysvipc_sort_name(enum sysvipc_sort by)
{
	return (unsigned)by < SYSVIPC_NSORTS ? sort_names[by] : "?";
}

int sysvipc_sort_parse(const char *name, enum sysvipc_sort *by)
{
	for (unsigned i = 0; i < SYSVIPC_NSORTS; i++)
		if (strcmp(name, sort_names[i]) == 0) {
			*by = (enum sysvipc_sort)i;
			return 0;
		}
	return -1;
}

int sysvipc_parse_limit(const char *text, uint64_t *out)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	const char *start = p;
	while (*p >= '0' && *p <= '9')
		p++;
	struct token t = { start, (size_t)(p - start) };
	while (is_space(*p))
		p++;
	if (*p)
		return -1;
	return parse_u(&t, 10, UINT64_MAX, out);
}

static int read_limit(const char *dir, const char *name, uint64_t *out)
{
	char path[512], buf[64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return sysvipc_parse_limit(buf, out);
}

int sysvipc_read_limits(const char *dir, struct sysvipc_limits *l)
{
	if (!dir)
		dir = SYSVIPC_LIMITS_DIR;
	memset(l, 0, sizeof *l);
	l->have_shmmni = read_limit(dir, "shmmni", &l->shmmni) == 0;
	l->have_shmall = read_limit(dir, "shmall", &l->shmall) == 0;
	l->have_shmmax = read_limit(dir, "shmmax", &l->shmmax) == 0;
	return l->have_shmmni && l->have_shmall && l->have_shmmax ? 0 : -1;
}

static double pct(uint64_t used, uint64_t limit)
{
	return limit ? (double)used / (double)limit * 100.0 : 0.0;
}

void sysvipc_limit_rows(const struct sysvipc_totals *t, const struct sysvipc_limits *l,
			uint64_t page_size, struct sysvipc_limit_row rows[SYSVIPC_NLIMITS])
{
	uint64_t pages = page_size ? t->bytes / page_size : 0;
	rows[SYSVIPC_SHMMNI] = (struct sysvipc_limit_row){
		"SHMMNI",    "Shared memory segments",    l->have_shmmni, l->shmmni, true,
		t->segments, pct(t->segments, l->shmmni),
	};
	rows[SYSVIPC_SHMALL] = (struct sysvipc_limit_row){
		"SHMALL", "Shared memory pages", l->have_shmall, l->shmall, true,
		pages,    pct(pages, l->shmall),
	};
	rows[SYSVIPC_SHMMAX] = (struct sysvipc_limit_row){
		"SHMMAX",
		"Max size of shared memory segment (bytes)",
		l->have_shmmax,
		l->shmmax,
		false,
		0,
		0.0,
	};
}

char *sysvipc_format_pct(double p, char *buf, size_t len)
{
	snprintf(buf, len, "%2.2f%%", p);
	return buf;
}
