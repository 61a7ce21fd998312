/* SPDX-License-Identifier: MIT */
/*
 * JSON strings that are always valid UTF-8, whatever bytes a name or a
 * command holds.  The one rule for every JSON shmtop writes: a byte that
 * does not start a well-formed UTF-8 sequence (a stray continuation byte,
 * an overlong form, a surrogate, a truncated sequence, 0xF5..0xFF) becomes
 * U+FFFD, one per byte; control characters (0x00..0x1F, DEL, and the
 * characters escape_is_control() names: C1 U+0080..U+009F, the
 * bidirectional controls, U+2028 and U+2029) are written as \uXXXX; '"' and
 * '\' are escaped.  An absent value (NULL) is null; an
 * empty string is "".
 *
 * json_string() writes a whole JSON string; json_clean() only replaces the
 * invalid bytes, for a library that escapes the rest itself (libsmartcols,
 * which writes \n, \t, ... and \u00XX, and DEL as it is: other bytes, the
 * same strings once parsed).
 */
#ifndef SHMTOP_JSON_H
#define SHMTOP_JSON_H

#include <stddef.h>

/* The length of the well-formed UTF-8 character at s (1 to 4 bytes, of at
 * most n available), or 0 if s does not start one.  Pure. */
size_t json_utf8_char(const unsigned char *s, size_t n);

/* s as a JSON string with its quotes, or null for NULL, into buf (len
 * bytes, always terminated when len > 0).  Returns the length it needed, as
 * snprintf does; output cut short never ends inside an escape. */
size_t json_string(const char *s, char *buf, size_t len);

/* s with every invalid byte replaced by U+FFFD, into buf (always
 * terminated when len > 0; cut short only between characters).  Returns
 * buf. */
char *json_clean(const char *s, char *buf, size_t len);

#endif
