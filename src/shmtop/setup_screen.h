/* SPDX-License-Identifier: MIT */
/*
 * The setup screen (F2) on screen (curses): its keys mapped onto
 * setup.h's, and its drawing.  The logic is setup.c's.
 */
#ifndef SHMTOP_SETUP_SCREEN_H
#define SHMTOP_SETUP_SCREEN_H

#include <stdbool.h>

#include "draw.h"
#include "setup.h"

enum setup_action {
	SETUP_NONE, /* nothing to do (an unknown key) */
	SETUP_KEY,  /* *k for setup_key() */
	SETUP_BACK, /* Esc, q, F2, F10 (Esc and Left close the checklist first) */
	SETUP_HELP, /* F1, ?, h */
	SETUP_QUIT, /* Ctrl-C */
};

/* What curses key ch does on s. */
enum setup_action setup_screen_key(const struct setup *s, int ch, enum setup_key *k);

/* Draw s on stdscr (not refreshed), the whole screen; its help over it. */
void setup_screen_draw(const struct setup *s, const struct draw_style *st, bool help);

#endif
