/* SPDX-License-Identifier: MIT */
/*
 * The MMV reader (src/view/mmv.h) on files PCP's own library wrote:
 * tests/fixture/mmv/v1.mmv, v2.mmv and v3.mmv, made by
 * `tests/mmv_producer.py NAME v1|v2|v3` with libpcp_mmv 6.0.3 (Debian 12),
 * beside each mmvdump's output of it (.mmvdump).  Then hostile copies
 * made from them here: every truncation, offsets out of range, huge
 * counts, strings without NUL, values naming the wrong entry, sections
 * pointing into each other, generations in flux, each refused with its
 * reason.  Each input is a heap block of its exact size, so a read past
 * it is an AddressSanitizer error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mmv.h"
#include "objpeek.h"

struct fixture {
	unsigned char *b;
	size_t len;
};

static struct fixture load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", MMV_FIXTURES, name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	struct fixture f = { .b = malloc(65536) };
	assert_non_null(f.b);
	f.len = fread(f.b, 1, 65536, fp);
	fclose(fp);
	assert_true(f.len > MMV_HEADER_SIZE && f.len < 65536);
	f.b = realloc(f.b, f.len);
	return f;
}

static struct mmv_file file;
static char why[256];

static enum mmv_status parse(const unsigned char *b, size_t len)
{
	mmv_free(&file);
	assert_int_equal(mmv_alloc(&file, len), 0);
	return mmv_parse(b, len, &file, why, sizeof why);
}

/* The file offset of TOC entry of section type t (1 indoms ... 6 labels). */
static size_t toc_entry(const struct fixture *f, uint32_t t)
{
	int32_t tocs;
	memcpy(&tocs, f->b + 24, 4);
	for (int32_t i = 0; i < tocs; i++) {
		uint32_t type;
		memcpy(&type, f->b + 40 + 16 * i, 4);
		if (type == t)
			return 40 + 16 * (size_t)i;
	}
	fail_msg("no section %u", t);
	return 0;
}

static uint64_t section(const struct fixture *f, uint32_t t)
{
	uint64_t off;
	memcpy(&off, f->b + toc_entry(f, t) + 8, 8);
	return off;
}

static void put32(struct fixture *f, uint64_t off, uint32_t v)
{
	memcpy(f->b + off, &v, 4);
}

static void put64(struct fixture *f, uint64_t off, uint64_t v)
{
	memcpy(f->b + off, &v, 8);
}

static const struct mmv_value *value_named(const char *name)
{
	char buf[600];
	for (size_t i = 0; i < file.n_values; i++)
		if (strcmp(mmv_value_name(&file, &file.values[i], buf, sizeof buf), name) == 0)
			return &file.values[i];
	fail_msg("no value %s", name);
	return NULL;
}

/* What every fixture holds, as mmv_producer.py set it and mmvdump shows. */
static void check_common(const char *first)
{
	assert_int_equal(file.n_indoms, 2);
	assert_int_equal(file.indoms[0].serial, 61);
	assert_string_equal(file.indoms[0].oneline, "Acme products");
	assert_string_equal(file.indoms[0].help, "The products the Acme Corporation makes.");
	assert_int_equal(file.n_instances, 5);
	assert_int_equal(file.indoms[1].serial, 62);
	assert_int_equal(file.indoms[1].first, 3);
	assert_int_equal(file.indoms[1].count, 2);
	assert_string_equal(file.instances[4].external, "blue");
	assert_int_equal(file.instances[4].internal, 9);
	assert_int_equal(file.instances[4].indom, 1);
	assert_string_equal(file.instances[2].external, "giant rubber bands");
	assert_int_equal(file.instances[2].internal, 2);
	assert_int_equal(file.n_metrics, 9);
	assert_int_equal(file.n_values, 16);
	assert_true(file.flags & MMV_PROCESS);
	assert_true(file.process > 0);
	char units[64], name[600];
	const struct mmv_metric *m = &file.metrics[0];
	assert_string_equal(m->name, first);
	assert_int_equal(m->type, MMV_U64);
	assert_int_equal(m->sem, MMV_COUNTER);
	assert_int_equal(m->item, 7);
	assert_int_equal(m->indom, 0);
	assert_string_equal(m->help, "Products made in the Acme factory since it started.");
	mmv_units_str(m->units, units, sizeof units);
	assert_string_equal(units, "count");
	const struct mmv_value *v = &file.values[2];
	snprintf(name, sizeof name, "%s[giant rubber bands]", first);
	char got[600];
	assert_string_equal(mmv_value_name(&file, v, got, sizeof got), name);
	assert_int_equal(v->v.u, 3000);
	assert_int_equal(v->instance, 2);
	assert_ptr_equal(value_named(name), v);

	m = &file.metrics[1];
	assert_string_equal(m->name, "acme.rate");
	assert_int_equal(m->type, MMV_DOUBLE);
	assert_int_equal(m->sem, MMV_INSTANT);
	assert_int_equal(m->indom, -1);
	mmv_units_str(m->units, units, sizeof units);
	assert_string_equal(units, "Kbyte / sec");
	assert_true(value_named("acme.rate")->v.d == 1234.25);
	assert_true(value_named("acme.temp[rockets]")->v.d == 21.5);
	assert_int_equal(file.metrics[2].type, MMV_FLOAT);
	assert_int_equal(value_named("acme.workers")->v.i, 40);
	assert_int_equal(file.metrics[3].type, MMV_I32);
	assert_int_equal(file.metrics[3].sem, MMV_DISCRETE);
	assert_int_equal(value_named("acme.shifts")->v.u, 3);
	mmv_units_str(file.metrics[4].units, units, sizeof units);
	assert_string_equal(units, "count x 10^3");
	assert_null(file.metrics[4].help);
	assert_int_equal(value_named("acme.offset")->v.i, -5000);
	assert_int_equal(file.metrics[5].type, MMV_I64);
	assert_null(file.metrics[5].oneline);
	mmv_units_str(file.metrics[5].units, units, sizeof units);
	assert_string_equal(units, "microsec");
	assert_string_equal(value_named("acme.state")->string, "running 0");
	assert_int_equal(file.metrics[6].type, MMV_STRING);
	assert_int_equal(value_named("acme.busy[anvils]")->v.u, 0);
	assert_false(value_named("acme.busy[anvils]")->novalue);
	assert_int_equal(value_named("acme.paint[blue]")->v.u, 900);
	assert_int_equal(file.metrics[8].indom, 1);
	mmv_units_str(file.metrics[8].units, units, sizeof units);
	assert_string_equal(units, "Mbyte");
}

static void test_v1(void **state)
{
	(void)state;
	struct fixture f = load("v1.mmv");
	assert_int_equal(parse(f.b, f.len), MMV_OK);
	assert_int_equal(file.version, 1);
	assert_int_equal(file.cluster, 42);
	assert_int_equal(file.n_labels, 0);
	check_common("acme.products.count");
	free(f.b);
}

static void test_v2(void **state)
{
	(void)state;
	struct fixture f = load("v2.mmv");
	assert_int_equal(parse(f.b, f.len), MMV_OK);
	assert_int_equal(file.version, 2);
	assert_int_equal(file.cluster, 43);
	check_common("acme.a_metric_name_long_enough_to_need_version_2_of_the_file_format.bytes");
	free(f.b);
}

static void test_v3_labels(void **state)
{
	(void)state;
	struct fixture f = load("v3.mmv");
	assert_int_equal(parse(f.b, f.len), MMV_OK);
	assert_int_equal(file.version, 3);
	check_common("acme.a_metric_name_long_enough_to_need_version_2_of_the_file_format.bytes");
	assert_int_equal(file.n_labels, 1);
	assert_string_equal(file.labels[0].payload, "{\"site\":\"acme\"}");
	free(f.b);
}

static uint32_t units(int ds, int dt, int dc, unsigned ss, unsigned ts, int sc)
{
	return (uint32_t)(ds & 0xf) << 28 | (uint32_t)(dt & 0xf) << 24 |
	       (uint32_t)(dc & 0xf) << 20 | ss << 16 | ts << 12 | (uint32_t)(sc & 0xf) << 8;
}

/* pmUnitsStr's words (libpcp units.c) */
static void test_units(void **state)
{
	(void)state;
	static const struct {
		int ds, dt, dc;
		unsigned ss, ts;
		int sc;
		const char *want;
	} t[] = {
		{ 0, 0, 0, 0, 0, 0, "" },
		{ 1, 0, 0, 0, 0, 0, "byte" },
		{ 1, -1, 0, 1, 3, 0, "Kbyte / sec" },
		{ 0, -1, 1, 0, 3, 0, "count / sec" },
		{ 0, -1, 0, 0, 3, 0, "/ sec" },
		{ 2, -2, 0, 2, 4, 0, "Mbyte^2 / min^2" },
		{ 0, 1, 0, 0, 0, 0, "nanosec" },
		{ 0, 1, -1, 0, 5, 6, "hour / count x 10^6" },
		{ 0, 0, 1, 0, 0, 1, "count x 10" },
		{ 0, 0, 1, 0, 0, -3, "count x 10^-3" },
		{ 0, 0, 0, 0, 0, 3, "count x 10^3" },
		{ 1, 0, 0, 12, 0, 0, "space-12" },
		{ 0, 1, 0, 0, 9, 0, "time-9" },
		{ -1, 0, 0, 8, 0, 0, "/ Ybyte" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		mmv_units_str(units(t[i].ds, t[i].dt, t[i].dc, t[i].ss, t[i].ts, t[i].sc), buf,
			      sizeof buf);
		assert_string_equal(buf, t[i].want);
	}
}

/* Every prefix of each file is refused (each section reaches the end),
 * with a reason, and no read passes its end. */
static void test_truncated(void **state)
{
	(void)state;
	const char *names[] = { "v1.mmv", "v2.mmv", "v3.mmv" };
	for (int n = 0; n < 3; n++) {
		struct fixture f = load(names[n]);
		for (size_t len = 0; len < f.len; len++) {
			unsigned char *cut = malloc(len ? len : 1);
			memcpy(cut, f.b, len);
			enum mmv_status s = parse(cut, len);
			if (s == MMV_OK)
				fail_msg("%s cut to %zu bytes taken", names[n], len);
			assert_true(why[0] != '\0');
			free(cut);
		}
		free(f.b);
	}
}

/* A copy of the fixture, changed by edit, refused with want in its reason. */
static void refused(const char *name, void (*edit)(struct fixture *), enum mmv_status status,
		    const char *want)
{
	struct fixture f = load(name);
	edit(&f);
	enum mmv_status s = parse(f.b, f.len);
	if (s != status || !strstr(why, want))
		fail_msg("%s: status %d \"%s\", not %d \"%s\"", name, s, why, status, want);
	free(f.b);
}

static void magic(struct fixture *f)
{
	f->b[2] = 'W';
}
static void version4(struct fixture *f)
{
	put32(f, 4, 4);
}
static void gen_zero(struct fixture *f)
{
	put64(f, 8, 0);
}
static void gen_flux(struct fixture *f)
{
	put64(f, 16, 12345);
}
static void tocs_huge(struct fixture *f)
{
	put32(f, 24, 0x7fffffff);
}
static void tocs_one(struct fixture *f)
{
	put32(f, 24, 1);
}
static void toc_count_huge(struct fixture *f)
{
	put32(f, toc_entry(f, 4) + 4, 0x7fffffff);
}
static void toc_count_negative(struct fixture *f)
{
	put32(f, toc_entry(f, 3) + 4, 0xffffffff);
}
static void toc_offset_out(struct fixture *f)
{
	put64(f, toc_entry(f, 3) + 8, f->len);
}
static void toc_offset_wraps(struct fixture *f)
{
	put64(f, toc_entry(f, 5) + 8, UINT64_MAX - 100);
}
static void toc_type_unknown(struct fixture *f)
{
	put32(f, toc_entry(f, 5), 9);
}
static void toc_twice(struct fixture *f)
{
	put32(f, toc_entry(f, 5), 4);
}
/* The indoms section laid over the TOC: a loop back into the header. */
static void toc_loop(struct fixture *f)
{
	put64(f, toc_entry(f, 1) + 8, 40);
}
/* Values laid over the metrics. */
static void sections_overlap(struct fixture *f)
{
	put64(f, toc_entry(f, 4) + 8, section(f, 3));
}
static void no_metrics(struct fixture *f)
{
	size_t e = toc_entry(f, 3);
	put32(f, e, 6); /* an empty labels section instead */
	put32(f, e + 4, 0);
}
static void name_no_nul_v1(struct fixture *f)
{
	memset(f->b + section(f, 3), 'A', MMV_NAME_SIZE);
}
static void string_no_nul(struct fixture *f)
{
	uint64_t s = section(f, 5);
	memset(f->b + s, 'A', MMV_STRING_SIZE); /* the first string: an instance's name */
}
static void string_offset_out(struct fixture *f)
{
	put64(f, section(f, 3) + 32, f->len - 10); /* metric 0's one-line help */
}
static void string_offset_mid(struct fixture *f)
{
	put64(f, section(f, 3), section(f, 5) + 7); /* metric 0's name, mid-string */
}
static void value_metric_wrong(struct fixture *f)
{
	put64(f, section(f, 4) + 16, section(f, 3) + 8); /* mid-metric */
}
static void value_metric_is_value(struct fixture *f)
{
	put64(f, section(f, 4) + 16, section(f, 4)); /* a value, not a metric */
}
static void value_instance_wrong(struct fixture *f)
{
	put64(f, section(f, 4) + 24, section(f, 1)); /* an indom, not an instance */
}
/* acme.rate's value pointed at metric 0 (of the indom): its instance 0 is
 * no instance. */
static void value_of_singular_to_indom(struct fixture *f)
{
	uint64_t v3 = section(f, 4) + 3 * MMV_VALUE_SIZE;
	put64(f, v3 + 16, section(f, 3));
}
static void value_string_out(struct fixture *f)
{
	put64(f, section(f, 4) + 10 * MMV_VALUE_SIZE + 8, 8); /* acme.state's string */
}
/* acme.paint[red] pointed at anvils, an instance of the other domain */
static void value_instance_other_indom(struct fixture *f)
{
	put64(f, section(f, 4) + 14 * MMV_VALUE_SIZE + 24, section(f, 2));
}
/* the colours' domain pointed at the products' instances */
static void indom_instances_other(struct fixture *f)
{
	put64(f, section(f, 1) + MMV_INDOM_SIZE + 8, section(f, 2));
}
/* the products' domain over all 5 instances (all pointing at it), the
 * colours' over instances 1 and 2 */
static void indom_ranges_overlap(struct fixture *f)
{
	uint64_t d = section(f, 1), in = section(f, 2);
	put32(f, d + 4, 5);
	put64(f, d + MMV_INDOM_SIZE + 8, in + MMV_INSTANCE2_SIZE);
	put64(f, in + 3 * MMV_INSTANCE2_SIZE, d);
	put64(f, in + 4 * MMV_INSTANCE2_SIZE, d);
}
static void instance_indom_wrong(struct fixture *f)
{
	put64(f, section(f, 2), section(f, 2)); /* instance 0's indom: itself */
}
static void indom_instances_out(struct fixture *f)
{
	put32(f, section(f, 1) + 4, 1000); /* 1000 instances */
}
static void indom_serial_zero(struct fixture *f)
{
	put32(f, section(f, 1), 0);
}
static void metric_type_unknown(struct fixture *f)
{
	put32(f, section(f, 3) + 12, 7);
}
static void metric_sem_unknown(struct fixture *f)
{
	put32(f, section(f, 3) + 16, 2);
}
static void metric_indom_missing(struct fixture *f)
{
	put32(f, section(f, 3) + 24, 63);
}
static void metric_name_empty(struct fixture *f)
{
	uint64_t name;
	memcpy(&name, f->b + section(f, 3), 8); /* metric 0's name string */
	f->b[name] = '\0';
}
static void label_no_nul(struct fixture *f)
{
	memset(f->b + section(f, 6) + 12, 'x', MMV_LABEL_PAYLOAD);
}

static void test_hostile(void **state)
{
	(void)state;
	refused("v2.mmv", magic, MMV_NOT_THIS, "no MMV magic");
	refused("v2.mmv", version4, MMV_ERROR, "version 4");
	refused("v2.mmv", gen_zero, MMV_EMPTY, "generation 0");
	refused("v1.mmv", gen_flux, MMV_BUSY, "in flux");
	refused("v2.mmv", tocs_huge, MMV_DAMAGED, "TOC entries");
	refused("v2.mmv", tocs_one, MMV_DAMAGED, "1 TOC entries");
	refused("v2.mmv", toc_count_huge, MMV_DAMAGED, "past the end");
	refused("v2.mmv", toc_count_negative, MMV_DAMAGED, "metrics count -1");
	refused("v1.mmv", toc_offset_out, MMV_DAMAGED, "past the end");
	refused("v2.mmv", toc_offset_wraps, MMV_DAMAGED, "past the end");
	refused("v2.mmv", toc_type_unknown, MMV_DAMAGED, "unknown type 9");
	refused("v2.mmv", toc_twice, MMV_DAMAGED, "a second values section");
	refused("v2.mmv", toc_loop, MMV_DAMAGED, "sections overlap");
	refused("v1.mmv", sections_overlap, MMV_DAMAGED, "sections overlap");
	refused("v2.mmv", no_metrics, MMV_DAMAGED, "no metrics section");
	refused("v1.mmv", name_no_nul_v1, MMV_DAMAGED, "metric 0: name has no NUL");
	refused("v2.mmv", string_no_nul, MMV_DAMAGED, "instance 0: string at");
	refused("v2.mmv", string_offset_out, MMV_DAMAGED, "metric 0: string offset");
	refused("v2.mmv", string_offset_mid, MMV_DAMAGED, "is not a string of the file");
	refused("v2.mmv", value_metric_wrong, MMV_DAMAGED, "value 0: metric offset");
	refused("v1.mmv", value_metric_is_value, MMV_DAMAGED, "is not a metric");
	refused("v2.mmv", value_instance_wrong, MMV_DAMAGED, "is not an instance");
	refused("v2.mmv", value_of_singular_to_indom, MMV_DAMAGED, "value 3");
	refused("v2.mmv", value_string_out, MMV_DAMAGED, "value 10: string offset 8");
	refused("v2.mmv", value_instance_other_indom, MMV_DAMAGED,
		"value 14 (acme.paint): instance 0 is not of its instance domain");
	refused("v1.mmv", indom_instances_other, MMV_DAMAGED,
		"instance 3: not among its instance domain's (serial 62)");
	refused("v2.mmv", indom_ranges_overlap, MMV_DAMAGED,
		"instance domain 1: instance 1 belongs to another");
	refused("v2.mmv", instance_indom_wrong, MMV_DAMAGED, "is not an instance domain");
	refused("v1.mmv", indom_instances_out, MMV_DAMAGED, "1000 instances");
	refused("v2.mmv", indom_serial_zero, MMV_DAMAGED, "serial 0");
	refused("v2.mmv", metric_type_unknown, MMV_DAMAGED, "unknown type 7");
	refused("v2.mmv", metric_sem_unknown, MMV_DAMAGED, "unknown semantics 2");
	refused("v2.mmv", metric_indom_missing, MMV_DAMAGED, "no instance domain 63");
	refused("v2.mmv", metric_name_empty, MMV_DAMAGED, "empty name");
	refused("v3.mmv", label_no_nul, MMV_DAMAGED, "label 0: no NUL");
}

/* Arrays too small: refused, nothing written past them. */
static void test_room(void **state)
{
	(void)state;
	struct fixture f = load("v1.mmv");
	struct mmv_indom d[2];
	struct mmv_instance in[5];
	struct mmv_metric m[9];
	struct mmv_value v[15];
	struct mmv_file small = { .indoms = d,
				  .indoms_cap = 2,
				  .instances = in,
				  .instances_cap = 5,
				  .metrics = m,
				  .metrics_cap = 9,
				  .values = v,
				  .values_cap = 15 };
	assert_int_equal(mmv_parse(f.b, f.len, &small, why, sizeof why), MMV_ERROR);
	assert_string_equal(why, "16 values, room for 15");
	small.values_cap = 0;
	small.metrics_cap = 8;
	assert_int_equal(mmv_parse(f.b, f.len, &small, why, sizeof why), MMV_ERROR);
	assert_string_equal(why, "9 metrics, room for 8");
	small.instances_cap = 4;
	assert_int_equal(mmv_parse(f.b, f.len, &small, why, sizeof why), MMV_ERROR);
	assert_string_equal(why, "5 instances, room for 4");
	free(f.b);
}

/* SENTINEL: all ones (an integer) or NaN (a float) is no value. */
static void test_sentinel(void **state)
{
	(void)state;
	struct fixture f = load("v2.mmv");
	put32(&f, 28, MMV_PROCESS | MMV_SENTINEL);
	uint64_t v = section(&f, 4);
	put64(&f, v, UINT64_MAX); /* products.count[anvils] */
	put64(&f, v + 32, 1);     /* [rockets] */
	uint32_t nanf = 0x7fc00000;
	put32(&f, v + 4 * 32, nanf); /* acme.temp[anvils] */
	assert_int_equal(parse(f.b, f.len), MMV_OK);
	assert_true(file.values[0].novalue);
	assert_false(file.values[1].novalue);
	assert_true(file.values[4].novalue);
	assert_false(file.values[5].novalue);
	put32(&f, 28, MMV_PROCESS); /* without the flag the same bytes are values */
	assert_int_equal(parse(f.b, f.len), MMV_OK);
	assert_false(file.values[0].novalue);
	assert_int_equal(file.values[0].v.u, UINT64_MAX);
	free(f.b);
}

/* The guarded copy (a live file is read through it): every length and
 * alignment copied exactly, by words where both ends are aligned. */
static void test_guarded_copy(void **state)
{
	(void)state;
	_Alignas(8) unsigned char src[80], dst[80];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (size_t from = 0; from < 9; from++)
		for (size_t to = 0; to < 9; to++)
			for (size_t n = 0; n + from < 64 && n + to < 64; n++) {
				memset(dst, 0xee, sizeof dst);
				assert_int_equal(objpeek_guarded_copy(dst + to, src + from, n), 0);
				assert_memory_equal(dst + to, src + from, n);
				assert_int_equal(dst[to + n], 0xee);
				if (to)
					assert_int_equal(dst[to - 1], 0xee);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1),           cmocka_unit_test(test_v2),
		cmocka_unit_test(test_v3_labels),    cmocka_unit_test(test_units),
		cmocka_unit_test(test_truncated),    cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_room),         cmocka_unit_test(test_sentinel),
		cmocka_unit_test(test_guarded_copy),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mmv_free(&file);
	return rc;
}
