/* SPDX-License-Identifier: MIT */
/*
 * The file kind: which maps lines are shared file mappings, which paths
 * are in the known places, PCP's folder from pcp.conf, and a collect over a
 * fake host (a fake /proc whose one process maps files, a fake root with
 * the known places): the writable mapping and the known files are rows,
 * the read-only cache is not, the unmapped known files are orphans, and a
 * symlink or a file of another name planted in a known folder is not read.
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "objlist.h"
#include "objlist_files.h"
#include "objlist_scan.h"

static void test_map_line_file(void **state)
{
	(void)state;
	struct objlist_scan_ref r;
	assert_int_equal(objlist_scan_map_line("7f00-7f08 rw-s 00000000 08:01 4242 "
					       "/tmp/hsperfdata_bob/1234\n",
					       &r),
			 1);
	assert_int_equal(r.kind, OBJLIST_FILE);
	assert_string_equal(r.name, "/tmp/hsperfdata_bob/1234");
	assert_true(r.write);
	assert_false(r.deleted);
	assert_int_equal(r.dev, makedev(8, 1));
	assert_int_equal(r.ino, 4242);
	/* read-only shared: kept by the scan (collect decides), flagged ro */
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 r--s 00000000 08:01 7 "
				  "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache",
				  &r),
	    1);
	assert_int_equal(r.kind, OBJLIST_FILE);
	assert_false(r.write);
	/* unlinked while mapped */
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 rw-s 00000000 08:01 9 /srv/a b.db (deleted)", &r), 1);
	assert_string_equal(r.name, "/srv/a b.db");
	assert_true(r.deleted);
	/* private mappings of files, devices, shared anonymous memory, the
	 * kernel's one-component names: not files */
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 rw-p 00000000 08:01 9 /srv/counters.db", &r), 0);
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 r--p 00000000 08:01 9 /usr/lib/libc.so.6", &r), 0);
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 rw-s 00000000 00:01 9 /dev/zero (deleted)", &r), 0);
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 rw-s 00000000 00:05 9 /dev/dri/card0", &r), 0);
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 rw-s 00000000 00:10 9 /[aio] (deleted)", &r), 0);
	assert_int_equal(
	    objlist_scan_map_line("7f00-7f08 rw-s 00000000 00:10 9 /anon_hugepage (deleted)", &r),
	    0);
	/* the other kinds are still theirs */
	assert_int_equal(objlist_scan_map_line("7f00-7f08 rw-s 00000000 00:1b 2 /dev/shm/x", &r),
			 1);
	assert_int_equal(r.kind, OBJLIST_POSIX);
	/* an fd's link to a file is not an object */
	memset(&r, 0, sizeof r);
	assert_false(objlist_scan_path("/srv/counters.db", &r));
}

static void test_known(void **state)
{
	(void)state;
	const char *mmv = "/var/lib/pcp/tmp/mmv";
	assert_true(objlist_files_known("", mmv, "/tmp/hsperfdata_bob/1234"));
	assert_false(objlist_files_known("", mmv, "/tmp/hsperfdata_bob/12a4"));
	assert_false(objlist_files_known("", mmv, "/tmp/hsperfdata_bob/"));
	assert_false(objlist_files_known("", mmv, "/tmp/hsperfdata_bob/x/1234"));
	assert_false(objlist_files_known("", mmv, "/tmp/other/1234"));
	assert_true(objlist_files_known("", mmv, "/var/lib/pcp/tmp/mmv/app"));
	assert_false(objlist_files_known("", mmv, "/var/lib/pcp/tmp/mmv/a/b"));
	assert_false(objlist_files_known("", "", "/var/lib/pcp/tmp/mmv/app"));
	assert_true(objlist_files_known("", mmv, "/var/lib/varnish/v1/_.vsm_mgt"));
	assert_true(objlist_files_known("", mmv, "/var/lib/varnish/v1/_.vsm_child/_.index"));
	assert_false(objlist_files_known("", mmv, "/var/lib/varnish/v1/_.vsm_child/a/b"));
	assert_false(objlist_files_known("", mmv, "/var/lib/varnish/v1/other"));
	assert_true(objlist_files_known("/r", mmv, "/r/tmp/hsperfdata_x/1"));
	assert_false(objlist_files_known("/r", mmv, "/tmp/hsperfdata_x/1"));
	assert_true(objlist_files_path_ok("/a/b"));
	assert_false(objlist_files_path_ok("/dev/zero"));
	assert_false(objlist_files_path_ok("/i915"));
	assert_false(objlist_files_path_ok("a/b"));
}

static char root[64], proc[80], sysv[80];

static void put(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (char *s = strchr(p + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void ino_of(const char *rel, struct stat *st)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(lstat(p, st), 0);
}

static void test_mmv_dir(void **state)
{
	(void)state;
	char buf[512], want[512];
	snprintf(root, sizeof root, "/tmp/shmtop-test-files-XXXXXX");
	assert_non_null(mkdtemp(root));
	objlist_files_mmv_dir(root, buf, sizeof buf);
	snprintf(want, sizeof want, "%s/var/lib/pcp/tmp/mmv", root);
	assert_string_equal(buf, want);
	put("etc/pcp.conf", "# x\nPCP_TMP_DIR=relative\nPCP_TMP_DIR=/run/pcp\nPCP_TMP_DIR=/no\n");
	objlist_files_mmv_dir(root, buf, sizeof buf);
	snprintf(want, sizeof want, "%s/run/pcp/mmv", root);
	assert_string_equal(buf, want);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static const struct objlist_row *row_named(const struct objlist *s, const char *rel)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == OBJLIST_FILE && strcmp(s->rows[i].name, p) == 0)
			return &s->rows[i];
	return NULL;
}

static void test_collect_fake_host(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/shmtop-test-files-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(proc, sizeof proc, "%s/proc", root);
	snprintf(sysv, sizeof sysv, "%s/sysvipc", root);
	put("sysvipc", "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime "
		       "ctime rss swap\n");
	put("tmp/hsperfdata_bob/1234", "jvm");  /* mapped rw-s below */
	put("tmp/hsperfdata_bob/999", "dead");  /* nobody maps it: an orphan */
	put("tmp/hsperfdata_bob/notes", "x");   /* not a pid's name */
	put("tmp/hsperfdata_eve/1", "planted"); /* the symlinks' target */
	put("var/lib/pcp/tmp/mmv/app", "mmv");
	put("var/lib/varnish/v1/_.vsm_mgt/_.index", "vsm");
	put("var/lib/varnish/v1/other", "no");
	put("srv/app.db", "written");   /* mapped rw-s, not a known place */
	put("srv/cache.bin", "cached"); /* mapped r--s only: a cache */
	char p[256], q[256];
	/* symlinks planted in known places: neither the file nor the folder is followed */
	snprintf(p, sizeof p, "%s/tmp/hsperfdata_eve/1", root);
	snprintf(q, sizeof q, "%s/tmp/hsperfdata_bob/4321", root);
	assert_int_equal(symlink(p, q), 0);
	snprintf(p, sizeof p, "%s/tmp/hsperfdata_eve", root);
	snprintf(q, sizeof q, "%s/tmp/hsperfdata_link", root);
	assert_int_equal(symlink(p, q), 0);
	struct stat jvm, app, cache;
	ino_of("tmp/hsperfdata_bob/1234", &jvm);
	ino_of("srv/app.db", &app);
	ino_of("srv/cache.bin", &cache);
	char maps[2048];
	snprintf(maps, sizeof maps,
		 "7f00-7f08 rw-s 00000000 %x:%x %llu %s/tmp/hsperfdata_bob/1234\n"
		 "7f10-7f18 rw-s 00000000 %x:%x %llu %s/srv/app.db\n"
		 "7f20-7f28 r--s 00000000 %x:%x %llu %s/srv/cache.bin\n"
		 "7f30-7f38 rw-s 00000000 08:01 77 /gone/file.db (deleted)\n",
		 major(jvm.st_dev), minor(jvm.st_dev), (unsigned long long)jvm.st_ino, root,
		 major(app.st_dev), minor(app.st_dev), (unsigned long long)app.st_ino, root,
		 major(cache.st_dev), minor(cache.st_dev), (unsigned long long)cache.st_ino, root);
	put("proc/4242/maps", maps);
	put("proc/4242/comm", "java\n");

	static struct objlist_row rows[64];
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.rows = rows;
	s.max = 64;
	s.sysvipc_path = sysv;
	s.proc_dir = proc;
	s.devshm_dir = proc; /* no regular files: no posix rows */
	s.files_root = root;
	assert_int_equal(objlist_scan(&s), 0);
	assert_int_equal(objlist_collect(&s, OBJLIST_FILES | OBJLIST_ORPHANS | OBJLIST_DEVSHM), 0);

	const struct objlist_row *r = row_named(&s, "tmp/hsperfdata_bob/1234");
	assert_non_null(r);
	assert_int_equal(r->nholders, 1);
	assert_int_equal(s.holders[r->holder0].pid, 4242);
	assert_string_equal(s.holders[r->holder0].comm, "java");
	assert_int_equal(s.holders[r->holder0].maps_rw, 1);
	assert_int_equal(r->size, 3);
	assert_false(r->orphan);
	r = row_named(&s, "tmp/hsperfdata_bob/999");
	assert_non_null(r);
	assert_int_equal(r->nholders, 0);
	assert_true(r->orphan);
	assert_int_equal(r->size, 4);
	assert_non_null(row_named(&s, "var/lib/pcp/tmp/mmv/app"));
	assert_non_null(row_named(&s, "var/lib/varnish/v1/_.vsm_mgt/_.index"));
	r = row_named(&s, "srv/app.db");
	assert_non_null(r);
	assert_int_equal(r->nholders, 1);
	assert_int_equal(r->size, 7); /* the stat of its path: the same dev and inode */
	assert_true(r->have_resident);
	assert_null(row_named(&s, "srv/cache.bin"));
	assert_null(row_named(&s, "tmp/hsperfdata_bob/notes"));
	assert_null(row_named(&s, "tmp/hsperfdata_bob/4321"));
	assert_null(row_named(&s, "tmp/hsperfdata_link/1"));
	assert_null(row_named(&s, "var/lib/varnish/v1/other"));
	bool gone = false;
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.rows[i].name, "/gone/file.db (deleted)") == 0) {
			gone = true;
			assert_int_equal(s.rows[i].kind, OBJLIST_FILE);
			assert_int_equal(s.rows[i].size, 0x8); /* the extent mapped */
			assert_false(s.rows[i].orphan);
		}
	assert_true(gone);
	assert_non_null(row_named(&s, "tmp/hsperfdata_eve/1")); /* by its own folder */
	assert_int_equal(s.kinds[OBJLIST_FILE].objects, 7);
	unsigned kinds;
	char why[160];
	assert_int_equal(objlist_kinds_parse("file", &kinds, why, sizeof why), 0);
	assert_int_equal(kinds, 1u << OBJLIST_FILE);
	assert_string_equal(objlist_kind_name(OBJLIST_FILE), "file");
	/* never removed */
	r = row_named(&s, "tmp/hsperfdata_bob/999");
	assert_int_equal(objlist_remove(&s, r, why, sizeof why), -1);
	assert_non_null(strstr(why, "only objects in /dev/shm"));
	snprintf(p, sizeof p, "%s/tmp/hsperfdata_bob/999", root);
	assert_int_equal(access(p, F_OK), 0);

	/* the path now another file (a swap by another user): no stat taken from it */
	put("srv/new.db", "another file, longer");
	snprintf(p, sizeof p, "%s/srv/new.db", root);
	snprintf(q, sizeof q, "%s/srv/app.db", root);
	assert_int_equal(rename(p, q), 0); /* a new inode: the old one lived till then */
	assert_int_equal(objlist_collect(&s, OBJLIST_FILES | OBJLIST_ORPHANS), 0);
	r = row_named(&s, "srv/app.db");
	assert_non_null(r);
	assert_int_equal(r->size, 8); /* the extent, not the new file's 20 bytes */
	assert_false(r->have_resident);
	objlist_free(&s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

/* shmtop PATH: what opens and what is refused (at once: a FIFO is not
 * waited on), and the rows of a folder named, marked named. */
static void test_named(void **state)
{
	(void)state;
	char p[256], q[256], why[512];
	struct stat st;
	snprintf(root, sizeof root, "/tmp/shmtop-test-files-XXXXXX");
	assert_non_null(mkdtemp(root));
	put("prom/counter_1.db", "abc");
	put("prom/gauge_all_2.db", "de");
	put("other.db", "x");
	snprintf(p, sizeof p, "%s/prom/counter_1.db", root);
	assert_int_equal(objlist_files_check(p, &st, why, sizeof why), 0);
	assert_true(S_ISREG(st.st_mode));
	snprintf(p, sizeof p, "%s/prom", root);
	assert_int_equal(objlist_files_check(p, &st, why, sizeof why), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(p, sizeof p, "%s/fifo", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(objlist_files_check(p, &st, why, sizeof why), -1);
	assert_non_null(strstr(why, "is a FIFO"));
	snprintf(q, sizeof q, "%s/link", root);
	snprintf(p, sizeof p, "%s/other.db", root);
	assert_int_equal(symlink(p, q), 0);
	assert_int_equal(objlist_files_check(q, &st, why, sizeof why), -1);
	assert_non_null(strstr(why, "is a symbolic link"));
	assert_int_equal(objlist_files_check("/dev/null", &st, why, sizeof why), -1);
	assert_non_null(strstr(why, "is a device"));
	snprintf(p, sizeof p, "%s/none\033[2J", root);
	assert_int_equal(objlist_files_check(p, &st, why, sizeof why), -1);
	assert_non_null(strstr(why, "No such file"));
	assert_null(strchr(why, '\033')); /* escaped */

	static struct objlist_row rows[64];
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.rows = rows;
	s.max = 64;
	snprintf(p, sizeof p, "%s/sysvipc", root);
	put("sysvipc", "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime "
		       "ctime rss swap\n");
	s.sysvipc_path = p;
	snprintf(q, sizeof q, "%s/prom/", root);
	s.files_path = q;
	s.files_root = root;
	assert_int_equal(objlist_collect(&s, OBJLIST_FILES), 0);
	size_t named = 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.rows[i].named) {
			named++;
			assert_int_equal(s.rows[i].kind, OBJLIST_FILE);
			assert_non_null(strstr(s.rows[i].name, "/prom/"));
			assert_null(strstr(s.rows[i].name, "//"));
		}
	assert_int_equal(named, 2);
	objlist_free(&s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

/* The folder of a path, opened one component at a time from / or from the
 * working folder, none followed; the checked open of a file in it. */
static void test_open_parent(void **state)
{
	(void)state;
	char dir[] = "/tmp/shmtop-parent.XXXXXX", cwd[4096];
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("sub", 0700), 0);
	int fd = open("sub/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	struct stat st, got;
	assert_true(fd >= 0 && fstat(fd, &st) == 0);
	close(fd);
	const char *name;
	const char *paths[] = { "sub/f", "./sub/f", NULL };
	char abs[80];
	snprintf(abs, sizeof abs, "%s/sub/f", dir);
	paths[2] = abs;
	for (size_t i = 0; i < 3; i++) {
		int d = objlist_files_open_parent(paths[i], &name);
		assert_true(d >= 0);
		assert_string_equal(name, "f");
		fd = objlist_files_open_at(d, name, st.st_dev, st.st_ino, &got);
		assert_true(fd >= 0);
		close(fd);
		close(d);
	}
	int d = objlist_files_open_parent("f", &name); /* a name alone: here */
	assert_true(d >= 0);
	assert_string_equal(name, "f");
	assert_int_equal(objlist_files_open_at(d, "sub", st.st_dev, st.st_ino, &got), -1);
	assert_int_equal(errno, EINVAL); /* a folder is not a file */
	close(d);
	d = objlist_files_open_parent("/etc", &name);
	assert_true(d >= 0);
	assert_string_equal(name, "etc");
	close(d);
	assert_int_equal(symlink("sub", "link"), 0);
	assert_int_equal(objlist_files_open_parent("link/f", &name), -1);
	assert_true(errno == ELOOP || errno == ENOTDIR);
	assert_int_equal(objlist_files_open_parent("sub/f/g", &name), -1);
	assert_int_equal(errno, ENOTDIR);
	/* the same name, another file (the old one kept, so its inode is
	 * not reused): refused */
	assert_int_equal(rename("sub/f", "kept"), 0);
	fd = open("sub/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	d = objlist_files_open_parent("sub/f", &name);
	assert_int_equal(objlist_files_open_at(d, name, st.st_dev, st.st_ino, &got), -1);
	assert_int_equal(errno, ESTALE);
	close(d);
	assert_int_equal(chdir(cwd), 0);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_line_file), cmocka_unit_test(test_known),
		cmocka_unit_test(test_mmv_dir),       cmocka_unit_test(test_collect_fake_host),
		cmocka_unit_test(test_named),         cmocka_unit_test(test_open_parent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
