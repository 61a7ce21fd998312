/* SPDX-License-Identifier: MIT */
/*
 * /proc/sysvipc/shm, sem and msg as fixed-size rows.  A line is split into
 * at most MAX_TOKENS whitespace-separated tokens; the layout (from the
 * heading, or the kernel's order) says which token holds which column.  The
 * three files differ only in their table of columns: one parser reads all.  Every number is
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

/* How a column's number is parsed: base and largest value (the key, in
 * column 0, by parse_key()). */
struct spec {
	unsigned base;
	uint64_t max;
};

/* One of the files: its column names in the kernel's order, and how many
 * of them (the first ncore) every line must have. */
struct table {
	const char *const *names;
	int ncols, ncore;
	const struct spec *spec;
};

static const char *const shm_names[SYSVIPC_NCOLS] = {
	"key", "shmid", "perms", "size",  "cpid",  "lpid",  "nattch", "uid",
	"gid", "cuid",  "cgid",  "atime", "dtime", "ctime", "rss",    "swap",
};

#define U32                                                                                        \
	{                                                                                          \
		10, UINT32_MAX                                                                     \
	}
#define PID                                                                                        \
	{                                                                                          \
		10, INT32_MAX                                                                      \
	}
#define TIME                                                                                       \
	{                                                                                          \
		10, INT64_MAX                                                                      \
	}
#define U64                                                                                        \
	{                                                                                          \
		10, UINT64_MAX                                                                     \
	}
#define PERMS                                                                                      \
	{                                                                                          \
		8, 0177777                                                                         \
	}

static const struct spec shm_spec[SYSVIPC_NCOLS] = {
	[SYSVIPC_COL_KEY] = { 10, 0 }, [SYSVIPC_COL_SHMID] = PID,  [SYSVIPC_COL_PERMS] = PERMS,
	[SYSVIPC_COL_SIZE] = U64,      [SYSVIPC_COL_CPID] = PID,   [SYSVIPC_COL_LPID] = PID,
	[SYSVIPC_COL_NATTCH] = U64,    [SYSVIPC_COL_UID] = U32,    [SYSVIPC_COL_GID] = U32,
	[SYSVIPC_COL_CUID] = U32,      [SYSVIPC_COL_CGID] = U32,   [SYSVIPC_COL_ATIME] = TIME,
	[SYSVIPC_COL_DTIME] = TIME,    [SYSVIPC_COL_CTIME] = TIME, [SYSVIPC_COL_RSS] = U64,
	[SYSVIPC_COL_SWAP] = U64,
};

static const struct table shm_table = { shm_names, SYSVIPC_NCOLS, CORE_COLS, shm_spec };

static const char *const sem_names[SYSVIPC_SEM_NCOLS] = {
	"key", "semid", "perms", "nsems", "uid", "gid", "cuid", "cgid", "otime", "ctime",
};

static const struct spec sem_spec[SYSVIPC_SEM_NCOLS] = {
	{ 10, 0 }, PID, PERMS, U64, U32, U32, U32, U32, TIME, TIME,
};

static const char *const msg_names[SYSVIPC_MSG_NCOLS] = {
	"key", "msqid", "perms", "cbytes", "qnum",  "lspid", "lrpid",
	"uid", "gid",   "cuid",  "cgid",   "stime", "rtime", "ctime",
};

static const struct spec msg_spec[SYSVIPC_MSG_NCOLS] = {
	{ 10, 0 }, PID, PERMS, U64, U64, PID, PID, U32, U32, U32, U32, TIME, TIME, TIME,
};

static const struct table ipc_tables[] = {
	[SYSVIPC_SEM] = { sem_names, SYSVIPC_SEM_NCOLS, SYSVIPC_SEM_NCOLS, sem_spec },
	[SYSVIPC_MSG] = { msg_names, SYSVIPC_MSG_NCOLS, SYSVIPC_MSG_NCOLS, msg_spec },
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

/* need counts the columns every line must have; the optional ones (shm's
 * rss and swap) may be missing. */
static void layout_finish(const struct table *t, struct sysvipc_layout *l)
{
	int max = -1;
	for (int c = 0; c < t->ncore; c++)
		if (l->at[c] > max)
			max = l->at[c];
	l->need = (unsigned)(max + 1);
}

static void layout_default(const struct table *t, struct sysvipc_layout *l)
{
	for (int c = 0; c < SYSVIPC_NCOLS; c++)
		l->at[c] = c < t->ncols ? c : -1;
	layout_finish(t, l);
}

void sysvipc_layout_default(struct sysvipc_layout *l)
{
	layout_default(&shm_table, l);
}

static int parse_heading(const struct table *t, const char *line, struct sysvipc_layout *l)
{
	struct token tok[MAX_TOKENS];
	unsigned n = tokenize(line, tok, MAX_TOKENS);
	if (n == 0 || n > MAX_TOKENS)
		return -1;
	struct sysvipc_layout h;
	for (int c = 0; c < SYSVIPC_NCOLS; c++)
		h.at[c] = -1;
	for (unsigned i = 0; i < n; i++)
		for (int c = 0; c < t->ncols; c++)
			if (strlen(t->names[c]) == tok[i].len &&
			    memcmp(t->names[c], tok[i].s, tok[i].len) == 0 && h.at[c] < 0)
				h.at[c] = (int)i;
	for (int c = 0; c < t->ncore; c++)
		if (h.at[c] < 0)
			return -1;
	layout_finish(t, &h);
	*l = h;
	return 0;
}

int sysvipc_parse_heading(const char *line, struct sysvipc_layout *l)
{
	return parse_heading(&shm_table, line, l);
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

/* The fields of one line laid out as l: the key, and v[c] for every other
 * column c of t (0 for an optional one the line lacks: *all is then
 * false).  0, or -1 if a needed field is missing or bad. */
static int parse_fields(const struct table *t, const char *line, const struct sysvipc_layout *l,
			key_t *key, uint64_t *v, bool *all)
{
	struct token tok[MAX_TOKENS];
	unsigned n = tokenize(line, tok, MAX_TOKENS);
	if (n > MAX_TOKENS)
		n = MAX_TOKENS; /* a long line: the columns we know are still in place */
	if (n < l->need)
		return -1;
	for (int c = 0; c < t->ncore; c++)
		if (l->at[c] < 0)
			return -1;
	if (parse_key(&tok[l->at[0]], key))
		return -1;
	*all = true;
	for (int c = 1; c < t->ncols; c++) {
		v[c] = 0;
		if (l->at[c] < 0 || (unsigned)l->at[c] >= n) {
			*all = false; /* only optional columns: need covers the rest */
			continue;
		}
		if (parse_u(&tok[l->at[c]], t->spec[c].base, t->spec[c].max, &v[c]))
			return -1;
	}
	return 0;
}

int sysvipc_parse_line(const char *line, const struct sysvipc_layout *l, struct sysvipc_shm *out)
{
	uint64_t v[SYSVIPC_NCOLS] = { 0 };
	key_t key;
	bool mem;
	if (parse_fields(&shm_table, line, l, &key, v, &mem))
		return -1;
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

void sysvipc_ipc_layout_default(enum sysvipc_ipc_file f, struct sysvipc_layout *l)
{
	layout_default(&ipc_tables[f], l);
}

int sysvipc_ipc_parse_heading(enum sysvipc_ipc_file f, const char *line, struct sysvipc_layout *l)
{
	return parse_heading(&ipc_tables[f], line, l);
}

int sysvipc_ipc_parse_line(enum sysvipc_ipc_file f, const char *line,
			   const struct sysvipc_layout *l, struct sysvipc_ipc *out)
{
	uint64_t v[SYSVIPC_MSG_NCOLS] = { 0 };
	key_t key;
	bool all;
	if (parse_fields(&ipc_tables[f], line, l, &key, v, &all))
		return -1;
	memset(out, 0, sizeof *out);
	out->file = f;
	out->key = key;
	out->id = (int)v[1];
	out->perms = (unsigned)v[2];
	out->mode = out->perms & 0777u;
	int o = f == SYSVIPC_SEM ? 4 : 7; /* uid gid cuid cgid, together in both */
	out->uid = (uid_t)v[o];
	out->gid = (gid_t)v[o + 1];
	out->cuid = (uid_t)v[o + 2];
	out->cgid = (gid_t)v[o + 3];
	out->ctime = (int64_t)v[ipc_tables[f].ncols - 1]; /* the last in both */
	if (f == SYSVIPC_SEM) {
		out->nsems = v[3];
		out->otime = (int64_t)v[8];
		return 0;
	}
	out->cbytes = v[3];
	out->qnum = v[4];
	out->lspid = (pid_t)v[5];
	out->lrpid = (pid_t)v[6];
	out->stime = (int64_t)v[11];
	out->rtime = (int64_t)v[12];
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

/* The parse of one file, line by line: a heading first, then rows, each
 * parsed and kept by row(). */
struct parser {
	const struct table *t;
	struct sysvipc_layout layout;
	bool first; /* no non-blank line seen yet */
	void *rows;
	size_t max;
	struct sysvipc_result *res;
	enum sysvipc_ipc_file file;                     /* for ipc_row() */
	int (*row)(struct parser *p, const char *line); /* 0, or -1: not a row */
};

/* A segment's line: counted in the totals, kept if there is room. */
static int shm_row(struct parser *p, const char *line)
{
	struct sysvipc_shm row;
	if (sysvipc_parse_line(line, &p->layout, &row))
		return -1;
	struct sysvipc_result *r = p->res;
	struct sysvipc_shm *rows = p->rows;
	totals_add(&r->totals, &row);
	if (r->n < p->max) {
		row.order = (unsigned)r->n;
		rows[r->n++] = row;
	} else {
		r->truncated = true;
	}
	r->total++;
	r->have_mem = r->have_mem || row.have_mem;
	return 0;
}

/* A set's or a queue's line: totals.segments counts it, totals.bytes its
 * queue's bytes. */
static int ipc_row(struct parser *p, const char *line)
{
	struct sysvipc_ipc row;
	if (sysvipc_ipc_parse_line(p->file, line, &p->layout, &row))
		return -1;
	struct sysvipc_result *r = p->res;
	struct sysvipc_ipc *rows = p->rows;
	r->totals.segments++;
	sysvipc_sum(&r->totals.bytes, row.cbytes, &r->totals.saturated);
	if (r->n < p->max)
		rows[r->n++] = row;
	else
		r->truncated = true;
	r->total++;
	return 0;
}

static void parser_init(struct parser *p, const struct table *t, void *rows, size_t max,
			struct sysvipc_result *res)
{
	layout_default(t, &p->layout);
	p->t = t;
	p->first = true;
	p->rows = rows;
	p->max = max;
	p->res = res;
	p->row = shm_row;
	memset(res, 0, sizeof *res);
}

static void parser_init_ipc(struct parser *p, enum sysvipc_ipc_file f, struct sysvipc_ipc *rows,
			    size_t max, struct sysvipc_result *res)
{
	parser_init(p, &ipc_tables[f], rows, max, res);
	p->file = f;
	p->row = ipc_row;
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
		if (parse_heading(p->t, line, &p->layout) == 0) {
			p->res->heading = true;
			return;
		}
	}
	p->first = false;
	if (bad || p->row(p, line))
		p->res->skipped++;
}

static void parse_text(struct parser *p, const char *text, size_t len)
{
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
		parser_line(p, line, bad);
		i = end + 1;
	}
}

static int parse_file(struct parser *p, const char *path)
{
	FILE *f = fopen(path, "re");
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
		parser_line(p, line, bad);
	}
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

size_t sysvipc_parse(const char *text, size_t len, struct sysvipc_shm *rows, size_t max,
		     struct sysvipc_result *res)
{
	struct parser p;
	parser_init(&p, &shm_table, rows, max, res);
	parse_text(&p, text, len);
	return res->n;
}

int sysvipc_read(const char *path, struct sysvipc_shm *rows, size_t max, struct sysvipc_result *res)
{
	struct parser p;
	parser_init(&p, &shm_table, rows, max, res);
	return parse_file(&p, path ? path : SYSVIPC_SHM_PATH);
}

size_t sysvipc_ipc_parse(enum sysvipc_ipc_file f, const char *text, size_t len,
			 struct sysvipc_ipc *rows, size_t max, struct sysvipc_result *res)
{
	struct parser p;
	parser_init_ipc(&p, f, rows, max, res);
	parse_text(&p, text, len);
	return res->n;
}

int sysvipc_ipc_read(enum sysvipc_ipc_file f, const char *path, struct sysvipc_ipc *rows,
		     size_t max, struct sysvipc_result *res)
{
	struct parser p;
	parser_init_ipc(&p, f, rows, max, res);
	return parse_file(&p, path ? path : f == SYSVIPC_SEM ? SYSVIPC_SEM_PATH : SYSVIPC_MSG_PATH);
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

int sysvipc_ipc_find(enum sysvipc_ipc_file file, const char *path, int id, struct sysvipc_ipc *out)
{
	FILE *f = fopen(path                  ? path
			: file == SYSVIPC_SEM ? SYSVIPC_SEM_PATH
					      : SYSVIPC_MSG_PATH,
			"re");
	if (!f)
		return -1;
	struct sysvipc_layout l;
	sysvipc_ipc_layout_default(file, &l);
	char line[SYSVIPC_LINE_MAX];
	bool first = true;
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		if (first && sysvipc_ipc_parse_heading(file, line, &l) == 0) {
			first = false;
			continue;
		}
		first = false;
		if (sysvipc_ipc_parse_line(file, line, &l, out) == 0 && out->id == id)
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
	"state", "resets",  "writer_pid", "writer_alive", "format",  "nsems",  "otime", "msgs",
	"send",  "recv",    "lspid",      "lrpid",        "waiters",
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
