/* SPDX-License-Identifier: MIT */
/*
 * Drawing the view model onto stdscr.  Takes const data and changes nothing
 * but the curses screen.  Given the model drawn last time, it rewrites only
 * the parts whose text changed; curses then sends only the cells that did.
 */
#ifndef SHMTOP_DRAW_H
#define SHMTOP_DRAW_H

#include <stdbool.h>

#include "fnbar.h"
#include "layout.h"
#include "model.h"

/* The colour pairs draw_colors() sets up. */
enum { PAIR_GOOD = 1, PAIR_WARN, PAIR_BAD, PAIR_GRAPH, PAIR_OTHER };

struct draw_style {
	bool utf8;  /* block glyphs and Unicode lines; otherwise ASCII only, */
	bool acs;   /* but lines in the terminal's line drawing (ACS) */
	bool color; /* colour pairs were set up with draw_colors() */
};

#define DRAW_TEXT_ROWS_MAX 4 /* a long message wraps onto at most this many rows */

/* Set up the colour pairs; call once after start_color(). */
void draw_colors(void);

/* Draw m (not refreshed); the help overlay on top if help.  prev is the
 * model last drawn with the same layout and style, so only what differs from
 * it is drawn; NULL (or help) erases and draws everything. */
void draw_screen(const struct view_model *m, const struct view_model *prev, const struct layout *l,
		 const struct draw_style *s, bool help);

/* A horizontal line of n cells from (y, x): Unicode in UTF-8, else ACS (or
 * ASCII with --ascii); never the DEC charset in UTF-8. */
void draw_hline(int y, int x, int n, const struct draw_style *s);

/* Draw m's counters table on rows y .. y + h - 1: its title rule, the
 * column heads and the rows, the selected one in reverse; with prev, only
 * the rows whose text changed. */
void draw_counters(const struct view_model *m, const struct view_model *prev, int y, int h,
		   const struct draw_style *s);

/* The rows, 1 to DRAW_TEXT_ROWS_MAX, that m's message (without a value) or
 * control text (with one) takes word-wrapped at cols: struct layout_input's
 * text_rows. */
int draw_text_rows(const struct view_model *m, const struct draw_style *s, int cols);

/* A box of lines, titled, centred over the screen (cut to it): the help. */
void draw_help_box(const char *title, const char *const *lines, int n, const struct draw_style *s);

/* Bar b at (y, x) in htop's style: each key in reverse video, its label
 * after; the items that fit the row but its last cell. */
void draw_fnbar(int y, int x, const struct fnbar *b);

/* The dashboard's bar from a model's footer ("p pause  r reset  ...  q
 * quit"): F1Help first, each "KEY label" pair (capitalised), F2Setup,
 * F10 last, Quit or Back as q said. */
void draw_footer_bar(const char *footer, struct fnbar *b);

#endif
