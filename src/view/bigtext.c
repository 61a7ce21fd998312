/* SPDX-License-Identifier: MIT */
#include "bigtext.h"

#include <string.h>

/* The characters drawn: digits, then the sign and the point of a signed or
 * real value. */
static const char glyphs[] = "0123456789-.";
#define NGLYPHS (sizeof glyphs - 1)

/* 3x5 pixel glyphs; each row is 3 bits, the high bit leftmost. */
static const unsigned char font[NGLYPHS][5] = {
	{ 7, 5, 5, 5, 7 }, { 2, 6, 2, 2, 7 }, { 7, 1, 7, 4, 7 }, { 7, 1, 7, 1, 7 },
	{ 5, 5, 7, 1, 1 }, { 7, 4, 7, 1, 7 }, { 7, 4, 7, 5, 7 }, { 7, 1, 1, 1, 1 },
	{ 7, 5, 7, 5, 7 }, { 7, 5, 7, 1, 7 }, { 0, 0, 7, 0, 0 }, { 0, 0, 0, 0, 2 },
};

/* Seven-segment glyphs, three rows of three characters. */
static const char *const seg[NGLYPHS][3] = {
	{ " _ ", "| |", "|_|" }, { "   ", "  |", "  |" }, { " _ ", " _|", "|_ " },
	{ " _ ", " _|", " _|" }, { "   ", "|_|", "  |" }, { " _ ", "|_ ", " _|" },
	{ " _ ", "|_ ", "|_|" }, { " _ ", "  |", "  |" }, { " _ ", "|_|", "|_|" },
	{ " _ ", "|_|", " _|" }, { "   ", " _ ", "   " }, { "   ", "   ", " . " },
};

size_t bigtext_width(size_t n)
{
	return n ? 4 * n - 1 : 0;
}

/* The half-block cell for the pixel pair (top, bottom). */
static const char *half(int top, int bottom)
{
	if (top && bottom)
		return "\u2588";
	if (top)
		return "\u2580";
	return bottom ? "\u2584" : " ";
}

/* Append s at *pos unless it does not fit; false once out is full. */
static bool put(char *out, size_t *pos, size_t outlen, const char *s)
{
	size_t l = strlen(s);
	if (*pos + l >= outlen)
		return false;
	memcpy(out + *pos, s, l);
	*pos += l;
	return true;
}

char *bigtext_row(const char *text, unsigned row, bool utf8, char *out, size_t outlen)
{
	size_t pos = 0;
	bool room = outlen > 0;
	for (const char *p = text; room && *p && row < BIGTEXT_ROWS; p++) {
		if (p != text)
			room = put(out, &pos, outlen, " ");
		const char *at = *p ? strchr(glyphs, *p) : NULL;
		if (!at) {
			room = room && put(out, &pos, outlen, "   ");
			continue;
		}
		size_t i = (size_t)(at - glyphs);
		const unsigned char *g = font[i];
		for (unsigned col = 0; room && col < 3; col++) {
			char c[2] = { seg[i][row][col], 0 };
			unsigned bit = 4u >> col;
			int top = (g[2 * row] & bit) != 0;
			int bottom = row < 2 && (g[2 * row + 1] & bit) != 0;
			room = put(out, &pos, outlen, utf8 ? half(top, bottom) : c);
		}
	}
	if (outlen > 0)
		out[pos] = '\0';
	return out;
}
