/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the view of a hostile object: its bytes through the
 * decoders (decode.h: a version 3 record's header, seqlock copy, metadata
 * with unique names and history; a version 2 record; a text counter), then
 * everything the screens and outputs build from what they made of it:
 * the rate, the sparklines, the graph, the model with its counters table,
 * and the text, JSON and Prometheus writers, of a segment and of an object.  The first input byte
 * picks what the rest is: 0  (offset, byte) patches on a real version 3 record made by libshmtop,
 *      so that the fuzzer reaches past the reader's checks;
 *   1  (word, 8 bytes) patches of whole words from the published values on:
 *      values and times (history rows' mono_ns) of the attacker's choosing;
 *   2  a history as raw samples (value, mono_ns), the viewer's clock first,
 *      straight into the view, as a decoder may hand any samples over;
 *   3  the bytes alone as the segment, for every decoder's refusals, and
 *      the object list's FORMAT of their first 0 to 64 bytes.
 * The byte after it sets the view's switches (rate or value, UTF-8, a whole
 * or a torn copy, the writer alive, in mode 2 the type the values are read
 * as: unsigned, signed, double or text).  SHMTOP_FUZZ builds with UBSan that
 * aborts: an overflow anywhere on the way is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>

#include "clock.h"
#include "decode.h"
#include "graph.h"
#include "model.h"
#include "prom.h"
#include "reader.h"
#include "report.h"
#include "shmtop/shmtop.h"
#include "spark.h"
#include "testutil.h"

#define CAP 8
#define HIST 16
#define NDECLARED 6

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *golden;
static size_t golden_size;
static int64_t golden_now;      /* the viewer's clock: a second after the record's last step */
static struct content golden_c; /* what the decoders make of it */
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct shmtop_options o = { .key = test_key(1),
				    .capacity = CAP,
				    .history = HIST,
				    .period_ns = 1000,
				    .accept = SHMTOP_ACCEPT_ALL,
				    .remove_on_close = true };
	char why[256];
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	if (!p)
		abort();
	static const char *const names[NDECLARED] = { "requests", "bytes.in", "bytes_in",
						      "名前",     "queue",    "temp" };
	struct shmtop_counter c[NDECLARED];
	for (int i = 0; i < NDECLARED; i++)
		if (shmtop_declare(p, names[i], i < 4 ? SHMTOP_COUNTER : SHMTOP_GAUGE,
				   i % 2 ? "B" : "", &c[i], why, sizeof why))
			abort();
	for (int k = 0; k < 2 * HIST; k++) {
		for (int i = 0; i < NDECLARED; i++)
			shmtop_add(c[i], (uint64_t)(i + 1) * (uint64_t)k);
		nanosleep(&(struct timespec){ .tv_nsec = 2000 }, NULL);
		shmtop_step(p);
	}
	struct shmid_ds ds;
	const void *seg = shmat(shmtop_shmid(p), NULL, SHM_RDONLY);
	if (seg == (void *)-1 || shmctl(shmtop_shmid(p), IPC_STAT, &ds))
		abort();
	golden_size = ds.shm_segsz;
	golden = aligned_alloc(64, (golden_size + 63) / 64 * 64);
	memcpy(golden, seg, golden_size);
	shmdt(seg);
	shmtop_close(p);
	struct decode_want w = { 0 };
	if (decode_object(golden, golden_size, &w, &golden_c, why, sizeof why) != DECODE_OK ||
	    golden_c.dec != &decode_v3)
		abort();
	golden_now = golden_c.status.beat_ns + NS_PER_SEC;
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

struct view {
	enum spark_mode mode;
	bool utf8, whole, alive;
	int64_t now;
};

static struct view_model model;
static char text[1 << 16];

/* Everything a screen or an output builds from one copy. */
static void show(const struct view *v, const struct content *c)
{
	static double series[MODEL_SPARK_MAX];
	char line[SPARK_BYTES(80)];
	const struct shmtop_sample *hist = c->hist;
	size_t nhist = c->nhist;
	uint64_t first = c->hist_first;
	spark_rate(hist, nhist, VALUE_UINT);
	size_t ns = spark_series(hist, nhist, VALUE_UINT, v->mode, series, MODEL_SPARK_MAX);
	struct spark_scale scale = { 0, 0 };
	spark_sweep(series, ns, first + nhist, 80, v->utf8, &scale, line, sizeof line);
	double lo, hi;
	spark_render(series, ns, 80, v->utf8, line, sizeof line, &lo, &hi);
	struct graph g;
	graph_build(&g, NULL, hist, nhist, first, VALUE_UINT, v->mode, 120, 12);
	struct model_input in = {
		.key = test_key(1),
		.state = MODEL_LIVE,
		.content = c,
		.writer_alive = v->alive,
		.busy = !v->whole,
		.now_mono = v->now,
		.spark_mode = v->mode,
		.utf8 = v->utf8,
		.spark_width = 60,
		.delay_tenths = 10,
	};
	model_build(&model, &in);
	model_graph(&model, &in, 100, 10, NULL);
	int rows = model_table_want(&in);
	if (rows)
		model_table(&model, &in, 120, rows);
	report_text(&model, text, sizeof text);
	report_json(&model, &in, text, sizeof text);

	static struct shmtop_value val[CAP];
	const struct model_counter *ctr = c->ctr;
	size_t nv = c->nctr < CAP ? c->nctr : CAP;
	for (size_t i = 0; i < nv; i++) {
		snprintf(val[i].name, sizeof val[i].name, "%s", ctr[i].name);
		snprintf(val[i].unit, sizeof val[i].unit, "%s", ctr[i].unit);
		val[i].kind = ctr[i].kind == MODEL_COUNTER ? SHMTOP_COUNTER : SHMTOP_GAUGE;
		val[i].value = ctr[i].value;
		val[i].changed_wall_ns = ctr[i].changed_wall_ns;
	}
	struct prom_counters pc = { test_key(1), 1, val, nv };
	if (prom_write_counters(devnull, &pc, 1))
		abort();
	struct sysvipc_shm row = { .st = { .shmid = 1, .key = test_key(1), .size = golden_size } };
	const struct content_status *cs = &c->status;
	const struct model_counter *sel = content_selected(c);
	struct shmtop_snapshot snap = { .state = cs->state,
					.resets = cs->resets,
					.count = sel ? sel->value : 0,
					.wall_ns = sel ? sel->changed_wall_ns : 0 };
	struct prom_segment seg = { &row, "root", &snap, v->alive };
	struct sysvipc_totals totals = { .segments = 1, .bytes = golden_size };
	struct prom_input pi = { &seg, 1, &totals, NULL, 4096 };
	if (prom_write(devnull, &pi))
		abort();

	/* the same as an object's (shmtop PATH -b, --json, --prometheus) */
	static struct objlist_row orow = { .kind = OBJLIST_FILE, .name = "/tmp/hsperfdata_x/1" };
	struct model_object obj = { .row = &orow, .present = true, .held = in };
	model_build_object(&model, &obj);
	report_text(&model, text, sizeof text);
	report_json_object(&model, &obj, text, sizeof text);
	struct prom_object po = { c, orow.name };
	if (prom_write_object(devnull, &po))
		abort();
}

/* The decoders' way through an object, then show() of what they took. */
static void view_object(const struct view *v, const void *seg, size_t size)
{
	struct content c = { 0 };
	struct decode_want w = { .torn_ok = !v->whole, .now_mono = v->now, .now_wall = v->now };
	char why[256] = "";
	switch (decode_object(seg, size, &w, &c, why, sizeof why)) {
	case DECODE_OK:
	case DECODE_TORN:
		if (c.nctr > c.cap || (c.nctr && c.selected >= c.nctr) || c.nhist > SHMTOP_HISTORY)
			abort();
		for (size_t i = 0; i < c.nctr; i++)
			if (c.ctr[i].nspark > MODEL_COUNTER_SPARK)
				abort();
		show(v, &c);
		break;
	case DECODE_EMPTY:
	case DECODE_NOT_THIS: break; /* NOT_THIS may give no reason: not text at all */
	default:
		if (!why[0])
			abort(); /* every refusal of its own kind has a reason */
	}
	content_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t mode = data[0] % 4, sw = data[1];
	data += 2;
	size -= 2;
	struct view v = { .mode = sw & 1 ? SPARK_RATE : SPARK_VALUE,
			  .utf8 = sw & 2,
			  .whole = !(sw & 4),
			  .alive = !(sw & 8),
			  .now = golden_now };
	if (mode < 2) {
		unsigned char *seg = aligned_alloc(64, (golden_size + 63) / 64 * 64);
		memcpy(seg, golden, golden_size);
		const struct shmtop_record3 *r = (const void *)golden;
		size_t from = mode == 0 ? 0 : (size_t)r->pub_off, words = (golden_size - from) / 8;
		size_t step = mode == 0 ? 3 : 10;
		for (size_t i = 0; i + step <= size; i += step) {
			size_t at = (size_t)data[i] << 8 | data[i + 1];
			if (mode == 0)
				seg[at % golden_size] = data[i + 2];
			else
				memcpy(seg + from + at % words * 8, data + i + 2, 8);
		}
		view_object(&v, seg, golden_size);
		free(seg);
		return 0;
	}
	if (mode == 3) { /* aligned as a mapping is */
		unsigned char *seg = aligned_alloc(64, (size + 64) / 64 * 64);
		memcpy(seg, data, size);
		view_object(&v, seg, size);
		/* the list's FORMAT of them, from a head of every length */
		for (size_t n = 0; n <= size && n <= DECODE_HEAD; n++)
			if (!decode_format_of(seg, n, size)[0])
				abort();
		free(seg);
		return 0;
	}
	if (size < 8)
		return 0;
	memcpy(&v.now, data, 8);
	/* the golden record's status, with one counter or two named ones,
	 * over the samples given */
	static struct content c;
	static struct model_counter ctr[CAP];
	c = golden_c;
	memcpy(ctr, golden_c.ctr, CAP * sizeof *ctr);
	c.ctr = ctr;
	c.cap = CAP;
	c.priv = NULL;
	size_t n = (size - 8) / 16 < SHMTOP_HISTORY ? (size - 8) / 16 : SHMTOP_HISTORY;
	for (size_t i = 0; i < n; i++) {
		memcpy(&c.hist[i].value, data + 8 + 16 * i, 8);
		memcpy(&c.hist[i].mono_ns, data + 16 + 16 * i, 8);
	}
	c.nhist = n;
	c.hist_first = 0;
	c.nctr = sw & 16 ? 2 : 1;
	c.named = sw & 16;
	c.selected = 0;
	for (size_t i = 0; i < c.nctr; i++) {
		snprintf(ctr[i].name, sizeof ctr[i].name, "c%zu", i);
		/* a counter and a gauge, of the type bits 5-6 name (the samples'
		 * bits read as unsigned, signed, double or none) */
		ctr[i].kind = i ? MODEL_GAUGE : MODEL_COUNTER;
		ctr[i].type = (enum value_type)((sw >> 5) & 3);
		snprintf(ctr[i].text, sizeof ctr[i].text, "%s",
			 ctr[i].type == VALUE_TEXT ? "t\x1b" : "");
		if (n) { /* the newest sample is the value, changed then */
			ctr[i].value = c.hist[n - 1].value;
			ctr[i].changed_mono_ns = c.hist[n - 1].mono_ns;
		}
		ctr[i].nspark = n < MODEL_COUNTER_SPARK ? n : MODEL_COUNTER_SPARK;
		memcpy(ctr[i].spark, c.hist + (n - ctr[i].nspark), ctr[i].nspark * sizeof *c.hist);
	}
	show(&v, &c);
	return 0;
}
