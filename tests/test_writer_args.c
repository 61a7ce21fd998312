/* SPDX-License-Identifier: MIT */
/*
 * shmwriter's command line: defaults, every option, every bad argument with
 * its exact message (main() adds "shmwriter: " and the --help hint; test_writer
 * and e2e_screen see those on the real program).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <unistd.h>

#include <cmocka.h>

#include "args.h"
#include "record.h"

static struct writer_args a;
static char why[512]; /* main()'s size */

/* args_parse() on a copy of argv (getopt_long permutes it), after "shmwriter". */
static enum args_result run(const char *const *argv)
{
	static char store[16][96] = { "shmwriter" };
	char *args[16] = { store[0] };
	int argc = 1;
	for (; argv[argc - 1]; argc++) {
		assert_true(argc < 15 && strlen(argv[argc - 1]) < sizeof store[0]);
		args[argc] = strcpy(store[argc], argv[argc - 1]);
	}
	args[argc] = NULL;
	why[0] = '\0';
	return args_parse(argc, args, &a, why, sizeof why);
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(run((const char *const[]){ NULL }), ARGS_RUN);
	assert_int_equal(a.w.key, SHMTOP_DEFAULT_KEY);
	assert_int_equal(a.w.interval_ns, 1000000000);
	assert_int_equal(a.w.mode, 0600);
	assert_int_equal(a.w.control_mode, 0600);
	assert_false(a.w.reset || a.w.remove_on_exit || a.daemon);
	assert_null(a.pidfile);
	assert_string_equal(a.warning, "");
}

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(RUN("-k", "0x1234", "-i", "0.25", "-m", "0644", "--control-mode", "0660",
			     "--reset", "--remove-on-exit", "-D", "--pidfile", "/run/w.pid"),
			 ARGS_RUN);
	assert_int_equal(a.w.key, 0x1234);
	assert_int_equal(a.w.interval_ns, 250000000);
	assert_int_equal(a.w.mode, 0644);
	assert_int_equal(a.w.control_mode, 0660);
	assert_true(a.w.reset && a.w.remove_on_exit && a.daemon);
	assert_string_equal(a.pidfile, "/run/w.pid");
	assert_string_equal(a.warning, ""); /* 0660: no one else */

	/* long forms, "=", unique prefixes, bundled short options */
	assert_int_equal(
	    RUN("--key=9527", "--interval=0", "--mode=0600", "--daemon", "--pid=rel.pid", "--rem"),
	    ARGS_RUN);
	assert_int_equal(a.w.key, 9527);
	assert_int_equal(a.w.interval_ns, 0);
	assert_true(a.daemon && a.w.remove_on_exit && !a.w.reset);
	assert_string_equal(a.pidfile, "rel.pid");
	assert_int_equal(RUN("-Dk5", "--interval", ".5", "--res", "--control-mode=0600"), ARGS_RUN);
	assert_int_equal(a.w.key, 5);
	assert_int_equal(a.w.interval_ns, 500000000);
	assert_true(a.daemon && a.w.reset && !a.w.from_stdin);
	assert_int_equal(RUN("--stdin", "-i", "2"), ARGS_RUN);
	assert_true(a.w.from_stdin);
	assert_int_equal(a.w.interval_ns, 2000000000);
	assert_int_equal(RUN("-k", "017", "-i", "86400"), ARGS_RUN);
	assert_int_equal(a.w.key, 017);
	assert_int_equal(a.w.interval_ns, 86400 * INT64_C(1000000000));

	/* A parse starts afresh: nothing of the last one stays. */
	assert_int_equal(RUN("-k", "1"), ARGS_RUN);
	assert_false(a.daemon || a.w.reset || a.w.remove_on_exit || a.pidfile);

	/* -f: the key is ftok(PATH, 'S'), made here */
	char path[] = "/tmp/test_writer_args-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(RUN("-f", path), ARGS_RUN);
	assert_int_equal(a.w.key, ftok(path, 'S'));
	assert_int_equal(RUN("--file=/", "-m", "0640"), ARGS_RUN);
	assert_int_equal(a.w.key, ftok("/", 'S'));
	assert_int_equal(a.w.mode, 0640);
	unlink(path);
}

/* The control segment may be opened to everyone, but not without a word. */
static void test_warnings(void **state)
{
	(void)state;
	assert_int_equal(RUN("--control-mode", "0666"), ARGS_RUN);
	assert_int_equal(a.w.control_mode, 0666);
	assert_string_equal(a.warning,
			    "control mode 0666 lets every local user pause and reset the writer");
	assert_int_equal(RUN("--control-mode", "602"), ARGS_RUN);
	assert_string_equal(a.warning,
			    "control mode 0602 lets every local user pause and reset the writer");
	assert_int_equal(RUN("--control-mode", "0620"), ARGS_RUN); /* the group: no warning */
	assert_string_equal(a.warning, "");
	/* refused: no warning on top of the reason */
	assert_int_equal(RUN("--control-mode", "0666", "-m", "0666"), ARGS_BAD);
	assert_string_equal(a.warning, "");
}

static void test_help_version(void **state)
{
	(void)state;
	assert_int_equal(RUN("-h"), ARGS_HELP);
	assert_int_equal(RUN("--help"), ARGS_HELP);
	assert_int_equal(RUN("--he"), ARGS_HELP);
	assert_int_equal(RUN("-V"), ARGS_VERSION);
	assert_int_equal(RUN("--version"), ARGS_VERSION);
	assert_int_equal(RUN("-Dh"), ARGS_HELP);
	/* the first that decides wins, as it always did */
	assert_int_equal(RUN("-h", "-k", "zz"), ARGS_HELP);
	assert_int_equal(RUN("-k", "zz", "-h"), ARGS_BAD);
	assert_int_equal(RUN("extra", "-V"), ARGS_VERSION); /* options before operands */
	assert_int_equal(RUN("-k", "1", "-f", "/", "--help"), ARGS_HELP);

	const char *usage = args_usage();
	assert_int_equal(strncmp(usage, "Usage: shmwriter [OPTION]...\n", 29), 0);
	static const char *const names[] = {
		"-k, --key KEY",    "-f, --file PATH",
		"-m, --mode MODE",  "--control-mode MODE",
		"--remove-on-exit", "-i, --interval SECONDS",
		"--reset",          "-D, --daemon",
		"--pidfile PATH",   "-h, --help",
		"-V, --version",    "--stdin",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strstr(usage, names[i]))
			fail_msg("--help lacks '%s'", names[i]);
	/* whole, to its last line: the buffer is no shorter than the text */
	static const char last[] = "lines and bytes a second: shmtop -k 0x1234\n";
	size_t len = strlen(usage);
	assert_true(len > sizeof last);
	assert_string_equal(usage + len - (sizeof last - 1), last);
}

/* Every bad argument, with the reason word for word. */
static void test_bad(void **state)
{
	(void)state;
	static const struct {
		const char *args[8];
		const char *why;
	} cases[] = {
		/* keys */
		{ { "-k", "zz" }, "invalid key 'zz': expected a number such as 9527 or 0x2537" },
		{ { "-k", "0" }, "invalid key '0': 0 is IPC_PRIVATE, not a key" },
		{ { "-k", "0x1ffffffff" },
		  "invalid key '0x1ffffffff': out of range for a SysV key (at most 0xffffffff)" },
		{ { "-k", "-1" }, "invalid key '-1': expected a number such as 9527 or 0x2537" },
		{ { "-k", "+1" }, "invalid key '+1': expected a number such as 9527 or 0x2537" },
		{ { "--key=" }, "invalid key '': expected a number such as 9527 or 0x2537" },
		/* intervals */
		{ { "-i", "-1" }, "invalid interval '-1': expected seconds such as 1 or 0.25" },
		{ { "-i", "fast" }, "invalid interval 'fast': expected seconds such as 1 or 0.25" },
		{ { "-i", "nan" }, "invalid interval 'nan': expected seconds such as 1 or 0.25" },
		{ { "-i", "inf" }, "invalid interval 'inf': expected seconds such as 1 or 0.25" },
		{ { "-i", "0x10" }, "invalid interval '0x10': expected seconds such as 1 or 0.25" },
		{ { "-i", "-0" }, "invalid interval '-0': expected seconds such as 1 or 0.25" },
		{ { "-i", "1e-3" }, "invalid interval '1e-3': expected seconds such as 1 or 0.25" },
		{ { "-i", "86401" }, "invalid interval '86401': must be from 0 to 86400 seconds" },
		{ { "-i", "0.0000001" },
		  "invalid interval '0.0000001': must be 0 or at least 0.000001 seconds" },
		/* modes */
		{ { "-m", "0400" }, "invalid mode '0400': the owner needs read and write (0600)" },
		{ { "-m", "888" }, "invalid mode '888': expected octal permissions such as 0600" },
		{ { "-m", "04777" },
		  "invalid mode '04777': only permission bits (at most 0777) are allowed" },
		{ { "-m", "+600" },
		  "invalid mode '+600': expected octal permissions such as 0600" },
		{ { "-m", "0x180" },
		  "invalid mode '0x180': expected octal permissions such as 0600" },
		{ { "--control-mode", "x" },
		  "--control-mode: invalid mode 'x': expected octal permissions such as 0600" },
		{ { "--control-mode", "0400" },
		  "--control-mode: invalid mode '0400': the owner needs read and write (0600)" },
		/* the data segment is written by the writer alone */
		{ { "-m", "0666" },
		  "mode 0666 lets every local user write the data segment: viewers "
		  "only read it, and commands go through the control segment "
		  "(--control-mode)" },
		{ { "-m", "0620" },
		  "mode 0620 lets the group write the data segment: viewers only "
		  "read it, and commands go through the control segment "
		  "(--control-mode)" },
		{ { "-m", "602" },
		  "mode 0602 lets every local user write the data segment: viewers "
		  "only read it, and commands go through the control segment "
		  "(--control-mode)" },
		/* conflicting and missing */
		{ { "-k", "1", "-f", "/" }, "give either --key or --file, not both" },
		{ { "-f", "/", "--key", "1" }, "give either --key or --file, not both" },
		{ { "-f", "/nonexistent/file" },
		  "cannot make a key from '/nonexistent/file': No such file or directory" },
		{ { "-f", "/nonexistent/file", "-m", "0666" }, /* the key is judged first */
		  "cannot make a key from '/nonexistent/file': No such file or directory" },
		{ { "-k" }, "option '-k' needs an argument" },
		{ { "--key" }, "option '--key' needs an argument" },
		{ { "-f" }, "option '-f' needs an argument" },
		{ { "-i" }, "option '-i' needs an argument" },
		{ { "--interval" }, "option '--interval' needs an argument" },
		{ { "-m" }, "option '-m' needs an argument" },
		{ { "--control-mode" }, "option '--control-mode' needs an argument" },
		{ { "--pidfile" }, "option '--pidfile' needs an argument" },
		{ { "--pidfile", "" }, "empty --pidfile path" },
		{ { "--pidfile=" }, "empty --pidfile path" },
		{ { "--stdin", "-i", "0" },
		  "--stdin publishes once an interval: give -i a time above 0" },
		{ { "--stdin=1" }, "unknown option '--stdin=1'" },
		/* unknown, ambiguous, extra */
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "-x" }, "unknown option '-x'" },
		{ { "-Dx" }, "unknown option '-x'" },
		{ { "--reset=1" }, "unknown option '--reset=1'" },
		{ { "--re" },
		  "option '--re' is ambiguous; possibilities: '--remove-on-exit' '--reset'" },
		{ { "--r=1" },
		  "option '--r' is ambiguous; possibilities: '--remove-on-exit' '--reset'" },
		{ { "extra" }, "unexpected argument 'extra'" },
		{ { "-k", "1", "extra", "more" }, "unexpected argument 'extra'" },
		{ { "--", "-m", "0666" }, "unexpected argument '-m'" }, /* after "--", operands */
		/* the first bad one is named */
		{ { "-k", "zz", "-i", "fast" },
		  "invalid key 'zz': expected a number such as 9527 or 0x2537" },
		{ { "extra", "-k", "zz" },
		  "invalid key 'zz': expected a number such as 9527 or 0x2537" },
		{ { "-m", "0666", "extra" }, "unexpected argument 'extra'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum args_result r = run(cases[i].args);
		if (r != ARGS_BAD || strcmp(why, cases[i].why))
			fail_msg("case %zu (%s ...): result %d, '%s', want '%s'", i,
				 cases[i].args[0], (int)r, why, cases[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_options),
		cmocka_unit_test(test_warnings), cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
