/* SPDX-License-Identifier: MIT */
/*
 * The scan's pairs (pairs.h): many mappings of one object in one process
 * are one pair, distinct objects distinct pairs, the same object in the next
 * process a pair of its own; the cap refuses new pairs and counts what it
 * left out; the generation's wrap clears the table.  Then a real scan of
 * this process mapping one memfd 2,000 times and 300 others once: one pair
 * with 2,000 mappings, and the cap's count in scan_dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pairs.h"

static struct objlist_seen *get(struct pairs *p, pid_t pid, uint64_t ino, const char *name)
{
	return pairs_get(p, pid, OBJLIST_MEMFD, 1, ino, name, true);
}

static void test_same_object(void **state)
{
	(void)state;
	struct pairs p;
	pairs_init(&p, 0);
	pairs_process(&p);
	for (int i = 0; i < 60000; i++) {
		struct objlist_seen *e = get(&p, 10, 77, "buf");
		assert_non_null(e);
		e->h.maps_ro++;
	}
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].h.maps_ro, 60000);
	assert_int_equal(p.v[0].h.pid, 10);
	assert_int_equal(p.v[0].ino, 77);
	assert_string_equal(p.v[0].name, "buf");
	assert_true(p.v[0].deleted);
	/* Another kind, or another device, is another object. */
	assert_ptr_not_equal(pairs_get(&p, 10, OBJLIST_POSIX, 1, 77, "buf", false), &p.v[0]);
	assert_non_null(pairs_get(&p, 10, OBJLIST_MEMFD, 2, 77, "buf", false));
	assert_int_equal(p.n, 3);
	assert_int_equal(p.dropped, 0);
	assert_false(p.failed);
	pairs_free(&p);
}

static void test_distinct(void **state)
{
	(void)state;
	struct pairs p;
	pairs_init(&p, 0);
	pairs_process(&p);
	char name[32];
	for (uint64_t i = 0; i < 50000; i++) {
		snprintf(name, sizeof name, "m%u", (unsigned)i);
		struct objlist_seen *e = get(&p, 10, i, name);
		assert_non_null(e);
		e->h.maps_rw++;
	}
	assert_int_equal(p.n, 50000);
	for (uint64_t i = 0; i < 50000; i += 7) { /* each found again, where it was made */
		struct objlist_seen *e = get(&p, 10, i, "other");
		assert_ptr_equal(e, &p.v[i]);
		e->h.maps_rw++;
	}
	for (uint64_t i = 0; i < 50000; i++) {
		snprintf(name, sizeof name, "m%u", (unsigned)i);
		assert_int_equal(p.v[i].ino, i);
		assert_string_equal(p.v[i].name, name); /* the first name stays */
		assert_int_equal(p.v[i].h.maps_rw, i % 7 ? 1 : 2);
	}
	/* The next process: the same objects are pairs of its own. */
	pairs_process(&p);
	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(get(&p, 11, i, "m")->h.pid, 11);
	assert_int_equal(get(&p, 11, 1, "m") - p.v, 50001);
	assert_int_equal(p.n, 50003);
	pairs_free(&p);
}

static void test_cap(void **state)
{
	(void)state;
	struct pairs p;
	pairs_init(&p, 100);
	pairs_process(&p);
	for (uint64_t i = 0; i < 150; i++) {
		struct objlist_seen *e = get(&p, 10, i, "x");
		if (i < 100)
			assert_non_null(e);
		else
			assert_null(e);
	}
	assert_int_equal(p.n, 100);
	assert_int_equal(p.dropped, 50);
	assert_non_null(get(&p, 10, 5, "x")); /* a pair it holds is still found */
	assert_null(get(&p, 10, 120, "x"));   /* each mapping left out is counted */
	assert_int_equal(p.dropped, 51);
	pairs_process(&p);
	assert_null(get(&p, 11, 5, "x"));
	assert_int_equal(p.dropped, 52);
	assert_false(p.failed);
	pairs_free(&p);
}

static void test_generation_wrap(void **state)
{
	(void)state;
	struct pairs p;
	pairs_init(&p, 0);
	pairs_process(&p);
	assert_non_null(get(&p, 10, 1, "a"));
	p.gen = UINT32_MAX; /* as after 2^32 processes */
	assert_non_null(get(&p, 10, 2, "b"));
	pairs_process(&p); /* wraps: the table is cleared, not taken as current */
	assert_int_equal(p.gen, 1);
	assert_int_equal(get(&p, 11, 2, "b") - p.v, 2);
	assert_int_equal(get(&p, 11, 1, "a") - p.v, 3);
	assert_int_equal(p.n, 4);
	pairs_free(&p);
}

/* A long name is cut as objlist_scan_ref's are; names fill chunk after chunk. */
static void test_names(void **state)
{
	(void)state;
	struct pairs p;
	pairs_init(&p, 0);
	char name[OBJLIST_NAME_MAX + 10];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	pairs_process(&p);
	for (uint64_t i = 0; i < 1000; i++) /* about 4 chunks of names */
		assert_non_null(get(&p, 10, i, name));
	for (uint64_t i = 0; i < 1000; i++)
		assert_int_equal(strlen(p.v[i].name), OBJLIST_NAME_MAX - 1);
	pairs_free(&p);
}

/* This process's pair of (dev, ino) into e; false if there is none. */
static bool find(const struct objlist *s, uint64_t dev, uint64_t ino, struct objlist_seen *e)
{
	for (size_t i = 0; i < s->nseen; i++)
		if (s->seen[i].h.pid == getpid() && s->seen[i].dev == dev &&
		    s->seen[i].ino == ino) {
			*e = s->seen[i];
			return true;
		}
	return false;
}

static void test_scan(void **state)
{
	(void)state;
	enum { MANY = 2000, OTHERS = 300 };
	int fd = memfd_create("test_pairs.many", MFD_CLOEXEC);
	assert_true(fd >= 0 && ftruncate(fd, 4096) == 0);
	void *many[MANY], *others[OTHERS];
	for (int i = 0; i < MANY; i++) {
		many[i] = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		assert_true(many[i] != MAP_FAILED);
	}
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	for (int i = 0; i < OTHERS; i++) {
		fd = memfd_create("test_pairs.other", MFD_CLOEXEC);
		assert_true(fd >= 0 && ftruncate(fd, 4096) == 0);
		others[i] = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		assert_true(others[i] != MAP_FAILED);
		close(fd);
	}
	struct objlist s;
	memset(&s, 0, sizeof s);
	assert_int_equal(objlist_scan(&s), 0);
	struct objlist_seen e;
	assert_true(find(&s, st.st_dev, st.st_ino, &e));
	assert_int_equal(e.h.maps_ro, MANY);
	assert_string_equal(e.name, "test_pairs.many");
	size_t ours = 0;
	for (size_t i = 0; i < s.nseen; i++)
		ours += s.seen[i].h.pid == getpid();
	assert_true(ours >= 1 + OTHERS);
	assert_int_equal(s.scan_dropped, 0);

	/* A cap of 10 pairs: the rest of this process's mappings are counted
	 * as left out (others' too, whatever the host holds). */
	s.scan_max = 10;
	assert_int_equal(objlist_scan(&s), 0);
	assert_true(s.nseen <= 10);
	assert_true(s.scan_dropped >= 1 + OTHERS - 10);

	/* Moved on to another object list whole. */
	struct objlist to;
	memset(&to, 0, sizeof to);
	size_t nseen = s.nseen, dropped = s.scan_dropped;
	objlist_take_scan(&to, &s);
	assert_true(to.scanned);
	assert_false(s.scanned);
	assert_null(s.seen);
	assert_int_equal(to.nseen, nseen);
	assert_int_equal(to.scan_dropped, dropped);
	objlist_free(&to);
	objlist_free(&s);
	for (int i = 0; i < MANY; i++)
		munmap(many[i], 4096);
	for (int i = 0; i < OTHERS; i++)
		munmap(others[i], 4096);
}

/* A scan told to stop gives up at the next process. */
static void test_cancel(void **state)
{
	(void)state;
	_Atomic bool stop = true;
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.scan_cancel = &stop;
	assert_int_equal(objlist_scan(&s), -1);
	assert_int_equal(errno, ECANCELED);
	assert_false(s.scanned);
	objlist_free(&s);
}

/* Past the cap, an object nobody was seen holding is not an orphan: its
 * holders may be among those left out. */
static void test_cap_no_orphan(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_pairs.XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/leaked", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	struct objlist_row rows[256];
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.rows = rows;
	s.max = 256;
	s.devshm_dir = dir;
	s.scanned = true; /* a scan that found no holder of it */
	bool orphan[2];
	for (int dropped = 0; dropped < 2; dropped++) {
		s.scan_dropped = (size_t)dropped;
		assert_int_equal(objlist_collect(&s, OBJLIST_DEVSHM | OBJLIST_ORPHANS), 0);
		size_t i = 0;
		while (i < s.n && strcmp(rows[i].name, "leaked") != 0)
			i++;
		assert_true(i < s.n);
		orphan[dropped] = rows[i].orphan;
	}
	assert_true(orphan[0]);
	assert_false(orphan[1]);
	objlist_free(&s);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_object), cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_cap),         cmocka_unit_test(test_generation_wrap),
		cmocka_unit_test(test_names),       cmocka_unit_test(test_scan),
		cmocka_unit_test(test_cancel),      cmocka_unit_test(test_cap_no_orphan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
