/* SPDX-License-Identifier: MIT */
/*
 * The object list of every kind: the maps and fd parsers on made-up lines,
 * then real objects of each kind made here (a POSIX object mapped read-write
 * here and read-only by a child, one held only by an fd, one unlinked while
 * mapped, a memfd, a semaphore, a SysV segment whose creator exited) found
 * by a scan with the right sizes, resident bytes and holders; orphans;
 * truncation; the filter; removal and its refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "objlist.h"
#include "objlist_scan.h"
#include "testutil.h"

static void test_map_line(void **state)
{
	(void)state;
	struct objlist_scan_ref r;
	assert_int_equal(
	    objlist_scan_map_line("7f3b276d0000-7f3b276d3000 rw-s 00000000 00:1b 2          "
				  "                /dev/shm/t13a\n",
				  &r),
	    1);
	assert_int_equal(r.kind, OBJLIST_POSIX);
	assert_string_equal(r.name, "t13a");
	assert_false(r.deleted);
	assert_true(r.write);
	assert_int_equal(r.dev, makedev(0, 0x1b));
	assert_int_equal(r.ino, 2);
	assert_int_equal(r.end - r.start, 0x3000);

	assert_int_equal(
	    objlist_scan_map_line("7f15-7f17 r--s 00001000 00:01 1059083 /memfd:my buf "
				  "(deleted)",
				  &r),
	    1);
	assert_int_equal(r.kind, OBJLIST_MEMFD);
	assert_string_equal(r.name, "my buf");
	assert_true(r.deleted);
	assert_false(r.write);
	assert_int_equal(r.offset, 0x1000);

	assert_int_equal(objlist_scan_map_line(
			     "7fad-7fae rw-s 00000000 00:01 32770 /SYSV00002537 (deleted)", &r),
			 1);
	assert_int_equal(r.kind, OBJLIST_SYSV);
	assert_int_equal(r.ino, 32770);
	assert_int_equal(r.key, 0x2537);
	assert_string_equal(r.name, "");

	assert_int_equal(
	    objlist_scan_map_line("7fad-7fae rw-s 00000000 00:1b 5 /dev/shm/x (deleted) "
				  "(deleted)",
				  &r),
	    1);
	assert_string_equal(r.name, "x (deleted)"); /* a name may end so itself */
	assert_true(r.deleted);

	/* Not shared memory, and not maps lines at all. */
	assert_int_equal(
	    objlist_scan_map_line("55f9-55fa r--p 00000000 fe:00 5310818 /usr/bin/cat", &r), 0);
	assert_int_equal(objlist_scan_map_line("55f9-55fa rw-p 00000000 00:00 0   [heap]", &r), 0);
	assert_int_equal(objlist_scan_map_line("55f9-55fa rw-p 00000000 00:00 0", &r), 0);
	assert_int_equal(objlist_scan_map_line("7fad-7fae rw-s 00000000 00:01 3 /SYSVxyz", &r), 0);
	assert_int_equal(
	    objlist_scan_map_line("7fad-7fae rw-s 00000000 00:01 3 /SYSV1234567 (deleted)", &r), 0);
	assert_int_equal(objlist_scan_map_line("garbage", &r), -1);
	assert_int_equal(objlist_scan_map_line("", &r), -1);
	assert_int_equal(objlist_scan_map_line("7fae-7fad rw-s 00000000 00:01 3 /memfd:x", &r), -1);

	/* A name longer than a file name can be is cut, not overrun. */
	char line[600];
	int n = snprintf(line, sizeof line, "1000-2000 rw-s 00000000 00:1b 9 /dev/shm/");
	memset(line + n, 'a', 400);
	line[n + 400] = '\0';
	assert_int_equal(objlist_scan_map_line(line, &r), 1);
	assert_int_equal(strlen(r.name), OBJLIST_NAME_MAX - 1);
}

static void test_path(void **state)
{
	(void)state;
	struct objlist_scan_ref r;
	memset(&r, 0, sizeof r);
	assert_true(objlist_scan_path("/dev/shm/sem.a", &r));
	assert_int_equal(r.kind, OBJLIST_POSIX);
	assert_string_equal(r.name, "sem.a");
	assert_true(objlist_scan_path("/memfd:pulseaudio (deleted)", &r));
	assert_int_equal(r.kind, OBJLIST_MEMFD);
	assert_string_equal(r.name, "pulseaudio");
	assert_false(objlist_scan_path("/dev/shmx", &r));
	assert_false(objlist_scan_path("socket:[1234]", &r));
	assert_false(objlist_scan_path("/tmp/dev/shm/a", &r));
}

/* Names of this run's objects, unique to it. */
static char name_a[64], name_fd[64], name_del[64], name_sem[64], name_memfd[64];

static int setup(void **state)
{
	(void)state;
	int id = getpid();
	snprintf(name_a, sizeof name_a, "shmtop-test-%d-a", id);
	snprintf(name_fd, sizeof name_fd, "shmtop-test-%d-fd", id);
	snprintf(name_del, sizeof name_del, "shmtop-test-%d-del", id);
	snprintf(name_sem, sizeof name_sem, "shmtop-test-%d-sem", id);
	snprintf(name_memfd, sizeof name_memfd, "shmtop-test-%d-memfd", id);
	return 0;
}

static void unlink_all(void)
{
	char p[80];
	const char *names[] = { name_a, name_fd, name_del };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "/%s", names[i]);
		shm_unlink(p);
	}
	snprintf(p, sizeof p, "/%s", name_sem);
	sem_unlink(p);
}

/* A child holding an object, killed however the test ends. */
static pid_t holder_child;

static int teardown(void **state)
{
	(void)state;
	if (holder_child > 0) {
		kill(holder_child, SIGKILL);
		waitpid(holder_child, NULL, 0);
		holder_child = 0;
	}
	unlink_all();
	return 0;
}

/* shm_open /name, sized and written; the fd. */
static int make_posix(const char *name, size_t size, size_t touch)
{
	char p[80];
	snprintf(p, sizeof p, "/%s", name);
	int fd = shm_open(p, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	char buf[4096];
	memset(buf, 'x', sizeof buf);
	for (size_t done = 0; done < touch; done += sizeof buf)
		assert_true(pwrite(fd, buf, sizeof buf, (off_t)done) > 0);
	return fd;
}

static struct objlist_row rows[4096];

static void collect(struct objlist *s, unsigned flags)
{
	s->rows = rows;
	s->max = sizeof rows / sizeof *rows;
	assert_int_equal(objlist_collect(s, flags), 0);
}

static const struct objlist_row *find_name(const struct objlist *s, enum objlist_kind k,
					   const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == k && strcmp(s->rows[i].name, name) == 0)
			return &s->rows[i];
	return NULL;
}

static const struct objlist_row none_row;
static const struct objlist_holder none_holder;

/* The row of kind k named name, failing the test if there is none. */
static const struct objlist_row *get_name(const struct objlist *s, enum objlist_kind k,
					  const char *name)
{
	const struct objlist_row *r = find_name(s, k, name);
	if (!r)
		fail_msg("no %s object named %s", objlist_kind_name(k), name);
	return r ? r : &none_row;
}

/* The holder pid of r, failing the test if it is not one. */
static const struct objlist_holder *holder(const struct objlist *s, const struct objlist_row *r,
					   pid_t pid)
{
	for (size_t i = 0; i < r->nholders; i++)
		if (s->holders[r->holder0 + i].pid == pid)
			return &s->holders[r->holder0 + i];
	fail_msg("pid %d does not hold %s", (int)pid, r->name);
	return &none_holder;
}

/* Is pid a holder of r? */
static bool holds(const struct objlist *s, const struct objlist_row *r, pid_t pid)
{
	for (size_t i = 0; i < r->nholders; i++)
		if (s->holders[r->holder0 + i].pid == pid)
			return true;
	return false;
}

/* The SysV row of shmid, failing the test if there is none. */
static const struct objlist_row *get_shmid(const struct objlist *s, int shmid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == OBJLIST_SYSV && s->rows[i].shm.st.shmid == shmid)
			return &s->rows[i];
	fail_msg("no segment %d", shmid);
	return &none_row;
}

/* A format_of() that says what it was given: the first 64 bytes of an
 * object of pages, the first written (make_posix() writes x). */
static const char *head_named(const unsigned char *head, size_t n, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	return n == OBJLIST_HEAD && size % (uint64_t)page == 0 && head[0] == 'x'
		   ? "64 of a page-long object"
		   : "other";
}

/* Every kind, found with its sizes and holders. */
static void test_every_kind(void **state)
{
	(void)state;
	long page = sysconf(_SC_PAGESIZE);
	/* posix: 3 pages, 2 written, mapped rw here and ro by a child */
	int fa = make_posix(name_a, 3 * (size_t)page, 2 * (size_t)page);
	void *pa = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	assert_true(pa != MAP_FAILED);
	close(fa);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t child = holder_child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		munmap(pa, 3 * (size_t)page); /* the parent's, inherited */
		char p[80];
		snprintf(p, sizeof p, "/%s", name_a);
		int fd = shm_open(p, O_RDONLY, 0);
		void *m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			_exit(1);
		close(fd);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	/* held by an fd only: 5 pages, 1 written */
	int ffd = make_posix(name_fd, 5 * (size_t)page, (size_t)page);
	/* unlinked while mapped */
	int fdel = make_posix(name_del, 2 * (size_t)page, 2 * (size_t)page);
	void *pdel = mmap(NULL, 2 * (size_t)page, PROT_READ, MAP_SHARED, fdel, 0);
	assert_true(pdel != MAP_FAILED);
	close(fdel);
	char p[80];
	snprintf(p, sizeof p, "/%s", name_del);
	assert_int_equal(shm_unlink(p), 0);
	/* a memfd, 4 pages, mapped and held */
	int mfd = memfd_create(name_memfd, MFD_CLOEXEC);
	assert_true(mfd >= 0);
	assert_int_equal(ftruncate(mfd, 4 * page), 0);
	char *pm = mmap(NULL, 4 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	assert_true(pm != MAP_FAILED);
	memset(pm, 1, 3 * (size_t)page);
	/* a semaphore */
	snprintf(p, sizeof p, "/%s", name_sem);
	sem_t *sem = sem_open(p, O_CREAT | O_EXCL, 0600, 0);
	assert_true(sem != SEM_FAILED);

	struct objlist s = { 0 };
	collect(&s, OBJLIST_DEVSHM);
	/* Before a scan: the named objects, no holders, no memfd. */
	const struct objlist_row *a = get_name(&s, OBJLIST_POSIX, name_a);
	assert_int_equal(a->nholders, 0);
	assert_false(s.scanned);
	assert_null(find_name(&s, OBJLIST_MEMFD, name_memfd));

	assert_int_equal(objlist_scan(&s), 0);
	assert_true(s.scanned);
	assert_true(s.scan_procs >= 2);
	collect(&s, OBJLIST_DEVSHM | OBJLIST_ORPHANS);
	a = get_name(&s, OBJLIST_POSIX, name_a);
	assert_int_equal(a->size, 3 * page);
	assert_int_equal(a->resident, 2 * page);
	assert_true(a->have_resident);
	assert_int_equal(a->mode, 0600);
	assert_int_equal(a->nholders, 2);
	const struct objlist_holder *h = holder(&s, a, getpid());
	assert_non_null(h);
	assert_int_equal(h->maps_rw, 1);
	assert_int_equal(h->maps_ro, 0);
	assert_int_equal(h->fds, 0);
	assert_int_equal(h->uid, geteuid());
	h = holder(&s, a, child);
	assert_int_equal(h->maps_rw, 0);
	assert_int_equal(h->maps_ro, 1);
	assert_false(a->orphan);

	const struct objlist_row *r = get_name(&s, OBJLIST_POSIX, name_fd);
	assert_int_equal(r->size, 5 * page);
	assert_int_equal(r->resident, page);
	assert_int_equal(r->nholders, 1);
	h = holder(&s, r, getpid());
	assert_int_equal(h->fds, 1);
	assert_int_equal(h->maps_rw + h->maps_ro, 0);
	assert_false(r->orphan); /* an fd keeps it alive */

	r = get_name(&s, OBJLIST_DELETED, name_del);
	assert_null(find_name(&s, OBJLIST_POSIX, name_del));
	assert_int_equal(r->size, 2 * page);
	assert_int_equal(r->nholders, 1);
	assert_int_equal(holder(&s, r, getpid())->maps_ro, 1);
	assert_false(r->orphan);

	r = get_name(&s, OBJLIST_MEMFD, name_memfd);
	assert_int_equal(r->size, 4 * page);
	assert_true(r->have_resident); /* from the fd */
	assert_int_equal(r->resident, 3 * page);
	assert_int_equal(r->nholders, 1);
	h = holder(&s, r, getpid());
	assert_int_equal(h->maps_rw, 1);
	assert_int_equal(h->fds, 1);

	char semname[80];
	snprintf(semname, sizeof semname, "sem.%s", name_sem);
	r = get_name(&s, OBJLIST_SEM, semname);
	assert_int_equal(r->nholders, 1); /* mapped under glibc's temporary name */
	assert_null(find_name(&s, OBJLIST_POSIX, semname));
	/* The kinds are counted. */
	assert_true(s.kinds[OBJLIST_POSIX].objects >= 2);
	assert_true(s.kinds[OBJLIST_MEMFD].objects >= 1);
	assert_true(s.kinds[OBJLIST_DELETED].objects >= 1);
	assert_true(s.kinds[OBJLIST_SEM].objects >= 1);
	assert_true(s.have_devshm);
	assert_true(s.devshm_size >= s.devshm_used);
	assert_true(s.devshm_used >= 2 * (uint64_t)page);
	/* Formats: the first bytes of the POSIX objects alone, and only when
	 * asked for (head_named() names what it was given) */
	assert_null(get_name(&s, OBJLIST_POSIX, name_a)->format);
	s.format_of = head_named;
	collect(&s, OBJLIST_DEVSHM | OBJLIST_FORMATS);
	assert_string_equal(get_name(&s, OBJLIST_POSIX, name_a)->format,
			    "64 of a page-long object");
	assert_string_equal(get_name(&s, OBJLIST_POSIX, name_fd)->format,
			    "64 of a page-long object");
	assert_null(get_name(&s, OBJLIST_DELETED, name_del)->format);
	assert_null(get_name(&s, OBJLIST_MEMFD, name_memfd)->format);
	assert_null(get_name(&s, OBJLIST_SEM, semname)->format);
	s.format_of = NULL;

	/* The child gone, the scan again: one holder, the mapping here. */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	holder_child = 0;
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_DEVSHM | OBJLIST_ORPHANS);
	a = get_name(&s, OBJLIST_POSIX, name_a);
	assert_int_equal(a->nholders, 1);
	assert_false(holds(&s, a, child));

	/* Unmapped and closed: orphans, and the deleted one is gone. */
	munmap(pa, 3 * (size_t)page);
	close(ffd);
	munmap(pdel, 2 * (size_t)page);
	sem_close(sem);
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_DEVSHM | OBJLIST_ORPHANS);
	a = get_name(&s, OBJLIST_POSIX, name_a);
	assert_true(a->orphan);
	assert_true(get_name(&s, OBJLIST_POSIX, name_fd)->orphan);
	assert_true(get_name(&s, OBJLIST_SEM, semname)->orphan);
	assert_null(find_name(&s, OBJLIST_DELETED, name_del));
	assert_true(s.orphans.objects >= 3);
	assert_true(s.orphans.bytes >= 8 * (uint64_t)page);
	/* Without the orphans flag nothing is called one. */
	collect(&s, OBJLIST_DEVSHM);
	assert_false(get_name(&s, OBJLIST_POSIX, name_a)->orphan);
	munmap(pm, 4 * (size_t)page);
	close(mfd);
	objlist_free(&s);
	unlink_all();
}

/* A file mapped shared is listed by the path the last scan saw; its
 * folder swapped for a symlink since (by its owner, another user), the
 * format is not read through it. */
static void test_format_swapped_folder(void **state)
{
	(void)state;
	char dir[] = "/tmp/shmtop-objlist.XXXXXX", real[64], moved[64], file[80];
	assert_non_null(mkdtemp(dir));
	snprintf(real, sizeof real, "%s/real", dir);
	snprintf(moved, sizeof moved, "%s/moved", dir);
	snprintf(file, sizeof file, "%s/f", real);
	assert_int_equal(mkdir(real, 0700), 0);
	int fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(m != MAP_FAILED);
	m[0] = 'x';
	close(fd);
	struct objlist s = { .format_of = head_named };
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_FORMATS);
	assert_string_equal(get_name(&s, OBJLIST_FILE, file)->format, "64 of a page-long object");
	assert_int_equal(rename(real, moved), 0);
	assert_int_equal(symlink(moved, real), 0);
	collect(&s, OBJLIST_FORMATS); /* the scan's path, through the symlink now */
	assert_string_equal(get_name(&s, OBJLIST_FILE, file)->format, "?");
	assert_int_equal(objlist_scan(&s), 0); /* a scan sees where it is */
	snprintf(file, sizeof file, "%s/f", moved);
	collect(&s, OBJLIST_FORMATS);
	assert_string_equal(get_name(&s, OBJLIST_FILE, file)->format, "64 of a page-long object");
	munmap(m, 4096);
	objlist_free(&s);
	unlink(file);
	unlink(real);
	rmdir(moved);
	rmdir(dir);
}

/* A SysV segment whose creator exited is an orphan; one whose creator
 * lives, or that is attached, is not. */
static void test_sysv_orphan(void **state)
{
	(void)state;
	key_t gone = test_key(0), alive = test_key(1);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(shmget(gone, 4096, IPC_CREAT | IPC_EXCL | 0600) < 0);
	assert_int_equal(exit_code(child, 5000), 0);
	int gid = shmget(gone, 0, 0), aid = shmget(alive, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(gid >= 0 && aid >= 0);

	struct objlist s = { 0 };
	collect(&s, OBJLIST_ORPHANS);
	assert_true(get_shmid(&s, gid)->orphan);
	assert_false(get_shmid(&s, aid)->orphan);
	assert_true(s.orphans.objects >= 1);

	/* Attached, and seen so by a scan: not an orphan, a holder. */
	void *p = shmat(gid, NULL, SHM_RDONLY);
	assert_true(p != (void *)-1);
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_ORPHANS);
	const struct objlist_row *g = get_shmid(&s, gid);
	assert_false(g->orphan);
	assert_int_equal(g->nholders, 1);
	assert_int_equal(holder(&s, g, getpid())->maps_ro, 1);
	shmdt(p);

	char why[200];
	assert_int_equal(objlist_remove(&s, g, why, sizeof why), 0);
	assert_int_equal(shmget(gone, 0, 0), -1);
	shmctl(aid, IPC_RMID, NULL);
	objlist_free(&s);
}

/* A /SYSV mapping is a holder only on a SysV device: the same attach,
 * scanned with the kernel's devices and with none. */
static void test_sysv_device(void **state)
{
	(void)state;
	int id = shmget(test_key(8), 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(id >= 0);
	void *p = shmat(id, NULL, SHM_RDONLY);
	assert_true(p != (void *)-1);
	struct objlist s = { 0 };
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, 0);
	assert_int_equal(holder(&s, get_shmid(&s, id), getpid())->maps_ro, 1);
	const struct sysvdev none = { 0, { 0 } };
	s.sysv_devs = &none;
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, 0);
	assert_false(holds(&s, get_shmid(&s, id), getpid()));
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
	objlist_free(&s);
}

/* A segment of another IPC namespace (a container's) is listed from its
 * holder's maps, labelled with that namespace, never joined with a
 * segment of ours that has the same shmid, and never removed from here. */
static void test_other_namespace(void **state)
{
	(void)state;
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t child = holder_child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int id = unshare(CLONE_NEWIPC) ? -1 : shmget(0x5eed, 8192, IPC_CREAT | 0600);
		void *p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
		if (p == (void *)-1 || write(ready[1], &id, sizeof id) != sizeof id)
			_exit(1);
		pause();
		_exit(0);
	}
	int id;
	assert_int_equal(read(ready[0], &id, sizeof id), sizeof id);
	struct objlist s = { 0 };
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_ORPHANS);
	const struct objlist_row *r = NULL;
	for (size_t i = 0; i < s.n; i++)
		if (s.rows[i].kind == OBJLIST_SYSV && s.rows[i].ipcns &&
		    holds(&s, &s.rows[i], child))
			r = &s.rows[i];
	if (!r)
		fail_msg("the other namespace's segment is not listed");
	else {
		assert_int_equal(r->shm.st.shmid, id);
		assert_int_equal(r->shm.st.key, 0x5eed);
		assert_int_equal(r->size, 8192);
		assert_int_equal(r->nholders, 1);
		assert_int_equal(holder(&s, r, child)->maps_rw, 1);
		assert_false(r->orphan);
		assert_true(r->ipcns != s.own_ipcns);
		char why[200];
		assert_int_equal(objlist_remove(&s, r, why, sizeof why), -1);
		assert_non_null(strstr(why, "another IPC namespace"));
	}
	/* No segment of ours got the child as a holder. */
	for (size_t i = 0; i < s.n; i++)
		if (!s.rows[i].ipcns)
			assert_false(holds(&s, &s.rows[i], child));
	objlist_free(&s);
}

/* Too many objects for the rows: the totals still count them all. */
static void test_truncated(void **state)
{
	(void)state;
	int fa = make_posix(name_a, 4096, 4096), ffd = make_posix(name_fd, 8192, 0);
	struct objlist all = { 0 };
	collect(&all, OBJLIST_DEVSHM);
	struct objlist_row few[1];
	struct objlist s = { .rows = few, .max = 1 };
	assert_int_equal(objlist_collect(&s, OBJLIST_DEVSHM), 0);
	assert_int_equal(s.n, 1);
	assert_true(s.truncated);
	assert_int_equal(s.total, all.total);
	assert_int_equal(s.kinds[OBJLIST_POSIX].objects, all.kinds[OBJLIST_POSIX].objects);
	assert_int_equal(s.kinds[OBJLIST_POSIX].bytes, all.kinds[OBJLIST_POSIX].bytes);
	close(fa);
	close(ffd);
	objlist_free(&s);
	unlink_all();
}

/* Sizes of anyone's choosing wrap no total: three SysV segments and three
 * sparse /dev/shm files of 2^63 - 1 bytes each (tmpfs takes them) make
 * totals that stop at UINT64_MAX and say so. */
static void sat_paths(char *dir, size_t dirlen, char *sysv, size_t sysvlen)
{
	snprintf(dir, dirlen, "/dev/shm/shmtop-test-%d-sat", (int)getpid());
	snprintf(sysv, sysvlen, "/tmp/shmtop-test-%d-sysvipc", (int)getpid());
}

static int teardown_saturated(void **state)
{
	(void)state;
	char dir[64], sysv[80], path[128];
	sat_paths(dir, sizeof dir, sysv, sizeof sysv);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/big%d", dir, i);
		unlink(path);
	}
	unlink(sysv);
	rmdir(dir);
	return 0;
}

static void test_saturated(void **state)
{
	(void)state;
	char dir[64], sysv[80], path[128];
	sat_paths(dir, sizeof dir, sysv, sizeof sysv);
	assert_int_equal(mkdir(dir, 0700), 0);
	FILE *f = fopen(sysv, "w");
	assert_non_null(f);
	fprintf(f, "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime "
		   "rss swap\n");
	for (int i = 0; i < 3; i++)
		fprintf(f, "%d %d 600 9223372036854775807 1 1 1 0 0 0 0 0 0 0 %s 0\n", i + 1, i,
			i ? "9223372036854775807" : "4096");
	fclose(f);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/big%d", dir, i);
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, INT64_MAX), 0);
		close(fd);
	}
	struct objlist s = { .sysvipc_path = sysv, .devshm_dir = dir };
	collect(&s, OBJLIST_DEVSHM);
	assert_int_equal(s.res.totals.segments, 3);
	assert_true(s.res.totals.bytes == UINT64_MAX && s.res.totals.rss == UINT64_MAX);
	assert_true(s.res.totals.saturated);
	assert_true(s.kinds[OBJLIST_SYSV].bytes == UINT64_MAX);
	assert_int_equal(s.kinds[OBJLIST_POSIX].objects, 3);
	assert_true(s.kinds[OBJLIST_POSIX].bytes == UINT64_MAX);
	assert_true(s.kinds[OBJLIST_POSIX].resident < 4096 * 3); /* sparse */
	assert_true(s.saturated);
	assert_string_equal(objlist_at_least(&s, s.kinds[OBJLIST_POSIX].bytes), ">=");
	assert_string_equal(objlist_at_least(&s, s.kinds[OBJLIST_POSIX].resident), "");
	objlist_free(&s);
}

static void test_match_find(void **state)
{
	(void)state;
	struct objlist_row r[2];
	memset(r, 0, sizeof r);
	r[0].kind = OBJLIST_SYSV;
	r[0].shm.st.key = 0x2537;
	r[0].shm.st.shmid = 98307;
	strcpy(r[0].owner, "alice");
	strcpy(r[0].command, "pulseaudio");
	r[1].kind = OBJLIST_MEMFD;
	strcpy(r[1].name, "Wayland Buffer");
	r[1].dev = 1;
	r[1].ino = 77;
	assert_true(objlist_match(&r[0], "00002537"));
	assert_true(objlist_match(&r[0], "98307"));
	assert_true(objlist_match(&r[0], "ALI"));
	assert_true(objlist_match(&r[0], "Pulse"));
	assert_true(objlist_match(&r[0], "sysv"));
	assert_true(objlist_match(&r[0], ""));
	assert_false(objlist_match(&r[0], "memfd"));
	assert_true(objlist_match(&r[1], "wayland b"));
	assert_true(objlist_match(&r[1], "memfd"));
	assert_false(objlist_match(&r[1], "0x")); /* no key for a memfd */
	assert_false(objlist_match(&r[1], "bufferx"));
	struct objlist_row q = r[1];
	strcpy(q.name, "renamed");
	assert_int_equal(objlist_find(r, 2, &q), 1);
	q.ino = 78;
	assert_int_equal(objlist_find(r, 2, &q), 2);
	q = r[0];
	q.shm.st.key = 1;
	assert_int_equal(objlist_find(r, 2, &q), 0); /* by shmid */
}

/* Removal: only the object listed, with a reason when refused. */
static void test_remove(void **state)
{
	(void)state;
	close(make_posix(name_a, 4096, 0));
	struct objlist s = { 0 };
	collect(&s, OBJLIST_DEVSHM | OBJLIST_NAMES);
	struct objlist_row a = *get_name(&s, OBJLIST_POSIX, name_a);
	char why[300] = "";
	/* Replaced by another object of the same name: refused. */
	unlink_all();
	close(make_posix(name_a, 4096, 0));
	assert_int_equal(objlist_remove(&s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "changed since it was listed"));
	char path[100];
	snprintf(path, sizeof path, "/dev/shm/%s", name_a);
	assert_int_equal(access(path, F_OK), 0);
	/* The listed object itself goes. */
	collect(&s, OBJLIST_DEVSHM | OBJLIST_NAMES);
	a = *get_name(&s, OBJLIST_POSIX, name_a);
	assert_int_equal(objlist_remove(&s, &a, why, sizeof why), 0);
	assert_int_equal(access(path, F_OK), -1);
	/* Gone already: the reason says so. */
	assert_int_equal(objlist_remove(&s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "No such file"));
	/* A memfd has no name to remove. */
	struct objlist_row m;
	memset(&m, 0, sizeof m);
	m.kind = OBJLIST_MEMFD;
	assert_int_equal(objlist_remove(&s, &m, why, sizeof why), -1);
	assert_non_null(strstr(why, "no name to remove"));
	objlist_free(&s);
}

/* A victim outside /dev/shm: DIR/secret, and a symlink /dev/shm/LINK to
 * DIR, as another user makes them to point root's removal at a file. */
static char victim_dir[64], victim[96], link_name[64], link_path[96], sub_dir[96];

static int setup_victim(void **state)
{
	setup(state);
	snprintf(victim_dir, sizeof victim_dir, "/tmp/shmtop-victim-XXXXXX");
	assert_non_null(mkdtemp(victim_dir));
	snprintf(victim, sizeof victim, "%s/secret", victim_dir);
	int fd = open(victim, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep\n", 5), 5);
	close(fd);
	snprintf(link_name, sizeof link_name, "shmtop-test-%d-L", (int)getpid());
	snprintf(link_path, sizeof link_path, "/dev/shm/%s", link_name);
	snprintf(sub_dir, sizeof sub_dir, "/dev/shm/shmtop-test-%d-D", (int)getpid());
	assert_int_equal(symlink(victim_dir, link_path), 0);
	return 0;
}

static int teardown_victim(void **state)
{
	teardown(state);
	char p[128];
	unlink(link_path);
	snprintf(p, sizeof p, "%s/secret", sub_dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/secret", link_path); /* a swapped pair */
	unlink(p);
	rmdir(sub_dir);
	unlink(sub_dir);
	rmdir(link_path);
	unlink(victim);
	rmdir(victim_dir);
	return 0;
}

static void assert_victim_intact(const struct stat *was)
{
	struct stat st;
	char buf[8] = "";
	int fd = open(victim, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof buf - 1), 5);
	close(fd);
	assert_string_equal(buf, "keep\n");
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_ino, was->st_ino);
}

/* The row held by pid, of a /dev/shm path ending in name, or NULL. */
static const struct objlist_row *held_row(const struct objlist *s, pid_t pid, const char *name)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t n = strlen(s->rows[i].name), k = strlen(name);
		if (s->rows[i].kind == OBJLIST_POSIX && n >= k &&
		    strcmp(s->rows[i].name + n - k, name) == 0 && holds(s, &s->rows[i], pid))
			return &s->rows[i];
	}
	return NULL;
}

/* After unshare(CLONE_NEWUSER): uid and gid map to themselves, so that
 * files can be made. */
static int id_map(uid_t uid, gid_t gid)
{
	char line[64];
	const char *files[] = { "/proc/self/setgroups", "/proc/self/uid_map",
				"/proc/self/gid_map" };
	for (int i = 0; i < 3; i++) {
		int n = i == 0 ? snprintf(line, sizeof line, "deny")
			       : snprintf(line, sizeof line, "%u %u 1", i == 1 ? uid : gid,
					  i == 1 ? uid : gid);
		int fd = open(files[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, line, (size_t)n) != n)
			return -1;
		close(fd);
	}
	return 0;
}

/* The attack of another mount namespace: a tmpfs of its own on /dev/shm,
 * LINK/secret there with the victim bind-mounted on it, held open.  Root's
 * scan sees "LINK/secret" with the victim's device and inode, and
 * /dev/shm/LINK/secret in root's namespace resolves, through the symlink,
 * to the victim itself.  Listed, with its holder; never removed. */
static void test_remove_other_mntns(void **state)
{
	(void)state;
	struct stat was;
	assert_int_equal(stat(victim, &was), 0);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t child = holder_child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char on[128];
		snprintf(on, sizeof on, "%s/secret", link_path);
		int fd = -1;
		uid_t uid = geteuid();
		gid_t gid = getegid();
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 && id_map(uid, gid) == 0 &&
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		    mount("none", "/dev/shm", "tmpfs", 0, NULL) == 0 && mkdir(link_path, 0700) == 0)
			fd = open(on, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			fd = mount(victim, on, NULL, MS_BIND, NULL) ? -1
								    : open(on, O_PATH | O_CLOEXEC);
		}
		if (fd < 0 || write(ready[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char k;
	close(ready[1]);
	ssize_t got = read(ready[0], &k, 1);
	close(ready[0]);
	if (got != 1)
		fail_msg("the child could not mount in a user namespace of its own");
	struct objlist s = { 0 };
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_DEVSHM | OBJLIST_NAMES);
	const struct objlist_row *r = held_row(&s, child, "/secret");
	if (!r)
		fail_msg("the other namespace's object is not listed");
	assert_int_equal(r->ino, was.st_ino);
	assert_int_equal(r->dev, was.st_dev);
	assert_int_equal(r->place, OBJLIST_OTHER_MNTNS);
	assert_int_equal(holder(&s, r, child)->fds, 1);
	char why[400];
	assert_int_equal(objlist_remove(&s, r, why, sizeof why), -1);
	assert_non_null(strstr(why, "another mount namespace"));
	/* Even a row that said it was in /dev/shm: the name has a '/'. */
	struct objlist_row forged = *r;
	forged.place = OBJLIST_IN_DEVSHM;
	assert_int_equal(objlist_remove(&s, &forged, why, sizeof why), -1);
	assert_victim_intact(&was);
	objlist_free(&s);
}

/* What the swapper child does: exchange sub_dir and link_path (a
 * directory and a symlink to the victim's directory) until killed. */
static void swap_forever(void)
{
	for (;;)
		renameat2(AT_FDCWD, sub_dir, AT_FDCWD, link_path, RENAME_EXCHANGE);
}

/* The rename race: /dev/shm/D/secret mapped here, D swapped with a symlink
 * LINK -> the victim's directory, thousands of times a second.  Root's
 * removal of "D/secret" (checked, then unlinked by path) lost the race
 * within a few tries; by name below a sub-folder it is never tried, and
 * 2000 tries leave the victim as it was. */
static void test_remove_rename_race(void **state)
{
	(void)state;
	struct stat was;
	assert_int_equal(stat(victim, &was), 0);
	assert_int_equal(mkdir(sub_dir, 0700), 0);
	int dfd = open(sub_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	int fd = openat(dfd, "secret", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	struct objlist s = { 0 };
	assert_int_equal(objlist_scan(&s), 0);
	collect(&s, OBJLIST_DEVSHM);
	const struct objlist_row *found = held_row(&s, getpid(), "-D/secret");
	if (!found)
		fail_msg("the sub-folder's object is not listed");
	struct objlist_row r = *found;
	assert_int_equal(r.place, OBJLIST_SUBFOLDER);
	pid_t child = holder_child = fork();
	assert_true(child >= 0);
	if (child == 0)
		swap_forever();
	char why[400];
	int removed = 0;
	for (int i = 0; i < 2000; i++) {
		if (objlist_remove(&s, &r, why, sizeof why) == 0)
			removed++;
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_nlink == 0) { /* removed: make it again */
			munmap(p, 4096);
			close(fd);
			fd = openat(dfd, "secret", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			assert_true(fd >= 0 && ftruncate(fd, 4096) == 0 && fstat(fd, &st) == 0);
			p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
			r.ino = (uint64_t)st.st_ino;
		}
		if (access(victim, F_OK))
			fail_msg("try %d removed the victim %s (%d removals)", i, victim, removed);
	}
	assert_int_equal(removed, 0);
	assert_non_null(strstr(why, "below a sub-folder"));
	assert_victim_intact(&was);
	munmap(p, 4096);
	close(fd);
	close(dfd);
	objlist_free(&s);
}

/* A stale SysV row: its segment removed, and a new one made with the same
 * key and, through shm_next_id, the same shmid.  Only its ctime differs
 * (the next second), and removing the stale row must not touch it. */
static void test_remove_stale_sysv(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* shm_next_id is root's */
	key_t key = test_key(7);
	struct objlist s = { 0 };
	struct objlist_row old;
	int id = -1, again = -1;
	for (int tries = 0; tries < 5 && (id < 0 || again != id); tries++) {
		if (again >= 0)
			shmctl(again, IPC_RMID, NULL); /* another run took the shmid */
		id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		assert_true(id >= 0);
		collect(&s, 0);
		old = *get_shmid(&s, id);
		assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
		while (time(NULL) == (time_t)old.shm.st.ctime)
			sleep_ms(20);
		FILE *f = fopen("/proc/sys/kernel/shm_next_id", "we");
		assert_non_null(f);
		fprintf(f, "%d\n", id);
		fclose(f);
		again = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		/* The kernel sets it back to -1 on use, and refuses -1 written:
		 * if ours failed, a private segment takes the shmid instead. */
		int next = -1;
		f = fopen("/proc/sys/kernel/shm_next_id", "re");
		if (f && fscanf(f, "%d", &next) == 1 && next >= 0)
			shmctl(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600), IPC_RMID, NULL);
		if (f)
			fclose(f);
		assert_true(again >= 0);
	}
	assert_int_equal(again, id);
	char why[300];
	if (objlist_remove(&s, &old, why, sizeof why) == 0)
		fail_msg("the stale row removed the new segment %d", again);
	if (!strstr(why, "changed since it was listed"))
		fail_msg("refused for another reason: %s", why);
	assert_int_equal(shmget(key, 0, 0), again);
	/* The new segment's own row removes it. */
	collect(&s, 0);
	assert_int_equal(objlist_remove(&s, get_shmid(&s, again), why, sizeof why), 0);
	assert_int_equal(shmget(key, 0, 0), -1);
	objlist_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_line),
		cmocka_unit_test(test_path),
		cmocka_unit_test_setup_teardown(test_every_kind, setup, teardown),
		cmocka_unit_test(test_format_swapped_folder),
		cmocka_unit_test(test_sysv_orphan),
		cmocka_unit_test(test_sysv_device),
		cmocka_unit_test_setup_teardown(test_other_namespace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_teardown(test_saturated, teardown_saturated),
		cmocka_unit_test(test_match_find),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_other_mntns, setup_victim,
						teardown_victim),
		cmocka_unit_test_setup_teardown(test_remove_rename_race, setup_victim,
						teardown_victim),
		cmocka_unit_test(test_remove_stale_sysv),
	};
	return cmocka_run_group_tests(tests, NULL, test_cleanup_keys);
}
