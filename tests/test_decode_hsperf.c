/* SPDX-License-Identifier: MIT */
/* The hsperfdata decoder on a real JVM's file (tests/fixture/hsperf):
 * its counters against `jcmd PID PerfCounter.print` of the same JVM (the
 * .jcmd beside it): names, kinds, types, units, values; the history it
 * keeps of the changes it sees, by name, as the JVM adds entries; hostile
 * copies refused with the parser's reason; other formats' bytes not its
 * own; and decode_object() choosing it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "model.h"

#define S INT64_C(1000000000)

static unsigned char *fix; /* the fixture */
static size_t fix_size;
static unsigned char *buf; /* a copy to change, fix_size bytes */
static struct content c;
static char why[256];

static int setup(void **state)
{
	(void)state;
	FILE *f = fopen(HSPERF_FIXTURE, "rb");
	assert_non_null(f);
	fix = malloc(65536);
	assert_non_null(fix);
	fix_size = fread(fix, 1, 65536, f);
	fclose(f);
	assert_int_equal(fix_size, 32768);
	buf = aligned_alloc(64, fix_size);
	assert_non_null(buf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	content_free(&c);
	free(fix);
	free(buf);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	content_free(&c);
	memcpy(buf, fix, fix_size);
	return 0;
}

static enum decode_status run(const void *b, size_t size, int64_t now)
{
	struct decode_want w = { .now_mono = now, .now_wall = now + 1000 * S };
	why[0] = '\0';
	c.dec = &decode_hsperf; /* as decode_object() sets it: content_free() releases its memory */
	return decode_hsperf.decode(b, size, &w, &c, why, sizeof why);
}

static void put32(size_t o, uint32_t v)
{
	memcpy(buf + o, &v, 4);
}

static size_t index_of(const char *name)
{
	for (size_t i = 0; i < c.nctr; i++)
		if (strcmp(c.ctr[i].name, name) == 0)
			return i;
	fail_msg("no counter %s", name);
	return 0;
}

static const struct model_counter *must(const char *name)
{
	return &c.ctr[index_of(name)];
}

/* Every line of jcmd's listing is a counter of that name: strings are
 * text (constants equal, cut to MODEL_TEXT_MAX), longs signed numbers
 * (constants equal, monotonic ones no smaller: jcmd read them just
 * before the copy); nothing more than jcmd lists. */
static void test_jcmd(void **state)
{
	(void)state;
	assert_int_equal(run(buf, fix_size, 10 * S), DECODE_OK);
	assert_string_equal(c.format, "hsperfdata");
	assert_true(c.named);
	assert_false(c.status.known);
	assert_int_equal(c.status.pid, 0);
	assert_int_equal(c.status.state, SHMTOP_STATE_RUNNING);
	assert_int_equal(c.nctr, 187 + 6);
	FILE *f = fopen(HSPERF_FIXTURE ".jcmd", "r");
	assert_non_null(f);
	char line[8192];
	size_t lines = 0, constants = 0, counters = 0, texts = 0;
	while (fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *v = eq + 1;
		v[strcspn(v, "\n")] = '\0';
		lines++;
		const struct model_counter *k = must(line);
		assert_string_equal(k->help, "");
		if (*v == '"') {
			assert_int_equal(k->type, VALUE_TEXT);
			assert_string_equal(k->unit, "");
			assert_int_equal(k->nspark, 0);
			v[strlen(v) - 1] = '\0';
			v++;
			if (strlen(v) >= MODEL_TEXT_MAX)
				v[MODEL_TEXT_MAX - 1] = '\0';
			if (k->kind == MODEL_CONSTANT) {
				assert_string_equal(k->text, v);
				texts++;
			}
			continue;
		}
		assert_int_equal(k->type, VALUE_INT);
		assert_int_equal(k->nspark, 1);
		assert_int_equal(k->spark[0].mono_ns, 10 * S);
		assert_int_equal(k->spark[0].value, k->value);
		int64_t j = strtoll(v, NULL, 10), got = (int64_t)k->value;
		if (k->kind == MODEL_CONSTANT) {
			constants++;
			assert_int_equal(got, j);
		} else if (k->kind == MODEL_COUNTER) {
			counters++;
			assert_true(got >= j);
		}
	}
	fclose(f);
	assert_int_equal(lines, c.nctr);
	assert_true(constants > 20 && texts > 10 && counters > 50);

	const struct model_counter *k = must("sun.os.hrt.frequency");
	assert_int_equal(k->kind, MODEL_CONSTANT);
	assert_string_equal(k->unit, "hertz");
	assert_int_equal(k->value, 1000000000);
	assert_int_equal(k->per_second, 0);
	k = must("sun.os.hrt.ticks");
	assert_int_equal(k->kind, MODEL_COUNTER);
	assert_string_equal(k->unit, "ticks");
	/* a count of ticks: raw, and shown as seconds at sun.os.hrt.frequency */
	assert_int_equal(k->per_second, 1000000000);
	char shown[64], want[64];
	snprintf(want, sizeof want, "%.3f s", (double)(int64_t)k->value / 1e9);
	assert_string_equal(model_value_text(k, shown, sizeof shown), want);
	assert_int_equal(must("sun.perfdata.timestamp")->per_second, 1000000000);
	assert_int_equal(must("sun.gc.collector.0.time")->per_second, 1000000000);
	assert_int_equal(must("sun.gc.collector.0.invocations")->per_second, 0);
	k = must("java.threads.live");
	assert_int_equal(k->kind, MODEL_GAUGE);
	assert_string_equal(k->unit, "");
	assert_int_equal(k->value, 6);
	k = must("java.property.java.version");
	assert_int_equal(k->kind, MODEL_CONSTANT);
	assert_string_equal(k->text, "17.0.21.1");
	k = must("java.cls.loadedClasses");
	assert_string_equal(k->unit, "events");
	k = must("sun.gc.generation.0.capacity");
	assert_string_equal(k->unit, "bytes");
	assert_int_equal(must("sun.perfdata.size")->value, 32768);
	assert_int_equal(must("sun.perfdata.used")->value, 12392);
	assert_int_equal(must("sun.perfdata.used")->kind, MODEL_GAUGE);
	assert_string_equal(must("sun.perfdata.used")->unit, "bytes");
	assert_int_equal(must("sun.perfdata.majorVersion")->value, 2);
	assert_int_equal(must("sun.perfdata.timestamp")->kind, MODEL_COUNTER);
	/* the first counter is selected, its history the sample seen */
	assert_int_equal(c.selected, 0);
	assert_int_equal(c.nhist, 1);
	assert_int_equal(c.hist[0].mono_ns, 10 * S);
	assert_int_equal(c.status.hist_next, 1);
	assert_int_equal(c.status.beat_ns, 10 * S);
}

/* The offset of the 8 bytes holding v, 8-byte aligned (as the JVM puts a
 * long). */
static size_t long_at(uint64_t v)
{
	size_t at = 0;
	for (size_t o = 32; o + 8 <= fix_size; o += 8)
		if (memcmp(fix + o, &v, 8) == 0) {
			assert_int_equal(at, 0);
			at = o;
		}
	assert_true(at > 0);
	return at;
}

/* A value that changed between two reads adds a sample at the second
 * read's time, to its sparkline and to the selected counter's history;
 * one that did not adds none; the selection stays on its name. */
static void test_change(void **state)
{
	(void)state;
	assert_int_equal(run(buf, fix_size, 10 * S), DECODE_OK);
	size_t t = index_of("sun.os.hrt.ticks");
	content_select(&c, t);
	uint64_t v0 = c.ctr[t].value;
	size_t at = long_at(v0);
	assert_int_equal(run(buf, fix_size, 11 * S), DECODE_OK);
	assert_int_equal(c.selected, t);
	assert_int_equal(c.nhist, 1); /* the sparkline's sample */
	uint64_t v1 = v0 + 5;
	memcpy(buf + at, &v1, 8);
	assert_int_equal(run(buf, fix_size, 12 * S), DECODE_OK);
	const struct model_counter *k = &c.ctr[t];
	assert_int_equal(k->value, v1);
	assert_int_equal(k->nspark, 2);
	assert_int_equal(k->spark[1].mono_ns, 12 * S);
	assert_int_equal(k->spark[1].value, v1);
	assert_int_equal(k->changed_mono_ns, 12 * S);
	assert_int_equal(k->changed_wall_ns, 1012 * S);
	assert_int_equal(c.selected, t);
	assert_string_equal(c.selected_name, "sun.os.hrt.ticks");
	assert_int_equal(c.nhist, 2);
	assert_int_equal(c.hist_first, 0);
	assert_int_equal(c.hist[1].value, v1);
	assert_int_equal(c.status.hist_next, 2);
	assert_int_equal(c.status.beat_ns, 12 * S);
	assert_int_equal(c.status.period_ns, 2 * S); /* changes seen at 10 and 12 s */
	assert_int_equal(must("java.threads.live")->nspark, 1);
	assert_int_equal(must("java.threads.live")->changed_mono_ns, 10 * S);
	/* history cleared (the monitor's 'c'): no sample before the floor */
	c.hist_floor = c.status.hist_next;
	c.nhist = 0;
	assert_int_equal(run(buf, fix_size, 13 * S), DECODE_OK);
	assert_int_equal(c.nhist, 0);
	v1++;
	memcpy(buf + at, &v1, 8);
	assert_int_equal(run(buf, fix_size, 14 * S), DECODE_OK);
	assert_int_equal(c.nhist, 1);
	assert_int_equal(c.hist_first, 2);
	assert_int_equal(c.hist[0].value, v1);
}

/* The JVM adds entries: counters keep their history by name wherever they
 * move, the selection follows its name, a new one starts afresh. */
static void test_entries_added(void **state)
{
	(void)state;
	put32(28, 180); /* the file as it was, 7 entries fewer */
	assert_int_equal(run(buf, fix_size, 10 * S), DECODE_OK);
	assert_int_equal(c.nctr, 186);
	content_select(&c, index_of("sun.perfdata.used"));
	assert_int_equal(c.selected, 185);
	uint32_t used = 13000;
	put32(8, used); /* and its used */
	assert_int_equal(run(buf, fix_size, 11 * S), DECODE_OK);
	assert_int_equal(c.ctr[185].nspark, 2);
	put32(28, 187);
	put32(8, 12392);
	assert_int_equal(run(buf, fix_size, 12 * S), DECODE_OK);
	assert_int_equal(c.nctr, 193);
	assert_int_equal(c.selected, 192);
	assert_string_equal(c.ctr[c.selected].name, "sun.perfdata.used");
	const struct model_counter *k = &c.ctr[c.selected];
	assert_int_equal(k->nspark, 3);
	assert_int_equal(k->spark[0].value, 12392);
	assert_int_equal(k->spark[1].value, 13000);
	assert_int_equal(k->spark[2].value, 12392);
	assert_int_equal(c.nhist, 3);
	assert_int_equal(c.hist[2].mono_ns, 12 * S);
	/* kept: the first counter's one sample; new: the last entry's */
	assert_int_equal(c.ctr[0].nspark, 1);
	assert_int_equal(c.ctr[0].spark[0].mono_ns, 10 * S);
	for (size_t i = 180; i < 187; i++)
		if (c.ctr[i].type != VALUE_TEXT)
			assert_int_equal(c.ctr[i].spark[0].mono_ns, 12 * S);
}

/* Two entries of one name (a hostile file; jcmd would list both): both
 * are counters with their own values, and a relist gives each the
 * history of one of the two. */
static void test_same_name(void **state)
{
	(void)state;
	size_t a = 9296 + 20, b = 9392 + 20; /* entries 148 and 150's names */
	assert_string_equal((char *)buf + a, "sun.ci.threads");
	assert_string_equal((char *)buf + b, "sun.ci.osrTime");
	memcpy(buf + b, "sun.ci.threads", 14);
	assert_int_equal(run(buf, fix_size, 10 * S), DECODE_OK);
	assert_int_equal(c.nctr, 193);
	assert_string_equal(c.ctr[148].name, "sun.ci.threads");
	assert_string_equal(c.ctr[150].name, "sun.ci.threads");
	uint64_t v148 = c.ctr[148].value, v150 = c.ctr[150].value;
	content_select(&c, 150);
	put32(28, 186); /* a relist, the selection on the name */
	assert_int_equal(run(buf, fix_size, 11 * S), DECODE_OK);
	assert_int_equal(c.nctr, 192);
	assert_string_equal(c.ctr[c.selected].name, "sun.ci.threads");
	/* each its own value; their histories, one of the two's */
	assert_int_equal(c.ctr[148].value, v148);
	assert_int_equal(c.ctr[150].value, v150);
	assert_int_equal(c.ctr[148].spark[c.ctr[148].nspark - 1].value, v148);
	assert_int_equal(c.ctr[150].spark[c.ctr[150].nspark - 1].value, v150);
}

/* Hostile copies: refused as damaged with the parser's reason; a file
 * the JVM has not made accessible is empty. */
static void refused(enum decode_status want, const char *part)
{
	content_free(&c);
	enum decode_status got = run(buf, fix_size, 10 * S);
	if (got != want || !strstr(why, part))
		fail_msg("status %d (wanted %d), reason \"%s\" (wanted \"%s\")", got, want, why,
			 part);
	memcpy(buf, fix, fix_size);
}

static void test_damaged(void **state)
{
	(void)state;
	buf[5] = 1;
	refused(DECODE_DAMAGED, "version 1.0");
	buf[7] = 0;
	refused(DECODE_EMPTY, "not marked it accessible");
	put32(28, 0xffffffff);
	refused(DECODE_DAMAGED, "entries cannot fit");
	put32(24, 34);
	refused(DECODE_DAMAGED, "entry offset 34 is not 4-byte aligned");
	put32(8, 40000);
	refused(DECODE_DAMAGED, "used is 40000 bytes");
	/* a good read, then a damaged one: damaged, the counters kept */
	assert_int_equal(run(buf, fix_size, 10 * S), DECODE_OK);
	put32(8, 40000);
	assert_int_equal(run(buf, fix_size, 11 * S), DECODE_DAMAGED);
	assert_int_equal(c.nctr, 193);
	/* cut short */
	content_free(&c);
	assert_int_equal(run(fix, 1000, 10 * S), DECODE_DAMAGED);
	assert_non_null(strstr(why, "used is 12392 bytes"));
}

/* Bytes of another format, or none: not its own, no reason, c untouched. */
static void test_not_this(void **state)
{
	(void)state;
	static const char *const other[] = { "12345", "MMV", "", "\xca\xfe\xc0" };
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		memset(buf, 0, 64);
		memcpy(buf, other[i], strlen(other[i]) + 1);
		assert_int_equal(run(buf, strlen(other[i]) + 1 + (i == 3 ? 0 : 63), 10 * S),
				 DECODE_NOT_THIS);
		assert_string_equal(why, "");
		assert_null(c.priv);
		assert_int_equal(c.nctr, 0);
	}
	assert_int_equal(run(buf, 0, 10 * S), DECODE_NOT_THIS);
}

/* decode_object() finds the format itself, and keeps to it. */
static void test_walk(void **state)
{
	(void)state;
	struct decode_want w = { .now_mono = 10 * S };
	assert_int_equal(decode_object(buf, fix_size, &w, &c, why, sizeof why), DECODE_OK);
	assert_ptr_equal(c.dec, &decode_hsperf);
	assert_int_equal(c.nctr, 193);
	buf[5] = 1; /* version 1: damaged, still its */
	assert_int_equal(decode_object(buf, fix_size, &w, &c, why, sizeof why), DECODE_DAMAGED);
	assert_ptr_equal(c.dec, &decode_hsperf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_jcmd, reset),
		cmocka_unit_test_setup(test_change, reset),
		cmocka_unit_test_setup(test_entries_added, reset),
		cmocka_unit_test_setup(test_same_name, reset),
		cmocka_unit_test_setup(test_damaged, reset),
		cmocka_unit_test_setup(test_not_this, reset),
		cmocka_unit_test_setup(test_walk, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
