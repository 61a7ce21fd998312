/* SPDX-License-Identifier: MIT */
/*
 * The JSON string writer: a UTF-8 decoder that accepts exactly the
 * well-formed sequences of RFC 3629 (no overlongs, no surrogates, nothing
 * above U+10FFFF), and an escaper over it.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, in UTF-8 */

size_t json_utf8_char(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned lo = 0x80, hi = 0xbf; /* the second byte's range */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
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
		size_t k = json_utf8_char(p, n);
		if (k == 0) {
			append(&o, REPLACEMENT, 3);
			k = 1;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			append(&o, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", *p);
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
