/* SPDX-License-Identifier: MIT */
/*
 * What an object holds, whatever format wrote it: the publisher's status
 * and an array of counters.  A format's decoder (decode.h) fills it from the
 * object's bytes; the monitor keeps it, and the view model (model.h)
 * computes health, rates, stall and lateness from it once for every screen
 * and output.  A version 2 record is one counter, "count"; a version 3
 * record its named counters; the classic example's decimal text one
 * counter whose writer is unknown.
 */
#ifndef SHMTOP_CONTENT_H
#define SHMTOP_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"
#include "value.h"

/* What a counter is: a count that only grows (its rate is shown), a level
 * that goes up and down, or a value its writer set once. */
enum model_kind {
	MODEL_COUNTER,
	MODEL_GAUGE,
	MODEL_CONSTANT,
};

/* One counter: its metadata (checked by its decoder, but still the
 * writer's bytes: escape them to show them), its value and its newest
 * history samples (for the table's sparkline and rate).  value and the
 * samples' values are 64 bits read as type (value.h); a VALUE_TEXT
 * counter's value is text, its samples none. */
#define MODEL_COUNTER_SPARK 64
#define MODEL_NAME_MAX 128 /* bytes of a name, the NUL included: "name[instance]" */
#define MODEL_UNIT_MAX 32
#define MODEL_TEXT_MAX 128
#define MODEL_HELP_MAX 160 /* a line about it: MMV's short help, Varnish's oneliner */
struct model_counter {
	char name[MODEL_NAME_MAX];
	char unit[MODEL_UNIT_MAX];
	enum model_kind kind;
	enum value_type type;
	uint64_t value;
	char text[MODEL_TEXT_MAX]; /* VALUE_TEXT's value */
	char help[MODEL_HELP_MAX];
	uint64_t per_second; /* a time in ticks: this many a second (value_format_time());
			      * 0: not a time */
	int64_t changed_wall_ns, changed_mono_ns;        /* 0: not known */
	struct shmtop_sample spark[MODEL_COUNTER_SPARK]; /* oldest first */
	size_t nspark;
	uint64_t spark_first; /* the sample number of spark[0] */
};

/* The publisher as the object says it is.  With known false the bytes
 * name no writer (a text counter): pid, start, resets, writers and the
 * control fields are then 0, state is SHMTOP_STATE_RUNNING, and the
 * heartbeat is the last change this reader saw. */
struct content_status {
	bool known;
	pid_t pid;
	uint64_t start;      /* its start time (/proc/PID/stat), against pid reuse; 0: the
			      * bytes name none (an MMV file's pid) */
	uint32_t state;      /* SHMTOP_STATE_* */
	int64_t period_ns;   /* its period; 0: flat out or not known */
	int64_t beat_ns;     /* CLOCK_MONOTONIC of its last heartbeat */
	int64_t beat_gap_ns; /* how late a healthy heartbeat may be, beyond MODEL_STALL_NS */
	uint64_t resets;
	uint64_t writers;      /* writers the record has had */
	unsigned accept;       /* SHMTOP_CMD_*_BIT it serves */
	uint32_t request_ack;  /* the last command acknowledged */
	uint32_t refused_req;  /* ... and of those, the last refused */
	uint32_t refused_cmds; /* SHMTOP_CMD_*_BIT refused then */
	int32_t control_id;    /* its control segment, or -1 */
	uint64_t token;        /* the record's, that the control segment names */
	uint64_t hist_next;    /* the number of the next history sample */
};

/* A folder's files (a format kept in several: decode_folder()): how many
 * and their bytes, and of those how many belong to processes that are
 * gone (prometheus_client's files of dead workers, which pile up) or
 * that could not be read. */
struct content_files {
	size_t files, dead;
	uint64_t bytes, dead_bytes;
	size_t refused; /* of files, those not read (not a regular file, damaged, ...) */
	bool truncated; /* more than DECODE_FOLDER_FILES: the rest not read */
};

/* The model: a format's name, the status, the counters and the history of
 * the one counter watched (selected), numbered from hist_floor on.  A
 * decoder keeps what it learns of the same object between reads in
 * priv. */
struct content {
	const char *format; /* the decoder's name: "version 2 record", ... */
	struct content_status status;
	struct model_counter *ctr; /* nctr of cap */
	size_t nctr, cap;
	bool named; /* the writer names its counters (version 3); false: one implied counter */
	size_t selected;
	char selected_name[MODEL_NAME_MAX]; /* the selection, kept by name */
	uint64_t hist_floor;
	struct shmtop_sample hist[SHMTOP_HISTORY]; /* of ctr[selected], oldest first */
	size_t nhist;
	uint64_t hist_first;        /* the sample number of hist[0] */
	struct content_files files; /* a folder's; all 0 for one object's bytes */
	const struct decoder *dec;
	void *priv;
};

/* Room for n counters in c (kept ones stay).  0, or -1: out of memory. */
int content_reserve(struct content *c, size_t n);

/* Keep the selection on the counter named selected_name, the first
 * counter when none is: a decoder of named counters calls it once their
 * names are read. */
void content_reselect(struct content *c);

/* Select counter i (clamped): its history is read afresh. */
void content_select(struct content *c, size_t i);

/* The selected counter, or NULL with none. */
const struct model_counter *content_selected(const struct content *c);

/* Free c's counters and its decoder's memory; c is then empty. */
void content_free(struct content *c);

#endif
