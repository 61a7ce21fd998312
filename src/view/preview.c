/* SPDX-License-Identifier: MIT */
/*
 * The byte preview: a text-or-hex decision over the bytes before the
 * trailing zeros, then one of two layouts into fixed lines.
 */
#include "preview.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

static bool is_text_byte(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

/* Bytes before the trailing zeros. */
static size_t used_len(const unsigned char *buf, size_t len)
{
	while (len > 0 && buf[len - 1] == 0)
		len--;
	return len;
}

bool preview_is_text(const unsigned char *buf, size_t len)
{
	size_t n = used_len(buf, len), bad = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_text_byte(buf[i]))
			bad++;
	return bad * 8 <= n;
}

static void format_text(struct preview *p, const unsigned char *buf, size_t width)
{
	size_t i = 0, start = 0, ll = 0; /* the line's first byte and length */
	p->nlines = 0;
	p->lines[0][0] = '\0';
	for (; i < p->used; i++) {
		char e[8];
		size_t el = 0;
		if (buf[i] != '\n') {
			el = (size_t)escape_text((const char *)buf + i, 1, ESCAPE_ASCII, 4, e,
						 sizeof e);
		}
		if (buf[i] == '\n' || ll + el > width) {
			if (p->nlines + 1 >= PREVIEW_ROWS)
				break;
			p->lines[++p->nlines][0] = '\0';
			ll = 0;
			start = buf[i] == '\n' ? i + 1 : i;
			if (buf[i] == '\n')
				continue;
		}
		memcpy(p->lines[p->nlines] + ll, e, el + 1);
		ll += el;
	}
	p->nlines++;
	if (i < p->used) /* out of lines: the last one says how much is not shown */
		snprintf(p->lines[p->nlines - 1], PREVIEW_LINE, "... %zu more bytes",
			 p->used - start);
}

static void format_hex(struct preview *p, const unsigned char *buf, size_t width)
{
	p->nlines = 0;
	for (size_t off = 0; off < p->used && p->nlines < PREVIEW_ROWS; off += PREVIEW_HEX_W) {
		char *line = p->lines[p->nlines++];
		size_t n = p->len - off < PREVIEW_HEX_W ? p->len - off : PREVIEW_HEX_W;
		int at = snprintf(line, PREVIEW_LINE, "%04" PRIx64 " ", p->offset + off);
		for (size_t j = 0; j < PREVIEW_HEX_W; j++)
			at += snprintf(line + at, PREVIEW_LINE - (size_t)at,
				       j < n ? " %02x" : "   ", j < n ? buf[off + j] : 0);
		at += snprintf(line + at, PREVIEW_LINE - (size_t)at, "  |");
		for (size_t j = 0; j < n; j++) {
			unsigned char c = buf[off + j];
			line[at++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		line[at++] = '|';
		line[at] = '\0';
		if ((size_t)at > width)
			line[width] = '\0';
	}
}

uint64_t preview_step(uint64_t offset, int pages, uint64_t size)
{
	uint64_t last = size > 0 ? (size - 1) / PREVIEW_MAX * PREVIEW_MAX : 0;
	if (pages < 0)
		return offset > (uint64_t)-pages * PREVIEW_MAX
			   ? offset - (uint64_t)-pages * PREVIEW_MAX
			   : 0;
	uint64_t to = offset + (uint64_t)pages * PREVIEW_MAX;
	return to < offset || to > last ? last : to;
}

void preview_format(const unsigned char *buf, size_t len, uint64_t offset, uint64_t seg_size,
		    size_t width, struct preview *out)
{
	memset(out, 0, sizeof *out);
	if (len > PREVIEW_MAX)
		len = PREVIEW_MAX;
	if (width > PREVIEW_LINE - 1)
		width = PREVIEW_LINE - 1;
	if (width < 8)
		width = 8;
	out->offset = offset;
	out->len = len;
	out->used = used_len(buf, len);
	out->text = preview_is_text(buf, len);
	/* where the window is, and the keys when there is more either side */
	char where[64], keys[16] = "";
	if (offset == 0)
		snprintf(where, sizeof where, "first %zu of %" PRIu64 " bytes", len, seg_size);
	else
		snprintf(where, sizeof where, "bytes %" PRIu64 "-%" PRIu64 " of %" PRIu64, offset,
			 offset + len - (len > 0), seg_size);
	if (offset > 0 || offset + len < seg_size)
		snprintf(keys, sizeof keys, "  PgUp/PgDn");
	snprintf(out->title, sizeof out->title, "preview: %s, %s%s%s", out->text ? "text" : "hex",
		 where, out->used < len ? ", then zeros" : "", keys);
	if (out->used == 0) {
		out->nlines = 1;
		snprintf(out->lines[0], PREVIEW_LINE, "(all %zu bytes are zero)", len);
		return;
	}
	if (out->text)
		format_text(out, buf, width);
	else
		format_hex(out, buf, width);
}

void preview_none(const char *why, struct preview *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->title, sizeof out->title, "preview: none");
	out->nlines = 1;
	int cut = snprintf(out->lines[0], PREVIEW_LINE, "%s", why); /* a long reason is cut */
	(void)cut;
}
