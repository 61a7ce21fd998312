/* SPDX-License-Identifier: MIT */
/* The settings file: parsing (good, unknown, bad, huge, binary), the text
 * written, the folder rule under sudo, and the atomic write that never
 * goes through a symbolic link or into a folder of another user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "settings.h"

static int parse(const char *text, struct settings *s, char *why)
{
	return settings_parse(text, strlen(text), s, why, 160);
}

static void test_parse_good(void **state)
{
	(void)state;
	struct settings s = { 0 };
	char why[160];
	assert_int_equal(parse("# a comment\n\n sort = nattch \nsort_direction=ascending\n"
			       "delay=20\r\ngraph=rate\ncolumns=KEY,ID,SIZE\ncolor=off\nmouse=on",
			       &s, why),
			 0);
	assert_int_equal(s.set, SETTING_SORT | SETTING_ORDER | SETTING_DELAY | SETTING_GRAPH |
				    SETTING_COLUMNS | SETTING_COLOR | SETTING_MOUSE);
	assert_int_equal(s.sort, SYSVIPC_SORT_NATTCH);
	assert_false(s.sort_reverse);
	assert_int_equal(s.delay_tenths, 20);
	assert_true(s.graph_rate);
	assert_string_equal(s.columns, "KEY,ID,SIZE");
	assert_false(s.color);
	assert_true(s.mouse);
	/* sort alone: its own first direction, whatever order the lines are in */
	struct settings t = { 0 };
	assert_int_equal(parse("sort=size\n", &t, why), 0);
	assert_int_equal(t.sort, SYSVIPC_SORT_SIZE);
	assert_true(t.sort_reverse);
	t = (struct settings){ 0 };
	assert_int_equal(parse("sort_direction=ascending\nsort=size\n", &t, why), 0);
	assert_false(t.sort_reverse);
	/* a column's name as --sort takes it; +COLUMNS and ALL as -o */
	assert_int_equal(parse("sort=ID\ncolumns=+COUNT\n", &t, why), 0);
	assert_string_equal(t.columns, "+COUNT");
	assert_int_equal(parse("columns=ALL\n", &t, why), 0);
}

static void test_parse_bad(void **state)
{
	(void)state;
	struct settings s = { .delay_tenths = 5 }, before;
	char why[160];
	before = s;
	const char *bad[] = {
		"delay=0",       "delay=601", "delay=5x",   "delay=-1",    "delay=",
		"graph=Rate",    "color=yes", "mouse=1",    "sort=nosuch", "sort_direction=up",
		"columns=KEY,,", "columns=",  "columns=XY", "noequals",    "=5",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i], &s, why), 1);
		assert_memory_equal(&s, &before, sizeof s); /* nothing taken */
		assert_non_null(strstr(why, "line 1: "));
	}
	assert_int_equal(parse("delay=3\ncolour=on\nmouse=maybe\nfoo\n", &s, why), 3);
	assert_int_equal(s.delay_tenths, 3); /* the good line kept */
	assert_string_equal(why, "line 2: unknown setting 'colour' (and 2 more lines ignored)");
	/* the name escaped for the terminal */
	assert_int_equal(parse("\x1b[2Jx=1\n", &s, why), 1);
	assert_null(strchr(why, '\x1b'));
	/* a value longer than any: refused, not cut */
	char lng[600] = "columns=";
	memset(lng + 8, 'K', 500);
	assert_int_equal(parse(lng, &s, why), 1);
	assert_string_equal(s.columns, "");
}

static void test_parse_binary(void **state)
{
	(void)state;
	/* a NUL inside a line makes it bad; random bytes never crash and
	 * never take a value out of range */
	struct settings s = { 0 };
	char why[160];
	const char nul[] = "delay=7\0\ndelay=9\n";
	assert_int_equal(settings_parse(nul, sizeof nul - 1, &s, why, sizeof why), 1);
	assert_int_equal(s.delay_tenths, 9);
	assert_non_null(strstr(why, "not text"));
	static char junk[SETTINGS_MAX_FILE];
	srand(7);
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)(rand() % 4 == 0 ? "=\n#"[rand() % 3] : rand());
		s = (struct settings){ 0 };
		settings_parse(junk, sizeof junk, &s, why, sizeof why);
		if (s.set & SETTING_DELAY)
			assert_in_range(s.delay_tenths, 1, SETTINGS_MAX_DELAY);
		assert_true(strlen(s.columns) <= SETTINGS_MAX_COLUMNS);
	}
}

static void test_format_round_trip(void **state)
{
	(void)state;
	for (int by = 0; by < SYSVIPC_NSORTS; by++) {
		struct settings a = { .set = SETTING_SORT | SETTING_ORDER | SETTING_DELAY |
					     SETTING_GRAPH | SETTING_COLUMNS | SETTING_COLOR |
					     SETTING_MOUSE,
				      .sort = (enum sysvipc_sort)by,
				      .sort_reverse = by % 2,
				      .delay_tenths = 600,
				      .graph_rate = true,
				      .columns = "KEY,SIZE",
				      .mouse = true },
				b = { 0 };
		char text[1024], why[160];
		size_t n = settings_format(&a, text, sizeof text);
		assert_int_equal(n, strlen(text));
		assert_int_equal(settings_parse(text, n, &b, why, sizeof why), 0);
		assert_int_equal(b.set, a.set);
		assert_int_equal(settings_diff(&a, &b), 0);
	}
	struct settings only = { .set = SETTING_DELAY, .delay_tenths = 2 };
	char text[256];
	settings_format(&only, text, sizeof text);
	assert_non_null(strstr(text, "\ndelay=2\n"));
	assert_null(strstr(text, "sort"));
	struct settings x = { 0 }, y = { 0 };
	y.sort_reverse = true;
	assert_int_equal(settings_diff(&x, &y), SETTING_SORT | SETTING_ORDER);
	y = x;
	y.graph_rate = true;
	assert_int_equal(settings_diff(&x, &y), SETTING_GRAPH);
}

static void test_merge(void **state)
{
	(void)state;
	/* the file says key; the command line started the run on size; only
	 * the delay changed: the file keeps key and gets the delay */
	struct settings file = { .set = SETTING_SORT | SETTING_ORDER,
				 .sort = SYSVIPC_SORT_KEY,
				 .sort_reverse = false },
			start = { .sort = SYSVIPC_SORT_SIZE,
				  .sort_reverse = true,
				  .delay_tenths = 5 },
			end = start;
	const unsigned keys = SETTING_SORT | SETTING_ORDER | SETTING_DELAY | SETTING_GRAPH;
	assert_int_equal(settings_merge(&file, &start, &end, keys), 0);
	assert_int_equal(file.set, SETTING_SORT | SETTING_ORDER);
	end.delay_tenths = 10;
	end.mouse = true; /* outside the mask: not taken */
	assert_int_equal(settings_merge(&file, &start, &end, keys), SETTING_DELAY);
	assert_int_equal(file.set, SETTING_SORT | SETTING_ORDER | SETTING_DELAY);
	assert_int_equal(file.sort, SYSVIPC_SORT_KEY);
	assert_false(file.sort_reverse);
	assert_int_equal(file.delay_tenths, 10);
	assert_false(file.mouse);
	/* the direction alone reversed: sort and direction both written */
	end = start;
	end.sort_reverse = false;
	assert_int_equal(settings_merge(&file, &start, &end, keys), SETTING_SORT | SETTING_ORDER);
	assert_int_equal(file.sort, SYSVIPC_SORT_SIZE);
	assert_false(file.sort_reverse);
}

static struct settings_place place_of(const struct settings_env *e)
{
	struct settings_place p;
	memset(&p, 0, sizeof p);
	assert_int_equal(settings_place(e, &p), 0);
	return p;
}

static void test_place_rule(void **state)
{
	(void)state;
	struct settings_place p;
	/* alice, plain */
	struct settings_env e = { 1000, 1000, "/home/alice", NULL, 1000, -1, "/home/alice", 1000 };
	p = place_of(&e);
	assert_string_equal(p.base, "/home/alice");
	assert_false(p.xdg);
	char path[PATH_MAX + 32];
	assert_string_equal(settings_path(&p, path, sizeof path),
			    "/home/alice/.config/shmtop/shmtoprc");
	/* XDG_CONFIG_HOME first, when absolute and hers */
	e.xdg = "/home/alice/cfg";
	e.xdg_owner = 1000;
	p = place_of(&e);
	assert_string_equal(settings_path(&p, path, sizeof path),
			    "/home/alice/cfg/shmtop/shmtoprc");
	e.xdg = "cfg"; /* relative: ignored */
	assert_string_equal(place_of(&e).base, "/home/alice");
	/* sudo keeping HOME: root's uid, alice's HOME and XDG: root's own home */
	struct settings_env sudo = { 0,    0,    "/home/alice", "/home/alice/.config",
				     1000, 1000, "/root",       0 };
	p = place_of(&sudo);
	assert_string_equal(p.base, "/root");
	assert_int_equal(p.uid, 0);
	/* sudo -u bob with alice's HOME: bob's home */
	struct settings_env bob = { 1001, 1001, "/home/alice", NULL, 1000, -1, "/home/bob", 1001 };
	assert_string_equal(place_of(&bob).base, "/home/bob");
	/* bob's passwd home missing or not his: no file at all */
	bob.pw_dir_owner = -1;
	assert_int_equal(settings_place(&bob, &p), -1);
	bob.pw_dir_owner = 1000;
	assert_int_equal(settings_place(&bob, &p), -1);
	bob.pw_dir = NULL;
	assert_int_equal(settings_place(&bob, &p), -1);
	/* set-user-ID (uid != euid): none, whatever the environment */
	struct settings_env suid = { 1000, 0, "/home/alice", NULL, 1000, -1, "/home/alice", 1000 };
	assert_int_equal(settings_place(&suid, &p), -1);
	/* HOME unset or relative: the password file's */
	e = (struct settings_env){ 1000, 1000, NULL, NULL, -1, -1, "/home/alice", 1000 };
	assert_string_equal(place_of(&e).base, "/home/alice");
}

/* A fresh folder for a home, and its place. */
static struct settings_place fresh_home(char *dir)
{
	strcpy(dir, "/tmp/test_settings.XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct settings_place p = { .uid = getuid() };
	snprintf(p.base, sizeof p.base, "%s", dir);
	return p;
}

static void cleanup(const char *dir)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void file_at(const char *dir, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, rel);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_save_load(void **state)
{
	(void)state;
	char dir[64], path[PATH_MAX], why[PATH_MAX + 320];
	struct settings_place p = fresh_home(dir);
	struct settings s = { .set = SETTING_DELAY | SETTING_GRAPH,
			      .delay_tenths = 20,
			      .graph_rate = true },
			got = { 0 };
	/* no file yet: nothing to say, nothing made */
	assert_int_equal(settings_load(&p, &got, why, sizeof why), 0);
	assert_int_equal(got.set, 0);
	file_at(dir, ".config", path, sizeof path);
	assert_int_equal(access(path, F_OK), -1);
	umask(0);
	assert_int_equal(settings_save(&p, &s, why, sizeof why), 0);
	struct stat st;
	file_at(dir, ".config/shmtop", path, sizeof path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	file_at(dir, ".config/shmtop/shmtoprc", path, sizeof path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(022);
	assert_int_equal(settings_load(&p, &got, why, sizeof why), 0);
	assert_int_equal(got.set, s.set);
	assert_int_equal(got.delay_tenths, 20);
	/* rewritten in place of the old one, no temporary file left */
	s.delay_tenths = 30;
	ino_t before = st.st_ino;
	assert_int_equal(settings_save(&p, &s, why, sizeof why), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_not_equal(st.st_ino, before); /* a new file renamed over it */
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s/.config/shmtop' | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	/* XDG_CONFIG_HOME: base/shmtop/shmtoprc */
	p.xdg = true;
	assert_int_equal(settings_save(&p, &s, why, sizeof why), 0);
	file_at(dir, "shmtop/shmtoprc", path, sizeof path);
	assert_int_equal(access(path, F_OK), 0);
	cleanup(dir);
}

static void test_load_refuses(void **state)
{
	(void)state;
	char dir[64], path[PATH_MAX], target[PATH_MAX], why[PATH_MAX + 320];
	struct settings_place p = fresh_home(dir);
	struct settings got = { 0 };
	file_at(dir, ".config", path, sizeof path);
	assert_int_equal(mkdir(path, 0700), 0);
	file_at(dir, ".config/shmtop", path, sizeof path);
	assert_int_equal(mkdir(path, 0700), 0);
	/* too big: ignored whole */
	file_at(dir, ".config/shmtop/shmtoprc", path, sizeof path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("delay=9\n", f);
	for (int i = 0; i < SETTINGS_MAX_FILE / 8; i++)
		fputs("# pad #\n", f);
	fclose(f);
	assert_int_equal(settings_load(&p, &got, why, sizeof why), 1);
	assert_non_null(strstr(why, "larger than 64 KiB"));
	assert_int_equal(got.set, 0);
	/* a symbolic link: not followed */
	file_at(dir, "elsewhere", target, sizeof target);
	write_file(target, "delay=9\n");
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(settings_load(&p, &got, why, sizeof why), 1);
	assert_non_null(strstr(why, "symbolic link"));
	assert_int_equal(got.set, 0);
	/* a file of another user's */
	unlink(path);
	write_file(path, "delay=9\n");
	p.uid = getuid() + 4242;
	assert_int_equal(settings_load(&p, &got, why, sizeof why), 1);
	assert_int_equal(got.set, 0);
	p.uid = getuid();
	assert_int_equal(settings_load(&p, &got, why, sizeof why), 0);
	assert_int_equal(got.delay_tenths, 9);
	cleanup(dir);
}

static void test_save_refuses(void **state)
{
	(void)state;
	char dir[64], path[PATH_MAX], target[PATH_MAX], why[PATH_MAX + 320];
	struct settings_place p = fresh_home(dir);
	struct settings s = { .set = SETTING_DELAY, .delay_tenths = 20 };
	struct stat st;
	/* the file a symbolic link: refused, its target untouched */
	file_at(dir, ".config", path, sizeof path);
	assert_int_equal(mkdir(path, 0700), 0);
	file_at(dir, ".config/shmtop", path, sizeof path);
	assert_int_equal(mkdir(path, 0700), 0);
	file_at(dir, "target", target, sizeof target);
	write_file(target, "precious\n");
	file_at(dir, ".config/shmtop/shmtoprc", path, sizeof path);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(settings_save(&p, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "symbolic link"));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 9);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* the folder a symbolic link (to a folder of the same user): refused */
	unlink(path);
	file_at(dir, ".config/shmtop", path, sizeof path);
	assert_int_equal(rmdir(path), 0);
	file_at(dir, "otherdir", target, sizeof target);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(settings_save(&p, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "symbolic link"));
	file_at(dir, "otherdir/shmtoprc", target, sizeof target);
	assert_int_equal(access(target, F_OK), -1);
	/* .config a symbolic link: refused too */
	unlink(path);
	file_at(dir, ".config", path, sizeof path);
	assert_int_equal(rmdir(path), 0);
	file_at(dir, "otherdir", target, sizeof target);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(settings_save(&p, &s, why, sizeof why), -1);
	unlink(path);
	/* a folder owned by another uid: refused, nothing made in it */
	p.uid = getuid() + 4242;
	assert_int_equal(settings_save(&p, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "belongs to uid"));
	file_at(dir, ".config", path, sizeof path);
	assert_int_equal(access(path, F_OK), -1);
	/* the folder a regular file */
	p.uid = getuid();
	write_file(path, "");
	assert_int_equal(settings_save(&p, &s, why, sizeof why), -1);
	cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),   cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_binary), cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_merge),        cmocka_unit_test(test_place_rule),
		cmocka_unit_test(test_save_load),    cmocka_unit_test(test_load_refuses),
		cmocka_unit_test(test_save_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
