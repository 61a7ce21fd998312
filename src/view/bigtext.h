/* SPDX-License-Identifier: MIT */
/*
 * Large digits for the live value, three text rows high so that a count can
 * be read across a room.  UTF-8 draws a 3x5-pixel font with half blocks
 * (█ ▀ ▄); ASCII draws seven-segment digits with _ and |.  Each digit is
 * three cells wide with one blank cell between digits.
 */
#ifndef SHMTOP_BIGTEXT_H
#define SHMTOP_BIGTEXT_H

#include <stdbool.h>
#include <stddef.h>

#define BIGTEXT_ROWS 3

/* Cells the big form of a string of n characters needs. */
size_t bigtext_width(size_t n);

/* Render row (0 .. BIGTEXT_ROWS-1) of text in big digits into out (outlen
 * bytes; 3 bytes a cell in UTF-8).  Characters other than digits, '-'
 * and '.' draw as blanks.  Returns out, always NUL-terminated, truncated if
 * short. */
char *bigtext_row(const char *text, unsigned row, bool utf8, char *out, size_t outlen);

#endif
