/* SPDX-License-Identifier: MIT */
/* shmtop's command line: defaults, every option, every bad argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>

#include <cmocka.h>

#include "objlist_table.h"
#include "options.h"
#include "record.h"

static struct options o;
static char why[256];

static enum options_result run(int argc, const char **argv)
{
	static char store[16][64];
	char *args[16];
	assert_true(argc < 16);
	for (int i = 0; i < argc; i++)
		args[i] = strncpy(store[i], argv[i], sizeof store[i] - 1);
	args[argc] = NULL;
	why[0] = '\0';
	return options_parse(argc, args, &o, why, sizeof why);
}

#define RUN(...)                                                                                   \
	run((int)(sizeof((const char *[]){ "shmtop", __VA_ARGS__ }) / sizeof(char *)),             \
	    (const char *[]){ "shmtop", __VA_ARGS__ })

static void bad(enum options_result r, const char *reason)
{
	assert_int_equal(r, OPTIONS_BAD);
	assert_non_null(strstr(why, reason));
	assert_null(strchr(why, '\n')); /* one line */
}

static void test_defaults(void **state)
{
	(void)state;
	const char *argv[] = { "shmtop" };
	assert_int_equal(run(1, argv), OPTIONS_RUN);
	assert_int_equal(o.key, SHMTOP_DEFAULT_KEY);
	assert_int_equal(o.delay_tenths, 5);
	assert_int_equal(o.iterations, 0);
	assert_false(o.batch || o.json || o.ascii || o.no_color);
}

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(RUN("-k", "0x1234", "-d", "3", "--ascii", "-b", "-n", "2"), OPTIONS_RUN);
	assert_int_equal(o.key, 0x1234);
	assert_int_equal(o.delay_tenths, 3);
	assert_true(o.delay_set);
	assert_int_equal(o.iterations, 2);
	assert_true(o.batch && o.ascii && !o.no_color && !o.json);
	assert_int_equal(o.shmid, -1);
	assert_int_equal(RUN("--no-color", "-k", "1"), OPTIONS_RUN);
	assert_true(o.no_color && !o.delay_set);
	/* --no-config in every mode; --sort given is told from the default */
	assert_int_equal(RUN("-k", "1"), OPTIONS_RUN);
	assert_true(!o.no_config && !o.sort_set);
	assert_int_equal(RUN("--no-config", "-a", "--sort", "size"), OPTIONS_RUN);
	assert_true(o.no_config && o.sort_set);
	assert_int_equal(RUN("--no-config", "-b", "-k", "1"), OPTIONS_RUN);
	assert_int_equal(RUN("--no-config", "-a", "--json"), OPTIONS_RUN);
	assert_int_equal(RUN("--no-config", "--check"), OPTIONS_RUN);
	assert_int_equal(RUN("--no-config", "--prometheus"), OPTIONS_RUN);
	/* the mouse off unless asked, the last of --mouse and --no-mouse
	 * winning; accepted in every mode, as the screen's looks are */
	assert_int_equal(RUN("-a"), OPTIONS_RUN);
	assert_true(!o.mouse && !o.mouse_set);
	assert_int_equal(RUN("--mouse", "-a"), OPTIONS_RUN);
	assert_true(o.mouse && o.mouse_set);
	assert_int_equal(RUN("--mouse", "--no-mouse"), OPTIONS_RUN);
	assert_true(!o.mouse && o.mouse_set);
	assert_int_equal(RUN("--no-mouse", "--mouse", "-k", "1"), OPTIONS_RUN);
	assert_true(o.mouse);
	assert_int_equal(RUN("--mouse", "-a", "-b"), OPTIONS_RUN);
	assert_int_equal(RUN("--mouse", "--check"), OPTIONS_RUN);
	assert_int_equal(RUN("--no-mouse", "--prometheus"), OPTIONS_RUN);
	assert_int_equal(RUN("--key=9527", "--delay=600", "--json", "--iterations=1"), OPTIONS_RUN);
	assert_true(o.json && o.batch);
	assert_int_equal(o.delay_tenths, 600);
	/* The key from -f is made by main(): a missing file is a runtime error. */
	assert_int_equal(RUN("-f", "/nonexistent/shmtop"), OPTIONS_RUN);
	assert_string_equal(o.file, "/nonexistent/shmtop");
	assert_int_equal(RUN("-i", "0"), OPTIONS_RUN);
	assert_int_equal(o.shmid, 0);
	assert_int_equal(RUN("--id=2147483647", "--json"), OPTIONS_RUN);
	assert_int_equal(o.shmid, 2147483647);
	assert_int_equal(RUN("-h"), OPTIONS_HELP);
	assert_int_equal(RUN("--version"), OPTIONS_VERSION);
	assert_non_null(strstr(options_usage(), "--delay"));
}

/* --help is made from the option table: each option named once at the
 * start of its line, with its short letter when it has one, its further
 * lines under its text, and asked twice it is the same text. */
static void test_usage(void **state)
{
	(void)state;
	const char *u = options_usage();
	static const char *const lines[] = {
		"  -k, --key KEY          SysV key:",        "  -f, --file PATH        derive",
		"  -i, --id SHMID         the segment",      "      --sort KEY         order by",
		"  -F, --filter TEXT      only the",         "      --check            compare",
		"  -V, --version          show the version",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		const char *at = strstr(u, lines[i]);
		assert_non_null(at);
		assert_true(at == u || at[-1] == '\n');
	}
	assert_non_null(strstr(u,
			       "\n\nDisplay:\n  -d, --delay TENTHS     refresh every TENTHS tenths "
			       "of a second, 1 to 600\n                         (default 5)\n"));
	assert_non_null(strstr(u, "and exit\n  -V"));
	int names = 0;
	for (const char *l = u; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		names += strncmp(l, "      --raw ", 12) == 0;
	}
	assert_int_equal(names, 1);
	assert_ptr_equal(options_usage(), u);
	/* whole: the buffer holds it to its last line (a longer text was cut
	 * at 4095 bytes, mid-word, with no error) */
	static const char last[] = "A closed pipe ends shmtop by SIGPIPE.\n";
	size_t len = strlen(u);
	assert_true(len > sizeof last);
	assert_string_equal(u + len - (sizeof last - 1), last);
}

static void test_all_segments(void **state)
{
	(void)state;
	assert_int_equal(RUN("-a", "-b"), OPTIONS_RUN);
	assert_true(o.all && o.batch && !o.json && !o.prometheus);
	assert_int_equal(o.sort, SYSVIPC_SORT_SIZE);
	assert_true(o.sort_reverse); /* biggest first */
	assert_int_equal(RUN("--all", "--json", "--sort", "owner"), OPTIONS_RUN);
	assert_true(o.all && o.json);
	assert_int_equal(o.sort, SYSVIPC_SORT_OWNER);
	assert_false(o.sort_reverse);
	assert_int_equal(RUN("--sort=nattch", "-a", "-b"), OPTIONS_RUN);
	assert_int_equal(o.sort, SYSVIPC_SORT_NATTCH);
	assert_true(o.sort_reverse);
	assert_int_equal(RUN("--prometheus", "-n", "1"), OPTIONS_RUN);
	assert_true(o.prometheus && o.all && o.batch);
	assert_int_equal(RUN("--check"), OPTIONS_RUN);
	assert_true(o.check);
	assert_int_equal(
	    RUN("-a", "-b", "-o", "+count,Writer_Alive", "--raw", "--noheadings", "--bytes"),
	    OPTIONS_RUN);
	assert_true(o.raw && o.noheadings && o.bytes);
	assert_string_equal(o.columns, "+count,Writer_Alive");
	assert_int_equal(RUN("-a", "--json", "-o", "ALL"), OPTIONS_RUN);
	assert_int_equal(RUN("-a"), OPTIONS_RUN); /* the full-screen list */
	assert_true(o.all && !o.batch);
	bad(RUN("--sort", "speed", "-a", "-b"), "invalid sort key 'speed'");
	bad(RUN("--prometheus", "--json"), "either --json or --prometheus");
	bad(RUN("--sort"), "option '--sort' needs an argument");
}

/* --sort takes every column -o takes, in any case, in the direction the
 * list's key for it starts with: rss biggest first, as m; id as i. */
static void test_sort_columns(void **state)
{
	(void)state;
	assert_int_equal(RUN("-a", "-b", "--sort", "rss"), OPTIONS_RUN);
	assert_int_equal(o.sort, SYSVIPC_SORT_RSS);
	assert_true(o.sort_reverse); /* biggest first, as the m key */
	assert_int_equal(RUN("-a", "-b", "--sort", "id"), OPTIONS_RUN);
	assert_int_equal(o.sort, SYSVIPC_SORT_SHMID);
	assert_false(o.sort_reverse);
	assert_int_equal(RUN("-a", "-b", "--sort", "ID"), OPTIONS_RUN);
	assert_int_equal(o.sort, SYSVIPC_SORT_SHMID);
	assert_int_equal(RUN("-a", "--sort", "Writer_Pid"), OPTIONS_RUN);
	assert_int_equal(o.sort, SYSVIPC_SORT_WRITER_PID);
	assert_int_equal(RUN("-a", "-b", "--sort", "CTIME"), OPTIONS_RUN);
	assert_int_equal(o.sort, SYSVIPC_SORT_AGE);
	for (size_t i = 0; objlist_table_column_name(i); i++) {
		assert_int_equal(RUN("-a", "-b", "--sort", objlist_table_column_name(i)),
				 OPTIONS_RUN);
		assert_int_equal(RUN("-a", "-b", "-o", objlist_table_column_name(i)), OPTIONS_RUN);
	}
	/* the error names the keys */
	bad(RUN("-a", "--sort", "speed"),
	    "expected key, shmid, owner, age, size, nattch, rss, or a column -o takes");
	/* --help names the list's sorts */
	assert_non_null(strstr(options_usage(), "size, rss, nattch, age, owner, key, shmid"));
}

/* -F narrows the list (on screen, and in batch); --values is for the
 * batch outputs only. */
static void test_filter_values(void **state)
{
	(void)state;
	assert_int_equal(RUN("-a", "-b"), OPTIONS_RUN);
	assert_true(o.filter == NULL && !o.values); /* by default: attach nothing */
	assert_int_equal(RUN("-a", "-b", "-F", "pulse"), OPTIONS_RUN);
	assert_string_equal(o.filter, "pulse");
	assert_false(o.values);
	assert_int_equal(RUN("-a", "--json", "--filter=sysv", "--values"), OPTIONS_RUN);
	assert_string_equal(o.filter, "sysv");
	assert_true(o.values);
	assert_int_equal(RUN("--prometheus", "--filter", "a b", "--values"), OPTIONS_RUN);
	assert_string_equal(o.filter, "a b");
	assert_true(o.values && o.prometheus);
	bad(RUN("-a", "-b", "-F", ""), "option '--filter' needs a text to look for");
	bad(RUN("-a", "-b", "-F"), "option '-F' needs an argument");
	bad(RUN("-F", "x"), "--filter narrows the list of every object: it needs --all or "
			    "--prometheus");
	bad(RUN("-k", "1", "-b", "-F", "x"), "--filter narrows the list of every object");
	bad(RUN("--values"), "--values is for the list's batch output: it needs --all");
	bad(RUN("-k", "1", "-b", "--values"), "--values is for the list's batch output");
	assert_int_equal(RUN("-a", "-F", "x"), OPTIONS_RUN); /* the list on screen, narrowed */
	assert_string_equal(o.filter, "x");
	bad(RUN("-a", "--values"), "--values is for the list's batch output: it needs --all");
	bad(RUN("--check", "-F", "x"), "--filter cannot be used with --check");
	bad(RUN("--check", "--values"), "--values cannot be used with --check");
	/* no name is longer than 255 bytes: a longer filter is a mistake */
	static char longer[300], exact[256];
	memset(longer, 'x', sizeof longer - 1);
	memset(exact, 'x', sizeof exact - 1);
	static char a0[] = "shmtop", a1[] = "-a", a2[] = "-b", a3[] = "-F";
	char *argv[] = { a0, a1, a2, a3, longer, NULL };
	assert_int_equal(options_parse(5, argv, &o, why, sizeof why), OPTIONS_BAD);
	assert_string_equal(why, "invalid filter: 299 bytes, at most 255 (no name is longer)");
	argv[4] = exact;
	assert_int_equal(options_parse(5, argv, &o, why, sizeof why), OPTIONS_RUN);
	assert_int_equal(strlen(o.filter), 255);
}

/* -t: kinds by name, exactly, any case; an unknown one refused. */
/* shmtop PATH: the list of the files PATH names, in every list mode. */
static void test_path(void **state)
{
	(void)state;
	assert_int_equal(RUN("/tmp/hsperfdata_bob/1234"), OPTIONS_RUN);
	assert_string_equal(o.path, "/tmp/hsperfdata_bob/1234");
	assert_true(o.all);
	assert_false(o.batch);
	assert_int_equal(RUN("/run/prom", "-b", "-n", "1"), OPTIONS_RUN);
	assert_true(o.all && o.batch);
	assert_int_equal(RUN("--json", "/run/prom"), OPTIONS_RUN);
	assert_true(o.json && o.all);
	assert_int_equal(RUN("-b", "--raw", "-o", "KIND,NAME", "x"), OPTIONS_RUN);
	assert_null(RUN("-b", "-n", "1") == OPTIONS_RUN ? o.path : "given");
	bad(RUN("x", "-k", "1"), "PATH names a file: it cannot be used with --key");
	bad(RUN("-i", "3", "x"), "PATH names a file: it cannot be used with --id");
	bad(RUN("--check", "x"), "PATH names a file: it cannot be used with --check");
	bad(RUN(""), "an empty PATH");
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(RUN("-a", "-b"), OPTIONS_RUN);
	assert_int_equal(o.kinds, 0); /* every kind */
	assert_int_equal(RUN("-a", "-b", "-t", "posix"), OPTIONS_RUN);
	assert_int_equal(o.kinds, 1u << OBJLIST_POSIX);
	assert_int_equal(RUN("-a", "--json", "--type=SysV,memfd,deleted"), OPTIONS_RUN);
	assert_int_equal(o.kinds, 1u << OBJLIST_SYSV | 1u << OBJLIST_MEMFD | 1u << OBJLIST_DELETED);
	assert_int_equal(RUN("-a", "-t", "sem,sem"), OPTIONS_RUN);
	assert_int_equal(o.kinds, 1u << OBJLIST_SEM);
	assert_int_equal(RUN("-a", "-b", "-t", "file"), OPTIONS_RUN);
	assert_int_equal(o.kinds, 1u << OBJLIST_FILE);
	bad(RUN("-a", "-b", "-t", "files"), "invalid kind 'files': expected a comma list of sysv, "
					    "posix, sem, memfd, deleted, file");
	bad(RUN("-a", "-b", "-t", "sysv,"), "invalid kind ''");
	bad(RUN("-a", "-b", "-t", ""), "invalid kind ''");
	bad(RUN("-a", "-b", "-t", "posi"), "invalid kind 'posi'");
	bad(RUN("-a", "-b", "-t", "sysvx"), "invalid kind 'sysvx'");
	bad(RUN("-a", "-b", "-t", "a\033[2Jb"), "invalid kind 'a\\x1b[2Jb'");
}

static void test_bad(void **state)
{
	(void)state;
	bad(RUN("-k", "zz"), "invalid key 'zz'");
	bad(RUN("-k", "0"), "IPC_PRIVATE");
	bad(RUN("-d", "0"), "invalid delay '0'");
	bad(RUN("-d", "601"), "invalid delay");
	bad(RUN("-d", "0.5"), "invalid delay");
	bad(RUN("-d", "-1"), "invalid delay");
	bad(RUN("-n", "0"), "invalid iterations '0'");
	bad(RUN("-n", "x"), "invalid iterations");
	bad(RUN("-n", "99999999999999999999999"), "invalid iterations");
	bad(RUN("-d"), "option '-d' needs an argument");
	bad(RUN("--key"), "option '--key' needs an argument");
	bad(RUN("-x"), "unknown option '-x'");
	bad(RUN("--bogus"), "unknown option '--bogus'");
	bad(RUN("-k", "-1"), "invalid key '-1'"); /* not 0xffffffff */
	bad(RUN("-k", "+1"), "invalid key '+1'");
	bad(RUN("--a"), "option '--a' is ambiguous; possibilities: ");
	assert_non_null(strstr(why, " '--ascii'"));
	assert_non_null(strstr(why, " '--all'"));
	bad(RUN("--a=1"), "option '--a' is ambiguous");
	bad(RUN("-bx"), "unknown option '-x'");
	assert_int_equal(RUN("--ke", "5", "--as"), OPTIONS_RUN); /* unique prefixes */
	assert_int_equal(o.key, 5);
	assert_true(o.ascii);
	bad(RUN("a.db", "extra"), "unexpected argument 'extra': give one PATH");
	bad(RUN("-k", "1", "-f", "/"), "give one of --key, --file and --id, not --key and --file");
	bad(RUN("-i", "-1"), "invalid shmid '-1'");
	bad(RUN("-i", "x"), "invalid shmid 'x'");
	bad(RUN("-i", "2147483648"), "invalid shmid");
	bad(RUN("-a", "-b", "-o", "KEY,BOGUS"), "unknown column 'BOGUS'");
	bad(RUN("-a", "-b", "-o", ""), "needs a list of columns");
}

/* Options that conflict, or that the mode would ignore, are refused with a
 * message naming both; the combinations that make sense pass. */
static void test_conflicts(void **state)
{
	(void)state;
	static const struct {
		const char *args[10];
		const char *why; /* NULL: accepted */
	} cases[] = {
		{ { "-b", "--check" }, "--batch cannot be used with --check" },
		{ { "--check", "--json" }, "--json cannot be used with --check" },
		{ { "--check", "-n", "1" }, "--iterations cannot be used with --check" },
		{ { "--check", "-a" }, "--all cannot be used with --check" },
		{ { "--check", "-k", "1" }, "--key cannot be used with --check" },
		{ { "--check", "-d", "5" }, "--delay cannot be used with --check" },
		{ { "--check", "-o", "KEY" }, "--output cannot be used with --check" },
		{ { "-a", "-k", "1" }, "--key cannot be used with --all (the full screen)" },
		{ { "-a", "-b", "-k", "1" }, "--key cannot be used with --all --batch" },
		{ { "-a", "-f", "/" }, "--file cannot be used with --all" },
		{ { "-a", "-i", "3" }, "--id cannot be used with --all" },
		{ { "-a", "--json", "-i", "3" }, "--id cannot be used with --all --json" },
		{ { "--sort", "size" }, "--sort orders the list of every segment: it needs --all" },
		{ { "-b", "--sort", "size" }, "it needs --all" },
		{ { "--prometheus", "-k", "1", "-i", "2" }, "not --key and --id" },
		{ { "-t", "sysv" }, "--type cannot be used with the full screen" },
		{ { "-b", "-t", "posix" }, "--type cannot be used with --batch" },
		{ { "--prometheus", "--sort", "size" }, "--sort cannot be used with --prometheus" },
		{ { "--prometheus", "-o", "KEY" }, "--output cannot be used with --prometheus" },
		{ { "--prometheus", "--json" }, "either --json or --prometheus" },
		{ { "-o", "KEY" },
		  "--output shapes the list in batch: it needs --all with --batch" },
		{ { "-a", "--raw" }, "--raw shapes the list in batch" },
		{ { "-b", "--bytes" }, "--bytes shapes the list in batch" },
		{ { "-a", "--json", "--raw" }, "--raw cannot be used with --all --json" },
		{ { "-a", "--json", "--noheadings" },
		  "--noheadings cannot be used with --all --json" },
		{ { "-a", "--json", "--bytes" }, "--bytes cannot be used with --all --json" },
		{ { "-k", "1", "-i", "2" }, "not --key and --id" },
		{ { "-f", "/", "-i", "2" }, "not --file and --id" },
		/* accepted */
		{ { "--check" }, NULL },
		{ { "--prometheus" }, NULL },
		{ { "--prometheus", "-a", "-b", "-n", "2", "-d", "1" }, NULL },
		{ { "-a", "-d", "3", "-n", "2", "--ascii", "--no-color" }, NULL },
		{ { "-a", "--sort", "owner" }, NULL },
		{ { "-a", "-b", "--sort", "key", "-o", "KEY,ID", "--raw", "--bytes" }, NULL },
		{ { "-a", "--json", "-o", "+COUNT", "-n", "1" }, NULL },
		{ { "-i", "3", "-b", "--ascii" }, NULL },
		{ { "-i", "3", "--no-color", "--ascii" }, NULL },
		{ { "-f", "/", "--json", "-n", "1", "-d", "1" }, NULL },
		/* what only changes the screen's look, in every mode */
		{ { "--prometheus", "--ascii", "--no-color" }, NULL },
		{ { "-b", "--no-color" }, NULL },
		{ { "--json", "--ascii", "--no-color" }, NULL },
		{ { "-a", "-b", "--ascii", "--no-color" }, NULL },
		{ { "-a", "--json", "--no-color" }, NULL },
		{ { "--check", "--no-color", "--ascii" }, NULL },
		/* one segment's counters in Prometheus */
		{ { "--prometheus", "-k", "1" }, NULL },
		{ { "--prometheus", "-i", "3" }, NULL },
		{ { "--prometheus", "-f", "/" }, NULL },
		/* kinds, exactly */
		{ { "-a", "-t", "posix" }, NULL },
		{ { "-a", "-b", "-t", "sysv,memfd" }, NULL },
		{ { "-a", "--json", "--type", "sem,deleted" }, NULL },
		{ { "--prometheus", "-t", "sysv" }, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		static char store[12][32] = { "shmtop" };
		char *args[12] = { store[0] };
		int argc = 1;
		for (const char *const *a = cases[i].args; argc < 11 && *a; a++, argc++)
			args[argc] = strcpy(store[argc], *a);
		args[argc] = NULL;
		why[0] = '\0';
		enum options_result r = options_parse(argc, args, &o, why, sizeof why);
		if (!cases[i].why) {
			if (r != OPTIONS_RUN)
				fail_msg("case %zu (%s ...) refused: %s", i, cases[i].args[0], why);
			continue;
		}
		if (r != OPTIONS_BAD || !strstr(why, cases[i].why))
			fail_msg("case %zu (%s %s): got '%s', want '%s'", i, cases[i].args[0],
				 cases[i].args[1], why, cases[i].why);
		assert_null(strchr(why, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad),          cmocka_unit_test(test_all_segments),
		cmocka_unit_test(test_conflicts),    cmocka_unit_test(test_filter_values),
		cmocka_unit_test(test_sort_columns), cmocka_unit_test(test_usage),
		cmocka_unit_test(test_kinds),        cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
