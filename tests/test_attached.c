/* SPDX-License-Identifier: MIT */
/* Attached processes: the /proc/PID/maps line parser, and a scan that finds
 * this test's own attaches of a segment, read-only and read-write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "attached.h"
#include "testutil.h"

static void test_parse(void **state)
{
	(void)state;
	bool w = false;
	struct sysvdev shm = { 1, { makedev(0, 1) } };
	const char *ro = "7f26d0e2a000-7f26d0e2f000 r--s 00000000 00:01 393269"
			 "                     /SYSV7e000002 (deleted)\n";
	const char *rw = "7f26d0e2a000-7f26d0e2f000 rw-s 00000000 00:01 393269 /SYSV7e000002\n";
	assert_int_equal(attached_parse_maps_line(ro, 0x7e000002, 393269, &shm, &w), 1);
	assert_false(w);
	assert_int_equal(attached_parse_maps_line(rw, 0x7e000002, 393269, &shm, &w), 1);
	assert_true(w);
	/* Another segment: a different inode (shmid), or a different key. */
	assert_int_equal(attached_parse_maps_line(ro, 0x7e000002, 39326, &shm, &w), 0);
	assert_int_equal(attached_parse_maps_line(ro, 0x7e000002, 3932690, &shm, &w), 0);
	assert_int_equal(attached_parse_maps_line(ro, 0x7e000003, 393269, &shm, &w), 0);
	assert_int_equal(attached_parse_maps_line(ro, 0x7e000002, -1, &shm, &w), 0);
	/* After IPC_RMID the key reads 0, but the name keeps the creation key. */
	assert_int_equal(attached_parse_maps_line(ro, 0, 393269, &shm, &w), 0);
	/* A private segment (key 0), lines without the trailing newline. */
	assert_int_equal(
	    attached_parse_maps_line("7f00-7f10 rw-s 00000000 00:01 5 /SYSV00000000 (deleted)", 0,
				     5, &shm, &w),
	    1);
	assert_int_equal(attached_parse_maps_line("7f00-7f10 rw-s 00000000 00:01 5 /SYSV00000000",
						  0, 5, &shm, &w),
			 1);
	/* Names that only start alike, and ordinary mappings. */
	assert_int_equal(attached_parse_maps_line("7f00-7f10 rw-s 00000000 00:01 5 /SYSV000000001",
						  1, 5, &shm, &w),
			 0);
	assert_int_equal(attached_parse_maps_line("7f00-7f10 rw-s 00000000 00:01 5 /SYSV0000000", 0,
						  5, &shm, &w),
			 0);
	assert_int_equal(
	    attached_parse_maps_line("55d0-55d8 r-xp 00002000 fe:01 1234 /usr/bin/cat\n", 0, 1234,
				     &shm, &w),
	    0);
	assert_int_equal(
	    attached_parse_maps_line("7ffd-7ffe rw-p 00000000 00:00 0 [stack]\n", 0, 0, &shm, &w),
	    0);
	assert_int_equal(
	    attached_parse_maps_line("7f00-7f10 rw-p 00000000 00:00 0\n", 0, 0, &shm, &w), 0);
	/* Not maps lines at all. */
	assert_int_equal(attached_parse_maps_line("", 0, 0, &shm, &w), -1);
	assert_int_equal(attached_parse_maps_line("garbage /SYSV00000000", 0, 0, &shm, &w), -1);
	assert_int_equal(attached_parse_maps_line("7f00-7f10 rw-s", 0, 0, &shm, &w), -1);
	assert_int_equal(
	    attached_parse_maps_line("7f00-7f10 rw-s 0 00:01 x /SYSV00000000", 0, 0, &shm, &w), -1);
	assert_int_equal(
	    attached_parse_maps_line("7f00-7f10 rwxzs 0 00:01 5 /SYSV00000000", 0, 5, &shm, &w),
	    -1);
}

/* A file of a tmpfs of the user's own named /SYSV<key>, with the shmid as
 * its inode number: the name and inode of an attach, not its device. */
static void test_parse_device(void **state)
{
	(void)state;
	bool w = false;
	struct sysvdev shm = { 2, { makedev(0, 1), makedev(0, 0x11) } };
	const char *fake = "7f00-7f10 rw-s 00000000 00:2a 393269 /SYSV7e000002\n";
	const char *huge = "7f00-7f10 rw-s 00000000 00:11 393269 /SYSV7e000002 (deleted)\n";
	assert_int_equal(attached_parse_maps_line(fake, 0x7e000002, 393269, &shm, &w), 0);
	assert_int_equal(attached_parse_maps_line(huge, 0x7e000002, 393269, &shm, &w), 1);
	/* Major and minor are hex: 01:00 is not 00:01. */
	assert_int_equal(attached_parse_maps_line("7f00-7f10 rw-s 00000000 01:00 5 /SYSV00000000",
						  0, 5, &shm, &w),
			 0);
	struct sysvdev none = { 0, { 0 } };
	assert_int_equal(attached_parse_maps_line(huge, 0x7e000002, 393269, &none, &w), 0);
}

/* The kernel's device: a segment's mapping is on it, a memfd's too (the
 * same mount), a file of /dev/shm is not. */
static void test_kernel_device(void **state)
{
	(void)state;
	const struct sysvdev *d = sysvdev_kernel();
	assert_true(d->n >= 1);
	assert_true(d == sysvdev_kernel());
	struct stat st;
	assert_int_equal(stat("/dev/shm", &st), 0);
	assert_false(sysvdev_has(d, st.st_dev));
	int fd = memfd_create("test_attached", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(sysvdev_has(d, st.st_dev));
	close(fd);
}

static void test_scan_self(void **state)
{
	(void)state;
	key_t key = test_key(0);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(id >= 0);
	void *a = shmat(id, NULL, SHM_RDONLY);
	void *b = shmat(id, NULL, 0);
	assert_true(a != (void *)-1 && b != (void *)-1);
	static struct attached att;
	assert_int_equal(attached_scan(key, id, &att), 0);
	assert_int_equal(att.total, 1);
	assert_int_equal(att.n, 1);
	assert_int_equal(att.maps, 2);
	assert_int_equal(att.procs[0].pid, getpid());
	assert_int_equal(att.procs[0].maps, 2);
	assert_true(att.procs[0].writable);
	assert_int_equal(att.procs[0].uid, geteuid());
	assert_non_null(strstr(att.procs[0].command, "test_attached"));
	/* Removed: the key turns 0, the maps keep the name; still found. */
	shmdt(b);
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
	assert_int_equal(attached_scan(key, id, &att), 0);
	assert_int_equal(att.total, 1);
	assert_false(att.procs[0].writable);
	shmdt(a);
	assert_int_equal(attached_scan(key, id, &att), 0);
	assert_int_equal(att.total, 0);
	assert_int_equal(att.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_device),
		cmocka_unit_test(test_kernel_device),
		cmocka_unit_test(test_scan_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
