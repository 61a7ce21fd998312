/* SPDX-License-Identifier: MIT */
/*
 * A bounded, safe preview of an object's bytes for the detail view of a
 * segment that is not a shmwriter record, or of a POSIX object: a window of
 * PREVIEW_MAX bytes that PgUp/PgDn move through the whole object.  The
 * caller copies at most PREVIEW_MAX bytes out of a read-only mapping; preview_format() decides
 * whether they read as text (printable ASCII, tabs and newlines, with few
 * other bytes) or not, and lays them out as escaped text lines or as a hex
 * dump of 16 bytes a row.  Trailing zero bytes are not shown, so the
 * classic "sprintf(shm, "%d", n)" counter reads as its number.  Pure; the
 * result is a fixed-size value.
 */
#ifndef SHMTOP_PREVIEW_H
#define SHMTOP_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREVIEW_MAX 256 /* bytes looked at, at most */
#define PREVIEW_ROWS 16 /* PREVIEW_MAX / 16: hex rows */
#define PREVIEW_LINE 80 /* a line's bytes, NUL included */
#define PREVIEW_HEX_W 16

struct preview {
	bool text;       /* shown as text; otherwise a hex dump */
	uint64_t offset; /* of the first byte looked at, in the object */
	size_t len;      /* bytes looked at (at most PREVIEW_MAX) */
	size_t used;     /* of which before the trailing zeros */
	size_t nlines;
	char lines[PREVIEW_ROWS][PREVIEW_LINE];
	char title[96]; /* "preview: text, first 256 of 1024 bytes" */
};

/* Is buf[0..len) text?  True for printable ASCII, tab, newline and carriage
 * return, with at most one other byte in eight; trailing zero bytes are
 * ignored.  An all-zero buffer is not text.  Pure. */
bool preview_is_text(const unsigned char *buf, size_t len);

/* Lay out buf[0..len) (only the first PREVIEW_MAX bytes are read), the
 * bytes at offset of an object of seg_size bytes, into out: as text, lines
 * split at newlines and cut to width cells (at most PREVIEW_LINE - 1),
 * other bytes escaped by escape_text()'s rule, byte by byte (ESCAPE_ASCII:
 * \t, \r, \\, \xNN); or as hex rows "0100  41 42 ...  |AB..|", numbered
 * from offset.  Never more than PREVIEW_ROWS lines; a last line says when
 * there is more.  The title says where the window is ("first 256 of 2048
 * bytes", "bytes 256-511 of 2048") and names PgUp/PgDn when there is more
 * before or after it. */
void preview_format(const unsigned char *buf, size_t len, uint64_t offset, uint64_t seg_size,
		    size_t width, struct preview *out);

/* The window's offset pages windows of PREVIEW_MAX bytes from offset
 * (negative: back), within an object of size bytes: at least 0, at most
 * the last window's start.  Pure. */
uint64_t preview_step(uint64_t offset, int pages, uint64_t size);

/* No preview, and why ("a memfd object has no path to open"): a title and
 * the reason as its one line, cut to PREVIEW_LINE - 1 bytes. */
void preview_none(const char *why, struct preview *out);

#endif
