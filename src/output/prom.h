/* SPDX-License-Identifier: MIT */
/*
 * The Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector or any scraper: every segment on the host, shmwriter's
 * own figures for its segments, and the host's totals and limits.
 *
 * Each metric family is one block, "# HELP", "# TYPE", then its samples, as
 * the format requires (a family's samples must not be split).  Segments are
 * labelled key="0x%08x", shmid="N", owner="user"; label values and HELP
 * text are the text the screen shows (escape_text(): controls, bidirectional
 * controls and invalid UTF-8 as \xNN or \uXXXX), with the format's own
 * escapes over it (backslash; double quote in a label).
 * Segments with the same key (several private segments on key 0) stay
 * distinct through shmid.
 *
 * Write the file to a temporary name in the collector's directory and
 * rename() it into place, so the collector never reads half a file.
 */
#ifndef SHMTOP_PROM_H
#define SHMTOP_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "content.h"
#include "record.h"
#include "shmtop/shmtop.h"
#include "sysvipc.h"

/* One segment to expose. */
struct prom_segment {
	const struct sysvipc_shm *row;
	const char *owner;                  /* owner's user name (or uid as text) */
	const struct shmtop_snapshot *snap; /* validated shmwriter record, or NULL */
	bool writer_alive;                  /* with snap: proc_alive() of its writer */
};

/* Everything the output shows. */
struct prom_input {
	const struct prom_segment *segs;
	size_t nsegs;
	const struct sysvipc_totals *totals; /* of the whole host (sysvipc_result.totals), or
					      * NULL: the segments alone, no host families */
	const struct sysvipc_limits *limits; /* or NULL */
	uint64_t page_size;                  /* for SHMALL's pages */
};

/* A label value into buf: s as the screen shows it (escape_text()'s rule,
 * ESCAPE_UTF8: no control character, no invalid UTF-8), then backslash and
 * quote escaped as the format says, so the value a scraper reads is that
 * text.  Returns buf, truncated to len - 1 bytes, never in the middle of an
 * escape or a character. */
char *prom_escape_label(const char *s, char *buf, size_t len);

/* HELP text into buf likewise, with '"' as it is. */
char *prom_escape_help(const char *s, char *buf, size_t len);

/* A metric name: prefix (valid in the format already: "shmtop_counter_"),
 * then the first n bytes of name (up to a NUL) with every byte outside
 * [a-zA-Z0-9_] made '_' ("sun.gc.collector.0.invocations" becomes
 * sun_gc_collector_0_invocations; the format allows ':' too, but its
 * rules keep ':' for recording rules), '_' first if the name would start
 * with a digit (with an empty prefix), and "_total" after a counter's
 * (not a gauge's) name unless it ends so, as the format's conventions ask.
 * Returns buf, cut to len - 1 bytes.  Pure. */
char *prom_metric_name(const char *prefix, const char *name, size_t n, bool counter, char *buf,
		       size_t len);

/* The metric name of a named counter (libshmtop): prom_metric_name() with
 * the prefix "shmtop_counter_" (a name like "http.requests/s" becomes
 * shmtop_counter_http_requests_s_total).  Two counters may sanitise to one
 * name: their samples stay apart by the counter label, which keeps the
 * name as it is.  Returns buf, cut to len - 1 bytes. */
char *prom_counter_name(const char *name, bool counter, char *buf, size_t len);

/* The prefix of a format's metrics: "shmtop_", the format's name
 * (content's format, the decoder's) up to its first space, lower case,
 * every byte outside [a-z0-9_] made '_', then '_': "hsperfdata" gives
 * shmtop_hsperfdata_, "MMV file" shmtop_mmv_.  Returns buf, cut to
 * len - 1 bytes.  Pure. */
char *prom_format_prefix(const char *format, char *buf, size_t len);

/* The named counters of one version 3 record (libshmtop). */
struct prom_counters {
	key_t key;
	int shmid;
	const struct shmtop_value *v; /* n counters, as shmtop_read() copied them */
	size_t n;
};

/* Write a metric family per counter name over the records segs: named by
 * prom_counter_name(), typed counter or gauge, a sample per record that
 * has it, labelled key, shmid and counter (the name as the publisher gave
 * it, escaped).  Families are sorted by name; a counter whose name
 * sanitises to a family already typed otherwise is left out.  Pure but for
 * out; 0, or -1 if out of memory or a write failed. */
int prom_write_counters(FILE *out, const struct prom_counters *segs, size_t nsegs);

/* Read the version 3 records among the SysV segments rows[0, n) (attaching
 * each segment this user may read, SHM_RDONLY, for a look at its header,
 * and a version 3 one again through the library's reader) and write their
 * counters with prom_write_counters(), the reads' retries drawn on budget
 * (NULL: none).  For --values only: it attaches.  0, or -1 as
 * prom_write_counters(). */
int prom_read_counters(FILE *out, const struct sysvipc_shm *const *rows, size_t n,
		       struct record_budget *budget);

/* What one object that is not a SysV segment holds (a JVM's hsperfdata,
 * an MMV file, ...), decoded, and where it is. */
struct prom_object {
	const struct content *content;
	const char *path;
};

/* Write a metric family per counter of the object: named
 * prom_format_prefix() of its format, then prom_metric_name() of the
 * counter's name (a "name[instance]" or "name{labels}" name's family is
 * name's: each instance or label set one sample), typed by its kind (counter, gauge, a constant
 * untyped), HELP its help (else a line naming the type), a sample
 * labelled path and counter (the source name, escaped) with the value
 * (a double's NaN and infinities as NaN, +Inf, -Inf).  A text counter is
 * a gauge family NAME_info, its sample 1 with the text in the value
 * label.  Families are sorted by name; two counters that sanitise to one
 * family are its two samples, but one of another type is left out, a
 * comment line "# shmtop: counter "NAME" left out: ..." saying so.  Pure
 * but for out; 0, or -1 if out of memory or a write failed. */
int prom_write_object(FILE *out, const struct prom_object *o);

/* Write the exposition to out.  Pure but for out; returns 0, or -1 if a
 * write failed (ferror(out)). */
int prom_write(FILE *out, const struct prom_input *in);

#endif
