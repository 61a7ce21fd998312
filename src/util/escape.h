/* SPDX-License-Identifier: MIT */
/*
 * The one rule for showing text from outside (names in /dev/shm, memfd
 * names, process names and command lines, counter names and units, owner
 * names, previews) on a terminal or in a text format: nothing in it can
 * move the cursor, change the terminal's state or reorder what is shown
 * around it.
 *
 * Passed as is: printable ASCII but '\', and, where the output is UTF-8, a
 * well-formed UTF-8 character that is none of the controls below.
 * Written escaped, in ASCII:
 *   '\' as \\, newline as \n, tab as \t, carriage return as \r;
 *   any other C0 control (0x00..0x1f), DEL (0x7f) and any byte that does
 *   not start a well-formed UTF-8 character (C1 controls 0x80..0x9f as raw
 *   bytes among them) as \xNN;
 *   the well-formed characters that are controls: C1 (U+0080..U+009F), the
 *   bidirectional controls U+061C, U+200E, U+200F, U+202A..U+202E and
 *   U+2066..U+2069, and the line and paragraph separators U+2028 and U+2029,
 *   as \uXXXX (four lower-case hex digits; \UXXXXXXXX above U+FFFF).
 * Where the output is not UTF-8 (ESCAPE_ASCII, or ESCAPE_LOCALE in a
 * locale whose character set is not UTF-8), every byte past ASCII is \xNN.
 * The result is printable ASCII and UTF-8 only, one line, with no '\'
 * that is not the start of an escape.
 */
#ifndef SHMTOP_ESCAPE_H
#define SHMTOP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which characters past ASCII pass. */
enum escape_mode {
	/* For a terminal: where the locale's character set is UTF-8, those
	 * wcwidth() gives one or two cells (others as \uXXXX); else none. */
	ESCAPE_LOCALE,
	/* For a UTF-8 format whatever the locale (Prometheus): every one but
	 * the controls, counted one cell each. */
	ESCAPE_UTF8,
	/* None: every byte past ASCII as \xNN (a byte preview). */
	ESCAPE_ASCII,
};

/* The length of the well-formed UTF-8 character at s (1 to 4 bytes of at
 * most n; RFC 3629: no overlong form, no surrogate, nothing above
 * U+10FFFF), its code point in *cp; 0 if s does not start one.  Pure. */
size_t escape_utf8_char(const unsigned char *s, size_t n, uint32_t *cp);

/* Is code point cp one the rule writes escaped although it is well formed
 * (C0, DEL, C1, the bidirectional controls and the separators above)?
 * Pure; for an output with escapes of its own (JSON). */
bool escape_is_control(uint32_t cp);

/* Is the current locale's character set UTF-8? */
bool escape_locale_utf8(void);

/* The len bytes of text by the rule, into buf (outlen bytes, always
 * terminated when outlen > 0): at most max_cells cells and outlen - 1
 * bytes, cut only between whole characters and escapes.  Pure but for
 * the locale (ESCAPE_LOCALE); returns the cells written. */
int escape_text(const char *text, size_t len, enum escape_mode mode, int max_cells, char *buf,
		size_t outlen);

/* The string s (NULL as "") by the rule for the terminal (ESCAPE_LOCALE),
 * cut only to fit buf; returns buf. */
char *escape_str(const char *s, char *buf, size_t len);

#endif
