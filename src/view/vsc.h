/* SPDX-License-Identifier: MIT */
/*
 * Varnish's shared memory counters (VSC) in its shared memory segments
 * (VSM), as varnishd 7.1 writes them (bin/varnishd/common/common_vsmw.c,
 * common_vsc.c, lib/libvsc/vsctool.py) and libvarnishapi reads them
 * (lib/libvarnishapi/vsm.c, vsc.c), so varnishstat.
 *
 * A varnishd's -n folder holds two sets, _.vsm_mgt (the manager's) and
 * _.vsm_child (the worker's), each a folder of files and an `_.index`
 * text listing the segments in them:
 *   "# PID BIRTH"                        first line: the writer, its start;
 *   "+ FILE OFFSET LENGTH CLASS IDENT"   a segment added;
 *   "- FILE OFFSET LENGTH CLASS IDENT"   that segment removed;
 *   "+ FILE 0 LENGTH  "                  a cluster: a file of several
 *                                        segments (CLASS and IDENT empty).
 * A segment at an offset other than 0 lies in a cluster listed before it.
 * The writer appends lines as segments come and go, and now and then
 * writes the index anew and renames it into place; a last line without
 * its newline is one being written and is not read yet.
 *
 * A segment of class "StatDoc" or "Stat" starts with a 24-byte header:
 * ready (int32: 0 being made, 1 shown, 2 hidden, being removed), then
 * body_offset (uint64) and doc_id (uint64).  A StatDoc's body is one JSON
 * document, NUL-terminated, describing a kind of counters (vsctool.py's
 * compact output):
 *   {"version":"1","name":"main","oneliner":"...","order":10,"docs":"...",
 *    "elements":N,"elem":{"NAME":{"type":"counter","ctype":"uint64_t",
 *    "level":"info","oneliner":"...","format":"integer","index":0,
 *    "name":"NAME","docs":"..."},...}}
 * and its IDENT is its doc_id in hex.  A Stat's body is the uint64
 * counters; its doc_id names its StatDoc, each element's index is the
 * byte offset of its counter in the body, and a counter's full name is
 * the Stat's IDENT, a dot and the element's name (MAIN.client_req,
 * SMA.s0.c_bytes, VBE.boot.default.req), as varnishstat prints it.
 *
 * Everything is untrusted: the index's lines are bounded and strict, a
 * file name is one component "_.NAME" (no '/', no "..", nothing the
 * folder does not hold), an ident is printable ASCII; the JSON reader
 * takes exactly the shape above (no whitespace, known keys once each, the
 * values of their kind) and refuses anything else; each counter lies
 * inside the body, 8-byte aligned, and is read with one aligned 8-byte
 * load.  A refusal says why in one line.  The parsers read bytes the
 * caller mapped, under its SIGBUS guard (objpeek.h); vsc_set_read() is
 * that caller for one set's folder.
 */
#ifndef SHMTOP_VSC_H
#define SHMTOP_VSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	VSC_HEAD_SIZE = 24,
	VSC_LINE_MAX = 512,     /* an index line, with its newline */
	VSC_FILE_MAX = 64,      /* a segment file's name: "_." and at most 61 more */
	VSC_CLASS_MAX = 16,     /* a class: "Stat", "StatDoc", "Log", ... */
	VSC_IDENT_MAX = 128,    /* a segment's ident */
	VSC_ELEM_NAME_MAX = 64, /* a counter's own name */
	VSC_NAME_MAX = VSC_IDENT_MAX + VSC_ELEM_NAME_MAX, /* ident.name */
	VSC_DOC_MAX = 1 << 20,                            /* a StatDoc's JSON, in bytes */
	VSC_ELEMS_MAX = 4096,                             /* counters of one StatDoc */
	VSC_DEPTH_MAX = 3,                                /* the document, elem, one element */
};

enum vsc_status {
	VSC_OK,
	VSC_NOT_READY, /* ready 0: the writer is making it */
	VSC_HIDDEN,    /* ready 2: being removed, varnishstat skips it */
	VSC_DAMAGED,   /* fails a check: why */
	VSC_ERROR,     /* more than the arrays given hold, or out of memory: why */
	VSC_BUSY,      /* a file shrank while it was read (SIGBUS): read again */
};

struct vsc_seg {
	char file[VSC_FILE_MAX];
	uint64_t off, len;
	char cls[VSC_CLASS_MAX]; /* "" for a cluster */
	char ident[VSC_IDENT_MAX];
};

struct vsc_index {
	int64_t pid;          /* the writer's, from the first line */
	int64_t birth;        /* its start, seconds since the epoch */
	struct vsc_seg *segs; /* the caller's array of cap; n of them */
	size_t cap, n;
};

/* Parse an _.index of len bytes into ix (its segs and cap given): the
 * segments listed and not removed, in their order, clusters among them.
 * VSC_OK, or VSC_DAMAGED / VSC_ERROR with the reason in why. */
enum vsc_status vsc_index_parse(const char *text, size_t len, struct vsc_index *ix, char *why,
				size_t whylen);

/* Is the first line of the n bytes at text an _.index's "# PID BIRTH"?
 * Pure. */
bool vsc_index_head(const char *text, size_t n);

/* Is name a segment file name vsc_index_parse() accepts? */
bool vsc_file_name_ok(const char *name);

enum vsc_type { VSC_COUNTER = 'c', VSC_GAUGE = 'g', VSC_BITMAP = 'b' };
enum vsc_format {
	VSC_F_INTEGER = 'i',
	VSC_F_BYTES = 'B',
	VSC_F_BITMAP = 'b',
	VSC_F_DURATION = 'd',
};
enum vsc_level { VSC_INFO = 0, VSC_DIAG = 1, VSC_DEBUG = 2 };

struct vsc_elem {
	const char *name; /* in the doc's text */
	const char *oneliner;
	const char *docs;
	enum vsc_type type;
	enum vsc_format format;
	enum vsc_level level;
	uint32_t index; /* byte offset of its counter in a Stat's body */
};

/* A StatDoc, decoded.  vsc_doc_alloc() sizes it for a segment of len
 * bytes; its strings are copies in text (unescaped), valid until the
 * next parse into it or vsc_doc_free(). */
struct vsc_doc {
	uint64_t id;
	const char *name, *oneliner, *docs;
	uint32_t order;
	struct vsc_elem *elem;
	size_t cap, n;
	char *text;
	size_t textlen;
};

int vsc_doc_alloc(struct vsc_doc *d, size_t len);
void vsc_doc_free(struct vsc_doc *d);

/* Parse the len bytes of a StatDoc segment (from its header on) into d. */
enum vsc_status vsc_doc_parse(const unsigned char *seg, size_t len, struct vsc_doc *d, char *why,
			      size_t whylen);

/* The header's doc_id and ready of a Stat or StatDoc segment of len
 * bytes: false when it is shorter than the header. */
bool vsc_head(const unsigned char *seg, size_t len, uint64_t *doc_id, int32_t *ready);

struct vsc_counter {
	char name[VSC_NAME_MAX];  /* IDENT.NAME */
	const struct vsc_elem *e; /* in the doc given */
	uint64_t raw;             /* the counter's 8 bytes */
	uint64_t value;           /* as varnishstat shows it: a gauge above INT64_MAX is 0 */
};

/* Read the len bytes of the Stat segment ident, whose doc is d (its
 * doc_id the header's: the caller found it with vsc_head()), into at
 * most cap counters (*n of them), in the doc's order.  seg must be
 * 8-byte aligned. */
enum vsc_status vsc_stat_parse(const unsigned char *seg, size_t len, const char *ident,
			       const struct vsc_doc *d, struct vsc_counter *out, size_t cap,
			       size_t *n, char *why, size_t whylen);

/* "counter", "gauge", "bitmap"; "info", "diag", "debug"; "integer",
 * "bytes", "bitmap", "duration". */
const char *vsc_type_name(enum vsc_type t);
const char *vsc_level_name(enum vsc_level l);
const char *vsc_format_name(enum vsc_format f);

/* ---- one set's folder ---- */

#define VSC_INDEX_MAX (1u << 20)             /* an _.index, in bytes */
#define VSC_SEGFILE_MAX (UINT64_C(64) << 20) /* a segment file mapped */

/* A segment file mapped read-only and shared, kept while its name, device,
 * inode and size stay the same. */
struct vsc_map {
	char file[VSC_FILE_MAX];
	uint64_t dev, ino;
	size_t size;
	const unsigned char *p;
	bool used; /* by the last read */
};

/* One set (_.vsm_mgt or _.vsm_child) and what a read of it keeps: its
 * index, the mappings of the files holding its Stat and StatDoc segments,
 * its docs (each parsed once, kept while its segment and file stay the
 * same and it stays ready) and the counters the read found (in the
 * index's order, each Stat's in its doc's order; their elements point
 * into the docs, valid until the next read).  Zeroed to start;
 * vsc_set_free() to end. */
struct vsc_kept_doc {
	struct vsc_seg g;
	uint64_t dev, ino; /* its file's */
	struct vsc_doc d;
	bool used; /* by the last read */
};
struct vsc_set {
	struct vsc_index ix;
	char *text; /* the index read, textcap bytes */
	size_t textcap;
	struct vsc_map *maps; /* nmaps of mapcap */
	size_t nmaps, mapcap;
	struct vsc_kept_doc *docs; /* ndocs of doccap */
	size_t ndocs, doccap;
	struct vsc_counter *ctr; /* nctr of ctrcap */
	size_t nctr, ctrcap;
	size_t files;   /* files the read opened or kept mapped, the index included */
	uint64_t bytes; /* their bytes */
	size_t gone;    /* segments skipped: their file not in the folder */
};

/* Read the set whose folder is open as dfd: its _.index (opened
 * O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC, a regular file of at most
 * VSC_INDEX_MAX bytes), then each Stat and StatDoc segment it lists from
 * a file of the folder (a regular file, not a link, of at most
 * VSC_SEGFILE_MAX bytes, holding the segment), mapped read-only and
 * parsed under the SIGBUS guard.  A segment whose file is not there is
 * skipped and counted in gone (varnishd removes a file after its index
 * line, as varnishstat skips a segment it cannot map); one not ready or
 * hidden is skipped, as varnishstat skips it.  VSC_OK, VSC_NOT_READY (no
 * index yet), VSC_BUSY, VSC_DAMAGED or VSC_ERROR with why (the file
 * named first). */
enum vsc_status vsc_set_read(struct vsc_set *s, int dfd, char *why, size_t whylen);

/* Unmap and free what s holds; s is then as zeroed. */
void vsc_set_free(struct vsc_set *s);

#endif
