/* SPDX-License-Identifier: MIT */
/* The text counter decoder: what counts as one, its boundaries, hostile
 * bytes, and the history it keeps of the changes it saw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"

#define S INT64_C(1000000000)

static struct content c;
static char why[160];

/* Decode the n bytes of b as a segment of 1024 (the rest zero). */
static enum decode_status run_at(const void *b, size_t n, size_t size, int64_t now)
{
	static unsigned char seg[1024];
	memset(seg, 0, sizeof seg);
	memcpy(seg, b, n);
	struct decode_want w = { .now_mono = now, .now_wall = now + 1000 * S };
	why[0] = '\0';
	return decode_text.decode(seg, size, &w, &c, why, sizeof why);
}

static enum decode_status run(const char *text)
{
	return run_at(text, strlen(text) + 1, 1024, 10 * S);
}

static int reset(void **state)
{
	(void)state;
	content_free(&c);
	return 0;
}

static void good(const char *text, uint64_t want)
{
	content_free(&c);
	if (run(text) != DECODE_OK)
		fail_msg("'%s' not taken: %s", text, why);
	assert_int_equal(c.nctr, 1);
	assert_true(c.ctr[0].value == want);
	assert_string_equal(c.ctr[0].name, "value");
	assert_false(c.status.known); /* no writer named */
	assert_false(c.named);
	assert_string_equal(c.format, "text counter");
}

/* Not a text counter, for reason ("": not text at all, which the other
 * formats' decoders speak for). */
static void bad(const void *bytes, size_t n, size_t size, const char *reason)
{
	content_free(&c);
	if (run_at(bytes, n, size, 10 * S) != DECODE_NOT_THIS)
		fail_msg("'%.*s' taken as a text counter", (int)n, (const char *)bytes);
	if (reason[0] ? !strstr(why, reason) : why[0] != '\0')
		fail_msg("'%.*s': '%s', not %s", (int)n, (const char *)bytes, why, reason);
	assert_int_equal(c.nctr, 0);
}

static void test_good(void **state)
{
	(void)state;
	good("0", 0);
	good("7", 7);
	good("9527", 9527);
	good("2147483647", 2147483647);
	good("9223372036854775807", UINT64_C(9223372036854775807)); /* 2^63 - 1 */
	good("18446744073709551615", UINT64_MAX);
	/* whatever follows the NUL: the tutorial's segment is 1024 bytes */
	content_free(&c);
	assert_int_equal(run_at("42\0garbage\xff\x01", 13, 1024, S), DECODE_OK);
	assert_true(c.ctr[0].value == 42);
	/* exactly the number and its NUL */
	content_free(&c);
	assert_int_equal(run_at("42", 3, 3, S), DECODE_OK);
}

static void test_refused(void **state)
{
	(void)state;
	bad("18446744073709551616", 21, 1024, "overflows"); /* 2^64 */
	bad("99999999999999999999999", 24, 1024, "overflows");
	bad("-1", 3, 1024, "");
	bad("+1", 3, 1024, "");
	bad(" 1", 3, 1024, "");
	bad("", 1, 1024, ""); /* a fresh, zeroed segment */
	bad("12ab", 5, 1024, "no NUL");
	bad("12\n", 4, 1024, "no NUL");
	bad("1.5", 4, 1024, "no NUL");
	bad("007", 4, 1024, "leading zero");
	bad("hello", 6, 1024, "");
	bad("\xc3\xa9", 3, 1024, "");
	/* truncated: the segment ends before the NUL */
	bad("12345", 5, 5, "no NUL");
	bad("1", 1, 1, "no NUL");
	bad("", 0, 0, "");
	/* a long run of digits, no NUL within the bounded copy */
	char many[600];
	memset(many, '1', sizeof many);
	bad(many, sizeof many, sizeof many, "overflows");
}

/* Its history is the changes seen, at the times seen; its heartbeat the
 * last change and its period the mean gap of the last 16. */
static void test_history(void **state)
{
	(void)state;
	assert_int_equal(run_at("5", 2, 1024, 10 * S), DECODE_OK);
	assert_int_equal(c.nhist, 1);
	assert_true(c.status.beat_ns == 10 * S); /* the first value seen */
	assert_true(c.status.period_ns == 0);    /* not known yet */
	assert_true(c.status.state == SHMTOP_STATE_RUNNING);
	assert_int_equal(run_at("5", 2, 1024, 10 * S + S / 2), DECODE_OK);
	assert_int_equal(c.nhist, 1); /* the same value: no sample */
	assert_int_equal(run_at("6", 2, 1024, 11 * S), DECODE_OK);
	assert_true(c.status.beat_ns == 11 * S);
	assert_int_equal(run_at("7", 2, 1024, 13 * S), DECODE_OK);
	assert_int_equal(c.nhist, 3);
	assert_true(c.status.period_ns == 3 * S / 2); /* gaps of 1 and 2 s */
	assert_true(c.status.beat_gap_ns == 3 * S / 2);
	assert_true(c.hist[2].value == 7 && c.hist[2].mono_ns == 13 * S);
	assert_true(c.ctr[0].changed_mono_ns == 13 * S);
	assert_true(c.ctr[0].changed_wall_ns == 1013 * S);
	assert_int_equal(c.ctr[0].nspark, 3);
	assert_true(c.status.hist_next == 3);
	/* a value that stops being a number: not this format, the last kept */
	assert_int_equal(run_at("x", 2, 1024, 13 * S), DECODE_NOT_THIS);
	assert_true(c.ctr[0].value == 7);
	/* a full ring drops its oldest */
	for (uint64_t i = 0; i < SHMTOP_HISTORY + 5; i++) {
		char t[24];
		snprintf(t, sizeof t, "%llu", (unsigned long long)(100 + i));
		assert_int_equal(run_at(t, strlen(t) + 1, 1024, (20 + (int64_t)i) * S), DECODE_OK);
	}
	assert_int_equal(c.nhist, SHMTOP_HISTORY);
	assert_true(c.hist[SHMTOP_HISTORY - 1].value == 100 + SHMTOP_HISTORY + 4);
	assert_true(c.hist_first + c.nhist == c.status.hist_next);
	assert_int_equal(c.ctr[0].nspark, MODEL_COUNTER_SPARK);
	assert_true(c.ctr[0].spark[MODEL_COUNTER_SPARK - 1].value == 100 + SHMTOP_HISTORY + 4);
	assert_true(c.status.period_ns == S); /* the last 16 gaps, 1 s each */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_good, reset),
		cmocka_unit_test_teardown(test_refused, reset),
		cmocka_unit_test_teardown(test_history, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
