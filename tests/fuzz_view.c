/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the view of a hostile record: version 3 record bytes
 * through the reader (header, seqlock copy, metadata with unique names,
 * history), then everything the screens and outputs build from the copy:
 * the rate, the sparklines, the graph, the model with its counters table,
 * and the text, JSON and Prometheus writers.  The first input byte picks
 * what the rest is:
 *   0  (offset, byte) patches on a real version 3 record made by libshmtop,
 *      so that the fuzzer reaches past the reader's checks;
 *   1  (word, 8 bytes) patches of whole words from the published values on:
 *      values and times (history rows' mono_ns) of the attacker's choosing;
 *   2  a history as raw samples (value, mono_ns), the viewer's clock first,
 *      straight into the view, as the reader may hand any samples over.
 * The byte after it sets the view's switches (rate or value, UTF-8, a whole
 * or a torn copy, the writer alive).  SHMTOP_FUZZ builds with UBSan that
 * aborts: an overflow anywhere on the way is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>

#include "clock.h"
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
static int64_t golden_now; /* the viewer's clock: a second after the record's last step */
static struct shmtop_snapshot golden_snap;
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
	if (reader_snapshot(golden, golden_size, &golden_snap, NULL, why, sizeof why) !=
	    SHMTOP_READ_OK)
		abort();
	golden_now = golden_snap.beat_ns + NS_PER_SEC;
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
static void show(const struct view *v, const struct shmtop_snapshot *snap,
		 const struct shmtop_sample *hist, size_t nhist, uint64_t first,
		 const struct model_counter *ctr, size_t nctr)
{
	static double series[MODEL_SPARK_MAX];
	char line[SPARK_BYTES(80)];
	spark_rate(hist, nhist);
	size_t ns = spark_series(hist, nhist, v->mode, series, MODEL_SPARK_MAX);
	struct spark_scale scale = { 0, 0 };
	spark_sweep(series, ns, first + nhist, 80, v->utf8, &scale, line, sizeof line);
	double lo, hi;
	spark_render(series, ns, 80, v->utf8, line, sizeof line, &lo, &hi);
	struct graph g;
	graph_build(&g, NULL, hist, nhist, first, v->mode, 120, 12);
	struct model_input in = {
		.key = test_key(1),
		.state = MODEL_LIVE,
		.snap = snap,
		.hist = hist,
		.nhist = nhist,
		.hist_first = first,
		.writer_alive = v->alive,
		.busy = !v->whole,
		.now_mono = v->now,
		.spark_mode = v->mode,
		.utf8 = v->utf8,
		.spark_width = 60,
		.delay_tenths = 10,
		.counters = ctr,
		.ncounters = nctr,
		.v3 = nctr > 0,
		.accept = SHMTOP_CMD_ALL_BITS,
	};
	model_build(&model, &in);
	model_graph(&model, &in, 100, 10, NULL);
	int rows = model_table_want(&in);
	if (rows)
		model_table(&model, &in, 120, rows);
	report_text(&model, text, sizeof text);
	report_json(&model, &in, text, sizeof text);

	static struct shmtop_value val[CAP];
	size_t nv = nctr < CAP ? nctr : CAP;
	for (size_t i = 0; i < nv; i++) {
		memcpy(val[i].name, ctr[i].name, sizeof val[i].name);
		memcpy(val[i].unit, ctr[i].unit, sizeof val[i].unit);
		val[i].kind = ctr[i].gauge ? SHMTOP_GAUGE : SHMTOP_COUNTER;
		val[i].value = ctr[i].value;
		val[i].changed_wall_ns = ctr[i].changed_wall_ns;
	}
	struct prom_counters pc = { test_key(1), 1, val, nv };
	if (prom_write_counters(devnull, &pc, 1))
		abort();
	struct sysvipc_shm row = { .st = { .shmid = 1, .key = test_key(1), .size = golden_size } };
	struct prom_segment seg = { &row, "root", snap, v->alive };
	struct sysvipc_totals totals = { .segments = 1, .bytes = golden_size };
	struct prom_input pi = { &seg, 1, &totals, NULL, 4096 };
	if (prom_write(devnull, &pi))
		abort();
}

/* The reader's way through a record, then show() of what it accepted. */
static void view_record(const struct view *v, const void *seg, size_t size)
{
	struct shmtop_status3 st;
	struct shmtop_layout3 lay;
	char why[256] = "";
	if (reader_header(seg, size, &st, &lay, why, sizeof why) != SHMTOP_READ_OK) {
		if (!why[0])
			abort(); /* every refusal has a reason */
		return;
	}
	struct shmtop_pubval3 *vals = calloc(st.capacity, sizeof *vals);
	struct model_counter *ctr = calloc(st.capacity, sizeof *ctr);
	static struct shmtop_sample hist[SHMTOP_HISTORY];
	struct reader_names names = { 0 };
	if (!vals || !ctr || reader_names_init(&names, st.capacity))
		abort();
	enum shmtop_read_status rs = reader_copy(seg, &lay, &st, vals, v->whole, why, sizeof why);
	size_t n = rs == SHMTOP_READ_OK ? st.ncounters : 0;
	if (rs != SHMTOP_READ_OK && !why[0])
		abort();
	if (n > st.capacity)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		struct model_counter *c = &ctr[i];
		uint32_t kind;
		if (reader_meta(seg, &lay, i, c->name, c->unit, &kind, why, sizeof why) ||
		    reader_names_add(&names, c->name, i, why, sizeof why)) {
			n = 0; /* damaged: nothing of it is shown */
			break;
		}
		c->gauge = kind == SHMTOP_KIND3_GAUGE;
		c->value = vals[i].value;
		c->changed_wall_ns = vals[i].changed_wall_ns;
		c->changed_mono_ns = vals[i].changed_mono_ns;
		c->nspark = reader_history(seg, &lay, st.hist_cap, i, 0, c->spark,
					   MODEL_COUNTER_SPARK, &c->spark_first);
		if (c->nspark > MODEL_COUNTER_SPARK || c->nspark >= st.hist_cap)
			abort();
	}
	if (n > 0) {
		uint64_t first;
		size_t nh =
		    reader_history(seg, &lay, st.hist_cap, 0, 0, hist, SHMTOP_HISTORY, &first);
		struct shmtop_snapshot snap;
		reader_to_snapshot(&st, &vals[0], &snap);
		show(v, &snap, hist, nh, first, ctr, n);
	}
	reader_names_free(&names);
	free(ctr);
	free(vals);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t mode = data[0] % 3, sw = data[1];
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
		view_record(&v, seg, golden_size);
		free(seg);
		return 0;
	}
	static struct shmtop_sample hist[SHMTOP_HISTORY];
	if (size < 8)
		return 0;
	memcpy(&v.now, data, 8);
	size_t n = (size - 8) / 16 < SHMTOP_HISTORY ? (size - 8) / 16 : SHMTOP_HISTORY;
	for (size_t i = 0; i < n; i++) {
		memcpy(&hist[i].value, data + 8 + 16 * i, 8);
		memcpy(&hist[i].mono_ns, data + 16 + 16 * i, 8);
	}
	struct shmtop_snapshot snap = golden_snap;
	if (n) { /* the newest sample is the count, changed then */
		snap.count = hist[n - 1].value;
		snap.mono_ns = hist[n - 1].mono_ns;
	}
	static struct model_counter ctr[2];
	for (int i = 0; i < 2; i++) {
		snprintf(ctr[i].name, sizeof ctr[i].name, "c%d", i);
		ctr[i].gauge = i;
		ctr[i].value = snap.count;
		ctr[i].changed_mono_ns = snap.mono_ns;
		ctr[i].nspark = n < MODEL_COUNTER_SPARK ? n : MODEL_COUNTER_SPARK;
		memcpy(ctr[i].spark, hist + (n - ctr[i].nspark), ctr[i].nspark * sizeof hist[0]);
	}
	show(&v, &snap, hist, n, 0, ctr, sw & 16 ? 2 : 0);
	return 0;
}
