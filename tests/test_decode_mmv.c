/* SPDX-License-Identifier: MIT */
/* The MMV decoder on files PCP's own library wrote (tests/fixture/mmv,
 * versions 1 to 3): its counters against mmvdump's listing of each file
 * (the .mmvdump beside it): names as `metric[instance]`, kinds from the
 * semantics, types, units, short help, values, the PROCESS flag's pid;
 * the history it keeps of the changes it sees, by name across a rewritten
 * file; the sentinel's no-value and an open elapsed section; hostile
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
#include "mmv.h"

#define S INT64_C(1000000000)

static struct content c;
static char why[256];
static unsigned char *b; /* the file being read, its exact size (ASan sees a read past it) */
static size_t len;

static void load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", MMV_FIXTURES, name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static unsigned char tmp[65536];
	len = fread(tmp, 1, sizeof tmp, fp);
	fclose(fp);
	assert_true(len > MMV_HEADER_SIZE && len < sizeof tmp);
	free(b);
	b = malloc(len);
	assert_non_null(b);
	memcpy(b, tmp, len);
}

static int reset(void **state)
{
	(void)state;
	content_free(&c);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	content_free(&c);
	free(b);
	b = NULL;
	return 0;
}

static enum decode_status run(int64_t now)
{
	struct decode_want w = { .now_mono = now, .now_wall = now + 1000 * S };
	why[0] = '\0';
	c.dec = &decode_mmv; /* as decode_object() sets it: content_free() releases its memory */
	return decode_mmv.decode(b, len, &w, &c, why, sizeof why);
}

static void put32(size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
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

/* A metric as mmvdump lists it. */
struct dumped {
	char name[300], units[64], shorttext[300], helptext[300];
	unsigned type, sem;
};

/* "X" of a line "   key=X\n" (the rest of the line). */
static const char *after(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	return p ? p + strlen(key) : NULL;
}

static void chomp(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

/* The value's name as the model names it: mmvdump's `[N or "ext"]`
 * becomes `[ext]`. */
static void model_name(const char *dump, char *out, size_t n)
{
	const char *q = strstr(dump, " or \"");
	if (!q) {
		snprintf(out, n, "%s", dump);
		return;
	}
	const char *open = strchr(dump, '[');
	const char *ext = q + 5, *end = strrchr(ext, '"');
	snprintf(out, n, "%.*s[%.*s]", (int)(open - dump), dump, (int)(end - ext), ext);
}

/* Every value mmvdump lists of the file is a counter of that name, with
 * its metric's kind, type, units and short help, and mmvdump's value;
 * nothing more.  Returns the values seen. */
static size_t against_mmvdump(const char *dumpname, int64_t now)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", MMV_FIXTURES, dumpname);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static struct dumped m[32];
	size_t nm = 0, nv = 0;
	enum { OTHER, METRICS, VALUES } in = OTHER;
	char line[1024];
	long pid = 0;
	while (fgets(line, sizeof line, f)) {
		chomp(line);
		const char *v;
		if ((v = after(line, "Process    = ")))
			pid = strtol(v, NULL, 10);
		if (strncmp(line, "TOC[", 4) == 0) {
			in = strstr(line, "metrics offset")  ? METRICS
			     : strstr(line, "values offset") ? VALUES
							     : OTHER;
			continue;
		}
		if (in == OTHER || line[0] == '\0')
			continue;
		if (strncmp(line, "  [", 3) == 0) {
			const char *name = strchr(line, ']') + 2;
			if (in == METRICS) {
				assert_true(nm < 32);
				memset(&m[nm], 0, sizeof m[nm]);
				snprintf(m[nm++].name, sizeof m[0].name, "%s", name);
				continue;
			}
			/* a value: NAME = VALUE */
			char dn[600], want[600];
			const char *eq = strstr(name, " = ");
			assert_non_null(eq);
			snprintf(dn, sizeof dn, "%.*s", (int)(eq - name), name);
			model_name(dn, want, sizeof want);
			const struct model_counter *k = must(want);
			const struct dumped *d = NULL;
			for (size_t i = 0; i < nm; i++)
				if (strncmp(dn, m[i].name, strlen(m[i].name)) == 0 &&
				    (dn[strlen(m[i].name)] == '\0' || dn[strlen(m[i].name)] == '['))
					d = &m[i];
			if (!d) {
				fail_msg("no metric of %s", dn);
				return 0;
			}
			const char *val = eq + 3;
			switch (d->type) {
			case MMV_U32:
			case MMV_U64:
				assert_int_equal(k->type, VALUE_UINT);
				assert_int_equal(k->value, strtoull(val, NULL, 10));
				break;
			case MMV_I32:
			case MMV_I64:
				assert_int_equal(k->type, VALUE_INT);
				assert_int_equal((int64_t)k->value, strtoll(val, NULL, 10));
				break;
			case MMV_FLOAT:
			case MMV_DOUBLE:
				assert_int_equal(k->type, VALUE_REAL);
				assert_true(value_number(VALUE_REAL, k->value) ==
					    strtod(val, NULL));
				break;
			case MMV_STRING: {
				char t[300];
				snprintf(t, sizeof t, "%.*s", (int)strlen(val) - 2, val + 1);
				assert_int_equal(k->type, VALUE_TEXT);
				assert_string_equal(k->text, t);
				break;
			}
			default: fail_msg("type %u", d->type);
			}
			assert_int_equal(k->kind,
					 d->sem == MMV_COUNTER ? MODEL_COUNTER : MODEL_GAUGE);
			assert_string_equal(k->unit, d->units);
			assert_string_equal(k->help, d->shorttext[0] ? d->shorttext : d->helptext);
			if (k->type != VALUE_TEXT) {
				assert_int_equal(k->nspark, 1);
				assert_int_equal(k->spark[0].mono_ns, now);
			}
			nv++;
			continue;
		}
		if (in != METRICS || nm == 0)
			continue;
		struct dumped *d = &m[nm - 1];
		if ((v = after(line, "type=")))
			d->type = (unsigned)strtoul(strstr(v, "(0x") + 1, NULL, 16);
		if ((v = after(line, "sem=")))
			d->sem = (unsigned)strtoul(strstr(v, "(0x") + 1, NULL, 16);
		if ((v = after(line, "units=")))
			snprintf(d->units, sizeof d->units, "%s", v);
		if ((v = after(line, "shorttext=")))
			snprintf(d->shorttext, sizeof d->shorttext, "%s", v);
		if ((v = after(line, "helptext=")))
			snprintf(d->helptext, sizeof d->helptext, "%s", v);
	}
	fclose(f);
	assert_int_equal(nm, 9);
	assert_int_equal(nv, c.nctr);
	assert_true(c.status.known);
	assert_int_equal(c.status.pid, pid);
	return nv;
}

static void test_fixtures(void **state)
{
	(void)state;
	static const char *const names[] = { "v1", "v2", "v3" };
	for (size_t i = 0; i < 3; i++) {
		char file[16], dump[24];
		snprintf(file, sizeof file, "%s.mmv", names[i]);
		snprintf(dump, sizeof dump, "%s.mmvdump", names[i]);
		content_free(&c);
		load(file);
		assert_int_equal(run(10 * S), DECODE_OK);
		assert_string_equal(c.format, "MMV file");
		assert_true(c.named);
		assert_int_equal(against_mmvdump(dump, 10 * S), 16);
		assert_int_equal(c.status.start, 0);
		assert_int_equal(c.status.state, SHMTOP_STATE_RUNNING);
		assert_int_equal(c.status.beat_ns, 10 * S);
	}
	/* the names themselves, as pminfo gives them */
	assert_int_equal(index_of("acme.a_metric_name_long_enough_to_need_version_2_of_the_file_"
				  "format.bytes[giant rubber bands]"),
			 2);
	assert_int_equal(index_of("acme.rate"), 3);
	assert_string_equal(must("acme.rate")->unit, "Kbyte / sec");
	assert_string_equal(must("acme.rate")->help, "Throughput");
	assert_int_equal(must("acme.workers")->kind, MODEL_GAUGE); /* discrete */
	assert_int_equal(must("acme.busy[rockets]")->kind, MODEL_COUNTER);
	assert_string_equal(must("acme.state")->text, "running 0");
	/* without the PROCESS flag the writer is unknown */
	put32(28, 0);
	content_free(&c);
	assert_int_equal(run(10 * S), DECODE_OK);
	assert_false(c.status.known);
	assert_int_equal(c.status.pid, 0);
}

/* The offset of value NAME's entry, from mmvdump's listing of file. */
static size_t value_entry(const char *dumpname, const char *name)
{
	char path[512], line[1024], want[600];
	snprintf(path, sizeof path, "%s/%s", MMV_FIXTURES, dumpname);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	snprintf(want, sizeof want, "] %s = ", name);
	size_t at = 0;
	bool values = false;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "TOC[", 4) == 0)
			values = strstr(line, "values offset") != NULL;
		if (values && strstr(line, want))
			at = strtoul(strchr(line, '/') + 1, NULL, 10);
	}
	fclose(f);
	assert_true(at > 0);
	return at;
}

/* A value that changed between two reads adds a sample at the second
 * read's time; the selection stays on its name; a rewritten file (a
 * version 1 file in place of the version 2 one) keeps the history of the
 * names both have and starts the others afresh. */
static void test_change(void **state)
{
	(void)state;
	load("v2.mmv");
	assert_int_equal(run(10 * S), DECODE_OK);
	size_t w = index_of("acme.workers");
	content_select(&c, w);
	size_t at = value_entry("v2.mmvdump", "acme.workers");
	put32(at, 41);
	assert_int_equal(run(12 * S), DECODE_OK);
	const struct model_counter *k = &c.ctr[w];
	assert_int_equal((int64_t)k->value, 41);
	assert_int_equal(k->nspark, 2);
	assert_int_equal(k->spark[1].mono_ns, 12 * S);
	assert_int_equal(k->changed_mono_ns, 12 * S);
	assert_int_equal(c.selected, w);
	assert_int_equal(c.nhist, 2);
	assert_int_equal(c.hist[0].value, 40);
	assert_int_equal(c.hist[1].value, 41);
	assert_int_equal(c.status.hist_next, 2);
	assert_int_equal(must("acme.rate")->nspark, 1);
	assert_int_equal(c.status.period_ns, 2 * S);

	load("v1.mmv"); /* the same names but the first metric's */
	assert_int_equal(run(13 * S), DECODE_OK);
	assert_int_equal(c.nctr, 16);
	assert_string_equal(c.selected_name, "acme.workers");
	k = must("acme.workers");
	assert_int_equal((int64_t)k->value, 40); /* the rewritten file's: a change */
	assert_int_equal(k->nspark, 3);
	assert_int_equal(c.nhist, 3);
	assert_int_equal(must("acme.rate")->nspark, 1);
	assert_int_equal(must("acme.rate")->spark[0].mono_ns, 10 * S);
	assert_int_equal(must("acme.products.count[rockets]")->spark[0].mono_ns, 13 * S);
	load("v3.mmv"); /* a bigger file */
	assert_int_equal(run(14 * S), DECODE_OK);
	assert_int_equal(must("acme.rate")->spark[0].mono_ns, 10 * S);
	assert_int_equal(c.nctr, 16);
}

/* With the SENTINEL flag, a value of all ones is no value: the last one
 * seen stays.  An elapsed value with an open section (extra, negative:
 * its start in microseconds) counts the section's time so far. */
static void test_sentinel_elapsed(void **state)
{
	(void)state;
	load("v2.mmv");
	assert_int_equal(run(10 * S), DECODE_OK);
	uint32_t flags;
	memcpy(&flags, b + 28, 4);
	put32(28, flags | MMV_SENTINEL);
	size_t at = value_entry("v2.mmvdump", "acme.offset");
	put64(at, UINT64_MAX);
	assert_int_equal(run(11 * S), DECODE_OK);
	assert_int_equal((int64_t)must("acme.offset")->value, -5000);
	assert_int_equal(must("acme.offset")->nspark, 1);

	load("v2.mmv");
	content_free(&c);
	size_t metric = 0; /* acme.offset's metric entry: from the value's */
	memcpy(&metric, b + at + 16, 8);
	put32(metric + 12, MMV_ELAPSED);
	/* a section open since 1 s before the read's wall clock (1010 s) */
	put64(at + 8, (uint64_t) - (int64_t)(1009 * 1000000));
	assert_int_equal(run(10 * S), DECODE_OK);
	assert_int_equal((int64_t)must("acme.offset")->value, -5000 + 1000000);
	assert_int_equal(must("acme.offset")->type, VALUE_INT);
}

/* Hostile copies refused with the parser's reason; generation 0 is
 * empty, in flux busy, and a busy read leaves what c held. */
static void refused(const char *name, size_t off, uint64_t v, int bytes, enum decode_status want,
		    const char *part)
{
	content_free(&c);
	load(name);
	if (bytes == 4)
		put32(off, (uint32_t)v);
	else
		put64(off, v);
	enum decode_status got = run(10 * S);
	if (got != want || !strstr(why, part))
		fail_msg("%s: status %d \"%s\", not %d \"%s\"", name, got, why, want, part);
}

static void test_damaged(void **state)
{
	(void)state;
	refused("v2.mmv", 4, 4, 4, DECODE_ERROR, "version 4");
	refused("v2.mmv", 8, 0, 8, DECODE_EMPTY, "generation 0");
	refused("v1.mmv", 16, 12345, 8, DECODE_BUSY, "in flux");
	refused("v2.mmv", 24, 0x7fffffff, 4, DECODE_DAMAGED, "TOC entries");
	refused("v2.mmv", 24, 1, 4, DECODE_DAMAGED, "1 TOC entries");
	refused("v2.mmv", 40 + 8, 40, 8, DECODE_DAMAGED,
		"sections overlap"); /* indoms on the TOC */
	/* a good read, then the file in flux: busy, the counters as they were */
	content_free(&c);
	load("v2.mmv");
	assert_int_equal(run(10 * S), DECODE_OK);
	put64(16, 777);
	assert_int_equal(run(11 * S), DECODE_BUSY);
	assert_int_equal(c.nctr, 16);
	assert_int_equal(must("acme.rate")->nspark, 1);
	/* cut short */
	content_free(&c);
	load("v2.mmv");
	len = 2000;
	assert_int_equal(run(10 * S), DECODE_DAMAGED);
	assert_true(why[0] != '\0');
}

/* Bytes of another format, or none: not its own, no reason, c untouched. */
static void test_not_this(void **state)
{
	(void)state;
	static const char *const other[] = { "12345", "MMW", "", "\xca\xfe\xc0\xc0", "MM" };
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		free(b);
		len = strlen(other[i]) + 1 + (i < 4 ? 60 : 0);
		b = calloc(1, len);
		assert_non_null(b);
		memcpy(b, other[i], strlen(other[i]));
		assert_int_equal(run(10 * S), DECODE_NOT_THIS);
		assert_string_equal(why, "");
		assert_null(c.priv);
		assert_int_equal(c.nctr, 0);
	}
}

/* decode_object() finds the format itself on each version. */
static void test_walk(void **state)
{
	(void)state;
	static const char *const names[] = { "v1.mmv", "v2.mmv", "v3.mmv" };
	for (size_t i = 0; i < 3; i++) {
		content_free(&c);
		load(names[i]);
		struct decode_want w = { .now_mono = 10 * S };
		assert_int_equal(decode_object(b, len, &w, &c, why, sizeof why), DECODE_OK);
		assert_ptr_equal(c.dec, &decode_mmv);
		assert_int_equal(c.nctr, 16);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fixtures, reset),
		cmocka_unit_test_setup(test_change, reset),
		cmocka_unit_test_setup(test_sentinel_elapsed, reset),
		cmocka_unit_test_setup(test_damaged, reset),
		cmocka_unit_test_setup(test_not_this, reset),
		cmocka_unit_test_setup(test_walk, reset),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
