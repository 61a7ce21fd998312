/* SPDX-License-Identifier: MIT */
/* The detail view of a POSIX, memfd or deleted object: the model's strings
 * from hand-made object list rows, the object's events, the safe look at its
 * first bytes (real files in a directory of the test's own standing in for
 * /dev/shm: a FIFO, a symlink, a name replaced), and the watcher through an
 * object's resize and unlink; a SysV set watched through a file of its
 * own, created, then removed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "escape.h"
#include "events.h"
#include "model.h"
#include "objlist_files.h"
#include "objmon.h"
#include "objpeek.h"
#include "shmtop/shmtop.h"
#include "testutil.h"

#define S INT64_C(1000000000)

static struct objlist_row row;
static struct objlist_holder holders[3];
static struct model_object in;
static struct view_model m;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&row, 0, sizeof row);
	row.kind = OBJLIST_POSIX;
	snprintf(row.name, sizeof row.name, "psm_1234");
	row.dev = makedev(0, 26);
	row.ino = 4711;
	row.size = 8192;
	row.resident = 4096;
	row.have_resident = true;
	row.uid = 0;
	row.gid = 0;
	row.mode = 0640;
	row.mtime = 1700000000;
	holders[0] =
	    (struct objlist_holder){ .pid = 100, .uid = 0, .comm = "python3", .maps_rw = 1 };
	holders[1] = (struct objlist_holder){
		.pid = 200, .uid = 0, .comm = "reader", .maps_ro = 2, .fds = 1
	};
	holders[2] = (struct objlist_holder){ .pid = 300, .uid = 0, .comm = "keeper", .fds = 1 };
	memset(&in, 0, sizeof in);
	in.row = &row;
	in.present = true;
	in.holders = holders;
	in.nholders = 3;
	in.scanned = true;
	in.scan_ns = 1000 * S;
	in.now_wall_ns = 1003 * S;
	in.self_pid = 999;
	in.delay_tenths = 5;
	return 0;
}

static const char *field(const char *label)
{
	for (size_t i = 0; i < m.nfields; i++)
		if (strcmp(m.fields[i].label, label) == 0)
			return m.fields[i].value;
	return NULL;
}

static void test_posix_model(void **state)
{
	(void)state;
	model_build_object(&m, &in);
	assert_string_equal(m.title, "shmtop  posix  psm_1234");
	assert_string_equal(m.badge, "POSIX");
	assert_false(m.have_value);
	assert_string_equal(m.fields_title, "object (stat)");
	assert_string_equal(m.message,
			    "/dev/shm/psm_1234: a POSIX shared memory object (shm_open)");
	assert_string_equal(field("kind"), "posix");
	assert_string_equal(field("name"), "psm_1234");
	assert_string_equal(field("size"), "8192 (8.0K)");
	assert_string_equal(field("resident"), "4096 (4.0K)");
	assert_string_equal(field("owner"), "root:root");
	assert_string_equal(field("perms"), "rw-r----- 0640");
	assert_non_null(strstr(field("mtime"), "2023"));
	assert_string_equal(field("device"), "0:26");
	assert_string_equal(field("inode"), "4711");
	assert_string_equal(field("holders"), "3");
	assert_string_equal(field("orphan"), "no");
	assert_string_equal(field("scanned"), "3s ago");
	assert_true(m.have_procs);
	assert_string_equal(m.procs_title,
			    "holders: 3 processes, 1 only by a descriptor, scanned 3s ago");
	assert_int_equal(m.nprocs, 3);
	assert_string_equal(m.procs[0], "    100 root       rw      python3");
	assert_string_equal(m.procs[1], "    200 root       rox2+fd reader");
	assert_string_equal(m.procs[2], "    300 root       fd      keeper");
	assert_string_equal(m.footer, "a rescan  +/- delay 0.5s  ? help  q quit");

	/* an orphan, before any scan, and gone */
	row.orphan = true;
	in.nholders = 0;
	model_build_object(&m, &in);
	assert_string_equal(field("orphan"), "yes: nobody maps or holds it");
	assert_int_equal(m.tone, TONE_WARN);
	in.scanned = false;
	model_build_object(&m, &in);
	assert_string_equal(field("orphan"), "unknown (no scan yet)");
	assert_string_equal(field("holders"), "not scanned");
	assert_string_equal(field("scanned"), "never");
	assert_string_equal(m.procs_title, "holders: not scanned yet (a scans /proc)");
	in.present = false;
	model_build_object(&m, &in);
	assert_string_equal(m.badge, "GONE");
	assert_int_equal(m.state, MODEL_REMOVED);
	assert_string_equal(m.message, "/dev/shm/psm_1234: gone, was a POSIX shared memory "
				       "object (shm_open)");
}

static void test_memfd_deleted_model(void **state)
{
	(void)state;
	row.kind = OBJLIST_MEMFD;
	snprintf(row.name, sizeof row.name, "pipewire-memfd");
	row.mode = 0;
	row.mtime = 0;
	in.self_pid = 200;
	model_build_object(&m, &in);
	assert_string_equal(m.title, "shmtop  memfd  memfd:pipewire-memfd");
	assert_string_equal(m.badge, "MEMFD");
	assert_string_equal(m.message,
			    "memfd:pipewire-memfd: anonymous shared memory (memfd_create), "
			    "known only through its holders");
	assert_string_equal(field("name"), "memfd:pipewire-memfd");
	assert_null(field("owner")); /* a scan knows no owner or mode */
	assert_null(field("orphan"));
	assert_string_equal(m.procs[1], "    200 root       rox2+fd (this viewer) reader");

	row.kind = OBJLIST_DELETED;
	snprintf(row.name, sizeof row.name, "gone_soon");
	model_build_object(&m, &in);
	assert_string_equal(m.badge, "DELETED");
	assert_string_equal(m.message, "/dev/shm/gone_soon (deleted): a POSIX object unlinked but "
				       "still held: it lives until its holders let go");
}

/* A name's bytes and a command's are the owner's: escaped, the columns kept. */
static void test_hostile_names(void **state)
{
	(void)state;
	char name[256];
	memset(name, 'x', 255);
	name[255] = '\0';
	memcpy(name, "a b\n\xff\\\x1b[2J", 10);
	snprintf(row.name, sizeof row.name, "%s", name);
	snprintf(holders[0].comm, sizeof holders[0].comm, "ev\til\x7f");
	model_build_object(&m, &in);
	/* cut to the field, at a whole escape */
	assert_string_equal(field("name"), "a b\\n\\xff\\\\\\x1b[2Jxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	assert_non_null(strstr(m.message, "/dev/shm/a b\\n\\xff\\\\\\x1b[2Jxxx"));
	assert_string_equal(m.procs[0], "    100 root       rw      ev\\til\\x7f");
	for (const char *p = m.message; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	for (const char *p = m.title; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	char small[7];
	assert_string_equal(escape_str("a\n", small, sizeof small), "a\\n");
	assert_string_equal(escape_str("abcde\n", small, sizeof small),
			    "abcde"); /* whole escapes */
}

static void obs(struct events_objobs *o, uint64_t size, uint64_t res, size_t n, ...)
{
	memset(o, 0, sizeof *o);
	o->present = o->linked = o->scanned = true;
	o->size = size;
	o->resident = res;
	o->nholders = o->npids = n;
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		o->pids[i] = va_arg(ap, int);
		snprintf(o->comm[i], sizeof o->comm[i], "p%d", (int)o->pids[i]);
	}
	va_end(ap);
}

static void test_object_events(void **state)
{
	(void)state;
	struct events_ring r;
	struct events_objobs a, b;
	events_init(&r);
	obs(&a, 4096, 0, 1, 10);
	obs(&b, 4096, 0, 1, 10);
	assert_int_equal(events_obj_diff(&a, &b, S, &r), 0);
	obs(&b, 8192, 4096, 2, 10, 20);
	assert_int_equal(events_obj_diff(&a, &b, S, &r), 3);
	assert_string_equal(events_get(&r, 0)->text, "size 4096 -> 8192 bytes (8.0K)");
	assert_int_equal(events_get(&r, 0)->kind, EVENT_RESIZE);
	assert_string_equal(events_get(&r, 1)->text, "resident 0 -> 4.0K of 8.0K");
	assert_string_equal(events_get(&r, 2)->text, "pid 20 (p20) holds it (2 holders)");
	assert_int_equal(events_get(&r, 2)->pid, 20);
	obs(&a, 8192, 4096, 1, 20);
	a.linked = false;
	assert_int_equal(events_obj_diff(&b, &a, 2 * S, &r), 2);
	assert_string_equal(events_get(&r, 3)->text,
			    "its name was unlinked; 1 process still holds it");
	assert_string_equal(events_get(&r, 4)->text, "pid 10 (p10) let go (1 holder)");
	char line[EVENTS_TEXT + 32];
	events_format(events_get(&r, 4), line, sizeof line);
	assert_string_equal(line, "00:00:02 detach: pid 10 (p10) let go (1 holder)");
	/* no holders compared without a scan on both sides */
	b = a;
	b.scanned = false;
	b.npids = b.nholders = 0;
	assert_int_equal(events_obj_diff(&a, &b, 3 * S, &r), 0);
	b.present = false;
	assert_int_equal(events_obj_diff(&a, &b, 3 * S, &r), 1);
	assert_string_equal(events_get(&r, 5)->text, "the object is gone");
	a.linked = true;
	events_obj_diff(&a, &b, 3 * S, &r);
	assert_string_equal(events_get(&r, 6)->text,
			    "the object is gone: unlinked, and no process holds it");
	assert_int_equal(events_obj_diff(&b, &a, 4 * S, &r), 1);
	assert_string_equal(events_get(&r, 7)->text, "the object is there (8192 bytes)");
	/* a process's name is its own choice: escaped */
	obs(&a, 8192, 4096, 1, 20);
	obs(&b, 8192, 4096, 2, 20, 30);
	snprintf(b.comm[1], sizeof b.comm[1], "\x1b]0;X\x07\xe2\x80\xae");
	assert_int_equal(events_obj_diff(&a, &b, 5 * S, &r), 1);
	assert_string_equal(events_get(&r, 8)->text,
			    "pid 30 (\\x1b]0;X\\x07\\xe2\\x80\\xae) holds it (2 holders)");
}

/* Make dir/name holding text; its device and inode into *st. */
static void make(const char *name, const char *text, struct stat *st)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(stat(path, st), 0);
}

static int setup_dir(void **state)
{
	setup(state);
	snprintf(dir, sizeof dir, "/tmp/shmtop-objmon.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_peek(void **state)
{
	(void)state;
	unsigned char buf[PREVIEW_MAX];
	size_t got;
	uint64_t size;
	char why[128];
	struct stat st, st2;
	make("obj", "hello, world\n", &st);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	assert_int_equal(objpeek_read(dfd, "obj", st.st_dev, st.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 0);
	assert_int_equal(got, 13);
	assert_int_equal(size, 13);
	assert_memory_equal(buf, "hello, world\n", 13);

	/* empty: nothing mapped, no error */
	make("empty", "", &st2);
	assert_int_equal(objpeek_read(dfd, "empty", st2.st_dev, st2.st_ino, 0, buf, sizeof buf,
				      &got, &size, why, sizeof why),
			 0);
	assert_int_equal(got, 0);
	assert_int_equal(size, 0);

	/* bigger than the buffer: the buffer's worth */
	char big[5000];
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	make("big", big, &st2);
	assert_int_equal(objpeek_read(dfd, "big", st2.st_dev, st2.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 0);
	assert_int_equal(got, PREVIEW_MAX);
	assert_int_equal(size, 4999);
	/* a window past the first page, across a page boundary, and its end */
	big[4095] = 'A';
	big[4096] = 'B';
	make("big", big, &st2);
	assert_int_equal(objpeek_read(dfd, "big", st2.st_dev, st2.st_ino, 4000, buf, sizeof buf,
				      &got, &size, why, sizeof why),
			 0);
	assert_int_equal(got, PREVIEW_MAX);
	assert_true(buf[95] == 'A' && buf[96] == 'B' && buf[0] == 'y');
	assert_int_equal(objpeek_read(dfd, "big", st2.st_dev, st2.st_ino, 4864, buf, sizeof buf,
				      &got, &size, why, sizeof why),
			 0);
	assert_int_equal(got, 4999 - 4864);
	assert_int_equal(objpeek_read(dfd, "big", st2.st_dev, st2.st_ino, 4999, buf, sizeof buf,
				      &got, &size, why, sizeof why),
			 0);
	assert_int_equal(got, 0); /* at its end: nothing */

	/* another object under the listed name */
	assert_int_equal(objpeek_read(dfd, "obj", st.st_dev, st.st_ino + 1, 0, buf, sizeof buf,
				      &got, &size, why, sizeof why),
			 -1);
	assert_non_null(strstr(why, "the name is now another object"));
	assert_int_equal(got, 0);

	/* a symlink, a FIFO (must not hang), a directory, names with '/' */
	char path[128], target[128];
	snprintf(path, sizeof path, "%s/link", dir);
	snprintf(target, sizeof target, "%s/obj", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(objpeek_read(dfd, "link", st.st_dev, st.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 -1);
	assert_string_equal(why, "it is a symbolic link, not an object");
	snprintf(path, sizeof path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(objpeek_read(dfd, "fifo", st2.st_dev, st2.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 -1);
	assert_string_equal(why, "not a regular file");
	/* and never opened: a writer waiting for a reader on it still waits */
	pid_t w = fork();
	if (w == 0) {
		int wfd = open(path, O_WRONLY);
		_exit(wfd >= 0 ? 0 : 1);
	}
	nanosleep(&(struct timespec){ .tv_nsec = 50 * NS_PER_MS }, NULL); /* the writer in open() */
	assert_int_equal(objpeek_read(dfd, "fifo", st2.st_dev, st2.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 -1);
	int wst;
	pid_t done = 0;
	for (int i = 0; i < 20 && done == 0; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 10 * NS_PER_MS }, NULL);
		done = waitpid(w, &wst, WNOHANG);
	}
	assert_int_equal(done, 0); /* no reader came */
	kill(w, SIGKILL);
	waitpid(w, &wst, 0);
	assert_int_equal(objpeek_read(dfd, "../etc/passwd", 0, 0, 0, buf, sizeof buf, &got, &size,
				      why, sizeof why),
			 -1);
	assert_false(objpeek_name_ok("a/b"));
	assert_false(objpeek_name_ok(""));
	assert_false(objpeek_name_ok(".."));
	assert_false(objpeek_name_ok("."));
	assert_true(objpeek_name_ok("a b\n\xff"));
	assert_int_equal(
	    objpeek_read(dfd, "none", 0, 0, 0, buf, sizeof buf, &got, &size, why, sizeof why), -1);
	assert_string_equal(why, "it is no longer there");
	/* a device node is looked up, never opened (its open may act: a
	 * watchdog's, a tape's) */
	struct stat null;
	int dev = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(stat("/dev/null", &null), 0);
	assert_int_equal(objpeek_read(dev, "null", null.st_dev, null.st_ino, 0, buf, sizeof buf,
				      &got, &size, why, sizeof why),
			 -1);
	assert_string_equal(why, "not a regular file");
	close(dev);
	/* a folder reached through a symlink (its owner swapped one in): not
	 * opened, so not read */
	char real[128];
	snprintf(path, sizeof path, "%s/sub", dir);
	snprintf(real, sizeof real, "%s/sub.real", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	int sfd = objlist_files_open_dir(path);
	assert_true(sfd >= 0);
	int fd = openat(sfd, "obj", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0 && write(fd, "MMV", 4) == 4 && fstat(fd, &st2) == 0);
	close(fd);
	assert_int_equal(objpeek_read(sfd, "obj", st2.st_dev, st2.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 0);
	close(sfd);
	assert_int_equal(rename(path, real), 0);
	assert_int_equal(symlink(real, path), 0);
	sfd = objlist_files_open_dir(path);
	assert_int_equal(sfd, -1);
	assert_int_equal(objpeek_read(sfd, "obj", st2.st_dev, st2.st_ino, 0, buf, sizeof buf, &got,
				      &size, why, sizeof why),
			 -1);
	assert_string_equal(why, "cannot open its folder: a symbolic link on the way");
	close(dfd);
}

/* The watcher on a file of the test's directory: a preview, a resize seen
 * by the next poll, then the name unlinked. */
static void test_watch(void **state)
{
	(void)state;
	struct stat st;
	make("watched", "12345", &st);
	struct objlist inv;
	memset(&inv, 0, sizeof inv);
	inv.devshm_dir = dir;
	snprintf(row.name, sizeof row.name, "watched");
	row.dev = st.st_dev;
	row.ino = st.st_ino;
	row.size = 5;
	objmon *o = objmon_new(&inv, &row);
	assert_non_null(o);
	objmon_poll(o);
	struct preview pv;
	objmon_preview(o, 70, &pv);
	assert_true(pv.text);
	assert_string_equal(pv.title, "preview: text, first 5 of 5 bytes");
	assert_string_equal(pv.lines[0], "12345");
	struct model_object mi;
	objmon_input(o, &mi);
	assert_true(mi.present);
	assert_int_equal(mi.row->size, 5);
	assert_int_equal(mi.self_pid, getpid());

	char path[128];
	snprintf(path, sizeof path, "%s/watched", dir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("6789", f);
	fclose(f);
	objmon_poll(o);
	objmon_input(o, &mi);
	assert_int_equal(mi.row->size, 9);
	const struct events_ring *r = objmon_events(o);
	assert_true(events_count(r) >= 1);
	assert_string_equal(events_get(r, 0)->text, "size 5 -> 9 bytes (9)");

	/* SysV rows are the monitor's */
	struct objlist_row sysv = row;
	sysv.kind = OBJLIST_SYSV;
	assert_null(objmon_new(&inv, &sysv));

	assert_int_equal(unlink(path), 0);
	objmon_poll(o);
	objmon_input(o, &mi);
	objmon_preview(o, 70, &pv);
	assert_string_equal(pv.title, "preview: none");
	assert_string_equal(pv.lines[0],
			    "no preview: the object is deleted; only its holders can reach it");
	model_build_object(&m, &mi);
	assert_false(mi.present); /* nobody holds it */
	assert_string_equal(m.badge, "GONE");
	assert_string_equal(events_get(r, events_count(r) - 1)->text,
			    "the object is gone: unlinked, and no process holds it");
	objmon_free(o);
}

/* A memfd row never previews. */
static void test_memfd_no_preview(void **state)
{
	(void)state;
	struct objlist inv;
	memset(&inv, 0, sizeof inv);
	inv.devshm_dir = dir;
	row.kind = OBJLIST_MEMFD;
	objmon *o = objmon_new(&inv, &row);
	assert_non_null(o);
	objmon_poll(o);
	struct preview pv;
	objmon_preview(o, 70, &pv);
	assert_string_equal(pv.lines[0], "no preview: a memfd object has no path to open");
	objmon_free(o);
}

/* A watcher on dir/name, made with bytes (n of them), as a POSIX object. */
static objmon *watch_bytes(const char *name, const void *bytes, size_t n, struct objlist *inv)
{
	char path[128];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	fclose(f);
	assert_int_equal(stat(path, &st), 0);
	memset(inv, 0, sizeof *inv);
	inv->devshm_dir = dir;
	snprintf(row.name, sizeof row.name, "%s", name);
	row.dev = st.st_dev;
	row.ino = st.st_ino;
	row.size = (uint64_t)n;
	objmon *o = objmon_new(inv, &row);
	assert_non_null(o);
	return o;
}

/* Overwrite dir/name's first bytes in place (same inode, as a writer
 * through its mapping does). */
static void rewrite(const char *name, const char *text, size_t n)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* The model of o as the detail view builds it, at now_mono + ahead. */
static void build(objmon *o, int64_t ahead)
{
	objmon_input(o, &in);
	in.held.now_mono += ahead;
	in.held.spark_mode = SPARK_VALUE;
	in.delay_tenths = 5;
	model_build_object(&m, &in);
}

/* A text counter's bytes decoded: its value, a sample per change seen,
 * RUNNING while it changes, STALLED once it stops; the object's fields
 * and holders still there. */
static void test_text_counter(void **state)
{
	(void)state;
	struct objlist inv;
	objmon *o = watch_bytes("ctr", "12345\0", 6, &inv);
	objmon_poll(o);
	enum model_state st;
	const char *why;
	const struct content *c = objmon_content(o, &st, &why);
	assert_non_null(c);
	assert_int_equal(st, MODEL_LIVE);
	assert_string_equal(why, "");
	assert_int_equal(c->nctr, 1);
	assert_int_equal(c->ctr[0].value, 12345);
	assert_int_equal(c->nhist, 1);
	objmon_poll(o); /* unchanged: no sample */
	assert_int_equal(objmon_content(o, &st, &why)->nhist, 1);
	rewrite("ctr", "12346", 5);
	objmon_poll(o);
	c = objmon_content(o, &st, &why);
	assert_int_equal(c->ctr[0].value, 12346);
	assert_int_equal(c->nhist, 2);
	assert_int_equal(c->hist[1].value, 12346);
	struct preview pv; /* the preview from the same mapping, as changed */
	objmon_preview(o, 70, &pv);
	assert_string_equal(pv.lines[0], "12346");

	build(o, 0);
	assert_true(m.have_value);
	assert_string_equal(m.value, "12346");
	assert_string_equal(m.badge, "RUNNING");
	assert_int_equal(m.state, MODEL_LIVE);
	assert_int_equal(m.ncounters, 0); /* one counter: no table */
	assert_non_null(strstr(m.details, "rate "));
	assert_non_null(strstr(m.writer, "writer unknown"));
	assert_non_null(strstr(m.footer, "c clear"));
	assert_string_equal(field("kind"), "posix");
	assert_string_equal(field("name"), "ctr");
	assert_true(m.have_procs);
	assert_string_equal(m.message, "");
	build(o, 10 * S); /* no change for 10 s */
	assert_string_equal(m.badge, "STALLED");
	objmon_clear_history(o);
	assert_int_equal(objmon_content(o, &st, &why)->nhist, 0);
	/* unlinked: no name to open, nothing decoded, shown as before */
	char path[128];
	snprintf(path, sizeof path, "%s/ctr", dir);
	assert_int_equal(unlink(path), 0);
	objmon_poll(o);
	assert_null(objmon_content(o, &st, &why));
	assert_string_equal(why, "");
	build(o, 0);
	assert_false(m.have_value);
	assert_null(strchr(m.message, ';'));
	objmon_free(o);
}

/* Bigger than OBJMON_MAP_MAX: not decoded, and why; the preview still
 * there. */
static void test_too_big(void **state)
{
	(void)state;
	struct objlist inv;
	objmon *o = watch_bytes("big", "42", 3, &inv);
	char path[128];
	snprintf(path, sizeof path, "%s/big", dir);
	assert_int_equal(truncate(path, (off_t)OBJMON_MAP_MAX + 1), 0); /* sparse */
	objmon_poll(o);
	enum model_state st;
	const char *why;
	assert_null(objmon_content(o, &st, &why));
	assert_string_equal(why, "not decoded: 67108865 bytes, more than the 64 MiB read");
	struct preview pv;
	objmon_preview(o, 70, &pv);
	assert_string_equal(pv.lines[0], "42");
	assert_int_equal(truncate(path, 4096), 0);
	objmon_poll(o);
	assert_int_equal(objmon_content(o, &st, &why)->ctr[0].value, 42);
	objmon_free(o);
}

/* Bytes of no format: no value, the refusal after what the object is, as
 * a foreign segment's; the preview still there. */
static void test_refusal(void **state)
{
	(void)state;
	struct objlist inv;
	objmon *o = watch_bytes("junk", "123x and more", 13, &inv);
	objmon_poll(o);
	enum model_state st;
	const char *why;
	assert_null(objmon_content(o, &st, &why));
	assert_int_equal(st, MODEL_FOREIGN);
	assert_string_equal(why, "not a text counter: no NUL after the digits");
	build(o, 0);
	assert_false(m.have_value);
	assert_string_equal(m.badge, "POSIX");
	char want[200];
	snprintf(want, sizeof want,
		 "%s/junk: a POSIX shared memory object (shm_open); not a text counter: no NUL "
		 "after the digits",
		 dir);
	assert_string_equal(m.message, want);
	struct preview pv;
	objmon_preview(o, 70, &pv);
	assert_string_equal(pv.lines[0], "123x and more");
	objmon_free(o);
}

/* Truncated to nothing between polls: no value, and why; grown back: the
 * value again.  Truncated and grown while polled (a child flipping it):
 * never a crash, each poll live or saying why. */
static void test_truncated(void **state)
{
	(void)state;
	struct objlist inv;
	char page[4096] = "777";
	objmon *o = watch_bytes("trunc", page, sizeof page, &inv);
	objmon_poll(o);
	enum model_state st;
	const char *why;
	assert_non_null(objmon_content(o, &st, &why));
	char path[128];
	snprintf(path, sizeof path, "%s/trunc", dir);
	assert_int_equal(truncate(path, 0), 0);
	objmon_poll(o);
	assert_null(objmon_content(o, &st, &why));
	assert_string_equal(why, "not decoded: the object is empty");
	build(o, 0);
	assert_false(m.have_value);
	assert_non_null(strstr(m.message, "; not decoded: the object is empty"));
	assert_int_equal(truncate(path, 4096), 0);
	rewrite("trunc", "778", 4);
	objmon_poll(o);
	assert_int_equal(objmon_content(o, &st, &why)->ctr[0].value, 778);

	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		for (int i = 0; i < 20000; i++)
			if (truncate(path, i % 2 ? 0 : 4096) < 0)
				_exit(1);
		_exit(0);
	}
	size_t live = 0, said = 0;
	for (int i = 0; i < 3000; i++) {
		objmon_poll(o);
		const struct content *c = objmon_content(o, &st, &why);
		live += c && st == MODEL_LIVE;
		said += !c && why[0];
	}
	int ws;
	assert_int_equal(waitpid(kid, &ws, 0), kid);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	assert_int_equal(live + said, 3000);
	objmon_free(o);
}

/* A version 3 record's bytes copied into a file: its named counters, the
 * counters table, j/k's selection. */
/* The pid of a child that has exited and been reaped. */
static pid_t gone_pid(void)
{
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	return child;
}

/* A file whose bytes name their writer (PCP MMV's PROCESS flag: a pid, no
 * start time): alive while that pid is, dead once it has gone, as the
 * segment dashboard judges a shmwriter. */
static void test_named_writer(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/v1.mmv", MMV_FIXTURES);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static unsigned char mmv[65536];
	size_t n = fread(mmv, 1, sizeof mmv, f);
	fclose(f);
	assert_true(n > 40 && n < sizeof mmv);
	/* the header's process field (after magic, version, g1, g2, tocs,
	 * flags): this test's own pid, then a child's that has exited */
	int32_t pid = (int32_t)getpid();
	memcpy(mmv + 32, &pid, sizeof pid);
	struct objlist inv;
	objmon *o = watch_bytes("live.mmv", mmv, n, &inv);
	objmon_poll(o);
	enum model_state st;
	const char *w;
	const struct content *c = objmon_content(o, &st, &w);
	assert_non_null(c);
	assert_true(c->status.known);
	assert_int_equal(c->status.pid, pid);
	build(o, 0);
	assert_int_equal(m.health, HEALTH_RUNNING);
	assert_non_null(strstr(m.writer, "alive"));
	objmon_free(o);

	pid = (int32_t)gone_pid();
	memcpy(mmv + 32, &pid, sizeof pid);
	o = watch_bytes("gone.mmv", mmv, n, &inv);
	objmon_poll(o);
	build(o, 0);
	assert_int_equal(m.health, HEALTH_DEAD);
	assert_null(strstr(m.writer, "alive"));
	/* the file says no state of its writer's: none is made up */
	assert_null(strstr(m.writer, "running"));
	assert_null(strstr(m.writer, "flat out"));
	objmon_free(o);
}

/* A JVM's hsperfdata at .../hsperfdata_USER/PID: the path names the
 * writer (the bytes do not), alive or dead as PID is, with its command;
 * a USER here who does not own the file names none. */
static objmon *watch_jvm(const char *user, pid_t pid, const unsigned char *b, size_t n,
			 struct objlist *inv)
{
	char sub[160], name[96];
	snprintf(sub, sizeof sub, "%s/hsperfdata_%s", dir, user);
	assert_true(mkdir(sub, 0700) == 0 || errno == EEXIST);
	snprintf(name, sizeof name, "hsperfdata_%s/%d", user, (int)pid);
	objmon *o = watch_bytes(name, b, n, inv);
	objmon_free(o);
	row.kind = OBJLIST_FILE; /* a file's row names it by its path */
	snprintf(row.name, sizeof row.name, "%s/%s", dir, name);
	row.uid = getuid();
	o = objmon_new(inv, &row);
	assert_non_null(o);
	objmon_poll(o);
	return o;
}

static void test_jvm_writer(void **state)
{
	(void)state;
	FILE *f = fopen(HSPERF_FIXTURE, "rb");
	assert_non_null(f);
	static unsigned char b[65536];
	size_t n = fread(b, 1, sizeof b, f);
	fclose(f);
	assert_true(n > 1024 && n < sizeof b);
	char me[64];
	struct passwd *pw = getpwuid(getuid());
	assert_non_null(pw);
	snprintf(me, sizeof me, "%s", pw->pw_name);
	struct objlist inv;
	objmon *o = watch_jvm(me, getpid(), b, n, &inv);
	enum model_state st;
	const char *w;
	const struct content *c = objmon_content(o, &st, &w);
	assert_non_null(c);
	assert_int_equal(st, MODEL_LIVE);
	assert_true(c->status.known);
	assert_int_equal(c->status.pid, getpid());
	build(o, 0);
	assert_int_equal(m.health, HEALTH_RUNNING);
	assert_string_equal(m.badge, "RUNNING");
	char want[64];
	snprintf(want, sizeof want, "writer pid %d (test_objmon) alive", (int)getpid());
	assert_non_null(strstr(m.writer, want));
	objmon_free(o);

	o = watch_jvm(me, gone_pid(), b, n, &inv);
	build(o, 0);
	assert_int_equal(m.health, HEALTH_DEAD);
	assert_string_equal(m.badge, "DEAD");
	objmon_free(o);

	/* another user's name on our file: no writer claimed */
	const char *other = getuid() == 0 ? "nobody" : "root";
	if (getpwnam(other)) {
		o = watch_jvm(other, getpid(), b, n, &inv);
		c = objmon_content(o, &st, &w);
		assert_non_null(c);
		assert_false(c->status.known);
		objmon_free(o);
	}
}

static void test_v3_file(void **state)
{
	(void)state;
	char why[256];
	struct shmtop_options po = { .key = test_key(1),
				     .capacity = 4,
				     .history = 16,
				     .period_ns = 1000,
				     .accept = SHMTOP_ACCEPT_ALL };
	shmtop_publisher *p = shmtop_open(&po, why, sizeof why);
	assert_non_null(p);
	struct shmtop_counter ctr[3];
	const char *names[] = { "requests", "bytes", "level" };
	for (int i = 0; i < 3; i++)
		assert_int_equal(shmtop_declare(p, names[i], i == 2 ? SHMTOP_GAUGE : SHMTOP_COUNTER,
						i == 1 ? "B" : "", &ctr[i], why, sizeof why),
				 0);
	for (int s = 0; s < 4; s++) {
		for (int i = 0; i < 3; i++)
			shmtop_add(ctr[i], (uint64_t)(i + 1));
		nanosleep(&(struct timespec){ .tv_nsec = 2000 }, NULL);
		shmtop_step(p);
	}
	int id = shmget(po.key, 0, 0);
	assert_true(id >= 0);
	struct shmid_ds ds;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	const void *seg = shmat(id, NULL, SHM_RDONLY);
	assert_true(seg != (void *)-1);
	struct objlist inv;
	objmon *o = watch_bytes("v3", seg, ds.shm_segsz, &inv);
	shmdt(seg);
	shmtop_close(p);
	test_remove_key(po.key);
	objmon_poll(o);
	enum model_state st;
	const char *w;
	const struct content *c = objmon_content(o, &st, &w);
	assert_non_null(c);
	assert_int_equal(st, MODEL_LIVE);
	assert_int_equal(c->nctr, 3);
	assert_string_equal(c->ctr[0].name, "requests");
	assert_int_equal(c->ctr[0].value, 4);
	assert_int_equal(c->ctr[1].value, 8);
	build(o, 0);
	assert_true(m.have_value);
	assert_string_equal(m.value, "4");
	assert_int_equal(m.ncounters, 3);
	assert_int_equal(m.table_rows, 3);
	assert_non_null(strstr(m.table[0], "requests"));
	assert_non_null(strstr(m.footer, "j/k select"));
	assert_string_equal(field("kind"), "posix");
	objmon_select(o, 1);
	build(o, 0);
	assert_string_equal(m.selected, "bytes");
	assert_string_equal(m.value, "8");
	objmon_free(o);
}

/* A folder of prometheus_client's files (the fixture's, one worker this
 * process, which maps its counter file as the library does, the other a
 * child that has exited) as one object: decoded by the folder format each
 * poll, the heading its files and those of dead processes, its holders
 * those of its files. */
static void test_folder(void **state)
{
	(void)state;
	static const char *const kinds[] = { "counter",   "gauge_all", "gauge_livesum", "gauge_max",
					     "gauge_min", "histogram", "summary" };
	pid_t gone = fork();
	assert_true(gone >= 0);
	if (gone == 0)
		_exit(0);
	assert_int_equal(waitpid(gone, NULL, 0), gone);
	char path[PATH_MAX], to[PATH_MAX + 64], mine[PATH_MAX + 64];
	assert_non_null(realpath(dir, path));
	static unsigned char b[4096];
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		for (int w = 0; w < 2; w++) {
			snprintf(to, sizeof to, "%s/%s_%d.db", PROM_FIXTURES, kinds[k], 32690 + w);
			FILE *f = fopen(to, "rb");
			assert_non_null(f);
			size_t n = fread(b, 1, sizeof b, f);
			fclose(f);
			snprintf(to, sizeof to, "%s/%s_%d.db", path, kinds[k],
				 w ? (int)getpid() : (int)gone);
			f = fopen(to, "wb");
			assert_non_null(f);
			assert_int_equal(fwrite(b, 1, n, f), n);
			fclose(f);
			if (!k && w)
				snprintf(mine, sizeof mine, "%s", to);
		}
	int fd = open(mine, O_RDWR);
	assert_true(fd >= 0);
	void *map = mmap(NULL, 248, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(map != MAP_FAILED);
	close(fd);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(objlist_file_row(fd, path, &row), 0);
	close(fd);
	assert_true(row.folder);
	struct objlist inv;
	memset(&inv, 0, sizeof inv);
	inv.devshm_dir = NULL; /* dir is not /dev/shm here */
	objmon *o = objmon_new(&inv, &row);
	assert_non_null(o);
	objmon_poll(o);
	enum model_state st;
	const char *w;
	const struct content *c = objmon_content(o, &st, &w);
	assert_non_null(c);
	assert_int_equal(st, MODEL_LIVE);
	assert_int_equal(c->nctr, 15);
	assert_int_equal(c->files.files, 14);
	assert_int_equal(c->files.dead, 7);
	build(o, 0);
	assert_string_equal(m.message, "14 files (2.2K), 7 of dead processes (1.1K)");
	assert_int_equal(m.ncounters, 15);
	assert_string_equal(field("size"), "2288 (2.2K)");
	bool held = false;
	for (size_t i = 0; i < in.nholders; i++)
		held |= in.holders[i].pid == getpid() && in.holders[i].maps_rw > 0;
	assert_true(held);
	objmon_select(o, 1);
	build(o, 0);
	assert_string_equal(m.selected, "jobs_total{kind=\"plain\",where=\"x\"}");
	struct preview pv;
	objmon_preview(o, 80, &pv);
	assert_string_equal(pv.lines[0], "no preview: a folder, its files read as one");
	objmon_free(o);
	munmap(map, 248);
}

/* path: a /proc/sysvipc/sem of the test's own, with lines. */
static void sem_file(const char *path, const char *lines)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"       key      semid perms      nsems   uid   gid  cuid  cgid      otime      "
		"ctime\n%s",
		lines);
	assert_int_equal(fclose(f), 0);
}

/* A set watched through a file of its own (no kernel object: its values
 * not read, said so): created at its ctime first, then removed when its
 * line goes, or when another set is on its id (its key differs); the view
 * then says removed and stays so. */
static void test_sysv_set(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/sem", dir);
	sem_file(path, "      1234         42   600          3     0     0     0     0          0 "
		       "1700000000\n");
	struct objlist s = { .sysvsem_path = path, .scanned = true };
	struct objlist_row r = { .kind = OBJLIST_SYSV_SEM };
	r.ipc = (struct sysvipc_ipc){ .file = SYSVIPC_SEM,
				      .key = 1234,
				      .id = 42,
				      .mode = 0600,
				      .nsems = 3,
				      .ctime = 1700000000 };
	objmon *o = objmon_new(&s, &r);
	assert_non_null(o);
	assert_true(objmon_ipc(o));
	objmon_poll(o);
	objmon_input(o, &in);
	assert_true(in.present);
	assert_non_null(in.ipc);
	assert_false(in.ipc->values_ok);
	assert_null(in.held.content);
	assert_string_equal(in.held.why, "values not read (a file, not the kernel's)");
	const struct events_ring *ring = objmon_events(o);
	assert_int_equal(events_count(ring), 1);
	assert_int_equal(events_get(ring, 0)->kind, EVENT_CREATED);
	assert_int_equal(events_get(ring, 0)->wall_ns, INT64_C(1700000000) * S);
	/* another set on the id: removed */
	sem_file(path, "      9999         42   600          3     0     0     0     0          0 "
		       "1700000000\n");
	objmon_poll(o);
	objmon_input(o, &in);
	assert_false(in.present);
	assert_int_equal(events_count(ring), 2);
	assert_int_equal(events_get(ring, 1)->kind, EVENT_REMOVED);
	assert_non_null(strstr(events_get(ring, 1)->text, "another object"));
	model_build_object(&m, &in);
	assert_string_equal(m.badge, "GONE");
	/* the line back: still removed, nothing more logged */
	sem_file(path, "      1234         42   600          3     0     0     0     0          0 "
		       "1700000000\n");
	objmon_poll(o);
	objmon_input(o, &in);
	assert_false(in.present);
	assert_int_equal(events_count(ring), 2);
	objmon_free(o);
	/* the id gone */
	o = objmon_new(&s, &r);
	assert_non_null(o);
	objmon_poll(o);
	sem_file(path, "");
	objmon_poll(o);
	objmon_input(o, &in);
	assert_false(in.present);
	ring = objmon_events(o);
	assert_int_equal(events_get(ring, events_count(ring) - 1)->kind, EVENT_REMOVED);
	assert_non_null(strstr(events_get(ring, events_count(ring) - 1)->text, "no longer listed"));
	objmon_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_posix_model, setup),
		cmocka_unit_test_setup(test_memfd_deleted_model, setup),
		cmocka_unit_test_setup(test_hostile_names, setup),
		cmocka_unit_test_setup(test_object_events, setup),
		cmocka_unit_test_setup_teardown(test_peek, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_watch, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_memfd_no_preview, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_text_counter, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_refusal, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_truncated, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_too_big, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_v3_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_named_writer, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_folder, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_jvm_writer, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_sysv_set, setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
