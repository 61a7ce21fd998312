/* SPDX-License-Identifier: MIT */
/*
 * The counters table: columns sized from the counters, dropped in order on
 * a narrow screen, rows with the value, rate, unit and sparkline, and names
 * of any bytes that never move a column.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "countertable.h"

#define S INT64_C(1000000000)

static struct shmtop_sample rising[20], level[20];

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	for (int i = 0; i < 20; i++) {
		rising[i] = (struct shmtop_sample){ .value = 100 + (uint64_t)i, .mono_ns = i * S };
		level[i] = (struct shmtop_sample){ .value = 7, .mono_ns = i * S };
	}
	return 0;
}

static struct countertable_in counters[3];

static void three(void)
{
	counters[0] =
	    (struct countertable_in){ "requests", "",     false,
				      119,        rising, 20,
				      0,          NULL,   spark_rate(rising, 20, VALUE_UINT),
				      VALUE_UINT, NULL,   0 };
	counters[1] =
	    (struct countertable_in){ "bytes_out", "B",    false,
				      123456789,   rising, 20,
				      0,           NULL,   spark_rate(rising, 20, VALUE_UINT),
				      VALUE_UINT,  NULL,   0 };
	counters[2] =
	    (struct countertable_in){ "connections", "",          true,       7,    level, 20, 0,
				      NULL,          (double)NAN, VALUE_UINT, NULL, 0 };
}

static void test_columns(void **state)
{
	(void)state;
	three();
	struct countertable_cols c;
	char buf[256];
	countertable_columns(80, counters, 3, &c);
	assert_int_equal(c.name, 11);  /* "connections" */
	assert_int_equal(c.value, 9);  /* 123456789 */
	assert_int_equal(c.unit, 4);   /* "UNIT" is wider than "B" */
	assert_int_equal(c.total, 80); /* the sparkline takes the rest */
	assert_string_equal(
	    countertable_header(&c, buf, sizeof buf),
	    "NAME         UNIT  HISTORY                                        VALUE     RATE");
	assert_int_equal(c.rate, COUNTERTABLE_RATE_MIN); /* "1.00/s" is narrower */
	countertable_columns(300, counters, 3, &c);
	assert_int_equal(c.spark, COUNTERTABLE_SPARK_MAX);
	/* narrower: the sparkline goes, then the unit, the rate, then the name is cut */
	countertable_columns(45, counters, 3, &c);
	assert_int_equal(c.spark, 0);
	assert_true(c.unit > 0 && c.rate > 0);
	countertable_columns(35, counters, 3, &c);
	assert_int_equal(c.spark + c.unit, 0);
	assert_true(c.rate > 0);
	countertable_columns(22, counters, 3, &c);
	assert_int_equal(c.spark + c.unit + c.rate, 0);
	assert_int_equal(c.name, 11);
	countertable_columns(15, counters, 3, &c);
	assert_int_equal(c.name, 4);
	assert_int_equal(c.total, 15);
	for (int w = 12; w < 200; w++) { /* never wider than asked */
		countertable_columns(w, counters, 3, &c);
		assert_true(c.total <= w);
	}
	/* no unit anywhere: no UNIT column */
	counters[1].unit = "";
	countertable_columns(80, counters, 3, &c);
	assert_int_equal(c.unit, 0);
}

static void test_rows(void **state)
{
	(void)state;
	three();
	struct countertable_cols c;
	char buf[512];
	countertable_columns(55, counters, 3, &c);
	assert_string_equal(countertable_row(&c, &counters[1], SPARK_VALUE, false, buf, sizeof buf),
			    "bytes_out    B     ++++ ---::::====  123456789   1.00/s");
	/* The sparkline sweeps: sample s in cell s % 16, the cell after the
	 * newest (19 -> cell 3) blank; the scale is 96..128, a step of 16
	 * twice, about 105..119. */
	/* a gauge has no rate, and its flat history draws at the bottom */
	assert_string_equal(countertable_row(&c, &counters[2], SPARK_VALUE, false, buf, sizeof buf),
			    "connections        ____ ___________          7        -");
	/* in rate mode a steady counter is flat */
	countertable_row(&c, &counters[0], SPARK_RATE, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "  ____ ___________  "));
	/* One sample more changes two cells of the sparkline, the new one and
	 * the gap after it, while the scale holds: a terminal is sent those. */
	char before[512], after[512];
	countertable_row(&c, &counters[1], SPARK_VALUE, false, before, sizeof before);
	struct shmtop_sample more[21];
	memcpy(more, rising, sizeof rising);
	more[20] = (struct shmtop_sample){ .value = 120, .mono_ns = 20 * S };
	struct countertable_in grown = { "bytes_out", "B",  false,
					 123456789,   more, 21,
					 0,           NULL, spark_rate(more, 21, VALUE_UINT),
					 VALUE_UINT,  NULL, 0 };
	countertable_row(&c, &grown, SPARK_VALUE, false, after, sizeof after);
	assert_int_equal(strlen(before), strlen(after));
	size_t changed = 0;
	for (size_t i = 0; i < strlen(before); i++)
		changed += before[i] != after[i];
	assert_int_equal(changed, 2);
	assert_non_null(strstr(after, "++++* --::::===="));
	/* the same history numbered from elsewhere sits elsewhere, not shifted */
	grown.first = 3;
	countertable_row(&c, &grown, SPARK_VALUE, false, after, sizeof after);
	assert_non_null(strstr(after, "===++++* --::::="));
	/* UTF-8 blocks */
	countertable_row(&c, &counters[0], SPARK_VALUE, true, buf, sizeof buf);
	assert_non_null(strstr(buf, "\xe2\x96\x86")); /* ▆, the newest of 105..119 */
	/* no history yet: no rate (the model's NAN), no sparkline glyphs, the
	 * value and rate in their columns */
	struct countertable_in fresh = { "fresh", "",   false,       0,          NULL, 0,
					 0,       NULL, (double)NAN, VALUE_UINT, NULL, 0 };
	assert_string_equal(countertable_row(&c, &fresh, SPARK_VALUE, false, buf, sizeof buf),
			    "fresh                                        0        -");
	fresh.rate = 0; /* stopped */
	assert_string_equal(countertable_row(&c, &fresh, SPARK_VALUE, false, buf, sizeof buf),
			    "fresh                                        0      0/s");
}

/* The VALUE column ends at the same cell whatever bytes a name holds. */
static void test_hostile_names(void **state)
{
	(void)state;
	three();
	const char *names[] = { "new\nline", "tab\there", "bad\xff\xfe", "\x1b[31mred",
				"a very long counter name that goes on and on and on" };
	struct countertable_in c[5];
	for (int i = 0; i < 5; i++)
		c[i] = (struct countertable_in){ names[i], "\x07u", false, 42,         rising, 20,
						 0,        NULL,    1,     VALUE_UINT, NULL,   0 };
	struct countertable_cols cols;
	countertable_columns(70, c, 5, &cols);
	assert_int_equal(cols.name, COUNTERTABLE_NAME_MAX);
	char buf[512];
	int at = -1;
	for (int i = 0; i < 5; i++) {
		countertable_row(&cols, &c[i], SPARK_VALUE, false, buf, sizeof buf);
		for (const char *p = buf; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f); /* escaped: printable only */
		const char *v = strstr(buf, "42 ");
		assert_non_null(v);
		if (at < 0)
			at = (int)(v - buf);
		assert_int_equal((int)(v - buf), at);
	}
	assert_non_null(strstr(buf, "a very long counter name that go"));
	countertable_row(&cols, &c[0], SPARK_VALUE, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "new\\nline"));
	assert_non_null(strstr(buf, "\\x07u"));
}

/* Cells that differ between the first n cells of two rows (ASCII). */
static size_t differ(const char *a, const char *b, size_t n)
{
	size_t d = 0;
	assert_int_equal(strlen(a), strlen(b));
	for (size_t i = 0; i < n && a[i]; i++)
		d += a[i] != b[i];
	return d;
}

/* A range that wavers about a power of two: 15 over the shown samples,
 * then 17.  Fresh, the scale doubles and the whole sparkline is redrawn;
 * kept (the scale of the last row drawn), one sample changes two cells. */
static void test_scale_kept(void **state)
{
	(void)state;
	struct shmtop_sample h[40];
	for (int i = 0; i < 40; i++) /* 100, 101, ...: the newest 16 span 15 */
		h[i] = (struct shmtop_sample){ .value = 100 + (uint64_t)i, .mono_ns = i * S };
	h[39].value = 141; /* the newest jumps: the newest 16 span 17 */
	struct countertable_in c = {
		"wavers", "", false, 0, h, 39, 0, NULL, 1, VALUE_UINT, NULL, 0
	};
	struct countertable_cols cols = { .name = 8, .value = 5, .rate = 7, .spark = 17 };
	char before[256], fresh[256], kept[256];
	struct countertable_kept k = { { 0, 0 }, -1 };
	c.kept = &k;
	countertable_row(&cols, &c, SPARK_VALUE, false, before, sizeof before);
	assert_true(k.scale.hi > k.scale.lo);
	struct spark_scale was = k.scale;
	c.nhist = 40;
	c.value = 141;
	c.kept = NULL;
	countertable_row(&cols, &c, SPARK_VALUE, false, fresh, sizeof fresh);
	c.kept = &k;
	countertable_row(&cols, &c, SPARK_VALUE, false, kept, sizeof kept);
	/* the value and the rate change in both; the sparkline: */
	size_t spark_at = 8 + 2;                                          /* NAME, a gap */
	assert_true(differ(before + spark_at, fresh + spark_at, 17) > 2); /* without: redrawn */
	assert_int_equal(differ(before + spark_at, kept + spark_at, 17), 2);
	assert_true(k.scale.lo == was.lo && k.scale.hi == was.hi);
	/* values outside the kept scale take a fresh one */
	h[39].value = 1000;
	countertable_row(&cols, &c, SPARK_VALUE, false, kept, sizeof kept);
	assert_true(k.scale.hi >= 1000);
	/* and a scale far wider than the values (an eighth) is not kept */
	k.scale = (struct spark_scale){ 0, 1e6 };
	h[39].value = 141;
	countertable_row(&cols, &c, SPARK_VALUE, false, kept, sizeof kept);
	assert_true(k.scale.hi - k.scale.lo <= 8 * (141 - 124));
}

/* The value's last digit and the rate's first are a few cells apart for
 * any rate below 10k/s: a terminal is sent them as one run (a cursor
 * address to skip the gap costs 5 to 8 bytes). */
static void test_value_rate_one_run(void **state)
{
	(void)state;
	struct shmtop_sample h[2] = { { .value = 0, .mono_ns = 0 }, { .value = 0, .mono_ns = S } };
	const uint64_t rises[] = { 1, 9, 99, 999, 9990 };
	for (size_t i = 0; i < sizeof rises / sizeof rises[0]; i++) {
		h[1].value = rises[i];
		struct countertable_in c = { "name",     "",   false,
					     12345,      h,    2,
					     0,          NULL, spark_rate(h, 2, VALUE_UINT),
					     VALUE_UINT, NULL, 0 };
		struct countertable_cols cols;
		countertable_columns(80, &c, 1, &cols);
		assert_int_equal(cols.rate, COUNTERTABLE_RATE_MIN);
		char buf[256];
		countertable_row(&cols, &c, SPARK_VALUE, false, buf, sizeof buf);
		const char *v = strstr(buf, "12345");
		assert_non_null(v);
		size_t gap = strspn(v + 5, " ");
		assert_true(gap >= 2 && gap <= 4);
	}
}

/* A steady counter's rate text does not change from one sample to the
 * next, though the samples' times jitter by 20 ms. */
static void test_steady_rate(void **state)
{
	(void)state;
	struct shmtop_sample h[30];
	for (int i = 0; i < 30; i++)
		h[i] = (struct shmtop_sample){ .value = 5 * (uint64_t)i,
					       .mono_ns = i * S + (i % 3 - 1) * 20 * (S / 1000) };
	struct countertable_cols cols = { .name = 8, .value = 5, .rate = 7 };
	struct countertable_kept k = { { 0, 0 }, -1 };
	char first[128], row[128];
	size_t moved = 0;
	for (size_t n = 12; n <= 30; n++) {
		struct countertable_in c = { "steady",   "",   false,
					     0,          h,    n,
					     0,          NULL, spark_rate(h, n, VALUE_UINT),
					     VALUE_UINT, NULL, 0 };
		countertable_row(&cols, &c, SPARK_VALUE, false, row, sizeof row);
		moved += strstr(row, "5.00/s") == NULL;
		c.kept = &k; /* as the screen draws it: kept from frame to frame */
		countertable_row(&cols, &c, SPARK_VALUE, false, row, sizeof row);
		if (n == 12)
			snprintf(first, sizeof first, "%s", row);
		assert_string_equal(row, first);
	}
	assert_true(moved > 0); /* the estimate itself wavers: 4.99/s, 5.01/s */
	/* a real change of rate is shown: 10 a second from here */
	for (int i = 20; i < 30; i++)
		h[i].value = h[19].value + 10 * (uint64_t)(i - 19);
	struct countertable_in c = { "steady",   "",   false,
				     0,          h,    30,
				     0,          &k,   spark_rate(h, 30, VALUE_UINT),
				     VALUE_UINT, NULL, 0 };
	countertable_row(&cols, &c, SPARK_VALUE, false, row, sizeof row);
	double r = 0;
	assert_int_equal(sscanf(row, "steady %*d %lf/s", &r), 1);
	assert_true(r > 9.9 && r < 10.1);
	/* and a stop */
	for (int i = 20; i < 30; i++)
		h[i].value = h[19].value;
	c.rate = spark_rate(h, 30, VALUE_UINT);
	countertable_row(&cols, &c, SPARK_VALUE, false, row, sizeof row);
	assert_non_null(strstr(row, " 0/s"));
}

/* A row's changing cells are together at its right end: NAME UNIT HISTORY
 * VALUE RATE, the sparkline's last cell two cells before the value's
 * column and the rate's after it.  Byte offsets in UTF-8 (a block is 3
 * bytes, a blank 1), with the newest sample in the sparkline's
 * second-to-last cell. */
static void test_changing_cells_together(void **state)
{
	(void)state;
	three();
	struct countertable_cols c;
	char buf[512];
	countertable_columns(55, counters, 3, &c);
	assert_int_equal(c.spark, 16);
	struct countertable_in x = counters[1]; /* "bytes_out" B, 123456789 */
	x.first = 11;                           /* the newest, sample 30: cell 30 % 16 = 14 */
	countertable_row(&c, &x, SPARK_VALUE, true, buf, sizeof buf);
	/* NAME 11 cells, a gap, UNIT 4, a gap: the sparkline from byte 19 */
	assert_int_equal(strncmp(buf, "bytes_out    B     ", 19), 0);
	assert_int_equal(strncmp(buf + 19 + 14 * 3, "\xe2\x96", 2), 0); /* the newest, at 61 */
	assert_int_equal(strncmp(buf + 19 + 13 * 3, "\xe2\x96", 2), 0);
	assert_int_equal(strncmp(buf + 64, "   123456789", 12), 0); /* the blank after it, a gap */
	assert_int_equal(strncmp(buf + 76, "   1.00/s", 9), 0);     /* a gap, RATE from 78 */
	assert_int_equal(strlen(buf), 85);                          /* the rate ends the row */
	/* the header's titles over them */
	char head[256];
	countertable_header(&c, head, sizeof head);
	assert_int_equal(strncmp(head + 19, "HISTORY", 7), 0);
	assert_int_equal(strcmp(head + strlen(head) - 14, "VALUE     RATE"), 0);
}

/* Two frames a sample apart differ only from the newest sparkline cell to
 * the row's end (and, when the newest is the last cell, in the blank that
 * wraps to the first): nothing before the sparkline, nothing of it behind
 * the newest cell.  With the newest in the second-to-last cell that is one
 * contiguous run: one cursor address for the row. */
static void test_one_sample_one_run(void **state)
{
	(void)state;
	three();
	struct countertable_cols c;
	countertable_columns(55, counters, 3, &c);
	size_t spark_at = (size_t)(c.name + 2 + c.unit + 2), w = (size_t)c.spark;
	for (uint64_t first = 0; first < 16; first++) {
		char before[256], after[256];
		struct countertable_kept k = { { 0, 0 }, -1 };
		struct countertable_in x = {
			"bytes_out", "B",    false,
			118,         rising, 19,
			first,       &k,     spark_rate(rising, 19, VALUE_UINT),
			VALUE_UINT,  NULL,   0
		};
		countertable_row(&c, &x, SPARK_VALUE, false, before, sizeof before);
		x.nhist = 20;
		x.value = 119;
		x.rate = 1.25; /* the rate moves too */
		countertable_row(&c, &x, SPARK_VALUE, false, after, sizeof after);
		assert_int_equal(strlen(before), strlen(after));
		size_t newest = spark_at + (first + 19) % w, lo = 0, hi = 0, n = strlen(after);
		for (size_t i = 0; i < n; i++) {
			if (before[i] == after[i])
				continue;
			if (i == spark_at && newest == spark_at + w - 1)
				continue; /* the blank after the newest, wrapped */
			if (!lo)
				lo = i;
			hi = i;
		}
		assert_int_equal(lo, newest);
		assert_int_equal(hi, n - 3);    /* the rate's last digit: "1.25/s" for "1.00/s" */
		if (newest == spark_at + w - 2) /* one run: the last two cells to the rate */
			assert_int_equal(hi - lo + 1, 2 + 2 + c.value + 2 + c.rate - 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_scale_kept),
		cmocka_unit_test(test_value_rate_one_run),
		cmocka_unit_test(test_steady_rate),
		cmocka_unit_test(test_changing_cells_together),
		cmocka_unit_test(test_one_sample_one_run),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
