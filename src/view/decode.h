/* SPDX-License-Identifier: MIT */
/*
 * Formats as decoders.  Each format is one decoder with one entry point:
 * an object's bytes (untrusted, another process may change them while they
 * are read) into the model of what it holds (content.h), or the reason
 * they are not this format.  Adding a format is adding a decoder here and
 * its unit test.
 */
#ifndef SHMTOP_DECODE_H
#define SHMTOP_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"

enum decode_status {
	DECODE_NOT_THIS, /* not this format: why says why */
	DECODE_OK,       /* c holds a consistent copy */
	DECODE_EMPTY,    /* this format, still being made */
	DECODE_BUSY,     /* no consistent copy (a writer mid-update): c as it was */
	DECODE_TORN,     /* with torn_ok: a copy of each valid field, not consistent */
	DECODE_DAMAGED,  /* this format, but it fails its checks: why */
	DECODE_ERROR,    /* out of memory, or another format version: why */
};

/* What a read is for, beyond the bytes. */
struct decode_want {
	bool torn_ok;     /* on BUSY, take each field as it stands if valid */
	int64_t now_mono; /* CLOCK_MONOTONIC and CLOCK_REALTIME of the read, */
	int64_t now_wall; /* for a format that says no times itself */
};

struct decoder {
	const char *name;  /* the format: "version 2 record", ... */
	const char *maker; /* what writes it, for "damaged shmwriter record"; NULL: none known */
	const char *who;   /* its writer, for "its writer stopped mid-update" */
	/* Decode seg (size bytes) into c, which holds what this decoder made
	 * of the same object last time (or is empty): counters learnt stay,
	 * c->selected's history from c->hist_floor on goes into c->hist.  On
	 * NOT_THIS c is as it was. */
	enum decode_status (*decode)(const void *seg, size_t size, const struct decode_want *w,
				     struct content *c, char *why, size_t whylen);
	/* Free what decode() kept in c->priv (NULL: nothing). */
	void (*release)(struct content *c);
};

/* The version 3 record (record.h, shmtop-record(5)): named counters, the
 * publisher's status and commands accepted. */
extern const struct decoder decode_v3;

/* The version 2 record: one counter, "count", and shmwriter's status. */
extern const struct decoder decode_v2;

/* The classic example's text counter: a decimal number (1 to 20 digits,
 * no sign, no leading zero, at most UINT64_MAX) and its NUL, whatever
 * follows.  One counter, "value", its writer unknown; read twice and taken
 * only when both copies agree (DECODE_BUSY otherwise), and its history is
 * the changes this reader saw, at the times it saw them. */
extern const struct decoder decode_text;

/* A HotSpot JVM's hsperfdata (hsperf.h): its entries as jcmd lists them,
 * the writer unknown; the magic bytes ca fe c0 c0 (in either byte
 * order's file), NOT_THIS without a reason otherwise. */
extern const struct decoder decode_hsperf;

/* PCP's MMV file (mmv.h), versions 1 to 3: its values as mmvdump names
 * them, the writer the PROCESS flag's pid; magic "MMV\0", NOT_THIS without
 * a reason otherwise. */
extern const struct decoder decode_mmv;

/* Decode an object's bytes into c.  With c->dec set (c holds what it made
 * of this object) by that decoder alone; when it says NOT_THIS, or with
 * c->dec NULL (c empty), by the first of the decoders (version 3, text,
 * version 2, hsperfdata, MMV) that does not say NOT_THIS, which c->dec then names.
 * NOT_THIS: none takes the bytes (c is empty), why the first reason one
 * gave (a decoder gives none for bytes not of its kind at all). */
enum decode_status decode_object(const void *seg, size_t size, const struct decode_want *w,
				 struct content *c, char *why, size_t whylen);

#endif
