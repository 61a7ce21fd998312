/*
 * Drawing the view model onto stdscr.  Takes const data and changes nothing
 * but the curses screen; every row is rewritten in place each time, so
 * curses sends only the cells that changed.
 */
#ifndef SHMTOP_DRAW_H
#define SHMTOP_DRAW_H

#include <stdbool.h>

#include "shmtop/layout.h"
#include "shmtop/model.h"

struct draw_style {
	bool utf8;  /* block glyphs and Unicode lines; otherwise ASCII only */
	bool color; /* colour pairs were set up with draw_colors() */
};

/* Set up the colour pairs; call once after start_color(). */
void draw_colors(void);

/* Draw the whole screen (not refreshed); the help overlay on top if help. */
void draw_screen(const struct view_model *m, const struct layout *l,
		 const struct draw_style *s, bool help);

#endif
