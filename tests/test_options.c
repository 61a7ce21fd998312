/* SPDX-License-Identifier: MIT */
/* shmtop's command line: defaults, every option, every bad argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>

#include <cmocka.h>

#include "shmtop/options.h"
#include "shmtop/record.h"

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

#define RUN(...) run((int)(sizeof((const char *[]){ "shmtop", __VA_ARGS__ }) / sizeof(char *)), \
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
	assert_int_equal(RUN("-k", "0x1234", "-d", "3", "--ascii", "--no-color", "-b", "-n", "2"),
			 OPTIONS_RUN);
	assert_int_equal(o.key, 0x1234);
	assert_int_equal(o.delay_tenths, 3);
	assert_int_equal(o.iterations, 2);
	assert_true(o.batch && o.ascii && o.no_color && !o.json);
	assert_int_equal(RUN("--key=9527", "--delay=600", "--json", "--iterations=1"), OPTIONS_RUN);
	assert_true(o.json && o.batch);
	assert_int_equal(o.delay_tenths, 600);
	assert_int_equal(RUN("-f", "/"), OPTIONS_RUN);
	assert_int_equal(o.key, ftok("/", 'S'));
	assert_int_equal(RUN("-h"), OPTIONS_HELP);
	assert_int_equal(RUN("--version"), OPTIONS_VERSION);
	assert_non_null(strstr(options_usage(), "--delay"));
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
	assert_int_equal(RUN("-a"), OPTIONS_RUN); /* the full-screen list */
	assert_true(o.all && !o.batch);
	bad(RUN("--sort", "speed", "-a", "-b"), "invalid sort key 'speed'");
	bad(RUN("--prometheus", "--json"), "either --json or --prometheus");
	bad(RUN("--sort"), "option '--sort' needs an argument");
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
	bad(RUN("extra"), "unexpected argument 'extra'");
	bad(RUN("-k", "1", "-f", "/"), "either --key or --file");
	bad(RUN("-f", "/nonexistent/shmtop"), "cannot make a key from '/nonexistent/shmtop'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_all_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
