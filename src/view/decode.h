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
	/* A format kept in a folder of files (decode_folder()), NULL for a
	 * format of one object's bytes (decode NULL then): the folder open as
	 * dirfd, as decode() otherwise. */
	enum decode_status (*decode_dir)(int dirfd, const struct decode_want *w, struct content *c,
					 char *why, size_t whylen);
	/* The object list's FORMAT for it: "shmtop", "hsperfdata", ... */
	const char *id;
	/* Are head (the first n bytes of an object, DECODE_HEAD of them do) this
	 * format's, by its magic or structure alone?  Pure; a folder format's
	 * for one of its files.  decode() says NOT_THIS to what it refuses. */
	bool (*sniff)(const unsigned char *head, size_t n);
};

/* The bytes sniff() is given: enough for every format's magic. */
#define DECODE_HEAD 64

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

/* The object list's FORMAT of an object of size bytes whose first n
 * (at most DECODE_HEAD) are head: the id of the decoder (of objects or of
 * folders' files, the text counter's last) whose sniff() takes them,
 * "empty" for no bytes,
 * else "data" (as file(1) says).  Pure. */
const char *decode_format_of(const unsigned char *head, size_t n, uint64_t size);

/* Formats kept in a folder of files, one object made of all of them.
 * Such a decoder opens the files itself, relative to dirfd: each with
 * objlist_files_open_regular() (nothing but a regular file is ever opened:
 * not a FIFO, a device or a symlink planted in the folder), at most
 * DECODE_FILE_MAX bytes, mapped read-only
 * and read under the SIGBUS guard (objpeek_guarded()); names are checked
 * before they are opened (one component, no '/', no ".."), and a folder of
 * more than DECODE_FOLDER_FILES files is read up to that many (c->files
 * says so).  Its mappings may be kept in c->priv between reads, made again
 * when a file's inode or size changes.  c->files says what the folder
 * holds. */
#define DECODE_FILE_MAX (UINT64_C(64) << 20)
#define DECODE_FOLDER_FILES 16384

/* Python prometheus_client's multiprocess folder (promdb.h): every .db
 * file, aggregated as MultiProcessCollector aggregates them; files whose
 * process is gone counted in c->files. */
extern const struct decoder decode_promdir;

/* A varnishd -n folder (vsc.h): the counters varnishstat -1 lists, from
 * _.vsm_mgt and _.vsm_child; the writer the child's pid. */
extern const struct decoder decode_vsm;

/* decode_object() for a folder (dirfd open on it, O_RDONLY | O_DIRECTORY):
 * by c->dec, or the first folder format that does not say NOT_THIS
 * (prometheus_client, Varnish). */
enum decode_status decode_folder(int dirfd, const struct decode_want *w, struct content *c,
				 char *why, size_t whylen);

#endif
