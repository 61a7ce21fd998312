/* SPDX-License-Identifier: MIT */
/* The object list's model: selection, scrolling, columns, rows of every kind,
 * escaped names, the heading, narrowing and the removal box. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <locale.h>

#include "objlist_view.h"

static void test_selection_and_window(void **state)
{
	(void)state;
	struct objlist_view v = { 0 };
	objlist_view_fit(&v, 0, 5);
	assert_int_equal(v.sel, 0);
	objlist_view_move(&v, 3);
	assert_int_equal(v.sel, 0);
	objlist_view_fit(&v, 20, 5);
	objlist_view_move(&v, 1);
	assert_int_equal(v.sel, 1);
	assert_int_equal(v.top, 0);
	objlist_view_move(&v, 4); /* one past the window: scrolls one */
	assert_int_equal(v.sel, 5);
	assert_int_equal(v.top, 1);
	objlist_view_move(&v, 100); /* End */
	assert_int_equal(v.sel, 19);
	assert_int_equal(v.top, 15);
	objlist_view_move(&v, -5); /* PgUp */
	assert_int_equal(v.sel, 14);
	assert_int_equal(v.top, 14);
	objlist_view_move(&v, -100); /* Home */
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
	/* rows going away keep the selection on a row, the window full */
	objlist_view_select(&v, 19);
	objlist_view_fit(&v, 8, 5);
	assert_int_equal(v.sel, 7);
	assert_int_equal(v.top, 3);
	/* a taller window shows from the top */
	objlist_view_fit(&v, 8, 10);
	assert_int_equal(v.top, 0);
	assert_int_equal(v.sel, 7);
	/* no room at all */
	objlist_view_fit(&v, 8, 0);
	assert_int_equal(v.sel, 7);
}

static void test_find(void **state)
{
	(void)state;
	struct objlist_row rows[3];
	memset(rows, 0, sizeof rows);
	rows[0].shm.st.shmid = 7;
	rows[1].shm.st.shmid = 3;
	rows[2].shm.st.shmid = 9;
	assert_int_equal(objlist_view_find(rows, 3, 3), 1);
	assert_int_equal(objlist_view_find(rows, 3, 4), 3);
}

/* The sorted column's title carries its direction, cut to keep it. */
static void test_header_mark(void **state)
{
	(void)state;
	struct objlist_view_cols c;
	char buf[256];
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	objlist_view_columns(53, &c);
	assert_string_equal(objlist_view_header(&c, SYSVIPC_SORT_SIZE, true, true, buf, sizeof buf),
			    "KEY/NAME   SHMID      KIND       SIZE\u25bc     RSS NATTCH");
	assert_string_equal(
	    objlist_view_header(&c, SYSVIPC_SORT_NATTCH, false, false, buf, sizeof buf),
	    "KEY/NAME   SHMID      KIND        SIZE     RSS NATTC^");
	assert_string_equal(objlist_view_header(&c, SYSVIPC_SORT_KEY, true, false, buf, sizeof buf),
			    "KEY/NAMEv  SHMID      KIND        SIZE     RSS NATTCH");
	/* a sort of a column not shown marks nothing */
	assert_string_equal(objlist_view_header(&c, SYSVIPC_SORT_CPID, true, true, buf, sizeof buf),
			    "KEY/NAME   SHMID      KIND        SIZE     RSS NATTCH");
	setlocale(LC_CTYPE, "C");
}

/* A click on the column names: each title's cells (and the space after
 * the column) are its column's, at every width. */
static void test_col_at(void **state)
{
	(void)state;
	static const int widths[] = { 53, 80, 125, 158, 300 };
	for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
		struct objlist_view_cols c;
		char buf[512];
		objlist_view_columns(widths[w], &c);
		objlist_view_header(&c, SYSVIPC_SORT_CPID, true, false, buf, sizeof buf);
		enum objlist_col cols[OBJLIST_VIEW_NCOLS];
		size_t n = objlist_view_shown(&c, cols);
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			const char *title = objlist_columns[cols[i]].title;
			const char *at = strstr(buf, title);
			assert_non_null(at);
			int x = (int)(at - buf);
			assert_int_equal(objlist_view_col_at(&c, x), cols[i]);
			assert_int_equal(objlist_view_col_at(&c, x + (int)strlen(title) - 1),
					 cols[i]);
			found++;
		}
		assert_true(found >= 6);
		assert_int_equal(objlist_view_col_at(&c, -1), -1);
		assert_int_equal(objlist_view_col_at(&c, c.total + 1), -1);
	}
	/* in the order the columns setting gives: SIZE first, then KEY */
	struct objlist_view_pick pick;
	assert_int_equal(objlist_view_pick_parse("size,key,nattch", &pick), 0);
	struct objlist_view_cols p;
	objlist_view_columns_pick(80, &pick, &p);
	assert_int_equal(objlist_view_col_at(&p, 0), OBJLIST_COL_SIZE);
	assert_int_equal(objlist_view_col_at(&p, p.width[OBJLIST_VIEW_SIZE] + 1), OBJLIST_COL_KEY);
	assert_int_equal(objlist_view_col_at(&p, p.total - 1), OBJLIST_COL_NATTCH);
	/* the space between KEY/NAME and SHMID is KEY's */
	struct objlist_view_cols c;
	objlist_view_columns(53, &c);
	assert_int_equal(objlist_view_col_at(&c, c.width[OBJLIST_VIEW_KEY]), OBJLIST_COL_KEY);
	assert_int_equal(objlist_view_col_at(&c, c.width[OBJLIST_VIEW_KEY] + 1), OBJLIST_COL_ID);
}

/* A click on a row of the list: the row under it, none past the rows. */
static void test_row_at(void **state)
{
	(void)state;
	struct objlist_view v = { 0 };
	objlist_view_fit(&v, 30, 10);
	objlist_view_select(&v, 25); /* the window is rows 16..25 */
	assert_int_equal(v.top, 16);
	assert_int_equal(objlist_view_row_at(&v, 0), 16);
	assert_int_equal(objlist_view_row_at(&v, 9), 25);
	assert_int_equal(objlist_view_row_at(&v, 10), -1);
	assert_int_equal(objlist_view_row_at(&v, -1), -1);
	objlist_view_fit(&v, 3, 10); /* fewer rows than the window */
	assert_int_equal(objlist_view_row_at(&v, 2), 2);
	assert_int_equal(objlist_view_row_at(&v, 3), -1);
	objlist_view_fit(&v, 0, 10);
	assert_int_equal(objlist_view_row_at(&v, 0), -1);
}

static void test_slice(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(objlist_view_slice("abcdef", 2, 3, buf, sizeof buf), "cde");
	assert_string_equal(objlist_view_slice("abc", 2, 3, buf, sizeof buf), "c  ");
	assert_string_equal(objlist_view_slice("abc", 9, 2, buf, sizeof buf), "  ");
	/* a wide character across the edge is shown whole */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	assert_string_equal(objlist_view_slice("a\u4e2d", 2, 2, buf, sizeof buf), "\u4e2d");
	setlocale(LC_CTYPE, "C");
}

/* The first status that applies wins. */
static void test_status(void **state)
{
	(void)state;
	struct objlist_row r = { .kind = OBJLIST_SYSV, .uid = 7, .mode = 0600 };
	assert_int_equal(objlist_view_status(&r, 7), OBJLIST_STATUS_OK);
	assert_int_equal(objlist_view_status(&r, 8), OBJLIST_STATUS_FOREIGN);
	r.mode = 0666;
	assert_int_equal(objlist_view_status(&r, 7), OBJLIST_STATUS_WORLD);
	r.ipcns = 4026531839u;
	assert_int_equal(objlist_view_status(&r, 7), OBJLIST_STATUS_OTHERNS);
	r.holders_unknown = true;
	assert_int_equal(objlist_view_status(&r, 7), OBJLIST_STATUS_UNKNOWN);
	r.shm.st.dest = true;
	assert_int_equal(objlist_view_status(&r, 7), OBJLIST_STATUS_DEST);
	r.orphan = true;
	assert_int_equal(objlist_view_status(&r, 7), OBJLIST_STATUS_ORPHAN);
	struct objlist_row p = { .kind = OBJLIST_POSIX, .uid = 7, .mode = 0600, .ipcns = 1 };
	p.shm.st.dest = true; /* only a SysV segment is dest or of a namespace */
	assert_int_equal(objlist_view_status(&p, 7), OBJLIST_STATUS_OK);
}

static void test_columns(void **state)
{
	(void)state;
	struct objlist_view_cols c;
	char buf[256];
	objlist_view_columns(153, &c);
	for (int i = 0; i < OBJLIST_VIEW_NCOLS; i++) /* FORMAT only when picked */
		assert_true(c.shown[i] == (i != OBJLIST_VIEW_FORMAT));
	/* the room left: the names first, to 28 cells (SHMID wider), then COMMAND */
	assert_int_equal(c.width[OBJLIST_VIEW_KEY] + 1 + c.width[OBJLIST_VIEW_SHMID], 28);
	assert_int_equal(c.width[OBJLIST_VIEW_COMMAND], 24);
	assert_string_equal(
	    objlist_view_header(&c, SYSVIPC_SORT_ATTACH, false, true, buf, sizeof buf),
	    "KEY/NAME   SHMID             KIND     OWNER      PERMS        SIZE     RSS"
	    "    SWAP NATTCH STATUS           CPID    LPID CTIME    COMMAND");
	objlist_view_columns(164, &c); /* COMMAND up to its most */
	assert_int_equal(c.width[OBJLIST_VIEW_COMMAND], 32);
	assert_int_equal(c.width[OBJLIST_VIEW_KEY] + 1 + c.width[OBJLIST_VIEW_SHMID], 31);
	assert_int_equal(c.total, 164);
	objlist_view_columns(140, &c); /* a JVM's path whole, and "shmwriter" */
	assert_int_equal(c.width[OBJLIST_VIEW_KEY] + 1 + c.width[OBJLIST_VIEW_SHMID], 28);
	assert_int_equal(c.width[OBJLIST_VIEW_COMMAND], 11);
	objlist_view_columns(132, &c); /* a common wide terminal: the 3 cells left to the names */
	assert_int_equal(c.width[OBJLIST_VIEW_KEY] + 1 + c.width[OBJLIST_VIEW_SHMID], 24);
	assert_int_equal(c.width[OBJLIST_VIEW_COMMAND], 7);
	objlist_view_columns(300, &c); /* up to 40 cells of a name */
	assert_int_equal(c.width[OBJLIST_VIEW_KEY] + 1 + c.width[OBJLIST_VIEW_SHMID], 40);
	assert_int_equal(c.total, 173);
	objlist_view_columns(125, &c); /* SWAP goes first */
	assert_false(c.shown[OBJLIST_VIEW_SWAP]);
	assert_true(c.shown[OBJLIST_VIEW_COMMAND] && c.shown[OBJLIST_VIEW_LPID]);
	assert_int_equal(c.total, 125);
	objlist_view_columns(110, &c); /* LPID, CPID go */
	assert_false(c.shown[OBJLIST_VIEW_LPID] || c.shown[OBJLIST_VIEW_CPID]);
	assert_true(c.shown[OBJLIST_VIEW_CTIME] && c.shown[OBJLIST_VIEW_COMMAND]);
	assert_true(c.total <= 110);
	objlist_view_columns(80, &c); /* then CTIME, PERMS and COMMAND: owner and status stay */
	assert_false(c.shown[OBJLIST_VIEW_CTIME] || c.shown[OBJLIST_VIEW_PERMS] ||
		     c.shown[OBJLIST_VIEW_COMMAND]);
	assert_true(c.shown[OBJLIST_VIEW_OWNER] && c.shown[OBJLIST_VIEW_STATUS]);
	assert_true(c.total <= 80);
	objlist_view_columns(53, &c); /* down to the essentials */
	assert_true(c.shown[OBJLIST_VIEW_KEY] && c.shown[OBJLIST_VIEW_SHMID] &&
		    c.shown[OBJLIST_VIEW_KIND] && c.shown[OBJLIST_VIEW_SIZE] &&
		    c.shown[OBJLIST_VIEW_RSS] && c.shown[OBJLIST_VIEW_NATTCH]);
	assert_false(c.shown[OBJLIST_VIEW_STATUS] || c.shown[OBJLIST_VIEW_OWNER]);
	assert_true(c.total <= 53);
	assert_string_equal(
	    objlist_view_header(&c, SYSVIPC_SORT_ATTACH, false, true, buf, sizeof buf),
	    "KEY/NAME   SHMID      KIND        SIZE     RSS NATTCH");
	for (int w = 0; w < 400; w++) { /* never wider than asked, once it can be */
		objlist_view_columns(w, &c);
		if (w >= 53)
			assert_true(c.total <= w);
	}
}

static struct objlist_row sysv_row(void)
{
	struct objlist_row r;
	memset(&r, 0, sizeof r);
	r.kind = OBJLIST_SYSV;
	r.shm.st = (struct ipcstat){ .shmid = 42,
				     .key = 0x2537,
				     .size = 2048,
				     .mode = 0640,
				     .dest = true,
				     .cpid = 100,
				     .lpid = 200,
				     .nattch = 3 };
	r.ino = 42;
	r.size = 2048;
	r.resident = 1024;
	r.have_resident = true;
	r.mode = 0640;
	snprintf(r.owner, sizeof r.owner, "root");
	snprintf(r.command, sizeof r.command, "shmwriter");
	return r;
}

static struct objlist_row posix_row(enum objlist_kind k, const char *name, uint64_t size)
{
	struct objlist_row r;
	memset(&r, 0, sizeof r);
	r.kind = k;
	snprintf(r.name, sizeof r.name, "%s", name);
	r.size = size;
	r.resident = size;
	r.have_resident = true;
	r.mode = 0600;
	r.dev = 0x1a;
	r.ino = 77;
	snprintf(r.owner, sizeof r.owner, "alice");
	return r;
}

/* An object list of rows, scanned or not, with two holders for row 1. */
static struct objlist_holder holders[3] = {
	{ .pid = 310, .comm = "pipewire", .maps_rw = 1 },
	{ .pid = 311, .comm = "firefox", .maps_ro = 1, .fds = 2 },
	{ .pid = 400, .comm = "bad\nname", .fds = 1 },
};

static void test_row(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	struct objlist_row r = sysv_row();
	struct objlist_view_cols c;
	char buf[512];
	r.swap = 512;
	objlist_view_columns(153, &c);
	assert_string_equal(
	    objlist_view_row(&c, &s, &r, buf, sizeof buf),
	    "0x00002537 42                sysv     root       rw-r-----    2.0K    1.0K"
	    "     512      3 dest              100     200 -        shmwriter");
	r.command[0] = '\0';
	r.have_resident = false; /* an old kernel: no rss column, RSS blank */
	objlist_view_columns(53, &c);
	assert_string_equal(objlist_view_row(&c, &s, &r, buf, sizeof buf),
			    "0x00002537 42         sysv        2.0K              3");
	/* a small buffer is cut, never overrun */
	char tiny[12];
	objlist_view_row(&c, &s, &r, tiny, sizeof tiny);
	assert_string_equal(tiny, "0x00002537");
	/* an orphan */
	r.shm.st.dest = false;
	r.shm.st.nattch = 0;
	r.orphan = true;
	objlist_view_columns(78, &c); /* owner and status, no stretch */
	assert_string_equal(
	    objlist_view_row(&c, &s, &r, buf, sizeof buf),
	    "0x00002537 42         sysv     root          2.0K              0 orphan");
}

/* The columns setting: only the columns it names, in its order; a name
 * spans KEY and SHMID only when SHMID follows KEY; the text round-trips. */
static void test_columns_picked(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	struct objlist_view_pick p;
	struct objlist_view_cols c;
	char buf[512];
	assert_int_equal(objlist_view_pick_parse("size,KEY,nattch,CUID,size", &p), 0);
	assert_int_equal(p.n, 3); /* CUID is not on the screen; SIZE once */
	assert_string_equal(objlist_view_pick_text(&p, buf, sizeof buf), "SIZE,KEY,NATTCH");
	objlist_view_columns_pick(80, &p, &c);
	assert_int_equal(c.n, 3);
	assert_false(c.shown[OBJLIST_VIEW_SHMID] || c.shown[OBJLIST_VIEW_KIND]);
	assert_string_equal(
	    objlist_view_header(&c, SYSVIPC_SORT_SIZE, true, false, buf, sizeof buf),
	    "  SIZEv KEY/NAME                                 NATTCH");
	struct objlist_row r = sysv_row();
	assert_string_equal(objlist_view_row(&c, &s, &r, buf, sizeof buf),
			    "   2.0K 0x00002537                                    3");
	struct objlist_row x = posix_row(OBJLIST_POSIX, "pulse-shm-1234", 8192);
	assert_int_equal(objlist_view_pick_parse("ID,KEY,SIZE", &p), 0);
	objlist_view_columns_pick(60, &p, &c); /* SHMID before KEY: no span, KEY wider */
	assert_int_equal(c.width[OBJLIST_VIEW_KEY], 40);
	assert_string_equal(objlist_view_row(&c, &s, &x, buf, sizeof buf),
			    "           pulse-shm-1234                              8.0K");
	/* '+' adds to the default; ALL is every one; a bad name: the default */
	assert_int_equal(objlist_view_pick_parse("+KEY", &p), 0);
	assert_int_equal(p.n, OBJLIST_VIEW_NDEFAULT);
	assert_false(objlist_view_pick_has(&p, OBJLIST_VIEW_FORMAT));
	assert_int_equal(objlist_view_pick_parse("+FORMAT", &p), 0);
	assert_int_equal(p.n, OBJLIST_VIEW_NDEFAULT + 1);
	assert_true(objlist_view_pick_has(&p, OBJLIST_VIEW_FORMAT));
	assert_int_equal(objlist_view_pick_parse("ALL", &p), 0);
	assert_int_equal(p.n, OBJLIST_VIEW_NCOLS);
	assert_int_equal(objlist_view_pick_parse("KEY,bogus", &p), -1);
	assert_int_equal(p.n, OBJLIST_VIEW_NDEFAULT);
	/* FORMAT: the name the row's first bytes got, "-" when not read */
	assert_int_equal(objlist_view_pick_parse("KEY,FORMAT", &p), 0);
	objlist_view_columns_pick(60, &p, &c);
	struct objlist_row m = posix_row(OBJLIST_POSIX, "jvm", 32768);
	m.format = "hsperfdata";
	assert_string_equal(objlist_view_row(&c, &s, &m, buf, sizeof buf),
			    "jvm                                      hsperfdata");
	m.format = NULL;
	assert_string_equal(objlist_view_row(&c, &s, &m, buf, sizeof buf),
			    "jvm                                      -");
	/* the picked columns are dropped by the width's rule too */
	assert_int_equal(objlist_view_pick_parse("KEY,SWAP,SIZE,LPID", &p), 0);
	objlist_view_columns_pick(20, &p, &c);
	assert_true(c.shown[OBJLIST_VIEW_KEY] && c.shown[OBJLIST_VIEW_SIZE]);
	assert_false(c.shown[OBJLIST_VIEW_SWAP] || c.shown[OBJLIST_VIEW_LPID]);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.order[1], OBJLIST_VIEW_SIZE);
}

static void test_rows_of_every_kind(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	struct objlist_row p = posix_row(OBJLIST_POSIX, "pulse-shm-1234", 8192);
	struct objlist_view_cols c;
	char buf[512];
	objlist_view_columns(78, &c); /* owner and status, no stretch */
	/* before a scan: no holders known, "-" */
	assert_string_equal(objlist_view_row(&c, &s, &p, buf, sizeof buf),
			    "pulse-shm-1234        posix    alice         8.0K    8.0K      - -");
	/* after one: the count, and the first holder's command in COMMAND */
	s.scanned = true;
	s.holders = holders;
	s.nholders = 3;
	p.holder0 = 0;
	p.nholders = 2;
	objlist_view_columns(153, &c); /* no SWAP but for SysV */
	assert_string_equal(
	    objlist_view_row(&c, &s, &p, buf, sizeof buf),
	    "pulse-shm-1234               posix    alice      rw-------    8.0K    8.0K"
	    "              2 -                   -       - -        pipewire +1");
	struct objlist_row m = posix_row(OBJLIST_MEMFD, "wayland-cursor", 4096);
	m.holder0 = 2;
	m.nholders = 1;
	objlist_view_columns(78, &c); /* owner and status, no stretch */
	assert_string_equal(objlist_view_row(&c, &s, &m, buf, sizeof buf),
			    "wayland-cursor        memfd    alice         4.0K    4.0K      1 -");
	struct objlist_row d = posix_row(OBJLIST_DELETED, "gone", 1 << 20);
	d.have_resident = false;
	assert_string_equal(objlist_view_row(&c, &s, &d, buf, sizeof buf),
			    "gone                  deleted  alice         1.0M              0 -");
	struct objlist_row e = posix_row(OBJLIST_SEM, "sem.lock", 32);
	e.orphan = true;
	assert_string_equal(
	    objlist_view_row(&c, &s, &e, buf, sizeof buf),
	    "sem.lock              sem      alice           32      32      0 orphan");
	/* none found by a scan that could not read every process: unknown */
	e.orphan = false;
	e.holders_unknown = true;
	assert_string_equal(objlist_view_row(&c, &s, &e, buf, sizeof buf),
			    "sem.lock              sem      alice           32      32      ? -");
	/* scanned, no holder anywhere: 0, not "-" */
	struct objlist bare;
	memset(&bare, 0, sizeof bare);
	bare.scanned = true;
	struct objlist_row o = posix_row(OBJLIST_POSIX, "left", 4096);
	objlist_view_columns(78, &c);
	assert_string_equal(objlist_view_row(&c, &bare, &o, buf, sizeof buf),
			    "left                  posix    alice         4.0K    4.0K      0 -");
	/* a segment of another IPC namespace says so */
	struct objlist_row ns = sysv_row();
	ns.ipcns = 4026532000u;
	objlist_view_columns(164, &c);
	/* no ID, mode or pids of this namespace's: its own shmid by its name */
	assert_string_equal(
	    objlist_view_row(&c, &s, &ns, buf, sizeof buf),
	    "0x00002537                      sysv                             2.0K    1.0K       0"
	    "      3 other ns                      -        ipc:[4026532000] shmid 42");
	struct objlist_view_box b;
	objlist_view_confirm(&s, &ns, &b);
	assert_false(b.removable);
	assert_non_null(strstr(b.line[1], "cannot be removed from here"));
	/* a holder's command is escaped too */
	objlist_view_columns(153, &c);
	assert_non_null(strstr(objlist_view_row(&c, &s, &m, buf, sizeof buf), " bad\\nname"));
}

/* The cell where KIND starts: the same whatever the name holds. */
static void test_hostile_names(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	struct objlist_view_cols c;
	char buf[1024], ref[1024], long_name[256];
	objlist_view_columns(120, &c);
	struct objlist_row r = posix_row(OBJLIST_POSIX, "plain", 4096);
	objlist_view_row(&c, &s, &r, ref, sizeof ref);
	memset(long_name, 'n', 255);
	long_name[255] = '\0';
	const char *names[] = { "with space",   "new\nline",   "tab\there",   "bad\xff\xfe utf8",
				"cut \xe2\x82", "back\\slash", "\x1b[31mred", long_name };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(r.name, sizeof r.name, "%s", names[i]);
		objlist_view_row(&c, &s, &r, buf, sizeof buf);
		for (const char *p = buf; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		/* same cells as the plain row after the name, from its KIND on */
		const char *kind = strstr(ref, " posix ");
		assert_non_null(kind);
		assert_int_equal(objlist_view_cells(buf), objlist_view_cells(ref));
		assert_string_equal(buf + strlen(buf) - strlen(kind), kind);
	}
	/* the escapes themselves: tests/test_escape.c */
	/* valid UTF-8 shown as is in a UTF-8 locale, by its cells */
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		snprintf(r.name, sizeof r.name, "caf\xc3\xa9 \xe6\x97\xa5");
		objlist_view_row(&c, &s, &r, buf, sizeof buf);
		assert_int_equal(objlist_view_cells(buf), objlist_view_cells(ref));
		assert_string_equal(
		    objlist_view_pad("\xe6\x97\xa5\xe6\x97\xa5", 3, buf, sizeof buf),
		    "\xe6\x97\xa5 ");
		setlocale(LC_CTYPE, "C");
	}
	assert_string_equal(objlist_view_pad("abc", 5, buf, sizeof buf), "abc  ");
	assert_string_equal(objlist_view_pad("abcdef", 4, buf, sizeof buf), "abcd");
}

static void test_heading_footer_keys(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.res.totals =
	    (struct sysvipc_totals){ .segments = 4, .bytes = 8192, .nattch = 5, .dest = 1 };
	s.limits = (struct sysvipc_limits){ .shmmni = 4096,
					    .shmall = 1000,
					    .shmmax = 65536,
					    .have_shmmni = true,
					    .have_shmall = true,
					    .have_shmmax = true };
	s.page_size = 4096;
	s.kinds[OBJLIST_SYSV] = (struct objlist_totals){ 4, 8192, 4096 };
	s.kinds[OBJLIST_POSIX] = (struct objlist_totals){ 2, 3 << 20, 1 << 20 };
	s.kinds[OBJLIST_SEM] = (struct objlist_totals){ 1, 32, 32 };
	s.orphans = (struct objlist_totals){ 2, 16640, 4096 };
	s.have_devshm = true;
	s.devshm_size = UINT64_C(4) << 30;
	s.devshm_used = UINT64_C(1) << 30;
	s.wall_ns = INT64_C(1700000000) * 1000000000;
	char buf[512];
	objlist_view_heading(&s, 0, buf, sizeof buf);
	assert_non_null(strstr(buf, "shmtop - all shared memory - "));
	assert_non_null(strstr(buf, "  7 objects, 1.0M resident of 3.0M  orphans 2 (16.3K)"
				    "  holders: not scanned"));
	s.scan_running = true; /* the first scan under way */
	assert_non_null(
	    strstr(objlist_view_heading(&s, 0, buf, sizeof buf), "  holders: scanning..."));
	s.scan_running = false;
	assert_string_equal(objlist_view_heading(&s, 1, buf, sizeof buf),
			    "SysV: 4 segments, 5 attaches, 1 dest, 0 locked  SHMMNI 4 of 4096 "
			    "(0.10%)  SHMALL 2 of 1000 pages (0.20%)  SHMMAX 65536");
	assert_string_equal(
	    objlist_view_heading(&s, 2, buf, sizeof buf),
	    "Kinds (resident/size): sysv 4 4.0K/8.0K  posix 2 1.0M/3.0M  sem 1  "
	    "memfd -  deleted -  file 0  sysv-sem 0  sysv-msg 0  mqueue 0  /dev/shm 1.0G of 4.0G "
	    "(25.00%)");
	s.scanned = true;
	s.scan_ns = s.wall_ns - INT64_C(12) * 1000000000;
	s.kinds[OBJLIST_MEMFD] = (struct objlist_totals){ 1, 4096, 4096 };
	s.kinds[OBJLIST_SYSV_SEM] = (struct objlist_totals){ 3, 0, 0 };    /* sets: a count */
	s.kinds[OBJLIST_SYSV_MSG] = (struct objlist_totals){ 2, 2048, 0 }; /* queues: bytes */
	s.have_devshm = false;
	assert_non_null(strstr(objlist_view_heading(&s, 0, buf, sizeof buf), "  holders 12s ago"));
	s.scan_hidden = 14; /* their holdings unknown: said beside the scan */
	assert_non_null(strstr(objlist_view_heading(&s, 0, buf, sizeof buf),
			       "  orphans 2 (16.3K)  holders 12s ago, 14 processes unreadable"));
	s.scan_hidden = 1;
	assert_non_null(
	    strstr(objlist_view_heading(&s, 0, buf, sizeof buf), "ago, 1 process unreadable"));
	s.scan_running = true; /* the next scan under way in its thread */
	s.scan_dropped = 42;   /* the last one past its cap */
	assert_non_null(strstr(objlist_view_heading(&s, 0, buf, sizeof buf),
			       "  holders 12s ago, scanning..., 1 process unreadable, truncated "
			       "(42 mappings left out)"));
	s.scan_running = false;
	s.scan_dropped = 0;
	/* the processes blocked on IPC come last: a narrow screen keeps the
	 * holders' age */
	s.blocked = 3;
	assert_non_null(
	    strstr(objlist_view_heading(&s, 0, buf, sizeof buf),
		   "  holders 12s ago, 1 process unreadable  3 processes blocked on IPC"));
	s.blocked = 0;
	assert_string_equal(
	    objlist_view_heading(&s, 2, buf, sizeof buf),
	    "Kinds (resident/size): sysv 4 4.0K/8.0K  posix 2 1.0M/3.0M  sem 1  "
	    "memfd 1 4.0K/4.0K  deleted 0  file 0  sysv-sem 3  sysv-msg 2 2.0K  mqueue 0  "
	    "/dev/shm ?");
	/* and they are in the objects of the top line */
	assert_non_null(strstr(objlist_view_heading(&s, 0, buf, sizeof buf), "  13 objects, "));
	s.kinds[OBJLIST_SYSV_SEM] = s.kinds[OBJLIST_SYSV_MSG] = (struct objlist_totals){ 0 };
	/* sums that stopped at UINT64_MAX say ">=", and so does their sum */
	s.kinds[OBJLIST_POSIX].bytes = UINT64_MAX;
	s.saturated = true;
	assert_non_null(strstr(objlist_view_heading(&s, 0, buf, sizeof buf),
			       "  8 objects, 1.0M resident of >=16.0E  orphans 2 (16.3K)"));
	assert_non_null(
	    strstr(objlist_view_heading(&s, 2, buf, sizeof buf), " posix 2 1.0M/>=16.0E "));

	assert_string_equal(objlist_view_footer("", false, "", 3, 3, buf, sizeof buf), "");
	assert_string_equal(
	    objlist_view_footer("pulse\n", true, "x\x01", 2, 41, buf, sizeof buf),
	    "filter: pulse\\n | orphans only | 2 of 41 | search: x\\x01 (n next) | ");
	assert_string_equal(objlist_view_search_line("ab", buf, sizeof buf),
			    "Search: ab_  F3 next  Enter keep  Esc clear");
	assert_string_equal(objlist_view_filter_line("ab\x01", buf, sizeof buf),
			    "Filter: ab\\x01_  Enter keep  Esc clear");

	enum sysvipc_sort by;
	assert_int_equal(objlist_view_sort_key('t', &by), 0);
	assert_int_equal(by, SYSVIPC_SORT_AGE);
	assert_int_equal(objlist_view_sort_key('i', &by), 0);
	assert_int_equal(by, SYSVIPC_SORT_SHMID);
	assert_int_equal(objlist_view_sort_key('m', &by), 0);
	assert_int_equal(by, SYSVIPC_SORT_RSS);
	/* the list's other keys are no sorts */
	assert_int_equal(objlist_view_sort_key('x', &by), -1);
	assert_int_equal(objlist_view_sort_key('a', &by), -1);
	assert_int_equal(objlist_view_sort_key('/', &by), -1);
	assert_true(objlist_view_sort_reverse(SYSVIPC_SORT_NATTCH));
	assert_true(objlist_view_sort_reverse(SYSVIPC_SORT_RSS));
	assert_false(objlist_view_sort_reverse(SYSVIPC_SORT_KEY));
}

static void test_narrow(void **state)
{
	(void)state;
	struct objlist_row rows[5] = {
		sysv_row(),
		posix_row(OBJLIST_POSIX, "pulse-shm-1", 4096),
		posix_row(OBJLIST_POSIX, "PULSE-shm-2", 4096),
		posix_row(OBJLIST_MEMFD, "wayland", 4096),
		posix_row(OBJLIST_SEM, "sem.x", 32),
	};
	rows[2].orphan = rows[4].orphan = true;
	size_t idx[5];
	assert_int_equal(objlist_view_narrow(rows, 5, "", false, idx), 5);
	assert_int_equal(objlist_view_narrow(rows, 5, NULL, false, idx), 5);
	assert_int_equal(objlist_view_narrow(rows, 5, "pulse", false, idx), 2); /* any case */
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	assert_int_equal(objlist_view_narrow(rows, 5, "pulse", true, idx), 1);
	assert_int_equal(idx[0], 2);
	assert_int_equal(objlist_view_narrow(rows, 5, "", true, idx), 2);
	assert_int_equal(idx[1], 4);
	assert_int_equal(objlist_view_narrow(rows, 5, "0x00002537", false, idx), 1); /* the key */
	assert_int_equal(idx[0], 0);
	assert_int_equal(objlist_view_narrow(rows, 5, "memfd", false, idx), 1); /* the kind */
	assert_int_equal(idx[0], 3);
	assert_int_equal(objlist_view_narrow(rows, 5, "nothing", false, idx), 0);
}

/* The lines of b joined, for looking things up. */
static const char *joined(const struct objlist_view_box *b)
{
	static char all[OBJLIST_VIEW_BOX_LINES * OBJLIST_VIEW_BOX_COLS];
	all[0] = '\0';
	for (size_t i = 0; i < b->n; i++) {
		strcat(all, b->line[i]);
		strcat(all, "|");
	}
	return all;
}

static void test_confirm(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	struct objlist_view_box b;
	struct objlist_row r = sysv_row();
	r.shm.st.dest = false;
	objlist_view_confirm(&s, &r, &b);
	assert_true(b.removable);
	assert_string_equal(joined(&b), "Remove SysV segment key 0x00002537, shmid 42?|"
					"size 2.0K (2048 bytes), nattch 3, owner root|"
					"attached: not scanned yet (a scans /proc)|"
					"(it goes when the last one detaches)|"
					"waiters unknown (not scanned yet: a scans /proc)||"
					"y remove (IPC_RMID)    any other key: cancel|");
	s.scanned = true;
	s.wall_ns = INT64_C(100) * 1000000000;
	s.scan_ns = INT64_C(97) * 1000000000;
	s.holders = holders;
	s.nholders = 3;
	r.holder0 = 0;
	r.nholders = 2;
	objlist_view_confirm(&s, &r, &b);
	assert_non_null(strstr(joined(&b), "|attached (scan 3s ago): 310 pipewire (map rw), "
					   "311 firefox (map ro, fd)|"));
	struct objlist_row p = posix_row(OBJLIST_POSIX, "a b\nc", 8192);
	objlist_view_confirm(&s, &p, &b);
	assert_true(b.removable);
	assert_string_equal(joined(&b), "Remove POSIX object /dev/shm/a b\\nc?|"
					"size 8.0K (8192 bytes), owner alice|"
					"holders (scan 3s ago): none found by the last scan|"
					"no process waits on it||"
					"y unlink    any other key: cancel|");
	/* prose wraps between words */
	s.scan_hidden = 1;
	objlist_view_confirm(&s, &p, &b);
	assert_non_null(strstr(joined(&b), "|holders (scan 3s ago): none found by the last scan "
					   "(1 process it could|  not read)|"));
	s.scan_hidden = 0;
	/* a 255-byte name is shown whole, over lines */
	memset(p.name, 'z', 255);
	p.name[255] = '\0';
	objlist_view_confirm(&s, &p, &b);
	size_t zs = 0;
	for (const char *q = joined(&b); *q; q++)
		zs += *q == 'z';
	assert_int_equal(zs, 255 + 1); /* and the z of "size" */
	struct objlist_row m = posix_row(OBJLIST_MEMFD, "wayland", 4096);
	m.holder0 = 2;
	m.nholders = 1;
	objlist_view_confirm(&s, &m, &b);
	assert_false(b.removable);
	assert_string_equal(joined(&b),
			    "memfd wayland|"
			    "cannot be removed by name: it lives until its holders unmap and close "
			    "it.|holders (scan 3s ago): 400 bad\\nname (fd)||any key: close|");
	/* a path of another mount namespace's /dev/shm: why, and its holders */
	struct objlist_row o = posix_row(OBJLIST_POSIX, "D/secret.conf", 20);
	o.place = OBJLIST_OTHER_MNTNS;
	o.holder0 = 2;
	o.nholders = 1;
	objlist_view_confirm(&s, &o, &b);
	assert_false(b.removable);
	assert_string_equal(joined(&b), "POSIX object /dev/shm/D/secret.conf|"
					"cannot be removed by name: it is seen in another mount "
					"namespace.|holders (scan 3s ago): 400 bad\\nname (fd)||"
					"any key: close|");
	o.place = OBJLIST_SUBFOLDER;
	objlist_view_confirm(&s, &o, &b);
	assert_false(b.removable);
	assert_non_null(strstr(joined(&b), "|cannot be removed by name: it is below a sub-folder "
					   "of /dev/shm.|"));
}

/* Waiters of a set, a queue, a writer's lock and a segment, handmade as a
 * scan leaves them (s->waits by object then pid; rows' wait0, nwaits). */
static struct objlist_wait waits[] = {
	{ .pid = 500,
	  .comm = "worker",
	  .op = OBJLIST_WAIT_SEM,
	  .kind = OBJLIST_SYSV_SEM,
	  .ino = 7,
	  .semnum = 2,
	  .semop = -1,
	  .since_ns = INT64_C(37) * 1000000000 },
	{ .pid = 501,
	  .comm = "evil\x1b[2J",
	  .op = OBJLIST_WAIT_SEM,
	  .kind = OBJLIST_SYSV_SEM,
	  .ino = 7,
	  .semnum = -1 },
	{ .pid = 600,
	  .comm = "consumer",
	  .op = OBJLIST_WAIT_MSGRCV,
	  .kind = OBJLIST_SYSV_MSG,
	  .ino = 9 },
	{ .pid = 601,
	  .comm = "producer",
	  .op = OBJLIST_WAIT_MSGSND,
	  .kind = OBJLIST_SYSV_MSG,
	  .ino = 9 },
	{ .pid = 700,
	  .comm = "reader",
	  .op = OBJLIST_WAIT_FUTEX,
	  .kind = OBJLIST_SYSV,
	  .ino = 42,
	  .offset = 0x40 },
};

static struct objlist_row ipc_row(enum objlist_kind k, int id)
{
	struct objlist_row r;
	memset(&r, 0, sizeof r);
	r.kind = k;
	r.ipc.key = 0x5eed;
	r.ipc.id = id;
	r.ino = (uint64_t)id;
	r.ipc.nsems = k == OBJLIST_SYSV_SEM ? 3 : 0;
	r.ipc.qnum = k == OBJLIST_SYSV_MSG ? 4 : 0;
	r.ipc.cbytes = r.size = k == OBJLIST_SYSV_MSG ? 2048 : 0;
	r.mode = r.ipc.mode = 0660;
	snprintf(r.owner, sizeof r.owner, "bob\x1b]0;x");
	return r;
}

static void test_confirm_ipc(void **state)
{
	(void)state;
	struct objlist s;
	memset(&s, 0, sizeof s);
	struct objlist_view_box b;
	struct objlist_row set = ipc_row(OBJLIST_SYSV_SEM, 7);
	set.wait0 = 0;
	set.nwaits = 2;
	/* no scan yet: the waiters unknown, not "none" */
	objlist_view_confirm(&s, &set, &b);
	assert_true(b.removable);
	assert_string_equal(joined(&b), "Remove SysV semaphore set key 0x00005eed, semid 7?|"
					"3 semaphores, owner bob\\x1b]0;x, mode 660|"
					"waiters unknown (not scanned yet: a scans /proc)||"
					"y remove (IPC_RMID)    any other key: cancel|");
	s.scanned = true;
	s.wall_ns = INT64_C(100) * 1000000000;
	s.scan_ns = INT64_C(97) * 1000000000;
	s.waits = waits;
	s.nwaits = sizeof waits / sizeof waits[0];
	s.blocked = 5;
	objlist_view_confirm(&s, &set, &b);
	assert_string_equal(joined(&b),
			    "Remove SysV semaphore set key 0x00005eed, semid 7?|"
			    "3 semaphores, owner bob\\x1b]0;x, mode 660|"
			    "woken with EIDRM: 500 worker (semop on semaphore 2 (-1), for 1m00s),|"
			    "  501 evil\\x1b[2J (semop)||"
			    "y remove (IPC_RMID)    any other key: cancel|");
	struct objlist_row q = ipc_row(OBJLIST_SYSV_MSG, 9);
	q.wait0 = 2;
	q.nwaits = 2;
	objlist_view_confirm(&s, &q, &b);
	assert_true(b.removable);
	assert_string_equal(joined(&b),
			    "Remove SysV message queue key 0x00005eed, msqid 9?|"
			    "4 messages, 2.0K (2048 bytes) lost with it, owner bob\\x1b]0;x, mode "
			    "660|woken with EIDRM: 600 consumer (msgrcv: a message), 601 producer|"
			    "  (msgsnd: room)||y remove (IPC_RMID)    any other key: cancel|");
	/* a writer's lock whose segment is gone, nobody on it */
	struct objlist_row lock = ipc_row(OBJLIST_SYSV_SEM, 8);
	lock.ipc.nsems = 1;
	lock.mode = 0600;
	lock.lock_orphan = lock.orphan = true;
	objlist_view_confirm(&s, &lock, &b);
	assert_string_equal(joined(&b),
			    "Remove SysV semaphore set key 0x00005eed, semid 8?|"
			    "1 semaphore, owner bob\\x1b]0;x, mode 600|"
			    "a writer's lock whose segment is gone (a new writer on the key "
			    "makes another)|no process waits on it||"
			    "y remove (IPC_RMID)    any other key: cancel|");
	/* a scan that was cut short: unknown, not none */
	s.scan_dropped = 3;
	objlist_view_confirm(&s, &lock, &b);
	assert_non_null(
	    strstr(joined(&b), "|waiters unknown (the last scan could not read every mapping)|"));
	s.scan_dropped = 0;
	/* a segment's futex waiter: named the same way, not woken */
	struct objlist_row seg = sysv_row();
	seg.wait0 = 4;
	seg.nwaits = 1;
	objlist_view_confirm(&s, &seg, &b);
	assert_non_null(
	    strstr(joined(&b), "|waiting on it: 700 reader (futex at offset 0x40)||y remove"));
	/* waits past the list's (a row of another list): not read */
	seg.wait0 = 4;
	seg.nwaits = 3;
	objlist_view_confirm(&s, &seg, &b);
	assert_non_null(strstr(joined(&b), "|no process waits on it||"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection_and_window),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_header_mark),
		cmocka_unit_test(test_col_at),
		cmocka_unit_test(test_row_at),
		cmocka_unit_test(test_slice),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_columns_picked),
		cmocka_unit_test(test_rows_of_every_kind),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_heading_footer_keys),
		cmocka_unit_test(test_narrow),
		cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_confirm_ipc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
