/* SPDX-License-Identifier: MIT */
/*
 * The version 3 record as a reader sees it (record.h explains the layout):
 * the checks of a header, a status and a counter's metadata, each over a
 * plain copy, and the seqlock copy of status and published values.  The
 * publisher uses the same checks on a segment it takes over, and the
 * viewer's side (commands, waits) the record and status accessors.
 */
#ifndef SHMTOP_READER_H
#define SHMTOP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "shmtop/shmtop.h"

/* Checksum of the status fields and of v[0, n). */
uint64_t reader_checksum(const struct shmtop_status3 *s, const struct shmtop_pubval3 *v, size_t n);

/* Is name (at most max bytes, which must hold its NUL) a counter name: 1 to
 * max - 1 bytes of valid UTF-8, no control characters?  0, or -1 with why. */
int reader_check_name(const char *name, size_t max, char *why, size_t whylen);

/* Is unit (at most max bytes, its NUL included) printable ASCII?  "" is. */
int reader_check_unit(const char *unit, size_t max, char *why, size_t whylen);

/* Copy the header of the segment at seg (segsz bytes) into out and check
 * it, and the layout it implies into lay.  A record of another version is
 * said as such ("a version 2 record ..."), never "damaged".  EMPTY while
 * magic is 0. */
enum shmtop_read_status reader_header(const void *seg, size_t segsz, struct shmtop_status3 *out,
				      struct shmtop_layout3 *lay, char *why, size_t whylen);

/* With st holding a header that passed reader_header(): copy the status and pub[0,
 * min(ncounters, capacity)) into st and v (capacity entries) under the
 * seqlock, then check the copy (with seq and checksum if whole is true; a
 * dead publisher's torn copy is checked field by field with whole false,
 * and is then read without the seqlock). */
enum shmtop_read_status reader_copy(const void *seg, const struct shmtop_layout3 *lay,
				    struct shmtop_status3 *st, struct shmtop_pubval3 *v, bool whole,
				    char *why, size_t whylen);

/* Copy and check the metadata of counter i (< the header's capacity) of
 * the record at seg: published, its name and unit (name and unit hold
 * SHMTOP_NAME3_MAX and SHMTOP_UNIT3_MAX bytes) and kind.  0, or -1 with
 * the reason in why. */
int reader_meta(const void *seg, const struct shmtop_layout3 *lay, uint32_t i, char *name,
		char *unit, uint32_t *kind, char *why, size_t whylen);

/* The counter names a reader has checked, to refuse a record that gives
 * two counters one name (record.h: names are unique), whatever their
 * number: a hash set of pointers to the reader's own copies of the names,
 * which must stay where they are while the set lives. */
struct reader_names {
	const char **slot;
	size_t nslots; /* a power of two, at least twice the names it takes */
};

/* An empty set for up to capacity names.  0, or -1 (out of memory). */
int reader_names_init(struct reader_names *s, uint32_t capacity);

/* Add counter i's name (at most capacity names in all): 0, or -1 if
 * another counter has it already, with why naming it (and the set left
 * as it was). */
int reader_names_add(struct reader_names *s, const char *name, uint32_t i, char *why,
		     size_t whylen);

/* Free the set's memory; it is then empty and must be inited again. */
void reader_names_free(struct reader_names *s);

/* The newest samples (at most max, and at most hist_cap - 1: the oldest row
 * may be mid-overwrite) of counter i, numbered from floor on, oldest first,
 * into out, dropping any row the publisher began overwriting during the
 * copy.  *first is the sample number of out[0].  Returns how many. */
size_t reader_history(const void *seg, const struct shmtop_layout3 *lay, uint32_t hist_cap,
		      size_t i, uint64_t floor, struct shmtop_sample *out, size_t max,
		      uint64_t *first);

/* A version 3 status and its first counter's published value (v, or none
 * if NULL) as a version 2 snapshot: the shape shmwriter's record had up to
 * 0.3, which the viewer's single view, the list's --values columns and the
 * control segment's proof of belonging take. */
void reader_to_snapshot(const struct shmtop_status3 *s, const struct shmtop_pubval3 *v,
			struct shmtop_snapshot *out);

/* reader_header() and a whole reader_copy() of the record at seg, its
 * retries drawn on budget (NULL: none), as reader_to_snapshot() of its
 * first counter.  The status of that read. */
enum shmtop_read_status reader_snapshot(const void *seg, size_t segsz, struct shmtop_snapshot *out,
					struct record_budget *budget, char *why, size_t whylen);

/* The viewer's side, for tests now and the viewer next: the mapping, a
 * checked copy of the whole status, and a wait for a command's ticket. */
const struct shmtop_record3 *reader_record(const shmtop_reader *r);
int reader_shmid(const shmtop_reader *r);
int reader_status(shmtop_reader *r, struct shmtop_status3 *st, char *why, size_t whylen);

/* Make r's copies (reader_status(), shmtop_read()) draw their retries on
 * budget, which must outlive r's reads (NULL: none, as at open). */
void reader_set_budget(shmtop_reader *r, struct record_budget *budget);

/* Wait until the publisher has acknowledged ticket (futex on request_ack),
 * at most timeout_ms; then a whole copy of the status is in st.  0, or -1
 * with errno ETIMEDOUT. */
int reader_wait_ack(shmtop_reader *r, uint32_t ticket, int timeout_ms, struct shmtop_status3 *st);

#endif
