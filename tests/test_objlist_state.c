/* SPDX-License-Identifier: MIT */
/*
 * The object list's state without curses, on made-up rows and a fake
 * clock: the filter line's editing, the selection kept across a sort and a
 * narrowing, the command memo reused while fresh and read again after
 * OBJLIST_STATE_REREAD_NS or for another creator, the orphan memo carrying the
 * flags while a row's inputs are the same and working them out again
 * when they change or OBJLIST_STATE_REREAD_NS has passed, the watch of a removed
 * object's holders saying which exited (a pid started at another time is
 * another process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "objlist_state.h"
#include "procstat.h"

static int64_t fake_now = 1000 * NS_PER_SEC;

int64_t __wrap_clock_mono_ns(void);
int64_t __wrap_clock_mono_ns(void)
{
	return fake_now;
}

#define NOBODY 4194000 /* a pid no process has (above the usual pid_max) */

/* Three SysV rows: shmid 10, 20, 30 of sizes 300, 100, 200, owned by
 * alice, bob, carol; shown in shmid order. */
static void three_rows(struct objlist_state *l)
{
	static const char *owner[] = { "alice", "bob", "carol" };
	static const uint64_t size[] = { 300, 100, 200 };
	assert_int_equal(objlist_state_init(l, SYSVIPC_SORT_SHMID, false), 0);
	for (size_t i = 0; i < 3; i++) {
		struct objlist_row *r = &l->snap.rows[i];
		r->kind = OBJLIST_SYSV;
		r->shm.st.shmid = (int)(10 * (i + 1));
		r->shm.st.key = (key_t)(0x100 + i);
		r->shm.st.size = size[i];
		r->size = size[i];
		r->shm.st.cpid = NOBODY;
		r->shm.st.ctime = 100;
		strcpy(r->owner, owner[i]);
	}
	l->snap.n = 3;
	l->height = 10;
	objlist_state_toggle_orphans(l); /* narrow, twice: all shown */
	objlist_state_toggle_orphans(l);
	assert_int_equal(l->nshown, 3);
}

static void type(struct objlist_state *l, const char *s)
{
	for (; *s; s++)
		assert_true(objlist_state_filter_key(l, (unsigned char)*s));
}

static void test_filter_editing(void **state)
{
	(void)state;
	struct objlist_state l;
	three_rows(&l);
	l.editing = true;
	type(&l, "bo");
	assert_string_equal(l.filter, "bo");
	assert_int_equal(l.nshown, 1);
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	assert_true(objlist_state_filter_key(&l, 127));
	assert_string_equal(l.filter, "b");
	assert_int_equal(l.nshown, 1);
	/* backspace takes a UTF-8 character whole */
	type(&l, "\xc3\xa9");
	assert_int_equal(l.nshown, 0);
	assert_true(objlist_state_filter_key(&l, 8));
	assert_string_equal(l.filter, "b");
	assert_true(objlist_state_filter_key(&l, 8));
	assert_true(objlist_state_filter_key(&l, 8)); /* on an empty line: nothing */
	assert_string_equal(l.filter, "");
	assert_int_equal(l.nshown, 3);
	/* keys that are no bytes are the selection's */
	assert_false(objlist_state_filter_key(&l, 300));
	assert_false(objlist_state_filter_key(&l, 5));
	assert_true(l.editing);
	/* at most OBJLIST_STATE_FILTER_MAX - 1 bytes */
	for (int i = 0; i < OBJLIST_STATE_FILTER_MAX + 10; i++)
		assert_true(objlist_state_filter_key(&l, 'z'));
	assert_int_equal(strlen(l.filter), OBJLIST_STATE_FILTER_MAX - 1);
	assert_int_equal(l.nshown, 0);
	/* Esc clears and closes; Enter closes and keeps */
	assert_true(objlist_state_filter_key(&l, 27));
	assert_string_equal(l.filter, "");
	assert_false(l.editing);
	assert_int_equal(l.nshown, 3);
	l.editing = true;
	type(&l, "carol");
	assert_true(objlist_state_filter_key(&l, '\r'));
	assert_false(l.editing);
	assert_string_equal(l.filter, "carol");
	assert_int_equal(l.nshown, 1);
	/* then Esc out of the line clears what narrows, and a second quits */
	assert_true(objlist_state_unnarrow(&l));
	assert_string_equal(l.filter, "");
	assert_int_equal(l.nshown, 3);
	assert_false(objlist_state_unnarrow(&l));
	objlist_state_free(&l);
}

static void test_selection_kept(void **state)
{
	(void)state;
	struct objlist_state l;
	three_rows(&l);
	objlist_view_move(&l.view, 1);
	objlist_state_moved(&l);
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	/* by size: biggest first, 10 30 20; the selection follows shmid 20 */
	assert_true(objlist_state_sort_key(&l, 's'));
	assert_int_equal(l.sort, SYSVIPC_SORT_SIZE);
	assert_true(l.reverse);
	assert_int_equal(l.snap.rows[l.shown[0]].shm.st.shmid, 10);
	assert_int_equal(l.view.sel, 2);
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	/* the same key again: smallest first */
	assert_true(objlist_state_sort_key(&l, 'S'));
	assert_false(l.reverse);
	assert_int_equal(l.view.sel, 0);
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	assert_false(objlist_state_sort_key(&l, '!'));
	/* a filter that hides it keeps the line; showing it again finds it */
	l.editing = true;
	type(&l, "carol");
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 30);
	objlist_state_filter_key(&l, 27);
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 30);
	objlist_state_free(&l);
}

/* F3: typing jumps to the first match from the selection, F3/n to the
 * next one after it, wrapping; Esc clears. */
static void test_search(void **state)
{
	(void)state;
	struct objlist_state l;
	three_rows(&l);
	l.searching = true;
	assert_true(objlist_state_search_key(&l, 'o'));
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20); /* bob */
	assert_true(objlist_state_search_next(&l, false));
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 30); /* carol */
	assert_true(objlist_state_search_next(&l, false));              /* wrapped */
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	assert_true(objlist_state_search_key(&l, 'b'));
	assert_string_equal(l.search, "ob");
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	assert_true(objlist_state_search_next(&l, false)); /* the only match: itself again */
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	assert_false(objlist_state_search_key(&l, 300)); /* the selection's */
	assert_true(objlist_state_search_key(&l, '\r'));
	assert_false(l.searching);
	assert_string_equal(l.search, "ob");
	assert_int_equal(l.nshown, 3); /* a search narrows nothing */
	l.searching = true;
	assert_true(objlist_state_search_key(&l, 'z'));
	assert_false(objlist_state_search_next(&l, false));
	assert_int_equal(objlist_state_selected(&l)->shm.st.shmid, 20);
	assert_true(objlist_state_search_key(&l, 27));
	assert_string_equal(l.search, "");
	assert_false(l.searching);
	objlist_state_free(&l);
}

/* '<' '>' step through the screen's columns, 'I' inverts, F6's menu sorts
 * by its row on Enter and by nothing on any other key. */
static void test_sort_step(void **state)
{
	(void)state;
	struct objlist_state l;
	three_rows(&l);
	objlist_state_sort_step(&l, 1); /* SHMID -> KIND */
	assert_int_equal(l.sort, SYSVIPC_SORT_KIND);
	objlist_state_sort_step(&l, -1);
	objlist_state_sort_step(&l, -1); /* SHMID -> KEY */
	assert_int_equal(l.sort, SYSVIPC_SORT_KEY);
	objlist_state_sort_step(&l, -1); /* wraps to COMMAND */
	assert_int_equal(l.sort, SYSVIPC_SORT_COMMAND);
	objlist_state_sort_step(&l, 1);
	assert_int_equal(l.sort, SYSVIPC_SORT_KEY);
	for (int i = 0; i < 5; i++) /* KEY SHMID KIND OWNER PERMS SIZE */
		objlist_state_sort_step(&l, 1);
	assert_int_equal(l.sort, SYSVIPC_SORT_SIZE);
	assert_true(l.reverse); /* its first direction: biggest first */
	assert_int_equal(l.snap.rows[l.shown[0]].shm.st.shmid, 10);
	objlist_state_invert(&l);
	assert_false(l.reverse);
	assert_int_equal(l.snap.rows[l.shown[0]].shm.st.shmid, 20);
	objlist_state_sort_menu(&l);
	assert_true(l.menu);
	assert_int_equal(l.menu_sel, OBJLIST_VIEW_SIZE); /* on the current sort */
	objlist_state_menu_key(&l, -2);
	objlist_state_menu_key(&l, 'q'); /* closes, sorts nothing */
	assert_false(l.menu);
	assert_int_equal(l.sort, SYSVIPC_SORT_SIZE);
	objlist_state_sort_menu(&l);
	for (int i = 0; i < 20; i++)
		objlist_state_menu_key(&l, -1); /* stops at the first */
	assert_int_equal(l.menu_sel, 0);
	objlist_state_menu_key(&l, 'j');
	objlist_state_menu_key(&l, '\r');
	assert_false(l.menu);
	assert_int_equal(l.sort, SYSVIPC_SORT_SHMID);
	/* a click on a column's title: its sort in its first direction, the
	 * same again inverts */
	objlist_state_sort_by(&l, SYSVIPC_SORT_SIZE);
	assert_int_equal(l.sort, SYSVIPC_SORT_SIZE);
	assert_true(l.reverse);
	assert_int_equal(l.snap.rows[l.shown[0]].shm.st.shmid, 10);
	objlist_state_sort_by(&l, SYSVIPC_SORT_SIZE);
	assert_false(l.reverse);
	assert_int_equal(l.snap.rows[l.shown[0]].shm.st.shmid, 20);
	objlist_state_sort_by(&l, SYSVIPC_SORT_KEY);
	assert_int_equal(l.sort, SYSVIPC_SORT_KEY);
	assert_false(l.reverse);
	objlist_state_free(&l);
}

/* '<' '>' and the sort menu step over the columns shown: the columns
 * setting's, in its order, and only those that fit the width. */
static void test_sort_step_shown(void **state)
{
	(void)state;
	struct objlist_state l;
	three_rows(&l);
	assert_int_equal(objlist_view_pick_parse("SIZE,KEY,SWAP,OWNER", &l.pick), 0);
	objlist_state_sort_step(&l, 1); /* SHMID is not shown: from the first */
	assert_int_equal(l.sort, SYSVIPC_SORT_SIZE);
	objlist_state_sort_step(&l, 1);
	assert_int_equal(l.sort, SYSVIPC_SORT_KEY);
	objlist_state_sort_step(&l, 1);
	assert_int_equal(l.sort, SYSVIPC_SORT_SWAP);
	l.width = 34;                   /* SWAP is dropped first (37 cells), then OWNER fits */
	objlist_state_sort_step(&l, 1); /* SWAP not shown: from the first */
	assert_int_equal(l.sort, SYSVIPC_SORT_SIZE);
	objlist_state_sort_step(&l, -1); /* wraps to OWNER, past SWAP */
	assert_int_equal(l.sort, SYSVIPC_SORT_OWNER);
	objlist_state_sort_step(&l, -1);
	assert_int_equal(l.sort, SYSVIPC_SORT_KEY);
	enum objlist_col cols[OBJLIST_VIEW_NCOLS];
	assert_int_equal(objlist_state_sortable(&l, cols), 3);
	assert_int_equal(cols[2], OBJLIST_COL_OWNER);
	objlist_state_sort_menu(&l);
	assert_int_equal(l.menu_sel, 1); /* KEY, the second shown */
	for (int i = 0; i < 5; i++)
		objlist_state_menu_key(&l, -2); /* stops at the last shown */
	assert_int_equal(l.menu_sel, 2);
	objlist_state_menu_key(&l, '\r');
	assert_int_equal(l.sort, SYSVIPC_SORT_OWNER);
	objlist_state_free(&l);
}

static void test_command_memo(void **state)
{
	(void)state;
	struct objlist_state l;
	three_rows(&l);
	int64_t t0 = fake_now;
	struct objlist_command_memo *m = &l.memo[0];
	m->shmid = 10;
	m->cpid = NOBODY;
	m->ctime = 100;
	m->at = t0;
	strcpy(m->command, "cached");
	l.nmemo = 1;
	/* fresh: the memo's command, kept with its time */
	fake_now = t0 + OBJLIST_STATE_REREAD_NS - 1;
	objlist_state_commands(&l);
	assert_string_equal(l.snap.rows[0].command, "cached");
	assert_true(l.snap.rows[0].command_read);
	assert_int_equal(l.nmemo, 3);
	assert_true(l.memo[0].at == t0);
	assert_true(l.memo[1].at == fake_now); /* read now */
	/* stale: read again (no such process: no command) */
	fake_now = t0 + OBJLIST_STATE_REREAD_NS;
	l.snap.rows[0].command_read = false;
	l.snap.rows[0].command[0] = '\0';
	objlist_state_commands(&l);
	assert_string_equal(l.snap.rows[0].command, "");
	assert_true(l.memo[0].at == fake_now);
	/* another creator of the same shmid is not the memo's */
	strcpy(l.memo[0].command, "cached");
	l.snap.rows[0].shm.st.ctime = 101;
	l.snap.rows[0].command_read = false;
	l.snap.rows[0].command[0] = '\0';
	objlist_state_commands(&l);
	assert_string_equal(l.snap.rows[0].command, "");
	assert_int_equal(l.memo[0].ctime, 101);
	fake_now = t0;
	objlist_state_free(&l);
}

/* One SysV segment (shmid 7, nattch 0, created by NOBODY at ctime). */
static void write_sysv(const char *path, long ctime)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime "
		   "rss swap\n");
	fprintf(f, "1 7 600 4096 %d 0 0 0 0 0 0 0 0 %ld 0 0\n", NOBODY, ctime);
	fclose(f);
}

/* Where a fake host's list is read from: sysv (write_sysv()), an empty
 * /dev/shm and an empty /proc. */
static char sysv[64], devshm[64], proc[64];

static void fake_host(struct objlist_state *l)
{
	snprintf(sysv, sizeof sysv, "/tmp/shmtop-test-%d-objlist-state", (int)getpid());
	snprintf(devshm, sizeof devshm, "/tmp/shmtop-test-devshm-XXXXXX");
	snprintf(proc, sizeof proc, "/tmp/shmtop-test-proc-XXXXXX");
	assert_non_null(mkdtemp(devshm));
	assert_non_null(mkdtemp(proc));
	write_sysv(sysv, 100);
	assert_int_equal(objlist_state_init(l, SYSVIPC_SORT_SHMID, false), 0);
	l->snap.sysvipc_path = sysv;
	l->snap.sysvsem_path = "/nonexistent/sem"; /* no sets, no queues */
	l->snap.sysvmsg_path = "/nonexistent/msg";
	l->snap.devshm_dir = devshm;
	l->snap.proc_dir = proc;
	l->snap.files_root = proc; /* no known places of files: none of the host's */
	l->height = 10;
}

static void fake_host_free(struct objlist_state *l)
{
	objlist_state_free(l);
	unlink(sysv);
	rmdir(devshm);
	rmdir(proc);
}

static void test_orphan_memo(void **state)
{
	(void)state;
	struct objlist_state l;
	fake_host(&l);
	int64_t t0 = fake_now;
	assert_int_equal(objlist_state_refresh(&l), 0);
	/* the scan of (the empty) proc, taken: the orphans are worked out again */
	int fd = objlist_state_scan_fd(&l);
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		assert_int_equal(poll(&p, 1, 10000), 1);
		assert_int_equal(objlist_state_refresh(&l), 0);
	}
	assert_int_equal(l.snap.n, 1);
	assert_true(l.snap.rows[0].orphan); /* its creator is gone */
	assert_int_equal(l.norphans, 1);
	assert_true(l.orphans[0].orphan);
	/* the same inputs within OBJLIST_STATE_REREAD_NS: the memo's flag */
	l.orphans[0].orphan = false;
	fake_now = t0 + OBJLIST_STATE_REREAD_NS - 1;
	assert_int_equal(objlist_state_refresh(&l), 0);
	assert_false(l.snap.rows[0].orphan);
	assert_int_equal(l.snap.orphans.objects, 0);
	/* OBJLIST_STATE_REREAD_NS passed: worked out again */
	fake_now = t0 + OBJLIST_STATE_REREAD_NS;
	assert_int_equal(objlist_state_refresh(&l), 0);
	assert_true(l.snap.rows[0].orphan);
	/* an input changed (ctime): worked out again */
	l.orphans[0].orphan = false;
	fake_now += 1;
	assert_int_equal(objlist_state_refresh(&l), 0);
	assert_false(l.snap.rows[0].orphan);
	write_sysv(sysv, 101);
	fake_now += 1;
	assert_int_equal(objlist_state_refresh(&l), 0);
	assert_true(l.snap.rows[0].orphan);
	fake_host_free(&l);
	fake_now = t0;
}

static void test_exit_watch(void **state)
{
	(void)state;
	struct objlist_state l;
	fake_host(&l);
	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		/* gone with this test even if an assertion stops it before kill() */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		pause();
		_exit(0);
	}
	char st;
	uint64_t kid_start, my_start;
	assert_int_equal(proc_stat(kid, &st, &kid_start), 0);
	assert_int_equal(proc_stat(getpid(), &st, &my_start), 0);
	l.watch[0] = (struct objlist_watch){ .pid = kid, .start = kid_start, .comm = "kid" };
	l.watch[1] = (struct objlist_watch){ .pid = getpid(), .start = my_start, .comm = "me" };
	l.nwatch = 2;
	strcpy(l.status, "removed x");
	assert_int_equal(objlist_state_refresh(&l), 0);
	assert_string_equal(l.status, "removed x");
	assert_int_equal(l.nwatch, 2);
	kill(kid, SIGKILL);
	assert_int_equal(waitpid(kid, NULL, 0), kid);
	assert_int_equal(objlist_state_refresh(&l), 0);
	char want[128];
	snprintf(want, sizeof want, "removed x; kid (pid %d) exited", (int)kid);
	assert_string_equal(l.status, want);
	assert_int_equal(l.nwatch, 1);
	assert_int_equal(l.watch[0].pid, getpid());
	/* the same pid started at another time is another process: it exited */
	l.watch[0].start = my_start + 1;
	strcpy(l.status, "removed x");
	assert_int_equal(objlist_state_refresh(&l), 0);
	snprintf(want, sizeof want, "removed x; me (pid %d) exited", (int)getpid());
	assert_string_equal(l.status, want);
	assert_int_equal(l.nwatch, 0);
	fake_host_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_editing),  cmocka_unit_test(test_selection_kept),
		cmocka_unit_test(test_search),          cmocka_unit_test(test_sort_step),
		cmocka_unit_test(test_sort_step_shown), cmocka_unit_test(test_command_memo),
		cmocka_unit_test(test_orphan_memo),     cmocka_unit_test(test_exit_watch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
