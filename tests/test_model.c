/* SPDX-License-Identifier: MIT */
/* The view model from what an object holds (content.h), IPC_STAT and
 * history, in each state. */
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <cmocka.h>

#include "control.h"
#include "decode.h"
#include "model.h"
#include "report.h"

#define S INT64_C(1000000000)

static struct content ct;           /* what the object holds: */
static struct model_counter ctr[3]; /* its counters (ct.ctr) */
static struct ipcstat st;
static struct shmtop_sample hist[5];

/* The history of the selected counter: n samples of h. */
static void use_hist(const struct shmtop_sample *h, size_t n)
{
	memcpy(ct.hist, h, n * sizeof *h);
	ct.nhist = n;
}
static struct model_input in;
static struct view_model m;

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	/* a version 2 record: one counter, "count", and its writer */
	memset(&ct, 0, sizeof ct);
	memset(ctr, 0, sizeof ctr);
	ct.ctr = ctr;
	ct.cap = ct.nctr = 1;
	snprintf(ctr[0].name, sizeof ctr[0].name, "count");
	ctr[0].value = 1234;
	ctr[0].changed_mono_ns = 100 * S;
	ct.status.known = true;
	ct.status.state = SHMTOP_STATE_RUNNING;
	ct.status.pid = 4242;
	ct.status.period_ns = S;
	ct.status.beat_ns = 100 * S;
	ct.status.resets = 2;
	ct.status.accept = SHMTOP_CMD_ALL_BITS;
	memset(&st, 0, sizeof st);
	st.shmid = 77;
	st.key = 0x2537;
	st.size = 16640;
	st.mode = 0640;
	st.cpid = 4242;
	st.lpid = 4243;
	st.nattch = 3;
	st.ctime = 1700000000;
	for (int i = 0; i < 5; i++)
		hist[i] = (struct shmtop_sample){ 1230 + (uint64_t)i, (96 + i) * S };
	memset(&in, 0, sizeof in);
	in.key = 0x2537;
	in.state = MODEL_LIVE;
	in.content = &ct;
	in.stat = &st;
	in.owner = "alice:staff";
	in.creator = "root:root";
	use_hist(hist, 5);
	in.writer_alive = true;
	in.writer_comm = "shmwriter";
	in.control_ok = true;
	in.now_mono = 100 * S + S / 2;
	in.utf8 = true;
	in.spark_width = 10;
	in.delay_tenths = 5;
	return 0;
}

static const char *field(const char *label)
{
	for (size_t i = 0; i < m.nfields; i++)
		if (strcmp(m.fields[i].label, label) == 0)
			return m.fields[i].value;
	return NULL;
}

static void test_live(void **state)
{
	(void)state;
	model_build(&m, &in);
	assert_int_equal(m.health, HEALTH_RUNNING);
	assert_string_equal(m.badge, "RUNNING");
	assert_int_equal(m.tone, TONE_GOOD);
	assert_string_equal(m.title, "shmtop  key 0x00002537  shmid 77");
	assert_true(m.have_value);
	assert_string_equal(m.value, "1234");
	assert_string_equal(m.details, "rate 1.00/s  changed <1s ago  resets 2");
	assert_true(m.rate == 1.0);
	assert_int_equal(m.age_ns, S / 2);
	assert_string_equal(m.message, "");
	assert_non_null(strstr(m.writer, "pid 4242 (shmwriter) alive, running, every 1 s"));
	assert_true(m.control_ok);
	assert_string_equal(m.control, "controls: p pause, r reset");
	assert_int_equal(m.nfields, MODEL_FIELDS);
	assert_string_equal(m.fields[0].label, "key"); /* most important first */
	assert_string_equal(field("key"), "0x00002537");
	assert_string_equal(field("shmid"), "77");
	assert_string_equal(field("size"), "16640 (16.3K)");
	assert_string_equal(field("perms"), "rw-r----- 0640");
	assert_string_equal(field("nattch"), "3");
	assert_string_equal(field("cpid"), "4242");
	assert_string_equal(field("lpid"), "4243");
	assert_string_equal(field("owner"), "alice:staff");
	assert_string_equal(field("creator"), "root:root");
	assert_string_equal(field("status"), "-");
	assert_string_equal(field("atime"), "Not set");
	assert_string_equal(field("ctime"), "Tue Nov 14 22:13:20 2023");
	assert_string_equal(m.spark, "     ▁▃▅▆█");
	assert_string_equal(m.spark_title, "history: value  min 1230  max 1234");
	assert_non_null(strstr(m.footer, "p pause"));
	assert_non_null(strstr(m.footer, "delay 0.5s"));
}

static void test_health(void **state)
{
	(void)state;
	ct.status.state = SHMTOP_STATE_PAUSED;
	model_build(&m, &in);
	assert_string_equal(m.badge, "PAUSED");
	assert_string_equal(m.control, "controls: p resume, r reset");
	assert_non_null(strstr(m.footer, "p resume"));
	assert_true(m.rate == 0.0); /* not counting */

	ct.status.state = SHMTOP_STATE_RUNNING;
	in.now_mono = ct.status.beat_ns + MODEL_STALL_NS + 1;
	model_build(&m, &in);
	assert_string_equal(m.badge, "STALLED");
	assert_int_equal(m.tone, TONE_WARN);

	in.writer_alive = false;
	model_build(&m, &in);
	assert_string_equal(m.badge, "DEAD");
	assert_int_equal(m.tone, TONE_BAD);
	assert_string_equal(m.value, "1234"); /* the last value stays */
	assert_false(m.control_ok);
	assert_string_equal(m.control, "controls disabled: no writer running");

	ct.status.state = SHMTOP_STATE_STOPPED;
	model_build(&m, &in);
	assert_string_equal(m.badge, "STOPPED");
	assert_non_null(strstr(m.writer, "exited, stopped"));
}

/* A version 3 publisher beats once a period: at -i 5 a beat 3.5 s old is
 * on time, one 7.1 s old (two seconds past the period) is stalled. */
static void test_stall_by_period(void **state)
{
	(void)state;
	ct.status.period_ns = ct.status.beat_gap_ns = 5 * S;
	in.now_mono = ct.status.beat_ns + 3 * S + S / 2;
	model_build(&m, &in);
	assert_string_equal(m.badge, "RUNNING");
	assert_int_equal(m.health, HEALTH_RUNNING);
	in.now_mono = ct.status.beat_ns + 7 * S + S / 10;
	model_build(&m, &in);
	assert_string_equal(m.badge, "STALLED");
	assert_non_null(strstr(m.writer, "beat 7s ago"));
	ct.status.period_ns = ct.status.beat_gap_ns = 10 * S; /* the same beat at -i 10 */
	model_build(&m, &in);
	assert_string_equal(m.badge, "RUNNING");
}

static void test_controls_disabled(void **state)
{
	(void)state;
	in.control_ok = false;
	in.control_why = "control segment mode 0600 (uid 0): you may view, not control";
	model_build(&m, &in);
	assert_false(m.control_ok);
	assert_string_equal(m.control, "controls disabled: control segment mode 0600 (uid 0): "
				       "you may view, not control");
}

static void test_states(void **state)
{
	(void)state;
	in.content = NULL;
	in.stat = NULL;
	ct.nhist = 0;
	in.state = MODEL_WAITING;
	model_build(&m, &in);
	assert_string_equal(m.badge, "WAITING");
	assert_false(m.have_value);
	assert_string_equal(m.message,
			    "no segment with key 0x00002537 - waiting for shmwriter to create it");
	assert_int_equal(m.nfields, 0);
	assert_string_equal(m.writer, "writer: none");
	assert_string_equal(m.control, "");
	in.by_shmid = true; /* -i SHMID: no key to wait for */
	in.shmid = 4242;
	model_build(&m, &in);
	assert_string_equal(m.title, "shmtop  shmid 4242");
	assert_string_equal(m.message, "no segment with shmid 4242");
	in.state = MODEL_REMOVED;
	model_build(&m, &in);
	assert_string_equal(m.message, "segment shmid 4242 was removed");
	in.by_shmid = false;

	in.state = MODEL_FOREIGN;
	in.why = "segment is 1024 bytes, a shmtop record needs 16640";
	in.stat = &st;
	model_build(&m, &in);
	assert_string_equal(m.badge, "FOREIGN");
	assert_int_equal(m.tone, TONE_BAD);
	assert_non_null(strstr(m.message, "shmwriter did not make: segment is 1024 bytes"));
	assert_int_equal(m.nfields, MODEL_FIELDS); /* the kernel's view still shown */

	in.state = MODEL_REMOVED;
	in.removed_shmid = 77;
	in.content = &ct;
	st.dest = true;
	st.key = 0;
	model_build(&m, &in);
	assert_string_equal(m.badge, "REMOVED");
	assert_string_equal(m.message, "segment shmid 77 was removed - waiting for a new "
				       "segment with key 0x00002537");
	assert_string_equal(field("status"), "dest");
	assert_string_equal(field("key"), "0x00000000");

	in.state = MODEL_DENIED;
	in.why = "";
	model_build(&m, &in);
	assert_string_equal(m.badge, "NO ACCESS");
	assert_string_equal(m.message, "permission denied for key 0x00002537");
}

static void test_rate_mode_and_notice(void **state)
{
	(void)state;
	in.spark_mode = SPARK_RATE;
	in.utf8 = false;
	in.notice = "reset acknowledged";
	in.spark_width = 600; /* clamped to MODEL_SPARK_MAX */
	model_build(&m, &in);
	assert_string_equal(m.spark_title, "history: rate  min 1.00/s  max 1.00/s");
	assert_int_equal(strlen(m.spark), MODEL_SPARK_MAX);
	assert_string_equal(m.spark + MODEL_SPARK_MAX - 4, "____");
	assert_string_equal(m.notice, "reset acknowledged");
	assert_non_null(strstr(m.footer, "d value"));
	ct.nhist = 0;
	model_build(&m, &in);
	assert_string_equal(m.spark_title, "history: rate  (no samples)");
}

static void test_reports(void **state)
{
	(void)state;
	char out[4096];
	st.dest = true;
	model_build(&m, &in);
	size_t n = report_json(&m, &in, out, sizeof out);
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, "{\"key\":\"0x00002537\",\"id\":77,\"owner\":\"root\","
				    "\"perms\":\"rw-r-----\",\"mode\":\"0640\",\"cuid\":0,"));
	assert_non_null(strstr(out,
			       "\"size\":16640,\"nattch\":3,\"status\":\"dest\","
			       "\"attach\":null,\"detach\":null,\"cpid\":4242,\"lpid\":4243,"));
	assert_non_null(strstr(out,
			       "\"state\":\"running\",\"message\":null,\"count\":1234,"
			       "\"resets\":2,\"writer_pid\":4242,\"writer_command\":\"shmwriter\","
			       "\"writer_alive\":true,\"age\":0.500,\"rate\":1.000,"
			       "\"writer_proc_state\":null,\"busy\":false,\"viewer_pid\":0,"
			       "\"viewer_attached\":false,\"attached_total\":null,"
			       "\"attached_unreadable\":null,\"attached\":null}\n"));
	n = report_text(&m, out, sizeof out);
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, "shmtop  key 0x00002537  shmid 77 - RUNNING\n"));
	assert_non_null(strstr(out, "count 1234  rate 1.00/s"));
	assert_non_null(strstr(out, "\nshmid    77\n"));
	/* Truncation: terminated, and the needed length returned. */
	char tiny[16];
	assert_int_equal(report_text(&m, tiny, sizeof tiny), n);
	assert_int_equal(strlen(tiny), sizeof tiny - 1);

	in.content = NULL;
	in.stat = NULL;
	in.state = MODEL_WAITING;
	in.writer_comm = "a\"b\\c\n";
	model_build(&m, &in);
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"id\":null,"));
	assert_non_null(strstr(out, "\"state\":\"waiting\",\"message\":\"no segment with key "));
	assert_non_null(strstr(out, "\"count\":null,"));
	in.content = &ct;
	model_build(&m, &in);
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"writer_command\":\"a\\\"b\\\\c\\u000a\""));
}

/* The footer offers p and r only where they work, c and d only with a
 * history. */
static void footer_has(bool control, bool history)
{
	model_build(&m, &in);
	assert_int_equal(
	    strstr(m.footer, "p pause") != NULL || strstr(m.footer, "p resume") != NULL, control);
	assert_int_equal(strstr(m.footer, "r reset") != NULL, control);
	assert_int_equal(strstr(m.footer, "c clear") != NULL, history);
	assert_int_equal(strstr(m.footer, "d rate") != NULL, history);
	assert_non_null(strstr(m.footer, "? help  q quit"));
}

static void test_footer(void **state)
{
	(void)state;
	footer_has(true, true);
	assert_string_equal(m.footer, "p pause  r reset  c clear  d rate  a rescan  "
				      "+/- delay 0.5s  ? help  q quit");
	ct.status.state = SHMTOP_STATE_PAUSED;
	footer_has(true, true);
	assert_non_null(strstr(m.footer, "p resume  r reset"));
	ct.status.state = SHMTOP_STATE_RUNNING;
	in.control_ok = false; /* view-only, or a control segment that proves nothing */
	in.control_why = "you may view, not control";
	footer_has(false, true);
	in.control_ok = true;
	in.writer_alive = false; /* dead: nobody to command */
	footer_has(false, true);
	in.writer_alive = true;
	ct.status.state = SHMTOP_STATE_STOPPED;
	footer_has(false, true);
	ct.status.state = SHMTOP_STATE_RUNNING;
	const enum model_state none[] = { MODEL_FOREIGN, MODEL_DAMAGED, MODEL_DENIED, MODEL_WAITING,
					  MODEL_ERROR };
	in.content = NULL;
	ct.nhist = 0;
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		in.state = none[i];
		footer_has(false, false);
	}
}

/* Numbers at the top of the range fit their fields, units kept. */
static void test_extreme_numbers(void **state)
{
	(void)state;
	ctr[0].value = UINT64_MAX;
	ct.status.resets = UINT64_MAX;
	hist[3] = (struct shmtop_sample){ 0, 99 * S };
	hist[4] = (struct shmtop_sample){ UINT64_MAX, 99 * S + 1 }; /* UINT64_MAX in 1 ns */
	ctr[0].changed_mono_ns = hist[4].mono_ns;
	use_hist(hist, 5);
	model_build(&m, &in);
	assert_string_equal(m.value, "18446744073709551615");
	assert_string_equal(m.details,
			    "rate 1.84e+28/s  changed 1s ago  resets 18446744073709551615");
	assert_string_equal(m.spark_title, "history: value  min 0  max 18.4E");
	model_graph(&m, &in, 40, 6, NULL);
	assert_non_null(strstr(m.graph_title, "history: value  min 0  max 18.4E"));
	assert_true(strlen(m.graph_top) <= GRAPH_LABEL_W);
	in.spark_mode = SPARK_RATE;
	model_build(&m, &in);
	assert_string_equal(m.spark_title, "history: rate  min 0/s  max 1.84e+28/s");
	char text[2048];
	assert_true(report_text(&m, text, sizeof text) < sizeof text);
	assert_non_null(strstr(text, "rate 1.84e+28/s "));
}

/* The viewer's own attach: lpid, nattch and its line of the attached
 * processes say it is this viewer; nattch stays the kernel's count. */
static struct attached att;

static void two_attached(void)
{
	memset(&att, 0, sizeof att);
	att.n = att.total = 2;
	att.maps = 2;
	att.procs[0] = (struct attached_proc){ .pid = 4242,
					       .uid = 0,
					       .user = "root",
					       .command = "shmwriter -k 0x2537",
					       .maps = 1,
					       .writable = true };
	att.procs[1] = (struct attached_proc){
		.pid = 4243, .uid = 1000, .user = "alice", .command = "shmtop -k 0x2537", .maps = 1
	};
	st.nattch = 2;
	in.att = &att;
}

/* The processes blocked on a futex in the segment, first in the attached
 * panel, counted in its title; none before a scan found them. */
static void test_segment_waiters(void **state)
{
	(void)state;
	two_attached();
	in.self_pid = 999;
	struct objlist_wait w[2] = {
		{ .pid = 4242,
		  .uid = 0,
		  .comm = "shmwriter",
		  .op = OBJLIST_WAIT_FUTEX,
		  .offset = 8,
		  .since_ns = INT64_C(1700000000000000000) },
		{ .pid = 4300,
		  .uid = 0,
		  .comm = "evil\x1b[2J",
		  .op = OBJLIST_WAIT_FUTEX,
		  .offset = 4096 },
	};
	in.waits = w;
	in.nwaits = 2;
	in.now_wall_ns = INT64_C(1700000003000000000);
	model_build(&m, &in); /* not scanned: not shown */
	assert_string_equal(m.procs_title, "attached: 2 processes, nattch 2");
	assert_int_equal(m.nprocs, 2);
	in.waits_scanned = true;
	model_build(&m, &in);
	assert_string_equal(m.procs_title,
			    "attached: 2 processes, nattch 2, 2 waiting on a futex in it");
	assert_int_equal(m.nprocs, 4);
	assert_int_equal(m.procs_more, 0);
	assert_string_equal(m.procs[0],
			    "   4242 root       waits shmwriter: a futex at offset 8, 3s or more");
	assert_string_equal(m.procs[1],
			    "   4300 root       waits evil\\x1b[2J: a futex at offset 4096");
	assert_string_equal(m.procs[2], "   4242 root       rw    shmwriter -k 0x2537");
	assert_string_equal(m.procs[3], "   4243 alice      ro    shmtop -k 0x2537");
	in.waits_scanned = false;
	in.waits = NULL;
	in.nwaits = 0;
}

static void test_own_attach(void **state)
{
	(void)state;
	two_attached();
	/* not this viewer's: nothing marked */
	in.self_pid = 999;
	in.self_attached = false;
	model_build(&m, &in);
	assert_string_equal(field("lpid"), "4243");
	assert_string_equal(field("nattch"), "2");
	assert_string_equal(m.procs_title, "attached: 2 processes, nattch 2");
	assert_string_equal(m.procs[1], "   4243 alice      ro    shmtop -k 0x2537");

	in.self_pid = 4243;
	in.self_attached = true;
	model_build(&m, &in);
	assert_string_equal(field("lpid"), "4243 (this viewer)");
	assert_string_equal(field("nattch"), "2 (1 is this viewer)");
	assert_string_equal(m.procs_title, "attached: 2 processes, nattch 2 (1 is this viewer)");
	assert_string_equal(m.procs[0], "   4242 root       rw    shmwriter -k 0x2537");
	assert_string_equal(m.procs[1], "   4243 alice      ro    (this viewer) shmtop -k 0x2537");

	/* the writer attached last: lpid is its, the viewer still one of nattch */
	st.lpid = 4242;
	model_build(&m, &in);
	assert_string_equal(field("lpid"), "4242");
	assert_string_equal(field("nattch"), "2 (1 is this viewer)");

	/* a count that disagrees keeps its warning, and the mark */
	st.nattch = 3;
	model_build(&m, &in);
	assert_true(m.procs_warn);
	assert_string_equal(m.procs_title,
			    "attached: 2 processes found, nattch 3 (1 is this viewer) - 1 not "
			    "visible (hidepid, another pid namespace or no permission)");

	/* detached (denied, removed): lpid may still be this viewer's, but it
	 * is none of nattch */
	st.nattch = 1;
	st.lpid = 4243;
	in.self_attached = false;
	in.att = NULL;
	model_build(&m, &in);
	assert_string_equal(field("lpid"), "4243 (this viewer)");
	assert_string_equal(field("nattch"), "1");

	/* no pid known: never marks pid 0 */
	st.lpid = 0;
	in.self_pid = 0;
	model_build(&m, &in);
	assert_string_equal(field("lpid"), "0");
}

/* The JSON snapshot lists the attached processes as the screen does. */
static void test_json_attached(void **state)
{
	(void)state;
	char out[4096];
	two_attached();
	in.self_pid = 4243;
	in.self_attached = true;
	snprintf(att.procs[0].command, sizeof att.procs[0].command, "a\"b\n\xff");
	att.procs[0].maps = 2;
	att.unreadable = 3;
	model_build(&m, &in);
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"nattch\":2,"));
	assert_non_null(
	    strstr(out, ",\"viewer_pid\":4243,\"viewer_attached\":true,\"attached_total\":2,"
			"\"attached_unreadable\":3,\"attached\":["
			"{\"pid\":4242,\"uid\":0,\"user\":\"root\",\"map\":\"rw\",\"maps\":2,"
			"\"command\":\"a\\\"b\\u000a\xef\xbf\xbd\",\"viewer\":false},"
			"{\"pid\":4243,\"uid\":1000,\"user\":\"alice\",\"map\":\"ro\",\"maps\":1,"
			"\"command\":\"shmtop -k 0x2537\",\"viewer\":true}]}\n"));

	/* not scanned: null, not an empty list */
	in.att = NULL;
	in.self_attached = false;
	model_build(&m, &in);
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, ",\"viewer_pid\":4243,\"viewer_attached\":false,"
				    "\"attached_total\":null,\"attached_unreadable\":null,"
				    "\"attached\":null}\n"));

	/* no processes found: an empty list */
	memset(&att, 0, sizeof att);
	in.att = &att;
	model_build(&m, &in);
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"attached_total\":0,\"attached_unreadable\":0,"
				    "\"attached\":[]}\n"));
}

/* ---- Version 3 records: named counters ---- */

/* Three counters: c00 (1 a second), c01 (2 a second), a gauge; the second
 * selected, as a version 3 decoder hands it over (hist the selected's). */
static void three_counters(size_t sel)
{
	memset(ctr, 0, sizeof ctr);
	const char *names[] = { "c00", "c01", "level" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(ctr[i].name, sizeof ctr[i].name, "%s", names[i]);
		snprintf(ctr[i].unit, sizeof ctr[i].unit, "%s", i < 2 ? "req" : "");
		ctr[i].kind = i == 2 ? MODEL_GAUGE : MODEL_COUNTER;
		ctr[i].nspark = 5;
		for (size_t k = 0; k < 5; k++)
			ctr[i].spark[k] =
			    (struct shmtop_sample){ (i == 2 ? 50 : (i + 1) * 10 + (i + 1) * k),
						    (int64_t)(96 + k) * S };
		ctr[i].value = ctr[i].spark[4].value;
		ctr[i].changed_wall_ns = 1700000000 * S + 250 * (S / 1000);
		ctr[i].changed_mono_ns = 100 * S;
	}
	ct.named = true;
	ct.cap = ct.nctr = 3;
	ct.selected = sel;
	ct.status.accept = SHMTOP_CMD_ALL_BITS;
	use_hist(ctr[sel].spark, ctr[sel].nspark);
}

/* Counters of other formats' types: a signed count that falls below 0, a
 * double gauge, a text constant with a terminal control, a double that is
 * not a number.  The heading, the table, --json and the graph read each
 * as its type. */
static void test_typed_counters(void **state)
{
	(void)state;
	three_counters(0);
	ctr[0].type = VALUE_INT;
	for (size_t k = 0; k < 5; k++) /* 3, 1, -1, -3, -5: falling by 2 a second */
		ctr[0].spark[k].value = value_of_int(3 - 2 * (int64_t)k);
	ctr[0].value = ctr[0].spark[4].value;
	ctr[1].type = VALUE_REAL;
	ctr[1].kind = MODEL_GAUGE;
	for (size_t k = 0; k < 5; k++)
		ctr[1].spark[k].value = value_of_real(0.25 * (double)k);
	ctr[1].value = ctr[1].spark[4].value;
	ctr[2].type = VALUE_TEXT;
	ctr[2].kind = MODEL_CONSTANT;
	ctr[2].nspark = 0;
	ctr[2].value = 0;
	snprintf(ctr[2].text, sizeof ctr[2].text, "17.0.9\x1b[2J");
	snprintf(ctr[2].help, sizeof ctr[2].help, "the JVM's version");
	use_hist(ctr[0].spark, ctr[0].nspark);
	model_build(&m, &in);
	assert_string_equal(m.value, "-5");
	assert_false(m.value_text);
	assert_non_null(strstr(m.details, "rate 0/s")); /* a fall is no rise */
	model_table(&m, &in, 80, 10);
	assert_non_null(strstr(m.table[0], " -5 "));
	assert_non_null(strstr(m.table[1], " 1 "));
	assert_string_equal(m.table[1] + strlen(m.table[1]) - 2, " -"); /* a gauge: no rate */
	assert_non_null(strstr(m.table[2], "17.0.9\\x1b[2J"));          /* escaped, never sent */
	assert_null(strchr(m.table[2], '\x1b'));

	char out[4096];
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"count\":-5,"));
	assert_non_null(
	    strstr(out, "\"name\":\"c01\",\"kind\":\"gauge\",\"unit\":\"req\",\"value\":1,"));
	assert_non_null(strstr(out,
			       "\"kind\":\"constant\",\"unit\":\"\",\"value\":\"17.0.9\\u001b[2J\","
			       "\"help\":\"the JVM's version\""));
	ctr[1].value = value_of_real((double)NAN);
	report_json(&m, &in, out, sizeof out);
	assert_non_null(strstr(out, "\"value\":null,"));

	/* the selected text: shown as text, not big digits; a double's digits
	 * and point are */
	ct.selected = 2;
	use_hist(ctr[2].spark, 0);
	model_build(&m, &in);
	assert_true(m.value_text);
	assert_string_equal(m.value, "17.0.9\\x1b[2J");
	ct.selected = 1;
	ctr[1].value = value_of_real(0.75);
	use_hist(ctr[1].spark, ctr[1].nspark);
	model_build(&m, &in);
	assert_string_equal(m.value, "0.75");
	model_graph(&m, &in, 40, 4, NULL);
	assert_int_equal(m.graph.plotted, 5);
	assert_true(m.graph.lo == 0.0 && m.graph.hi == 1.0);
}

static void test_counters_table(void **state)
{
	(void)state;
	three_counters(1);
	model_build(&m, &in);
	assert_int_equal(m.ncounters, 3);
	assert_string_equal(m.value, "28"); /* the selected counter's */
	assert_string_equal(m.selected, "c01");
	assert_string_equal(m.details, "c01  rate 2.00/s  changed <1s ago  resets 2");
	assert_non_null(strstr(m.footer, "j/k select"));
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 3);
	assert_int_equal(m.table_first, 0);
	assert_int_equal(m.table_sel, 1);
	assert_string_equal(m.table_title, "counters: 3  selected 2/3");
	assert_non_null(strstr(m.table_head, "NAME"));
	assert_non_null(strstr(m.table_head, "VALUE"));
	assert_non_null(strstr(m.table_head, "RATE"));
	assert_non_null(strstr(m.table_head, "UNIT"));
	assert_int_equal(strncmp(m.table[0], "  c00 ", 6), 0);
	assert_int_equal(strncmp(m.table[1], "> c01 ", 6), 0); /* the selection marked */
	assert_non_null(strstr(m.table[0], " 14 "));
	assert_non_null(strstr(m.table[0], "1.00/s"));
	assert_non_null(strstr(m.table[1], " 28 "));
	assert_non_null(strstr(m.table[1], "2.00/s"));
	assert_non_null(strstr(m.table[2], " 50 "));                    /* a gauge: no rate */
	assert_string_equal(m.table[2] + strlen(m.table[2]) - 2, " -"); /* the row ends with it */
	/* every row as wide as the heads: the columns line up */
	char *v0 = strstr(m.table[0], " 14 "), *v1 = strstr(m.table[1], " 28 ");
	assert_int_equal(v0 - m.table[0], v1 - m.table[1]);

	/* a click on a row: the step from the selection to it */
	assert_int_equal(model_table_click(&m, 0), -1);
	assert_int_equal(model_table_click(&m, 1), 0);
	assert_int_equal(model_table_click(&m, 2), 1);
	assert_int_equal(model_table_click(&m, 3), 0); /* below the rows */
	assert_int_equal(model_table_click(&m, -1), 0);

	/* a window of 2 rows keeps the selection in view */
	ct.selected = 2;
	model_build(&m, &in);
	model_table(&m, &in, 80, 4);
	assert_int_equal(m.table_rows, 2);
	assert_int_equal(m.table_first, 1);
	assert_int_equal(m.table_sel, 1);
	assert_int_equal(strncmp(m.table[1], "> level", 7), 0);
	assert_int_equal(model_table_click(&m, 0), -1); /* c01, on the window's first row */
	assert_int_equal(model_table_click(&m, 2), 0);
	/* the graph's title names the counter it is of */
	model_graph(&m, &in, 40, 4, NULL);
	assert_int_equal(strncmp(m.graph_title, "history of level: value", 23), 0);
}

/* The rate of c00 (1 a second) as the heading, its table row, -b and
 * --json (the top-level rate, the selected counter's, and counters[].rate)
 * show it: want on screen, json in JSON. */
static void expect_rate(const char *want, const char *json)
{
	char buf[8192], row[64], key[64];
	model_build(&m, &in);
	model_table(&m, &in, 80, 10);
	snprintf(row, sizeof row, "rate %s  changed", want);
	if (!strstr(m.details, row))
		fail_msg("heading '%s', not %s", m.details, row);
	snprintf(row, sizeof row, " %s", want); /* the row ends with its rate */
	size_t tl = strlen(m.table[0]), rl = strlen(row);
	if (tl < rl || strcmp(m.table[0] + tl - rl, row) != 0)
		fail_msg("table row '%s', not %s", m.table[0], row);
	snprintf(row, sizeof row, " %s\n", want);
	report_text(&m, buf, sizeof buf);
	if (!strstr(buf, row))
		fail_msg("-b '%s', no %s", buf, row);
	report_json(&m, &in, buf, sizeof buf);
	snprintf(key, sizeof key, "\"rate\":%s,", json);
	if (!strstr(buf, key))
		fail_msg("--json '%s', no top-level %s", buf, key);
	snprintf(key, sizeof key, "\"rate\":%s},{\"name\":\"c01\"", json);
	if (!strstr(buf, key))
		fail_msg("--json '%s', no counters[0] %s", buf, key);
}

/* One rate for every output: the change over the recent window while
 * running, 0 once the values stop, none without a recent sample. */
static void test_one_rate(void **state)
{
	(void)state;
	three_counters(0);
	ct.status.beat_gap_ns = ct.status.period_ns; /* a version 3 publisher */
	expect_rate("1.00/s", "1.000");
	ct.status.state = SHMTOP_STATE_PAUSED;
	expect_rate("0/s", "0.000");
	ct.status.state = SHMTOP_STATE_STOPPED;
	expect_rate("0/s", "0.000");
	ct.status.state = SHMTOP_STATE_RUNNING;
	in.writer_alive = false; /* dead */
	expect_rate("0/s", "0.000");
	in.writer_alive = true;
	in.now_mono = ct.status.beat_ns + model_stall_ns(&ct.status) + 1;
	expect_rate("0/s", "0.000");
	/* running, beating, but the samples are a minute old: none recent */
	in.now_mono = ct.status.beat_ns = 160 * S;
	expect_rate("-", "null");
	/* one sample in the window: no change to measure */
	in.now_mono = ct.status.beat_ns = 100 * S + S / 2;
	for (size_t i = 0; i < 2; i++) {
		ctr[i].spark[0] = ctr[i].spark[4];
		ctr[i].nspark = 1;
	}
	ct.nhist = 1;
	expect_rate("-", "null");
}

/* The cells text takes on a terminal (wcswidth in a UTF-8 locale). */
static int cells(const char *text, size_t bytes)
{
	wchar_t w[MODEL_TABLE_COLS];
	char b[MODEL_TABLE_COLS];
	snprintf(b, sizeof b, "%.*s", (int)bytes, text);
	size_t n = mbstowcs(w, b, MODEL_TABLE_COLS);
	assert_true(n != (size_t)-1);
	return wcswidth(w, n);
}

/* Hostile names keep the columns: escaped, padded by cells. */
static void test_counters_hostile(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		print_message("no C.UTF-8 locale: hostile names not checked\n");
		return;
	}
	three_counters(0);
	snprintf(ctr[0].name, sizeof ctr[0].name, "wide-名前-カウンター");
	snprintf(ctr[1].name, sizeof ctr[1].name, "back\\slash");
	model_build(&m, &in);
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 3);
	assert_non_null(strstr(m.table[0], "wide-名前-カウンター"));
	assert_non_null(strstr(m.table[1], "back\\\\slash"));
	/* the same name the same in the table and the details line (selected) */
	assert_int_equal(
	    strncmp(m.details, "wide-名前-カウンター  ", strlen("wide-名前-カウンター  ")), 0);
	assert_string_equal(m.selected, "wide-名前-カウンター");
	/* a bidirectional control by code point everywhere */
	snprintf(ctr[0].name, sizeof ctr[0].name, "rtl-\u202e-x");
	model_build(&m, &in);
	model_table(&m, &in, 80, 10);
	assert_non_null(strstr(m.table[0], "rtl-\\u202e-x"));
	assert_int_equal(strncmp(m.details, "rtl-\\u202e-x  ", 14), 0);
	assert_null(strstr(m.details, "\u202e"));
	assert_null(strstr(m.table[0], "\u202e"));
	/* the VALUE column ends in the same cell on every row, and every row
	 * takes as many cells */
	int end[3];
	for (int i = 0; i < 3; i++) {
		char v[24];
		snprintf(v, sizeof v, " %" PRIu64 " ", ctr[i].value);
		char *at = strstr(m.table[i], v);
		assert_non_null(at);
		end[i] = cells(m.table[i], (size_t)(at - m.table[i]) + strlen(v) - 1);
	}
	assert_int_equal(end[0], end[1]);
	assert_int_equal(end[1], end[2]);
	assert_int_equal(cells(m.table[0], strlen(m.table[0])),
			 cells(m.table[1], strlen(m.table[1])));
	setlocale(LC_CTYPE, "C");
}

/* The selected counter's help text, escaped (a terminal control shown
 * as text), as long as a help can be; none without one. */
static void test_counter_help(void **state)
{
	(void)state;
	three_counters(1);
	snprintf(ctr[1].help, sizeof ctr[1].help, "requests served\x1b[2J");
	model_build(&m, &in);
	assert_string_equal(m.help, "requests served\\x1b[2J");
	memset(ctr[1].help, 'h', sizeof ctr[1].help - 1);
	model_build(&m, &in);
	assert_int_equal(strlen(m.help), sizeof ctr[1].help - 1);
	three_counters(0);
	model_build(&m, &in);
	assert_string_equal(m.help, "");
}

/* One counter of a format other than libshmtop's record (a prometheus
 * folder of one sample) keeps its name beside its value; a record of one
 * (shmwriter's count) shows as the classic dashboard, without it. */
static void test_one_named_counter(void **state)
{
	(void)state;
	three_counters(0);
	ct.nctr = 1;
	ct.dec = &decode_promdir;
	model_build(&m, &in);
	assert_non_null(strstr(m.details, "c00  rate"));
	ct.dec = &decode_v3;
	model_build(&m, &in);
	assert_null(strstr(m.details, "c00"));
	ct.dec = NULL;
	ct.nctr = 3;
}

/* The counters table narrowed by a filter: the names holding it in any
 * case, "N of M" and the selection among those shown, j/k's steps over
 * the others, a click's step to the counter on its row. */
static void test_counter_filter(void **state)
{
	(void)state;
	three_counters(0);
	snprintf(ctr[0].name, sizeof ctr[0].name, "sun.gc.count");
	snprintf(ctr[1].name, sizeof ctr[1].name, "threads");
	snprintf(ctr[2].name, sizeof ctr[2].name, "GC.pause");
	in.filter = "gc";
	model_build(&m, &in);
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 2);
	assert_non_null(strstr(m.table[0], "sun.gc.count"));
	assert_non_null(strstr(m.table[1], "GC.pause"));
	assert_string_equal(m.table_title, "counters: 2 of 3  filter \"gc\"  selected 1/2");
	assert_int_equal(m.table_sel, 0);
	assert_int_equal(model_table_click(&m, 1), 2); /* GC.pause, counter 2 */
	/* j/k over the counters not shown, clamped to the shown ones */
	assert_int_equal(model_shown_step(&ct, "gc", 1), 2);
	assert_int_equal(model_shown_step(&ct, "gc", 5), 2);
	assert_int_equal(model_shown_step(&ct, "gc", -1), 0);
	assert_int_equal(model_shown_step(&ct, NULL, 1), 1);
	ct.selected = 2;
	assert_int_equal(model_shown_step(&ct, "gc", -1), -2);
	assert_int_equal(model_shown_step(&ct, "GC", 0), 0);
	/* a selection the filter hides: none marked, the first shown is the way */
	assert_int_equal(model_shown_step(&ct, "thr", 0), -1);
	in.filter = "THR";
	model_build(&m, &in);
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 1);
	assert_int_equal(m.table_sel, -1);
	assert_string_equal(m.table_title, "counters: 1 of 3  filter \"THR\"  selected -");
	/* none shown; a hostile filter shown escaped */
	in.filter = "zz\x1b";
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 0);
	assert_string_equal(m.table_title, "counters: 0 of 3  filter \"zz\\x1b\"  selected -");
	assert_int_equal(model_shown_step(&ct, "zz", 1), 0);
	in.filter = "";
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 3);
	assert_string_equal(m.table_title, "counters: 3  selected 3/3");
	assert_non_null(strstr(m.footer, "/ filter"));
}

/* One counter: the screen as for a version 2 record, no table. */
static void test_one_counter_unchanged(void **state)
{
	(void)state;
	static struct view_model v2;
	model_build(&v2, &in);
	three_counters(0);
	ct.nctr = 1;
	ctr[0].value = 1234;
	use_hist(hist, 5);
	model_build(&m, &in);
	assert_int_equal(model_table_want(&in), 0);
	model_table(&m, &in, 80, 10);
	assert_int_equal(m.table_rows, 0);
	assert_int_equal(m.ncounters, 0);
	assert_memory_equal(&m, &v2, sizeof m);
	ct.nctr = 3;
	assert_int_equal(model_table_want(&in), 5);
}

/* The keys of commands the program does not accept are not offered; what
 * it refuses is said. */
static void test_counters_accept(void **state)
{
	(void)state;
	three_counters(0);
	ct.status.accept = SHMTOP_CMD_PAUSE_BIT;
	model_build(&m, &in);
	assert_non_null(strstr(m.footer, "p pause"));
	assert_null(strstr(m.footer, "r reset"));
	assert_string_equal(m.control, "controls: p pause (the program refuses reset)");
	ct.status.accept = SHMTOP_CMD_RESET_BIT;
	model_build(&m, &in);
	assert_null(strstr(m.footer, "p pause"));
	assert_non_null(strstr(m.footer, "r reset"));
	ct.status.accept = 0;
	model_build(&m, &in);
	assert_null(strstr(m.footer, "p pause"));
	assert_null(strstr(m.footer, "r reset"));
	assert_string_equal(m.control, "controls: none (the program accepts no commands)");
	assert_string_equal(model_command_notice(SHMTOP_CMD_RESET, true),
			    "reset refused by the program");
	assert_string_equal(model_command_notice(SHMTOP_CMD_PAUSE, true),
			    "pause refused by the program");
	assert_string_equal(model_command_notice(SHMTOP_CMD_RESET, false),
			    "reset acknowledged: count restarted at 0");
}

/* --json: every counter by name, kind, unit, value, changed, rate. */
static void test_counters_json(void **state)
{
	(void)state;
	three_counters(0);
	snprintf(ctr[1].name, sizeof ctr[1].name, "q\"uote\\");
	model_build(&m, &in);
	char buf[8192];
	size_t n = report_json(&m, &in, buf, sizeof buf);
	assert_true(n < sizeof buf);
	assert_non_null(strstr(buf, ",\"counters\":[{\"name\":\"c00\",\"kind\":\"counter\","
				    "\"unit\":\"req\",\"value\":14,\"changed\":1700000000.250,"
				    "\"rate\":1.000},"));
	assert_non_null(strstr(buf, "{\"name\":\"q\\\"uote\\\\\",\"kind\":\"counter\""));
	assert_non_null(strstr(buf, "{\"name\":\"level\",\"kind\":\"gauge\",\"unit\":\"\","
				    "\"value\":50,\"changed\":1700000000.250,\"rate\":null}]}\n"));
	/* a version 2 record has no counters array */
	ct.named = false;
	model_build(&m, &in);
	report_json(&m, &in, buf, sizeof buf);
	assert_null(strstr(buf, "counters"));
	/* batch text lists the table */
	ct.named = true;
	model_build(&m, &in);
	report_text(&m, buf, sizeof buf);
	assert_non_null(strstr(buf, "counters: 3  selected 1/3\n"));
	assert_non_null(strstr(buf, "\n> c00 "));
	assert_non_null(strstr(buf, "\n  level "));
	/* a time in ticks: JSON keeps the ticks and adds seconds; the text
	 * shows seconds, unit s */
	snprintf(ctr[2].unit, sizeof ctr[2].unit, "ticks");
	ctr[2].value = 2500;
	ctr[2].per_second = 1000;
	model_build(&m, &in);
	report_json(&m, &in, buf, sizeof buf);
	assert_non_null(strstr(buf, "{\"name\":\"level\",\"kind\":\"gauge\",\"unit\":\"ticks\","
				    "\"value\":2500,\"seconds\":2.5,"));
	report_text(&m, buf, sizeof buf);
	assert_non_null(strstr(buf, "2.500 s"));
	assert_null(strstr(buf, "2500"));
}

/* A reset of named counters says what it did to them, not to a version 2
 * record's count. */
static void test_counters_reset_notice(void **state)
{
	(void)state;
	char buf[128];
	three_counters(0);
	assert_string_equal(model_command_notice_for(SHMTOP_CMD_RESET, false, &in, buf, sizeof buf),
			    "reset acknowledged: 3 counters reset to 0");
	ct.nctr = 1; /* shmwriter's record: one counter, "count" */
	snprintf(ctr[0].name, sizeof ctr[0].name, "count");
	assert_string_equal(model_command_notice_for(SHMTOP_CMD_RESET, false, &in, buf, sizeof buf),
			    "reset acknowledged: count restarted at 0");
	snprintf(ctr[0].name, sizeof ctr[0].name, "level\n");
	ctr[0].kind = MODEL_GAUGE;
	assert_string_equal(model_command_notice_for(SHMTOP_CMD_RESET, false, &in, buf, sizeof buf),
			    "reset acknowledged: level\\n set to 0");
	/* refused, other commands, a version 2 record: as model_command_notice() */
	assert_string_equal(model_command_notice_for(SHMTOP_CMD_RESET, true, &in, buf, sizeof buf),
			    "reset refused by the program");
	assert_string_equal(model_command_notice_for(SHMTOP_CMD_PAUSE, false, &in, buf, sizeof buf),
			    "pause acknowledged: writer PAUSED");
	ct.named = false;
	assert_string_equal(model_command_notice_for(SHMTOP_CMD_RESET, false, &in, buf, sizeof buf),
			    "reset acknowledged: count restarted at 0");
	assert_string_equal(
	    model_command_notice_for(SHMTOP_CMD_RESET, false, NULL, buf, sizeof buf),
	    "reset acknowledged: count restarted at 0");
}

/* What the screen draws from one frame to the next: the selection marked
 * on "> " and the name only, and each row's sparkline scale and rate kept
 * from the model drawn before (by counter, through a move of the window). */
static void test_counters_kept(void **state)
{
	(void)state;
	three_counters(1);
	model_build(&m, &in);
	static struct view_model prev;
	model_table_kept(&prev, &in, 80, 10, NULL);
	assert_int_equal(prev.table_sel, 1);
	assert_int_equal(prev.table_mark, strlen("> c01     ")); /* NAME is 8 cells at least */
	assert_memory_equal(prev.table[1], "> c01     ", prev.table_mark);
	assert_true(prev.table[1][prev.table_mark] == ' '); /* the value outside the mark */
	for (int i = 0; i < 2; i++)                         /* (the gauge is flat: no range) */
		assert_true(prev.table_kept[i].scale.hi > prev.table_kept[i].scale.lo);
	assert_true(prev.table_kept[2].rate < 0); /* a gauge has no rate */
	/* a scale drawn before is kept while the values fit it */
	prev.table_kept[0].scale = (struct spark_scale){ 8, 24 };
	prev.table_kept[0].rate = 1.005; /* within 1 % of c00's 1.00/s */
	model_table_kept(&m, &in, 80, 10, &prev);
	assert_true(m.table_kept[0].scale.lo == 8 && m.table_kept[0].scale.hi == 24);
	assert_true(m.table_kept[0].rate == 1.005);
	/* another counter on that row (the window moved): not its scale */
	static struct view_model moved;
	moved = prev;
	moved.table_first = 1;
	for (size_t i = 0; i < moved.table_rows; i++)
		moved.table_idx[i] = prev.table_idx[i] + 1;
	model_table_kept(&m, &in, 80, 10, &moved);
	assert_false(m.table_kept[0].scale.lo == 8 && m.table_kept[0].scale.hi == 24);
	/* nor in the other mode (another series) */
	in.spark_mode = SPARK_RATE;
	model_table_kept(&m, &in, 80, 10, &prev);
	assert_false(m.table_kept[0].scale.lo == 8 && m.table_kept[0].scale.hi == 24);
	in.spark_mode = SPARK_VALUE;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_live, setup),
		cmocka_unit_test_setup(test_extreme_numbers, setup),
		cmocka_unit_test_setup(test_footer, setup),
		cmocka_unit_test_setup(test_health, setup),
		cmocka_unit_test_setup(test_stall_by_period, setup),
		cmocka_unit_test_setup(test_controls_disabled, setup),
		cmocka_unit_test_setup(test_states, setup),
		cmocka_unit_test_setup(test_rate_mode_and_notice, setup),
		cmocka_unit_test_setup(test_reports, setup),
		cmocka_unit_test_setup(test_own_attach, setup),
		cmocka_unit_test_setup(test_segment_waiters, setup),
		cmocka_unit_test_setup(test_json_attached, setup),
		cmocka_unit_test_setup(test_counters_table, setup),
		cmocka_unit_test_setup(test_typed_counters, setup),
		cmocka_unit_test_setup(test_one_rate, setup),
		cmocka_unit_test_setup(test_counters_hostile, setup),
		cmocka_unit_test_setup(test_counter_help, setup),
		cmocka_unit_test_setup(test_counter_filter, setup),
		cmocka_unit_test_setup(test_one_named_counter, setup),
		cmocka_unit_test_setup(test_one_counter_unchanged, setup),
		cmocka_unit_test_setup(test_counters_accept, setup),
		cmocka_unit_test_setup(test_counters_json, setup),
		cmocka_unit_test_setup(test_counters_reset_notice, setup),
		cmocka_unit_test_setup(test_counters_kept, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
