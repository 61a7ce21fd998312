/* SPDX-License-Identifier: MIT */
/*
 * Python prometheus_client's multiprocess files, as its MmapedDict writes
 * them and its MultiProcessCollector reads them: one file a process and a
 * metric kind, PROMETHEUS_MULTIPROC_DIR/{counter,gauge_MODE,histogram,
 * summary}_PID.db, each a mapping of
 *
 *   int32 used (bytes of the file in use, from its start), 4 bytes padding,
 *   then entries up to used:  int32 key length N, N bytes of key, 1 to 8
 *   spaces (so that 4 + N + padding is a multiple of 8), a double value
 *   and, in versions from 0.17 on, a double time stamp.
 *
 * The key is JSON, [metric, sample name, {label: value, ...}, help], all
 * strings.  Numbers are in the producer's byte order (this host's).
 * Debian 12's python3-prometheus-client 0.16.0 writes no time stamp;
 * promdb_parse() takes the layout that reads the whole of used (value only
 * first, then value and time stamp): they cannot both, as a key is never
 * empty.
 *
 * There is no lock: the writer appends an entry, then stores used; it
 * changes a value in place with one 8-byte store at an 8-byte aligned
 * offset (every value's offset is a multiple of 8 by the layout).  So
 * promdb_parse() reads used once, reads only entries within it, and
 * reads each value (and time stamp) with one aligned 8-byte load when b
 * is 8-byte aligned in memory (an mmap or malloc is), else with memcpy (a
 * copy, which cannot change under it).
 *
 * The bytes are untrusted: used is bounded by the file, each key by used,
 * the key is read by a strict JSON reader of exactly this shape (a list of
 * 4 items: 3 strings and one object of string values, in that order, well
 * formed UTF-8, no NUL, no lone surrogate, no label twice) and anything
 * else is refused with a one-line reason.  The decoded strings are copied
 * into a text buffer the caller gives (promdb_alloc() sizes everything
 * from the file's length), so nothing points into the file's bytes.
 */
#ifndef SHMTOP_PROMDB_H
#define SHMTOP_PROMDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum promdb_kind {
	PROMDB_COUNTER,
	PROMDB_GAUGE,
	PROMDB_HISTOGRAM,
	PROMDB_SUMMARY,
};

/* The gauge modes of 0.16.0 and later ("mostrecent" is 0.17's). */
enum promdb_mode {
	PROMDB_ALL,
	PROMDB_LIVEALL,
	PROMDB_MIN,
	PROMDB_LIVEMIN,
	PROMDB_MAX,
	PROMDB_LIVEMAX,
	PROMDB_SUM,
	PROMDB_LIVESUM,
	PROMDB_MOSTRECENT,
	PROMDB_LIVEMOSTRECENT,
	PROMDB_MODES,
};

enum promdb_status {
	PROMDB_OK,      /* f holds the entries */
	PROMDB_EMPTY,   /* 0 bytes, or used 0: a file its process made but never wrote */
	PROMDB_DAMAGED, /* fails its checks: why */
	PROMDB_ERROR,   /* more entries or text than f holds: why */
};

struct promdb_label {
	const char *name;
	const char *value;
};

struct promdb_entry {
	const char *metric;
	const char *name; /* the sample's: metric, metric_total, metric_bucket, ... */
	const char *help;
	const struct promdb_label *labels; /* sorted by name */
	size_t n_labels;
	double value;
	double timestamp; /* 0 without time stamps */
	size_t offset;    /* of the value in the file */
};

/* What promdb_parse() found.  The caller sets the arrays and their
 * capacity (*_cap); promdb_parse() sets the rest. */
struct promdb_file {
	uint32_t used;
	bool timestamps; /* entries carry a time stamp (0.17 and later) */
	struct promdb_entry *entries;
	struct promdb_label *labels;
	char *text;
	size_t entries_cap, labels_cap, text_cap;
	size_t n_entries, n_labels, n_text;
};

/* Do the first n bytes of a file start as a .db file of entries: used a
 * multiple of 8 and a first entry within it whose key begins ["?  Pure. */
bool promdb_head(const unsigned char *b, size_t n);

/* Parse len bytes of one .db file into f (its arrays given).  PROMDB_OK,
 * or another status with a one-line reason in why.  Never reads outside
 * b[0..len).  With b a live mapping, the caller guards against SIGBUS. */
enum promdb_status promdb_parse(const unsigned char *b, size_t len, struct promdb_file *f,
				char *why, size_t whylen);

/* Set f's arrays to hold any file of len bytes: 0, or -1 out of memory.
 * promdb_free() frees them. */
int promdb_alloc(struct promdb_file *f, size_t len);
void promdb_free(struct promdb_file *f);

/* What a file's name says, as MultiProcessCollector takes it: "counter_PID.db",
 * "gauge_MODE_PID.db", "histogram_PID.db", "summary_PID.db", PID digits
 * only (1 to 9 of them, not 0).  0, or -1 with a one-line reason. */
struct promdb_name {
	enum promdb_kind kind;
	enum promdb_mode mode; /* gauges only */
	int32_t pid;
};
int promdb_name_parse(const char *name, struct promdb_name *out, char *why, size_t whylen);

const char *promdb_kind_name(enum promdb_kind kind); /* "counter", ... */
const char *promdb_mode_name(enum promdb_mode mode); /* "all", "livesum", ... */

/* One file for promdb_aggregate(): its name's meaning, whether its process
 * is alive (the caller decides), and its entries. */
struct promdb_input {
	struct promdb_name name;
	bool alive;
	const struct promdb_file *file;
};

/* One sample of the aggregate, as MultiProcessCollector gives it: the name
 * is name followed by suffix; the labels are labels[] less the one named
 * omit (NULL: none) plus add_name=add_value (NULL: none). */
struct promdb_sample {
	const char *metric;
	const char *help;
	enum promdb_kind kind;
	enum promdb_mode mode; /* gauges */
	const char *name;
	const char *suffix;
	const struct promdb_label *labels;
	size_t n_labels;
	const char *omit;
	const char *add_name, *add_value;
	char pid[12]; /* add_value of a gauge's pid label */
	double value;
};

struct promdb_aggregate {
	struct promdb_sample *samples; /* sorted by metric, name, labels */
	size_t n_samples;
	size_t dead_files; /* inputs not alive */
	size_t dropped;    /* entries left out: see why */
	char why[160];     /* the first entry left out, and why */
};

/* Aggregate n files as MultiProcessCollector.collect() does: a metric's
 * kind and help are those of the first file (in the order given) holding
 * it, its gauge mode that of the last; counters and summaries summed;
 * histograms' buckets summed per bound, then accumulated over the bounds
 * in order, with _count the last bucket's; gauges of mode all and liveall
 * one sample a pid (a "pid" label), min, max and sum (and their live
 * forms) over the pids, mostrecent the latest time stamp's.  Files of dead
 * processes count as the collector counts them (mark_process_dead()
 * removes only live gauges' files, and the collector reads every file
 * that is there); with drop_dead_live, live gauges' files of dead
 * processes are left out, as after mark_process_dead().  An entry
 * the collector would fail on (a bucket bound that is not a number) is
 * left out and counted.  A bucket's le is the text of the first file
 * with that bound (the library writes it as the collector prints it); an
 * entry of a histogram named _count (the library writes none) stays a
 * sample of its own.  Allocates out->samples (promdb_aggregate_free()):
 * 0, or -1 out of memory. */
int promdb_aggregate(const struct promdb_input *in, size_t n, bool drop_dead_live,
		     struct promdb_aggregate *out);
void promdb_aggregate_free(struct promdb_aggregate *a);

#endif
