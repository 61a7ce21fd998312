/* SPDX-License-Identifier: MIT */
/* Prometheus text output: escaping, and the exact exposition of a made-up
 * host with a shmwriter segment and a foreign one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "prom.h"

static void test_escape(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(prom_escape_label("root", b, sizeof b), "root");
	/* the text the screen shows (escape.h), then the format's escapes:
	 * a scraper reads the screen's text */
	assert_string_equal(prom_escape_label("a\\b\"c\nd", b, sizeof b), "a\\\\\\\\b\\\"c\\\\nd");
	assert_string_equal(prom_escape_label("", b, sizeof b), "");
	assert_string_equal(prom_escape_label(NULL, b, sizeof b), "");
	assert_string_equal(prom_escape_label("tab\there", b, sizeof b), "tab\\\\there");
	assert_string_equal(prom_escape_label("ü", b, sizeof b), "ü");
	/* no control reaches the exposition: ESC, BEL, OSC 52, C1, bidi */
	assert_string_equal(prom_escape_label("\x1b]52;c;eA==\x07", b, sizeof b),
			    "\\\\x1b]52;c;eA==\\\\x07");
	assert_string_equal(prom_escape_label("\xc2\x9b\xe2\x80\xae\x9b", b, sizeof b),
			    "\\\\u009b\\\\u202e\\\\x9b");
	/* whatever the locale, UTF-8 characters pass */
	assert_string_equal(prom_escape_label("\xcc\x81", b, sizeof b), "\xcc\x81");
	/* The format is UTF-8: invalid bytes escaped, never cut in two */
	assert_string_equal(prom_escape_label("\xff\xfe", b, sizeof b), "\\\\xff\\\\xfe");
	assert_string_equal(prom_escape_help("a\xc3", b, sizeof b), "a\\\\xc3");
	assert_string_equal(prom_escape_label("a\xc3\xbc", b, 3), "a");
	/* never cut in the middle of an escape */
	assert_string_equal(prom_escape_label("ab\"", b, 4), "ab");
	assert_string_equal(prom_escape_label("ab\"", b, 5), "ab\\\"");
	assert_string_equal(prom_escape_label("ab\x1b", b, 7), "ab");
	assert_string_equal(prom_escape_label("ab\x1b", b, 8), "ab\\\\x1b");
	assert_string_equal(prom_escape_label("abc", b, 1), "");
	assert_string_equal(prom_escape_help("a\\b\"c\nd", b, sizeof b), "a\\\\\\\\b\"c\\\\nd");
}

static const char expected[] =
    "# HELP shmtop_segment_bytes Size of the SysV shared memory segment (shm_segsz).\n"
    "# TYPE shmtop_segment_bytes gauge\n"
    "shmtop_segment_bytes{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 16640\n"
    "shmtop_segment_bytes{key=\"0x00000000\",shmid=\"6\",owner=\"we\\\"ird\\\\\\\\na\\\\nme\"} 40\n"
    "# HELP shmtop_segment_attached Processes attached to the segment (nattch).\n"
    "# TYPE shmtop_segment_attached gauge\n"
    "shmtop_segment_attached{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 3\n"
    "shmtop_segment_attached{key=\"0x00000000\",shmid=\"6\",owner=\"we\\\"ird\\\\\\\\na\\\\nme\"} "
    "1\n"
    "# HELP shmtop_segment_rss_bytes Bytes of the segment resident in memory.\n"
    "# TYPE shmtop_segment_rss_bytes gauge\n"
    "shmtop_segment_rss_bytes{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 16384\n"
    "shmtop_segment_rss_bytes{key=\"0x00000000\",shmid=\"6\",owner=\"we\\\"ird\\\\\\\\na\\\\nme\"} "
    "4096\n"
    "# HELP shmtop_segment_swap_bytes Bytes of the segment swapped out.\n"
    "# TYPE shmtop_segment_swap_bytes gauge\n"
    "shmtop_segment_swap_bytes{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 0\n"
    "shmtop_segment_swap_bytes{key=\"0x00000000\",shmid=\"6\",owner=\"we\\\"ird\\\\\\\\na\\\\nme\"}"
    " 0\n"
    "# HELP shmtop_segment_ctime_seconds Unix time of the segment's last change (shm_ctime).\n"
    "# TYPE shmtop_segment_ctime_seconds gauge\n"
    "shmtop_segment_ctime_seconds{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 1700000000\n"
    "shmtop_segment_ctime_seconds{key=\"0x00000000\",shmid=\"6\",owner="
    "\"we\\\"ird\\\\\\\\na\\\\nme\"} "
    "1700000100\n"
    "# HELP shmtop_segment_locked 1 if the segment is locked in memory (SHM_LOCK).\n"
    "# TYPE shmtop_segment_locked gauge\n"
    "shmtop_segment_locked{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 1\n"
    "shmtop_segment_locked{key=\"0x00000000\",shmid=\"6\",owner=\"we\\\"ird\\\\\\\\na\\\\nme\"} 0\n"
    "# HELP shmtop_segment_dest 1 if the segment is removed (IPC_RMID) and lives on until the "
    "last detach.\n"
    "# TYPE shmtop_segment_dest gauge\n"
    "shmtop_segment_dest{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 0\n"
    "shmtop_segment_dest{key=\"0x00000000\",shmid=\"6\",owner=\"we\\\"ird\\\\\\\\na\\\\nme\"} 1\n"
    "# HELP shmtop_count The counter shmwriter publishes in the segment.\n"
    "# TYPE shmtop_count gauge\n"
    "shmtop_count{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 18446744073709551615\n"
    "# HELP shmtop_writer_up 1 if the segment's shmwriter is alive and running or paused.\n"
    "# TYPE shmtop_writer_up gauge\n"
    "shmtop_writer_up{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 1\n"
    "# HELP shmtop_writer_paused 1 if the segment's shmwriter is paused.\n"
    "# TYPE shmtop_writer_paused gauge\n"
    "shmtop_writer_paused{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 1\n"
    "# HELP shmtop_last_update_seconds Unix time of the counter's last change.\n"
    "# TYPE shmtop_last_update_seconds gauge\n"
    "shmtop_last_update_seconds{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 1700000123.045\n"
    "# HELP shmtop_resets_total Resets of the counter, ever.\n"
    "# TYPE shmtop_resets_total counter\n"
    "shmtop_resets_total{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 2\n"
    "# HELP shmtop_segments SysV shared memory segments on the host.\n"
    "# TYPE shmtop_segments gauge\n"
    "shmtop_segments 2\n"
    "# HELP shmtop_bytes Sum of the sizes of all segments.\n"
    "# TYPE shmtop_bytes gauge\n"
    "shmtop_bytes 16680\n"
    "# HELP shmtop_pages Pages of shared memory in use, total bytes / page size, as lsipc -g "
    "counts them.\n"
    "# TYPE shmtop_pages gauge\n"
    "shmtop_pages 4\n"
    "# HELP shmtop_rss_bytes Bytes of all segments resident in memory.\n"
    "# TYPE shmtop_rss_bytes gauge\n"
    "shmtop_rss_bytes 20480\n"
    "# HELP shmtop_swap_bytes Bytes of all segments swapped out.\n"
    "# TYPE shmtop_swap_bytes gauge\n"
    "shmtop_swap_bytes 0\n"
    "# HELP shmtop_segments_limit SHMMNI: the most segments the host allows.\n"
    "# TYPE shmtop_segments_limit gauge\n"
    "shmtop_segments_limit 4096\n"
    "# HELP shmtop_pages_limit SHMALL: the most pages of shared memory.\n"
    "# TYPE shmtop_pages_limit gauge\n"
    "shmtop_pages_limit 18446744073692774399\n"
    "# HELP shmtop_segment_bytes_limit SHMMAX: the largest segment allowed.\n"
    "# TYPE shmtop_segment_bytes_limit gauge\n"
    "shmtop_segment_bytes_limit 18446744073692774399\n";

static struct sysvipc_shm rows[2];
static struct shmtop_snapshot snap;
static struct prom_segment segs[2];
static struct sysvipc_totals totals;
static struct sysvipc_limits limits;

static void setup_host(void)
{
	memset(rows, 0, sizeof rows);
	rows[0].st = (struct ipcstat){ .shmid = 5,
				       .key = 0x2537,
				       .size = 16640,
				       .mode = 0600,
				       .locked = true,
				       .nattch = 3,
				       .ctime = 1700000000 };
	rows[0].rss = 16384;
	rows[1].st = (struct ipcstat){ .shmid = 6,
				       .key = 0,
				       .size = 40,
				       .mode = 0600,
				       .dest = true,
				       .nattch = 1,
				       .ctime = 1700000100 };
	rows[1].rss = 4096;
	memset(&snap, 0, sizeof snap);
	snap.count = UINT64_MAX;
	snap.state = SHMTOP_STATE_PAUSED;
	snap.wall_ns = INT64_C(1700000123045999999);
	snap.resets = 2;
	segs[0] = (struct prom_segment){ &rows[0], "root", &snap, true };
	segs[1] = (struct prom_segment){ &rows[1], "we\"ird\\na\nme", NULL, false };
	sysvipc_totals(rows, 2, &totals);
	limits = (struct sysvipc_limits){
		4096, UINT64_C(18446744073692774399), UINT64_C(18446744073692774399), true, true,
		true
	};
}

static char *run(const struct prom_input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(prom_write(f, in), 0);
	fclose(f);
	return text;
}

/* A named counter's metric name: valid in the format, whatever the name. */
static void test_counter_name(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(prom_counter_name("requests", true, buf, sizeof buf),
			    "shmtop_counter_requests_total");
	assert_string_equal(prom_counter_name("bytes_total", true, buf, sizeof buf),
			    "shmtop_counter_bytes_total");
	assert_string_equal(prom_counter_name("http.requests/s", true, buf, sizeof buf),
			    "shmtop_counter_http_requests_s_total");
	assert_string_equal(prom_counter_name("queue depth", false, buf, sizeof buf),
			    "shmtop_counter_queue_depth");
	assert_string_equal(prom_counter_name("caf\xc3\xa9\n\"x\"", false, buf, sizeof buf),
			    "shmtop_counter_caf____x_");
	assert_string_equal(prom_counter_name("9lives", false, buf, sizeof buf),
			    "shmtop_counter_9lives"); /* the prefix makes a digit first fine */
	char tiny[20];
	assert_string_equal(prom_counter_name("requests", true, tiny, sizeof tiny),
			    "shmtop_counter_requ"); /* cut, terminated */
}

/* The named counters of version 3 records: a family per metric name, in
 * order, its samples together, labels escaped, types kept apart. */
static void test_counters(void **state)
{
	(void)state;
	struct shmtop_value a[3] = {
		{ .name = "requests", .kind = SHMTOP_COUNTER, .value = 7 },
		{ .name = "queue \"depth\"\\", .kind = SHMTOP_GAUGE, .value = 3 },
		{ .name = "http.req", .kind = SHMTOP_COUNTER, .value = 1 },
	};
	struct shmtop_value b[2] = {
		{ .name = "requests", .kind = SHMTOP_COUNTER, .value = 9 },
		/* sanitises to a counter's family, but is a gauge: left out */
		{ .name = "http/req_total", .kind = SHMTOP_GAUGE, .value = 5 },
	};
	struct prom_counters segs3[2] = { { 0x2537, 12, a, 3 }, { 0x10, 4, b, 2 } };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(prom_write_counters(f, segs3, 2), 0);
	fclose(f);
	static const char want[] =
	    "# HELP shmtop_counter_http_req_total A libshmtop counter (its name in the counter "
	    "label).\n"
	    "# TYPE shmtop_counter_http_req_total counter\n"
	    "shmtop_counter_http_req_total{key=\"0x00002537\",shmid=\"12\",counter=\"http.req\"} "
	    "1\n"
	    "# HELP shmtop_counter_queue__depth__ A libshmtop gauge (its name in the counter "
	    "label).\n"
	    "# TYPE shmtop_counter_queue__depth__ gauge\n"
	    "shmtop_counter_queue__depth__{key=\"0x00002537\",shmid=\"12\",counter=\"queue "
	    "\\\"depth\\\"\\\\\\\\\"} 3\n"
	    "# HELP shmtop_counter_requests_total A libshmtop counter (its name in the counter "
	    "label).\n"
	    "# TYPE shmtop_counter_requests_total counter\n"
	    "shmtop_counter_requests_total{key=\"0x00000010\",shmid=\"4\",counter=\"requests\"} "
	    "9\n"
	    "shmtop_counter_requests_total{key=\"0x00002537\",shmid=\"12\",counter=\"requests\"} "
	    "7\n";
	assert_string_equal(text, want);
	free(text);
	/* none: nothing written */
	f = open_memstream(&text, &len);
	assert_int_equal(prom_write_counters(f, segs3, 0), 0);
	fclose(f);
	assert_string_equal(text, "");
	free(text);
}

static void test_exposition(void **state)
{
	(void)state;
	setup_host();
	struct prom_input in = { segs, 2, &totals, &limits, 4096 };
	char *text = run(&in);
	assert_string_equal(text, expected);
	free(text);
}

static void test_writer_states(void **state)
{
	(void)state;
	setup_host();
	struct prom_input in = { segs, 1, &totals, NULL, 4096 };
	/* running and alive: up; dead: down; stopped: down */
	snap.state = SHMTOP_STATE_RUNNING;
	char *t = run(&in);
	assert_non_null(
	    strstr(t, "shmtop_writer_up{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 1\n"));
	assert_non_null(
	    strstr(t, "shmtop_writer_paused{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 0\n"));
	assert_null(strstr(t, "_limit")); /* no limits known */
	free(t);
	segs[0].writer_alive = false;
	t = run(&in);
	assert_non_null(
	    strstr(t, "shmtop_writer_up{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 0\n"));
	free(t);
	segs[0].writer_alive = true;
	snap.state = SHMTOP_STATE_STOPPED;
	t = run(&in);
	assert_non_null(
	    strstr(t, "shmtop_writer_up{key=\"0x00002537\",shmid=\"5\",owner=\"root\"} 0\n"));
	free(t);
	/* a last change at either end of time (a record's bytes are untrusted):
	 * its seconds whole, no overflow on the way */
	snap.wall_ns = INT64_MIN;
	t = run(&in);
	assert_non_null(strstr(t, "owner=\"root\"} -9223372036.854\n"));
	free(t);
	snap.wall_ns = INT64_MAX;
	t = run(&in);
	assert_non_null(strstr(t, "owner=\"root\"} 9223372036.854\n"));
	free(t);
	/* no shmwriter segment: no shmwriter families at all; no segments at all */
	in.segs = &segs[1];
	t = run(&in);
	assert_null(strstr(t, "shmtop_count"));
	assert_null(strstr(t, "shmtop_writer_up"));
	free(t);
	struct sysvipc_totals none = { 0 };
	struct prom_input empty = { NULL, 0, &none, NULL, 0 };
	t = run(&empty);
	assert_string_equal(strstr(t, "shmtop_segments 0\n") ? "ok" : t, "ok");
	assert_null(strstr(t, "shmtop_segment_bytes"));
	assert_non_null(strstr(t, "shmtop_pages 0\n"));
	free(t);
}

/* Every line is a comment or `name{labels} value` or `name value`. */
static void test_syntax(void **state)
{
	(void)state;
	setup_host();
	struct prom_input in = { segs, 2, &totals, &limits, 4096 };
	char *t = run(&in);
	size_t lines = 0;
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"), lines++) {
		if (line[0] == '#') {
			assert_true(strncmp(line, "# HELP shmtop_", 14) == 0 ||
				    strncmp(line, "# TYPE shmtop_", 14) == 0);
			continue;
		}
		assert_true(strncmp(line, "shmtop_", 7) == 0);
		char *sp = strrchr(line, ' ');
		assert_non_null(sp);
		char *end;
		strtod(sp + 1, &end);
		assert_true(*end == '\0');
	}
	assert_int_equal(lines, 67);
	free(t);
}

/* prom_metric_name(): the exposition format's rules, whatever the name. */
static void test_metric_name(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(prom_metric_name("shmtop_hsperfdata_", "sun.gc.collector.0.invocations",
					     30, true, buf, sizeof buf),
			    "shmtop_hsperfdata_sun_gc_collector_0_invocations_total");
	/* n bytes of it: an MMV name without its [instance] */
	assert_string_equal(prom_metric_name("p_", "acme.temp[rockets]", 9, false, buf, sizeof buf),
			    "p_acme_temp");
	/* a digit first with no prefix is guarded; ':' and '-' are not kept */
	assert_string_equal(prom_metric_name("", "0x:y-z", 6, false, buf, sizeof buf), "_0x_y_z");
	assert_string_equal(prom_metric_name("", "gc_total", 8, true, buf, sizeof buf), "gc_total");
	assert_string_equal(prom_metric_name("", "", 0, false, buf, sizeof buf), "");
	/* a NUL before n ends it */
	assert_string_equal(prom_metric_name("a_", "bc", 40, false, buf, sizeof buf), "a_bc");
	char tiny[8];
	assert_string_equal(prom_metric_name("a_", "bcdefghij", 9, true, tiny, sizeof tiny),
			    "a_bcdef");
	assert_string_equal(prom_format_prefix("hsperfdata", buf, sizeof buf),
			    "shmtop_hsperfdata_");
	assert_string_equal(prom_format_prefix("MMV file", buf, sizeof buf), "shmtop_mmv_");
	assert_string_equal(prom_format_prefix("Odd-Name.x y", buf, sizeof buf),
			    "shmtop_odd_name_x_");
	assert_string_equal(prom_format_prefix("", buf, sizeof buf), "shmtop_");
}

/* An object's counters: a family per name (an instance a sample), typed
 * by kind, help escaped, labels escaped, text as _info, NaN and
 * infinities in the format's words, a family of another type left out
 * with a note. */
static void test_object(void **state)
{
	(void)state;
	static struct model_counter k[8];
	memset(k, 0, sizeof k);
	snprintf(k[0].name, sizeof k[0].name, "acme.temp[rockets]");
	k[0].kind = MODEL_GAUGE;
	k[0].type = VALUE_REAL;
	k[0].value = value_of_real(21.5);
	snprintf(k[0].help, sizeof k[0].help, "Temp \\ \"C\"\nnow");
	snprintf(k[1].name, sizeof k[1].name, "acme.temp[anvils]");
	k[1].kind = MODEL_GAUGE;
	k[1].type = VALUE_REAL;
	k[1].value = value_of_real((double)NAN);
	snprintf(k[2].name, sizeof k[2].name, "sun.gc.collector.0.invocations");
	k[2].kind = MODEL_COUNTER;
	k[2].type = VALUE_INT;
	k[2].value = value_of_int(7);
	snprintf(k[3].name, sizeof k[3].name, "sun.os.hrt.frequency");
	k[3].kind = MODEL_CONSTANT;
	k[3].type = VALUE_INT;
	k[3].value = value_of_int(1000000000);
	snprintf(k[4].name, sizeof k[4].name, "java.property.java.vm.name");
	k[4].kind = MODEL_CONSTANT;
	k[4].type = VALUE_TEXT;
	snprintf(k[4].text, sizeof k[4].text, "Open\"JDK\"\x1b[2J");
	/* sanitises to k[2]'s family, but a gauge: left out */
	snprintf(k[5].name, sizeof k[5].name, "sun.gc.collector.0/invocations_total");
	k[5].kind = MODEL_GAUGE;
	k[5].type = VALUE_UINT;
	k[5].value = 3;
	/* sanitises to k[2]'s family, a counter: its second sample */
	snprintf(k[6].name, sizeof k[6].name, "sun_gc_collector_0_invocations");
	k[6].kind = MODEL_COUNTER;
	k[6].type = VALUE_UINT;
	k[6].value = 9;
	snprintf(k[7].name, sizeof k[7].name, "x.inf{le=\"+Inf\"}");
	k[7].kind = MODEL_GAUGE;
	k[7].type = VALUE_REAL;
	k[7].value = value_of_real(-(double)INFINITY);
	struct content c = { .format = "hsperfdata", .ctr = k, .nctr = 8, .cap = 8, .named = true };
	const struct prom_object o = { &c, "/tmp/hsperfdata_a\"b/42" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(prom_write_object(f, &o), 0);
	fclose(f);
#define L "{path=\"/tmp/hsperfdata_a\\\"b/42\",counter="
	static const char want[] =
	    "# HELP shmtop_hsperfdata_acme_temp Temp \\\\\\\\ \"C\"\\\\nnow\n"
	    "# TYPE shmtop_hsperfdata_acme_temp gauge\n"
	    "shmtop_hsperfdata_acme_temp" L "\"acme.temp[rockets]\"} 21.5\n"
	    "shmtop_hsperfdata_acme_temp" L "\"acme.temp[anvils]\"} NaN\n"
	    "# HELP shmtop_hsperfdata_java_property_java_vm_name_info A text (in the value label; "
	    "its source name in the counter label).\n"
	    "# TYPE shmtop_hsperfdata_java_property_java_vm_name_info gauge\n"
	    "shmtop_hsperfdata_java_property_java_vm_name_info" L
	    "\"java.property.java.vm.name\",value=\"Open\\\"JDK\\\"\\\\x1b[2J\"} 1\n"
	    "# HELP shmtop_hsperfdata_sun_gc_collector_0_invocations_total A counter (its source "
	    "name in the counter label).\n"
	    "# TYPE shmtop_hsperfdata_sun_gc_collector_0_invocations_total counter\n"
	    "shmtop_hsperfdata_sun_gc_collector_0_invocations_total" L
	    "\"sun.gc.collector.0.invocations\"} 7\n"
	    "shmtop_hsperfdata_sun_gc_collector_0_invocations_total" L
	    "\"sun_gc_collector_0_invocations\"} 9\n"
	    "# shmtop: counter \"sun.gc.collector.0/invocations_total\" left out: "
	    "shmtop_hsperfdata_sun_gc_collector_0_invocations_total is a counter family\n"
	    "# HELP shmtop_hsperfdata_sun_os_hrt_frequency A constant (its source name in the "
	    "counter label).\n"
	    "# TYPE shmtop_hsperfdata_sun_os_hrt_frequency untyped\n"
	    "shmtop_hsperfdata_sun_os_hrt_frequency" L "\"sun.os.hrt.frequency\"} 1000000000\n"
	    "# HELP shmtop_hsperfdata_x_inf A gauge (its source name in the counter label).\n"
	    "# TYPE shmtop_hsperfdata_x_inf gauge\n"
	    "shmtop_hsperfdata_x_inf" L "\"x.inf{le=\\\"+Inf\\\"}\"} -Inf\n";
#undef L
	assert_string_equal(text, want);
	free(text);
	/* nothing decoded: nothing written */
	f = open_memstream(&text, &len);
	const struct prom_object none = { NULL, "/x" };
	assert_int_equal(prom_write_object(f, &none), 0);
	fclose(f);
	assert_string_equal(text, "");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),      cmocka_unit_test(test_counter_name),
		cmocka_unit_test(test_exposition),  cmocka_unit_test(test_writer_states),
		cmocka_unit_test(test_syntax),      cmocka_unit_test(test_counters),
		cmocka_unit_test(test_metric_name), cmocka_unit_test(test_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
