/* SPDX-License-Identifier: MIT */
/*
 * The JSON string writer: escape.h's UTF-8 decoder, which accepts exactly
 * the well-formed sequences of RFC 3629 (no overlongs, no surrogates,
 * nothing above U+10FFFF), and an escaper over it.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, in UTF-8 */

size_t json_utf8_char(const unsigned char *s, size_t n)
{
	uint32_t cp;
	return escape_utf8_char(s, n, &cp);
}

/* A caller's buffer that counts what it would need, as snprintf does,
 * and keeps only whole pieces (an escape, a character). */
struct sink {
	char *buf;
	size_t len, need, done; /* done: bytes written, all of whole pieces */
};

static void append(struct sink *o, const void *piece, size_t n)
{
	if (o->done == o->need && o->need + n < o->len) {
		memcpy(o->buf + o->done, piece, n);
		o->done += n;
	}
	o->need += n;
}

static size_t finish(struct sink *o)
{
	if (o->len)
		o->buf[o->done] = '\0';
	return o->need;
}

size_t json_string(const char *s, char *buf, size_t len)
{
	struct sink o = { buf, len, 0, 0 };
	if (!s) {
		append(&o, "null", 4);
		return finish(&o);
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	append(&o, "\"", 1);
	while (n) {
		char esc[8];
		uint32_t cp;
		size_t k = escape_utf8_char(p, n, &cp);
		if (k == 0) {
			append(&o, REPLACEMENT, 3);
			k = 1;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			append(&o, esc, 2);
		} else if (escape_is_control(cp)) {
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
			append(&o, esc, 6);
		} else {
			append(&o, p, k);
		}
		p += k;
		n -= k;
	}
	append(&o, "\"", 1);
	return finish(&o);
}

char *json_clean(const char *s, char *buf, size_t len)
{
	struct sink o = { buf, len, 0, 0 };
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	while (n) {
		size_t k = json_utf8_char(p, n);
		if (k == 0) {
			append(&o, REPLACEMENT, 3);
			k = 1;
		} else {
			append(&o, p, k);
		}
		p += k;
		n -= k;
	}
	finish(&o);
	return buf;
}
