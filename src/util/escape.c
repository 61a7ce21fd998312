/* SPDX-License-Identifier: MIT */
/*
 * The escaper: a strict UTF-8 decoder, then one piece at a time (a
 * character as it is, or its escape), each piece kept whole or not at all.
 */
#include "escape.h"

#include <langinfo.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

size_t escape_utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1fu, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0fu, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool escape_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

bool escape_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && strcmp(cs, "UTF-8") == 0;
}

/* The piece for the bytes at p (n > 0 left) into out (room for 11 bytes):
 * its length in *olen and cells in *cells; returns the bytes it stands
 * for.  mode is ESCAPE_UTF8 or ESCAPE_ASCII, or ESCAPE_LOCALE in a UTF-8
 * locale. */
static size_t piece(const unsigned char *p, size_t n, enum escape_mode mode, char *out,
		    size_t *olen, int *cells)
{
	uint32_t cp = 0;
	size_t k = escape_utf8_char(p, n, &cp);
	if (k == 1 && !escape_is_control(cp) && cp != '\\') {
		out[0] = (char)cp;
		*olen = 1;
		*cells = 1;
		return 1;
	}
	if (k > 1 && mode != ESCAPE_ASCII && !escape_is_control(cp)) {
		int w = mode == ESCAPE_UTF8 ? 1 : wcwidth((wchar_t)cp);
		if (w >= 1) {
			memcpy(out, p, k);
			*olen = k;
			*cells = w;
			return k;
		}
	}
	if (k > 1 && mode != ESCAPE_ASCII)
		snprintf(out, 11, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
	else if (*p == '\\' || *p == '\n' || *p == '\t' || *p == '\r')
		snprintf(out, 11, "\\%c",
			 *p == '\\'   ? '\\'
			 : *p == '\n' ? 'n'
			 : *p == '\t' ? 't'
				      : 'r');
	else
		snprintf(out, 11, "\\x%02x", *p), k = 1;
	*olen = strlen(out);
	*cells = (int)*olen;
	return k;
}

int escape_text(const char *text, size_t len, enum escape_mode mode, int max_cells, char *buf,
		size_t outlen)
{
	size_t at = 0;
	int cells = 0;
	if (outlen == 0)
		return 0;
	if (mode == ESCAPE_LOCALE && !escape_locale_utf8())
		mode = ESCAPE_ASCII;
	for (size_t i = 0; i < len;) {
		char out[12];
		size_t olen;
		int w;
		size_t used = piece((const unsigned char *)text + i, len - i, mode, out, &olen, &w);
		if (cells + w > max_cells || at + olen >= outlen)
			break;
		memcpy(buf + at, out, olen);
		at += olen;
		cells += w;
		i += used;
	}
	buf[at] = '\0';
	return cells;
}

char *escape_str(const char *s, char *buf, size_t len)
{
	s = s ? s : "";
	escape_text(s, strlen(s), ESCAPE_LOCALE, INT_MAX, buf, len);
	return buf;
}
